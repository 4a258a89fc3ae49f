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
//! Peers: `snmp-bench/setup-peers.sh` installs what it can (Debian's Net-SNMP tools and
//! libsnmp-dev, a venv with gufo-snmp and snmpkit from PyPI) and compiles the libnetsnmp C
//! client; async-snmp and snmp2 are compiled into this binary. A peer that is not installed is
//! reported as such in the table.
//!
//! `--smoke` runs every case and client once, briefly, with no timing claims (the CI mode).
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used)] // a benchmark harness: a failed setup step should stop it loudly

mod floors;
mod ours;
mod peers;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value as Json};

/// GET target: sysName.0.
pub(crate) const GET_OID: &str = "1.3.6.1.2.1.1.5.0";
/// GETNEXT walk root: ifDescr (1,000 rows on agent A).
pub(crate) const NEXT_ROOT: &str = "1.3.6.1.2.1.2.2.1.2";
/// GETBULK walk root: ifTable (909 x 11 = 9,999 varbinds on B, 9,091 x 11 = 100,001 on C).
pub(crate) const BULK_ROOT: &str = "1.3.6.1.2.1.2.2";
/// Polled OID: sysUpTime.0.
pub(crate) const POLL_OID: &str = "1.3.6.1.2.1.1.3.0";
/// max-repetitions of the bulk walks.
pub(crate) const BULK_REPS: u32 = 25;
/// Rounds of a `poll_200x20` run.
pub(crate) const POLL_ROUNDS: usize = 20;
/// The v3 user every agent knows: SHA-256 / AES-128.
pub(crate) const V3_USER: &str = "bench";
/// Its authentication password.
pub(crate) const V3_AUTH: &str = "bench-auth-pass";
/// Its privacy password.
pub(crate) const V3_PRIV: &str = "bench-priv-pass";

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
struct RunArgs {
    /// Every case and client once, briefly (CI): checks the harness, claims nothing.
    #[arg(long)]
    smoke: bool,
    /// Rounds (each runs every case and client once, in a rotating order).
    #[arg(long, default_value = "3")]
    rounds: usize,
    /// Seconds each client runs a case per round.
    #[arg(long, default_value = "1.5")]
    secs: f64,
    /// CPU for the agents.
    #[arg(long, default_value = "0")]
    agent_cpu: usize,
    /// CPU for the clients (the same as the agents' is the "same-core" placement).
    #[arg(long, default_value = "0")]
    client_cpu: usize,
    /// First UDP port of the agents (they take this port up to 11,000 above it).
    #[arg(long, default_value = "20000")]
    base_port: u16,
    /// Only these cases (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    cases: Vec<String>,
    /// Only these clients (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    clients: Vec<String>,
    /// Where setup-peers.sh put the peers.
    #[arg(long, default_value = "target/bench-peers")]
    peers_dir: PathBuf,
    /// Also write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Sub {
    /// (internal) Serve an agent group until stdin closes.
    Agent {
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

/// A benchmark case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    /// Id, also what runners receive.
    pub(crate) id: &'static str,
    /// What it does.
    pub(crate) label: &'static str,
    /// Which agent group it runs against.
    group: usize,
    /// What one operation is.
    unit: &'static str,
}

const CASES: &[Case] = &[
    Case {
        id: "get_v2c",
        label: "sequential GET, v2c",
        group: 0,
        unit: "GET",
    },
    Case {
        id: "get_v3",
        label: "sequential GET, v3 authPriv SHA-256/AES-128",
        group: 0,
        unit: "GET",
    },
    Case {
        id: "walk_next_1k",
        label: "GETNEXT walk of 1,000 varbinds, v2c",
        group: 0,
        unit: "walk",
    },
    Case {
        id: "bulk_10k",
        label: "GETBULK walk (max-rep 25) of 9,999 varbinds, v2c",
        group: 1,
        unit: "walk",
    },
    Case {
        id: "bulk_10k_v3",
        label: "GETBULK walk (max-rep 25) of 9,999 varbinds, v3 authPriv",
        group: 1,
        unit: "walk",
    },
    Case {
        id: "bulk_100k",
        label: "GETBULK walk (max-rep 25) of 100,001 varbinds, v2c",
        group: 2,
        unit: "walk",
    },
    Case {
        id: "bulk_100k_v3",
        label: "GETBULK walk (max-rep 25) of 100,001 varbinds, v3 authPriv",
        group: 2,
        unit: "walk",
    },
    Case {
        id: "poll_200x20",
        label: "poll 200 agents x 20 rounds (one GET each, all agents at once), v2c",
        group: 3,
        unit: "poll",
    },
    Case {
        id: "poll_10k",
        label: "poll 10,000 agents at once (one GET each), v2c",
        group: 4,
        unit: "poll",
    },
];

/// Agent groups: (port offset, agents, interfaces, v3 user).
const GROUPS: &[(u16, usize, u32, bool)] = &[
    (0, 1, 1000, true),
    (1, 1, 909, true),
    (2, 1, 9091, true),
    (100, 200, 1, false),
    (1000, 10_000, 1, false),
];

/// How a client is run.
#[derive(Debug, Clone)]
enum Runner {
    /// Built into this binary.
    Builtin,
    /// The Python runner with this interpreter.
    Python(PathBuf),
    /// The compiled libnetsnmp client.
    C(PathBuf),
    /// Net-SNMP's command-line tools, one process per walk.
    Cli,
    /// Not installed: why.
    Missing(String),
}

/// A client: an id, whether it is the project's, and how to run it.
#[derive(Debug, Clone)]
struct Client {
    id: &'static str,
    ours: bool,
    runner: Runner,
}

fn clients(peers_dir: &Path) -> Vec<Client> {
    let status = |name: &str| {
        std::fs::read_to_string(peers_dir.join(format!("{name}.missing")))
            .ok()
            .map(|s| s.trim().to_owned())
    };
    let python = peers_dir.join("venv/bin/python");
    let py = |module: &str| -> Runner {
        if let Some(why) = status(module) {
            return Runner::Missing(why);
        }
        if !python.exists() {
            return Runner::Missing("no venv: run snmp-bench/setup-peers.sh".into());
        }
        Runner::Python(python.clone())
    };
    let c_bin = peers_dir.join("netsnmp-client");
    let c = match status("netsnmp-client") {
        Some(why) => Runner::Missing(why),
        None if c_bin.exists() => Runner::C(c_bin),
        None => Runner::Missing("not compiled: run snmp-bench/setup-peers.sh".into()),
    };
    let cli = if snmp_testkit::which("snmpbulkwalk").is_some() {
        Runner::Cli
    } else {
        Runner::Missing("snmpbulkwalk not found (Debian package snmp)".into())
    };
    vec![
        Client {
            id: "snmp-rs-tokio",
            ours: true,
            runner: Runner::Builtin,
        },
        Client {
            id: "snmp-rs-smol",
            ours: true,
            runner: Runner::Builtin,
        },
        Client {
            id: "snmp-rs-engine",
            ours: true,
            runner: Runner::Builtin,
        },
        Client {
            id: "async-snmp",
            ours: false,
            runner: Runner::Builtin,
        },
        Client {
            id: "snmp2",
            ours: false,
            runner: Runner::Builtin,
        },
        Client {
            id: "gufo-snmp",
            ours: false,
            runner: py("gufo_snmp"),
        },
        Client {
            id: "snmpkit",
            ours: false,
            runner: py("snmpkit"),
        },
        Client {
            id: "libnetsnmp-c",
            ours: false,
            runner: c,
        },
        Client {
            id: "net-snmp-cli",
            ours: false,
            runner: cli,
        },
        Client {
            id: "udp-floor-blocking",
            ours: false,
            runner: Runner::Builtin,
        },
        Client {
            id: "udp-floor-tokio",
            ours: false,
            runner: Runner::Builtin,
        },
    ]
}

fn main() {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Sub::Agent {
            port,
            ports,
            interfaces,
            v3,
            busy_poll_us,
        }) => agent(port, ports, interfaces, v3, busy_poll_us),
        Some(Sub::Client {
            client,
            case,
            secs,
            port,
            count,
        }) => {
            let result = match client.as_str() {
                "snmp-rs-tokio" | "snmp-rs-smol" | "snmp-rs-engine" => {
                    ours::run(&client, &case, secs, port, count)
                }
                "async-snmp" | "snmp2" => peers::run(&client, &case, secs, port, count),
                "udp-floor-blocking" | "udp-floor-tokio" => floors::run(&client, &case, secs, port),
                other => Err(format!("unknown client {other}")),
            };
            match result {
                Ok(m) => println!("{}", m.to_json()),
                Err(e) => println!("{}", json!({ "unsupported": e })),
            }
        }
        None => harness(cli.run),
    }
}

