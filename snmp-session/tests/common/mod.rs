//! Deterministic simulation: a simulated clock that jumps to the next deadline, fake agents in
//! memory, a seeded network that loses, duplicates, reorders and delays, and a bounded driver
//! that fails on livelock.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use snmp_codec::VarBind;
use snmp_session::{Error, Event, Instant, OpId, Session, SessionConfig, TableRow};
use snmp_testkit::FakeAgent;

/// A tiny deterministic PRNG (xorshift64*), for the network's decisions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
}

/// What happens to a datagram on the wire.
pub trait Fate {
    /// Copies to deliver (0 = lost, 2 = duplicated) and each one's delay.
    fn fate(&mut self, to_agent: bool, data: &[u8]) -> Vec<Duration>;
}

/// A network that delivers everything after a fixed latency.
pub struct Perfect(pub Duration);

impl Fate for Perfect {
    fn fate(&mut self, _: bool, _: &[u8]) -> Vec<Duration> {
        vec![self.0]
    }
}

/// Seeded loss, duplication and random delay (which reorders).
pub struct Lossy {
    pub rng: Rng,
    pub loss: f64,
    pub duplicate: f64,
    pub max_delay: Duration,
}

impl Fate for Lossy {
    fn fate(&mut self, _: bool, _: &[u8]) -> Vec<Duration> {
        if self.rng.chance(self.loss) {
            return vec![];
        }
        let copies = if self.rng.chance(self.duplicate) {
            2
        } else {
            1
        };
        (0..copies)
            .map(|_| {
                let us = self.max_delay.as_micros() as u64;
                Duration::from_micros(1 + self.rng.next() % us.max(1))
            })
            .collect()
    }
}

/// What an operation produced.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub varbinds: Vec<VarBind>,
    pub rows: Vec<TableRow>,
    pub result: Option<Result<(), Error>>,
    /// Events after `Done` (must stay zero).
    pub after_done: usize,
}

struct InFlight {
    at: Instant,
    seq: u64,
    from: SocketAddr,
    to: SocketAddr,
    data: Vec<u8>,
}

pub const CLIENT: ([u8; 4], u16) = ([127, 0, 0, 1], 50000);

pub fn client_addr() -> SocketAddr {
    SocketAddr::from(CLIENT)
}

pub fn agent_addr(i: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 20000 + i))
}

/// Rewrites an agent's answer: (agent, answer) -> answers to deliver, with their sources.
pub type Tamper = Box<dyn FnMut(SocketAddr, Vec<u8>) -> Vec<(SocketAddr, Vec<u8>)>>;

/// The simulation.
pub struct Sim<F: Fate> {
    pub session: Session,
    pub agents: HashMap<SocketAddr, FakeAgent>,
    pub now: Instant,
    pub fate: F,
    wire: Vec<InFlight>,
    seq: u64,
    pub outcomes: BTreeMap<OpId, Outcome>,
    /// Datagrams the session sent.
    pub sent: Vec<(SocketAddr, Vec<u8>)>,
    /// Every time the driver woke up, for livelock detection.
    pub steps: usize,
    /// Hook to tamper with agent answers: (agent, answer) -> answers to deliver, with their
    /// source addresses.
    pub tamper: Option<Tamper>,
}

impl<F: Fate> Sim<F> {
    pub fn new(fate: F) -> Self {
        Sim {
            session: Session::new(SessionConfig::default(), [42; 32]),
            agents: HashMap::new(),
            now: Instant::from_micros(1_000_000),
            fate,
            wire: Vec::new(),
            seq: 0,
            outcomes: BTreeMap::new(),
            sent: Vec::new(),
            steps: 0,
            tamper: None,
        }
    }

    fn put(&mut self, from: SocketAddr, to: SocketAddr, data: Vec<u8>) {
        let to_agent = to != client_addr();
        for delay in self.fate.fate(to_agent, &data) {
            self.seq += 1;
            self.wire.push(InFlight {
                at: self.now + delay,
                seq: self.seq,
                from,
                to,
                data: data.clone(),
            });
        }
    }

    /// The drain contract: transmits, then events.
    pub fn drain(&mut self) {
        let mut buf = vec![0u8; 65535];
        while let Some(t) = self.session.poll_transmit(self.now, &mut buf) {
            let data = buf[..t.len].to_vec();
            self.sent.push((t.destination, data.clone()));
            self.put(client_addr(), t.destination, data);
        }
        while let Some(ev) = self.session.poll_event() {
            let (op, done) = match &ev {
                Event::Varbinds { op, .. } | Event::Rows { op, .. } => (*op, false),
                Event::Done { op, .. } => (*op, true),
                _ => unreachable!(),
            };
            let o = self.outcomes.entry(op).or_default();
            if o.result.is_some() {
                o.after_done += 1;
            }
            match ev {
                Event::Varbinds { varbinds, .. } => o.varbinds.extend(varbinds),
                Event::Rows { rows, .. } => o.rows.extend(rows),
                Event::Done { result, .. } => o.result = Some(result),
                _ => {}
            }
            let _ = done;
        }
    }

    /// Runs until every op in `ops` is done. Panics after `max_steps` wake-ups (livelock) or
    /// if nothing is pending while ops are unfinished (a lost operation).
    pub fn run(&mut self, ops: &[OpId], max_steps: usize) {
        self.drain();
        let mut steps = 0;
        loop {
            if ops
                .iter()
                .all(|o| self.outcomes.get(o).is_some_and(|x| x.result.is_some()))
            {
                return;
            }
            steps += 1;
            self.steps += 1;
            assert!(
                steps <= max_steps,
                "livelock: {max_steps} steps without finishing"
            );
            let next_wire = self.wire.iter().map(|p| (p.at, p.seq)).min();
            let next_timer = self.session.poll_timeout();
            let next = match (next_wire.map(|w| w.0), next_timer) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => panic!("stalled: unfinished operations and nothing pending"),
            };
            // Overdue datagrams (a test moved the clock on by hand) are delivered now.
            self.now = next.max(self.now);
            // Deliver everything due, in order.
            loop {
                let due = self
                    .wire
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.at <= self.now)
                    .min_by_key(|(_, p)| (p.at, p.seq))
                    .map(|(i, _)| i);
                let Some(i) = due else { break };
                let p = self.wire.swap_remove(i);
                if p.to == client_addr() {
                    self.session.handle_datagram(self.now, p.from, &p.data);
                    self.drain();
                } else if let Some(agent) = self.agents.get_mut(&p.to) {
                    if let Some(answer) = agent.handle(self.now, &p.data) {
                        let answers = match self.tamper.as_mut() {
                            Some(t) => t(p.to, answer),
                            None => vec![(p.to, answer)],
                        };
                        for (src, a) in answers {
                            self.put(src, p.from, a);
                        }
                    }
                }
            }
            self.session.handle_timeout(self.now);
            self.drain();
        }
    }

    pub fn outcome(&self, op: OpId) -> &Outcome {
        &self.outcomes[&op]
    }
}
