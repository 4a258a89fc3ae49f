//! # snmp-exporter
//!
//! A drop-in replacement for Prometheus' [snmp_exporter]: it reads the same `snmp.yml`
//! (the current `auths:` + `modules:` layout and the pre-0.23 one with auth inside each
//! module), answers the same HTTP API (`/snmp?target=&module=&auth=`, `/metrics`,
//! `/-/reload`, `/-/healthy`, `/config`) and writes the same exposition, on this toolkit's
//! async Manager. `snmp exporter` (in the `snmp` binary) runs it; [`serve`] embeds it.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use snmp_exporter::{Exporter, Options};
//! let exporter = Exporter::from_files(vec!["snmp.yml".into()], Options::default())?;
//! let listener = snmp_exporter::listen("127.0.0.1:9116").await?;
//! snmp_exporter::serve(std::sync::Arc::new(exporter), listener).await?;
//! # Ok(()) }
//! ```
//!
//! [snmp_exporter]: https://github.com/prometheus/snmp_exporter
#![forbid(unsafe_code)]

mod cache;
mod clients;
pub mod collect;
/// `snmp.yml` (the [`snmp_exporter_config`] crate, re-exported).
pub use snmp_exporter_config as config;
pub mod expo;
pub mod hint;
pub mod scrape;
mod server;
mod state;
mod telemetry;
mod web;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

pub use config::{Config, ConfigError, Layout};
pub use server::{listen, serve, serve_with, Response, ServeOptions, WebConfig};

use cache::IdleCache;
use clients::{engine_key, v3_key};
use collect::{pdu_map, Prepared};
use config::Module;
use expo::{Exposition, Sample};
use scrape::{QueryOverrides, Target};
use telemetry::Telemetry;

/// Command-line settings of the exporter.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--snmp.module-concurrency`: modules of one scrape fetched at once (current layout).
    pub module_concurrency: usize,
    /// `--snmp.engine-state-file` (not upstream): where the engines that modules with
    /// `v3_engine_cache` learned are kept across restarts.
    pub engine_state_file: Option<PathBuf>,
    /// `--config.expand-environment-variables`: `${VAR}` in auths' user names and passwords,
    /// on every load (and reload).
    pub expand_env: bool,
    /// `--snmp.source-address`: the local address SNMP requests leave from.
    pub source_address: Option<SocketAddr>,
    /// `--[no-]snmp.wrap-large-counters`: Counter64 values wrapped at 2^53 (default on, as
    /// upstream).
    pub wrap_large_counters: bool,
    /// The most host-name lookups at once (a scrape over the limit waits for its turn, within
    /// its timeout).
    pub max_lookups: usize,
    /// The most v3 clients (and lookup-cache entries) kept between scrapes.
    pub max_kept: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            module_concurrency: 1,
            engine_state_file: None,
            expand_env: false,
            source_address: None,
            wrap_large_counters: true,
            max_lookups: 64,
            max_kept: 10_000,
        }
    }
}

/// Where the configuration comes from (and is read again on reload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// These files, merged.
    Files(Vec<PathBuf>),
    /// [`Config::builtin`].
    Builtin,
}

struct Loaded {
    config: Config,
    prepared: BTreeMap<String, Prepared>,
    /// Counts loads: a lookup-cache entry of an earlier load is never used by a later one.
    generation: u64,
}

impl Loaded {
    fn new(config: Config, wrap: bool, generation: u64) -> Loaded {
        let prepared = config
            .modules
            .iter()
            .map(|(n, m)| (n.clone(), Prepared::with_wrap(m, wrap)))
            .collect();
        Loaded {
            config,
            prepared,
            generation,
        }
    }
}

