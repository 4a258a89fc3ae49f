//! The exporter's log lines as Prometheus' Go exporters write them: logfmt
//! (`ts=... caller=file:line level=info msg="..." key=value`) or JSON with the same keys
//! (`--log.format json`), on standard error.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Which layout the lines take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogFormat {
    /// `key=value` pairs.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// A `FormatEvent` writing [`LogFormat`] lines.
pub(crate) struct GoKitFormat(pub(crate) LogFormat);

#[derive(Default)]
struct Fields {
    msg: String,
    pairs: Vec<(String, String)>,
    /// Numbers and booleans as such (for JSON).
    typed: Vec<(String, serde_json::Value)>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.pairs
            .push((field.name().to_owned(), value.to_string()));
        self.typed.push((field.name().to_owned(), value.into()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.pairs
            .push((field.name().to_owned(), value.to_string()));
        self.typed.push((field.name().to_owned(), value.into()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.pairs
            .push((field.name().to_owned(), value.to_string()));
        self.typed.push((field.name().to_owned(), value.into()));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.msg = value.to_owned();
        } else {
            self.pairs.push((field.name().to_owned(), value.to_owned()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.msg = text;
        } else {
            self.pairs.push((field.name().to_owned(), text));
        }
    }
}

/// RFC 3339 UTC with milliseconds, as go-kit's `DefaultTimestampUTC`.
pub(crate) fn timestamp(now: std::time::SystemTime) -> String {
    let d = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (year, month, day, h, m, s) = snmp_trapd::format::civil_utc(d.as_secs());
    format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:03}Z",
        d.subsec_millis()
    )
}

/// A logfmt value: bare when it can be, else quoted with Go's escapes.
fn logfmt_value(v: &str) -> String {
    let bare = !v.is_empty()
        && v.chars()
            .all(|c| c > ' ' && c != '"' && c != '=' && c != '\u{7f}');
    if bare {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl<S, N> FormatEvent<S, N> for GoKitFormat
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let meta = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut fields);
        let caller = format!(
            "{}:{}",
            meta.file()
                .map(|f| f.rsplit('/').next().unwrap_or(f))
                .unwrap_or("?"),
            meta.line().unwrap_or(0)
        );
        let level = meta.level().as_str().to_ascii_lowercase();
        let ts = timestamp(std::time::SystemTime::now());
        match self.0 {
            LogFormat::Logfmt => {
                write!(writer, "ts={ts} caller={caller} level={level}")?;
                if !fields.msg.is_empty() {
                    write!(writer, " msg={}", logfmt_value(&fields.msg))?;
                }
                for (k, v) in &fields.pairs {
                    write!(writer, " {k}={}", logfmt_value(v))?;
                }
                writeln!(writer)
            }
            LogFormat::Json => {
                let mut m: BTreeMap<String, serde_json::Value> = BTreeMap::new();
                m.insert("ts".into(), ts.into());
                m.insert("caller".into(), caller.into());
                m.insert("level".into(), level.into());
                if !fields.msg.is_empty() {
                    m.insert("msg".into(), fields.msg.into());
                }
                for (k, v) in fields.pairs {
                    m.insert(k, v.into());
                }
                for (k, v) in fields.typed {
                    m.insert(k, v);
                }
                let line = serde_json::to_string(&m).map_err(|_| std::fmt::Error)?;
                writeln!(writer, "{line}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_kit_timestamps_and_values() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_796_135_872_081);
        assert_eq!(timestamp(t), "2026-12-01T14:37:52.081Z");
        assert_eq!(timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(logfmt_value("info"), "info");
        assert_eq!(logfmt_value("two words"), "\"two words\"");
        assert_eq!(logfmt_value(""), "\"\"");
        assert_eq!(logfmt_value("a=\"b\"\n"), "\"a=\\\"b\\\"\\n\"");
    }
}
