//! The README's speed table is the committed run's data: every rate and ratio in it is
//! recomputed here from `snmp-bench/results/results-2026-12-06.jsonl` (medians over rounds, as the
//! harness prints them) and must agree to the digits printed. A figure edited by hand, or a
//! result file replaced without the table, fails this test.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::path::Path;

/// The result file the README's table comes from.
const RESULTS: &str = "results/results-2026-12-06.jsonl";

/// The README's case labels and the harness's case ids.
const CASES: &[(&str, &str)] = &[
    ("sequential GET v2c", "get_v2c"),
    ("sequential GET v3 authPriv", "get_v3"),
    ("GETNEXT walk, 1,000 varbinds", "walk_next_1k"),
    ("GETBULK walk, 10k varbinds v2c", "bulk_10k"),
    ("GETBULK walk, 10k varbinds v3", "bulk_10k_v3"),
    ("GETBULK walk, 100k varbinds v2c", "bulk_100k"),
    ("GETBULK walk, 100k varbinds v3", "bulk_100k_v3"),
    ("poll 200 agents x 20", "poll_200x20"),
    ("poll 10,000 agents", "poll_10k"),
];

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

/// One value per round of each (case, client) from the result file: `f` of a measured
/// round's JSON (`None`: not counted), then the median over rounds.
fn medians(f: impl Fn(&str, &serde_json::Value) -> Option<f64>) -> HashMap<(String, String), f64> {
    medians_in(RESULTS, f)
}

/// As [`medians`], of another result file.
fn medians_in(
    file: &str,
    f: impl Fn(&str, &serde_json::Value) -> Option<f64>,
) -> HashMap<(String, String), f64> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut all: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (Some(case), Some(client)) = (v["case"].as_str(), v["client"].as_str()) else {
            continue;
        };
        if let Some(x) = f(case, &v) {
            all.entry((case.to_owned(), client.to_owned()))
                .or_default()
                .push(x);
        }
    }
    all.into_iter().map(|(k, v)| (k, median(v))).collect()
}

/// The median rate of each (case, client): varbinds per second for walks, operations per
/// second otherwise (rounds not measured, unsupported or hung, are left out).
fn rates() -> HashMap<(String, String), f64> {
    medians(|case, v| {
        let (ops, varbinds, wall) = (
            v["ops"].as_f64()?,
            v["varbinds"].as_f64()?,
            v["wall"].as_f64()?,
        );
        let walk = case.starts_with("bulk") || case.starts_with("walk");
        (wall > 0.0).then(|| if walk { varbinds / wall } else { ops / wall })
    })
}

/// The median client CPU per operation of each (case, client), in microseconds.
fn cpu_per_op() -> HashMap<(String, String), f64> {
    cpu_per_op_in(RESULTS)
}

/// As [`cpu_per_op`], of another result file.
fn cpu_per_op_in(file: &str) -> HashMap<(String, String), f64> {
    medians_in(file, |_, v| {
        let (ops, user, sys) = (v["ops"].as_f64()?, v["user"].as_f64()?, v["sys"].as_f64()?);
        (ops > 0.0).then(|| (user + sys) / ops * 1e6)
    })
}

/// A rate as the README prints it: `95.8k`, `1.467M`.
fn printed(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.3}M", rate / 1e6)
    } else {
        format!("{:.1}k", rate / 1e3)
    }
}

#[test]
fn the_readme_speed_table_is_the_committed_run() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    assert!(readme.contains(RESULTS), "the README names its result file");
    let rates = rates();
    let rate = |case: &str, client: &str| {
        *rates
            .get(&(case.to_owned(), client.to_owned()))
            .unwrap_or_else(|| panic!("no {client} in {case}"))
    };
    let mut checked = 0;
    for (label, case) in CASES {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no README row for {label}"));
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 7, "{row}");
        let ours = ["snmp-rs-tokio", "snmp-rs-blocking", "snmp-rs-smol"];
        for (cell, client) in cells[1..4].iter().zip(ours) {
            // A rate below 1M is printed in k even when it is `0.970M` style: accept both.
            let r = rate(case, client);
            let alt = format!("{:.3}M", r / 1e6);
            assert!(
                *cell == printed(r) || *cell == alt,
                "{label} {client}: README {cell}, data {}",
                printed(r)
            );
        }
        let peer = cells[4].split_whitespace().next().unwrap();
        let best = rate(case, peer);
        let shown = cells[4].split_whitespace().nth(1).unwrap();
        assert_eq!(shown, printed(best), "{label} {peer}");
        let tokio = rate(case, "snmp-rs-tokio") / best;
        let blocking = rate(case, "snmp-rs-blocking") / best;
        assert_eq!(cells[5], format!("{tokio:.3}"), "{label}: tokio ÷ best");
        assert_eq!(
            cells[6],
            format!("{blocking:.3}"),
            "{label}: blocking ÷ best"
        );
        checked += 1;
    }
    assert_eq!(checked, CASES.len());
}

