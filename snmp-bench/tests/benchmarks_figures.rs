//! BENCHMARKS.md's tables are the committed runs' data: each section's tables are recomputed
//! here from the result file the section cites, and a table row edited by hand, or a result
//! file replaced without its tables, fails this test. (The README's figures are checked by
//! `readme_figures.rs`, `exporter_figures.rs`, `tcp_figures.rs` and `generator_figures.rs`;
//! the TCP section of BENCHMARKS.md by `tcp_figures.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn benchmarks() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap()
}

/// The text of the section whose heading starts with `heading` (up to the next `## `).
fn section(doc: &str, heading: &str) -> String {
    let start = doc
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("BENCHMARKS.md has a section `{heading}`"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_owned()
}

fn table_rows(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with("| "))
        .map(str::to_owned)
        .collect()
}

/// The peer comparison of issue 7: its per-case tables are what `snmp-bench --from-json`
/// prints of `results-2026-11-30.jsonl`, row for row, both ways (the printer also lists
/// clients added since, as "no result": those are not in the old section).
#[test]
fn the_peer_tables_are_the_printed_run() {
    printed_tables_match(
        "Against the peers (issue 7",
        "results/results-2026-11-30.jsonl",
        50,
    );
}

/// The latency cases like with like (issue 28): the tables are the printed run of
/// `results-latency-2026-12-07.jsonl`.
#[test]
fn the_latency_tables_are_the_printed_run() {
    printed_tables_match(
        "The latency cases, like with like",
        "results/results-latency-2026-12-07.jsonl",
        20,
    );
}

/// Walks at the round-trip limit (issue 39): the tables are the printed run of
/// `results-latency-2026-12-08.jsonl`.
#[test]
fn the_round_trip_limit_tables_are_the_printed_run() {
    printed_tables_match(
        "Walks at the round-trip limit",
        "results/results-latency-2026-12-08.jsonl",
        20,
    );
}

/// The section's client rows are the rows `snmp-bench --from-json FILE` prints (both ways,
/// leaving out the clients the run did not measure, "no result").
fn printed_tables_match(heading: &str, file: &str, at_least: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_snmp-bench"))
        .args(["--from-json"])
        .arg(dir.join(file))
        .args(["--secs", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = table_rows(&String::from_utf8_lossy(&out.stdout));
    let printed: BTreeSet<String> = printed
        .into_iter()
        .filter(|r| !r.ends_with("| no result |"))
        // Headers and rules: the unmeasured cases' tables have them too.
        .filter(|r| !r.starts_with("| client |") && !r.starts_with("| --- |"))
        .collect();
    assert!(printed.len() > at_least, "{} rows printed", printed.len());
    let doc = benchmarks();
    let sec = section(&doc, heading);
    let written = table_rows(&sec);
    let missing: Vec<&String> = printed.difference(&written).collect();
    assert!(
        missing.is_empty(),
        "rows of the run not in BENCHMARKS.md: {missing:#?}"
    );
    // Every client row of the section's per-case tables is a printed row (the targets table,
    // written by hand, is checked by its figures below).
    let clients: BTreeSet<&str> = printed
        .iter()
        .filter_map(|r| r.split('|').nth(1))
        .map(str::trim)
        .filter(|c| *c != "---" && *c != "client")
        .collect();
    let extra: Vec<&String> = written
        .iter()
        .filter(|r| {
            r.split('|')
                .nth(1)
                .is_some_and(|c| clients.contains(c.trim()))
        })
        .filter(|r| !printed.contains(*r))
        .collect();
    assert!(extra.is_empty(), "rows not in the run: {extra:#?}");
}

/// The exporter section's per-round table is `results-exporter-2026-12-06.jsonl`, line for
/// line (CPU and wall to two places, peak RSS to one).
#[test]
fn the_exporter_rounds_are_the_result_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(dir.join("results/results-exporter-2026-12-06.jsonl")).unwrap();
    let doc = benchmarks();
    let sec = section(&doc, "The exporter against snmp_exporter (issue 25");
    let written = table_rows(&sec);
    let mut n = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let row = format!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.1} |",
            v["case"].as_str().unwrap(),
            v["exporter"].as_str().unwrap(),
            v["round"].as_u64().unwrap(),
            v["scrapes"].as_u64().unwrap(),
            v["cpu_s"].as_f64().unwrap(),
            v["wall_s"].as_f64().unwrap(),
            v["peak_rss_mb"].as_f64().unwrap(),
        );
        assert!(written.contains(&row), "not in BENCHMARKS.md: {row}");
        n += 1;
    }
    assert!(n >= 16, "{n} rounds");
    let rounds = written
        .iter()
        .filter(|r| {
            r.split('|')
                .nth(3)
                .is_some_and(|c| c.trim().parse::<u32>().is_ok())
        })
        .count();
    assert_eq!(
        rounds, n,
        "the section has a row per round of the file, no more"
    );
}

