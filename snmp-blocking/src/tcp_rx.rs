//! The blocking trap receiver's TCP side (RFC 3430): a listener and its connections, waited
//! on with one `poll(2)`. Each connection's bytes are framed by their BER length; a message
//! is handed to the sans-IO receiver as a datagram from the connection's peer, and what the
//! receiver sends to that peer is written on its connection.
//!
//! Bounded as the async face's: at most 256 connections (more are closed at once),
//! notifications of at most 256 KiB; garbage or a peer that closes costs only its
//! connection.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use snmp_codec::StreamDecoder;

use snmp_manager::{TCP_RX_MAX_CONNECTIONS as MAX_CONNECTIONS, TCP_RX_MAX_MESSAGE as MAX_MESSAGE};

struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    decoder: StreamDecoder,
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
        let readable = self.wait(wait)?;
        self.accept();
        let buf = &mut self.buf;
        let ready = &mut self.ready;
        let mut i = 0;
        self.conns.retain_mut(|c| {
            let this = i;
            i += 1;
            if !readable.contains(&this) {
                return true;
            }
            match c.stream.read(buf) {
                Ok(0) => false,
                Ok(n) => {
                    c.decoder.push(buf.get(..n).unwrap_or(&[]));
                    loop {
                        match c.decoder.next_message() {
                            Ok(Some(m)) => ready.push_back((c.peer, m.to_vec())),
                            Ok(None) => return true,
                            Err(_) => return false,
                        }
                    }
                }
                Err(e) => matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ),
            }
        });
        Ok(self.ready.pop_front())
    }

    /// Writes `data` on the connection of `peer` (a peer gone loses it, as a datagram).
    pub(crate) fn send(&mut self, peer: SocketAddr, data: &[u8]) {
        if let Some(i) = self.conns.iter().position(|c| c.peer == peer) {
            let failed = self
                .conns
                .get_mut(i)
                .is_some_and(|c| c.stream.write_all(data).is_err());
            if failed {
                self.conns.swap_remove(i);
            }
        }
    }

    fn accept(&mut self) {
        for _ in 0..64 {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if self.conns.len() >= MAX_CONNECTIONS {
                        continue; // dropped: closed at once
                    }
                    // Blocking, read only when poll(2) says readable; writes wait 1 s at most.
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = stream.set_nodelay(true);
                    self.conns.push(Conn {
                        stream,
                        peer,
                        decoder: StreamDecoder::new(MAX_MESSAGE),
                    });
                }
                Err(_) => return,
            }
        }
    }

    /// Waits until the listener or a connection is readable; the readable connections.
    fn wait(&mut self, wait: Option<Duration>) -> io::Result<Vec<usize>> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::os::fd::AsFd;
        let mut fds = Vec::with_capacity(1 + self.conns.len());
        fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
        for c in &self.conns {
            fds.push(PollFd::new(c.stream.as_fd(), PollFlags::POLLIN));
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
                .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
                .map(|(i, _)| i)
                .collect()),
            Err(nix::errno::Errno::EINTR) => Ok(Vec::new()),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}