/// What a client did in one run of a case.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measured {
    /// Operations completed (GETs, walks, polls).
    pub(crate) ops: u64,
    /// Varbinds received.
    pub(crate) varbinds: u64,
    /// Failed operations.
    pub(crate) errors: u64,
    /// Wall seconds of the measured part.
    pub(crate) wall: f64,
    /// User CPU seconds of the measured part.
    pub(crate) user: f64,
    /// System CPU seconds of the measured part.
    pub(crate) sys: f64,
    /// Peak RSS of the process, KiB.
    pub(crate) maxrss_kb: u64,
}

impl Measured {
    /// Successful operations per second (a failed operation is not counted).
    fn rate(&self) -> f64 {
        self.ops.saturating_sub(self.errors) as f64 / self.wall.max(1e-9)
    }

    fn to_json(&self) -> Json {
        json!({"ops": self.ops, "varbinds": self.varbinds, "errors": self.errors, "wall": self.wall,
               "user": self.user, "sys": self.sys, "maxrss_kb": self.maxrss_kb})
    }

    fn from_json(v: &Json) -> Option<Measured> {
        Some(Measured {
            ops: v.get("ops")?.as_u64()?,
            varbinds: v.get("varbinds")?.as_u64()?,
            errors: v.get("errors").and_then(Json::as_u64).unwrap_or(0),
            wall: v.get("wall")?.as_f64()?,
            user: v.get("user")?.as_f64()?,
            sys: v.get("sys")?.as_f64()?,
            maxrss_kb: v.get("maxrss_kb").and_then(Json::as_u64).unwrap_or(0),
        })
    }
}

