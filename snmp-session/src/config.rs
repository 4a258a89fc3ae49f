//! Configuration of the session and of its targets.

use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use snmp_codec::{Bytes, SecurityLevel, Version};
use snmp_usm::{PrivProtocol, UsmUser};

/// Session-wide settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionConfig {
    /// msgMaxSize we advertise in v3, and the largest datagram we build (default 65507, the
    /// largest UDP payload over IPv4; receive buffers must be at least this large).
    pub max_message_size: usize,
    /// The most OIDs one GET carries; longer gets are split (default 48). A `tooBig` answer
    /// halves the chunk.
    pub max_oids_per_request: usize,
    /// Our own engine ID, for v3 traps (where the sender is authoritative). Default: a random
    /// Net-SNMP-style ID derived from the seed.
    pub local_engine_id: Option<Bytes>,
    /// Our snmpEngineBoots for v3 traps (default 1).
    pub local_engine_boots: u32,
    /// Completed request-ids remembered to tell late duplicates from strangers (default 1024).
    pub remember_completed: usize,
    /// How long a stream (TCP) target's connection stays open with nothing in flight before
    /// the session closes it (default 30 s; the next request opens a new one).
    pub stream_idle_timeout: Duration,
    /// The local address that UDP sockets towards agents of its family bind to (the
    /// exporter's `--snmp.source-address`); port 0 picks one. Default: any address, any port.
    pub source_address: Option<core::net::SocketAddr>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            max_message_size: 65507,
            max_oids_per_request: 48,
            local_engine_id: None,
            local_engine_boots: 1,
            remember_completed: 1024,
            stream_idle_timeout: Duration::from_secs(30),
            source_address: None,
        }
    }
}

/// How a v3 user's AES-192/256 key is extended.
///
/// AES-192 and AES-256 exist with two incompatible key extensions (see
/// [`snmp_usm::PrivProtocol`]); `Auto` tries the configured one, switches to the other when
/// the agent reports a decryption error, its answer does not decrypt, or the first attempt
/// times out (Net-SNMP silently drops what it cannot decrypt), and remembers per engine what
/// worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AesKeyExtension {
    /// Use exactly the configured protocol.
    #[default]
    Fixed,
    /// Try the configured extension, fall back to the other one.
    Auto,
}

/// SNMPv3 credentials of a target.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct V3Security {
    /// The user (its master keys are derived once, when it is built).
    pub user: UsmUser,
    /// The level to use (at most what the user's keys allow; default: the highest).
    pub level: SecurityLevel,
    /// contextName (default empty).
    pub context_name: Bytes,
    /// contextEngineID (default: the agent's engine ID, learned by discovery).
    pub context_engine_id: Option<Bytes>,
    /// AES-192/256 key extension handling.
    pub aes_key_extension: AesKeyExtension,
}

impl V3Security {
    /// Credentials for `user` at the highest level its keys allow.
    pub fn new(user: UsmUser) -> Self {
        let level = user.security_level();
        Self {
            user,
            level,
            context_name: Bytes::new(),
            context_engine_id: None,
            aes_key_extension: AesKeyExtension::Fixed,
        }
    }

    /// The privacy protocol to try first and, in `Auto` mode, the alternative.
    pub(crate) fn privacy_candidates(&self) -> Vec<PrivProtocol> {
        let configured = self.user.priv_protocol();
        let Some(p) = configured else {
            return Vec::new();
        };
        let other = match p {
            PrivProtocol::Aes192Blumenthal => Some(PrivProtocol::Aes192Reeder),
            PrivProtocol::Aes192Reeder => Some(PrivProtocol::Aes192Blumenthal),
            PrivProtocol::Aes256Blumenthal => Some(PrivProtocol::Aes256Reeder),
            PrivProtocol::Aes256Reeder => Some(PrivProtocol::Aes256Blumenthal),
            _ => None,
        };
        match (self.aes_key_extension, other) {
            (AesKeyExtension::Auto, Some(o)) => alloc::vec![p, o],
            _ => alloc::vec![p],
        }
    }
}

/// How a target is addressed and authenticated.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per target; boxing would only add an indirection
pub enum Security {
    /// v1 or v2c with a community string.
    Community {
        /// `Version::V1` or `Version::V2c`.
        version: Version,
        /// The community.
        community: Bytes,
    },
    /// v3 with USM.
    V3(alloc::boxed::Box<V3Security>),
}

/// How a target's messages travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// One datagram per message (the default; Net-SNMP's `udp:`).
    #[default]
    Udp,
    /// A TCP connection per target, messages written whole one after the other and framed by
    /// their BER length (RFC 3430; Net-SNMP's `tcp:`). No retransmission while the
    /// connection is up; when it drops, a new connection and a resend (an attempt each).
    Tcp,
}

