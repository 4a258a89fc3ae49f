//! `snmp exporter` inside Prometheus: Debian's `prometheus` scrapes 50 simulated agents
//! through two exporter processes, sharded with the `hashmod` relabelling of snmp_exporter's
//! README; every target must be up with all its series, and stopping one exporter must take
//! down its shard only.

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use snmp_testkit::{free_tcp_port, which, KillOnDrop};

const AGENTS: usize = 50;
const INTERFACES: u32 = 4;

/// A PromQL query's vector result: (labels, value) pairs.
fn query(prom: SocketAddr, q: &str) -> Vec<(serde_json::Value, f64)> {
    snmp_testkit::prom_instant(prom, q)
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        if ok() {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn start_exporter(dir: &std::path::Path) -> (KillOnDrop, SocketAddr) {
    let port = free_tcp_port().expect("port");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    // No --config.file and no ./snmp.yml: the built-in modules.
    let child = Command::new(env!("CARGO_BIN_EXE_snmp"))
        .args(["exporter", "--web.listen-address", &addr.to_string()])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmp exporter");
    let k = KillOnDrop(child);
    wait_until("the exporter to listen", Duration::from_secs(20), || {
        TcpStream::connect(addr).is_ok()
    });
    (k, addr)
}

#[test]
fn prometheus_scrapes_two_sharded_exporters() {
    let Some(prometheus) = which("prometheus") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "prometheus is not installed (apt-get install -y prometheus)"
        );
        println!("SKIPPED: prometheus is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");

    // 50 simulated agents on free ports (a runtime of their own, in this process).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(snmp_sim::serve_agents(
            &snmp_sim::SimConfig {
                port: 0,
                agents: AGENTS,
                ..snmp_sim::SimConfig::default()
            },
            || snmp_sim::Agent::synthetic_device(INTERFACES),
        ))
        .expect("simulated agents");

    let (mut shard0, e0) = start_exporter(dir.path());
    let (_shard1, e1) = start_exporter(dir.path());

    let targets: Vec<String> = sim.addrs.iter().map(|a| format!("\"{a}\"")).collect();
    let job = |n: usize, exporter: SocketAddr| {
        format!(
            "  - job_name: snmp_shard{n}\n    metrics_path: /snmp\n    params:\n      module: [if_mib]\n      auth: [public_v2]\n    static_configs:\n      - targets: [{}]\n    relabel_configs:\n      - source_labels: [__address__]\n        modulus: 2\n        target_label: __tmp_hash\n        action: hashmod\n      - source_labels: [__tmp_hash]\n        regex: \"{n}\"\n        action: keep\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: {exporter}\n",
            targets.join(", ")
        )
    };
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{}{}",
        job(0, e0),
        job(1, e1)
    );
    let (_prom, prom) =
        snmp_testkit::start_prometheus(&prometheus, dir.path(), &config).expect("prometheus");

    // Every target up, through its shard's exporter.
    wait_until("all 50 targets up", Duration::from_secs(60), || {
        let up = query(prom, "up");
        up.len() == AGENTS && up.iter().all(|(_, v)| *v == 1.0)
    });
    let per_job = |job: &str| {
        query(prom, "up")
            .into_iter()
            .filter(|(m, _)| m["job"] == job)
            .count()
    };
    let (n0, n1) = (per_job("snmp_shard0"), per_job("snmp_shard1"));
    assert_eq!(n0 + n1, AGENTS);
    assert!(n0 > 5 && n1 > 5, "hashmod splits the targets: {n0} / {n1}");
    // Every agent's interfaces, with the exporter's labels.
    wait_until(
        "every interface's counters",
        Duration::from_secs(30),
        || {
            let series = query(prom, "ifInOctets");
            series.len() == AGENTS * INTERFACES as usize
                && series
                    .iter()
                    .all(|(m, _)| m["ifDescr"].is_string() && m["ifIndex"].is_string())
        },
    );
    let scrapes = query(prom, "snmp_scrape_pdus_returned");
    assert_eq!(
        scrapes.len(),
        AGENTS,
        "one snmp_scrape_pdus_returned per target"
    );
    assert!(
        scrapes
            .iter()
            .all(|(m, v)| m["module"] == "if_mib" && *v > 30.0),
        "{scrapes:?}"
    );

    // Stop shard 0's exporter: its targets go down, the others stay up.
    let _ = shard0.0.kill();
    let _ = shard0.0.wait();
    wait_until("shard 0 down", Duration::from_secs(30), || {
        let up = query(prom, "up");
        up.len() == AGENTS
            && up.iter().all(|(m, v)| {
                if m["job"] == "snmp_shard0" {
                    *v == 0.0
                } else {
                    *v == 1.0
                }
            })
    });
    drop(sim);
}
