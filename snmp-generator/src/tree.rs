//! The MIB tree as upstream's generator sees it (Net-SNMP's node fields: module, label, OID,
//! type name, display hint, textual convention, access, indexes, enumerations, fixed size),
//! built from snmp-mib with upstream's `prepareTree` applied, and how a name in
//! `generator.yml` finds its node.

use std::collections::{BTreeMap, HashMap};

use snmp_mib::{Access, BaseType, Kind, Mib};

/// One node, with Net-SNMP's field values.
#[derive(Debug, Clone)]
pub struct GNode {
    /// Dotted OID.
    pub oid: String,
    /// The node's name.
    pub label: String,
    /// The MIB module that defines it.
    pub module: String,
    /// Net-SNMP's type name (`INTEGER`, `OCTETSTR`, ...), after upstream's tweaks.
    pub kind: String,
    /// The effective DISPLAY-HINT.
    pub hint: String,
    /// The textual convention named in the syntax.
    pub tc: String,
    /// Net-SNMP's access name.
    pub access: &'static str,
    /// Index objects (the row's, copied to its columns): their names, and `MODULE::name` to
    /// find them.
    pub indexes: Vec<(String, String)>,
    /// Whether the last index is IMPLIED.
    pub implied: bool,
    /// Enumeration values (or BITS positions).
    pub enums: BTreeMap<i64, String>,
    /// The fixed length of an OCTET STRING, 0 when not fixed.
    pub fixed_size: usize,
    /// The first sentence of the description.
    pub description: String,
    /// Children, in arc order.
    pub children: Vec<usize>,
}

/// The whole tree and its name maps.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Nodes; the roots are the ones no other node lists as a child.
    pub nodes: Vec<GNode>,
    /// Roots in arc order.
    pub roots: Vec<usize>,
    /// Dotted OIDs to nodes.
    pub by_oid: HashMap<String, usize>,
    /// `MODULE::label` to nodes.
    pub by_qualified: HashMap<String, usize>,
    /// Labels to every node of that label, in tree order.
    pub by_label: HashMap<String, Vec<usize>>,
    /// For a label several modules define at different OIDs: the node Net-SNMP picks.
    pub preferred: HashMap<String, usize>,
}

/// How a name of `generator.yml` found its node.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The node.
    pub node: usize,
    /// When the name was a bare label that several modules define at different OIDs: those
    /// `MODULE::label` names (the node's first).
    pub ambiguous: Vec<String>,
}

fn access_name(a: Access) -> &'static str {
    match a {
        Access::ReadOnly => "ACCESS_READONLY",
        Access::ReadWrite => "ACCESS_READWRITE",
        Access::ReadCreate => "ACCESS_CREATE",
        Access::NotAccessible => "ACCESS_NOACCESS",
        Access::AccessibleForNotify => "ACCESS_NOTIFY",
        Access::WriteOnly => "ACCESS_WRITEONLY",
        _ => "ACCESS_NONE",
    }
}

fn type_name(b: BaseType) -> &'static str {
    match b {
        BaseType::Integer32 => "INTEGER",
        BaseType::Unsigned32 => "UNSIGNED32",
        BaseType::Counter32 => "COUNTER",
        BaseType::Counter64 => "COUNTER64",
        BaseType::Gauge32 => "GAUGE",
        BaseType::TimeTicks => "TIMETICKS",
        BaseType::IpAddress => "IPADDR",
        BaseType::OctetString => "OCTETSTR",
        BaseType::ObjectIdentifier => "OBJID",
        BaseType::Bits => "BITSTRING",
        BaseType::Opaque => "OPAQUE",
        _ => "OTHER",
    }
}

