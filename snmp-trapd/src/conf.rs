//! What `snmptrapd.conf` says: its directives as types (the access kinds, the communities
//! and users, the handlers, the formats, the OTLP settings), gathered in [`Conf`]. Reading
//! the text is [`Conf::apply`]'s.

use std::fmt;
use std::net::IpAddr;

use snmp_codec::{Oid, SecurityLevel};

/// One line of the configuration that could not be used as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as it was named (`-c FILE`).
    pub file: String,
    /// Its line, from 1.
    pub line: usize,
    /// An error (the directive is ignored) or a warning.
    pub level: Level,
    /// What is wrong, in snmptrapd's words where it has some.
    pub message: String,
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The directive was not applied.
    Error,
    /// Applied or ignored without harm.
    Warning,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "Error",
            Level::Warning => "Warning",
        };
        write!(
            f,
            "{}: line {}: {level}: {}",
            self.file, self.line, self.message
        )
    }
}

/// Where an `authCommunity` applies: any source, or one network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `default` or no SOURCE.
    Any,
    /// An address and prefix length (`10.0.0.0/8`, `192.0.2.1`).
    Net(IpAddr, u8),
}

impl Source {
    /// Whether `ip` is in this source.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match *self {
            Source::Any => true,
            Source::Net(net, bits) => match (net, ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                    u32::from(n) & mask == u32::from(a) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                    u128::from(n) & mask == u128::from(a) & mask
                }
                // An IPv4 sender on an IPv6 socket arrives mapped.
                (IpAddr::V4(n), IpAddr::V6(a)) => a
                    .to_ipv4_mapped()
                    .is_some_and(|a| Source::Net(IpAddr::V4(n), bits).contains(IpAddr::V4(a))),
                (IpAddr::V6(_), IpAddr::V4(_)) => false,
            },
        }
    }
}

/// `authCommunity TYPES COMMUNITY [SOURCE [OID | -V VIEW]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCommunity {
    /// What notifications with this community may trigger.
    pub types: Access,
    /// The community.
    pub community: Vec<u8>,
    /// Which senders.
    pub source: Source,
    /// Which snmpTrapOIDs.
    pub view: ViewLimit,
}

/// `authUser TYPES [-s MODEL] USER [LEVEL [OID | -V VIEW]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// What notifications in this user's name may trigger.
    pub types: Access,
    /// The user (msgUserName).
    pub user: Vec<u8>,
    /// The least security level (default authNoPriv, as snmptrapd's).
    pub level: SecurityLevel,
    /// Which snmpTrapOIDs.
    pub view: ViewLimit,
}

/// Which notifications an `authCommunity` or `authUser` line applies to, by snmpTrapOID
/// (as snmptrapd, the view is matched against that OID only, never the payload varbinds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ViewLimit {
    /// Neither OID nor VIEW given: every notification.
    #[default]
    Any,
    /// `OID`: the OID and everything under it.
    Subtree(Oid),
    /// `-V VIEW`: the OIDs a `view` directive of that name includes (a name no `view` line
    /// defines includes nothing).
    Named(String),
}

/// `view NAME included|excluded SUBTREE [MASK]`: one entry of a VACM view (RFC 3415).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewEntry {
    /// The view's name.
    pub name: String,
    /// `included` (true) or `excluded`.
    pub included: bool,
    /// The subtree.
    pub subtree: Oid,
    /// One bit per sub-identifier of `subtree`, most significant first: 1 must match, 0 is
    /// a wildcard. Bits past the end count as 1 (no MASK: all of them).
    pub mask: Vec<u8>,
}

impl ViewEntry {
    /// Whether `oid` is in this entry's family: at least as long as the subtree, and equal
    /// to it wherever the mask has a 1.
    pub fn covers(&self, oid: &Oid) -> bool {
        let (sub, oid) = (self.subtree.arcs(), oid.arcs());
        sub.len() <= oid.len()
            && sub.iter().zip(oid).enumerate().all(|(i, (s, o))| {
                let bit = self
                    .mask
                    .get(i / 8)
                    .is_none_or(|m| m & (0x80 >> (i % 8)) != 0);
                !bit || s == o
            })
    }
}

