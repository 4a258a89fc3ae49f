//! # snmp-sim
//!
//! A simulated SNMP agent for tests, demos and benchmarks: v1, v2c and v3 (USM with every
//! auth/priv protocol of `snmp-usm`, as the authoritative engine), GET, GETNEXT, GETBULK, SET
//! and InformRequest, over data from a device recorded from a real agent
//! ([`Agent::recorded_device`], the default of `snmp sim`), a synthetic device of any size
//! ([`Agent::synthetic_device`]), a Net-SNMP walk file
//! (`snmpwalk -On` output) or an snmpsim `.snmprec` recording; many agents from one process
//! (consecutive ports), and faults to inject.
//!
//! The agent itself ([`Agent`]) is sans-IO; [`serve`] runs agents on UDP sockets with tokio
//! (agents behind a mutex, to change while they run); on Linux, [`fast`] runs them all on one
//! thread with batched system calls (the benchmarks' agent).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod agent;
pub mod data;
#[cfg(target_os = "linux")]
pub mod fast;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use agent::{Agent, Faults};
use snmp_usm::{Instant, UsmUser};

/// How to run simulated agents.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// First port (0: any free port for each agent).
    pub port: u16,
    /// Number of agents, on consecutive ports from `port` (or any free ports).
    pub agents: usize,
    /// v3 users every agent knows.
    pub users: Vec<UsmUser>,
    /// Faults every agent has.
    pub faults: Faults,
    /// Network faults of the answers (shares from 0.0 to 1.0, decided by a seeded generator).
    pub net: NetFaults,
    /// How long the [`fast`] server keeps polling without sleeping after the last datagram
    /// (default 500 µs; zero sleeps at once, best when a client shares the core).
    pub busy_poll: Duration,
    /// Also listen on TCP (RFC 3430), on the same port numbers ([`serve_agents`] only; the
    /// network faults apply to datagrams, the agent faults to both).
    pub tcp: bool,
}

/// What the simulator does to its answers on the way out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetFaults {
    /// Share of answers dropped.
    pub drop: f64,
    /// Delay added to every answer (half of it is a round trip's worth of network).
    pub delay: Duration,
    /// Time the agent takes per request, one request at a time (a CPU-bound, single-threaded
    /// agent: requests that arrive together wait their turn).
    pub processing: Duration,
    /// Share of answers sent twice.
    pub duplicate: f64,
    /// Share of answers held back and sent after the next one.
    pub reorder: f64,
    /// Share of answers cut to half their length.
    pub truncate: f64,
    /// Share of answers with one octet flipped.
    pub corrupt: f64,
    /// Answer from another port than the one asked (an agent answering from another address).
    pub other_source_port: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            agents: 1,
            users: Vec::new(),
            faults: Faults::default(),
            net: NetFaults::default(),
            busy_poll: Duration::from_micros(500),
            tcp: false,
        }
    }
}

/// Applies [`NetFaults`] to answers: one decision per answer and fault, from a generator
/// seeded per agent (so a run is repeatable).
#[derive(Debug)]
struct Shaper<A> {
    net: NetFaults,
    rng: u64,
    held: Option<(Vec<u8>, A)>,
}