/// The exporter: its configuration (reloadable) and its own metrics.
pub struct Exporter {
    source: ConfigSource,
    /// v3 clients kept between scrapes (modules with `v3_engine_cache`), by target and
    /// credentials; only clients whose scrape succeeded, all on one shared client.
    v3_clients: IdleCache<String, snmp_tokio::Manager>,
    /// The one client (socket and driver) the kept v3 clients share.
    v3_shared: OnceLock<snmp_tokio::Client>,
    /// Lookup columns kept between scrapes (modules with `lookup_cache`), by target,
    /// credentials, module and load.
    lookups: IdleCache<String, Arc<CachedLookups>>,
    /// Engines learned by kept v3 clients (the state file's content).
    engines: Mutex<state::Engines>,
    writer: Option<state::Writer>,
    /// Host-name lookups in progress are bounded by its permits.
    resolving: tokio::sync::Semaphore,
    loaded: RwLock<Arc<Loaded>>,
    loads: AtomicU64,
    options: Options,
    telemetry: Telemetry,
}

/// A scrape request as the query string gives it.
#[derive(Debug, Clone, Default)]
pub struct ScrapeRequest {
    /// `target`.
    pub target: String,
    /// `module` (several, comma-separated or repeated, in the current layout).
    pub modules: Vec<String>,
    /// `auth` (current layout; default `public_v2`).
    pub auth: String,
    /// `snmp_context` and `snmp_engineid`.
    pub overrides: QueryOverrides,
}

/// Why a scrape gave no exposition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScrapeError {
    /// A `module` the configuration does not have (HTTP 400).
    #[error("Unknown module '{0}'")]
    UnknownModule(String),
    /// An `auth` the configuration does not have (HTTP 400).
    #[error("Unknown auth '{0}'")]
    UnknownAuth(String),
    /// Nothing could be gathered (HTTP 500): client_golang's error text, one error or a
    /// list.
    #[error("An error has occurred while serving metrics:\n\n{0}")]
    Failed(String),
}

/// The failure of a scrape with `errors`, worded as client_golang words it.
fn failed(errors: &[String]) -> ScrapeError {
    if let [one] = errors {
        return ScrapeError::Failed(one.clone());
    }
    let mut s = format!("{} error(s) occurred:", errors.len());
    for e in errors {
        s.push_str("\n* ");
        s.push_str(e);
    }
    ScrapeError::Failed(s)
}

/// How long a kept v3 client or lookup-cache entry may stay unused.
const KEPT_IDLE: Duration = Duration::from_secs(600);

impl Exporter {
    /// Loads the configuration files.
    pub fn from_files(paths: Vec<PathBuf>, options: Options) -> Result<Exporter, ConfigError> {
        let config = Config::load_with(&paths, options.expand_env)?;
        Ok(Exporter::with_config(
            ConfigSource::Files(paths),
            config,
            options,
        ))
    }

    /// An exporter over an already parsed configuration (`source` is read again on reload).
    pub fn with_config(source: ConfigSource, config: Config, options: Options) -> Exporter {
        let telemetry = Telemetry::new(config.modules.keys().cloned());
        let max = options.max_kept.max(1);
        Exporter {
            source,
            v3_clients: IdleCache::new(max, KEPT_IDLE),
            v3_shared: OnceLock::new(),
            lookups: IdleCache::new(max, KEPT_IDLE),
            engines: Mutex::new(
                options
                    .engine_state_file
                    .as_deref()
                    .map(state::Engines::load)
                    .unwrap_or_default(),
            ),
            writer: options.engine_state_file.clone().map(state::Writer::new),
            resolving: tokio::sync::Semaphore::new(options.max_lookups.max(1)),
            loaded: RwLock::new(Arc::new(Loaded::new(
                config,
                options.wrap_large_counters,
                0,
            ))),
            loads: AtomicU64::new(0),
            options,
            telemetry,
        }
    }

