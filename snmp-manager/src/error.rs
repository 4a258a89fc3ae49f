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
/// // The session's error stays reachable as the source.
/// assert!(std::error::Error::source(&e).is_some());
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operation failed: no answer, an error-status, an exception value, a v3 Report...
    /// Its text names the agent: `no response from 192.0.2.1:161 after 4 attempts in 20 s`,
    /// `192.0.2.1:161: wrongType for 1.3.6.1.2.1.1.4.0 (varbind 1)`.
    #[error("{}", OperationText(target, error))]
    Operation {
        /// The agent.
        target: SocketAddr,
        /// What happened (boxed: errors stay small on the success path's `Result`).
        #[source]
        error: Box<snmp_session::Error>,
    },
    /// The operation could not start (GETBULK on a v1 agent, ...); nothing was sent.
    #[error("{target}: {error}")]
    Start {
        /// The agent.
        target: SocketAddr,
        /// Why.
        #[source]
        error: StartError,
    },
    /// The OID text is not an OID.
    #[error("invalid OID: {0}")]
    InvalidOid(#[from] OidParseError),
    /// A name that no loaded MIB module defines, or OID text that is neither a name nor
    /// numbers (the error repeats the text and suggests close names).
    #[error("{0}")]
    Name(#[from] snmp_mib::ResolveError),
    /// The v3 credentials are not usable (an empty password, privacy without
    /// authentication, ...).
    #[error("invalid SNMPv3 credentials: {0}")]
    Credentials(UsmError),
    /// The builder's settings contradict each other (authentication given for v1/v2c, a
    /// security level the credentials cannot give, a pass phrase shorter than USM's 8
    /// characters): nothing was sent.
    #[error("invalid configuration: {0}")]
    Config(&'static str),
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

/// The text of [`Error::Operation`]: a timeout says where it waited and how long, the rest
/// is the agent then the session's error.
struct OperationText<'a>(&'a SocketAddr, &'a snmp_session::Error);

impl std::fmt::Display for OperationText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            snmp_session::Error::Timeout { attempts, waited } => write!(
                f,
                "no response from {} after {} in {}",
                self.0,
                snmp_session::Attempts(*attempts),
                snmp_session::Seconds(*waited)
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
        matches!(self.operation(), Some(snmp_session::Error::Timeout { .. }))
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
