//! The blocking Manager: the async Manager's API, synchronous.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use snmp_async::settings::Settings;
use snmp_async::{
    AesKeyExtension, AuthProtocol, CallOptions, Error, IntoOid, Mib, Oid, PollTarget, PrivProtocol,
    Request, SecurityLevel, SessionConfig, Table, TableError, TableRow, TargetConfig, TrapV1Pdu,
    UsmUser, Value, VarBind, Version, WalkOptions,
};
use snmp_session::{OpId, TargetId};

use crate::engine::{all_varbinds, result_of, Engine};
use crate::poll::{PollMany, Poller};

/// Builds a [`Manager`]: the async builder's parameters and defaults (port 161, community
/// `public`, version 2c, timeout 5 s, 3 retries).
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// use snmp_blocking::{AuthProtocol, Manager, PrivProtocol};
/// let m = Manager::builder("192.0.2.1")
///     .user("bert")
///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ManagerBuilder {
    s: Settings,
    session: SessionConfig,
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*)) => {
        $(#[$doc])*
        pub fn $name(mut self, $($arg: $ty),*) -> Self {
            self.s = self.s.$name($($arg),*);
            self
        }
    };
}

impl ManagerBuilder {
    setter!(
        /// The MIB names are resolved and described with (default: the embedded standard
        /// set, [`Mib::standard`]).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").mib(snmp_blocking::Mib::standard()).build()?;
        /// # Ok(()) }
        /// ```
        mib(mib: Mib)
    );
    setter!(
        /// The UDP port (default 161). A port in the host (`host:port`, `[v6]:port`) wins.
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").port(1161).build()?;
        /// # Ok(()) }
        /// ```
        port(port: u16)
    );
    /// The community for v1/v2c (default `public`).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").community("s3cret").build()?;
    /// # Ok(()) }
    /// ```
    pub fn community(mut self, community: impl AsRef<[u8]>) -> Self {
        self.s = self.s.community(community);
        self
    }
    setter!(
        /// The SNMP version (default v2c; v3 is implied by [`ManagerBuilder::user`]).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// use snmp_blocking::Version;
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").version(Version::V1).build()?;
        /// # Ok(()) }
        /// ```
        version(version: Version)
    );
    setter!(
        /// The time to wait for each attempt (default 5 s).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// use std::time::Duration;
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").timeout(Duration::from_secs(1)).build()?;
        /// # Ok(()) }
        /// ```
        timeout(timeout: Duration)
    );
    setter!(
        /// Retries after the first attempt (default 3).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").retries(5).build()?;
        /// # Ok(()) }
        /// ```
        retries(retries: u32)
    );
    /// The v3 user name (switches to v3).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::AuthProtocol;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").user("bert").auth(AuthProtocol::Sha256, "auth-pass-phrase").build()?;
    /// # Ok(()) }
    /// ```
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.s = self.s.user(user);
        self
    }
    setter!(
        /// A v3 user built beforehand (its keys derived once and shared between managers).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// use snmp_blocking::{AuthProtocol, UsmUser};
        /// let user = UsmUser::new("bert")
        ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
        ///     .map_err(snmp_blocking::Error::Credentials)?;
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").usm_user(user).build()?;
        /// # Ok(()) }
        /// ```
        usm_user(user: UsmUser)
    );
    /// v3 authentication.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::AuthProtocol;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth("SHA".parse::<AuthProtocol>().unwrap(), "auth-pass-phrase")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn auth(mut self, protocol: AuthProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s = self.s.auth(protocol, password);
        self
    }
    /// v3 privacy.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{AuthProtocol, PrivProtocol};
    /// let m = snmp_blocking::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn privacy(mut self, protocol: PrivProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s = self.s.privacy(protocol, password);
        self
    }
    setter!(
        /// The v3 security level (default: the highest the credentials allow).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// use snmp_blocking::{AuthProtocol, SecurityLevel};
        /// let m = snmp_blocking::Manager::builder("192.0.2.1")
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .security_level(SecurityLevel::AuthNoPriv)
        ///     .build()?;
        /// # Ok(()) }
        /// ```
        security_level(level: SecurityLevel)
    );
    /// The v3 context name (default empty).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::AuthProtocol;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_name("bridge1")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn context_name(mut self, name: impl AsRef<[u8]>) -> Self {
        self.s = self.s.context_name(name);
        self
    }
    /// The v3 contextEngineID (default: the agent's own, found by discovery; Net-SNMP's
    /// `-E`).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::AuthProtocol;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_engine_id([0x80, 0x00, 0x00, 0x02, 0x01, 0x09, 0x84, 0x03, 0x01])
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn context_engine_id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.s = self.s.context_engine_id(id);
        self
    }
    setter!(
        /// Which AES-192/256 key extension the agent uses ([`AesKeyExtension::Auto`] finds out).
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// use snmp_blocking::{AesKeyExtension, AuthProtocol, PrivProtocol};
        /// let m = snmp_blocking::Manager::builder("192.0.2.1")
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .privacy(PrivProtocol::Aes256Blumenthal, "priv-pass-phrase")
        ///     .aes_key_extension(AesKeyExtension::Auto)
        ///     .build()?;
        /// # Ok(()) }
        /// ```
        aes_key_extension(mode: AesKeyExtension)
    );
    setter!(
        /// Accept answers from another address of the agent (for v3 only authenticated
        /// ones). The socket is then not connected to the agent.
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").accept_any_source(true).build()?;
        /// # Ok(()) }
        /// ```
        accept_any_source(yes: bool)
    );
    setter!(
        /// Requests of one call in flight at once (default 1): the chunks of a `get_many` of
        /// more OIDs than fit in one request are then pipelined.
        ///
        /// ```no_run
        /// # fn f() -> Result<(), snmp_blocking::Error> {
        /// let m = snmp_blocking::Manager::builder("192.0.2.1").max_in_flight(4).build()?;
        /// # Ok(()) }
        /// ```
        max_in_flight(n: u16)
    );

    /// The session settings (message size, OIDs per request, ...; default
    /// [`SessionConfig::default`]).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let mut config = snmp_blocking::SessionConfig::default();
    /// config.max_oids_per_request = 20;
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").session_config(config).build()?;
    /// # Ok(()) }
    /// ```
    pub fn session_config(mut self, config: SessionConfig) -> Self {
        self.session = config;
        self
    }

    /// The target configuration this builder describes (resolving the host). Settings that
    /// contradict each other are an [`Error::Config`].
    ///
    /// ```
    /// use snmp_blocking::{AuthProtocol, Error, Manager};
    /// let v2c = Manager::builder("127.0.0.1").auth(AuthProtocol::Sha1, "auth-pass-phrase");
    /// assert!(matches!(v2c.target_config(), Err(Error::Config(_))));
    /// let good = Manager::builder("127.0.0.1:1161").target_config().unwrap();
    /// assert_eq!(good.addr.port(), 1161);
    /// ```
    pub fn target_config(&self) -> Result<TargetConfig, Error> {
        self.s.target_config()
    }

    /// Checks the settings, resolves the host (blocking while a name is looked up), derives
    /// v3 keys and opens a socket connected to the agent (unconnected with
    /// [`ManagerBuilder::accept_any_source`]). Nothing is sent yet: a v3 manager discovers
    /// the agent's engine with its first call.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = snmp_blocking::Manager::builder("192.0.2.1").community("public").build()?;
    /// println!("{}", m.get("sysDescr.0")?.bare());
    /// # Ok(()) }
    /// ```
    pub fn build(mut self) -> Result<Manager, Error> {
        let cfg = self.s.target_config()?;
        let addr = cfg.addr;
        let version = cfg.version();
        let mut engine = if self.s.accepts_any_source() {
            Engine::open(self.session)?
        } else {
            Engine::connected(self.session, addr)?
        };
        let target = engine.add_target(cfg)?;
        Ok(Manager {
            engine: Arc::new(Mutex::new(engine)),
            target,
            version,
            addr,
            mib: self.s.take_mib().unwrap_or_else(Mib::standard),
            call: CallOptions::default(),
            poller: Arc::new(Mutex::new(None)),
        })
    }
}

