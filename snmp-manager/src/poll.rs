//! `poll_many`: many targets, many OIDs, bounded concurrency, over one session. The one
//! scheduler both faces drive.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use snmp_codec::{Oid, Value};
use snmp_session::{CallOptions, OpId, Request, Session, TargetConfig, TargetId};

use crate::error::Error;
use crate::outcome::{ClientId, Outcomes};

/// A target of `poll_many`: its address (or a host name, looked up when it is first polled),
/// version and credentials (as a [`TargetConfig`], from a builder's `poll_target()` or built
/// directly).
///
/// Keep and reuse `PollTarget`s between polls: each remembers the address its name was
/// looked up to and the session target it was given the first time, so the lookup, SNMPv3
/// discovery and key localisation happen once, not once per poll.
#[derive(Clone)]
pub struct PollTarget {
    config: Arc<TargetConfig>,
    /// A host name to look up first (`config.addr` is then `0.0.0.0` with the port).
    name: Option<Arc<str>>,
    /// What the target learned, shared by its clones.
    learned: Arc<Mutex<Learned>>,
}

/// What a [`PollTarget`] learned while polled.
#[derive(Debug, Default)]
struct Learned {
    /// The address its name was looked up to.
    addr: Option<SocketAddr>,
    /// The session target of the last client it was polled with.
    session: Option<(ClientId, TargetId)>,
}

impl std::fmt::Debug for PollTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollTarget")
            .field("addr", &self.addr())
            .field("name", &self.name)
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
            name: None,
            learned: Arc::default(),
        }
    }

    /// A target at `host` with `config`'s version, credentials and timing: an address at
    /// once, a name (`Host::Name`) looked up by the face when the target is first polled
    /// (`config.addr` is ignored but for a name's port).
    ///
    /// ```
    /// use snmp_manager::{Host, PollTarget, TargetConfig};
    /// let cfg = TargetConfig::v2c("0.0.0.0:161".parse().unwrap(), "public");
    /// let t = PollTarget::at(Host::Name("router".into(), 1161), cfg);
    /// assert_eq!(t.name(), Some("router"));
    /// assert_eq!(t.addr(), "0.0.0.0:1161".parse().unwrap()); // until it is looked up
    /// ```
    pub fn at(host: crate::Host, mut config: TargetConfig) -> Self {
        match host {
            crate::Host::Addr(addr) => {
                config.addr = addr;
                Self::new(config)
            }
            crate::Host::Name(name, port) => {
                config.addr = SocketAddr::from(([0, 0, 0, 0], port));
                PollTarget {
                    config: Arc::new(config),
                    name: Some(name.into()),
                    learned: Arc::default(),
                }
            }
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
    /// `"[::1]:161"`, a host name; port 161 when none; `"tcp:10.0.0.1:161"` over TCP). A name
    /// is looked up when the target is first polled (a name that does not resolve is that
    /// target's error then); a bad port is an error now.
    ///
    /// ```
    /// let t = snmp_manager::PollTarget::v2c_host("127.0.0.1:1161", "public").unwrap();
    /// assert_eq!(t.addr().port(), 1161);
    /// let named = snmp_manager::PollTarget::v2c_host("router.example", "public").unwrap();
    /// assert_eq!(named.name(), Some("router.example"));
    /// assert!(snmp_manager::PollTarget::v2c_host("router:99999", "public").is_err());
    /// ```
    pub fn v2c_host(host: &str, community: &str) -> Result<Self, Error> {
        let (transport, host) = crate::split_transport(host);
        let placeholder = SocketAddr::from(([0, 0, 0, 0], 161));
        let config = TargetConfig::v2c(placeholder, community).over(transport);
        Ok(Self::at(crate::Host::parse(host, 161)?, config))
    }

    /// The target's address (for a name not looked up yet, `0.0.0.0` with its port).
    pub fn addr(&self) -> SocketAddr {
        self.learned_addr().unwrap_or(self.config.addr)
    }

    /// The host name this target was given, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    fn learned_addr(&self) -> Option<SocketAddr> {
        self.learned.lock().ok().and_then(|l| l.addr)
    }

    /// The name to look up before this target can be polled: its name and port, until a
    /// lookup succeeded ([`PollTarget::looked_up`]).
    pub fn lookup(&self) -> Option<(Arc<str>, u16)> {
        match &self.name {
            Some(name) if self.learned_addr().is_none() => {
                Some((name.clone(), self.config.addr.port()))
            }
            _ => None,
        }
    }

    /// Records where the name was looked up to (this target and its clones keep it).
    pub fn looked_up(&self, addr: SocketAddr) {
        if let Ok(mut l) = self.learned.lock() {
            l.addr = Some(addr);
        }
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
        let learned = self.learned_addr();
        PollTarget {
            config: Arc::new(config),
            name: self.name.clone(),
            learned: Arc::new(Mutex::new(Learned {
                addr: learned,
                session: None,
            })),
        }
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
            .learned
            .lock()
            .ok()
            .and_then(|g| g.session)
            .filter(|(c, id)| *c == client && session.target(*id).is_some());
        if let Some((_, id)) = cached {
            return Ok(id);
        }
        let mut config = (*self.config).clone();
        config.addr = self.addr();
        let id = add(session, config)?;
        if let Ok(mut g) = self.learned.lock() {
            g.session = Some((client, id));
        }
        Ok(id)
    }
}

