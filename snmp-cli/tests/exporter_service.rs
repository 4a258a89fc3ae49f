//! `snmp exporter` as a service an operator can expose: every flag of Debian's 0.21 and of
//! upstream's current release, Go's log lines, TLS and basic auth scraped by Debian's
//! `prometheus`, bounds on connections, scrapes and header time, a closed port that fails
//! at once, and request headers that cannot crash it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use snmp_testkit::{free_tcp_port, http_get, which, KillOnDrop};

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_snmp")
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        if ok() {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Starts our exporter with `args` (and a listen address unless `args` brings its own), its
/// standard error kept in `dir/stderr.log`; waits until it accepts connections on `addr`.
fn start(dir: &Path, addr: SocketAddr, args: &[&str], listen: bool) -> KillOnDrop {
    let log = std::fs::File::create(dir.join("stderr.log")).expect("log file");
    let mut cmd = Command::new(exe());
    cmd.arg("exporter");
    if listen {
        cmd.arg(format!("--web.listen-address={addr}"));
    }
    let child = cmd
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start snmp exporter");
    let k = KillOnDrop(child);
    wait_until("the exporter to listen", Duration::from_secs(20), || {
        TcpStream::connect(addr).is_ok()
    });
    k
}

/// Simulated agents on free ports, served by a runtime of their own.
struct Sim {
    _rt: tokio::runtime::Runtime,
    sim: snmp_sim::RunningSim,
}

fn sim(agents: usize) -> Sim {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(snmp_sim::serve_agents(
            &snmp_sim::SimConfig {
                port: 0,
                agents,
                ..snmp_sim::SimConfig::default()
            },
            || snmp_sim::Agent::synthetic_device(4),
        ))
        .expect("simulated agents");
    Sim { _rt: rt, sim }
}

/// A UDP port on 127.0.0.1 that nothing listens on.
fn closed_udp_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

fn require(program: &str) -> Option<std::path::PathBuf> {
    let found = which(program);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is not installed (.ci/test installs it)"
        );
        println!("SKIPPED: {program} is not installed");
    }
    found
}

