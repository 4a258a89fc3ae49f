//! Our own messages through our own processing: every auth x priv combination (3DES too,
//! which Net-SNMP lacks), both time roles, and every failure step.

#![allow(clippy::unwrap_used, missing_docs)]

use core::time::Duration;

use proptest::prelude::*;
use snmp_codec::{Bytes, GenericPdu, Pdu, ScopedPdu, SecurityLevel, Value, VarBind};
use snmp_usm::{
    encode_outgoing, process_incoming, AuthProtocol, EngineClock, Instant, LocalEngine,
    LocalizedUser, OutgoingHeader, PrivProtocol, TimeCheck, UsmError, UsmUser,
};

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x80test-engine";

fn scoped(n: usize) -> ScopedPdu {
    let vbs = (0..n)
        .map(|i| {
            VarBind::new(
                format!("1.3.6.1.2.1.2.2.1.10.{i}").parse().unwrap(),
                Value::Counter32(i as u32 * 1000),
            )
        })
        .collect();
    ScopedPdu {
        context_engine_id: Bytes::from_static(ENGINE),
        context_name: Bytes::from_static(b"ctx"),
        pdu: Pdu::Response(GenericPdu::new(77, vbs)),
    }
}

fn header(level: SecurityLevel, boots: u32, time: u32, salt: u64) -> OutgoingHeader {
    OutgoingHeader {
        msg_id: 5,
        msg_max_size: 65507,
        level,
        reportable: false,
        engine_boots: boots,
        engine_time: time,
        salt,
    }
}

fn encode(h: &OutgoingHeader, u: &LocalizedUser, s: &ScopedPdu) -> Bytes {
    let mut buf = vec![0u8; 4096];
    let n = encode_outgoing(h, u, s, &mut buf).unwrap();
    buf.truncate(n);
    Bytes::from(buf)
}

fn receive(
    wire: &Bytes,
    u: &LocalizedUser,
    time: TimeCheck<'_>,
    now: Instant,
) -> Result<snmp_usm::Incoming, UsmError> {
    process_incoming(wire, |_, _| Ok(u), time, now)
}

#[test]
fn every_combination_round_trips() {
    let s = scoped(25);
    let mut salt = 1u64;
    for auth in AuthProtocol::ALL {
        let base = UsmUser::new("u").with_auth(auth, b"authpassword").unwrap();
        let u = base.localize(ENGINE);
        let wire = encode(&header(SecurityLevel::AuthNoPriv, 1, 10, 0), &u, &s);
        let got = receive(&wire, &u, TimeCheck::Skip, Instant::ZERO).unwrap();
        assert_eq!(got.scoped_pdu, s, "{auth}");
        assert_eq!(got.usm.auth_params.len(), auth.mac_len());
        for p in PrivProtocol::ALL {
            let u = base
                .clone()
                .with_privacy(p, b"privpassword")
                .unwrap()
                .localize(ENGINE);
            salt += 1;
            let wire = encode(&header(SecurityLevel::AuthPriv, 3, 1000, salt), &u, &s);
            // The plaintext does not appear on the wire.
            assert!(!wire.windows(3).any(|w| w == b"ctx"), "{auth} {p}");
            let got = receive(&wire, &u, TimeCheck::Skip, Instant::ZERO).unwrap();
            assert_eq!(got.scoped_pdu, s, "{auth} {p}");
            assert_eq!(got.level, SecurityLevel::AuthPriv);
        }
    }
}

