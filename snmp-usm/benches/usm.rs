//! Key derivation per algorithm, and the per-message cost of authPriv (SHA-256 + AES-128) for
//! a 25-varbind Response, against the same message in noAuthNoPriv.
//!
//! `cargo bench -p snmp-usm --bench usm`
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use snmp_codec::{Bytes, GenericPdu, Oid, Pdu, ScopedPdu, SecurityLevel, Value, VarBind};
use snmp_usm::{
    encode_outgoing, process_incoming, AuthProtocol, Instant, LocalEngine, MasterKey,
    OutgoingHeader, PrivKey, PrivProtocol, TimeCheck, UsmUser,
};

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x80bench-engine";

fn response_25() -> ScopedPdu {
    let base: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
    let varbinds = (0..25u32)
        .map(|i| {
            let value = match i % 5 {
                0 => Value::Counter32(1_000_000 + i * 7919),
                1 => Value::from(format!("GigabitEthernet0/{i}")),
                2 => Value::Integer(1),
                3 => Value::Gauge32(1_000_000_000),
                _ => Value::Counter64(u64::from(i) * 1_234_567_890_123),
            };
            VarBind::new(base.child(2 + i % 8).child(i + 1), value)
        })
        .collect();
    ScopedPdu {
        context_engine_id: Bytes::from_static(ENGINE),
        context_name: Bytes::new(),
        pdu: Pdu::Response(GenericPdu::new(0x1234_5678, varbinds)),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("key derivation (password-to-key, 1 MiB)");
    g.sample_size(10);
    for p in AuthProtocol::ALL {
        g.bench_function(p.net_snmp_name(), |b| {
            b.iter(|| MasterKey::from_password(p, black_box(b"maplesyrup")).unwrap())
        });
    }
    g.finish();
    let ku = MasterKey::from_password(AuthProtocol::Sha256, b"maplesyrup").unwrap();
    c.bench_function("localize (SHA-256)", |b| {
        b.iter(|| ku.localize(black_box(ENGINE)))
    });
    let kul = MasterKey::from_password(AuthProtocol::Sha1, b"maplesyrup")
        .unwrap()
        .localize(ENGINE);
    c.bench_function("AES-256 Reeder key extension (SHA-1)", |b| {
        b.iter(|| PrivKey::derive(PrivProtocol::Aes256Reeder, black_box(&kul), ENGINE))
    });

    // The MAC of a GET-sized message: where keying the HMAC once per key (not per message)
    // shows.
    let kul = MasterKey::from_password(AuthProtocol::Sha256, b"auth-password")
        .unwrap()
        .localize(ENGINE);
    let get_sized = [0x30u8; 150];
    c.bench_function("HMAC-SHA-256 of 150 octets", |b| {
        b.iter(|| kul.mac(black_box(&get_sized)))
    });

    let scoped = response_25();
    let user = UsmUser::new("bench")
        .with_auth(AuthProtocol::Sha256, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password")
        .unwrap()
        .localize(ENGINE);
    let engine = LocalEngine::new(1, Instant::ZERO);
    let mut buf = vec![0u8; 4096];
    for level in [SecurityLevel::NoAuthNoPriv, SecurityLevel::AuthPriv] {
        let header = OutgoingHeader {
            msg_id: 1,
            msg_max_size: 65507,
            level,
            reportable: false,
            engine_boots: 1,
            engine_time: 0,
            salt: 1,
        };
        let name = format!("{level:?}");
        c.bench_function(&format!("encode 25-varbind Response, {name}"), |b| {
            b.iter(|| encode_outgoing(&header, &user, black_box(&scoped), &mut buf).unwrap())
        });
        let n = encode_outgoing(&header, &user, &scoped, &mut buf).unwrap();
        let wire = Bytes::copy_from_slice(&buf[..n]);
        c.bench_function(&format!("process 25-varbind Response, {name}"), |b| {
            b.iter(|| {
                process_incoming(
                    black_box(&wire),
                    |_, _| Ok(&user),
                    TimeCheck::Authoritative(&engine),
                    Instant::ZERO,
                )
                .unwrap()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
