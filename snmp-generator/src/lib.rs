//! # snmp-generator
//!
//! What upstream's snmp_exporter generator does, on snmp-mib (mib-rs) instead of Net-SNMP's C
//! parser: reads `generator.yml` (both layouts, every key of upstream's current generator,
//! names as `name`, `MODULE::name` or OIDs), loads the MIB folders leniently, and fills the
//! exporter's typed `snmp.yml` ([`snmp_exporter_config::Config`]), which writes itself as
//! upstream's generator writes it. A module that does not parse, an import that is missing or
//! an OID that cannot be found costs only itself: each is a [`Problem`] naming what it
//! concerns, and the rest is generated; [`Problem::is_failure`] says which ones make
//! `snmp generate` exit non-zero.
//!
//! ```
//! let cfg = snmp_generator::GeneratorConfig::parse(
//!     "modules:\n  if_mib:\n    walk: [SNMPv2-MIB::sysUpTime, IF-MIB::ifTable]\n",
//!     "generator.yml",
//! )
//! .unwrap();
//! let mib = snmp_mib::Loader::new().modules("IF-MIB").cache_dir(None).load().unwrap().mib;
//! let out = snmp_generator::generate(&cfg, &mib);
//! assert!(out.problems.is_empty(), "{:?}", out.problems);
//! assert!(out.yaml.contains("name: ifInOctets"));
//! ```
#![forbid(unsafe_code)]

pub mod config;
pub mod module;
pub mod tree;
mod vocab;

use std::collections::BTreeMap;
use std::path::PathBuf;

use snmp_exporter_config::{Config, Layout, Secrets};
use snmp_mib::Mib;

pub use config::{ConfigError, GeneratorConfig};
use tree::Tree;

/// What a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A MIB file's error (the module it is in may be incomplete).
    Mib,
    /// A name or OID to walk that was not found.
    Walk,
    /// A lookup's column that was not found.
    Lookup,
    /// An override whose target was not found.
    Override,
    /// A whole generator module that could not be made.
    Module,
    /// A metric left out because of its index (upstream's warnings).
    Index,
    /// A bare name several MIB modules define at different OIDs.
    Ambiguous,
    /// Anything else worth a line.
    Warning,
}

/// Something that could not be used, or is worth knowing; the rest was generated.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What it is about.
    pub kind: ProblemKind,
    /// The generator module it concerns (none for a MIB file's problem).
    pub module: Option<String>,
    /// The MIB module, file and line of a MIB problem.
    pub mib_module: Option<String>,
    /// The file.
    pub file: Option<String>,
    /// The line (1-based).
    pub line: Option<usize>,
    /// Severity (`error`, `warning`, ... for MIB problems; `error` or `warning` for the
    /// generator's).
    pub severity: String,
    /// What.
    pub message: String,
    /// The name of `generator.yml` that was not found (a walk's, lookup's or override's).
    pub subject: Option<String>,
}

impl Problem {
    pub(crate) fn generator(kind: ProblemKind, message: String) -> Problem {
        let failure = matches!(
            kind,
            ProblemKind::Walk | ProblemKind::Lookup | ProblemKind::Override | ProblemKind::Module
        );
        Problem {
            kind,
            module: None,
            mib_module: None,
            file: None,
            line: None,
            severity: if failure { "error" } else { "warning" }.into(),
            message,
            subject: None,
        }
    }

    pub(crate) fn about(mut self, subject: &str) -> Problem {
        self.subject = Some(subject.to_owned());
        self
    }

    /// Whether `snmp generate` exits non-zero for it: something `generator.yml` asked for
    /// (a walk, a lookup, an override's target, a whole module) that could not be made.
    pub fn is_failure(&self) -> bool {
        matches!(
            self.kind,
            ProblemKind::Walk | ProblemKind::Lookup | ProblemKind::Override | ProblemKind::Module
        )
    }
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
    /// The configuration (the exporter's typed `snmp.yml`).
    pub config: Config,
    /// The file's text ([`Config::to_snmp_yml`] with the secrets shown).
    pub yaml: String,
    /// Modules written, with their metric counts.
    pub modules: Vec<(String, usize)>,
    /// What was skipped or noticed.
    pub problems: Vec<Problem>,
    /// The MIB modules the output's objects come from (what `--fail-on-parse-errors`
    /// looks at).
    pub used_mib_modules: std::collections::BTreeSet<String>,
}

