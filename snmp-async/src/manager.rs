//! The async Manager: the runtime-free manager core's calls, each awaited.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use snmp_manager::{
    Agent, BuildParts, Call, ClientId, Description, Error, Face, Host, IntoOid, Mib, Oid,
    PollTarget, Table, TableError, TrapV1Pdu, Value, VarBind, Version, WalkBuffer, WalkError,
    WalkNext, WalkOptions,
};
use snmp_session::{OpId, Request, SessionConfig, TargetConfig};
use std::future::Future;

use crate::driver::{DriverTask, Shared};
use crate::handle::{AllAtOnce, Held, Rows, Wait};
use crate::poll::PollMany;
use crate::runtime::Runtime;

/// A handle to a driver: one session, one socket per address family, any number of targets.
/// Cheap to clone; the driver stops when every handle (and every [`Manager`], walk and poll
/// made from it) is dropped and nothing is pending.
pub struct Client<R: Runtime> {
    shared: Arc<Shared<R>>,
    held: Held,
    rt: R,
    id: ClientId,
}

impl<R: Runtime> Clone for Client<R> {
    fn clone(&self) -> Self {
        Client {
            shared: self.shared.clone(),
            held: self.held.clone(),
            rt: self.rt.clone(),
            id: self.id,
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Client<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("id", &self.id).finish()
    }
}

impl<R: Runtime> Client<R> {
    /// Starts a driver task on `rt` with `config`.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, SessionConfig, Tokio};
    /// let mut config = SessionConfig::default();
    /// config.max_oids_per_request = 20;
    /// let client = Client::new(Tokio, config)?;
    /// # Ok(()) }
    /// ```
    pub fn new(rt: R, config: SessionConfig) -> Result<Client<R>, Error> {
        rt.check()?;
        let shared = Shared::new(rt.clone(), config)?;
        let held = Held::new(shared.clone());
        rt.spawn(Box::pin(DriverTask(shared.clone())));
        Ok(Client {
            shared,
            held,
            rt,
            id: ClientId::next(),
        })
    }

    /// The runtime.
    ///
    /// ```no_run
    /// # fn f(c: &snmp_tokio::Client) -> Result<(), snmp_tokio::Error> {
    /// let _tokio: &snmp_tokio::Tokio = c.runtime();
    /// # Ok(()) }
    /// ```
    pub fn runtime(&self) -> &R {
        &self.rt
    }

    /// Adds a target; the returned [`Manager`] talks to it. Nothing waits: the target is in
    /// the session when this returns (it stays `async` for the API's sake).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, TargetConfig};
    /// let client = Client::with_defaults()?;
    /// let m = client.add_target(TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_target(&self, config: TargetConfig) -> Result<Manager<R>, Error> {
        Ok(Manager {
            client: self.clone(),
            agent: self.add_agent(config)?,
        })
    }

    /// The session's counters (datagrams dropped and why, retransmits, timeouts,
    /// discoveries).
    ///
    /// ```no_run
    /// # fn f(c: snmp_tokio::Client) {
    /// println!("{} retransmits", c.counters().retransmits);
    /// # }
    /// ```
    pub fn counters(&self) -> snmp_session::Counters {
        self.shared.lock().session.counters()
    }

    /// GETs `oids` from every target, at most `concurrency` targets at a time, all over this
    /// client's socket(s): a stream of one [`PollResult`](crate::PollResult) per (target,
    /// OID), in completion order. Thousands of targets need no more sockets or tasks than
    /// one. Keep the `PollTarget`s for the next round: v3 targets then skip discovery.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, PollTarget, StreamExt};
    /// let client = Client::with_defaults()?;
    /// let targets: Vec<PollTarget> = (1..=200)
    ///     .map(|i| PollTarget::v2c_host(&format!("10.0.0.{i}"), "public"))
    ///     .collect::<Result<_, _>>()?;
    /// let mut results = client.poll_many(targets.clone(), vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
    /// while let Some(r) = results.next().await {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &self,
        targets: impl IntoIterator<Item = snmp_manager::PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> PollMany {
        PollMany::new(
            Held::new(self.shared.clone()),
            self.id,
            snmp_manager::PollScheduler::new(targets, oids, concurrency),
        )
    }