/// One agent: its address, credentials and request policy.
///
/// ```
/// use snmp_session::TargetConfig;
/// let t = TargetConfig::v2c("127.0.0.1:161".parse().unwrap(), "public");
/// assert_eq!(t.retries, 3);
/// assert_eq!(t.timeout.as_secs(), 5);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TargetConfig {
    /// The agent's address.
    pub addr: SocketAddr,
    /// Credentials.
    pub security: Security,
    /// Time to wait for each attempt (default 5 s, as snmpkit).
    pub timeout: Duration,
    /// Retries after the first attempt (default 3: up to 4 attempts).
    pub retries: u32,
    /// Accept answers from another address than `addr` (agents that answer from another
    /// interface). For v3, only answers that authenticate are accepted from elsewhere.
    pub accept_any_source: bool,
    /// Requests of one operation in flight at once (default 1): with more, the chunks of a
    /// GET of many OIDs (a `get_many` split, a `poll_many` target with many OIDs) are
    /// pipelined. Device guides advise two or more for the best collection rate.
    pub max_in_flight: u16,
    /// The largest answer an adaptive walk grows its requests towards, in bytes (default
    /// 65,507, the largest UDP payload; for v3 the agent's msgMaxSize also bounds it).
    pub max_answer_size: usize,
    /// How its messages travel (default UDP).
    pub transport: Transport,
    /// Over TCP, the longest message accepted from the agent, and the msgMaxSize a v3
    /// request announces (default 1 MiB). A longer one closes the connection with
    /// [`ConnectionError::Framing`](crate::ConnectionError::Framing) as soon as its header
    /// is read.
    pub max_stream_message: usize,
}

impl TargetConfig {
    /// A v1 target.
    pub fn v1(addr: SocketAddr, community: impl AsRef<[u8]>) -> Self {
        Self::community(addr, Version::V1, community)
    }

    /// A v2c target.
    pub fn v2c(addr: SocketAddr, community: impl AsRef<[u8]>) -> Self {
        Self::community(addr, Version::V2c, community)
    }

    /// A v1 or v2c target.
    pub fn community(addr: SocketAddr, version: Version, community: impl AsRef<[u8]>) -> Self {
        Self::with_security(
            addr,
            Security::Community {
                version,
                community: Bytes::copy_from_slice(community.as_ref()),
            },
        )
    }

    /// A v3 target.
    pub fn v3(addr: SocketAddr, security: V3Security) -> Self {
        Self::with_security(addr, Security::V3(alloc::boxed::Box::new(security)))
    }

    fn with_security(addr: SocketAddr, security: Security) -> Self {
        Self {
            addr,
            security,
            timeout: Duration::from_secs(5),
            retries: 3,
            accept_any_source: false,
            max_in_flight: 1,
            max_answer_size: 65507,
            transport: Transport::Udp,
            max_stream_message: 1 << 20,
        }
    }

    /// This target over `transport`.
    ///
    /// ```
    /// use snmp_session::{TargetConfig, Transport};
    /// let t = TargetConfig::v2c("127.0.0.1:161".parse().unwrap(), "public").over(Transport::Tcp);
    /// assert_eq!(t.transport, Transport::Tcp);
    /// ```
    pub fn over(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// The SNMP version.
    pub fn version(&self) -> Version {
        match &self.security {
            Security::Community { version, .. } => *version,
            Security::V3(_) => Version::V3,
        }
    }
}

/// How a walk checks that the agent's OIDs move forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidCheck {
    /// Net-SNMP's rule (the default): every varbind of an answer must be greater than the OID
    /// its request asked for; varbinds out of order inside one answer are fine (H3C, Brocade
    /// and other agents answer GETBULK that way), every one of them is handed out, and the
    /// answer's last varbind is the next request's OID. A varbind not greater than the request's
    /// OID is handed out, and then the walk ends with [`crate::Error::NonIncreasing`] (as
    /// `snmpwalk` prints it, then `Error: OID not increasing`).
    #[default]
    Request,
    /// Strict: every varbind must be greater than the one before it, even inside one answer;
    /// the walk ends before one that is not.
    Previous,
    /// No check (Net-SNMP's `-Cc`); the walk still stops after
    /// [`WalkOptions::max_results`] varbinds (1,000,000 unless set), so that a looping agent
    /// cannot keep it running forever.
    None,
}

