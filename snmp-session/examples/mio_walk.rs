//! The sans-IO session in a plain `mio` event loop: many agents walked at once over one
//! non-blocking socket, with bounded concurrency, on the calling thread.
//!
//! ```text
//! cargo run --release -p snmp-session --example mio_walk [-- AGENTS]
//! ```
//!
//! The example starts `AGENTS` (default 50) simulated agents of its own (snmp-sim's sans-IO
//! agent, served from a second thread on 127.0.0.1), walks the whole MIB-2 subtree of every one
//! of them (half with GETNEXT, half with GETBULK, at most 16 walks in flight), and checks that
//! each walk returned exactly the agent's data, in order. It exits with 1 if any did not.
//!
//! The loop is the session's drain contract and nothing else:
//!
//! 1. send every datagram [`Session::poll_transmit`] has;
//! 2. hand out every [`Session::poll_event`];
//! 3. wait in `mio::Poll::poll` until the socket is readable or [`Session::poll_timeout`];
//! 4. feed what arrived to [`Session::handle_datagram`], then call
//!    [`Session::handle_timeout`] (it acts only on deadlines that have passed).

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};
use snmp_codec::{Oid, Value, VarBind};
use snmp_session::{Event, Instant, OpId, Request, Session, SessionConfig, TargetConfig};
use snmp_sim::Agent;

/// Walks in flight at once (the rest wait for a free place).
const MAX_IN_FLIGHT: usize = 16;
/// The whole run must end within this, or the example fails (it never loops forever).
const DEADLINE: Duration = Duration::from_secs(60);

/// Microseconds since the start, as the session counts time.
#[derive(Clone, Copy)]
struct Clock(std::time::Instant);

impl Clock {
    fn now(self) -> Instant {
        Instant::from_micros(self.0.elapsed().as_micros() as u64)
    }
}

/// 32 bytes from the OS-seeded hasher keys: the session's seed for request-ids, msgIDs and
/// salts. (A real driver reads the OS random source, e.g. with the `getrandom` crate.)
fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x736e_6d70);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    seed
}

