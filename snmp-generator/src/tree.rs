//! The MIB tree as upstream's generator sees it (Net-SNMP's node fields: label, OID, type
//! name, display hint, textual convention, access, indexes, enumerations, fixed size), built
//! from snmp-mib, and the module generation of upstream's `tree.go`.

use std::collections::{BTreeMap, HashMap};

use serde_yaml_ng::{Mapping, Value};
use snmp_mib::{Access, BaseType, Kind, Mib};

use crate::config::ModuleConfig;

/// One node, with Net-SNMP's field values.
#[derive(Debug, Clone)]
pub struct GNode {
    /// Dotted OID.
    pub oid: String,
    /// The node's name.
    pub label: String,
    /// Net-SNMP's type name (`INTEGER`, `OCTETSTR`, ...), after upstream's tweaks.
    pub kind: String,
    /// The effective DISPLAY-HINT.
    pub hint: String,
    /// The textual convention named in the syntax.
    pub tc: String,
    /// Net-SNMP's access name.
    pub access: &'static str,
    /// Index object names (the row's, copied to its columns).
    pub indexes: Vec<String>,
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

/// The whole tree and its name/OID map.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Nodes; the roots are the ones no other node lists as a child.
    pub nodes: Vec<GNode>,
    /// Roots in arc order.
    pub roots: Vec<usize>,
    /// Labels and OIDs to nodes (a later node of the same label wins, as upstream's map).
    pub by_name: HashMap<String, usize>,
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

impl Tree {
    /// The tree of `mib`, with upstream's `prepareTree` applied.
    pub fn new(mib: &Mib) -> Tree {
        let mut nodes: Vec<GNode> = Vec::new();
        let mut by_name = HashMap::new();
        let mut roots = Vec::new();
        let mut tops: Vec<_> = mib.nodes().filter(|n| n.depth() == 1).collect();
        tops.sort_by_key(|n| n.arc());
        // Depth-first, children in arc order.
        fn add(
            n: snmp_mib::Node<'_>,
            nodes: &mut Vec<GNode>,
            by_name: &mut HashMap<String, usize>,
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
                    let fixed = if t.base() == BaseType::OctetString {
                        t.fixed_size().unwrap_or(0)
                    } else {
                        0
                    };
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
                    idx.iter().map(|(i, _)| i.name().to_owned()).collect(),
                    implied,
                )
            } else {
                (Vec::new(), false)
            };
            let me = nodes.len();
            nodes.push(GNode {
                oid: dotted(&arcs),
                label: n.name().to_owned(),
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
                ids.push(add(c, nodes, by_name));
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
            let oid = nodes[me].oid.clone();
            let label = nodes[me].label.clone();
            by_name.insert(oid, me);
            if !label.is_empty() {
                by_name.insert(label, me);
            }
            me
        }
        for t in tops {
            let id = add(t, &mut nodes, &mut by_name);
            roots.push(id);
        }
        let display = regex::Regex::new(r"^\d+[at]$").ok();
        for n in &mut nodes {
            if n.hint == "1x:" {
                n.kind = "PhysAddress48".into();
            }
            if display.as_ref().is_some_and(|r| r.is_match(&n.hint)) {
                n.kind = "DisplayString".into();
            }
            match n.tc.as_str() {
                "DisplayString" => n.kind = "DisplayString".into(),
                "PhysAddress" => n.kind = "PhysAddress48".into(),
                "Float" | "Double" | "DateAndTime" | "InetAddressIPv4" | "InetAddressIPv6"
                | "InetAddress" | "LldpPortId" => n.kind = n.tc.clone(),
                _ => {}
            }
        }
        Tree {
            nodes,
            roots,
            by_name,
        }
    }
}

const COMBINED: &[(&str, &str)] = &[
    ("InetAddress", "InetAddressType"),
    ("InetAddressMissingSize", "InetAddressType"),
    ("LldpPortId", "LldpPortIdSubtype"),
];

fn combined(t: &str) -> Option<&'static str> {
    COMBINED.iter().find(|(k, _)| *k == t).map(|(_, v)| *v)
}

