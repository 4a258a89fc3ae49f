//! The README's charts are what the committed result files draw: `snmp-bench charts --check`
//! redraws them (plotters, SVG) and fails on any difference (a chart edited by hand, or a
//! result file replaced without its charts).

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::process::Command;

#[test]
fn the_charts_are_what_the_result_files_draw() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_snmp-bench"))
        .arg("charts")
        .arg("--dir")
        .arg(dir.join("charts"))
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // And the README shows them.
    let readme = std::fs::read_to_string(dir.join("../README.md")).unwrap();
    for chart in ["get-cpu.svg", "vs-peers.svg", "walk-10ms.svg"] {
        assert!(
            readme.contains(&format!("snmp-bench/charts/{chart}")),
            "README.md shows {chart}"
        );
    }
}
