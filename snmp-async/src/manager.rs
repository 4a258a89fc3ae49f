//! The Manager API (snmpkit's, made Rust).

use std::collections::VecDeque;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use futures_core::Stream;
use snmp_codec::{Oid, SecurityLevel, TrapV1Pdu, Value, VarBind, Version};
use snmp_session::{
    AesKeyExtension, CallOptions, Request, SessionConfig, TableRow, TargetConfig, TargetId,
    WalkOptions,
};
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};
use zeroize::Zeroizing;

use snmp_mib::Mib;

use crate::driver::{self, Command, Driver, Sink};
use crate::error::Error;
use crate::settings::Settings;
use crate::Runtime;

/// Anything that names an OID: a name or dotted OID as text (`"sysDescr.0"`,
/// `"IF-MIB::ifDescr.3"`, `"1.3.6.1.2.1.1.1.0"`), resolved through the manager's MIB, or an
/// [`Oid`].
pub trait IntoOid {
    /// The OID, names resolved through `mib`.
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error>;
}

impl IntoOid for Oid {
    fn into_oid(self, _: &Mib) -> Result<Oid, Error> {
        Ok(self)
    }
}

impl IntoOid for &Oid {
    fn into_oid(self, _: &Mib) -> Result<Oid, Error> {
        Ok(self.clone())
    }
}

impl IntoOid for &str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
    }
}

impl IntoOid for &&str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
    }
}

impl IntoOid for String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(&self)?)
    }
}

impl IntoOid for &String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
    }
}

/// A handle to a driver task: one session, one socket per address family, any number of
/// targets. Cheap to clone; the driver stops when every handle (and every [`Manager`] made from
/// it) is dropped and nothing is pending.
pub struct Client<R: Runtime> {
    tx: mpsc::UnboundedSender<Command>,
    shared: std::sync::Arc<driver::Shared<R>>,
    rt: R,
    id: usize,
}

impl<R: Runtime> Clone for Client<R> {
    fn clone(&self) -> Self {
        Client {
            tx: self.tx.clone(),
            shared: self.shared.clone(),
            rt: self.rt.clone(),
            id: self.id,
        }
    }
}

/// Numbers clients, so that a [`crate::PollTarget`] knows which client its target belongs to.
static NEXT_CLIENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

impl<R: Runtime> std::fmt::Debug for Client<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
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
        let (tx, rx) = mpsc::unbounded();
        let driver = Driver::new(rt.clone(), config, rx)?;
        let shared = std::sync::Arc::new(driver::Shared {
            driver: std::sync::Mutex::new(driver),
            task: futures_util::task::AtomicWaker::new(),
        });
        rt.spawn(Box::pin(driver::DriverTask(shared.clone())));
        let id = NEXT_CLIENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Client { tx, shared, rt, id })
    }

    /// This client's number (unique in the process).
    pub(crate) fn identity(&self) -> usize {
        self.id
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

    /// Adds a target; the returned [`Manager`] talks to it.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, TargetConfig};
    /// let client = Client::with_defaults()?;
    /// let m = client.add_target(TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_target(&self, config: TargetConfig) -> Result<Manager<R>, Error> {
        let (version, addr) = (config.version(), config.addr);
        let (reply, rx) = oneshot::channel();
        self.command(Command::AddTarget(config, reply))?;
        let target = rx.await.map_err(|_| Error::Closed)?;
        Ok(Manager {
            client: self.clone(),
            target,
            version,
            addr,
            mib: Mib::standard(),
            call: CallOptions::default(),
        })
    }

    fn send_with(
        &self,
        target: TargetId,
        op: Request,
        sink: Sink,
        call: CallOptions,
    ) -> Result<(), Error> {
        self.command(Command::Start(target, op, sink, call, driver::parent()))
    }

    /// Sends `command` to the driver and wakes its task (a caller that drove the driver
    /// last may hold the channel's wake-up).
    fn command(&self, command: Command) -> Result<(), Error> {
        self.tx.unbounded_send(command).map_err(|_| Error::Closed)?;
        self.shared.task.wake();
        Ok(())
    }
}

