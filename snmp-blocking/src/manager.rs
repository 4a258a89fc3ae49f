//! The blocking face: a `Client` (one engine, any number of agents, `poll_many`) and the
//! `Manager`, a per-agent view of it whose calls (the runtime-free manager core's) are waited
//! for on the calling thread.

use std::net::ToSocketAddrs;
use std::sync::{Arc, Mutex, MutexGuard};

use snmp_manager::{
    Agent, BuildParts, Call, ClientId, Description, Error, Face, IntoOid, Mib, Oid, PollResult,
    PollScheduler, PollTarget, Table, TableError, TargetConfig, TrapV1Pdu, Value, VarBind, Version,
    WalkBuffer, WalkError, WalkNext, WalkOptions,
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

/// The iterator of [`Client::poll_many`]: results in completion order. Targets given by name
/// are looked up on the calling thread as the poll reaches them.
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
            // Names are looked up on this thread, a few per pass, between the engine's runs.
            for _ in 0..PollScheduler::LOOKUPS {
                let Some(lookup) = self.scheduler.poll_lookup() else {
                    break;
                };
                let found = (&*lookup.name, lookup.port).to_socket_addrs();
                let answer = lookup.answer(found);
                self.scheduler.handle_lookup(lookup.index, answer);
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

/// The blocking face of a [`ManagerBuilder`]: `build` blocks and returns the Manager.
///
/// ```no_run
/// # use snmp_blocking::*;
/// let m = ManagerBuilder::new(Blocking, "192.0.2.1").build()?;
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

/// The builder of a blocking [`Manager`] (the manager core's builder, with the blocking
/// face: `build` blocks).
pub type ManagerBuilder = snmp_manager::ManagerBuilder<Blocking>;

impl Face for Blocking {
    type Client = Client;
    type Build = Result<Manager, Error>;

    /// Resolves the host (blocking while a name is looked up), derives v3 keys and makes the
    /// client: one whose socket is `connect`ed to the agent (unless answers from any source
    /// are accepted), or the one given.
    fn build(parts: BuildParts<Blocking>) -> Result<Manager, Error> {
        let mut s = parts.settings;
        let cfg = s.target_config()?;
        let client = match parts.client {
            Some(c) => c,
            None if s.accepts_any_source() => Client::new(parts.session)?,
            None => Client::with_io(parts.session, Box::new(UdpIo::connected(cfg.addr)?))?,
        };
        let mut m = client.add_target(cfg)?;
        if let Some(mib) = s.take_mib() {
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
        ManagerBuilder::new(Blocking, host)
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

    /// The MIB this manager resolves and describes names with.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let node = m.mib().node("ifDescr");
    /// assert!(node.is_some());
    /// # Ok(()) }
    /// ```
    pub fn mib(&self) -> &Mib {
        self.agent.mib()
    }

    /// Object, module, index and the value formatted by the MIB (enumeration labels,
    /// DISPLAY-HINTs, units), for showing a varbind to people.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: Oid = "1.3.6.1.2.1.2.2.1.8.1".parse()?;
    /// let value = m.get(oid.clone())?;
    /// let d = m.describe(&oid, &value);
    /// println!("{} {} = {}", d.object, d.index, d.value); // ifOperStatus 1 = up
    /// # Ok(()) }
    /// ```
    pub fn describe(&self, oid: &Oid, value: &Value) -> Description {
        self.agent.describe(oid, value)
    }

    /// An OID as `snmpwalk` names it with MIBs (`IF-MIB::ifDescr.1`; the numbers where
    /// no module names it).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: Oid = "1.3.6.1.2.1.2.2.1.2.1".parse()?;
    /// assert_eq!(m.name(&oid), "IF-MIB::ifDescr.1");
    /// # Ok(()) }
    /// ```
    pub fn name(&self, oid: &Oid) -> String {
        self.agent.name(oid)
    }

    /// A varbind as `snmpwalk` prints it with MIBs (`IF-MIB::ifOperStatus.1 = INTEGER:
    /// up(1)`).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: Oid = "1.3.6.1.2.1.1.5.0".parse()?;
    /// let value = m.get(oid.clone())?;
    /// println!("{}", m.format(&oid, &value)); // SNMPv2-MIB::sysName.0 = STRING: router
    /// # Ok(()) }
    /// ```
    pub fn format(&self, oid: &Oid, value: &Value) -> String {
        self.agent.format(oid, value)
    }

    /// The client (engine and sockets) this manager uses; other agents can share it.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// // Another agent on the same socket and engine.
    /// let other = Manager::builder("192.0.2.2").client(m.client()).build()?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The SNMP version.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// if m.version() == Version::V1 {
    ///     println!("no GETBULK here");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn version(&self) -> Version {
        self.agent.version()
    }

    /// The agent's address.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// println!("talking to {}", m.addr());
    /// # Ok(()) }
    /// ```
    pub fn addr(&self) -> std::net::SocketAddr {
        self.agent.addr()
    }

    /// The local address requests to this agent leave from.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// println!("from {}", m.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> Result<std::net::SocketAddr, Error> {
        self.local_addr_of()
    }

    /// The v3 agent's engine (ID, boots, time now) once an authenticated answer confirmed
    /// it; `None` for v1/v2c or before. Save it to skip the discovery next time
    /// ([`seed_v3_engine`](Self::seed_v3_engine)), across restarts too.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) {
    /// if let Some(engine) = m.v3_engine() {
    ///     println!("engine {:02x?}, boots {}", engine.id, engine.boots);
    /// }
    /// # }
    /// ```
    pub fn v3_engine(&self) -> Option<snmp_session::KnownEngine> {
        self.engine_of()
    }

    /// Gives the v3 agent the engine a client learned earlier ([`v3_engine`](Self::v3_engine)),
    /// so that the next request skips the discovery. Until an authenticated answer confirms
    /// it, it is used for sending only; a stale one costs what the agent's Report says (a
    /// time resync or a new discovery). `false` (nothing done) for v1/v2c, or when the
    /// client already knows or seeks the engine.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager, saved: snmp_blocking::session::KnownEngine) {
    /// let _seeded = m.seed_v3_engine(&saved);
    /// # }
    /// ```
    pub fn seed_v3_engine(&self, engine: &snmp_session::KnownEngine) -> bool {
        self.seed_engine_of(engine)
    }

    /// The client's session counters (datagrams dropped and why, retransmits, timeouts,
    /// discoveries).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) {
    /// println!("{} timeouts", m.counters().timeouts);
    /// # }
    /// ```
    pub fn counters(&self) -> snmp_session::Counters {
        self.client.counters()
    }

    /// A handle to the same agent whose calls wait `timeout` per attempt (over the
    /// builder's), sharing this one's client: a per-call timeout without a second
    /// Manager.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use std::time::Duration;
    /// let quick = m.with_timeout(Duration::from_millis(200)).with_retries(0);
    /// let descr = quick.get("sysDescr.0")?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Manager {
        let mut m = self.clone();
        m.agent = m.agent.with_timeout(timeout);
        m
    }

    /// A handle whose calls make `retries` retries after the first attempt (over the
    /// builder's).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let patient = m.with_retries(8);
    /// let uptime = patient.get("sysUpTime.0")?;
    /// # Ok(()) }
    /// ```
    pub fn with_retries(&self, retries: u32) -> Manager {
        let mut m = self.clone();
        m.agent = m.agent.with_retries(retries);
        m
    }

    /// GET of one OID. Exceptions (noSuchObject, ...) are errors.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = Manager::builder("192.0.2.1").community("public").build()?;
    /// let descr = m.get("sysDescr.0")?; // or "1.3.6.1.2.1.1.1.0"
    /// println!("{}", descr.bare());
    /// # Ok(()) }
    /// ```
    pub fn get(&self, oid: impl IntoOid) -> Result<Value, Error> {
        self.run(self.agent.get(oid)?)
    }

    /// GET of many OIDs (split over several requests when they do not fit in one). The
    /// first exception is an error; see `get_varbinds` to keep them as values.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let values = m.get_many(["sysName.0", "sysUpTime.0"])?;
    /// let uptime = values[1].as_u64();
    /// # Ok(()) }
    /// ```
    pub fn get_many<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<Value>, Error> {
        self.run(self.agent.get_many(oids)?)
    }

    /// GET of many OIDs, exceptions kept as values.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_varbinds(["sysDescr.0", "ifDescr.99"])? {
    ///     // ifDescr.99 may come back as noSuchInstance: a value, not an error.
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_varbinds<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_varbinds(oids)?)
    }

    /// GET of many OIDs where one missing OID fails only itself, in v1 too (its
    /// noSuchName becomes a noSuchObject value and the other OIDs are asked again).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_each(["sysDescr.0", "sysFoo.0", "sysName.0"])? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_each<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_each(oids)?)
    }

    /// GETNEXT: the next OID and its value. endOfMibView is an error.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let (oid, value) = m.get_next("system")?;
    /// println!("{} = {}", m.name(&oid), value.bare());
    /// # Ok(()) }
    /// ```
    pub fn get_next(&self, oid: impl IntoOid) -> Result<(Oid, Value), Error> {
        self.run(self.agent.get_next(oid)?)
    }

    /// GETNEXT of many OIDs in one request, the answer's varbinds as they came
    /// (exceptions such as endOfMibView kept as values), as `snmpgetnext` prints them.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_next_varbinds(["sysDescr", "ifDescr"])? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_next_varbinds<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_next_varbinds(oids)?)
    }

    /// GETBULK (v2c, v3).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// // sysUpTime once, then up to 10 ifDescr cells.
    /// for (oid, value) in m.get_bulk(["sysUpTime", "ifDescr"], 1, 10)? {
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_bulk<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> Result<Vec<(Oid, Value)>, Error> {
        self.run(self.agent.get_bulk(oids, non_repeaters, max_repetitions)?)
    }

    /// SET of one OID; returns the value the agent echoed.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// m.set("sysContact.0", "ops@example.net")?;
    /// m.set("ifAdminStatus.2", 2i32)?; // down
    /// # Ok(()) }
    /// ```
    pub fn set(&self, oid: impl IntoOid, value: impl Into<Value>) -> Result<Value, Error> {
        self.run(self.agent.set(oid, value)?)
    }

    /// SET of several OIDs at once (atomic on the agent).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// m.set_many([("sysName.0", Value::from("core-1")), ("sysLocation.0", Value::from("rack 4"))])
    ///     ?;
    /// # Ok(()) }
    /// ```
    pub fn set_many<I: IntoOid>(
        &self,
        pairs: impl IntoIterator<Item = (I, Value)>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.set_many(pairs)?)
    }

    /// A walk of the subtree under `oid` with GETNEXT (works with v1): `(oid, value)`
    /// items, ending with an error item if the walk failed after some rows. Dropping it
    /// cancels the walk.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let mut walk = m.walk("system");
    /// for item in walk {
    ///     let (oid, value) = item?;
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn walk(&self, oid: impl IntoOid) -> Walk {
        self.start_walk(self.agent.walk(oid, None, WalkOptions::default()))
    }

    /// A walk with GETBULK of `bulk_size` repetitions (v2c, v3).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let rows = m.bulk_walk("IF-MIB::ifDescr", 25).collect_all()?;
    /// println!("{} interfaces", rows.len());
    /// # Ok(()) }
    /// ```
    pub fn bulk_walk(&self, oid: impl IntoOid, bulk_size: u32) -> Walk {
        self.start_walk(
            self.agent
                .walk(oid, Some(bulk_size), WalkOptions::default()),
        )
    }

    /// A walk with options (non-increasing OIDs allowed, a result limit, parallel
    /// stripes, adaptive repetitions); `bulk_size` `None` walks with GETNEXT.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// // Over a slow link: 8 stripes at once, repetitions sized to the agent.
    /// let options = WalkOptions::default()
    ///     .with_parallel(8)
    ///     .with_repetitions(Repetitions::adaptive());
    /// let mut walk = m.walk_with_options(".1", Some(25), options);
    /// for item in walk {
    ///     let (_oid, _value) = item?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn walk_with_options(
        &self,
        oid: impl IntoOid,
        bulk_size: Option<u32>,
        options: WalkOptions,
    ) -> Walk {
        self.start_walk(self.agent.walk(oid, bulk_size, options))
    }

    /// A table by its entry OID (ifEntry, `1.3.6.1.2.1.2.2.1`), the same [`Table`] of
    /// [`Row`](snmp_manager::Row)s as `table` gives (cells by column number or name, typed indexes). With
    /// `columns`, only those columns are fetched. `bulk_size` is the GETBULK size (v1
    /// uses GETNEXT).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// // ifDescr (2) and ifInOctets (10) of every row.
    /// for row in &m.get_table("ifEntry", Some(&[2, 10]), 25)? {
    ///     println!("{} {:?}", row.index, row.column(2));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_table(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
    ) -> Result<Table, TableError> {
        self.get_table_with_options(base, columns, bulk_size, WalkOptions::default())
    }

    /// `get_table` with walk options (adaptive repetitions, the OID check, a result
    /// limit, parallel stripes).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// let rows = m
    ///     .get_table_with_options("ifEntry", Some(&[2, 10]), 25, WalkOptions::default().with_parallel(4))
    ///     ?;
    /// # Ok(()) }
    /// ```
    pub fn get_table_with_options(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
        options: WalkOptions,
    ) -> Result<Table, TableError> {
        let (request, entry) = self.agent.get_table(base, columns, bulk_size, options)?;
        let raw = self.run_table(request);
        self.agent.decode_table(&entry, raw)
    }

    /// A table by name with typed indexes and named columns: `table` is the table, its
    /// entry or an OID (`"IF-MIB::ifTable"`, `"ipNetToPhysicalEntry"`,
    /// `"1.3.6.1.2.1.2.2"`). Each row's index is decoded per the MIB's INDEX clause
    /// (integers with their labels, strings, IMPLIED, IpAddress, InetAddress after its
    /// InetAddressType, OIDs; AUGMENTS followed). GETBULK of 25 (GETNEXT for v1).
    ///
    /// On an error the rows received before it are in `TableError::rows`.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// let table = m.table("IF-MIB::ifTable")?;
    /// for row in &table.rows {
    ///     let descr = row.get("ifDescr").map(|v| v.bare().to_string());
    ///     println!("{} {descr:?}", row.index);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn table(&self, table: impl IntoOid) -> Result<Table, TableError> {
        let (request, entry) = self.agent.table(table)?;
        let rows = self.run_table(request);
        self.agent.decode_table(&entry, rows)
    }

    /// An SNMPv2-Trap (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`,
    /// then `varbinds`. Done when sent.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let to = Manager::builder("192.0.2.9").port(162).build()?;
    /// let ifindex = VarBind::new("1.3.6.1.2.1.2.2.1.1.3".parse()?, Value::Integer(3));
    /// to.send_trap("IF-MIB::linkDown", vec![ifindex], 12_345)?;
    /// # Ok(()) }
    /// ```
    pub fn send_trap(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<(), Error> {
        self.run(self.agent.send_trap(trap_oid, varbinds, uptime)?)
    }

    /// An SNMPv1 Trap-PDU (v1).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let trap = TrapV1Pdu {
    ///     enterprise: "1.3.6.1.4.1.8072".parse()?,
    ///     agent_addr: [192, 0, 2, 10],
    ///     generic_trap: GenericTrap::ColdStart,
    ///     specific_trap: 0,
    ///     time_stamp: 100,
    ///     varbinds: vec![],
    /// };
    /// m.send_trap_v1(trap)?;
    /// # Ok(()) }
    /// ```
    pub fn send_trap_v1(&self, trap: TrapV1Pdu) -> Result<(), Error> {
        self.run(self.agent.send_trap_v1(trap))
    }

    /// An InformRequest (v2c, v3); returns once the receiver acknowledged it, with the
    /// varbinds of the acknowledgement.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let to = Manager::builder("192.0.2.9").port(162).build()?;
    /// to.send_inform("linkDown", vec![], 12_345)?;
    /// # Ok(()) }
    /// ```
    pub fn send_inform(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.send_inform(trap_oid, varbinds, uptime)?)
    }

    /// `Client::poll_many` on this manager's client (its sockets and engine): GETs
    /// `oids` from every target, at most `concurrency` at a time, one `PollResult` per
    /// (target, OID) in completion order.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let targets = ["192.0.2.1", "192.0.2.2:1161"]
    ///     .iter()
    ///     .map(|h| PollTarget::v2c_host(h, "public"))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let results = m.poll_many(targets, vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
    /// let results = results.collect::<Vec<_>>();
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &self,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> PollMany {
        self.client.poll_many(targets, oids, concurrency)
    }

    /// `poll_many` with names or text for the OIDs, resolved through this manager's
    /// MIB; a name that does not resolve fails the call before anything is sent.
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager, targets: Vec<snmp_blocking::PollTarget>) -> Result<(), snmp_blocking::Error> {
    /// let results = m.poll_names(targets, ["sysUpTime.0", "ifNumber.0"], 100)?;
    /// let results = results.collect::<Vec<_>>();
    /// # Ok(()) }
    /// ```
    pub fn poll_names<I: IntoOid>(
        &self,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<PollMany, Error> {
        let oids = snmp_manager::oids(self.agent.mib(), oids)?;
        Ok(self.client.poll_many(targets, oids, concurrency))
    }

    /// Forgets this target in the client (other clones of the manager then fail with
    /// `Error::Closed`, in both faces).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// m.close(); // the client forgets the agent
    /// # Ok(()) }
    /// ```
    pub fn close(self) {
        self.forget();
    }
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