/// One agent, on the calling thread: every call sends, waits and returns; walks are
/// [`Iterator`]s. Clones (and [`Manager::with_timeout`] handles) share the socket and
/// session; calls from several threads take turns.
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// let m = snmp_blocking::Manager::builder("192.0.2.1").build()?;
/// println!("{}", m.get("sysDescr.0")?.bare());
/// for item in m.bulk_walk("IF-MIB::ifDescr", 25) {
///     let (oid, value) = item?;
///     println!("{} = {}", m.name(&oid), value.bare());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Manager {
    engine: Arc<Mutex<Engine>>,
    target: TargetId,
    version: Version,
    addr: SocketAddr,
    mib: Mib,
    call: CallOptions,
    /// The engine of [`Manager::poll_many`], made on its first use and kept (with its
    /// targets' engine state).
    poller: Arc<Mutex<Option<Poller>>>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("addr", &self.addr)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

fn oids<I: IntoOid>(mib: &Mib, oids: impl IntoIterator<Item = I>) -> Result<Vec<Oid>, Error> {
    oids.into_iter().map(|o| o.into_oid(mib)).collect()
}

/// A lock that a panic elsewhere does not poison for good (the engine's state stays
/// consistent between calls).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Manager {
    /// A builder for `host` (`"10.0.0.1"`, `"10.0.0.1:1161"`, `"[::1]:161"`, a name).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let m = snmp_blocking::Manager::builder("192.0.2.1:1161").community("public").build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(host: &str) -> ManagerBuilder {
        ManagerBuilder {
            s: Settings::new(host),
            session: SessionConfig::default(),
        }
    }

    /// The MIB this manager resolves and describes names with.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// assert!(m.mib().node("ifDescr").is_some());
    /// # }
    /// ```
    pub fn mib(&self) -> &Mib {
        &self.mib
    }

    /// Object, module, index and the value formatted by the MIB, for showing a varbind to
    /// people.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: snmp_blocking::Oid = "1.3.6.1.2.1.2.2.1.8.1".parse()?;
    /// let d = m.describe(&oid, &m.get(oid.clone())?);
    /// println!("{} {} = {}", d.object, d.index, d.value); // ifOperStatus 1 = up
    /// # Ok(()) }
    /// ```
    pub fn describe(&self, oid: &Oid, value: &Value) -> snmp_async::Description {
        snmp_async::Format::default().describe(&self.mib, oid, value)
    }

    /// An OID as `snmpwalk` names it with MIBs (`IF-MIB::ifDescr.1`).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: snmp_blocking::Oid = "1.3.6.1.2.1.2.2.1.2.1".parse()?;
    /// assert_eq!(m.name(&oid), "IF-MIB::ifDescr.1");
    /// # Ok(()) }
    /// ```
    pub fn name(&self, oid: &Oid) -> String {
        snmp_async::Format::default().oid(&self.mib, oid)
    }

    /// A varbind as `snmpwalk` prints it with MIBs.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let oid: snmp_blocking::Oid = "1.3.6.1.2.1.1.5.0".parse()?;
    /// println!("{}", m.format(&oid, &m.get(oid.clone())?)); // SNMPv2-MIB::sysName.0 = STRING: router
    /// # Ok(()) }
    /// ```
    pub fn format(&self, oid: &Oid, value: &Value) -> String {
        snmp_async::Format::default().varbind(&self.mib, oid, value)
    }

    /// The SNMP version.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// println!("{:?}", m.version());
    /// # }
    /// ```
    pub fn version(&self) -> Version {
        self.version
    }

    /// The agent's address.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// println!("talking to {}", m.addr());
    /// # }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The local address of the manager's socket.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// println!("from {}", m.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        Ok(lock(&self.engine).local_addr(self.addr)?)
    }

    /// The session's counters (requests, retransmits, timeouts, drops by reason).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// println!("{:?}", m.counters());
    /// # }
    /// ```
    pub fn counters(&self) -> snmp_session::Counters {
        lock(&self.engine).session().counters()
    }

    /// A handle to the same agent whose calls wait `timeout` per attempt, sharing this one's
    /// socket and session.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use std::time::Duration;
    /// let quick = m.with_timeout(Duration::from_millis(200)).with_retries(0);
    /// let descr = quick.get("sysDescr.0")?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Manager {
        let mut m = self.clone();
        m.call = m.call.with_timeout(timeout);
        m
    }

    /// A handle whose calls make `retries` retries after the first attempt.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let patient = m.with_retries(10);
    /// let descr = patient.get("sysDescr.0")?;
    /// # Ok(()) }
    /// ```
    pub fn with_retries(&self, retries: u32) -> Manager {
        let mut m = self.clone();
        m.call = m.call.with_retries(retries);
        m
    }

    fn error(&self, error: snmp_session::Error) -> Error {
        Error::operation_failed(self.addr, error)
    }

    fn value_of(&self, vb: VarBind) -> Result<Value, Error> {
        vb.into_value().map_err(|e| self.error(e.into()))
    }

    fn only(&self, vbs: Vec<VarBind>) -> Result<VarBind, Error> {
        vbs.into_iter()
            .next()
            .ok_or_else(|| self.error(snmp_session::Error::MalformedResponse("empty answer")))
    }

    fn start(&self, engine: &mut Engine, request: Request) -> Result<OpId, Error> {
        engine
            .start(self.target, request, self.call)
            .map_err(|error| Error::Start {
                target: self.addr,
                error,
            })
    }

    /// Runs `request` to its end: every varbind it produced.
    fn varbinds(&self, request: Request) -> Result<Vec<VarBind>, Error> {
        let mut engine = lock(&self.engine);
        let op = self.start(&mut engine, request)?;
        let ran = engine.run_until(op, |_| false);
        let stash = engine.forget(op);
        drop(engine);
        ran?;
        let stash = stash.ok_or(Error::Closed)?;
        let done = stash.done.clone();
        result_of(self.addr, done)?;
        Ok(all_varbinds(stash))
    }

    /// GET of one OID (a name or dotted text, resolved through the manager's MIB, or an
    /// [`Oid`]). An exception (noSuchObject, ...) is an error.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let descr = m.get("sysDescr.0")?; // or "1.3.6.1.2.1.1.1.0"
    /// println!("{}", descr.bare());
    /// # Ok(()) }
    /// ```
    pub fn get(&self, oid: impl IntoOid) -> Result<Value, Error> {
        let oid = oid.into_oid(&self.mib)?;
        let vbs = self.varbinds(Request::Get(vec![oid]))?;
        self.value_of(self.only(vbs)?)
    }

    /// GET of many OIDs (split over several requests when they do not fit in one). The
    /// first exception is an error; see [`Manager::get_varbinds`] to keep them as values.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let values = m.get_many(["sysName.0", "sysUpTime.0"])?;
    /// let uptime = values[1].as_u64();
    /// # Ok(()) }
    /// ```
    pub fn get_many<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<Value>, Error> {
        let vbs = self.get_varbinds(oids_in)?;
        vbs.into_iter().map(|vb| self.value_of(vb)).collect()
    }

    /// GET of many OIDs, exceptions kept as values.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_varbinds(["sysDescr.0", "ifDescr.99"])? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::Get(oids(&self.mib, oids_in)?))
    }

    /// GET of many OIDs where one missing OID fails only itself, in v1 too.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_each(["sysDescr.0", "sysFoo.0", "sysName.0"])? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_each<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::GetEach(oids(&self.mib, oids_in)?))
    }

    /// GETNEXT: the next OID and its value. endOfMibView is an error.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let (oid, value) = m.get_next("system")?;
    /// println!("{} = {}", m.name(&oid), value.bare());
    /// # Ok(()) }
    /// ```
    pub fn get_next(&self, oid: impl IntoOid) -> Result<(Oid, Value), Error> {
        let oid = oid.into_oid(&self.mib)?;
        let vb = self.only(self.varbinds(Request::GetNext(vec![oid]))?)?;
        let o = vb.oid.clone();
        Ok((o, self.value_of(vb)?))
    }

    /// GETNEXT of many OIDs in one request, exceptions kept as values.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for vb in m.get_next_varbinds(["sysDescr", "ifDescr"])? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_next_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::GetNext(oids(&self.mib, oids_in)?))
    }

    /// GETBULK (v2c, v3).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for (oid, value) in m.get_bulk(["sysUpTime", "ifDescr"], 1, 10)? {
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_bulk<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> Result<Vec<(Oid, Value)>, Error> {
        let op = Request::GetBulk {
            oids: oids(&self.mib, oids_in)?,
            non_repeaters,
            max_repetitions,
        };
        let vbs = self.varbinds(op)?;
        Ok(vbs.into_iter().map(|vb| (vb.oid, vb.value)).collect())
    }

    /// SET of one OID; returns the value the agent echoed.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// m.set("sysContact.0", "ops@example.net")?;
    /// m.set("ifAdminStatus.2", 2i32)?; // down
    /// # Ok(()) }
    /// ```
    pub fn set(&self, oid: impl IntoOid, value: impl Into<Value>) -> Result<Value, Error> {
        let vb = VarBind::new(oid.into_oid(&self.mib)?, value.into());
        Ok(self.only(self.varbinds(Request::Set(vec![vb]))?)?.value)
    }

    /// SET of several OIDs at once (atomic on the agent).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::Value;
    /// m.set_many([("sysName.0", Value::from("core-1")), ("sysLocation.0", Value::from("rack 4"))])?;
    /// # Ok(()) }
    /// ```
    pub fn set_many<I: IntoOid>(
        &self,
        pairs: impl IntoIterator<Item = (I, Value)>,
    ) -> Result<Vec<VarBind>, Error> {
        let vbs = pairs
            .into_iter()
            .map(|(o, v)| Ok(VarBind::new(o.into_oid(&self.mib)?, v)))
            .collect::<Result<Vec<_>, Error>>()?;
        self.varbinds(Request::Set(vbs))
    }

    fn walk_with(&self, root: Result<Oid, Error>, bulk: Option<u32>, options: WalkOptions) -> Walk {
        let started = root.and_then(|root| {
            let mut engine = lock(&self.engine);
            self.start(
                &mut engine,
                Request::Walk {
                    root,
                    max_repetitions: bulk,
                    options,
                },
            )
        });
        match started {
            Ok(op) => Walk {
                live: Some((self.engine.clone(), op)),
                addr: self.addr,
                buffered: Default::default(),
                error: None,
            },
            Err(e) => Walk {
                live: None,
                addr: self.addr,
                buffered: Default::default(),
                error: Some(e),
            },
        }
    }

    /// A walk of the subtree under `oid` with GETNEXT (works with v1): an iterator of
    /// `(oid, value)`, ending with an error item if the walk failed after some rows.
    /// Dropping it cancels the walk.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// for item in m.walk("system") {
    ///     let (oid, value) = item?;
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn walk(&self, oid: impl IntoOid) -> Walk {
        self.walk_with(oid.into_oid(&self.mib), None, WalkOptions::default())
    }

    /// A walk with GETBULK of `bulk_size` repetitions (v2c, v3).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// let n = m.bulk_walk("IF-MIB::ifDescr", 25).count();
    /// println!("{n} interfaces");
    /// # Ok(()) }
    /// ```
    pub fn bulk_walk(&self, oid: impl IntoOid, bulk_size: u32) -> Walk {
        self.walk_with(
            oid.into_oid(&self.mib),
            Some(bulk_size),
            WalkOptions::default(),
        )
    }

    /// A walk with options (non-increasing OIDs allowed, a result limit, adaptive
    /// repetitions, parallel stripes); `bulk_size` `None` walks with GETNEXT.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Repetitions, WalkOptions};
    /// let options = WalkOptions::default().with_parallel(8).with_repetitions(Repetitions::adaptive());
    /// for item in m.walk_with_options(".1", Some(25), options) {
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
        self.walk_with(oid.into_oid(&self.mib), bulk_size, options)
    }

    /// A table: `base` is the entry OID (ifEntry, `1.3.6.1.2.1.2.2.1`); each row has its
    /// index and a map from column number to value. With `columns`, only those columns are
    /// fetched. `bulk_size` is the GETBULK size (v1 uses GETNEXT).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// for row in m.get_table("ifEntry", Some(&[2, 10]), 25)? {
    ///     println!("{} {:?}", row.index, row.column(2));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_table(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
    ) -> Result<Vec<TableRow>, TableError> {
        self.get_table_with_options(base, columns, bulk_size, WalkOptions::default())
    }

    /// [`Manager::get_table`] with walk options.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// use snmp_blocking::WalkOptions;
    /// let rows = m.get_table_with_options("ifEntry", Some(&[2, 10]), 25, WalkOptions::default().with_parallel(4))?;
    /// # Ok(()) }
    /// ```
    pub fn get_table_with_options(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
        options: WalkOptions,
    ) -> Result<Vec<TableRow>, TableError> {
        let fail = |error| TableError {
            error,
            rows: Vec::new(),
        };
        let entry = base.into_oid(&self.mib).map_err(fail)?;
        let request = Request::Table {
            entry,
            columns: columns.map(<[u32]>::to_vec),
            max_repetitions: bulk_size,
            options,
        };
        let mut engine = lock(&self.engine);
        let op = self.start(&mut engine, request).map_err(fail)?;
        let ran = engine.run_until(op, |_| false);
        let stash = engine.forget(op);
        drop(engine);
        let Some(stash) = stash else {
            return Err(fail(Error::Closed));
        };
        let error = match ran {
            Err(e) => Some(e),
            Ok(()) => result_of(self.addr, stash.done).err(),
        };
        match error {
            None => Ok(stash.rows),
            Some(error) => Err(TableError {
                error,
                rows: stash.rows,
            }),
        }
    }

    /// A table by name with typed indexes and named columns (`"IF-MIB::ifTable"`,
    /// `"ipNetToPhysicalEntry"`, an OID). GETBULK of 25 (GETNEXT for v1).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::TableError> {
    /// let table = m.table("IF-MIB::ifTable")?;
    /// for row in &table.rows {
    ///     let descr = row.get("ifDescr").map(|v| v.bare().to_string());
    ///     println!("{} {descr:?}", row.index);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn table(&self, table: impl IntoOid) -> Result<Table, TableError> {
        let oid = table.into_oid(&self.mib).map_err(|error| TableError {
            error,
            rows: Vec::new(),
        })?;
        let entry = Table::entry_of(&self.mib, &oid);
        let rows = self.get_table(entry.clone(), None, 25)?;
        Ok(Table::decode(&self.mib, &entry, rows))
    }

    /// An SNMPv2-Trap (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`, then
    /// `varbinds`. Returns once sent.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{Value, VarBind};
    /// let to = snmp_blocking::Manager::builder("192.0.2.9").port(162).build()?;
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
        let op = Request::Trap {
            trap_oid: trap_oid.into_oid(&self.mib)?,
            uptime,
            varbinds,
        };
        self.varbinds(op).map(|_| ())
    }

    /// An SNMPv1 Trap-PDU (v1).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::{GenericTrap, TrapV1Pdu};
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
        self.varbinds(Request::TrapV1(trap)).map(|_| ())
    }

    /// An InformRequest (v2c, v3); returns once the receiver acknowledged it, with the
    /// acknowledgement's varbinds.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_blocking::Error> {
    /// let to = snmp_blocking::Manager::builder("192.0.2.9").port(162).build()?;
    /// to.send_inform("linkDown", vec![], 12_345)?;
    /// # Ok(()) }
    /// ```
    pub fn send_inform(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<Vec<VarBind>, Error> {
        let op = Request::Inform {
            trap_oid: trap_oid.into_oid(&self.mib)?,
            uptime,
            varbinds,
        };
        self.varbinds(op)
    }

    /// GETs `oids` from every target, at most `concurrency` at a time, over one socket on
    /// the calling thread: an iterator of one [`PollResult`](crate::PollResult) per
    /// (target, OID), in completion order. The poller (its socket and the targets' engine
    /// state) is kept by this manager: the same [`PollTarget`]s polled again do no second
    /// v3 discovery. See [`Poller`] to keep one yourself.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) -> Result<(), snmp_blocking::Error> {
    /// use snmp_blocking::PollTarget;
    /// let targets = ["192.0.2.1", "192.0.2.2:1161"]
    ///     .iter()
    ///     .map(|h| PollTarget::v2c_host(h, "public"))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// for r in m.poll_many(&targets, ["sysUpTime.0"], 100)? {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_many<I: IntoOid>(
        &self,
        targets: &[PollTarget],
        oids_in: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<PollMany<'static>, Error> {
        let oids = oids(&self.mib, oids_in)?;
        let mut slot = lock(&self.poller);
        if slot.is_none() {
            *slot = Some(Poller::new()?);
        }
        let poller = slot.take().ok_or(Error::Closed)?;
        Ok(PollMany::start(
            poller,
            Some(self.poller.clone()),
            targets,
            oids,
            concurrency,
        ))
    }

    /// Forgets this target in the session (its clones stop working: their calls fail with
    /// [`Error::Start`]).
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// m.close();
    /// # }
    /// ```
    pub fn close(self) {
        lock(&self.engine).remove_target(self.target);
    }
}

