//! The Manager's builder, written once for every face: the settings of one agent and the
//! face's own parts (its runtime, a client to share, a session configuration); the face
//! only says how `build` waits ([`Face`]).

use crate::settings::Settings;
use crate::SessionConfig;

/// What a face gives [`ManagerBuilder`]: the client a builder may share and how it builds.
/// `snmp-async` implements it for `Async<R>` (a runtime; `build` returns a future of the
/// Manager), `snmp-blocking` for `Blocking` (`build` returns the Manager).
pub trait Face: Sized {
    /// The face's client, which [`ManagerBuilder::client`] shares.
    type Client: Clone;
    /// What [`ManagerBuilder::build`] returns: `Result<Manager, Error>` on the blocking face,
    /// a future of it on the async ones.
    type Build;
    /// Builds the Manager from a builder's parts.
    fn build(parts: BuildParts<Self>) -> Self::Build;
}

/// A builder's parts, as [`Face::build`] takes them.
#[non_exhaustive]
pub struct BuildParts<F: Face> {
    /// The face's value (its runtime, on the async faces).
    pub face: F,
    /// The client to share ([`ManagerBuilder::client`]), or `None` for a new one.
    pub client: Option<F::Client>,
    /// The session configuration of a new client.
    pub session: SessionConfig,
    /// The agent's settings.
    pub settings: Settings,
}

/// Builds a face's `Manager`: snmpkit's parameters and defaults (port 161, community
/// `public`, version 2c, timeout 5 s, 3 retries). Each face names it `ManagerBuilder`
/// (`snmp_tokio::ManagerBuilder`, `snmp_blocking::ManagerBuilder`, ...) and makes it with
/// `Manager::builder(host)`; [`build`](Self::build) then awaits (async faces) or blocks.
///
/// ```
/// # use snmp_blocking::*;
/// let builder = Manager::builder("192.0.2.1").community("private").retries(1);
/// assert_eq!(builder.target_config()?.retries, 1);
/// # Ok::<(), snmp_blocking::Error>(())
/// ```
pub struct ManagerBuilder<F: Face> {
    face: F,
    client: Option<F::Client>,
    session: SessionConfig,
    s: Settings,
}

impl<F: Face> std::fmt::Debug for ManagerBuilder<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagerBuilder")
            .field("settings", &self.s)
            .finish_non_exhaustive()
    }
}