/// Upstream trims a description to its first sentence, whitespace collapsed.
fn first_sentence(d: &str) -> String {
    let s = d.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.find(". ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

fn dotted(arcs: &[u32]) -> String {
    arcs.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Net-SNMP's `get_tc_fixed_size` as upstream's generator reads it: the one size (or value
/// range) of the textual convention the syntax names, when it is a single value; an inline
/// constraint of the object itself does not count.
fn tc_fixed_size(t: snmp_mib::Type<'_>) -> usize {
    let named = if t.name().is_empty() {
        t.parent()
    } else {
        Some(t)
    };
    // The SMI's own types (IpAddress, Counter32, ...) are keywords to Net-SNMP, not TCs.
    let Some(n) = named.filter(|n| {
        !n.name().is_empty()
            && n.module()
                .is_some_and(|m| !matches!(m.name(), "SNMPv2-SMI" | "RFC1155-SMI" | "RFC1065-SMI"))
    }) else {
        return 0;
    };
    let single = |mut it: Box<dyn Iterator<Item = (i64, i64)> + '_>| -> Option<usize> {
        let (lo, hi) = it.next()?;
        (it.next().is_none() && lo == hi && lo >= 0).then_some(lo as usize)
    };
    single(Box::new(n.sizes()))
        .or_else(|| single(Box::new(n.ranges())))
        .unwrap_or(0)
}

impl Tree {
    /// The tree of `mib`, with upstream's `prepareTree` applied (`current`: as upstream does
    /// since 0.23, else as 0.21 did).
    ///
    /// `read_order` is Net-SNMP's reading order of the modules (empty: not known): a label several
    /// modules define at different OIDs finds the node of the module read last, as Net-SNMP's
    /// lookup does; without it, the node snmp-mib's own lookup finds.
    pub fn new(mib: &Mib, current: bool, read_order: &[String]) -> Tree {
        let mut nodes: Vec<GNode> = Vec::new();
        let mut by_oid = HashMap::new();
        let mut roots = Vec::new();
        let mut tops: Vec<_> = mib.nodes().filter(|n| n.depth() == 1).collect();
        tops.sort_by_key(|n| n.arc());
        // Depth-first, children in arc order.
        fn add(
            n: snmp_mib::Node<'_>,
            nodes: &mut Vec<GNode>,
            by_oid: &mut HashMap<String, usize>,
        ) -> usize {
            let arcs: Vec<u32> = n.oid().arcs().to_vec();
            let syntax = n.syntax();
            let object = matches!(n.kind(), Kind::Scalar | Kind::Column);
            let (kind, hint, tc, enums, fixed) = match syntax.filter(|_| object) {
                Some(t) => {
                    let mut tc = String::new();
                    let mut at = Some(t);
                    let mut hops = 0;
                    while let Some(x) = at {
                        if x.is_textual_convention() && !x.name().is_empty() {
                            tc = x.name().to_owned();
                            break;
                        }
                        hops += 1;
                        at = if hops < 16 { x.parent() } else { None };
                    }
                    let enums: BTreeMap<i64, String> =
                        t.enums().map(|(v, l)| (v, l.to_owned())).collect();
                    let fixed = tc_fixed_size(t);
                    (
                        type_name(t.base()).to_owned(),
                        t.hint().to_owned(),
                        tc,
                        enums,
                        fixed,
                    )
                }
                None => (
                    "OTHER".to_owned(),
                    String::new(),
                    String::new(),
                    BTreeMap::new(),
                    0,
                ),
            };
            let (indexes, implied) = if n.kind() == Kind::Row {
                let idx = n.effective_index();
                let implied = idx.last().is_some_and(|(_, i)| *i);
                (
                    idx.iter()
                        .map(|(i, _)| {
                            (
                                i.name().to_owned(),
                                format!("{}::{}", i.module().name(), i.name()),
                            )
                        })
                        .collect(),
                    implied,
                )
            } else {
                (Vec::new(), false)
            };
            let me = nodes.len();
            nodes.push(GNode {
                oid: dotted(&arcs),
                label: n.name().to_owned(),
                module: n.module().name().to_owned(),
                kind,
                hint,
                tc,
                access: access_name(n.access()),
                indexes,
                implied,
                enums,
                fixed_size: fixed,
                // Only objects become metrics: the others' descriptions are never read.
                description: if object {
                    first_sentence(n.description())
                } else {
                    String::new()
                },
                children: Vec::new(),
            });
            let mut children: Vec<_> = n.children().collect();
            children.sort_by_key(|c| c.arc());
            let mut ids = Vec::with_capacity(children.len());
            for c in children {
                ids.push(add(c, nodes, by_oid));
            }
            // Columns take their row's indexes (upstream copies them down).
            if !nodes[me].indexes.is_empty() {
                let (idx, imp) = (nodes[me].indexes.clone(), nodes[me].implied);
                for &c in &ids {
                    nodes[c].indexes = idx.clone();
                    nodes[c].implied = imp;
                }
            }
            nodes[me].children = ids;
            by_oid.insert(nodes[me].oid.clone(), me);
            me
        }
        for t in tops {
            let id = add(t, &mut nodes, &mut by_oid);
            roots.push(id);
        }
        let display = regex::Regex::new(r"^\d+[at]$").ok();
        for n in &mut nodes {
            if n.hint == "1x:" && (!current || n.fixed_size == 0 || n.fixed_size == 6) {
                n.kind = "PhysAddress48".into();
            }
            if display.as_ref().is_some_and(|r| r.is_match(&n.hint)) {
                n.kind = "DisplayString".into();
            }
            match n.tc.as_str() {
                "DisplayString" => n.kind = "DisplayString".into(),
                "PhysAddress" => n.kind = "PhysAddress48".into(),
                "Float" | "Double" | "DateAndTime" | "InetAddressIPv4" | "InetAddressIPv6"
                | "InetAddress" | "LldpPortId" | "ParseDateAndTime" | "NTPTimeStamp" => {
                    n.kind = n.tc.clone()
                }
                _ => {}
            }
        }
        // Tree order: depth first, children in arc order (upstream's walkNode).
        let mut order = Vec::with_capacity(nodes.len());
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(nodes[i].children.iter().rev().copied());
        }
        let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_qualified = HashMap::new();
        for &i in &order {
            let n = &nodes[i];
            if n.label.is_empty() {
                continue;
            }
            by_label.entry(n.label.clone()).or_default().push(i);
            by_qualified.insert(format!("{}::{}", n.module, n.label), i);
        }
        // A label defined at several OIDs: the node Net-SNMP's name lookup finds, the one it
        // made last. A node is made when the first module defining it is read, or, when its
        // parent comes only later (an import that was missing, an orphan), right after the
        // parent: (reading rank, orphan depth).
        let rank: HashMap<&str, usize> = read_order
            .iter()
            .enumerate()
            .map(|(i, m)| (m.as_str(), i))
            .collect();
        let mut made: Vec<Option<(usize, usize)>> = vec![None; nodes.len()];
        if !rank.is_empty() {
            let mut first: HashMap<String, usize> = HashMap::new();
            for (name, node, module) in mib.name_index() {
                if name != node.name() {
                    continue;
                }
                if let Some(&r) = rank.get(module.name()) {
                    let oid = dotted(node.oid().arcs());
                    let e = first.entry(oid).or_insert(r);
                    *e = (*e).min(r);
                }
            }
            let mut parent = vec![usize::MAX; nodes.len()];
            for (i, n) in nodes.iter().enumerate() {
                for &c in &n.children {
                    parent[c] = i;
                }
            }
            for &i in &order {
                let own = first.get(&nodes[i].oid).copied();
                let up = made.get(parent[i]).copied().flatten();
                made[i] = match (own, up) {
                    (Some(c), Some((r, depth))) if r > c => Some((r, depth + 1)),
                    (Some(c), _) => Some((c, 0)),
                    (None, up) => up,
                };
            }
        }
        let mut preferred = HashMap::new();
        for (label, ids) in &by_label {
            if ids.len() < 2 {
                continue;
            }
            let last_read = ids
                .iter()
                .filter_map(|&i| made[i].map(|m| (m, i)))
                .max()
                .map(|(_, i)| i);
            let pick = last_read.or_else(|| {
                mib.node(label)
                    .and_then(|n| by_oid.get(&dotted(n.oid().arcs())).copied())
            });
            if let Some(p) = pick {
                preferred.insert(label.clone(), p);
            }
        }
        Tree {
            nodes,
            roots,
            by_oid,
            by_qualified,
            by_label,
            preferred,
        }
    }

    /// The node of a name of `generator.yml`: `MODULE::label`, a dotted OID or a bare label
    /// (one that several modules define at different OIDs is the one Net-SNMP finds, and
    /// the others are named in [`Found::ambiguous`]).
    pub fn find(&self, name: &str) -> Option<Found> {
        let one = |node| Found {
            node,
            ambiguous: Vec::new(),
        };
        if name.contains("::") {
            return self.by_qualified.get(name).copied().map(one);
        }
        if let Some(&i) = self.by_oid.get(name) {
            return Some(one(i));
        }
        let ids = self.by_label.get(name)?;
        match ids.as_slice() {
            [] => None,
            [i] => Some(one(*i)),
            _ => {
                let node = self
                    .preferred
                    .get(name)
                    .copied()
                    .or_else(|| ids.last().copied())?;
                let mut ambiguous = vec![self.qualified(node)];
                ambiguous.extend(
                    ids.iter()
                        .filter(|&&i| i != node)
                        .map(|&i| self.qualified(i)),
                );
                Some(Found { node, ambiguous })
            }
        }
    }

    /// `MODULE::label` of a node.
    pub fn qualified(&self, i: usize) -> String {
        format!("{}::{}", self.nodes[i].module, self.nodes[i].label)
    }

    /// The node of a name, `None` when unknown (ambiguity not reported).
    pub fn get(&self, name: &str) -> Option<usize> {
        self.find(name).map(|f| f.node)
    }
}
