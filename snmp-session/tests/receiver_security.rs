//! The notification receiver on a hostile network: security levels are enforced per user,
//! unauthenticated messages leave nothing behind, and the queue has a byte budget. Live memory
//! is measured with an instrumented allocator.

#![allow(clippy::unwrap_used, missing_docs)]

use std::alloc::System;
use std::net::SocketAddr;

use snmp_codec::{
    Bytes, CommunityMessage, GenericPdu, Oid, Pdu, ScopedPdu, SecurityLevel, Value, VarBind,
    Version,
};
use snmp_session::{Instant, Receiver, ReceiverConfig};
use snmp_usm::{encode_outgoing, AuthProtocol, OutgoingHeader, PrivProtocol, UsmUser};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The allocator's counts are process-wide: tests that measure run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn sender() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}

fn user() -> UsmUser {
    UsmUser::new("u1")
        .with_auth(AuthProtocol::Sha256, b"auth-password-1")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password-1")
        .unwrap()
}

fn trap_varbinds(marker: &str) -> Vec<VarBind> {
    vec![
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
            Value::TimeTicks(42),
        ),
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
            Value::ObjectIdentifier("1.3.6.1.4.1.8072.2.3.0.1".parse().unwrap()),
        ),
        VarBind::new(
            "1.3.6.1.4.1.8072.2.3.2.1".parse().unwrap(),
            Value::from(marker),
        ),
    ]
}

