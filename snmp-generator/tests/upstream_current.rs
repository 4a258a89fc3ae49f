//! Upstream's current `generator.yml` (prometheus/snmp_exporter's `generator/generator.yml`,
//! main and release 0.30.1, kept in `tests/data/`) over `../shared/mibs`, module by module.
//!
//! - Run as it is (current layout, `MODULE::name` qualifiers kept), ours writes every module
//!   whose MIBs are in the corpus and exits non-zero naming what it could not find for the
//!   others.
//! - Debian's generator (0.21) cannot read the current layout nor `MODULE::name`, so each
//!   module is also written in 0.21's terms (qualified names as OIDs, no `auths:`, only the
//!   override keys 0.21 knows) and given to both generators: where Debian's can make the
//!   module, the two `snmp.yml` modules are YAML-equal.
//! - Ours on the current file and ours on the 0.21 rendering fetch the same OIDs and make
//!   metrics of the same objects; the current file's `name` and `help` overrides are applied.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{corpus, mibdirs, norm, run_upstream_logged, upstream};
use serde_yaml_ng::{Mapping, Value};
use snmp_generator::{GeneratorConfig, ProblemKind};

/// A module of upstream's file written for Debian's 0.21 generator, or why it cannot be.
fn for_debian(module: &Value, mib: &snmp_mib::Mib) -> Result<Value, String> {
    let oid = |name: &str| -> Result<String, String> {
        if !name.contains("::") {
            return Ok(name.to_owned());
        }
        mib.node(name)
            .map(|n| n.oid().to_string())
            .ok_or_else(|| format!("{name} is not in the corpus"))
    };
    let m = module.as_mapping().unwrap();
    let mut out = Mapping::new();
    for (k, v) in m {
        let key = k.as_str().unwrap();
        match key {
            "walk" => {
                let walk = v
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|w| oid(w.as_str().unwrap()).map(Value::from))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert(k.clone(), Value::Sequence(walk));
            }
            "lookups" => {
                let mut ls = Vec::new();
                for l in v.as_sequence().unwrap() {
                    let mut l = l.as_mapping().unwrap().clone();
                    l.remove("display_hint");
                    let target = oid(l["lookup"].as_str().unwrap())?;
                    l.insert("lookup".into(), target.into());
                    ls.push(Value::Mapping(l));
                }
                out.insert(k.clone(), Value::Sequence(ls));
            }
            "overrides" => {
                let mut os = Mapping::new();
                for (name, o) in v.as_mapping().unwrap() {
                    let name = name.as_str().unwrap();
                    let bare = name.rsplit("::").next().unwrap();
                    let mut kept = Mapping::new();
                    for (ok, ov) in o.as_mapping().unwrap() {
                        let known = match ok.as_str().unwrap() {
                            "ignore" | "regex_extracts" => true,
                            // 0.21's types: not ParseDateAndTime, NTPTimeStamp.
                            "type" => {
                                !matches!(ov.as_str().unwrap(), "ParseDateAndTime" | "NTPTimeStamp")
                            }
                            _ => false,
                        };
                        if known {
                            kept.insert(ok.clone(), ov.clone());
                        }
                    }
                    if !kept.is_empty() {
                        os.insert(bare.into(), Value::Mapping(kept));
                    }
                }
                out.insert(k.clone(), Value::Mapping(os));
            }
            "filters" => return Err("0.21 has no filters".into()),
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::Mapping(out))
}

fn doc(modules: &BTreeMap<String, Value>) -> String {
    let mut m = Mapping::new();
    for (k, v) in modules {
        m.insert(k.as_str().into(), v.clone());
    }
    let mut top = Mapping::new();
    top.insert("modules".into(), Value::Mapping(m));
    serde_yaml_ng::to_string(&top).unwrap()
}

