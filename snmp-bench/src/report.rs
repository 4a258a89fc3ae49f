//! The report: per case and client, the median rate over the rounds, the spread, CPU per
//! operation and per varbind, peak memory, and the ratio to the reference client.

use std::collections::BTreeMap;

use crate::cases::Case;
use crate::clients::{Client, ClientId};
use crate::measure::Measured;

/// What one client did in one case over the rounds: the rounds it completed, and why it
/// stopped if it did (a hung or failing client is not run again; the rounds it completed
/// before still count and are shown).
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) runs: Vec<Measured>,
    pub(crate) stopped: Option<String>,
}

impl Outcome {
    /// The client stopped in `round` for `why`.
    pub(crate) fn stop(&mut self, round: usize, why: &str) {
        self.stopped = Some(if self.runs.is_empty() {
            why.to_owned()
        } else {
            format!("then {why} in round {round}; median of the rounds before")
        });
    }
}

/// The median (0 for none).
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A rate for people: 1.38M, 61k, 950, 3.25.
pub(crate) fn human(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The results: per (case index, client index), what the client did over the rounds.
pub(crate) type Results = BTreeMap<(usize, usize), Outcome>;

/// Prints the table of `results` in Markdown.
pub(crate) fn print_table(
    rounds: usize,
    secs: f64,
    cases: &[Case],
    clients: &[Client],
    results: &Results,
) {
    let mut out = String::new();
    write_table(&mut out, rounds, secs, cases, clients, results);
    print!("{out}");
}

/// Writes the table of `results` in Markdown into `out`.
pub(crate) fn write_table(
    out: &mut String,
    rounds: usize,
    secs: f64,
    cases: &[Case],
    clients: &[Client],
    results: &Results,
) {
    use std::fmt::Write as _;
    let reference = clients.iter().position(|c| c.id == ClientId::SnmpRsTokio);
    for (ci, case) in cases.iter().enumerate() {
        let _ = writeln!(out, "\n## {} ({})\n", case.label, case.id);
        let _ = writeln!(
            out,
            "| client | {u}/s median | spread | varbinds/s | CPU µs/{u} | CPU µs/varbind | peak RSS | snmp-rs-tokio ÷ this |",
            u = case.unit
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- |");
        let rate = |li: usize| -> Option<f64> {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => {
                    Some(median(o.runs.iter().map(Measured::rate).collect()))
                }
                _ => None,
            }
        };
        let ref_rate = reference.and_then(rate);
        // Floors resend one request, so they compare by varbinds/s, not by operations.
        let vb_rate = |li: usize| -> Option<f64> {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => Some(median(
                    o.runs
                        .iter()
                        .map(|m| m.varbinds as f64 / m.wall.max(1e-9))
                        .collect(),
                )),
                _ => None,
            }
        };
        let ref_vb = reference.and_then(vb_rate);
        for (li, client) in clients.iter().enumerate() {
            match results.get(&(ci, li)) {
                Some(o) if !o.runs.is_empty() => {
                    let v = &o.runs;
                    let rates: Vec<f64> = v.iter().map(Measured::rate).collect();
                    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = rates.iter().copied().fold(0.0, f64::max);
                    let vb = median(
                        v.iter()
                            .map(|m| m.varbinds as f64 / m.wall.max(1e-9))
                            .collect(),
                    );
                    let cpu_op = median(
                        v.iter()
                            .map(|m| (m.user + m.sys) * 1e6 / m.ops.max(1) as f64)
                            .collect(),
                    );
                    let cpu_vb = median(
                        v.iter()
                            .map(|m| (m.user + m.sys) * 1e6 / m.varbinds.max(1) as f64)
                            .collect(),
                    );
                    let rss = v.iter().map(|m| m.maxrss_kb).max().unwrap_or(0);
                    let errors: u64 = v.iter().map(|m| m.errors).sum();
                    let r = rate(li).unwrap_or(0.0);
                    let floor = client.id.floor();
                    let ratio = match (floor, ref_rate, ref_vb) {
                        (false, Some(x), _) if r > 0.0 => format!("{:.2}x", x / r),
                        (true, _, Some(x)) if vb > 0.0 => format!("{:.2}x (varbinds/s)", x / vb),
                        _ => "-".into(),
                    };
                    let _ = writeln!(
                        out,
                        "| {}{} | {} | {}-{} | {} | {:.1} | {:.3} | {} | {}{} |",
                        client.id,
                        if client.id.ours() {
                            " (ours)"
                        } else if floor {
                            " (floor: no SNMP work; rate is requests/s)"
                        } else {
                            ""
                        },
                        human(r),
                        human(lo),
                        human(hi),
                        human(vb),
                        cpu_op,
                        cpu_vb,
                        if rss == 0 {
                            "-".to_owned()
                        } else {
                            format!("{:.1} MiB", rss as f64 / 1024.0)
                        },
                        ratio,
                        match (errors, &o.stopped) {
                            (0, None) => String::new(),
                            (0, Some(why)) => format!(" ({why})"),
                            (n, None) => format!(" ({n} errors)"),
                            (n, Some(why)) => format!(" ({n} errors; {why})"),
                        }
                    );
                }
                Some(Outcome {
                    stopped: Some(why), ..
                }) => {
                    let _ = writeln!(out, "| {} | - | - | - | - | - | - | {} |", client.id, why);
                }
                _ => {
                    let _ = writeln!(out, "| {} | - | - | - | - | - | - | no result |", client.id);
                }
            }
        }
        write_allocations(out, ci, case, clients, results);
    }
    let _ = writeln!(
        out,
        "\n{} round(s) of {} s; rates are medians over rounds of successful operations per second; CPU is user+system of the client's measured part (getrusage); peak RSS is the whole client process (interpreters included).",
        rounds, secs
    );
}

