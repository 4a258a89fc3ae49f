//! # snmp-blocking
//!
//! The SNMP [`Manager`] without an async runtime: the async Manager's API (`snmp-tokio`,
//! `snmp-smol`), synchronous, over the same sans-IO session and with the same types and
//! errors. Each call sends, waits on the socket on the calling thread and returns; walks are
//! [`Iterator`]s (dropping one cancels it); [`Manager::poll_many`] and [`Poller`] poll many
//! agents over one socket with bounded concurrency; [`TrapReceiver`] receives traps and
//! informs. A manager for one agent `connect`s its socket to it, which costs the kernel less
//! per datagram than `sendto`/`recvfrom`.
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
mod manager;
mod poll;
mod receiver;

pub use manager::{Manager, ManagerBuilder, Walk};
pub use poll::{PollMany, Poller};
pub use receiver::{Incoming, TrapReceiver};

pub use snmp_async::{
    codec, mib, resolve, session, AesKeyExtension, AuthProtocol, CallOptions, Description, Error,
    ErrorStatus, Format, GenericTrap, IndexValue, IntoOid, ListenAddr, Mib, Notification, Oid,
    OidCheck, PollResult, PollTarget, PrivProtocol, ReceiverConfig, ReceiverCounters, Repetitions,
    ReportKind, Request, Row, SecurityLevel, SessionConfig, StartError, Table, TableError,
    TableRow, TargetConfig, TrapFilter, TrapV1Fields, TrapV1Pdu, UsmUser, V3Fields, Value, VarBind,
    Version, WalkOptions,
};
