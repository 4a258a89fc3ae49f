//! The trap receiver without I/O, one for both faces: the session's [`Receiver`] (users,
//! acceptance, filters, informs' acknowledgements, v3 Reports), and for TCP the table of
//! connections and its bounds ([`crate::tcp_rx`]). A face's `TrapReceiver` only moves bytes:
//! it hands the inbox what its socket or connections read, writes what the inbox says, and
//! closes the connections the inbox closes.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant as Clock;

use snmp_codec::{Bytes, SecurityLevel};
use snmp_session::{
    Dropped, Instant, Notification, Receiver, ReceiverConfig, ReceiverCounters, Transmit,
    Transport, TrapFilter,
};
use snmp_usm::UsmUser;

use crate::tcp_rx::{RxConn, TCP_RX_MAX_CONNECTIONS};

/// A TCP connection of an [`Inbox`] (what a face keeps its stream under).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId(u64);

/// Connections a face accepts in one pass at most (the rest wait in the listener's backlog:
/// a flood of connects cannot keep the receiver from reading).
pub const ACCEPTS_PER_PASS: usize = 64;

/// Reads of one connection in one pass at most (one busy peer cannot starve the rest).
pub const READS_PER_PASS: usize = 16;

/// A trap receiver's state and policy, without I/O: over UDP, datagrams in and datagrams out
/// ([`Inbox::handle_datagram`], [`Inbox::poll_transmit`]); over TCP, connections accepted,
/// bytes read, bytes to write on each and connections to close ([`Inbox::accept`],
/// [`Inbox::handle_read`], [`Inbox::pending`], [`Inbox::poll_close`]). Time is passed in.
///
/// ```
/// use snmp_manager::{Inbox, Transport};
/// let t0 = std::time::Instant::now();
/// let mut inbox = Inbox::new(Default::default(), [7; 32], Transport::Tcp, t0);
/// let peer = "127.0.0.1:40000".parse().unwrap();
/// let conn = inbox.accept(peer, t0);
/// // Bytes that are not SNMP close their connection (and only it).
/// inbox.handle_read(conn, b"GET / HTTP/1.1\r\n", t0);
/// assert_eq!(inbox.poll_close(), Some(conn));
/// assert!(inbox.poll_notification().is_none());
/// ```
#[derive(Debug)]
pub struct Inbox {
    receiver: Receiver,
    transport: Transport,
    origin: Clock,
    conns: Vec<(ConnId, RxConn)>,
    next_conn: u64,
    closing: VecDeque<ConnId>,
    messages: VecDeque<(SocketAddr, Vec<u8>)>,
    out: Vec<u8>,
}

impl Inbox {
    /// An inbox with `config`, its engine ID and salts from `seed`, for datagrams
    /// (`Transport::Udp`) or connections (`Transport::Tcp`), its clock starting at `now`.
    pub fn new(config: ReceiverConfig, seed: [u8; 32], transport: Transport, now: Clock) -> Self {
        Inbox {
            receiver: Receiver::new(config, seed),
            transport,
            origin: now,
            conns: Vec::new(),
            next_conn: 0,
            closing: VecDeque::new(),
            messages: VecDeque::new(),
            out: vec![0; 65536],
        }
    }

    fn at(&self, now: Clock) -> Instant {
        let micros = now.saturating_duration_since(self.origin).as_micros();
        Instant::from_micros(u64::try_from(micros).unwrap_or(u64::MAX))
    }

    /// The engine ID v3 inform senders use for this receiver.
    pub fn engine_id(&self) -> &Bytes {
        self.receiver.engine_id()
    }

    /// Accepts v3 notifications from `user` at the level its keys allow.
    pub fn add_user(&mut self, user: UsmUser) {
        self.receiver.add_user(user);
    }

    /// Accepts v3 notifications from `user` at `min_level` or above.
    pub fn add_user_with_min_level(&mut self, user: UsmUser, min_level: SecurityLevel) {
        self.receiver.add_user_with_min_level(user, min_level);
    }

    /// Adds a filter (a notification must pass every filter).
    pub fn add_filter(&mut self, filter: TrapFilter) {
        self.receiver.add_filter(filter);
    }

    /// Received, accepted and dropped (by reason).
    pub fn counters(&self) -> ReceiverCounters {
        self.receiver.counters()
    }

    /// The datagrams dropped since the last call, oldest first (the last 256 are kept).
    pub fn take_dropped(&mut self) -> Vec<Dropped> {
        std::iter::from_fn(|| self.receiver.poll_dropped()).collect()
    }

    /// The next notification accepted.
    pub fn poll_notification(&mut self) -> Option<Notification> {
        self.receiver.poll_notification()
    }

    /// One datagram (UDP), or one message taken off a connection.
    pub fn handle_datagram(&mut self, now: Clock, from: SocketAddr, data: &[u8]) {
        let at = self.at(now);
        self.receiver.handle_datagram(at, from, data);
        if self.transport == Transport::Tcp {
            self.route();
        }
    }