impl<R: Runtime> Drop for Client<R> {
    /// The driver task sees the channel close (a caller that drove it last may hold the
    /// channel's wake-up).
    fn drop(&mut self) {
        self.shared.task.wake();
    }
}

/// Builds a [`Manager`]: snmpkit's parameters and defaults (port 161, community `public`,
/// version 2c, timeout 5 s, 3 retries).
pub struct ManagerBuilder<R: Runtime> {
    rt: R,
    client: Option<Client<R>>,
    /// Everything but the runtime and the client (shared with the blocking builder).
    s: Settings,
}

impl<R: Runtime> std::fmt::Debug for ManagerBuilder<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagerBuilder")
            .field("host", &self.s.host)
            .field("port", &self.s.port)
            .field("version", &self.s.version)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> ManagerBuilder<R> {
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
        Self::new(rt, host)
    }

    pub(crate) fn new(rt: R, host: &str) -> Self {
        ManagerBuilder {
            rt,
            client: None,
            s: Settings::new(host),
        }
    }

    /// The MIB names are resolved and described with (default: the embedded standard set,
    /// [`Mib::standard`]). Load your own with `snmp_mib::Loader` and give it here.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let mib = snmp_tokio::Mib::standard(); // or one loaded with snmp_tokio::mib::Loader
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").mib(mib).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn mib(mut self, mib: Mib) -> Self {
        self.s.mib = Some(mib);
        self
    }

    /// The UDP port (default 161). A port in the host (`host:port`, `[v6]:port`) wins.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").port(1161).build().await?; // "192.0.2.1:1161" says the same
    /// # Ok(()) }
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.s.port = port;
        self
    }

    /// The community for v1/v2c (default `public`).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").community("s3cret").build().await?;
    /// # Ok(()) }
    /// ```
    pub fn community(mut self, community: impl AsRef<[u8]>) -> Self {
        self.s.community = community.as_ref().to_vec();
        self
    }

    /// The SNMP version (default v2c; v3 is implied by [`ManagerBuilder::user`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::Version;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").version(Version::V1).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn version(mut self, version: Version) -> Self {
        self.s.version = version;
        self
    }

    /// The time to wait for each attempt (default 5 s).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use std::time::Duration;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").timeout(Duration::from_secs(1)).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.s.timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 3).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").retries(5).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn retries(mut self, retries: u32) -> Self {
        self.s.retries = retries;
        self
    }

    /// The v3 user name (switches to v3).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::AuthProtocol;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").user("bert").auth(AuthProtocol::Sha256, "auth-pass-phrase").build().await?;
    /// # Ok(()) }
    /// ```
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.s.user = Some(user.into());
        self.s.version = Version::V3;
        self
    }

    /// A v3 user built beforehand (its keys derived once and shared between managers).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AuthProtocol, UsmUser};
    /// let user = UsmUser::new("bert")
    ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
    ///     .map_err(snmp_tokio::Error::Credentials)?;
    /// // Keys derived once, shared by every manager given this user.
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").usm_user(user).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn usm_user(mut self, user: UsmUser) -> Self {
        self.s.usm_user = Some(user);
        self.s.version = Version::V3;
        self
    }

    /// v3 authentication.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::AuthProtocol;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").user("bert").auth("SHA".parse::<AuthProtocol>().unwrap(), "auth-pass-phrase").build().await?;
    /// # Ok(()) }
    /// ```
    pub fn auth(mut self, protocol: AuthProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s.auth = Some((protocol, Zeroizing::new(password.as_ref().to_vec())));
        self
    }

    /// v3 privacy.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AuthProtocol, PrivProtocol};
    /// let m = snmp_tokio::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn privacy(mut self, protocol: PrivProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s.privacy = Some((protocol, Zeroizing::new(password.as_ref().to_vec())));
        self
    }

    /// The v3 security level (default: the highest the credentials allow).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AuthProtocol, PrivProtocol, SecurityLevel};
    /// // Keys for authPriv, used at authNoPriv.
    /// let m = snmp_tokio::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
    ///     .security_level(SecurityLevel::AuthNoPriv)
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn security_level(mut self, level: SecurityLevel) -> Self {
        self.s.security_level = Some(level);
        self
    }

    /// The v3 context name (default empty).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::AuthProtocol;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_name("bridge1")
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn context_name(mut self, name: impl AsRef<[u8]>) -> Self {
        self.s.context_name = name.as_ref().to_vec();
        self
    }

    /// The v3 contextEngineID (default: the agent's own engine ID, found by discovery), for
    /// a proxy that forwards to the engine this names (Net-SNMP's `-E`).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::AuthProtocol;
    /// let m = snmp_tokio::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_engine_id([0x80, 0x00, 0x00, 0x02, 0x01, 0x09, 0x84, 0x03, 0x01])
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn context_engine_id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.s.context_engine_id = Some(id.as_ref().to_vec());
        self
    }

    /// Find out which AES-192/256 key extension the agent uses (see
    /// [`snmp_session::AesKeyExtension`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AesKeyExtension, AuthProtocol, PrivProtocol};
    /// let m = snmp_tokio::Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes256Blumenthal, "priv-pass-phrase")
    ///     .aes_key_extension(AesKeyExtension::Auto)
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn aes_key_extension(mut self, mode: AesKeyExtension) -> Self {
        self.s.aes = mode;
        self
    }

    /// Accept answers from another address of the agent (for v3 only authenticated ones).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// // An agent that answers from another of its addresses.
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").accept_any_source(true).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn accept_any_source(mut self, yes: bool) -> Self {
        self.s.accept_any_source = yes;
        self
    }

    /// Requests of one call in flight at once (default 1): the chunks of a `get_many` of
    /// more OIDs than fit in one request are then pipelined.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// // A get_many of 500 OIDs goes out as several requests, 4 at a time.
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").max_in_flight(4).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn max_in_flight(mut self, n: u16) -> Self {
        self.s.max_in_flight = n.max(1);
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

    /// The target configuration this builder describes (resolving the host). Settings that
    /// contradict each other are an [`Error::Config`].
    ///
    /// ```
    /// use snmp_tokio::{AuthProtocol, Error, Manager};
    /// // Authentication on a v2c builder is a mistake, not silently ignored.
    /// let v2c = Manager::builder("127.0.0.1").auth(AuthProtocol::Sha1, "auth-pass-phrase");
    /// assert!(matches!(v2c.target_config(), Err(Error::Config(_))));
    /// // USM wants pass phrases of 8 characters at least.
    /// let short = Manager::builder("127.0.0.1")
    ///     .user("u")
    ///     .auth(AuthProtocol::Sha1, "short");
    /// assert!(matches!(short.target_config(), Err(Error::Config(_))));
    /// // A good one: the host resolved, the port 161.
    /// let good = Manager::builder("127.0.0.1").community("private").target_config().unwrap();
    /// assert_eq!(good.addr.port(), 161);
    /// ```
    pub fn target_config(&self) -> Result<TargetConfig, Error> {
        self.s.target_config()
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
        self.s.check()?;
        let addr = resolve_async(&self.s.host, self.s.port).await?;
        let cfg = self.s.config_for(addr)?;
        let client = match self.client {
            Some(c) => c,
            None => Client::new(self.rt.clone(), SessionConfig::default())?,
        };
        let mut m = client.add_target(cfg).await?;
        if let Some(mib) = self.s.mib {
            m.mib = mib;
        }
        Ok(m)
    }
}

