//! # snmp-smol
//!
//! The async SNMP [`Manager`] on smol's reactor (`async-io`); it works under smol and under
//! async-std, whose reactor is the same. Everything but the runtime binding comes from
//! `snmp-async` and is re-exported here.
//!
//! ```no_run
//! # fn main() -> Result<(), snmp_smol::Error> {
//! smol::block_on(async {
//!     let mgr = snmp_smol::Manager::builder("127.0.0.1").build().await?;
//!     println!("{}", mgr.get("1.3.6.1.2.1.1.1.0").await?);
//!     Ok(())
//! })
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use async_io::Async as IoAsync;
pub use snmp_async::*;

/// The smol binding: sockets and timers from `async-io`; driver tasks on smol's global
/// executor by default, or on an executor of yours ([`Smol::on`]).
#[derive(Clone, Default)]
pub struct Smol {
    executor: Option<Arc<smol::Executor<'static>>>,
}

impl std::fmt::Debug for Smol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smol")
            .field("own_executor", &self.executor.is_some())
            .finish()
    }
}

impl Smol {
    /// Driver tasks go to `executor`, which you run (`block_on(executor.run(main))`).
    ///
    /// smol's global executor runs tasks on threads of its own, so with the default binding
    /// every answer crosses threads (the driver on one, your task on another). On an executor
    /// your thread runs, driver and callers share the thread: the sequential-GET benchmark
    /// measures the difference (see the README).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), snmp_smol::Error> {
    /// use std::sync::Arc;
    /// let ex = Arc::new(smol::Executor::new());
    /// let rt = snmp_smol::Smol::on(ex.clone());
    /// smol::block_on(ex.run(async {
    ///     let client = snmp_smol::Client::new(rt, Default::default())?;
    ///     let mgr = snmp_smol::Manager::builder("127.0.0.1").client(&client).build().await?;
    ///     println!("{}", mgr.get("1.3.6.1.2.1.1.1.0").await?);
    ///     Ok(())
    /// }))
    /// # }
    /// ```
    pub fn on(executor: Arc<smol::Executor<'static>>) -> Smol {
        Smol {
            executor: Some(executor),
        }
    }
}

/// An `async-io` UDP socket.
///
/// It remembers whether the reactor has said it is readable since its last `EAGAIN`, as
/// tokio's sockets do: the driver asks for input on every pass, and without that memory each
/// ask was a `recvfrom` that failed (four per sequential GET, measured with `strace -c`; now
/// one, the try right after a send, which catches an answer that came before the reactor
/// looked).
#[derive(Debug)]
pub struct SmolUdp(IoAsync<std::net::UdpSocket>, AtomicBool);

/// An `async-io` TCP stream (Nagle off: every message goes out at once).
#[derive(Debug)]
pub struct SmolTcp(IoAsync<std::net::TcpStream>);

impl Runtime for Smol {
    type Socket = SmolUdp;
    type Stream = SmolTcp;

    fn bind(&self, addr: SocketAddr) -> io::Result<SmolUdp> {
        Ok(SmolUdp(
            IoAsync::new(bind_udp(addr)?)?,
            AtomicBool::new(true),
        ))
    }

    type Listener = SmolListener;

    fn listen(&self, addr: SocketAddr) -> io::Result<SmolListener> {
        Ok(SmolListener(IoAsync::<std::net::TcpListener>::bind(addr)?))
    }

    fn connect(&self, addr: SocketAddr) -> Connecting<SmolTcp> {
        Box::pin(async move {
            let s = IoAsync::<std::net::TcpStream>::connect(addr).await?;
            s.get_ref().set_nodelay(true)?;
            Ok(SmolTcp(s))
        })
    }

