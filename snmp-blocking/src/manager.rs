//! The blocking face: a `Client` (one engine, any number of agents, `poll_many`) and the
//! `Manager`, a per-agent view of it whose calls (the runtime-free manager core's) are waited
//! for on the calling thread.

use std::sync::{Arc, Mutex, MutexGuard};

use snmp_manager::settings::Settings;
use snmp_manager::{
    Agent, Call, ClientId, Error, Oid, PollResult, PollScheduler, PollTarget, TargetConfig, Value,
    WalkBuffer, WalkError, WalkNext,
};
use snmp_session::{OpId, Request, SessionConfig};

use crate::engine::Engine;
use crate::io::{Io, UdpIo};

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

    /// [`Client::poll_many`] with the OIDs given as names or text (`"sysUpTime.0"`,
    /// `"IF-MIB::ifInOctets.1"`, `"1.3.6.1.2.1.1.3.0"`), resolved through `mib`; a name that
    /// does not resolve fails the call before anything is sent.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Client, Mib, PollTarget};
    /// let client = Client::with_defaults()?;
    /// let targets = vec![PollTarget::v2c_host("192.0.2.1", "public")?];
    /// for r in client.poll_names(&Mib::standard(), targets, ["sysUpTime.0"], 100)? {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_names<I: snmp_manager::IntoOid>(
        &self,
        mib: &snmp_manager::Mib,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<PollMany, Error> {
        let oids = snmp_manager::oids(mib, oids)?;
        Ok(self.poll_many(targets, oids, concurrency))
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

/// Builds a [`Manager`]: snmpkit's parameters and defaults (port 161, community `public`,
/// version 2c, timeout 5 s, 3 retries), the same setters as the async builder.
pub struct ManagerBuilder {
    s: Settings,
    session: SessionConfig,
    client: Option<Client>,
}

impl std::fmt::Debug for ManagerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagerBuilder")
            .field("settings", &self.s)
            .finish_non_exhaustive()
    }
}

impl ManagerBuilder {
    snmp_manager::builder_setters!(
        "snmp_blocking",
        "fn f() -> Result<(), snmp_blocking::Error> {",
        ".build()?"
    );

    /// The session configuration of the manager's own client (ignored with
    /// [`ManagerBuilder::client`]).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let mut config = snmp_blocking::SessionConfig::default();
    /// config.max_oids_per_request = 10;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").session_config(config).build()?;
    /// # Ok(()) }
    /// ```
    pub fn session_config(mut self, config: SessionConfig) -> Self {
        self.session = config;
        self
    }

    /// Share an existing client (its sockets and engine) instead of making one.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// // Two agents over one engine.
    /// let client = snmp_blocking::Client::with_defaults()?;
    /// let a = snmp_blocking::Manager::builder("192.0.2.1").client(&client).build()?;
    /// let b = snmp_blocking::Manager::builder("192.0.2.2").client(&client).build()?;
    /// # Ok(()) }
    /// ```
    pub fn client(mut self, client: &Client) -> Self {
        self.client = Some(client.clone());
        self
    }

    /// Resolves the host (blocking while a name is looked up), derives v3 keys and makes the
    /// client: one whose socket is `connect`ed to the agent (unless answers from any source
    /// are accepted), or the one given.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").community("public").build()?;
    /// println!("{}", m.get("sysDescr.0")?.bare());
    /// # Ok(()) }
    /// ```
    pub fn build(mut self) -> Result<Manager, Error> {
        let cfg = self.s.target_config()?;
        let client = match self.client.take() {
            Some(c) => c,
            None if self.s.accepts_any_source() => Client::new(self.session)?,
            None => Client::with_io(self.session, Box::new(UdpIo::connected(cfg.addr)?))?,
        };
        let mut m = client.add_target(cfg)?;
        if let Some(mib) = self.s.take_mib() {
            m.agent = m.agent.with_mib(mib);
        }
        Ok(m)
    }
}

/// One agent, over a [`Client`]'s engine. Cheap to clone; calls from several threads take
/// turns.
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// let m = snmp_blocking::Manager::builder("192.0.2.1").build()?;
/// println!("{}", m.get("sysDescr.0")?.bare());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Manager {
    client: Client,
    agent: Agent,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("agent", &self.agent)
            .finish()
    }
}