/// An address literal (`10.0.0.1`, `10.0.0.1:161`, `[::1]:161`, `::1`), with `port` as the
/// default port; `None` for a name.
fn literal(host: &str, port: u16) -> Option<SocketAddr> {
    if let Ok(addr) = host.parse::<SocketAddr>() {
        return Some(addr);
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port))
}

/// As [`resolve`], without blocking the caller's thread: an address literal at once, a name
/// on a helper thread (the standard library's resolver blocks).
///
/// ```no_run
/// # async fn f() -> Result<(), snmp_tokio::Error> {
/// let addr = snmp_tokio::resolve_async("localhost:1161", 161).await?;
/// # Ok(()) }
/// ```
pub async fn resolve_async(host: &str, port: u16) -> Result<SocketAddr, Error> {
    if let Some(addr) = literal(host, port) {
        return Ok(addr);
    }
    let (tx, rx) = oneshot::channel();
    let owned = host.to_owned();
    std::thread::Builder::new()
        .name("snmp-resolve".into())
        .spawn(move || {
            let _ = tx.send(resolve(&owned, port));
        })
        .map_err(Error::from)?;
    rx.await.map_err(|_| Error::Resolve(host.to_owned()))?
}

/// Resolves `host` (a name, an IPv4 or IPv6 literal, optionally with a port: `host:port`,
/// `[::1]:port`) with `port` as the default port. Blocks while a name is looked up; async
/// code uses [`resolve_async`] (as [`ManagerBuilder::build`] does).
///
/// ```no_run
/// # async fn f() -> Result<(), snmp_tokio::Error> {
/// let addr = snmp_tokio::resolve("[::1]", 161)?;
/// assert_eq!(addr.port(), 161);
/// # Ok(()) }
/// ```
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, Error> {
    if let Some(addr) = literal(host, port) {
        return Ok(addr);
    }
    let with_port = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:{port}")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Error::Resolve(host.to_owned()))
}

