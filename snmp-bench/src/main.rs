//! # snmp-bench
//!
//! The project against its peers, in one run, against the same simulated agents.
//!
//! `snmp-bench` starts the agents (`snmp-sim`'s fast server, one process per agent group,
//! pinned with `taskset` to `--agent-cpu`), then for each round, each case and each client (in
//! an order that rotates every round) runs one client process pinned to `--client-cpu` for
//! `--secs` seconds. Every client process reports what it did as one JSON line: operations,
//! varbinds, wall time of the measured part, user and system CPU time of the measured part
//! (getrusage) and its peak RSS. The table gives per case and client the median rate over the
//! rounds, the spread (lowest-highest), CPU time per operation and per varbind, peak RSS and
//! the ratio of the project's rate to the peer's.
//!
//! Layout: `cases` (what is measured), `clients` (who, and how each is run), `measure` (what
//! one run reports), `process` (agent and client processes), `report` (the table); `ours`,
//! `peers` and `floors` are the clients built into this binary.
//!
//! Peers: `snmp-bench/setup-peers.sh` installs what it can (Debian's Net-SNMP tools and
//! libsnmp-dev, a venv with gufo-snmp and snmpkit from PyPI) and compiles the libnetsnmp C
//! client; async-snmp and snmp2 are compiled into this binary. A peer that is not installed is
//! reported as such in the table.
//!
//! `--smoke` runs every case and client once, briefly, with no timing claims (the CI mode).
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used)] // a benchmark harness: a failed setup step should stop it loudly

mod cases;
mod charts;
mod clients;
mod exporter;
mod floors;
mod generator;
mod hundred_k;
mod measure;
mod ours;
mod peers;
mod process;
mod prometheus;
mod report;
mod tcp;
mod trapd;

use std::path::PathBuf;

/// Every allocation of a client process is counted (the in-process clients' allocations per
/// operation in the table; an atomic add per allocation).
#[global_allocator]
static GLOBAL: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

/// Heap allocations and bytes allocated by this process so far.
pub(crate) fn heap() -> (u64, u64) {
    let s = GLOBAL.stats();
    (s.allocations as u64, s.bytes_allocated as u64)
}

use clap::{Args, Parser, Subcommand};
use serde::{Deserialize, Serialize};

use cases::{Case, CaseId, CASES};
use clients::{clients, Client, ClientId};
use measure::{Measured, Reported};
use process::{agent, run_one, start_agents};
use report::{human, print_table, Results};

#[derive(Parser)]
#[command(
    name = "snmp-bench",
    about = "The project against its SNMP peers, in one run"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Sub>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args, Clone)]