impl<A: Clone> Shaper<A> {
    fn new(net: NetFaults, agent: u64) -> Self {
        Self {
            net,
            rng: 0x9e37_79b9_7f4a_7c15u64 ^ (agent + 1),
            held: None,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        ((self.rng % 10_000) as f64 / 10_000.0) < p
    }

    /// Pushes onto `out` the datagrams to send for `answer` to `to`: none (dropped or held
    /// back), one, two (duplicated), or also an answer held back before (reordered).
    fn shape(&mut self, mut answer: Vec<u8>, to: A, out: &mut Vec<(Vec<u8>, A)>) {
        let net = &self.net;
        let (drop, truncate, corrupt, duplicate, reorder) = (
            net.drop,
            net.truncate,
            net.corrupt,
            net.duplicate,
            net.reorder,
        );
        if self.chance(drop) {
            return;
        }
        if self.chance(truncate) {
            answer.truncate(answer.len() / 2);
        }
        if self.chance(corrupt) {
            let k = answer.len() / 3;
            if let Some(b) = answer.get_mut(k) {
                *b ^= 0x5a;
            }
        }
        let twice = self.chance(duplicate);
        if self.held.is_none() && self.chance(reorder) {
            self.held = Some((answer, to));
            return;
        }
        if twice {
            out.push((answer.clone(), to.clone()));
        }
        out.push((answer, to));
        out.extend(self.held.take());
    }
}

/// Running agents; dropping it stops them.
#[derive(Debug)]
pub struct RunningSim {
    /// Where each agent listens.
    pub addrs: Vec<SocketAddr>,
    /// The agents (lock one to change its data or faults while it runs).
    pub agents: Vec<Arc<Mutex<Agent>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Agent number `i` of `config`: made by `make`, with its own engine ID, the configured faults
/// and users.
fn configured_agent(config: &SimConfig, make: &impl Fn() -> Agent, i: usize) -> Agent {
    let mut engine_id = vec![0x80, 0x00, 0x1f, 0x88, 0x04];
    engine_id.extend(format!("snmp-sim-{i}").bytes());
    let mut agent = make().with_engine_id(&engine_id);
    agent.faults = config.faults.clone();
    for u in &config.users {
        agent.add_user(u);
    }
    agent
}

/// The most TCP connections one simulated agent serves at once (more are closed at once).
const MAX_TCP_CONNECTIONS: usize = 256;

/// Serves `agent` over TCP: each connection's messages, framed by their BER length, are
/// answered in order on the same connection.
async fn serve_tcp(
    listener: tokio::net::TcpListener,
    agent: Arc<Mutex<Agent>>,
    origin: std::time::Instant,
) {
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        if open.load(std::sync::atomic::Ordering::Relaxed) >= MAX_TCP_CONNECTIONS {
            continue; // dropped: closed at once
        }
        open.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (agent, open) = (agent.clone(), open.clone());
        tokio::spawn(async move {
            let _ = serve_connection(stream, &agent, origin).await;
            open.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        });
    }
}

async fn serve_connection(
    mut stream: tokio::net::TcpStream,
    agent: &Mutex<Agent>,
    origin: std::time::Instant,
) -> io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = stream.set_nodelay(true);
    let mut decoder = snmp_codec::StreamDecoder::new(1 << 20);
    let mut buf = vec![0u8; 65536];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        decoder.push(&buf[..n]);
        let mut answers = Vec::new();
        loop {
            let msg = match decoder.next_message() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                // Out of step: close, as an agent must.
                Err(_) => return Ok(()),
            };
            let now = Instant::from_micros(origin.elapsed().as_micros() as u64);
            if let Some(a) = agent.lock().ok().and_then(|mut a| a.handle(now, msg)) {
                answers.push(a);
            }
        }
        for a in answers {
            stream.write_all(&a).await?;
        }
    }
}

/// Starts `config.agents` agents, each serving a copy of `data`, on the current tokio runtime.
pub async fn serve(
    config: &SimConfig,
    data: &std::collections::BTreeMap<snmp_codec::Oid, snmp_codec::Value>,
) -> io::Result<RunningSim> {
    serve_agents(config, || Agent::new(data.clone())).await
}

/// Starts `config.agents` agents made by `make` (for example [`Agent::synthetic_device`]).
pub async fn serve_agents(config: &SimConfig, make: impl Fn() -> Agent) -> io::Result<RunningSim> {
    let mut addrs = Vec::new();
    let mut agents = Vec::new();
    let mut tasks = Vec::new();
    let origin = std::time::Instant::now();
    for i in 0..config.agents {
        let port = if config.port == 0 {
            0
        } else {
            config.port.wrapping_add(i as u16)
        };
        let socket = tokio::net::UdpSocket::bind(SocketAddr::new(config.bind, port)).await?;
        let local = socket.local_addr()?;
        addrs.push(local);
        let agent = configured_agent(config, &make, i);
        let agent = Arc::new(Mutex::new(agent));
        agents.push(agent.clone());
        if config.tcp {
            let listener = tokio::net::TcpListener::bind(local).await?;
            tasks.push(tokio::spawn(serve_tcp(listener, agent.clone(), origin)));
        }
        let net = config.net.clone();
        let reply_socket = if net.other_source_port {
            Some(Arc::new(
                tokio::net::UdpSocket::bind(SocketAddr::new(config.bind, 0)).await?,
            ))
        } else {
            None
        };
        let mut shaper = Shaper::new(net.clone(), i as u64);
        tasks.push(tokio::spawn(async move {
            let socket = Arc::new(socket);
            let out = reply_socket.unwrap_or_else(|| socket.clone());
            let mut buf = vec![0u8; 65536];
            let mut batch = Vec::new();
            loop {
                let Ok((n, from)) = socket.recv_from(&mut buf).await else {
                    continue;
                };
                if !net.processing.is_zero() {
                    // One request at a time: the next waits in the socket meanwhile.
                    tokio::time::sleep(net.processing).await;
                }
                let now = Instant::from_micros(origin.elapsed().as_micros() as u64);
                let answer = match agent.lock() {
                    Ok(mut a) => a.handle(now, &buf[..n]),
                    Err(_) => None,
                };
                let Some(answer) = answer else { continue };
                shaper.shape(answer, from, &mut batch);
                for (data, to) in batch.drain(..) {
                    if net.delay.is_zero() {
                        let _ = out.send_to(&data, to).await;
                    } else {
                        let s = out.clone();
                        let delay = net.delay;
                        tokio::spawn(async move {
                            tokio::time::sleep(delay).await;
                            let _ = s.send_to(&data, to).await;
                        });
                    }
                }
            }
        }));
    }
    Ok(RunningSim {
        addrs,
        agents,
        tasks,
    })
}