#[test]
fn every_flag_of_debian_021_and_of_upstream_starts_the_exporter() {
    let dir = tempfile::tempdir().expect("dir");
    let agents = sim(1);
    let agent = agents.sim.addrs[0];
    std::fs::write(
        dir.path().join("snmp.yml"),
        snmp_exporter::config::BUILTIN_YAML,
    )
    .expect("snmp.yml");
    let config = format!("--config.file={}", dir.path().join("snmp.yml").display());
    std::fs::write(dir.path().join("web.yml"), "").expect("web.yml");
    let web = format!("--web.config.file={}", dir.path().join("web.yml").display());
    // Each flag (or pair) with the path that proves it works.
    let cases: Vec<(Vec<String>, &str)> = vec![
        // Debian's 0.21.
        (vec!["--snmp.wrap-large-counters".into()], "/metrics"),
        (vec!["--no-snmp.wrap-large-counters".into()], "/metrics"),
        (vec!["--snmp.source-address=127.0.0.1:".into()], "/snmp"),
        (vec![config.clone()], "/snmp"),
        (vec![web.clone()], "/metrics"),
        (vec!["--log.level=debug".into()], "/metrics"),
        (vec!["--log.format=json".into()], "/metrics"),
        // Upstream's current release.
        (vec!["--snmp.module-concurrency=2".into()], "/snmp"),
        (vec!["--snmp.debug-packets".into()], "/snmp"),
        (
            vec![
                "--config.expand-environment-variables".into(),
                config.clone(),
            ],
            "/snmp",
        ),
        (vec!["--web.telemetry-path=/prom".into()], "/prom"),
    ];
    for (args, path) in cases {
        let port = free_tcp_port().expect("port");
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let _e = start(dir.path(), local(port), &a, true);
        let query = if path == "/snmp" {
            format!("/snmp?target={agent}&module=if_mib")
        } else {
            path.to_owned()
        };
        let (status, body) = http_get(local(port), &query, "").expect("http");
        assert_eq!(status, 200, "{args:?}: {body}");
        if path == "/snmp" {
            assert!(body.contains("ifInOctets{"), "{args:?}: {body}");
        } else {
            assert!(
                body.contains("snmp_exporter_build_info{"),
                "{args:?}: {body}"
            );
        }
        if args[0] == "--snmp.debug-packets" {
            let log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
            assert!(log.contains("level=debug"), "packets traced: {log}");
        }
    }
    // Two listen addresses.
    let (p1, p2) = (
        free_tcp_port().expect("port"),
        free_tcp_port().expect("port"),
    );
    let _e = start(
        dir.path(),
        local(p1),
        &[
            &format!("--web.listen-address={}", local(p1)),
            &format!("--web.listen-address={}", local(p2)),
        ],
        false,
    );
    assert_eq!(http_get(local(p2), "/metrics", "").expect("http").0, 200);
    // --dry-run and --version exit 0; a broken file exits 1.
    for (args, code) in [
        (vec!["--dry-run"], 0),
        (vec!["--version"], 0),
        (vec!["--dry-run", "--config.file=/nonexistent/snmp.yml"], 1),
    ] {
        let out = Command::new(exe())
            .arg("exporter")
            .args(&args)
            .current_dir(dir.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn systemd_socket_activation() {
    let Some(python) = require("python3") else {
        return;
    };
    // Python binds the socket, puts it at descriptor 3 and becomes the exporter (exec keeps
    // the process ID that LISTEN_PID names), as systemd does.
    let port = free_tcp_port().expect("port");
    let script = format!(
        "import os, socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('127.0.0.1', {port}))\ns.listen(16)\nos.dup2(s.fileno(), 3)\nos.set_inheritable(3, True)\nos.environ['LISTEN_FDS'] = '1'\nos.environ['LISTEN_PID'] = str(os.getpid())\nos.execv('{}', ['snmp', 'exporter', '--web.systemd-socket'])\n",
        exe()
    );
    let dir = tempfile::tempdir().expect("dir");
    let child = Command::new(python)
        .args(["-c", &script])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python");
    let _k = KillOnDrop(child);
    wait_until(
        "the activated socket to answer",
        Duration::from_secs(20),
        || http_get(local(port), "/metrics", "").is_ok_and(|(s, _)| s == 200),
    );
}

/// The keys of each log line, logfmt or JSON.
fn keys(line: &str, json: bool) -> Vec<String> {
    if json {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    } else {
        let mut k = Vec::new();
        let mut quoted = false;
        let mut word = String::new();
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                '=' if !quoted && !word.contains('=') => {
                    k.push(word.trim().to_owned());
                    word.push('=');
                }
                ' ' if !quoted => word.clear(),
                c => word.push(c),
            }
        }
        k.sort();
        k
    }
}

#[test]
fn log_lines_are_laid_out_as_debians() {
    let Some(theirs) = require("prometheus-snmp-exporter") else {
        return;
    };
    for format in ["logfmt", "json"] {
        let run = |program: &Path, pre: &[&str]| {
            let out = Command::new(program)
                .args(pre)
                .args([
                    "--config.file=/nonexistent/snmp.yml",
                    &format!("--log.format={format}"),
                ])
                .output()
                .expect("run");
            let text = String::from_utf8_lossy(&out.stderr).into_owned();
            (out.status.code(), text)
        };
        let (code_ours, ours) = run(Path::new(exe()), &["exporter"]);
        let (code_theirs, theirs_text) = run(&theirs, &[]);
        assert_eq!(code_ours, code_theirs, "{ours}\n{theirs_text}");
        let line = |text: &str, needle: &str| -> String {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no {needle:?} line in {text}"))
                .to_owned()
        };
        for needle in ["Starting snmp_exporter", "Error parsing config file"] {
            let (a, b) = (line(&ours, needle), line(&theirs_text, needle));
            let (ka, kb) = (keys(&a, format == "json"), keys(&b, format == "json"));
            for k in &kb {
                assert!(
                    ka.contains(k),
                    "{format}: {k} missing\nours:   {a}\ntheirs: {b}"
                );
            }
            if format == "logfmt" {
                // ts=... caller=... level=... msg=..., in that order.
                let order = |l: &str| -> Vec<String> {
                    l.split(' ')
                        .take(4)
                        .map(|w| w.split('=').next().unwrap_or("").to_owned())
                        .collect()
                };
                assert_eq!(order(&a), order(&b), "ours:   {a}\ntheirs: {b}");
            }
        }
    }
}

/// A pre-0.23 module both exporters read: sysUpTime, 5 s per attempt, 4 attempts.
const LEGACY_SYS: &str = "sys:\n  walk: [1.3.6.1.2.1.1.3]\n  timeout: 5s\n  retries: 3\n  metrics:\n  - name: sysUpTime\n    oid: 1.3.6.1.2.1.1.3\n    type: gauge\n";

#[test]
fn a_closed_port_fails_fast_as_upstreams_does() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("snmp.yml"), LEGACY_SYS).expect("snmp.yml");
    let config = format!("--config.file={}", dir.path().join("snmp.yml").display());
    let closed = closed_udp_port();
    let scrape = |addr: SocketAddr| {
        let started = Instant::now();
        let (status, body) = http_get(
            addr,
            &format!("/snmp?target=127.0.0.1:{closed}&module=sys"),
            "",
        )
        .expect("http");
        (status, body, started.elapsed())
    };
    let port = free_tcp_port().expect("port");
    let _e = start(dir.path(), local(port), &[&config], true);
    let (status, body, took) = scrape(local(port));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("port unreachable"), "{body}");
    // 20 s if the refusal were lost; the ICMP answer comes back at once.
    assert!(took < Duration::from_secs(5), "took {took:?}: {body}");
    let Some(theirs) = require("prometheus-snmp-exporter") else {
        return;
    };
    let tport = free_tcp_port().expect("port");
    let _t = KillOnDrop(
        Command::new(theirs)
            .arg(format!("--web.listen-address={}", local(tport)))
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("their exporter"),
    );
    wait_until("their exporter", Duration::from_secs(20), || {
        TcpStream::connect(local(tport)).is_ok()
    });
    let (tstatus, tbody, ttook) = scrape(local(tport));
    assert_eq!(tstatus, status, "{tbody}");
    assert!(tbody.contains("connection refused"), "{tbody}");
    assert!(ttook < Duration::from_secs(5), "theirs took {ttook:?}");
}