/// CPU time of this process so far (user, system) and its peak RSS in KiB (VmHWM: unlike
/// getrusage's ru_maxrss, it does not carry the parent's size over fork and exec).
pub(crate) fn rusage_self() -> (f64, f64, u64) {
    let (u, s, _) = rusage(nix::sys::resource::UsageWho::RUSAGE_SELF);
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|st| {
            st.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse().ok()))
        })
        .unwrap_or(0);
    (u, s, hwm)
}

fn rusage(who: nix::sys::resource::UsageWho) -> (f64, f64, u64) {
    match nix::sys::resource::getrusage(who) {
        Ok(u) => {
            let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
            (t(u.user_time()), t(u.system_time()), u.max_rss() as u64)
        }
        Err(_) => (0.0, 0.0, 0),
    }
}

/// Times a measured part: `start` before, `finish` after.
pub(crate) struct Meter {
    start: Instant,
    cpu: (f64, f64),
}

impl Meter {
    /// Starts measuring.
    pub(crate) fn start() -> Meter {
        let (u, s, _) = rusage_self();
        Meter {
            start: Instant::now(),
            cpu: (u, s),
        }
    }

    /// Seconds since the start.
    pub(crate) fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// The measurement.
    pub(crate) fn finish(&self, ops: u64, varbinds: u64, errors: u64) -> Measured {
        let wall = self.elapsed();
        let (u, s, rss) = rusage_self();
        Measured {
            ops,
            varbinds,
            errors,
            wall,
            user: u - self.cpu.0,
            sys: s - self.cpu.1,
            maxrss_kb: rss,
        }
    }
}