    /// [`Client::poll_many`] with the OIDs given as names or text (`"sysUpTime.0"`,
    /// `"IF-MIB::ifInOctets.1"`, `"1.3.6.1.2.1.1.3.0"`), resolved through `mib`; a name that
    /// does not resolve fails the call before anything is sent.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, Mib, PollTarget, StreamExt};
    /// let client = Client::with_defaults()?;
    /// let targets = vec![PollTarget::v2c_host("192.0.2.1", "public")?];
    /// let mut results = client.poll_names(&Mib::standard(), targets, ["sysUpTime.0"], 100)?;
    /// while let Some(r) = results.next().await {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_names<I: snmp_manager::IntoOid>(
        &self,
        mib: &snmp_manager::Mib,
        targets: impl IntoIterator<Item = snmp_manager::PollTarget>,
        oids: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<PollMany, Error> {
        let oids = snmp_manager::oids(mib, oids)?;
        Ok(self.poll_many(targets, oids, concurrency))
    }

    // What a Manager is made of: each call of the manager core, for one agent of this
    // client.

    fn add_agent(&self, config: TargetConfig) -> Result<Agent, Error> {
        let agent_config = config.clone();
        let target = self.shared.lock().add_target(config)?;
        Ok(Agent::new(target, &agent_config))
    }

    async fn run<T>(&self, agent: &Agent, call: Call<T>) -> Result<T, Error> {
        let (request, finish) = call.into_parts();
        let outcome = Wait::<R, AllAtOnce>::new(&self.shared, agent, request).await;
        finish.apply(agent, outcome)
    }

    async fn run_table(&self, agent: &Agent, request: Request) -> snmp_manager::RawRows {
        Wait::<R, Rows>::new(&self.shared, agent, request).await
    }

    fn start_walk(&self, agent: &Agent, request: Result<Request, Error>) -> Walk {
        let started = request.and_then(|r| {
            let mut core = self.shared.lock();
            let op = core.start(agent, r)?;
            self.shared.kick(&mut core);
            Ok(op)
        });
        match started {
            Ok(op) => Walk {
                live: Some((Held::new(self.shared.clone()), op)),
                buffer: WalkBuffer::named(agent.mib()),
            },
            Err(e) => Walk {
                live: None,
                buffer: WalkBuffer::failed(e),
            },
        }
    }

    fn local_addr_of(&self, agent: &Agent) -> Result<std::net::SocketAddr, Error> {
        Ok(self.shared.lock().local_addr(agent.addr())?)
    }

    fn forget(&self, agent: &Agent) {
        self.shared.lock().session.remove_target(agent.target());
    }

    fn engine_of(&self, agent: &Agent) -> Option<snmp_session::KnownEngine> {
        let core = self.shared.lock();
        let now = core.now();
        core.session.engine(agent.target(), now)
    }

    fn seed_engine_of(&self, agent: &Agent, engine: &snmp_session::KnownEngine) -> bool {
        let mut core = self.shared.lock();
        let now = core.now();
        core.session.seed_engine(agent.target(), engine, now)
    }
}

/// The async face of a [`ManagerBuilder`]: the runtime its Manager runs on. `build` returns a
/// future of the Manager.
///
/// ```no_run
/// # use snmp_tokio::*;
/// # async fn f() -> Result<(), Error> {
/// // A builder on a runtime value of one's own (`Manager::builder` takes its Default).
/// let m = ManagerBuilder::new(Async(Tokio), "192.0.2.1").build().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Async<R>(pub R);

/// The builder of a [`Manager`] on the runtime `R` (the manager core's builder, with the
/// async face: `build` returns a future).
pub type ManagerBuilder<R> = snmp_manager::ManagerBuilder<Async<R>>;

