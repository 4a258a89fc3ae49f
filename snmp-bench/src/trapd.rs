//! `snmp-bench trapd`: notifications per second, `snmp trapd` against Debian's snmptrapd,
//! in one run, on one snmptrapd.conf (as its users write it).
//!
//! Cases:
//! - `log`: `authCommunity log public`, the default log format into a file (`-Lf`).
//! - `handler`: `authCommunity log,execute public` and `traphandle default` running a shell
//!   command that appends what it reads to a file (one program per notification, as
//!   snmptrapd runs it).
//!
//! Per receiver and case, a ladder of offered rates (SNMPv2c traps of one varbind, paced
//! in 1 ms steps for `--secs` seconds each): sent, and received (lines naming
//! snmpTrapOID.0 in the log or the handler's file, counted once the receiver is idle);
//! the receiver's CPU (user + system from /proc). The sustained rate is the highest step
//! with nothing lost. Then a burst of `--burst` traps as fast as one sender sends, with the
//! receiver's peak RSS (VmHWM) and what it logged.
//!
//! The `handler` case's floor: the same handler command (`/bin/sh -c COMMAND`, as both
//! receivers run it) started, fed one notification's text and awaited in a loop of this
//! program for `--secs` seconds, one at a time as a `traphandle` line runs: the rate at
//! which this machine starts such programs at all, with no SNMP work.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use serde::{Deserialize, Serialize};
use snmp_codec::{CommunityMessage, GenericPdu, Oid, Pdu, Value, VarBind, Version};

/// Options of `snmp-bench trapd`.
#[derive(Args, Clone)]
pub(crate) struct TrapdArgs {
    /// Our `snmp` binary.
    #[arg(long, default_value = "target/release/snmp")]
    snmp: PathBuf,
    /// Seconds per rate step.
    #[arg(long, default_value = "2")]
    secs: f64,
    /// Offered rates, notifications per second.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "250,500,750,1000,2000,5000,10000,20000,50000,100000"
    )]
    rates: Vec<u64>,
    /// Notifications of the burst.
    #[arg(long, default_value = "100000")]
    burst: u64,
    /// Everything once and briefly (checks the harness, claims nothing).
    #[arg(long)]
    smoke: bool,
    /// Write the results as JSON lines here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Print the table of an earlier run's `--json` file instead of running.
    #[arg(long)]
    from_json: Option<PathBuf>,
}

/// One measurement.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Row {
    receiver: String,
    case: String,
    /// `step` (a rate of the ladder) or `burst`.
    kind: String,
    offered_per_s: u64,
    sent: u64,
    received: u64,
    cpu_s: f64,
    wall_s: f64,
    /// Peak resident memory of the receiver so far (KiB).
    peak_rss_kib: u64,
}

const RECEIVERS: [&str; 2] = ["snmptrapd", "snmp trapd"];
const CASES: [&str; 2] = ["log", "handler"];

