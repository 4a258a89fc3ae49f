//! The processes of a run: agent groups, one client process per (round, case, client), each
//! killed if it hangs, and Net-SNMP's tools timed from outside.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cases::{Case, Group, Work, GET_OID, GROUPS, V3_AUTH, V3_PRIV, V3_USER};
use crate::clients::{Client, ClientId, Runner};
use crate::measure::{rusage, Measured, Reported};
use crate::RunArgs;

/// Serves an agent group until stdin closes (the `agent` subcommand).
#[allow(clippy::too_many_arguments)]
pub(crate) fn agent(
    bind: std::net::IpAddr,
    port: u16,
    ports: usize,
    interfaces: u32,
    v3: bool,
    busy_poll_us: u64,
    delay_ms: u64,
    processing_us: u64,
) {
    let mut config = snmp_sim::SimConfig {
        bind,
        port,
        agents: ports,
        busy_poll: Duration::from_micros(busy_poll_us),
        net: snmp_sim::NetFaults {
            delay: Duration::from_millis(delay_ms),
            processing: Duration::from_micros(processing_us),
            ..Default::default()
        },
        ..Default::default()
    };
    if v3 {
        config.users.push(crate::ours::v3_user());
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    // Stop when the harness closes our stdin (or dies).
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::stdin()
            .read_line(&mut sink)
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let result = snmp_sim::fast::run(
        &config,
        || snmp_sim::Agent::synthetic_device(interfaces),
        &stop,
        |addrs| println!("ready {}", addrs.len()),
    );
    if let Err(e) = result {
        eprintln!("agent: {e}");
        std::process::exit(1);
    }
}

/// The agent processes, stopped (stdin closed, then waited for) when dropped.
pub(crate) struct Agents(pub(crate) Vec<Child>);

impl Drop for Agents {
    fn drop(&mut self) {
        for c in &mut self.0 {
            drop(c.stdin.take());
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

/// Starts the agent `groups`, each a process pinned to the agents' CPU, and waits until each
/// is ready.
pub(crate) fn start_agents(args: &RunArgs, groups: &[usize], busy_poll_us: u64) -> Agents {
    let exe = std::env::current_exe().unwrap();
    let mut children = Vec::new();
    for &g in groups {
        let Group {
            offset: off,
            agents: n,
            interfaces,
            v3,
            delay_ms,
            processing_us,
            smoke_interfaces,
        } = GROUPS[g];
        let interfaces = if args.smoke {
            smoke_interfaces
        } else {
            interfaces
        };
        let mut cmd = Command::new("taskset");
        cmd.arg("-c")
            .arg(args.agent_cpu.to_string())
            .arg(&exe)
            .args(["agent", "--port"])
            .arg((args.base_port + off).to_string())
            .arg("--ports")
            .arg(n.to_string())
            .arg("--interfaces")
            .arg(interfaces.to_string())
            .arg("--busy-poll-us")
            .arg(busy_poll_us.to_string())
            .arg("--delay-ms")
            .arg(delay_ms.to_string())
            .arg("--processing-us")
            .arg(processing_us.to_string());
        if v3 {
            cmd.arg("--v3");
        }
        children.push(spawn_agent(&mut cmd, &format!("agent group {g}")));
    }
    Agents(children)
}

/// Starts an agent process (`snmp-bench agent ...`) and waits until it says it is ready.
pub(crate) fn spawn_agent(cmd: &mut Command, what: &str) -> Child {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("ready"), "{what} did not start");
    child
}

/// Runs one client on one case; `Err` says why there is no measurement (not installed, no
/// such operation, failed or hung).
pub(crate) fn run_one(
    args: &RunArgs,
    client: &Client,
    case: &Case,
    secs: f64,
) -> Result<Measured, String> {
    let group = GROUPS[case.group];
    let port = (args.base_port + group.offset).to_string();
    let count = group.agents.to_string();
    let secs_s = format!("{secs}");
    if client.id.peer_r256() && !case.id.latency() {
        return Err("max-repetitions 256: measured in the latency cases only".into());
    }
    let mut cmd = Command::new("taskset");
    cmd.arg("-c").arg(args.client_cpu.to_string());
    match &client.runner {
        Runner::Missing(why) => return Err(format!("not installed: {why}")),
        Runner::Builtin => {
            cmd.arg(std::env::current_exe().unwrap())
                .args(["client", client.id.as_str(), case.id.as_str()])
                .args([&secs_s, &port, &count]);
        }
        Runner::Python(py) => {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/peer.py");
            cmd.arg(py).arg(script).args([
                client.id.as_str(),
                case.id.as_str(),
                &secs_s,
                &port,
                &count,
            ]);
        }
        Runner::C(_) if case.id.latency() => {
            return Err("not measured in the latency cases".into());
        }
        Runner::C(bin) => {
            cmd.arg(bin)
                .args([case.id.as_str(), &secs_s, &port, &count]);
        }
        Runner::Cli if client.id == ClientId::NetSnmpCliR256 => {
            return run_cli(args, case, secs, None, 256)
        }
        Runner::Cli => return run_cli(args, case, secs, None, 25),
        Runner::OurCli(bin) => return run_cli(args, case, secs, Some(bin), 25),
    }
    let out = output_within(&mut cmd, Duration::from_secs_f64(30.0 + secs * 10.0))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().rev().find(|l| l.starts_with('{')) else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no output");
        return Err(format!("failed: {last}"));
    };
    let reported: Reported =
        serde_json::from_str(line).map_err(|e| format!("bad output: {e}: {line}"))?;
    reported.into_result()
}

/// User + system CPU ticks of process `pid` (`/proc/PID/stat`), if readable.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Runs `cmd` and collects its output; a client still running after `limit` is killed (a peer
/// that hangs, or is too slow, is reported as such, and the run goes on).
pub(crate) fn output_within(
    cmd: &mut Command,
    limit: Duration,
) -> Result<std::process::Output, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut b);
        }
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut b);
        }
        b
    });
    let start = Instant::now();
    // The child's CPU time, sampled every second: at the limit, a child whose CPU time still
    // moved in the last 5 s was working (too slow), not hung.
    let mut samples: std::collections::VecDeque<(Instant, Option<u64>)> = Default::default();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if samples
            .back()
            .is_none_or(|(t, _)| t.elapsed() >= Duration::from_secs(1))
        {
            samples.push_back((Instant::now(), cpu_ticks(child.id())));
            if samples.len() > 6 {
                samples.pop_front();
            }
        }
        if start.elapsed() > limit {
            let now = cpu_ticks(child.id());
            let _ = child.kill();
            let _ = child.wait();
            let secs = limit.as_secs();
            let busy = match (samples.front().and_then(|(_, c)| *c), now) {
                (Some(then), Some(now)) => now > then,
                _ => false,
            };
            return Err(if busy {
                format!("too slow: still using CPU when killed after {secs} s")
            } else {
                format!("hung: no CPU in its last 5 s, killed after {secs} s")
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(std::process::Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    })
}

/// Net-SNMP's `snmpwalk`/`snmpbulkwalk`/`snmpget`, or ours (`snmp walk`, ... when `ours`
/// is the `snmp` binary) with the same options: one process per walk or GET, timed from
/// outside. The GET cases count one GET per process (whole processes: start-up included).
fn run_cli(
    args: &RunArgs,
    case: &Case,
    secs: f64,
    ours: Option<&Path>,
    reps: u32,
) -> Result<Measured, String> {
    let target = format!("127.0.0.1:{}", args.base_port + GROUPS[case.group].offset);
    let (tool, root) = match case.id.work() {
        Work::Walk { bulk: false, root } => ("snmpwalk", root),
        Work::Walk { bulk: true, root } => ("snmpbulkwalk", root),
        Work::Get if GROUPS[case.group].agents == 1 => ("snmpget", GET_OID),
        _ => return Err("one process per request: not comparable".into()),
    };
    let v3 = case.id.v3();
    let before = rusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    let start = Instant::now();
    let (mut ops, mut varbinds) = (0u64, 0u64);
    while ops == 0 || start.elapsed().as_secs_f64() < secs {
        let mut cmd = Command::new("taskset");
        cmd.arg("-c").arg(args.client_cpu.to_string());
        match ours {
            Some(bin) => cmd.arg(bin).arg(&tool[4..]),
            None => cmd.arg(tool),
        };
        // Numeric output and no MIB files for both (ours would use its embedded set).
        cmd.args(["-On", "-m", "", "-t", "5", "-r", "1"]);
        if tool == "snmpbulkwalk" {
            cmd.arg(format!("-Cr{reps}"));
        }
        if v3 {
            cmd.args([
                "-v3", "-l", "authPriv", "-u", V3_USER, "-a", "SHA-256", "-A", V3_AUTH, "-x",
                "AES", "-X", V3_PRIV,
            ]);
        } else {
            cmd.args(["-v2c", "-c", "public"]);
        }
        let out = cmd
            .arg(&target)
            .arg(root)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        varbinds += out.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
        ops += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let after = rusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    Ok(Measured {
        ops,
        varbinds,
        errors: 0,
        wall,
        user: after.0 - before.0,
        sys: after.1 - before.1,
        // ru_maxrss of children is the largest child so far, not this tool's: not reported.
        maxrss_kb: 0,
        ..Measured::default()
    })
}
