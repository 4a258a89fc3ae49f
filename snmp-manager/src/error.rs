//! The adapters' error type: the session's errors wrapped (never copied), with the target
//! they concern, and what only an adapter can fail at (names, sockets, a closed driver).

use std::net::SocketAddr;
use std::sync::Arc;

use snmp_codec::OidParseError;
use snmp_session::StartError;
use snmp_usm::UsmError;

/// Why a Manager call failed.
///
/// What happened to an operation on the wire (a timeout, an error-status, an exception such
/// as noSuchObject, a v3 Report, ...) is the session's [`snmp_session::Error`], wrapped in
/// [`Error::Operation`] with the agent's address; [`Error::operation`] reaches it.
///
/// ```
/// use std::time::Duration;
/// use snmp_manager::{session, Error, ErrorStatus};
/// let timeout = session::Error::Timeout { attempts: 4, waited: Duration::from_secs(20) };
/// let e = Error::operation_failed("192.0.2.1:161".parse().unwrap(), timeout.clone());
/// assert_eq!(e.to_string(), "no response from 192.0.2.1:161 after 4 attempts in 20 s");
/// assert!(e.is_timeout());
/// assert_eq!(e.operation(), Some(&timeout));
///
/// let refused = session::Error::Status {
///     status: ErrorStatus::WrongType,
///     index: 1,
///     oid: Some("1.3.6.1.2.1.1.4.0".parse().unwrap()),
/// };
/// let e = Error::operation_failed("192.0.2.1:161".parse().unwrap(), refused);
/// assert_eq!(e.to_string(), "192.0.2.1:161: wrongType for 1.3.6.1.2.1.1.4.0 (varbind 1)");
/// // The session's error is reachable with `operation()`; it is not also the `source()`,
/// // whose text the message already holds (error reporters would print it twice).
/// assert!(std::error::Error::source(&e).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operation failed: no answer, an error-status, an exception value, a v3 Report...
    /// Its text names the agent: `no response from 192.0.2.1:161 after 4 attempts in 20 s`,
    /// `192.0.2.1:161: wrongType for 1.3.6.1.2.1.1.4.0 (varbind 1)`.
    #[error("{}", OperationText(target, error, named.as_deref()))]
    Operation {
        /// The agent.
        target: SocketAddr,
        /// What happened (boxed: errors stay small on the success path's `Result`).
        error: Box<snmp_session::Error>,
        /// The message with the OIDs named through the Manager's MIB, where the caller gave
        /// names (`no such instance: SNMPv2-MIB::sysDescr.99`).
        named: Option<Box<str>>,
    },
    /// The operation could not start (GETBULK on a v1 agent, ...); nothing was sent.
    #[error("{target}: {error}")]
    Start {
        /// The agent.
        target: SocketAddr,
        /// Why.
        error: StartError,
    },
    /// The OID text is not an OID.
    #[error("invalid OID: {0}")]
    InvalidOid(OidParseError),
    /// A name that no loaded MIB module defines, or OID text that is neither a name nor
    /// numbers (the error repeats the text and suggests close names).
    #[error("{0}")]
    Name(snmp_mib::ResolveError),
    /// A value is not of the type asked for (`String::try_from(value)?`).
    #[error("{0}")]
    WrongType(snmp_codec::WrongType),
    /// `table(..)` of something the MIB knows is not a table, row or column (`snmptable`'s
    /// "Was that a table?"): nothing was sent.
    #[error("{0}: not a table (Was that a table?)")]
    NotATable(String),
    /// A row has no column of that name or number (the text given, and close names).
    #[error("no column {name:?} in this table{}", suggest_columns(suggestions))]
    NoSuchColumn {
        /// The column asked for.
        name: String,
        /// Close column names that exist.
        suggestions: Vec<String>,
    },
    /// The v3 credentials are not usable (an empty password, privacy without
    /// authentication, ...).
    #[error("invalid SNMPv3 credentials: {0}")]
    Credentials(UsmError),
    /// The builder's settings contradict each other (authentication given for v1/v2c, a
    /// security level the credentials cannot give, a pass phrase shorter than USM's 8
    /// characters, a port out of range): nothing was sent. Match on the kind.
    #[error("invalid configuration: {0}")]
    Config(ConfigError),
    /// The host name did not resolve.
    #[error("cannot resolve {0}")]
    Resolve(String),
    /// A socket error.
    #[error("I/O: {0}")]
    Io(IoError),
    /// The manager was closed (or its driver stopped).
    #[error("manager closed")]
    Closed,
}

fn suggest_columns(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

/// What is wrong with a Manager's settings ([`Error::Config`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Authentication or privacy given for v1/v2c.
    #[error("authentication and privacy are SNMPv3's: give a user (`.user(..)`) or drop them")]
    CredentialsWithoutV3,
    /// A security level given for v1/v2c.
    #[error("a security level is SNMPv3's: give a user")]
    LevelWithoutV3,
    /// Privacy without authentication.
    #[error("privacy needs authentication (USM has no privacy without it)")]
    PrivacyWithoutAuth,
    /// A pass phrase shorter than USM's 8 characters.
    #[error("a pass phrase below USM's minimum of 8 characters (RFC 3414 11.2)")]
    ShortPassPhrase,
    /// A security level above what the credentials give.
    #[error("the security level asks for more than the credentials give")]
    LevelAboveCredentials,
    /// A port that is not a number from 1 to 65535 (the text given).
    #[error("{0}: the port is not a number from 1 to 65535")]
    BadPort(String),
}

