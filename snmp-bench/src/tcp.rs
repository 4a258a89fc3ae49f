//! `snmp-bench tcp`: SNMP over TCP (RFC 3430), side by side, in one run.
//!
//! Cases:
//! - `walk_100k`: one bulk walk of 100,000 varbinds (snmpd's `extend` output lines: 20
//!   commands of 5,000 lines) over `tcp:`, by `snmpbulkwalk`, by `snmp bulkwalk` (both
//!   printing `-On` lines into a pipe this harness reads and counts) and by the tokio
//!   Manager's `bulk_walk` (a process of this binary); max-repetitions 10 (both tools'
//!   default) and 50. Client CPU (user + system of the client process, from `wait4`'s
//!   rusage, start-up included for everyone) and wall time. Over `udp:` too, for reference.
//! - `poll_1000`: `poll_many` of sysUpTime.0 over 1,000 simulated agents (in this process),
//!   by a process of this binary, over TCP and over UDP: client CPU per poll, after one
//!   round that is not counted (it opens the connections, which then stay open as they do
//!   for periodic polling).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::report::median;

/// Options of `snmp-bench tcp`.
#[derive(Args, Clone)]
pub(crate) struct TcpArgs {
    /// Our `snmp` binary.
    #[arg(long, default_value = "target/release/snmp")]
    snmp: PathBuf,
    /// Rounds (the order of the clients rotates).
    #[arg(long, default_value = "3")]
    rounds: usize,
    /// Agents of `poll_1000`.
    #[arg(long, default_value = "1000")]
    agents: usize,
    /// Rounds of polls measured per client run in `poll_1000`.
    #[arg(long, default_value = "20")]
    polls: usize,
    /// First port of the simulated agents (UDP and TCP on each; keep them below the
    /// ephemeral range, 32768 on Linux).
    #[arg(long, default_value = "12000")]
    base_port: u16,
    /// Everything once and briefly (checks the harness, claims nothing).
    #[arg(long)]
    smoke: bool,
    /// Write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

/// One client run.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Row {
    case: String,
    client: String,
    round: usize,
    /// Varbinds walked, or polls answered.
    items: u64,
    errors: u64,
    cpu_s: f64,
    wall_s: f64,
}

/// What a client process of this binary prints.
#[derive(Serialize, Deserialize, Debug)]
pub(crate) struct ChildReport {
    items: u64,
    errors: u64,
    /// CPU of the measured part (the poll client's), or of the whole process.
    cpu_s: Option<f64>,
}

/// One walker: (varbinds, errors, CPU s, wall s, its last line or error text).
type WalkRun = Box<dyn Fn() -> (u64, u64, f64, f64, String)>;

const EXTEND_ROOT: &str = ".1.3.6.1.4.1.8072.1.3.2.4";

fn agent_config(lines: usize) -> String {
    let mut c = String::from("rocommunity public 127.0.0.1\n");
    for i in 1..=20 {
        c += &format!("extend e{i} /usr/bin/seq 1 {}\n", lines / 20);
    }
    c
}

/// CPU seconds of the children waited for so far.
fn children_cpu() -> f64 {
    let (u, s, _) = crate::measure::rusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    u + s
}

/// Runs `cmd`, counting the lines of its stdout; its CPU (from the children's rusage) and
/// wall time.
fn run_counting(cmd: &mut Command) -> (u64, f64, f64, String) {
    let before = children_cpu();
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = 0u64;
    let mut last = String::new();
    for line in BufReader::new(out).lines() {
        let Ok(line) = line else { break };
        lines += 1;
        last = line;
    }
    let output = child.wait_with_output().unwrap();
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu() - before;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    (lines, cpu, wall, if err.is_empty() { last } else { err })
}

