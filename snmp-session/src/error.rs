//! The errors an operation ends with.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, Exception, ExceptionKind, Oid, Version};
use snmp_usm::{UsmError, UsmStat};

/// What a Report PDU from a v3 agent means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReportKind {
    /// usmStatsUnsupportedSecLevels: the agent's user does not support this security level.
    UnsupportedSecurityLevel,
    /// usmStatsNotInTimeWindows (after one resynchronisation and resend).
    NotInTimeWindow,
    /// usmStatsUnknownUserNames: no such user on the agent.
    UnknownUserName,
    /// usmStatsUnknownEngineIDs (after a fresh discovery and resend).
    UnknownEngineId,
    /// usmStatsWrongDigests: the authentication password (or protocol) differs.
    WrongDigest,
    /// usmStatsDecryptionErrors: the privacy password (or protocol) differs.
    DecryptionError,
    /// snmpUnknownContexts or snmpUnavailableContexts: no such context.
    UnknownContext,
    /// snmpUnknownPDUHandlers and anything else: the Report's first OID.
    Other(Oid),
}

impl ReportKind {
    /// snmpUnknownContexts (1.3.6.1.6.3.12.1.5.0).
    const UNKNOWN_CONTEXTS: [u32; 10] = [1, 3, 6, 1, 6, 3, 12, 1, 5, 0];

    /// Classifies a Report by its first varbind's OID (a Report without varbinds is
    /// `Other` of the empty OID, and says so).
    ///
    /// ```
    /// use snmp_session::{Error, ReportKind};
    /// let k = ReportKind::from_oid(&"1.3.6.1.6.3.15.1.1.5.0".parse().unwrap());
    /// assert_eq!(k, ReportKind::WrongDigest);
    /// assert_eq!(k.oid().to_string(), "1.3.6.1.6.3.15.1.1.5.0");
    /// let empty = Error::Report(ReportKind::Other(snmp_codec::Oid::new()));
    /// assert_eq!(empty.to_string(), "SNMPv3 report: a Report without varbinds");
    /// ```
    pub fn from_oid(oid: &Oid) -> ReportKind {
        if let Some(stat) = UsmStat::from_oid(oid) {
            return match stat {
                UsmStat::UnsupportedSecLevels => ReportKind::UnsupportedSecurityLevel,
                UsmStat::NotInTimeWindows => ReportKind::NotInTimeWindow,
                UsmStat::UnknownUserNames => ReportKind::UnknownUserName,
                UsmStat::UnknownEngineIds => ReportKind::UnknownEngineId,
                UsmStat::WrongDigests => ReportKind::WrongDigest,
                UsmStat::DecryptionErrors => ReportKind::DecryptionError,
            };
        }
        let a = oid.arcs();
        if a.starts_with(&[1, 3, 6, 1, 6, 3, 12, 1, 4])
            || a.starts_with(&[1, 3, 6, 1, 6, 3, 12, 1, 5])
        {
            return ReportKind::UnknownContext;
        }
        ReportKind::Other(oid.clone())
    }

    /// The OID a Report of this kind carries (for [`ReportKind::UnknownContext`],
    /// snmpUnknownContexts).
    pub fn oid(&self) -> Oid {
        let stat = match self {
            ReportKind::UnsupportedSecurityLevel => UsmStat::UnsupportedSecLevels,
            ReportKind::NotInTimeWindow => UsmStat::NotInTimeWindows,
            ReportKind::UnknownUserName => UsmStat::UnknownUserNames,
            ReportKind::UnknownEngineId => UsmStat::UnknownEngineIds,
            ReportKind::WrongDigest => UsmStat::WrongDigests,
            ReportKind::DecryptionError => UsmStat::DecryptionErrors,
            ReportKind::UnknownContext => return Oid::from_arcs(&Self::UNKNOWN_CONTEXTS),
            ReportKind::Other(oid) => return oid.clone(),
        };
        stat.oid()
    }
}

