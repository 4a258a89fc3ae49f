//! What the blocking engine needs from the outside world: send a datagram, receive one until a
//! deadline, and the time. [`UdpIo`] is the real one (std sockets, `poll(2)` over all of
//! them); a test gives an in-memory network under simulated time
//! (`snmp_testkit::memory::MemoryRuntime::blocking_io`), so the blocking client runs the same
//! fault tests as the session and the async driver.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use snmp_session::{ConnectionError, Instant, TargetId};

/// What a wait of [`Io::recv_any`] brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Received {
    /// A datagram of this many bytes (at the start of the buffer) from this address.
    Datagram(usize, SocketAddr),
    /// Bytes read from a stream target's connection.
    Stream(TargetId, usize),
    /// A stream target's connection ended (the I/O has forgotten it).
    Disconnected(TargetId, ConnectionError),
    /// The agent at this address is unreachable (ICMP port unreachable on a connected UDP
    /// socket): nothing listens on its port.
    Unreachable(SocketAddr),
}

pub use snmp_manager::connection_error;

/// The I/O of a blocking client: datagrams and time, nothing else.
pub trait Io: Send {
    /// Makes ready to send to and receive from `agent` (binds a socket of its family);
    /// called when a target is added, before anything is sent to it.
    fn prepare(&mut self, agent: SocketAddr) -> io::Result<()>;

    /// Sends one datagram. An error loses it (the session retransmits or times out as for
    /// any loss).
    fn send(&mut self, to: SocketAddr, data: &[u8]) -> io::Result<()>;