/// `createUser [-e ENGINEID] USER [AUTH PASS [PRIV [PASS]]]`.
#[derive(Clone, PartialEq, Eq)]
pub struct CreateUser {
    /// The user name.
    pub name: String,
    /// The sender's engine ID the keys are for (none: any sender).
    pub engine_id: Option<Vec<u8>>,
    /// Authentication protocol name (`SHA`, `SHA-256`, ...) and pass phrase.
    pub auth: Option<(String, String)>,
    /// Privacy protocol name (`AES`, `DES`, ...) and pass phrase.
    pub privacy: Option<(String, String)>,
}

impl fmt::Debug for CreateUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Pass phrases never reach a log.
        f.debug_struct("CreateUser")
            .field("name", &self.name)
            .field("engine_id", &self.engine_id)
            .field("auth", &self.auth.as_ref().map(|(p, _)| p))
            .field("privacy", &self.privacy.as_ref().map(|(p, _)| p))
            .finish()
    }
}

/// Which notifications a `traphandle` or `forward` applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrapMatch {
    /// `default`: notifications no OID-specific handler takes.
    Default,
    /// This OID exactly (`OID`), under it (`OID*`), or strictly under it (`OID.*`).
    Oid {
        /// The OID.
        oid: Oid,
        /// `*`: the OID itself or anything under it.
        subtree: bool,
        /// `.*`: only what is under it, not the OID itself.
        strict: bool,
    },
}

impl TrapMatch {
    /// Whether a notification with this snmpTrapOID is one of this handler's (`Default`
    /// matches nothing here: it is chosen when no specific handler matches).
    pub fn matches(&self, trap: &Oid) -> bool {
        match self {
            TrapMatch::Default => false,
            TrapMatch::Oid {
                oid,
                subtree,
                strict,
            } => {
                if !subtree {
                    trap == oid
                } else if *strict {
                    trap.starts_with(oid) && trap != oid
                } else {
                    trap.starts_with(oid)
                }
            }
        }
    }
}

/// What a handler does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `traphandle`: run this shell command with the notification on its standard input.
    Execute(String),
    /// `forward`: send the notification on to this destination (`[udp:]host[:port]`).
    Forward(String),
}

/// One `traphandle` or `forward` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    /// Which notifications.
    pub trap: TrapMatch,
    /// What to do.
    pub action: Action,
    /// `-F FORMAT`: the text handed over instead of the standard one.
    pub format: Option<String>,
}

/// The `format` strings (`format1`, `format2`, `format print1 ...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Formats {
    /// Logged SNMPv1 traps.
    pub print1: Option<String>,
    /// Logged SNMPv2c/v3 notifications.
    pub print2: Option<String>,
    /// SNMPv1 traps to syslog.
    pub syslog1: Option<String>,
    /// SNMPv2c/v3 notifications to syslog.
    pub syslog2: Option<String>,
    /// SNMPv1 traps handed to `traphandle` programs.
    pub execute1: Option<String>,
    /// SNMPv2c/v3 notifications handed to `traphandle` programs.
    pub execute2: Option<String>,
}

/// The OTLP log exporter's settings (this drop-in's `otlp*` directives).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OtlpConf {
    /// `otlpEndpoint URL`: `http://host:port` or `https://host:port` (HTTP: `/v1/logs` is
    /// added to a bare address). None: no export.
    pub endpoint: Option<String>,
    /// `otlpProtocol grpc|http/protobuf` (default http/protobuf).
    pub grpc: bool,
    /// `otlpResource KEY VALUE`: resource attributes (`service.name` defaults to
    /// `snmp-trapd`).
    pub resource: Vec<(String, String)>,
    /// `otlpSeverity OID|default LEVEL`: severity rules (LEVEL: TRACE, DEBUG, INFO, WARN,
    /// ERROR, FATAL).
    pub severity: Vec<(Option<Oid>, String)>,
    /// `otlpSecurityName COMMUNITY NAME`: what a community is called in the records (by
    /// default `authCommunity#N`, the N-th authCommunity line that accepted it; the
    /// community itself is never exported).
    pub security_names: Vec<(Vec<u8>, String)>,
    /// `otlpHeader NAME VALUE`: request headers (authorisation tokens).
    pub headers: Vec<(String, String)>,
    /// `otlpBuffer N`: records held while the collector is slow or away (default 10,000).
    pub buffer: usize,
    /// `otlpBatch N`: records per request (default 512).
    pub batch: usize,
    /// `otlpInterval SECONDS`: the longest a record waits for a batch (default 1).
    pub interval_secs: f64,
    /// `otlpTimeout SECONDS`: one request's time-out (default 10).
    pub timeout_secs: f64,
    /// `otlpCertificate FILE`: the CA certificates (PEM) an `https://` collector's
    /// certificate must chain to, instead of the system's trust store (as OpenTelemetry's
    /// `OTEL_EXPORTER_OTLP_CERTIFICATE`).
    pub ca_file: Option<String>,
    /// `otlpClientCertificate FILE`: a client certificate chain (PEM) for collectors that
    /// require mutual TLS, with `otlpClientKey`.
    pub client_cert: Option<String>,
    /// `otlpClientKey FILE`: the client certificate's key (PEM).
    pub client_key: Option<String>,
}

