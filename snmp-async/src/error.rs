//! The adapters' error type.

use std::sync::Arc;

use snmp_codec::{ErrorStatus, Oid, OidParseError};
use snmp_session::ReportKind;
use snmp_usm::UsmError;

/// Why a Manager call failed.
///
/// The names follow snmpkit (`Timeout`, `NoSuchObject`, `NoSuchInstance`, `EndOfMibView`,
/// `Generic`), plus what SNMPv3 and I/O need.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No answer after every attempt.
    #[error("timeout after {attempts} attempts")]
    Timeout {
        /// Attempts made.
        attempts: u32,
    },
    /// noSuchObject for this OID.
    #[error("no such object: {oid}")]
    NoSuchObject {
        /// The OID.
        oid: Oid,
    },
    /// noSuchInstance for this OID.
    #[error("no such instance: {oid}")]
    NoSuchInstance {
        /// The OID.
        oid: Oid,
    },
    /// endOfMibView after this OID.
    #[error("end of MIB view after {oid}")]
    EndOfMibView {
        /// The OID.
        oid: Oid,
    },
    /// The agent answered with an error-status.
    #[error("{status} (index {index})")]
    Generic {
        /// The error-status.
        status: ErrorStatus,
        /// The error-index (1-based).
        index: u32,
        /// The OID the index points at.
        oid: Option<Oid>,
    },
    /// A v3 Report (misconfiguration: unknown user, wrong password, ...).
    #[error("SNMPv3 report: {0}")]
    Report(ReportKind),
    /// Every answer failed our own v3 checks.
    #[error("SNMPv3: {0}")]
    Usm(UsmError),
    /// A walk got an OID not greater than the previous one.
    #[error("OID not increasing: {received} after {previous}")]
    NonIncreasing {
        /// The previous OID.
        previous: Oid,
        /// The OID after it.
        received: Oid,
    },
    /// A walk reached its result limit.
    #[error("result limit of {0} varbinds reached")]
    ResultLimit(usize),
    /// The request or its answer does not fit in a message.
    #[error("message too big")]
    TooBig,
    /// Not available in this SNMP version (GETBULK in v1).
    #[error("not supported in this SNMP version")]
    NotSupported,
    /// The agent's answer did not match the request.
    #[error("malformed response: {0}")]
    MalformedResponse(&'static str),
    /// The OID text is not an OID.
    #[error("invalid OID: {0}")]
    InvalidOid(#[from] OidParseError),
    /// An argument that is not valid (a protocol name, a value of the wrong form, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// The host name did not resolve.
    #[error("cannot resolve {0}")]
    Resolve(String),
    /// A socket error.
    #[error("I/O: {0}")]
    Io(Arc<std::io::Error>),
    /// The manager was closed (or its driver stopped).
    #[error("manager closed")]
    Closed,
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

impl From<snmp_session::Error> for Error {
    fn from(e: snmp_session::Error) -> Self {
        use snmp_session::Error as S;
        match e {
            S::Timeout { attempts } => Error::Timeout { attempts },
            S::NoSuchObject { oid } => Error::NoSuchObject { oid },
            S::NoSuchInstance { oid } => Error::NoSuchInstance { oid },
            S::EndOfMibView { oid } => Error::EndOfMibView { oid },
            S::Status { status, index, oid } => Error::Generic { status, index, oid },
            S::Report(r) => Error::Report(r),
            S::Usm(u) => Error::Usm(u),
            S::NonIncreasing { previous, received } => Error::NonIncreasing { previous, received },
            S::ResultLimit(n) => Error::ResultLimit(n),
            S::TooBig => Error::TooBig,
            S::NotSupported => Error::NotSupported,
            S::MalformedResponse(m) => Error::MalformedResponse(m),
            S::Cancelled | S::UnknownTarget => Error::Closed,
            _ => Error::Closed,
        }
    }
}

impl PartialEq for Error {
    /// Compares by kind and data; I/O errors compare by their kind.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Error::Io(a), Error::Io(b)) => a.kind() == b.kind(),
            _ => alloc_free_eq(self, other),
        }
    }
}

fn alloc_free_eq(a: &Error, b: &Error) -> bool {
    use Error::*;
    match (a, b) {
        (Timeout { attempts: x }, Timeout { attempts: y }) => x == y,
        (NoSuchObject { oid: x }, NoSuchObject { oid: y })
        | (NoSuchInstance { oid: x }, NoSuchInstance { oid: y })
        | (EndOfMibView { oid: x }, EndOfMibView { oid: y }) => x == y,
        (
            Generic {
                status: s1,
                index: i1,
                oid: o1,
            },
            Generic {
                status: s2,
                index: i2,
                oid: o2,
            },
        ) => s1 == s2 && i1 == i2 && o1 == o2,
        (Report(x), Report(y)) => x == y,
        (Usm(x), Usm(y)) => x == y,
        (
            NonIncreasing {
                previous: p1,
                received: r1,
            },
            NonIncreasing {
                previous: p2,
                received: r2,
            },
        ) => p1 == p2 && r1 == r2,
        (ResultLimit(x), ResultLimit(y)) => x == y,
        (MalformedResponse(x), MalformedResponse(y)) => x == y,
        (InvalidOid(x), InvalidOid(y)) => x == y,
        (Resolve(x), Resolve(y)) | (InvalidArgument(x), InvalidArgument(y)) => x == y,
        (TooBig, TooBig) | (NotSupported, NotSupported) | (Closed, Closed) => true,
        _ => false,
    }
}
