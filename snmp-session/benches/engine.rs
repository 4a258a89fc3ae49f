//! The engine alone, no sockets: a GET (start, transmit, answer, event) and a bulk walk, with the
//! agent's answers made in memory.
//!
//! `cargo bench -p snmp-session --bench engine`
#![allow(missing_docs, clippy::unwrap_used)]

use std::net::SocketAddr;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use snmp_codec::{CommunityMessage, GenericPdu, Message, Oid, Pdu, Value, VarBind, Version};
use snmp_session::{Event, Instant, Request, Session, SessionConfig, TargetConfig};

/// Answers a GET/GETBULK datagram like an agent with an endless sequence of Counter32s.
fn answer(request: &[u8], bulk_rows: u32) -> Vec<u8> {
    let Ok(Message::Community(m)) = Message::decode(request) else {
        panic!("not a community message")
    };
    let rid = m.pdu.request_id().unwrap();
    let varbinds = match &m.pdu {
        Pdu::GetRequest(g) => g
            .varbinds
            .iter()
            .map(|vb| VarBind::new(vb.oid.clone(), Value::Counter32(42)))
            .collect(),
        Pdu::GetBulkRequest(b) => {
            let start = b.varbinds[0].oid.clone();
            // The walk's root (10 arcs) has children .1, .2, ...; after that, siblings.
            let (parent, last) = if start.len() == 10 {
                (start.clone(), 0)
            } else {
                (start.parent().unwrap(), *start.arcs().last().unwrap())
            };
            (1..=b.max_repetitions as u32)
                .map(|i| {
                    let n = last + i;
                    let value = if n > bulk_rows {
                        Value::EndOfMibView
                    } else {
                        Value::Counter32(n)
                    };
                    VarBind::new(parent.child(n), value)
                })
                .collect()
        }
        _ => panic!("unexpected PDU"),
    };
    CommunityMessage {
        version: Version::V2c,
        community: m.community,
        pdu: Pdu::Response(GenericPdu::new(rid, varbinds)),
    }
    .to_vec()
}

fn bench(c: &mut Criterion) {
    let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
    let mut session = Session::new(SessionConfig::default(), [9; 32]);
    let t = session.add_target(TargetConfig::v2c(agent, "public"));
    let oid: Oid = "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap();
    let mut buf = vec![0u8; 65535];
    let now = Instant::from_micros(1);

    // The agent's side alone, to subtract.
    let probe = {
        session.start(t, Request::Get(vec![oid.clone()])).unwrap();
        let tx = session.poll_transmit(now, &mut buf).unwrap();
        let req = buf[..tx.len].to_vec();
        let resp = answer(&req, 0);
        session.handle_datagram(now, agent, &resp);
        while session.poll_event().is_some() {}
        req
    };
    c.bench_function("agent side only: answer a GET (decode + encode)", |b| {
        b.iter(|| answer(black_box(&probe), 0))
    });

    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    g.bench_function("GET round trip (start, transmit, answer, event)", |b| {
        b.iter(|| {
            session.start(t, Request::Get(vec![oid.clone()])).unwrap();
            let tx = session.poll_transmit(now, &mut buf).unwrap();
            let resp = answer(&buf[..tx.len], 0);
            session.handle_datagram(now, agent, &resp);
            let mut got = 0;
            while let Some(ev) = session.poll_event() {
                if let Event::Varbinds { varbinds, .. } = ev {
                    got += varbinds.len();
                }
            }
            assert_eq!(got, 1);
        })
    });
    g.finish();

    let rows = 1000;
    let mut g = c.benchmark_group("engine bulk walk");
    g.throughput(Throughput::Elements(u64::from(rows)));
    g.bench_function("1,000 varbinds, max-repetitions 25", |b| {
        let root: Oid = "1.3.6.1.2.1.2.2.1.10".parse().unwrap();
        b.iter(|| {
            session
                .start(t, Request::bulk_walk(root.clone(), 25))
                .unwrap();
            let mut got = 0;
            loop {
                while let Some(tx) = session.poll_transmit(now, &mut buf) {
                    let resp = answer(&buf[..tx.len], rows);
                    session.handle_datagram(now, agent, &resp);
                }
                let mut done = false;
                while let Some(ev) = session.poll_event() {
                    match ev {
                        Event::Varbinds { varbinds, .. } => got += varbinds.len(),
                        Event::Done { .. } => done = true,
                        _ => {}
                    }
                }
                if done {
                    break;
                }
            }
            assert_eq!(got, rows as usize);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
