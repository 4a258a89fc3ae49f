//! The TCP trap receiver's connections (RFC 3430), one for both faces: framing by BER length
//! and bounds on what each connection may hold. The [`Inbox`](crate::Inbox) keeps the table
//! of them (and which one makes room when a new one comes at the cap); the faces only move
//! bytes between their streams and it.
//!
//! Bounded: at most [`TCP_RX_MAX_CONNECTIONS`] connections (at the cap a new one replaces
//! the least recently active), a message of at most [`TCP_RX_MAX_MESSAGE`] bytes, at most
//! [`TCP_RX_MAX_OUTPUT`] bytes waiting to be written to a peer (a peer that sends and never
//! reads is closed), and a connection silent for [`TCP_RX_IDLE`] is closed.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use snmp_codec::StreamDecoder;

/// The most connections a TCP trap receiver (either face) keeps at once.
pub const TCP_RX_MAX_CONNECTIONS: usize = 256;

/// The longest notification a TCP trap receiver (either face) takes, in bytes; a longer one
/// ends its connection.
pub const TCP_RX_MAX_MESSAGE: usize = 256 << 10;

/// The most bytes waiting to be written to one peer (acknowledgements, Reports); a peer
/// that lets more pile up does not read, and its connection is closed.
pub const TCP_RX_MAX_OUTPUT: usize = 256 << 10;

/// How long a connection may stay silent (nothing read, nothing written) before it is
/// closed.
pub const TCP_RX_IDLE: Duration = Duration::from_secs(120);

/// One connection's state, apart from its stream.
#[derive(Debug)]
pub struct RxConn {
    /// The peer.
    pub peer: SocketAddr,
    decoder: StreamDecoder,
    out: Vec<u8>,
    last: Instant,
}

impl RxConn {
    /// A connection accepted from `peer` at `now`.
    pub fn new(peer: SocketAddr, now: Instant) -> RxConn {
        RxConn {
            peer,
            decoder: StreamDecoder::new(TCP_RX_MAX_MESSAGE),
            out: Vec::new(),
            last: now,
        }
    }

    /// Takes bytes read from the stream; whole messages go to `ready`. `false`: the bytes
    /// are not SNMP (or a message is too long), close the connection.
    pub fn received(
        &mut self,
        bytes: &[u8],
        now: Instant,
        ready: &mut VecDeque<(SocketAddr, Vec<u8>)>,
    ) -> bool {
        self.last = now;
        self.decoder.push(bytes);
        loop {
            match self.decoder.next_message() {
                Ok(Some(m)) => ready.push_back((self.peer, m.to_vec())),
                Ok(None) => return true,
                Err(_) => return false,
            }
        }
    }

    /// Queues `data` to be written to the peer. `false`: over [`TCP_RX_MAX_OUTPUT`], close
    /// the connection (the peer does not read).
    pub fn queue(&mut self, data: &[u8]) -> bool {
        if self.out.len().saturating_add(data.len()) > TCP_RX_MAX_OUTPUT {
            return false;
        }
        self.out.extend_from_slice(data);
        true
    }

    /// What waits to be written.
    pub fn pending(&self) -> &[u8] {
        &self.out
    }

    /// `n` bytes of [`pending`](Self::pending) were written at `now`.
    pub fn wrote(&mut self, n: usize, now: Instant) {
        self.out.drain(..n.min(self.out.len()));
        self.last = now;
    }

    /// Whether it has been silent for [`TCP_RX_IDLE`].
    pub fn idle(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last) >= TCP_RX_IDLE
    }

    /// When it was last active.
    pub fn last_active(&self) -> Instant {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let t0 = Instant::now();
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let mut c = RxConn::new(peer, t0);
        assert!(c.queue(&vec![0; TCP_RX_MAX_OUTPUT]));
        assert!(!c.queue(&[0]), "a peer that does not read is closed");
        c.wrote(TCP_RX_MAX_OUTPUT, t0);
        assert!(c.queue(&[0]));
        assert!(!c.idle(t0 + Duration::from_secs(1)));
        assert!(c.idle(t0 + TCP_RX_IDLE));
        let mut ready = VecDeque::new();
        assert!(
            !c.received(b"GET / HTTP/1.1\r\n", t0, &mut ready),
            "not SNMP"
        );
    }
}