impl core::fmt::Display for ReportKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReportKind::UnsupportedSecurityLevel => f.write_str("unsupported security level"),
            ReportKind::NotInTimeWindow => f.write_str("not in time window"),
            ReportKind::UnknownUserName => f.write_str("unknown user name"),
            ReportKind::UnknownEngineId => f.write_str("unknown engine ID"),
            ReportKind::WrongDigest => f.write_str("wrong digest (authentication password?)"),
            ReportKind::DecryptionError => f.write_str("decryption error (privacy password?)"),
            ReportKind::UnknownContext => f.write_str("unknown context"),
            ReportKind::Other(oid) if oid.is_empty() => f.write_str("a Report without varbinds"),
            ReportKind::Other(oid) => write!(f, "report {oid}"),
        }
    }
}

/// Why an operation failed.
///
/// One enum serves every operation: most failures (timeouts, error-status, v3 reports) are
/// common to all of them, and walks and tables add only a few of their own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No answer after every attempt.
    #[error("no response after {} in {}", Attempts(*.attempts), Seconds(*.waited))]
    Timeout {
        /// Attempts made.
        attempts: u32,
        /// How long they waited in all (the attempts' timeouts added up).
        waited: core::time::Duration,
    },
    /// No answer after every attempt from a v3 agent whose engine answered the discovery, with
    /// privacy on and no authenticated answer ever: the agent drops what it cannot decrypt,
    /// so the privacy password or protocol (or an AES key extension) is the likely cause.
    #[error("no response after {} in {}, though the agent answered discovery: the privacy password or protocol is the likely cause", Attempts(*.attempts), Seconds(*.waited))]
    PrivacyTimeout {
        /// Attempts made.
        attempts: u32,
        /// How long they waited in all.
        waited: core::time::Duration,
    },
    /// No valid answer after every attempt, and datagrams that did not decode came from the
    /// agent's address meanwhile (a broken agent, or something else on its port).
    #[error("no valid answer after {attempts} attempts: {datagrams} datagrams from the agent did not decode")]
    Malformed {
        /// Attempts made.
        attempts: u32,
        /// Datagrams from the agent's address that did not decode.
        datagrams: u32,
    },
    /// The agent answered noSuchObject for this OID.
    #[error("no such object: {oid}")]
    NoSuchObject {
        /// The OID asked for.
        oid: Oid,
    },
    /// The agent answered noSuchInstance for this OID.
    #[error("no such instance: {oid}")]
    NoSuchInstance {
        /// The OID asked for.
        oid: Oid,
    },
    /// The agent answered endOfMibView after this OID.
    #[error("end of MIB view after {oid}")]
    EndOfMibView {
        /// The OID asked from.
        oid: Oid,
    },
    /// The agent answered with an error-status.
    #[error("{status}{}", StatusWhere(*.index, .oid.as_ref()))]
    Status {
        /// The error-status.
        status: ErrorStatus,
        /// The error-index (1-based; 0 when the error is not about one varbind).
        index: u32,
        /// The OID the index points at, when it points at one.
        oid: Option<Oid>,
    },
    /// A v3 agent answered with a Report.
    #[error("SNMPv3 report: {0}")]
    Report(ReportKind),
    /// An answer failed our own v3 checks for every attempt (wrong password on our side, ...).
    #[error("SNMPv3: {0}")]
    Usm(UsmError),
    /// A walk got an OID not greater than the one it had to follow (see
    /// [`OidCheck`](crate::OidCheck)): the OID its request asked for, or with the strict
    /// check the previous varbind's.
    #[error("OID not increasing: {received} after {previous}")]
    NonIncreasing {
        /// The OID it had to follow.
        previous: Oid,
        /// The first OID that did not.
        received: Oid,
        /// Later OIDs of the same answer that did not either (Net-SNMP reports each).
        also: Vec<Oid>,
    },
    /// A walk reached its result limit.
    #[error("result limit of {0} varbinds reached")]
    ResultLimit(usize),
    /// The request does not fit in a message (or the agent's answer would not, even with one
    /// varbind or one repetition).
    #[error("message too big")]
    TooBig,
    /// The operation was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The target was removed while the operation ran.
    #[error("target removed")]
    UnknownTarget,
    /// The agent's answer did not match the request (wrong number of varbinds, ...).
    #[error("malformed response: {0}")]
    MalformedResponse(&'static str),
    /// A stream (TCP) target's connection could not be made, or failed while the request
    /// waited and no attempt was left to make it again.
    #[error("{0}")]
    Connection(ConnectionError),
}

