//! Time types: DateAndTime, ParseDateAndTime (strptime patterns) and their UTC arithmetic.

use super::*;

pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn unix_time(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, offset_secs: i64) -> f64 {
    // Go's time.Date normalizes out-of-range months and days.
    let y2 = y + (mo - 1).div_euclid(12);
    let mo2 = (mo - 1).rem_euclid(12) + 1;
    let days = days_from_civil(y2, mo2, 1) + (d - 1);
    (days * 86_400 + h * 3600 + mi * 60 + s - offset_secs) as f64
}

/// RFC 2579 DateAndTime (8 or 11 octets) as a Unix time.
pub(crate) fn date_and_time(v: &Value) -> Option<f64> {
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
