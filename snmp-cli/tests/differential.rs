//! Differential tests: the `snmp` command prints byte for byte what Net-SNMP's tools print, and
//! Net-SNMP's tools read back exactly what `snmp sim` serves.

#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use snmp_testkit::{adapter_tests::static_agent_config, free_udp_port, net_snmp_tool, NetSnmpd};

fn snmp(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_snmp"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "snmp {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same(ours: &str, theirs: &str, what: &str) {
    snmp_testkit::adapter_tests::assert_same_output(ours, theirs, what);
}

#[test]
fn snmp_walk_prints_what_snmpwalk_prints() {
    let agent = NetSnmpd::start(&static_agent_config()).unwrap();
    let host = agent.addr().to_string();
    let udp = format!("udp:{host}");
    for (ours, theirs, what) in [
        (
            snmp(&["walk", "-v2c", "-c", "public", &host, ".1"]),
            net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &udp, ".1"]).unwrap(),
            "walk -v2c .1",
        ),
        (
            snmp(&["bulkwalk", "-v2c", "-c", "public", "-Cr10", &host, ".1"]),
            net_snmp_tool(
                "snmpbulkwalk",
                &["-On", "-v2c", "-c", "public", "-Cr10", &udp, ".1"],
            )
            .unwrap(),
            "bulkwalk -Cr10 .1",
        ),
        (
            snmp(&["walk", "-v1", "-c", "public", &host, ".1"]),
            net_snmp_tool("snmpwalk", &["-On", "-v1", "-c", "public", &udp, ".1"]).unwrap(),
            "walk -v1 .1",
        ),
        (
            snmp(&[
                "walk",
                "-v2c",
                "-c",
                "public",
                &host,
                ".1.3.6.1.2.1.2.2.1.2",
            ]),
            net_snmp_tool(
                "snmpwalk",
                &["-On", "-v2c", "-c", "public", &udp, ".1.3.6.1.2.1.2.2.1.2"],
            )
            .unwrap(),
            "walk of one column",
        ),
        (
            snmp(&["walk", "-v2c", "-c", "public", &host, "1.3.6.1.2.1.1.1.0"]),
            net_snmp_tool(
                "snmpwalk",
                &["-On", "-v2c", "-c", "public", &udp, "1.3.6.1.2.1.1.1.0"],
            )
            .unwrap(),
            "walk of an instance",
        ),
    ] {
        assert!(!theirs.is_empty(), "{what}: Net-SNMP printed nothing");
        assert_same(&ours, &theirs, what);
    }
}

/// Runs `snmp sim` on a free port until dropped.
struct Sim(Child, u16);

impl Sim {
    fn start(extra: &[&str]) -> Sim {
        let port = free_udp_port().unwrap();
        let p = port.to_string();
        let mut args = vec!["sim", "--port", &p];
        args.extend_from_slice(extra);
        let child = Command::new(env!("CARGO_BIN_EXE_snmp"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let sim = Sim(child, port);
        let host = format!("udp:127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if net_snmp_tool(
                "snmpget",
                &[
                    "-v2c",
                    "-c",
                    "public",
                    "-t",
                    "0.2",
                    "-r",
                    "0",
                    &host,
                    ".1.3.6.1.2.1.1.1.0",
                ],
            )
            .is_ok()
            {
                return sim;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("snmp sim did not start");
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn net_snmp_tools_read_back_what_snmp_sim_serves() {
    // Serve the real agent's walk from a file, then walk the simulator with Net-SNMP's tools
    // (v2c and v3 authPriv) and with ours.
    let agent = NetSnmpd::start(&static_agent_config()).unwrap();
    let walk = net_snmp_tool(
        "snmpwalk",
        &[
            "-On",
            "-v2c",
            "-c",
            "public",
            &format!("udp:{}", agent.addr()),
            ".1",
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.walk");
    std::fs::write(&file, &walk).unwrap();
    let sim = Sim::start(&[
        "--data",
        file.to_str().unwrap(),
        "--v3-user",
        "simuser:SHA-256:sim-auth-pass:AES:sim-priv-pass",
    ]);
    let host = format!("udp:127.0.0.1:{}", sim.1);
    let served = net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &host, ".1"]).unwrap();
    assert_same(&served, &walk, "snmpwalk of snmp-sim");
    let bulk = net_snmp_tool(
        "snmpbulkwalk",
        &["-On", "-v2c", "-c", "public", "-Cr25", &host, ".1"],
    )
    .unwrap();
    assert_same(&bulk, &walk, "snmpbulkwalk of snmp-sim");
    let v3 = net_snmp_tool(
        "snmpbulkwalk",
        &[
            "-On",
            "-v3",
            "-l",
            "authPriv",
            "-u",
            "simuser",
            "-a",
            "SHA-256",
            "-A",
            "sim-auth-pass",
            "-x",
            "AES",
            "-X",
            "sim-priv-pass",
            &host,
            ".1",
        ],
    )
    .unwrap();
    assert_same(&v3, &walk, "snmpbulkwalk -v3 authPriv of snmp-sim");
    let ours = snmp(&[
        "walk",
        "-v2c",
        "-c",
        "public",
        &format!("127.0.0.1:{}", sim.1),
        ".1",
    ]);
    assert_same(&ours, &walk, "snmp walk of snmp-sim");
}
