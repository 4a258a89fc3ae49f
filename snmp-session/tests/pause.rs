//! `Session::pause` and `resume`: a paused walk sends nothing more (its answers in flight
//! still come), and resumed it goes on to exactly the sequence it would have given.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_codec::Oid;
use snmp_session::{Event, Instant, Request, Session, SessionConfig, TargetConfig};
use snmp_testkit::FakeAgent;

#[test]
fn a_paused_walk_waits_and_a_resumed_one_finishes() {
    let agent_addr: std::net::SocketAddr = "127.0.0.1:1161".parse().unwrap();
    let mut agent = FakeAgent::new(FakeAgent::synthetic(20));
    let root: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
    let expected = agent
        .data
        .keys()
        .filter(|o| o.starts_with(&root) && o.len() > root.len())
        .count();
    let mut s = Session::new(SessionConfig::default(), [7; 32]);
    let t = s.add_target(TargetConfig::v2c(agent_addr, "public"));
    let op = s.start(t, Request::bulk_walk(root, 5)).unwrap();
    let now = Instant::ZERO;
    let mut buf = vec![0u8; 65_535];
    let (mut sent, mut varbinds, mut done) = (0, 0, None);
    let mut exchange = |s: &mut Session| -> bool {
        let Some(tx) = s.poll_transmit(now, &mut buf) else {
            return false;
        };
        let answer = agent.handle(now, &buf[..tx.len]).unwrap();
        s.handle_datagram(now, agent_addr, &answer);
        true
    };
    let drain = |s: &mut Session, varbinds: &mut usize, done: &mut Option<bool>| {
        while let Some(ev) = s.poll_event() {
            match ev {
                Event::Varbinds { varbinds: v, .. } => *varbinds += v.len(),
                Event::Done { result, .. } => *done = Some(result.is_ok()),
                _ => {}
            }
        }
    };
    // One answer, then the reader "falls behind".
    assert!(exchange(&mut s));
    sent += 1;
    s.pause(op);
    drain(&mut s, &mut varbinds, &mut done);
    assert_eq!(varbinds, 5);
    // The request already made goes out; nothing more while paused, and the walk is still
    // running.
    assert!(exchange(&mut s));
    sent += 1;
    drain(&mut s, &mut varbinds, &mut done);
    assert_eq!(varbinds, 10);
    assert!(!exchange(&mut s));
    assert_eq!(s.operations_in_progress(), 1);
    assert_eq!(done, None);
    // Resumed, it goes on to the end.
    s.resume(op);
    while exchange(&mut s) {
        sent += 1;
        drain(&mut s, &mut varbinds, &mut done);
        assert!(sent < 1_000, "no end");
    }
    drain(&mut s, &mut varbinds, &mut done);
    assert_eq!(done, Some(true));
    assert_eq!(varbinds, expected);
    // Pausing or resuming what has ended does nothing.
    s.pause(op);
    s.resume(op);
    assert_eq!(s.operations_in_progress(), 0);
}
