//! The SNMP-over-TCP tables of BENCHMARKS.md and the README's summary of them are the
//! committed run's data: every figure and ratio is recomputed here from
//! `snmp-bench/results/results-tcp-2026-12-07.jsonl` (medians over rounds, as `snmp-bench tcp` prints
//! them), and both files must contain them as computed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

const RESULTS: &str = "results/results-tcp-2026-12-07.jsonl";

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

/// Median CPU seconds, and median CPU per item in µs, of `client` in `case`.
fn cpu(rows: &[serde_json::Value], case: &str, client: &str) -> (f64, f64) {
    let of: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["case"] == case && r["client"] == client)
        .collect();
    assert!(!of.is_empty(), "{case} {client} missing");
    let total = median(of.iter().map(|r| r["cpu_s"].as_f64().unwrap()).collect());
    let per = median(
        of.iter()
            .map(|r| r["cpu_s"].as_f64().unwrap() / r["items"].as_f64().unwrap() * 1e6)
            .collect(),
    );
    (total, per)
}

#[test]
fn tcp_tables_are_the_committed_run() {
    let rows = rows();
    assert!(
        rows.iter().all(|r| r["errors"] == 0),
        "an error in the committed run"
    );
    for r in rows.iter().filter(|r| r["case"] == "walk_100k") {
        assert_eq!(r["items"], 100_000, "{r}");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let benchmarks = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut expected = Vec::new();
    for reps in [10, 50] {
        let peer = format!("snmpbulkwalk tcp -Cr{reps}");
        let (peer_cpu, _) = cpu(&rows, "walk_100k", &peer);
        for client in ["snmpbulkwalk", "snmp bulkwalk", "Manager::bulk_walk"] {
            for transport in ["tcp", "udp"] {
                let name = format!("{client} {transport} -Cr{reps}");
                let (c, _) = cpu(&rows, "walk_100k", &name);
                let ratio = c / peer_cpu;
                expected.push(format!("| `{name}` | {c:.3} s | {ratio:.2} |"));
                if transport == "tcp" && client != "snmpbulkwalk" {
                    assert!(ratio <= 1.0, "{name}: {ratio:.2}x snmpbulkwalk's CPU");
                }
            }
        }
    }
    let (_, tcp) = cpu(&rows, "poll_1000", "poll_many tcp");
    let (_, udp) = cpu(&rows, "poll_1000", "poll_many udp");
    expected.push(format!(
        "| `poll_many` of 1,000 agents | {tcp:.2} µs | {udp:.2} µs | {:.2} |",
        tcp / udp
    ));
    assert!(
        tcp / udp <= 2.0,
        "a TCP poll costs {:.2}x a UDP one",
        tcp / udp
    );
    for line in &expected {
        assert!(
            benchmarks.contains(line.as_str()),
            "BENCHMARKS.md lacks the row computed from {RESULTS}:\n{line}"
        );
    }
    // The README's summary: the default -Cr10 ratios and the poll ratio.
    let (peer, _) = cpu(&rows, "walk_100k", "snmpbulkwalk tcp -Cr10");
    let (cli, _) = cpu(&rows, "walk_100k", "snmp bulkwalk tcp -Cr10");
    let (lib, _) = cpu(&rows, "walk_100k", "Manager::bulk_walk tcp -Cr10");
    let _ = (cli, tcp, udp);
    let summary = format!(
        "costs the Manager {:.2}x `snmpbulkwalk`'s client CPU at its default -Cr10",
        lib / peer
    );
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(readme.contains(&summary), "README.md lacks:\n{summary}");
}
