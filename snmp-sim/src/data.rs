//! Where an agent's data comes from: the recorded default device, the synthetic device, a
//! Net-SNMP walk file, or an snmpsim `.snmprec` recording.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use snmp_codec::{Oid, Value};

/// The data of an agent.
pub type Data = BTreeMap<Oid, Value>;

/// A synthetic device: `rows` rows of ifTable's first ten columns (under 1.3.6.1.2.1.2.2.1)
/// plus the system group, each value of the type and range IF-MIB gives: ifType
/// ethernetCsmacd, MTU 1500, 1 Gb/s, ifAdminStatus up, ifOperStatus up (down for every
/// fourth interface), ifLastChange in TimeTicks.
pub fn synthetic(rows: u32) -> Data {
    let mut data = BTreeMap::new();
    let sys: Oid = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1]);
    data.insert(sys.child(1).child(0), Value::from("fake agent"));
    data.insert(
        sys.child(2).child(0),
        Value::ObjectIdentifier(Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 3, 2, 10])),
    );
    data.insert(sys.child(3).child(0), Value::TimeTicks(12345));
    data.insert(sys.child(5).child(0), Value::from("fake"));
    let entry = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 2, 2, 1]);
    for col in 1..=10u32 {
        for i in 1..=rows {
            let v = match col {
                1 => Value::Integer(i as i32),
                2 => Value::from(format!("eth{i}")),
                3 => Value::Integer(6),
                5 => Value::Gauge32(1_000_000_000),
                4 => Value::Integer(1500),
                6 => Value::from(vec![0, 0x15, 0x99, (i >> 8) as u8, i as u8, 1]),
                7 => Value::Integer(1),
                8 => Value::Integer(if i % 4 == 0 { 2 } else { 1 }),
                9 => Value::TimeTicks(i * 100),
                10 => Value::Counter32(i * 1000),
                _ => Value::Integer((col * 7 + i) as i32),
            };
            data.insert(entry.child(col).child(i), v);
        }
    }
    data
}

/// The walk behind [`recorded`] (`snmpwalk -On` output).
const DEVICE_WALK: &str = include_str!("../data/device.walk");
/// The rates behind [`recorded_rates`] (`OID PER-SECOND` lines).
const DEVICE_RATES: &str = include_str!("../data/device.rates");

/// The default device: a recording of a real agent, Debian's Net-SNMP 5.9 `snmpd` on a Linux
/// host with four interfaces (`lo`, `eth0`, and two `ifb` interfaces that are down), made by
/// `snmp-sim/data/record.sh`. 1,268 values: MIB-2 (system and sysORTable, ifTable and
/// ifXTable, IP-MIB with its address, route and statistics tables, ICMP, TCP with its
/// connections, UDP, SNMP, HOST-RESOURCES-MIB's system, storage and device tables) and
/// UCD-SNMP-MIB (memory, load, CPU and disk I/O). Left out: the process and package tables,
/// DISMAN-EVENT-MIB and the agent's own framework tables. Every value is what the agent
/// sent, so it has the type and range its MIB gives. The counters that moved while it was
/// recorded move in the simulator too ([`recorded_rates`]).
///
/// ```
/// let data = snmp_sim::data::recorded();
/// let if_descr_4 = "1.3.6.1.2.1.2.2.1.2.4".parse().unwrap();
/// assert_eq!(data.get(&if_descr_4), Some(&snmp_codec::Value::from("eth0")));
/// ```
pub fn recorded() -> Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        // The file is part of this crate, and a test parses it: an error here is a broken
        // build, not bad input.
        parse_walk(DEVICE_WALK).expect("snmp-sim/data/device.walk parses")
    })
    .clone()
}

/// How fast the recorded device's counters grow, per second: for each Counter32, Counter64
/// and TimeTicks that grew between two walks of the real agent 20 s apart (with SNMP traffic
/// on its loopback between them), the growth over the interval, rounded, at least 1. The
/// loopback interface's octets and packets, sysUpTime and hrSystemUptime, the IP, UDP and
/// SNMP counters, and UCD-SNMP-MIB's CPU and disk counters; `eth0` saw no traffic.
pub fn recorded_rates() -> BTreeMap<Oid, u64> {
    DEVICE_RATES
        .lines()
        .filter_map(|line| {
            let (oid, rate) = line.split_once(' ')?;
            Some((oid.parse().ok()?, rate.trim().parse().ok()?))
        })
        .collect()
}

/// Why a data file did not load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).ok())
        .collect()
}

