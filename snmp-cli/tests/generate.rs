//! `snmp generate`'s exit status and stderr: a clean run prints nothing and exits 0; a walk,
//! a lookup, an override target that cannot be found, or nothing found at all, each exits 1
//! naming what is missing, with every module that can be made still written
//! (`--allow-missing`: exit 0). Over the embedded MIB set, which loads clean.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stderr: String,
    written: Option<serde_yaml_ng::Value>,
}

fn generate(dir: &Path, generator: &str, extra: &[&str]) -> Run {
    let g = dir.join("generator.yml");
    let o = dir.join("snmp.yml");
    let _ = std::fs::remove_file(&o);
    std::fs::write(&g, generator).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_snmp"))
        .arg("generate")
        .arg("-g")
        .arg(&g)
        .arg("-o")
        .arg(&o)
        .args(extra)
        .env_remove("MIBDIRS")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        written: std::fs::read_to_string(&o)
            .ok()
            .map(|t| serde_yaml_ng::from_str(&t).unwrap()),
    }
}

const GOOD: &str = "auths:\n  public_v2:\n    version: 2\nmodules:\n  if_mib:\n    walk: [SNMPv2-MIB::sysUpTime, IF-MIB::ifXTable]\n    lookups:\n      - source_indexes: [ifIndex]\n        lookup: IF-MIB::ifAlias\n    overrides:\n      ifAlias: {ignore: true}\n      ifHCInOctets: {name: if_in_octets, help: Octets in}\n";

#[test]
fn a_clean_run_prints_nothing_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let r = generate(dir.path(), GOOD, &[]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let doc = r.written.expect("written");
    let metrics = doc["modules"]["if_mib"]["metrics"].as_sequence().unwrap();
    let m = metrics
        .iter()
        .find(|m| m["oid"] == "1.3.6.1.2.1.31.1.1.1.6")
        .unwrap();
    assert_eq!(m["name"], "if_in_octets");
    assert_eq!(m["help"], "Octets in");
    // The exporter reads it.
    let text = std::fs::read_to_string(dir.path().join("snmp.yml")).unwrap();
    snmp_exporter::Config::parse(&text, "snmp.yml").unwrap();
}

#[test]
fn what_cannot_be_found_is_named_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let two = |extra: &str| format!("{GOOD}  other:\n    walk: [sysUpTime]\n{extra}",);
    for (what, text, named) in [
        (
            "a walk",
            two("  broken:\n    walk: [sysUpTime, NO-SUCH-MIB::nothing]\n"),
            "cannot find oid 'NO-SUCH-MIB::nothing' to walk",
        ),
        (
            "a lookup",
            two("  broken:\n    walk: [ifTable]\n    lookups:\n      - source_indexes: [ifIndex]\n        lookup: noSuchColumn\n"),
            "unknown index 'noSuchColumn'",
        ),
        (
            "an override's target",
            two("  broken:\n    walk: [ifTable]\n    overrides:\n      noSuchObject: {type: DisplayString}\n"),
            "Could not find node to override type: noSuchObject",
        ),
        (
            "everything",
            "modules:\n  broken:\n    walk: [nothingAtAll]\n".to_owned(),
            "module broken: error: nothing of its walk was found",
        ),
    ] {
        let r = generate(dir.path(), &text, &[]);
        assert_eq!(r.code, 1, "{what}: {}", r.stderr);
        assert!(r.stderr.contains(named), "{what}: {}", r.stderr);
        assert!(r.stderr.contains("could not be made"), "{what}: {}", r.stderr);
        let doc = r.written.expect("what can be made is written");
        if what != "everything" {
            assert!(doc["modules"]["if_mib"].is_mapping(), "{what}");
            assert!(doc["modules"]["other"].is_mapping(), "{what}");
        }
        // The lenient exit.
        let r = generate(dir.path(), &text, &["--allow-missing"]);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert!(r.stderr.contains(named), "{what}: {}", r.stderr);
    }
}

