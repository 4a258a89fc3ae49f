//! How long the first name takes with the embedded set, and how much memory the process
//! holds afterwards (Linux: VmHWM, the peak resident set).
//!
//! `cargo run --release -p snmp-mib --example first_name`

use std::time::Instant;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let before = peak_rss_kib();
    let t = Instant::now();
    let mib = snmp_mib::Mib::standard();
    let oid = mib.resolve("sysDescr.0").expect("sysDescr.0 resolves");
    let first = t.elapsed();
    let t = Instant::now();
    let n = 100_000;
    let mut total = 0usize;
    for _ in 0..n {
        total += mib
            .resolve("IF-MIB::ifDescr.3")
            .map(|o| o.len())
            .unwrap_or(0);
    }
    let each = t.elapsed() / n;
    let f = snmp_mib::Format::default();
    let v = snmp_codec::Value::Integer(1);
    let o = mib.resolve("ifOperStatus.3").expect("resolves");
    let t = Instant::now();
    for _ in 0..n {
        total += f.varbind(&mib, &o, &v).len();
    }
    let fmt = t.elapsed() / n;
    println!(
        "first name resolved ({oid}) in {first:?} with the embedded standard set ({} nodes)",
        mib.node_count()
    );
    println!("then {each:?} per resolution, {fmt:?} per formatted varbind ({total})");
    if let (Some(b), Some(a)) = (before, peak_rss_kib()) {
        println!(
            "peak RSS {a} KiB ({} KiB above the process's start)",
            a.saturating_sub(b)
        );
    }
}
