//! The async Manager: the runtime-free manager core's calls, each awaited.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_channel::oneshot;
use futures_core::Stream;
use snmp_manager::settings::Settings;
use snmp_manager::{Agent, Call, ClientId, Error, Oid, Value, WalkBuffer, WalkError, WalkNext};
use snmp_session::{OpId, Request, SessionConfig, TargetConfig};

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
            agent: self.__add_target(config)?,
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

    // What a face's Manager is made of (the generic `Manager` below and the concrete ones
    // `face!` writes in snmp-tokio and snmp-smol): each call of the manager core, for one
    // agent of this client. Not part of the API.

    #[doc(hidden)]
    pub fn __add_target(&self, config: TargetConfig) -> Result<Agent, Error> {
        let agent_config = config.clone();
        let target = self.shared.lock().add_target(config)?;
        Ok(Agent::new(target, &agent_config))
    }

    #[doc(hidden)]
    pub async fn __build(
        rt: R,
        client: Option<Client<R>>,
        session: SessionConfig,
        mut s: Settings,
    ) -> Result<(Client<R>, Agent), Error> {
        s.check()?;
        let addr = resolve_async(s.host(), s.default_port()).await?;
        let cfg = s.config_for(addr)?;
        let client = match client {
            Some(c) => c,
            None => Client::new(rt, session)?,
        };
        let mut agent = client.__add_target(cfg)?;
        if let Some(mib) = s.take_mib() {
            agent = agent.with_mib(mib);
        }
        Ok((client, agent))
    }

    #[doc(hidden)]
    pub async fn __run<T>(&self, agent: &Agent, call: Call<T>) -> Result<T, Error> {
        let (request, finish) = call.into_parts();
        let outcome = Wait::<R, AllAtOnce>::new(&self.shared, agent, request).await;
        finish.apply(agent, outcome)
    }

    #[doc(hidden)]
    pub async fn __run_table(&self, agent: &Agent, request: Request) -> snmp_manager::RawRows {
        Wait::<R, Rows>::new(&self.shared, agent, request).await
    }

    #[doc(hidden)]
    pub fn __start_walk(&self, agent: &Agent, request: Result<Request, Error>) -> Walk {
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

    #[doc(hidden)]
    pub fn __local_addr(&self, agent: &Agent) -> Result<std::net::SocketAddr, Error> {
        Ok(self.shared.lock().local_addr(agent.addr())?)
    }

    #[doc(hidden)]
    pub fn __forget(&self, agent: &Agent) {
        self.shared.lock().session.remove_target(agent.target());
    }

    #[doc(hidden)]
    pub fn __engine(&self, agent: &Agent) -> Option<snmp_session::KnownEngine> {
        let core = self.shared.lock();
        let now = core.now();
        core.session.engine(agent.target(), now)
    }

    #[doc(hidden)]
    pub fn __seed_engine(&self, agent: &Agent, engine: &snmp_session::KnownEngine) -> bool {
        let mut core = self.shared.lock();
        let now = core.now();
        core.session.seed_engine(agent.target(), engine, now)
    }
}

/// Builds a [`Manager`]: snmpkit's parameters and defaults (port 161, community `public`,
/// version 2c, timeout 5 s, 3 retries), the same setters as the blocking builder.
pub struct ManagerBuilder<R: Runtime> {
    rt: R,
    client: Option<Client<R>>,
    session: SessionConfig,
    s: Settings,
}