/// How a GETBULK walk or table chooses its max-repetitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Repetitions {
    /// Always the max-repetitions asked for (halved on `tooBig`). The default.
    #[default]
    Fixed,
    /// Start from what worked last time for the target (else from the max-repetitions asked
    /// for), double while answers come back complete and under half the size limit (the
    /// agent's msgMaxSize for v3, the target's
    /// [`max_answer_size`](TargetConfig::max_answer_size) otherwise), up to `max`; take what
    /// the agent gave when it cuts an answer short; halve on `tooBig` and for the retry after
    /// a timeout. What it ends with is remembered for the target.
    Adaptive {
        /// The most repetitions it grows to.
        max: u32,
    },
}

impl Repetitions {
    /// Adaptive, up to 256 repetitions.
    pub const fn adaptive() -> Self {
        Repetitions::Adaptive { max: 256 }
    }
}

/// Options of a walk (and of a table fetch).
///
/// ```
/// use snmp_session::{OidCheck, WalkOptions};
/// let o = WalkOptions::default().with_check(OidCheck::None).with_max_results(10_000);
/// assert_eq!(o.check, OidCheck::None);
/// assert_eq!(o.max_results, Some(10_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WalkOptions {
    /// How OIDs must move forward (default: Net-SNMP's rule, [`OidCheck::Request`]).
    pub check: OidCheck,
    /// The most varbinds a walk returns before it stops with
    /// [`crate::Error::ResultLimit`] (default: unlimited, unless the check is
    /// [`OidCheck::None`]: then 1,000,000).
    pub max_results: Option<usize>,
    /// How GETBULK's max-repetitions is chosen (default: fixed).
    pub repetitions: Repetitions,
    /// Stripes walked at once (default 1: one request at a time). With more, the subtree is
    /// split at its root's children (found with GETNEXT probes first) and the stripes are
    /// walked concurrently; the varbinds are handed out in OID order, exactly the sequence a
    /// sequential walk gives. A stripe that fails ends the walk after everything before it
    /// in OID order. The walk notes where its varbinds were: the next walk of the same
    /// subtree on the target (with as many stripes) starts its stripes there, each holding
    /// about as many varbinds, with no probes; they cover the subtree whatever changed since.
    /// Useful at high round-trip times; a CPU-bound agent gains little.
    pub parallel: u16,
    /// Hand out what ended the walk as a last varbind, as `snmpwalk` prints it: the
    /// endOfMibView exception (v2c/v3), or for v1's noSuchName end a varbind with the last OID
    /// and the value `EndOfMibView` (which `snmpwalk -v1` prints as `End of MIB`); and when
    /// the GET of the root after an empty walk answers an exception (`No Such Object`), that
    /// varbind. Off by default: a walk normally ends without yielding an exception.
    pub yield_end_of_mib: bool,
    /// Do not fall back to a GET of the root when the walk finds nothing (`snmpwalk -CI`;
    /// default off: an empty walk asks for the root itself, which may be an instance).
    pub no_root_get: bool,
}

impl WalkOptions {
    /// These options with `check`.
    pub fn with_check(mut self, check: OidCheck) -> Self {
        self.check = check;
        self
    }

    /// These options with a max-repetitions policy.
    pub fn with_repetitions(mut self, repetitions: Repetitions) -> Self {
        self.repetitions = repetitions;
        self
    }

    /// These options with `stripes` walked at once (at most 64).
    pub fn with_parallel(mut self, stripes: u16) -> Self {
        self.parallel = stripes.min(64);
        self
    }

    /// These options with a result limit.
    pub fn with_max_results(mut self, max: usize) -> Self {
        self.max_results = Some(max);
        self
    }

    /// These options with or without the GET of the root after an empty walk (`false` is
    /// `snmpwalk -CI`).
    pub fn with_root_get(mut self, yes: bool) -> Self {
        self.no_root_get = !yes;
        self
    }

    /// These options, handing out the end-of-walk marker or not.
    pub fn with_end_marker(mut self, yes: bool) -> Self {
        self.yield_end_of_mib = yes;
        self
    }

    pub(crate) fn limit(&self) -> Option<usize> {
        match (self.max_results, self.check) {
            (Some(n), _) => Some(n),
            (None, OidCheck::None) => Some(1_000_000),
            (None, _) => None,
        }
    }
}

/// Settings of one call that override its target's (Net-SNMP's `-t` and `-r` for one
/// request): `None` keeps the target's.
///
/// ```
/// use core::time::Duration;
/// use snmp_session::CallOptions;
/// let o = CallOptions::default().with_timeout(Duration::from_millis(300)).with_retries(0);
/// assert_eq!((o.timeout, o.retries), (Some(Duration::from_millis(300)), Some(0)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// The time to wait for each attempt.
    pub timeout: Option<core::time::Duration>,
    /// Retries after the first attempt.
    pub retries: Option<u32>,
}

impl CallOptions {
    /// These options with a timeout per attempt.
    pub fn with_timeout(mut self, timeout: core::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// These options with a number of retries.
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = Some(retries);
        self
    }
}