/// The MIB folders both receivers read (the embedded standard set's files).
fn mib_dirs() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snmp-mib/mibs");
    ["ietf", "iana", "ieee", "net-snmp"]
        .iter()
        .map(|d| root.join(d).display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

struct Receiver {
    child: Child,
    out: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // SIGTERM first: both end their handlers and flush.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &TrapdArgs, receiver: &str, case: &str) -> Receiver {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join(if case == "log" {
        "log.txt"
    } else {
        "handler.txt"
    });
    let conf = match case {
        "log" => "authCommunity log public\n".to_owned(),
        _ => format!(
            "authCommunity log,execute public\ndoNotLogTraps yes\ntraphandle default /bin/sh -c 'cat >> {}'\n",
            out.display()
        ),
    };
    std::fs::write(dir.path().join("td.conf"), conf).expect("conf");
    std::fs::create_dir_all(dir.path().join("persist/cert_indexes")).expect("persist");
    let port = snmp_testkit::free_udp_port().expect("port");
    let mut cmd = if receiver == "snmptrapd" {
        Command::new("snmptrapd")
    } else {
        let mut c = Command::new(&args.snmp);
        c.arg("trapd");
        c
    };
    cmd.env("MIBDIRS", mib_dirs())
        .env("SNMPCONFPATH", dir.path())
        .env("SNMP_PERSISTENT_DIR", dir.path().join("persist"))
        .env("HOME", dir.path())
        .args(["-f", "-C", "-c"])
        .arg(dir.path().join("td.conf"))
        .arg("-Lf")
        .arg(dir.path().join("log.txt"))
        .arg(format!("udp:127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = cmd.spawn().unwrap_or_else(|e| panic!("{receiver}: {e}"));
    let r = Receiver {
        child,
        out,
        port,
        _dir: dir,
    };
    // Ready when a probe shows up.
    let sock = UdpSocket::bind("127.0.0.1:0").expect("socket");
    let probe = trap(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while received(&r) == 0 {
        assert!(Instant::now() < deadline, "{receiver} did not start");
        let _ = sock.send_to(&probe, ("127.0.0.1", r.port));
        std::thread::sleep(Duration::from_millis(200));
    }
    // Let the probes drain.
    settle(&r);
    r
}

/// A v2c trap, `seq` in its one varbind.
fn trap(seq: u64) -> Vec<u8> {
    let vbs = vec![
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
            Value::TimeTicks(seq as u32),
        ),
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
            Value::ObjectIdentifier(Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 5, 3])),
        ),
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7]),
            Value::Integer(seq as i32),
        ),
    ];
    CommunityMessage::new(
        Version::V2c,
        "public",
        Pdu::SnmpV2Trap(GenericPdu::new(seq as i32, vbs)),
    )
    .to_vec()
}

/// Notifications the receiver has written out.
fn received(r: &Receiver) -> u64 {
    std::fs::read(&r.out)
        .map(|b| b.windows(13).filter(|w| *w == b"snmpTrapOID.0").count() as u64)
        .unwrap_or(0)
}

/// Waits until the count has not moved for a second (at most 60 s).
fn settle(r: &Receiver) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = received(r);
    let mut still = Instant::now();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        let now = received(r);
        if now != last {
            last = now;
            still = Instant::now();
        } else if still.elapsed() >= Duration::from_secs(1) {
            break;
        }
    }
    last
}

/// (user + system CPU seconds, peak RSS KiB) of a process.
fn usage(pid: u32) -> (f64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (cpu, hwm)
}

/// Sends `count` traps at `rate` per second (1 ms steps; as fast as possible for 0).
fn send(port: u16, count: u64, rate: u64) -> f64 {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("socket");
    let msgs: Vec<Vec<u8>> = (0..64).map(trap).collect();
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < count {
        if rate > 0 {
            let due = (start.elapsed().as_secs_f64() * rate as f64) as u64 + 1;
            if sent >= due.min(count) {
                std::thread::sleep(Duration::from_micros(200));
                continue;
            }
        }
        let _ = sock.send_to(&msgs[(sent % 64) as usize], ("127.0.0.1", port));
        sent += 1;
    }
    start.elapsed().as_secs_f64()
}

