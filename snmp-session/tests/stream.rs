//! The session's stream (TCP) transport under simulated time: a fake agent behind a simulated
//! connection whose bytes arrive split, merged, trickled, cut off or replaced by garbage.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use snmp_codec::{Oid, Value, VarBind};
use snmp_session::{
    ConnectionError, Error, Event, Instant, OpId, Request, Session, SessionConfig, StreamAction,
    TargetConfig, TargetId, Transport, V3Security,
};
use snmp_testkit::FakeAgent;
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

const RTT: Duration = Duration::from_millis(2);

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn agent_addr() -> SocketAddr {
    "127.0.0.1:1161".parse().unwrap()
}

/// How the simulated peer behaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Peer {
    /// Accepts and answers; each answer arrives in pieces of `chunk` bytes (0: whole).
    Answers { chunk: usize },
    /// Answers arrive only once `n` of them are waiting, all in one read.
    Batches(usize),
    /// Refuses connections.
    Refuses,
    /// Never completes a connect.
    Blackhole,
    /// Accepts, reads, never answers.
    Silent,
    /// Answers one byte per second.
    Trickles,
    /// The first connection's first answer is cut in half, then the connection closes.
    CutsFirst,
    /// Answers with `bytes` instead.
    Sends(&'static [u8]),
    /// Closes the connection instead of answering.
    Drops,
    /// Accepts and closes at once: the driver sees the close before it writes anything.
    ClosesAtOnce,
}

/// What an operation produced, and how it ended.
type Outcome = (Vec<VarBind>, Option<Result<(), Error>>);

enum Input {
    Connected,
    Refused,
    Bytes(Vec<u8>),
    Closed,
    ConnectedThenClosed,
}

struct TcpSim {
    session: Session,
    target: TargetId,
    agent: FakeAgent,
    peer: Peer,
    now: Instant,
    up: bool,
    /// Inputs in time order (time, sequence).
    wire: BTreeMap<(Instant, u64), Input>,
    seq: u64,
    connects: usize,
    closes: usize,
    transmits: usize,
    answered: usize,
    held: Vec<u8>,
    outcomes: BTreeMap<OpId, Outcome>,
}

impl TcpSim {
    fn new(peer: Peer, config: TargetConfig) -> TcpSim {
        let mut session = Session::new(SessionConfig::default(), [9; 32]);
        let target = session.add_target(config.over(Transport::Tcp));
        TcpSim {
            session,
            target,
            agent: FakeAgent::new(FakeAgent::synthetic(50)),
            peer,
            now: Instant::from_micros(1_000_000),
            up: false,
            wire: BTreeMap::new(),
            seq: 0,
            connects: 0,
            closes: 0,
            transmits: 0,
            answered: 0,
            held: Vec::new(),
            outcomes: BTreeMap::new(),
        }
    }

    fn v2c(peer: Peer) -> TcpSim {
        TcpSim::new(peer, TargetConfig::v2c(agent_addr(), "public"))
    }

    fn at(&mut self, delay: Duration, input: Input) {
        self.seq += 1;
        self.wire.insert((self.now + delay, self.seq), input);
    }

    fn answer(&mut self, answer: Vec<u8>) {
        match self.peer {
            Peer::Answers { chunk: 0 } => self.at(RTT, Input::Bytes(answer)),
            Peer::Answers { chunk } => {
                for piece in answer.chunks(chunk) {
                    self.at(RTT, Input::Bytes(piece.to_vec()));
                }
            }
            Peer::Batches(n) => {
                self.held.extend(answer);
                self.answered += 1;
                if self.answered.is_multiple_of(n) {
                    let all = std::mem::take(&mut self.held);
                    self.at(RTT, Input::Bytes(all));
                }
            }
            Peer::Trickles => {
                for (i, b) in answer.into_iter().enumerate() {
                    self.at(Duration::from_secs(1 + i as u64), Input::Bytes(vec![b]));
                }
            }
            Peer::CutsFirst if self.connects == 1 => {
                let half = answer[..answer.len() / 2].to_vec();
                self.at(RTT, Input::Bytes(half));
                self.at(RTT, Input::Closed);
            }
            Peer::CutsFirst => self.at(RTT, Input::Bytes(answer)),
            Peer::Sends(bytes) => self.at(RTT, Input::Bytes(bytes.to_vec())),
            Peer::Drops => self.at(RTT, Input::Closed),
            Peer::Silent | Peer::Refuses | Peer::Blackhole | Peer::ClosesAtOnce => {}
        }
    }

