//! `snmp-bench charts`: the README's charts, drawn from the committed result files with
//! plotters (SVG). `--check` redraws them and fails if a committed chart differs (a chart
//! edited by hand, or a result file replaced without its charts).
//!
//! - `get-cpu.svg`: CPU per sequential GET v2c (µs) of every client of the 2026-12-06 run,
//!   the UDP floors (the same request over a bare socket, no SNMP work) among them.
//! - `vs-peers.svg`: per case of the README's table, the tokio face's rate over the best
//!   peer's.
//! - `walk-10ms.svg`: a whole device (40,004 varbinds) through a 10 ms round trip: seconds
//!   per walk of every client and setting of the 2026-12-08 latency run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use plotters::prelude::*;

/// Options of `snmp-bench charts`.
#[derive(Args, Clone)]
pub(crate) struct ChartsArgs {
    /// Where the charts are (written, or compared with `--check`).
    #[arg(long, default_value = "snmp-bench/charts")]
    dir: PathBuf,
    /// Where the result files are.
    #[arg(long, default_value = "snmp-bench/results")]
    results: PathBuf,
    /// Redraw and compare with the committed charts instead of writing them.
    #[arg(long)]
    check: bool,
}

/// The full run the README's table comes from.
const RUN: &str = "results-2026-12-06.jsonl";
/// The latency run.
const LATENCY: &str = "results-latency-2026-12-08.jsonl";

/// The README table's cases, as the chart labels them.
const CASES: &[(&str, &str)] = &[
    ("GET v2c", "get_v2c"),
    ("GET v3 authPriv", "get_v3"),
    ("GETNEXT walk 1k", "walk_next_1k"),
    ("GETBULK walk 10k", "bulk_10k"),
    ("GETBULK walk 10k v3", "bulk_10k_v3"),
    ("GETBULK walk 100k", "bulk_100k"),
    ("GETBULK walk 100k v3", "bulk_100k_v3"),
    ("poll 200 x 20", "poll_200x20"),
    ("poll 10,000", "poll_10k"),
];

/// One bar: its label, value, and whether it is ours (drawn in the accent colour) or a
/// floor (grey).
struct Bar {
    label: String,
    value: f64,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ours,
    Peer,
    Floor,
}

fn kind(client: &str) -> Kind {
    if client.starts_with("snmp-rs") {
        Kind::Ours
    } else if client.contains("floor") {
        Kind::Floor
    } else {
        Kind::Peer
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Per (case, client), the median over rounds of `f` of each measured line of `file`.
fn medians(
    file: &Path,
    f: impl Fn(&serde_json::Value) -> Option<f64>,
) -> BTreeMap<(String, String), f64> {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let mut all: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(case), Some(client)) = (v["case"].as_str(), v["client"].as_str()) else {
            continue;
        };
        if let Some(x) = f(&v) {
            all.entry((case.to_owned(), client.to_owned()))
                .or_default()
                .push(x);
        }
    }
    all.into_iter().map(|(k, v)| (k, median(v))).collect()
}

fn num(v: &serde_json::Value, key: &str) -> Option<f64> {
    v[key].as_f64()
}

/// CPU µs per operation, per (case, client).
fn cpu_per_op(file: &Path) -> BTreeMap<(String, String), f64> {
    medians(file, |v| {
        let ops = num(v, "ops").filter(|&o| o > 0.0)?;
        Some((num(v, "user")? + num(v, "sys")?) * 1e6 / ops)
    })
}

/// Successful operations per second, per (case, client).
fn rates(file: &Path) -> BTreeMap<(String, String), f64> {
    medians(file, |v| {
        let ok = num(v, "ops")? - num(v, "errors").unwrap_or(0.0);
        Some(ok / num(v, "wall")?.max(1e-9))
    })
}