/// Parses `snmpwalk -On` output (optionally `-Ox`, hex for binary strings): lines
/// `.1.3.6... = TYPE: value`. Continuation lines of long Hex-STRINGs are joined, and so are
/// the lines of a quoted STRING that holds newlines (Net-SNMP prints those as they are; a
/// process's arguments in hrSWRunParameters often do), even where a line of it looks like
/// `X = Y`.
///
/// ```
/// let data = snmp_sim::data::parse_walk(".1.3.6.1.2.1.1.5.0 = STRING: \"router\"\n").unwrap();
/// assert_eq!(data.values().next(), Some(&snmp_codec::Value::from("router")));
/// let two = snmp_sim::data::parse_walk(".1.3.6.1.2.1.1.5.0 = STRING: \"a\nb = c\"\n").unwrap();
/// assert_eq!(two.values().next(), Some(&snmp_codec::Value::from("a\nb = c")));
/// ```
pub fn parse_walk(text: &str) -> Result<Data, ParseError> {
    let mut data = Data::new();
    let mut last: Option<Oid> = None;
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let err = |m: &str| ParseError {
            line: i + 1,
            message: m.to_owned(),
        };
        let Some((oid_text, rest)) = line.split_once(" = ") else {
            // A continuation of a multi-line Hex-STRING.
            if let (Some(oid), Some(more)) = (&last, hex_bytes(line)) {
                if let Some(Value::OctetString(b)) = data.get(oid) {
                    let mut v = b.to_vec();
                    v.extend(more);
                    data.insert(oid.clone(), Value::from(v));
                    continue;
                }
            }
            if line.trim().is_empty() || line.starts_with("End of MIB") {
                continue;
            }
            return Err(err("expected `OID = TYPE: value`"));
        };
        let oid: Oid = oid_text.trim().parse().map_err(|_| err("bad OID"))?;
        let value = match rest.strip_prefix("STRING: \"") {
            Some(first) if !closes_quote(first) => {
                let mut joined = first.to_owned();
                loop {
                    let Some((_, next)) = lines.next() else {
                        return Err(err("a quoted STRING that does not end"));
                    };
                    joined.push('\n');
                    joined.push_str(next);
                    if closes_quote(next) {
                        break;
                    }
                }
                parse_walk_value(&format!("STRING: \"{joined}"))
            }
            _ => parse_walk_value(rest),
        }
        .ok_or_else(|| err("unknown value"))?;
        if let Some(v) = value {
            data.insert(oid.clone(), v);
        }
        last = Some(oid);
    }
    Ok(data)
}

/// Whether a line of a quoted string ends it: it ends in a `"` that no backslash escapes.
fn closes_quote(line: &str) -> bool {
    let Some(body) = line.trim_end().strip_suffix('"') else {
        return false;
    };
    body.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0
}

/// One value as `snmpwalk` prints it; `Some(None)` for the exceptions (nothing to serve).
fn parse_walk_value(rest: &str) -> Option<Option<Value>> {
    if rest == "\"\"" {
        return Some(Some(Value::from("")));
    }
    if rest.starts_with("No Such") || rest.starts_with("No more variables") {
        return Some(None);
    }
    if rest == "NULL" {
        return Some(Some(Value::Null));
    }
    let (ty, v) = rest.split_once(": ")?;
    let v = v.trim_end();
    Some(Some(match ty {
        "INTEGER" => Value::Integer(
            v.split('(')
                .next_back()?
                .trim_end_matches(')')
                .parse()
                .ok()?,
        ),
        "STRING" => {
            let inner = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(v);
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            Value::from(out)
        }
        "Hex-STRING" => Value::from(hex_bytes(v)?),
        "OID" => Value::ObjectIdentifier(v.parse().ok()?),
        "IpAddress" => Value::IpAddress(v.parse::<std::net::Ipv4Addr>().ok()?.octets()),
        "Counter32" => Value::Counter32(v.parse().ok()?),
        "Gauge32" => Value::Gauge32(v.parse().ok()?),
        "Counter64" => Value::Counter64(v.parse().ok()?),
        "Timeticks" => Value::TimeTicks(v.strip_prefix('(')?.split(')').next()?.parse().ok()?),
        "OPAQUE" => Value::Opaque(hex_bytes(v)?.into()),
        "Opaque" => match v.split_once(": ") {
            Some(("Float", f)) => Value::OpaqueFloat(f.parse().ok()?),
            Some(("Double", f)) => Value::OpaqueDouble(f.parse().ok()?),
            _ => return None,
        },
        _ => return None,
    }))
}