#[test]
fn hostile_timeout_headers_do_not_crash_it() {
    let dir = tempfile::tempdir().expect("dir");
    let agents = sim(1);
    let agent = agents.sim.addrs[0];
    let port = free_tcp_port().expect("port");
    let mut e = start(dir.path(), local(port), &[], true);
    for h in [
        "1e300",
        "inf",
        "NaN",
        "-5",
        "0",
        "abc",
        "1e-300",
        "18446744073709551616",
    ] {
        let (status, body) = http_get(
            local(port),
            &format!("/snmp?target={agent}&module=if_mib"),
            &format!("X-Prometheus-Scrape-Timeout-Seconds: {h}\r\n"),
        )
        .expect("http");
        if h == "1e-300" {
            // A deadline that short may run out before the simulated agent answers: then the
            // scrape is cancelled with a 503 that says so, never a crash.
            assert!(
                status == 200 || (status == 503 && body.contains("scrape cancelled")),
                "{h}: {status} {body}"
            );
        } else {
            assert_eq!(status, 200, "{h}: {body}");
        }
    }
    assert!(e.0.try_wait().expect("wait").is_none(), "still running");
}

/// Debian's Prometheus is the TLS and basic-auth client.
#[test]
fn prometheus_scrapes_it_over_https_with_basic_auth() {
    let Some(prometheus) = require("prometheus") else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let agents = sim(1);
    let agent = agents.sim.addrs[0];
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .expect("certificate");
    std::fs::write(dir.path().join("server.crt"), cert.cert.pem()).expect("crt");
    std::fs::write(dir.path().join("server.key"), cert.key_pair.serialize_pem()).expect("key");
    let hash = bcrypt::hash("scrape-secret", 6).expect("bcrypt");
    std::fs::write(
        dir.path().join("web.yml"),
        format!(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: '{hash}'\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"
        ),
    )
    .expect("web.yml");
    let port = free_tcp_port().expect("port");
    let _e = start(
        dir.path(),
        local(port),
        &[&format!(
            "--web.config.file={}",
            dir.path().join("web.yml").display()
        )],
        true,
    );
    // Plain HTTP on the TLS port gets no HTTP answer.
    assert!(
        http_get(local(port), "/metrics", "").map_or(true, |(s, _)| s != 200),
        "plain HTTP must not be served"
    );
    let job = |name: &str, path: &str, auth: &str| {
        format!(
            "  - job_name: {name}\n    scheme: https\n    metrics_path: {path}\n    params:\n      target: ['{agent}']\n      module: [if_mib]\n    tls_config:\n      ca_file: {}\n{auth}    static_configs:\n      - targets: ['127.0.0.1:{port}']\n",
            dir.path().join("server.crt").display()
        )
    };
    let good = "    basic_auth:\n      username: prometheus\n      password: scrape-secret\n";
    let wrong = "    basic_auth:\n      username: prometheus\n      password: wrong\n";
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{}{}{}{}",
        job("good", "/snmp", good),
        job("wrong_password", "/snmp", wrong),
        job("no_credentials", "/snmp", ""),
        job("exporter", "/metrics", good),
    );
    let (_p, prom) =
        snmp_testkit::start_prometheus(&prometheus, dir.path(), &config).expect("prometheus");
    let query = |q: &str| snmp_testkit::prom_instant(prom, q);
    let targets = || {
        http_get(prom, "/api/v1/targets", "")
            .map(|(_, b)| b)
            .unwrap_or_default()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    while Instant::now() < deadline {
        let up = query("up");
        let of = |job: &str| up.iter().find(|(m, _)| m["job"] == job).map(|(_, v)| *v);
        if of("good") == Some(1.0) && of("exporter") == Some(1.0) {
            break;
        }
        last = targets();
        std::thread::sleep(Duration::from_millis(200));
    }
    wait_until(
        &format!("good up, wrong and missing credentials down; targets: {last}"),
        Duration::from_secs(5),
        || {
            let up = query("up");
            let of = |job: &str| up.iter().find(|(m, _)| m["job"] == job).map(|(_, v)| *v);
            of("good") == Some(1.0)
                && of("exporter") == Some(1.0)
                && of("wrong_password") == Some(0.0)
                && of("no_credentials") == Some(0.0)
        },
    );
    wait_until("interfaces through https", Duration::from_secs(30), || {
        query("ifInOctets{job=\"good\"}").len() == 4
    });
    wait_until("401s counted", Duration::from_secs(30), || {
        query("snmp_exporter_http_rejected_total{reason=\"unauthorized\"}")
            .first()
            .is_some_and(|(_, v)| *v >= 2.0)
    });
}