pub(crate) struct RunArgs {
    /// Every case and client once, briefly (CI): checks the harness, claims nothing.
    #[arg(long)]
    pub(crate) smoke: bool,
    /// Rounds (each runs every case and client once, in a rotating order).
    #[arg(long, default_value = "3")]
    pub(crate) rounds: usize,
    /// Seconds each client runs a case per round.
    #[arg(long, default_value = "1.5")]
    pub(crate) secs: f64,
    /// CPU for the agents.
    #[arg(long, default_value = "0")]
    pub(crate) agent_cpu: usize,
    /// CPU for the clients (the same as the agents' is the "same-core" placement).
    #[arg(long, default_value = "0")]
    pub(crate) client_cpu: usize,
    /// First UDP port of the agents (they take this port up to 11,000 above it).
    #[arg(long, default_value = "20000")]
    pub(crate) base_port: u16,
    /// Only these cases (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub(crate) cases: Vec<String>,
    /// Only these clients (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub(crate) clients: Vec<String>,
    /// Where setup-peers.sh put the peers.
    #[arg(long, default_value = "target/bench-peers")]
    pub(crate) peers_dir: PathBuf,
    /// Also write the results as JSON lines here.
    #[arg(long)]
    pub(crate) json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    pub(crate) from_json: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Sub {
    /// (internal) Serve an agent group until stdin closes.
    Agent {
        /// The address the agents listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        #[arg(long)]
        port: u16,
        #[arg(long, default_value = "1")]
        ports: usize,
        #[arg(long)]
        interfaces: u32,
        #[arg(long)]
        v3: bool,
        #[arg(long, default_value = "0")]
        busy_poll_us: u64,
        #[arg(long, default_value = "0")]
        delay_ms: u64,
        #[arg(long, default_value = "0")]
        processing_us: u64,
    },
    /// `snmp exporter` against Debian's prometheus-snmp-exporter (see the `exporter` module).
    Exporter(exporter::ExporterArgs),
    /// Debian's prometheus scraping 2,000 agents and 50 dead targets through two sharded
    /// exporters, ours then Debian's (see the `prometheus` module).
    Prometheus(prometheus::PrometheusArgs),
    /// `snmp generate` against Debian's prometheus-snmp-generator (see the `generator` module).
    Generator(generator::GeneratorArgs),
    /// SNMP over TCP: a 100,000-varbind bulk walk against snmpd beside `snmpbulkwalk`, and
    /// polling 1,000 agents over TCP against UDP (see the `tcp` module).
    Tcp(tcp::TcpArgs),
    /// Notifications per second: `snmp trapd` against Debian's snmptrapd, logging and with
    /// a traphandle, and a burst (see the `trapd` module).
    Trapd(trapd::TrapdArgs),
    /// The README's charts (SVG) from the committed result files; `--check` compares.
    Charts(charts::ChartsArgs),
    /// `poll_many` over 100,000 targets (agents on 127.0.0.1-127.0.0.10): every answer, the
    /// client's CPU per poll and peak RSS (see the `hundred_k` module).
    Poll100k(hundred_k::Poll100kArgs),
    /// (internal) A client process of `snmp-bench tcp`.
    TcpClient {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// (internal) Run one case with one of the clients built into this binary.
    Client {
        client: String,
        case: String,
        secs: f64,
        port: u16,
        count: usize,
    },
}

fn main() {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Sub::Agent {
            bind,
            port,
            ports,
            interfaces,
            v3,
            busy_poll_us,
            delay_ms,
            processing_us,
        }) => agent(
            bind,
            port,
            ports,
            interfaces,
            v3,
            busy_poll_us,
            delay_ms,
            processing_us,
        ),
        Some(Sub::Client {
            client,
            case,
            secs,
            port,
            count,
        }) => {
            let result = match (ClientId::parse(&client), CaseId::parse(&case)) {
                (Some(client), Some(case)) => run_builtin(client, case, secs, port, count),
                (None, _) => Err(format!("unknown client {client}")),
                (_, None) => Err(format!("unknown case {case}")),
            };
            let reported = match result {
                Ok(m) => Reported::Measured(m),
                Err(unsupported) => Reported::Unsupported { unsupported },
            };
            println!("{}", serde_json::to_string(&reported).unwrap());
        }
        Some(Sub::Exporter(args)) => exporter::run(args),
        Some(Sub::Prometheus(args)) => prometheus::run(args),
        Some(Sub::Generator(args)) => generator::run(args),
        Some(Sub::Tcp(args)) => tcp::run(args),
        Some(Sub::Trapd(args)) => trapd::run(args),
        Some(Sub::Charts(args)) => charts::run(args),
        Some(Sub::Poll100k(args)) => hundred_k::run(args),
        Some(Sub::TcpClient { args }) => tcp::client(&args),
        None => harness(cli.run),
    }
}

/// Runs one of the clients built into this binary.
fn run_builtin(
    client: ClientId,
    case: CaseId,
    secs: f64,
    port: u16,
    count: usize,
) -> Result<Measured, String> {
    match client {
        c if c.ours() => ours::run(client, case, secs, port, count),
        ClientId::AsyncSnmp | ClientId::AsyncSnmpR256 | ClientId::Snmp2 => {
            peers::run(client, case, secs, port, count)
        }
        ClientId::UdpFloorBlocking | ClientId::UdpFloorConnected | ClientId::UdpFloorTokio => {
            floors::run(client, case, secs, port)
        }
        other => Err(format!("{other} is not built into this binary")),
    }
}

