//! OID TYPE VALUE triples, as snmpset and snmptrap take them.

use snmp_tokio::{Value, VarBind};

use crate::failure::Failure;
use crate::names::Names;

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
                if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_hexdigit())
                {
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