fn rss_and_fds(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0);
    (rss_kb * 1024, fds)
}

/// Sends a GET on a new connection and reads the status line (a minimal async client).
async fn async_get(addr: SocketAddr, path: String) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.ok()?;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn bounded_under_a_flood_of_scrapes_and_half_open_connections() {
    let dir = tempfile::tempdir().expect("dir");
    let agents = sim(20);
    let port = free_tcp_port().expect("port");
    let e = start(
        dir.path(),
        local(port),
        &["--web.read-header-timeout=3s"],
        true,
    );
    let pid = e.0.id();
    // 500 connections that send half a request header and stop.
    let mut half_open = Vec::new();
    for _ in 0..500 {
        let mut s = TcpStream::connect(local(port)).expect("connect");
        s.write_all(b"GET /snmp?target=").expect("write");
        half_open.push(s);
    }
    // 2,000 scrapes at once over the 20 agents, while /metrics is read alongside.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addrs = agents.sim.addrs.clone();
    let (statuses, metrics_ok, peak) = rt.block_on(async move {
        let mut tasks = Vec::new();
        for i in 0..2000 {
            let path = format!("/snmp?target={}&module=if_mib", addrs[i % addrs.len()]);
            tasks.push(tokio::spawn(async_get(local(port), path)));
        }
        let mut metrics_ok = 0;
        let mut peak = (0u64, 0usize);
        for _ in 0..5 {
            if async_get(local(port), "/metrics".into()).await == Some(200) {
                metrics_ok += 1;
            }
            let (rss, fds) = rss_and_fds(pid);
            peak = (peak.0.max(rss), peak.1.max(fds));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.ok().flatten());
        }
        (statuses, metrics_ok, peak)
    });
    let ok = statuses.iter().filter(|s| **s == Some(200)).count();
    let busy = statuses.iter().filter(|s| **s == Some(503)).count();
    assert_eq!(ok + busy, 2000, "every scrape answered: {statuses:?}");
    assert!(ok >= 1000, "good scrapes kept being served: {ok} of 2000");
    assert_eq!(metrics_ok, 5, "/metrics answered throughout");
    let (rss, fds) = peak;
    assert!(rss < 512 << 20, "RSS {rss} bytes");
    // Stated bound: two per connection (the socket and its watcher), one per scrape in
    // flight, and a few of its own.
    assert!(fds < 2 * 3000 + 1500 + 100, "{fds} descriptors");
    // The half-open connections are closed by the header timeout (3 s).
    std::thread::sleep(Duration::from_secs(5));
    let mut closed = 0;
    for s in &mut half_open {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let mut b = [0u8; 256];
        // Closed: EOF (after a 408, maybe) or a reset; still open: the read times out.
        loop {
            match s.read(&mut b) {
                Ok(0) => {
                    closed += 1;
                    break;
                }
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break
                }
                Err(_) => {
                    closed += 1;
                    break;
                }
            }
        }
    }
    assert_eq!(closed, 500, "half-open connections closed");
    let (_, fds_after) = rss_and_fds(pid);
    assert!(fds_after < 100, "{fds_after} descriptors after the flood");
}