/// Serves `agents` on their own sockets from a thread with its own `mio` loop, until `stop`.
fn serve(
    agents: Vec<Agent>,
    stop: Arc<AtomicBool>,
) -> io::Result<(Vec<SocketAddr>, thread::JoinHandle<io::Result<()>>)> {
    let mut poll = Poll::new()?;
    let mut sockets = Vec::with_capacity(agents.len());
    for i in 0..agents.len() {
        let mut socket = UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        poll.registry()
            .register(&mut socket, Token(i), Interest::READABLE)?;
        sockets.push(socket);
    }
    let addrs = sockets
        .iter()
        .map(UdpSocket::local_addr)
        .collect::<io::Result<Vec<_>>>()?;
    let handle = thread::spawn(move || {
        let mut agents = agents;
        let clock = Clock(std::time::Instant::now());
        let mut events = Events::with_capacity(64);
        let mut buf = vec![0u8; 65_535];
        while !stop.load(Ordering::Relaxed) {
            poll.poll(&mut events, Some(Duration::from_millis(20)))?;
            for event in &events {
                let i = event.token().0;
                let (Some(socket), Some(agent)) = (sockets.get(i), agents.get_mut(i)) else {
                    continue;
                };
                loop {
                    match socket.recv_from(&mut buf) {
                        Ok((n, from)) => {
                            if let Some(answer) = agent.handle(clock.now(), &buf[..n]) {
                                // A full send buffer loses the answer; the manager resends.
                                let _ = socket.send_to(&answer, from);
                            }
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    });
    Ok((addrs, handle))
}

/// What one walk should return: the agent's data under `root`, in order.
fn expected(data: &BTreeMap<Oid, Value>, root: &Oid) -> Vec<VarBind> {
    data.iter()
        .filter(|(oid, _)| oid.starts_with(root))
        .map(|(oid, value)| VarBind::new(oid.clone(), value.clone()))
        .collect()
}

/// One agent's walk: which target, what came back, how it ended.
struct Walk {
    agent: usize,
    varbinds: Vec<VarBind>,
    result: Option<Result<(), snmp_session::Error>>,
}

fn run(count: usize) -> io::Result<bool> {
    let root: Oid = Oid::from_arcs(&[1, 3, 6, 1, 2, 1]);
    // Agents of different sizes, so a walk that got another agent's answers would show.
    let agents: Vec<Agent> = (0..count)
        .map(|i| Agent::new(Agent::synthetic(2 + (i % 7) as u32)))
        .collect();
    let wanted: Vec<Vec<VarBind>> = agents.iter().map(|a| expected(&a.data, &root)).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let (addrs, server) = serve(agents, stop.clone())?;

    // The manager: one socket, one session, one target per agent.
    let mut poll = Poll::new()?;
    let mut socket = UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    poll.registry()
        .register(&mut socket, Token(0), Interest::READABLE)?;
    let mut session = Session::new(SessionConfig::default(), seed());
    let targets: Vec<_> = addrs
        .iter()
        .map(|&addr| {
            let mut config = TargetConfig::v2c(addr, "public");
            config.timeout = Duration::from_millis(500);
            config.retries = 3;
            session.add_target(config)
        })
        .collect();

    let clock = Clock(std::time::Instant::now());
    let mut walks: HashMap<OpId, Walk> = HashMap::new();
    let mut done: Vec<Walk> = Vec::with_capacity(count);
    let mut next = 0;
    let (mut out, mut inp) = (vec![0u8; 65_535], vec![0u8; 65_535]);
    let mut events = Events::with_capacity(64);
    let mut sent = 0u64;

    while done.len() < count {
        if clock.0.elapsed() > DEADLINE {
            return Err(io::Error::new(ErrorKind::TimedOut, "the walks did not end"));
        }
        // Start walks while there is room.
        while next < count && walks.len() < MAX_IN_FLIGHT {
            let request = if next % 2 == 0 {
                Request::bulk_walk(root.clone(), 10)
            } else {
                Request::walk(root.clone())
            };
            let op = session
                .start(targets[next], request)
                .map_err(|e| io::Error::other(e.to_string()))?;
            walks.insert(
                op,
                Walk {
                    agent: next,
                    varbinds: Vec::new(),
                    result: None,
                },
            );
            next += 1;
        }
        // 1. Send what the session has.
        let now = clock.now();
        while let Some(tx) = session.poll_transmit(now, &mut out) {
            match socket.send_to(&out[..tx.len], tx.destination) {
                Ok(_) => sent += 1,
                // The datagram is lost; the session's retransmission timer covers it.
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        // 2. Hand out its events.
        let mut ended = false;
        while let Some(event) = session.poll_event() {
            match event {
                Event::Varbinds { op, varbinds } => {
                    if let Some(walk) = walks.get_mut(&op) {
                        walk.varbinds.extend(varbinds);
                    }
                }
                Event::Done { op, result } => {
                    if let Some(mut walk) = walks.remove(&op) {
                        walk.result = Some(result);
                        done.push(walk);
                        ended = true;
                    }
                }
                _ => {}
            }
        }
        if ended {
            // Places came free: start the next walks (and send) before waiting.
            continue;
        }
        // 3. Wait for a datagram or the session's next deadline.
        let timeout = session
            .poll_timeout()
            .map(|t| t.saturating_duration_since(clock.now()));
        match poll.poll(&mut events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        // 4. Feed it everything that arrived (edge-triggered: read until WouldBlock), then
        //    the time.
        loop {
            match socket.recv_from(&mut inp) {
                Ok((n, from)) => session.handle_datagram(clock.now(), from, &inp[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        session.handle_timeout(clock.now());
    }
    stop.store(true, Ordering::Relaxed);
    let served = server
        .join()
        .map_err(|_| io::Error::other("agent thread panicked"));

    let elapsed = clock.0.elapsed();
    let mut ok = true;
    let mut values = 0;
    done.sort_by_key(|w| w.agent);
    for walk in &done {
        values += walk.varbinds.len();
        match &walk.result {
            Some(Ok(())) if walk.varbinds == wanted[walk.agent] => {}
            Some(Ok(())) => {
                ok = false;
                println!(
                    "agent {}: walked {} varbinds, the agent has {}: MISMATCH",
                    walk.agent,
                    walk.varbinds.len(),
                    wanted[walk.agent].len()
                );
            }
            Some(Err(e)) => {
                ok = false;
                println!("agent {}: {e}", walk.agent);
            }
            None => ok = false,
        }
    }
    served??;
    let c = session.counters();
    println!(
        "walked {count} agents: {values} varbinds in {:.1} ms, {sent} datagrams sent, \
         {} retransmissions, {} walks failed or differed",
        elapsed.as_secs_f64() * 1000.0,
        c.retransmits,
        done.iter()
            .filter(|w| !matches!(w.result, Some(Ok(()))) || w.varbinds != wanted[w.agent])
            .count()
    );
    Ok(ok)
}

fn main() -> ExitCode {
    let count = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("usage: mio_walk [AGENTS]");
            return ExitCode::from(2);
        }
    };
    match run(count) {
        Ok(true) => {
            println!("mio_walk done");
            ExitCode::SUCCESS
        }
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("mio_walk: {e}");
            ExitCode::FAILURE
        }
    }
}