    /// The drain contract: transmits, stream actions, events.
    fn drain(&mut self) {
        let mut buf = vec![0u8; 65535];
        while let Some(t) = self.session.poll_transmit(self.now, &mut buf) {
            assert_eq!(t.connection, Some(self.target), "a stream target's message");
            assert!(self.up, "written before the connection was up");
            self.transmits += 1;
            let msg = buf[..t.len].to_vec();
            if let Some(answer) = self.agent.handle(self.now, &msg) {
                self.answer(answer);
            }
        }
        while let Some(a) = self.session.poll_stream_action() {
            match a {
                StreamAction::Connect { target, addr } => {
                    assert_eq!((target, addr), (self.target, agent_addr()));
                    assert!(!self.up, "a connect while one is up");
                    self.connects += 1;
                    match self.peer {
                        Peer::Refuses => self.at(RTT / 2, Input::Refused),
                        Peer::Blackhole => {}
                        Peer::ClosesAtOnce => self.at(RTT / 2, Input::ConnectedThenClosed),
                        _ => self.at(RTT / 2, Input::Connected),
                    }
                }
                StreamAction::Close { target } => {
                    assert_eq!(target, self.target);
                    self.closes += 1;
                    self.up = false;
                    // What was on its way is lost with the connection.
                    self.wire.clear();
                }
                _ => unreachable!(),
            }
        }
        while let Some(ev) = self.session.poll_event() {
            match ev {
                Event::Varbinds { op, varbinds } => {
                    self.outcomes.entry(op).or_default().0.extend(varbinds)
                }
                Event::Done { op, result } => {
                    let o = self.outcomes.entry(op).or_default();
                    assert!(o.1.is_none(), "two Done events");
                    o.1 = Some(result);
                }
                Event::Rows { .. } => {}
                _ => unreachable!(),
            }
        }
    }

    fn start(&mut self, r: Request) -> OpId {
        let op = self.session.start(self.target, r).unwrap();
        self.drain();
        op
    }

    /// Runs until `ops` are done (bounded: panics on a livelock or a stall).
    fn run(&mut self, ops: &[OpId]) {
        for _ in 0..100_000 {
            if ops
                .iter()
                .all(|o| self.outcomes.get(o).is_some_and(|x| x.1.is_some()))
            {
                return;
            }
            let next_wire = self.wire.keys().next().map(|k| k.0);
            let next = match (next_wire, self.session.poll_timeout()) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).expect("stalled: nothing pending"),
            };
            self.now = next.max(self.now);
            while let Some(entry) = self.wire.first_entry() {
                if entry.key().0 > self.now {
                    break;
                }
                let input = entry.remove();
                match input {
                    Input::Connected => {
                        self.up = true;
                        self.session.handle_connected(self.now, self.target);
                    }
                    Input::Refused => self.session.handle_disconnected(
                        self.now,
                        self.target,
                        ConnectionError::Refused,
                    ),
                    Input::Bytes(b) => {
                        if self.up {
                            self.session.handle_stream(self.now, self.target, &b)
                        }
                    }
                    Input::ConnectedThenClosed => {
                        // Both before the driver's next pass: nothing is written on it.
                        self.session.handle_connected(self.now, self.target);
                        self.session.handle_disconnected(
                            self.now,
                            self.target,
                            ConnectionError::Closed,
                        );
                    }
                    Input::Closed => {
                        self.up = false;
                        self.session.handle_disconnected(
                            self.now,
                            self.target,
                            ConnectionError::Closed,
                        );
                    }
                }
                self.drain();
            }
            self.session.handle_timeout(self.now);
            self.drain();
        }
        panic!("livelock");
    }

    fn result(&self, op: OpId) -> &Result<(), Error> {
        self.outcomes[&op].1.as_ref().unwrap()
    }

    fn varbinds(&self, op: OpId) -> &[VarBind] {
        &self.outcomes[&op].0
    }
}

fn sys_descr() -> Request {
    Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")])
}

#[test]
fn a_get_over_a_connection_split_at_every_byte() {
    // The answer's length, to try every split point.
    let mut probe = TcpSim::v2c(Peer::Answers { chunk: 0 });
    let op = probe.start(sys_descr());
    probe.run(&[op]);
    assert_eq!(probe.result(op), &Ok(()));
    let expected = probe.varbinds(op).to_vec();
    assert_eq!(expected.len(), 1);
    for chunk in 1..=64 {
        let mut sim = TcpSim::v2c(Peer::Answers { chunk });
        let op = sim.start(sys_descr());
        sim.run(&[op]);
        assert_eq!(sim.result(op), &Ok(()), "pieces of {chunk}");
        assert_eq!(sim.varbinds(op), expected, "pieces of {chunk}");
        assert_eq!((sim.connects, sim.transmits), (1, 1));
    }
}

