//! # snmp-codec
//!
//! The SNMP wire format: BER as SNMP uses it, every SMI value type, every PDU (the SNMPv1
//! Trap included) and v1, v2c and v3 messages, with the USM security parameters.
//!
//! This crate never does I/O and never reads a clock. It is `#![no_std]` with `alloc`.
//!
//! - [`Oid`]: object identifiers, up to 12 arcs without a heap allocation.
//! - [`Value`] and [`VarBind`]: values, printed as Net-SNMP's `snmpget -On` prints them.
//! - [`Pdu`]: GetRequest, GetNextRequest, GetBulkRequest, SetRequest, Response, v1 Trap,
//!   SNMPv2-Trap, InformRequest, Report.
//! - [`Message`]: [`CommunityMessage`] (v1, v2c) and [`V3Message`] (v3 with
//!   [`UsmSecurityParameters`] and a plaintext or encrypted [`ScopedPdu`]).
//!
//! ## Decoding
//!
//! Strict where it matters, lenient where real agents are sloppy:
//! - indefinite lengths, lengths past their parent, more than four length octets, integers
//!   wider than their type, OID arcs above `u32::MAX`, non-minimal or truncated OID
//!   sub-identifiers, trailing bytes inside a SEQUENCE are errors;
//! - non-minimal long-form lengths (`30 82 00 35`), redundant sign octets in integers, unsigned
//!   values with the top bit set and no leading zero, and unknown value tags are accepted;
//! - bytes after the outer message SEQUENCE are ignored ([`Message::decode_prefix`] tells how
//!   many bytes the message took);
//! - the decoder follows SNMP's fixed grammar and never recurses into unknown constructed
//!   types, so nesting depth is bounded; every error says what and at which byte
//!   ([`DecodeError`]); no input panics, and the memory a decode allocates is bounded by a small
//!   multiple of the input size (no length field is trusted for pre-allocation).
//!
//! Decoding from a [`bytes::Bytes`] is zero-copy for octet strings.
//!
//! ## Encoding
//!
//! Every encodable type has `encoded_len()` and `encode(&mut [u8])`, plus `to_vec()`.
//! Lengths are minimal definite lengths. [`V3Message::encode`] reports where the
//! authentication parameters are, so they can be signed in place.
//!
//! ```
//! use snmp_codec::{CommunityMessage, Message, Pdu, Value, VarBind, Version};
//!
//! // Build and encode a GetRequest.
//! let oid = "1.3.6.1.2.1.1.5.0".parse()?;
//! let request = CommunityMessage::new(Version::V2c, "public", Pdu::get_request(42, [oid]));
//! let mut buf = [0u8; 1500];
//! let n = request.encode(&mut buf)?;
//!
//! // Decode it again.
//! let decoded = Message::decode(&buf[..n])?;
//! assert_eq!(decoded, Message::Community(request));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
// Network input is read here: no arithmetic that can overflow and no index that can panic
// (also where usize is 32 bits). Tests may.
#![cfg_attr(
    not(test),
    deny(clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod ber;
mod error;
mod message;
mod oid;
mod pdu;
pub mod stream;
mod value;

pub use bytes::Bytes;
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use message::{
    message_version, CommunityMessage, CommunityMessageRef, Message, MsgFlags, ScopedPdu,
    ScopedPduData, ScopedPduDataRef, ScopedPduRef, SecurityLevel, UsmSecurityParameters, V3Layout,
    V3Message, V3MessageRef, Version, MAX_ENGINE_ID_LEN, MIN_MSG_MAX_SIZE, SECURITY_MODEL_USM,
};
pub use oid::{Oid, OidParseError, MAX_OID_ARCS};
pub use pdu::{BulkPdu, ErrorStatus, GenericPdu, GenericTrap, Pdu, PduRef, PduType, TrapV1Pdu};
pub use stream::{FrameError, StreamDecoder};
pub use value::{Bare, Exception, ExceptionKind, Value, VarBind, WrongType};
