//! `snmp trapd` exporting notifications as OpenTelemetry logs to a real collector: rotel (a
//! Rust OpenTelemetry collector, from PyPI) receives them over OTLP gRPC or HTTP/protobuf
//! and hands them on over OTLP/HTTP to `otlp/sink.py`, which decodes them with the
//! OpenTelemetry project's own `opentelemetry-proto` bindings. Every field is checked
//! against what Net-SNMP's snmptrap sent; a collector that goes away and comes back loses
//! nothing the buffer holds, and what it cannot hold is counted in the receiver's metrics.
//!
//! The Python environment (rotel, opentelemetry-proto) is made by `.ci/test` in
//! `target/otel-venv` (or named by SNMP_OTEL_VENV); without it these tests fail.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{mib_env, tool_present};
use serde_json::Value as Json;
use snmp_testkit::{free_tcp_port, free_udp_port, wait_listening, KillOnDrop};

fn venv() -> PathBuf {
    let dir = std::env::var("SNMP_OTEL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/otel-venv"));
    assert!(
        dir.join("bin/python").exists(),
        "no Python environment with rotel and opentelemetry-proto at {}: run the suite with \
         `bash .ci/test`, which makes it",
        dir.display()
    );
    dir
}

fn rotel_agent(venv: &Path) -> PathBuf {
    let out = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))",
        ])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The sink (decodes and writes JSON lines) and rotel in front of it.
struct Collector {
    _sink: KillOnDrop,
    rotel: Option<KillOnDrop>,
    out: PathBuf,
    grpc: u16,
    http: u16,
    sink_port: u16,
    agent: PathBuf,
    _dir: tempfile::TempDir,
}

impl Collector {
    fn start() -> Collector {
        let venv = venv();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("records.jsonl");
        let sink_port = free_tcp_port().unwrap();
        let sink = Command::new(venv.join("bin/python"))
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/otlp/sink.py"))
            .arg(sink_port.to_string())
            .arg(&out)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let sink = KillOnDrop(sink);
        wait_listening(([127, 0, 0, 1], sink_port).into(), Duration::from_secs(20)).unwrap();
        let mut c = Collector {
            _sink: sink,
            rotel: None,
            out,
            grpc: free_tcp_port().unwrap(),
            http: free_tcp_port().unwrap(),
            sink_port,
            agent: rotel_agent(&venv),
            _dir: dir,
        };
        c.start_rotel();
        c
    }

    fn start_rotel(&mut self) {
        let child = Command::new(&self.agent)
            .args(["start", "--otlp-grpc-endpoint"])
            .arg(format!("127.0.0.1:{}", self.grpc))
            .arg("--otlp-http-endpoint")
            .arg(format!("127.0.0.1:{}", self.http))
            .args(["--exporter", "otlp", "--otlp-exporter-protocol", "http"])
            .arg("--otlp-exporter-endpoint")
            .arg(format!("http://127.0.0.1:{}", self.sink_port))
            .args(["--batch-timeout", "100ms"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.rotel = Some(KillOnDrop(child));
        for port in [self.grpc, self.http] {
            wait_listening(([127, 0, 0, 1], port).into(), Duration::from_secs(20)).unwrap();
        }
    }

    fn stop_rotel(&mut self) {
        self.rotel = None;
    }

    fn records(&self) -> Vec<Json> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn wait_for(&self, n: usize) -> Vec<Json> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && self.records().len() < n {
            std::thread::sleep(Duration::from_millis(100));
        }
        self.records()
    }
}

/// `snmp trapd` exporting to the collector, with its metrics on a port.
struct Ours {
    _child: KillOnDrop,
    port: u16,
    metrics: u16,
    dir: tempfile::TempDir,
}

impl Ours {
    fn start(c: &Collector, grpc: bool, extra: &str) -> Ours {
        Ours::start_at(if grpc { c.grpc } else { c.http }, grpc, extra)
    }

    /// Exporting to whatever listens on 127.0.0.1:`port`.
    fn start_at(port: u16, grpc: bool, extra: &str) -> Ours {
        Ours::start_url(&format!("http://127.0.0.1:{port}"), grpc, extra)
    }

