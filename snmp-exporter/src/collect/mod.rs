//! From the varbinds of a scrape to samples, as upstream's collector does: each varbind is
//! matched to the metric whose OID is its shortest configured prefix, the rest of its OID is
//! decoded into index labels, lookups add labels from other columns, and the value becomes a
//! number, an info label, a state set, bits or numbers extracted by regular expressions.
//!
//! Where upstream would panic (an index type it does not know, a too-short NTP timestamp) or
//! allocate what an agent's index arc asks for, this gives an error or a bounded answer.

mod index;
mod prepared;
mod time;
mod value;

pub use index::*;
pub use prepared::*;
pub use time::*;
pub use value::*;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use snmp_tokio::{Oid, Value};

use crate::config::{Index, Metric, MetricType, Module};
use crate::expo::{Exposition, Kind, Sample};

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

/// Go's `%q` of a byte string, near enough for error texts.
pub(crate) fn go_quote(b: &[u8]) -> String {
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
pub(crate) struct Labels<'a> {
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
pub(crate) struct Head<'a> {
    name: Cow<'a, str>,
    help: Cow<'a, str>,
    kind: Kind,
    /// The help text of the `snmp_error` metric upstream reports a failure under.
    desc: &'static str,
}

/// A sample from byte labels: invalid UTF-8 becomes the error client_golang's
/// `NewConstMetric` gives, as an invalid metric (`desc` names it as upstream does).
pub(crate) fn emit<'a>(
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

pub(crate) fn label_list(values: &[Vec<u8>]) -> String {
    let v: Vec<String> = values
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    format!("[{}]", v.join(" "))
}

pub(crate) fn samples<'a>(
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
    match &metric.kind {
        MetricType::Counter | MetricType::Gauge | MetricType::Float | MetricType::Double => {
            kind = if metric.kind == MetricType::Counter {
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
        MetricType::DateAndTime => {
            kind = Kind::Gauge;
            match date_and_time(pdu) {
                Some(v) => value = v,
                None => return,
            }
        }
        MetricType::ParseDateAndTime => {
            kind = Kind::Gauge;
            let text = String::from_utf8_lossy(&value_string(pdu, "DisplayString")).into_owned();
            match parse_with_pattern(&text, &metric.datetime_pattern) {
                Some(v) => value = v,
                None => return,
            }
        }
        MetricType::NtpTimeStamp => {
            kind = Kind::Gauge;
            match pdu {
                Value::OctetString(b) if b.len() >= 8 => {
                    let secs = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                    value = (i64::from(secs) - 2_208_988_800) as f64;
                }
                _ => return,
            }
        }
        MetricType::EnumAsInfo => {
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
        MetricType::EnumAsStateSet => {
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
        MetricType::Bits => {
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
pub(crate) fn emit_per_name<'a>(
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

#[cfg(test)]
mod tests {
    use super::*;
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
}
