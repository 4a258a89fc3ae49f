//! From the varbinds of a scrape to samples, as upstream's collector does: each varbind is
//! matched to the metric whose OID is its shortest configured prefix, the rest of its OID is
//! decoded into index labels, lookups add labels from other columns, and the value becomes a
//! number, an info label, a state set, bits or numbers extracted by regular expressions.
//!
//! Where upstream would panic (an index type it does not know, a too-short NTP timestamp) or
//! allocate what an agent's index arc asks for, this gives an error or a bounded answer.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use snmp_tokio::{Oid, Value};

use crate::config::{Index, Metric, Module};
use crate::expo::{Exposition, Kind, Sample};

/// The most arcs an index string is padded to (upstream pads short OIDs with zeros up to the
/// length an arc asks for, which a hostile agent can make 4 billion).
const MAX_PAD: usize = 256;

/// A module's metrics indexed by OID for matching, with the OIDs its lookups use parsed once.
#[derive(Debug, Clone)]
pub struct Prepared {
    by_oid: FxHashMap<Vec<u32>, usize>,
    /// The lengths of the metrics' OIDs, ascending (only these prefixes can match).
    lengths: Vec<usize>,
    /// Per metric: the OID before it (for InetAddress-like types), and per lookup its OID and
    /// the OID before that.
    metrics: Vec<PreparedMetric>,
    /// With `lookup_cache`: the columns that only serve lookups, and the walks without them.
    pub lookup_plan: Option<LookupPlan>,
}

/// How a module with `lookup_cache` walks: the columns that only serve lookups apart, so that
/// they can be skipped while cached.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupPlan {
    /// The cached columns (each walked on its own when it has to be fetched).
    pub cached: Vec<String>,
    /// The module's walks with the cached columns left out (a subtree holding one is walked
    /// as the needed columns under it).
    pub walk_without: Vec<String>,
}

fn under(oid: &str, root: &str) -> bool {
    oid == root
        || (oid.len() > root.len() && oid.starts_with(root) && oid.as_bytes()[root.len()] == b'.')
}

impl LookupPlan {
    /// The plan of `module`, or `None` when no column serves only lookups.
    pub fn new(module: &Module) -> Option<LookupPlan> {
        let mut needed: Vec<String> = Vec::new();
        for m in &module.metrics {
            needed.push(m.oid.clone());
            if combined(&m.kind).is_some() {
                needed.push(prev_oid(&m.oid));
            }
        }
        let mut lookup_cols: Vec<String> = Vec::new();
        for m in &module.metrics {
            for l in m.lookups.iter().filter(|l| !l.labels.is_empty()) {
                lookup_cols.push(l.oid.clone());
                if combined(&l.kind).is_some() {
                    lookup_cols.push(prev_oid(&l.oid));
                }
            }
        }
        let mut cached: Vec<String> = lookup_cols
            .iter()
            .filter(|c| !needed.contains(c))
            .filter(|c| module.walk.iter().any(|w| under(c, w)))
            .cloned()
            .collect();
        cached.sort();
        cached.dedup();
        if cached.is_empty() {
            return None;
        }
        needed.extend(lookup_cols.into_iter().filter(|c| !cached.contains(c)));
        let mut walk_without = Vec::new();
        for w in &module.walk {
            if !cached.iter().any(|c| under(c, w)) {
                walk_without.push(w.clone());
                continue;
            }
            let mut cols: Vec<&String> = needed.iter().filter(|n| under(n, w)).collect();
            cols.sort();
            cols.dedup();
            walk_without.extend(cols.into_iter().cloned());
        }
        Some(LookupPlan {
            cached,
            walk_without,
        })
    }
}

#[derive(Debug, Clone)]
struct PreparedMetric {
    /// Counter64 values wrapped at 2^53 (`--snmp.wrap-large-counters`, upstream's default).
    wrap: bool,
    prev: Vec<u32>,
    lookups: Vec<(Vec<u32>, Vec<u32>)>,
}

/// An OID string as upstream reads it (a part that is not a number reads as 0).
pub fn oid_arcs(s: &str) -> Vec<u32> {
    s.trim_start_matches('.')
        .split('.')
        .map(|x| x.parse::<u32>().unwrap_or(0))
        .collect()
}

impl Prepared {
    /// Indexes `module`'s metrics (Counter64 values wrapped at 2^53, upstream's default).
    pub fn new(module: &Module) -> Prepared {
        Prepared::with_wrap(module, true)
    }