/// The iterator of a walk: `(oid, value)` items in order; an `Err` item ends it early (after
/// the items received before the failure). Each `next` that has nothing buffered runs the
/// conversation until the next answer. Dropping it cancels the walk in the session.
pub struct Walk {
    /// The engine and the walk's operation, while it runs.
    live: Option<(Arc<Mutex<Engine>>, OpId)>,
    addr: SocketAddr,
    buffered: std::collections::VecDeque<VarBind>,
    error: Option<Error>,
}

impl std::fmt::Debug for Walk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("addr", &self.addr)
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

impl Walk {
    /// Collects the whole walk; on failure, the error with the items received before it.
    ///
    /// ```no_run
    /// # fn f(m: snmp_blocking::Manager) {
    /// match m.bulk_walk("ifTable", 25).collect_all() {
    ///     Ok(all) => println!("{} varbinds", all.len()),
    ///     Err((e, partial)) => println!("{e} after {} varbinds", partial.len()),
    /// }
    /// # }
    /// ```
    #[allow(clippy::type_complexity)] // the same shape as the async Walk's
    pub fn collect_all(self) -> Result<Vec<(Oid, Value)>, (Error, Vec<(Oid, Value)>)> {
        let mut out = Vec::new();
        for item in self {
            match item {
                Ok(x) => out.push(x),
                Err(e) => return Err((e, out)),
            }
        }
        Ok(out)
    }

