//! The DISPLAY-HINT interpreter (RFC 2579 3.1), as Net-SNMP applies it: integers (`d-2`,
//! `x`, `o`, `b`) and octet strings (`255a`, `1x:`, `2d.`, `*` repeats, terminators),
//! lenient with bad hints (ignored with Net-SNMP's note), never panicking on hostile ones.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt::Write as _;

/// An integer with a DISPLAY-HINT (`d-2`, `x`, `o`, `b`), as Net-SNMP prints it.
pub(crate) fn hinted_integer(out: &mut String, v: i64, hint: &str) {
    let h = hint.as_bytes();
    let shift: usize = if h.get(1) == Some(&b'-') {
        hint[2..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .fold(0usize, |a, d| {
                a.saturating_mul(10)
                    .saturating_add(usize::from(d.saturating_sub(b'0')))
            })
            .min(64)
    } else {
        0
    };
    let mut tmp = match h.first() {
        Some(b'x') => format!("{v:x}"),
        Some(b'o') => format!("{v:o}"),
        Some(b'b') => format!("{v:b}"),
        _ => format!("{v}"),
    };
    if shift != 0 {
        let len = tmp.len();
        if let Some(at) = len.checked_sub(shift) {
            tmp.insert(at, '.');
        } else {
            let digits = tmp.clone();
            tmp = String::from(".");
            for _ in 0..shift.saturating_sub(len) {
                tmp.push('0');
            }
            tmp.push_str(&digits);
        }
    }
    out.push_str(&tmp);
}

/// Appends `v` in decimal (without `core::fmt`: the numbers of a walk's OIDs and values are
/// the formatter's hottest path).
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    // A u64 has at most 20 digits: the buffer always holds them.
    let mut buf = [0u8; 20];
    let mut used = 0usize;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' | (v % 10) as u8;
        used = used.saturating_add(1);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let at = buf.len().saturating_sub(used);
    // Only ASCII digits were written.
    out.push_str(core::str::from_utf8(buf.get(at..).unwrap_or_default()).unwrap_or_default());
}

/// Appends `v` in decimal.
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// An octet string with a DISPLAY-HINT (RFC 2579 3.1), as Net-SNMP prints it.
#[cfg(test)]
pub(crate) fn hinted_octets(out: &mut String, b: &[u8], hint: &str) {
    hinted_octets_with(out, b, hint, false)
}

/// As [`hinted_octets`], with `-O0`'s zero-padded hex when `two_digit` is set.
pub(crate) fn hinted_octets_with(out: &mut String, b: &[u8], hint: &str, two_digit: bool) {
    let h = hint.as_bytes();
    let mut hi = 0usize;
    let mut cp = 0usize;
    let (mut width, mut code, mut separ, mut term) = (1usize, b'd', 0u8, 0u8);
    let start = out.len();
    // `hi` and `cp` only ever step over bytes of the hint and of the value: they stay within
    // their lengths (and saturate, which can't happen).
    while let Some(&first) = b.get(cp) {
        let mut repeat = 1usize;
        if hi < h.len() {
            if h.get(hi) == Some(&b'*') {
                repeat = usize::from(first);
                cp = cp.saturating_add(1);
                hi = hi.saturating_add(1);
            }
            width = 0;
            while let Some(&d) = h.get(hi).filter(|d| d.is_ascii_digit()) {
                width = width
                    .saturating_mul(10)
                    .saturating_add(usize::from(d.saturating_sub(b'0')));
                hi = hi.saturating_add(1);
            }
            code = h.get(hi).copied().unwrap_or(0);
            hi = hi.saturating_add(1);
            let sep_ok = |hi: usize, width: usize| {
                h.get(hi).is_some_and(|&ch| {
                    ch != b'*'
                        && !ch.is_ascii_digit()
                        && (width != 0 || !matches!(ch, b'x' | b'd' | b'o'))
                })
            };
            if sep_ok(hi, width) {
                separ = h.get(hi).copied().unwrap_or(0);
                hi = hi.saturating_add(1);
            } else {
                separ = 0;
            }
            if sep_ok(hi, width) {
                term = h.get(hi).copied().unwrap_or(0);
                hi = hi.saturating_add(1);
            } else {
                term = 0;
            }
            if width == 0 {
                width = 1;
            }
        }
        while repeat > 0 && cp < b.len() {
            match code {
                b'a' | b't' => {
                    let end = cp.saturating_add(width).min(b.len());
                    // Net-SNMP copies the bytes as they are; invalid UTF-8 is replaced.
                    out.push_str(&String::from_utf8_lossy(b.get(cp..end).unwrap_or_default()));
                    cp = end;
                }
                b'x' | b'd' | b'o' => {
                    let mut value: u64 = 0;
                    let cp_start = cp;
                    let end = cp.saturating_add(width).min(b.len());
                    for &byte in b.get(cp..end).unwrap_or_default() {
                        value = value.wrapping_mul(256).wrapping_add(u64::from(byte));
                    }
                    cp = end;
                    let digits = end.saturating_sub(cp_start).saturating_mul(2);
                    let _ = match code {
                        b'x' if two_digit => write!(out, "{value:0digits$x}"),
                        b'x' => write!(out, "{value:x}"),
                        b'o' => write!(out, "{value:o}"),
                        _ => write!(out, "{value}"),
                    };
                }
                _ => {
                    // A hint Net-SNMP cannot use: it says so and prints without it.
                    out.truncate(start);
                    let _ = write!(out, "(Bad hint ignored: {hint}) ");
                    let hex = b.iter().any(|&c| !is_print(c) && !is_space(c));
                    if hex {
                        out.push_str("Hex-STRING: ");
                        hex_string(out, b, false);
                    } else {
                        out.push_str("STRING: \"");
                        out.push_str(&String::from_utf8_lossy(b));
                        out.push('"');
                    }
                    return;
                }
            }
            if cp < b.len() && separ != 0 {
                out.push(char::from(separ));
            }
            repeat = repeat.saturating_sub(1);
        }
        if term != 0 && cp < b.len() {
            out.push(char::from(term));
        }
    }
}