fn harness(mut args: RunArgs) {
    if args.smoke {
        args.rounds = 1;
        args.secs = 0.05;
    }
    let cases: Vec<Case> = CASES
        .iter()
        .copied()
        .filter(|c| args.cases.is_empty() || args.cases.iter().any(|x| x == c.id.as_str()))
        .collect();
    let clients: Vec<Client> = clients(&args.peers_dir)
        .into_iter()
        .filter(|c| args.clients.is_empty() || args.clients.iter().any(|x| x == c.id.as_str()))
        .collect();
    if let Some(path) = &args.from_json {
        let text = std::fs::read_to_string(path).unwrap();
        let (results, rounds) = read_results(&text, &cases, &clients);
        print_table(rounds, args.secs, &cases, &clients, &results);
        return;
    }
    let same_core = args.agent_cpu == args.client_cpu;
    let mut groups: Vec<usize> = cases.iter().map(|c| c.group).collect();
    groups.sort_unstable();
    groups.dedup();
    // Sharing a core, the agent must sleep as soon as it is idle so the client can run.
    let busy_poll_us = if same_core { 0 } else { 500 };
    let agents = start_agents(&args, &groups, busy_poll_us);
    println!(
        "# snmp-bench: {} round(s) x {} s, agents on CPU {}, clients on CPU {} ({})",
        args.rounds,
        args.secs,
        args.agent_cpu,
        args.client_cpu,
        if same_core { "same core" } else { "cross-core" }
    );
    let mut json_out = args
        .json
        .as_ref()
        .map(|p| std::fs::File::create(p).unwrap());
    // results[(case, client)] = the rounds it completed, and why it stopped if it did.
    let mut results = Results::new();
    for round in 0..args.rounds {
        for (ci, case) in cases.iter().enumerate() {
            for k in 0..clients.len() {
                let li = (k + round) % clients.len();
                let client = &clients[li];
                let entry = results.entry((ci, li)).or_default();
                if entry.stopped.is_some() {
                    continue;
                }
                let r = run_one(&args, client, case, args.secs);
                eprintln!(
                    "round {round} {:>13} {:>15}: {}",
                    case.id,
                    client.id,
                    match &r {
                        Ok(m) => format!(
                            "{} {}/s, {} varbinds/s, {} errors",
                            human(m.ops as f64 / m.wall.max(1e-9)),
                            case.unit,
                            human(m.varbinds as f64 / m.wall.max(1e-9)),
                            m.errors
                        ),
                        Err(e) => e.clone(),
                    }
                );
                if let Some(f) = json_out.as_mut() {
                    use std::io::Write;
                    let record = Record {
                        case: case.id,
                        client: client.id,
                        round,
                        result: match &r {
                            Ok(m) => Reported::Measured(m.clone()),
                            Err(why) => Reported::Unsupported {
                                unsupported: why.clone(),
                            },
                        },
                    };
                    let _ = writeln!(f, "{}", serde_json::to_string(&record).unwrap());
                }
                match r {
                    Ok(m) => entry.runs.push(m),
                    Err(e) => entry.stop(round, &e),
                }
            }
        }
    }
    drop(agents);
    print_table(args.rounds, args.secs, &cases, &clients, &results);
    if args.smoke {
        // Every project client must have completed every case, and every peer must run.
        let mut failed = false;
        for (ci, case) in cases.iter().enumerate() {
            for (li, client) in clients.iter().enumerate() {
                let ok = matches!(results.get(&(ci, li)), Some(o) if o.stopped.is_none()
                    && !o.runs.is_empty()
                    && o.runs.iter().all(|m| m.ops > 0 && m.errors == 0));
                // Our walk modes run the latency cases only.
                let expected = client.id.ours() && (!client.id.walk_mode() || case.id.latency());
                if expected && !ok {
                    eprintln!("smoke: {} failed {}", client.id, case.id);
                    failed = true;
                }
                // A peer that is installed must run: one that cannot start, crashes or prints
                // nonsense is a broken harness, not a measurement. (A peer that is not
                // installed fails setup-peers.sh; a peer's own errors or slowness are
                // measurements and reported as such.)
                if !client.id.ours() && !client.id.floor() {
                    if let Some(why) = results.get(&(ci, li)).and_then(|o| o.stopped.as_deref()) {
                        let broken = ["failed", "bad output", "cannot start", "not installed"]
                            .iter()
                            .any(|w| why.starts_with(w));
                        if broken {
                            eprintln!("smoke: peer {} broken in {}: {why}", client.id, case.id);
                            failed = true;
                        }
                    }
                }
            }
        }
        if failed {
            std::process::exit(1);
        }
    }
}

/// One line of a `--json` file: a (round, case, client) and its result.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    case: CaseId,
    client: ClientId,
    round: usize,
    #[serde(flatten)]
    result: Reported,
}

/// The results in the lines of a `--json` file (of the given cases and clients), and the
/// number of rounds.
fn read_results(text: &str, cases: &[Case], clients: &[Client]) -> (Results, usize) {
    let mut results = Results::new();
    let mut rounds = 0;
    for line in text.lines() {
        let Ok(r) = serde_json::from_str::<Record>(line) else {
            continue;
        };
        let ci = cases.iter().position(|c| c.id == r.case);
        let li = clients.iter().position(|c| c.id == r.client);
        let (Some(ci), Some(li)) = (ci, li) else {
            continue;
        };
        rounds = rounds.max(r.round + 1);
        let entry = results.entry((ci, li)).or_default();
        match r.result {
            Reported::Unsupported { unsupported } => entry.stop(r.round, &unsupported),
            Reported::Measured(m) if entry.stopped.is_none() => entry.runs.push(m),
            Reported::Measured(_) => {}
        }
    }
    (results, rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_result_files_read_back() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(dir.join("results/results-2026-11-30.jsonl")).unwrap();
        let clients = clients::clients(&dir.join("no-peers-here"));
        let (results, rounds) = read_results(&text, CASES, &clients);
        assert_eq!(rounds, 3);
        // snmp-rs-tokio ran every case of that day in every round (the latency cases came
        // later).
        let tokio = clients
            .iter()
            .position(|c| c.id == ClientId::SnmpRsTokio)
            .unwrap();
        for (ci, case) in CASES.iter().enumerate().filter(|(_, c)| !c.id.latency()) {
            assert_eq!(results[&(ci, tokio)].runs.len(), 3, "{}", case.id);
        }
    }
}
