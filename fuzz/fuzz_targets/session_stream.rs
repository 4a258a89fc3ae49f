//! Arbitrary connection events and stream bytes (split anywhere) into a session with TCP
//! targets (v2c and v3) and operations in flight: never a panic, never a deadline in the
//! past, a connection asked for only when none is open or being made, every operation ends.
#![no_main]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use snmp_codec::{CommunityMessage, GenericPdu, Message, Pdu, Value, VarBind};
use snmp_session::{
    ConnectionError, Instant, Request, Session, SessionConfig, StreamAction, TargetConfig,
    TargetId, Transport, V3Security,
};
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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Closed,
    Connecting,
    Up,
}

fuzz_target!(|data: &[u8]| {
    let agent: SocketAddr = ([127, 0, 0, 1], 161).into();
    let agent3: SocketAddr = ([127, 0, 0, 1], 1161).into();
    let mut s = Session::new(SessionConfig::default(), [1; 32]);
    let mut cfg = TargetConfig::v2c(agent, "public").over(Transport::Tcp);
    cfg.max_stream_message = 4096;
    let t = s.add_target(cfg);
    let t3 = s
        .add_target(TargetConfig::v3(agent3, V3Security::new(user().clone())).over(Transport::Tcp));
    let root = "1.3.6.1.2.1".parse().expect("oid");
    let ops = [
        s.start(t, Request::walk(root)).expect("op"),
        s.start(
            t,
            Request::Get(vec!["1.3.6.1.2.1.1.1.0".parse().expect("oid")]),
        )
        .expect("op"),
        s.start(
            t3,
            Request::Get(vec!["1.3.6.1.2.1.1.1.0".parse().expect("oid")]),
        )
        .expect("op"),
    ];
    let mut states: HashMap<TargetId, State> = [(t, State::Closed), (t3, State::Closed)].into();
    let mut now = Instant::from_micros(1);
    let mut buf = vec![0u8; 65535];
    let mut last_sent: Option<Vec<u8>> = None;
    let mut done = 0;
    let mut drain = |s: &mut Session,
                     now: Instant,
                     last: &mut Option<Vec<u8>>,
                     done: &mut usize,
                     states: &mut HashMap<TargetId, State>| {
        while let Some(tx) = s.poll_transmit(now, &mut buf) {
            let target = tx.connection.expect("a stream target's message");
            assert_eq!(states[&target], State::Up, "written on a connection not up");
            *last = Some(buf[..tx.len].to_vec());
        }
        while let Some(a) = s.poll_stream_action() {
            match a {
                StreamAction::Connect { target, .. } => {
                    assert_eq!(states[&target], State::Closed, "a second connection");
                    states.insert(target, State::Connecting);
                }
                StreamAction::Close { target } => {
                    states.insert(target, State::Closed);
                }
                _ => {}
            }
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
    drain(&mut s, now, &mut last_sent, &mut done, &mut states);
    let mut rest = data;
    while let [kind, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (chunk, next) = tail.split_at(n);
        rest = next;
        let target = if kind & 0x80 == 0 { t } else { t3 };
        match kind % 6 {
            0 => {
                if states[&target] == State::Connecting {
                    states.insert(target, State::Up);
                    s.handle_connected(now, target);
                }
            }
            1 => {
                let e = match len % 3 {
                    0 => ConnectionError::Refused,
                    1 => ConnectionError::Closed,
                    _ => ConnectionError::Failed,
                };
                if states[&target] != State::Closed {
                    states.insert(target, State::Closed);
                    s.handle_disconnected(now, target, e);
                }
            }
            2 | 3 => {
                if states[&target] == State::Up {
                    s.handle_stream(now, target, chunk);
                }
            }
            4 => {
                now = now + Duration::from_millis(u64::from(*len) * 50);
                s.handle_timeout(now);
            }
            _ => {
                // Answer the last request on the v2c connection, split in two reads.
                if states[&t] != State::Up {
                    continue;
                }
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
                    }
                    .to_vec();
                    let cut = usize::from(*len).min(answer.len());
                    s.handle_stream(now, t, &answer[..cut]);
                    s.handle_stream(now, t, &answer[cut..]);
                }
            }
        }
        drain(&mut s, now, &mut last_sent, &mut done, &mut states);
    }
    // Let every deadline pass (connections that were asked for are refused): every
    // operation must end.
    for _ in 0..256 {
        let mut refused = false;
        for target in [t, t3] {
            if states[&target] == State::Connecting {
                states.insert(target, State::Closed);
                s.handle_disconnected(now, target, ConnectionError::Refused);
                refused = true;
            }
        }
        if refused {
            drain(&mut s, now, &mut last_sent, &mut done, &mut states);
            continue;
        }
        match s.poll_timeout() {
            Some(at) => {
                now = at;
                s.handle_timeout(now);
                drain(&mut s, now, &mut last_sent, &mut done, &mut states);
            }
            None => break,
        }
    }
    assert_eq!(done, ops.len(), "every operation ends");
});