impl Default for OtlpConf {
    fn default() -> Self {
        OtlpConf {
            endpoint: None,
            grpc: false,
            resource: Vec::new(),
            severity: Vec::new(),
            security_names: Vec::new(),
            headers: Vec::new(),
            buffer: 10_000,
            batch: 512,
            interval_secs: 1.0,
            timeout_secs: 10.0,
            ca_file: None,
            client_cert: None,
            client_key: None,
        }
    }
}

/// Everything `snmptrapd.conf` files said, in order.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Conf {
    /// `authCommunity` lines.
    pub auth_communities: Vec<AuthCommunity>,
    /// `authUser` lines.
    pub auth_users: Vec<AuthUser>,
    /// `view` lines, in order.
    pub views: Vec<ViewEntry>,
    /// `createUser` lines.
    pub users: Vec<CreateUser>,
    /// `disableAuthorization yes`: every notification may trigger everything.
    pub disable_authorization: bool,
    /// `ignoreAuthFailure yes`: authenticationFailure traps are not logged.
    pub ignore_auth_failure: bool,
    /// `traphandle` and `forward` lines, in order.
    pub handlers: Vec<Handler>,
    /// The format strings.
    pub formats: Formats,
    /// `outputOption` letters (as `-O`), in order.
    pub output_options: Vec<String>,
    /// `doNotLogTraps yes`.
    pub do_not_log_traps: bool,
    /// `snmpTrapdAddr` addresses, in order.
    pub addresses: Vec<String>,
    /// `pidFile`.
    pub pid_file: Option<String>,
    /// `[snmp] mibs` / `mibs`: the MIB modules to load (as `-m`).
    pub mibs: Option<String>,
    /// `[snmp] mibdirs` / `mibdirs`: the MIB folders (as `-M`).
    pub mibdirs: Option<String>,
    /// The OTLP exporter (`otlp*` directives).
    pub otlp: OtlpConf,
}

/// The kinds of processing a notification may trigger (snmptrapd's TYPES).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    /// `log`: logged (file, stdout/stderr, syslog).
    pub log: bool,
    /// `execute`: handed to `traphandle` programs.
    pub execute: bool,
    /// `net`: forwarded.
    pub net: bool,
}

impl Access {
    /// Everything.
    pub const ALL: Access = Access {
        log: true,
        execute: true,
        net: true,
    };

    /// `log,execute,net` (any subset, any order).
    ///
    /// ```
    /// let a = snmp_trapd::Access::parse("log,net").unwrap();
    /// assert!(a.log && a.net && !a.execute);
    /// ```
    pub fn parse(types: &str) -> Result<Access, String> {
        let mut a = Access::default();
        for t in types.split(',') {
            match t.trim().to_ascii_lowercase().as_str() {
                "log" => a.log = true,
                "execute" => a.execute = true,
                "net" => a.net = true,
                other => return Err(format!("unknown processing type: {other}")),
            }
        }
        Ok(a)
    }

    /// Nothing at all: the notification is dropped.
    pub fn is_none(&self) -> bool {
        !(self.log || self.execute || self.net)
    }

    pub(crate) fn or(self, other: Access) -> Access {
        Access {
            log: self.log || other.log,
            execute: self.execute || other.execute,
            net: self.net || other.net,
        }
    }
}
