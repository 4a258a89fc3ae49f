//! Values as snmpwalk prints them for their OID's syntax.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt::Write as _;

use snmp_codec::{Oid, Value};

use super::hint::{
    hex_string, hinted_integer, hinted_octets_with, is_print, is_space, push_i64, push_u64,
};
use super::{Description, Format};
use crate::model::{BaseType, Mib};

impl Format {
    /// Appends the value as snmpwalk prints it for this OID.
    pub fn write_value(&self, out: &mut String, mib: &Mib, arcs: &[u32], value: &Value) {
        match value {
            Value::NoSuchObject => {
                return out.push_str("No Such Object available on this agent at this OID")
            }
            Value::NoSuchInstance => {
                return out.push_str("No Such Instance currently exists at this OID")
            }
            Value::EndOfMibView => {
                return out.push_str(
                    "No more variables left in this MIB View (It is past the end of the MIB tree)",
                )
            }
            _ => {}
        }
        let node = mib.lookup(arcs).map(|(n, _)| n);
        let syntax = node.and_then(|n| n.syntax());
        let units = match node {
            Some(n) if !self.no_units && !n.units().is_empty() => Some(n.units()),
            _ => None,
        };
        let Some(t) = syntax else {
            return self.by_type(out, mib, value, None, None, units);
        };
        let hint = Some(t.hint()).filter(|h| !h.is_empty());
        let enums: Vec<(i64, &str)> = t.enums().collect();
        let expect = t.base();
        let matches = matches!(
            (expect, value),
            (BaseType::Integer32, Value::Integer(_))
                | (BaseType::Unsigned32 | BaseType::Gauge32, Value::Gauge32(_))
                | (BaseType::Counter32, Value::Counter32(_))
                | (BaseType::Counter64, Value::Counter64(_))
                | (BaseType::TimeTicks, Value::TimeTicks(_))
                | (BaseType::IpAddress, Value::IpAddress(_))
                | (BaseType::OctetString, Value::OctetString(_))
                | (BaseType::ObjectIdentifier, Value::ObjectIdentifier(_))
                | (BaseType::Bits, Value::OctetString(_))
                | (
                    BaseType::Opaque,
                    Value::Opaque(_) | Value::OpaqueFloat(_) | Value::OpaqueDouble(_)
                )
        );
        if expect == BaseType::Unknown {
            return self.by_type(out, mib, value, Some(&enums), hint, units);
        }
        if !matches {
            if !self.quick_equals {
                out.push_str("Wrong Type (should be ");
                out.push_str(match expect {
                    BaseType::Integer32 => "INTEGER",
                    BaseType::Unsigned32 | BaseType::Gauge32 => "Gauge32 or Unsigned32",
                    BaseType::Counter32 => "Counter32",
                    BaseType::Counter64 => "Counter64",
                    BaseType::TimeTicks => "Timeticks",
                    BaseType::IpAddress => "IpAddress",
                    BaseType::OctetString => "OCTET STRING",
                    BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
                    BaseType::Bits => "BITS",
                    BaseType::Opaque => "Opaque",
                    BaseType::Unknown => "",
                });
                out.push_str("): ");
            }
            return self.by_type(out, mib, value, None, None, None);
        }
        if expect == BaseType::Bits {
            if let Value::OctetString(b) = value {
                self.bits(out, b, &enums);
                return push_units(out, units);
            }
        }
        self.by_type(out, mib, value, Some(&enums), hint, units)
    }

    fn bits(&self, out: &mut String, b: &[u8], enums: &[(i64, &str)]) {
        if self.quick {
            out.push('"');
        } else {
            out.push_str("BITS: ");
        }
        hex_string(out, b, self.hex_text);
        if self.quick {
            out.push('"');
            return;
        }
        for (i, byte) in b.iter().enumerate() {
            for bit in 0..8u8 {
                if byte & (0x80 >> bit) != 0 {
                    let pos = (i as i64).saturating_mul(8).saturating_add(i64::from(bit));
                    match enums.iter().find(|(v, _)| *v == pos) {
                        Some((_, l)) if !self.numeric_enums => {
                            let _ = write!(out, "{l}({pos}) ");
                        }
                        _ => {
                            let _ = write!(out, "{pos} ");
                        }
                    }
                }
            }
        }
    }

