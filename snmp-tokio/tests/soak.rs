//! Soak (bounded, a few seconds): the trap receiver under a mixed flood, with a reader that
//! reads slowly, keeps its memory within its byte budget; after the flood it still delivers
//! every genuine notification. Alone in its test binary, so the process's memory is its own.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use snmp_tokio::codec::{
    Bytes, CommunityMessage, GenericPdu, Oid, Pdu, ScopedPdu, SecurityLevel, Value, VarBind,
    Version,
};
use snmp_tokio::{AuthProtocol, Manager, PrivProtocol, ReceiverConfig, TrapReceiver, UsmUser};
use snmp_usm::{encode_outgoing, OutgoingHeader};

/// Resident memory of this process (Linux), in bytes.
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn user() -> UsmUser {
    UsmUser::new("soak")
        .with_auth(AuthProtocol::Sha256, b"soak-auth-pass")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"soak-priv-pass")
        .unwrap()
}

fn trap_varbinds(extra: Value) -> Vec<VarBind> {
    vec![
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
            Value::TimeTicks(1),
        ),
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
            Value::ObjectIdentifier(Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 1])),
        ),
        VarBind::new(Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1]), extra),
    ]
}

/// A noAuthNoPriv v3 trap in the name of the configured authPriv user, from engine `i`.
fn forged_v3(i: u32) -> Vec<u8> {
    let mut engine = vec![0x80, 0, 0x1f, 0x88, 5, 0, 0, 0];
    engine.extend_from_slice(&i.to_be_bytes());
    let keys = snmp_usm::LocalizedUser::without_keys("soak", &engine);
    let scoped = ScopedPdu {
        context_engine_id: Bytes::from(engine.clone()),
        context_name: Bytes::new(),
        pdu: Pdu::SnmpV2Trap(GenericPdu::new(1, trap_varbinds(Value::from("forged")))),
    };
    let header = OutgoingHeader {
        msg_id: 5,
        msg_max_size: 65507,
        level: SecurityLevel::NoAuthNoPriv,
        reportable: false,
        engine_boots: 1,
        engine_time: 1,
        salt: 0,
    };
    let mut buf = vec![0u8; 2048];
    let n = encode_outgoing(&header, &keys, &scoped, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn the_receiver_under_a_flood_stays_in_budget_and_still_delivers() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let budget = 2usize << 20;
        let mut config = ReceiverConfig::default();
        config.queue_bytes = budget;
        let mut rx = TrapReceiver::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config)
            .await
            .unwrap();
        rx.add_user(user());
        let to = rx.local_addr();
        let before = rss();

        // The flood, from another thread: maximum-size v2c traps, junk, and unauthenticated
        // v3 traps in the authPriv user's name from ever new engine IDs.
        let flood = std::thread::spawn(move || {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            let big = CommunityMessage {
                version: Version::V2c,
                community: Bytes::from_static(b"public"),
                pdu: Pdu::SnmpV2Trap(GenericPdu::new(
                    1,
                    trap_varbinds(Value::OctetString(Bytes::from(vec![b'x'; 65_000]))),
                )),
            }
            .to_vec();
            let (mut sent, mut forged) = (0u64, 0u32);
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(3) {
                for _ in 0..20 {
                    let _ = s.send_to(&big, to);
                    let _ = s.send_to(b"\x30\x03junk", to);
                    let _ = s.send_to(&forged_v3(forged), to);
                    forged += 1;
                    sent += 3;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            sent
        });
        // The application reads slowly throughout (one notification every 20 ms): each read
        // moves what the socket holds (the kernel's buffer is the first bound) into the
        // inbox's bounded queue, which fills.
        let mut read = 0usize;
        while !flood.is_finished() {
            if let Ok(Some(n)) = tokio::time::timeout(Duration::from_millis(2), rx.next()).await {
                assert!(n.v3.is_none(), "a forged v3 trap was delivered");
                read += 1;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let sent = flood.join().unwrap();
        assert!(read > 0, "the slow reader got nothing");
        let after = rss();
        let c = rx.counters();
        assert!(c.dropped_queue_full > 0, "{c:?}");
        assert!(c.dropped_security > 0, "{c:?}");
        assert!(c.dropped_malformed > 0, "{c:?}");
        if let (Some(b), Some(a)) = (before, after) {
            let grown = a.saturating_sub(b);
            println!(
                "sent {sent} datagrams; resident memory grew {} KiB",
                grown / 1024
            );
            // The queue's budget and allocator slack.
            assert!(
                grown < (budget + (16 << 20)) as u64,
                "memory grew {grown} bytes for a budget of {budget}"
            );
        }

        // The reader catches up: it gets what was held (within the budget), never a forged
        // trap, and then every genuine notification sent after the flood.
        let mut held = 0usize;
        while let Ok(Some(n)) = tokio::time::timeout(Duration::from_millis(200), rx.next()).await {
            assert!(n.v3.is_none(), "a forged v3 trap was delivered");
            held += 1;
        }
        assert!(held > 0);
        let v2c = Manager::builder(&to.to_string()).build().await.unwrap();
        let v3 = Manager::builder(&to.to_string())
            .usm_user(user())
            .build()
            .await
            .unwrap();
        let trap_oid = "1.3.6.1.4.1.8072.2.3.0.1";
        for i in 0..50u32 {
            let marker = |s: String| {
                vec![VarBind::new(
                    Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 9, 1]),
                    Value::from(s),
                )]
            };
            v2c.send_trap(trap_oid, marker(format!("v2c-{i}")), i)
                .await
                .unwrap();
            v3.send_trap(trap_oid, marker(format!("v3-{i}")), i)
                .await
                .unwrap();
        }
        let mut genuine = std::collections::BTreeSet::new();
        while genuine.len() < 100 {
            let n = tokio::time::timeout(Duration::from_secs(5), rx.next())
                .await
                .expect("a genuine notification was lost")
                .unwrap();
            if let Some(s) = n.varbinds.last().and_then(|vb| vb.value.as_str()) {
                if let Some(v3) = &n.v3 {
                    assert_eq!(v3.level, SecurityLevel::AuthPriv);
                }
                genuine.insert(s.to_owned());
            }
        }
        assert_eq!(genuine.len(), 100);
    });
}