fn agent(port: u16, ports: usize, interfaces: u32, v3: bool, busy_poll_us: u64) {
    let mut config = snmp_sim::SimConfig {
        port,
        agents: ports,
        busy_poll: Duration::from_micros(busy_poll_us),
        ..Default::default()
    };
    if v3 {
        config.users.push(ours::v3_user());
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    // Stop when the harness closes our stdin (or dies).
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::stdin()
            .read_line(&mut sink)
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let result = snmp_sim::fast::run(
        &config,
        || snmp_sim::Agent::synthetic_device(interfaces),
        &stop,
        |addrs| println!("ready {}", addrs.len()),
    );
    if let Err(e) = result {
        eprintln!("agent: {e}");
        std::process::exit(1);
    }
}

struct Agents(Vec<Child>);

impl Drop for Agents {
    fn drop(&mut self) {
        for c in &mut self.0 {
            drop(c.stdin.take());
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

fn start_agents(args: &RunArgs, groups: &[usize], busy_poll_us: u64) -> Agents {
    let exe = std::env::current_exe().unwrap();
    let mut children = Vec::new();
    for &g in groups {
        let (off, n, interfaces, v3) = GROUPS[g];
        let mut cmd = Command::new("taskset");
        cmd.arg("-c")
            .arg(args.agent_cpu.to_string())
            .arg(&exe)
            .args(["agent", "--port"])
            .arg((args.base_port + off).to_string())
            .arg("--ports")
            .arg(n.to_string())
            .arg("--interfaces")
            .arg(interfaces.to_string())
            .arg("--busy-poll-us")
            .arg(busy_poll_us.to_string());
        if v3 {
            cmd.arg("--v3");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("ready"), "agent group {g} did not start");
        children.push(child);
    }
    Agents(children)
}

/// Runs one client on one case; `Err` says why there is no measurement (not installed, no
/// such operation, failed or hung).
fn run_one(args: &RunArgs, client: &Client, case: &Case, secs: f64) -> Result<Measured, String> {
    let (off, count, ..) = GROUPS[case.group];
    let port = (args.base_port + off).to_string();
    let count = count.to_string();
    let secs_s = format!("{secs}");
    let mut cmd = Command::new("taskset");
    cmd.arg("-c").arg(args.client_cpu.to_string());
    match &client.runner {
        Runner::Missing(why) => return Err(format!("not installed: {why}")),
        Runner::Builtin => {
            cmd.arg(std::env::current_exe().unwrap())
                .args(["client", client.id, case.id, &secs_s, &port, &count]);
        }
        Runner::Python(py) => {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/peer.py");
            cmd.arg(py)
                .arg(script)
                .args([client.id, case.id, &secs_s, &port, &count]);
        }
        Runner::C(bin) => {
            cmd.arg(bin).args([case.id, &secs_s, &port, &count]);
        }
        Runner::Cli => return run_cli(args, case, secs),
    }
    let out = output_within(&mut cmd, Duration::from_secs_f64(30.0 + secs * 10.0))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().rev().find(|l| l.starts_with('{')) else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no output");
        return Err(format!("failed: {last}"));
    };
    let v: Json = serde_json::from_str(line).map_err(|e| format!("bad output: {e}"))?;
    if let Some(why) = v.get("unsupported").and_then(Json::as_str) {
        return Err(why.to_owned());
    }
    Measured::from_json(&v).ok_or_else(|| format!("bad output: {line}"))
}

/// Runs `cmd` and collects its output; a client still running after `limit` is killed (a peer
/// that hangs is reported, and the run goes on).
fn output_within(cmd: &mut Command, limit: Duration) -> Result<std::process::Output, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut b);
        }
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut b);
        }
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hung: killed after {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(std::process::Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    })
}