    /// Waits for one datagram until `deadline` (of [`Io::now`]'s clock): `Ok(None)` when none
    /// came in time (or the wait was cut short: the caller checks the time and waits again).
    fn recv(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> io::Result<Option<(usize, SocketAddr)>>;

    /// The time, from an origin of the I/O's choosing.
    fn now(&self) -> Instant;

    /// The local address datagrams to `agent` leave from.
    fn local_addr(&mut self, agent: SocketAddr) -> io::Result<SocketAddr>;

    /// Opens a TCP connection for a stream target, waiting at most `timeout` (default: this
    /// I/O has no TCP, [`ConnectionError::Failed`]).
    fn connect(
        &mut self,
        target: TargetId,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<(), ConnectionError> {
        let _ = (target, addr, timeout);
        Err(ConnectionError::Failed)
    }

    /// Closes a stream target's connection.
    fn close(&mut self, target: TargetId) {
        let _ = target;
    }

    /// Writes a whole message on a stream target's connection (an error closes it).
    fn write(&mut self, target: TargetId, data: &[u8]) -> Result<(), ConnectionError> {
        let _ = (target, data);
        Err(ConnectionError::Closed)
    }

    /// Waits until `deadline` for a datagram or bytes on a connection (default: datagrams
    /// only, [`Io::recv`]).
    fn recv_any(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<Option<Received>> {
        Ok(self
            .recv(buf, deadline)?
            .map(|(n, from)| Received::Datagram(n, from)))
    }
}

/// A socket and the read timeout set on it (set again only when it must change: one
/// `setsockopt` per change, not per wait).
#[derive(Debug)]
struct Sock {
    socket: UdpSocket,
    read_timeout: Option<Duration>,
}

impl Sock {
    fn bind(family_of: SocketAddr) -> io::Result<Sock> {
        // The large receive buffer of every socket of both faces, blocking.
        let socket = snmp_manager::bind_udp(any(family_of))?;
        socket.set_nonblocking(false)?;
        Ok(Sock {
            socket,
            read_timeout: None,
        })
    }

    /// Makes a read wait at most about `wait`: a timeout already set that ends within a
    /// millisecond after `wait`, and at least half of it, is kept (a wake-up before the
    /// deadline only costs another wait).
    fn wait_at_most(&mut self, wait: Duration) -> io::Result<()> {
        let wait = wait.max(Duration::from_micros(100));
        let keep = self
            .read_timeout
            .is_some_and(|t| t <= wait + Duration::from_millis(1) && t >= wait / 2);
        if !keep {
            self.socket.set_read_timeout(Some(wait))?;
            self.read_timeout = Some(wait);
        }
        Ok(())
    }
}

/// The unspecified address of `addr`'s family, any port.
fn any(addr: SocketAddr) -> SocketAddr {
    if addr.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    }
}

/// The real I/O: one socket `connect`ed to the client's first agent when it was made for one
/// (`send`/`recv` cost the kernel less than `sendto`/`recvfrom`, and the kernel drops
/// datagrams from anyone else), and one unconnected socket per address family for any other
/// agent, bound when first needed. With more than one socket, a wait is one `poll(2)` on all.
#[derive(Debug)]
pub struct UdpIo {
    connected: Option<(Sock, SocketAddr)>,
    v4: Option<Sock>,
    v6: Option<Sock>,
    origin: std::time::Instant,
    /// Stream targets' connections.
    streams: Vec<(TargetId, TcpStream)>,
}

impl UdpIo {
    /// I/O with unconnected sockets only (any agent, answers from any address).
    pub fn open() -> UdpIo {
        UdpIo {
            connected: None,
            v4: None,
            v6: None,
            origin: std::time::Instant::now(),
            streams: Vec::new(),
        }
    }

    /// I/O with a socket connected to `agent` (other agents get unconnected sockets).
    pub fn connected(agent: SocketAddr) -> io::Result<UdpIo> {
        let sock = Sock::bind(agent)?;
        sock.socket.connect(agent)?;
        Ok(UdpIo {
            connected: Some((sock, agent)),
            ..UdpIo::open()
        })
    }

    fn open_sock(&mut self, dest: SocketAddr) -> io::Result<&mut Sock> {
        let slot = if dest.is_ipv4() {
            &mut self.v4
        } else {
            &mut self.v6
        };
        if slot.is_none() {
            *slot = Some(Sock::bind(dest)?);
        }
        slot.as_mut().ok_or_else(|| io::Error::other("no socket"))
    }

    fn socket_count(&self) -> usize {
        usize::from(self.connected.is_some())
            + usize::from(self.v4.is_some())
            + usize::from(self.v6.is_some())
    }

    /// Receives from whichever socket or connection has something, waiting at most `wait`.
    fn receive(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<Option<Received>> {
        if self.streams.is_empty() {
            return Ok(self
                .recv_datagram(buf, wait)?
                .map(|(n, from)| Received::Datagram(n, from)));
        }
        let Some(ready) = self.wait_readable(wait)? else {
            return Ok(None);
        };
        let Some(i) = ready.checked_sub(3) else {
            return Ok(self
                .read_datagram(ready, buf)?
                .map(|(n, from)| Received::Datagram(n, from)));
        };
        let Some((target, stream)) = self.streams.get_mut(i) else {
            return Ok(None);
        };
        let target = *target;
        match stream.read(buf) {
            Ok(0) => {
                self.streams.swap_remove(i);
                Ok(Some(Received::Disconnected(
                    target,
                    ConnectionError::Closed,
                )))
            }
            Ok(n) => Ok(Some(Received::Stream(target, n))),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => {
                self.streams.swap_remove(i);
                Ok(Some(Received::Disconnected(
                    target,
                    connection_error(&e, false),
                )))
            }
        }
    }

    /// Receives from whichever socket has a datagram, waiting at most `wait`.
    fn recv_datagram(
        &mut self,
        buf: &mut [u8],
        wait: Duration,
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        if self.socket_count() == 1 {
            if let Some((sock, peer)) = self.connected.as_mut() {
                sock.wait_at_most(wait)?;
                return sock.socket.recv(buf).map(|n| Some((n, *peer)));
            }
            let sock = match (self.v4.as_mut(), self.v6.as_mut()) {
                (Some(s), _) | (None, Some(s)) => s,
                (None, None) => return Ok(None),
            };
            sock.wait_at_most(wait)?;
            return sock.socket.recv_from(buf).map(Some);
        }
        let Some(ready) = self.wait_readable(wait)? else {
            return Ok(None);
        };
        self.read_datagram(ready, buf)
    }

    /// Reads the datagram (or its pending error) that socket `ready` (0: connected, 1: v4,
    /// 2: v6) said it has.
    fn read_datagram(
        &mut self,
        ready: usize,
        buf: &mut [u8],
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        match ready {
            0 => match self.connected.as_ref() {
                Some((sock, peer)) => sock.socket.recv(buf).map(|n| Some((n, *peer))),
                None => Ok(None),
            },
            1 => match self.v4.as_ref() {
                Some(sock) => sock.socket.recv_from(buf).map(Some),
                None => Ok(None),
            },
            _ => match self.v6.as_ref() {
                Some(sock) => sock.socket.recv_from(buf).map(Some),
                None => Ok(None),
            },
        }
    }

    /// Which socket (0: connected, 1: v4, 2: v6, 3 + i: the i-th stream) is readable,
    /// waiting at most `wait`.
    #[cfg(unix)]
    fn wait_readable(&mut self, wait: Duration) -> io::Result<Option<usize>> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::os::fd::AsFd;
        let socks = [
            self.connected.as_ref().map(|(s, _)| s),
            self.v4.as_ref(),
            self.v6.as_ref(),
        ];
        let mut which = Vec::with_capacity(3 + self.streams.len());
        let mut fds = Vec::with_capacity(3 + self.streams.len());
        for (i, s) in socks.iter().enumerate() {
            if let Some(s) = s {
                which.push(i);
                fds.push(PollFd::new(s.socket.as_fd(), PollFlags::POLLIN));
            }
        }
        for (i, (_, stream)) in self.streams.iter().enumerate() {
            which.push(3 + i);
            fds.push(PollFd::new(stream.as_fd(), PollFlags::POLLIN));
        }
        // Whole milliseconds, rounded up: a wait never ends before the deadline it serves.
        let ms = wait.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
        let timeout = PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX);
        match poll(&mut fds, timeout) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(fds
                .iter()
                .zip(&which)
                .find(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
                .map(|(_, i)| *i)),
            Err(nix::errno::Errno::EINTR) => Ok(None),
            Err(e) => Err(io::Error::from(e)),
        }
    }

    /// Which socket is readable: without `poll(2)`, a short wait on each in turn.
    #[cfg(not(unix))]
    fn wait_readable(&mut self, wait: Duration) -> io::Result<Option<usize>> {
        let share = wait.min(Duration::from_millis(2));
        for i in 0..3 {
            let sock = match i {
                0 => self.connected.as_mut().map(|(s, _)| s),
                1 => self.v4.as_mut(),
                _ => self.v6.as_mut(),
            };
            if let Some(sock) = sock {
                sock.wait_at_most(share)?;
                let mut probe = [0u8; 1];
                match sock.socket.peek_from(&mut probe) {
                    Ok(_) => return Ok(Some(i)),
                    Err(e)
                        if e.kind() == io::ErrorKind::WouldBlock
                            || e.kind() == io::ErrorKind::TimedOut => {}
                    Err(_) => return Ok(Some(i)),
                }
            }
        }
        Ok(None)
    }
}

impl Io for UdpIo {
    fn prepare(&mut self, agent: SocketAddr) -> io::Result<()> {
        if self
            .connected
            .as_ref()
            .is_some_and(|(_, peer)| *peer == agent)
        {
            return Ok(());
        }
        self.open_sock(agent).map(|_| ())
    }

