//! `snmp generate`: snmp_exporter's generator on snmp-mib (snmp-generator crate).
//!
//! Exit status and stderr: a clean run prints nothing and exits 0. Anything `generator.yml`
//! asked for that cannot be made (a walk, a lookup, an override's target, a whole module) is
//! named on stderr and makes the exit status 1, though every module that can be made is
//! still written (`--allow-missing`: exit 0 anyway). MIB problems of the folders are
//! summarised, one line per MIB module and kind (`--parse-errors`: every one).

use crate::failure::Failure;
use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use snmp_generator::{Problem, ProblemKind};

/// The generator's command line.
#[derive(Args, Debug, Clone)]
pub(crate) struct GenerateArgs {
    /// The generator configuration.
    #[arg(short = 'g', long = "generator-path", default_value = "generator.yml")]
    generator: PathBuf,
    /// Where to write snmp.yml.
    #[arg(short = 'o', long = "output-path", default_value = "snmp.yml")]
    output: PathBuf,
    /// A MIB folder (repeatable; default: MIBDIRS, colon-separated, else the embedded set).
    #[arg(short = 'm', long = "mibs-dir")]
    mibs: Vec<PathBuf>,
    /// Write nothing and exit 1 when a MIB module the output uses has parse errors.
    #[arg(
        long = "fail-on-parse-errors",
        overrides_with = "no_fail_on_parse_errors"
    )]
    fail_on_parse_errors: bool,
    /// The default: MIB parse errors are reported, not fatal (upstream's spelling).
    #[arg(long = "no-fail-on-parse-errors")]
    no_fail_on_parse_errors: bool,
    /// Exit 0 even when a walk, lookup, override or module could not be made (what could be
    /// made is written either way).
    #[arg(long = "allow-missing")]
    allow_missing: bool,
    /// Print every MIB problem of the folders (upstream's `parse_errors`) and stop.
    #[arg(long = "parse-errors")]
    parse_errors: bool,
    /// Also print each module's metric count and where the file was written.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
}

fn mib_dirs(args: &GenerateArgs) -> Vec<PathBuf> {
    if !args.mibs.is_empty() {
        return args.mibs.clone();
    }
    std::env::var("MIBDIRS")
        .map(|env| {
            env.split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The kind of a MIB problem: its message up to the first colon or quote.
fn mib_kind(p: &Problem) -> &str {
    let m = p.message.as_str();
    let end = m.find([':', '"', '(']).unwrap_or(m.len());
    m[..end].trim()
}

/// One line per MIB module (or file) and kind of problem.
fn summarise(problems: &[Problem]) -> Vec<String> {
    let mut groups: BTreeMap<(String, String), (usize, &Problem)> = BTreeMap::new();
    for p in problems {
        let who = p
            .mib_module
            .clone()
            .or_else(|| p.file.clone())
            .unwrap_or_else(|| "?".into());
        groups
            .entry((who, mib_kind(p).to_owned()))
            .and_modify(|e| e.0 += 1)
            .or_insert((1, p));
    }
    groups
        .into_iter()
        .map(|((who, kind), (n, first))| {
            let at = match (&first.file, first.line) {
                (Some(f), Some(l)) => format!(" (first at {f}:{l})"),
                (Some(f), None) => format!(" (in {f})"),
                _ => String::new(),
            };
            format!("MIB {who}: {n} x {kind}{at}")
        })
        .collect()
}

/// Runs the generator.
pub(crate) fn exec(args: GenerateArgs) -> Result<(), Failure> {
    let dirs = mib_dirs(&args);
    let text = match std::fs::read_to_string(&args.generator) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "snmp generate: cannot read {}: {e}",
                args.generator.display()
            );
            return Err(Failure::Exit(1));
        }
    };
    let cfg = match snmp_generator::GeneratorConfig::parse(
        &text,
        &args.generator.display().to_string(),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("snmp generate: {e}");
            return Err(Failure::Exit(1));
        }
    };
    // The compiled cache keeps no diagnostics: the text is parsed again when the problems
    // are wanted in full or decide the exit status.
    let fail_on_parse = args.fail_on_parse_errors && !args.no_fail_on_parse_errors;
    let load = if args.parse_errors || fail_on_parse {
        snmp_generator::load_mibs_checked(&dirs)
    } else {
        snmp_generator::load_mibs(&dirs)
    };
    let (mib, mib_problems) = match load {
        Ok(x) => x,
        Err(e) => {
            eprintln!("snmp generate: {e}");
            return Err(Failure::Exit(1));
        }
    };
    if args.parse_errors {
        for p in &mib_problems {
            println!("{p}");
        }
        eprintln!("{} MIB problems", mib_problems.len());
        return Ok(());
    }
    for line in summarise(&mib_problems) {
        eprintln!("{line}");
    }
    // Which node a bare name several modules define stands for: Net-SNMP's choice, which
    // follows the order it reads the folders in.
    let order = snmp_generator::read_order(&dirs).unwrap_or_default();
    let out = snmp_generator::generate_ordered(&cfg, &mib, &order);
    for p in &out.problems {
        eprintln!("{p}");
    }
    if args.verbose {
        for (name, n) in &out.modules {
            eprintln!("Generated metrics module={name} metrics={n}");
        }
    }
    if fail_on_parse {
        let used: Vec<&Problem> = mib_problems
            .iter()
            .filter(|p| {
                p.mib_module
                    .as_ref()
                    .is_some_and(|m| out.used_mib_modules.contains(m))
            })
            .collect();
        if !used.is_empty() {
            let mut names: Vec<&str> = used
                .iter()
                .filter_map(|p| p.mib_module.as_deref())
                .collect();
            names.dedup();
            eprintln!(
                "snmp generate: parse errors in MIB modules the output uses ({}) and --fail-on-parse-errors: nothing written",
                names.join(", ")
            );
            return Err(Failure::Exit(1));
        }
    }
    if let Err(e) = std::fs::write(&args.output, &out.yaml) {
        eprintln!("snmp generate: cannot write {}: {e}", args.output.display());
        return Err(Failure::Exit(1));
    }
    if args.verbose {
        eprintln!("Config written file={}", args.output.display());
    }
    let failures: Vec<&Problem> = out.problems.iter().filter(|p| p.is_failure()).collect();
    if failures.is_empty() {
        return Ok(());
    }
    let modules: Vec<&str> = failures
        .iter()
        .filter(|p| p.kind == ProblemKind::Module)
        .filter_map(|p| p.module.as_deref())
        .collect();
    eprintln!(
        "snmp generate: {} of what generator.yml asks for could not be made{}; the rest is written to {}{}",
        failures.len(),
        if modules.is_empty() {
            String::new()
        } else {
            format!(" (modules left out: {})", modules.join(", "))
        },
        args.output.display(),
        if args.allow_missing { "" } else { " (--allow-missing: exit 0)" }
    );
    if args.allow_missing {
        Ok(())
    } else {
        Err(Failure::Exit(1))
    }
}