impl Manager {
    /// A builder for a manager of `host` (a name, an IPv4 or IPv6 literal, optionally with a
    /// port), with snmpkit's defaults.
    ///
    /// ```no_run
    /// let m = snmp_blocking::Manager::builder("192.0.2.1:1161").community("private").build()?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn builder(host: &str) -> ManagerBuilder {
        ManagerBuilder {
            s: Settings::new(host),
            session: SessionConfig::default(),
            client: None,
        }
    }

    pub(crate) fn new(client: Client, agent: Agent) -> Manager {
        Manager { client, agent }
    }

    fn local_addr_of(&self) -> Result<std::net::SocketAddr, Error> {
        Ok(self.client.engine().local_addr(self.agent.addr())?)
    }

    fn engine_of(&self) -> Option<snmp_session::KnownEngine> {
        let engine = self.client.engine();
        let now = engine.now();
        engine.session.engine(self.agent.target(), now)
    }

    fn seed_engine_of(&self, known: &snmp_session::KnownEngine) -> bool {
        let mut engine = self.client.engine();
        let now = engine.now();
        engine.session.seed_engine(self.agent.target(), known, now)
    }

    /// Starts `request` and runs the engine until it ends; its outcome.
    fn outcome(&self, request: Request) -> Result<OpId, Error> {
        let mut engine = self.client.engine();
        let op = engine.start(&self.agent, request)?;
        let ran = engine.run_until(|o| o.is_done(op));
        if let Err(e) = ran {
            engine.cancel(op);
            return Err(e);
        }
        Ok(op)
    }

    fn run<T>(&self, call: Call<T>) -> Result<T, Error> {
        let (request, finish) = call.into_parts();
        let op = self.outcome(request);
        let outcome = op.and_then(|op| {
            self.client
                .engine()
                .outcomes
                .take_all(op)
                .unwrap_or(Err(Error::Closed))
        });
        finish.apply(&self.agent, outcome)
    }

    fn run_table(&self, request: Request) -> snmp_manager::RawRows {
        let op = self.outcome(request).map_err(|error| (error, Vec::new()))?;
        self.client
            .engine()
            .outcomes
            .take_rows(op)
            .unwrap_or(Err((Error::Closed, Vec::new())))
    }

    fn start_walk(&self, request: Result<Request, Error>) -> Walk {
        let started = request.and_then(|r| self.client.engine().start(&self.agent, r));
        match started {
            Ok(op) => Walk {
                live: Some((self.client.clone(), op)),
                buffer: WalkBuffer::named(self.agent.mib()),
            },
            Err(e) => Walk {
                live: None,
                buffer: WalkBuffer::failed(e),
            },
        }
    }

    fn forget(&self) {
        self.client
            .engine()
            .session
            .remove_target(self.agent.target());
    }

    snmp_manager::manager_methods!(
        async: (),
        await: (),
        aw: "",
        krate: "snmp_blocking",
        sig: "# fn f",
        walk_loop: "for item in walk",
        collect: ".collect::<Vec<_>>()",
        prelude: "",
        client: Client,
        manager: Manager,
    );
}

/// A walk: an [`Iterator`] of `(oid, value)` in order; an `Err` item ends it early (after the
/// items received before the failure). Each `next` that finds nothing buffered runs the
/// engine until the next answer. Dropping it cancels the walk.
pub struct Walk {
    live: Option<(Client, OpId)>,
    buffer: WalkBuffer,
}

impl std::fmt::Debug for Walk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("buffered", &self.buffer.buffered())
            .finish_non_exhaustive()
    }
}

impl Walk {
    /// Collects the whole walk; on failure, the error with the items received before it
    /// ([`WalkError`]: `?` makes it the [`Error`], `partial` keeps what came before).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").build()?;
    /// match m.bulk_walk("ifTable", 25).collect_all() {
    ///     Ok(all) => println!("{} varbinds", all.len()),
    ///     Err(e) => println!("{} after {} varbinds", e.error, e.partial.len()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn collect_all(self) -> Result<Vec<(Oid, Value)>, WalkError> {
        let mut out = Vec::new();
        for item in self {
            match item {
                Ok(x) => out.push(x),
                Err(error) => {
                    return Err(WalkError {
                        error,
                        partial: out,
                    })
                }
            }
        }
        Ok(out)
    }

    /// Runs the engine until the walk's next batch or its end.
    fn fetch(&mut self) {
        let Some((client, op)) = self.live.as_ref() else {
            return;
        };
        let op = *op;
        let mut engine = client.engine();
        let step = match engine.run_until(|o| o.is_ready(op)) {
            Ok(()) => {
                let e = &mut *engine;
                e.outcomes.take_batch(&mut e.session, op)
            }
            Err(e) => {
                engine.cancel(op);
                snmp_manager::WalkStep::End(Err(e))
            }
        };
        drop(engine);
        if self.buffer.push(step) {
            self.live = None;
        }
    }
}

impl Iterator for Walk {
    type Item = Result<(Oid, Value), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.buffer.next_item() {
                WalkNext::Item(item) => return Some(item),
                WalkNext::End => return None,
                WalkNext::Fetch => self.fetch(),
            }
        }
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        if let Some((client, op)) = self.live.take() {
            client.engine().cancel(op);
        }
    }
}