impl<F: Face> ManagerBuilder<F> {
    /// A builder of a manager of `host` on the face `face` (a face's `Manager::builder(host)`
    /// calls this with its default runtime; give a runtime value here for another).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = ManagerBuilder::new(Blocking, "192.0.2.1:1161");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn new(face: F, host: &str) -> Self {
        ManagerBuilder {
            face,
            client: None,
            session: SessionConfig::default(),
            s: Settings::new(host),
        }
    }

    /// The session configuration of the manager's own client (ignored with
    /// [`ManagerBuilder::client`]).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let mut config = SessionConfig::default();
    /// config.max_oids_per_request = 10;
    /// let builder = Manager::builder("192.0.2.1").session_config(config);
    /// ```
    pub fn session_config(mut self, config: SessionConfig) -> Self {
        self.session = config;
        self
    }

    /// Share an existing client (its socket and engine) instead of starting a new one.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// // Two agents over one socket and engine.
    /// let client = Client::with_defaults()?;
    /// let a = Manager::builder("192.0.2.1").client(&client);
    /// let b = Manager::builder("192.0.2.2").client(&client);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn client(mut self, client: &F::Client) -> Self {
        self.client = Some(client.clone());
        self
    }

    /// Resolves the host, derives v3 keys, starts (or joins) the client: on the async faces
    /// a future (`.build().await?`; a name is looked up by the runtime, never blocking its
    /// threads), on the blocking face the Manager (`.build()?`, blocking while a name is
    /// looked up).
    ///
    /// ```no_run
    /// # use snmp_blocking::*;
    /// let m = Manager::builder("192.0.2.1").community("public").build()?;
    /// println!("{}", m.get("sysDescr.0")?.bare());
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn build(self) -> F::Build {
        F::build(BuildParts {
            face: self.face,
            client: self.client,
            session: self.session,
            settings: self.s,
        })
    }

    /// The MIB names are resolved and described with (default: the embedded standard set,
    /// `Mib::standard`). Load your own with `mib::Loader` and give it here.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let mib = Mib::standard(); // or one loaded with mib::Loader
    /// let builder = Manager::builder("192.0.2.1").mib(mib);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn mib(mut self, mib: crate::Mib) -> Self {
        self.s = self.s.mib(mib);
        self
    }

    /// The UDP port (default 161). A port in the host (`host:port`, `[v6]:port`) wins.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").port(1161); // "192.0.2.1:1161" says the same
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.s = self.s.port(port);
        self
    }

    /// The transport (default UDP). A `tcp:` (or `tcp6:`, `tcp://`) prefix on the host
    /// says TCP too, as Net-SNMP's tools take it: one connection to the agent, opened
    /// when a request needs it, kept while in use and closed after 30 s idle (RFC 3430).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").transport(Transport::Tcp); // "tcp:192.0.2.1" says the same
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn transport(mut self, transport: crate::Transport) -> Self {
        self.s = self.s.transport(transport);
        self
    }

    /// The community for v1/v2c (default `public`).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").community("s3cret");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn community(mut self, community: impl AsRef<[u8]>) -> Self {
        self.s = self.s.community(community);
        self
    }

    /// The SNMP version (default v2c; v3 is implied by `user`).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").version(Version::V1);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn version(mut self, version: crate::Version) -> Self {
        self.s = self.s.version(version);
        self
    }

    /// The time to wait for each attempt (default 5 s).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// use std::time::Duration;
    /// let builder = Manager::builder("192.0.2.1").timeout(Duration::from_secs(1));
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.s = self.s.timeout(timeout);
        self
    }

    /// Retries after the first attempt (default 3).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").retries(5);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn retries(mut self, retries: u32) -> Self {
        self.s = self.s.retries(retries);
        self
    }

    /// The v3 user name (switches to v3).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").user("bert").auth(AuthProtocol::Sha256, "auth-pass-phrase");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.s = self.s.user(user);
        self
    }

    /// A v3 user built beforehand (its keys derived once and shared between managers;
    /// switches to v3).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let user = UsmUser::new("bert")
    ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
    ///     .map_err(Error::Credentials)?;
    /// let builder = Manager::builder("192.0.2.1").usm_user(user);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn usm_user(mut self, user: crate::UsmUser) -> Self {
        self.s = self.s.usm_user(user);
        self
    }

    /// v3 authentication.
    ///
    /// A wrong password (or user) fails after one timeout, not at once: the agent's
    /// `wrongDigest` (or `unknownUserName`) Report cannot be authenticated, and anyone who
    /// saw the request could forge one, so it is believed only when no genuine answer
    /// came within the attempt's timeout. The error then says which Report came.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1").user("bert").auth("SHA".parse::<AuthProtocol>().unwrap(), "auth-pass-phrase");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn auth(mut self, protocol: crate::AuthProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s = self.s.auth(protocol, password);
        self
    }

    /// v3 privacy.
    ///
    /// A wrong privacy password (or protocol) shows as a timeout: agents drop what they
    /// cannot decrypt, without a Report. When the agent answered the discovery but nothing
    /// authenticated ever came, the error is `PrivacyTimeout`, whose text names the
    /// privacy password or protocol as the likely cause.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn privacy(mut self, protocol: crate::PrivProtocol, password: impl AsRef<[u8]>) -> Self {
        self.s = self.s.privacy(protocol, password);
        self
    }

    /// The v3 security level (default: the highest the credentials allow).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// // Keys for authPriv, used at authNoPriv.
    /// let builder = Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
    ///     .security_level(SecurityLevel::AuthNoPriv);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn security_level(mut self, level: crate::SecurityLevel) -> Self {
        self.s = self.s.security_level(level);
        self
    }

    /// The v3 context name (default empty).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_name("bridge1");
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn context_name(mut self, name: impl AsRef<[u8]>) -> Self {
        self.s = self.s.context_name(name);
        self
    }

    /// The v3 contextEngineID (default: the agent's own engine ID, found by discovery),
    /// for a proxy that forwards to the engine this names (Net-SNMP's `-E`).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .context_engine_id([0x80, 0x00, 0x00, 0x02, 0x01, 0x09, 0x84, 0x03, 0x01]);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn context_engine_id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.s = self.s.context_engine_id(id);
        self
    }

    /// Find out which AES-192/256 key extension the agent uses (see
    /// `snmp_session::AesKeyExtension`).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let builder = Manager::builder("192.0.2.1")
    ///     .user("bert")
    ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
    ///     .privacy(PrivProtocol::Aes256Blumenthal, "priv-pass-phrase")
    ///     .aes_key_extension(AesKeyExtension::Auto);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn aes_key_extension(mut self, mode: crate::AesKeyExtension) -> Self {
        self.s = self.s.aes_key_extension(mode);
        self
    }

    /// Accept answers from another address of the agent (for v3 only authenticated
    /// ones).
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// // An agent that answers from another of its addresses.
    /// let builder = Manager::builder("192.0.2.1").accept_any_source(true);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn accept_any_source(mut self, yes: bool) -> Self {
        self.s = self.s.accept_any_source(yes);
        self
    }

    /// Requests of one call in flight at once (default 1, at least 1): the chunks of a
    /// `get_many` of more OIDs than fit in one request are then pipelined.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// // A get_many of 500 OIDs goes out as several requests, 4 at a time.
    /// let builder = Manager::builder("192.0.2.1").max_in_flight(4);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn max_in_flight(mut self, n: u16) -> Self {
        self.s = self.s.max_in_flight(n);
        self
    }

    /// A `poll_many` target with this builder's settings, looking nothing up: a host name is
    /// looked up by the poll (through the runtime on the async faces), at most
    /// [`PollScheduler::LOOKUPS`](crate::PollScheduler::LOOKUPS) at once. Settings that
    /// contradict each other are an `Error::Config`.
    ///
    /// ```
    /// # use snmp_blocking::*;
    /// let t = Manager::builder("router.example:1161").community("private").poll_target()?;
    /// assert_eq!(t.name(), Some("router.example"));
    /// assert_eq!(t.addr().port(), 1161);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn poll_target(&self) -> Result<crate::PollTarget, crate::Error> {
        self.s.poll_target()
    }

    /// The target configuration this builder describes, resolving the host on this thread
    /// (it blocks while a name is looked up: async code uses `build` or `poll_target`). Settings
    /// that contradict each other are an `Error::Config`.
    ///
    /// ```
    /// # use snmp_blocking::*;
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
    pub fn target_config(&self) -> Result<crate::TargetConfig, crate::Error> {
        self.s.target_config()
    }
}
