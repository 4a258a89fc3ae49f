//! Values as numbers and as label strings, as upstream's `getPduValue` and `pduValueAsString`.

use super::*;

pub(crate) const COMBINED: &[(&str, &[(i64, &str)])] = &[
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

pub(crate) fn combined(kind: &str) -> Option<&'static [(i64, &'static str)]> {
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
pub(crate) fn big_int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => i64::from(*i),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => i64::from(*n),
        Value::Counter64(n) => *n as i64,
        _ => 0,
    }
}

pub(crate) fn go_float_f(f: f64, bits32: bool) -> String {
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

pub(crate) fn dotted(arcs: &[u32]) -> String {
    let mut s = String::with_capacity(arcs.len() * 4);
    for (i, a) in arcs.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&a.to_string());
    }
    s
}

pub(crate) fn dotted_i(arcs: &[i64]) -> String {
    arcs.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms a regex extract gives.
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
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

pub(crate) fn value_type_name(v: &Value) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;
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
}
