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

pub mod collect;
pub mod config;
pub mod expo;
pub mod scrape;
mod server;
mod state;
mod telemetry;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

pub use config::{Config, ConfigError, Layout};
pub use server::{listen, serve, Response};

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            module_concurrency: 1,
            engine_state_file: None,
        }
    }
}

struct Loaded {
    config: Config,
    prepared: BTreeMap<String, Prepared>,
}

impl Loaded {
    fn new(config: Config) -> Loaded {
        let prepared = config
            .modules
            .iter()
            .map(|(n, m)| (n.clone(), Prepared::new(m)))
            .collect();
        Loaded { config, prepared }
    }
}

/// The exporter: its configuration (reloadable) and its own metrics.
pub struct Exporter {
    paths: Vec<PathBuf>,
    /// v3 clients kept between scrapes (modules with `v3_engine_cache`), by target and
    /// credentials, with when each was last used.
    v3_clients: std::sync::Mutex<std::collections::HashMap<String, (snmp_tokio::Manager, Instant)>>,
    /// Lookup columns kept between scrapes (modules with `lookup_cache`), by target,
    /// credentials and module.
    lookups: std::sync::Mutex<std::collections::HashMap<String, CachedLookups>>,
    /// Engines learned by kept v3 clients, by a hash of their key (the state file's content).
    engines: std::sync::Mutex<state::Engines>,
    loaded: RwLock<Arc<Loaded>>,
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

impl Exporter {
    /// Loads the configuration files.
    pub fn from_files(paths: Vec<PathBuf>, options: Options) -> Result<Exporter, ConfigError> {
        let config = Config::load(&paths)?;
        Ok(Exporter::with_config(paths, config, options))
    }

    /// An exporter over an already parsed configuration (`paths` are read again on reload).
    pub fn with_config(paths: Vec<PathBuf>, config: Config, options: Options) -> Exporter {
        let telemetry = Telemetry::new(config.modules.keys().cloned());
        Exporter {
            paths,
            v3_clients: std::sync::Mutex::new(std::collections::HashMap::new()),
            lookups: std::sync::Mutex::new(std::collections::HashMap::new()),
            engines: std::sync::Mutex::new(
                options
                    .engine_state_file
                    .as_deref()
                    .map(state::Engines::load)
                    .unwrap_or_default(),
            ),
            loaded: RwLock::new(Arc::new(Loaded::new(config))),
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

    /// Reads the configuration files again; on an error the old configuration stays.
    pub fn reload(&self) -> Result<(), ConfigError> {
        let config = Config::load(&self.paths)?;
        self.telemetry.init_modules(config.modules.keys().cloned());
        let loaded = Arc::new(Loaded::new(config));
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

    /// Scrapes one target: the response `/snmp` gives.
    pub async fn scrape(&self, req: ScrapeRequest) -> Response {
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
                    return Response::text(400, format!("Unknown module '{name}'\n"));
                }
            }
        }
        let auth = match layout {
            Layout::Current => match loaded.config.auths.get(&auth_name) {
                Some(a) => Some(a.clone()),
                None => {
                    self.telemetry.request_error();
                    tracing::info!(auth = %auth_name, "unknown auth");
                    return Response::text(400, format!("Unknown auth '{auth_name}'\n"));
                }
            },
            Layout::Legacy => None,
        };
        let target = match Target::parse(&req.target) {
            Ok(t) => t,
            Err(e) => {
                tracing::info!(target = %req.target, err = %e, "Error scraping target");
                return self.failed(
                    layout,
                    &[collect::invalid_metric("Error scraping target", &e)],
                );
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
            runs.push(self.run_one(name, module, prepared, auth, &target, &req.overrides));
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
                return self.failed(layout, &errors);
            }
        }
        Response::metrics(out.render())
    }

    async fn run_one<'a>(
        &self,
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
            .scrape_module(target, &auth, module, prepared, overrides, start)
            .await;
        self.telemetry.collection(name, start.elapsed());
        (name.to_owned(), r)
    }

    fn failed(&self, _layout: Layout, errors: &[String]) -> Response {
        let text = if errors.len() == 1 {
            errors[0].clone()
        } else {
            let mut s = format!("{} error(s) occurred:", errors.len());
            for e in errors {
                s.push_str("\n* ");
                s.push_str(e);
            }
            s
        };
        Response::text(
            500,
            format!("An error has occurred while serving metrics:\n\n{text}\n"),
        )
    }

