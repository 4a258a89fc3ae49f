//! The receiver's own metrics for Prometheus (`--metrics-listen=ADDR`, this drop-in's
//! addition): what arrived, what was accepted, what was dropped and why, what the handlers,
//! forwards and the OTLP exporter did. A small HTTP/1.1 server, bounded: 16 connections at
//! once, 8 KiB of request, 5 s per connection.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use snmp_tokio::ReceiverCounters;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::handlers::Stats;

/// What a scrape reads: the handlers' counters and each receiver's last counters.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) stats: Arc<Stats>,
    pub(crate) receivers: Mutex<Vec<ReceiverCounters>>,
}

fn counter(out: &mut String, name: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (labels, v) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {v}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {v}");
        }
    }
}

/// The exposition text.
pub(crate) fn render(shared: &Shared) -> String {
    let s = &shared.stats;
    let get = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    let mut r = ReceiverCounters::default();
    if let Ok(list) = shared.receivers.lock() {
        for c in list.iter() {
            r.received += c.received;
            r.acknowledged += c.acknowledged;
            r.reports += c.reports;
            r.dropped_malformed += c.dropped_malformed;
            r.dropped_filtered += c.dropped_filtered;
            r.dropped_queue_full += c.dropped_queue_full;
            r.dropped_security += c.dropped_security;
            r.dropped_unknown_user += c.dropped_unknown_user;
            r.dropped_wrong_digest += c.dropped_wrong_digest;
            r.dropped_time_window += c.dropped_time_window;
            r.dropped_decryption += c.dropped_decryption;
            r.dropped_security_level += c.dropped_security_level;
            r.dropped_transmits += c.dropped_transmits;
        }
    }
    let other_security = r.dropped_security.saturating_sub(
        r.dropped_unknown_user
            + r.dropped_wrong_digest
            + r.dropped_time_window
            + r.dropped_decryption
            + r.dropped_security_level,
    );
    let mut out = String::new();
    counter(
        &mut out,
        "snmp_trapd_notifications_received_total",
        "Notifications that decoded and passed SNMP security.",
        &[("", r.received)],
    );
    counter(
        &mut out,
        "snmp_trapd_notifications_accepted_total",
        "Notifications some authCommunity/authUser line (or disableAuthorization) allowed.",
        &[("", get(&s.accepted))],
    );
    counter(
        &mut out,
        "snmp_trapd_notifications_dropped_total",
        "Datagrams and notifications dropped, by reason.",
        &[
            ("reason=\"malformed\"", r.dropped_malformed),
            ("reason=\"queue_full\"", r.dropped_queue_full),
            ("reason=\"unknown_user\"", r.dropped_unknown_user),
            ("reason=\"wrong_digest\"", r.dropped_wrong_digest),
            ("reason=\"time_window\"", r.dropped_time_window),
            ("reason=\"decryption\"", r.dropped_decryption),
            ("reason=\"security_level\"", r.dropped_security_level),
            ("reason=\"other_security\"", other_security),
            ("reason=\"unauthorised\"", get(&s.unauthorised)),
            ("reason=\"wrong_engine\"", get(&s.wrong_engine)),
        ],
    );
    counter(
        &mut out,
        "snmp_trapd_informs_acknowledged_total",
        "Informs acknowledged.",
        &[("", r.acknowledged)],
    );
    counter(
        &mut out,
        "snmp_trapd_reports_sent_total",
        "SNMPv3 Reports sent (engine discovery, unknown users, time windows).",
        &[("", r.reports)],
    );
    counter(
        &mut out,
        "snmp_trapd_transmits_dropped_total",
        "Acknowledgements and Reports not sent: the transmit queue was full.",
        &[("", r.dropped_transmits)],
    );
    counter(
        &mut out,
        "snmp_trapd_handler_runs_total",
        "traphandle programs started.",
        &[("", get(&s.handler_runs))],
    );
    counter(
        &mut out,
        "snmp_trapd_handler_failures_total",
        "traphandle programs that failed, by reason.",
        &[
            ("reason=\"exit\"", get(&s.handler_failures)),
            ("reason=\"timeout\"", get(&s.handler_timeouts)),
        ],
    );
    counter(
        &mut out,
        "snmp_trapd_handler_dropped_total",
        "Notifications not handed to a traphandle program: its queue was full.",
        &[("reason=\"queue_full\"", get(&s.handler_dropped))],
    );
    counter(
        &mut out,
        "snmp_trapd_forwarded_total",
        "Notifications forwarded.",
        &[("", get(&s.forwarded))],
    );
    counter(
        &mut out,
        "snmp_trapd_forward_dropped_total",
        "Notifications not forwarded (queue full, send failed, or SNMPv3).",
        &[("", get(&s.forward_dropped))],
    );
    counter(
        &mut out,
        "snmp_trapd_otlp_batches_total",
        "OTLP export requests, by result.",
        &[
            ("result=\"sent\"", get(&s.otlp_sent)),
            ("result=\"failed\"", get(&s.otlp_failed)),
        ],
    );
    counter(
        &mut out,
        "snmp_trapd_otlp_records_total",
        "Log records given to the OTLP exporter, by outcome.",
        &[
            ("outcome=\"exported\"", get(&s.otlp_exported)),
            (
                "outcome=\"dropped\"",
                get(&s.otlp_dropped) + get(&s.otlp_queue_dropped),
            ),
        ],
    );
    out
}

/// Serves `/metrics` until the process ends.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(16));
    loop {
        let Ok((mut conn, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Too many at once: this one is closed.
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = tokio::time::timeout(Duration::from_secs(5), async {
                let mut buf = vec![0u8; 8192];
                let mut len = 0;
                while len < buf.len() {
                    match conn.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]);
                let path = head.split_whitespace().nth(1).unwrap_or("");
                let (status, body) = if path == "/metrics" || path.starts_with("/metrics?") {
                    ("200 OK", render(&shared))
                } else {
                    ("404 Not Found", "Not Found\n".to_owned())
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = conn.write_all(reply.as_bytes()).await;
                let _ = conn.shutdown().await;
            })
            .await;
        });
    }
}