/// The future [`ManagerBuilder::build`](snmp_manager::ManagerBuilder::build) returns on an
/// async face.
pub type Building<R> = Pin<Box<dyn Future<Output = Result<Manager<R>, Error>> + Send>>;

impl<R: Runtime> Face for Async<R> {
    type Client = Client<R>;
    type Build = Building<R>;

    /// Looks the host up through the runtime (never blocking its threads), derives v3 keys,
    /// starts (or joins) the driver.
    fn build(parts: BuildParts<Async<R>>) -> Building<R> {
        Box::pin(async move {
            let mut s = parts.settings;
            s.check()?;
            let addr = lookup(&parts.face.0, s.host(), s.default_port()).await?;
            let cfg = s.config_for(addr)?;
            let client = match parts.client {
                Some(c) => c,
                None => Client::new(parts.face.0, parts.session)?,
            };
            let mut agent = client.add_agent(cfg)?;
            if let Some(mib) = s.take_mib() {
                agent = agent.with_mib(mib);
            }
            Ok(Manager { client, agent })
        })
    }
}

/// `host` (text as the builder takes it) as an address: a literal at once, a name through
/// the runtime's resolver.
async fn lookup<R: Runtime>(rt: &R, host: &str, port: u16) -> Result<std::net::SocketAddr, Error> {
    let parsed = Host::parse(host, port)?;
    let answer = match &parsed {
        Host::Addr(a) => return Ok(*a),
        Host::Name(name, port) => rt.resolve(name, *port).await,
    };
    // The error names the host as it was given (`router:1161`), as Net-SNMP's does.
    parsed
        .pick(answer.into_iter().flatten())
        .map_err(|_| Error::Resolve(host.to_owned()))
}

/// One agent, over a shared driver. Cheap to clone; many calls may run at once.
pub struct Manager<R: Runtime> {
    client: Client<R>,
    agent: Agent,
}

impl<R: Runtime> Clone for Manager<R> {
    fn clone(&self) -> Self {
        Manager {
            client: self.client.clone(),
            agent: self.agent.clone(),
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Manager<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("agent", &self.agent)
            .finish()
    }
}

impl<R: Runtime + Default> Manager<R> {
    /// A builder for a manager of `host` (a name, an IPv4 or IPv6 literal, optionally with a
    /// port; `tcp:` for TCP), with snmpkit's defaults: port 161, community `public`, version
    /// 2c, timeout 5 s, 3 retries.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let m = Manager::builder("192.0.2.1")
    ///     .community("private")
    ///     .timeout(std::time::Duration::from_secs(2))
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(host: &str) -> ManagerBuilder<R> {
        ManagerBuilder::new(Async(R::default()), host)
    }
}

impl<R: Runtime> Manager<R> {
    async fn run<T>(&self, call: Call<T>) -> Result<T, Error> {
        self.client.run(&self.agent, call).await
    }

    async fn run_table(&self, request: Request) -> snmp_manager::RawRows {
        self.client.run_table(&self.agent, request).await
    }

    fn start_walk(&self, request: Result<Request, Error>) -> Walk {
        self.client.start_walk(&self.agent, request)
    }

    fn forget(&self) {
        self.client.forget(&self.agent)
    }

    /// The MIB this manager resolves and describes names with.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let oid: Oid = "1.3.6.1.2.1.2.2.1.8.1".parse()?;
    /// let value = m.get(oid.clone()).await?;
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
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let oid: Oid = "1.3.6.1.2.1.1.5.0".parse()?;
    /// let value = m.get(oid.clone()).await?;
    /// println!("{}", m.format(&oid, &value)); // SNMPv2-MIB::sysName.0 = STRING: router
    /// # Ok(()) }
    /// ```
    pub fn format(&self, oid: &Oid, value: &Value) -> String {
        self.agent.format(oid, value)
    }

    /// The client (engine and sockets) this manager uses; other agents can share it.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // Another agent on the same socket and engine.
    /// let other = Manager::builder("192.0.2.2").client(m.client()).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client<R> {
        &self.client
    }

