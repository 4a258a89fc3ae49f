//! # snmp-async
//!
//! The async SNMP [`Manager`], written once over a small [`Runtime`] trait; `snmp-tokio` and
//! `snmp-smol` implement the trait (a UDP socket, a timer, a spawner) and re-export
//! everything. Use one of those crates rather than this one.
//!
//! Both faces (this one and `snmp-blocking`) sit on the runtime-free manager core
//! ([`snmp_manager`]): the same calls, settings, errors and types, written once; this face
//! only awaits. One driver task per [`Client`] owns the sockets of the sans-IO
//! [`snmp_session::Session`]; the session, the sockets and every operation's outcome sit behind
//! one lock that callers take to start their operations (no channel, no oneshot per call).
//! Every protocol decision is the session's: the driver only moves bytes, time and results,
//! following the session's drain contract.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
mod driver;
mod handle;
mod manager;
mod poll;
mod receiver;
mod runtime;
mod tcp_rx;

/// What walks and notification streams need to be read with `.next().await` (re-exported so
/// that `use snmp_tokio::StreamExt;` is all a program needs).
pub use futures_util::StreamExt;
pub use manager::{Async, Building, Client, Manager, ManagerBuilder, Walk};
pub use poll::PollMany;
pub use receiver::TrapReceiver;
pub use runtime::{
    no_connect, no_listen, AsyncListener, AsyncStream, AsyncUdpSocket, Connecting, NoListener,
    NoStream, Resolving, Runtime,
};
pub use snmp_manager::{
    self as core, bind_udp, codec, counter_delta, group_by_target, literal, mib, resolve, session,
    settings, split_transport, AesKeyExtension, AuthProtocol, BuildParts, CallOptions, ConfigError,
    Description, Error, ErrorStatus, Face, Format, GenericTrap, IndexValue, IntoOid, IoError,
    ListenAddr, Mib, Notification, Oid, OidCheck, PollResult, PollScheduler, PollTarget,
    PrivProtocol, RawRows, ReceiverConfig, ReceiverCounters, Repetitions, ReportKind, Request, Row,
    SecurityLevel, SessionConfig, StartError, Table, TableError, TableRow, TargetConfig, Transport,
    TrapFilter, TrapV1Fields, TrapV1Pdu, UsmUser, V3Fields, Value, VarBind, Version, WalkError,
    WalkOptions, WrongType, RECV_BUFFER,
};

/// The old name of [`GenericTrap`].
#[deprecated(note = "the type is `GenericTrap` (one name, as in snmp_codec)")]
pub type GenericTrapKind = GenericTrap;

impl<R: Runtime + Default> Client<R> {
    /// A client on the default runtime handle, with the default session configuration (an
    /// error, not a panic, where the runtime cannot run it: tokio's outside a runtime).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), snmp_async::Error> {
    /// let client = snmp_async::Client::<snmp_tokio::Tokio>::with_defaults()?;
    /// # Ok(()) }
    /// ```
    pub fn with_defaults() -> Result<Client<R>, Error> {
        Client::new(R::default(), SessionConfig::default())
    }
}
