//! A manager's settings without its runtime: what the async and the blocking builders both
//! describe, checked and turned into a [`TargetConfig`] in one place.

use std::net::SocketAddr;
use std::time::Duration;

use snmp_codec::{Bytes, SecurityLevel, Version};
use snmp_mib::Mib;
use snmp_session::{AesKeyExtension, TargetConfig, Transport, V3Security};
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};
use zeroize::Zeroizing;

use crate::error::{ConfigError, Error};

/// Host, version, credentials, timing and MIB of one agent: snmpkit's parameters and defaults
/// (port 161, community `public`, version 2c, timeout 5 s, 3 retries). The builders of the
/// async and the blocking managers keep one of these; their setters (documented there, with
/// examples) have the same names. Pass phrases are wiped from memory on drop.
///
/// ```
/// use snmp_manager::settings::Settings;
/// let s = Settings::new("127.0.0.1:1161").community("private").retries(1);
/// let cfg = s.target_config().unwrap();
/// assert_eq!(cfg.addr.port(), 1161);
/// assert_eq!(cfg.retries, 1);
/// ```
#[derive(Clone)]
pub struct Settings {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) community: Vec<u8>,
    pub(crate) version: Version,
    pub(crate) timeout: Duration,
    pub(crate) retries: u32,
    pub(crate) user: Option<String>,
    pub(crate) auth: Option<(AuthProtocol, Zeroizing<Vec<u8>>)>,
    pub(crate) privacy: Option<(PrivProtocol, Zeroizing<Vec<u8>>)>,
    pub(crate) security_level: Option<SecurityLevel>,
    pub(crate) context_name: Vec<u8>,
    pub(crate) context_engine_id: Option<Vec<u8>>,
    pub(crate) aes: AesKeyExtension,
    pub(crate) accept_any_source: bool,
    pub(crate) max_in_flight: u16,
    pub(crate) usm_user: Option<UsmUser>,
    pub(crate) mib: Option<Mib>,
    pub(crate) transport: Transport,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The defaults for `host` (a name or address, with or without a port, with or without
    /// a transport prefix: `tcp:host:port`, `udp6:[::1]`, `tcp://host`).
    pub fn new(host: &str) -> Self {
        let (transport, host) = crate::split_transport(host);
        Settings {
            transport,
            host: host.to_owned(),
            port: 161,
            community: b"public".to_vec(),
            version: Version::V2c,
            timeout: Duration::from_secs(5),
            retries: 3,
            user: None,
            auth: None,
            privacy: None,
            security_level: None,
            context_name: Vec::new(),
            context_engine_id: None,
            aes: AesKeyExtension::Fixed,
            accept_any_source: false,
            max_in_flight: 1,
            usm_user: None,
            mib: None,
        }
    }

    /// The host as given.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The transport (from the host's prefix, or [`Settings::transport`]).
    pub fn transport_of(&self) -> Transport {
        self.transport
    }

    /// The transport (default UDP; a `tcp:` prefix on the host says TCP too).
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// The default port (a port in the host wins).
    pub fn default_port(&self) -> u16 {
        self.port
    }

    /// The version (v3 once a user is given).
    pub fn snmp_version(&self) -> Version {
        self.version
    }

    /// Whether answers from another address of the agent are taken.
    pub fn accepts_any_source(&self) -> bool {
        self.accept_any_source
    }

    /// Takes the MIB given with [`Settings::mib`], if any.
    pub fn take_mib(&mut self) -> Option<Mib> {
        self.mib.take()
    }

    /// The MIB names are resolved and described with.
    pub fn mib(mut self, mib: Mib) -> Self {
        self.mib = Some(mib);
        self
    }

    /// The UDP port (default 161).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The community for v1/v2c.
    pub fn community(mut self, community: impl AsRef<[u8]>) -> Self {
        self.community = community.as_ref().to_vec();
        self
    }

    /// The SNMP version.
    pub fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// The time to wait for each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The v3 user name (switches to v3).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self.version = Version::V3;
        self
    }

    /// A v3 user built beforehand (switches to v3).
    pub fn usm_user(mut self, user: UsmUser) -> Self {
        self.usm_user = Some(user);
        self.version = Version::V3;
        self
    }

    /// v3 authentication.
    pub fn auth(mut self, protocol: AuthProtocol, password: impl AsRef<[u8]>) -> Self {
        self.auth = Some((protocol, Zeroizing::new(password.as_ref().to_vec())));
        self
    }

    /// v3 privacy.
    pub fn privacy(mut self, protocol: PrivProtocol, password: impl AsRef<[u8]>) -> Self {
        self.privacy = Some((protocol, Zeroizing::new(password.as_ref().to_vec())));
        self
    }

    /// The v3 security level.
    pub fn security_level(mut self, level: SecurityLevel) -> Self {
        self.security_level = Some(level);
        self
    }

    /// The v3 context name.
    pub fn context_name(mut self, name: impl AsRef<[u8]>) -> Self {
        self.context_name = name.as_ref().to_vec();
        self
    }

    /// The v3 contextEngineID.
    pub fn context_engine_id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.context_engine_id = Some(id.as_ref().to_vec());
        self
    }

    /// The AES-192/256 key extension.
    pub fn aes_key_extension(mut self, mode: AesKeyExtension) -> Self {
        self.aes = mode;
        self
    }

    /// Accept answers from another address of the agent.
    pub fn accept_any_source(mut self, yes: bool) -> Self {
        self.accept_any_source = yes;
        self
    }

    /// Requests of one call in flight at once (at least 1).
    pub fn max_in_flight(mut self, n: u16) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// The target configuration these settings describe, the host resolved (blocking while a
    /// name is looked up).
    pub fn target_config(&self) -> Result<TargetConfig, Error> {
        self.check()?;
        let addr = crate::resolve(&self.host, self.port)?;
        self.config_for(addr)
    }

    /// A `poll_many` target with these settings, without a lookup: an address host at once, a
    /// name kept for the face to look up when the target is first polled.
    pub fn poll_target(&self) -> Result<crate::PollTarget, Error> {
        self.check()?;
        let host = crate::Host::parse(&self.host, self.port)?;
        let config = self.config_for(SocketAddr::from(([0, 0, 0, 0], self.port)))?;
        Ok(crate::PollTarget::at(host, config))
    }

    /// The settings that contradict each other, as [`Error::Config`] (what `build()` checks
    /// first).
    pub fn check(&self) -> Result<(), Error> {
        let v3 = self.version == Version::V3;
        if !v3 && (self.auth.is_some() || self.privacy.is_some()) {
            return Err(Error::Config(ConfigError::CredentialsWithoutV3));
        }
        if !v3 && self.security_level.is_some() {
            return Err(Error::Config(ConfigError::LevelWithoutV3));
        }
        if self.privacy.is_some() && self.auth.is_none() && self.usm_user.is_none() {
            return Err(Error::Config(ConfigError::PrivacyWithoutAuth));
        }
        let short = |pw: &Zeroizing<Vec<u8>>| pw.len() < 8;
        if self.auth.as_ref().is_some_and(|(_, pw)| short(pw))
            || self.privacy.as_ref().is_some_and(|(_, pw)| short(pw))
        {
            return Err(Error::Config(ConfigError::ShortPassPhrase));
        }
        if self.usm_user.is_none() {
            let level = match (&self.auth, &self.privacy) {
                (None, _) => SecurityLevel::NoAuthNoPriv,
                (Some(_), None) => SecurityLevel::AuthNoPriv,
                (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            };
            let wanted = self.security_level.unwrap_or(level);
            let rank = |l: SecurityLevel| match l {
                SecurityLevel::NoAuthNoPriv => 0,
                SecurityLevel::AuthNoPriv => 1,
                SecurityLevel::AuthPriv => 2,
            };
            if v3 && rank(wanted) > rank(level) {
                return Err(Error::Config(ConfigError::LevelAboveCredentials));
            }
        }
        Ok(())
    }

    /// The target configuration for `addr` (the host already resolved), v3 keys derived.
    /// Call [`Settings::check`] first.
    pub fn config_for(&self, addr: SocketAddr) -> Result<TargetConfig, Error> {
        let mut cfg = if self.version == Version::V3 {
            let user = match &self.usm_user {
                Some(u) => u.clone(),
                None => {
                    // Keys derived once per (protocol, password) in the process: 5,000
                    // targets with the same credentials derive them once.
                    let name = self.user.as_deref().unwrap_or_default();
                    let auth = self.auth.as_ref().map(|(p, pw)| (*p, pw.as_slice()));
                    let privacy = self.privacy.as_ref().map(|(p, pw)| (*p, pw.as_slice()));
                    crate::keys::user(name, auth, privacy).map_err(Error::Credentials)?
                }
            };
            let mut sec = V3Security::new(user);
            if let Some(level) = self.security_level {
                sec.level = level;
            }
            sec.context_name = Bytes::copy_from_slice(&self.context_name);
            sec.context_engine_id = self
                .context_engine_id
                .as_deref()
                .map(Bytes::copy_from_slice);
            sec.aes_key_extension = self.aes;
            TargetConfig::v3(addr, sec)
        } else {
            TargetConfig::community(addr, self.version, &self.community)
        };
        cfg.timeout = self.timeout;
        cfg.retries = self.retries;
        cfg.accept_any_source = self.accept_any_source;
        cfg.max_in_flight = self.max_in_flight;
        cfg.transport = self.transport;
        Ok(cfg)
    }
}