    async fn scrape_module<'a>(
        &self,
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
        let reused = key.as_ref().and_then(|k| self.kept_v3_client(k));
        let mgr = match reused {
            Some(m) => m.with_timeout(wp.timeout).with_retries(wp.retries),
            None => {
                let m = scrape::connect(
                    target,
                    auth,
                    wp.timeout,
                    wp.retries,
                    wp.use_unconnected_udp_socket,
                    overrides,
                )
                .await?;
                // A client new to this process: the engine a previous one saved, if any.
                if let (Some(k), Ok(engines)) = (&key, self.engines.lock()) {
                    if let Some(e) = engines.get(k) {
                        m.seed_v3_engine(&e);
                    }
                }
                m
            }
        };
        let plan = prepared.lookup_plan.as_ref();
        let lookup_key = plan.map(|_| {
            format!(
                "{}|{}|{:p}",
                v3_key(target, auth, wp.use_unconnected_udp_socket, overrides),
                auth.community.0,
                module
            )
        });
        let before = mgr.counters();
        // With a lookup cache: is the agent the one the cache was filled from (sysUpTime has
        // not gone back) and the cache young enough?
        let mut cached: Option<Vec<(snmp_tokio::Oid, snmp_tokio::Value)>> = None;
        let mut uptime = None;
        if let (Some(_), Some(k)) = (plan, &lookup_key) {
            uptime = scrape::sys_uptime(&mgr).await;
            if let (Some(now_up), Ok(map)) = (uptime, self.lookups.lock()) {
                if let Some(e) = map.get(k) {
                    if now_up >= e.uptime && e.at.elapsed() < wp.lookup_cache {
                        cached = Some(e.pdus.clone());
                    }
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
        let mut extra: Vec<(snmp_tokio::Oid, snmp_tokio::Value)> = Vec::new();
        if let (Some(plan), Some(k)) = (plan, lookup_key) {
            match cached {
                Some(pdus) => extra = pdus,
                None if outcome.is_ok() => {
                    if let Some(up) = uptime {
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
                        self.keep_lookups(
                            k,
                            CachedLookups {
                                uptime: up,
                                at: Instant::now(),
                                pdus,
                            },
                        );
                    }
                }
                None => {}
            }
        }
        match key {
            Some(k) => {
                if let Some(engine) = mgr.v3_engine() {
                    self.remember_engine(&k, engine);
                }
                self.keep_v3_client(k, mgr)
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
        let mut map = pdu_map(&extra);
        map.extend(pdu_map(&results.pdus));
        let mut metrics = Exposition::new();
        collect::collect(module, prepared, &map, &mut metrics);
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

    fn remember_engine(&self, key: &str, engine: snmp_tokio::session::KnownEngine) {
        let Ok(mut engines) = self.engines.lock() else {
            return;
        };
        if engines.put(key, &engine) {
            if let Some(path) = &self.options.engine_state_file {
                if let Err(e) = engines.save(path) {
                    tracing::warn!(file = %path.display(), err = %e, "cannot write the engine state file");
                }
            }
        }
    }

    fn keep_lookups(&self, key: String, entry: CachedLookups) {
        let Ok(mut map) = self.lookups.lock() else {
            return;
        };
        if map.len() >= V3_CLIENTS_MAX && !map.contains_key(&key) {
            map.retain(|_, e| e.at.elapsed() < V3_IDLE);
            if map.len() >= V3_CLIENTS_MAX {
                return;
            }
        }
        map.insert(key, entry);
    }

    fn kept_v3_client(&self, key: &str) -> Option<snmp_tokio::Manager> {
        let mut map = self.v3_clients.lock().ok()?;
        let entry = map.get_mut(key)?;
        entry.1 = Instant::now();
        Some(entry.0.clone())
    }

    fn keep_v3_client(&self, key: String, mgr: snmp_tokio::Manager) {
        let Ok(mut map) = self.v3_clients.lock() else {
            return;
        };
        let now = Instant::now();
        if map.len() >= V3_CLIENTS_MAX || !map.contains_key(&key) {
            // Drop the idle ones (and, at the bound, keep the table from growing).
            map.retain(|_, (_, used)| now.duration_since(*used) < V3_IDLE);
            if map.len() >= V3_CLIENTS_MAX {
                return;
            }
        }
        map.insert(key, (mgr, now));
    }

    /// The exporter's own metrics (`/metrics`).
    pub fn telemetry_text(&self) -> String {
        self.telemetry.render()
    }

    pub(crate) fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }
}

/// How long a kept v3 client may stay unused.
const V3_IDLE: Duration = Duration::from_secs(600);
/// The most v3 clients kept at once.
const V3_CLIENTS_MAX: usize = 100_000;

/// What identifies a kept v3 client: the target and everything that configures its client.
fn v3_key(target: &Target, auth: &config::Auth, any_source: bool, o: &QueryOverrides) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{any_source}",
        target.transport.as_deref().unwrap_or(""),
        target.host,
        target.port,
        auth.username,
        auth.security_level,
        auth.auth_protocol,
        auth.priv_protocol,
        auth.password.0,
        auth.priv_password.0,
        o.context.as_deref().unwrap_or(&auth.context_name),
        o.engine_id,
    )
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
/// answer to travel (the scrape's SNMP work stops then).
pub fn scrape_deadline(header: Option<&str>) -> Option<Duration> {
    let secs: f64 = header?.trim().parse().ok()?;
    if !secs.is_finite() || secs <= 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64((secs - 0.5).max(secs / 2.0)))
}
