//! Encode a GetRequest and decode a 25-varbind Response.
//!
//! `cargo bench -p snmp-codec --bench codec`
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use snmp_codec::{Bytes, CommunityMessage, GenericPdu, Message, Oid, Pdu, Value, VarBind, Version};

/// A Response like a GETBULK of ifTable columns: mixed counters, strings and integers.
fn response_25() -> Vec<u8> {
    let base: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
    let varbinds = (0..25u32)
        .map(|i| {
            let oid = base.child(2 + i % 8).child(i + 1);
            let value = match i % 5 {
                0 => Value::Counter32(1_000_000 + i * 7919),
                1 => Value::from(format!("GigabitEthernet0/{i}")),
                2 => Value::Integer(1),
                3 => Value::Gauge32(1_000_000_000),
                _ => Value::Counter64(u64::from(i) * 1_234_567_890_123),
            };
            VarBind::new(oid, value)
        })
        .collect();
    let pdu = Pdu::Response(GenericPdu::new(0x1234_5678, varbinds));
    CommunityMessage::new(Version::V2c, "public", pdu).to_vec()
}

fn bench(c: &mut Criterion) {
    let oid: Oid = "1.3.6.1.2.1.1.3.0".parse().unwrap();
    let get = CommunityMessage::new(Version::V2c, "public", Pdu::get_request(42, [oid.clone()]));
    let mut buf = [0u8; 1500];
    c.bench_function("encode GetRequest (1 varbind)", |b| {
        b.iter(|| black_box(&get).encode(black_box(&mut buf)).unwrap())
    });
    c.bench_function("build+encode GetRequest (1 varbind)", |b| {
        b.iter(|| {
            let m = CommunityMessage::new(
                Version::V2c,
                "public",
                Pdu::get_request(42, [black_box(&oid).clone()]),
            );
            m.encode(black_box(&mut buf)).unwrap()
        })
    });

    let resp = Bytes::from(response_25());
    let mut g = c.benchmark_group("decode Response");
    g.throughput(Throughput::Elements(25));
    g.bench_function("25 varbinds, zero-copy from Bytes", |b| {
        b.iter(|| Message::decode_bytes(black_box(&resp)).unwrap())
    });
    g.bench_function("25 varbinds, from &[u8]", |b| {
        b.iter(|| Message::decode(black_box(&resp[..])).unwrap())
    });
    g.finish();

    let a: Oid = "1.3.6.1.2.1.2.2.1.10.17".parse().unwrap();
    let b2: Oid = "1.3.6.1.2.1.2.2.1.10.18".parse().unwrap();
    c.bench_function("Oid clone (11 arcs)", |b| b.iter(|| black_box(&a).clone()));
    c.bench_function("Oid cmp (11 arcs)", |b| {
        b.iter(|| black_box(&a).cmp(black_box(&b2)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