/// The hand-written targets table of issue 7 quotes ratios as `A vs B = Rx` and `X = Rx`:
/// each `A vs B = R` written with both rates must follow from them (`49k vs gufo 63k GETs/s =
/// 0.78x`): the ratio, computed from the data, lies within what the rounded rates allow.
#[test]
fn the_quoted_ratios_of_the_peer_targets_follow_from_their_rates() {
    let doc = benchmarks();
    let sec = section(&doc, "Against the peers (issue 7");
    // A rate as written and the interval it was rounded from (`63k`: 62.5k..63.5k).
    let rate = |s: &str| -> Option<(f64, f64)> {
        let s = s.trim().trim_end_matches(',');
        let (num, mult) = match s.strip_suffix('k') {
            Some(n) => (n, 1e3),
            None => match s.strip_suffix('M') {
                Some(n) => (n, 1e6),
                None => (s, 1.0),
            },
        };
        let places = num.split_once('.').map_or(0, |(_, f)| f.len());
        let half = 0.5 * 10f64.powi(-(places as i32)) * mult;
        num.parse::<f64>()
            .ok()
            .map(|x| (x * mult - half, x * mult + half))
    };
    let mut checked = 0;
    for line in sec
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(" vs "))
    {
        // "tokio 49k vs gufo 63k GETs/s = 0.78x"
        for part in line.split(';') {
            let Some((left, right)) = part.split_once(" vs ") else {
                continue;
            };
            let a = left.split_whitespace().last().and_then(rate);
            let mut words = right.split_whitespace();
            let b = words.nth(1).and_then(rate);
            let r = right
                .split_once(" = ")
                .and_then(|(_, r)| r.split('x').next())
                .and_then(|r| r.trim().parse::<f64>().ok());
            if let (Some((a_lo, a_hi)), Some((b_lo, b_hi)), Some(r)) = (a, b, r) {
                // The ratio is computed from the data, not from the rounded rates: it must
                // lie between what the rates could have been (and round to what is written).
                let (lo, hi) = (a_lo / b_hi - 0.005, a_hi / b_lo + 0.005);
                assert!(
                    (lo..=hi).contains(&r),
                    "{part}: the rates as written give {lo:.3}..{hi:.3}, not {r}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "{checked} ratios checked");
}

/// The README's latency figures are `results-latency-2026-12-08.jsonl`'s medians: the 16
/// stripes' rate, the best peer at 256 repetitions and the ratios (and the 2026-12-07 run's
/// sentence in its own section, with `snmpbulkwalk -Cr25`).
#[test]
fn the_readme_latency_figures_are_the_run() {
    latency_figures("results/results-latency-2026-12-07.jsonl", false);
    latency_figures("results/results-latency-2026-12-08.jsonl", true);
}

fn latency_figures(file: &str, readme_too: bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rate = |client: &str| -> f64 {
        let mut v: Vec<f64> = rows
            .iter()
            .filter(|r| r["case"] == "device_rtt10ms" && r["client"] == client)
            .filter_map(|r| Some(r["varbinds"].as_f64()? / r["wall"].as_f64()?))
            .collect();
        v.sort_by(f64::total_cmp);
        assert!(!v.is_empty(), "{client}: no rounds");
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let stripes = rate("snmp-rs-parallel16-adaptive");
    let cli25 = rate("net-snmp-cli");
    let cli256 = rate("net-snmp-cli-r256");
    let peers = [
        "net-snmp-cli-r256",
        "async-snmp-r256",
        "snmpkit-r256",
        "gufo-snmp-r150",
    ];
    let (best_name, best) = peers
        .iter()
        .map(|p| (*p, rate(p)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert_eq!(
        best_name, "async-snmp-r256",
        "the README names async-snmp as the best peer"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for figure in [
        format!("{:.2}x faster than the best peer", stripes / best),
        format!("{:.2}x `snmpbulkwalk -Cr256`", stripes / cli256),
    ] {
        if readme_too {
            assert!(readme.contains(&figure), "README.md should say: {figure}");
        }
    }
    // The whole sentence is BENCHMARKS.md's.
    let bench = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap();
    let bench = bench.split_whitespace().collect::<Vec<_>>().join(" ");
    let thousands = |x: f64| {
        let n = x.round() as u64;
        format!("{},{:03}", n / 1000, n % 1000)
    };
    let figures = if readme_too {
        // Issue 39's section.
        vec![
            format!(
                "at {:.1}k varbinds/s, a walk every {:.0} ms",
                stripes / 1000.0,
                40_004.0 / stripes * 1000.0
            ),
            format!(
                "{:.2}x the best peer at 256 repetitions (async-snmp, {:.1}k)",
                stripes / best,
                best / 1000.0
            ),
            format!(
                "{:.2}x `snmpbulkwalk -Cr256` ({:.1}k)",
                stripes / cli256,
                cli256 / 1000.0
            ),
        ]
    } else {
        vec![
            format!("{} varbinds/s with `snmpbulkwalk -Cr25`", thousands(cli25)),
            format!("in {:.1}k with 16 adaptive stripes", stripes / 1000.0),
            format!("the best peer walks {:.1}k (async-snmp;", best / 1000.0),
            format!("`snmpbulkwalk -Cr256` {:.1}k)", cli256 / 1000.0),
            format!("{:.2}x the best peer", stripes / best),
            format!("{:.2}x `snmpbulkwalk -Cr256`", stripes / cli256),
        ]
    };
    for figure in figures {
        assert!(
            bench.contains(&figure),
            "BENCHMARKS.md should say: {figure}"
        );
    }
}

/// Issue 39's allocation counts: the section's tables (rates and heap allocations per
/// operation of the in-process clients) are the printed run of `results-allocs-2026-12-08b.jsonl`.
#[test]
fn the_allocation_tables_are_the_printed_run() {
    printed_tables_match(
        "Performance to the floor",
        "results/results-allocs-2026-12-08b.jsonl",
        10,
    );
}

/// Issue 39's 100,000 targets: the section's per-round table is what
/// `snmp-bench poll100k --from-json` prints of `results-poll100k-2026-12-08.jsonl`, and every
/// round answered every target.
#[test]
fn the_hundred_thousand_targets_table_is_the_printed_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = dir.join("results/results-poll100k-2026-12-08.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_snmp-bench"))
        .arg("poll100k")
        .arg("--from-json")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = table_rows(&String::from_utf8_lossy(&out.stdout));
    assert!(printed.len() >= 4, "{printed:?}");
    let sec = section(&benchmarks(), "Performance to the floor");
    let written = table_rows(&sec);
    let missing: Vec<&String> = printed.difference(&written).collect();
    assert!(
        missing.is_empty(),
        "rows of the run not in BENCHMARKS.md: {missing:#?}"
    );
    for line in std::fs::read_to_string(&file).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["answered"], v["targets"], "{line}");
        assert_eq!(v["targets"], 100_000, "{line}");
    }
}