#[test]
fn over_the_caps_a_fast_503_and_a_counter() {
    let dir = tempfile::tempdir().expect("dir");
    // A UDP socket that never answers: each scrape of it waits out its timeout.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let silent_addr = silent.local_addr().expect("addr");
    let port = free_tcp_port().expect("port");
    let _e = start(
        dir.path(),
        local(port),
        &["--web.max-scrapes=4", "--web.max-connections=64"],
        true,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let statuses = rt.block_on(async move {
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let path = format!("/snmp?target={silent_addr}&module=system");
            tasks.push(tokio::spawn(async_get(local(port), path)));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.ok().flatten());
        }
        out
    });
    let busy = statuses.iter().filter(|s| **s == Some(503)).count();
    assert!(busy >= 30, "over the scrape cap: 503 ({statuses:?})");
    let (status, body) = http_get(local(port), "/metrics", "").expect("metrics");
    assert_eq!(status, 200);
    let counted = body
        .lines()
        .find(|l| l.starts_with("snmp_exporter_http_rejected_total{reason=\"too_many_scrapes\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    assert!(counted >= busy as f64, "{body}");
    drop(silent);
}

#[test]
fn upstreams_current_snmp_yml_passes_dry_run() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snmp-exporter/tests/data");
    for file in ["upstream-main-snmp.yml", "upstream-0.30.1-snmp.yml"] {
        let out = Command::new(exe())
            .args(["exporter", "--dry-run"])
            .arg(format!("--config.file={}", data.join(file).display()))
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{file}: {err}");
        assert!(err.contains("Configuration parsed successfully"), "{err}");
    }
}