impl Generated {
    /// Whether anything `generator.yml` asked for could not be made.
    pub fn failed(&self) -> bool {
        self.problems.iter().any(Problem::is_failure)
    }
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

fn loader(dirs: &[PathBuf]) -> snmp_mib::Loader {
    // The embedded standard set when no folder is given (not `~/.snmp/mibs`, not `MIBDIRS`:
    // the caller decides which folders count).
    let loader = snmp_mib::Loader::new().modules("ALL").dirs("builtin");
    if dirs.is_empty() {
        return loader;
    }
    let spec = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    loader.dirs(&spec)
}

/// The order in which Net-SNMP reads the modules of `dirs` ([`snmp_mib::read_order`]): what
/// decides which node a bare name several modules define stands for
/// ([`generate_ordered`]).
pub fn read_order(dirs: &[PathBuf]) -> Result<Vec<String>, snmp_mib::LoadError> {
    loader(dirs).netsnmp_read_order()
}

fn load(dirs: &[PathBuf], checked: bool) -> Result<(Mib, Vec<Problem>), snmp_mib::LoadError> {
    let loader = loader(dirs);
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
            kind: ProblemKind::Mib,
            module: None,
            mib_module: d.module,
            file: d.file,
            line: d.line,
            severity: d.severity,
            message: d.message,
            subject: None,
        })
        .collect();
    Ok((loaded.mib, problems))
}

/// Generates `snmp.yml` from `cfg` over `mib`: every module that can be made. A bare name
/// several modules define at different OIDs stands for the node snmp-mib names first; see
/// [`generate_ordered`] for Net-SNMP's choice.
pub fn generate(cfg: &GeneratorConfig, mib: &Mib) -> Generated {
    generate_ordered(cfg, mib, &[])
}

/// [`generate`], a bare name several modules define at different OIDs standing for the node
/// of the module Net-SNMP reads last (`order`: [`read_order`] of the same folders), as
/// Net-SNMP's name lookup finds it.
pub fn generate_ordered(cfg: &GeneratorConfig, mib: &Mib, order: &[String]) -> Generated {
    let tree = Tree::new(mib, cfg.layout == Layout::Current, order);
    let mut modules = BTreeMap::new();
    let mut counts = Vec::new();
    let mut problems = Vec::new();
    for (name, m) in &cfg.modules {
        let named = |mut p: Problem| {
            p.module = Some(name.clone());
            p
        };
        match module::generate_module(&tree, m, cfg.layout) {
            Ok((out, ps)) => {
                counts.push((name.clone(), out.metrics.len()));
                modules.insert(name.clone(), out);
                problems.extend(ps.into_iter().map(named));
            }
            Err((e, ps)) => {
                problems.extend(ps.into_iter().map(named));
                problems.push(named(Problem::generator(ProblemKind::Module, e)));
            }
        }
    }
    let config = Config {
        layout: cfg.layout,
        auths: cfg.auths.clone(),
        modules,
    };
    let mut used = std::collections::BTreeSet::new();
    let mut note = |oid: &str| {
        if let Some(&i) = tree.by_oid.get(oid) {
            used.insert(tree.nodes[i].module.clone());
        }
    };
    for m in config.modules.values() {
        for metric in &m.metrics {
            note(&metric.oid);
            for l in &metric.lookups {
                note(&l.oid);
            }
        }
    }
    Generated {
        yaml: config.to_snmp_yml(Secrets::Shown),
        config,
        modules: counts,
        problems,
        used_mib_modules: used,
    }
}
