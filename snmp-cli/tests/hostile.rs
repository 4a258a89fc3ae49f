//! Hostile arguments never make the command panic (exit code 101): each is a usage error
//! or an answer. Every agent address here is a closed loopback port with a short timeout.

#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Command, Stdio};

#[test]
fn hostile_arguments_do_not_panic() {
    let cache = tempfile::tempdir().unwrap();
    let host = "127.0.0.1:9";
    let cases: Vec<Vec<&str>> = vec![
        vec!["get", "-t", "nan", host, "sysDescr.0"],
        vec!["get", "-t", "inf", host, "sysDescr.0"],
        vec!["get", "-t=-1", host, "sysDescr.0"],
        vec!["get", "-t", "1e30", host, "sysDescr.0"],
        vec!["get", "-t", "0.05", "-r", "0", host, "\"unterminated"],
        vec!["get", "-t", "0.05", "-r", "0", host, "IF-MIB::"],
        vec!["get", "-t", "0.05", "-r", "0", host, "::"],
        vec!["get", "-t", "0.05", "-r", "0", host, "..."],
        vec![
            "get",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "1.3.99999999999999999999",
        ],
        vec![
            "get",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "ifDescr.\"\u{1F600}\"",
        ],
        vec![
            "get",
            "-t",
            "0.05",
            "-r",
            "0",
            "-O",
            "Z",
            host,
            "sysDescr.0",
        ],
        vec![
            "get",
            "-t",
            "0.05",
            "-r",
            "0",
            "-m",
            "NO-SUCH-MIB",
            host,
            "sysDescr.0",
        ],
        vec![
            "get",
            "-t",
            "0.05",
            "-r",
            "0",
            "-M",
            "/nonexistent",
            "-m",
            "+X",
            host,
            "x",
        ],
        vec![
            "set",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "sysContact.0",
            "u",
            "4294967296",
        ],
        vec![
            "set",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "sysContact.0",
            "x",
            "zz",
        ],
        vec![
            "set",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "ifAdminStatus.1",
            "i",
            "sideways",
        ],
        vec![
            "set",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "sysContact.0",
            "b",
            "99999999",
        ],
        vec![
            "set",
            "-t",
            "0.05",
            "-r",
            "0",
            host,
            "sysContact.0",
            "=",
            "x",
        ],
        vec![
            "table", "-t", "0.05", "-r", "0", "-Cw", "x", host, "ifTable",
        ],
        vec!["table", "-t", "0.05", "-r", "0", "-Cq", host, "ifTable"],
        vec!["table", "-t", "0.05", "-r", "0", host, "sysDescr.0"],
        vec!["translate", "-Tz", "-m", ""],
        vec!["translate", "-Tq", "sysDescr"],
        vec!["translate", "-Td", ".9.9.9.9.9"],
        vec!["translate", "-Tp", "1.3.6.1.2.1.1.1.0.5"],
        vec!["walk", "-t", "0.05", "-r", "0", host, "zeroDotZero.\"\""],
    ];
    for args in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_snmp"))
            .args(&args)
            .env("SNMP_MIB_CACHE", cache.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
