//! # snmp-sim
//!
//! A simulated SNMP agent for tests, demos and benchmarks: v1, v2c and v3 (USM with every
//! auth/priv protocol of `snmp-usm`, as the authoritative engine), GET, GETNEXT, GETBULK, SET
//! and InformRequest, over data from a built-in synthetic device, a Net-SNMP walk file
//! (`snmpwalk -On` output) or an snmpsim `.snmprec` recording; many agents from one process
//! (consecutive ports), and faults to inject.
//!
//! The agent itself ([`Agent`]) is sans-IO; [`serve`] runs agents on UDP sockets with tokio.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod agent;
pub mod data;

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
    /// Share of answers dropped (0.0 to 1.0), decided by a seeded generator.
    pub drop: f64,
    /// Delay added to every answer.
    pub delay: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            agents: 1,
            users: Vec::new(),
            faults: Faults::default(),
            drop: 0.0,
            delay: Duration::ZERO,
        }
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
        addrs.push(socket.local_addr()?);
        let mut engine_id = vec![0x80, 0x00, 0x1f, 0x88, 0x04];
        engine_id.extend(format!("snmp-sim-{i}").bytes());
        let mut agent = make().with_engine_id(&engine_id);
        agent.faults = config.faults.clone();
        for u in &config.users {
            agent.add_user(u);
        }
        let agent = Arc::new(Mutex::new(agent));
        agents.push(agent.clone());
        let (drop, delay) = (config.drop, config.delay);
        let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ (i as u64);
        tasks.push(tokio::spawn(async move {
            let socket = Arc::new(socket);
            let mut buf = vec![0u8; 65536];
            loop {
                let Ok((n, from)) = socket.recv_from(&mut buf).await else {
                    continue;
                };
                let now = Instant::from_micros(origin.elapsed().as_micros() as u64);
                let answer = match agent.lock() {
                    Ok(mut a) => a.handle(now, &buf[..n]),
                    Err(_) => None,
                };
                let Some(answer) = answer else { continue };
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                if drop > 0.0 && (rng % 10_000) as f64 / 10_000.0 < drop {
                    continue;
                }
                if delay.is_zero() {
                    let _ = socket.send_to(&answer, from).await;
                } else {
                    let s = socket.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = s.send_to(&answer, from).await;
                    });
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
