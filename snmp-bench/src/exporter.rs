//! `snmp-bench exporter`: `snmp exporter` against Debian's `prometheus-snmp-exporter`, in one
//! run, on the same simulated agents and the same `snmp.yml` (made by Debian's generator from
//! `snmp-exporter-config/default-generator.yml` over `../shared/mibs`).
//!
//! Cases:
//! - `local_1000`: if_mib scrapes of one 1,000-interface agent, one after another: CPU time
//!   of the exporter process per scrape (from /proc), and wall time.
//! - `rtt10_1000`: the same agent answering after 10 ms: wall time per scrape, upstream's
//!   keys only, and ours also with the opt-in `parallel_walks` and `adaptive_repetitions`.
//! - `fleet`: many 24-interface agents scraped by 64 concurrent HTTP clients: scrapes per
//!   CPU-second of the exporter process, and its resident memory.
//!
//! Each exporter runs as its own process; the agents and the HTTP load run in other processes
//! and threads, so that the exporter's own CPU time is what is compared.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

use crate::report::median;
use serde::Serialize;

/// Options of `snmp-bench exporter`.
#[derive(Args, Clone)]
pub(crate) struct ExporterArgs {
    /// Our `snmp` binary.
    #[arg(long, default_value = "target/release/snmp")]
    snmp: PathBuf,
    /// The MIB folders' root given to Debian's generator.
    #[arg(long, default_value = "../shared/mibs")]
    mibs: PathBuf,
    /// Scrapes per exporter and round in `local_1000`.
    #[arg(long, default_value = "10")]
    scrapes: usize,
    /// Rounds (the order of the exporters alternates).
    #[arg(long, default_value = "3")]
    rounds: usize,
    /// Agents in the fleet case.
    #[arg(long, default_value = "10000")]
    fleet: usize,
    /// Seconds of load per exporter in the fleet case.
    #[arg(long, default_value = "20")]
    fleet_secs: f64,
    /// First UDP port of the agents (they take `--fleet` + 2 ports from it; keep them below
    /// the ephemeral range, 32768 on Linux).
    #[arg(long, default_value = "21000")]
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

#[derive(Serialize, serde::Deserialize, Debug, Clone)]
struct Row {
    case: String,
    exporter: String,
    round: usize,
    scrapes: usize,
    failed: usize,
    cpu_s: f64,
    wall_s: f64,
    rss_mb: f64,
    peak_rss_mb: f64,
    samples_per_scrape: usize,
}

pub(crate) struct Proc(pub(crate) Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (n(11) + n(12)) / 100.0
}

pub(crate) fn rss_mb(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

pub(crate) fn get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(120))).ok();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

pub(crate) fn wait_listening(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts an agent group (this binary's `agent` subcommand) and waits until it is ready.
pub(crate) fn agents(port: u16, ports: usize, interfaces: u32, delay_ms: u64) -> Proc {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "agent",
        "--port",
        &port.to_string(),
        "--ports",
        &ports.to_string(),
    ])
    .args([
        "--interfaces",
        &interfaces.to_string(),
        "--delay-ms",
        &delay_ms.to_string(),
    ])
    .stderr(Stdio::inherit());
    let child = crate::process::spawn_agent(&mut cmd, "the agents");
    Proc(child)
}

struct Exporter {
    name: String,
    module: &'static str,
    addr: SocketAddr,
    proc: Proc,
}

fn start_exporter(name: &str, module: &'static str, cmd: &mut Command) -> Exporter {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = cmd
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let proc = Proc(child);
    wait_listening(addr);
    Exporter {
        name: name.to_owned(),
        module,
        addr,
        proc,
    }
}

/// Debian's generator over `default-generator.yml`: the pre-0.23 `snmp.yml` both exporters
/// read, and a second file with the if_mib module again under the opt-in keys (ours only).
fn configs(args: &ExporterArgs, dir: &Path) -> (PathBuf, PathBuf) {
    generated_configs(&args.mibs, dir)
}

