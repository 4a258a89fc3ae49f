//! `snmp generate`: snmp_exporter's generator on snmp-mib (snmp-generator crate).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

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
    /// Fail (write nothing) when a MIB does not parse or a module cannot be made whole.
    #[arg(long = "fail-on-parse-errors")]
    fail_on_parse_errors: bool,
    /// Only print the MIB problems found (upstream's `parse_errors`).
    #[arg(long = "parse-errors")]
    parse_errors: bool,
}

/// Runs the generator.
pub(crate) fn main(args: GenerateArgs) -> ExitCode {
    let mut dirs = args.mibs.clone();
    if dirs.is_empty() {
        if let Ok(env) = std::env::var("MIBDIRS") {
            dirs = env
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
                .collect();
        }
    }
    let text = match std::fs::read_to_string(&args.generator) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "snmp generate: cannot read {}: {e}",
                args.generator.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let cfg = match snmp_generator::GeneratorConfig::parse(
        &text,
        &args.generator.display().to_string(),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("snmp generate: {e}");
            return ExitCode::FAILURE;
        }
    };
    let checked = args.parse_errors || args.fail_on_parse_errors;
    let load = if checked {
        snmp_generator::load_mibs_checked(&dirs)
    } else {
        snmp_generator::load_mibs(&dirs)
    };
    let (mib, mib_problems) = match load {
        Ok(x) => x,
        Err(e) => {
            eprintln!("snmp generate: {e}");
            return ExitCode::FAILURE;
        }
    };
    for p in &mib_problems {
        eprintln!("{p}");
    }
    if args.parse_errors {
        eprintln!("{} MIB problems", mib_problems.len());
        return ExitCode::SUCCESS;
    }
    let out = snmp_generator::generate(&cfg, &mib);
    for p in &out.problems {
        eprintln!("{p}");
    }
    for (name, n) in &out.modules {
        eprintln!("Generated metrics module={name} metrics={n}");
    }
    if args.fail_on_parse_errors && !(mib_problems.is_empty() && out.problems.is_empty()) {
        eprintln!(
            "snmp generate: {} problems and --fail-on-parse-errors: nothing written",
            mib_problems.len() + out.problems.len()
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::write(&args.output, &out.yaml) {
        eprintln!("snmp generate: cannot write {}: {e}", args.output.display());
        return ExitCode::FAILURE;
    }
    eprintln!("Config written file={}", args.output.display());
    ExitCode::SUCCESS
}
