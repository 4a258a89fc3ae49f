//! `snmp exporter`: the Prometheus snmp_exporter, drop-in (snmp-exporter crate).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use snmp_exporter::{Config, Exporter, Options};

/// snmp_exporter's command line.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExporterArgs {
    /// Path to configuration file (repeatable). Default: ./snmp.yml when it exists, else the
    /// built-in modules (system, if_mib, hrStorage, ucd) with auths public_v1/public_v2.
    #[arg(long = "config.file", value_name = "FILE")]
    config_file: Vec<PathBuf>,
    /// Addresses on which to expose metrics and web interface (repeatable).
    #[arg(
        long = "web.listen-address",
        value_name = "ADDR",
        default_value = ":9116"
    )]
    listen: Vec<String>,
    /// The number of modules to fetch concurrently per scrape.
    #[arg(long = "snmp.module-concurrency", default_value = "1")]
    module_concurrency: usize,
    /// Only log messages with the given severity or above: debug, info, warn, error.
    #[arg(long = "log.level", default_value = "info")]
    log_level: String,
    /// Output format of log messages: logfmt or json (logfmt only; json is accepted).
    #[arg(long = "log.format", default_value = "logfmt")]
    log_format: String,
    /// Only verify configuration is valid and exit.
    #[arg(long = "dry-run")]
    dry_run: bool,
    /// Keep the v3 engines that modules with `v3_engine_cache` learn in this file, so that a
    /// restarted exporter skips their discovery (not in upstream).
    #[arg(long = "snmp.engine-state-file", value_name = "FILE")]
    engine_state_file: Option<PathBuf>,
}

/// The built-in configuration: what the first run serves without a file.
const DEFAULT_CONFIG: &str = include_str!("../../../snmp-exporter/default-snmp.yml");

fn log_level(s: &str) -> Option<tracing::Level> {
    Some(match s {
        "debug" => tracing::Level::DEBUG,
        "info" => tracing::Level::INFO,
        "warn" => tracing::Level::WARN,
        "error" => tracing::Level::ERROR,
        _ => return None,
    })
}

fn listen_addr(s: &str) -> String {
    // Go's ":9116" means every address.
    if s.starts_with(':') {
        format!("0.0.0.0{s}")
    } else {
        s.to_owned()
    }
}

/// Runs the exporter (its own multi-threaded runtime) until killed.
pub(crate) fn main(args: ExporterArgs) -> ExitCode {
    let Some(level) = log_level(&args.log_level) else {
        eprintln!("snmp exporter: --log.level must be one of debug, info, warn, error");
        return ExitCode::FAILURE;
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    let mut paths = args.config_file.clone();
    if paths.is_empty() && std::path::Path::new("snmp.yml").exists() {
        paths.push("snmp.yml".into());
    }
    let config = if paths.is_empty() {
        Config::parse(DEFAULT_CONFIG, "<built-in>")
    } else {
        Config::load(&paths)
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(err = %e, "Error parsing config file");
            return ExitCode::FAILURE;
        }
    };
    if config.modules.is_empty() {
        tracing::error!(
            "Configuration is missing Modules. Did you provide any configuration file?"
        );
        return ExitCode::FAILURE;
    }
    if config.layout == snmp_exporter::Layout::Current && config.auths.is_empty() {
        tracing::error!("Configuration is missing Auths.");
        return ExitCode::FAILURE;
    }
    if args.dry_run {
        tracing::info!("Configuration parsed successfully");
        return ExitCode::SUCCESS;
    }
    let options = Options {
        module_concurrency: args.module_concurrency.max(1),
        engine_state_file: args.engine_state_file.clone(),
    };
    let exporter = Arc::new(Exporter::with_config(paths, config, options));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snmp exporter: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let mut tasks = Vec::new();
        for a in &args.listen {
            let addr = listen_addr(a);
            let listener = match snmp_exporter::listen(&addr).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::error!(address = %addr, err = %e, "Error starting HTTP server");
                    return ExitCode::FAILURE;
                }
            };
            let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
            tracing::info!(address = %local, "Listening on");
            tasks.push(tokio::spawn(snmp_exporter::serve(
                exporter.clone(),
                listener,
            )));
        }
        #[cfg(unix)]
        {
            let exporter = exporter.clone();
            tokio::spawn(async move {
                let Ok(mut hup) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                else {
                    return;
                };
                while hup.recv().await.is_some() {
                    match exporter.reload() {
                        Ok(()) => tracing::info!("Loaded config file"),
                        Err(e) => tracing::error!(err = %e, "Error reloading config"),
                    }
                }
            });
        }
        for t in tasks {
            if let Ok(Err(e)) = t.await {
                tracing::error!(err = %e, "HTTP server failed");
                return ExitCode::FAILURE;
            }
        }
        ExitCode::SUCCESS
    })
}