    /// Takes the next batch (or the end) from the session, running it as long as needed.
    fn fill(&mut self) {
        let Some((engine, op)) = self.live.as_ref() else {
            return;
        };
        let op = *op;
        let mut engine = lock(engine);
        let ran = engine.run_until(op, |s| !s.batches.is_empty());
        let mut end = None;
        match (ran, engine.stash(op)) {
            (Err(e), _) => end = Some(Err(e)),
            (Ok(()), Some(stash)) => {
                if let Some(batch) = stash.batches.pop_front() {
                    self.buffered.extend(batch);
                } else {
                    end = Some(result_of(self.addr, stash.done.take()));
                }
            }
            (Ok(()), None) => end = Some(Err(Error::Closed)),
        }
        if let Some(result) = end {
            engine.cancel(op);
            drop(engine);
            self.live = None;
            self.error = result.err();
        }
    }
}

impl Iterator for Walk {
    type Item = Result<(Oid, Value), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(vb) = self.buffered.pop_front() {
                return Some(Ok((vb.oid, vb.value)));
            }
            if let Some(e) = self.error.take() {
                return Some(Err(e));
            }
            self.live.as_ref()?;
            self.fill();
        }
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        if let Some((engine, op)) = self.live.take() {
            lock(&engine).cancel(op);
        }
    }
}
