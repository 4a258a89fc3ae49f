//! Differential tests: the `snmp` command prints byte for byte what Net-SNMP's tools print, and
//! Net-SNMP's tools read back exactly what `snmp sim` serves.

#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Command, Stdio};

use snmp_testkit::{adapter_tests::static_agent_config, net_snmp_tool, NetSnmpd};

mod common;
use common::Sim;

/// Our command with `-On -m ""` after the subcommand: these cases compare with
/// `snmpwalk -On` with no MIBs loaded (the MIB cases are in `tests/mibs.rs`).
fn numeric<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    if !v.is_empty() && !v.iter().any(|a| a.starts_with("-O")) {
        v.splice(1..1, ["-On", "-m", ""]);
    }
    v
}

fn snmp(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_snmp"))
        .args(numeric(args))
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
            snmp(&[
                "bulkwalk",
                "-v2c",
                "-c",
                "public",
                "-Cr10",
                "--adaptive",
                &host,
                ".1",
            ]),
            net_snmp_tool(
                "snmpbulkwalk",
                &["-On", "-v2c", "-c", "public", "-Cr10", &udp, ".1"],
            )
            .unwrap(),
            "bulkwalk --adaptive .1 (the real agent's whole tree)",
        ),
        (
            snmp(&[
                "bulkwalk",
                "-v2c",
                "-c",
                "public",
                "-Cr10",
                "--parallel",
                "8",
                "--adaptive",
                &host,
                ".1",
            ]),
            net_snmp_tool(
                "snmpbulkwalk",
                &["-On", "-v2c", "-c", "public", "-Cr10", &udp, ".1"],
            )
            .unwrap(),
            "bulkwalk --parallel 8 --adaptive .1 (the real agent's whole tree)",
        ),
        (
            snmp(&[
                "walk",
                "-v2c",
                "-c",
                "public",
                "--parallel",
                "4",
                &host,
                ".1.3.6.1.2.1",
            ]),
            net_snmp_tool(
                "snmpwalk",
                &["-On", "-v2c", "-c", "public", &udp, ".1.3.6.1.2.1"],
            )
            .unwrap(),
            "walk --parallel 4 .1.3.6.1.2.1",
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

/// The real agent's walk (`snmpwalk -On` of a fresh `snmpd`) in a file (in the returned
/// directory), for `snmp sim --data` to serve unchanging.
fn real_agent_walk() -> (String, tempfile::TempDir, std::path::PathBuf) {
    let agent = NetSnmpd::start(&static_agent_config()).unwrap();
    let udp = format!("udp:{}", agent.addr());
    let walk = net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &udp, ".1"]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.walk");
    std::fs::write(&file, &walk).unwrap();
    (walk, dir, file)
}

#[test]
fn net_snmp_tools_read_back_what_snmp_sim_serves() {
    // Serve the real agent's walk from a file, then walk the simulator with Net-SNMP's tools
    // (v2c and v3 authPriv) and with ours.
    let (walk, _dir, file) = real_agent_walk();
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

#[test]
fn snmp_sim_over_tcp_serves_net_snmp_tools_and_ours() {
    // `snmp sim --tcp` also listens on tcp: on its port: Net-SNMP's tools over tcp: read
    // what they read over udp:, v2c and v3 authPriv, and so does `snmp walk tcp:`.
    let (walk, _dir, file) = real_agent_walk();
    let sim = Sim::start(&[
        "--tcp",
        "--data",
        file.to_str().unwrap(),
        "--v3-user",
        "simuser:SHA-256:sim-auth-pass:AES:sim-priv-pass",
    ]);
    let tcp = format!("tcp:127.0.0.1:{}", sim.1);
    let served = net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &tcp, ".1"]).unwrap();
    assert_same(&served, &walk, "snmpwalk tcp: of snmp-sim --tcp");
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
            &tcp,
            ".1",
        ],
    )
    .unwrap();
    assert_same(&v3, &walk, "snmpbulkwalk -v3 tcp: of snmp-sim --tcp");
    let ours = snmp(&["bulkwalk", "-v2c", "-c", "public", &tcp, ".1"]);
    assert_same(&ours, &walk, "snmp bulkwalk tcp: of snmp-sim --tcp");
}

/// stdout, stderr and exit code of a command run with no MIBs (`MIBS=`).
fn run_all(program: &str, args: &[&str]) -> common::Outcome {
    common::outcome(Command::new(program).args(args).env("MIBS", ""))
}