#[test]
fn each_step_fails_with_its_own_error() {
    let s = scoped(3);
    let sender = UsmUser::new("u")
        .with_auth(AuthProtocol::Sha256, b"authpassword")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpassword")
        .unwrap();
    let keys = sender.localize(ENGINE);
    let wire = encode(&header(SecurityLevel::AuthPriv, 3, 1000, 9), &keys, &s);

    // Unknown user / engine come from the lookup.
    let err = process_incoming(
        &wire,
        |_, _| Err(UsmError::UnknownUserName),
        TimeCheck::Skip,
        Instant::ZERO,
    );
    assert_eq!(err.unwrap_err(), UsmError::UnknownUserName);

    // A user without privacy cannot read authPriv.
    let auth_only = UsmUser::new("u")
        .with_auth(AuthProtocol::Sha256, b"authpassword")
        .unwrap()
        .localize(ENGINE);
    assert_eq!(
        receive(&wire, &auth_only, TimeCheck::Skip, Instant::ZERO).unwrap_err(),
        UsmError::UnsupportedSecurityLevel
    );
    // Nor can one send it.
    let mut buf = [0u8; 2048];
    assert_eq!(
        encode_outgoing(
            &header(SecurityLevel::AuthPriv, 0, 0, 0),
            &auth_only,
            &s,
            &mut buf
        ),
        Err(UsmError::UnsupportedSecurityLevel)
    );

    // Wrong auth password.
    let wrong_auth = UsmUser::new("u")
        .with_auth(AuthProtocol::Sha256, b"other-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpassword")
        .unwrap()
        .localize(ENGINE);
    assert_eq!(
        receive(&wire, &wrong_auth, TimeCheck::Skip, Instant::ZERO).unwrap_err(),
        UsmError::WrongDigest
    );

    // Wrong privacy password.
    let wrong_priv = UsmUser::new("u")
        .with_auth(AuthProtocol::Sha256, b"authpassword")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"other-privpass")
        .unwrap()
        .localize(ENGINE);
    assert_eq!(
        receive(&wire, &wrong_priv, TimeCheck::Skip, Instant::ZERO).unwrap_err(),
        UsmError::DecryptionError
    );

    // Authoritative time checks: boots differ, time too far.
    let t0 = Instant::ZERO;
    let engine = LocalEngine::new(3, t0);
    let now = t0 + Duration::from_secs(1000);
    assert!(receive(&wire, &keys, TimeCheck::Authoritative(&engine), now).is_ok());
    let later = t0 + Duration::from_secs(1151);
    assert_eq!(
        receive(&wire, &keys, TimeCheck::Authoritative(&engine), later).unwrap_err(),
        UsmError::NotInTimeWindow
    );
    let rebooted = LocalEngine::new(4, t0);
    assert_eq!(
        receive(&wire, &keys, TimeCheck::Authoritative(&rebooted), now).unwrap_err(),
        UsmError::NotInTimeWindow
    );

    // Non-authoritative: an authentic message with a newer time resynchronises the clock; an
    // old one (a replay from before a reboot) is rejected.
    let mut clock = EngineClock::new(3, 500, t0);
    receive(&wire, &keys, TimeCheck::NonAuthoritative(&mut clock), now).unwrap();
    assert_eq!(clock.estimate(now), (3, 1000));
    let mut newer = EngineClock::new(4, 10, t0);
    assert_eq!(
        receive(&wire, &keys, TimeCheck::NonAuthoritative(&mut newer), now).unwrap_err(),
        UsmError::NotInTimeWindow
    );
    assert_eq!(
        newer,
        EngineClock::new(4, 10, t0),
        "a rejected message does not move the clock"
    );

    // Flags that say authPriv over plaintext data: a decryption error, not a panic.
    let plain = encode(&header(SecurityLevel::AuthNoPriv, 3, 1000, 0), &keys, &s);
    let mut forged = plain.to_vec();
    let flags_at = forged
        .windows(3)
        .position(|w| w == [0x04, 0x01, 0x01])
        .unwrap();
    forged[flags_at + 2] = 0x03;
    let forged = Bytes::from(forged);
    assert!(matches!(
        receive(&forged, &keys, TimeCheck::Skip, Instant::ZERO).unwrap_err(),
        UsmError::WrongDigest | UsmError::DecryptionError
    ));
}

#[test]
fn salts_make_every_ciphertext_different() {
    let u = UsmUser::new("u")
        .with_auth(AuthProtocol::Sha1, b"authpassword")
        .unwrap()
        .with_privacy(PrivProtocol::Des, b"privpassword")
        .unwrap()
        .localize(ENGINE);
    let s = scoped(2);
    let a = encode(&header(SecurityLevel::AuthPriv, 1, 1, 1), &u, &s);
    let b = encode(&header(SecurityLevel::AuthPriv, 1, 1, 2), &u, &s);
    assert_ne!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn hostile_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..400)) {
        let u = UsmUser::new("u")
            .with_auth(AuthProtocol::Md5, b"authpassword").unwrap()
            .with_privacy(PrivProtocol::Des, b"privpassword").unwrap()
            .localize(ENGINE);
        let mut clock = EngineClock::new(1, 1, Instant::ZERO);
        let _ = receive(&Bytes::from(data), &u, TimeCheck::NonAuthoritative(&mut clock), Instant::ZERO);
    }

    #[test]
    fn mutated_messages_never_panic(i in any::<prop::sample::Index>(), b in any::<u8>(), p in 0usize..7) {
        let privacy = PrivProtocol::ALL[p];
        let u = UsmUser::new("u")
            .with_auth(AuthProtocol::Sha1, b"authpassword").unwrap()
            .with_privacy(privacy, b"privpassword").unwrap()
            .localize(ENGINE);
        let wire = encode(&header(SecurityLevel::AuthPriv, 1, 1, 7), &u, &scoped(4));
        let mut m = wire.to_vec();
        let at = i.index(m.len());
        let changed = m[at] != b;
        m[at] = b;
        let r = receive(&Bytes::from(m), &u, TimeCheck::Skip, Instant::ZERO);
        // Any change to an authenticated message is caught (or the message no longer parses).
        if changed {
            prop_assert!(r.is_err());
        }
    }
}
