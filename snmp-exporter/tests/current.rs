//! The current layout's behaviour (snmp_exporter 0.23 and later: `auths:` + `modules:`) and
//! hostile input: several modules per scrape with `module` labels, a failed module costing
//! only itself, unknown auths, odd query strings, targets that do not resolve or answer, a
//! thousand scrapes at once, and a scraper's timeout header.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_exporter::{Config, ConfigSource, Exporter, Options};

const CONFIG: &str = r#"
auths:
  public_v2:
    community: public
    version: 2
  public_v1:
    community: public
    version: 1
  wrong:
    community: nobody-knows-this
    version: 2
  v3:
    version: 3
    username: exporter
    security_level: authPriv
    password: exporter-auth-pw
    auth_protocol: SHA256
    priv_password: exporter-priv-pw
    priv_protocol: AES
modules:
  sys:
    get: [1.3.6.1.2.1.1.3.0, 1.3.6.1.2.1.1.5.0]
    metrics:
      - name: sysUpTime
        oid: 1.3.6.1.2.1.1.3
        type: gauge
        help: uptime
      - name: sysName
        oid: 1.3.6.1.2.1.1.5
        type: DisplayString
        help: name
  ifs:
    walk: [1.3.6.1.2.1.2.2.1.10, 1.3.6.1.2.1.2.2.1.2, 1.3.6.1.2.1.2.2.1.7]
    metrics:
      - name: ifInOctets
        oid: 1.3.6.1.2.1.2.2.1.10
        type: counter
        help: in
        indexes:
          - labelname: ifIndex
            type: gauge
        lookups:
          - labels: [ifIndex]
            labelname: ifDescr
            oid: 1.3.6.1.2.1.2.2.1.2
            type: DisplayString
        scale: 8
      - name: ifAdminStatus
        oid: 1.3.6.1.2.1.2.2.1.7
        type: EnumAsStateSet
        help: admin
        indexes:
          - labelname: ifIndex
            type: gauge
        enum_values:
          1: up
          2: down
          3: testing
  filtered:
    walk: [1.3.6.1.2.1.2.2.1.10]
    filters:
      - oid: 1.3.6.1.2.1.2.2.1.2
        targets: [1.3.6.1.2.1.2.2.1.10]
        values: ["^eth[12]$"]
    metrics:
      - name: ifInOctets
        oid: 1.3.6.1.2.1.2.2.1.10
        type: counter
        help: in
        indexes:
          - labelname: ifIndex
            type: gauge
  sys_cached:
    get: [1.3.6.1.2.1.1.3.0]
    v3_engine_cache: true
    metrics:
      - name: sysUpTime
        oid: 1.3.6.1.2.1.1.3
        type: gauge
        help: uptime
  ifs_cached:
    walk: [1.3.6.1.2.1.2.2]
    lookup_cache: 1h
    metrics:
      - name: ifInOctets
        oid: 1.3.6.1.2.1.2.2.1.10
        type: counter
        help: in
        indexes:
          - labelname: ifIndex
            type: gauge
        lookups:
          - labels: [ifIndex]
            labelname: ifDescr
            oid: 1.3.6.1.2.1.2.2.1.2
            type: DisplayString
  slow:
    walk: [1.3.6.1.2.1.2]
    timeout: 200ms
    retries: 0
    metrics: []
  fast_parallel:
    walk: [1.3.6.1.2.1.2.2]
    parallel_walks: 4
    adaptive_repetitions: 64
    metrics:
      - name: ifInOctets
        oid: 1.3.6.1.2.1.2.2.1.10
        type: counter
        help: in
        indexes:
          - labelname: ifIndex
            type: gauge
"#;

/// A small device whose values do not move: sysUpTime, sysName and four interfaces.
fn device() -> snmp_sim::data::Data {
    use snmp_tokio::{Oid, Value};
    let oid = |s: &str| s.parse::<Oid>().expect("oid");
    let mut d = snmp_sim::data::Data::new();
    d.insert(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(12345));
    d.insert(oid("1.3.6.1.2.1.1.5.0"), Value::from("edge-1"));
    for i in 1..=4u32 {
        d.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.1.{i}")),
            Value::Integer(i as i32),
        );
        d.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")),
            Value::from(format!("eth{i}").as_str()),
        );
        d.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.7.{i}")),
            Value::Integer(if i == 4 { 2 } else { 1 }),
        );
        d.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.10.{i}")),
            Value::Counter32(1000 * i),
        );
    }
    d
}

