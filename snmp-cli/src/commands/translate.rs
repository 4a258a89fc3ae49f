//! `snmp translate` (snmptranslate): names to OIDs and back, descriptions, trees.

use clap::Args;
use snmp_mib::{Kind, Node};
use snmp_tokio::Oid;

use crate::failure::Failure;
use crate::names::{MibOpts, Names, Out};

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
            // snmptranslate exits 2 on an OID it cannot translate.
            let oid = match names.resolve(text) {
                Ok(oid) => oid,
                Err(Failure::Usage(message)) => {
                    out.flush();
                    eprintln!("{message}");
                    return Err(Failure::Exit(2));
                }
                Err(e) => return Err(e),
            };
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
            let smi = chain.iter().position(|n| snmp_mib::SMI_TYPES.contains(n));
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
        let smi = chain.iter().position(|c| snmp_mib::SMI_TYPES.contains(c));
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
