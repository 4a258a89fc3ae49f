//! The blocking trap receiver's TCP side (RFC 3430): a listener and its connections, waited
//! on with one `poll(2)`. Each connection's bytes are framed by their BER length; a message
//! is handed to the sans-IO receiver as a datagram from the connection's peer, and what the
//! receiver sends to that peer is written on its connection.
//!
//! Bounded by the one policy both faces share ([`snmp_manager::tcp_rx`]): connections,
//! message size, output waiting per peer (written without blocking; a peer that never reads
//! is closed), idle time.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use snmp_manager::{admit, RxConn};

struct Conn {
    stream: TcpStream,
    state: RxConn,
}

/// A TCP listener and its connections.
pub(crate) struct TcpSide {
    listener: TcpListener,
    conns: Vec<Conn>,
    ready: VecDeque<(SocketAddr, Vec<u8>)>,
    buf: Vec<u8>,
}

impl TcpSide {
    pub(crate) fn bind(addr: SocketAddr) -> io::Result<TcpSide> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(TcpSide {
            listener,
            conns: Vec::new(),
            ready: VecDeque::new(),
            buf: vec![0; 65536],
        })
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The next whole message from any connection, waiting at most `wait` (`None`: as long
    /// as it takes) for bytes or a connection.
    pub(crate) fn recv(
        &mut self,
        wait: Option<Duration>,
    ) -> io::Result<Option<(SocketAddr, Vec<u8>)>> {
        if let Some(m) = self.ready.pop_front() {
            return Ok(Some(m));
        }
        let ready_fds = self.wait(wait)?;
        let now = Instant::now();
        self.accept(now);
        let buf = &mut self.buf;
        let ready = &mut self.ready;
        let mut i = 0;
        self.conns.retain_mut(|c| {
            let this = i;
            i += 1;
            if !flush(c, now) {
                return false;
            }
            if !ready_fds.contains(&this) {
                return !c.state.idle(now);
            }
            match c.stream.read(buf) {
                Ok(0) => false,
                Ok(n) => c.state.received(buf.get(..n).unwrap_or(&[]), now, ready),
                Err(e) => matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ),
            }
        });
        Ok(self.ready.pop_front())
    }

    /// Queues `data` for the connection of `peer` and writes what the socket takes now,
    /// without waiting (a peer gone loses it, as a datagram; one that does not read is
    /// closed once its output passes the bound).
    pub(crate) fn send(&mut self, peer: SocketAddr, data: &[u8]) {
        let now = Instant::now();
        if let Some(i) = self.conns.iter().position(|c| c.state.peer == peer) {
            let keep = self
                .conns
                .get_mut(i)
                .is_some_and(|c| c.state.queue(data) && flush(c, now));
            if !keep {
                self.conns.swap_remove(i);
            }
        }
    }

    fn accept(&mut self, now: Instant) {
        for _ in 0..64 {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    admit(&mut self.conns, |c| &c.state, now);
                    self.conns.push(Conn {
                        stream,
                        state: RxConn::new(peer, now),
                    });
                }
                Err(_) => return,
            }
        }
    }

    /// Waits until the listener or a connection is readable (or a connection with output
    /// waiting is writable); the connections to look at.
    fn wait(&mut self, wait: Option<Duration>) -> io::Result<Vec<usize>> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::os::fd::AsFd;
        let mut fds = Vec::with_capacity(1 + self.conns.len());
        fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
        for c in &self.conns {
            let mut flags = PollFlags::POLLIN;
            if !c.state.pending().is_empty() {
                flags |= PollFlags::POLLOUT;
            }
            fds.push(PollFd::new(c.stream.as_fd(), flags));
        }
        let timeout = match wait {
            None => PollTimeout::NONE,
            Some(w) => {
                let ms = w.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)
            }
        };
        match poll(&mut fds, timeout) {
            Ok(_) => Ok(fds
                .iter()
                .skip(1)
                .enumerate()
                .filter(|(_, fd)| {
                    fd.revents()
                        .is_some_and(|r| r.intersects(!PollFlags::POLLOUT))
                })
                .map(|(i, _)| i)
                .collect()),
            Err(nix::errno::Errno::EINTR) => Ok(Vec::new()),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}

/// Writes what the connection's socket takes now; `false`: the connection broke.
fn flush(c: &mut Conn, now: Instant) -> bool {
    while !c.state.pending().is_empty() {
        match c.stream.write(c.state.pending()) {
            Ok(0) => return false,
            Ok(n) => c.state.wrote(n, now),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}