/// [`configs`] from the MIB folders' root `mibs`.
pub(crate) fn generated_configs(mibs: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    // The built-in modules' generator file, in the pre-0.23 layout Debian's 0.21 reads (its
    // `auths:` left out: both exporters then use the default v2c community).
    let text = std::fs::read_to_string("snmp-exporter-config/default-generator.yml").unwrap();
    let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    if let Some(m) = doc.as_mapping_mut() {
        m.remove("auths");
    }
    std::fs::write(
        dir.join("generator.yml"),
        serde_yaml_ng::to_string(&doc).unwrap(),
    )
    .unwrap();
    let mut dirs: Vec<String> = std::fs::read_dir(mibs)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir() && e.file_name() != "oracle")
        .map(|e| {
            std::fs::canonicalize(e.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    dirs.sort();
    let out = Command::new("prometheus-snmp-generator")
        .arg("generate")
        .current_dir(dir)
        .env("MIBDIRS", dirs.join(":"))
        .output()
        .expect("prometheus-snmp-generator (apt-get install prometheus-snmp-exporter)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let legacy = dir.join("snmp.yml");
    let text = std::fs::read_to_string(&legacy).unwrap();
    let mut block = String::new();
    let mut inside = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') {
            inside = line == "if_mib:";
        }
        if inside {
            block.push_str(line);
            block.push('\n');
        }
    }
    let fast = block.replacen("if_mib:", "if_mib_fast:", 1)
        + "  parallel_walks: 8\n  adaptive_repetitions: 256\n";
    let fast_path = dir.join("fast.yml");
    std::fs::write(&fast_path, fast).unwrap();
    (legacy, fast_path)
}

fn scrape_series(
    case: &'static str,
    e: &Exporter,
    target: SocketAddr,
    n: usize,
    round: usize,
) -> Row {
    let pid = e.proc.0.id();
    let path = format!("/snmp?target={target}&module={}", e.module);
    let cpu0 = cpu_seconds(pid);
    let t0 = Instant::now();
    let mut failed = 0;
    let mut samples = 0;
    for _ in 0..n {
        match get(e.addr, &path) {
            Some((200, body)) => {
                samples = body.lines().filter(|l| !l.starts_with('#')).count();
            }
            _ => failed += 1,
        }
    }
    Row {
        case: case.to_owned(),
        exporter: e.name.clone(),
        round,
        scrapes: n,
        failed,
        cpu_s: cpu_seconds(pid) - cpu0,
        wall_s: t0.elapsed().as_secs_f64(),
        rss_mb: rss_mb(pid, "VmRSS:"),
        peak_rss_mb: rss_mb(pid, "VmHWM:"),
        samples_per_scrape: samples,
    }
}

fn fleet_load(e: &Exporter, base: u16, agents: usize, secs: f64, round: usize) -> Row {
    let pid = e.proc.0.id();
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let cpu0 = cpu_seconds(pid);
    let t0 = Instant::now();
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let (next, failed, samples) = (next.clone(), failed.clone(), samples.clone());
            let addr = e.addr;
            let module = e.module;
            std::thread::spawn(move || {
                let mut done = 0usize;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let target = format!("127.0.0.1:{}", base as usize + i % agents);
                    match get(addr, &format!("/snmp?target={target}&module={module}")) {
                        Some((200, body)) => {
                            samples.store(
                                body.lines().filter(|l| !l.starts_with('#')).count(),
                                Ordering::Relaxed,
                            );
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    done += 1;
                }
                done
            })
        })
        .collect();
    let scrapes: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    Row {
        case: "fleet".to_owned(),
        exporter: e.name.clone(),
        round,
        scrapes,
        failed: failed.load(Ordering::Relaxed),
        cpu_s: cpu_seconds(pid) - cpu0,
        wall_s: t0.elapsed().as_secs_f64(),
        rss_mb: rss_mb(pid, "VmRSS:"),
        peak_rss_mb: rss_mb(pid, "VmHWM:"),
        samples_per_scrape: samples.load(Ordering::Relaxed),
    }
}