/// The text of [`Error::Operation`]: a timeout says where it waited and how long, the rest
/// is the agent then the session's error (with names, when the caller gave names).
struct OperationText<'a>(&'a SocketAddr, &'a snmp_session::Error, Option<&'a str>);

impl std::fmt::Display for OperationText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(named) = self.2 {
            return write!(f, "{}: {named}", self.0);
        }
        match self.1 {
            snmp_session::Error::Timeout { attempts, waited } => write!(
                f,
                "no response from {} after {} in {}",
                self.0,
                snmp_session::Attempts(*attempts),
                snmp_session::Seconds(*waited)
            ),
            snmp_session::Error::PrivacyTimeout { attempts, waited } => write!(
                f,
                "no response from {} after {} in {}, though it answered the v3 discovery: the \
                 privacy password or protocol is the likely cause (an agent drops what it \
                 cannot decrypt)",
                self.0,
                snmp_session::Attempts(*attempts),
                snmp_session::Seconds(*waited)
            ),
            snmp_session::Error::Report(
                kind @ (snmp_session::ReportKind::WrongDigest
                | snmp_session::ReportKind::UnknownUserName),
            ) => write!(
                f,
                "{}: SNMPv3 report: {kind} (a Report that cannot be authenticated is believed \
                 only when no genuine answer came within the timeout: anyone can forge one)",
                self.0
            ),
            other => write!(f, "{}: {other}", self.0),
        }
    }
}

impl Error {
    /// [`Error::Operation`] for `target`.
    pub fn operation_failed(target: SocketAddr, error: snmp_session::Error) -> Self {
        Error::Operation {
            target,
            error: Box::new(error),
            named: None,
        }
    }

    /// This error with its OIDs named through `mib` (what a Manager does where the caller gave
    /// names): `no such instance: SNMPv2-MIB::sysDescr.99`.
    pub fn with_names(self, mib: &snmp_mib::Mib) -> Self {
        match self {
            Error::Operation { target, error, .. } => {
                let named = crate::names::operation_text(&error, mib);
                Error::Operation {
                    target,
                    error,
                    named,
                }
            }
            other => other,
        }
    }

    /// The session's error, when the operation ran and failed.
    pub fn operation(&self) -> Option<&snmp_session::Error> {
        match self {
            Error::Operation { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The agent the error concerns, when it concerns one.
    pub fn target(&self) -> Option<SocketAddr> {
        match self {
            Error::Operation { target, .. } | Error::Start { target, .. } => Some(*target),
            _ => None,
        }
    }

    /// Whether the agent never answered.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.operation(),
            Some(snmp_session::Error::Timeout { .. } | snmp_session::Error::PrivacyTimeout { .. })
        )
    }
}

/// An I/O error, shared (errors are `Clone`) and compared by kind.
#[derive(Debug, Clone)]
pub struct IoError(pub Arc<std::io::Error>);

impl PartialEq for IoError {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind()
    }
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(IoError(Arc::new(e)))
    }
}

impl From<OidParseError> for Error {
    fn from(e: OidParseError) -> Self {
        Error::InvalidOid(e)
    }
}

impl From<snmp_mib::ResolveError> for Error {
    fn from(e: snmp_mib::ResolveError) -> Self {
        Error::Name(e)
    }
}

impl From<snmp_codec::WrongType> for Error {
    fn from(e: snmp_codec::WrongType) -> Self {
        Error::WrongType(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// A walk's error with the varbinds received before it (`collect_all`); `?` turns it into
/// its [`Error`].
///
/// ```
/// use snmp_manager::{session, Error, WalkError};
/// fn count(r: Result<Vec<(snmp_manager::Oid, snmp_manager::Value)>, WalkError>) -> Result<usize, Error> {
///     Ok(r?.len())
/// }
/// let e = Error::operation_failed("192.0.2.1:161".parse().unwrap(), session::Error::Cancelled);
/// let partial = vec![("1.3.6.1.2.1.1.1.0".parse().unwrap(), "up".into())];
/// let err = WalkError { error: e.clone(), partial };
/// assert_eq!(err.to_string(), "192.0.2.1:161: cancelled (after 1 varbinds)");
/// assert_eq!(count(Err(err)), Err(e));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} (after {} varbinds)", partial.len())]
pub struct WalkError {
    /// What ended the walk.
    pub error: Error,
    /// The varbinds received before it, in order.
    pub partial: Vec<(snmp_codec::Oid, snmp_codec::Value)>,
}

impl From<WalkError> for Error {
    fn from(e: WalkError) -> Self {
        e.error
    }
}
