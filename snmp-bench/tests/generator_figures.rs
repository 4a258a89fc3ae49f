//! The README's generator table is the committed run's data (medians over rounds, as
//! `snmp-bench generator` prints them).

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    assert!(n > 0);
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[test]
fn readme_generator_table_is_the_committed_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(dir.join("results/results-generator-2026-12-06.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let med = |g: &str| {
        median(
            rows.iter()
                .filter(|r| r["generator"] == g)
                .map(|r| r["wall_s"].as_f64().unwrap())
                .collect(),
        )
    };
    let rss = |g: &str| {
        rows.iter()
            .filter(|r| r["generator"] == g)
            .map(|r| r["peak_rss_mb"].as_f64().unwrap())
            .fold(0.0, f64::max)
    };
    let (d, c, w) = (
        med("debian"),
        med("snmp generate (cold)"),
        med("snmp generate (warm)"),
    );
    let benchmarks = std::fs::read_to_string(dir.join("../BENCHMARKS.md")).unwrap();
    // The README's sentence of it.
    let readme = std::fs::read_to_string(dir.join("../README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        format!("slower than Debian's generator ({:.2}x)", d / c),
        format!("it is {:.2}x faster", d / w),
    ] {
        assert!(readme.contains(&said), "README.md does not say {said:?}");
    }
    for row in [
        format!(
            "| Debian's `prometheus-snmp-generator` 0.21 | {d:.3} | {:.1} | |",
            rss("debian")
        ),
        format!(
            "| `snmp generate`, compiled cache empty (cold) | {c:.3} | {:.1} | {:.2} |",
            rss("snmp generate (cold)"),
            d / c
        ),
        format!(
            "| `snmp generate`, compiled cache warm | {w:.3} | {:.1} | {:.2} |",
            rss("snmp generate (warm)"),
            d / w
        ),
    ] {
        assert!(
            benchmarks.contains(row.as_str()),
            "BENCHMARKS.md lacks the row\n{row}"
        );
    }
}
