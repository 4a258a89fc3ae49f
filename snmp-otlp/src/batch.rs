//! The exporter's state, sans I/O: records wait in a bounded buffer; a request is made of the
//! oldest when enough have gathered or the oldest has waited long enough; its records stay
//! in the buffer until the collector takes them, so a collector that is down loses nothing
//! the buffer can hold (what it cannot is dropped and counted); failures are retried with
//! exponential backoff. Time is passed in.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use prost::Message;

use crate::proto::{
    ExportLogsServiceRequest, InstrumentationScope, LogRecord, Resource, ResourceLogs, ScopeLogs,
};

/// How the batcher batches and retries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Records held at most (default 10,000); more are dropped and counted.
    pub max_buffer: usize,
    /// Records per request at most (default 512).
    pub max_batch: usize,
    /// The longest a record waits for others before a request goes (default 1 s).
    pub interval: Duration,
    /// The first wait after a failure (default 500 ms), doubled per failure ...
    pub initial_backoff: Duration,
    /// ... up to this (default 30 s).
    pub max_backoff: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_buffer: 10_000,
            max_batch: 512,
            interval: Duration::from_secs(1),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What the batcher did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchCounters {
    /// Records taken into the buffer.
    pub accepted: u64,
    /// Records dropped: the buffer was full.
    pub dropped_full: u64,
    /// Records dropped: the collector refused them for good (a non-retryable answer, or
    /// `rejected_log_records` of a partial success).
    pub dropped_rejected: u64,
    /// Records the collector took.
    pub exported: u64,
    /// Requests that succeeded.
    pub requests_sent: u64,
    /// Requests that failed (each attempt).
    pub requests_failed: u64,
}

/// One export request: its protobuf body (an `ExportLogsServiceRequest`) and how many
/// records it carries.
#[derive(Debug, Clone)]
pub struct Request {
    /// The encoded request.
    pub body: Vec<u8>,
    /// Records in it.
    pub records: usize,
}

/// The batcher.
#[derive(Debug)]
pub struct Batcher {
    cfg: BatchConfig,
    resource: Resource,
    scope: InstrumentationScope,
    buf: VecDeque<LogRecord>,
    /// Records of the request in flight (the first ones in `buf`).
    in_flight: Option<usize>,
    /// When the oldest waiting record arrived.
    oldest: Option<Instant>,
    retry_at: Option<Instant>,
    backoff: Duration,
    counters: BatchCounters,
}

impl Batcher {
    /// A batcher for records of `resource`, from `scope`.
    pub fn new(cfg: BatchConfig, resource: Resource, scope: InstrumentationScope) -> Batcher {
        let backoff = cfg.initial_backoff;
        Batcher {
            cfg,
            resource,
            scope,
            buf: VecDeque::new(),
            in_flight: None,
            oldest: None,
            retry_at: None,
            backoff,
            counters: BatchCounters::default(),
        }
    }

    /// Takes a record; `false` when the buffer is full (dropped, counted).
    pub fn push(&mut self, record: LogRecord, now: Instant) -> bool {
        if self.buf.len() >= self.cfg.max_buffer {
            self.counters.dropped_full += 1;
            return false;
        }
        if self.buf.len() == self.in_flight.unwrap_or(0) {
            self.oldest = Some(now);
        }
        self.buf.push_back(record);
        self.counters.accepted += 1;
        true
    }

