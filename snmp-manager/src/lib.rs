//! # snmp-manager
//!
//! The SNMP Manager with no I/O and no runtime: everything the async face (`snmp-async`, used
//! through `snmp-tokio` or `snmp-smol`) and the blocking face (`snmp-blocking`) share, written
//! once. A face only waits (awaits or blocks) and iterates (`Stream` or `Iterator`).
//!
//! - [`settings::Settings`]: the builders' parameters, their checks and the [`TargetConfig`]
//!   they make (v3 keys derived once per pass phrase in the process).
//! - [`Agent`]: one agent as a manager sees it (its session target, address, MIB, per-call
//!   timeout and retries), and each Manager call described once: the [`Request`] it starts and
//!   how its outcome becomes the returned value ([`Call`]).
//! - [`Outcomes`]: what each running operation produced, kept per [`OpId`] (smoltcp's
//!   per-query results): a face starts operations through it and drains the session into it,
//!   and never sorts the session's events itself. Walks are paused in the session while their
//!   reader is behind.
//! - [`PollScheduler`]: the one bounded-concurrency `poll_many`.
//! - [`Error`], [`IntoOid`], [`resolve`], [`Table`], [`PollTarget`], [`PollResult`].
//!
//! It never opens a socket (but for [`bind_udp`], the helper both faces bind with) and never
//! reads a clock.
//!
//! ```
//! use snmp_manager::{Agent, Outcomes, SessionConfig, TargetConfig};
//! use snmp_session::{Instant, Session};
//!
//! // A GET described once, run over a session by hand (what a face does for you).
//! let mut session = Session::new(SessionConfig::default(), [7; 32]);
//! let addr = "127.0.0.1:1161".parse().unwrap();
//! let target = session.add_target(TargetConfig::v2c(addr, "public"));
//! let agent = Agent::new(target, &TargetConfig::v2c(addr, "public"));
//! let (request, finish) = agent.get("sysDescr.0").unwrap().into_parts();
//! let mut outcomes = Outcomes::default();
//! let op = outcomes.start(&mut session, &agent, request).unwrap();
//! let mut buf = [0u8; 1500];
//! let sent = session.poll_transmit(Instant::ZERO, &mut buf).unwrap();
//! assert_eq!(sent.destination, addr);
//! // ... the face sends it, hands the answer to the session, drains it into `outcomes` ...
//! outcomes.drain(&mut session);
//! assert!(outcomes.take_all(op).is_none()); // no answer yet
//! # let _ = finish;
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addr;
mod agent;
mod builder;
mod error;
mod inbox;
mod keys;
mod names;
mod oid;
mod outcome;
mod poll;
pub mod settings;
mod table;
pub mod tcp_rx;

pub use addr::{
    bind_udp, connection_error, literal, resolve, seed, split_transport, Host, ListenAddr,
    RECV_BUFFER,
};
pub use agent::{Agent, Call, Finish};
pub use builder::{BuildParts, Face, ManagerBuilder};
pub use error::{ConfigError, Error, IoError, WalkError};
pub use inbox::{ConnId, Inbox, ACCEPTS_PER_PASS, READS_PER_PASS};
pub use oid::{oids, IntoOid};
pub use outcome::{ClientId, Outcomes, WalkBuffer, WalkNext, WalkStep};
pub use poll::{counter_delta, group_by_target, Lookup, PollResult, PollScheduler, PollTarget};
pub use table::{RawRows, Row, Table, TableError};
pub use tcp_rx::{
    RxConn, TCP_RX_IDLE, TCP_RX_MAX_CONNECTIONS, TCP_RX_MAX_MESSAGE, TCP_RX_MAX_OUTPUT,
};

pub use snmp_codec::{
    self as codec, ErrorStatus, GenericTrap, Oid, SecurityLevel, TrapV1Pdu, Value, VarBind,
    Version, WrongType,
};
pub use snmp_mib::{self as mib, Description, Format, IndexValue, Mib};
pub use snmp_session::{
    self as session, AesKeyExtension, CallOptions, Notification, OidCheck, OpId, ReceiverConfig,
    ReceiverCounters, Repetitions, ReportKind, Request, SessionConfig, StartError, TableRow,
    TargetConfig, TargetId, Transport, TrapFilter, TrapV1Fields, V3Fields, WalkOptions,
};
pub use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

/// GETBULK repetitions of [`Agent::table`]'s fetch (`snmptable`'s default is 10; 25 keeps a
/// typical row in one answer).
pub const TABLE_REPETITIONS: u32 = 25;