/// What happened to a stream (TCP) target's connection: what a driver reports with
/// [`Session::handle_disconnected`](crate::Session::handle_disconnected), and what the
/// session itself finds on the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The agent refused the connection (nothing listens on its port).
    Refused,
    /// The connection could not be made (no route, unreachable, other I/O errors).
    Failed,
    /// No connection within the request's timeout.
    ConnectTimeout,
    /// The agent closed the connection (or reset it).
    Closed,
    /// The stream went out of step: garbage, an unusable length, or a message over the
    /// target's limit (the session closes the connection).
    Framing(snmp_codec::FrameError),
    /// A message on the stream did not decode (the session closes the connection).
    Malformed,
    /// Over UDP: the agent's host said nothing listens on the port (ICMP port unreachable,
    /// reported by a connected socket).
    PortUnreachable,
}

impl core::fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ConnectionError::Refused => f.write_str("connection refused"),
            ConnectionError::Failed => f.write_str("connection failed"),
            ConnectionError::ConnectTimeout => f.write_str("connection timed out"),
            ConnectionError::Closed => f.write_str("connection closed by the agent"),
            ConnectionError::Framing(e) => write!(f, "connection closed: {e}"),
            ConnectionError::Malformed => {
                f.write_str("connection closed: a message from the agent did not decode")
            }
            ConnectionError::PortUnreachable => {
                f.write_str("nothing listens on the agent's port (ICMP port unreachable)")
            }
        }
    }
}

impl From<Exception> for Error {
    /// An exception value as `get` reports it.
    fn from(e: Exception) -> Self {
        match e.kind {
            ExceptionKind::NoSuchObject => Error::NoSuchObject { oid: e.oid },
            ExceptionKind::NoSuchInstance => Error::NoSuchInstance { oid: e.oid },
            ExceptionKind::EndOfMibView => Error::EndOfMibView { oid: e.oid },
        }
    }
}

/// Why an operation could not start ([`Session::start`](crate::Session::start)): nothing was
/// sent. What happens after a start is an [`Error`] in the operation's `Done` event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// No such target in this session.
    #[error("unknown target")]
    UnknownTarget,
    /// The operation does not exist in the target's SNMP version (GETBULK in v1, ...).
    #[error("{request} does not exist in {}", version_name(*.version))]
    NotInVersion {
        /// The operation ([`Request::name`](crate::Request::name)).
        request: &'static str,
        /// The target's version.
        version: Version,
    },
}

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V1 => "SNMPv1",
        Version::V2c => "SNMPv2c",
        Version::V3 => "SNMPv3",
    }
}

/// `1 attempt`, `4 attempts`.
pub struct Attempts(pub u32);

impl core::fmt::Display for Attempts {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            1 => f.write_str("1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

/// A duration as people read it in an error: `20 s`, `1.5 s`, `0.25 s`.
pub struct Seconds(pub core::time::Duration);

impl core::fmt::Display for Seconds {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{} s", ms / 1000)
        } else {
            let text = alloc::format!("{}.{:03}", ms / 1000, ms % 1000);
            write!(f, "{} s", text.trim_end_matches('0'))
        }
    }
}

/// ` for OID (varbind N)`, ` (varbind N)` or nothing, after an error-status.
struct StatusWhere<'a>(u32, Option<&'a Oid>);

impl core::fmt::Display for StatusWhere<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match (self.0, self.1) {
            (0, _) => Ok(()),
            (i, Some(oid)) => write!(f, " for {oid} (varbind {i})"),
            (i, None) => write!(f, " (varbind {i})"),
        }
    }
}