/// Sloppy agents (GETBULK answers out of order inside each answer; an agent that stops
/// advancing and repeats the OID asked for), walked by `snmp walk` / `snmp bulkwalk` and by
/// Net-SNMP's `snmpwalk` / `snmpbulkwalk`, each against a fresh simulator: the same stdout,
/// the same stderr (`Error: OID not increasing` once per offending varbind) and the same exit
/// code.
#[test]
fn sloppy_agents_are_walked_as_net_snmp_walks_them() {
    let root = ".1.3.6.1.2.1.2.2.1";
    // (simulator faults, our command, its options, Net-SNMP's tool, its options)
    type Case<'a> = (
        &'a [&'a str],
        &'a str,
        &'a [&'a str],
        &'a str,
        &'a [&'a str],
    );
    let cases: [Case<'_>; 5] = [
        (
            &["--unsorted-bulk"],
            "bulkwalk",
            &["-Cr7"],
            "snmpbulkwalk",
            &["-Cr7"],
        ),
        (
            &["--unsorted-bulk"],
            "bulkwalk",
            &["-Cr7", "-Cc"],
            "snmpbulkwalk",
            &["-Cr7", "-Cc"],
        ),
        (
            &["--non-increasing-after", "12"],
            "bulkwalk",
            &["-Cr5"],
            "snmpbulkwalk",
            &["-Cr5"],
        ),
        (
            &["--non-increasing-after", "12"],
            "walk",
            &[],
            "snmpwalk",
            &[],
        ),
        (
            &["--non-increasing-after", "0"],
            "walk",
            &[],
            "snmpwalk",
            &[],
        ),
    ];
    for (faults, ours_cmd, ours_opts, theirs_cmd, theirs_opts) in cases {
        let mut sim_args = vec!["--interfaces", "30", "--busy-poll-us", "0"];
        sim_args.extend_from_slice(faults);
        let sim = Sim::start(&sim_args);
        let host = format!("127.0.0.1:{}", sim.1);
        let mut args = vec![ours_cmd, "-v2c", "-c", "public"];
        args.extend_from_slice(ours_opts);
        args.extend_from_slice(&[&host, root]);
        let ours = run_all(env!("CARGO_BIN_EXE_snmp"), &numeric(&args));
        drop(sim);
        let sim = Sim::start(&sim_args);
        let udp = format!("udp:127.0.0.1:{}", sim.1);
        let mut args = vec!["-On", "-v2c", "-c", "public"];
        args.extend_from_slice(theirs_opts);
        args.extend_from_slice(&[&udp, root]);
        let theirs = run_all(theirs_cmd, &args);
        let what = format!("{faults:?} {ours_cmd} {ours_opts:?}");
        assert!(!theirs.0.is_empty(), "{what}: Net-SNMP printed nothing");
        assert_eq!(ours.0, theirs.0, "{what}: stdout");
        assert_eq!(ours.1, theirs.1, "{what}: stderr");
        assert_eq!(ours.2, theirs.2, "{what}: exit code");
        if faults == ["--unsorted-bulk"] {
            // Every varbind of the entry, each once: nothing lost to the disorder.
            let clean = Sim::start(&["--interfaces", "30", "--busy-poll-us", "0"]);
            let udp = format!("udp:127.0.0.1:{}", clean.1);
            let sorted = run_all("snmpbulkwalk", &["-On", "-v2c", "-c", "public", &udp, root]);
            let mut got: Vec<&str> = ours.0.lines().collect();
            got.sort_unstable();
            let mut want: Vec<&str> = sorted.0.lines().collect();
            want.sort_unstable();
            assert!(want.len() > 300, "{}", want.len());
            assert_eq!(got, want, "{what}");
        }
    }
}

/// `Value::bare` prints what `snmpwalk -Oqv` prints, for every value of the real agent's walk
/// (served unchanging by `snmp sim --data`).
#[test]
fn bare_values_print_as_snmpwalk_oqv_prints_them() {
    let (_, _dir, file) = real_agent_walk();
    let sim = Sim::start(&["--data", file.to_str().unwrap()]);
    let udp = format!("udp:127.0.0.1:{}", sim.1);
    let theirs = net_snmp_tool(
        "snmpwalk",
        &["-On", "-Oqv", "-v2c", "-c", "public", &udp, ".1"],
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ours = rt.block_on(async {
        let m = snmp_tokio::Manager::builder(&format!("127.0.0.1:{}", sim.1))
            .build()
            .await
            .unwrap();
        let rows = m.walk(".1").collect_all().await.unwrap();
        let mut out = String::new();
        for (_, v) in &rows {
            out.push_str(&v.bare().to_string());
            out.push('\n');
        }
        out
    });
    // snmpwalk also prints the endOfMibView that ends a walk of the whole tree.
    let theirs = theirs
        .strip_suffix(
            "No more variables left in this MIB View (It is past the end of the MIB tree)\n",
        )
        .unwrap_or(&theirs);
    assert!(ours.lines().count() > 50);
    assert_same(&ours, theirs, "bare values against snmpwalk -Oqv");
}