    fn current(&self) -> Arc<Loaded> {
        match self.loaded.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> Config {
        self.current().config.clone()
    }

    /// Reads the configuration again (the files, or the built-in one); on an error the old
    /// configuration stays.
    pub fn reload(&self) -> Result<(), ConfigError> {
        let config = match &self.source {
            ConfigSource::Files(paths) => Config::load_with(paths, self.options.expand_env)?,
            ConfigSource::Builtin => Config::builtin(),
        };
        config.check()?;
        self.telemetry.init_modules(config.modules.keys().cloned());
        let generation = self.loads.fetch_add(1, Ordering::Relaxed) + 1;
        let loaded = Arc::new(Loaded::new(
            config,
            self.options.wrap_large_counters,
            generation,
        ));
        match self.loaded.write() {
            Ok(mut g) => *g = loaded,
            Err(p) => *p.into_inner() = loaded,
        }
        Ok(())
    }

    /// The layout of the configuration in use.
    pub fn layout(&self) -> Layout {
        self.current().config.layout
    }

    /// Scrapes one target: the exposition `/snmp` serves, or why there is none (the server
    /// maps [`ScrapeError`] to upstream's statuses and texts).
    pub async fn scrape(&self, req: ScrapeRequest) -> Result<String, ScrapeError> {
        let loaded = self.current();
        let layout = loaded.config.layout;
        let auth_name = if req.auth.is_empty() {
            "public_v2".to_owned()
        } else {
            req.auth.clone()
        };
        let mut modules: Vec<(&String, &Module, &Prepared)> = Vec::new();
        for name in &req.modules {
            match (
                loaded.config.modules.get_key_value(name),
                loaded.prepared.get(name),
            ) {
                (Some((n, m)), Some(p)) => modules.push((n, m, p)),
                _ => {
                    self.telemetry.request_error();
                    tracing::info!(module = %name, "unknown module");
                    return Err(ScrapeError::UnknownModule(name.clone()));
                }
            }
        }
        let auth = match layout {
            Layout::Current => match loaded.config.auths.get(&auth_name) {
                Some(a) => Some(a.clone()),
                None => {
                    self.telemetry.request_error();
                    tracing::info!(auth = %auth_name, "unknown auth");
                    return Err(ScrapeError::UnknownAuth(auth_name));
                }
            },
            Layout::Legacy => None,
        };
        let target = match Target::parse(&req.target) {
            Ok(t) => t,
            Err(e) => {
                tracing::info!(target = %req.target, err = %e, "Error scraping target");
                return Err(failed(&[collect::invalid_metric(
                    "Error scraping target",
                    &e,
                )]));
            }
        };
        let mut out = Exposition::new();
        let concurrency = match layout {
            Layout::Legacy => 1,
            Layout::Current => self.options.module_concurrency.max(1),
        };
        let mut runs = Vec::with_capacity(modules.len());
        for (name, module, prepared) in &modules {
            let auth = auth
                .clone()
                .or_else(|| module.auth.clone())
                .unwrap_or_default();
            runs.push(self.run_one(
                loaded.generation,
                name,
                module,
                prepared,
                auth,
                &target,
                &req.overrides,
            ));
        }
        let results: Vec<(String, Result<ModuleSamples<'_>, String>)> =
            stream::iter(runs).buffered(concurrency).collect().await;
        for (name, r) in results {
            match r {
                Ok(samples) => {
                    for mut s in samples.scrape {
                        if layout == Layout::Current {
                            s = s.with_label("module", &name);
                        }
                        out.add(s);
                    }
                    for e in samples.errors {
                        out.error(e);
                    }
                    out.extend(samples.metrics);
                }
                Err(e) => {
                    tracing::info!(target = %req.target, module = %name, err = %e, "Error scraping target");
                    let msg = match layout {
                        Layout::Legacy => collect::invalid_metric("Error scraping target", &e),
                        Layout::Current => format!(
                            "error collecting metric Desc{{fqName: \"snmp_error\", help: \"Error scraping target\", constLabels: {{module=\"{name}\"}}, variableLabels: {{}}}}: {e}"
                        ),
                    };
                    out.error(msg);
                }
            }
        }
        out.finish();
        if !out.errors.is_empty() {
            for e in &out.errors {
                tracing::info!(target = %req.target, err = %e, "error gathering metrics");
            }
            if layout == Layout::Legacy || out.is_empty() {
                let errors = std::mem::take(&mut out.errors);
                return Err(failed(&errors));
            }
        }
        Ok(out.render())
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_one<'a>(
        &self,
        generation: u64,
        name: &str,
        module: &'a Module,
        prepared: &Prepared,
        auth: config::Auth,
        target: &Target,
        overrides: &QueryOverrides,
    ) -> (String, Result<ModuleSamples<'a>, String>) {
        let start = Instant::now();
        let _in_flight = self.telemetry.in_flight_guard();
        let r = self
            .scrape_module(
                generation, name, target, &auth, module, prepared, overrides, start,
            )
            .await;
        self.telemetry.collection(name, start.elapsed());
        (name.to_owned(), r)
    }

    #[allow(clippy::too_many_arguments)]
    async fn scrape_module<'a>(
        &self,
        generation: u64,
        name: &str,
        target: &Target,
        auth: &config::Auth,
        module: &'a Module,
        prepared: &Prepared,
        overrides: &QueryOverrides,
        start: Instant,
    ) -> Result<ModuleSamples<'a>, String> {
        let wp = &module.walk_params;
        let cached = wp.v3_engine_cache && auth.version == 3;
        let key = cached.then(|| v3_key(target, auth, wp.use_unconnected_udp_socket, overrides));
        let (mgr, kept) = self
            .client_for(target, auth, module, overrides, key.as_ref())
            .await?;
        let plan = prepared.lookup_plan.as_ref();
        let lookup_key = plan.map(|_| {
            format!(
                "{generation}|{name}|{}",
                v3_key(target, auth, wp.use_unconnected_udp_socket, overrides),
            )
        });
        let before = mgr.counters();
        // With a lookup cache: is the agent the one the cache was filled from (sysUpTime has
        // not gone back) and the cache young enough?
        let mut cached: Option<Arc<CachedLookups>> = None;
        let mut uptime = None;
        if let (Some(_), Some(k)) = (plan, &lookup_key) {
            uptime = scrape::sys_uptime(&mgr).await;
            if let (Some(now_up), Some(e)) = (uptime, self.lookups.get(k, Instant::now())) {
                if now_up >= e.uptime && e.at.elapsed() < wp.lookup_cache {
                    cached = Some(e);
                }
            }
        }
        let walk: Option<Vec<String>> = plan.map(|p| {
            let mut w = p.walk_without.clone();
            if cached.is_none() {
                w.extend(p.cached.iter().cloned());
            }
            w
        });
        let (mut results, outcome) = scrape::scrape_module(&mgr, module, walk.as_deref()).await;
        let after = mgr.counters();
        results.retries = after.retransmits.saturating_sub(before.retransmits);
        results.packets = after.requests.saturating_sub(before.requests) + results.retries;
        if let (Some(plan), Some(k), None, true, Some(up)) =
            (plan, lookup_key, &cached, outcome.is_ok(), uptime)
        {
            let roots: Vec<snmp_tokio::Oid> = plan
                .cached
                .iter()
                .map(|c| snmp_tokio::Oid::from_arcs(&collect::oid_arcs(c)))
                .collect();
            let pdus: Vec<_> = results
                .pdus
                .iter()
                .filter(|(o, _)| roots.iter().any(|r| o.starts_with(r)))
                .cloned()
                .collect();
            let entry = CachedLookups {
                uptime: up,
                at: Instant::now(),
                pdus,
            };
            self.lookups.insert(k, Arc::new(entry), Instant::now());
        }
        match key {
            // Only a client whose scrape worked is kept: a target that never answers (or an
            // address anyone may ask for) costs nothing after its scrape.
            Some(k) if outcome.is_ok() => {
                if let Some(engine) = mgr.v3_engine() {
                    self.remember_engine(&engine_key(target, auth, overrides), engine);
                }
                if !kept {
                    for old in self.v3_clients.insert(k, mgr, Instant::now()) {
                        old.close();
                    }
                }
            }
            Some(k) => {
                if let Some(m) = self.v3_clients.remove(&k) {
                    m.close();
                }
                mgr.close();
            }
            None => mgr.close(),
        }
        self.telemetry.packets(results.packets, results.retries);
        outcome?;
        let walk_secs = start.elapsed().as_secs_f64();
        let mut scrape = vec![
            Sample::gauge(
                "snmp_scrape_walk_duration_seconds",
                "Time SNMP walk/bulkwalk took.",
                walk_secs,
            ),
            Sample::gauge(
                "snmp_scrape_packets_sent",
                "Packets sent for get, bulkget, and walk; including retries.",
                results.packets as f64,
            ),
            Sample::gauge(
                "snmp_scrape_packets_retried",
                "Packets retried for get, bulkget, and walk.",
                results.retries as f64,
            ),
            Sample::gauge(
                "snmp_scrape_pdus_returned",
                "PDUs returned from get, bulkget, and walk.",
                results.pdus.len() as f64,
            ),
        ];
        let extra: &[(snmp_tokio::Oid, snmp_tokio::Value)] =
            cached.as_ref().map(|c| c.pdus.as_slice()).unwrap_or(&[]);
        let mut map = pdu_map(extra);
        map.extend(pdu_map(&results.pdus));
        let mut metrics = Exposition::new();
        collect::collect(module, prepared, &map, &mut metrics);
        self.telemetry
            .unexpected_pdu_types(std::mem::take(&mut metrics.unexpected_types));
        let errors = std::mem::take(&mut metrics.errors);
        scrape.push(Sample::gauge(
            "snmp_scrape_duration_seconds",
            "Total SNMP time scrape took (walk and processing).",
            start.elapsed().as_secs_f64(),
        ));
        Ok(ModuleSamples {
            scrape,
            metrics,
            errors,
        })
    }