    /// [`Prepared::new`], with Counter64 values wrapped at 2^53 or not
    /// (`--[no-]snmp.wrap-large-counters`).
    pub fn with_wrap(module: &Module, wrap: bool) -> Prepared {
        let mut by_oid = FxHashMap::default();
        let mut lengths = Vec::new();
        let mut metrics = Vec::with_capacity(module.metrics.len());
        for (i, m) in module.metrics.iter().enumerate() {
            let arcs = oid_arcs(&m.oid);
            if !lengths.contains(&arcs.len()) {
                lengths.push(arcs.len());
            }
            by_oid.insert(arcs, i);
            metrics.push(PreparedMetric {
                wrap,
                prev: oid_arcs(&prev_oid(&m.oid)),
                lookups: m
                    .lookups
                    .iter()
                    .map(|l| (oid_arcs(&l.oid), oid_arcs(&prev_oid(&l.oid))))
                    .collect(),
            });
        }
        lengths.sort_unstable();
        let lookup_plan = if module.walk_params.lookup_cache.is_zero() {
            None
        } else {
            LookupPlan::new(module)
        };
        Prepared {
            by_oid,
            lengths,
            metrics,
            lookup_plan,
        }
    }

    /// The metric whose OID is the shortest prefix of `arcs` (upstream's tree walk stops at
    /// the first metric on the path), and that prefix's length.
    fn find(&self, arcs: &[u32]) -> Option<(usize, usize)> {
        self.lengths
            .iter()
            .take_while(|&&n| n <= arcs.len())
            .find_map(|&n| self.by_oid.get(&arcs[..n]).map(|&m| (m, n)))
    }
}

/// The varbinds of a scrape by OID (a later duplicate replaces an earlier one, as upstream's
/// map does), borrowed from the scrape's results.
pub type PduMap<'p> = FxHashMap<&'p [u32], &'p Value>;

/// Builds the map from the varbinds received.
pub fn pdu_map(pdus: &[(Oid, Value)]) -> PduMap<'_> {
    let mut map = FxHashMap::with_capacity_and_hasher(pdus.len(), Default::default());
    for (oid, v) in pdus {
        map.insert(oid.arcs(), v);
    }
    map
}

/// Turns the varbinds into samples of `module`'s metrics, added to `out`.
pub fn collect<'a>(
    module: &'a Module,
    prepared: &Prepared,
    pdus: &PduMap<'_>,
    out: &mut Exposition<'a>,
) {
    let mut index: Vec<i64> = Vec::new();
    for (arcs, value) in pdus {
        if let Some((mi, len)) = prepared.find(arcs) {
            let metric = &module.metrics[mi];
            index.clear();
            index.extend(arcs[len..].iter().map(|&a| i64::from(a)));
            samples(&index, value, metric, &prepared.metrics[mi], pdus, out);
        }
    }
}

const COMBINED: &[(&str, &[(i64, &str)])] = &[
    (
        "InetAddress",
        &[(1, "InetAddressIPv4"), (2, "InetAddressIPv6")],
    ),
    (
        "InetAddressMissingSize",
        &[(1, "InetAddressIPv4"), (2, "InetAddressIPv6")],
    ),
    (
        "LldpPortId",
        &[
            (1, "DisplayString"),
            (2, "DisplayString"),
            (3, "PhysAddress48"),
            (5, "DisplayString"),
            (7, "DisplayString"),
        ],
    ),
];

fn combined(kind: &str) -> Option<&'static [(i64, &'static str)]> {
    COMBINED.iter().find(|(k, _)| *k == kind).map(|(_, m)| *m)
}

/// The value as a number, as upstream's `getPduValue` (Counter64 wrapped at 2^53).
pub fn numeric(v: &Value) -> f64 {
    match v {
        Value::Counter64(n) => (n % 9_007_199_254_740_992) as f64,
        Value::OpaqueFloat(f) => f64::from(*f),
        Value::OpaqueDouble(f) => *f,
        other => big_int(other) as f64,
    }
}

/// gosnmp's `ToBigInt(value).Int64()`: numbers as they are, anything else 0.
fn big_int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => i64::from(*i),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => i64::from(*n),
        Value::Counter64(n) => *n as i64,
        _ => 0,
    }
}

fn go_float_f(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if bits32 {
        format!("{}", f as f32)
    } else {
        format!("{f}")
    }
}

