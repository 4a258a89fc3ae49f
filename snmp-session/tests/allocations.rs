//! How much the steady-state path allocates: issue a GET, match its answer, hand out the
//! event. Counted with an instrumented allocator; the count is printed and bounded so that
//! regressions show.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::SocketAddr;

use snmp_codec::{CommunityMessage, GenericPdu, Message, Oid, Pdu, Value, VarBind, Version};
use snmp_session::{Event, Instant, Request, Session, SessionConfig, TargetConfig};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn steady_state_get_allocations() {
    let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
    let mut session = Session::new(SessionConfig::default(), [3; 32]);
    let t = session.add_target(TargetConfig::v2c(agent, "public"));
    let oid: Oid = "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap();
    let mut buf = vec![0u8; 65535];
    let now = Instant::from_micros(1);
    let mut round = |session: &mut Session, count: bool| -> (usize, usize) {
        let oids = vec![oid.clone()];
        let region = Region::new(GLOBAL);
        session.start(t, Request::Get(oids)).unwrap();
        let tx = session.poll_transmit(now, &mut buf).unwrap();
        let sent = buf[..tx.len].to_vec();
        let before_answer = region.change();
        // The agent's answer, made outside the measured region.
        let Ok(Message::Community(m)) = Message::decode(&sent) else {
            panic!()
        };
        let answer = CommunityMessage {
            version: Version::V2c,
            community: m.community,
            pdu: Pdu::Response(GenericPdu::new(
                m.pdu.request_id().unwrap(),
                vec![VarBind::new(oid.clone(), Value::Counter32(7))],
            )),
        }
        .to_vec();
        let mut events = Vec::with_capacity(4);
        let region = Region::new(GLOBAL);
        session.handle_datagram(now, agent, &answer);
        while let Some(ev) = session.poll_event() {
            events.push(ev);
        }
        let after = region.change();
        assert!(matches!(
            events.last(),
            Some(Event::Done { result: Ok(()), .. })
        ));
        let _ = count;
        (
            before_answer.allocations + after.allocations - 1, // the test's own copy of `sent`
            before_answer.bytes_allocated + after.bytes_allocated,
        )
    };
    for _ in 0..100 {
        round(&mut session, false);
    }
    let n = 1000;
    let (mut allocs, mut bytes) = (0, 0);
    for _ in 0..n {
        let (a, b) = round(&mut session, true);
        allocs += a;
        bytes += b;
    }
    let per_get = allocs as f64 / n as f64;
    println!(
        "steady-state GET: {per_get:.1} allocations, {} bytes per request",
        bytes / n
    );
    // Issuing the GET, encoding and sending it allocate nothing (operations and requests reuse
    // the session's maps; the request is encoded straight from the operation's state). The
    // answer is copied into the session's receive buffer, whose space is used again once the
    // answer is dropped: the one allocation is the varbind vector handed out.
    // (The hundredths allow for a hash table occasionally rehashing its tombstones.)
    assert!(per_get <= 1.05, "{per_get} allocations per GET");
}