/// Upstream's `metricType`: the exporter type of a Net-SNMP type, or `None` (unsupported).
pub fn metric_type(t: &str) -> Option<&str> {
    if combined(t).is_some() {
        return Some(t);
    }
    Some(match t {
        "gauge" | "INTEGER" | "GAUGE" | "TIMETICKS" | "UINTEGER" | "UNSIGNED32" | "INTEGER32" => {
            "gauge"
        }
        "counter" | "COUNTER" | "COUNTER64" => "counter",
        "OctetString" | "OCTETSTR" | "OBJID" => "OctetString",
        "BITSTRING" => "Bits",
        "InetAddressIPv4" | "IpAddr" | "IPADDR" | "NETADDR" => "InetAddressIPv4",
        "PhysAddress48" | "DisplayString" | "Float" | "Double" | "InetAddressIPv6"
        | "DateAndTime" | "EnumAsInfo" | "EnumAsStateSet" | "ParseDateAndTime" | "NTPTimeStamp"
        | "Bits" => t,
        _ => return None,
    })
}

fn metric_access(a: &str) -> bool {
    matches!(
        a,
        "ACCESS_READONLY" | "ACCESS_READWRITE" | "ACCESS_CREATE" | "ACCESS_NOACCESS"
    )
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Reduces overlapping subtrees (string order, as upstream).
fn minimize(mut oids: Vec<String>) -> Vec<String> {
    oids.sort();
    oids.dedup();
    let mut prev = String::new();
    let mut out = Vec::new();
    for o in oids {
        if prev.is_empty() || !format!("{o}.").starts_with(&prev) {
            prev = format!("{o}.");
            out.push(o);
        }
    }
    out
}

/// One index of a generated metric.
#[derive(Debug, Clone, PartialEq)]
struct OutIndex {
    labelname: String,
    kind: String,
    fixed_size: usize,
    implied: bool,
    enums: BTreeMap<i64, String>,
}

#[derive(Debug, Clone, PartialEq)]
struct OutLookup {
    labels: Vec<String>,
    labelname: String,
    oid: String,
    kind: String,
}

#[derive(Debug, Clone, PartialEq)]
struct OutMetric {
    name: String,
    oid: String,
    kind: String,
    help: String,
    indexes: Vec<OutIndex>,
    lookups: Vec<OutLookup>,
    regex_extracts: Option<Value>,
    enums: BTreeMap<i64, String>,
    offset: Option<f64>,
    scale: Option<f64>,
    datetime_pattern: Option<String>,
}

/// What a module's generation could not do (the rest is generated).
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// What.
    pub message: String,
}

