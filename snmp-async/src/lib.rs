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

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What walks and notification streams need to be read with `.next().await` (re-exported so
/// that `use snmp_tokio::StreamExt;` is all a program needs).
pub use futures_util::StreamExt;
pub use manager::{resolve_async, Client, Manager, ManagerBuilder, Walk};
pub use poll::PollMany;
pub use receiver::TrapReceiver;
pub use snmp_manager::{
    self as core, bind_udp, codec, literal, mib, resolve, session, settings, AesKeyExtension,
    AuthProtocol, CallOptions, Description, Error, ErrorStatus, Format, GenericTrap, IndexValue,
    IntoOid, IoError, ListenAddr, Mib, Notification, Oid, OidCheck, PollResult, PollTarget,
    PrivProtocol, ReceiverConfig, ReceiverCounters, Repetitions, ReportKind, Request, Row,
    SecurityLevel, SessionConfig, StartError, Table, TableError, TableRow, TargetConfig,
    TrapFilter, TrapV1Fields, TrapV1Pdu, UsmUser, V3Fields, Value, VarBind, Version, WalkOptions,
    RECV_BUFFER,
};

/// The old name of [`GenericTrap`].
#[deprecated(note = "the type is `GenericTrap` (one name, as in snmp_codec)")]
pub type GenericTrapKind = GenericTrap;

/// What a driver needs from an async runtime.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// Its UDP socket.
    type Socket: AsyncUdpSocket;

    /// Binds a non-blocking UDP socket (called from inside the driver task).
    fn bind(&self, addr: SocketAddr) -> io::Result<Self::Socket>;

    /// A future that completes at `deadline` (of this runtime's clock, [`Runtime::now`]).
    fn timer(&self, deadline: std::time::Instant) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// The runtime's clock: the system's by default; a simulated runtime returns its own time,
    /// so that the driver runs under simulated time (the test kit's `MemoryRuntime`).
    fn now(&self) -> std::time::Instant {
        std::time::Instant::now()
    }

    /// Runs `future` in the background.
    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>);
}

/// A UDP socket driven by polling.
pub trait AsyncUdpSocket: Send + Sync + 'static {
    /// Receives a datagram, or registers the waker.
    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>>;

    /// Sends a datagram, or registers the waker.
    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>>;

    /// Sends a run of datagrams (the requests of a `poll_many`, made in one pass of the
    /// driver), or registers the waker.
    ///
    /// Returns `Ready(n)` with the number of leading datagrams consumed - sent, or failed with
    /// an error, which loses that datagram as a single send's error would - at least one if
    /// `batch` is not empty; `Pending` if the socket is not ready for the first. The default
    /// sends them one [`poll_send_to`](Self::poll_send_to) at a time ([`batch::send_each`]);
    /// the Linux bindings use one `sendmmsg(2)` per call ([`batch::sendmmsg`]).
    fn poll_send_batch(&self, cx: &mut Context<'_>, batch: &[(SocketAddr, &[u8])]) -> Poll<usize> {
        batch::send_each(self, cx, batch)
    }

    /// Receives a datagram if one is waiting now, whatever the runtime's readiness says
    /// (`None`: this socket cannot; the default). A caller's pass of the driver calls it once
    /// right after it sent a lone operation's request: an agent on the same host often answers before the
    /// sender is scheduled again, and then the answer is taken without the wait for a
    /// readiness event (an `epoll_wait` and a second `recvfrom` on tokio). The readiness
    /// event still comes later and finds the queue empty, which costs nothing but that.
    fn try_recv_now(&self, buf: &mut [u8]) -> Option<io::Result<(usize, SocketAddr)>> {
        let _ = buf;
        None
    }

    /// The local address.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

impl<R: Runtime + Default> Manager<R> {
    /// A builder for a manager of `host` (a name, an IPv4 or IPv6 literal, optionally with a
    /// port), with snmpkit's defaults.
    pub fn builder(host: &str) -> ManagerBuilder<R> {
        ManagerBuilder::with_runtime(R::default(), host)
    }
}

impl<R: Runtime + Default> Client<R> {
    /// A client on the default runtime handle, with the default session configuration.
    pub fn with_defaults() -> Result<Client<R>, Error> {
        Client::new(R::default(), SessionConfig::default())
    }
}