/// A table's rows, or the error that ended the fetch with the rows received before it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} (after {} rows)", rows.len())]
pub struct TableError {
    /// What went wrong.
    pub error: Error,
    /// The rows received before.
    pub rows: Vec<TableRow>,
}

/// One agent, over a shared driver. Cheap to clone; many calls may run at once.
pub struct Manager<R: Runtime> {
    client: Client<R>,
    target: TargetId,
    version: Version,
    /// The agent's address (what errors name).
    addr: SocketAddr,
    /// Names in and out.
    mib: Mib,
    /// This handle's timeout and retries, over the target's ([`Manager::with_timeout`]).
    call: CallOptions,
}

impl<R: Runtime> Clone for Manager<R> {
    fn clone(&self) -> Self {
        Manager {
            client: self.client.clone(),
            target: self.target,
            version: self.version,
            addr: self.addr,
            mib: self.mib.clone(),
            call: self.call,
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Manager<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("target", &self.target)
            .field("version", &self.version)
            .field("addr", &self.addr)
            .finish()
    }
}

fn oids<I: IntoOid>(mib: &Mib, oids: impl IntoIterator<Item = I>) -> Result<Vec<Oid>, Error> {
    oids.into_iter().map(|o| o.into_oid(mib)).collect()
}

impl<R: Runtime> Manager<R> {
    /// The MIB this manager resolves and describes names with.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let node = m.mib().node("ifDescr");
    /// assert!(node.is_some());
    /// # Ok(()) }
    /// ```
    pub fn mib(&self) -> &Mib {
        &self.mib
    }

    /// Object, module, index and the value formatted by the MIB (enumeration labels,
    /// DISPLAY-HINTs, units), for showing a varbind to people.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let oid: snmp_tokio::Oid = "1.3.6.1.2.1.2.2.1.8.1".parse()?;
    /// let value = m.get(oid.clone()).await?;
    /// let d = m.describe(&oid, &value);
    /// println!("{} {} = {}", d.object, d.index, d.value); // ifOperStatus 1 = up
    /// # Ok(()) }
    /// ```
    pub fn describe(&self, oid: &Oid, value: &Value) -> snmp_mib::Description {
        snmp_mib::Format::default().describe(&self.mib, oid, value)
    }

    /// An OID as `snmpwalk` names it with MIBs (`IF-MIB::ifDescr.1`; the numbers where no
    /// module names it).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let oid: snmp_tokio::Oid = "1.3.6.1.2.1.2.2.1.2.1".parse()?;
    /// assert_eq!(m.name(&oid), "IF-MIB::ifDescr.1");
    /// # Ok(()) }
    /// ```
    pub fn name(&self, oid: &Oid) -> String {
        snmp_mib::Format::default().oid(&self.mib, oid)
    }

