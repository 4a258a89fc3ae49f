//! What the async face needs from a runtime: a UDP socket driven by polling, TCP
//! connections (for `tcp:` targets), a timer, a spawner and a clock. `snmp-tokio` and `snmp-smol` implement it in about 100 lines each;
//! the test kit's `MemoryRuntime` runs it under simulated time.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a driver needs from an async runtime.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// Its UDP socket.
    type Socket: AsyncUdpSocket;

    /// Its TCP stream ([`NoStream`] for a runtime without TCP: its `connect` fails).
    type Stream: AsyncStream;

    /// Binds a non-blocking UDP socket (called from inside the driver task).
    fn bind(&self, addr: SocketAddr) -> io::Result<Self::Socket>;

    /// Opens a TCP connection to `addr` (for a stream target; the driver polls the future
    /// with its own waker, and drops it when the session gives up the connect).
    fn connect(&self, addr: SocketAddr) -> Connecting<Self::Stream>;

    /// Its TCP listener ([`NoListener`] for a runtime without TCP).
    type Listener: AsyncListener<Stream = Self::Stream>;

    /// Listens on TCP `addr` (a trap receiver over TCP; called from inside a task).
    fn listen(&self, addr: SocketAddr) -> io::Result<Self::Listener>;

    /// A future that completes at `deadline` (of this runtime's clock, [`Runtime::now`]).
    fn timer(&self, deadline: std::time::Instant) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// The runtime's clock: the system's by default; a simulated runtime returns its own time,
    /// so that the driver runs under simulated time (the test kit's `MemoryRuntime`).
    fn now(&self) -> std::time::Instant {
        std::time::Instant::now()
    }

    /// Runs `future` in the background.
    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>);

    /// Looks the host name `name` up (with `port`), without blocking the runtime's threads:
    /// tokio's `lookup_host`, smol's blocking pool. Address literals never reach it. A
    /// Manager's `build` and `poll_many` (at most `PollScheduler::LOOKUPS` at once) call it.
    fn resolve(&self, name: &str, port: u16) -> Resolving;

    /// Whether this runtime can spawn from the current thread now (tokio: inside a runtime);
    /// an error explains why not. A client checks it before spawning its driver, so that
    /// `Client::new` returns the error rather than panicking.
    fn check(&self) -> io::Result<()> {
        Ok(())
    }
}

/// A name lookup in progress: what [`Runtime::resolve`] returns (the addresses found).
pub type Resolving = Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>;

/// A connect in progress: what [`Runtime::connect`] returns.
pub type Connecting<S> = Pin<Box<dyn Future<Output = io::Result<S>> + Send>>;

/// A connected TCP stream driven by polling.
pub trait AsyncStream: Send + 'static {
    /// Reads what has arrived (`Ok(0)`: the peer closed), or registers the waker.
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;

    /// Writes a prefix of `buf`, or registers the waker.
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
}

/// A TCP listener driven by polling.
pub trait AsyncListener: Send + 'static {
    /// The connections it accepts.
    type Stream: AsyncStream;

    /// Accepts a connection, or registers the waker.
    fn poll_accept(&mut self, cx: &mut Context<'_>)
        -> Poll<io::Result<(Self::Stream, SocketAddr)>>;

    /// The local address.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// The listener of a runtime without TCP: there is none.
#[derive(Debug)]
pub enum NoListener {}

impl AsyncListener for NoListener {
    type Stream = NoStream;

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<(NoStream, SocketAddr)>> {
        match *self {}
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        match *self {}
    }
}

/// `listen` of a runtime without TCP: fails with `Unsupported`.
pub fn no_listen(_: SocketAddr) -> io::Result<NoListener> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "this runtime has no TCP",
    ))
}

/// The stream of a runtime without TCP: there is none ([`no_connect`] is its `connect`).
#[derive(Debug)]
pub enum NoStream {}

impl AsyncStream for NoStream {
    fn poll_read(&mut self, _: &mut Context<'_>, _: &mut [u8]) -> Poll<io::Result<usize>> {
        match *self {}
    }

    fn poll_write(&mut self, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        match *self {}
    }
}

/// `connect` of a runtime without TCP: fails with `Unsupported`.
pub fn no_connect(_: SocketAddr) -> Connecting<NoStream> {
    Box::pin(std::future::ready(Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "this runtime has no TCP",
    ))))
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
    /// sends them one [`poll_send_to`](Self::poll_send_to) at a time ([`send_each`]);
    /// the Linux bindings use one `sendmmsg(2)` per call (`batch::sendmmsg`).
    fn poll_send_batch(&self, cx: &mut Context<'_>, batch: &[(SocketAddr, &[u8])]) -> Poll<usize> {
        send_each(self, cx, batch)
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

    /// Asks for reports of ICMP port unreachable on this socket (the driver calls it on the
    /// sockets it binds for agents); the default does nothing (requests to a closed port then
    /// time out). See [`batch::report_unreachable`](crate::batch::report_unreachable).
    fn report_unreachable(&self) -> io::Result<()> {
        Ok(())
    }

    /// After a receive error: the agents that answered "port unreachable" since the last
    /// call (the default: none).
    fn take_unreachable(&self) -> Vec<SocketAddr> {
        Vec::new()
    }

    /// The local address.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// Sends the datagrams of `batch` one [`AsyncUdpSocket::poll_send_to`] at a time: the
/// portable [`AsyncUdpSocket::poll_send_batch`], and what a socket's own batch send falls
/// back to for a single datagram.
///
/// Returns `Ready(n)` with the number of leading datagrams consumed (sent, or failed with an
/// error, which loses that datagram as a single send's error would), at least one if `batch`
/// is not empty; `Pending` (waker registered) if the socket is not ready for the first.
pub fn send_each<S: AsyncUdpSocket + ?Sized>(
    socket: &S,
    cx: &mut Context<'_>,
    batch: &[(SocketAddr, &[u8])],
) -> Poll<usize> {
    let mut n = 0;
    for (dest, data) in batch {
        if socket.poll_send_to(cx, data, *dest).is_pending() {
            break;
        }
        n += 1;
    }
    if n == 0 && !batch.is_empty() {
        Poll::Pending
    } else {
        Poll::Ready(n)
    }
}
