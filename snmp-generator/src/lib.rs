//! # snmp-generator
//!
//! What upstream's snmp_exporter generator does, on snmp-mib (mib-rs) instead of Net-SNMP's C
//! parser: reads `generator.yml` (both layouts), loads every module of the MIB folders
//! leniently, and writes `snmp.yml` for the exporter. A module that does not parse, an import
//! that is missing or an OID that cannot be found costs only itself: each is a [`Problem`]
//! naming the file, line and module, and the rest is generated (`snmp generate
//! --fail-on-parse-errors` makes them fatal, as upstream).
//!
//! ```
//! let cfg = snmp_generator::GeneratorConfig::parse(
//!     "modules:\n  if_mib:\n    walk: [sysUpTime, ifTable]\n",
//!     "generator.yml",
//! )
//! .unwrap();
//! let mib = snmp_mib::Loader::new().modules("IF-MIB").cache_dir(None).load().unwrap().mib;
//! let out = snmp_generator::generate(&cfg, &mib);
//! assert!(out.yaml.contains("name: ifInOctets"));
//! ```
#![forbid(unsafe_code)]

pub mod config;
pub mod emit;
pub mod tree;

use std::path::PathBuf;

use serde_yaml_ng::{Mapping, Value};
use snmp_mib::Mib;

pub use config::{ConfigError, GeneratorConfig};
use tree::{generate_module, Skipped, Tree};

/// Something that could not be used; the rest was generated.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The generator module it concerns (none for a MIB file's problem).
    pub module: Option<String>,
    /// The MIB module, file and line of a MIB problem.
    pub mib_module: Option<String>,
    /// The file.
    pub file: Option<String>,
    /// The line (1-based).
    pub line: Option<usize>,
    /// Severity (`error`, `warning`, ... for MIB problems; `error` for the generator's).
    pub severity: String,
    /// What.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(m) = &self.module {
            write!(f, "module {m}: ")?;
        }
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        if let Some(m) = &self.mib_module {
            write!(f, "{m}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// The generated `snmp.yml` and what could not be made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file's text.
    pub yaml: String,
    /// Modules written, with their metric counts.
    pub modules: Vec<(String, usize)>,
    /// What was skipped.
    pub problems: Vec<Problem>,
}

/// Loads every module of `dirs` (Net-SNMP's `MIBDIRS` folders; none: the embedded standard
/// set), leniently: the problems come back with the set. The compiled cache makes a second
/// load of the same files fast; it keeps no diagnostics, so [`load_mibs_checked`] parses the
/// text again when they are wanted.
pub fn load_mibs(dirs: &[PathBuf]) -> Result<(Mib, Vec<Problem>), snmp_mib::LoadError> {
    load(dirs, false)
}

/// [`load_mibs`] without the compiled cache: every problem of the text is reported.
pub fn load_mibs_checked(dirs: &[PathBuf]) -> Result<(Mib, Vec<Problem>), snmp_mib::LoadError> {
    load(dirs, true)
}

fn load(dirs: &[PathBuf], checked: bool) -> Result<(Mib, Vec<Problem>), snmp_mib::LoadError> {
    // The embedded standard set when no folder is given (not `~/.snmp/mibs`, not `MIBDIRS`:
    // the caller decides which folders count).
    let mut loader = snmp_mib::Loader::new().modules("ALL").dirs("builtin");
    if !dirs.is_empty() {
        let spec = dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(":");
        loader = loader.dirs(&spec);
    }
    let loaded = if checked {
        loader.load_uncached()?
    } else {
        loader.load()?
    };
    let problems = loaded
        .diagnostics
        .into_iter()
        // What keeps a definition from being used (Net-SNMP's parse errors), not the style
        // findings mib-rs also reports as errors (an INDEX without a range, a name's case).
        .filter(snmp_mib::Diagnostic::is_error)
        .map(|d| Problem {
            module: None,
            mib_module: d.module,
            file: d.file,
            line: d.line,
            severity: d.severity,
            message: d.message,
        })
        .collect();
    Ok((loaded.mib, problems))
}

/// Generates `snmp.yml` from `cfg` over `mib`: every module that can be made.
pub fn generate(cfg: &GeneratorConfig, mib: &Mib) -> Generated {
    let tree = Tree::new(mib);
    let mut modules = Mapping::new();
    let mut counts = Vec::new();
    let mut problems = Vec::new();
    for (name, m) in &cfg.modules {
        let mut skipped: Vec<Skipped> = Vec::new();
        match generate_module(&tree, m, &mut skipped) {
            Ok(out) => {
                let n = out
                    .get("metrics")
                    .and_then(Value::as_sequence)
                    .map_or(0, Vec::len);
                counts.push((name.clone(), n));
                modules.insert(name.clone().into(), Value::Mapping(out));
            }
            Err(e) => skipped.push(Skipped { message: e }),
        }
        problems.extend(skipped.into_iter().map(|s| Problem {
            module: Some(name.clone()),
            mib_module: None,
            file: None,
            line: None,
            severity: "error".into(),
            message: s.message,
        }));
    }
    let doc = if cfg.current {
        let mut top = Mapping::new();
        if let Some(a) = &cfg.auths {
            top.insert("auths".into(), a.clone());
        }
        top.insert("modules".into(), Value::Mapping(modules));
        Value::Mapping(top)
    } else {
        Value::Mapping(modules)
    };
    let body = emit::to_yaml(&doc);
    Generated {
        yaml: format!(
            "# WARNING: This file was auto-generated using snmp_exporter generator, manual changes will be lost.\n{body}"
        ),
        modules: counts,
        problems,
    }
}
