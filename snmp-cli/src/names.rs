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
    /// timeticks), T (hex with text), U (no units), X (extended index), E (escape quotes), 0
    /// (two-digit hex), p WIDTH.PRECISION (floats).
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
            let mut chars = flags.chars();
            while let Some(c) = chars.next() {
                if c == 'p' {
                    // -Op PRECISION: the rest (joined from the next argument) is printf's
                    // WIDTH.PRECISION for floats.
                    let text = chars.as_str();
                    fmt.float_format =
                        Some(snmp_mib::FloatFormat::parse(text).ok_or_else(|| {
                            Failure::Usage(format!("Invalid output precision after -Op: {text}"))
                        })?);
                    break;
                }
                fmt.apply(c).map_err(|e| Failure::Usage(e.to_string()))?;
            }
        }
        let mut loader = snmp_mib::Loader::new();
        // snmp.conf's mibdirs and mibs, unless the environment sets them (which wins).
        let conf = crate::config::get();
        if let (Some(d), Err(_)) = (&conf.mibdirs, std::env::var("MIBDIRS")) {
            loader = loader.dirs(d);
        }
        if let (Some(m), Err(_)) = (&conf.mibs, std::env::var("MIBS")) {
            loader = loader.modules(m);
        }
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
            .map_err(|e| Failure::Usage(crate::netsnmp::name_error(&e, &self.mib)))
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
    /// One line's text, reused from line to line.
    scratch: String,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            w: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            closed: false,
            scratch: String::with_capacity(256),
        }
    }

    /// Writes one varbind line as the format prints it, without a new String for it.
    pub(crate) fn varbind(&mut self, names: &Names, oid: &Oid, value: &Value) -> bool {
        let mut line = std::mem::take(&mut self.scratch);
        line.clear();
        names.fmt.write_varbind(&mut line, &names.mib, oid, value);
        let open = self.line(&line);
        self.scratch = line;
        open
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

/// Which tool reads the triples: snmpset takes its own list of type letters; snmptrap hands
/// them to libnetsnmp, which also takes `c` (Counter32) and `C` (Counter64).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TripleFor {
    Set,
    Notification,
}

/// Net-SNMP's name for the MIB type of an object, in `Type of attribute is X, not Y`.
fn mib_type_name(t: &snmp_mib::Type<'_>) -> &'static str {
    use snmp_mib::BaseType as B;
    match t.base() {
        B::Integer32 if t.names().any(|n| n == "Integer32") => "Integer32",
        B::Integer32 => "INTEGER",
        B::Unsigned32 => "Unsigned32",
        B::Gauge32 => "Gauge32",
        B::Counter32 => "Counter32",
        B::Counter64 => "Counter64",
        B::TimeTicks => "Timeticks",
        B::IpAddress => "IpAddress",
        B::OctetString => "OCTET STRING",
        B::ObjectIdentifier => "OBJECT IDENTIFIER",
        B::Bits => "BITS",
        B::Opaque => "Opaque",
        _ => "TYPE_0",
    }
}

/// An Opaque wrapping one of Net-SNMP's special types (`9f 7a` counter64, `9f 7a` int64...):
/// the inner tag's two octets, then the length and content octets.
fn opaque(tag: u8, content: &[u8]) -> Value {
    let mut b = vec![0x9f, tag, content.len() as u8];
    b.extend_from_slice(content);
    Value::Opaque(b.into())
}

/// The shortest two's-complement octets of `v` (BER INTEGER content).
fn int_octets(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes[start..].to_vec()
}

/// The shortest unsigned octets of `v` (with a leading 0 when the top bit is set).
fn uint_octets(v: u64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let mut out = Vec::new();
    if bytes[start] & 0x80 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&bytes[start..]);
    out
}