/// Debian's generator over `modules`, leaving out a module at a time where it stops (its log
/// names the module it was making): its `snmp.yml` modules.
fn debian_modules(
    bin: &Path,
    mut modules: BTreeMap<String, Value>,
    dirs: &[PathBuf],
    dir: &Path,
) -> BTreeMap<String, Value> {
    for _ in 0..64 {
        if modules.is_empty() {
            return BTreeMap::new();
        }
        let (out, log) = run_upstream_logged(bin, &doc(&modules), dirs, dir);
        if let Some(text) = out {
            let v: Value = serde_yaml_ng::from_str(&text).unwrap();
            return v
                .as_mapping()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str().unwrap().to_owned(), v.clone()))
                .collect();
        }
        let failing = log
            .lines()
            .filter(|l| l.contains("Generating config for module"))
            .filter_map(|l| l.split("module=").nth(1))
            .map(|m| m.trim().trim_matches('"').to_owned())
            .next_back()
            .unwrap_or_else(|| panic!("Debian's generator failed without naming a module:\n{log}"));
        assert!(modules.remove(&failing).is_some(), "{failing}: {log}");
    }
    panic!("Debian's generator kept failing");
}

fn metric_oids(module: &Value) -> BTreeSet<String> {
    module["metrics"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .map(|m| m["oid"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn fetched(module: &Value) -> (Value, Value) {
    (module["walk"].clone(), module["get"].clone())
}

fn check(file: &str, bin: &Path, dirs: &[PathBuf], mib: &snmp_mib::Mib, tmp: &Path) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let cfg = GeneratorConfig::parse(&text, file).unwrap();
    // As `snmp generate` runs it: a bare name several modules define is Net-SNMP's node.
    let order = snmp_generator::read_order(dirs).unwrap();
    let current = snmp_generator::generate_ordered(&cfg, mib, &order);
    let ours: Value = serde_yaml_ng::from_str(&current.yaml).unwrap();
    // What we wrote reads back as the same typed configuration.
    assert_eq!(
        snmp_exporter_config::Config::parse(&current.yaml, file).unwrap(),
        current.config,
        "{file}"
    );

    // The 0.21 rendering of every module Debian's generator can be given.
    let up: Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut legacy = BTreeMap::new();
    let mut not_given = BTreeMap::new();
    for (name, m) in up["modules"].as_mapping().unwrap() {
        let name = name.as_str().unwrap().to_owned();
        match for_debian(m, mib) {
            Ok(v) => {
                legacy.insert(name, v);
            }
            Err(why) => {
                not_given.insert(name, why);
            }
        }
    }
    // A module none of whose walk ours finds is not given to Debian's either (it stops at
    // the first such module: one run each would take minutes); the others all are.
    let nothing_found: BTreeSet<&str> = current
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Module && p.message.contains("nothing of its walk"))
        .filter_map(|p| p.module.as_deref())
        .collect();
    let given: BTreeMap<String, Value> = legacy
        .iter()
        .filter(|(k, _)| !nothing_found.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let theirs = debian_modules(bin, given, dirs, &tmp.join(file));
    assert!(
        theirs.len() >= 15,
        "{file}: Debian made {} modules",
        theirs.len()
    );

    let mut compared = 0;
    for (name, their) in &theirs {
        // 1. Ours on the same 0.21 input: YAML-equal.
        let mine = snmp_generator::generate(
            &GeneratorConfig::parse(
                &doc(&BTreeMap::from([(name.clone(), legacy[name].clone())])),
                "g.yml",
            )
            .unwrap(),
            mib,
        );
        let mine_v: Value = serde_yaml_ng::from_str(&mine.yaml).unwrap();
        assert_eq!(
            norm(&mine_v[name.as_str()]),
            norm(their),
            "{file}: module {name}: ours and Debian's differ on the 0.21 rendering"
        );
        // 2. Ours on the current file: made, without failures, the same objects fetched and
        // made into metrics.
        let cur = &ours["modules"][name.as_str()];
        assert!(cur.is_mapping(), "{file}: module {name} missing from ours");
        let failures: Vec<String> = current
            .problems
            .iter()
            .filter(|p| p.module.as_deref() == Some(name.as_str()) && p.is_failure())
            .map(|p| p.to_string())
            .collect();
        // Where the corpus has an older version of a vendor's MIB, a lookup or override may
        // name an object it lacks: Debian's generator ignores that when no metric needs it,
        // ours names it (and exits 1). Nothing else may fail.
        for p in current
            .problems
            .iter()
            .filter(|p| p.module.as_deref() == Some(name.as_str()) && p.is_failure())
        {
            assert!(
                matches!(p.kind, ProblemKind::Lookup | ProblemKind::Override),
                "{file}: {p}"
            );
            let subject = p.subject.as_deref().expect("names what it did not find");
            let missing = mib.node(subject).is_none() && mib.resolve(subject).is_err();
            assert!(missing, "{file}: {p}: names something the corpus has");
        }
        drop(failures);
        if cfg.modules[name].filters.static_.is_empty() {
            assert_eq!(
                fetched(cur),
                fetched(their),
                "{file}: module {name}: walk and get"
            );
        }
        assert_eq!(
            metric_oids(cur),
            metric_oids(their),
            "{file}: module {name}: metrics"
        );
        // The current file's name and help overrides are applied.
        for (key, o) in &cfg.modules[name].overrides {
            let bare = key.rsplit("::").next().unwrap();
            let Some(m) = cur["metrics"].as_sequence().unwrap().iter().find(|m| {
                let oid = m["oid"].as_str().unwrap();
                their["metrics"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .any(|t| t["oid"].as_str() == Some(oid) && t["name"].as_str() == Some(bare))
            }) else {
                continue;
            };
            if !o.name.is_empty() {
                assert_eq!(
                    m["name"].as_str(),
                    Some(o.name.as_str()),
                    "{file}: {name}: {key}"
                );
            }
            if !o.help.is_empty() {
                assert_eq!(
                    m["help"].as_str(),
                    Some(o.help.as_str()),
                    "{file}: {name}: {key}"
                );
            }
        }
        compared += their["metrics"].as_sequence().map_or(0, Vec::len);
    }

    // 3. Every module ours made without a failure is one Debian's makes too; the others are
    // named with what is missing, and the run fails.
    for name in cfg.modules.keys() {
        let failed: Vec<_> = current
            .problems
            .iter()
            .filter(|p| p.module.as_deref() == Some(name.as_str()) && p.is_failure())
            .collect();
        if failed.is_empty() {
            assert!(
                theirs.contains_key(name) || not_given.contains_key(name),
                "{file}: module {name}: ours made it cleanly, Debian's could not"
            );
        } else {
            assert!(
                !theirs.contains_key(name)
                    || failed
                        .iter()
                        .all(|p| matches!(p.kind, ProblemKind::Lookup | ProblemKind::Override)),
                "{file}: module {name}: Debian's made it, ours says {failed:?}"
            );
            assert!(
                failed.iter().any(|p| matches!(
                    p.kind,
                    ProblemKind::Walk
                        | ProblemKind::Lookup
                        | ProblemKind::Override
                        | ProblemKind::Module
                )),
                "{file}: {name}"
            );
        }
    }
    assert!(
        current.failed(),
        "{file}: the corpus lacks some vendors' MIBs: a failure"
    );

    // 4. Upstream's exporter reads what we wrote for the current layout? Debian's 0.21 cannot
    // (auths:); ours does (checked above), and Debian's reads the 0.21 rendering's output.
    let all = snmp_generator::generate(
        &GeneratorConfig::parse(
            &doc(&legacy
                .iter()
                .filter(|(k, _)| theirs.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()),
            "g.yml",
        )
        .unwrap(),
        mib,
    );
    let p = tmp.join(format!("{file}.snmp.yml"));
    std::fs::write(&p, &all.yaml).unwrap();
    common::debian_exporter_reads(&p);
    compared
}

#[test]
fn upstreams_current_generator_yml_module_by_module() {
    let Some(bin) = upstream() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dirs = corpus(&tmp.path().join("mibs"));
    let (mib, _) = snmp_generator::load_mibs(&dirs).unwrap();
    // Qualified names are turned into OIDs with our resolver for Debian's input: a sample is
    // checked against snmptranslate, the oracle.
    for name in [
        "IF-MIB::ifXTable",
        "SNMPv2-MIB::system",
        "HOST-RESOURCES-MIB::hrStorageTable",
    ] {
        let out = Command::new("snmptranslate")
            .args(["-M", &mibdirs(&dirs), "-m", "ALL", "-On", name])
            .output()
            .unwrap();
        let theirs = String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_start_matches('.')
            .to_owned();
        assert_eq!(mib.node(name).unwrap().oid().to_string(), theirs, "{name}");
    }
    let mut total = 0;
    for file in [
        "upstream-main-generator.yml",
        "upstream-0.30.1-generator.yml",
    ] {
        total += check(file, &bin, &dirs, &mib, tmp.path());
    }
    assert!(total > 1000, "compared {total} metrics");
}