    /// Printing by the value's own type, with the MIB's enumerations, hint and units.
    fn by_type(
        &self,
        out: &mut String,
        mib: &Mib,
        value: &Value,
        enums: Option<&[(i64, &str)]>,
        hint: Option<&str>,
        units: Option<&str>,
    ) {
        let q = self.quick;
        match value {
            Value::Integer(v) => {
                if !q {
                    out.push_str("INTEGER: ");
                }
                let label = enums.and_then(|e| e.iter().find(|(x, _)| *x == i64::from(*v)));
                match label {
                    Some((_, l)) if !self.numeric_enums => {
                        out.push_str(l);
                        if !q {
                            let _ = write!(out, "({v})");
                        }
                    }
                    _ => match hint {
                        Some(h) => hinted_integer(out, i64::from(*v), h),
                        None => push_i64(out, i64::from(*v)),
                    },
                }
            }
            Value::Gauge32(v) => {
                if !q {
                    out.push_str("Gauge32: ");
                }
                match hint {
                    Some(h) => hinted_integer(out, i64::from(*v), h),
                    None => push_u64(out, u64::from(*v)),
                }
            }
            Value::Counter32(v) => {
                if !q {
                    out.push_str("Counter32: ");
                }
                push_u64(out, u64::from(*v));
            }
            Value::Counter64(v) => {
                if !q {
                    out.push_str("Counter64: ");
                }
                push_u64(out, *v);
            }
            Value::TimeTicks(v) => {
                if self.numeric_timeticks {
                    let _ = write!(out, "{v}");
                    return;
                }
                if !q {
                    let _ = write!(out, "Timeticks: ({v}) ");
                }
                uptime(out, *v, q);
            }
            Value::IpAddress(a) => {
                if !q {
                    out.push_str("IpAddress: ");
                }
                let _ = write!(out, "{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
            }
            Value::ObjectIdentifier(o) => {
                if !q {
                    out.push_str("OID: ");
                }
                self.write_oid(out, mib, o.arcs());
            }
            Value::OctetString(b) => {
                if let Some(h) = hint {
                    if !q {
                        out.push_str("STRING: ");
                    }
                    hinted_octets_with(out, b, h, self.two_digit_hex);
                } else if b.is_empty() {
                    out.push_str("\"\"");
                } else {
                    let hex = if self.hex {
                        true
                    } else if self.ascii {
                        false
                    } else {
                        b.iter().any(|&c| !is_print(c) && !is_space(c))
                    };
                    if hex {
                        out.push_str(if q { "\"" } else { "Hex-STRING: " });
                        hex_string(out, b, self.hex_text);
                        if q {
                            out.push('"');
                        }
                    } else {
                        if !q {
                            out.push_str("STRING: ");
                        }
                        out.push('"');
                        for &c in b.iter() {
                            if is_print(c) || is_space(c) {
                                if c == b'\\' || c == b'"' {
                                    out.push('\\');
                                }
                                out.push(char::from(c));
                            } else {
                                out.push('.');
                            }
                        }
                        out.push('"');
                    }
                }
            }
            Value::Opaque(b) => {
                if !q {
                    out.push_str("OPAQUE: ");
                }
                hex_string(out, b, self.hex_text);
            }
            Value::OpaqueFloat(f) => {
                if !q {
                    out.push_str("Opaque: Float: ");
                }
                self.float_format
                    .unwrap_or_default()
                    .write(out, f64::from(*f));
            }
            Value::OpaqueDouble(f) => {
                if !q {
                    out.push_str("Opaque: Float: ");
                }
                self.float_format.unwrap_or_default().write(out, *f);
            }
            Value::Null => out.push_str("NULL"),
            other => {
                let _ = write!(out, "{other}");
            }
        }
        push_units(out, units);
    }

    /// Object, module, index and formatted value of a varbind, for display.
    pub fn describe(&self, mib: &Mib, oid: &Oid, value: &Value) -> Description {
        let found = mib.lookup(oid.arcs());
        let (object, module, units, index) = match found {
            Some((n, at)) => (
                n.name().to_owned(),
                n.module().name().to_owned(),
                n.units().to_owned(),
                Oid::from_arcs(oid.arcs().get(at..).unwrap_or_default()),
            ),
            None => (String::new(), String::new(), String::new(), oid.clone()),
        };
        let bare = Format {
            quick: true,
            no_units: true,
            ..self.clone()
        };
        Description {
            name: self.oid(mib, oid),
            object,
            module,
            index,
            value: bare.value(mib, oid, value),
            units,
        }
    }
}

fn push_units(out: &mut String, units: Option<&str>) {
    if let Some(u) = units {
        out.push(' ');
        out.push_str(u);
    }
}

fn uptime(out: &mut String, ticks: u32, quick: bool) {
    let centis = ticks % 100;
    let mut t = ticks / 100;
    let days = t / 86_400;
    t %= 86_400;
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    let _ = if quick {
        write!(out, "{days}:{h}:{m:02}:{s:02}.{centis:02}")
    } else if days == 0 {
        write!(out, "{h}:{m:02}:{s:02}.{centis:02}")
    } else if days == 1 {
        write!(out, "1 day, {h}:{m:02}:{s:02}.{centis:02}")
    } else {
        write!(out, "{days} days, {h}:{m:02}:{s:02}.{centis:02}")
    };
}