#[test]
fn a_bare_name_several_modules_define_is_reported_with_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mibs = dir.path().join("mibs");
    std::fs::create_dir_all(&mibs).unwrap();
    std::fs::write(
        mibs.join("OTHER-MIB.mib"),
        "OTHER-MIB DEFINITIONS ::= BEGIN\nIMPORTS MODULE-IDENTITY, OBJECT-TYPE, enterprises, TimeTicks FROM SNMPv2-SMI;\nother MODULE-IDENTITY LAST-UPDATED \"202401010000Z\" ORGANIZATION \"x\" CONTACT-INFO \"x\" DESCRIPTION \"x\" ::= { enterprises 99999 }\nsysUpTime OBJECT-TYPE SYNTAX TimeTicks MAX-ACCESS read-only STATUS current DESCRIPTION \"Another one.\" ::= { other 1 }\nEND\n",
    )
    .unwrap();
    let m = mibs.display().to_string();
    // `-m` replaces the embedded set, as upstream's: the corpus's IETF folder beside ours.
    let ietf = snmp_testkit::mib_corpus_dirs()
        .into_iter()
        .find(|d| d.ends_with("ietf"))
        .expect("../shared/mibs/ietf");
    let ietf = ietf.display().to_string();
    let r = generate(
        dir.path(),
        "modules:\n  m:\n    walk: [sysUpTime]\n",
        &["-m", &m, "-m", &ietf],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("sysUpTime is defined at different OIDs by several MIB modules"),
        "{}",
        r.stderr
    );
    // The node Net-SNMP's own lookup finds over the same folders.
    let out = Command::new("snmptranslate")
        .args([
            "-M",
            &format!("{m}:{ietf}"),
            "-m",
            "ALL",
            "-IR",
            "-On",
            "sysUpTime",
        ])
        .output()
        .expect("snmptranslate");
    let theirs = String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_start_matches('.')
        .to_owned();
    let doc = r.written.as_ref().expect("written");
    assert_eq!(
        doc["m"]["get"][0].as_str(),
        Some(format!("{theirs}.0").as_str())
    );
    let r = generate(
        dir.path(),
        "modules:\n  m:\n    walk: [OTHER-MIB::sysUpTime]\n",
        &["-m", &m, "-m", &ietf],
    );
    // Only the summary of the IETF folder's own problems (one line per MIB module and kind:
    // its modules import from folders not given).
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.lines().all(|l| l.starts_with("MIB ")),
        "{}",
        r.stderr
    );
    let doc = r.written.unwrap();
    assert_eq!(doc["m"]["get"][0], "1.3.6.1.4.1.99999.1.0");
}

/// `--fail-on-parse-errors` looks at the MIB modules the output uses only.
#[test]
fn fail_on_parse_errors_means_the_modules_used() {
    let dir = tempfile::tempdir().unwrap();
    let mibs = dir.path().join("mibs");
    std::fs::create_dir_all(&mibs).unwrap();
    std::fs::write(
        mibs.join("BROKEN-MIB.mib"),
        "BROKEN-MIB DEFINITIONS ::= BEGIN\nIMPORTS OBJECT-TYPE, enterprises, Integer32 FROM SNMPv2-SMI\n  nothing FROM NO-SUCH-MIB;\nbrokenThing OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current DESCRIPTION \"x\" ::= { enterprises 99998 1 }\nEND\n",
    )
    .unwrap();
    let ietf = snmp_testkit::mib_corpus_dirs()
        .into_iter()
        .find(|d| d.ends_with("ietf"))
        .expect("../shared/mibs/ietf");
    let (m, ietf) = (mibs.display().to_string(), ietf.display().to_string());
    let args = [
        "-m",
        m.as_str(),
        "-m",
        ietf.as_str(),
        "--fail-on-parse-errors",
    ];
    // The broken module is not used: written, exit 0 (its problem summarised).
    let r = generate(
        dir.path(),
        "modules:\n  m:\n    walk: [SNMPv2-MIB::sysUpTime]\n",
        &args,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.written.is_some());
    assert!(
        r.stderr.contains("MIB BROKEN-MIB: 1 x unresolved import"),
        "{}",
        r.stderr
    );
    // Used: nothing written, exit 1, the module named.
    let r = generate(
        dir.path(),
        "modules:\n  m:\n    walk: [BROKEN-MIB::brokenThing]\n",
        &args,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.written.is_none());
    assert!(
        r.stderr
            .contains("parse errors in MIB modules the output uses (BROKEN-MIB)"),
        "{}",
        r.stderr
    );
}