    /// The SNMP version.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
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
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// println!("talking to {}", m.addr());
    /// # Ok(()) }
    /// ```
    pub fn addr(&self) -> std::net::SocketAddr {
        self.agent.addr()
    }

    /// The local address requests to this agent leave from.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// println!("from {}", m.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> Result<std::net::SocketAddr, Error> {
        self.client.local_addr_of(&self.agent)
    }

    /// The v3 agent's engine (ID, boots, time now) once an authenticated answer confirmed
    /// it; `None` for v1/v2c or before. Save it to skip the discovery next time
    /// ([`seed_v3_engine`](Self::seed_v3_engine)), across restarts too.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) {
    /// if let Some(engine) = m.v3_engine() {
    ///     println!("engine {:02x?}, boots {}", engine.id, engine.boots);
    /// }
    /// # }
    /// ```
    pub fn v3_engine(&self) -> Option<snmp_session::KnownEngine> {
        self.client.engine_of(&self.agent)
    }

    /// Gives the v3 agent the engine a client learned earlier ([`v3_engine`](Self::v3_engine)),
    /// so that the next request skips the discovery. Until an authenticated answer confirms
    /// it, it is used for sending only; a stale one costs what the agent's Report says (a
    /// time resync or a new discovery). `false` (nothing done) for v1/v2c, or when the
    /// client already knows or seeks the engine.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager, saved: snmp_tokio::session::KnownEngine) {
    /// let _seeded = m.seed_v3_engine(&saved);
    /// # }
    /// ```
    pub fn seed_v3_engine(&self, engine: &snmp_session::KnownEngine) -> bool {
        self.client.seed_engine_of(&self.agent, engine)
    }

    /// The client's session counters (datagrams dropped and why, retransmits, timeouts,
    /// discoveries).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) {
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use std::time::Duration;
    /// let quick = m.with_timeout(Duration::from_millis(200)).with_retries(0);
    /// let descr = quick.get("sysDescr.0").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Manager<R> {
        let mut m = self.clone();
        m.agent = m.agent.with_timeout(timeout);
        m
    }

    /// A handle whose calls make `retries` retries after the first attempt (over the
    /// builder's).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let patient = m.with_retries(8);
    /// let uptime = patient.get("sysUpTime.0").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_retries(&self, retries: u32) -> Manager<R> {
        let mut m = self.clone();
        m.agent = m.agent.with_retries(retries);
        m
    }

    /// GET of one OID. Exceptions (noSuchObject, ...) are errors.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = Manager::builder("192.0.2.1").community("public").build().await?;
    /// let descr = m.get("sysDescr.0").await?; // or "1.3.6.1.2.1.1.1.0"
    /// println!("{}", descr.bare());
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, oid: impl IntoOid) -> Result<Value, Error> {
        self.run(self.agent.get(oid)?).await
    }

    /// GET of many OIDs (split over several requests when they do not fit in one). The
    /// first exception is an error; see `get_varbinds` to keep them as values.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let values = m.get_many(["sysName.0", "sysUpTime.0"]).await?;
    /// let uptime = values[1].as_u64();
    /// # Ok(()) }
    /// ```
    pub async fn get_many<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<Value>, Error> {
        self.run(self.agent.get_many(oids)?).await
    }

    /// GET of many OIDs, exceptions kept as values.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// for vb in m.get_varbinds(["sysDescr.0", "ifDescr.99"]).await? {
    ///     // ifDescr.99 may come back as noSuchInstance: a value, not an error.
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_varbinds<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_varbinds(oids)?).await
    }

    /// GET of many OIDs where one missing OID fails only itself, in v1 too (its
    /// noSuchName becomes a noSuchObject value and the other OIDs are asked again).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// for vb in m.get_each(["sysDescr.0", "sysFoo.0", "sysName.0"]).await? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_each<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_each(oids)?).await
    }

    /// GETNEXT: the next OID and its value. endOfMibView is an error.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let (oid, value) = m.get_next("system").await?;
    /// println!("{} = {}", m.name(&oid), value.bare());
    /// # Ok(()) }
    /// ```
    pub async fn get_next(&self, oid: impl IntoOid) -> Result<(Oid, Value), Error> {
        self.run(self.agent.get_next(oid)?).await
    }

    /// GETNEXT of many OIDs in one request, the answer's varbinds as they came
    /// (exceptions such as endOfMibView kept as values), as `snmpgetnext` prints them.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// for vb in m.get_next_varbinds(["sysDescr", "ifDescr"]).await? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_next_varbinds<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.get_next_varbinds(oids)?).await
    }

    /// GETBULK (v2c, v3).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // sysUpTime once, then up to 10 ifDescr cells.
    /// for (oid, value) in m.get_bulk(["sysUpTime", "ifDescr"], 1, 10).await? {
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_bulk<I: IntoOid>(
        &self,
        oids: impl IntoIterator<Item = I>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> Result<Vec<(Oid, Value)>, Error> {
        self.run(self.agent.get_bulk(oids, non_repeaters, max_repetitions)?)
            .await
    }

    /// SET of one OID; returns the value the agent echoed.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// m.set("sysContact.0", "ops@example.net").await?;
    /// m.set("ifAdminStatus.2", 2i32).await?; // down
    /// # Ok(()) }
    /// ```
    pub async fn set(&self, oid: impl IntoOid, value: impl Into<Value>) -> Result<Value, Error> {
        self.run(self.agent.set(oid, value)?).await
    }

    /// SET of several OIDs at once (atomic on the agent).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// m.set_many([("sysName.0", Value::from("core-1")), ("sysLocation.0", Value::from("rack 4"))])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_many<I: IntoOid>(
        &self,
        pairs: impl IntoIterator<Item = (I, Value)>,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.set_many(pairs)?).await
    }

    /// A walk of the subtree under `oid` with GETNEXT (works with v1): `(oid, value)`
    /// items, ending with an error item if the walk failed after some rows. Dropping it
    /// cancels the walk.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let mut walk = m.walk("system");
    /// while let Some(item) = walk.next().await {
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let rows = m.bulk_walk("IF-MIB::ifDescr", 25).collect_all().await?;
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // Over a slow link: 8 stripes at once, repetitions sized to the agent.
    /// let options = WalkOptions::default()
    ///     .with_parallel(8)
    ///     .with_repetitions(Repetitions::adaptive());
    /// let mut walk = m.walk_with_options(".1", Some(25), options);
    /// while let Some(item) = walk.next().await {
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// // ifDescr (2) and ifInOctets (10) of every row.
    /// for row in &m.get_table("ifEntry", Some(&[2, 10]), 25).await? {
    ///     println!("{} {:?}", row.index, row.column(2));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_table(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
    ) -> Result<Table, TableError> {
        self.get_table_with_options(base, columns, bulk_size, WalkOptions::default())
            .await
    }

    /// `get_table` with walk options (adaptive repetitions, the OID check, a result
    /// limit, parallel stripes).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// let rows = m
    ///     .get_table_with_options("ifEntry", Some(&[2, 10]), 25, WalkOptions::default().with_parallel(4))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_table_with_options(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
        options: WalkOptions,
    ) -> Result<Table, TableError> {
        let (request, entry) = self.agent.get_table(base, columns, bulk_size, options)?;
        let raw = self.run_table(request).await;
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// let table = m.table("IF-MIB::ifTable").await?;
    /// for row in &table.rows {
    ///     let descr = row.get("ifDescr").map(|v| v.bare().to_string());
    ///     println!("{} {descr:?}", row.index);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn table(&self, table: impl IntoOid) -> Result<Table, TableError> {
        let (request, entry) = self.agent.table(table)?;
        let rows = self.run_table(request).await;
        self.agent.decode_table(&entry, rows)
    }

    /// An SNMPv2-Trap (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`,
    /// then `varbinds`. Done when sent.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let to = Manager::builder("192.0.2.9").port(162).build().await?;
    /// let ifindex = VarBind::new("1.3.6.1.2.1.2.2.1.1.3".parse()?, Value::Integer(3));
    /// to.send_trap("IF-MIB::linkDown", vec![ifindex], 12_345).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_trap(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<(), Error> {
        self.run(self.agent.send_trap(trap_oid, varbinds, uptime)?)
            .await
    }

    /// An SNMPv1 Trap-PDU (v1).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let trap = TrapV1Pdu {
    ///     enterprise: "1.3.6.1.4.1.8072".parse()?,
    ///     agent_addr: [192, 0, 2, 10],
    ///     generic_trap: GenericTrap::ColdStart,
    ///     specific_trap: 0,
    ///     time_stamp: 100,
    ///     varbinds: vec![],
    /// };
    /// m.send_trap_v1(trap).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_trap_v1(&self, trap: TrapV1Pdu) -> Result<(), Error> {
        self.run(self.agent.send_trap_v1(trap)).await
    }

    /// An InformRequest (v2c, v3); returns once the receiver acknowledged it, with the
    /// varbinds of the acknowledgement.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let to = Manager::builder("192.0.2.9").port(162).build().await?;
    /// to.send_inform("linkDown", vec![], 12_345).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_inform(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<Vec<VarBind>, Error> {
        self.run(self.agent.send_inform(trap_oid, varbinds, uptime)?)
            .await
    }

    /// `Client::poll_many` on this manager's client (its sockets and engine): GETs
    /// `oids` from every target, at most `concurrency` at a time, one `PollResult` per
    /// (target, OID) in completion order.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let targets = ["192.0.2.1", "192.0.2.2:1161"]
    ///     .iter()
    ///     .map(|h| PollTarget::v2c_host(h, "public"))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let results = m.poll_many(targets, vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
    /// let results = results.collect::<Vec<_>>().await;
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
    /// # use snmp_tokio::*;
    /// # async fn f(m: snmp_tokio::Manager, targets: Vec<snmp_tokio::PollTarget>) -> Result<(), snmp_tokio::Error> {
    /// let results = m.poll_names(targets, ["sysUpTime.0", "ifNumber.0"], 100)?;
    /// let results = results.collect::<Vec<_>>().await;
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
    /// # use snmp_tokio::*;
    /// # fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// m.close(); // the client forgets the agent
    /// # Ok(()) }
    /// ```
    pub fn close(self) {
        self.forget();
    }
}