fn measure(args: &TrapdArgs, receiver: &str, case: &str, rows: &mut Vec<Row>) {
    let rates: Vec<u64> = if args.smoke {
        vec![500]
    } else {
        args.rates.clone()
    };
    let secs = if args.smoke { 0.5 } else { args.secs };
    let r = start(args, receiver, case);
    let pid = r.child.id();
    let mut lossy_steps = 0;
    for &rate in &rates {
        let before = received(&r);
        let (cpu0, _) = usage(pid);
        let count = (rate as f64 * secs) as u64;
        let t0 = Instant::now();
        send(r.port, count, rate);
        let after = settle(&r);
        let wall = t0.elapsed().as_secs_f64();
        let (cpu1, rss) = usage(pid);
        let got = after - before;
        eprintln!("  {receiver:10} {case:7} {rate:>7}/s: sent {count}, received {got}");
        rows.push(Row {
            receiver: receiver.into(),
            case: case.into(),
            kind: "step".into(),
            offered_per_s: rate,
            sent: count,
            received: got,
            cpu_s: cpu1 - cpu0,
            wall_s: wall,
            peak_rss_kib: rss,
        });
        if got * 2 < count {
            lossy_steps += 1;
            if lossy_steps >= 2 {
                break;
            }
        }
    }
    drop(r);
    // The burst, on a fresh receiver.
    let burst = if args.smoke { 2000 } else { args.burst };
    let r = start(args, receiver, case);
    let pid = r.child.id();
    let before = received(&r);
    let (cpu0, _) = usage(pid);
    let t0 = Instant::now();
    send(r.port, burst, 0);
    let after = settle(&r);
    let (cpu1, rss) = usage(pid);
    eprintln!(
        "  {receiver:10} {case:7} burst: sent {burst}, received {}, peak RSS {rss} KiB",
        after - before
    );
    rows.push(Row {
        receiver: receiver.into(),
        case: case.into(),
        kind: "burst".into(),
        offered_per_s: 0,
        sent: burst,
        received: after - before,
        cpu_s: cpu1 - cpu0,
        wall_s: t0.elapsed().as_secs_f64(),
        peak_rss_kib: rss,
    });
}

/// What a `traphandle` program reads for one of [`trap`]'s notifications (as `snmp trapd`
/// writes it), for the floor.
const HANDLER_INPUT: &str = "localhost\nUDP: [127.0.0.1]:40000->[127.0.0.1]:162\n\
    DISMAN-EVENT-MIB::sysUpTimeInstance 0:0:00:00.07\n\
    SNMPv2-MIB::snmpTrapOID.0 IF-MIB::linkDown\nIF-MIB::ifIndex.7 7\n";

/// The `handler` case's floor: handler programs started, fed and awaited one at a time by a
/// plain loop for `secs`.
fn spawn_floor(secs: f64, rows: &mut Vec<Row>) {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("handler.txt");
    let command = format!("/bin/sh -c 'cat >> {}'", out.display());
    let t0 = Instant::now();
    let cpu0 = children_cpu();
    let mut n = 0u64;
    while t0.elapsed().as_secs_f64() < secs {
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(&command)
            .stdin(Stdio::piped())
            .spawn()
            .expect("/bin/sh");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(HANDLER_INPUT.as_bytes());
        }
        let _ = child.wait();
        n += 1;
    }
    let wall = t0.elapsed().as_secs_f64();
    let written = std::fs::read(&out)
        .map(|b| b.windows(13).filter(|w| *w == b"snmpTrapOID.0").count() as u64)
        .unwrap_or(0);
    assert_eq!(written, n, "every handler program wrote its input");
    eprintln!(
        "  spawn floor: {n} handler programs in {wall:.2} s ({:.0}/s)",
        n as f64 / wall
    );
    rows.push(Row {
        receiver: "spawn floor".into(),
        case: "handler".into(),
        kind: "floor".into(),
        offered_per_s: 0,
        sent: n,
        received: written,
        cpu_s: children_cpu() - cpu0,
        wall_s: wall,
        peak_rss_kib: 0,
    });
}

/// CPU seconds (user + system) of this process's awaited children so far.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // cutime and cstime are the 14th and 15th fields after the parenthesis.
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(13) + ticks(14)) / 100.0
}

