//! # snmp-blocking
//!
//! The SNMP [`Manager`] without an async runtime: the async Manager's API (`snmp-tokio`,
//! `snmp-smol`), synchronous. Both faces sit on the same runtime-free core
//! ([`snmp_manager`]): the same calls, settings, errors and types, written once. Each call
//! sends, waits on the calling thread and returns; walks are [`Iterator`]s (dropping one
//! cancels it); a [`Client`] is one engine any number of agents share, and
//! [`Client::poll_many`] polls many agents over it with bounded concurrency; [`TrapReceiver`]
//! receives traps and informs. A manager built for one agent `connect`s its socket to it,
//! which costs the kernel less per datagram than `sendto`/`recvfrom`.
//!
//! The engine runs over a small [`Io`] trait: the real sockets ([`UdpIo`], one `poll(2)` over
//! all of them) or a test's in-memory network under simulated time.
//!
//! ```no_run
//! use snmp_blocking::Manager;
//!
//! # fn main() -> Result<(), snmp_blocking::Error> {
//! let m = Manager::builder("192.0.2.1").community("public").build()?;
//! println!("{}", m.get("sysDescr.0")?.bare());
//! for item in m.bulk_walk("IF-MIB::ifDescr", 25) {
//!     let (oid, value) = item?;
//!     println!("{} = {}", m.name(&oid), value.bare());
//! }
//! m.set("sysContact.0", "ops@example.net")?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod io;
mod manager;
mod receiver;
#[cfg(unix)]
mod tcp_rx;

pub use io::{connection_error, Io, Received, UdpIo};
pub use manager::{Blocking, Client, Manager, ManagerBuilder, PollMany, Walk};
pub use receiver::{Incoming, TrapReceiver};

pub use snmp_manager::{
    self as core, codec, counter_delta, group_by_target, literal, mib, resolve, session,
    split_transport, AesKeyExtension, AuthProtocol, BuildParts, CallOptions, ConfigError,
    Description, Error, ErrorStatus, Face, Format, GenericTrap, IndexValue, IntoOid, ListenAddr,
    Mib, Notification, Oid, OidCheck, PollResult, PollTarget, PrivProtocol, ReceiverConfig,
    ReceiverCounters, Repetitions, ReportKind, Request, Row, SecurityLevel, SessionConfig,
    StartError, Table, TableError, TableRow, TargetConfig, Transport, TrapFilter, TrapV1Fields,
    TrapV1Pdu, UsmUser, V3Fields, Value, VarBind, Version, WalkError, WalkOptions, WrongType,
};

/// The README's programs, compiled as doctests (so that they compile as pasted).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