struct Setup {
    rt: tokio::runtime::Runtime,
    http: SocketAddr,
    agent: SocketAddr,
    sim: snmp_sim::RunningSim,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(snmp_sim::serve(
            &snmp_sim::SimConfig {
                port: 0,
                agents: 1,
                users: vec![snmp_tokio::UsmUser::new("exporter")
                    .with_auth(snmp_tokio::AuthProtocol::Sha256, b"exporter-auth-pw")
                    .and_then(|u| {
                        u.with_privacy(snmp_tokio::PrivProtocol::Aes128, b"exporter-priv-pw")
                    })
                    .expect("user")],
                ..snmp_sim::SimConfig::default()
            },
            &device(),
        ))
        .expect("sim");
    let agent = sim.addrs[0];
    let cfg = Config::parse(CONFIG, "test.yml").expect("config");
    let exporter = Arc::new(Exporter::with_config(
        ConfigSource::Files(vec![]),
        cfg,
        Options {
            module_concurrency: 2,
            ..Options::default()
        },
    ));
    let http = rt.block_on(async {
        let l = snmp_exporter::listen("127.0.0.1:0").await.expect("bind");
        let a = l.local_addr().expect("addr");
        tokio::spawn(snmp_exporter::serve(exporter, l));
        a
    });
    Setup {
        rt,
        http,
        agent,
        sim,
    }
}

fn get(addr: SocketAddr, path: &str, headers: &str) -> (u16, String) {
    snmp_testkit::http_get(addr, path, headers).expect("HTTP GET")
}

#[test]
fn several_modules_with_module_labels_and_scale() {
    let s = setup();
    let (st, body) = get(
        s.http,
        &format!("/snmp?target={}&module=sys,ifs", s.agent),
        "",
    );
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("snmp_scrape_pdus_returned{module=\"sys\"} 2\n"),
        "{body}"
    );
    assert!(
        body.contains("snmp_scrape_pdus_returned{module=\"ifs\"} 12\n"),
        "{body}"
    );
    assert!(body.contains("sysName{sysName=\"edge-1\"} 1\n"), "{body}");
    // scale 8: eth1 has ifInOctets 1000.
    assert!(
        body.contains("ifInOctets{ifDescr=\"eth1\",ifIndex=\"1\"} 8000\n"),
        "{body}"
    );
    // EnumAsStateSet: one series per state, 1 for the current one.
    let states: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("ifAdminStatus{") && l.contains("ifIndex=\"1\""))
        .collect();
    assert_eq!(
        states,
        vec![
            "ifAdminStatus{ifAdminStatus=\"down\",ifIndex=\"1\"} 0",
            "ifAdminStatus{ifAdminStatus=\"testing\",ifIndex=\"1\"} 0",
            "ifAdminStatus{ifAdminStatus=\"up\",ifIndex=\"1\"} 1",
        ]
    );
    assert!(body.contains("# HELP ifAdminStatus admin (EnumAsStateSet)"));
    assert!(body.contains("sysName{sysName=\""), "{body}");
    drop(s.rt);
}

#[test]
fn a_failed_module_costs_only_itself() {
    let s = setup();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    let dead = silent.local_addr().expect("addr");
    // The agent answers sys; the slow module goes to a silent port: 200 with sys's samples.
    let (st, body) = get(s.http, &format!("/snmp?target={}&module=sys", s.agent), "");
    assert_eq!(st, 200);
    assert!(body.contains("sysUpTime"));
    let (st, body) = get(s.http, &format!("/snmp?target={dead}&module=slow"), "");
    assert_eq!(st, 500, "nothing gathered: an error, as upstream");
    assert!(body.contains("request timeout (after 0 retries)"), "{body}");
    // Filters: only eth1 and eth2 are fetched.
    let (st, body) = get(
        s.http,
        &format!("/snmp?target={}&module=filtered", s.agent),
        "",
    );
    assert_eq!(st, 200, "{body}");
    let rows: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("ifInOctets{"))
        .collect();
    assert_eq!(
        rows,
        vec![
            "ifInOctets{ifIndex=\"1\"} 1000",
            "ifInOctets{ifIndex=\"2\"} 2000"
        ]
    );
    // Parallel, adaptive walks give the same samples as a plain one.
    let (_, par) = get(
        s.http,
        &format!("/snmp?target={}&module=fast_parallel", s.agent),
        "",
    );
    assert_eq!(
        par.lines().filter(|l| l.starts_with("ifInOctets{")).count(),
        4,
        "{par}"
    );
    // A wrong community: a timeout of that module only.
    let (st, body) = get(
        s.http,
        &format!("/snmp?target={}&module=sys&auth=public_v1", s.agent),
        "",
    );
    assert_eq!(st, 200, "v1 works: {body}");
    drop(silent);
}

