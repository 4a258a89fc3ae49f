//! `poll_many` on the calling thread: many targets over one socket per address family, at
//! most `concurrency` of them in flight, results as an iterator.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use snmp_async::{Error, Oid, PollResult, PollTarget, Request, SessionConfig};
use snmp_session::{CallOptions, OpId, TargetId};

use crate::engine::{all_varbinds, result_of, Engine};
use crate::manager::lock;

/// A session and its unconnected sockets for polling many agents, with each target's engine
/// state (v3 discovery, time, keys) kept under its [`PollTarget::identity`]: the same
/// targets polled again do no second discovery.
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// use snmp_blocking::{Oid, PollTarget, Poller};
/// let mut poller = Poller::new()?;
/// let targets: Vec<PollTarget> = (1..=200)
///     .map(|i| PollTarget::v2c_host(&format!("10.0.0.{i}"), "public"))
///     .collect::<Result<_, _>>()?;
/// let uptime: Oid = "1.3.6.1.2.1.1.3.0".parse()?;
/// for round in 0..3 {
///     for r in poller.poll_many(&targets, vec![uptime.clone()], 100) {
///         println!("round {round}: {} {:?}", r.target, r.result);
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Poller {
    engine: Engine,
    /// Targets by identity, each kept alive so that its identity stays its own.
    targets: HashMap<usize, (TargetId, PollTarget)>,
}

impl std::fmt::Debug for Poller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Poller")
            .field("targets", &self.targets.len())
            .finish_non_exhaustive()
    }
}

impl Poller {
    /// A poller with the default session settings.
    ///
    /// ```no_run
    /// let poller = snmp_blocking::Poller::new()?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn new() -> Result<Poller, Error> {
        Self::with_config(SessionConfig::default())
    }

    /// A poller with these session settings.
    ///
    /// ```no_run
    /// let mut config = snmp_blocking::SessionConfig::default();
    /// config.max_oids_per_request = 20;
    /// let poller = snmp_blocking::Poller::with_config(config)?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn with_config(config: SessionConfig) -> Result<Poller, Error> {
        Ok(Poller {
            engine: Engine::open(config)?,
            targets: HashMap::new(),
        })
    }

    /// Forgets every target (and its engine state).
    ///
    /// ```no_run
    /// # fn f(mut poller: snmp_blocking::Poller) {
    /// poller.clear();
    /// # }
    /// ```
    pub fn clear(&mut self) {
        for (_, (id, _)) in self.targets.drain() {
            self.engine.remove_target(id);
        }
    }

    /// GETs `oids` from every target, at most `concurrency` at a time: one
    /// [`PollResult`] per (target, OID), in completion order. A missing OID fails only
    /// itself (`Request::GetEach`).
    ///
    /// ```no_run
    /// # fn f(mut poller: snmp_blocking::Poller, targets: Vec<snmp_blocking::PollTarget>) -> Result<(), snmp_blocking::Error> {
    /// let oids = vec!["1.3.6.1.2.1.1.3.0".parse()?, "1.3.6.1.2.1.1.5.0".parse()?];
    /// let results: Vec<_> = poller.poll_many(&targets, oids, 100).collect();
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &mut self,
        targets: &[PollTarget],
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> PollMany<'_> {
        PollMany::new(Held::Borrowed(self), targets, oids, concurrency)
    }

    fn target(&mut self, t: &PollTarget) -> Result<TargetId, Error> {
        if let Some((id, _)) = self.targets.get(&t.identity()) {
            if self.engine.session().target(*id).is_some() {
                return Ok(*id);
            }
        }
        let id = self.engine.add_target(t.config().clone())?;
        self.targets.insert(t.identity(), (id, t.clone()));
        Ok(id)
    }
}

/// Where a [`PollMany`] has its poller from.
enum Held<'a> {
    Borrowed(&'a mut Poller),
    /// Taken from a manager, and put back there when the iterator is dropped.
    Owned(Option<Box<Poller>>, Arc<Mutex<Option<Poller>>>),
}

impl Held<'_> {
    fn get(&mut self) -> Option<&mut Poller> {
        match self {
            Held::Borrowed(p) => Some(p),
            Held::Owned(p, _) => p.as_deref_mut(),
        }
    }
}

/// The iterator of a poll: one [`PollResult`] per (target, OID), in completion order.
/// Dropping it cancels what is still in flight.
pub struct PollMany<'a> {
    held: Held<'a>,
    queue: VecDeque<(usize, PollTarget)>,
    running: Vec<(OpId, usize, SocketAddr)>,
    ready: VecDeque<PollResult>,
    oids: Arc<Vec<Oid>>,
    concurrency: usize,
}

