//! The trap receiver's figures in BENCHMARKS.md and the README are the committed run's:
//! recomputed here from `snmp-bench/results/results-trapd-2026-12-08.jsonl` as
//! `snmp-bench trapd` prints them.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

const RESULTS: &str = "results/results-trapd-2026-12-08.jsonl";

fn rows() -> Vec<serde_json::Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(dir.join(RESULTS))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The highest offered rate with nothing lost.
fn sustained(rows: &[serde_json::Value], case: &str, receiver: &str) -> u64 {
    rows.iter()
        .filter(|r| r["case"] == case && r["kind"] == "step" && r["receiver"] == receiver)
        .filter(|r| r["received"].as_u64() >= r["sent"].as_u64())
        .map(|r| r["offered_per_s"].as_u64().unwrap())
        .max()
        .unwrap_or(0)
}

#[test]
fn trap_receiver_figures_are_the_committed_run() {
    let rows = rows();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let benchmarks = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for case in ["log", "handler"] {
        let t = sustained(&rows, case, "snmptrapd");
        let o = sustained(&rows, case, "snmp trapd");
        let line = format!(
            "sustained without loss: snmptrapd {t}/s, snmp trapd {o}/s (ours/theirs {:.1}x;",
            o as f64 / t as f64
        );
        assert!(benchmarks.contains(&line), "BENCHMARKS.md lacks: {line}");
        for r in rows
            .iter()
            .filter(|r| r["case"] == case && r["kind"] == "burst")
        {
            let sent = r["sent"].as_u64().unwrap();
            let got = r["received"].as_u64().unwrap();
            let line = format!(
                "burst of {sent}: {} wrote {got} ({:.1}% lost), CPU {:.2} s, peak RSS {:.1} MiB",
                r["receiver"].as_str().unwrap(),
                100.0 * (sent - got) as f64 / sent as f64,
                r["cpu_s"].as_f64().unwrap(),
                r["peak_rss_kib"].as_f64().unwrap() / 1024.0
            );
            assert!(benchmarks.contains(&line), "BENCHMARKS.md lacks: {line}");
        }
    }
    // The handler case's floor, and each receiver's rate while busy.
    let floor = rows.iter().find(|r| r["kind"] == "floor").unwrap();
    let floor_rate = floor["sent"].as_f64().unwrap() / floor["wall_s"].as_f64().unwrap();
    let busy = |rx: &str| {
        rows.iter()
            .filter(|r| r["case"] == "handler" && r["kind"] == "step" && r["receiver"] == rx)
            .map(|r| r["received"].as_f64().unwrap() / (r["wall_s"].as_f64().unwrap() - 1.0))
            .fold(0.0, f64::max)
    };
    let (bt, bo) = (busy("snmptrapd"), busy("snmp trapd"));
    let t = sustained(&rows, "handler", "snmptrapd");
    let line = format!(
        "{floor_rate:.0}/s one at a time ({:.2} ms CPU each). Programs run per second while busy: snmptrapd {bt:.0}/s ({:.0}% of the floor), snmp trapd {bo:.0}/s ({:.0}%). 10x snmptrapd's sustained {t}/s would be {}/s, {:.1}x the floor.",
        1000.0 * floor["cpu_s"].as_f64().unwrap() / floor["sent"].as_f64().unwrap(),
        100.0 * bt / floor_rate,
        100.0 * bo / floor_rate,
        10 * t,
        (10 * t) as f64 / floor_rate
    );
    assert!(benchmarks.contains(&line), "BENCHMARKS.md lacks: {line}");
    let prose = format!(
        "a plain loop starts {floor_rate:.0} such programs a second one at a time. snmptrapd ran {bt:.0} a second while busy, ours {bo:.0} ({:.0}% of the floor)",
        100.0 * bo / floor_rate
    );
    let flat = benchmarks.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&prose), "BENCHMARKS.md lacks: {prose}");

    // The README's summary: the logging case's rates and ratio.
    let t = sustained(&rows, "log", "snmptrapd");
    let o = sustained(&rows, "log", "snmp trapd");
    let summary = format!(
        "{} notifications/s logged without loss against snmptrapd's {} ({:.1}x",
        group(o),
        group(t),
        o as f64 / t as f64
    );
    assert!(readme.contains(&summary), "README.md lacks: {summary}");
}

/// 100000 as 100,000.
fn group(n: u64) -> String {
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
