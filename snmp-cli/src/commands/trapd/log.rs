//! Where snmptrapd's log lines go: standard output or error, a file, syslog; several at once.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::net::UnixDatagram;

use super::args::LogTarget;

enum Sink {
    Stdout,
    Stderr,
    File(File),
    Syslog { socket: UnixDatagram, facility: u8 },
}

/// The log: every sink gets every message, exactly as formatted (snmptrapd does not add a
/// newline to a format that has none).
pub(crate) struct Log {
    sinks: Vec<Sink>,
    pid: u32,
}

/// syslog's facility code for a Net-SNMP `-Ls` letter or name.
fn facility(name: &str) -> u8 {
    match name.trim() {
        "d" | "daemon" => 3,
        "u" | "user" => 1,
        "0" | "local0" => 16,
        "1" | "local1" => 17,
        "2" | "local2" => 18,
        "3" | "local3" => 19,
        "4" | "local4" => 20,
        "5" | "local5" => 21,
        "6" | "local6" => 22,
        "7" | "local7" => 23,
        _ => 3,
    }
}

/// Severity of a message (syslog's).
#[derive(Clone, Copy)]
pub(crate) enum Severity {
    /// LOG_ERR.
    Error = 3,
    /// LOG_WARNING.
    Warning = 4,
    /// LOG_INFO.
    Info = 6,
}

impl Log {
    /// Opens every target (with none: syslog, else standard error, as snmptrapd).
    pub(crate) fn open(targets: &[LogTarget], append: bool) -> Result<Log, String> {
        let mut sinks = Vec::new();
        let default = [LogTarget::Syslog("d".into())];
        let targets = if targets.is_empty() {
            &default[..]
        } else {
            targets
        };
        for t in targets {
            match t {
                LogTarget::Stdout => sinks.push(Sink::Stdout),
                LogTarget::Stderr => sinks.push(Sink::Stderr),
                LogTarget::Nowhere => {}
                LogTarget::File(path) => {
                    let f = OpenOptions::new()
                        .create(true)
                        .append(append)
                        .write(true)
                        .truncate(!append)
                        .open(path)
                        .map_err(|e| format!("Cannot open log file {path}: {e}"))?;
                    sinks.push(Sink::File(f));
                }
                LogTarget::Syslog(f) => {
                    let socket =
                        UnixDatagram::unbound().and_then(|s| s.connect("/dev/log").map(|()| s));
                    match socket {
                        Ok(socket) => sinks.push(Sink::Syslog {
                            socket,
                            facility: facility(f),
                        }),
                        // No syslog daemon here: standard error, as Net-SNMP falls back.
                        Err(_) => sinks.push(Sink::Stderr),
                    }
                }
            }
        }
        Ok(Log {
            sinks,
            pid: std::process::id(),
        })
    }

    /// Writes `text` to every sink but syslog.
    pub(crate) fn print(&mut self, text: &str) {
        for s in &mut self.sinks {
            let _ = match s {
                Sink::Stdout => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes()).and_then(|()| out.flush())
                }
                Sink::Stderr => std::io::stderr().write_all(text.as_bytes()),
                Sink::File(f) => f.write_all(text.as_bytes()),
                Sink::Syslog { .. } => Ok(()),
            };
        }
    }

    /// Sends `text` to the syslog sinks at `severity`.
    pub(crate) fn syslog(&mut self, severity: Severity, text: &str) {
        for s in &mut self.sinks {
            if let Sink::Syslog { socket, facility } = s {
                let pri = u16::from(*facility) * 8 + severity as u16;
                // As glibc's syslog(3) sends it: `<PRI>Mmm dd hh:mm:ss snmptrapd[PID]: TEXT`
                // (the time in UTC here, as this command's other times).
                let msg = format!("<{pri}>{} snmptrapd[{}]: {text}", syslog_time(), self.pid);
                let _ = socket.send(msg.as_bytes());
            }
        }
    }

    /// A message of the daemon's own (configuration problems, start and stop): to every
    /// sink.
    pub(crate) fn message(&mut self, severity: Severity, text: &str) {
        self.print(text);
        self.syslog(severity, text);
    }
}

/// Now as syslog's header has it (`Dec  8 03:46:06`), in UTC.
fn syslog_time() -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (_, month, day, h, m, s) = snmp_trapd::format::civil_utc(secs);
    let month = usize::try_from(month - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .unwrap_or(&"Jan");
    format!("{month} {day:>2} {h:02}:{m:02}:{s:02}")
}
