//! `poll_many`: many targets, many OIDs, bounded concurrency, over one session. The one
//! scheduler both faces drive.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use snmp_codec::{Oid, Value};
use snmp_session::{CallOptions, OpId, Request, Session, TargetConfig, TargetId};

use crate::error::Error;
use crate::outcome::{ClientId, Outcomes};

/// A target of `poll_many`: its address, version and credentials (as a [`TargetConfig`],
/// from a builder's `target_config()` or built directly).
///
/// Keep and reuse `PollTarget`s between polls: each remembers the session target it was given
/// the first time, so SNMPv3 discovery and key localisation happen once per engine, not once
/// per poll.
#[derive(Clone)]
pub struct PollTarget {
    config: Arc<TargetConfig>,
    /// The session target of the last client this target was polled with.
    cached: Arc<Mutex<Option<(ClientId, TargetId)>>>,
}

impl std::fmt::Debug for PollTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollTarget")
            .field("addr", &self.config.addr)
            .field("version", &self.config.version())
            .finish_non_exhaustive()
    }
}

impl PollTarget {
    /// A target from its configuration.
    ///
    /// ```
    /// let cfg = snmp_manager::TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public");
    /// let target = snmp_manager::PollTarget::new(cfg);
    /// assert_eq!(target.addr().port(), 161);
    /// ```
    pub fn new(config: TargetConfig) -> Self {
        PollTarget {
            config: Arc::new(config),
            cached: Arc::new(Mutex::new(None)),
        }
    }

    /// A v2c target with `community`.
    ///
    /// ```
    /// let target = snmp_manager::PollTarget::v2c("192.0.2.1:161".parse().unwrap(), "public");
    /// ```
    pub fn v2c(addr: SocketAddr, community: &str) -> Self {
        Self::new(TargetConfig::v2c(addr, community))
    }

    /// A v2c target from text as the Manager takes it (`"10.0.0.1"`, `"10.0.0.1:1161"`,
    /// `"[::1]:161"`, a host name; port 161 when none; `"tcp:10.0.0.1:161"` over TCP),
    /// resolved now.
    ///
    /// ```
    /// let t = snmp_manager::PollTarget::v2c_host("127.0.0.1:1161", "public").unwrap();
    /// assert_eq!(t.addr().port(), 1161);
    /// assert!(snmp_manager::PollTarget::v2c_host("nosuchhost.invalid", "public").is_err());
    /// ```
    pub fn v2c_host(host: &str, community: &str) -> Result<Self, Error> {
        let (transport, host) = crate::split_transport(host);
        let config = TargetConfig::v2c(crate::resolve(host, 161)?, community).over(transport);
        Ok(Self::new(config))
    }

    /// The target's address.
    pub fn addr(&self) -> SocketAddr {
        self.config.addr
    }

    /// The configuration.
    pub fn config(&self) -> &TargetConfig {
        &self.config
    }

    /// This target with its own timeout per attempt and retries (a dead agent then costs
    /// `timeout * (retries + 1)`, not the 20 s of the defaults: keep it under the poll
    /// interval). A new target: its clones keep the old settings.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = snmp_manager::PollTarget::v2c_host("127.0.0.1:1161", "public")
    ///     .unwrap()
    ///     .with_timeout(Duration::from_millis(800), 1);
    /// assert_eq!(t.config().timeout, Duration::from_millis(800));
    /// assert_eq!(t.config().retries, 1);
    /// ```
    pub fn with_timeout(&self, timeout: std::time::Duration, retries: u32) -> Self {
        let mut config = (*self.config).clone();
        config.timeout = timeout;
        config.retries = retries;
        PollTarget::new(config)
    }

    /// A number naming this target and its clones while any of them lives (clones share
    /// it; another `PollTarget` of the same configuration has another).
    ///
    /// ```
    /// let a = snmp_manager::PollTarget::v2c("127.0.0.1:161".parse().unwrap(), "public");
    /// let b = snmp_manager::PollTarget::v2c("127.0.0.1:161".parse().unwrap(), "public");
    /// assert_eq!(a.identity(), a.clone().identity());
    /// assert_ne!(a.identity(), b.identity());
    /// ```
    pub fn identity(&self) -> usize {
        Arc::as_ptr(&self.config) as usize
    }