/// A v3 trap (or, `reportable`, an inform) in the name of `keys`' user at `level`.
fn v3_notification(
    user: &UsmUser,
    engine_id: &[u8],
    level: SecurityLevel,
    reportable: bool,
    marker: &str,
) -> Vec<u8> {
    let keys = user.localize(engine_id);
    let varbinds = trap_varbinds(marker);
    let pdu = if reportable {
        Pdu::InformRequest(GenericPdu::new(7, varbinds))
    } else {
        Pdu::SnmpV2Trap(GenericPdu::new(7, varbinds))
    };
    let scoped = ScopedPdu {
        context_engine_id: Bytes::copy_from_slice(engine_id),
        context_name: Bytes::new(),
        pdu,
    };
    let header = OutgoingHeader {
        msg_id: 99,
        msg_max_size: 65507,
        level,
        reportable,
        engine_boots: 1,
        engine_time: 10,
        salt: 5,
    };
    let mut buf = vec![0u8; 65507];
    let n = encode_outgoing(&header, &keys, &scoped, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn drain(rx: &mut Receiver) -> Vec<String> {
    let mut buf = vec![0u8; 65536];
    while rx.poll_transmit(&mut buf).is_some() {}
    std::iter::from_fn(|| rx.poll_notification())
        .map(|n| {
            n.varbinds
                .last()
                .and_then(|vb| vb.value.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect()
}

/// snmptrapd's `authUser log u1` drops a noAuthNoPriv trap sent in u1's name; so do we.
#[test]
fn notifications_below_the_users_level_are_dropped() {
    let _serial = serial();
    let now = Instant::from_micros(1_000);
    let engine = b"\x80\x00\x1f\x88\x05sender-1";
    let mut rx = Receiver::new(ReceiverConfig::default(), [9; 32]);
    rx.add_user(user());
    let u = user();
    for (level, marker) in [
        (SecurityLevel::NoAuthNoPriv, "noauth"),
        (SecurityLevel::AuthNoPriv, "authnopriv"),
        (SecurityLevel::AuthPriv, "authpriv"),
    ] {
        rx.handle_datagram(
            now,
            sender(),
            &v3_notification(&u, engine, level, false, marker),
        );
    }
    assert_eq!(drain(&mut rx), ["authpriv"]);
    assert_eq!(rx.counters().dropped_security, 2);

    // An inform below the level gets an unsupportedSecLevels Report, no acknowledgement.
    let ours = rx.engine_id().clone();
    let inform = v3_notification(&u, &ours, SecurityLevel::NoAuthNoPriv, true, "inform");
    rx.handle_datagram(now, sender(), &inform);
    let mut buf = vec![0u8; 65536];
    let t = rx.poll_transmit(&mut buf).unwrap();
    let reply = snmp_codec::V3Message::decode(&buf[..t.len]).unwrap();
    let snmp_codec::ScopedPduData::Plaintext(scoped) = reply.data else {
        panic!("a Report is plaintext")
    };
    let Pdu::Report(g) = scoped.pdu else {
        panic!("expected a Report, got {:?}", scoped.pdu)
    };
    assert_eq!(g.varbinds[0].oid.to_string(), "1.3.6.1.6.3.15.1.1.1.0");
    assert!(rx.poll_notification().is_none());
    assert_eq!(rx.counters().acknowledged, 0);

    // Lowered on purpose, the same trap is accepted.
    let mut lenient = Receiver::new(ReceiverConfig::default(), [9; 32]);
    lenient.add_user_with_min_level(user(), SecurityLevel::NoAuthNoPriv);
    let noauth = v3_notification(&u, engine, SecurityLevel::NoAuthNoPriv, false, "noauth");
    lenient.handle_datagram(now, sender(), &noauth);
    assert_eq!(drain(&mut lenient), ["noauth"]);
}

fn live_bytes(region: &Region<'_, System>) -> i64 {
    let c = region.change();
    c.bytes_allocated as i64 - c.bytes_deallocated as i64 - c.bytes_reallocated.min(0) as i64
}

/// 200,000 messages naming a known user from new engine IDs, unauthenticated or with a wrong
/// digest, cost no memory: keys are cached only for what authenticates.
#[test]
fn new_engine_ids_that_do_not_authenticate_cost_no_memory() {
    let _serial = serial();
    let now = Instant::from_micros(1_000);
    let mut rx = Receiver::new(ReceiverConfig::default(), [9; 32]);
    rx.add_user(user());
    let impostor = UsmUser::new("u1")
        .with_auth(AuthProtocol::Sha256, b"not-the-password")
        .unwrap();
    // Messages made outside the measured region: the noAuthNoPriv template is patched with a
    // new engine ID each time (the ID is 12 octets at a fixed place).
    let template_engine = *b"\x80\x00\x1f\x88\x05\x00\x00\x00\x00\x00\x00\x00";
    let noauth = v3_notification(
        &user(),
        &template_engine,
        SecurityLevel::NoAuthNoPriv,
        false,
        "x",
    );
    let at = noauth
        .windows(template_engine.len())
        .position(|w| w == template_engine)
        .unwrap();
    let forged: Vec<Vec<u8>> = (0..64u32)
        .map(|i| {
            let mut e = template_engine;
            e[8..12].copy_from_slice(&(0x4000_0000 + i).to_be_bytes());
            v3_notification(&impostor, &e, SecurityLevel::AuthNoPriv, false, "x")
        })
        .collect();
    let mut msg = noauth.clone();
    let region = Region::new(GLOBAL);
    for i in 0..200_000u32 {
        msg[at + 8..at + 12].copy_from_slice(&i.to_be_bytes());
        rx.handle_datagram(now, sender(), &msg);
        if i % 3125 == 0 {
            rx.handle_datagram(now, sender(), &forged[(i / 3125) as usize % 64]);
        }
    }
    let live = live_bytes(&region);
    assert!(rx.poll_notification().is_none());
    assert_eq!(rx.counters().dropped_security, 200_000 + 64);
    assert!(
        live < 64 << 10,
        "200,064 forged messages left {live} bytes live"
    );

    // What authenticates is still accepted, and its keys are remembered (bounded).
    let mut config = ReceiverConfig::default();
    config.max_engines_per_user = 4;
    let mut small = Receiver::new(config, [9; 32]);
    small.add_user(user());
    for i in 0..10u32 {
        let e = [0x80, 0, 0x1f, 0x88, 5, 1, 2, 3, 0, 0, 0, i as u8];
        let m = v3_notification(&user(), &e, SecurityLevel::AuthPriv, false, "genuine");
        small.handle_datagram(now, sender(), &m);
    }
    assert_eq!(drain(&mut small).len(), 10);
}

/// Maximum-size traps with a reader that does not read: the queue stays within its byte
/// budget, the rest is dropped and counted, and once the reader catches up new traps arrive.
#[test]
fn maximum_size_traps_with_a_stalled_reader_stay_within_the_byte_budget() {
    let _serial = serial();
    let now = Instant::from_micros(1_000);
    let budget = 8 << 20;
    let mut config = ReceiverConfig::default();
    config.queue_bytes = budget;
    let mut rx = Receiver::new(config, [9; 32]);
    let mut varbinds = trap_varbinds("big");
    varbinds.push(VarBind::new(
        "1.3.6.1.4.1.8072.2.3.2.2".parse().unwrap(),
        Value::OctetString(Bytes::from(vec![b'x'; 65_000])),
    ));
    let big = CommunityMessage {
        version: Version::V2c,
        community: Bytes::from_static(b"public"),
        pdu: Pdu::SnmpV2Trap(GenericPdu::new(1, varbinds)),
    }
    .to_vec();
    assert!(big.len() > 65_000 && big.len() <= 65_507);
    let region = Region::new(GLOBAL);
    for _ in 0..2_000 {
        rx.handle_datagram(now, sender(), &big);
    }
    let live = live_bytes(&region);
    assert!(rx.queued_bytes() <= budget);
    assert!(
        live <= budget as i64 + (1 << 20),
        "{live} bytes live for a budget of {budget}"
    );
    let c = rx.counters();
    assert!(c.dropped_queue_full > 1_800, "{c:?}");
    assert_eq!(c.received + c.dropped_queue_full, 2_000);

    let held = std::iter::from_fn(|| rx.poll_notification()).count() as u64;
    assert_eq!(held, c.received);
    assert_eq!(rx.queued_bytes(), 0);
    let small = CommunityMessage {
        version: Version::V2c,
        community: Bytes::from_static(b"public"),
        pdu: Pdu::SnmpV2Trap(GenericPdu::new(2, trap_varbinds("after"))),
    }
    .to_vec();
    rx.handle_datagram(now, sender(), &small);
    assert_eq!(drain(&mut rx), ["after"]);
}

/// A notification's community and user name come as text.
#[test]
fn community_and_user_name_as_text() {
    let _serial = serial();
    let now = Instant::from_micros(1_000);
    let mut rx = Receiver::new(ReceiverConfig::default(), [9; 32]);
    rx.add_user(user());
    let engine = b"\x80\x00\x1f\x88\x05sender-9";
    rx.handle_datagram(
        now,
        sender(),
        &v3_notification(&user(), engine, SecurityLevel::AuthPriv, false, "x"),
    );
    let v2c = CommunityMessage {
        version: Version::V2c,
        community: Bytes::from_static(b"public"),
        pdu: Pdu::SnmpV2Trap(GenericPdu::new(3, trap_varbinds("y"))),
    }
    .to_vec();
    rx.handle_datagram(now, sender(), &v2c);
    let v3 = rx.poll_notification().unwrap();
    assert_eq!((v3.user_name(), v3.community_str()), (Some("u1"), None));
    let v2 = rx.poll_notification().unwrap();
    assert_eq!((v2.user_name(), v2.community_str()), (None, Some("public")));
}

/// Each rejected v3 notification is counted by its reason and recorded with its source.
#[test]
fn v3_drops_are_counted_per_reason_with_their_source() {
    let _serial = serial();
    use snmp_session::DropReason;
    let now = Instant::from_micros(1_000);
    let engine = b"\x80\x00\x1f\x88\x05sender-2";
    let mut rx = Receiver::new(ReceiverConfig::default(), [9; 32]);
    rx.add_user(user());
    let stranger = UsmUser::new("nobody")
        .with_auth(AuthProtocol::Sha256, b"auth-password-1")
        .unwrap();
    let wrong_auth = UsmUser::new("u1")
        .with_auth(AuthProtocol::Sha256, b"not-the-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password-1")
        .unwrap();
    let wrong_priv = UsmUser::new("u1")
        .with_auth(AuthProtocol::Sha256, b"auth-password-1")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"not-the-privacy")
        .unwrap();
    let from = |port: u16| -> SocketAddr { ([127, 0, 0, 1], port).into() };
    let cases = [
        (
            &stranger,
            SecurityLevel::AuthNoPriv,
            41001,
            DropReason::UnknownUser,
        ),
        (
            &wrong_auth,
            SecurityLevel::AuthPriv,
            41002,
            DropReason::WrongDigest,
        ),
        (
            &wrong_priv,
            SecurityLevel::AuthPriv,
            41003,
            DropReason::Decryption,
        ),
        (
            &user(),
            SecurityLevel::NoAuthNoPriv,
            41004,
            DropReason::SecurityLevel,
        ),
    ];
    for (u, level, port, _) in &cases {
        let msg = v3_notification(u, engine, *level, false, "x");
        rx.handle_datagram(now, from(*port), &msg);
    }
    rx.handle_datagram(now, from(41005), b"junk");
    assert!(drain(&mut rx).is_empty());
    let c = rx.counters();
    assert_eq!(
        (
            c.dropped_unknown_user,
            c.dropped_wrong_digest,
            c.dropped_decryption,
            c.dropped_security_level,
            c.dropped_security,
            c.dropped_malformed
        ),
        (1, 1, 1, 1, 4, 1)
    );
    let drops: Vec<_> = std::iter::from_fn(|| rx.poll_dropped())
        .map(|d| (d.from.port(), d.reason))
        .collect();
    let mut expected: Vec<_> = cases.iter().map(|(_, _, p, r)| (*p, *r)).collect();
    expected.push((41005, DropReason::Malformed));
    assert_eq!(drops, expected);
}
