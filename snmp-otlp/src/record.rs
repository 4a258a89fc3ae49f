//! One notification as one OpenTelemetry log record: where it came from, how it was
//! secured (the v3 user or the community's security name, never the community itself), the
//! notification OID by name and number, each varbind as a typed attribute named by the MIB,
//! and a severity from configurable rules.

use std::time::SystemTime;

use snmp_codec::{Oid, PduType, Value, Version};
use snmp_mib::{Format, Mib};
use snmp_session::Notification;

use crate::proto::{any_value, AnyValue, KeyValue, LogRecord};

/// OpenTelemetry's severity levels (the first number of each range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// TRACE (1).
    Trace,
    /// DEBUG (5).
    Debug,
    /// INFO (9).
    Info,
    /// WARN (13).
    Warn,
    /// ERROR (17).
    Error,
    /// FATAL (21).
    Fatal,
}

impl Level {
    /// `SeverityNumber` and `severity_text`.
    pub fn number_and_text(self) -> (i32, &'static str) {
        match self {
            Level::Trace => (1, "TRACE"),
            Level::Debug => (5, "DEBUG"),
            Level::Info => (9, "INFO"),
            Level::Warn => (13, "WARN"),
            Level::Error => (17, "ERROR"),
            Level::Fatal => (21, "FATAL"),
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "TRACE" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" | "WARNING" => Level::Warn,
            "ERROR" => Level::Error,
            "FATAL" => Level::Fatal,
            other => {
                return Err(format!(
                    "unknown severity {other}: TRACE, DEBUG, INFO, WARN, ERROR or FATAL"
                ))
            }
        })
    }
}

/// Which severity a notification gets: the rule whose OID is the longest prefix of its
/// snmpTrapOID, else the default rule, else INFO.
#[derive(Debug, Clone, Default)]
pub struct SeverityRules {
    rules: Vec<(Oid, Level)>,
    default: Option<Level>,
}

impl SeverityRules {
    /// Adds `OID → level` (`None`: the default).
    pub fn add(&mut self, oid: Option<Oid>, level: Level) {
        match oid {
            Some(o) => self.rules.push((o, level)),
            None => self.default = Some(level),
        }
    }

    /// The level for a notification with this snmpTrapOID.
    ///
    /// ```
    /// use snmp_otlp::{Level, SeverityRules};
    /// let mut r = SeverityRules::default();
    /// r.add(Some("1.3.6.1.6.3.1.1.5".parse().unwrap()), Level::Warn);
    /// r.add(Some("1.3.6.1.6.3.1.1.5.4".parse().unwrap()), Level::Info);
    /// assert_eq!(r.level(Some(&"1.3.6.1.6.3.1.1.5.3".parse().unwrap())), Level::Warn);
    /// assert_eq!(r.level(Some(&"1.3.6.1.6.3.1.1.5.4".parse().unwrap())), Level::Info);
    /// assert_eq!(r.level(None), Level::Info);
    /// ```
    pub fn level(&self, trap: Option<&Oid>) -> Level {
        trap.and_then(|t| {
            self.rules
                .iter()
                .filter(|(o, _)| t.starts_with(o))
                .max_by_key(|(o, _)| o.arcs().len())
                .map(|(_, l)| *l)
        })
        .or(self.default)
        .unwrap_or(Level::Info)
    }
}

/// What the record needs beside the notification.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The v3 user, or the name the configuration gives the community (never the
    /// community string).
    pub security_name: &'a str,
    /// `udp` or `tcp`.
    pub transport: &'a str,
    /// When it arrived.
    pub received: SystemTime,
}