/// The table: per case and receiver, the loss at each offered rate, the sustained rate, the
/// CPU per received notification at it, and the burst.
fn table(rows: &[Row]) {
    for case in CASES {
        println!("\n## {case}");
        println!("| offered/s | snmptrapd received | snmp trapd received |");
        println!("| ---: | ---: | ---: |");
        let mut rates: Vec<u64> = rows
            .iter()
            .filter(|r| r.case == case && r.kind == "step")
            .map(|r| r.offered_per_s)
            .collect();
        rates.sort_unstable();
        rates.dedup();
        for rate in rates {
            let cell = |rx: &str| {
                rows.iter()
                    .find(|r| {
                        r.case == case
                            && r.kind == "step"
                            && r.receiver == rx
                            && r.offered_per_s == rate
                    })
                    .map(|r| {
                        format!(
                            "{} of {} ({:.1}% lost)",
                            r.received,
                            r.sent,
                            100.0 * (r.sent.saturating_sub(r.received)) as f64
                                / r.sent.max(1) as f64
                        )
                    })
                    .unwrap_or_else(|| "-".into())
            };
            println!(
                "| {rate} | {} | {} |",
                cell(RECEIVERS[0]),
                cell(RECEIVERS[1])
            );
        }
        let sustained = |rx: &str| {
            rows.iter()
                .filter(|r| {
                    r.case == case && r.kind == "step" && r.receiver == rx && r.received >= r.sent
                })
                .map(|r| r.offered_per_s)
                .max()
                .unwrap_or(0)
        };
        let (t, o) = (sustained(RECEIVERS[0]), sustained(RECEIVERS[1]));
        let ratio = if t > 0 {
            format!("{:.1}x", o as f64 / t as f64)
        } else {
            "-".into()
        };
        println!(
            "\nsustained without loss: snmptrapd {t}/s, snmp trapd {o}/s (ours/theirs {ratio}; capped by the highest rate offered)"
        );
        if let Some(f) = rows.iter().find(|r| r.case == case && r.kind == "floor") {
            let floor = f.sent as f64 / f.wall_s.max(1e-9);
            // Programs run per second while busy: a step's output over its time less the
            // quiet second that ends it, at the best step.
            let busy = |rx: &str| {
                rows.iter()
                    .filter(|r| r.case == case && r.kind == "step" && r.receiver == rx)
                    .map(|r| r.received as f64 / (r.wall_s - 1.0).max(1e-9))
                    .fold(0.0, f64::max)
            };
            let (bt, bo) = (busy(RECEIVERS[0]), busy(RECEIVERS[1]));
            println!(
                "spawn floor: a plain loop started, fed and awaited {} handler programs in {:.2} s: {floor:.0}/s one at a time ({:.2} ms CPU each). Programs run per second while busy: snmptrapd {bt:.0}/s ({:.0}% of the floor), snmp trapd {bo:.0}/s ({:.0}%). 10x snmptrapd's sustained {t}/s would be {}/s, {:.1}x the floor.",
                f.sent,
                f.wall_s,
                1000.0 * f.cpu_s / f.sent.max(1) as f64,
                100.0 * bt / floor.max(1e-9),
                100.0 * bo / floor.max(1e-9),
                10 * t,
                (10 * t) as f64 / floor.max(1e-9)
            );
        }
        for rx in RECEIVERS {
            if let Some(b) = rows
                .iter()
                .find(|r| r.case == case && r.kind == "burst" && r.receiver == rx)
            {
                println!(
                    "burst of {}: {rx} wrote {} ({:.1}% lost), CPU {:.2} s, peak RSS {:.1} MiB",
                    b.sent,
                    b.received,
                    100.0 * (b.sent.saturating_sub(b.received)) as f64 / b.sent.max(1) as f64,
                    b.cpu_s,
                    b.peak_rss_kib as f64 / 1024.0
                );
            }
        }
    }
}

/// `snmp-bench trapd`.
pub(crate) fn run(args: TrapdArgs) {
    if let Some(path) = &args.from_json {
        let text = std::fs::read_to_string(path).expect("read --from-json");
        let rows: Vec<Row> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a result line"))
            .collect();
        table(&rows);
        return;
    }
    let mut rows = Vec::new();
    for case in CASES {
        for receiver in RECEIVERS {
            measure(&args, receiver, case, &mut rows);
        }
    }
    spawn_floor(if args.smoke { 0.5 } else { args.secs }, &mut rows);
    if let Some(path) = &args.json {
        let text: String = rows
            .iter()
            .map(|r| serde_json::to_string(r).expect("json") + "\n")
            .collect();
        std::fs::write(path, text).expect("write --json");
    }
    table(&rows);
}