/// Runs the exporter benchmark.
pub(crate) fn run(mut args: ExporterArgs) {
    if let Some(path) = &args.from_json {
        let rows: Vec<Row> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        print_table(&rows);
        return;
    }
    if args.smoke {
        args.scrapes = 1;
        args.rounds = 1;
        args.fleet = 20;
        args.fleet_secs = 1.0;
    }
    let dir = std::env::temp_dir().join(format!("snmp-bench-exporter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (legacy, fast) = configs(&args, &dir);
    let upstream = || {
        start_exporter(
            "snmp_exporter 0.21",
            "if_mib",
            Command::new("prometheus-snmp-exporter")
                .arg(format!("--config.file={}", legacy.display())),
        )
    };
    let ours = |module: &'static str, name: &str| {
        start_exporter(
            name,
            module,
            Command::new(&args.snmp)
                .arg("exporter")
                .arg(format!("--config.file={}", legacy.display()))
                .arg(format!("--config.file={}", fast.display())),
        )
    };
    let exporters = [
        upstream(),
        ours("if_mib", "snmp exporter"),
        ours("if_mib_fast", "snmp exporter (parallel, adaptive)"),
    ];
    let mut rows: Vec<Row> = Vec::new();
    let interfaces = if args.smoke { 50 } else { 1000 };

    {
        let _a = agents(args.base_port, 1, interfaces, 0);
        let target: SocketAddr = format!("127.0.0.1:{}", args.base_port).parse().unwrap();
        for round in 0..args.rounds {
            let order: Vec<usize> = if round % 2 == 0 {
                vec![0, 1]
            } else {
                vec![1, 0]
            };
            for i in order {
                // One scrape to warm up (connections, caches), not counted.
                let _ = get(
                    exporters[i].addr,
                    &format!("/snmp?target={target}&module=if_mib"),
                );
                rows.push(scrape_series(
                    "local_1000",
                    &exporters[i],
                    target,
                    args.scrapes,
                    round,
                ));
            }
        }
    }
    {
        let port = args.base_port + 1;
        let _a = agents(port, 1, interfaces, 10);
        let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let n = if args.smoke { 1 } else { 2 };
        for round in 0..args.rounds.min(2) {
            for e in &exporters {
                rows.push(scrape_series("rtt10_1000", e, target, n, round));
            }
        }
    }
    {
        let port = args.base_port + 2;
        let _a = agents(port, args.fleet, 24, 0);
        for round in 0..args.rounds.min(2) {
            let order: Vec<usize> = if round % 2 == 0 {
                vec![0, 1]
            } else {
                vec![1, 0]
            };
            for i in order {
                rows.push(fleet_load(
                    &exporters[i],
                    port,
                    args.fleet,
                    args.fleet_secs,
                    round,
                ));
            }
        }
    }
    drop(exporters);
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(path) = &args.json {
        let mut f = std::fs::File::create(path).unwrap();
        for r in &rows {
            writeln!(f, "{}", serde_json::to_string(r).unwrap()).unwrap();
        }
    }
    for r in &rows {
        assert_eq!(r.failed, 0, "failed scrapes: {r:?}");
        assert!(r.samples_per_scrape > 0, "empty scrapes: {r:?}");
    }
    print_table(&rows);
}

/// The medians over rounds per case and exporter.
fn print_table(rows: &[Row]) {
    println!(
        "{:<12} {:<36} {:>8} {:>12} {:>12} {:>14} {:>10}",
        "case", "exporter", "scrapes", "cpu ms/scr", "wall ms/scr", "scr/cpu-sec", "peak MB"
    );
    for case in ["local_1000", "rtt10_1000", "fleet"] {
        for name in [
            "snmp_exporter 0.21",
            "snmp exporter",
            "snmp exporter (parallel, adaptive)",
        ] {
            let sel: Vec<&Row> = rows
                .iter()
                .filter(|r| r.case == case && r.exporter == name)
                .collect();
            if sel.is_empty() {
                continue;
            }
            let cpu = median(
                sel.iter()
                    .map(|r| r.cpu_s * 1000.0 / r.scrapes as f64)
                    .collect(),
            );
            let wall = median(
                sel.iter()
                    .map(|r| r.wall_s * 1000.0 / r.scrapes as f64)
                    .collect(),
            );
            let per_cpu = median(sel.iter().map(|r| r.scrapes as f64 / r.cpu_s).collect());
            let peak = sel.iter().map(|r| r.peak_rss_mb).fold(0.0, f64::max);
            let n: usize = sel.iter().map(|r| r.scrapes).sum();
            println!(
                "{case:<12} {name:<36} {n:>8} {cpu:>12.2} {wall:>12.1} {per_cpu:>14.0} {peak:>10.1}"
            );
        }
    }
}
