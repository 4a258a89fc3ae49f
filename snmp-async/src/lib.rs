//! # snmp-async
//!
//! The async SNMP [`Manager`], written once over a small [`Runtime`] trait; `snmp-tokio` and
//! `snmp-smol` implement the trait (a UDP socket, a timer, a spawner) and re-export
//! everything. Use one of those crates rather than this one.
//!
//! One driver task per [`Client`] owns the sans-IO [`snmp_session::Session`] and one UDP
//! socket per address family; requests come in on a channel and answers go back on oneshots
//! (walks on a stream). Every protocol decision is the session's: the driver only moves bytes,
//! time and results, following the session's drain contract.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
mod driver;
mod error;
mod keys;
mod manager;
mod poll;
mod receiver;
pub mod settings;
mod table;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use error::{Error, IoError};
/// What walks and notification streams need to be read with `.next().await` (re-exported so
/// that `use snmp_tokio::StreamExt;` is all a program needs).
pub use futures_util::StreamExt;
pub use manager::{
    resolve, resolve_async, Client, IntoOid, Manager, ManagerBuilder, TableError, Walk,
};
pub use poll::{PollMany, PollResult, PollTarget};
pub use receiver::{ListenAddr, TrapReceiver};
pub use snmp_codec::{
    self as codec, ErrorStatus, GenericTrap, Oid, SecurityLevel, TrapV1Pdu, Value, VarBind, Version,
};
pub use snmp_session::{TrapV1Fields, V3Fields};

/// The old name of [`GenericTrap`].
#[deprecated(note = "the type is `GenericTrap` (one name, as in snmp_codec)")]
pub type GenericTrapKind = GenericTrap;
pub use snmp_mib::{self as mib, Description, Format, IndexValue, Mib};
pub use snmp_session::{
    self as session, AesKeyExtension, CallOptions, Notification, OidCheck, ReceiverConfig,
    ReceiverCounters, Repetitions, ReportKind, Request, SessionConfig, StartError, TableRow,
    TargetConfig, TrapFilter, WalkOptions,
};
pub use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};
pub use table::{Row, Table};

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

    /// Whether a caller awaiting a single operation drives the driver on its own task when
    /// the driver is free, so that the answer wakes the caller directly (see the README's
    /// "where the microseconds go"). `false` (the default): every operation goes through the
    /// driver's task. tokio says `true`: it saves a scheduler pass and an `epoll_wait` per
    /// operation there; on smol's executor it costs more than it saves (measured).
    fn drive_inline(&self) -> bool {
        false
    }
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
    /// (`None`: this socket cannot; the default). The driver calls it once right after it
    /// sent a lone caller's request: an agent on the same host often answers before the
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

/// Receive buffer asked of the kernel for every socket: room for a burst of answers to
/// thousands of requests (best effort: the kernel may cap it).
pub const RECV_BUFFER: usize = 4 << 20;

/// Binds a non-blocking UDP socket with a [`RECV_BUFFER`] receive buffer (IPv6 sockets are
/// IPv6-only): what every [`Runtime::bind`] wraps.
pub fn bind_udp(addr: SocketAddr) -> io::Result<std::net::UdpSocket> {
    let domain = socket2::Domain::for_address(addr);
    let socket = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

impl<R: Runtime + Default> Manager<R> {
    /// A builder for a manager of `host` (a name, an IPv4 or IPv6 literal, optionally with a
    /// port), with snmpkit's defaults.
    pub fn builder(host: &str) -> ManagerBuilder<R> {
        ManagerBuilder::new(R::default(), host)
    }
}

impl<R: Runtime + Default> Client<R> {
    /// A client on the default runtime handle, with the default session configuration.
    pub fn with_defaults() -> Result<Client<R>, Error> {
        Client::new(R::default(), SessionConfig::default())
    }
}
