//! The exporter's own metrics (`/metrics`), under snmp_exporter's names.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::expo::go_float;

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; 11],
    count: u64,
    sum: f64,
}

pub(crate) struct Telemetry {
    request_errors: AtomicU64,
    unexpected_pdu_types: AtomicU64,
    packets: AtomicU64,
    retries: AtomicU64,
    in_flight: AtomicI64,
    scrapes: AtomicU64,
    /// Requests refused, by reason (a fixed set).
    rejected: [AtomicU64; REJECT_REASONS.len()],
    collection: Mutex<BTreeMap<String, Histogram>>,
    start: f64,
}

impl Telemetry {
    pub(crate) fn new(modules: impl Iterator<Item = String>) -> Telemetry {
        let t = Telemetry {
            request_errors: AtomicU64::new(0),
            unexpected_pdu_types: AtomicU64::new(0),
            packets: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            scrapes: AtomicU64::new(0),
            rejected: Default::default(),
            collection: Mutex::new(BTreeMap::new()),
            start: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
        };
        t.init_modules(modules);
        t
    }

    pub(crate) fn init_modules(&self, modules: impl Iterator<Item = String>) {
        if let Ok(mut c) = self.collection.lock() {
            for m in modules {
                c.entry(m).or_default();
            }
        }
    }

    pub(crate) fn request_error(&self) {
        self.request_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts varbinds of a type no metric can use (upstream's "unexpected Go types").
    pub(crate) fn unexpected_pdu_types(&self, n: u64) {
        if n > 0 {
            self.unexpected_pdu_types.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(crate) fn packets(&self, packets: u64, retries: u64) {
        self.packets.fetch_add(packets, Ordering::Relaxed);
        self.retries.fetch_add(retries, Ordering::Relaxed);
    }

    /// Counts a scrape in flight until the guard drops (also when the scrape is cancelled).
    pub(crate) fn in_flight_guard(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// Counts a request refused for `reason` (one of [`REJECT_REASONS`]).
    pub(crate) fn rejected(&self, reason: &str) {
        if let Some(i) = REJECT_REASONS.iter().position(|r| *r == reason) {
            self.rejected[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn scrape_started(&self) {
        self.scrapes.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn collection(&self, module: &str, took: Duration) {
        let secs = took.as_secs_f64();
        if let Ok(mut c) = self.collection.lock() {
            let h = c.entry(module.to_owned()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let mut counter =
            |name: &str, help: &str, kind: &str, v: f64| single(&mut out, name, help, kind, v);
        let (cpu, rss, fds) = process_stats();
        counter(
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds.",
            "counter",
            cpu,
        );
        counter(
            "process_open_fds",
            "Number of open file descriptors.",
            "gauge",
            fds,
        );
        counter(
            "process_resident_memory_bytes",
            "Resident memory size in bytes.",
            "gauge",
            rss,
        );
        counter(
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.",
            "gauge",
            self.start,
        );
        let _ = writeln!(
            out,
            "# HELP snmp_collection_duration_seconds Duration of collections by the SNMP exporter\n# TYPE snmp_collection_duration_seconds histogram"
        );
        if let Ok(c) = self.collection.lock() {
            for (module, h) in c.iter() {
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "snmp_collection_duration_seconds_bucket{{module=\"{module}\",le=\"{}\"}} {}",
                        go_float(*b),
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "snmp_collection_duration_seconds_bucket{{module=\"{module}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "snmp_collection_duration_seconds_sum{{module=\"{module}\"}} {}",
                    go_float(h.sum)
                );
                let _ = writeln!(
                    out,
                    "snmp_collection_duration_seconds_count{{module=\"{module}\"}} {}",
                    h.count
                );
            }
        }
        let mut simple =
            |name: &str, help: &str, kind: &str, v: f64| single(&mut out, name, help, kind, v);
        simple(
            "snmp_packet_retries_total",
            "Number of SNMP packet retries.",
            "counter",
            self.retries.load(Ordering::Relaxed) as f64,
        );
        simple(
            "snmp_packets_total",
            "Number of SNMP packet sent, including retries.",
            "counter",
            self.packets.load(Ordering::Relaxed) as f64,
        );
        simple(
            "snmp_request_errors_total",
            "Errors in requests to the SNMP exporter",
            "counter",
            self.request_errors.load(Ordering::Relaxed) as f64,
        );
        simple(
            "snmp_request_in_flight",
            "Current number of SNMP scrapes being requested.",
            "gauge",
            self.in_flight.load(Ordering::Relaxed) as f64,
        );
        simple(
            "snmp_scrapes_total",
            "Scrapes started (this exporter's own; not in upstream).",
            "counter",
            self.scrapes.load(Ordering::Relaxed) as f64,
        );
        simple(
            "snmp_unexpected_pdu_type_total",
            "Unexpected Go types in a PDU.",
            "counter",
            self.unexpected_pdu_types.load(Ordering::Relaxed) as f64,
        );
        let _ = writeln!(
            out,
            "# HELP snmp_exporter_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which snmp_exporter was built, and the goos and goarch for the build.\n# TYPE snmp_exporter_build_info gauge\nsnmp_exporter_build_info{{branch=\"\",goarch=\"{}\",goos=\"{}\",goversion=\"rust{}\",revision=\"\",tags=\"snmp-rs\",version=\"{}\"}} 1",
            goarch(),
            std::env::consts::OS,
            env!("CARGO_PKG_RUST_VERSION"),
            env!("CARGO_PKG_VERSION"),
        );
        let _ = writeln!(
            out,
            "# HELP snmp_exporter_http_rejected_total HTTP requests and connections refused, by reason (this exporter's own; not in upstream).\n# TYPE snmp_exporter_http_rejected_total counter"
        );
        for (i, r) in REJECT_REASONS.iter().enumerate() {
            let _ = writeln!(
                out,
                "snmp_exporter_http_rejected_total{{reason=\"{r}\"}} {}",
                self.rejected[i].load(Ordering::Relaxed)
            );
        }
        out
    }
}

/// Why a request or connection was refused.
pub(crate) const REJECT_REASONS: [&str; 4] = [
    "too_many_connections",
    "too_many_scrapes",
    "scrape_timeout",
    "unauthorized",
];

/// Go's GOARCH for this build's architecture.
fn goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    }
}

/// One metric without labels: its HELP and TYPE lines and its value.
fn single(out: &mut String, name: &str, help: &str, kind: &str, v: f64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {}",
        go_float(v)
    );
}

/// CPU seconds, resident bytes and open descriptors of this process: CPU from
/// `getrusage(2)` (no assumption about the clock tick), resident memory from
/// `/proc/self/status`'s `VmRSS` (in kB whatever the page size); zeros where unavailable.
fn process_stats() -> (f64, f64, f64) {
    let cpu = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF)
        .map(|u| {
            let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
            t(u.user_time()) + t(u.system_time())
        })
        .unwrap_or(0.0);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb * 1024.0)
        .unwrap_or(0.0);
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count() as f64)
        .unwrap_or(0.0);
    (cpu, rss, fds)
}

/// A scrape in flight; dropping it ends it.
pub(crate) struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
