//! RFC 2579 DISPLAY-HINT for OctetString values, as upstream's collector applies a
//! metric's or lookup's `display_hint` (#1549): hexadecimal in upper case, a separator not
//! written after the last octets, and any hint it cannot read left to the default
//! formatting (`None`).

use std::fmt::Write as _;

/// One octet-format specification of a hint.
struct Spec {
    star: bool,
    take: usize,
    format: u8,
    sep: Option<u8>,
    term: Option<u8>,
}

/// Reads the specification at `pos` of `hint`; the position after it.
fn spec(hint: &[u8], mut pos: usize) -> Option<(Spec, usize)> {
    let star = hint.get(pos) == Some(&b'*');
    if star {
        pos += 1;
    }
    let digits_start = pos;
    let mut take: usize = 0;
    while let Some(d) = hint.get(pos).filter(|c| c.is_ascii_digit()) {
        take = take.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
        pos += 1;
    }
    if pos == digits_start {
        return None;
    }
    let format = *hint.get(pos).filter(|c| b"dxoat".contains(c))?;
    pos += 1;
    let free = |c: Option<&u8>| c.filter(|c| !c.is_ascii_digit() && **c != b'*').copied();
    let sep = free(hint.get(pos));
    if sep.is_some() {
        pos += 1;
    }
    let term = if star { free(hint.get(pos)) } else { None };
    if term.is_some() {
        pos += 1;
    }
    Some((
        Spec {
            star,
            take,
            format,
            sep,
            term,
        },
        pos,
    ))
}

/// `data` formatted by `hint`; `None` when the hint cannot be read (or there is no data).
///
/// ```
/// use snmp_exporter::hint::apply;
/// assert_eq!(apply("1d.1d.1d.1d", &[192, 168, 1, 1]).as_deref(), Some("192.168.1.1"));
/// assert_eq!(apply("1x:", &[0, 26, 43]).as_deref(), Some("00:1A:2B"));
/// assert_eq!(apply("255a", b"Hello").as_deref(), Some("Hello"));
/// assert_eq!(apply("q", b"x"), None);
/// ```
pub fn apply(hint: &str, data: &[u8]) -> Option<String> {
    let hint = hint.as_bytes();
    if hint.is_empty() || data.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(data.len() * 3);
    let (mut hpos, mut dpos) = (0usize, 0usize);
    let mut last_start = 0usize;
    let mut last_consumes = false;
    while dpos < data.len() {
        if hpos >= hint.len() {
            // The last specification repeats while data remains.
            if !last_consumes {
                return None;
            }
            hpos = last_start;
        }
        let start = hpos;
        let (s, next) = spec(hint, hpos)?;
        hpos = next;
        last_start = start;
        last_consumes = s.take > 0 || s.star;
        let repeat = if s.star {
            let n = usize::from(data[dpos]);
            dpos += 1;
            n
        } else {
            1
        };
        let mut r = 0;
        while r < repeat && dpos < data.len() {
            let end = dpos.saturating_add(s.take).min(data.len());
            let chunk = &data[dpos..end];
            match s.format {
                b'd' | b'o' => {
                    if chunk.len() > 8 {
                        return None;
                    }
                    let v = chunk.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
                    if s.format == b'd' {
                        let _ = write!(out, "{v}");
                    } else {
                        let _ = write!(out, "{v:o}");
                    }
                }
                b'x' => {
                    for b in chunk {
                        let _ = write!(out, "{b:02X}");
                    }
                }
                _ => out.push_str(&String::from_utf8_lossy(chunk)),
            }
            dpos = end;
            if let Some(sep) = s.sep {
                if dpos < data.len() && (s.term.is_none() || r + 1 != repeat) {
                    out.push(char::from(sep));
                }
            }
            r += 1;
        }
        if let Some(term) = s.term {
            if dpos < data.len() {
                out.push(char::from(term));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2579_examples_and_odd_hints() {
        assert_eq!(
            apply("1x:", &[0, 26, 43, 60, 77, 94]).as_deref(),
            Some("00:1A:2B:3C:4D:5E")
        );
        assert_eq!(
            apply("2d-1d-1d,1d:1d:1d.1d", &[7, 234, 12, 7, 14, 30, 5, 0]).as_deref(),
            Some("2026-12-7,14:30:5.0")
        );
        assert_eq!(
            apply("*1x:/", &[2, 1, 2, 3, 4]).as_deref(),
            Some("01:02/04")
        );
        assert_eq!(apply("1o", &[8]).as_deref(), Some("10"));
        assert_eq!(apply("9d", &[1; 9]), None, "more than 8 octets as a number");
        assert_eq!(apply("0a", b"x"), None, "never loops");
        assert_eq!(apply("", b"x"), None);
        assert_eq!(apply("1x", &[]), None);
        assert_eq!(apply("99999999999999999999999d", b"x"), None, "overflow");
    }
}
