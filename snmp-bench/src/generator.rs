//! `snmp-bench generator`: `snmp generate` against Debian's `prometheus-snmp-generator` on
//! upstream's example modules whose MIBs are in the corpus, over every folder of
//! `../shared/mibs`, in one run: wall time and peak RSS (`/usr/bin/time -f %M`), ours cold
//! (an empty compiled cache) and warm (the cache of the previous run), rounds alternating.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;

use crate::report::median;
use serde::{Deserialize, Serialize};

/// Options of `snmp-bench generator`.
#[derive(Args, Clone)]
pub(crate) struct GeneratorArgs {
    /// Our `snmp` binary.
    #[arg(long, default_value = "target/release/snmp")]
    snmp: PathBuf,
    /// The MIB folders' root.
    #[arg(long, default_value = "../shared/mibs")]
    mibs: PathBuf,
    /// Rounds.
    #[arg(long, default_value = "5")]
    rounds: usize,
    /// One round (checks the harness, claims nothing).
    #[arg(long)]
    smoke: bool,
    /// Write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
struct Row {
    generator: String,
    round: usize,
    wall_s: f64,
    peak_rss_mb: Option<f64>,
}

/// Upstream's example modules whose MIBs are all in the corpus.
const KEEP: &[&str] = &[
    "if_mib",
    "apcups",
    "paloalto_fw",
    "ddwrt",
    "ubiquiti_airfiber",
    "ubiquiti_unifi",
    "printer_mib",
    "mikrotik",
];

fn example(dir: &Path) {
    let text =
        std::fs::read_to_string("/usr/share/doc/prometheus-snmp-exporter/examples/generator.yml")
            .expect("upstream's example (apt-get install prometheus-snmp-exporter)");
    let full: serde_json::Value = serde_yaml_to_json(&text);
    let mut kept = serde_json::Map::new();
    for k in KEEP {
        kept.insert((*k).to_owned(), full["modules"][*k].clone());
    }
    let doc = serde_json::json!({ "modules": kept });
    // JSON is YAML: both generators read it.
    std::fs::write(
        dir.join("generator.yml"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
}

fn serde_yaml_to_json(text: &str) -> serde_json::Value {
    let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).expect("the example parses");
    serde_json::to_value(v).expect("the example as JSON")
}

fn timed(mut cmd: Command) -> (f64, Option<f64>) {
    let time = Path::new("/usr/bin/time");
    let t0 = Instant::now();
    let out = if time.exists() {
        let mut t = Command::new(time);
        t.arg("-f").arg("%M").arg(cmd.get_program());
        t.args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                t.env(k, v);
            }
        }
        if let Some(d) = cmd.get_current_dir() {
            t.current_dir(d);
        }
        t.output().unwrap()
    } else {
        cmd.output().unwrap()
    };
    let wall = t0.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (wall, rss)
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<22} {:>7} {:>12} {:>14}",
        "generator", "runs", "median s", "peak RSS MB"
    );
    for g in ["debian", "snmp generate (cold)", "snmp generate (warm)"] {
        let sel: Vec<&Row> = rows.iter().filter(|r| r.generator == g).collect();
        let wall = median(sel.iter().map(|r| r.wall_s).collect());
        let rss = sel.iter().filter_map(|r| r.peak_rss_mb).fold(0.0, f64::max);
        println!("{g:<22} {:>7} {wall:>12.3} {rss:>14.1}", sel.len());
    }
}

/// Runs the generator benchmark.
pub(crate) fn run(args: GeneratorArgs) {
    if let Some(path) = &args.from_json {
        let rows: Vec<Row> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        print_table(&rows);
        return;
    }
    let dir = std::env::temp_dir().join(format!("snmp-bench-generator-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    example(&dir);
    let mut folders: Vec<String> = std::fs::read_dir(&args.mibs)
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
    folders.sort();
    let mibdirs = folders.join(":");
    let snmp = std::fs::canonicalize(&args.snmp).expect("build snmp first");
    let rounds = if args.smoke { 1 } else { args.rounds };
    let warm_cache = dir.join("warm-cache");
    let mut rows = Vec::new();
    for round in 0..rounds {
        let mut debian = Command::new("prometheus-snmp-generator");
        debian
            .arg("generate")
            .current_dir(&dir)
            .env("MIBDIRS", &mibdirs);
        let cold_cache = dir.join(format!("cold-cache-{round}"));
        let mut cold = Command::new(&snmp);
        cold.args(["generate", "-o", "ours.yml"])
            .current_dir(&dir)
            .env("MIBDIRS", &mibdirs)
            .env("SNMP_MIB_CACHE", &cold_cache);
        let mut warm = Command::new(&snmp);
        warm.args(["generate", "-o", "ours.yml"])
            .current_dir(&dir)
            .env("MIBDIRS", &mibdirs)
            .env("SNMP_MIB_CACHE", &warm_cache);
        if round == 0 {
            // Fill the warm cache (not counted).
            let mut fill = Command::new(&snmp);
            fill.args(["generate", "-o", "ours.yml"])
                .current_dir(&dir)
                .env("MIBDIRS", &mibdirs)
                .env("SNMP_MIB_CACHE", &warm_cache);
            timed(fill);
        }
        let mut order: Vec<(&str, Command)> = vec![
            ("debian", debian),
            ("snmp generate (cold)", cold),
            ("snmp generate (warm)", warm),
        ];
        if round % 2 == 1 {
            order.reverse();
        }
        for (name, cmd) in order {
            let (wall_s, peak_rss_mb) = timed(cmd);
            rows.push(Row {
                generator: name.to_owned(),
                round,
                wall_s,
                peak_rss_mb,
            });
        }
        let _ = std::fs::remove_dir_all(&cold_cache);
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(path) = &args.json {
        let text: String = rows
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        std::fs::write(path, text).unwrap();
    }
    print_table(&rows);
}