#[test]
fn many_answers_in_one_read_and_one_connection_for_all() {
    let mut sim = TcpSim::v2c(Peer::Batches(5));
    let ops: Vec<OpId> = (0..10).map(|_| sim.start(sys_descr())).collect();
    sim.run(&ops);
    for op in &ops {
        assert_eq!(sim.result(*op), &Ok(()));
        assert_eq!(sim.varbinds(*op).len(), 1);
    }
    assert_eq!(sim.connects, 1, "one connection per target");
    assert_eq!(sim.transmits, 10);
}

#[test]
fn a_walk_over_a_stream() {
    let mut sim = TcpSim::v2c(Peer::Answers { chunk: 7 });
    let root = oid("1.3.6.1.2.1.2.2.1");
    let op = sim.start(Request::Walk {
        root: root.clone(),
        max_repetitions: Some(25),
        options: Default::default(),
    });
    sim.run(&[op]);
    assert_eq!(sim.result(op), &Ok(()));
    let want: Vec<VarBind> = sim
        .agent
        .data
        .iter()
        .filter(|(o, _)| o.starts_with(&root) && o.len() > root.len())
        .map(|(o, v)| VarBind::new(o.clone(), v.clone()))
        .collect();
    assert!(want.len() > 100);
    assert_eq!(sim.varbinds(op), want);
}

#[test]
fn no_retransmission_on_a_connection_that_is_up() {
    let mut sim = TcpSim::v2c(Peer::Silent);
    let t0 = sim.now;
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(
        sim.result(op),
        &Err(Error::Timeout {
            attempts: 4,
            waited: Duration::from_secs(20)
        }),
        "the same attempts and time as over UDP"
    );
    assert_eq!(sim.transmits, 1, "sent once");
    assert_eq!(sim.session.counters().retransmits, 0);
    assert!(sim.now.saturating_duration_since(t0) <= Duration::from_secs(21));
}

#[test]
fn the_peer_closing_mid_answer_costs_one_reconnect_and_resend() {
    let mut sim = TcpSim::v2c(Peer::CutsFirst);
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(sim.result(op), &Ok(()));
    assert_eq!(sim.varbinds(op).len(), 1);
    assert_eq!((sim.connects, sim.transmits), (2, 2));
    assert_eq!(sim.session.counters().retransmits, 1);
}

#[test]
fn a_peer_that_always_drops_ends_the_request_after_its_attempts() {
    // Every connection closes instead of answering: one connection per attempt, then the
    // typed error; never a loop.
    let mut sim = TcpSim::v2c(Peer::Drops);
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(
        sim.result(op),
        &Err(Error::Connection(ConnectionError::Closed))
    );
    assert_eq!((sim.connects, sim.transmits), (4, 4), "one per attempt");
}

#[test]
fn a_peer_that_closes_before_the_write_costs_an_attempt_per_connection() {
    // The close is seen before the request is written (a busy driver reads first): each
    // connection still counts as an attempt, so the request ends after its attempts with
    // the typed error, never connecting again and again.
    let mut sim = TcpSim::v2c(Peer::ClosesAtOnce);
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(
        sim.result(op),
        &Err(Error::Connection(ConnectionError::Closed))
    );
    assert_eq!((sim.connects, sim.transmits), (4, 0), "one per attempt");
}

#[test]
fn a_refused_connection_fails_at_once() {
    let mut sim = TcpSim::v2c(Peer::Refuses);
    let t0 = sim.now;
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(
        sim.result(op),
        &Err(Error::Connection(ConnectionError::Refused))
    );
    assert!(sim.now.saturating_duration_since(t0) < Duration::from_millis(10));
    assert_eq!(sim.transmits, 0);
    assert_eq!(
        sim.result(op).as_ref().unwrap_err().to_string(),
        "connection refused"
    );
}

#[test]
fn a_connect_that_never_completes_times_out_and_is_closed() {
    let mut sim = TcpSim::v2c(Peer::Blackhole);
    let t0 = sim.now;
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(
        sim.result(op),
        &Err(Error::Connection(ConnectionError::ConnectTimeout))
    );
    assert_eq!(
        sim.now.saturating_duration_since(t0),
        Duration::from_secs(5)
    );
    assert_eq!(sim.closes, 1, "the driver is told to give up the connect");
}

