//! # snmp-session
//!
//! The sans-IO heart of the SNMP manager: a [`Session`] state machine that takes datagrams and
//! time in, and hands out datagrams to send, deadlines and events. It never touches a socket,
//! a clock or an OS random source (`#![no_std]` + `alloc`): the driver passes time as
//! [`Instant`] and a seed for the request-ids, msgIDs and privacy salts.
//!
//! What it decides, so that every driver (the tokio and smol adapters, or your own event loop)
//! behaves the same:
//!
//! - one session, any number of targets (v1, v2c, v3 with USM) over one socket;
//! - requests with a timeout per attempt and retries (defaults 5 s and 3, as snmpkit), a
//!   response to any attempt completing the request, duplicates and late answers counted and
//!   dropped, answers accepted only from the address the request went to (unless a target opts
//!   out; for v3 only authenticated answers then), unpredictable 31-bit request-ids and msgIDs;
//! - SNMPv3: engine discovery before the first request (and again when the agent no longer
//!   knows our engine ID), time synchronisation on an authenticated notInTimeWindow Report with
//!   one resend, keys localised once per (user, engine), typed errors for the Reports that mean
//!   misconfiguration; an unauthenticated message never moves the engine clock;
//! - operations as state machines: get of many OIDs (split to fit), get-next, get-bulk, set,
//!   walk (GETNEXT), bulk walk (GETBULK; `tooBig` halves the repetitions), table fetch (only
//!   the wanted columns travel), inform, traps; walks stop at the end of the subtree, at
//!   endOfMibView and at v1's noSuchName, and refuse non-increasing OIDs;
//! - AES-192/256 with either key extension, with an `Auto` mode that finds out which one the
//!   agent uses.
//!
//! See [`Session`] for the drain contract and an example.
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

mod config;
mod error;
mod op;
mod receiver;
mod request;
mod session;

pub use config::{
    AesKeyExtension, CallOptions, OidCheck, Repetitions, Security, SessionConfig, TargetConfig,
    Transport, V3Security, WalkOptions,
};
pub use error::{Attempts, ConnectionError, Error, ReportKind, Seconds, StartError};
pub use op::TableRow;
pub use receiver::{
    DropReason, Dropped, Notification, Receiver, ReceiverConfig, ReceiverCounters, TrapFilter,
    TrapV1Fields, V3Fields,
};
pub use request::Request;
pub use session::{Counters, Event, KnownEngine, OpId, Session, StreamAction, TargetId, Transmit};
pub use snmp_usm::Instant;