    /// How many v3 clients are kept between scrapes now.
    pub fn kept_v3_clients(&self) -> usize {
        self.v3_clients.len()
    }

    /// The exporter's own metrics (`/metrics`).
    pub fn telemetry_text(&self) -> String {
        self.telemetry.render()
    }

    pub(crate) fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }
}

/// Lookup columns of a target kept between scrapes.
struct CachedLookups {
    /// sysUpTime.0 when they were fetched.
    uptime: u32,
    at: Instant,
    pdus: Vec<(snmp_tokio::Oid, snmp_tokio::Value)>,
}

struct ModuleSamples<'a> {
    scrape: Vec<Sample<'a>>,
    metrics: Exposition<'a>,
    errors: Vec<String>,
}

/// Seconds of a `X-Prometheus-Scrape-Timeout-Seconds` header, less half a second for the
/// answer to travel (the scrape's SNMP work stops then). Anything that is not a positive
/// finite number is ignored; a value over a day counts as a day.
///
/// ```
/// use std::time::Duration;
/// use snmp_exporter::scrape_deadline;
/// assert_eq!(scrape_deadline(Some("10")), Some(Duration::from_millis(9500)));
/// assert_eq!(scrape_deadline(Some("1e300")), Some(Duration::from_millis(86_399_500)));
/// assert_eq!(scrape_deadline(Some("NaN")), None);
/// assert_eq!(scrape_deadline(Some("-1")), None);
/// ```
pub fn scrape_deadline(header: Option<&str>) -> Option<Duration> {
    const DAY: f64 = 86_400.0;
    let secs: f64 = header?.trim().parse().ok()?;
    if !secs.is_finite() || secs <= 0.0 {
        return None;
    }
    let secs = secs.min(DAY);
    Duration::try_from_secs_f64((secs - 0.5).max(secs / 2.0).min(DAY)).ok()
}
