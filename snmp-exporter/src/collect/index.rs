//! Index labels: the rest of a varbind's OID decoded by index type, and the lookups that add
//! labels from other columns.

use super::*;

/// The most arcs an index string is padded to (upstream pads short OIDs with zeros up to the
/// length an arc asks for, which a hostile agent can make 4 billion).
pub(crate) const MAX_PAD: usize = 256;

/// Upstream's `splitOid`: the first `count` arcs (padded with zeros), and the rest.
pub(crate) fn split(oid: &[i64], count: usize) -> (Vec<i64>, &[i64]) {
    let count = count.min(oid.len().max(MAX_PAD));
    let mut head = vec![0i64; count];
    let n = count.min(oid.len());
    head[..n].copy_from_slice(&oid[..n]);
    (head, &oid[n..])
}

pub(crate) fn to_len(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Upstream's `indexOidsAsString`: the label text of an index, the arcs it used, and how many
/// arcs of `oids` it consumed (more than `oids.len()` where upstream pads a short OID with
/// zeros). An index type upstream does not know reads as an OctetString (upstream panics).
pub fn index_string(
    oids: &[i64],
    typ: &str,
    fixed_size: usize,
    implied: bool,
    enums: &BTreeMap<i64, String>,
) -> (Vec<u8>, Vec<i64>, usize) {
    let rest = |n: usize| &oids[n.min(oids.len())..];
    if let Some(mapping) = combined(typ) {
        let head = if typ == "InetAddressMissingSize" {
            1
        } else {
            2
        };
        let (mut sub, _) = split(oids, head);
        if let Some((_, t)) = mapping.iter().find(|(k, _)| *k == sub[0]) {
            let (s, used, n) = index_string(rest(head), t, 0, false, enums);
            sub.extend(used);
            return (s, sub, head.saturating_add(n));
        }
        if typ == "InetAddressMissingSize" {
            return index_string(oids, "OctetString", 0, true, enums);
        }
        let size = to_len(sub[1]).saturating_add(2);
        return index_string(oids, "OctetString", size, false, enums);
    }
    match typ {
        "Integer32" | "Integer" | "gauge" | "counter" => {
            let v = oids.first().copied().unwrap_or(0);
            (v.to_string().into_bytes(), vec![v], 1)
        }
        "PhysAddress48" => {
            let (sub, _) = split(oids, 6);
            let mut s = String::with_capacity(17);
            for (i, o) in sub.iter().enumerate() {
                if i > 0 {
                    s.push(':');
                }
                let _ = write!(s, "{o:02X}");
            }
            (s.into_bytes(), sub, 6)
        }
        "DisplayString" | "OctetString" => {
            let mut used = Vec::new();
            let mut skip = 0usize;
            let mut length = fixed_size;
            if implied {
                length = oids.len();
            }
            if length == 0 {
                let l = oids.first().copied().unwrap_or(0);
                length = to_len(l);
                used.push(l);
                skip = 1;
            }
            let (content, _) = split(rest(skip), length);
            let consumed = skip.saturating_add(content.len());
            let bytes: Vec<u8> = content.iter().map(|&o| o as u8).collect();
            used.extend(content);
            if typ == "DisplayString" {
                (bytes, used, consumed)
            } else {
                (hex_text(&bytes).into_bytes(), used, consumed)
            }
        }
        "InetAddressIPv4" => {
            let (sub, _) = split(oids, 4);
            (dotted_i(&sub).into_bytes(), sub, 4)
        }
        "InetAddressIPv6" => {
            let (sub, _) = split(oids, 16);
            (ipv6_text(&sub).into_bytes(), sub, 16)
        }
        "EnumAsInfo" => {
            let v = oids.first().copied().unwrap_or(0);
            let s = enums.get(&v).cloned().unwrap_or_else(|| v.to_string());
            (s.into_bytes(), vec![v], 1)
        }
        _ => index_string(oids, "OctetString", fixed_size, implied, enums),
    }
}

/// `0x` and the bytes in upper-case hex; nothing for no bytes (upstream's OctetString text).
pub(crate) fn hex_text(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

pub(crate) fn ipv6_text(arcs: &[i64]) -> String {
    let mut s = String::with_capacity(39);
    for (i, o) in arcs.iter().enumerate() {
        if i > 0 && i % 2 == 0 {
            s.push(':');
        }
        let _ = write!(s, "{o:02X}");
    }
    s
}

pub(crate) fn lookup_key(key: &mut Vec<u32>, base: &[u32], parts: &[&[i64]]) {
    key.clear();
    key.extend_from_slice(base);
    for p in parts {
        // Upstream formats "%s.%s" with an empty part too, which adds a 0 arc.
        if p.is_empty() {
            key.push(0);
        }
        key.extend(p.iter().map(|&a| u32::try_from(a).unwrap_or(0)));
    }
}

pub(crate) fn index_labels<'a>(
    index: &[i64],
    metric: &'a Metric,
    prepared: &PreparedMetric,
    pdus: &PduMap<'_>,
) -> Vec<(&'a str, Vec<u8>)> {
    let mut labels: Vec<(&'a str, Vec<u8>)> =
        Vec::with_capacity(metric.indexes.len() + metric.lookups.len());
    let mut label_oids: Vec<(&'a str, Vec<i64>)> = Vec::with_capacity(labels.capacity());
    fn set<'a, T>(v: &mut Vec<(&'a str, T)>, k: &'a str, x: T) {
        match v.iter_mut().find(|(n, _)| *n == k) {
            Some(e) => e.1 = x,
            None => v.push((k, x)),
        }
    }
    let mut rest: &[i64] = index;
    for Index {
        labelname,
        kind,
        fixed_size,
        implied,
        enum_values,
    } in &metric.indexes
    {
        let (s, used, consumed) = index_string(rest, kind, *fixed_size, *implied, enum_values);
        // Label values must be UTF-8 (upstream #1646): invalid runs become U+FFFD.
        set(&mut labels, labelname, valid_utf8(s));
        set(&mut label_oids, labelname, used);
        rest = &rest[consumed.min(rest.len())..];
    }
    let mut key = Vec::new();
    for (lookup, (oid, prev)) in metric.lookups.iter().zip(&prepared.lookups) {
        if lookup.labels.is_empty() {
            labels.retain(|(n, _)| *n != lookup.labelname);
            continue;
        }
        let parts: Vec<&[i64]> = lookup
            .labels
            .iter()
            .map(|l| {
                label_oids
                    .iter()
                    .find(|(n, _)| n == l)
                    .map(|(_, v)| v.as_slice())
                    .unwrap_or(&[])
            })
            .collect();
        lookup_key(&mut key, oid, &parts);
        if let Some(pdu) = pdus.get(key.as_slice()) {
            let mut t = lookup.kind.as_str();
            if let Some(mapping) = combined(t) {
                lookup_key(&mut key, prev, &parts);
                if let Some(prev_pdu) = pdus.get(key.as_slice()) {
                    let val = numeric(prev_pdu) as i64;
                    if let Some((_, ty)) = mapping.iter().find(|(k, _)| *k == val) {
                        t = ty;
                    }
                }
            }
            let text = if t == "EnumAsInfo" && !lookup.enum_values.is_empty() {
                // Enum lookup columns as their names (upstream #1624).
                let v = big_int(pdu);
                lookup
                    .enum_values
                    .get(&v)
                    .cloned()
                    .unwrap_or_else(|| v.to_string())
                    .into_bytes()
            } else {
                hinted_string(pdu, t, &lookup.display_hint)
            };
            set(&mut labels, &lookup.labelname, text);
            set(&mut label_oids, &lookup.labelname, vec![big_int(pdu)]);
        } else {
            set(&mut labels, &lookup.labelname, Vec::new());
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    fn empty() -> BTreeMap<i64, String> {
        BTreeMap::new()
    }
    #[test]
    fn index_strings_as_upstream() {
        let (s, used, rest) =
            index_string(&[3, 97, 98, 99, 7], "DisplayString", 0, false, &empty());
        assert_eq!((s, used, rest), (b"abc".to_vec(), vec![3, 97, 98, 99], 4));
        assert_eq!(
            index_string(&[2, 1, 255], "OctetString", 0, false, &empty()).0,
            b"0x01FF"
        );
        assert_eq!(
            index_string(&[1, 4, 10, 0, 0, 1], "InetAddress", 0, false, &empty()).0,
            b"10.0.0.1"
        );
        assert_eq!(
            index_string(&[0, 17, 1, 2, 3, 4], "PhysAddress48", 0, false, &empty()).0,
            b"00:11:01:02:03:04"
        );
        // Short OIDs are padded with zeros, as some routers drop trailing zeros.
        assert_eq!(
            index_string(&[10], "InetAddressIPv4", 0, false, &empty()).0,
            b"10.0.0.0"
        );
        // An arc asking for 4 billion bytes costs a bounded padding, not 4 GB.
        let (s, _, _) = index_string(&[4_294_967_295, 65], "DisplayString", 0, false, &empty());
        assert!(s.len() <= MAX_PAD && s.starts_with(b"A"));
        // IMPLIED takes the rest.
        assert_eq!(
            index_string(&[104, 105], "DisplayString", 0, true, &empty()).0,
            b"hi"
        );
    }
}
