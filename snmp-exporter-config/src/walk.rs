//! How a module walks: the parameters as written and in force, and Go durations.

#[allow(unused_imports)]
use super::*;

/// How a module walks: upstream's walk parameters and this exporter's opt-in keys.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WalkParams {
    /// GETBULK max-repetitions (default 25); also how many OIDs one GET carries.
    pub max_repetitions: u32,
    /// Retries after the first attempt (default 3).
    pub retries: u32,
    /// Per attempt (default 5 s).
    #[serde(serialize_with = "ser_duration")]
    pub timeout: Duration,
    /// Accept OIDs that do not increase (`snmpwalk -Cc`).
    pub allow_nonincreasing_oids: bool,
    /// Accepted for compatibility; this exporter's sockets accept answers from any source
    /// address of the target only when this is set.
    pub use_unconnected_udp_socket: bool,
    /// Opt-in (not upstream): walk each subtree in this many parallel stripes (default 1).
    pub parallel_walks: u16,
    /// Opt-in (not upstream): size GETBULK repetitions to the agent, up to this many
    /// (default 0: fixed `max_repetitions`).
    pub adaptive_repetitions: u32,
    /// Opt-in (not upstream): keep a v3 target's client, and so the engine it discovered
    /// (engine ID, boots, time) and its localized keys, between scrapes: one discovery per
    /// target and process instead of one per scrape. Idle clients are dropped after 10
    /// minutes.
    pub v3_engine_cache: bool,
    /// Opt-in (not upstream): keep the columns that only serve lookups (an `ifDescr` for the
    /// `ifIndex` label) between scrapes of a target, for at most this long, while its
    /// sysUpTime.0 shows no restart; the other columns are walked one by one around them.
    /// Zero: off.
    #[serde(serialize_with = "ser_duration")]
    pub lookup_cache: Duration,
}

impl Default for WalkParams {
    fn default() -> Self {
        WalkParams {
            max_repetitions: 25,
            retries: 3,
            timeout: Duration::from_secs(5),
            allow_nonincreasing_oids: false,
            use_unconnected_udp_socket: false,
            parallel_walks: 1,
            adaptive_repetitions: 0,
            v3_engine_cache: false,
            lookup_cache: Duration::ZERO,
        }
    }
}

fn ser_duration<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_go_duration(*d))
}

fn ser_opt_duration<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_duration(d, s),
        None => s.serialize_none(),
    }
}

fn de_opt_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let v = Option::<serde_yaml_ng::Value>::deserialize(d)?;
    match v {
        None | Some(serde_yaml_ng::Value::Null) => Ok(None),
        Some(v) => duration_value(&v)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn none_or_zero_u32(v: &Option<u32>) -> bool {
    matches!(v, None | Some(0))
}
fn none_or_false(v: &Option<bool>) -> bool {
    matches!(v, None | Some(false))
}
fn none_or_zero_duration(v: &Option<Duration>) -> bool {
    v.is_none_or(|d| d.is_zero())
}

/// A module's walk parameters as written in a file, `None` where not given (the default
/// applies and nothing is written back): what the generator copies from `generator.yml` into
/// `snmp.yml`. Written in upstream's order and with Go's `omitempty` (a zero or `false` is
/// left out; `retries: 0` is kept).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WalkSpec {
    /// Pre-0.23 layout: the module's SNMP version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u8>,
    /// GETBULK max-repetitions.
    #[serde(default, skip_serializing_if = "none_or_zero_u32")]
    pub max_repetitions: Option<u32>,
    /// Retries after the first attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Per attempt.
    #[serde(
        default,
        deserialize_with = "de_opt_duration",
        serialize_with = "ser_opt_duration",
        skip_serializing_if = "none_or_zero_duration"
    )]
    pub timeout: Option<Duration>,
    /// Pre-0.23 layout: the module's credentials, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthSpec>,
    /// Unconnected UDP socket.
    #[serde(default, skip_serializing_if = "none_or_false")]
    pub use_unconnected_udp_socket: Option<bool>,
    /// Accept OIDs that do not increase.
    #[serde(default, skip_serializing_if = "none_or_false")]
    pub allow_nonincreasing_oids: Option<bool>,
    /// Opt-in (not upstream): parallel stripes per subtree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_walks: Option<u16>,
    /// Opt-in (not upstream): adaptive GETBULK repetitions, up to this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive_repetitions: Option<u32>,
    /// Opt-in (not upstream): keep v3 engines between scrapes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v3_engine_cache: Option<bool>,
    /// Opt-in (not upstream): keep lookup-only columns this long.
    #[serde(
        default,
        deserialize_with = "de_opt_duration",
        serialize_with = "ser_opt_duration",
        skip_serializing_if = "Option::is_none"
    )]
    pub lookup_cache: Option<Duration>,
}