/// Generates one module: its `snmp.yml` mapping, and what was skipped. `Err` when nothing
/// can be made of it.
pub fn generate_module(
    tree: &Tree,
    cfg: &ModuleConfig,
    skipped: &mut Vec<Skipped>,
) -> Result<Mapping, String> {
    // Type overrides apply to the nodes (by name), for this module only.
    let mut kinds: HashMap<usize, String> = HashMap::new();
    for (name, o) in &cfg.overrides {
        let Some(t) = &o.kind else { continue };
        match tree.by_name.get(name) {
            Some(&i) => {
                kinds.insert(i, t.clone());
            }
            None => skipped.push(Skipped {
                message: format!("Could not find node to override type: {name}"),
            }),
        }
    }
    let kind_of = |i: usize| -> &str {
        kinds
            .get(&i)
            .map(String::as_str)
            .unwrap_or(&tree.nodes[i].kind)
    };

    let mut need: Vec<String> = Vec::new();
    let mut instances: HashMap<String, Vec<String>> = HashMap::new();
    let mut to_walk = Vec::new();
    for w in &cfg.walk {
        match tree.by_name.get(w) {
            Some(&i) => to_walk.push(tree.nodes[i].oid.clone()),
            None => to_walk.push(w.clone()),
        }
    }
    let mut metric_nodes: Vec<usize> = Vec::new();
    for oid in minimize(to_walk) {
        let found = match tree.by_name.get(&oid) {
            Some(&i) => {
                let n = &tree.nodes[i];
                if metric_type(kind_of(i)).is_some()
                    && metric_access(n.access)
                    && n.indexes.is_empty()
                {
                    need.push(format!("{oid}.0."));
                } else {
                    need.push(oid.clone());
                }
                Some(i)
            }
            None => {
                // An instance of a table column (a GET of it), or nothing known.
                match search(tree, &oid) {
                    Some(i)
                        if metric_type(kind_of(i)).is_some()
                            && metric_access(tree.nodes[i].access)
                            && !tree.nodes[i].indexes.is_empty() =>
                    {
                        need.push(format!("{oid}."));
                        let index = oid.replacen(&tree.nodes[i].oid, "", 1);
                        instances
                            .entry(tree.nodes[i].oid.clone())
                            .or_default()
                            .push(index);
                        Some(i)
                    }
                    _ => None,
                }
            }
        };
        match found {
            Some(i) => {
                if !metric_nodes.contains(&i) {
                    metric_nodes.push(i);
                }
            }
            None => skipped.push(Skipped {
                message: format!("cannot find oid '{oid}' to walk"),
            }),
        }
    }
    if metric_nodes.is_empty() && !cfg.walk.is_empty() {
        return Err("nothing of its walk was found".into());
    }
    metric_nodes.sort_by(|a, b| tree.nodes[*a].oid.cmp(&tree.nodes[*b].oid));

    let mut metrics: Vec<OutMetric> = Vec::new();
    for &top in &metric_nodes {
        let mut stack = vec![top];
        let mut order = Vec::new();
        while let Some(i) = stack.pop() {
            order.push(i);
            for &c in tree.nodes[i].children.iter().rev() {
                stack.push(c);
            }
        }
        'node: for i in order {
            let n = &tree.nodes[i];
            let Some(t) = metric_type(kind_of(i)) else {
                continue;
            };
            if !metric_access(n.access) {
                continue;
            }
            let name = sanitize(&n.label);
            if cfg.overrides.get(&name).is_some_and(|o| o.ignore) {
                continue;
            }
            let mut m = OutMetric {
                name,
                oid: n.oid.clone(),
                kind: t.to_owned(),
                help: format!("{} - {}", n.description, n.oid),
                indexes: Vec::new(),
                lookups: Vec::new(),
                regex_extracts: None,
                enums: n.enums.clone(),
                offset: None,
                scale: None,
                datetime_pattern: None,
            };
            let mut prev_tc = String::new();
            for (count, idx) in n.indexes.iter().enumerate() {
                let Some(&ii) = tree.by_name.get(idx) else {
                    skipped.push(Skipped {
                        message: format!("Could not find index {idx} for node {}", n.label),
                    });
                    continue 'node;
                };
                let inode = &tree.nodes[ii];
                let Some(it) = metric_type(kind_of(ii)) else {
                    skipped.push(Skipped {
                        message: format!(
                            "Can't handle index type {} of {idx} on node {}",
                            kind_of(ii),
                            n.label
                        ),
                    });
                    continue 'node;
                };
                let index = OutIndex {
                    labelname: idx.clone(),
                    kind: it.to_owned(),
                    fixed_size: inode.fixed_size,
                    implied: n.implied && count + 1 == n.indexes.len(),
                    enums: inode.enums.clone(),
                };
                if let Some(sub) = combined(&index.kind) {
                    if prev_tc == sub {
                        m.indexes.pop();
                    } else {
                        skipped.push(Skipped {
                            message: format!(
                                "Can't handle index type {} on node {}, missing preceding {sub}",
                                index.kind, n.label
                            ),
                        });
                        continue 'node;
                    }
                }
                prev_tc = inode.tc.clone();
                m.indexes.push(index);
            }
            metrics.push(m);
        }
    }

    // Lookups.
    for m in &mut metrics {
        let mut to_delete: Vec<String> = Vec::new();
        for l in &cfg.lookups {
            let found = l
                .source_indexes
                .iter()
                .filter(|s| {
                    m.indexes.iter().any(|i| &&i.labelname == s)
                        || m.lookups.iter().any(|x| &&x.labelname == s)
                })
                .count();
            if found != l.source_indexes.len() {
                continue;
            }
            let Some(&li) = tree.by_name.get(&l.lookup) else {
                return Err(format!("unknown index '{}'", l.lookup));
            };
            let lnode = &tree.nodes[li];
            let Some(lt) = metric_type(kind_of(li)) else {
                return Err(format!(
                    "unknown index type {} for {}",
                    kind_of(li),
                    l.lookup
                ));
            };
            m.lookups.push(OutLookup {
                labels: l.source_indexes.iter().map(|s| sanitize(s)).collect(),
                labelname: sanitize(&lnode.label),
                oid: lnode.oid.clone(),
                kind: lt.to_owned(),
            });
            match instances.get(&m.oid) {
                Some(idx) if !idx.is_empty() => {
                    for i in idx {
                        need.push(format!("{}{i}.", lnode.oid));
                    }
                }
                _ => need.push(lnode.oid.clone()),
            }
            if l.drop_source_indexes {
                to_delete.extend(l.source_indexes.iter().cloned());
            }
        }
        for d in to_delete {
            m.lookups.push(OutLookup {
                labels: Vec::new(),
                labelname: sanitize(&d),
                oid: String::new(),
                kind: String::new(),
            });
        }
    }
    for m in &mut metrics {
        for i in &mut m.indexes {
            i.labelname = sanitize(&i.labelname);
        }
    }
    // The object before an InetAddress must be an InetAddressType, else it is an OctetString.
    for m in &mut metrics {
        if m.kind == "InetAddress" || m.kind == "InetAddressMissingSize" {
            let prev = match m.oid.rsplit_once('.') {
                Some((h, l)) => format!("{h}.{}", l.parse::<i64>().unwrap_or(0) - 1),
                None => String::new(),
            };
            match tree.by_name.get(&prev) {
                Some(&p) if tree.nodes[p].tc == "InetAddressType" => match instances.get(&m.oid) {
                    Some(idx) if !idx.is_empty() => {
                        for i in idx {
                            need.push(format!("{prev}{i}."));
                        }
                    }
                    _ => need.push(prev),
                },
                _ => m.kind = "OctetString".into(),
            }
        }
    }
    // Overrides of metrics (by name or OID).
    for (name, o) in &cfg.overrides {
        for m in &mut metrics {
            if name == &m.name || name == &m.oid {
                if !o.regex_extracts.is_empty() {
                    let mut map = Mapping::new();
                    for (k, list) in &o.regex_extracts {
                        let items: Vec<Value> = list
                            .iter()
                            .map(|r| {
                                let mut e = Mapping::new();
                                e.insert("value".into(), r.value.clone().into());
                                e.insert("regex".into(), format!("^(?:{})$", r.regex).into());
                                Value::Mapping(e)
                            })
                            .collect();
                        map.insert(k.clone().into(), Value::Sequence(items));
                    }
                    m.regex_extracts = Some(Value::Mapping(map));
                }
                if let Some(h) = &o.help {
                    m.help.clone_from(h);
                }
                m.offset = o.offset;
                m.scale = o.scale;
                m.datetime_pattern.clone_from(&o.datetime_pattern);
            }
        }
    }

    // Filters: a static one fetches only the given indexes of its columns (GETs instead of
    // a walk); dynamic ones go to the exporter with their names resolved.
    let resolve = |name: &str| -> String {
        tree.by_name
            .get(name)
            .map_or_else(|| name.to_owned(), |&i| tree.nodes[i].oid.clone())
    };
    let mut dynamic = Vec::new();
    if let Some(f) = &cfg.filters {
        for st in &f.static_ {
            for t in &st.targets {
                let oid = resolve(t);
                need.retain(|n| n != &oid);
                for i in &st.indices {
                    need.push(format!("{oid}.{i}."));
                }
            }
        }
        for d in &f.dynamic {
            let mut e = Mapping::new();
            e.insert("oid".into(), resolve(&d.oid).into());
            e.insert(
                "targets".into(),
                Value::Sequence(d.targets.iter().map(|t| Value::from(resolve(t))).collect()),
            );
            e.insert(
                "values".into(),
                Value::Sequence(d.values.iter().map(|v| Value::from(v.as_str())).collect()),
            );
            dynamic.push(Value::Mapping(e));
        }
    }
    let mut walk = Vec::new();
    let mut get = Vec::new();
    for k in minimize(need) {
        match k.strip_suffix('.') {
            Some(g) => get.push(Value::from(g)),
            None => walk.push(Value::from(k)),
        }
    }
    let mut out = Mapping::new();
    if !walk.is_empty() {
        out.insert("walk".into(), Value::Sequence(walk));
    }
    if !get.is_empty() {
        out.insert("get".into(), Value::Sequence(get));
    }
    out.insert(
        "metrics".into(),
        Value::Sequence(metrics.iter().map(metric_value).collect()),
    );
    for (k, v) in cfg.walk_params() {
        out.insert(k.into(), v);
    }
    if !dynamic.is_empty() {
        out.insert("filters".into(), Value::Sequence(dynamic));
    }
    Ok(out)
}

