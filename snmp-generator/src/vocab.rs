//! Upstream's vocabulary (`metricType`, `metricAccess`, the combined index types) and its
//! helpers over OIDs and names (`minimizeOids`, `sanitizeLabelName`, `searchNodeTree`,
//! `getIndexNode`).

use crate::tree::Tree;

const COMBINED: &[(&str, &str)] = &[
    ("InetAddress", "InetAddressType"),
    ("InetAddressMissingSize", "InetAddressType"),
    ("LldpPortId", "LldpPortIdSubtype"),
];

pub(crate) fn combined(t: &str) -> Option<&'static str> {
    COMBINED.iter().find(|(k, _)| *k == t).map(|(_, v)| *v)
}

/// Upstream's `metricType`: the exporter type of a Net-SNMP type, or `None` (unsupported).
pub(crate) fn metric_type(t: &str) -> Option<&str> {
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

pub(crate) fn metric_access(a: &str) -> bool {
    matches!(
        a,
        "ACCESS_READONLY" | "ACCESS_READWRITE" | "ACCESS_CREATE" | "ACCESS_NOACCESS"
    )
}

pub(crate) fn sanitize(name: &str) -> String {
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
pub(crate) fn minimize(mut oids: Vec<String>) -> Vec<String> {
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

/// The deepest known node whose OID is a prefix of `oid` (upstream's `searchNodeTree`).
pub(crate) fn search(tree: &Tree, oid: &str) -> Option<usize> {
    let mut parts: Vec<&str> = oid.split('.').collect();
    while !parts.is_empty() {
        if let Some(&i) = tree.by_oid.get(&parts.join(".")) {
            return Some(i);
        }
        parts.pop();
    }
    None
}

/// Upstream's `getIndexNode`: of the nodes named `label`, the one under the metric's table
/// (its OID shares all but the metric's last arc).
pub(crate) fn index_node(tree: &Tree, label: &str, metric_oid: &str) -> Option<usize> {
    let prefix = metric_oid.rsplit_once('.').map_or("", |(h, _)| h);
    tree.by_label
        .get(label)?
        .iter()
        .copied()
        .find(|&i| tree.nodes[i].oid.starts_with(prefix))
}