impl WalkSpec {
    /// The keys a [`WalkSpec`] reads, inline in a module's mapping.
    pub const KEYS: [&'static str; 11] = [
        "version",
        "max_repetitions",
        "retries",
        "timeout",
        "auth",
        "use_unconnected_udp_socket",
        "allow_nonincreasing_oids",
        "parallel_walks",
        "adaptive_repetitions",
        "v3_engine_cache",
        "lookup_cache",
    ];

    /// Takes the walk parameters out of a module's mapping (the rest stays for the module's
    /// own keys).
    pub fn take_from(module: &mut serde_yaml_ng::Mapping) -> Result<WalkSpec, String> {
        let mut own = serde_yaml_ng::Mapping::new();
        for k in WalkSpec::KEYS {
            if let Some(v) = module.remove(k) {
                own.insert(k.into(), v);
            }
        }
        serde_yaml_ng::from_value(serde_yaml_ng::Value::Mapping(own)).map_err(|e| e.to_string())
    }

    /// The parameters a walk uses: the given ones, upstream's defaults for the rest.
    pub fn resolve(&self) -> WalkParams {
        let d = WalkParams::default();
        WalkParams {
            max_repetitions: self
                .max_repetitions
                .filter(|&n| n != 0)
                .unwrap_or(d.max_repetitions),
            retries: self.retries.unwrap_or(d.retries),
            timeout: self.timeout.filter(|t| !t.is_zero()).unwrap_or(d.timeout),
            allow_nonincreasing_oids: self.allow_nonincreasing_oids.unwrap_or(false),
            use_unconnected_udp_socket: self.use_unconnected_udp_socket.unwrap_or(false),
            parallel_walks: self.parallel_walks.unwrap_or(1).max(1),
            adaptive_repetitions: self.adaptive_repetitions.unwrap_or(0),
            v3_engine_cache: self.v3_engine_cache.unwrap_or(false),
            lookup_cache: self.lookup_cache.unwrap_or(Duration::ZERO),
        }
    }

    /// Every parameter written out (what `/config` shows: the values in force).
    pub(crate) fn of(p: &WalkParams) -> WalkSpec {
        WalkSpec {
            version: None,
            max_repetitions: Some(p.max_repetitions),
            retries: Some(p.retries),
            timeout: Some(p.timeout),
            auth: None,
            use_unconnected_udp_socket: Some(p.use_unconnected_udp_socket),
            allow_nonincreasing_oids: Some(p.allow_nonincreasing_oids),
            parallel_walks: (p.parallel_walks != 1).then_some(p.parallel_walks),
            adaptive_repetitions: (p.adaptive_repetitions != 0).then_some(p.adaptive_repetitions),
            v3_engine_cache: p.v3_engine_cache.then_some(true),
            lookup_cache: (!p.lookup_cache.is_zero()).then_some(p.lookup_cache),
        }
    }
}

fn duration_value(v: &serde_yaml_ng::Value) -> Result<Duration, String> {
    match v {
        serde_yaml_ng::Value::String(s) => parse_go_duration(s),
        serde_yaml_ng::Value::Number(n) => n
            .as_u64()
            .map(Duration::from_nanos)
            .ok_or_else(|| format!("invalid duration {n}")),
        other => Err(format!("invalid duration {other:?}")),
    }
}

/// Parses a Go `time.Duration` string (`5s`, `1m30s`, `250ms`, `1.5h`, `0`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(snmp_exporter_config::parse_go_duration("1m30s"), Ok(Duration::from_secs(90)));
/// assert_eq!(snmp_exporter_config::parse_go_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert!(snmp_exporter_config::parse_go_duration("5").is_err());
/// ```
pub fn parse_go_duration(s: &str) -> Result<Duration, String> {
    let err = || format!("time: invalid duration \"{s}\"");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return Err(err());
    }
    let s2 = s.strip_prefix('+').unwrap_or(s);
    let mut rest = s2;
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("time: missing unit in duration \"{s}\""))?;
        if num_end == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| err())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            u => return Err(format!("time: unknown unit \"{u}\" in duration \"{s}\"")),
        };
        total += n * nanos_per;
        rest = &rest[unit_end..];
    }
    if !total.is_finite() || total > u64::MAX as f64 {
        return Err(err());
    }
    Ok(Duration::from_nanos(total as u64))
}

/// Prints a duration as Go does (`5s`, `1m30s`, `500ms`).
pub fn format_go_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".into();
    }
    if ns < 1_000_000_000 {
        return if ns.is_multiple_of(1_000_000) {
            format!("{}ms", ns / 1_000_000)
        } else if ns.is_multiple_of(1000) {
            format!("{}µs", ns / 1000)
        } else {
            format!("{ns}ns")
        };
    }
    let secs = d.as_secs();
    let frac = d.subsec_nanos();
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if frac == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let f = format!("{:09}", frac);
        out.push_str(&format!("{s}.{}s", f.trim_end_matches('0')));
    }
    out
}
