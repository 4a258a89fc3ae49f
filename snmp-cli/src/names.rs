//! MIB names in and out: the `-m`, `-M` and `-O` options, shared by every command, and
//! `snmp translate`.

use std::io::Write;

use clap::Args;
use snmp_mib::{Format, Kind, Mib, Node};
use snmp_tokio::{Oid, Value, VarBind};

use crate::Failure;

/// Net-SNMP's MIB and output options.
#[derive(Args, Clone, Default)]
pub(crate) struct MibOpts {
    /// MIB modules to load, colon separated (`IF-MIB:IP-MIB`, `+MOD` to add, `ALL`); as
    /// Net-SNMP's -m (default: its default list, or MIBS).
    #[arg(short = 'm', value_name = "MODULES")]
    modules: Option<String>,
    /// Folders to search for MIB files, colon separated (`+DIR` to add after the defaults);
    /// as Net-SNMP's -M (default: ~/.snmp/mibs and the built-in standard set, or MIBDIRS).
    #[arg(short = 'M', value_name = "DIRS")]
    dirs: Option<String>,
    /// Output options, as Net-SNMP's -O: n f s S u (OID style), q Q v (quick, value only),
    /// e (numeric enums), b (no index breakdown), x a (hex, ascii strings), t (numeric
    /// timeticks), T (hex with text), U (no units), X (extended index), E (escape quotes).
    #[arg(short = 'O', value_name = "FLAGS")]
    output: Vec<String>,
}

/// The loaded MIB and the output format of one command.
pub(crate) struct Names {
    pub(crate) mib: Mib,
    pub(crate) fmt: Format,
}

impl MibOpts {
    /// Loads the modules (the embedded default when no option or variable asks for more).
    pub(crate) fn load(&self) -> Result<Names, Failure> {
        let mut fmt = Format::default();
        for flags in &self.output {
            for c in flags.chars() {
                fmt.apply(c).map_err(|e| Failure::Usage(e.to_string()))?;
            }
        }
        let mut loader = snmp_mib::Loader::new();
        if let Some(d) = &self.dirs {
            loader = loader.dirs(d);
        }
        if let Some(m) = &self.modules {
            loader = loader.modules(m);
        }
        let loaded = loader.load().map_err(|e| Failure::Usage(e.to_string()))?;
        Ok(Names {
            mib: loaded.mib,
            fmt,
        })
    }
}

impl Names {
    /// A name or OID, resolved (`sysDescr.0`, `IF-MIB::ifDescr.3`, `.1.3.6.1`).
    pub(crate) fn resolve(&self, text: &str) -> Result<Oid, Failure> {
        self.mib
            .resolve(text)
            .map_err(|e| Failure::Usage(e.to_string()))
    }

    /// Several.
    pub(crate) fn resolve_all(&self, list: &[String]) -> Result<Vec<Oid>, Failure> {
        list.iter().map(|s| self.resolve(s)).collect()
    }

    /// One varbind line.
    pub(crate) fn line(&self, oid: &Oid, value: &Value) -> String {
        self.fmt.varbind(&self.mib, oid, value)
    }

    /// The OID as the format names it.
    pub(crate) fn oid(&self, oid: &Oid) -> String {
        self.fmt.oid(&self.mib, oid)
    }

    /// The node an OID names exactly or is an instance of.
    pub(crate) fn node(&self, oid: &Oid) -> Option<Node<'_>> {
        self.mib.lookup(oid.arcs()).map(|(n, _)| n)
    }
}