#[test]
fn bad_requests_get_clear_answers() {
    let s = setup();
    for (path, status, text) in [
        (
            format!("/snmp?target={}&module=sys&auth=nope", s.agent),
            400,
            "Unknown auth 'nope'\n",
        ),
        (
            format!("/snmp?target={}&module=nope", s.agent),
            400,
            "Unknown module 'nope'\n",
        ),
        (
            format!("/snmp?target={}&module=,,", s.agent),
            400,
            "'module' parameter must contain at least one module name\n",
        ),
        (
            format!("/snmp?target={}&auth=a&auth=b", s.agent),
            400,
            "'auth' parameter must only be specified once\n",
        ),
        (
            "/snmp?target=".to_owned(),
            400,
            "'target' parameter must be specified once\n",
        ),
        ("/-/reload".to_owned(), 400, "POST method expected\n"),
        ("/-/healthy".to_owned(), 200, "Healthy"),
    ] {
        let (st, body) = get(s.http, &path, "");
        assert_eq!((st, body.as_str()), (status, text), "{path}");
    }
    // Odd bytes in the query string and targets that cannot be hosts: an answer, no crash
    // (and no name lookup: a host name that is not one is refused before the resolver).
    for path in [
        "/snmp?target=%ff%fe%00&module=sys",
        "/snmp?target=127.0.0.1:99999&module=sys",
        "/snmp?target=[::1&module=slow",
        "/snmp?target=%&module=%zz",
        "/snmp?target=tcp://127.0.0.1:1&module=sys",
    ] {
        let (st, body) = get(s.http, path, "");
        assert!(st == 400 || st == 500, "{path}: {st} {body}");
        assert!(!body.is_empty(), "{path}");
    }
    // The exporter still answers.
    let (st, _) = get(s.http, &format!("/snmp?target={}&module=sys", s.agent), "");
    assert_eq!(st, 200);
    let (st, metrics) = get(s.http, "/metrics", "");
    assert_eq!(st, 200);
    assert!(metrics.contains("snmp_request_errors_total "), "{metrics}");
    let (st, config) = get(s.http, "/config", "");
    assert_eq!(st, 200);
    assert!(
        config.contains("<secret>") && !config.contains("nobody-knows-this"),
        "{config}"
    );
}