/// The value as a label string, as upstream's `pduValueAsString` with the type `typ`.
pub fn value_string(v: &Value, typ: &str) -> Vec<u8> {
    match v {
        Value::Integer(i) => i.to_string().into_bytes(),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => n.to_string().into_bytes(),
        Value::Counter64(n) => n.to_string().into_bytes(),
        Value::OpaqueFloat(f) => go_float_f(f64::from(*f), true).into_bytes(),
        Value::OpaqueDouble(f) => go_float_f(*f, false).into_bytes(),
        Value::ObjectIdentifier(o) => dotted(o.arcs()).into_bytes(),
        Value::IpAddress(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]).into_bytes(),
        Value::OctetString(b) | Value::Opaque(b) => {
            let typ = if typ.is_empty() || typ == "Bits" {
                "OctetString"
            } else {
                typ
            };
            let mut parts: Vec<i64> = Vec::with_capacity(b.len() + 1);
            if typ == "OctetString" || typ == "DisplayString" {
                parts.push(b.len() as i64);
            }
            parts.extend(b.iter().map(|&x| i64::from(x)));
            index_string(&parts, typ, 0, false, &BTreeMap::new()).0
        }
        _ => Vec::new(),
    }
}

/// [`value_string`], with a `display_hint` applied to an OctetString value of type `""` or
/// `OctetString` (upstream #1549; a hint it cannot read leaves the default).
pub fn hinted_string(v: &Value, typ: &str, hint: &str) -> Vec<u8> {
    if !hint.is_empty() && (typ.is_empty() || typ == "OctetString") {
        if let Value::OctetString(b) = v {
            if let Some(s) = crate::hint::apply(hint, b) {
                return s.into_bytes();
            }
        }
    }
    value_string(v, typ)
}

/// Go's `strings.ToValidUTF8(s, "\u{FFFD}")`: each run of invalid bytes becomes one
/// replacement character.
pub fn valid_utf8(b: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(b) {
        Ok(s) => s.into_bytes(),
        Err(e) => {
            let b = e.into_bytes();
            let mut out = String::with_capacity(b.len() + 2);
            let mut in_run = false;
            for chunk in b.utf8_chunks() {
                if !chunk.valid().is_empty() {
                    out.push_str(chunk.valid());
                    in_run = false;
                }
                if !chunk.invalid().is_empty() && !in_run {
                    out.push('\u{FFFD}');
                    in_run = true;
                }
            }
            out.into_bytes()
        }
    }
}

fn dotted(arcs: &[u32]) -> String {
    let mut s = String::with_capacity(arcs.len() * 4);
    for (i, a) in arcs.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&a.to_string());
    }
    s
}

fn dotted_i(arcs: &[i64]) -> String {
    arcs.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Upstream's `splitOid`: the first `count` arcs (padded with zeros), and the rest.
fn split(oid: &[i64], count: usize) -> (Vec<i64>, &[i64]) {
    let count = count.min(oid.len().max(MAX_PAD));
    let mut head = vec![0i64; count];
    let n = count.min(oid.len());
    head[..n].copy_from_slice(&oid[..n]);
    (head, &oid[n..])
}

fn to_len(n: i64) -> usize {
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
fn hex_text(bytes: &[u8]) -> String {
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

fn ipv6_text(arcs: &[i64]) -> String {
    let mut s = String::with_capacity(39);
    for (i, o) in arcs.iter().enumerate() {
        if i > 0 && i % 2 == 0 {
            s.push(':');
        }
        let _ = write!(s, "{o:02X}");
    }
    s
}

fn prev_oid(oid: &str) -> String {
    match oid.rsplit_once('.') {
        Some((head, last)) => format!("{head}.{}", last.parse::<i64>().unwrap_or(0) - 1),
        None => (oid.parse::<i64>().unwrap_or(0) - 1).to_string(),
    }
}

fn lookup_key(key: &mut Vec<u32>, base: &[u32], parts: &[&[i64]]) {
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

fn index_labels<'a>(
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

/// Go's `%q` of a byte string, near enough for error texts.
fn go_quote(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                c => s.push(c),
            }
        }
        for x in chunk.invalid() {
            s.push_str(&format!("\\x{x:02x}"));
        }
    }
    s.push('"');
    s
}

#[derive(Clone)]
struct Labels<'a> {
    names: Vec<&'a str>,
    values: Vec<Vec<u8>>,
}

impl<'a> Labels<'a> {
    fn push(&mut self, n: &'a str, v: Vec<u8>) {
        self.names.push(n);
        self.values.push(v);
    }
}

