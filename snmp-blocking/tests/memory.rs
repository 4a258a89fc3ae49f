//! The blocking client under simulated time (the test kit's in-memory network, through
//! `MemoryRuntime::blocking_io`): loss, duplication, reordering, a dropped walk, a silent
//! agent's timeout, and both address families over one client. Deterministic and instant.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use snmp_blocking::{Client, Error, Oid, PollTarget, Value, WalkOptions};
use snmp_testkit::memory::MemoryRuntime;
use snmp_testkit::FakeAgent;

use snmp_testkit::memory::{v2c_target as target, v4, v6};

fn client(rt: &MemoryRuntime) -> Client {
    Client::with_io(Default::default(), Box::new(rt.blocking_io())).unwrap()
}

const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";

/// Every interface's ifDescr as the agent has it.
fn descrs(rows: u32) -> Vec<(Oid, Value)> {
    (1..=rows)
        .map(|i| {
            (
                format!("{IF_DESCR}.{i}").parse().unwrap(),
                Value::from(format!("eth{i}")),
            )
        })
        .collect()
}

/// A third of the datagrams lost each way: every GET still gets its answer (retransmitted),
/// and the walk has every row once, in order.
#[test]
fn loss_is_retransmitted_through() {
    let rt = MemoryRuntime::new(11);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(40));
    rt.set_loss(0.33);
    let c = client(&rt);
    let m = c
        .add_target(target(agent, Duration::from_millis(500), 8))
        .unwrap();
    for _ in 0..20 {
        assert_eq!(m.get("1.3.6.1.2.1.1.5.0").unwrap(), Value::from("fake"));
    }
    let walked = m.bulk_walk(IF_DESCR, 7).collect_all().unwrap();
    assert_eq!(walked, descrs(40));
    assert!(rt.stats().lost > 0);
    assert!(c.counters().retransmits > 0);
}

/// Every datagram delivered twice: the duplicates are dropped and counted, each answer is
/// taken once.
#[test]
fn duplicates_are_dropped() {
    let rt = MemoryRuntime::new(12);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(30));
    rt.set_duplication(1.0);
    let c = client(&rt);
    let m = c
        .add_target(target(agent, Duration::from_secs(1), 1))
        .unwrap();
    let values = m
        .get_many(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"])
        .unwrap();
    assert_eq!(values[0], Value::from("fake"));
    let walked = m.walk(IF_DESCR).collect_all().unwrap();
    assert_eq!(walked, descrs(30));
    assert!(rt.stats().duplicated > 0);
    assert!(c.counters().dropped_duplicate > 0);
}

/// Datagrams overtaking each other (up to 20 ms of jitter over a 1 ms link): a get_many
/// pipelined over several requests keeps the order asked, and a walk in 4 parallel stripes
/// gives the same rows as a plain one.
#[test]
fn reordering_keeps_the_order_asked() {
    let rt = MemoryRuntime::new(13);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(60));
    rt.set_jitter(Duration::from_millis(20));
    let c = client(&rt);
    let mut t = target(agent, Duration::from_secs(1), 2);
    t.max_in_flight = 4;
    let mut config = snmp_blocking::SessionConfig::default();
    config.max_oids_per_request = 5;
    let c2 = Client::with_io(config, Box::new(rt.blocking_io())).unwrap();
    let m = c2.add_target(t).unwrap();
    let oids: Vec<String> = (1..=60).rev().map(|i| format!("{IF_DESCR}.{i}")).collect();
    let vbs = m.get_varbinds(oids.iter()).unwrap();
    let got: Vec<String> = vbs.iter().map(|vb| vb.oid.to_string()).collect();
    assert_eq!(got, oids);
    let m1 = c
        .add_target(target(agent, Duration::from_secs(1), 2))
        .unwrap();
    let plain = m1.bulk_walk(IF_DESCR, 5).collect_all().unwrap();
    let striped = m1
        .walk_with_options(IF_DESCR, Some(5), WalkOptions::default().with_parallel(4))
        .collect_all()
        .unwrap();
    assert_eq!(plain, descrs(60));
    assert_eq!(striped, plain);
}