#[test]
fn a_thousand_scrapes_at_once_and_a_dead_target_does_not_slow_the_others() {
    let s = setup();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    let dead = silent.local_addr().expect("addr");
    let http = s.http;
    let agent = s.agent;
    // A dead target's scrape (200 ms timeout) runs meanwhile.
    let dead_scrape =
        std::thread::spawn(move || get(http, &format!("/snmp?target={dead}&module=slow"), ""));
    let start = Instant::now();
    // A thousand clients at once, each with one scrape.
    let gate = Arc::new(std::sync::Barrier::new(1000));
    let threads: Vec<_> = (0..1000)
        .map(|_| {
            let gate = gate.clone();
            std::thread::spawn(move || {
                gate.wait();
                let (st, body) = get(http, &format!("/snmp?target={agent}&module=sys"), "");
                usize::from(st == 200 && body.contains("sysUpTime"))
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(ok, 1000, "every scrape answered");
    let (st, _) = dead_scrape.join().expect("dead scrape");
    assert_eq!(st, 500);
    // Not a speed assertion: a bound that only a scrape stuck behind the dead one would break.
    assert!(start.elapsed() < Duration::from_secs(60));
    drop(silent);
}

#[test]
fn the_scrapers_timeout_header_stops_the_work() {
    let s = setup();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    let dead = silent.local_addr().expect("addr");
    // Without the header the 'ifs' module would wait 5 s x 4 attempts on the silent port.
    let start = Instant::now();
    let (st, body) = get(
        s.http,
        &format!("/snmp?target={dead}&module=ifs"),
        "X-Prometheus-Scrape-Timeout-Seconds: 1\r\n",
    );
    assert_eq!(st, 503, "{body}");
    assert!(body.contains("scrape cancelled"), "{body}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    drop(silent);
}

fn packets(body: &str, module: &str) -> f64 {
    let prefix = format!("snmp_scrape_packets_sent{{module=\"{module}\"}} ");
    body.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no packet count in {body}"))
}

#[test]
fn v3_engines_kept_between_scrapes_when_asked() {
    let s = setup();
    let scrape = |module: &str| {
        let (st, body) = get(
            s.http,
            &format!("/snmp?target={}&module={module}&auth=v3", s.agent),
            "",
        );
        assert_eq!(st, 200, "{body}");
        assert!(body.contains("sysUpTime"), "{body}");
        packets(&body, module)
    };
    // Upstream's behaviour: a discovery in every scrape.
    let (a, b) = (scrape("sys"), scrape("sys"));
    assert_eq!(a, b);
    // v3_engine_cache: the first scrape discovers, the next ones do not.
    let first = scrape("sys_cached");
    let second = scrape("sys_cached");
    let third = scrape("sys_cached");
    assert_eq!(first, a, "the first scrape costs what upstream's do");
    assert!(
        second < first,
        "no discovery the second time: {first} then {second}"
    );
    assert_eq!(second, third);
}

#[test]
fn a_client_that_goes_away_stops_its_scrape() {
    let s = setup();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    let dead = silent.local_addr().expect("addr");
    // 'ifs' would wait 5 s x 4 attempts; the client gives up after 300 ms.
    let mut c = TcpStream::connect(s.http).expect("connect");
    write!(
        c,
        "GET /snmp?target={dead}&module=ifs HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .expect("send");
    std::thread::sleep(Duration::from_millis(300));
    let (_, metrics) = get(s.http, "/metrics", "");
    assert!(
        metrics.contains("\nsnmp_request_in_flight 1\n"),
        "{metrics}"
    );
    drop(c);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, metrics) = get(s.http, "/metrics", "");
        if metrics.contains("\nsnmp_request_in_flight 0\n") {
            break;
        }
        assert!(Instant::now() < deadline, "the scrape went on: {metrics}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(silent);
}

fn samples_of(body: &str) -> Vec<&str> {
    body.lines()
        .filter(|l| l.starts_with("ifInOctets{"))
        .collect()
}

#[test]
fn lookups_kept_while_the_agent_has_not_restarted() {
    let s = setup();
    let scrape = || {
        let (st, body) = get(
            s.http,
            &format!("/snmp?target={}&module=ifs_cached", s.agent),
            "",
        );
        assert_eq!(st, 200, "{body}");
        body
    };
    let first = scrape();
    let second = scrape();
    assert_eq!(samples_of(&first), samples_of(&second));
    assert!(
        first.contains("ifInOctets{ifDescr=\"eth1\",ifIndex=\"1\"} 1000\n"),
        "{first}"
    );
    let (p1, p2) = (
        packets(&first, "ifs_cached"),
        packets(&second, "ifs_cached"),
    );
    assert!(
        p2 < p1,
        "the lookup column is not walked again: {p1} then {p2}"
    );
    // The agent restarts (sysUpTime goes back) with a renamed interface: fetched again.
    {
        let agent = &s.sim.agents[0];
        let mut a = agent.lock().expect("agent");
        let oid = |x: &str| x.parse::<snmp_tokio::Oid>().expect("oid");
        a.data
            .insert(oid("1.3.6.1.2.1.1.3.0"), snmp_tokio::Value::TimeTicks(5));
        a.data.insert(
            oid("1.3.6.1.2.1.2.2.1.2.1"),
            snmp_tokio::Value::from("uplink"),
        );
    }
    let third = scrape();
    assert_eq!(packets(&third, "ifs_cached"), p1);
    assert!(
        third.contains("ifInOctets{ifDescr=\"uplink\",ifIndex=\"1\"} 1000\n"),
        "{third}"
    );
}

#[test]
fn v3_engines_kept_across_restarts_in_the_state_file() {
    let s = setup();
    let dir = tempfile::tempdir().expect("dir");
    let state = dir.path().join("engines.json");
    let serve = |rt: &tokio::runtime::Runtime| {
        let cfg = Config::parse(CONFIG, "test.yml").expect("config");
        let exporter = Arc::new(Exporter::with_config(
            ConfigSource::Files(vec![]),
            cfg,
            Options {
                module_concurrency: 1,
                engine_state_file: Some(state.clone()),
                ..Options::default()
            },
        ));
        rt.block_on(async {
            let l = snmp_exporter::listen("127.0.0.1:0").await.expect("bind");
            let a = l.local_addr().expect("addr");
            (a, tokio::spawn(snmp_exporter::serve(exporter, l)))
        })
    };
    let scrape = |http: SocketAddr| {
        let (st, body) = get(
            http,
            &format!("/snmp?target={}&module=sys_cached&auth=v3", s.agent),
            "",
        );
        assert_eq!(st, 200, "{body}");
        packets(&body, "sys_cached")
    };
    let (first_http, first_task) = serve(&s.rt);
    let with_discovery = scrape(first_http);
    // Written off the runtime, shortly after the scrape.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !state.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let saved = std::fs::read_to_string(&state).expect("the state file was written");
    assert!(
        !saved.contains("exporter-auth-pw"),
        "no secret in the state file: {saved}"
    );
    // Keyed by transport, host, port, user and context only, in clear.
    assert!(
        saved.contains(&format!("|{}|{}|", s.agent.ip(), s.agent.port())),
        "{saved}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the state file is private");
    }
    first_task.abort();
    // A new exporter (a restart) with the same state file: no discovery for its first scrape.
    let (second_http, second_task) = serve(&s.rt);
    let after_restart = scrape(second_http);
    assert!(
        after_restart < with_discovery,
        "{with_discovery} then {after_restart}"
    );
    second_task.abort();
}

#[test]
fn the_v3_cache_keeps_only_good_scrapes_and_stays_bounded() {
    const N_DEAD: u32 = 100_000;
    let s = setup();
    // The kept module, with a short timeout: the kernel rate-limits ICMP port unreachable
    // (1,000 a second), so most of the dead targets time out rather than being refused.
    let text = format!(
        "{CONFIG}  sys_cached_fast:\n    get: [1.3.6.1.2.1.1.3.0]\n    v3_engine_cache: true\n    timeout: 100ms\n    retries: 0\n    metrics:\n      - {{name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}}\n"
    );
    let cfg = Config::parse(&text, "test.yml").expect("config");
    let exporter = Arc::new(Exporter::with_config(
        ConfigSource::Files(vec![]),
        cfg,
        Options {
            max_kept: 5,
            ..Options::default()
        },
    ));
    let req = |target: String| snmp_exporter::ScrapeRequest {
        target,
        modules: vec!["sys_cached_fast".into()],
        auth: "v3".into(),
        ..Default::default()
    };
    // 100,000 distinct targets that do not answer (closed ports: each refused at once):
    // nothing is kept for any of them.
    let e = exporter.clone();
    let failed = s.rt.block_on(async move {
        use futures_util::StreamExt;
        futures_util::stream::iter(0..N_DEAD)
            .map(|i| {
                let e = e.clone();
                let target = format!(
                    "127.0.{}.{}:{}",
                    1 + i / 50_000,
                    1 + i % 250,
                    20_000 + i % 20_000
                );
                async move { e.scrape(req(target)).await.is_ok() }
            })
            .buffer_unordered(4096)
            .filter(|ok| futures_util::future::ready(!*ok))
            .count()
            .await
    });
    assert!(
        failed as u32 >= N_DEAD * 99 / 100,
        "{failed} of {N_DEAD} failed"
    );
    assert_eq!(exporter.kept_v3_clients(), 0, "failed scrapes keep nothing");
    // The live agent: kept.
    let live = |target: String| snmp_exporter::ScrapeRequest {
        modules: vec!["sys_cached".into()],
        ..req(target)
    };
    let r = s.rt.block_on(exporter.scrape(live(s.agent.to_string())));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(exporter.kept_v3_clients(), 1);
    // Good scrapes of more targets than the bound (the same agent under 12 names): at most
    // `max_kept` clients are kept.
    for i in 0..12 {
        let target = format!("udp://{}", s.agent);
        let mut r = live(target);
        r.overrides.context = Some(format!("c{i}"));
        let _ = s.rt.block_on(exporter.scrape(r));
        assert!(exporter.kept_v3_clients() <= 5);
    }
}
