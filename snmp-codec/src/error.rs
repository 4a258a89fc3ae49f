//! Decode and encode errors.

/// Why a decode failed, and at which byte of the input.
///
/// `offset` counts from the first byte handed to the decoder (for a whole message, the first
/// byte of the UDP payload). The error is `Copy` and allocation free, so a manager can count and
/// log hostile datagrams cheaply.
///
/// ```
/// use snmp_codec::{DecodeErrorKind, Message};
/// let err = Message::decode(&[0x30, 0x80]).unwrap_err();
/// assert_eq!(err.kind(), DecodeErrorKind::IndefiniteLength);
/// assert_eq!(err.offset(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: usize,
}

impl DecodeError {
    pub(crate) const fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What was wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// Where it was found: the offset of the offending byte (usually the start of the TLV).
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside a TLV, or a length points past the end of its parent.
    #[error("truncated input")]
    Truncated,
    /// Indefinite length (`0x80`), which SNMP's BER forbids.
    #[error("indefinite length is not allowed")]
    IndefiniteLength,
    /// A long-form length of more than four octets, or one that does not fit in memory.
    #[error("length field too long")]
    LengthTooLong,
    /// A multi-octet (high-tag-number) identifier, which SNMP never uses.
    #[error("multi-octet tag is not allowed")]
    HighTagNumber,
    /// Another tag was expected here.
    #[error("unexpected tag 0x{found:02x} (expected 0x{expected:02x})")]
    UnexpectedTag {
        /// The tag the grammar asks for.
        expected: u8,
        /// The tag found in the input.
        found: u8,
    },
    /// A tag that is not a known SNMP PDU.
    #[error("unknown PDU tag 0x{0:02x}")]
    UnknownPduType(u8),
    /// An INTEGER with no content octets.
    #[error("empty integer")]
    EmptyInteger,
    /// An integer whose value does not fit the type it encodes.
    #[error("integer too large for its type")]
    IntegerOverflow,
    /// A negative value where the type is unsigned or the field must not be negative.
    #[error("negative value not allowed here")]
    NegativeValue,
    /// A zero-length OBJECT IDENTIFIER.
    #[error("empty object identifier")]
    EmptyOid,
    /// An OID sub-identifier that starts with `0x80` (non-minimal base-128).
    #[error("non-minimal OID sub-identifier")]
    NonMinimalOid,
    /// An OID that ends in the middle of a sub-identifier.
    #[error("truncated OID sub-identifier")]
    TruncatedOid,
    /// An OID arc above `u32::MAX`.
    #[error("OID arc larger than 2^32-1")]
    OidArcOverflow,
    /// More than [`crate::MAX_OID_ARCS`] arcs.
    #[error("OID has too many arcs")]
    OidTooLong,
    /// A primitive value whose length is wrong for its type (IpAddress not 4 octets, NULL with
    /// content, an Opaque float that is not 4 octets, ...).
    #[error("invalid length {len} for tag 0x{tag:02x}")]
    InvalidLength {
        /// The tag of the value.
        tag: u8,
        /// The length found.
        len: usize,
    },
    /// Bytes left inside a SEQUENCE after its last expected element.
    #[error("unexpected data after the last element of a sequence")]
    TrailingData,
    /// A message version other than 0 (v1), 1 (v2c) or 3 (v3).
    #[error("unknown SNMP version {0}")]
    UnknownVersion(i32),
    /// msgFlags is not exactly one octet, or asks for privacy without authentication.
    #[error("invalid msgFlags")]
    InvalidMsgFlags,
    /// msgMaxSize below 484, the minimum RFC 3412 allows.
    #[error("msgMaxSize {0} below 484")]
    MsgMaxSizeTooSmall(i32),
    /// A security model this crate does not decode (only USM, 3, is).
    #[error("unsupported security model {0}")]
    UnknownSecurityModel(i32),
    /// msgAuthoritativeEngineID longer than 32 octets.
    #[error("engine ID longer than 32 octets")]
    EngineIdTooLong,
    /// msgUserName longer than 32 octets.
    #[error("user name longer than 32 octets")]
    UserNameTooLong,
    /// A PDU type that cannot appear in this message version (GetBulk in v1, Trap-PDU in v2c/v3).
    #[error("PDU type not allowed in this SNMP version")]
    PduNotAllowed,
}

/// Encoding failed: the caller's buffer is too small.
///
/// Call `encoded_len()` first to size the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("buffer too small: need {needed} bytes, have {available}")]
pub struct EncodeError {
    /// Bytes the encoding needs.
    pub needed: usize,
    /// Bytes the buffer has.
    pub available: usize,
}
