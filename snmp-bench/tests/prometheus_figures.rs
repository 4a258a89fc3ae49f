//! The README's and BENCHMARKS.md's "inside Prometheus" table is the committed run's data:
//! each row and the ratios are recomputed here from
//! `snmp-bench/results/results-prometheus-2026-12-07.jsonl` (written by `snmp-bench prometheus
//! --json ...`) and both files must contain them as computed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

const RESULTS: &str = "results/results-prometheus-2026-12-07.jsonl";

fn rows() -> Vec<serde_json::Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(dir.join(RESULTS))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// 12345 -> "12,345".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn f(r: &serde_json::Value, k: &str) -> f64 {
    r[k].as_f64().unwrap()
}

fn cpu_ms(r: &serde_json::Value) -> f64 {
    f(r, "cpu_s") * 1000.0 / f(r, "scrapes")
}

/// The table row of one exporter, as the README prints it.
fn row(r: &serde_json::Value) -> String {
    format!(
        "| {} | {} | {} | {:.3} | {:.1} | {:.1} / {:.1} / {:.1} |",
        r["exporter"].as_str().unwrap(),
        thousands(r["scrapes"].as_u64().unwrap()),
        r["live_failed"].as_u64().unwrap(),
        cpu_ms(r),
        f(r, "peak_rss_mb"),
        f(r, "live_ms_median"),
        f(r, "live_ms_p99"),
        f(r, "live_ms_max"),
    )
}

#[test]
fn the_prometheus_fleet_figures_are_the_committed_run() {
    let rows = rows();
    assert_eq!(rows.len(), 2);
    let (ours, theirs) = (&rows[0], &rows[1]);
    assert_eq!(ours["exporter"], "snmp exporter");
    assert_eq!(theirs["exporter"], "snmp_exporter 0.21");
    assert_eq!(ours["agents"], 2000);
    assert_eq!(ours["dead"], 50);
    assert!(f(ours, "window_s") >= 180.0, "at least 3 minutes measured");
    assert_eq!(ours["live_failed"], 0, "no failed live scrape for ours");
    assert_eq!(ours["live_down_at_end"], 0, "every live target up");
    let ratio = format!(
        "CPU per scrape {:.2}x upstream's, peak RSS {:.2}x",
        cpu_ms(ours) / cpu_ms(theirs),
        f(ours, "peak_rss_mb") / f(theirs, "peak_rss_mb")
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for doc in ["README.md", "BENCHMARKS.md"] {
        let text = std::fs::read_to_string(dir.join(doc)).unwrap();
        for r in &rows {
            let line = row(r);
            assert!(text.contains(&line), "{doc} lacks the row\n{line}");
        }
        assert!(text.contains(&ratio), "{doc} lacks: {ratio}");
    }
}
