//! A trap receiver's TCP side (RFC 3430): a listener and its streams. The manager core's
//! [`Inbox`] keeps the connections' state and policy (framing, bounds, which to close); this
//! accepts, reads and writes what it says.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::Instant;

use snmp_manager::{ConnId, Inbox, ACCEPTS_PER_PASS, READS_PER_PASS};

use crate::runtime::{AsyncListener, AsyncStream};

/// A TCP listener and its streams.
pub(crate) struct TcpIo<L: AsyncListener> {
    listener: L,
    streams: Vec<(ConnId, L::Stream)>,
    buf: Vec<u8>,
}

impl<L: AsyncListener> TcpIo<L> {
    pub(crate) fn new(listener: L) -> Self {
        TcpIo {
            listener,
            streams: Vec::new(),
            buf: vec![0; 65536],
        }
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts, reads and writes what is ready now, each through `inbox`; whether anything
    /// came in (else every waker is registered).
    pub(crate) fn poll_io(
        &mut self,
        cx: &mut Context<'_>,
        inbox: &mut Inbox,
        now: Instant,
    ) -> bool {
        let mut progressed = false;
        for _ in 0..ACCEPTS_PER_PASS {
            match self.listener.poll_accept(cx) {
                Poll::Ready(Ok((stream, peer))) => {
                    self.streams.push((inbox.accept(peer, now), stream));
                    progressed = true;
                }
                Poll::Ready(Err(_)) => {}
                Poll::Pending => break,
            }
        }
        for (id, stream) in &mut self.streams {
            let id = *id;
            if !poll_flush(cx, inbox, id, stream, now) {
                inbox.handle_gone(id);
                continue;
            }
            for _ in 0..READS_PER_PASS {
                match stream.poll_read(cx, &mut self.buf) {
                    Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => {
                        inbox.handle_gone(id);
                        break;
                    }
                    Poll::Ready(Ok(n)) => {
                        inbox.handle_read(id, self.buf.get(..n).unwrap_or(&[]), now);
                        progressed = true;
                    }
                    Poll::Pending => break,
                }
            }
            // What the reads made the inbox owe this peer (acknowledgements, Reports).
            if !poll_flush(cx, inbox, id, stream, now) {
                inbox.handle_gone(id);
            }
        }
        while inbox.poll_close().is_some() {}
        self.streams.retain(|(id, _)| inbox.has(*id));
        progressed
    }
}

/// Writes what the inbox owes connection `id` as far as its stream takes it now; `false`:
/// the stream broke.
fn poll_flush<S: AsyncStream>(
    cx: &mut Context<'_>,
    inbox: &mut Inbox,
    id: ConnId,
    stream: &mut S,
    now: Instant,
) -> bool {
    loop {
        let pending = inbox.pending(id);
        if pending.is_empty() {
            return true;
        }
        match stream.poll_write(cx, pending) {
            Poll::Ready(Ok(n)) if n > 0 => inbox.wrote(id, n, now),
            Poll::Ready(_) => return false,
            Poll::Pending => return true,
        }
    }
}
