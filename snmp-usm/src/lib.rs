//! # snmp-usm
//!
//! The SNMPv3 User-based Security Model (RFC 3414) for managers and notification receivers:
//!
//! - keys: password-to-key (the 1 MiB expansion) and localisation for MD5, SHA-1, SHA-224,
//!   SHA-256, SHA-384 and SHA-512 ([`MasterKey`], [`LocalizedKey`]), derived once per user and
//!   once per (user, engine) ([`UsmUser`], [`LocalizedUser`]), or built from stored key bytes;
//! - authentication: HMAC-MD5-96, HMAC-SHA-96 (RFC 3414), HMAC-SHA-224-128, -256-192,
//!   -384-256 and -512-384 (RFC 7860), signed in place and verified in constant time, with the
//!   authentication field's length checked (CVE-2008-0960);
//! - privacy: DES-CBC, 3DES-EDE, AES-128-CFB and AES-192/256-CFB with both key extensions
//!   found in the field, named so they cannot be confused ([`PrivProtocol`]);
//! - timeliness as pure functions of a time passed in ([`EngineClock`], [`LocalEngine`]);
//! - whole messages: [`encode_outgoing`] and [`process_incoming`], with an error per step
//!   ([`UsmError`]).
//!
//! It is `#![no_std]` (with `alloc`), uses the RustCrypto crates, and never reads a clock or an
//! OS random source: time comes in as [`Instant`] and privacy salts from a caller-seeded
//! [`SaltCounter`]. Key material is wiped from memory when dropped.
//!
//! ```
//! use snmp_codec::{Bytes, Pdu, ScopedPdu, SecurityLevel};
//! use snmp_usm::*;
//!
//! let user = UsmUser::new("admin")
//!     .with_auth(AuthProtocol::Sha256, b"auth-password")?
//!     .with_privacy(PrivProtocol::Aes128, b"priv-password")?;
//! let keys = user.localize(b"\x80\x00\x1f\x88\x04agent");
//! let scoped = ScopedPdu {
//!     context_engine_id: keys.engine_id().clone(),
//!     context_name: Bytes::new(),
//!     pdu: Pdu::get_request(1, ["1.3.6.1.2.1.1.1.0".parse().unwrap()]),
//! };
//! let mut salts = SaltCounter::new(42);
//! let header = OutgoingHeader {
//!     msg_id: 1, msg_max_size: 65507, level: SecurityLevel::AuthPriv, reportable: true,
//!     engine_boots: 3, engine_time: 1000, salt: salts.next_salt(),
//! };
//! let mut buf = [0u8; 1500];
//! let n = encode_outgoing(&header, &keys, &scoped, &mut buf)?;
//!
//! // The receiving side (here: as the authoritative engine would).
//! let engine = LocalEngine::new(3, Instant::ZERO);
//! let now = Instant::ZERO + core::time::Duration::from_secs(1000);
//! let got = process_incoming(
//!     &Bytes::copy_from_slice(&buf[..n]),
//!     |_, _| Ok(&keys),
//!     TimeCheck::Authoritative(&engine),
//!     now,
//! )?;
//! assert_eq!(got.scoped_pdu, scoped);
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

mod auth;
mod authoritative;
mod error;
mod privacy;
mod process;
mod time;
mod user;

pub use auth::{AuthProtocol, LocalizedKey, MasterKey, UnknownProtocol};
pub use authoritative::{Authoritative, UsmStat};
pub use error::UsmError;
pub use privacy::{KeyExtension, PrivKey, PrivProtocol, SaltCounter};
pub use process::{
    encode_outgoing, process_decoded, process_incoming, Incoming, OutgoingHeader, TimeCheck,
};
pub use time::{EngineClock, Instant, LocalEngine, MAX_ENGINE_BOOTS, TIME_WINDOW_SECS};
pub use user::{LocalizedUser, UsmUser};