/// Lines to stdout, buffered; a closed pipe (`| head`) ends the command quietly.
pub(crate) struct Out {
    w: std::io::BufWriter<std::io::Stdout>,
    pub(crate) closed: bool,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            w: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            closed: false,
        }
    }

    /// Writes a line; false once the reader has gone.
    pub(crate) fn line(&mut self, s: &str) -> bool {
        if self.closed {
            return false;
        }
        if self
            .w
            .write_all(s.as_bytes())
            .and_then(|()| self.w.write_all(b"\n"))
            .is_err()
        {
            self.closed = true;
        }
        !self.closed
    }

    /// Flushes (also before anything goes to stderr, so the two stay in order).
    pub(crate) fn flush(&mut self) {
        if !self.closed && self.w.flush().is_err() {
            self.closed = true;
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}

/// `snmp translate`: snmptranslate's common forms.
#[derive(Args, Clone)]
pub(crate) struct Translate {
    #[command(flatten)]
    names: MibOpts,
    /// Reports, as snmptranslate's -T: d (full description), z (every node: "name" "oid"),
    /// p (the tree under the OID).
    #[arg(short = 'T', value_name = "REPORT")]
    report: Option<String>,
    /// Input options, as snmptranslate's -I (R: random access, which is always on here).
    #[arg(short = 'I', value_name = "FLAGS")]
    input: Option<String>,
    /// Names or OIDs.
    oids: Vec<String>,
}

impl Translate {
    pub(crate) fn run(&self) -> Result<(), Failure> {
        let names = self.names.load()?;
        let mut out = Out::new();
        match self.report.as_deref() {
            Some("z") => {
                // Every label with its OID, in OID order; a node's other names (another
                // module's descriptor for the same OID) follow its own. The three roots are
                // not listed, as in snmptranslate.
                let mut aliases: std::collections::HashMap<u32, Vec<&str>> = Default::default();
                for (name, n, _) in names.mib.name_index() {
                    if name != n.name() {
                        let list = aliases.entry(n.position()).or_default();
                        if !list.contains(&name) {
                            list.push(name);
                        }
                    }
                }
                for n in names
                    .mib
                    .nodes()
                    .filter(|n| n.depth() > 1 && !n.name().is_empty())
                {
                    let oid = n.oid();
                    let extra = aliases.get(&n.position()).into_iter().flatten();
                    for name in std::iter::once(&n.name()).chain(extra) {
                        if !out.line(&format!("\"{name}\"\t\t\t\"{oid}\"")) {
                            return Ok(());
                        }
                    }
                }
                return Ok(());
            }
            Some("d") | Some("p") | None => {}
            Some(other) => {
                return Err(Failure::Usage(format!(
                    "Invalid -T<report> option: {other}"
                )));
            }
        }
        if self.oids.is_empty() {
            return Err(Failure::Usage("No OID given".into()));
        }
        for (i, text) in self.oids.iter().enumerate() {
            // snmptranslate separates the answers for several OIDs with an empty line.
            if i > 0 {
                out.line("");
            }
            let oid = names.resolve(text)?;
            match self.report.as_deref() {
                Some("d") => describe(&names, &oid, &mut out),
                Some("p") => tree(&names, &oid, &mut out),
                _ => {
                    out.line(&names.oid(&oid));
                }
            }
        }
        Ok(())
    }
}

/// snmptranslate -Td: the definition as Net-SNMP's parser kept it.
fn describe(names: &Names, oid: &Oid, out: &mut Out) {
    let mut head = names.fmt.clone();
    head.oid = snmp_mib::OidStyle::Module;
    out.line(&head.oid(&names.mib, oid));
    let Some((n, depth)) = names.mib.lookup(oid.arcs()) else {
        return;
    };
    let macro_name = match n.kind() {
        Kind::Notification => "NOTIFICATION-TYPE",
        Kind::Group => "OBJECT-GROUP",
        Kind::Capability => "AGENT-CAPABILITIES",
        Kind::ModuleIdentity => "MODULE-IDENTITY",
        Kind::Compliance => "MODULE-COMPLIANCE",
        Kind::ObjectIdentity => "OBJECT-IDENTITY",
        _ => "OBJECT-TYPE",
    };
    out.line(&format!("{} {macro_name}", n.name()));
    // Every module that defines the node, as snmptranslate lists them.
    let mut from: Vec<&str> = names
        .mib
        .name_index()
        .filter(|(name, m, _)| *name == n.name() && m.position() == n.position())
        .map(|(_, _, module)| module.name())
        .filter(|m| !m.is_empty())
        .collect();
    from.dedup();
    if from.is_empty() {
        from.push(n.module().name());
    }
    out.line(&format!("  -- FROM\t{}", from.join(", ")));
    let quoted = |label: &str, text: &str| format!("  {label}\t\"{text}\"");
    if n.kind().is_object() {
        if let Some(t) = n.syntax() {
            // The chain of names down to the SMI's own type: the first is the textual
            // convention (when it is not the SMI type itself), the SMI type is the base.
            let chain: Vec<&str> = t.names().collect();
            let smi = chain.iter().position(|n| SMI_TYPES.contains(n));
            let base = smi.map(|i| chain[i]).unwrap_or_else(|| base_name(t.base()));
            if let Some(tc) = chain.first().filter(|_| smi.is_none_or(|i| i > 0)) {
                out.line(&format!("  -- TEXTUAL CONVENTION {tc}"));
            }
            out.line(&format!("  SYNTAX\t{base}{}", constraints(t)));
            if !t.hint().is_empty() {
                out.line(&quoted("DISPLAY-HINT", t.hint()));
            }
        }
        if !n.units().is_empty() {
            out.line(&format!("  UNITS\t\t\"{}\"", n.units()));
        }
        out.line(&format!("  MAX-ACCESS\t{}", n.access().as_str()));
        if !n.status().as_str().is_empty() {
            out.line(&format!("  STATUS\t{}", n.status().as_str()));
        }
        let index: Vec<String> = n
            .index()
            .map(|(ix, implied)| {
                if implied {
                    format!("IMPLIED {}", ix.name())
                } else {
                    ix.name().to_owned()
                }
            })
            .collect();
        if !index.is_empty() {
            out.line(&format!("  INDEX\t\t{{ {} }}", index.join(", ")));
        }
        if let Some(a) = n.augments() {
            out.line(&format!("  AUGMENTS\t{{ {} }}", a.name()));
        }
    }
    if n.kind() == Kind::Notification {
        let members: Vec<&str> = n.members().map(|m| m.name()).collect();
        if !members.is_empty() {
            out.line(&format!("  OBJECTS\t{{ {} }}", members.join(", ")));
        }
    }
    if !n.description().is_empty() {
        out.line(&quoted("DESCRIPTION", n.description()));
    }
    if n.kind().is_object() && !n.defval().is_empty() {
        // snmptranslate shows a hex-string DEFVAL ('00'H) as 0.
        let d = n.defval();
        let d = if d.starts_with('\'') && (d.ends_with("'H") || d.ends_with("'h")) {
            "0"
        } else {
            d
        };
        out.line(&format!("  DEFVAL\t{{ {d} }}"));
    }
    let mut path = Vec::new();
    let mut at = n.parent();
    while let Some(p) = at {
        path.push(format!("{}({})", p.name(), p.arc()));
        at = p.parent();
    }
    path.reverse();
    let mut tail = format!("{}", n.arc());
    for a in &oid.arcs()[depth..] {
        tail = format!("{tail} {a}");
    }
    out.line(&format!("::= {{ {} {tail} }}", path.join(" ")));
}

/// The SMI's own types (SNMPv2-SMI, RFC1155-SMI and the ASN.1 ones).
const SMI_TYPES: [&str; 15] = [
    "INTEGER",
    "OCTET STRING",
    "OBJECT IDENTIFIER",
    "BITS",
    "Integer32",
    "Unsigned32",
    "Counter32",
    "Counter64",
    "Gauge32",
    "TimeTicks",
    "IpAddress",
    "Opaque",
    "Counter",
    "Gauge",
    "NetworkAddress",
];

/// ` {a(1), b(2)} `, ` (1..10) `, ` (8 | 11) ` as snmptranslate writes a syntax's
/// enumeration, range or size.
fn constraints(t: snmp_mib::Type<'_>) -> String {
    let enums: Vec<String> = t.enums().map(|(v, l)| format!("{l}({v})")).collect();
    if !enums.is_empty() {
        return format!(" {{{}}} ", enums.join(", "));
    }
    let list = |pairs: Vec<(i64, i64)>| {
        pairs
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}..{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let ranges: Vec<(i64, i64)> = t.ranges().collect();
    if !ranges.is_empty() {
        return format!(" ({}) ", list(ranges));
    }
    let sizes: Vec<(i64, i64)> = t.sizes().collect();
    if !sizes.is_empty() && t.base() != snmp_mib::BaseType::IpAddress {
        return format!(" ({}) ", list(sizes));
    }
    String::new()
}

fn base_name(b: snmp_mib::BaseType) -> &'static str {
    use snmp_mib::BaseType as B;
    match b {
        B::Integer32 => "INTEGER",
        B::Unsigned32 => "Unsigned32",
        B::Counter32 => "Counter32",
        B::Counter64 => "Counter64",
        B::Gauge32 => "Gauge32",
        B::TimeTicks => "TimeTicks",
        B::IpAddress => "IpAddress",
        B::OctetString => "OCTET STRING",
        B::ObjectIdentifier => "OBJECT IDENTIFIER",
        B::Bits => "BITS",
        B::Opaque => "Opaque",
        _ => "",
    }
}

/// snmptranslate -Tp: the subtree as Net-SNMP's tree printer draws it.
fn tree(names: &Names, oid: &Oid, out: &mut Out) {
    let Some(root) = names.mib.node_by_oid(oid.arcs()) else {
        return;
    };
    let mut indent = vec![b' '];
    let mut simple = false;
    leaves(root, &mut indent, &mut simple, out);
}

/// Whether Net-SNMP counts the node as a leaf with a syntax (not a table, entry, plain
/// node, notification or group).
fn has_syntax(n: Node<'_>) -> bool {
    n.kind().is_object() && n.syntax().is_some() && !matches!(n.kind(), Kind::Table | Kind::Row)
}

fn leaves(n: Node<'_>, indent: &mut Vec<u8>, simple: &mut bool, out: &mut Out) {
    let ip = indent.len() - 1;
    let last = indent[ip];
    indent[ip] = b'+';
    let text = |indent: &[u8]| String::from_utf8_lossy(indent).into_owned();
    if !has_syntax(n) {
        out.line(&format!("{}--{}({})", text(indent), n.name(), n.arc()));
        let index: Vec<&str> = n.index().map(|(ix, _)| ix.name()).collect();
        if !index.is_empty() {
            indent[ip] = last;
            out.line(&format!("{}  |  Index: {}", text(indent), index.join(", ")));
            indent[ip] = b'+';
        }
    } else {
        let acc = match n.access() {
            snmp_mib::Access::NotAccessible => "----",
            snmp_mib::Access::ReadOnly => "-R--",
            snmp_mib::Access::WriteOnly => "--W-",
            snmp_mib::Access::ReadWrite => "-RW-",
            snmp_mib::Access::ReadCreate => "CR--",
            snmp_mib::Access::AccessibleForNotify => "---N",
            _ => "    ",
        };
        let t = n.syntax();
        let chain: Vec<&str> = t.map(|t| t.names().collect()).unwrap_or_default();
        let smi = chain.iter().position(|c| SMI_TYPES.contains(c));
        let enums: Vec<String> = t
            .map(|t| t.enums().map(|(v, l)| format!("{l}({v})")).collect())
            .unwrap_or_default();
        let (typ, size) = match smi.map(|i| chain[i]) {
            Some("OBJECT IDENTIFIER") => ("ObjID    ", false),
            Some("OCTET STRING") => ("String   ", true),
            Some("INTEGER") if !enums.is_empty() => ("EnumVal  ", false),
            Some("INTEGER") => ("INTEGER  ", false),
            Some("Integer32") if !enums.is_empty() => ("EnumVal  ", false),
            Some("Integer32") => ("Integer32", false),
            Some("NetworkAddress") => ("NetAddr  ", false),
            Some("IpAddress") => ("IpAddr   ", false),
            Some("Counter32" | "Counter") => ("Counter  ", false),
            Some("Gauge32" | "Gauge") => ("Gauge    ", false),
            Some("TimeTicks") => ("TimeTicks", false),
            Some("Opaque") => ("Opaque   ", true),
            Some("Counter64") => ("Counter64", false),
            Some("BITS") => ("BitString", false),
            Some("Unsigned32") => ("Unsigned ", false),
            _ => ("         ", false),
        };
        out.line(&format!(
            "{}-- {acc} {typ} {}({})",
            text(indent),
            n.name(),
            n.arc()
        ));
        indent[ip] = last;
        if let Some(tc) = chain.first().filter(|_| smi.is_none_or(|i| i > 0)) {
            out.line(&format!("{}        Textual Convention: {tc}", text(indent)));
        }
        if !enums.is_empty() {
            out.line(&format!(
                "{}        Values: {}",
                text(indent),
                enums.join(", ")
            ));
        }
        if let Some(t) = t {
            let ranges: Vec<(i64, i64)> = if size {
                t.sizes().collect()
            } else if enums.is_empty() {
                t.ranges().collect()
            } else {
                Vec::new()
            };
            if !ranges.is_empty() {
                // snmptranslate writes no values for an Opaque's size.
                let list: Vec<String> = ranges
                    .iter()
                    .filter(|_| typ != "Opaque   ")
                    .map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a}..{b}")
                        }
                    })
                    .collect();
                let what = if size { "Size" } else { "Range" };
                out.line(&format!(
                    "{}        {what}: {}",
                    text(indent),
                    list.join(" | ")
                ));
            }
        }
    }
    indent[ip] = last;
    indent.extend_from_slice(b"  |");
    let children: Vec<Node<'_>> = n.children().collect();
    let count = children.len();
    // An empty line before a child when the node printed last, or the child, is a plain
    // OID assignment, table or entry (Net-SNMP's TYPE_OTHER).
    *simple = !is_other(n);
    for (i, c) in children.into_iter().enumerate() {
        if !*simple || is_other(c) {
            out.line(&text(indent));
        }
        if i + 1 == count {
            indent[ip + 3] = b' ';
        }
        leaves(c, indent, simple, out);
    }
    if count > 0 {
        *simple = false;
    }
    indent.truncate(ip + 1);
}

