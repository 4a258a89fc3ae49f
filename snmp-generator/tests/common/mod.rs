//! What the generator tests share: Debian's generator, the corpus, YAML compared as data.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_yaml_ng::{Mapping, Value};
use snmp_testkit::which;

pub(crate) fn upstream() -> Option<PathBuf> {
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
pub(crate) fn corpus(dir: &Path) -> Vec<PathBuf> {
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

pub(crate) fn mibdirs(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// Debian's generator on `generator` in `dir`: the `snmp.yml` it wrote, or `None`.
pub(crate) fn run_upstream(
    bin: &Path,
    generator: &str,
    dirs: &[PathBuf],
    dir: &Path,
) -> Option<String> {
    run_upstream_logged(bin, generator, dirs, dir).0
}

/// Debian's generator on `generator` in `dir`: the `snmp.yml` it wrote (or `None`) and its log.
pub(crate) fn run_upstream_logged(
    bin: &Path,
    generator: &str,
    dirs: &[PathBuf],
    dir: &Path,
) -> (Option<String>, String) {
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
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return (None, log);
    }
    (std::fs::read_to_string(dir.join("snmp.yml")).ok(), log)
}

pub(crate) fn run_ours(generator: &str, mib: &snmp_mib::Mib) -> snmp_generator::Generated {
    let cfg = snmp_generator::GeneratorConfig::parse(generator, "generator.yml").unwrap();
    snmp_generator::generate(&cfg, mib)
}

/// Mappings with their keys in order, so that documents compare as data.
pub(crate) fn norm(v: &Value) -> Value {
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

/// Debian's exporter reads `path` (`--dry-run`), when it is installed.
pub(crate) fn debian_exporter_reads(path: &Path) {
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
