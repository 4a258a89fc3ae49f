//! `snmp exporter`: the Prometheus snmp_exporter, drop-in (snmp-exporter crate). Every flag
//! of Debian's 0.21 and of upstream's current release is taken, so that the same unit file
//! starts it; flags that are ours say so.

use crate::failure::Failure;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{ArgAction, Args};
use snmp_exporter::{Config, ConfigSource, Exporter, Options, ServeOptions, WebConfig};

use super::exporter_log::{GoKitFormat, LogFormat};

/// snmp_exporter's command line.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExporterArgs {
    /// Path to configuration file (repeatable). Default: ./snmp.yml when it exists, else the
    /// built-in modules (system, if_mib, hrStorage, ucd) with auths public_v1/public_v2.
    #[arg(long = "config.file", value_name = "FILE")]
    config_file: Vec<PathBuf>,
    /// Expand environment variables to source secrets (`${VAR}` in auths' username,
    /// password and priv_password).
    #[arg(
        long = "config.expand-environment-variables",
        overrides_with = "no_expand_env"
    )]
    expand_env: bool,
    #[arg(long = "no-config.expand-environment-variables", hide = true)]
    no_expand_env: bool,
    /// Addresses on which to expose metrics and web interface (repeatable).
    #[arg(
        long = "web.listen-address",
        value_name = "ADDR",
        default_value = ":9116"
    )]
    listen: Vec<String>,
    /// Use systemd socket activation listeners instead of port listeners (Linux only).
    #[arg(long = "web.systemd-socket")]
    systemd_socket: bool,
    /// Path to a configuration file that can enable TLS or authentication
    /// (exporter-toolkit's format).
    #[arg(long = "web.config.file", value_name = "FILE")]
    web_config: Option<PathBuf>,
    /// Path under which to expose metrics.
    #[arg(long = "web.telemetry-path", default_value = "/metrics")]
    telemetry_path: String,
    /// The most HTTP connections open at once; more get 503 (not in upstream).
    #[arg(long = "web.max-connections", default_value = "4096")]
    max_connections: usize,
    /// The most /snmp scrapes in flight; more get 503 at once (not in upstream).
    #[arg(long = "web.max-scrapes", default_value = "2048")]
    max_scrapes: usize,
    /// How long a client may take to send a request's header, or stay idle between
    /// requests (not in upstream; Go duration).
    #[arg(long = "web.read-header-timeout", default_value = "20s")]
    header_timeout: String,
    /// The number of modules to fetch concurrently per scrape.
    #[arg(long = "snmp.module-concurrency", default_value = "1")]
    module_concurrency: usize,
    /// Include a full debug trace of SNMP packet traffic (every datagram, at debug level,
    /// whatever --log.level says for the rest).
    #[arg(long = "snmp.debug-packets", overrides_with = "no_debug_packets")]
    debug_packets: bool,
    #[arg(long = "no-snmp.debug-packets", hide = true)]
    no_debug_packets: bool,
    /// Source address to send snmp from in the format 'address:port' (port empty or 0: any).
    #[arg(long = "snmp.source-address", default_value = "")]
    source_address: String,
    /// Wrap 64-bit counters to avoid floating point rounding (on by default, as upstream;
    /// --no-snmp.wrap-large-counters turns it off).
    #[arg(long = "snmp.wrap-large-counters", overrides_with = "no_wrap")]
    wrap: bool,
    #[arg(long = "no-snmp.wrap-large-counters")]
    no_wrap: bool,
    /// Only log messages with the given severity or above: debug, info, warn, error.
    #[arg(long = "log.level", default_value = "info")]
    log_level: String,
    /// Output format of log messages: logfmt or json.
    #[arg(long = "log.format", default_value = "logfmt")]
    log_format: String,
    /// Only verify configuration is valid and exit.
    #[arg(long = "dry-run", overrides_with = "no_dry_run")]
    dry_run: bool,
    #[arg(long = "no-dry-run", hide = true)]
    no_dry_run: bool,
    /// Keep the v3 engines that modules with `v3_engine_cache` learn in this file (0600;
    /// engine ID, boots and time by agent and user, no credential), so that a restarted
    /// exporter skips their discovery (not in upstream).
    #[arg(long = "snmp.engine-state-file", value_name = "FILE")]
    engine_state_file: Option<PathBuf>,
    /// Show application version.
    #[arg(long = "version", action = ArgAction::SetTrue)]
    version: bool,
}

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

/// `--snmp.source-address`: `address:port`, `address:` or `[v6]:` (port empty or 0: any).
fn source_address(s: &str) -> Result<Option<SocketAddr>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    let fixed = if s.ends_with(':') {
        format!("{s}0")
    } else {
        s.to_owned()
    };
    fixed
        .parse::<SocketAddr>()
        .map(Some)
        .map_err(|_| format!("invalid --snmp.source-address {s:?}: want address:port"))
}

/// Raises the soft limit on open descriptors to the hard limit, as Go's runtime does: each
/// scrape holds a socket and each scraper a connection.
fn raise_nofile() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        }
    }
}

fn init_logging(level: tracing::Level, format: LogFormat, debug_packets: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let mut targets = Targets::new().with_default(LevelFilter::from_level(level));
    if debug_packets {
        targets = targets.with_target("snmp", LevelFilter::DEBUG);
    }
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .event_format(GoKitFormat(format));
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(targets))
        .try_init();
}

