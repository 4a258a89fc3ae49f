//! Arbitrary sequences of datagrams and time steps into a session with v2c and v3 targets and
//! operations in flight: never a panic, never a deadline in the past, every operation ends.
#![no_main]

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use snmp_codec::{CommunityMessage, GenericPdu, Message, Pdu, Value, VarBind};
use snmp_session::{Instant, Request, Session, SessionConfig, TargetConfig, V3Security};
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

fn user() -> &'static UsmUser {
    static USER: OnceLock<UsmUser> = OnceLock::new();
    USER.get_or_init(|| {
        UsmUser::new("fuzz")
            .with_auth(AuthProtocol::Sha1, b"authpassword")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"privpassword"))
            .expect("fixed keys")
    })
}

fuzz_target!(|data: &[u8]| {
    let agent: SocketAddr = ([127, 0, 0, 1], 161).into();
    let agent3: SocketAddr = ([127, 0, 0, 1], 1161).into();
    let other: SocketAddr = ([127, 0, 0, 2], 161).into();
    let mut s = Session::new(SessionConfig::default(), [1; 32]);
    let t = s.add_target(TargetConfig::v2c(agent, "public"));
    let t3 = s.add_target(TargetConfig::v3(agent3, V3Security::new(user().clone())));
    let root = "1.3.6.1.2.1".parse().expect("oid");
    let ops = [
        s.start(t, Request::walk(root)).expect("op"),
        s.start(
            t3,
            Request::Get(vec!["1.3.6.1.2.1.1.1.0".parse().expect("oid")]),
        )
        .expect("op"),
    ];
    let mut now = Instant::from_micros(1);
    let mut buf = vec![0u8; 65535];
    let mut last_sent: Option<Vec<u8>> = None;
    let mut done = 0;
    let mut drain =
        |s: &mut Session, now: Instant, last: &mut Option<Vec<u8>>, done: &mut usize| {
            while let Some(tx) = s.poll_transmit(now, &mut buf) {
                *last = Some(buf[..tx.len].to_vec());
            }
            while let Some(ev) = s.poll_event() {
                if matches!(ev, snmp_session::Event::Done { .. }) {
                    *done += 1;
                }
            }
            if let Some(t) = s.poll_timeout() {
                assert!(t > now, "a handled deadline came back");
            }
        };
    drain(&mut s, now, &mut last_sent, &mut done);
    let mut rest = data;
    while let [kind, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (chunk, next) = tail.split_at(n);
        rest = next;
        match kind % 5 {
            0 => s.handle_datagram(now, agent, chunk),
            1 => s.handle_datagram(now, other, chunk),
            2 => s.handle_datagram(now, agent3, chunk),
            3 => {
                now = now + Duration::from_millis(u64::from(*len) * 50);
                s.handle_timeout(now);
            }
            _ => {
                // Answer the last request with a Response carrying the fuzz bytes as a value.
                if let Some(Ok(Message::Community(m))) = last_sent.as_deref().map(Message::decode) {
                    let rid = m.pdu.request_id().unwrap_or(0);
                    let vbs = m
                        .pdu
                        .varbinds()
                        .iter()
                        .map(|vb| VarBind::new(vb.oid.child(u32::from(*len)), Value::from(chunk)))
                        .collect();
                    let answer = CommunityMessage {
                        pdu: Pdu::Response(GenericPdu::new(rid, vbs)),
                        ..m
                    };
                    s.handle_datagram(now, agent, &answer.to_vec());
                }
            }
        }
        drain(&mut s, now, &mut last_sent, &mut done);
    }
    // Let every deadline pass: every operation must end.
    for _ in 0..64 {
        match s.poll_timeout() {
            Some(t) => {
                now = t;
                s.handle_timeout(now);
                drain(&mut s, now, &mut last_sent, &mut done);
            }
            None => break,
        }
    }
    assert_eq!(done, ops.len(), "every operation ends");
});