/// Parses an snmpsim `.snmprec` recording: lines `OID|TAG|VALUE`, TAG the BER tag in decimal
/// (`2` INTEGER, `4` OCTET STRING, `4x` hex, `5` NULL, `6` OID, `64` IpAddress, `65`
/// Counter32, `66` Gauge32, `67` TimeTicks, `68` Opaque, `70` Counter64).
///
/// ```
/// let data = snmp_sim::data::parse_snmprec("1.3.6.1.2.1.1.3.0|67|42\n").unwrap();
/// assert_eq!(data.values().next(), Some(&snmp_codec::Value::TimeTicks(42)));
/// ```
pub fn parse_snmprec(text: &str) -> Result<Data, ParseError> {
    let mut data = Data::new();
    for (i, line) in text.lines().enumerate() {
        let err = |m: &str| ParseError {
            line: i + 1,
            message: m.to_owned(),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '|');
        let (Some(oid), Some(tag), Some(v)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected OID|TAG|VALUE"));
        };
        let oid: Oid = oid.parse().map_err(|_| err("bad OID"))?;
        let hex = tag.ends_with('x');
        let tag: u32 = tag
            .trim_end_matches('x')
            .parse()
            .map_err(|_| err("bad tag"))?;
        let bytes = || -> Option<Vec<u8>> {
            if hex {
                (0..v.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(v.get(k..k + 2)?, 16).ok())
                    .collect()
            } else {
                Some(v.as_bytes().to_vec())
            }
        };
        let value = match tag {
            2 => v.parse().ok().map(Value::Integer),
            4 => bytes().map(Value::from),
            5 => Some(Value::Null),
            6 => v.parse().ok().map(Value::ObjectIdentifier),
            64 => match bytes() {
                Some(b) if hex && b.len() == 4 => Some(Value::IpAddress([b[0], b[1], b[2], b[3]])),
                _ => v
                    .parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(|a| Value::IpAddress(a.octets())),
            },
            65 => v.parse().ok().map(Value::Counter32),
            66 => v.parse().ok().map(Value::Gauge32),
            67 => v.parse().ok().map(Value::TimeTicks),
            68 => bytes().map(|b| Value::Opaque(b.into())),
            70 => v.parse().ok().map(Value::Counter64),
            _ => None,
        }
        .ok_or_else(|| err("bad value for its tag"))?;
        data.insert(oid, value);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_device_is_whole() {
        let data = recorded();
        assert_eq!(
            data.len(),
            DEVICE_WALK.lines().filter(|l| l.contains(" = ")).count()
        );
        let rates = recorded_rates();
        assert_eq!(
            rates.len(),
            DEVICE_RATES.lines().count(),
            "every rate line parses"
        );
        for (oid, rate) in &rates {
            assert!(*rate > 0, "{oid}");
            assert!(
                matches!(
                    data.get(oid),
                    Some(Value::Counter32(_) | Value::Counter64(_) | Value::TimeTicks(_))
                ),
                "{oid} moves but is not a counter or TimeTicks in the walk"
            );
        }
        let oid = |s: &str| s.parse::<Oid>().unwrap();
        // ifXTable is there, with ifName and the 64-bit counters of each interface.
        for i in 1..=4 {
            assert!(data.contains_key(&oid(&format!("1.3.6.1.2.1.31.1.1.1.1.{i}"))));
            assert!(matches!(
                data.get(&oid(&format!("1.3.6.1.2.1.31.1.1.1.6.{i}"))),
                Some(Value::Counter64(_))
            ));
        }
        assert_eq!(rates.get(&oid("1.3.6.1.2.1.1.3.0")), Some(&100));
    }

    #[test]
    fn walk_file_round_trip_through_display() {
        let data = synthetic(3);
        let text: String = data.iter().map(|(o, v)| format!("{o:#} = {v}\n")).collect();
        assert_eq!(parse_walk(&text).unwrap(), data);
    }

    #[test]
    fn multi_line_strings_are_joined() {
        let text = concat!(
            ".1.3.6.1.2.1.25.4.2.1.5.1 = STRING: \"-c import time\n",
            "x = 1 \\\"q\\\" \\\\\"\n",
            ".1.3.6.1.2.1.25.4.2.1.5.2 = STRING: \"ends\\\"\n",
            "\"\n",
            ".1.3.6.1.2.1.25.4.2.1.5.3 = STRING: \"\\\\\"\n",
        );
        let data = parse_walk(text).unwrap();
        let values: Vec<_> = data.values().cloned().collect();
        assert_eq!(
            values,
            [
                Value::from("-c import time\nx = 1 \"q\" \\"),
                Value::from("ends\"\n"),
                Value::from("\\"),
            ]
        );
        let open = ".1.3.6.1.2.1.1.5.0 = STRING: \"never closed\nmore\n";
        assert_eq!(parse_walk(open).unwrap_err().line, 1);
    }
}
