//! How varbinds are printed: Net-SNMP's text (through `names::Out`) or one JSON object a
//! line.

use snmp_tokio::{Oid, Value, VarBind};

use crate::names::{Names, Out};

/// A value as JSON: numbers as numbers, text as text, binary octets as hex with
/// `"encoding": "hex"`, an OID in numbers with its name, exceptions as `null` with their kind.
pub(crate) fn json_value(
    names: &Names,
    value: &Value,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut m = serde_json::Map::new();
    m.insert("type".into(), json!(value.type_name()));
    let v = match value {
        Value::Integer(i) => json!(i),
        Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => json!(v),
        Value::Counter64(v) => json!(v),
        Value::OctetString(b) => match std::str::from_utf8(b) {
            Ok(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
                json!(text)
            }
            _ => {
                m.insert("encoding".into(), json!("hex"));
                json!(hex(b))
            }
        },
        Value::Opaque(b) => {
            m.insert("encoding".into(), json!("hex"));
            json!(hex(b))
        }
        Value::OpaqueFloat(f) => json!(f),
        Value::OpaqueDouble(f) => json!(f),
        Value::IpAddress(a) => json!(std::net::Ipv4Addr::from(*a).to_string()),
        Value::ObjectIdentifier(o) => {
            m.insert("value_name".into(), json!(names.oid(o)));
            json!(format!("{o:#}"))
        }
        Value::Null => serde_json::Value::Null,
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            m.insert("exception".into(), json!(true));
            serde_json::Value::Null
        }
        other => json!(other.to_string()),
    };
    m.insert("value".into(), v);
    m
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One varbind as a JSON object: `oid`, `name`, `type`, `value` (see [`json_value`]).
pub(crate) fn json_varbind(
    names: &Names,
    oid: &Oid,
    value: &Value,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("oid".into(), serde_json::json!(format!("{oid:#}")));
    m.insert("name".into(), serde_json::json!(names.oid(oid)));
    m.extend(json_value(names, value));
    // An enumeration's label, as the MIB names the number (`"label": "up"`).
    if let Value::Integer(i) = value {
        let label = names
            .node(oid)
            .and_then(|n| n.syntax())
            .and_then(|t| t.enum_label(i64::from(*i)));
        if let Some(l) = label {
            m.insert("label".into(), serde_json::json!(l));
        }
    }
    m
}

pub(crate) fn print_varbind(out: &mut Out, names: &Names, vb: &VarBind, json: bool) -> bool {
    if json {
        out.line(&serde_json::Value::Object(json_varbind(names, &vb.oid, &vb.value)).to_string())
    } else {
        out.varbind(names, &vb.oid, &vb.value)
    }
}