/// A horizontal bar chart: `title`, a note under it, the bars top to bottom, each value
/// printed after its bar with `fmt`.
fn bar_chart(title: &str, note: &str, bars: &[Bar], fmt: impl Fn(f64) -> String) -> String {
    let (width, label_w, bar_w, row, top) = (760u32, 250i32, 390f64, 22i32, 56i32);
    let height = (top + row * bars.len() as i32 + 16) as u32;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1e-12);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let text = |size: u32, color: &RGBColor| ("sans-serif", size).into_font().color(color);
        let draw = || -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            root.draw(&Text::new(title.to_owned(), (10, 8), text(18, &BLACK)))?;
            root.draw(&Text::new(
                note.to_owned(),
                (10, 32),
                text(13, &RGBColor(90, 90, 90)),
            ))?;
            for (i, b) in bars.iter().enumerate() {
                let y = top + row * i as i32;
                let len = ((b.value / max) * bar_w).round().max(1.0) as i32;
                let color = match b.kind {
                    Kind::Ours => RGBColor(217, 95, 2),
                    Kind::Peer => RGBColor(70, 110, 170),
                    Kind::Floor => RGBColor(160, 160, 160),
                };
                root.draw(&Text::new(b.label.clone(), (10, y + 3), text(13, &BLACK)))?;
                root.draw(&Rectangle::new(
                    [(label_w, y + 2), (label_w + len, y + row - 4)],
                    color.filled(),
                ))?;
                root.draw(&Text::new(
                    fmt(b.value),
                    (label_w + len + 6, y + 3),
                    text(13, &BLACK),
                ))?;
            }
            root.present()
        };
        draw().expect("drawing into a string");
    }
    svg
}

/// One bar per client of `case` that `keep` keeps, smallest first.
fn client_bars(
    values: &BTreeMap<(String, String), f64>,
    case: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<Bar> {
    let mut bars: Vec<Bar> = values
        .iter()
        .filter(|((c, client), _)| c == case && keep(client))
        .map(|((_, client), &value)| Bar {
            label: client.clone(),
            value,
            kind: kind(client),
        })
        .collect();
    bars.sort_by(|a, b| a.value.total_cmp(&b.value).then(a.label.cmp(&b.label)));
    bars
}

/// The charts: file name and SVG text.
fn charts(results: &Path) -> Vec<(&'static str, String)> {
    let run = results.join(RUN);
    // CPU per GET.
    // The command-line tools start a process per GET: another scale, left out.
    let bars = client_bars(&cpu_per_op(&run), "get_v2c", |c| !c.ends_with("-cli"));
    let get_cpu = bar_chart(
        "CPU per sequential GET, SNMPv2c (µs, lower is better)",
        &format!(
            "snmp-bench, {RUN}: medians of 3 rounds; orange ours, grey UDP floors (no SNMP work); the CLIs (a process per GET) left out"
        ),
        &bars,
        |v| format!("{v:.2} µs"),
    );
    // Ours against the best peer, per case.
    let rate = rates(&run);
    let bars: Vec<Bar> = CASES
        .iter()
        .filter_map(|(label, case)| {
            let ours = *rate.get(&((*case).to_owned(), "snmp-rs-tokio".to_owned()))?;
            let (peer, best) = rate
                .iter()
                .filter(|((c, client), _)| c == case && kind(client) == Kind::Peer)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|((_, client), &r)| (client.clone(), r))?;
            Some(Bar {
                label: format!("{label} (vs {peer})"),
                value: ours / best.max(1e-9),
                kind: Kind::Ours,
            })
        })
        .collect();
    let vs_peers = bar_chart(
        "snmp-rs (tokio) rate over the best peer's, per case",
        &format!("snmp-bench, {RUN}: operations or varbinds per second, medians; 1.00x is a tie"),
        &bars,
        |v| format!("{v:.2}x"),
    );
    // The walk through 10 ms.
    // A round's wall time over the walks it made (the fast clients make several a round).
    let walls = medians(&results.join(LATENCY), |v| {
        Some(num(v, "wall")? / num(v, "ops").filter(|&o| o > 0.0)?)
    });
    let bars = client_bars(&walls, "device_rtt10ms", |_| true);
    let walk = bar_chart(
        "A whole device (40,004 varbinds) through a 10 ms round trip (s per walk)",
        &format!("snmp-bench, {LATENCY}: medians; -rN: that many repetitions a request"),
        &bars,
        |v| format!("{v:.2} s"),
    );
    vec![
        ("get-cpu.svg", get_cpu),
        ("vs-peers.svg", vs_peers),
        ("walk-10ms.svg", walk),
    ]
}

/// Writes the charts, or with `--check` compares them with the committed ones.
pub(crate) fn run(args: ChartsArgs) {
    let mut differ = Vec::new();
    for (name, svg) in charts(&args.results) {
        let path = args.dir.join(name);
        if args.check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(svg.as_str()) {
                differ.push(path.display().to_string());
            }
        } else {
            std::fs::create_dir_all(&args.dir).expect("charts folder");
            std::fs::write(&path, svg).expect("write chart");
            println!("wrote {}", path.display());
        }
    }
    if !differ.is_empty() {
        eprintln!(
            "charts differ from what the result files draw: {} (redraw with `cargo run -p snmp-bench -- charts`)",
            differ.join(", ")
        );
        std::process::exit(1);
    }
    if args.check {
        println!("the charts are what the result files draw");
    }
}