fn enum_map(e: &BTreeMap<i64, String>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in e {
        m.insert(Value::from(*k), Value::from(v.as_str()));
    }
    Value::Mapping(m)
}

fn metric_value(m: &OutMetric) -> Value {
    let mut o = Mapping::new();
    o.insert("name".into(), m.name.clone().into());
    o.insert("oid".into(), m.oid.clone().into());
    o.insert("type".into(), m.kind.clone().into());
    o.insert("help".into(), m.help.clone().into());
    if !m.indexes.is_empty() {
        let idx: Vec<Value> = m
            .indexes
            .iter()
            .map(|i| {
                let mut e = Mapping::new();
                e.insert("labelname".into(), i.labelname.clone().into());
                e.insert("type".into(), i.kind.clone().into());
                if i.fixed_size != 0 {
                    e.insert("fixed_size".into(), Value::from(i.fixed_size as u64));
                }
                if i.implied {
                    e.insert("implied".into(), true.into());
                }
                if !i.enums.is_empty() {
                    e.insert("enum_values".into(), enum_map(&i.enums));
                }
                Value::Mapping(e)
            })
            .collect();
        o.insert("indexes".into(), Value::Sequence(idx));
    }
    if !m.lookups.is_empty() {
        let ls: Vec<Value> = m
            .lookups
            .iter()
            .map(|l| {
                let mut e = Mapping::new();
                e.insert(
                    "labels".into(),
                    Value::Sequence(l.labels.iter().map(|s| Value::from(s.as_str())).collect()),
                );
                e.insert("labelname".into(), l.labelname.clone().into());
                if !l.oid.is_empty() {
                    e.insert("oid".into(), l.oid.clone().into());
                }
                if !l.kind.is_empty() {
                    e.insert("type".into(), l.kind.clone().into());
                }
                Value::Mapping(e)
            })
            .collect();
        o.insert("lookups".into(), Value::Sequence(ls));
    }
    if let Some(r) = &m.regex_extracts {
        o.insert("regex_extracts".into(), r.clone());
    }
    if !m.enums.is_empty() {
        o.insert("enum_values".into(), enum_map(&m.enums));
    }
    if let Some(x) = m.offset {
        o.insert("offset".into(), x.into());
    }
    if let Some(x) = m.scale {
        o.insert("scale".into(), x.into());
    }
    if let Some(x) = &m.datetime_pattern {
        o.insert("datetime_pattern".into(), x.clone().into());
    }
    Value::Mapping(o)
}

/// The deepest known node whose OID is a prefix of `oid` (upstream's `searchNodeTree`).
fn search(tree: &Tree, oid: &str) -> Option<usize> {
    let mut parts: Vec<&str> = oid.split('.').collect();
    while !parts.is_empty() {
        if let Some(&i) = tree.by_name.get(&parts.join(".")) {
            if tree.nodes[i].oid == parts.join(".") {
                return Some(i);
            }
        }
        parts.pop();
    }
    None
}
