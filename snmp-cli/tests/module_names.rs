//! Where several loaded modules define one OID, `snmp translate -m ALL` names it by the
//! module Net-SNMP names it by: the first module that defines it in the order Net-SNMP reads
//! its search path (`snmp_mib::read_order`: RFC1213-MIB before IF-MIB when vendor modules
//! import it, TIMETRA-* before ALCATEL-IND1-TIMETRA-*). Checked against `snmptranslate` on
//! 1,200 OIDs spread over `../shared/mibs` (before this rule, 56 of them differed).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

/// The corpus's folders as a MIB path, and `snmptranslate -Tz` of every node in them; `None`
/// (after saying so) when snmptranslate is missing, which CI does not allow.
fn corpus_nodes() -> Option<(String, String)> {
    if snmp_testkit::which("snmptranslate").is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "snmptranslate is not installed"
        );
        println!("SKIPPED: snmptranslate is not installed");
        return None;
    }
    let dirs = snmp_testkit::mib_corpus_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    let all = Command::new("snmptranslate")
        .args(["-M", &dirs, "-m", "ALL", "-Tz"])
        .output()
        .unwrap();
    Some((dirs, String::from_utf8_lossy(&all.stdout).into_owned()))
}

#[test]
fn an_oid_is_named_by_net_snmps_module() {
    let Some((dirs, text)) = corpus_nodes() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let oids: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|o| format!(".{}", o.trim_matches('"')))
        .collect();
    assert!(oids.len() > 100_000, "{} OIDs", oids.len());
    let sample: Vec<&str> = oids
        .iter()
        .step_by(oids.len() / 1200)
        .take(1200)
        .map(String::as_str)
        .collect();
    let run = |program: &str, first: &[&str]| -> Vec<String> {
        let out = Command::new(program)
            .args(first)
            .args(["-M", &dirs, "-m", "ALL"])
            .args(&sample)
            .env("SNMP_MIB_CACHE", cache.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let theirs = run("snmptranslate", &[]);
    let ours = run(env!("CARGO_BIN_EXE_snmp"), &["translate"]);
    assert_eq!(theirs.len(), sample.len());
    assert_eq!(ours.len(), sample.len());
    let differ: Vec<String> = theirs
        .iter()
        .zip(&ours)
        .filter(|(t, o)| t != o)
        .map(|(t, o)| format!("theirs {t}, ours {o}"))
        .collect();
    // One is left: the `std` arc of IEEE 802 (1.3.111.2.802), which no module defines as an
    // object, only names inside OID values; mib-rs attributes it to another of the modules
    // that write it.
    assert!(
        differ
            .iter()
            .all(|d| d.contains("::std,") || d.ends_with("::std")),
        "{} of {} differ:\n{}",
        differ.len(),
        sample.len(),
        differ.join("\n")
    );
    assert!(differ.len() <= 1, "{differ:?}");
}

/// Net-SNMP names the unnamed `enterprise.0` node a v1 TRAP-TYPE hangs under `ENTERPRISE#`
/// (`SNMP-REPEATER-MIB::snmpDot3RptrMgt#`), and resolves that name: so does `snmp translate`.
/// Where a module names that node itself (RADLAN-MIB's `rndNotifications`), Net-SNMP still
/// prints `rnd#`, and so does ours; the module's name resolves too.
#[test]
fn a_v1_traps_enterprise_zero_is_named_enterprise_hash() {
    let Some((dirs, text)) = corpus_nodes() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let hashed: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace().map(|x| x.trim_matches('"'));
            let (name, oid) = (w.next()?, w.next()?);
            name.ends_with('#')
                .then(|| (name.to_owned(), format!(".{oid}")))
        })
        .collect();
    assert!(hashed.len() >= 8, "{hashed:?}");
    let translate = |args: &[&str]| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_snmp"))
            .arg("translate")
            .args(["-M", &dirs, "-m", "ALL"])
            .args(args)
            .env("SNMP_MIB_CACHE", cache.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    for (name, oid) in &hashed {
        let ours = translate(&[oid]);
        assert!(
            ours.ends_with(&format!("::{name}")),
            "{oid}: ours {ours}, Net-SNMP's {name}"
        );
        // And the name resolves back.
        assert_eq!(translate(&["-On", "-IR", name]), *oid, "{name}");
    }
    // The module's own name for such a node still resolves.
    assert_eq!(
        translate(&["-On", "RADLAN-MIB::rndNotifications"]),
        ".1.3.6.1.4.1.89.0"
    );
}