/// The stream of a walk: `(oid, value)` items in order; an `Err` item ends it early (after the
/// items received before the failure). Dropping it cancels the walk.
pub struct Walk {
    live: Option<(Held, OpId)>,
    buffer: WalkBuffer,
}

impl std::fmt::Debug for Walk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("buffered", &self.buffer.buffered())
            .finish_non_exhaustive()
    }
}

impl Stream for Walk {
    type Item = Result<(Oid, Value), Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match this.buffer.next_item() {
                WalkNext::Item(item) => return Poll::Ready(Some(item)),
                WalkNext::End => return Poll::Ready(None),
                WalkNext::Fetch => {
                    let Some((held, op)) = this.live.as_ref() else {
                        return Poll::Ready(None);
                    };
                    let step = held.0.walk_step(*op, cx.waker());
                    if step == snmp_manager::WalkStep::Pending {
                        return Poll::Pending;
                    }
                    if this.buffer.push(step) {
                        this.live = None;
                    }
                }
            }
        }
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        if let Some((held, op)) = self.live.take() {
            held.0.cancel(op);
        }
    }
}

impl Walk {
    /// Collects the whole walk; on failure, the error with the items received before it
    /// ([`WalkError`]: `?` makes it the [`Error`], `partial` keeps what came before).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").build().await?;
    /// match m.bulk_walk("ifTable", 25).collect_all().await {
    ///     Ok(all) => println!("{} varbinds", all.len()),
    ///     Err(e) => println!("{} after {} varbinds", e.error, e.partial.len()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn collect_all(mut self) -> Result<Vec<(Oid, Value)>, WalkError> {
        use futures_util::StreamExt;
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
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
}