    /// This target's session target in `client`'s `session`, added with `add` (which binds
    /// what the face needs) the first time or when the session lost it.
    pub fn session_target(
        &self,
        client: ClientId,
        session: &mut Session,
        add: &mut dyn FnMut(&mut Session, TargetConfig) -> Result<TargetId, Error>,
    ) -> Result<TargetId, Error> {
        let cached = self
            .cached
            .lock()
            .ok()
            .and_then(|g| *g)
            .filter(|(c, id)| *c == client && session.target(*id).is_some());
        if let Some((_, id)) = cached {
            return Ok(id);
        }
        let id = add(session, (*self.config).clone())?;
        if let Ok(mut g) = self.cached.lock() {
            *g = Some((client, id));
        }
        Ok(id)
    }
}

/// One result of `poll_many`: addressable by the target's position (`index`) and the OID's
/// position in the list asked for (`oid_index`), so that a caller never matches on names.
#[derive(Debug, Clone, PartialEq)]
pub struct PollResult {
    /// The target's position in the list given to `poll_many`.
    pub index: usize,
    /// The OID's position in the list given to `poll_many`.
    pub oid_index: usize,
    /// The target's address.
    pub target: SocketAddr,
    /// The OID.
    pub oid: Oid,
    /// Its value, or why there is none (typed: a timeout, noSuchObject, an error-status ...).
    pub result: Result<Value, Error>,
}

/// The results of a `poll_many` grouped per target, each target's values in the order of the
/// OIDs asked for: `by_target[i][j]` is target `i`'s result for OID `j`.
///
/// ```
/// use snmp_manager::{group_by_target, PollResult, Value};
/// let r = |index, oid_index, v: u32| PollResult {
///     index,
///     oid_index,
///     target: "192.0.2.1:161".parse().unwrap(),
///     oid: "1.3.6.1.2.1.1.3.0".parse().unwrap(),
///     result: Ok(Value::TimeTicks(v)),
/// };
/// // Results come in completion order.
/// let grouped = group_by_target(vec![r(1, 1, 4), r(0, 0, 1), r(1, 0, 3), r(0, 1, 2)], 2, 2);
/// assert_eq!(grouped[1][0], Some(Ok(Value::TimeTicks(3))));
/// assert_eq!(grouped[0][1], Some(Ok(Value::TimeTicks(2))));
/// ```
pub fn group_by_target(
    results: impl IntoIterator<Item = PollResult>,
    targets: usize,
    oids: usize,
) -> Vec<Vec<Option<Result<Value, Error>>>> {
    let mut out = vec![vec![None; oids]; targets];
    for r in results {
        if let Some(slot) = out.get_mut(r.index).and_then(|t| t.get_mut(r.oid_index)) {
            *slot = Some(r.result);
        }
    }
    out
}

/// The increase of a counter between two polls, with the agent's uptime (sysUpTime.0, in
/// TimeTicks) read with each: Counter32 and Counter64 wrap once at most; `None` when the
/// agent restarted in between (its uptime went back, so the counters started again), when
/// the values are not counters of one type, or when a Counter32 went back by more than a
/// wrap explains.
///
/// ```
/// use snmp_manager::{counter_delta, Value};
/// let c = Value::Counter32;
/// assert_eq!(counter_delta((&c(100), 1000), (&c(250), 7000)), Some(150));
/// // A Counter32 that wrapped.
/// assert_eq!(counter_delta((&c(u32::MAX - 9), 1000), (&c(5), 7000)), Some(15));
/// // The agent restarted: no delta.
/// assert_eq!(counter_delta((&c(100), 9000), (&c(250), 100)), None);
/// assert_eq!(
///     counter_delta((&Value::Counter64(10), 1), (&Value::Counter64(12), 2)),
///     Some(2)
/// );
/// ```
pub fn counter_delta(before: (&Value, u32), after: (&Value, u32)) -> Option<u64> {
    let ((a, up_a), (b, up_b)) = (before, after);
    if up_b < up_a {
        return None; // sysUpTime went back: a restart (or its own 497-day wrap)
    }
    match (a, b) {
        (Value::Counter32(x), Value::Counter32(y)) => Some(u64::from(y.wrapping_sub(*x))),
        (Value::Counter64(x), Value::Counter64(y)) => Some(y.wrapping_sub(*x)),
        _ => None,
    }
}

/// A `poll_many` in progress: the targets not started yet, the operations running (at most
/// `concurrency`), and the results not yet taken. One GET (`GetEach`) per target for all the
/// OIDs, where an exception (or v1's noSuchName) fails only its OID.
///
/// A face drives it: [`PollScheduler::fill`] starts what the concurrency allows,
/// [`PollScheduler::collect`] turns ended operations into results, [`PollScheduler::pop`]
/// hands them out, and [`PollScheduler::cancel`] ends it early.
#[derive(Debug)]
pub struct PollScheduler {
    queue: VecDeque<(usize, PollTarget)>,
    running: HashMap<OpId, (usize, SocketAddr)>,
    ready: VecDeque<PollResult>,
    oids: Arc<Vec<Oid>>,
    concurrency: usize,
    group: u64,
}