/// What a sample is and how its failure is named.
struct Head<'a> {
    name: Cow<'a, str>,
    help: Cow<'a, str>,
    kind: Kind,
    /// The help text of the `snmp_error` metric upstream reports a failure under.
    desc: &'static str,
}

/// A sample from byte labels: invalid UTF-8 becomes the error client_golang's
/// `NewConstMetric` gives, as an invalid metric (`desc` names it as upstream does).
fn emit<'a>(
    out: &mut Exposition<'a>,
    head: Head<'a>,
    labels: Labels<'a>,
    value: f64,
    context: &dyn Fn(&str, &[Vec<u8>]) -> String,
) {
    let Head {
        name,
        help,
        kind,
        desc,
    } = head;
    if let Some(bad) = labels
        .values
        .iter()
        .find(|v| std::str::from_utf8(v).is_err())
    {
        let err = format!("label value {} is not valid UTF-8", go_quote(bad));
        out.error(invalid_metric(desc, &context(&err, &labels.values)));
        return;
    }
    let pairs: Vec<(Cow<'a, str>, String)> = labels
        .names
        .into_iter()
        .zip(labels.values)
        .map(|(n, v)| (Cow::Borrowed(n), String::from_utf8(v).unwrap_or_default()))
        .collect();
    let sample = Sample {
        name,
        help,
        kind,
        labels: pairs,
        value,
    };
    if let Err(e) = out.check(&sample) {
        let values: Vec<Vec<u8>> = sample
            .labels
            .iter()
            .map(|(_, v)| v.as_bytes().to_vec())
            .collect();
        out.error(invalid_metric(desc, &context(&e, &values)));
        return;
    }
    out.add(sample);
}

/// client_golang's text for an invalid metric met while gathering.
pub fn invalid_metric(help: &str, err: &str) -> String {
    format!(
        "error collecting metric Desc{{fqName: \"snmp_error\", help: {help:?}, constLabels: {{}}, variableLabels: []}}: {err}"
    )
}

fn label_list(values: &[Vec<u8>]) -> String {
    let v: Vec<String> = values
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    format!("[{}]", v.join(" "))
}

fn samples<'a>(
    index: &[i64],
    pdu: &Value,
    metric: &'a Metric,
    prepared: &PreparedMetric,
    pdus: &PduMap<'_>,
    out: &mut Exposition<'a>,
) {
    let label_map = index_labels(index, metric, prepared, pdus);
    let mut labels = Labels {
        names: Vec::with_capacity(label_map.len() + 1),
        values: Vec::with_capacity(label_map.len() + 1),
    };
    let has_own = label_map.iter().any(|(n, _)| *n == metric.name);
    for (k, v) in label_map {
        labels.push(k, v);
    }
    let mut value = match pdu {
        Value::Counter64(n) if !prepared.wrap => *n as f64,
        _ => numeric(pdu),
    };
    let kind;
    match metric.kind.as_str() {
        "counter" | "gauge" | "Float" | "Double" => {
            kind = if metric.kind == "counter" {
                Kind::Counter
            } else {
                Kind::Gauge
            };
            if !matches!(
                pdu,
                Value::Integer(_)
                    | Value::Counter32(_)
                    | Value::Gauge32(_)
                    | Value::TimeTicks(_)
                    | Value::Counter64(_)
                    | Value::OpaqueFloat(_)
                    | Value::OpaqueDouble(_)
            ) {
                out.unexpected_types += 1;
            }
        }
        "DateAndTime" => {
            kind = Kind::Gauge;
            match date_and_time(pdu) {
                Some(v) => value = v,
                None => return,
            }
        }
        "ParseDateAndTime" => {
            kind = Kind::Gauge;
            let text = String::from_utf8_lossy(&value_string(pdu, "DisplayString")).into_owned();
            match parse_with_pattern(&text, &metric.datetime_pattern) {
                Some(v) => value = v,
                None => return,
            }
        }
        "NTPTimeStamp" => {
            kind = Kind::Gauge;
            match pdu {
                Value::OctetString(b) if b.len() >= 8 => {
                    let secs = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                    value = (i64::from(secs) - 2_208_988_800) as f64;
                }
                _ => return,
            }
        }
        "EnumAsInfo" => {
            // Already a label (an index of type EnumAsInfo): the name is there, no sample
            // (a second label of the same name would be refused; upstream, since 0.30.1).
            if has_own {
                return;
            }
            let v = value as i64;
            let state = metric
                .enum_values
                .get(&v)
                .cloned()
                .unwrap_or_else(|| v.to_string());
            labels.push(&metric.name, state.into_bytes());
            let ctx = |e: &str, values: &[Vec<u8>]| {
                format!(
                    "error for metric {} with labels {}: {e}",
                    metric.name,
                    label_list(values)
                )
            };
            emit(
                out,
                Head {
                    name: Cow::Owned(format!("{}_info", metric.name)),
                    help: Cow::Owned(format!("{} (EnumAsInfo)", metric.help)),
                    kind: Kind::Gauge,
                    desc: "Error calling NewConstMetric for EnumAsInfo",
                },
                labels,
                1.0,
                &ctx,
            );
            return;
        }
        "EnumAsStateSet" => {
            let v = value as i64;
            let state = metric
                .enum_values
                .get(&v)
                .cloned()
                .unwrap_or_else(|| v.to_string());
            let mut states = vec![(state, 1.0)];
            states.extend(
                metric
                    .enum_values
                    .iter()
                    .filter(|(k, _)| **k != v)
                    .map(|(_, name)| (name.clone(), 0.0)),
            );
            emit_per_name(
                out,
                metric,
                &labels,
                "EnumAsStateSet",
                "Error calling NewConstMetric for EnumAsStateSet",
                states,
            );
            return;
        }
        "Bits" => {
            let bytes = match pdu {
                Value::OctetString(b) => b,
                _ => {
                    out.error(format!(
                        "error collecting metric Desc{{fqName: \"snmp_error\", help: \"BITS type was not a BISTRING on the wire.\", constLabels: {{}}, variableLabels: []}}: error for metric {} with labels {}: {}",
                        metric.name,
                        label_list(&labels.values),
                        value_type_name(pdu)
                    ));
                    return;
                }
            };
            let bits = metric.enum_values.iter().map(|(k, name)| {
                let set = usize::try_from(*k)
                    .is_ok_and(|k| k < bytes.len() * 8 && bytes[k / 8] & (128 >> (k % 8)) != 0);
                (name.clone(), if set { 1.0 } else { 0.0 })
            });
            emit_per_name(
                out,
                metric,
                &labels,
                "Bits",
                "Error calling NewConstMetric for Bits",
                bits.collect(),
            );
            return;
        }
        _ => {
            // Some form of string.
            kind = Kind::Gauge;
            value = 1.0;
            let mut metric_type = metric.kind.as_str();
            if let Some(mapping) = combined(metric_type) {
                let mut prev = prepared.prev.clone();
                prev.extend(index.iter().map(|&a| u32::try_from(a).unwrap_or(0)));
                metric_type = match pdus.get(prev.as_slice()) {
                    Some(p) => {
                        let val = numeric(p) as i64;
                        mapping
                            .iter()
                            .find(|(k, _)| *k == val)
                            .map(|(_, t)| *t)
                            .unwrap_or("OctetString")
                    }
                    None => "OctetString",
                };
            }
            if !metric.regex_extracts.is_empty() {
                let text = hinted_string(pdu, metric_type, &metric.display_hint);
                let text = String::from_utf8_lossy(&text);
                for (suffix, list) in &metric.regex_extracts {
                    for re in list {
                        let Some(caps) = re.compiled.captures(&text) else {
                            continue;
                        };
                        let mut expanded = String::new();
                        caps.expand(&re.value, &mut expanded);
                        let Some(mut v) = go_parse_float(&expanded) else {
                            continue;
                        };
                        // Scale and offset apply to extracted values too (upstream #1580).
                        if metric.scale != 0.0 {
                            v *= metric.scale;
                        }
                        v += metric.offset;
                        let name = format!("{}{}", metric.name, suffix);
                        let ctx = |e: &str, values: &[Vec<u8>]| {
                            format!(
                                "error for metric {name} with labels {}: {e}",
                                label_list(values)
                            )
                        };
                        emit(
                            out,
                            Head {
                                name: Cow::Owned(name.clone()),
                                help: Cow::Owned(format!("{} (regex extracted)", metric.help)),
                                kind: Kind::Gauge,
                                desc: "Error calling NewConstMetric for regex_extract",
                            },
                            labels.clone(),
                            v,
                            &ctx,
                        );
                        break;
                    }
                }
                return;
            }
            if !has_own {
                labels.push(
                    &metric.name,
                    hinted_string(pdu, metric_type, &metric.display_hint),
                );
            }
        }
    }
    if metric.scale != 0.0 {
        value *= metric.scale;
    }
    value += metric.offset;
    let ctx = |e: &str, values: &[Vec<u8>]| {
        format!(
            "error for metric {} with labels {} from indexOids [{}]: {e}",
            metric.name,
            label_list(values),
            index
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    emit(
        out,
        Head {
            name: Cow::Borrowed(&metric.name),
            help: Cow::Borrowed(&metric.help),
            kind,
            desc: "Error calling NewConstMetric",
        },
        labels,
        value,
        &ctx,
    );
}

/// One sample per name (an EnumAsStateSet's states, a Bits' bits): the metric's own name as a
/// label with that name, and its value; the help text gets `(what)` appended, as upstream.
fn emit_per_name<'a>(
    out: &mut Exposition<'a>,
    metric: &'a Metric,
    labels: &Labels<'a>,
    what: &str,
    desc: &'static str,
    names: Vec<(String, f64)>,
) {
    let help = format!("{} ({what})", metric.help);
    // Upstream's error text lists the labels before the name's.
    let base = label_list(&labels.values);
    let ctx = |e: &str, _: &[Vec<u8>]| {
        format!("error for metric {} with labels {base}: {e}", metric.name)
    };
    for (name, value) in names {
        let mut l = labels.clone();
        l.push(&metric.name, name.into_bytes());
        emit(
            out,
            Head {
                name: Cow::Borrowed(&metric.name),
                help: Cow::Owned(help.clone()),
                kind: Kind::Gauge,
                desc,
            },
            l,
            value,
            &ctx,
        );
    }
}

fn value_type_name(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) => "int",
        Value::Counter32(_) | Value::Gauge32(_) | Value::TimeTicks(_) => "uint",
        Value::Counter64(_) => "uint64",
        Value::ObjectIdentifier(_) | Value::IpAddress(_) => "string",
        Value::OpaqueFloat(_) => "float32",
        Value::OpaqueDouble(_) => "float64",
        Value::Null => "<nil>",
        _ => "[]uint8",
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms a regex extract gives.
fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let t = lower.trim_start_matches(['+', '-']);
    if matches!(t, "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok().or_else(|| {
            let neg = s.starts_with('-');
            Some(match t {
                "nan" => f64::NAN,
                _ if neg => f64::NEG_INFINITY,
                _ => f64::INFINITY,
            })
        });
    }
    if s.is_empty() || s.contains('_') {
        return None;
    }
    s.parse::<f64>().ok()
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn unix_time(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, offset_secs: i64) -> f64 {
    // Go's time.Date normalizes out-of-range months and days.
    let y2 = y + (mo - 1).div_euclid(12);
    let mo2 = (mo - 1).rem_euclid(12) + 1;
    let days = days_from_civil(y2, mo2, 1) + (d - 1);
    (days * 86_400 + h * 3600 + mi * 60 + s - offset_secs) as f64
}

