//! The blocking trap receiver's TCP side (RFC 3430): a listener and its streams, waited on
//! with one `poll(2)`. The manager core's [`Inbox`] keeps the connections' state and policy
//! (framing, bounds, which to close); this accepts, reads and writes what it says.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use snmp_manager::{ConnId, Inbox, ACCEPTS_PER_PASS};

/// A TCP listener and its streams.
pub(crate) struct TcpSide {
    listener: TcpListener,
    streams: Vec<(ConnId, TcpStream)>,
    buf: Vec<u8>,
}

impl TcpSide {
    pub(crate) fn bind(addr: SocketAddr) -> io::Result<TcpSide> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(TcpSide {
            listener,
            streams: Vec::new(),
            buf: vec![0; 65536],
        })
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Waits at most `wait` (`None`: as long as it takes) for a connection or bytes, then
    /// accepts, reads and writes what is ready, each through `inbox`.
    pub(crate) fn pass(&mut self, inbox: &mut Inbox, wait: Option<Duration>) -> io::Result<()> {
        let readable = self.wait(inbox, wait)?;
        let now = Instant::now();
        inbox.handle_timeout(now);
        for _ in 0..ACCEPTS_PER_PASS {
            let Ok((stream, peer)) = self.listener.accept() else {
                break;
            };
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            let _ = stream.set_nodelay(true);
            self.streams.push((inbox.accept(peer, now), stream));
        }
        for (id, stream) in &mut self.streams {
            if !readable.contains(id) {
                continue;
            }
            match stream.read(&mut self.buf) {
                Ok(0) => inbox.handle_gone(*id),
                Ok(n) => inbox.handle_read(*id, self.buf.get(..n).unwrap_or(&[]), now),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => inbox.handle_gone(*id),
            }
        }
        // Write what the inbox owes each peer (acknowledgements, Reports), without waiting.
        for (id, stream) in &mut self.streams {
            if !flush(inbox, *id, stream, now) {
                inbox.handle_gone(*id);
            }
        }
        self.forget(inbox);
        Ok(())
    }

    /// Drops the streams the inbox closed or lost.
    fn forget(&mut self, inbox: &mut Inbox) {
        while inbox.poll_close().is_some() {}
        self.streams.retain(|(id, _)| inbox.has(*id));
    }

    /// Waits until the listener or a stream is readable (or one with output waiting is
    /// writable); the streams to read.
    fn wait(&mut self, inbox: &Inbox, wait: Option<Duration>) -> io::Result<Vec<ConnId>> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::os::fd::AsFd;
        let mut fds = Vec::with_capacity(1 + self.streams.len());
        fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
        for (id, s) in &self.streams {
            let mut flags = PollFlags::POLLIN;
            if !inbox.pending(*id).is_empty() {
                flags |= PollFlags::POLLOUT;
            }
            fds.push(PollFd::new(s.as_fd(), flags));
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
                .zip(&self.streams)
                .filter(|(fd, _)| {
                    fd.revents()
                        .is_some_and(|r| r.intersects(!PollFlags::POLLOUT))
                })
                .map(|(_, (id, _))| *id)
                .collect()),
            Err(nix::errno::Errno::EINTR) => Ok(Vec::new()),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}

/// Writes what the inbox owes connection `id` as far as its stream takes it now; `false`:
/// the stream broke.
fn flush(inbox: &mut Inbox, id: ConnId, stream: &mut TcpStream, now: Instant) -> bool {
    loop {
        let pending = inbox.pending(id);
        if pending.is_empty() {
            return true;
        }
        match stream.write(pending) {
            Ok(0) => return false,
            Ok(n) => inbox.wrote(id, n, now),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