/// Net-SNMP's TYPE_OTHER: a node with no macro of its own (an OBJECT IDENTIFIER value, a
/// table, an entry).
fn is_other(n: Node<'_>) -> bool {
    match n.kind() {
        Kind::Node | Kind::Table | Kind::Row | Kind::Unknown => true,
        k if k.is_object() => n.syntax().is_none(),
        _ => false,
    }
}

/// Net-SNMP's SET type letters, with MIB help: `=` takes the type from the MIB, `i` takes
/// enumeration labels (`down`) as well as numbers.
pub(crate) fn parse_triples(names: &Names, list: &[String]) -> Result<Vec<VarBind>, Failure> {
    let bad = Failure::Usage;
    list.chunks(3)
        .map(|t| {
            let [oid, ty, v] = t else {
                return Err(bad("values come as OID TYPE VALUE".into()));
            };
            let oid = names.resolve(oid)?;
            let node = names.node(&oid);
            let syntax = node.and_then(|n| n.syntax());
            let ty = if ty == "=" {
                use snmp_mib::BaseType as B;
                match syntax.map(|s| s.base()) {
                    Some(B::Integer32) => "i",
                    Some(B::Unsigned32 | B::Gauge32) => "u",
                    Some(B::Counter32) => "c",
                    Some(B::Counter64) => "C",
                    Some(B::TimeTicks) => "t",
                    Some(B::IpAddress) => "a",
                    Some(B::ObjectIdentifier) => "o",
                    Some(B::OctetString) => "s",
                    Some(B::Bits) => "b",
                    _ => {
                        return Err(bad(format!(
                            "{oid}: the MIB gives no type for '=' (give one of i u t a o s x)"
                        )))
                    }
                }
            } else {
                ty.as_str()
            };
            let num = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| bad(format!("not a number: {v}")))
            };
            // 32-bit types refuse what does not fit, as snmpset does (no silent truncation).
            let num32 = |v: &str| {
                u32::try_from(num(v)?).map_err(|_| bad(format!("{v}: Value out of range")))
            };
            let value = match ty {
                "i" => match v.parse::<i32>() {
                    Ok(i) => Value::Integer(i),
                    Err(_) => {
                        let label = syntax.and_then(|s| s.enum_value(v));
                        match label.and_then(|l| i32::try_from(l).ok()) {
                            Some(i) => Value::Integer(i),
                            None => return Err(bad(format!("not an integer or label: {v}"))),
                        }
                    }
                },
                "u" => Value::Gauge32(num32(v)?),
                "c" => Value::Counter32(num32(v)?),
                "C" => Value::Counter64(num(v)?),
                "t" => Value::TimeTicks(num32(v)?),
                "a" => Value::IpAddress(
                    v.parse::<std::net::Ipv4Addr>()
                        .map_err(|_| bad(format!("not an address: {v}")))?
                        .octets(),
                ),
                "o" => Value::ObjectIdentifier(names.resolve(v)?),
                "s" => Value::from(v.as_str()),
                "b" => {
                    // BITS: labels or bit numbers, separated by spaces or commas.
                    let mut bytes: Vec<u8> = Vec::new();
                    for tok in v.split([' ', ',']).filter(|t| !t.is_empty()) {
                        let bit = match tok.parse::<u32>() {
                            Ok(b) => b,
                            Err(_) => syntax
                                .and_then(|s| s.enum_value(tok))
                                .and_then(|b| u32::try_from(b).ok())
                                .ok_or_else(|| bad(format!("unknown bit {tok}")))?,
                        };
                        if bit > 1 << 16 {
                            return Err(bad(format!("bit {bit} out of range")));
                        }
                        let byte = (bit / 8) as usize;
                        if bytes.len() <= byte {
                            bytes.resize(byte + 1, 0);
                        }
                        bytes[byte] |= 0x80 >> (bit % 8);
                    }
                    Value::from(bytes)
                }
                "x" => {
                    // Hex digits in pairs, tokens separated by spaces (`00 15 99`, `001599`); a
                    // token's odd last digit is an octet of its own.
                    let mut out = Vec::new();
                    for token in v.split_whitespace() {
                        if !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return Err(bad(format!("bad hex {v}")));
                        }
                        for pair in token.as_bytes().chunks(2) {
                            let text = std::str::from_utf8(pair).unwrap_or("");
                            out.push(
                                u8::from_str_radix(text, 16)
                                    .map_err(|_| bad(format!("bad hex {v}")))?,
                            );
                        }
                    }
                    Value::from(out)
                }
                "n" => Value::Null,
                t => return Err(bad(format!("unknown type {t}"))),
            };
            Ok(VarBind::new(oid, value))
        })
        .collect()
}
