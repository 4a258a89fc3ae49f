//! Differential tests against Debian's `prometheus-snmp-generator` (0.21) over
//! `../shared/mibs`: the two outputs parse to the same YAML document (same modules, walks,
//! gets, metrics, types, indexes, lookups, help texts, enum values, walk parameters).
//!
//! One deliberate difference is taken out of the comparison by leaving a module out of both
//! inputs: RFC1213-MIB defines ifTable, ipAddrTable and tcp again, older; Net-SNMP loading
//! `ALL` keeps the definitions of the module it read last (RFC1213-MIB's: ifOperStatus with 3
//! states instead of 7, old descriptions), this generator keeps the current standard's.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::path::Path;

use common::{corpus, norm, run_ours, run_upstream, upstream};
use serde_yaml_ng::{Mapping, Value};

fn assert_same(upstream: &str, ours: &str, what: &str) -> usize {
    let u: Value = serde_yaml_ng::from_str(upstream).unwrap();
    let o: Value = serde_yaml_ng::from_str(ours).unwrap();
    let (u, o) = (norm(&u), norm(&o));
    let (Value::Mapping(um), Value::Mapping(om)) = (&u, &o) else {
        panic!("{what}: not mappings");
    };
    assert_eq!(
        um.keys().collect::<Vec<_>>(),
        om.keys().collect::<Vec<_>>(),
        "{what}: the same modules"
    );
    let mut metrics = 0;
    for (name, module) in um {
        let mine = &om[name];
        if module != mine {
            let (Value::Mapping(a), Value::Mapping(b)) = (module, mine) else {
                panic!("{what}: module {name:?} differs");
            };
            for (k, v) in a {
                if b.get(k) != Some(v) {
                    let show = |x: Option<&Value>| serde_yaml_ng::to_string(&x).unwrap_or_default();
                    let (sa, sb) = (show(Some(v)), show(b.get(k)));
                    let line = sa
                        .lines()
                        .zip(sb.lines())
                        .find(|(x, y)| x != y)
                        .map(|(x, y)| format!("upstream: {x}\nours:     {y}"))
                        .unwrap_or_default();
                    panic!("{what}: module {name:?} key {k:?} differs\n{line}");
                }
            }
            panic!("{what}: module {name:?} has keys upstream has not");
        }
        metrics += module
            .get("metrics")
            .and_then(Value::as_sequence)
            .map_or(0, Vec::len);
    }
    metrics
}

#[test]
fn same_snmp_yml_as_debians_generator() {
    let Some(bin) = upstream() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dirs = corpus(&tmp.path().join("mibs"));
    let (mib, _) = snmp_generator::load_mibs(&dirs).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Our own generator files: the exporter's fixture (IF-MIB, HOST-RESOURCES, UCD, IP/TCP,
    // v1) and the vendor one (ENTITY-SENSOR, IP-MIB, Cisco, Juniper, Fortinet, Synology).
    let mut total = 0;
    for file in [
        data.join("../snmp-exporter/tests/data/generator-legacy.yml"),
        data.join("tests/data/generator-vendors.yml"),
    ] {
        let text = std::fs::read_to_string(&file).unwrap();
        let up = run_upstream(&bin, &text, &dirs, &tmp.path().join("up"))
            .unwrap_or_else(|| panic!("Debian's generator failed on {}", file.display()));
        let ours = run_ours(&text, &mib);
        assert!(
            ours.problems
                .iter()
                .all(|p| p.module.is_none() || p.message.contains("override")),
            "{:?}",
            ours.problems
        );
        total += assert_same(&up, &ours.yaml, &file.display().to_string());
    }

    // Upstream's example generator.yml (Debian ships it): the modules whose MIBs are in the
    // corpus (Debian's generator stops at the first OID it cannot find, writing nothing).
    let example =
        std::fs::read_to_string("/usr/share/doc/prometheus-snmp-exporter/examples/generator.yml")
            .unwrap();
    let full: Value = serde_yaml_ng::from_str(&example).unwrap();
    let modules = full["modules"].as_mapping().unwrap();
    let keep = [
        "if_mib",
        "apcups",
        "paloalto_fw",
        "ddwrt",
        "ubiquiti_airfiber",
        "ubiquiti_unifi",
        "printer_mib",
        "mikrotik",
    ];
    let mut kept = Mapping::new();
    for k in keep {
        kept.insert(k.into(), modules[k].clone());
    }
    let mut top = Mapping::new();
    top.insert("modules".into(), Value::Mapping(kept));
    let text = serde_yaml_ng::to_string(&top).unwrap();
    let up = run_upstream(&bin, &text, &dirs, &tmp.path().join("up"))
        .expect("upstream's example modules");
    let ours = run_ours(&text, &mib);
    total += assert_same(&up, &ours.yaml, "upstream's example");
    assert!(
        total > 1000,
        "the outputs compared have many metrics: {total}"
    );

    // The whole example: Debian's generator writes nothing; ours writes every module it can
    // and names what it could not find.
    assert!(run_upstream(&bin, &example, &dirs, &tmp.path().join("up")).is_none());
    let all = run_ours(&example, &mib);
    let doc: Value = serde_yaml_ng::from_str(&all.yaml).unwrap();
    for k in keep {
        assert_eq!(
            norm(&doc[k]),
            norm(&serde_yaml_ng::from_str::<Value>(&up).unwrap()[k]),
            "{k} as in the run of the kept modules"
        );
    }
    assert!(
        all.problems
            .iter()
            .any(|p| p.module.as_deref() == Some("cisco_wlc")
                && p.message.contains("cannot find oid")),
        "{:?}",
        all.problems
    );
    // Upstream's exporter reads what we wrote.
    let path = tmp.path().join("ours.yml");
    std::fs::write(&path, &all.yaml).unwrap();
    common::debian_exporter_reads(&path);
}