#[test]
fn a_trickling_peer_does_not_stretch_the_timeout() {
    let mut sim = TcpSim::v2c(Peer::Trickles);
    let t0 = sim.now;
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert!(matches!(sim.result(op), Err(Error::Timeout { .. })));
    // 20 s after the request went out (the connect took 1 ms).
    let took = sim.now.saturating_duration_since(t0);
    assert!(
        took >= Duration::from_secs(20) && took < Duration::from_millis(20_010),
        "{took:?}"
    );
}

#[test]
fn garbage_and_endless_lengths_close_the_connection_with_a_typed_error() {
    static GARBAGE: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\r\n";
    static ENDLESS: &[u8] = &[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01];
    static UNDECODABLE: &[u8] = &[0x30, 0x03, 0x04, 0x01, 0x00];
    for (bytes, want) in [
        (
            GARBAGE,
            ConnectionError::Framing(snmp_codec::FrameError::NotASequence { found: b'H' }),
        ),
        (
            ENDLESS,
            ConnectionError::Framing(snmp_codec::FrameError::TooLong {
                len: 0x7fff_ffff + 6,
                limit: 1 << 20,
            }),
        ),
        (UNDECODABLE, ConnectionError::Malformed),
    ] {
        let mut sim = TcpSim::v2c(Peer::Sends(bytes));
        let ops: Vec<OpId> = (0..3).map(|_| sim.start(sys_descr())).collect();
        sim.run(&ops);
        for op in ops {
            assert_eq!(sim.result(op), &Err(Error::Connection(want)), "{bytes:?}");
        }
        assert_eq!(sim.closes, 1);
        assert_eq!(sim.connects, 1, "no reconnect to a broken agent");
    }
}

#[test]
fn an_idle_connection_is_closed_and_the_next_request_opens_another() {
    let mut sim = TcpSim::v2c(Peer::Answers { chunk: 0 });
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(sim.closes, 0);
    // Nothing in flight: the idle deadline is what is left.
    let idle = sim.session.poll_timeout().unwrap();
    assert!(idle.saturating_duration_since(sim.now) <= Duration::from_secs(30));
    sim.now = idle;
    sim.session.handle_timeout(sim.now);
    sim.drain();
    assert_eq!(sim.closes, 1);
    assert_eq!(sim.session.poll_timeout(), None, "nothing left to wake for");
    let op = sim.start(sys_descr());
    sim.run(&[op]);
    assert_eq!(sim.result(op), &Ok(()));
    assert_eq!(sim.connects, 2);
}

#[test]
fn a_busy_connection_stays_open() {
    let mut sim = TcpSim::v2c(Peer::Answers { chunk: 0 });
    for _ in 0..40 {
        let op = sim.start(sys_descr());
        sim.run(&[op]);
        sim.now = sim.now + Duration::from_secs(2);
        sim.session.handle_timeout(sim.now);
        sim.drain();
    }
    assert_eq!((sim.connects, sim.closes), (1, 0));
}

#[test]
fn v3_discovery_and_requests_over_a_stream() {
    let user = UsmUser::new("alice")
        .with_auth(AuthProtocol::Sha256, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password")
        .unwrap();
    let mut sim = TcpSim::new(
        Peer::Answers { chunk: 3 },
        TargetConfig::v3(agent_addr(), V3Security::new(user.clone())),
    );
    sim.agent.add_user(&user);
    let op = sim.start(sys_descr());
    let set = sim.start(Request::Set(vec![VarBind::new(
        oid("1.3.6.1.2.1.1.5.0"),
        Value::OctetString("tcp".into()),
    )]));
    sim.run(&[op, set]);
    assert_eq!(sim.result(op), &Ok(()));
    assert_eq!(sim.result(set), &Ok(()));
    assert_eq!(sim.session.counters().discoveries, 1);
    assert_eq!(sim.connects, 1);
    assert!(sim.session.engine_id(sim.target).is_some());
}

#[test]
fn removing_a_target_closes_its_connection() {
    let mut sim = TcpSim::v2c(Peer::Silent);
    let op = sim.start(sys_descr());
    sim.run(&[]);
    sim.now = sim.now + Duration::from_millis(5);
    sim.session.handle_timeout(sim.now);
    // Deliver the connect.
    let (_, input) = sim.wire.pop_first().unwrap();
    assert!(matches!(input, Input::Connected));
    sim.up = true;
    sim.session.handle_connected(sim.now, sim.target);
    sim.drain();
    sim.session.remove_target(sim.target);
    sim.drain();
    assert_eq!(sim.result(op), &Err(Error::UnknownTarget));
    assert_eq!(sim.closes, 1);
}