fn version_text() -> String {
    format!(
        "snmp_exporter, version {} (snmp-rs; branch: , revision: )\n  build user:       \n  build date:       \n  go version:       rust{}\n  platform:         {}/{}\n  tags:             snmp-rs",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_RUST_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

/// Runs the exporter (its own multi-threaded runtime) until killed.
pub(crate) fn exec(args: ExporterArgs) -> Result<(), Failure> {
    if args.version {
        println!("{}", version_text());
        return Ok(());
    }
    let Some(level) = log_level(&args.log_level) else {
        eprintln!("snmp exporter: --log.level must be one of debug, info, warn, error");
        return Err(Failure::Exit(1));
    };
    let format = match args.log_format.as_str() {
        "logfmt" => LogFormat::Logfmt,
        "json" => LogFormat::Json,
        other => {
            eprintln!("snmp exporter: unrecognized log format {other}");
            return Err(Failure::Exit(1));
        }
    };
    init_logging(level, format, args.debug_packets);
    tracing::info!(
        version = %format!("(version={}, branch=, revision=)", env!("CARGO_PKG_VERSION")),
        concurrency = args.module_concurrency.max(1),
        debug_snmp = args.debug_packets,
        "Starting snmp_exporter"
    );
    let header_timeout = match snmp_exporter::config::parse_go_duration(&args.header_timeout) {
        Ok(d) if d > Duration::ZERO => d,
        _ => {
            tracing::error!(value = %args.header_timeout, "invalid --web.read-header-timeout");
            return Err(Failure::Exit(1));
        }
    };
    let source = match source_address(&args.source_address) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(err = %e, "Error parsing flags");
            return Err(Failure::Exit(1));
        }
    };
    let mut paths = args.config_file.clone();
    if paths.is_empty() && std::path::Path::new("snmp.yml").exists() {
        paths.push("snmp.yml".into());
    }
    let (source_cfg, config) = if paths.is_empty() {
        (ConfigSource::Builtin, Ok(Config::builtin()))
    } else {
        let c = Config::load_with(&paths, args.expand_env);
        (ConfigSource::Files(paths), c)
    };
    let config = match config.and_then(|c| c.check().map(|()| c)) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(err = %e, "Error parsing config file");
            return Err(Failure::Exit(1));
        }
    };
    let web = match &args.web_config {
        Some(p) => match WebConfig::load(p) {
            Ok(w) => Some(Arc::new(w)),
            Err(e) => {
                tracing::error!(err = %e, "Error parsing web config file");
                return Err(Failure::Exit(1));
            }
        },
        None => None,
    };
    if args.dry_run {
        tracing::info!("Configuration parsed successfully");
        return Ok(());
    }
    raise_nofile();
    let options = Options {
        module_concurrency: args.module_concurrency.max(1),
        engine_state_file: args.engine_state_file.clone(),
        expand_env: args.expand_env,
        source_address: source,
        wrap_large_counters: !args.no_wrap,
        ..Options::default()
    };
    let serve = ServeOptions {
        max_connections: args.max_connections.max(1),
        max_scrapes: args.max_scrapes.max(1),
        header_timeout,
        telemetry_path: args.telemetry_path.clone(),
        web: web.clone(),
    };
    let exporter = Arc::new(Exporter::with_config(source_cfg, config, options));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snmp exporter: {e}");
            return Err(Failure::Exit(1));
        }
    };
    rt.block_on(async move {
        let listeners = match listeners(&args).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(err = %e, "Error starting HTTP server");
                return Err(Failure::Exit(1));
            }
        };
        let tls = web.as_ref().is_some_and(|w| w.uses_tls());
        let mut tasks = Vec::new();
        for listener in listeners {
            let local = listener
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            tracing::info!(address = %local, "Listening on");
            if tls {
                tracing::info!(address = %local, http2 = false, "TLS is enabled.");
            } else {
                tracing::info!(address = %local, http2 = false, "TLS is disabled.");
            }
            tasks.push(tokio::spawn(snmp_exporter::serve_with(
                exporter.clone(),
                listener,
                serve.clone(),
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
                return Err(Failure::Exit(1));
            }
        }
        Ok(())
    })
}

/// The listening sockets: systemd's (`--web.systemd-socket`, from `LISTEN_FDS`) or bound
/// to each `--web.listen-address`.
async fn listeners(args: &ExporterArgs) -> Result<Vec<tokio::net::TcpListener>, String> {
    let mut out = Vec::new();
    if args.systemd_socket {
        let mut fds = listenfd::ListenFd::from_env();
        for i in 0..fds.len() {
            match fds.take_tcp_listener(i) {
                Ok(Some(l)) => {
                    l.set_nonblocking(true).map_err(|e| e.to_string())?;
                    out.push(tokio::net::TcpListener::from_std(l).map_err(|e| e.to_string())?);
                }
                Ok(None) => {}
                Err(e) => return Err(format!("systemd socket {i}: {e}")),
            }
        }
        if out.is_empty() {
            return Err("no listeners found in the systemd socket activation environment".into());
        }
        return Ok(out);
    }
    for a in &args.listen {
        let addr = listen_addr(a);
        out.push(
            snmp_exporter::listen(&addr)
                .await
                .map_err(|e| format!("{addr}: {e}"))?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_addresses_as_upstream_writes_them() {
        assert_eq!(source_address("").unwrap(), None);
        assert_eq!(
            source_address("127.0.0.1:").unwrap(),
            Some("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(
            source_address("[::1]:0").unwrap(),
            Some("[::1]:0".parse().unwrap())
        );
        assert!(source_address("nonsense").is_err());
    }
}
