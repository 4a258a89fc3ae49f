//! A row's index after its OID, as Net-SNMP prints it, on top of the one index decoder.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt::Write as _;

use super::hint::{hinted_octets_with, is_print};
use super::Format;
use crate::index::IndexValue;
use crate::model::{BaseType, Mib, Node};

impl Format {
    /// An index after its row, on top of the one index decoder
    /// ([`decode_prefix`](crate::index::decode_prefix)): each component that decodes as
    /// Net-SNMP prints it (`.2`, `."eth0"`, `.'fixed'`, `[ipv4]["192.0.2.1"]` with `-OX`),
    /// then whatever is left as numbers.
    pub(super) fn write_index(
        &self,
        out: &mut String,
        mib: &Mib,
        arcs: &[u32],
        index: &[(Node<'_>, bool)],
    ) {
        let prefix = crate::index::decode_prefix(index, arcs);
        let mut rest = arcs;
        let mut prev_int: Option<u32> = None;
        for (piece, (ix, _)) in prefix.pieces.iter().zip(index) {
            // A component that takes no arcs (an IMPLIED string at the very end) prints
            // nothing, as Net-SNMP.
            let (Some(t), false) = (ix.syntax(), piece.arcs.is_empty()) else {
                break;
            };
            let mut text = String::new();
            let int = match &piece.value {
                IndexValue::Integer { .. } => {
                    let v = piece.body.first().copied().unwrap_or(0);
                    let label = t
                        .enum_label(i64::from(v as i32))
                        .filter(|_| t.base() == BaseType::Integer32);
                    match label {
                        Some(l) => text.push_str(l),
                        None => {
                            let _ = write!(text, "{v}");
                        }
                    }
                    Some(v)
                }
                IndexValue::IpAddress(a) => {
                    let _ = write!(text, "{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
                    None
                }
                IndexValue::Oid(_) if self.extended_index => {
                    let sub = Format {
                        extended_index: false,
                        ..self.clone()
                    };
                    sub.write_oid(&mut text, mib, piece.body);
                    None
                }
                IndexValue::Oid(_) => {
                    // The numbers, its length arc too.
                    for (i, a) in piece.arcs.iter().enumerate() {
                        if i > 0 {
                            text.push('.');
                        }
                        let _ = write!(text, "{a}");
                    }
                    None
                }
                _ => {
                    self.write_index_octets(&mut text, t, piece, prev_int);
                    None
                }
            };
            prev_int = int;
            if self.extended_index {
                out.push('[');
                out.push_str(&text);
                out.push(']');
            } else {
                out.push('.');
                out.push_str(&text);
            }
            rest = rest.get(piece.arcs.len()..).unwrap_or(&[]);
        }
        for a in rest {
            let _ = write!(out, ".{a}");
        }
    }

    /// A string component of an index: an InetAddress as its address, with `-OX` and a
    /// DISPLAY-HINT as the hint says, else quoted (`'` for IMPLIED and fixed-size strings,
    /// `"` for length-prefixed ones) with unprintable octets as dots.
    fn write_index_octets(
        &self,
        text: &mut String,
        t: crate::model::Type<'_>,
        piece: &crate::index::Piece<'_>,
        prev_int: Option<u32>,
    ) {
        let bytes: Vec<u8> = piece.body.iter().map(|&a| a as u8).collect();
        if let Some(s) = inet_address(t, prev_int, &bytes) {
            // Net-SNMP writes these quotes itself, unescaped by -OE.
            text.push('"');
            text.push_str(&s);
            text.push('"');
            return;
        }
        if self.extended_index && !t.hint().is_empty() {
            if !self.quick {
                text.push_str("STRING: ");
            }
            hinted_octets_with(text, &bytes, t.hint(), self.two_digit_hex);
            return;
        }
        if bytes.is_empty() {
            self.quote(text, '"');
            self.quote(text, '"');
            return;
        }
        let quote = match piece.layout {
            crate::index::Layout::Length => '"',
            crate::index::Layout::Fixed | crate::index::Layout::Implied => '\'',
        };
        self.quote(text, quote);
        for &c in &bytes {
            text.push(if is_print(c) { char::from(c) } else { '.' });
        }
        self.quote(text, quote);
    }
}

/// Net-SNMP 5.9's reading of an InetAddress index after its InetAddressType: dotted
/// IPv4, colon-separated hex IPv6, with `%zone` for the z forms.
fn inet_address(t: crate::model::Type<'_>, kind: Option<u32>, b: &[u8]) -> Option<String> {
    if !t.is("InetAddress") {
        return None;
    }
    let v6 = |a: &[u8]| {
        a.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let v4 = |a: &[u8; 4]| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
    // The zone: the last four octets, big-endian.
    let zone = |z: &[u8]| z.last_chunk::<4>().map_or(0, |z| u32::from_be_bytes(*z));
    match (kind?, b.len()) {
        (1, 4) => b.first_chunk::<4>().map(v4),
        (2, 16) => Some(v6(b)),
        (3, 8) => b
            .first_chunk::<4>()
            .map(|a| format!("{}%{}", v4(a), zone(b))),
        (4, 20) => Some(format!("{}%{}", v6(b.get(..16)?), zone(b))),
        _ => None,
    }
}