/// `OID TYPE VALUE` triples, as snmpset and snmptrap read them. TYPE is its first letter
/// (`i` INTEGER or an enumeration label, `u` Unsigned32, `t` TimeTicks, `a` IpAddress, `o`
/// OID, `s` string, `x` hex, `d` decimal octets, `b` BITS, `n` NULL, `U` `I` `F` `D` Net-SNMP's
/// Opaque counter64/int64/float/double, `=` the MIB's type; for notifications also `c` and
/// `C`). Where the MIB knows the object, the type must match it and a number its ranges, with
/// libnetsnmp's messages (`sysContact.0: Bad variable type (Type of attribute is OCTET
/// STRING, not INTEGER)`).
pub(crate) fn parse_triples(
    names: &Names,
    list: &[String],
    tool: TripleFor,
) -> Result<Vec<VarBind>, Failure> {
    let mut out = Vec::new();
    let mut rest = list;
    while let Some((oid_text, after)) = rest.split_first() {
        let oid_text = oid_text.as_str();
        let (ty, v, after) = match after {
            [] => {
                return Err(Failure::Usage(format!("{oid_text}: Needs type and value")));
            }
            [_] => return Err(Failure::Usage(format!("{oid_text}: Needs value"))),
            [t, v, after @ ..] => (t.as_str(), v.as_str(), after),
        };
        rest = after;
        let fail = |m: String| Failure::Usage(format!("{oid_text}: {m}"));
        let notation = || fail(format!("Bad value notation ({v})"));
        let oid = names.resolve(oid_text)?;
        let node = names.node(&oid);
        let syntax = node.and_then(|n| n.syntax());
        let letter = ty.chars().next().unwrap_or(' ');
        let allowed = match tool {
            TripleFor::Set => "=iutaosxdbnUIFD",
            TripleFor::Notification => "=iutaosxdbnUIFDcC",
        };
        if !allowed.contains(letter) {
            return Err(fail(format!("Bad object type: {letter}")));
        }
        use snmp_mib::BaseType as B;
        let letter = if letter == '=' {
            match syntax.map(|s| s.base()) {
                Some(B::Integer32) => 'i',
                Some(B::Unsigned32 | B::Gauge32) => 'u',
                Some(B::Counter32) => 'c',
                Some(B::Counter64) => 'C',
                Some(B::TimeTicks) => 't',
                Some(B::IpAddress) => 'a',
                Some(B::ObjectIdentifier) => 'o',
                Some(B::Bits) => 'b',
                Some(B::OctetString) => 's',
                _ => return Err(fail(format!("Bad object type: {letter}"))),
            }
        } else {
            letter
        };
        // The MIB's type must be the one the letter sends, as libnetsnmp checks it.
        if let Some(t) = syntax {
            let base = t.base();
            let ok: Option<(bool, &str)> = match letter {
                'i' => Some((base == B::Integer32, "INTEGER")),
                'u' => Some((matches!(base, B::Unsigned32 | B::Gauge32), "Unsigned32")),
                'c' => Some((base == B::Counter32, "Counter32")),
                'C' => Some((base == B::Counter64, "Counter64")),
                't' => Some((base == B::TimeTicks, "Timeticks")),
                'a' => Some((base == B::IpAddress, "IpAddress")),
                'o' => Some((base == B::ObjectIdentifier, "OBJECT IDENTIFIER")),
                's' | 'x' | 'd' => Some((matches!(base, B::OctetString | B::Bits), "OCTET STRING")),
                'b' => Some((base == B::Bits && t.is_bits(), "BITS")),
                _ => None,
            };
            if let Some((false, given)) = ok {
                if base != B::Unknown {
                    return Err(fail(format!(
                        "Bad variable type (Type of attribute is {}, not {given})",
                        mib_type_name(&t)
                    )));
                }
            }
        }
        let ranges: Vec<(i64, i64)> = syntax.map(|t| t.ranges().collect()).unwrap_or_default();
        let in_range =
            |n: i64| ranges.is_empty() || ranges.iter().any(|&(lo, hi)| lo <= n && n <= hi);
        let range_text = || {
            let parts: Vec<String> = ranges
                .iter()
                .map(|(lo, hi)| format!("({lo}..{hi})"))
                .collect();
            format!("{{{}}}", parts.join(", "))
        };
        let u32_of = |v: &str| -> Result<u32, Failure> {
            let n: u64 = v.parse().map_err(|_| notation())?;
            u32::try_from(n).map_err(|_| fail(format!("Value out of range ({v})")))
        };
        let value = match letter {
            'i' => {
                let n = match v.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => syntax
                        .and_then(|s| s.enum_value(v))
                        .ok_or_else(|| fail(format!("Value out of range ({v})")))?,
                };
                if !in_range(n) {
                    return Err(fail(format!(
                        "Value out of range ({n} :: {})",
                        range_text()
                    )));
                }
                Value::Integer(
                    i32::try_from(n).map_err(|_| fail(format!("Value out of range ({v})")))?,
                )
            }
            'u' => {
                let n = u32_of(v)?;
                if !in_range(i64::from(n)) {
                    return Err(fail(format!(
                        "Value out of range ({n} :: {})",
                        range_text()
                    )));
                }
                Value::Gauge32(n)
            }
            'c' => Value::Counter32(u32_of(v)?),
            'C' => Value::Counter64(v.parse().map_err(|_| notation())?),
            't' => Value::TimeTicks(u32_of(v)?),
            'a' => Value::IpAddress(
                v.parse::<std::net::Ipv4Addr>()
                    .map_err(|_| notation())?
                    .octets(),
            ),
            'o' => Value::ObjectIdentifier(names.resolve(v)?),
            's' => Value::from(v),
            'x' => {
                // Hex digits, optionally after 0x, with any spaces between octets.
                let digits: String = v
                    .trim_start_matches("0x")
                    .trim_start_matches("0X")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(notation());
                }
                let bytes: Option<Vec<u8>> = (0..digits.len())
                    .step_by(2)
                    .map(|i| {
                        digits
                            .get(i..i + 2)
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    })
                    .collect();
                Value::from(bytes.ok_or_else(notation)?)
            }
            'd' => {
                // Decimal octets separated by dots or spaces (`1.2.3`, `10 20 30`).
                let bytes: Option<Vec<u8>> = v
                    .split(['.', ' '])
                    .filter(|t| !t.is_empty())
                    .map(|t| t.parse::<u8>().ok())
                    .collect();
                Value::from(bytes.ok_or_else(notation)?)
            }
            'b' => {
                // BITS: labels or bit numbers, separated by spaces or commas.
                let mut bytes: Vec<u8> = Vec::new();
                for tok in v.split([' ', ',']).filter(|t| !t.is_empty()) {
                    let bit = match tok.parse::<u32>() {
                        Ok(b) => b,
                        Err(_) => syntax
                            .and_then(|s| s.enum_value(tok))
                            .and_then(|b| u32::try_from(b).ok())
                            .ok_or_else(|| fail(format!("Bad value name ({tok})")))?,
                    };
                    if bit > 1 << 16 {
                        return Err(fail(format!("Value out of range ({tok})")));
                    }
                    let byte = (bit / 8) as usize;
                    if bytes.len() <= byte {
                        bytes.resize(byte + 1, 0);
                    }
                    bytes[byte] |= 0x80 >> (bit % 8);
                }
                Value::from(bytes)
            }
            'n' => Value::Null,
            'U' => opaque(0x7b, &uint_octets(v.parse().map_err(|_| notation())?)),
            'I' => opaque(0x7a, &int_octets(v.parse().map_err(|_| notation())?)),
            'F' => Value::OpaqueFloat(v.parse().map_err(|_| notation())?),
            'D' => Value::OpaqueDouble(v.parse().map_err(|_| notation())?),
            other => return Err(fail(format!("Bad object type: {other}"))),
        };
        out.push(VarBind::new(oid, value));
    }
    Ok(out)
}