pub(super) fn is_print(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Net-SNMP's hex dump: `XX ` per byte, a newline after each full 16, text with `-OT`.
pub(super) fn hex_string(out: &mut String, b: &[u8], text: bool) {
    let mut chunks = b.chunks(16).peekable();
    while let Some(c) = chunks.next() {
        for x in c {
            let _ = write!(out, "{x:02X} ");
        }
        if text {
            out.push_str("  [");
            for &x in c {
                out.push(if is_print(x) || is_space(x) {
                    char::from(x)
                } else {
                    '.'
                });
            }
            out.push(']');
        }
        if c.len() == 16 && chunks.peek().is_some() {
            out.push('\n');
        }
    }
}

/// Octets as a DISPLAY-HINT (RFC 2579 3.1) says, as Net-SNMP prints them: `"1x:"` gives
/// `0:15:99:1`, `"255a"` text, `"1d.1d.1d.1d/1d"` an address with its prefix. A bad hint is
/// noted (`(Bad hint ignored: ...)`) and the octets printed plainly; no hint panics.
///
/// ```
/// assert_eq!(snmp_mib::display_hint_octets("1x:", &[0, 0x15, 0x99, 1]), "0:15:99:1");
/// assert_eq!(snmp_mib::display_hint_octets("1d.1d.1d.1d", &[192, 0, 2, 1]), "192.0.2.1");
/// ```
pub fn display_hint_octets(hint: &str, octets: &[u8]) -> String {
    let mut out = String::new();
    hinted_octets_with(&mut out, octets, hint, false);
    out
}

/// An integer as a DISPLAY-HINT says (`d-2` gives `12.34` for 1234, `x` hex, `o` octal, `b`
/// binary), as Net-SNMP prints it.
///
/// ```
/// assert_eq!(snmp_mib::display_hint_integer("d-2", 1234), "12.34");
/// assert_eq!(snmp_mib::display_hint_integer("x", 255), "ff");
/// ```
pub fn display_hint_integer(hint: &str, value: i64) -> String {
    let mut out = String::new();
    hinted_integer(&mut out, value, hint);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_without_fmt() {
        for v in [0u64, 7, 10, 4_294_967_295, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        for v in [0i64, -1, i64::MIN, i64::MAX, 42] {
            let mut s = String::new();
            push_i64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn hints_as_net_snmp_applies_them() {
        let mut s = String::new();
        hinted_octets(&mut s, &[0x00, 0x1b, 0x21, 0x3c, 0x9d, 0xf8], "1x:");
        assert_eq!(s, "0:1b:21:3c:9d:f8");
        let mut s = String::new();
        hinted_octets(
            &mut s,
            &[7, 234, 12, 2, 0, 3, 25, 0, b'+', 0, 0],
            "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
        );
        assert_eq!(s, "2026-12-2,0:3:25.0,+0:0");
        let mut s = String::new();
        hinted_octets(&mut s, b"abc", "255a");
        assert_eq!(s, "abc");
        let mut s = String::new();
        hinted_integer(&mut s, 1234, "d-2");
        assert_eq!(s, "12.34");
        let mut s = String::new();
        hinted_integer(&mut s, 5, "d-3");
        assert_eq!(s, ".005");
        let mut s = String::new();
        hinted_octets(&mut s, &[1, 2], "1q");
        assert!(s.starts_with("(Bad hint ignored: 1q) "), "{s}");
    }

    #[test]
    fn hostile_hints_do_not_panic() {
        // Found by the display_hint fuzz target: a width near usize::MAX on an `a` hint.
        let mut s = String::new();
        hinted_octets(&mut s, b"abc", "18446744073709551615a");
        assert_eq!(s, "abc");
        for hint in [
            "*",
            "99999999999999999999x",
            "*1x",
            "-",
            "",
            "255",
            "1",
            "0a",
        ] {
            let mut s = String::new();
            hinted_octets(&mut s, &[0xff; 40], hint);
            let mut s = String::new();
            hinted_integer(&mut s, -5, hint);
        }
    }
}