/// A walk dropped after a few items is cancelled in the session: nothing more reaches the
/// agent, and the client goes on serving calls.
#[test]
fn a_dropped_walk_sends_nothing_more() {
    let rt = MemoryRuntime::new(14);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(500));
    let c = client(&rt);
    let m = c
        .add_target(target(agent, Duration::from_secs(1), 1))
        .unwrap();
    let mut walk = m.bulk_walk(IF_DESCR, 5);
    let taken: Vec<_> = walk.by_ref().take(12).map(|r| r.unwrap()).collect();
    assert_eq!(taken[0].1, Value::from("eth1"));
    drop(walk);
    let requests = rt.stats().agent_requests;
    assert!(
        requests <= 3,
        "{requests} requests for 12 items of 5 a request"
    );
    // A GET after: the walk's request already on the wire may still arrive, nothing else.
    assert_eq!(m.get("1.3.6.1.2.1.1.5.0").unwrap(), Value::from("fake"));
    let settled = rt.stats().agent_requests;
    assert!(settled <= requests + 2, "{settled} after {requests}");
    // And from then on, one request per GET: the walk is gone from the session.
    for n in 1..=3 {
        m.get("1.3.6.1.2.1.1.5.0").unwrap();
        assert_eq!(rt.stats().agent_requests, settled + n);
    }
}

/// A silent agent: the error says no response, after exactly the attempts configured, in
/// simulated time (timeout times attempts).
#[test]
fn a_silent_agent_times_out_on_schedule() {
    let rt = MemoryRuntime::new(15);
    let c = client(&rt);
    let m = c
        .add_target(target(v4(9999), Duration::from_millis(300), 2))
        .unwrap();
    let before = rt.elapsed();
    let e = m.get("1.3.6.1.2.1.1.5.0").unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert!(matches!(
        e.operation(),
        Some(snmp_blocking::session::Error::Timeout { attempts: 3, .. })
    ));
    let waited = rt.elapsed() - before;
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_millis(1000),
        "{waited:?}"
    );
}

/// One client, agents on IPv4 and IPv6: plain calls and a poll over both families, each
/// answer from its own agent; `close` makes further calls `Closed`.
#[test]
fn both_address_families_over_one_client() {
    let rt = MemoryRuntime::new(16);
    let a4 = rt.add_agent(v4(161), FakeAgent::synthetic_device(3));
    let a6 = rt.add_agent(v6(161), FakeAgent::synthetic_device(5));
    let c = client(&rt);
    let m4 = c.add_target(target(a4, Duration::from_secs(1), 1)).unwrap();
    let m6 = c.add_target(target(a6, Duration::from_secs(1), 1)).unwrap();
    assert_eq!(m4.walk(IF_DESCR).count(), 3);
    assert_eq!(m6.walk(IF_DESCR).count(), 5);
    let targets: Vec<PollTarget> = (0..10)
        .map(|i| PollTarget::v2c(if i % 2 == 0 { a4 } else { a6 }, "public"))
        .collect();
    let results: Vec<_> = c
        .poll_many(targets, vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()], 3)
        .collect();
    assert_eq!(results.len(), 10);
    for r in &results {
        assert_eq!(r.result, Ok(Value::from("fake")), "{r:?}");
        assert_eq!(r.target, if r.index % 2 == 0 { a4 } else { a6 });
    }
    let other = m6.clone();
    m6.close();
    assert_eq!(other.get("1.3.6.1.2.1.1.5.0"), Err(Error::Closed));
    assert_eq!(m4.get("1.3.6.1.2.1.1.5.0").unwrap(), Value::from("fake"));
}

/// A poll dropped half way cancels what runs: nothing more reaches the agents.
#[test]
fn a_dropped_poll_is_cancelled() {
    let rt = MemoryRuntime::new(17);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(2));
    rt.set_latency(Duration::from_millis(5));
    let c = client(&rt);
    let targets: Vec<PollTarget> = (0..100).map(|_| PollTarget::v2c(agent, "public")).collect();
    let mut poll = c.poll_many(targets, vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()], 10);
    let first: Vec<_> = poll.by_ref().take(15).collect();
    assert_eq!(first.len(), 15);
    drop(poll);
    let requests = rt.stats().agent_requests;
    assert!(requests <= 30, "{requests}");
    // Requests already on the wire may still arrive (at most the 10 in flight), nothing
    // else: 85 targets were never polled.
    let m = c
        .add_target(target(agent, Duration::from_secs(1), 0))
        .unwrap();
    m.get("1.3.6.1.2.1.1.5.0").unwrap();
    let settled = rt.stats().agent_requests;
    assert!(settled <= requests + 11, "{settled} after {requests}");
    for n in 1..=3 {
        m.get("1.3.6.1.2.1.1.5.0").unwrap();
        assert_eq!(rt.stats().agent_requests, settled + n);
    }
}