/// The hidden client subcommand: `walk TARGET REPS` or `poll tcp|udp BASE AGENTS POLLS`.
pub(crate) fn client(args: &[String]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = rt.block_on(async {
        use futures_util::StreamExt;
        match args.first().map(String::as_str) {
            Some("walk") => {
                let target = &args[1];
                let reps: u32 = args[2].parse().unwrap();
                let m = snmp_tokio::Manager::builder(target).build().await.unwrap();
                let mut walk = m.bulk_walk(EXTEND_ROOT, reps);
                let (mut items, mut errors) = (0, 0);
                while let Some(r) = walk.next().await {
                    match r {
                        Ok(_) => items += 1,
                        Err(_) => errors += 1,
                    }
                }
                ChildReport {
                    items,
                    errors,
                    cpu_s: None,
                }
            }
            Some("poll") => {
                let tcp = args[1] == "tcp";
                let base: u16 = args[2].parse().unwrap();
                let agents: usize = args[3].parse().unwrap();
                let polls: usize = args[4].parse().unwrap();
                snmp_sim::fast::raise_fd_limit(agents * 2 + 256);
                let transport = if tcp {
                    snmp_tokio::Transport::Tcp
                } else {
                    snmp_tokio::Transport::Udp
                };
                let targets: Vec<snmp_tokio::PollTarget> = (0..agents)
                    .map(|i| {
                        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], base + i as u16));
                        let mut c = snmp_tokio::TargetConfig::v2c(addr, "public").over(transport);
                        c.timeout = Duration::from_secs(2);
                        c.retries = 1;
                        snmp_tokio::PollTarget::new(c)
                    })
                    .collect();
                let client = snmp_tokio::Client::with_defaults().unwrap();
                let oids = vec!["1.3.6.1.2.1.1.3.0".parse().unwrap()];
                // One round not counted: the connections open.
                let warm: Vec<_> = client
                    .poll_many(targets.clone(), oids.clone(), agents)
                    .collect()
                    .await;
                assert_eq!(warm.len(), agents);
                let meter = crate::measure::Meter::start();
                let (mut items, mut errors) = (0, 0);
                for _ in 0..polls {
                    let mut results = client.poll_many(targets.clone(), oids.clone(), agents);
                    while let Some(r) = results.next().await {
                        match r.result {
                            Ok(_) => items += 1,
                            Err(_) => errors += 1,
                        }
                    }
                }
                let m = meter.finish(items, items, errors);
                ChildReport {
                    items,
                    errors,
                    cpu_s: Some(m.user + m.sys),
                }
            }
            _ => panic!("tcp-client walk TARGET REPS | poll tcp|udp BASE AGENTS POLLS"),
        }
    });
    println!("{}", serde_json::to_string(&report).unwrap());
}

fn own_client(args: &[&str]) -> (ChildReport, f64, f64) {
    let exe = std::env::current_exe().unwrap();
    let before = children_cpu();
    let start = Instant::now();
    let out = Command::new(exe)
        .arg("tcp-client")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu() - before;
    let text = String::from_utf8_lossy(&out.stdout);
    let report: ChildReport = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "tcp-client {args:?}: {e}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, cpu, wall)
}

pub(crate) fn run(args: TcpArgs) {
    if let Some(path) = &args.from_json {
        let text = std::fs::read_to_string(path).unwrap();
        let rows: Vec<Row> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        print_table(&rows);
        return;
    }
    let rounds = if args.smoke { 1 } else { args.rounds };
    let lines = if args.smoke { 2_000 } else { 100_000 };
    let mut rows = Vec::new();
    // walk_100k against snmpd.
    let snmpd = snmp_testkit::NetSnmpd::start(&agent_config(lines)).expect("snmpd");
    let addr = snmpd.addr();
    let snmp = args.snmp.display().to_string();
    for round in 0..rounds {
        let mut runs: Vec<(String, WalkRun)> = Vec::new();
        for reps in [10u32, 50] {
            for transport in ["tcp", "udp"] {
                let target = format!("{transport}:{addr}");
                let cr = format!("-Cr{reps}");
                let (t, c) = (target.clone(), cr.clone());
                runs.push((
                    format!("snmpbulkwalk {transport} -Cr{reps}"),
                    Box::new(move || {
                        let (n, cpu, wall, last) =
                            run_counting(Command::new("snmpbulkwalk").args([
                                "-v2c",
                                "-c",
                                "public",
                                "-On",
                                &c,
                                &t,
                                EXTEND_ROOT,
                            ]));
                        (n, 0, cpu, wall, last)
                    }),
                ));
                let (t, c, s) = (target.clone(), cr.clone(), snmp.clone());
                runs.push((
                    format!("snmp bulkwalk {transport} -Cr{reps}"),
                    Box::new(move || {
                        let (n, cpu, wall, last) = run_counting(Command::new(&s).args([
                            "bulkwalk",
                            "-v2c",
                            "-c",
                            "public",
                            "-On",
                            &c,
                            &t,
                            EXTEND_ROOT,
                        ]));
                        (n, 0, cpu, wall, last)
                    }),
                ));
                let t = target.clone();
                runs.push((
                    format!("Manager::bulk_walk {transport} -Cr{reps}"),
                    Box::new(move || {
                        let (r, cpu, wall) = own_client(&["walk", &t, &reps.to_string()]);
                        (r.items, r.errors, cpu, wall, String::new())
                    }),
                ));
            }
        }
        let n = runs.len();
        for k in 0..n {
            let (name, f) = &runs[(k + round) % n];
            let (items, errors, cpu, wall, last) = f();
            assert_eq!(
                items, lines as u64,
                "{name} walked {items} varbinds: {last}"
            );
            println!("walk_100k round {round} {name}: {cpu:.3} s CPU, {wall:.3} s");
            rows.push(Row {
                case: "walk_100k".into(),
                client: name.clone(),
                round,
                items,
                errors,
                cpu_s: cpu,
                wall_s: wall,
            });
        }
    }
    drop(snmpd);
    // poll_1000 against simulated agents in this process.
    let agents = if args.smoke { 20 } else { args.agents };
    let polls = if args.smoke { 2 } else { args.polls };
    snmp_sim::fast::raise_fd_limit(agents * 3 + 256);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = snmp_sim::SimConfig {
        port: args.base_port,
        agents,
        tcp: true,
        ..Default::default()
    };
    let sim = rt
        .block_on(snmp_sim::serve_agents(&config, || {
            snmp_sim::Agent::synthetic_device(2)
        }))
        .expect("agents");
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            ["tcp", "udp"]
        } else {
            ["udp", "tcp"]
        };
        for transport in order {
            let (r, _, wall) = own_client(&[
                "poll",
                transport,
                &args.base_port.to_string(),
                &agents.to_string(),
                &polls.to_string(),
            ]);
            let cpu = r.cpu_s.unwrap_or(0.0);
            assert_eq!(
                r.items,
                (agents * polls) as u64,
                "{transport}: {} errors",
                r.errors
            );
            println!(
                "poll_1000 round {round} {transport}: {:.2} µs CPU per poll",
                cpu / r.items as f64 * 1e6
            );
            rows.push(Row {
                case: "poll_1000".into(),
                client: format!("poll_many {transport}"),
                round,
                items: r.items,
                errors: r.errors,
                cpu_s: cpu,
                wall_s: wall,
            });
        }
    }
    drop(sim);
    if let Some(path) = &args.json {
        let text: String = rows
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        std::fs::write(path, text).unwrap();
    }
    print_table(&rows);
}