impl<R: Runtime> std::fmt::Debug for ManagerBuilder<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagerBuilder")
            .field("settings", &self.s)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> ManagerBuilder<R> {
    snmp_manager::builder_setters!(
        "snmp_tokio",
        "async fn f() -> Result<(), snmp_tokio::Error> {",
        ".build().await?"
    );

    /// A builder on the runtime `rt` (for a runtime without a `Default`, such as the test
    /// kit's in-memory one; otherwise `Manager::builder(host)`).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// // The runtime value given, not its Default (the test kit's in-memory one has none).
    /// let b = snmp_tokio::ManagerBuilder::with_runtime(snmp_tokio::Tokio, "192.0.2.1");
    /// let m = b.build().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_runtime(rt: R, host: &str) -> Self {
        ManagerBuilder {
            rt,
            client: None,
            session: SessionConfig::default(),
            s: Settings::new(host),
        }
    }

    /// The session configuration of the manager's own client (ignored with
    /// [`ManagerBuilder::client`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let mut config = snmp_tokio::SessionConfig::default();
    /// config.max_oids_per_request = 10;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").session_config(config).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn session_config(mut self, config: SessionConfig) -> Self {
        self.session = config;
        self
    }

    /// Share an existing client (its socket and driver) instead of starting a new one.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// // Two agents over one socket and driver.
    /// let client = snmp_tokio::Client::with_defaults()?;
    /// let a = snmp_tokio::Manager::builder("192.0.2.1").client(&client).build().await?;
    /// let b = snmp_tokio::Manager::builder("192.0.2.2").client(&client).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn client(mut self, client: &Client<R>) -> Self {
        self.client = Some(client.clone());
        self
    }

    /// Resolves the host (a name on a helper thread, so the runtime's threads never block on
    /// DNS), derives v3 keys, starts (or joins) the driver.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").community("public").build().await?;
    /// println!("{}", m.get("sysDescr.0").await?.bare());
    /// # Ok(()) }
    /// ```
    pub async fn build(self) -> Result<Manager<R>, Error> {
        let (client, agent) = Client::__build(self.rt, self.client, self.session, self.s).await?;
        Ok(Manager { client, agent })
    }
}

/// As [`resolve`](crate::resolve), without blocking the caller's thread: an address literal
/// at once, a name on a helper thread (the standard library's resolver blocks).
///
/// ```no_run
/// # async fn f() -> Result<(), snmp_tokio::Error> {
/// let addr = snmp_tokio::resolve_async("localhost:1161", 161).await?;
/// # Ok(()) }
/// ```
pub async fn resolve_async(host: &str, port: u16) -> Result<std::net::SocketAddr, Error> {
    if let Some(addr) = snmp_manager::literal(host, port) {
        return Ok(addr);
    }
    let (tx, rx) = oneshot::channel();
    let owned = host.to_owned();
    std::thread::Builder::new()
        .name("snmp-resolve".into())
        .spawn(move || {
            let _ = tx.send(snmp_manager::resolve(&owned, port));
        })
        .map_err(Error::from)?;
    rx.await.map_err(|_| Error::Resolve(host.to_owned()))?
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

impl<R: Runtime> Manager<R> {
    async fn run<T>(&self, call: Call<T>) -> Result<T, Error> {
        self.client.__run(&self.agent, call).await
    }

    async fn run_table(&self, request: Request) -> snmp_manager::RawRows {
        self.client.__run_table(&self.agent, request).await
    }

    fn start_walk(&self, request: Result<Request, Error>) -> Walk {
        self.client.__start_walk(&self.agent, request)
    }

    fn local_addr_of(&self) -> Result<std::net::SocketAddr, Error> {
        self.client.__local_addr(&self.agent)
    }

    fn forget(&self) {
        self.client.__forget(&self.agent)
    }

    fn engine_of(&self) -> Option<snmp_session::KnownEngine> {
        self.client.__engine(&self.agent)
    }

    fn seed_engine_of(&self, engine: &snmp_session::KnownEngine) -> bool {
        self.client.__seed_engine(&self.agent, engine)
    }

    #[doc(hidden)]
    pub fn __from_parts(client: Client<R>, agent: Agent) -> Self {
        Manager { client, agent }
    }

    #[doc(hidden)]
    pub fn __into_parts(self) -> (Client<R>, Agent) {
        (self.client, self.agent)
    }
}

impl<R: Runtime> Manager<R> {
    snmp_manager::manager_methods!(
        async: (async),
        await: (.await),
        aw: ".await",
        krate: "snmp_tokio",
        sig: "# async fn f",
        walk_loop: "while let Some(item) = walk.next().await",
        collect: ".collect::<Vec<_>>().await",
        prelude: "use snmp_tokio::StreamExt;",
        client: Client<R>,
        manager: Manager<R>,
    );
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
