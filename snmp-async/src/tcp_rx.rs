//! A trap receiver's TCP side (RFC 3430): a listener and its connections, seen by the
//! receiver's task as a socket of messages. Each connection's bytes are framed by their BER
//! length; a message goes to the sans-IO receiver as a datagram from the connection's peer,
//! and what the receiver sends to that peer (an inform's acknowledgement, a v3 Report) is
//! written on its connection.
//!
//! Bounded by the one policy both faces share ([`snmp_manager::tcp_rx`]): connections,
//! message size, output waiting per peer (a peer that never reads is closed), idle time.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Instant;

use crate::runtime::{AsyncListener, AsyncStream, AsyncUdpSocket};

use snmp_manager::{admit, RxConn};

struct Conn<S> {
    stream: S,
    state: RxConn,
}

struct State<L: AsyncListener> {
    listener: L,
    conns: Vec<Conn<L::Stream>>,
    /// Whole messages taken off connections and not yet handed out.
    ready: VecDeque<(SocketAddr, Vec<u8>)>,
    buf: Vec<u8>,
}

/// A TCP listener and its connections, as the receiver's task polls a socket.
pub(crate) struct TcpRx<L: AsyncListener> {
    state: Mutex<State<L>>,
    local: SocketAddr,
}

impl<L: AsyncListener> TcpRx<L> {
    pub(crate) fn new(listener: L) -> io::Result<Self> {
        let local = listener.local_addr()?;
        Ok(TcpRx {
            state: Mutex::new(State {
                listener,
                conns: Vec::new(),
                ready: VecDeque::new(),
                buf: vec![0; 65536],
            }),
            local,
        })
    }
}

impl<L: AsyncListener> State<L> {
    /// Accepts, writes and reads what is ready now; drops broken, idle and non-reading
    /// connections.
    fn poll_io(&mut self, cx: &mut Context<'_>) {
        let now = Instant::now();
        for _ in 0..64 {
            match self.listener.poll_accept(cx) {
                Poll::Ready(Ok((stream, peer))) => {
                    admit(&mut self.conns, |c| &c.state, now);
                    self.conns.push(Conn {
                        stream,
                        state: RxConn::new(peer, now),
                    });
                }
                Poll::Ready(Err(_)) => {}
                Poll::Pending => break,
            }
        }
        let (conns, ready, buf) = (&mut self.conns, &mut self.ready, &mut self.buf);
        conns.retain_mut(|c| {
            while !c.state.pending().is_empty() {
                match c.stream.poll_write(cx, c.state.pending()) {
                    Poll::Ready(Ok(n)) if n > 0 => c.state.wrote(n, now),
                    Poll::Ready(_) => return false,
                    Poll::Pending => break,
                }
            }
            // A bounded number of reads per pass, so one busy peer cannot starve the rest.
            for _ in 0..16 {
                match c.stream.poll_read(cx, buf) {
                    Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => return false,
                    Poll::Ready(Ok(n)) => {
                        if !c.state.received(buf.get(..n).unwrap_or(&[]), now, ready) {
                            return false;
                        }
                    }
                    Poll::Pending => break,
                }
            }
            !c.state.idle(now)
        });
    }
}

impl<L: AsyncListener> AsyncUdpSocket for TcpRx<L> {
    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let Ok(mut s) = self.state.lock() else {
            return Poll::Ready(Err(io::Error::other("poisoned")));
        };
        if s.ready.is_empty() {
            s.poll_io(cx);
        }
        match s.ready.pop_front() {
            Some((from, m)) => {
                let n = m.len().min(buf.len());
                if let (Some(to), Some(from)) = (buf.get_mut(..n), m.get(..n)) {
                    to.copy_from_slice(from);
                }
                if !s.ready.is_empty() {
                    cx.waker().wake_by_ref();
                }
                Poll::Ready(Ok((n, from)))
            }
            None => Poll::Pending,
        }
    }

    /// Queues `buf` on the connection of `target` (the peer a notification came from); a
    /// peer no longer connected loses it, as a datagram would be lost.
    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        let Ok(mut s) = self.state.lock() else {
            return Poll::Ready(Err(io::Error::other("poisoned")));
        };
        if let Some(i) = s.conns.iter().position(|c| c.state.peer == target) {
            let fits = s.conns.get_mut(i).is_some_and(|c| c.state.queue(buf));
            if !fits {
                // The peer does not read what it is sent: close it.
                s.conns.swap_remove(i);
            }
        }
        s.poll_io(cx);
        Poll::Ready(Ok(buf.len()))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