/// The heap allocations per operation of the clients that run in this binary (ours, the
/// Rust peers, the floors), where the run counted them (runs before they were counted have
/// none, and print nothing).
fn write_allocations(
    out: &mut String,
    ci: usize,
    case: &Case,
    clients: &[Client],
    results: &Results,
) {
    use std::fmt::Write as _;
    let rows: Vec<(&Client, &Outcome)> = clients
        .iter()
        .enumerate()
        .filter_map(|(li, c)| Some((c, results.get(&(ci, li))?)))
        .filter(|(_, o)| o.runs.iter().any(|m| m.allocs > 0))
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nHeap allocations (in-process clients):\n\n| client | allocations/{u} | bytes/{u} | allocations/varbind |\n| --- | --- | --- | --- |",
        u = case.unit
    );
    for (client, o) in rows {
        let per = |f: fn(&Measured) -> f64| median(o.runs.iter().map(f).collect());
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.0} | {:.2} |",
            client.id,
            per(|m| m.allocs as f64 / m.ops.max(1) as f64),
            per(|m| m.alloc_bytes as f64 / m.ops.max(1) as f64),
            per(|m| m.allocs as f64 / m.varbinds.max(1) as f64),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CASES;
    use crate::clients::Runner;

    fn run(ops: u64, varbinds: u64, wall: f64) -> Measured {
        Measured {
            ops,
            varbinds,
            errors: 0,
            wall,
            user: wall / 2.0,
            sys: 0.0,
            maxrss_kb: 2048,
            ..Measured::default()
        }
    }

    #[test]
    fn medians_and_human_numbers() {
        assert_eq!(median(vec![]), 0.0);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(human(1_380_000.0), "1.38M");
        assert_eq!(human(61_234.0), "61k");
        assert_eq!(human(950.4), "950");
        assert_eq!(human(3.254), "3.25");
    }

    #[test]
    fn the_table_gives_medians_ratios_and_reasons() {
        let clients = vec![
            Client {
                id: ClientId::SnmpRsTokio,
                runner: Runner::Builtin,
            },
            Client {
                id: ClientId::Snmp2,
                runner: Runner::Builtin,
            },
            Client {
                id: ClientId::GufoSnmp,
                runner: Runner::Missing("no venv".into()),
            },
        ];
        let cases = &CASES[..1];
        let mut results = Results::new();
        // Ours: 100, 300 and 200 GETs/s (median 200); snmp2: 100/s in every round.
        results.entry((0, 0)).or_default().runs =
            vec![run(100, 100, 1.0), run(300, 300, 1.0), run(200, 200, 1.0)];
        results.entry((0, 1)).or_default().runs = vec![run(100, 100, 1.0); 3];
        results
            .entry((0, 2))
            .or_default()
            .stop(0, "not installed: no venv");
        let mut out = String::new();
        write_table(&mut out, 3, 1.0, cases, &clients, &results);
        let row = |id: &str| {
            out.lines()
                .find(|l| l.starts_with(&format!("| {id}")))
                .unwrap_or_default()
                .to_owned()
        };
        let ours = row("snmp-rs-tokio");
        assert!(ours.contains("(ours) | 200 | 100-300 |"), "{ours}");
        assert!(ours.contains("| 1.00x"), "{ours}");
        let peer = row("snmp2");
        assert!(peer.contains("| 100 | 100-100 |"), "{peer}");
        assert!(peer.contains("| 2.00x"), "{peer}");
        assert!(row("gufo-snmp").contains("not installed: no venv"));
        assert!(out.contains("3 round(s) of 1 s"));
    }
}