fn nanos(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A varbind's value as a typed attribute value.
fn typed(mib: &Mib, fmt: &Format, value: &Value) -> AnyValue {
    use any_value::Value as V;
    let v = match value {
        Value::Integer(i) => V::IntValue(i64::from(*i)),
        Value::Counter32(c) | Value::Gauge32(c) => V::IntValue(i64::from(*c)),
        Value::TimeTicks(t) => V::IntValue(i64::from(*t)),
        Value::Counter64(c) => match i64::try_from(*c) {
            Ok(i) => V::IntValue(i),
            Err(_) => V::StringValue(c.to_string()),
        },
        Value::OctetString(b) => match std::str::from_utf8(b) {
            Ok(s)
                if !s
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
            {
                V::StringValue(s.to_owned())
            }
            _ => V::BytesValue(b.to_vec()),
        },
        Value::ObjectIdentifier(o) => V::StringValue(fmt.oid(mib, o)),
        Value::IpAddress(a) => V::StringValue(std::net::Ipv4Addr::from(*a).to_string()),
        Value::Opaque(b) => V::BytesValue(b.to_vec()),
        Value::OpaqueFloat(f) => V::DoubleValue(f64::from(*f)),
        Value::OpaqueDouble(d) => V::DoubleValue(*d),
        other => V::StringValue(fmt.value(mib, &Oid::default(), other)),
    };
    AnyValue { value: Some(v) }
}

/// The log record of one notification.
///
/// Attributes: `network.peer.address`, `network.peer.port`, `network.transport`,
/// `snmp.version` (`1`, `2c`, `3`), `snmp.pdu_type`, `snmp.security_name`, for v3
/// `snmp.security_level`, `snmp.context_name` and `snmp.engine_id` (hex), `snmp.trap_oid`
/// (numeric) and `snmp.trap_name` (`IF-MIB::linkDown`), `snmp.uptime` (ticks), for v1
/// `snmp.enterprise`, `snmp.agent_address`, `snmp.generic_trap`, `snmp.specific_trap`; then
/// each varbind other than sysUpTime.0 and snmpTrapOID.0 under its MIB name
/// (`IF-MIB::ifIndex.1`), typed (integers, strings, bytes, doubles). The body is one line:
/// the trap's name and its varbinds; `event_name` is the trap's name.
pub fn log_record(
    n: &Notification,
    cx: &Context<'_>,
    mib: &Mib,
    rules: &SeverityRules,
) -> LogRecord {
    let fmt = Format::default();
    let mut quick = Format::default();
    let _ = quick.apply('Q');
    let numeric = |o: &Oid| {
        o.arcs()
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut a = vec![
        KeyValue::new(
            "network.peer.address",
            AnyValue::string(n.source.ip().to_string()),
        ),
        KeyValue::new(
            "network.peer.port",
            AnyValue::int(i64::from(n.source.port())),
        ),
        KeyValue::new("network.transport", AnyValue::string(cx.transport)),
        KeyValue::new(
            "snmp.version",
            AnyValue::string(match n.version {
                Version::V1 => "1",
                Version::V2c => "2c",
                _ => "3",
            }),
        ),
        KeyValue::new(
            "snmp.pdu_type",
            AnyValue::string(match n.pdu_type {
                PduType::TrapV1 => "Trap",
                PduType::InformRequest => "InformRequest",
                _ => "SNMPv2-Trap",
            }),
        ),
        KeyValue::new("snmp.security_name", AnyValue::string(cx.security_name)),
    ];
    if let Some(v3) = &n.v3 {
        let level = match v3.level {
            snmp_codec::SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            snmp_codec::SecurityLevel::AuthNoPriv => "authNoPriv",
            _ => "authPriv",
        };
        a.push(KeyValue::new(
            "snmp.security_level",
            AnyValue::string(level),
        ));
        a.push(KeyValue::new(
            "snmp.context_name",
            AnyValue::string(String::from_utf8_lossy(&v3.context_name)),
        ));
        a.push(KeyValue::new(
            "snmp.engine_id",
            AnyValue::string(hex(&v3.engine_id)),
        ));
    }
    let trap_name = n.trap_oid.as_ref().map(|t| fmt.oid(mib, t));
    if let (Some(t), Some(name)) = (&n.trap_oid, &trap_name) {
        a.push(KeyValue::new("snmp.trap_oid", AnyValue::string(numeric(t))));
        a.push(KeyValue::new(
            "snmp.trap_name",
            AnyValue::string(name.clone()),
        ));
    }
    if let Some(u) = n.uptime {
        a.push(KeyValue::new("snmp.uptime", AnyValue::int(i64::from(u))));
    }
    if let Some(v1) = &n.v1 {
        a.push(KeyValue::new(
            "snmp.enterprise",
            AnyValue::string(numeric(&v1.enterprise)),
        ));
        a.push(KeyValue::new(
            "snmp.agent_address",
            AnyValue::string(std::net::Ipv4Addr::from(v1.agent_addr).to_string()),
        ));
        a.push(KeyValue::new(
            "snmp.generic_trap",
            AnyValue::int(i64::from(i32::from(v1.generic_trap))),
        ));
        a.push(KeyValue::new(
            "snmp.specific_trap",
            AnyValue::int(i64::from(v1.specific_trap)),
        ));
    }
    let skip = [
        Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
        Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
    ];
    let mut body = trap_name.clone().unwrap_or_else(|| "notification".into());
    let mut first = true;
    for vb in n.varbinds.iter().filter(|vb| !skip.contains(&vb.oid)) {
        a.push(KeyValue::new(
            fmt.oid(mib, &vb.oid),
            typed(mib, &fmt, &vb.value),
        ));
        body.push_str(if first { ": " } else { ", " });
        first = false;
        quick.write_varbind(&mut body, mib, &vb.oid, &vb.value);
    }
    let (severity_number, severity_text) = rules.level(n.trap_oid.as_ref()).number_and_text();
    let t = nanos(cx.received);
    LogRecord {
        time_unix_nano: t,
        observed_time_unix_nano: t,
        severity_number,
        severity_text: severity_text.into(),
        body: Some(AnyValue::string(body)),
        attributes: a,
        event_name: trap_name.unwrap_or_default(),
        ..LogRecord::default()
    }
}