impl std::fmt::Debug for PollMany<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollMany")
            .field("queued", &self.queue.len())
            .field("running", &self.running.len())
            .finish_non_exhaustive()
    }
}

impl PollMany<'static> {
    pub(crate) fn start(
        poller: Poller,
        home: Option<Arc<Mutex<Option<Poller>>>>,
        targets: &[PollTarget],
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> Self {
        let home = home.unwrap_or_default();
        PollMany::new(
            Held::Owned(Some(Box::new(poller)), home),
            targets,
            oids,
            concurrency,
        )
    }
}

impl<'a> PollMany<'a> {
    fn new(held: Held<'a>, targets: &[PollTarget], oids: Vec<Oid>, concurrency: usize) -> Self {
        PollMany {
            held,
            queue: targets.iter().cloned().enumerate().collect(),
            running: Vec::new(),
            ready: VecDeque::new(),
            oids: Arc::new(oids),
            concurrency: concurrency.max(1),
        }
    }

    fn fail_all(&mut self, index: usize, addr: SocketAddr, e: &Error) {
        for oid in self.oids.iter() {
            self.ready.push_back(PollResult {
                index,
                target: addr,
                oid: oid.clone(),
                result: Err(e.clone()),
            });
        }
    }

    /// Starts targets while there is room.
    fn fill(&mut self) {
        while self.running.len() < self.concurrency {
            let Some((index, t)) = self.queue.pop_front() else {
                return;
            };
            let addr = t.addr();
            let Some(poller) = self.held.get() else {
                return;
            };
            let started = poller.target(&t).and_then(|id| {
                poller
                    .engine
                    .start(
                        id,
                        Request::GetEach(self.oids.to_vec()),
                        CallOptions::default(),
                    )
                    .map_err(|error| Error::Start {
                        target: addr,
                        error,
                    })
            });
            match started {
                Ok(op) => self.running.push((op, index, addr)),
                Err(e) => self.fail_all(index, addr, &e),
            }
        }
    }

    /// Runs the session until one running target is done; its results.
    fn finish_one(&mut self) -> Result<(), Error> {
        let Some(poller) = self.held.get() else {
            return Err(Error::Closed);
        };
        let done = poller.engine.run_until_any_done()?;
        let Some(op) = done else {
            // Nothing of ours is left in the session.
            for (_, index, addr) in std::mem::take(&mut self.running) {
                self.fail_all(index, addr, &Error::Closed);
            }
            return Ok(());
        };
        let stash = poller.engine.forget(op);
        let Some(pos) = self.running.iter().position(|(o, _, _)| *o == op) else {
            return Ok(());
        };
        let (_, index, addr) = self.running.swap_remove(pos);
        let Some(stash) = stash else {
            self.fail_all(index, addr, &Error::Closed);
            return Ok(());
        };
        let done = stash.done.clone();
        match result_of(addr, done) {
            Ok(()) => {
                let vbs = all_varbinds(stash);
                for (oid, vb) in self.oids.iter().zip(vbs) {
                    self.ready.push_back(PollResult {
                        index,
                        target: addr,
                        oid: oid.clone(),
                        result: vb
                            .into_value()
                            .map_err(|e| Error::operation_failed(addr, e.into())),
                    });
                }
            }
            Err(e) => self.fail_all(index, addr, &e),
        }
        Ok(())
    }
}

impl Iterator for PollMany<'_> {
    type Item = PollResult;

    fn next(&mut self) -> Option<PollResult> {
        loop {
            if let Some(r) = self.ready.pop_front() {
                return Some(r);
            }
            self.fill();
            if self.ready.is_empty() && self.running.is_empty() {
                return None;
            }
            if !self.running.is_empty() {
                if let Err(e) = self.finish_one() {
                    // The socket failed: every target still running or queued gets the error.
                    for (_, index, addr) in std::mem::take(&mut self.running) {
                        self.fail_all(index, addr, &e);
                    }
                    for (index, t) in std::mem::take(&mut self.queue) {
                        self.fail_all(index, t.addr(), &e);
                    }
                }
            }
        }
    }
}

impl Drop for PollMany<'_> {
    fn drop(&mut self) {
        let running = std::mem::take(&mut self.running);
        if let Some(poller) = self.held.get() {
            for (op, _, _) in running {
                poller.engine.cancel(op);
            }
        }
        if let Held::Owned(poller, home) = &mut self.held {
            if let Some(p) = poller.take() {
                *lock(home) = Some(*p);
            }
        }
    }
}