    /// The next datagram to send over UDP (an acknowledgement, a Report), written into
    /// `buf`. Over TCP what the receiver sends goes on its peer's connection
    /// ([`Inbox::pending`]) and this is `None`.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        if self.transport == Transport::Tcp {
            return None;
        }
        self.receiver.poll_transmit(buf)
    }

    /// A connection accepted from `peer` at `now`. At [`TCP_RX_MAX_CONNECTIONS`] the least
    /// recently active one is closed for it, and idle ones are closed
    /// ([`Inbox::poll_close`]).
    pub fn accept(&mut self, peer: SocketAddr, now: Clock) -> ConnId {
        self.handle_timeout(now);
        if self.conns.len() >= TCP_RX_MAX_CONNECTIONS {
            let oldest = self
                .conns
                .iter()
                .min_by_key(|(_, c)| c.last_active())
                .map(|(id, _)| *id);
            if let Some(id) = oldest {
                self.close(id);
            }
        }
        let id = ConnId(self.next_conn);
        self.next_conn = self.next_conn.wrapping_add(1);
        self.conns.push((id, RxConn::new(peer, now)));
        id
    }

    /// Bytes read from connection `conn`: each whole message is handled as a datagram from
    /// its peer. Bytes that are not SNMP, or a message over the bound, close it.
    pub fn handle_read(&mut self, conn: ConnId, bytes: &[u8], now: Clock) {
        let Some((_, c)) = self.conns.iter_mut().find(|(id, _)| *id == conn) else {
            return;
        };
        if !c.received(bytes, now, &mut self.messages) {
            self.close(conn);
        }
        while let Some((from, m)) = self.messages.pop_front() {
            self.handle_datagram(now, from, &m);
        }
    }

    /// What waits to be written on connection `conn`.
    pub fn pending(&self, conn: ConnId) -> &[u8] {
        self.conns
            .iter()
            .find(|(id, _)| *id == conn)
            .map_or(&[], |(_, c)| c.pending())
    }

    /// `n` bytes of [`Inbox::pending`] were written on `conn` at `now`.
    pub fn wrote(&mut self, conn: ConnId, n: usize, now: Clock) {
        if let Some((_, c)) = self.conns.iter_mut().find(|(id, _)| *id == conn) {
            c.wrote(n, now);
        }
    }

    /// The face lost connection `conn` (its peer closed it, or it broke).
    pub fn handle_gone(&mut self, conn: ConnId) {
        self.conns.retain(|(id, _)| *id != conn);
    }

    /// Closes the connections silent for [`TCP_RX_IDLE`](crate::TCP_RX_IDLE).
    pub fn handle_timeout(&mut self, now: Clock) {
        let idle: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.idle(now))
            .map(|(id, _)| *id)
            .collect();
        for id in idle {
            self.close(id);
        }
    }

    /// The next connection the inbox closed (idle, replaced at the cap, not SNMP, or a peer
    /// that does not read what it is sent): the face drops its stream.
    pub fn poll_close(&mut self) -> Option<ConnId> {
        self.closing.pop_front()
    }

    /// Whether connection `conn` is open.
    pub fn has(&self, conn: ConnId) -> bool {
        self.conns.iter().any(|(id, _)| *id == conn)
    }

    /// Connections open.
    pub fn connections(&self) -> usize {
        self.conns.len()
    }

    fn close(&mut self, conn: ConnId) {
        let before = self.conns.len();
        self.conns.retain(|(id, _)| *id != conn);
        if self.conns.len() != before {
            self.closing.push_back(conn);
        }
    }

    /// What the receiver sends goes on its peer's connection (the most recent one from that
    /// peer); a peer no longer connected loses it, as a datagram would be lost; one whose
    /// output passes the bound does not read, and is closed.
    fn route(&mut self) {
        while let Some(t) = self.receiver.poll_transmit(&mut self.out) {
            let data = self.out.get(..t.len).unwrap_or(&[]);
            let Some((id, c)) = self
                .conns
                .iter_mut()
                .rev()
                .find(|(_, c)| c.peer == t.destination)
            else {
                continue;
            };
            if !c.queue(data) {
                let id = *id;
                self.close(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn connections_are_bounded_and_idle_ones_closed() {
        let t0 = Clock::now();
        let mut inbox = Inbox::new(ReceiverConfig::default(), [1; 32], Transport::Tcp, t0);
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let first = inbox.accept(peer, t0);
        for i in 1..TCP_RX_MAX_CONNECTIONS {
            inbox.accept(peer, t0 + Duration::from_millis(i as u64));
        }
        assert_eq!(inbox.poll_close(), None);
        // At the cap, the least recently active makes room.
        inbox.accept(peer, t0 + Duration::from_secs(1));
        assert_eq!(inbox.poll_close(), Some(first));
        assert_eq!(inbox.connections(), TCP_RX_MAX_CONNECTIONS);
        // All silent for the idle time: closed.
        inbox.handle_timeout(t0 + crate::TCP_RX_IDLE + Duration::from_secs(2));
        assert_eq!(inbox.connections(), 0);
        assert_eq!(
            std::iter::from_fn(|| inbox.poll_close()).count(),
            TCP_RX_MAX_CONNECTIONS
        );
    }
}
