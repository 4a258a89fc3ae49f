//! The README's exporter table is the committed run's data: every figure and ratio in it is
//! recomputed here from `snmp-bench/results/results-exporter-2026-12-06.jsonl` (medians over rounds,
//! as `snmp-bench exporter` prints them) and the README must contain the rows as computed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

const RESULTS: &str = "results/results-exporter-2026-12-06.jsonl";
const UPSTREAM: &str = "snmp_exporter 0.21";
const OURS: &str = "snmp exporter";
const OURS_FAST: &str = "snmp exporter (parallel, adaptive)";

fn rows() -> Vec<serde_json::Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(dir.join(RESULTS))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    assert!(n > 0, "no rounds");
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn med(
    rows: &[serde_json::Value],
    case: &str,
    exporter: &str,
    f: impl Fn(&serde_json::Value) -> f64,
) -> f64 {
    median(
        rows.iter()
            .filter(|r| r["case"] == case && r["exporter"] == exporter)
            .map(&f)
            .collect(),
    )
}

fn per_scrape_ms(key: &'static str) -> impl Fn(&serde_json::Value) -> f64 {
    move |r| r[key].as_f64().unwrap() * 1000.0 / r["scrapes"].as_f64().unwrap()
}

#[test]
fn readme_exporter_table_is_the_committed_run() {
    let rows = rows();
    assert!(
        rows.iter().all(|r| r["failed"] == 0),
        "a failed scrape in the committed run"
    );
    let cpu = per_scrape_ms("cpu_s");
    let wall = per_scrape_ms("wall_s");
    let per_cpu =
        |r: &serde_json::Value| r["scrapes"].as_f64().unwrap() / r["cpu_s"].as_f64().unwrap();
    let peak = |exporter: &str| {
        rows.iter()
            .filter(|r| r["case"] == "fleet" && r["exporter"] == exporter)
            .map(|r| r["peak_rss_mb"].as_f64().unwrap())
            .fold(0.0, f64::max)
    };
    let (lu, lo) = (
        med(&rows, "local_1000", UPSTREAM, &cpu),
        med(&rows, "local_1000", OURS, &cpu),
    );
    let (ru, ro, rf) = (
        med(&rows, "rtt10_1000", UPSTREAM, &wall),
        med(&rows, "rtt10_1000", OURS, &wall),
        med(&rows, "rtt10_1000", OURS_FAST, &wall),
    );
    let (fu, fo) = (
        med(&rows, "fleet", UPSTREAM, per_cpu),
        med(&rows, "fleet", OURS, per_cpu),
    );
    let expected = [
        format!("| if_mib scrape of one 1,000-interface agent: CPU ms per scrape | {lu:.1} | {lo:.1} | {:.3} |", lo / lu),
        format!("| the same through a 10 ms round trip: wall ms per scrape, upstream's keys | {ru:.1} | {ro:.1} | {:.3}x faster |", ru / ro),
        format!("| the same with `parallel_walks: 8` and `adaptive_repetitions: 256` | {ru:.1} | {rf:.1} | {:.2}x faster |", ru / rf),
        format!("| 10,000 agents x 24 interfaces, 64 scrapes at once: scrapes per CPU-second | {fu:.0} | {fo:.0} | {:.2}x |", fo / fu),
        format!("| peak RSS in the fleet case, MB | {:.1} | {:.1} | |", peak(UPSTREAM), peak(OURS)),
    ];
    let benchmarks =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md"))
            .unwrap();
    for row in &expected {
        assert!(
            benchmarks.contains(row.as_str()),
            "BENCHMARKS.md lacks the row\n{row}"
        );
    }
}
