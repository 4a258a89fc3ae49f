//! The `tracing` events of the driver (target `snmp`), captured with a subscriber of the
//! test's own. Alone in its test binary: tracing caches which call sites are wanted across
//! threads, and other tests running at the same time without a subscriber would race it.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use snmp_tokio::{AuthProtocol, Manager};

/// What the `tracing` events say, captured with a subscriber of the test's own.
#[test]
fn tracing_events_tell_sends_retransmits_timeouts_discoveries_and_drops() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            // Every answer sent twice: the second is dropped as a duplicate. A v3 user: a
            // discovery first.
            let user = snmp_tokio::UsmUser::new("trace")
                .with_auth(AuthProtocol::Sha256, b"trace-auth-pass")
                .unwrap();
            let config = snmp_sim::SimConfig {
                port: 0,
                agents: 1,
                users: vec![user],
                net: snmp_sim::NetFaults {
                    duplicate: 1.0,
                    ..Default::default()
                },
                ..Default::default()
            };
            let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(2))
                .await
                .unwrap();
            let m = Manager::builder(&sim.addrs[0].to_string())
                .user("trace")
                .auth(AuthProtocol::Sha256, "trace-auth-pass")
                .build()
                .await
                .unwrap();
            // The operation's span is a child of the caller's.
            use tracing::Instrument as _;
            m.get("sysDescr.0")
                .instrument(tracing::info_span!("poller", job = 7))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            // A silent agent: a retransmit, then the timeout.
            let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let q = Manager::builder(&silent.local_addr().unwrap().to_string())
                .timeout(Duration::from_millis(50))
                .retries(1)
                .build()
                .await
                .unwrap();
            // A caller that gives up cancels its operation.
            let gave_up = tokio::time::timeout(Duration::from_millis(20), q.get("sysName.0")).await;
            assert!(gave_up.is_err());
            assert!(q.get("sysDescr.0").await.is_err());
        });
    });
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "operation started",
        "request=\"GET\"",
        "send",
        "v3 engine discovery",
        "datagram dropped",
        "reason=\"duplicate or late\"",
        "retransmit",
        "request timed out after its last attempt",
        "operation failed",
        "operation done",
        "poller{job=7}:snmp_op{",
        "request=\"GET\" op=",
        "operation cancelled: its caller went away",
        "close time.busy=",
    ] {
        assert!(text.contains(needle), "no {needle:?} in\n{text}");
    }
}
