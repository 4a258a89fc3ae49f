//! # snmp-tokio
//!
//! The async SNMP [`Manager`] on tokio, multi-threaded or current-thread. Everything but the
//! runtime binding comes from `snmp-async` and is re-exported here.
//!
//! ```no_run
//! # async fn demo() -> Result<(), snmp_tokio::Error> {
//! use snmp_tokio::{Manager, StreamExt}; // StreamExt is futures-util's, re-exported
//!
//! let mgr = Manager::builder("127.0.0.1").port(161).community("public").build().await?;
//! let descr = mgr.get("1.3.6.1.2.1.1.1.0").await?;
//! println!("{descr}");
//! let mut walk = mgr.bulk_walk("1.3.6.1.2.1.2.2.1.2", 25);
//! while let Some(item) = walk.next().await {
//!     let (oid, value) = item?;
//!     println!("{oid:#} = {value}");
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use snmp_async::*;

/// The tokio runtime binding (uses the runtime of the task that starts the client).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

/// A tokio UDP socket.
pub struct TokioUdp(
    std::sync::Arc<tokio::net::UdpSocket>,
    /// Once reports of ICMP errors were asked for: the wait for the socket's error
    /// readiness (epoll's `EPOLLERR`, which does not wake a reader).
    std::sync::Mutex<Option<ErrorWatch>>,
);

/// A wait for error readiness on a socket.
struct ErrorWatch {
    ready: Pin<Box<dyn Future<Output = io::Result<tokio::io::Ready>> + Send>>,
}

impl std::fmt::Debug for TokioUdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TokioUdp").field(&self.0).finish()
    }
}

impl TokioUdp {
    /// With reports asked for: whether the socket has an error to read now (else the
    /// task is woken when it has one).
    fn poll_error(&self, cx: &mut Context<'_>) -> bool {
        let Ok(mut watch) = self.1.lock() else {
            return false;
        };
        let Some(w) = watch.as_mut() else {
            return false;
        };
        if w.ready.as_mut().poll(cx).is_pending() {
            return false;
        }
        let sock = self.0.clone();
        w.ready = Box::pin(async move { sock.ready(tokio::io::Interest::ERROR).await });
        true
    }
}

/// A tokio TCP stream (Nagle off: every message goes out at once).
#[derive(Debug)]
pub struct TokioTcp(tokio::net::TcpStream);

impl Runtime for Tokio {
    type Socket = TokioUdp;
    type Stream = TokioTcp;

    fn bind(&self, addr: SocketAddr) -> io::Result<TokioUdp> {
        Ok(TokioUdp(
            std::sync::Arc::new(tokio::net::UdpSocket::from_std(bind_udp(addr)?)?),
            std::sync::Mutex::new(None),
        ))
    }

    type Listener = TokioListener;

    fn listen(&self, addr: SocketAddr) -> io::Result<TokioListener> {
        let l = std::net::TcpListener::bind(addr)?;
        l.set_nonblocking(true)?;
        Ok(TokioListener(tokio::net::TcpListener::from_std(l)?))
    }

    fn connect(&self, addr: SocketAddr) -> Connecting<TokioTcp> {
        Box::pin(async move {
            let s = tokio::net::TcpStream::connect(addr).await?;
            s.set_nodelay(true)?;
            Ok(TokioTcp(s))
        })
    }

    fn timer(&self, deadline: std::time::Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }

    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>) {
        tokio::spawn(future);
    }

    /// `tokio::net::lookup_host` (the system's resolver on tokio's blocking pool).
    fn resolve(&self, name: &str, port: u16) -> Resolving {
        let name = name.to_owned();
        Box::pin(async move {
            Ok(tokio::net::lookup_host((name.as_str(), port))
                .await?
                .collect())
        })
    }

    /// Outside a tokio runtime, `tokio::spawn` would panic: say so as an error instead.
    fn check(&self) -> io::Result<()> {
        tokio::runtime::Handle::try_current()
            .map(|_| ())
            .map_err(|_| {
                io::Error::other(
                    "no tokio runtime here: make the Client inside one (#[tokio::main], or \
                 Runtime::block_on / enter)",
                )
            })
    }
}

/// A tokio TCP listener.
#[derive(Debug)]
pub struct TokioListener(tokio::net::TcpListener);