    fn send(&mut self, to: SocketAddr, data: &[u8]) -> io::Result<()> {
        if let Some((sock, peer)) = self.connected.as_ref() {
            if *peer == to {
                return sock.socket.send(data).map(|_| ());
            }
        }
        self.open_sock(to)?.socket.send_to(data, to).map(|_| ())
    }

    fn recv(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        let now = self.now();
        let wait = Duration::from_micros(deadline.as_micros().saturating_sub(now.as_micros()));
        match self.recv_datagram(buf, wait) {
            Ok(got) => Ok(got),
            Err(e) => match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Ok(None),
                // An ICMP error (port unreachable) reported on the socket, or a signal: the
                // request times out as for any loss.
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            },
        }
    }

    fn recv_any(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<Option<Received>> {
        if self.streams.is_empty() {
            let now = self.now();
            let wait = Duration::from_micros(deadline.as_micros().saturating_sub(now.as_micros()));
            return match self.recv_datagram(buf, wait) {
                Ok(got) => Ok(got.map(|(n, from)| Received::Datagram(n, from))),
                // The connected socket's agent said nothing listens on its port: say so at
                // once (an unconnected socket is not told).
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => Ok(self
                    .connected
                    .as_ref()
                    .map(|(_, peer)| Received::Unreachable(*peer))),
                Err(e) => match e.kind() {
                    io::ErrorKind::WouldBlock
                    | io::ErrorKind::TimedOut
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::Interrupted => Ok(None),
                    _ => Err(e),
                },
            };
        }
        let now = self.now();
        let wait = Duration::from_micros(deadline.as_micros().saturating_sub(now.as_micros()));
        match self.receive(buf, wait) {
            Ok(got) => Ok(got),
            Err(e) => match e.kind() {
                io::ErrorKind::WouldBlock
                | io::ErrorKind::TimedOut
                | io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            },
        }
    }

    /// A blocking connect of at most `timeout`, Nagle off; writes wait at most `timeout` too.
    fn connect(
        &mut self,
        target: TargetId,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<(), ConnectionError> {
        self.close(target);
        let timeout = timeout.max(Duration::from_millis(1));
        let stream =
            TcpStream::connect_timeout(&addr, timeout).map_err(|e| connection_error(&e, true))?;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(timeout));
        self.streams.push((target, stream));
        Ok(())
    }

    fn close(&mut self, target: TargetId) {
        self.streams.retain(|(t, _)| *t != target);
    }

    fn write(&mut self, target: TargetId, data: &[u8]) -> Result<(), ConnectionError> {
        let Some(i) = self.streams.iter().position(|(t, _)| *t == target) else {
            return Err(ConnectionError::Closed);
        };
        let written = self
            .streams
            .get_mut(i)
            .map_or(Ok(()), |(_, s)| s.write_all(data));
        written.map_err(|e| {
            self.streams.swap_remove(i);
            connection_error(&e, false)
        })
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.origin.elapsed().as_micros() as u64)
    }

    fn local_addr(&mut self, agent: SocketAddr) -> io::Result<SocketAddr> {
        if let Some((sock, peer)) = self.connected.as_ref() {
            if *peer == agent {
                return sock.socket.local_addr();
            }
        }
        self.open_sock(agent)?.socket.local_addr()
    }
}