    fn timer(&self, deadline: std::time::Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move {
            async_io::Timer::at(deadline).await;
        })
    }

    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>) {
        match &self.executor {
            Some(ex) => ex.spawn(future).detach(),
            None => smol::spawn(future).detach(),
        }
    }

    /// The system's resolver on smol's blocking pool (`smol::unblock`).
    fn resolve(&self, name: &str, port: u16) -> Resolving {
        use std::net::ToSocketAddrs;
        let name = name.to_owned();
        Box::pin(smol::unblock(move || {
            Ok((name.as_str(), port).to_socket_addrs()?.collect())
        }))
    }
}

/// An `async-io` TCP listener.
#[derive(Debug)]
pub struct SmolListener(IoAsync<std::net::TcpListener>);

impl AsyncListener for SmolListener {
    type Stream = SmolTcp;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(SmolTcp, SocketAddr)>> {
        loop {
            match self.0.get_ref().accept() {
                Ok((s, from)) => {
                    let _ = s.set_nodelay(true);
                    return Poll::Ready(IoAsync::new(s).map(|s| (SmolTcp(s), from)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if let Err(e) = std::task::ready!(self.0.poll_readable(cx)) {
                        return Poll::Ready(Err(e));
                    }
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }
}

impl AsyncStream for SmolTcp {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        smol::io::AsyncRead::poll_read(Pin::new(&mut self.0), cx, buf)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        smol::io::AsyncWrite::poll_write(Pin::new(&mut self.0), cx, buf)
    }
}

impl AsyncUdpSocket for SmolUdp {
    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        loop {
            // Not readable since the last EAGAIN: ask the reactor first, which answers
            // Pending without a system call while the same task waits (interest stays
            // registered; it fires at once if a datagram came in meanwhile).
            if self.1.load(Ordering::Relaxed) {
                match self.0.get_ref().recv_from(buf) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        self.1.store(false, Ordering::Relaxed);
                    }
                    other => return Poll::Ready(other),
                }
            }
            match self.0.poll_readable(cx) {
                Poll::Ready(Ok(())) => self.1.store(true, Ordering::Relaxed),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        loop {
            match self.0.get_ref().send_to(buf, target) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                other => {
                    // An answer may come back before the reactor next looks: worth one try.
                    self.1.store(true, Ordering::Relaxed);
                    return Poll::Ready(other);
                }
            }
            match self.0.poll_writable(cx) {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// One `sendmmsg(2)` per call on Linux (the datagrams the driver made in one pass).
    #[cfg(target_os = "linux")]
    fn poll_send_batch(&self, cx: &mut Context<'_>, batch: &[(SocketAddr, &[u8])]) -> Poll<usize> {
        use std::os::fd::AsFd;
        if batch.len() < 2 {
            return batch::send_each(self, cx, batch);
        }
        loop {
            match batch::sendmmsg(self.0.get_ref().as_fd(), batch) {
                Ok(n) => {
                    self.1.store(true, Ordering::Relaxed);
                    return Poll::Ready(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // As a single send's error: the first datagram is lost.
                Err(_) => return Poll::Ready(1),
            }
            match self.0.poll_writable(cx) {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(_)) => return Poll::Ready(1),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }
}

// The Manager, its builder and the Client on Smol: the one async face's types, named for
// this runtime (each method is written once, in snmp-async).

/// The async SNMP Manager on smol: one agent over a shared driver ([`Client`]). Cheap to
/// clone; many calls may run at once. Made by `Manager::builder(host)`.
pub type Manager = snmp_async::Manager<Smol>;

/// Builds a [`Manager`] on smol: snmpkit's parameters and defaults, the same setters as the
/// blocking builder; `build().await`.
pub type ManagerBuilder = snmp_async::core::ManagerBuilder<Async<Smol>>;

/// A handle to a driver task on smol: one session, one socket per address family, any number
/// of agents; cheap to clone.
pub type Client = snmp_async::Client<Smol>;

/// Receives traps and informs on smol (UDP or TCP): a stream of notifications, or
/// `recv().await`; the same API as the blocking face's receiver.
pub type TrapReceiver = snmp_async::TrapReceiver<Smol>;