/// A host name a poll needs looked up ([`PollScheduler::poll_lookup`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The target's position in the poll (what [`PollScheduler::handle_lookup`] takes back).
    pub index: usize,
    /// The name.
    pub name: Arc<str>,
    /// The port.
    pub port: u16,
}

impl Lookup {
    /// The answer for [`PollScheduler::handle_lookup`] from what a resolver gave: its first
    /// address, or [`Error::Resolve`] naming the host.
    pub fn answer<A: IntoIterator<Item = SocketAddr>>(
        &self,
        resolved: std::io::Result<A>,
    ) -> Result<SocketAddr, Error> {
        resolved
            .ok()
            .and_then(|a| a.into_iter().next())
            .ok_or_else(|| Error::Resolve(self.name.to_string()))
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
    /// Targets whose name is still to be looked up, and those being looked up (at most
    /// [`PollScheduler::LOOKUPS`]).
    unresolved: VecDeque<(usize, PollTarget)>,
    looking: HashMap<usize, PollTarget>,
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
        let (unresolved, queue) = targets
            .into_iter()
            .enumerate()
            .partition(|(_, t)| t.lookup().is_some());
        PollScheduler {
            queue,
            unresolved,
            looking: HashMap::new(),
            running: HashMap::new(),
            ready: VecDeque::new(),
            oids: Arc::new(oids),
            concurrency: concurrency.max(1),
            group: GROUP.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Names looked up at once, at most: a poll of 10,000 named targets keeps this many
    /// lookups going (and no more threads of a resolver pool busy), not one per name.
    pub const LOOKUPS: usize = 8;

    /// The next name to look up, while fewer than [`PollScheduler::LOOKUPS`] are out. The
    /// face looks it up (without blocking a runtime's threads) and gives the answer to
    /// [`PollScheduler::handle_lookup`].
    pub fn poll_lookup(&mut self) -> Option<Lookup> {
        while self.looking.len() < Self::LOOKUPS {
            let (index, t) = self.unresolved.pop_front()?;
            match t.lookup() {
                // A clone of the target was looked up meanwhile.
                None => self.queue.push_back((index, t)),
                Some((name, port)) => {
                    self.looking.insert(index, t);
                    return Some(Lookup { index, name, port });
                }
            }
        }
        None
    }

    /// The answer to a [`Lookup`]: the target is polled next, or fails with the error.
    pub fn handle_lookup(&mut self, index: usize, answer: Result<SocketAddr, Error>) {
        let Some(t) = self.looking.remove(&index) else {
            return;
        };
        match answer {
            Ok(addr) => {
                t.looked_up(addr);
                self.queue.push_back((index, t));
            }
            Err(e) => self.fail_all(index, t.addr(), &e),
        }
    }

    /// Lookups handed out and not answered yet.
    pub fn lookups_out(&self) -> usize {
        self.looking.len()
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
        self.queue.is_empty()
            && self.unresolved.is_empty()
            && self.looking.is_empty()
            && self.running.is_empty()
            && self.ready.is_empty()
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
        let waiting: Vec<_> = std::mem::take(&mut self.queue)
            .into_iter()
            .chain(std::mem::take(&mut self.unresolved))
            .chain(std::mem::take(&mut self.looking))
            .collect();
        for (index, t) in waiting {
            self.fail_all(index, t.addr(), error);
        }
    }

    /// Ends the poll early: its running operations are cancelled.
    pub fn cancel(&mut self, session: &mut Session, outcomes: &mut Outcomes) {
        for (op, _) in self.running.drain() {
            outcomes.cancel(session, op);
        }
        self.queue.clear();
        self.unresolved.clear();
        self.looking.clear();
        outcomes.forget_group(self.group);
    }

    /// Who to wake when an operation of this poll ends (the async face's stream).
    pub fn set_waker(&self, outcomes: &mut Outcomes, waker: &std::task::Waker) {
        outcomes.set_group_waker(self.group, waker);
    }
}