/// RFC 2579 DateAndTime (8 or 11 octets) as a Unix time.
fn date_and_time(v: &Value) -> Option<f64> {
    let Value::OctetString(b) = v else {
        return None;
    };
    let offset = match b.len() {
        8 => 0,
        11 => {
            let sign = match b[8] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if b[9] > 99 || b[10] > 99 || b[9] > 24 || b[10] > 60 {
                return None;
            }
            sign * (i64::from(b[9]) * 3600 + i64::from(b[10]) * 60)
        }
        _ => return None,
    };
    let year = i64::from(u16::from_be_bytes([b[0], b[1]]));
    Some(unix_time(
        year,
        i64::from(b[2]),
        i64::from(b[3]),
        i64::from(b[4]),
        i64::from(b[5]),
        i64::from(b[6]),
        offset,
    ))
}

/// A strptime-style pattern (the common directives: %Y %y %m %d %e %H %M %S %b %B %T %F %D
/// %z %%) applied to `text`, as a Unix time.
pub fn parse_with_pattern(text: &str, pattern: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut off) =
        (1900i64, 1i64, 1i64, 0i64, 0i64, 0i64, 0i64);
    let t = text.as_bytes();
    let mut i = 0usize;
    let num = |i: &mut usize, max: usize| -> Option<i64> {
        let start = *i;
        while *i < t.len() && *i - start < max && t[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        std::str::from_utf8(&t[start..*i]).ok()?.parse().ok()
    };
    let mut p = pattern.chars();
    let expanded: String;
    let pat: &str = {
        expanded = pattern
            .replace("%T", "%H:%M:%S")
            .replace("%F", "%Y-%m-%d")
            .replace("%D", "%m/%d/%y");
        &expanded
    };
    let _ = &mut p;
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            if c.is_whitespace() {
                while i < t.len() && t[i].is_ascii_whitespace() {
                    i += 1;
                }
                continue;
            }
            if i < t.len() && t[i] as char == c {
                i += 1;
                continue;
            }
            return None;
        }
        match chars.next()? {
            'Y' => y = num(&mut i, 4)?,
            'y' => {
                let v = num(&mut i, 2)?;
                y = if v < 69 { 2000 + v } else { 1900 + v };
            }
            'm' => mo = num(&mut i, 2)?,
            'd' => d = num(&mut i, 2)?,
            'e' => {
                while i < t.len() && t[i] == b' ' {
                    i += 1;
                }
                d = num(&mut i, 2)?;
            }
            'H' => h = num(&mut i, 2)?,
            'M' => mi = num(&mut i, 2)?,
            'S' => s = num(&mut i, 2)?,
            'b' | 'B' | 'h' => {
                let rest = text.get(i..)?.to_ascii_lowercase();
                let (idx, _) = MONTHS
                    .iter()
                    .enumerate()
                    .find(|(_, m)| rest.starts_with(*m))?;
                mo = idx as i64 + 1;
                i += 3;
                while i < t.len() && t[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            'z' => {
                if i < t.len() && t[i] == b'Z' {
                    i += 1;
                } else {
                    let sign = match t.get(i)? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    i += 1;
                    let hh = num(&mut i, 2)?;
                    if i < t.len() && t[i] == b':' {
                        i += 1;
                    }
                    let mm = num(&mut i, 2)?;
                    off = sign * (hh * 3600 + mm * 60);
                }
            }
            '%' => {
                if t.get(i) != Some(&b'%') {
                    return None;
                }
                i += 1;
            }
            _ => return None,
        }
    }
    if i != t.len() {
        return None;
    }
    Some(unix_time(y, mo, d, h, mi, s, off))
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

    #[test]
    fn lookup_plan_walks_around_the_lookup_columns() {
        let cfg = crate::Config::parse(
            "m:\n  walk: [1.3.6.1.2.1.2, 1.3.6.1.2.1.1.3]\n  lookup_cache: 10m\n  metrics:\n  - {name: ifNumber, oid: 1.3.6.1.2.1.2.1, type: gauge}\n  - name: ifInOctets\n    oid: 1.3.6.1.2.1.2.2.1.10\n    type: counter\n    indexes: [{labelname: ifIndex, type: gauge}]\n    lookups: [{labels: [ifIndex], labelname: ifDescr, oid: 1.3.6.1.2.1.2.2.1.2, type: DisplayString}]\n",
            "t.yml",
        )
        .expect("config");
        let plan = LookupPlan::new(&cfg.modules["m"]).expect("a plan");
        assert_eq!(plan.cached, vec!["1.3.6.1.2.1.2.2.1.2"]);
        assert_eq!(
            plan.walk_without,
            vec!["1.3.6.1.2.1.2.1", "1.3.6.1.2.1.2.2.1.10", "1.3.6.1.2.1.1.3"]
        );
    }

    #[test]
    fn values_as_strings() {
        assert_eq!(
            value_string(&Value::OctetString(vec![0xde, 0xad].into()), "OctetString"),
            b"0xDEAD"
        );
        assert_eq!(
            value_string(
                &Value::OctetString(b"eth0".to_vec().into()),
                "DisplayString"
            ),
            b"eth0"
        );
        assert_eq!(
            value_string(&Value::IpAddress([10, 1, 2, 3]), "IpAddr"),
            b"10.1.2.3"
        );
        assert_eq!(value_string(&Value::OpaqueFloat(0.5), "Float"), b"0.5");
        assert_eq!(
            value_string(&Value::Counter64(u64::MAX), "counter"),
            u64::MAX.to_string().as_bytes()
        );
        assert_eq!(numeric(&Value::Counter64(9_007_199_254_740_993)), 1.0);
    }

    /// Renders `module` of `text` (legacy layout, module `m`) over `pdus`.
    fn render(text: &str, pdus: &[(Vec<u32>, Value)]) -> String {
        let cfg = crate::Config::parse(text, "t.yml").expect("config");
        let module = &cfg.modules["m"];
        let prepared = Prepared::new(module);
        let owned: Vec<(Oid, Value)> = pdus
            .iter()
            .map(|(o, v)| (Oid::from_arcs(o), v.clone()))
            .collect();
        let map = pdu_map(&owned);
        let mut out = Exposition::new();
        collect(module, &prepared, &map, &mut out);
        out.finish();
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        out.render()
    }

    #[test]
    fn upstream_behaviours_since_0_30_1() {
        // #1624: an EnumAsInfo lookup column with enum_values labels by name.
        let text = "m:\n  walk: ['1.2']\n  metrics:\n  - name: used\n    oid: 1.2.1\n    type: gauge\n    indexes: [{labelname: idx, type: gauge}]\n    lookups:\n    - labels: [idx]\n      labelname: poolType\n      oid: 1.2.2\n      type: EnumAsInfo\n      enum_values: {1: processorMemory, 2: ioMemory}\n";
        let out = render(
            text,
            &[
                (vec![1, 2, 1, 5], Value::Gauge32(7)),
                (vec![1, 2, 2, 5], Value::Integer(2)),
                (vec![1, 2, 1, 6], Value::Gauge32(8)),
                (vec![1, 2, 2, 6], Value::Integer(99)),
            ],
        );
        assert!(
            out.contains("used{idx=\"5\",poolType=\"ioMemory\"} 7"),
            "{out}"
        );
        assert!(out.contains("used{idx=\"6\",poolType=\"99\"} 8"), "{out}");
        // #1549: a metric's display_hint formats an OctetString value.
        let text = "m:\n  walk: ['1.3']\n  metrics:\n  - {name: mac, oid: 1.3.1, type: OctetString, display_hint: '1x:'}\n";
        let out = render(
            text,
            &[(vec![1, 3, 1, 0], Value::OctetString(vec![0, 26, 43].into()))],
        );
        assert!(out.contains("mac{mac=\"00:1A:2B\"} 1"), "{out}");
        // #1646: index label values become valid UTF-8.
        let text = "m:\n  walk: ['1.4']\n  metrics:\n  - name: v\n    oid: 1.4.1\n    type: gauge\n    indexes: [{labelname: name, type: DisplayString}]\n";
        let out = render(
            text,
            &[(vec![1, 4, 1, 3, 97, 0xff, 0xfe], Value::Integer(1))],
        );
        assert!(out.contains("v{name=\"a\u{FFFD}\"} 1"), "{out}");
        // #1580: scale and offset apply to regex-extracted values.
        let text = "m:\n  walk: ['1.5']\n  metrics:\n  - name: temp\n    oid: 1.5.1\n    type: DisplayString\n    scale: 0.1\n    offset: 1\n    regex_extracts:\n      '':\n      - {regex: '(.*)C', value: '$1'}\n";
        let out = render(
            text,
            &[(
                vec![1, 5, 1, 0],
                Value::OctetString(b"250C".to_vec().into()),
            )],
        );
        assert!(out.contains("temp 26"), "{out}");
        // An EnumAsInfo metric that is also its own index: no second label, no sample.
        let text = "m:\n  walk: ['1.6']\n  metrics:\n  - name: st\n    oid: 1.6.1\n    type: EnumAsInfo\n    enum_values: {1: up}\n    indexes: [{labelname: st, type: EnumAsInfo, enum_values: {1: up}}]\n";
        let out = render(text, &[(vec![1, 6, 1, 1], Value::Integer(1))]);
        assert!(!out.contains("st_info"), "{out}");
        // #1653: an index type the collector cannot render is refused at load.
        let bad = "m:\n  walk: ['1.7']\n  metrics:\n  - name: x\n    oid: 1.7.1\n    type: gauge\n    indexes: [{labelname: x, type: Float}]\n";
        let e = crate::Config::parse(bad, "t.yml").expect_err("refused");
        assert!(
            e.to_string().contains("invalid index type \"Float\""),
            "{e}"
        );
    }

    #[test]
    fn dates() {
        // 2024-02-29 12:30:15.0 +02:00
        let v = Value::OctetString(vec![0x07, 0xe8, 2, 29, 12, 30, 15, 0, b'+', 2, 0].into());
        assert_eq!(date_and_time(&v), Some(1_709_202_615.0));
        assert_eq!(
            parse_with_pattern("2024-02-29 10:30:15", "%Y-%m-%d %H:%M:%S"),
            Some(1_709_202_615.0)
        );
        assert_eq!(
            parse_with_pattern("Feb 29 2024", "%b %d %Y"),
            Some(1_709_164_800.0)
        );
        assert_eq!(parse_with_pattern("garbage", "%Y"), None);
        assert_eq!(date_and_time(&Value::OctetString(vec![1, 2].into())), None);
    }
}