    /// A varbind as `snmpwalk` prints it with MIBs (`IF-MIB::ifOperStatus.1 = INTEGER: up(1)`).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let oid: snmp_tokio::Oid = "1.3.6.1.2.1.1.5.0".parse()?;
    /// let value = m.get(oid.clone()).await?;
    /// println!("{}", m.format(&oid, &value)); // SNMPv2-MIB::sysName.0 = STRING: router
    /// # Ok(()) }
    /// ```
    pub fn format(&self, oid: &Oid, value: &Value) -> String {
        snmp_mib::Format::default().varbind(&self.mib, oid, value)
    }

    /// The client (driver) this manager uses.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // Another agent on the same socket and driver.
    /// let other = snmp_tokio::Manager::builder("192.0.2.2").client(m.client()).build().await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client<R> {
        &self.client
    }

    /// The SNMP version.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// if m.version() == snmp_tokio::Version::V1 {
    ///     println!("no GETBULK here");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn version(&self) -> Version {
        self.version
    }

    /// The agent's address.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// println!("talking to {}", m.addr());
    /// # Ok(()) }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An error of this manager's agent.
    fn error(&self, error: snmp_session::Error) -> Error {
        Error::operation_failed(self.addr, error)
    }

    /// The value of a varbind of this agent's answer, exceptions as errors.
    pub(crate) fn value_of(&self, vb: VarBind) -> Result<Value, Error> {
        vb.into_value().map_err(|e| self.error(e.into()))
    }

    /// The varbind of a one-OID answer: the first (an agent that answers with more varbinds
    /// than asked for does not get its extra ones taken for the answer).
    fn only(&self, vbs: Vec<VarBind>) -> Result<VarBind, Error> {
        vbs.into_iter()
            .next()
            .ok_or_else(|| self.error(snmp_session::Error::MalformedResponse("empty answer")))
    }

    async fn varbinds(&self, op: Request) -> Result<Vec<VarBind>, Error> {
        let c = &self.client;
        if c.rt.drive_inline() {
            return driver::Inline::new(&c.shared, &c.tx, self.target, op, self.call).await;
        }
        let (tx, rx) = oneshot::channel();
        c.send_with(self.target, op, Sink::Varbinds(tx, Vec::new()), self.call)?;
        rx.await.map_err(|_| Error::Closed)?
    }

    /// A handle to the same agent whose calls wait `timeout` per attempt (over the
    /// builder's), sharing this one's driver and socket: a per-call timeout without a second
    /// Manager.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use std::time::Duration;
    /// let quick = m.with_timeout(Duration::from_millis(200)).with_retries(0);
    /// let descr = quick.get("sysDescr.0").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Manager<R> {
        let mut m = self.clone();
        m.call = m.call.with_timeout(timeout);
        m
    }

    /// A handle whose calls make `retries` retries after the first attempt (over the
    /// builder's).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let patient = m.with_retries(8);
    /// let uptime = patient.get("sysUpTime.0").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_retries(&self, retries: u32) -> Manager<R> {
        let mut m = self.clone();
        m.call = m.call.with_retries(retries);
        m
    }

    /// GET of one OID. Exceptions (noSuchObject, ...) are errors.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").community("public").build().await?;
    /// let descr = m.get("sysDescr.0").await?; // or "1.3.6.1.2.1.1.1.0"
    /// println!("{}", descr.bare());
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, oid: impl IntoOid) -> Result<Value, Error> {
        let oid = oid.into_oid(&self.mib)?;
        let vbs = self.varbinds(Request::Get(vec![oid])).await?;
        self.value_of(self.only(vbs)?)
    }

    /// GET of many OIDs (split over several requests when they do not fit in one). The first
    /// exception is an error; see [`Manager::get_varbinds`] to keep them as values.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let values = m.get_many(["sysName.0", "sysUpTime.0"]).await?;
    /// let uptime = values[1].as_u64();
    /// # Ok(()) }
    /// ```
    pub async fn get_many<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<Value>, Error> {
        let vbs = self.get_varbinds(oids_in).await?;
        vbs.into_iter().map(|vb| self.value_of(vb)).collect()
    }

    /// GET of many OIDs, exceptions kept as values.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// for vb in m.get_varbinds(["sysDescr.0", "ifDescr.99"]).await? {
    ///     // ifDescr.99 may come back as noSuchInstance: a value, not an error.
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::Get(oids(&self.mib, oids_in)?)).await
    }

    /// GET of many OIDs where one missing OID fails only itself, in v1 too (its noSuchName
    /// becomes a noSuchObject value and the other OIDs are asked again).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // In v1 too, a missing OID fails only itself (noSuchObject), the others come back.
    /// for vb in m.get_each(["sysDescr.0", "sysFoo.0", "sysName.0"]).await? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_each<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::GetEach(oids(&self.mib, oids_in)?))
            .await
    }

    /// GETNEXT: the next OID and its value. endOfMibView is an error.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// let (oid, value) = m.get_next("system").await?;
    /// println!("{} = {}", m.name(&oid), value.bare());
    /// # Ok(()) }
    /// ```
    pub async fn get_next(&self, oid: impl IntoOid) -> Result<(Oid, Value), Error> {
        let oid = oid.into_oid(&self.mib)?;
        let vbs = self.varbinds(Request::GetNext(vec![oid])).await?;
        let vb = self.only(vbs)?;
        let o = vb.oid.clone();
        Ok((o, self.value_of(vb)?))
    }

    /// GETNEXT of many OIDs in one request, the answer's varbinds as they came (exceptions
    /// such as endOfMibView kept as values), as `snmpgetnext` prints them.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// for vb in m.get_next_varbinds(["sysDescr", "ifDescr"]).await? {
    ///     println!("{}", m.format(&vb.oid, &vb.value));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_next_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Vec<VarBind>, Error> {
        self.varbinds(Request::GetNext(oids(&self.mib, oids_in)?))
            .await
    }

    /// GETBULK (v2c, v3).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// // sysUpTime once, then up to 10 ifDescr cells.
    /// for (oid, value) in m.get_bulk(["sysUpTime", "ifDescr"], 1, 10).await? {
    ///     println!("{} = {}", m.name(&oid), value.bare());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_bulk<I: IntoOid>(
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
        let vbs = self.varbinds(op).await?;
        Ok(vbs.into_iter().map(|vb| (vb.oid, vb.value)).collect())
    }

    /// SET of one OID; returns the value the agent echoed.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// m.set("sysContact.0", "ops@example.net").await?;
    /// m.set("ifAdminStatus.2", 2i32).await?; // down
    /// # Ok(()) }
    /// ```
    pub async fn set(&self, oid: impl IntoOid, value: impl Into<Value>) -> Result<Value, Error> {
        let vb = VarBind::new(oid.into_oid(&self.mib)?, value.into());
        let vbs = self.varbinds(Request::Set(vec![vb])).await?;
        Ok(self.only(vbs)?.value)
    }

    /// SET of several OIDs at once (atomic on the agent).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::Value;
    /// m.set_many([("sysName.0", Value::from("core-1")), ("sysLocation.0", Value::from("rack 4"))])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_many<I: IntoOid>(
        &self,
        pairs: impl IntoIterator<Item = (I, Value)>,
    ) -> Result<Vec<VarBind>, Error> {
        let vbs = pairs
            .into_iter()
            .map(|(o, v)| Ok(VarBind::new(o.into_oid(&self.mib)?, v)))
            .collect::<Result<Vec<_>, Error>>()?;
        self.varbinds(Request::Set(vbs)).await
    }

    fn walk_with(&self, root: Result<Oid, Error>, bulk: Option<u32>, options: WalkOptions) -> Walk {
        let (tx, rx) = mpsc::unbounded();
        let flow = std::sync::Arc::new(crate::driver::Flow::default());
        let started = root.and_then(|root| {
            self.client.send_with(
                self.target,
                Request::Walk {
                    root,
                    max_repetitions: bulk,
                    options,
                },
                Sink::Stream(tx, flow.clone()),
                self.call,
            )
        });
        Walk {
            rx: Some(rx),
            buffered: VecDeque::new(),
            error: started.err(),
            flow,
        }
    }

    /// A walk of the subtree under `oid` with GETNEXT (works with v1): a stream of
    /// `(oid, value)`, ending with an error item if the walk failed after some rows.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::StreamExt;
    /// let mut walk = m.walk("system");
    /// while let Some(item) = walk.next().await {
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
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::StreamExt;
    /// let rows: Vec<_> = m.bulk_walk("IF-MIB::ifDescr", 25).collect().await;
    /// println!("{} interfaces", rows.len());
    /// # Ok(()) }
    /// ```
    pub fn bulk_walk(&self, oid: impl IntoOid, bulk_size: u32) -> Walk {
        self.walk_with(
            oid.into_oid(&self.mib),
            Some(bulk_size),
            WalkOptions::default(),
        )
    }

    /// A walk with options (non-increasing OIDs allowed, result limit); `bulk_size` `None`
    /// walks with GETNEXT.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Repetitions, StreamExt, WalkOptions};
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
        self.walk_with(oid.into_oid(&self.mib), bulk_size, options)
    }

    /// A table: `base` is the entry OID (ifEntry, `1.3.6.1.2.1.2.2.1`); rows are keyed by
    /// their index arcs, each a map from column number to value. With `columns`, only those
    /// columns are fetched. `bulk_size` is the GETBULK size (v1 uses GETNEXT).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// // ifDescr (2) and ifInOctets (10) of every row.
    /// for row in m.get_table("ifEntry", Some(&[2, 10]), 25).await? {
    ///     println!("{} {:?}", row.index, row.column(2));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_table(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
    ) -> Result<Vec<TableRow>, TableError> {
        self.get_table_with_options(base, columns, bulk_size, WalkOptions::default())
            .await
    }

    /// A table by name with typed indexes and named columns: `table` is the table, its
    /// entry or an OID (`"IF-MIB::ifTable"`, `"ipNetToPhysicalEntry"`, `"1.3.6.1.2.1.2.2"`).
    /// Each row's index is decoded per the MIB's INDEX clause (integers with their labels,
    /// strings, IMPLIED, IpAddress, InetAddress after its InetAddressType, OIDs; AUGMENTS
    /// followed). GETBULK of 25 (GETNEXT for v1).
    ///
    /// On an error the rows received before it are in [`TableError::rows`]; decode them
    /// with [`Table::decode`](crate::Table::decode).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// let table = m.table("IF-MIB::ifTable").await?;
    /// for row in &table.rows {
    ///     let descr = row.get("ifDescr").map(|v| v.bare().to_string());
    ///     println!("{} {descr:?}", row.index);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn table(&self, table: impl IntoOid) -> Result<crate::Table, TableError> {
        let oid = table.into_oid(&self.mib).map_err(|error| TableError {
            error,
            rows: Vec::new(),
        })?;
        let entry = crate::table::entry_of(&self.mib, &oid);
        let rows = self.get_table(entry.clone(), None, 25).await?;
        Ok(crate::Table::decode(&self.mib, &entry, rows))
    }

    /// [`Manager::get_table`] with walk options (adaptive repetitions, the OID check, a result
    /// limit).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::TableError> {
    /// use snmp_tokio::WalkOptions;
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
    ) -> Result<Vec<TableRow>, TableError> {
        let base = base.into_oid(&self.mib).map_err(|error| TableError {
            error,
            rows: Vec::new(),
        })?;
        let (tx, rx) = oneshot::channel();
        let op = Request::Table {
            entry: base,
            columns: columns.map(<[u32]>::to_vec),
            max_repetitions: bulk_size,
            options,
        };
        let closed = |error| TableError {
            error,
            rows: Vec::new(),
        };
        self.client
            .send_with(self.target, op, Sink::Table(tx, Vec::new()), self.call)
            .map_err(closed)?;
        let (rows, error) = rx.await.map_err(|_| closed(Error::Closed))?;
        match error {
            None => Ok(rows),
            Some(error) => Err(TableError { error, rows }),
        }
    }

    /// An SNMPv2-Trap (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`, then
    /// `varbinds`. Done when sent.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Value, VarBind};
    /// let to = snmp_tokio::Manager::builder("192.0.2.9").port(162).build().await?;
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
        let op = Request::Trap {
            trap_oid: trap_oid.into_oid(&self.mib)?,
            uptime,
            varbinds,
        };
        self.varbinds(op).await.map(|_| ())
    }

    /// An SNMPv1 Trap-PDU (v1).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{GenericTrap, TrapV1Pdu};
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
        self.varbinds(Request::TrapV1(trap)).await.map(|_| ())
    }

    /// An InformRequest (v2c, v3); returns once the receiver acknowledged it, with the varbinds
    /// of the acknowledgement.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let to = snmp_tokio::Manager::builder("192.0.2.9").port(162).build().await?;
    /// to.send_inform("linkDown", vec![], 12_345).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_inform(
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
        self.varbinds(op).await
    }

    /// [`Client::poll_many`] on this manager's client (its socket and driver).
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{PollTarget, StreamExt};
    /// let targets = ["192.0.2.1", "192.0.2.2:1161"]
    ///     .iter()
    ///     .map(|h| PollTarget::v2c_host(h, "public"))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let mut results = m.poll_many(targets, vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
    /// while let Some(r) = results.next().await {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &self,
        targets: impl IntoIterator<Item = crate::PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> crate::PollMany {
        self.client.poll_many(targets, oids, concurrency)
    }

    /// [`Manager::poll_many`] with names or text for the OIDs, resolved through this
    /// manager's MIB.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager, targets: Vec<snmp_tokio::PollTarget>) -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::StreamExt;
    /// let mut results = m.poll_names(targets, ["sysUpTime.0", "ifNumber.0"], 100)?;
    /// while let Some(r) = results.next().await {
    ///     if let Ok(v) = r.result {
    ///         println!("{} {} = {}", r.target, m.name(&r.oid), v.bare());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_names<I: IntoOid>(
        &self,
        targets: impl IntoIterator<Item = crate::PollTarget>,
        oids: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<crate::PollMany, Error> {
        self.client
            .poll_names(&self.mib, targets, oids, concurrency)
    }

    /// Forgets this target in the driver (other clones of the manager stop working). Dropping
    /// every handle also stops the driver once its work is done.
    ///
    /// ```no_run
    /// # async fn f(m: snmp_tokio::Manager) -> Result<(), snmp_tokio::Error> {
    /// m.close(); // the driver forgets the agent
    /// # Ok(()) }
    /// ```
    pub fn close(self) {
        let _ = self.client.command(Command::RemoveTarget(self.target));
    }
}

