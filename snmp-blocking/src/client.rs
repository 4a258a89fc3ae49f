//! The blocking client: one engine (a session and its sockets) that any number of agents
//! share, and `poll_many` over it.

use std::sync::{Arc, Mutex, MutexGuard};

use snmp_manager::{
    Agent, ClientId, Error, Oid, PollResult, PollScheduler, PollTarget, SessionConfig, TargetConfig,
};

use crate::engine::Engine;
use crate::io::{Io, UdpIo};
use crate::manager::Manager;

/// One engine - a session, its sockets - shared by any number of agents: what
/// [`Manager`]s are views of, and what [`Client::poll_many`] polls over. Cheap to clone;
/// calls from several threads take turns on the engine (one waits while another's call
/// runs; every operation in flight progresses whoever waits).
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// use snmp_blocking::{Client, TargetConfig};
/// let client = Client::with_defaults()?;
/// let a = client.add_target(TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public"))?;
/// let b = client.add_target(TargetConfig::v2c("192.0.2.2:161".parse().unwrap(), "public"))?;
/// println!("{} {}", a.get("sysName.0")?.bare(), b.get("sysName.0")?.bare());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    engine: Arc<Mutex<Engine>>,
    id: ClientId,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("id", &self.id).finish()
    }
}

/// Locks `m` (a poisoned lock is taken as it is: the engine's state stays consistent between
/// its steps).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Client {
    /// A client over unconnected UDP sockets (any agent), with `config`.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Client, SessionConfig};
    /// let mut config = SessionConfig::default();
    /// config.max_oids_per_request = 20;
    /// let client = Client::new(config)?;
    /// # Ok(()) }
    /// ```
    pub fn new(config: SessionConfig) -> Result<Client, Error> {
        Self::with_io(config, Box::new(UdpIo::open()))
    }

    /// A client with the default session configuration.
    ///
    /// ```no_run
    /// let client = snmp_blocking::Client::with_defaults()?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn with_defaults() -> Result<Client, Error> {
        Self::new(SessionConfig::default())
    }

    /// A client over any [`Io`]: the real sockets ([`UdpIo`]) or a test's in-memory network
    /// under simulated time.
    ///
    /// ```no_run
    /// use snmp_blocking::{Client, UdpIo};
    /// let client = Client::with_io(Default::default(), Box::new(UdpIo::open()))?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn with_io(config: SessionConfig, io: Box<dyn Io>) -> Result<Client, Error> {
        Ok(Client {
            engine: Arc::new(Mutex::new(Engine::new(config, io)?)),
            id: ClientId::next(),
        })
    }

    pub(crate) fn engine(&self) -> MutexGuard<'_, Engine> {
        lock(&self.engine)
    }

    /// Adds a target; the returned [`Manager`] talks to it.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Client, TargetConfig};
    /// let client = Client::with_defaults()?;
    /// let m = client.add_target(TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public"))?;
    /// # Ok(()) }
    /// ```
    pub fn add_target(&self, config: TargetConfig) -> Result<Manager, Error> {
        let agent_config = config.clone();
        let target = self.engine().add_target(config)?;
        Ok(Manager::new(
            self.clone(),
            Agent::new(target, &agent_config),
        ))
    }

    /// The session's counters (datagrams dropped and why, retransmits, timeouts,
    /// discoveries).
    ///
    /// ```no_run
    /// # fn f(c: snmp_blocking::Client) {
    /// println!("{} retransmits", c.counters().retransmits);
    /// # }
    /// ```
    pub fn counters(&self) -> snmp_session::Counters {
        self.engine().session.counters()
    }

    /// GETs `oids` from every target, at most `concurrency` targets at a time, all over this
    /// client's sockets: one [`PollResult`] per (target, OID), in completion order. Dropping
    /// the iterator cancels what still runs. Keep the `PollTarget`s for the next round: v3
    /// targets then skip discovery.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Client, PollTarget};
    /// let client = Client::with_defaults()?;
    /// let targets: Vec<PollTarget> = (1..=200)
    ///     .map(|i| PollTarget::v2c_host(&format!("10.0.0.{i}"), "public"))
    ///     .collect::<Result<_, _>>()?;
    /// for r in client.poll_many(targets.clone(), vec!["1.3.6.1.2.1.1.3.0".parse()?], 100) {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &self,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> PollMany {
        PollMany {
            client: self.clone(),
            scheduler: PollScheduler::new(targets, oids, concurrency),
        }
    }
}

/// The iterator of [`Client::poll_many`]: results in completion order.
#[derive(Debug)]
pub struct PollMany {
    client: Client,
    scheduler: PollScheduler,
}

impl Iterator for PollMany {
    type Item = PollResult;

    fn next(&mut self) -> Option<PollResult> {
        loop {
            if let Some(r) = self.scheduler.pop() {
                return Some(r);
            }
            if self.scheduler.is_finished() {
                return None;
            }
            let id = self.client.id;
            let mut guard = self.client.engine();
            let engine = &mut *guard;
            let io = &mut engine.io;
            self.scheduler.fill(
                id,
                &mut engine.session,
                &mut engine.outcomes,
                &mut |session, cfg| {
                    // Engine::add_target, with the engine's parts borrowed apart.
                    io.prepare(cfg.addr)?;
                    Ok(session.add_target(cfg))
                },
            );
            if self.scheduler.running() > 0 {
                let group = self.scheduler.group();
                if let Err(e) = engine.run_until(|o| o.has_ended(group)) {
                    // The I/O failed: every target still running or queued gets the error.
                    self.scheduler
                        .fail_rest(&mut engine.session, &mut engine.outcomes, &e);
                }
            }
            self.scheduler.collect(&mut engine.outcomes);
        }
    }
}

impl Drop for PollMany {
    fn drop(&mut self) {
        if !self.scheduler.is_finished() {
            let mut guard = self.client.engine();
            let engine = &mut *guard;
            self.scheduler
                .cancel(&mut engine.session, &mut engine.outcomes);
        }
    }
}
