//! Differential tests against Debian's `prometheus-snmp-generator` (0.21) over
//! `../shared/mibs`: the two outputs parse to the same YAML document (same modules, walks,
//! gets, metrics, types, indexes, lookups, help texts, enum values, walk parameters).
//!
//! One deliberate difference is taken out of the comparison by leaving a module out of both
//! inputs: RFC1213-MIB defines ifTable, ipAddrTable and tcp again, older; Net-SNMP loading
//! `ALL` keeps the definitions of the module it read last (RFC1213-MIB's: ifOperStatus with 3
//! states instead of 7, old descriptions), this generator keeps the current standard's.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_yaml_ng::{Mapping, Value};
use snmp_testkit::which;

fn upstream() -> Option<PathBuf> {
    match which("prometheus-snmp-generator") {
        Some(g) => Some(g),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "prometheus-snmp-generator is not installed (apt-get install -y prometheus-snmp-exporter)"
            );
            println!("SKIPPED: prometheus-snmp-generator is not installed");
            None
        }
    }
}

/// The corpus's folders copied without RFC1213-MIB (see the module comment).
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in snmp_testkit::mib_corpus_dirs() {
        let to = dir.join(f.file_name().unwrap());
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(&f).unwrap().filter_map(|e| e.ok()) {
            let name = e.file_name();
            if name.to_string_lossy().starts_with("RFC1213-MIB") {
                continue;
            }
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
        out.push(to);
    }
    out
}

fn mibdirs(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// Debian's generator on `generator` in `dir`: the `snmp.yml` it wrote, or `None`.
fn run_upstream(bin: &Path, generator: &str, dirs: &[PathBuf], dir: &Path) -> Option<String> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("generator.yml"), generator).unwrap();
    let _ = std::fs::remove_file(dir.join("snmp.yml"));
    let out = Command::new(bin)
        .arg("generate")
        .current_dir(dir)
        .env("MIBDIRS", mibdirs(dirs))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    std::fs::read_to_string(dir.join("snmp.yml")).ok()
}

fn run_ours(generator: &str, mib: &snmp_mib::Mib) -> snmp_generator::Generated {
    let cfg = snmp_generator::GeneratorConfig::parse(generator, "generator.yml").unwrap();
    snmp_generator::generate(&cfg, mib)
}

/// Mappings with their keys in order, so that documents compare as data.
fn norm(v: &Value) -> Value {
    match v {
        Value::Mapping(m) => {
            let mut items: Vec<(String, Value, Value)> = m
                .iter()
                .map(|(k, v)| (serde_yaml_ng::to_string(k).unwrap(), k.clone(), norm(v)))
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Mapping::new();
            for (_, k, v) in items {
                out.insert(k, v);
            }
            Value::Mapping(out)
        }
        Value::Sequence(s) => Value::Sequence(s.iter().map(norm).collect()),
        other => other.clone(),
    }
}

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
    if let Some(exporter) = which("prometheus-snmp-exporter") {
        let out = Command::new(exporter)
            .arg(format!("--config.file={}", path.display()))
            .arg("--dry-run")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