/// The stream of a walk: `(oid, value)` items in order; an `Err` item ends it early (after the
/// items received before the failure). Dropping it cancels the walk.
#[derive(Debug)]
pub struct Walk {
    rx: Option<mpsc::UnboundedReceiver<Result<Vec<VarBind>, Error>>>,
    buffered: VecDeque<VarBind>,
    error: Option<Error>,
    /// Shared with the driver: how many answers wait here (the walk pauses above a few).
    flow: std::sync::Arc<crate::driver::Flow>,
}

impl Stream for Walk {
    type Item = Result<(Oid, Value), Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(vb) = self.buffered.pop_front() {
                return Poll::Ready(Some(Ok((vb.oid, vb.value))));
            }
            if let Some(e) = self.error.take() {
                self.rx = None;
                return Poll::Ready(Some(Err(e)));
            }
            let Some(rx) = self.rx.as_mut() else {
                return Poll::Ready(None);
            };
            match Pin::new(rx).poll_next(cx) {
                Poll::Ready(Some(Ok(batch))) => {
                    self.flow.taken();
                    self.buffered.extend(batch);
                }
                Poll::Ready(Some(Err(e))) => self.error = Some(e),
                Poll::Ready(None) => self.rx = None,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Walk {
    /// Collects the whole walk; on failure, the error with the items received before it.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let m = snmp_tokio::Manager::builder("192.0.2.1").build().await?;
    /// match m.bulk_walk("ifTable", 25).collect_all().await {
    ///     Ok(all) => println!("{} varbinds", all.len()),
    ///     Err((e, partial)) => println!("{e} after {} varbinds", partial.len()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn collect_all(mut self) -> Result<Vec<(Oid, Value)>, (Error, Vec<(Oid, Value)>)> {
        use futures_util::StreamExt;
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            match item {
                Ok(x) => out.push(x),
                Err(e) => return Err((e, out)),
            }
        }
        Ok(out)
    }
}
