//! `snmp-bench prometheus`: Debian's `prometheus` scraping a fleet through two sharded
//! exporters, ours and then Debian's `prometheus-snmp-exporter` 0.21, on the same `snmp.yml`
//! (made by Debian's generator, as in `snmp-bench exporter`).
//!
//! The fleet: `--agents` simulated 24-interface agents (one process of this binary's
//! `agent`) plus `--dead` targets that never answer (UDP sockets this process holds and
//! never reads). Prometheus scrapes every target's `if_mib` at `--interval`, sharded over two
//! exporter processes with the `hashmod` relabelling of snmp_exporter's README. After one
//! interval of warm-up, `--secs` are measured: the exporters' CPU time (both processes) per
//! scrape, their peak resident memory, every live target's `up` and
//! `scrape_duration_seconds` samples (median, p99, max) read back from Prometheus.

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::exporter::{
    agents, cpu_seconds, free_port, generated_configs, rss_mb, wait_listening, Proc,
};

/// Options of `snmp-bench prometheus`.
#[derive(Args, Clone)]
pub(crate) struct PrometheusArgs {
    /// Our `snmp` binary.
    #[arg(long, default_value = "target/release/snmp")]
    snmp: PathBuf,
    /// The MIB folders' root given to Debian's generator.
    #[arg(long, default_value = "../shared/mibs")]
    mibs: PathBuf,
    /// Live agents (24 interfaces each).
    #[arg(long, default_value = "2000")]
    agents: usize,
    /// Targets that never answer.
    #[arg(long, default_value = "50")]
    dead: usize,
    /// Prometheus' scrape interval, seconds.
    #[arg(long, default_value = "30")]
    interval: u64,
    /// Seconds measured per exporter (after one interval of warm-up).
    #[arg(long, default_value = "180")]
    secs: u64,
    /// First UDP port of the agents (below the ephemeral range).
    #[arg(long, default_value = "24000")]
    base_port: u16,
    /// A short run of everything (checks the harness, claims nothing).
    #[arg(long)]
    smoke: bool,
    /// Write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

/// One exporter pair's measurement.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Row {
    exporter: String,
    agents: usize,
    dead: usize,
    interval_s: u64,
    window_s: f64,
    /// Scrapes of every target in the window (Prometheus' `up` samples).
    scrapes: usize,
    /// Live targets' scrapes, and those that failed (`up` 0).
    live_scrapes: usize,
    live_failed: usize,
    /// Live targets down at the end.
    live_down_at_end: usize,
    dead_scrapes: usize,
    /// Both exporter processes' CPU seconds in the window.
    cpu_s: f64,
    /// The larger of the two processes' peak resident memory.
    peak_rss_mb: f64,
    /// Live targets' `scrape_duration_seconds`, milliseconds.
    live_ms_median: f64,
    live_ms_p99: f64,
    live_ms_max: f64,
}

/// An exporter process and its port.
struct Shard(Proc, u16);

