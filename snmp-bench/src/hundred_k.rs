//! `snmp-bench poll100k`: `poll_many` over 100,000 targets (issue 39), every one answered.
//!
//! The agents: `--addresses` agent processes, one per loopback address (127.0.0.1,
//! 127.0.0.2, ...), each serving `--per-address` agents on consecutive ports from
//! `--base-port` (one socket each: one process per address keeps each under the file
//! descriptor limit). The client: one tokio `Client` (one socket) in this process, on a
//! current-thread runtime, polling every target once per round with one GET of sysUpTime.0,
//! `--concurrency` at a time; the `PollTarget`s are kept between rounds, as a poller keeps
//! them. Per round: targets answered, wall time, the client's CPU (user + system, getrusage)
//! per polled target, heap allocations and bytes per polled target (this binary's counting
//! allocator), and the process's resident memory after the round and at its peak (VmRSS,
//! VmHWM; the harness itself is a few MiB of it).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::measure::rusage_self;
use crate::process::{spawn_agent, Agents};

/// Options of `snmp-bench poll100k`.
#[derive(Args, Clone)]
pub(crate) struct Poll100kArgs {
    /// Loopback addresses (one agent process each).
    #[arg(long, default_value = "10")]
    addresses: u8,
    /// Agents per address.
    #[arg(long, default_value = "10000")]
    per_address: u16,
    /// First port of every address's agents.
    #[arg(long, default_value = "30000")]
    base_port: u16,
    /// Targets polled at once.
    #[arg(long, default_value = "5000")]
    concurrency: usize,
    /// Rounds (the first one adds every target to the client's session).
    #[arg(long, default_value = "3")]
    rounds: usize,
    /// Everything once and small (checks the harness, claims nothing).
    #[arg(long)]
    smoke: bool,
    /// Write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

/// One round.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub(crate) struct Round {
    /// The round (1 is the first).
    pub(crate) round: usize,
    /// Targets polled.
    pub(crate) targets: u64,
    /// Targets that answered.
    pub(crate) answered: u64,
    /// Targets polled at once.
    pub(crate) concurrency: usize,
    /// Wall seconds of the round.
    pub(crate) wall: f64,
    /// CPU seconds (user + system) of the round.
    pub(crate) cpu: f64,
    /// Heap allocations during the round.
    pub(crate) allocs: u64,
    /// Bytes they asked for.
    pub(crate) alloc_bytes: u64,
    /// Resident memory after the round, KiB.
    pub(crate) rss_kb: u64,
    /// Peak resident memory of the process so far, KiB.
    pub(crate) peak_kb: u64,
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|st| {
            st.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse().ok()))
        })
        .unwrap_or(0)
}

/// Starts one agent process per address; waits until each is ready.
fn start_agents(args: &Poll100kArgs) -> (Agents, Vec<SocketAddr>) {
    let exe = std::env::current_exe().unwrap();
    let mut children = Vec::new();
    let mut targets = Vec::new();
    for a in 0..args.addresses {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, a + 1));
        let mut cmd = Command::new(&exe);
        cmd.args(["agent", "--bind", &ip.to_string(), "--port"])
            .arg(args.base_port.to_string())
            .arg("--ports")
            .arg(args.per_address.to_string())
            .args(["--interfaces", "1"]);
        let child = spawn_agent(&mut cmd, &format!("the agents on {ip}"));
        children.push(child);
        targets.extend((0..args.per_address).map(|i| SocketAddr::new(ip, args.base_port + i)));
    }
    (Agents(children), targets)
}

/// Runs the rounds; prints one line per round and writes `--json`.
pub(crate) fn run(mut args: Poll100kArgs) {
    if let Some(path) = &args.from_json {
        let text = std::fs::read_to_string(path).expect("the result file");
        println!("{HEADER}");
        for l in text.lines() {
            let r: Round = serde_json::from_str(l).expect("a round");
            println!("{}", line(&r));
        }
        return;
    }
    if args.smoke {
        args.addresses = 2;
        args.per_address = 500;
        args.rounds = 1;
        args.concurrency = 200;
    }
    let (agents, addrs) = start_agents(&args);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rounds = rt.block_on(async {
        use snmp_tokio::StreamExt;
        let client = snmp_tokio::Client::with_defaults().unwrap();
        let targets: Vec<snmp_tokio::PollTarget> = addrs
            .iter()
            .map(|&a| {
                snmp_tokio::PollTarget::v2c(a, "public").with_timeout(Duration::from_secs(2), 2)
            })
            .collect();
        let oids = vec!["1.3.6.1.2.1.1.3.0".parse().unwrap()];
        let mut out = Vec::new();
        for round in 1..=args.rounds {
            let (u0, s0, _) = rusage_self();
            let heap0 = crate::heap();
            let start = Instant::now();
            let mut answered = 0u64;
            let mut results =
                client.poll_many(targets.iter().cloned(), oids.clone(), args.concurrency);
            while let Some(r) = results.next().await {
                if r.result.is_ok() {
                    answered += 1;
                }
            }
            drop(results);
            let wall = start.elapsed().as_secs_f64();
            let (u1, s1, peak) = rusage_self();
            let heap1 = crate::heap();
            out.push(Round {
                round,
                targets: targets.len() as u64,
                answered,
                concurrency: args.concurrency,
                wall,
                cpu: (u1 - u0) + (s1 - s0),
                allocs: heap1.0 - heap0.0,
                alloc_bytes: heap1.1 - heap0.1,
                rss_kb: rss_kb(),
                peak_kb: peak,
            });
        }
        out
    });
    drop(agents);
    let mut lines = String::new();
    println!("{HEADER}");
    for r in &rounds {
        println!("{}", line(r));
        lines.push_str(&serde_json::to_string(r).unwrap());
        lines.push('\n');
    }
    if let Some(path) = &args.json {
        std::fs::write(path, lines).unwrap();
    }
    if rounds.iter().any(|r| r.answered != r.targets) {
        eprintln!("poll100k: not every target answered");
        std::process::exit(1);
    }
}

/// The table's header.
const HEADER: &str = "| round | answered | wall | CPU per target | allocations per target | bytes allocated per target | RSS after | peak RSS |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

/// A round as BENCHMARKS.md shows it.
pub(crate) fn line(r: &Round) -> String {
    let n = r.targets.max(1) as f64;
    format!(
        "| {} | {} of {} | {:.2} s | {:.2} µs | {:.1} | {:.0} | {:.1} MiB | {:.1} MiB |",
        r.round,
        r.answered,
        r.targets,
        r.wall,
        r.cpu * 1e6 / n,
        r.allocs as f64 / n,
        r.alloc_bytes as f64 / n,
        r.rss_kb as f64 / 1024.0,
        r.peak_kb as f64 / 1024.0,
    )
}