#[test]
fn the_readme_cpu_figures_are_the_committed_run() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let cpu = cpu_per_op();
    let us = |client: &str| cpu[&("get_v2c".to_owned(), client.to_owned())];
    let (snmp2, floor, blocking, tokio, smol) = (
        us("snmp2"),
        us("udp-floor-connected"),
        us("snmp-rs-blocking"),
        us("snmp-rs-tokio"),
        us("snmp-rs-smol"),
    );
    // The README says the headline; BENCHMARKS.md the rest. Line breaks collapsed: a figure
    // may sit across two lines.
    let bench =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md"))
            .unwrap();
    let head = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        format!("snmp2 {snmp2:.2} µs"),
        format!("our blocking client {blocking:.2} µs"),
    ] {
        assert!(head.contains(&needle), "the README does not say {needle:?}");
    }
    let text = bench.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        format!("snmp2 {snmp2:.2} µs"),
        format!("socket, no SNMP work) {floor:.1} µs"),
        format!("our blocking client {blocking:.2} µs"),
        format!("the tokio Manager {tokio:.1} µs"),
        format!("smol {smol:.1} µs"),
        format!("(it is {:.2}x)", tokio / blocking),
        format!("(it is {:.2}x)", smol / blocking),
    ] {
        assert!(
            text.contains(&needle),
            "BENCHMARKS.md does not say {needle:?}"
        );
    }
}

/// The smol socket's change, measured old against new in one paired run
/// (`results-2026-12-07-smol-old.jsonl` and `-new.jsonl`): the README's figures of it.
#[test]
fn the_readme_smol_figures_are_the_paired_run() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let text = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let (old, new) = (
        cpu_per_op_in("results/results-2026-12-07-smol-old.jsonl"),
        cpu_per_op_in("results/results-2026-12-07-smol-new.jsonl"),
    );
    let at = |m: &HashMap<(String, String), f64>, case: &str, client: &str| {
        m[&(case.to_owned(), client.to_owned())]
    };
    let (get_old, get_new) = (
        at(&old, "get_v2c", "snmp-rs-smol"),
        at(&new, "get_v2c", "snmp-rs-smol"),
    );
    let (poll_old, poll_new) = (
        at(&old, "poll_200x20", "snmp-rs-smol"),
        at(&new, "poll_200x20", "snmp-rs-smol"),
    );
    let ratio = get_new / at(&new, "get_v2c", "snmp-rs-blocking");
    // BENCHMARKS.md's table of the same run, row by row.
    let bench =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md"))
            .unwrap();
    for (label, case) in [
        ("sequential GET v2c, µs/GET", "get_v2c"),
        ("sequential GET v3, µs/GET", "get_v3"),
        ("GETNEXT walk of 1,000, µs/walk", "walk_next_1k"),
        ("GETBULK walk of 10k, µs/walk", "bulk_10k"),
        ("poll 200 agents x 20, µs/poll", "poll_200x20"),
    ] {
        let row = format!(
            "| {label} | {:.1} | {:.1} |",
            at(&old, case, "snmp-rs-smol"),
            at(&new, case, "snmp-rs-smol")
        );
        assert!(bench.contains(&row), "BENCHMARKS.md does not have {row:?}");
    }
    let bench_text = bench.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = format!("smol's GET is {ratio:.2}x the blocking client's in the new run");
    assert!(
        bench_text.contains(&said),
        "BENCHMARKS.md does not say {said:?}"
    );
    let _ = &text;
    for needle in [
        format!("sequential GET went from {get_old:.1} to {get_new:.1} µs"),
        format!("200 agents from {poll_old:.1} to {poll_new:.1} µs"),
        format!("{ratio:.2}x the blocking client's GET"),
    ] {
        assert!(
            bench_text.contains(&needle),
            "BENCHMARKS.md does not say {needle:?}"
        );
    }
}