/// Net-SNMP's `snmpwalk`/`snmpbulkwalk`: one process per walk, timed from outside.
fn run_cli(args: &RunArgs, case: &Case, secs: f64) -> Result<Measured, String> {
    let (off, ..) = GROUPS[case.group];
    let target = format!("127.0.0.1:{}", args.base_port + off);
    let (tool, root, v3) = match case.id {
        "walk_next_1k" => ("snmpwalk", NEXT_ROOT, false),
        "bulk_10k" | "bulk_100k" => ("snmpbulkwalk", BULK_ROOT, false),
        "bulk_10k_v3" | "bulk_100k_v3" => ("snmpbulkwalk", BULK_ROOT, true),
        _ => return Err("one process per request: not comparable".into()),
    };
    let before = rusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    let start = Instant::now();
    let (mut ops, mut varbinds) = (0u64, 0u64);
    while ops == 0 || start.elapsed().as_secs_f64() < secs {
        let mut cmd = Command::new("taskset");
        cmd.arg("-c")
            .arg(args.client_cpu.to_string())
            .arg(tool)
            .args(["-On", "-t", "5", "-r", "1"]);
        if tool == "snmpbulkwalk" {
            cmd.arg("-Cr25");
        }
        if v3 {
            cmd.args([
                "-v3", "-l", "authPriv", "-u", V3_USER, "-a", "SHA-256", "-A", V3_AUTH, "-x",
                "AES", "-X", V3_PRIV,
            ]);
        } else {
            cmd.args(["-v2c", "-c", "public"]);
        }
        let out = cmd
            .arg(&target)
            .arg(root)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        varbinds += out.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
        ops += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let after = rusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    Ok(Measured {
        ops,
        varbinds,
        errors: 0,
        wall,
        user: after.0 - before.0,
        sys: after.1 - before.1,
        // ru_maxrss of children is the largest child so far, not this tool's: not reported.
        maxrss_kb: 0,
    })
}

/// What one client did in one case over the rounds: the rounds it completed, and why it
/// stopped if it did (a hung or failing client is not run again; the rounds it completed
/// before still count and are shown).
#[derive(Default)]
struct Outcome {
    runs: Vec<Measured>,
    stopped: Option<String>,
}

impl Outcome {
    fn stop(&mut self, round: usize, why: &str) {
        self.stopped = Some(if self.runs.is_empty() {
            why.to_owned()
        } else {
            format!("then {why} in round {round}; median of the rounds before")
        });
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn human(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
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
        .filter(|c| args.cases.is_empty() || args.cases.iter().any(|x| x == c.id))
        .collect();
    let clients: Vec<Client> = clients(&args.peers_dir)
        .into_iter()
        .filter(|c| args.clients.is_empty() || args.clients.iter().any(|x| x == c.id))
        .collect();
    if let Some(path) = &args.from_json {
        let text = std::fs::read_to_string(path).unwrap();
        let mut results: BTreeMap<(usize, usize), Outcome> = BTreeMap::new();
        let mut rounds = 0;
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Json>(line) else {
                continue;
            };
            let ci = cases.iter().position(|c| Some(c.id) == v["case"].as_str());
            let li = clients
                .iter()
                .position(|c| Some(c.id) == v["client"].as_str());
            let (Some(ci), Some(li)) = (ci, li) else {
                continue;
            };
            let round = v["round"].as_u64().unwrap_or(0) as usize;
            rounds = rounds.max(round + 1);
            let entry = results.entry((ci, li)).or_default();
            match v.get("unsupported").and_then(Json::as_str) {
                Some(why) => entry.stop(round, why),
                None if entry.stopped.is_none() => entry.runs.extend(Measured::from_json(&v)),
                None => {}
            }
        }
        args.rounds = rounds;
        print_table(&args, &cases, &clients, &results);
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
    let mut results: BTreeMap<(usize, usize), Outcome> = BTreeMap::new();
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
                    let mut j = match &r {
                        Ok(m) => m.to_json(),
                        Err(why) => json!({ "unsupported": why }),
                    };
                    j["case"] = json!(case.id);
                    j["client"] = json!(client.id);
                    j["round"] = json!(round);
                    let _ = writeln!(f, "{j}");
                }
                match r {
                    Ok(m) => entry.runs.push(m),
                    Err(e) => entry.stop(round, &e),
                }
            }
        }
    }
    drop(agents);
    print_table(&args, &cases, &clients, &results);
    if args.smoke {
        // Every project client must have completed every case.
        let mut failed = false;
        for (ci, case) in cases.iter().enumerate() {
            for (li, client) in clients.iter().enumerate() {
                let ok = matches!(results.get(&(ci, li)), Some(o) if o.stopped.is_none()
                    && !o.runs.is_empty()
                    && o.runs.iter().all(|m| m.ops > 0 && m.errors == 0));
                if client.ours && !ok {
                    eprintln!("smoke: {} failed {}", client.id, case.id);
                    failed = true;
                }
            }
        }
        if failed {
            std::process::exit(1);
        }
    }
}