impl PollScheduler {
    /// A poll of `oids` on every target, at most `concurrency` at a time.
    pub fn new(
        targets: impl IntoIterator<Item = PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> Self {
        static GROUP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        PollScheduler {
            queue: targets.into_iter().enumerate().collect(),
            running: HashMap::new(),
            ready: VecDeque::new(),
            oids: Arc::new(oids),
            concurrency: concurrency.max(1),
            group: GROUP.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    fn fail_all(&mut self, index: usize, addr: SocketAddr, e: &Error) {
        for (oid_index, oid) in self.oids.iter().enumerate() {
            self.ready.push_back(PollResult {
                index,
                oid_index,
                target: addr,
                oid: oid.clone(),
                result: Err(e.clone()),
            });
        }
    }

    /// Starts targets while fewer than `concurrency` run; `add` adds a target to the session
    /// of client `client` (see [`PollTarget::session_target`]). Whether any started.
    pub fn fill(
        &mut self,
        client: ClientId,
        session: &mut Session,
        outcomes: &mut Outcomes,
        add: &mut dyn FnMut(&mut Session, TargetConfig) -> Result<TargetId, Error>,
    ) -> bool {
        let mut any = false;
        while self.running.len() < self.concurrency {
            let Some((index, t)) = self.queue.pop_front() else {
                break;
            };
            any = true;
            let addr = t.addr();
            let id = t.session_target(client, session, add);
            let request = Request::GetEach(self.oids.to_vec());
            let started = id.and_then(|id| {
                outcomes.start_on(
                    session,
                    id,
                    addr,
                    request,
                    CallOptions::default(),
                    self.group,
                )
            });
            match started {
                Ok(op) => {
                    self.running.insert(op, (index, addr));
                }
                Err(e) => self.fail_all(index, addr, &e),
            }
        }
        any
    }

    /// Turns this poll's ended operations into results.
    pub fn collect(&mut self, outcomes: &mut Outcomes) {
        while let Some(op) = outcomes.next_ended(self.group) {
            let Some((index, addr)) = self.running.remove(&op) else {
                continue;
            };
            match outcomes.take_all(op) {
                Some(Ok(vbs)) => {
                    for (oid_index, (oid, vb)) in self.oids.iter().zip(vbs).enumerate() {
                        self.ready.push_back(PollResult {
                            index,
                            oid_index,
                            target: addr,
                            oid: oid.clone(),
                            result: vb
                                .into_value()
                                .map_err(|e| Error::operation_failed(addr, e.into())),
                        });
                    }
                }
                Some(Err(e)) => self.fail_all(index, addr, &e),
                None => {
                    self.running.insert(op, (index, addr));
                }
            }
        }
        // (An operation whose target is removed under it ends in the session with an error,
        // so every running operation ends: no scan for vanished ones is needed.)
    }

    /// The next result.
    pub fn pop(&mut self) -> Option<PollResult> {
        self.ready.pop_front()
    }

    /// Whether every target has its results and they were all taken.
    pub fn is_finished(&self) -> bool {
        self.queue.is_empty() && self.running.is_empty() && self.ready.is_empty()
    }

    /// This poll's group in [`Outcomes`] (see [`Outcomes::next_ended`]).
    pub fn group(&self) -> u64 {
        self.group
    }

    /// Operations running.
    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// Every target still running or not started gets `error` (the face's I/O failed); the
    /// running operations are cancelled.
    pub fn fail_rest(&mut self, session: &mut Session, outcomes: &mut Outcomes, error: &Error) {
        for (op, (index, addr)) in std::mem::take(&mut self.running) {
            outcomes.cancel(session, op);
            self.fail_all(index, addr, error);
        }
        for (index, t) in std::mem::take(&mut self.queue) {
            self.fail_all(index, t.addr(), error);
        }
    }

    /// Ends the poll early: its running operations are cancelled.
    pub fn cancel(&mut self, session: &mut Session, outcomes: &mut Outcomes) {
        for (op, _) in self.running.drain() {
            outcomes.cancel(session, op);
        }
        self.queue.clear();
        outcomes.forget_group(self.group);
    }

    /// Who to wake when an operation of this poll ends (the async face's stream).
    pub fn set_waker(&self, outcomes: &mut Outcomes, waker: &std::task::Waker) {
        outcomes.set_group_waker(self.group, waker);
    }
}
