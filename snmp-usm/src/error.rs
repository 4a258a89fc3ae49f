//! USM errors.

use snmp_codec::{DecodeError, EncodeError};

/// Why USM processing failed, naming the step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsmError {
    /// The message could not be decoded.
    #[error("malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// The output buffer is too small.
    #[error("{0}")]
    Encode(#[from] EncodeError),
    /// The message is not an SNMPv3 message.
    #[error("not an SNMPv3 message")]
    NotV3,
    /// No such user (usmStatsUnknownUserNames).
    #[error("unknown user name")]
    UnknownUserName,
    /// The message names an engine we have no keys for (usmStatsUnknownEngineIDs).
    #[error("unknown engine ID")]
    UnknownEngineId,
    /// The security level is more than the user is configured for, or the flags are
    /// inconsistent with the message (usmStatsUnsupportedSecLevels).
    #[error("unsupported security level")]
    UnsupportedSecurityLevel,
    /// Authentication failed: the HMAC does not match, or the authentication parameters do not
    /// have the protocol's length (usmStatsWrongDigests).
    #[error("wrong digest: authentication failed")]
    WrongDigest,
    /// The message is outside the 150-second time window (usmStatsNotInTimeWindows).
    #[error("not in time window")]
    NotInTimeWindow,
    /// The privacy parameters are malformed or the plaintext is not a ScopedPDU
    /// (usmStatsDecryptionErrors).
    #[error("decryption error")]
    DecryptionError,
    /// An empty password.
    #[error("empty password")]
    EmptyPassword,
    /// Key bytes of the wrong length for their protocol.
    #[error("key has the wrong length for its protocol")]
    InvalidKeyLength,
    /// The range given for signing is not the protocol's MAC length.
    #[error("authentication parameters field has the wrong length")]
    InvalidAuthParamsLength,
}