/// The samples of a query (a range vector: every sample).
fn range(prom: SocketAddr, q: &str) -> Vec<(serde_json::Value, Vec<f64>)> {
    snmp_testkit::prom_query(prom, q)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Prometheus' configuration: two shards, live and dead targets labelled.
fn prometheus_config(
    args: &PrometheusArgs,
    exporters: [SocketAddr; 2],
    live: &[String],
    dead: &[String],
) -> String {
    let list = |t: &[String]| {
        t.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "global:\n  scrape_interval: {i}s\n  scrape_timeout: {t}s\nscrape_configs:\n",
        i = args.interval,
        t = args.interval.saturating_sub(5).max(5),
    );
    for (n, e) in exporters.iter().enumerate() {
        out.push_str(&format!(
            "  - job_name: snmp_shard{n}\n    metrics_path: /snmp\n    params:\n      module: [if_mib]\n    static_configs:\n      - targets: [{}]\n        labels: {{kind: live}}\n      - targets: [{}]\n        labels: {{kind: dead}}\n    relabel_configs:\n      - source_labels: [__address__]\n        modulus: 2\n        target_label: __tmp_hash\n        action: hashmod\n      - source_labels: [__tmp_hash]\n        regex: \"{n}\"\n        action: keep\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: {e}\n",
            list(live),
            list(dead)
        ));
    }
    out
}

fn measure(
    args: &PrometheusArgs,
    name: &str,
    start: &dyn Fn() -> Shard,
    live: &[String],
    dead: &[String],
) -> Row {
    let dir = std::env::temp_dir().join(format!(
        "snmp-bench-prometheus-{}-{}",
        std::process::id(),
        name.replace(' ', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let shards = [start(), start()];
    let addrs: Vec<SocketAddr> = shards
        .iter()
        .map(|p| {
            let port = p.1;
            let a: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
            wait_listening(a);
            a
        })
        .collect();
    let config = prometheus_config(args, [addrs[0], addrs[1]], live, dead);
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let prom: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let _prom = Proc(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (apt-get install prometheus)"),
    );
    wait_listening(prom);
    // Warm-up: one interval, every target scraped once.
    std::thread::sleep(Duration::from_secs(args.interval + 2));
    let pids: Vec<u32> = shards.iter().map(|p| p.0 .0.id()).collect();
    let cpu = || pids.iter().map(|p| cpu_seconds(*p)).sum::<f64>();
    let cpu0 = cpu();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(args.secs));
    let cpu_s = cpu() - cpu0;
    let window_s = t0.elapsed().as_secs_f64();
    let peak_rss_mb = pids
        .iter()
        .map(|p| rss_mb(*p, "VmHWM:"))
        .fold(0.0, f64::max);
    let w = format!("{}s", args.secs);
    let up_live = range(prom, &format!("up{{kind=\"live\"}}[{w}]"));
    let up_dead = range(prom, &format!("up{{kind=\"dead\"}}[{w}]"));
    let live_scrapes: usize = up_live.iter().map(|(_, v)| v.len()).sum();
    let live_failed: usize = up_live
        .iter()
        .map(|(_, v)| v.iter().filter(|x| **x == 0.0).count())
        .sum();
    let dead_scrapes: usize = up_dead.iter().map(|(_, v)| v.len()).sum();
    let live_down_at_end = range(prom, "up{kind=\"live\"} == 0").len();
    let mut durations: Vec<f64> = range(
        prom,
        &format!("scrape_duration_seconds{{kind=\"live\"}}[{w}]"),
    )
    .into_iter()
    .flat_map(|(_, v)| v)
    .map(|s| s * 1000.0)
    .collect();
    durations.sort_by(f64::total_cmp);
    let _ = std::fs::remove_dir_all(&dir);
    Row {
        exporter: name.to_owned(),
        agents: live.len(),
        dead: dead.len(),
        interval_s: args.interval,
        window_s,
        scrapes: live_scrapes + dead_scrapes,
        live_scrapes,
        live_failed,
        live_down_at_end,
        dead_scrapes,
        cpu_s,
        peak_rss_mb,
        live_ms_median: quantile(&durations, 0.5),
        live_ms_p99: quantile(&durations, 0.99),
        live_ms_max: durations.last().copied().unwrap_or(0.0),
    }
}

/// Runs the benchmark.
pub(crate) fn run(mut args: PrometheusArgs) {
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
        args.agents = 20;
        args.dead = 2;
        args.interval = 5;
        args.secs = 10;
    }
    let dir = std::env::temp_dir().join(format!("snmp-bench-prom-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (legacy, _) = generated_configs(&args.mibs, &dir);
    let _agents = agents(args.base_port, args.agents, 24, 0);
    let live: Vec<String> = (0..args.agents)
        .map(|i| format!("127.0.0.1:{}", args.base_port as usize + i))
        .collect();
    // Targets that never answer: sockets held, never read.
    let silent: Vec<UdpSocket> = (0..args.dead)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let dead: Vec<String> = silent
        .iter()
        .map(|s| s.local_addr().unwrap().to_string())
        .collect();
    let start = |program: &Path, pre: &[&str]| {
        let port = free_port();
        Shard(
            Proc(
                Command::new(program)
                    .args(pre)
                    .arg(format!("--config.file={}", legacy.display()))
                    .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            ),
            port,
        )
    };
    let ours = || start(&args.snmp, &["exporter"]);
    let theirs = || start(Path::new("prometheus-snmp-exporter"), &[]);
    let rows = vec![
        measure(&args, "snmp exporter", &ours, &live, &dead),
        measure(&args, "snmp_exporter 0.21", &theirs, &live, &dead),
    ];
    drop(silent);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(path) = &args.json {
        let mut f = std::fs::File::create(path).unwrap();
        for r in &rows {
            writeln!(f, "{}", serde_json::to_string(r).unwrap()).unwrap();
        }
    }
    print_table(&rows);
    for r in &rows {
        assert!(r.live_scrapes > 0, "no live scrapes: {r:?}");
    }
    let ours = &rows[0];
    assert_eq!(ours.live_failed, 0, "a live scrape failed: {ours:?}");
    assert_eq!(ours.live_down_at_end, 0, "a live target down: {ours:?}");
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<20} {:>7} {:>5} {:>8} {:>7} {:>9} {:>12} {:>8} {:>8} {:>8} {:>8}",
        "exporter",
        "agents",
        "dead",
        "scrapes",
        "failed",
        "cpu s",
        "cpu ms/scr",
        "peak MB",
        "med ms",
        "p99 ms",
        "max ms"
    );
    for r in rows {
        println!(
            "{:<20} {:>7} {:>5} {:>8} {:>7} {:>9.2} {:>12.3} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            r.exporter,
            r.agents,
            r.dead,
            r.scrapes,
            r.live_failed,
            r.cpu_s,
            r.cpu_s * 1000.0 / r.scrapes.max(1) as f64,
            r.peak_rss_mb,
            r.live_ms_median,
            r.live_ms_p99,
            r.live_ms_max
        );
    }
    if let [a, b] = rows {
        let per = |r: &Row| r.cpu_s / r.scrapes.max(1) as f64;
        println!(
            "ours / upstream: CPU per scrape {:.3}, peak RSS {:.2}",
            per(a) / per(b),
            a.peak_rss_mb / b.peak_rss_mb
        );
    }
}