fn print_table(
    args: &RunArgs,
    cases: &[Case],
    clients: &[Client],
    results: &BTreeMap<(usize, usize), Outcome>,
) {
    let reference = clients.iter().position(|c| c.id == "snmp-rs-tokio");
    for (ci, case) in cases.iter().enumerate() {
        println!("\n## {} ({})\n", case.label, case.id);
        println!(
            "| client | {u}/s median | spread | varbinds/s | CPU µs/{u} | CPU µs/varbind | peak RSS | snmp-rs-tokio ÷ this |",
            u = case.unit
        );
        println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
        let rate = |li: usize| -> Option<f64> {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => {
                    Some(median(o.runs.iter().map(Measured::rate).collect()))
                }
                _ => None,
            }
        };
        let ref_rate = reference.and_then(rate);
        // Floors resend one request, so they compare by varbinds/s, not by operations.
        let vb_rate = |li: usize| -> Option<f64> {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => Some(median(
                    o.runs
                        .iter()
                        .map(|m| m.varbinds as f64 / m.wall.max(1e-9))
                        .collect(),
                )),
                _ => None,
            }
        };
        let ref_vb = reference.and_then(vb_rate);
        for (li, client) in clients.iter().enumerate() {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => {
                    let v = &o.runs;
                    let rates: Vec<f64> = v.iter().map(Measured::rate).collect();
                    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = rates.iter().copied().fold(0.0, f64::max);
                    let vb = median(
                        v.iter()
                            .map(|m| m.varbinds as f64 / m.wall.max(1e-9))
                            .collect(),
                    );
                    let cpu_op = median(
                        v.iter()
                            .map(|m| (m.user + m.sys) * 1e6 / m.ops.max(1) as f64)
                            .collect(),
                    );
                    let cpu_vb = median(
                        v.iter()
                            .map(|m| (m.user + m.sys) * 1e6 / m.varbinds.max(1) as f64)
                            .collect(),
                    );
                    let rss = v.iter().map(|m| m.maxrss_kb).max().unwrap_or(0);
                    let errors: u64 = v.iter().map(|m| m.errors).sum();
                    let r = rate(li).unwrap_or(0.0);
                    let floor = client.id.starts_with("udp-floor");
                    let ratio = match (floor, ref_rate, ref_vb) {
                        (false, Some(x), _) if r > 0.0 => format!("{:.2}x", x / r),
                        (true, _, Some(x)) if vb > 0.0 => format!("{:.2}x (varbinds/s)", x / vb),
                        _ => "-".into(),
                    };
                    println!(
                        "| {}{} | {} | {}-{} | {} | {:.1} | {:.3} | {} | {}{} |",
                        client.id,
                        if client.ours {
                            " (ours)"
                        } else if client.id.starts_with("udp-floor") {
                            " (floor: no SNMP work; rate is requests/s)"
                        } else {
                            ""
                        },
                        human(r),
                        human(lo),
                        human(hi),
                        human(vb),
                        cpu_op,
                        cpu_vb,
                        if rss == 0 {
                            "-".to_owned()
                        } else {
                            format!("{:.1} MiB", rss as f64 / 1024.0)
                        },
                        ratio,
                        match (errors, &o.stopped) {
                            (0, None) => String::new(),
                            (0, Some(why)) => format!(" ({why})"),
                            (n, None) => format!(" ({n} errors)"),
                            (n, Some(why)) => format!(" ({n} errors; {why})"),
                        }
                    );
                }
                Some(Outcome {
                    stopped: Some(why), ..
                }) => println!("| {} | - | - | - | - | - | - | {} |", client.id, why),
                _ => println!("| {} | - | - | - | - | - | - | no result |", client.id),
            }
        }
    }
    println!(
        "\n{} round(s) of {} s; rates are medians over rounds of successful operations per second; CPU is user+system of the client's measured part (getrusage); peak RSS is the whole client process (interpreters included).",
        args.rounds, args.secs
    );
}