    /// Exporting to `endpoint`.
    fn start_url(endpoint: &str, grpc: bool, extra: &str) -> Ours {
        let dir = tempfile::tempdir().unwrap();
        let protocol = if grpc { "grpc" } else { "http/protobuf" };
        let conf = format!(
            "authCommunity log public\n\
             authCommunity log secret\n\
             authUser log trapuser\n\
             createUser trapuser SHA-256 authpass123 AES privpass123\n\
             otlpEndpoint {endpoint}\n\
             otlpProtocol {protocol}\n\
             otlpResource deployment.environment test\n\
             otlpSeverity default INFO\n\
             otlpSeverity IF-MIB::linkDown WARN\n\
             otlpSeverity .1.3.6.1.4.1.8072 ERROR\n\
             otlpSecurityName public site-a\n\
             otlpInterval 0.2\n\
             {extra}\n"
        );
        std::fs::write(dir.path().join("td.conf"), conf).unwrap();
        std::fs::create_dir_all(dir.path().join("persist/cert_indexes")).unwrap();
        let port = free_udp_port().unwrap();
        let metrics = free_tcp_port().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_snmp"));
        mib_env(&mut cmd, dir.path());
        let child = cmd
            .args(["trapd", "-f", "-Ln", "-C", "-c"])
            .arg(dir.path().join("td.conf"))
            .arg(format!("--metrics-listen=127.0.0.1:{metrics}"))
            .arg(format!("udp:127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let child = KillOnDrop(child);
        wait_listening(([127, 0, 0, 1], metrics).into(), Duration::from_secs(20)).unwrap();
        Ours {
            _child: child,
            port,
            metrics,
            dir,
        }
    }

    fn trap(&self, args: &[&str]) {
        let mut cmd = Command::new("snmptrap");
        mib_env(&mut cmd, self.dir.path());
        let status = cmd
            .args(
                args.iter()
                    .map(|a| a.replace("{T}", &format!("127.0.0.1:{}", self.port))),
            )
            .stdin(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn metric(&self, line_start: &str) -> u64 {
        common::metric(self.metrics, line_start)
    }

    /// Waits (at most 20 s) until the metric reaches `at_least`.
    fn wait_metric(&self, line_start: &str, at_least: u64) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline && self.metric(line_start) < at_least {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn attr<'a>(record: &'a Json, key: &str) -> &'a Json {
    record["record"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| &a["value"])
        .unwrap_or_else(|| panic!("no attribute {key} in {record}"))
}

fn check_records(grpc: bool) {
    assert!(
        tool_present("snmptrap"),
        "snmptrap is needed (apt-get install snmp)"
    );
    let c = Collector::start();
    let ours = Ours::start(&c, grpc, "");
    // A v2c trap with one varbind of each type.
    ours.trap(&[
        "-v2c",
        "-c",
        "public",
        "{T}",
        "4242",
        "IF-MIB::linkDown",
        "IF-MIB::ifIndex.7",
        "i",
        "7",
        "IF-MIB::ifDescr.7",
        "s",
        "eth7 uplink",
        "IF-MIB::ifPhysAddress.7",
        "x",
        "00 1b 21 ff 00 07",
        "IF-MIB::ifInOctets.7",
        "c",
        "123456",
        "IF-MIB::ifSpeed.7",
        "u",
        "1000000000",
        "IF-MIB::ifHCInOctets.7",
        "C",
        "18446744073709551615",
        "IF-MIB::ifLastChange.7",
        "t",
        "9900",
        "SNMPv2-MIB::sysObjectID.0",
        "o",
        "1.3.6.1.4.1.8072.3.2.10",
        "IP-MIB::ipAdEntAddr.10.0.0.1",
        "a",
        "10.0.0.1",
    ]);
    // A v1 enterprise-specific trap.
    ours.trap(&[
        "-v1",
        "-c",
        "secret",
        "{T}",
        "1.3.6.1.4.1.8072",
        "10.1.2.3",
        "6",
        "17",
        "456",
        "SNMPv2-MIB::sysName.0",
        "s",
        "edge-1",
    ]);
    // A v3 authPriv trap.
    ours.trap(&[
        "-v3",
        "-u",
        "trapuser",
        "-l",
        "authPriv",
        "-a",
        "SHA-256",
        "-A",
        "authpass123",
        "-x",
        "AES",
        "-X",
        "privpass123",
        "-n",
        "ctx1",
        "{T}",
        "0",
        "IF-MIB::linkUp",
        "IF-MIB::ifIndex.3",
        "i",
        "3",
    ]);
    let recs = c.wait_for(3);
    assert_eq!(recs.len(), 3, "{recs:?}");
    let by_trap = |name: &str| {
        recs.iter()
            .find(|r| r["record"]["eventName"] == name)
            .unwrap_or_else(|| panic!("no record for {name}: {recs:?}"))
    };
    for r in &recs {
        assert_eq!(r["path"], "/v1/logs");
        let res = r["resource"]["attributes"].as_array().unwrap();
        assert!(res
            .iter()
            .any(|a| a["key"] == "service.name" && a["value"]["stringValue"] == "snmp-trapd"));
        assert!(res
            .iter()
            .any(|a| a["key"] == "deployment.environment" && a["value"]["stringValue"] == "test"));
        assert_eq!(r["scope"]["name"], "snmp-trapd");
        assert_eq!(attr(r, "network.peer.address")["stringValue"], "127.0.0.1");
        assert_eq!(attr(r, "network.transport")["stringValue"], "udp");
        let t: u128 = r["record"]["timeUnixNano"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        assert!(
            t <= now && now - t < 120_000_000_000,
            "time {t} vs now {now}"
        );
        // The community is never exported.
        let text = r.to_string();
        assert!(
            !text.contains("\"public\"") && !text.contains("secret"),
            "{text}"
        );
    }

    let down = by_trap("IF-MIB::linkDown");
    assert_eq!(down["record"]["severityText"], "WARN");
    assert_eq!(down["record"]["severityNumber"], "SEVERITY_NUMBER_WARN");
    assert_eq!(attr(down, "snmp.version")["stringValue"], "2c");
    assert_eq!(attr(down, "snmp.pdu_type")["stringValue"], "SNMPv2-Trap");
    assert_eq!(attr(down, "snmp.security_name")["stringValue"], "site-a");
    assert_eq!(
        attr(down, "snmp.trap_oid")["stringValue"],
        "1.3.6.1.6.3.1.1.5.3"
    );
    assert_eq!(
        attr(down, "snmp.trap_name")["stringValue"],
        "IF-MIB::linkDown"
    );
    assert_eq!(attr(down, "snmp.uptime")["intValue"], "4242");
    assert_eq!(attr(down, "IF-MIB::ifIndex.7")["intValue"], "7");
    assert_eq!(
        attr(down, "IF-MIB::ifDescr.7")["stringValue"],
        "eth7 uplink"
    );
    // Bytes arrive as bytes (base64 in protobuf's JSON form).
    assert_eq!(
        attr(down, "IF-MIB::ifPhysAddress.7")["bytesValue"],
        "ABsh/wAH"
    );
    assert_eq!(attr(down, "IF-MIB::ifInOctets.7")["intValue"], "123456");
    assert_eq!(attr(down, "IF-MIB::ifSpeed.7")["intValue"], "1000000000");
    // A Counter64 beyond int64 is kept exact, as text.
    assert_eq!(
        attr(down, "IF-MIB::ifHCInOctets.7")["stringValue"],
        "18446744073709551615"
    );
    assert_eq!(attr(down, "IF-MIB::ifLastChange.7")["intValue"], "9900");
    assert_eq!(
        attr(down, "SNMPv2-MIB::sysObjectID.0")["stringValue"],
        "NET-SNMP-MIB::netSnmpAgentOIDs.10"
    );
    assert_eq!(
        attr(down, "IP-MIB::ipAdEntAddr.10.0.0.1")["stringValue"],
        "10.0.0.1"
    );
    let body = down["record"]["body"]["stringValue"].as_str().unwrap();
    assert!(
        body.starts_with("IF-MIB::linkDown: IF-MIB::ifIndex.7 = 7"),
        "{body}"
    );

    let v1 = by_trap("NET-SNMP-MIB::netSnmp.0.17");
    assert_eq!(v1["record"]["severityText"], "ERROR");
    assert_eq!(attr(v1, "snmp.version")["stringValue"], "1");
    assert_eq!(attr(v1, "snmp.pdu_type")["stringValue"], "Trap");
    assert_eq!(
        attr(v1, "snmp.security_name")["stringValue"],
        "authCommunity#2"
    );
    assert_eq!(
        attr(v1, "snmp.enterprise")["stringValue"],
        "1.3.6.1.4.1.8072"
    );
    assert_eq!(attr(v1, "snmp.agent_address")["stringValue"], "10.1.2.3");
    assert_eq!(attr(v1, "snmp.generic_trap")["intValue"], "6");
    assert_eq!(attr(v1, "snmp.specific_trap")["intValue"], "17");
    assert_eq!(attr(v1, "snmp.uptime")["intValue"], "456");
    assert_eq!(attr(v1, "SNMPv2-MIB::sysName.0")["stringValue"], "edge-1");

    let v3 = by_trap("IF-MIB::linkUp");
    assert_eq!(v3["record"]["severityText"], "INFO");
    assert_eq!(attr(v3, "snmp.version")["stringValue"], "3");
    assert_eq!(attr(v3, "snmp.security_name")["stringValue"], "trapuser");
    assert_eq!(attr(v3, "snmp.security_level")["stringValue"], "authPriv");
    assert_eq!(attr(v3, "snmp.context_name")["stringValue"], "ctx1");
    assert!(attr(v3, "snmp.engine_id")["stringValue"]
        .as_str()
        .unwrap()
        .starts_with("80"));
    assert_eq!(attr(v3, "IF-MIB::ifIndex.3")["intValue"], "3");

    assert_eq!(
        ours.metric("snmp_trapd_otlp_records_total{outcome=\"exported\"}"),
        3
    );
    assert_eq!(
        ours.metric("snmp_trapd_otlp_batches_total{result=\"failed\"}"),
        0
    );
}

#[test]
fn notifications_reach_a_collector_over_otlp_grpc_with_every_field() {
    check_records(true);
}

#[test]
fn notifications_reach_a_collector_over_otlp_http_with_every_field() {
    check_records(false);
}

#[test]
fn a_collector_that_goes_away_loses_nothing_the_buffer_holds_and_drops_are_counted() {
    let mut c = Collector::start();
    let ours = Ours::start(&c, true, "otlpBuffer 5\notlpBatch 2");
    ours.trap(&["-v2c", "-c", "public", "{T}", "1", "SNMPv2-MIB::coldStart"]);
    assert_eq!(c.wait_for(1).len(), 1);
    c.stop_rotel();
    // Seven while the collector is away: five are kept, two dropped (the buffer holds five).
    for i in 0..7 {
        ours.trap(&[
            "-v2c",
            "-c",
            "public",
            "{T}",
            "2",
            "SNMPv2-MIB::warmStart",
            "SNMPv2-MIB::sysLocation.0",
            "s",
            &format!("while away {i}"),
        ]);
    }
    ours.wait_metric("snmp_trapd_otlp_batches_total{result=\"failed\"}", 1);
    assert!(ours.metric("snmp_trapd_otlp_batches_total{result=\"failed\"}") >= 1);
    c.start_rotel();
    let recs = c.wait_for(6);
    std::thread::sleep(Duration::from_millis(500));
    let recs_after = c.records();
    assert_eq!(recs_after.len(), recs.len(), "nothing more arrives");
    let away: Vec<&str> = recs
        .iter()
        .filter_map(|r| {
            r["record"]["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["key"] == "SNMPv2-MIB::sysLocation.0")
                .and_then(|a| a["value"]["stringValue"].as_str())
        })
        .collect();
    assert_eq!(
        away,
        [
            "while away 0",
            "while away 1",
            "while away 2",
            "while away 3",
            "while away 4"
        ],
        "the oldest five, in order"
    );
    assert_eq!(
        ours.metric("snmp_trapd_otlp_records_total{outcome=\"exported\"}"),
        6
    );
    assert_eq!(
        ours.metric("snmp_trapd_otlp_records_total{outcome=\"dropped\"}"),
        2
    );
}

#[test]
fn a_collector_that_never_answers_costs_a_time_out_not_the_receiver() {
    // Accepts connections (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let ours = Ours::start_at(port, false, "otlpTimeout 0.5\notlpBuffer 3");
    for i in 0..5 {
        ours.trap(&[
            "-v2c",
            "-c",
            "public",
            "{T}",
            &i.to_string(),
            "SNMPv2-MIB::coldStart",
        ]);
    }
    ours.wait_metric("snmp_trapd_otlp_batches_total{result=\"failed\"}", 2);
    assert!(ours.metric("snmp_trapd_otlp_batches_total{result=\"failed\"}") >= 2);
    assert_eq!(ours.metric("snmp_trapd_notifications_accepted_total"), 5);
    // Three held, two dropped: memory stays bounded.
    assert_eq!(
        ours.metric("snmp_trapd_otlp_records_total{outcome=\"dropped\"}"),
        2
    );
    assert_eq!(
        ours.metric("snmp_trapd_otlp_records_total{outcome=\"exported\"}"),
        0
    );
    drop(silent);
}

/// A TLS front (tests/otlp/tls_proxy.py: Python's ssl, OpenSSL) before one of rotel's ports.
struct TlsFront {
    _proxy: KillOnDrop,
    port: u16,
}

impl TlsFront {
    fn start(dir: &Path, target: u16, client_ca: Option<&Path>) -> TlsFront {
        let port = free_tcp_port().unwrap();
        let mut cmd = Command::new(venv().join("bin/python"));
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/otlp/tls_proxy.py"))
            .arg(dir.join("server.pem"))
            .arg(dir.join("server.key"))
            .arg(port.to_string())
            .arg(target.to_string());
        if let Some(ca) = client_ca {
            cmd.arg(ca);
        }
        let proxy = cmd
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let proxy = KillOnDrop(proxy);
        wait_listening(([127, 0, 0, 1], port).into(), Duration::from_secs(20)).unwrap();
        TlsFront {
            _proxy: proxy,
            port,
        }
    }
}

/// A test CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in
/// `dir`: ca.pem, server.pem/.key, client.pem/.key.
fn certificates(dir: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "snmp-rs test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    for (name, sans) in [
        (
            "server",
            vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
        ),
        ("client", vec!["snmp-trapd".to_owned()]),
    ] {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(sans)
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    }
}

/// OTLP over TLS, both protocols: the collector's certificate is checked against
/// `otlpCertificate` (the system's store does not trust the test CA: nothing is sent), and a
/// front that requires a client certificate gets `otlpClientCertificate`'s.
#[test]
fn notifications_reach_a_collector_over_tls_with_its_ca_and_a_client_certificate() {
    assert!(
        tool_present("snmptrap"),
        "snmptrap is needed (apt-get install snmp)"
    );
    let c = Collector::start();
    let certs = tempfile::tempdir().unwrap();
    let d = certs.path();
    certificates(d);
    let grpc_front = TlsFront::start(d, c.grpc, Some(&d.join("ca.pem")));
    let http_front = TlsFront::start(d, c.http, None);
    let ca = format!("otlpCertificate {}", d.join("ca.pem").display());
    let client = format!(
        "otlpClientCertificate {}\notlpClientKey {}",
        d.join("client.pem").display(),
        d.join("client.key").display()
    );
    let url = |port: u16| format!("https://127.0.0.1:{port}");

    // Refused: an unknown CA (the system's store), and mutual TLS without a certificate.
    let untrusted = Ours::start_url(&url(http_front.port), false, "otlpTimeout 2");
    let no_client_cert = Ours::start_url(&url(grpc_front.port), true, &ca);
    for o in [&untrusted, &no_client_cert] {
        o.trap(&["-v2c", "-c", "public", "{T}", "1", "SNMPv2-MIB::coldStart"]);
    }
    for o in [&untrusted, &no_client_cert] {
        o.wait_metric("snmp_trapd_otlp_batches_total{result=\"failed\"}", 1);
        assert!(o.metric("snmp_trapd_otlp_batches_total{result=\"failed\"}") >= 1);
        assert_eq!(
            o.metric("snmp_trapd_otlp_records_total{outcome=\"exported\"}"),
            0
        );
    }
    // Accepted: HTTP/protobuf with the CA; gRPC with the CA and the client certificate.
    let http = Ours::start_url(&url(http_front.port), false, &ca);
    let grpc = Ours::start_url(&url(grpc_front.port), true, &format!("{ca}\n{client}"));
    http.trap(&["-v2c", "-c", "public", "{T}", "2", "IF-MIB::linkUp"]);
    grpc.trap(&["-v2c", "-c", "public", "{T}", "3", "IF-MIB::linkDown"]);
    let recs = c.wait_for(2);
    let mut traps: Vec<String> = recs
        .iter()
        .map(|r| attr(r, "snmp.trap_name")["stringValue"].to_string())
        .collect();
    traps.sort();
    assert_eq!(
        traps,
        ["\"IF-MIB::linkDown\"", "\"IF-MIB::linkUp\""],
        "{recs:?}"
    );
    for o in [&http, &grpc] {
        assert_eq!(
            o.metric("snmp_trapd_otlp_records_total{outcome=\"exported\"}"),
            1
        );
    }
}