    /// The next request to send, if one is due (none while one is in flight).
    pub fn poll_request(&mut self, now: Instant) -> Option<Request> {
        if self.in_flight.is_some() || self.buf.is_empty() {
            return None;
        }
        if self.retry_at.is_some_and(|t| now < t) {
            return None;
        }
        let full = self.buf.len() >= self.cfg.max_batch;
        let waited = self
            .oldest
            .is_some_and(|t| now.saturating_duration_since(t) >= self.cfg.interval);
        if !(full || waited || self.retry_at.is_some()) {
            return None;
        }
        let n = self.buf.len().min(self.cfg.max_batch);
        let req = ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: Some(self.resource.clone()),
                scope_logs: vec![ScopeLogs {
                    scope: Some(self.scope.clone()),
                    log_records: self.buf.iter().take(n).cloned().collect(),
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        };
        self.in_flight = Some(n);
        Some(Request {
            body: req.encode_to_vec(),
            records: n,
        })
    }

    /// The request in flight was taken; `rejected` of its records were refused (a partial
    /// success).
    pub fn on_success(&mut self, now: Instant, rejected: u64) {
        let Some(n) = self.in_flight.take() else {
            return;
        };
        self.buf.drain(..n.min(self.buf.len()));
        let rejected = rejected.min(n as u64);
        self.counters.exported += n as u64 - rejected;
        self.counters.dropped_rejected += rejected;
        self.counters.requests_sent += 1;
        self.retry_at = None;
        self.backoff = self.cfg.initial_backoff;
        self.oldest = (!self.buf.is_empty()).then_some(now);
    }

    /// The request in flight failed: kept and retried after the backoff when `retryable`,
    /// else its records are dropped (counted).
    pub fn on_failure(&mut self, now: Instant, retryable: bool) {
        let Some(n) = self.in_flight.take() else {
            return;
        };
        self.counters.requests_failed += 1;
        if retryable {
            self.retry_at = Some(now + self.backoff);
            self.backoff = (self.backoff * 2).min(self.cfg.max_backoff);
        } else {
            self.buf.drain(..n.min(self.buf.len()));
            self.counters.dropped_rejected += n as u64;
            self.retry_at = None;
            self.oldest = (!self.buf.is_empty()).then_some(now);
        }
    }

    /// When to call [`Batcher::poll_request`] next (none: when a record arrives or the
    /// request in flight ends).
    pub fn next_wakeup(&self) -> Option<Instant> {
        if self.in_flight.is_some() || self.buf.is_empty() {
            return None;
        }
        match self.retry_at {
            Some(t) => Some(t),
            None => self.oldest.map(|t| t + self.cfg.interval),
        }
    }

    /// Records waiting (in flight included).
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The counters.
    pub fn counters(&self) -> BatchCounters {
        self.counters
    }
}

/// A gRPC message frame around `body`: not compressed, its length, the bytes.
pub fn grpc_frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    out.push(0);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batcher(max_buffer: usize, max_batch: usize) -> Batcher {
        let cfg = BatchConfig {
            max_buffer,
            max_batch,
            ..BatchConfig::default()
        };
        Batcher::new(cfg, Resource::default(), InstrumentationScope::default())
    }

    #[test]
    fn batches_by_size_and_by_time() {
        let t0 = Instant::now();
        let mut b = batcher(100, 3);
        b.push(LogRecord::default(), t0);
        assert!(b.poll_request(t0).is_none(), "one record waits");
        assert_eq!(b.next_wakeup(), Some(t0 + Duration::from_secs(1)));
        let r = b.poll_request(t0 + Duration::from_secs(1)).unwrap();
        assert_eq!(r.records, 1);
        let decoded = ExportLogsServiceRequest::decode(r.body.as_slice()).unwrap();
        assert_eq!(decoded.resource_logs[0].scope_logs[0].log_records.len(), 1);
        b.on_success(t0, 0);
        for _ in 0..4 {
            b.push(LogRecord::default(), t0);
        }
        assert_eq!(b.poll_request(t0).unwrap().records, 3);
        b.on_success(t0, 1);
        assert_eq!(b.counters().exported, 3);
        assert_eq!(b.counters().dropped_rejected, 1);
        assert_eq!(b.pending(), 1);
    }

    #[test]
    fn failures_keep_records_and_back_off() {
        let t0 = Instant::now();
        let mut b = batcher(2, 10);
        b.push(LogRecord::default(), t0);
        b.push(LogRecord::default(), t0);
        assert!(!b.push(LogRecord::default(), t0), "the buffer is full");
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(b.poll_request(t1).unwrap().records, 2);
        b.on_failure(t1, true);
        assert!(b.poll_request(t1).is_none(), "waits for the backoff");
        let t2 = b.next_wakeup().unwrap();
        assert_eq!(t2, t1 + Duration::from_millis(500));
        assert_eq!(b.poll_request(t2).unwrap().records, 2);
        b.on_failure(t2, true);
        assert_eq!(b.next_wakeup().unwrap(), t2 + Duration::from_secs(1));
        let t3 = b.next_wakeup().unwrap();
        b.poll_request(t3).unwrap();
        b.on_success(t3, 0);
        let c = b.counters();
        assert_eq!((c.exported, c.dropped_full, c.requests_failed), (2, 1, 2));
        assert_eq!(b.pending(), 0);
    }

    #[test]
    fn a_refused_request_is_dropped() {
        let t0 = Instant::now();
        let mut b = batcher(10, 1);
        b.push(LogRecord::default(), t0);
        b.poll_request(t0).unwrap();
        b.on_failure(t0, false);
        assert_eq!(b.pending(), 0);
        assert_eq!(b.counters().dropped_rejected, 1);
    }

    #[test]
    fn grpc_frames() {
        assert_eq!(grpc_frame(b"ab"), [0, 0, 0, 0, 2, b'a', b'b']);
    }
}