/// Median CPU per item (seconds) of `client` in `case`.
pub(crate) fn cpu_per_item(rows: &[Row], case: &str, client: &str) -> Option<f64> {
    let v: Vec<f64> = rows
        .iter()
        .filter(|r| r.case == case && r.client == client && r.items > 0)
        .map(|r| r.cpu_s / r.items as f64)
        .collect();
    (!v.is_empty()).then(|| median(v))
}

fn print_table(rows: &[Row]) {
    let mut clients: Vec<(String, String)> = Vec::new();
    for r in rows {
        let key = (r.case.clone(), r.client.clone());
        if !clients.contains(&key) {
            clients.push(key);
        }
    }
    println!("| case | client | CPU (median) | wall (median) | CPU per item |");
    println!("| --- | --- | --- | --- | --- |");
    for (case, client) in clients {
        let of: Vec<&Row> = rows
            .iter()
            .filter(|r| r.case == case && r.client == client)
            .collect();
        let cpu = median(of.iter().map(|r| r.cpu_s).collect());
        let wall = median(of.iter().map(|r| r.wall_s).collect());
        let per = cpu_per_item(rows, &case, &client).unwrap_or(0.0);
        println!(
            "| {case} | {client} | {cpu:.3} s | {wall:.3} s | {:.2} µs |",
            per * 1e6
        );
    }
    let ratio = |case: &str, a: &str, b: &str| {
        Some(cpu_per_item(rows, case, a)? / cpu_per_item(rows, case, b)?)
    };
    for reps in [10, 50] {
        if let Some(r) = ratio(
            "walk_100k",
            &format!("snmp bulkwalk tcp -Cr{reps}"),
            &format!("snmpbulkwalk tcp -Cr{reps}"),
        ) {
            println!("walk_100k -Cr{reps} over tcp: snmp bulkwalk uses {r:.2}x snmpbulkwalk's CPU");
        }
        if let Some(r) = ratio(
            "walk_100k",
            &format!("Manager::bulk_walk tcp -Cr{reps}"),
            &format!("snmpbulkwalk tcp -Cr{reps}"),
        ) {
            println!(
                "walk_100k -Cr{reps} over tcp: Manager::bulk_walk uses {r:.2}x snmpbulkwalk's CPU"
            );
        }
    }
    if let Some(r) = ratio("poll_1000", "poll_many tcp", "poll_many udp") {
        println!("poll_1000: a poll over TCP costs {r:.2}x the CPU of one over UDP");
    }
}