impl AsyncListener for TokioListener {
    type Stream = TokioTcp;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TokioTcp, SocketAddr)>> {
        match self.0.poll_accept(cx) {
            Poll::Ready(Ok((s, from))) => {
                let _ = s.set_nodelay(true);
                Poll::Ready(Ok((TokioTcp(s), from)))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl AsyncStream for TokioTcp {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let mut rb = tokio::io::ReadBuf::new(buf);
        match tokio::io::AsyncRead::poll_read(Pin::new(&mut self.0), cx, &mut rb) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(rb.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        tokio::io::AsyncWrite::poll_write(Pin::new(&mut self.0), cx, buf)
    }
}

impl AsyncUdpSocket for TokioUdp {
    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let mut rb = tokio::io::ReadBuf::new(buf);
        match self.0.poll_recv_from(cx, &mut rb) {
            Poll::Ready(Ok(from)) => Poll::Ready(Ok((rb.filled().len(), from))),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            #[cfg(target_os = "linux")]
            Poll::Pending if self.poll_error(cx) => {
                // An ICMP error is queued: the receive reports it (ECONNREFUSED), and the
                // driver then reads the error queue.
                use std::os::fd::AsFd;
                match batch::recv_now(self.0.as_fd(), buf) {
                    // The socket's error was taken already, reports may still be queued:
                    // an error all the same, so that the driver drains the queue and the
                    // readiness is cleared (waking again instead would spin).
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        Poll::Ready(Err(io::Error::other("ICMP reports queued")))
                    }
                    other => Poll::Ready(other),
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.0.poll_send_to(cx, buf, target)
    }

    /// One `sendmmsg(2)` per call on Linux (the datagrams the driver made in one pass).
    #[cfg(target_os = "linux")]
    fn poll_send_batch(&self, cx: &mut Context<'_>, batch: &[(SocketAddr, &[u8])]) -> Poll<usize> {
        use std::os::fd::AsFd;
        if batch.len() < 2 {
            return batch::send_each(self, cx, batch);
        }
        loop {
            match self.0.poll_send_ready(cx) {
                Poll::Pending => return Poll::Pending,
                // As a single send's error: the first datagram is lost.
                Poll::Ready(Err(_)) => return Poll::Ready(1),
                Poll::Ready(Ok(())) => {}
            }
            let sent = self.0.try_io(tokio::io::Interest::WRITABLE, || {
                batch::sendmmsg(self.0.as_fd(), batch)
            });
            match sent {
                Ok(n) => return Poll::Ready(n),
                // Readiness was cleared: poll again to register the waker.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return Poll::Ready(1),
            }
        }
    }

    #[cfg(target_os = "linux")]
    fn try_recv_now(&self, buf: &mut [u8]) -> Option<io::Result<(usize, SocketAddr)>> {
        use std::os::fd::AsFd;
        Some(batch::recv_now(self.0.as_fd(), buf))
    }

    #[cfg(target_os = "linux")]
    fn report_unreachable(&self) -> io::Result<()> {
        use std::os::fd::AsFd;
        let v6 = self.0.local_addr()?.is_ipv6();
        batch::report_unreachable(self.0.as_fd(), v6)?;
        if let Ok(mut watch) = self.1.lock() {
            let sock = self.0.clone();
            *watch = Some(ErrorWatch {
                ready: Box::pin(async move { sock.ready(tokio::io::Interest::ERROR).await }),
            });
        }
        Ok(())
    }

    #[cfg(target_os = "linux")]
    fn take_unreachable(&self) -> Vec<SocketAddr> {
        use std::os::fd::AsFd;
        let refused = batch::take_unreachable(self.0.as_fd());
        // The queue is empty: clear the error readiness, so that the next report wakes
        // the driver again (epoll is edge-triggered).
        let _ = self.0.try_io(tokio::io::Interest::ERROR, || {
            Err::<(), _>(io::ErrorKind::WouldBlock.into())
        });
        refused
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

// The Manager, its builder and the Client on Tokio: the one async face's types, named for
// this runtime (each method is written once, in snmp-async).

/// The async SNMP Manager on tokio: one agent over a shared driver ([`Client`]). Cheap to
/// clone; many calls may run at once. Made by `Manager::builder(host)`.
pub type Manager = snmp_async::Manager<Tokio>;

/// Builds a [`Manager`] on tokio: snmpkit's parameters and defaults, the same setters as the
/// blocking builder; `build().await`.
pub type ManagerBuilder = snmp_async::core::ManagerBuilder<Async<Tokio>>;

/// A handle to a driver task on tokio: one session, one socket per address family, any number
/// of agents; cheap to clone.
pub type Client = snmp_async::Client<Tokio>;

/// Receives traps and informs on tokio (UDP or TCP): a stream of notifications, or
/// `recv().await`; the same API as the blocking face's receiver.
pub type TrapReceiver = snmp_async::TrapReceiver<Tokio>;
