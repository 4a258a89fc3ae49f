//! Stream (TCP) targets, RFC 3430: one connection per target, whose state (closed,
//! connecting, up) the session keeps and the driver moves with what it sees
//! ([`Session::handle_connected`], [`Session::handle_stream`],
//! [`Session::handle_disconnected`]). The session asks for connections and their closing
//! with [`StreamAction`]s; requests wait for the connection, and go out whole on it.
//!
//! - No retransmission on a connection that is up: an attempt's timeout only counts the
//!   attempt, and the request ends after the same attempts and time as over UDP.
//! - A connection that drops while requests wait: each with an attempt left waits for a new
//!   connection and is sent again (an attempt each, so this cannot loop); the others end with
//!   [`ConnectionError::Closed`].
//! - A connection that cannot be made ends the requests waiting for it at once (refused) or
//!   after one timeout ([`ConnectionError::ConnectTimeout`]).
//! - Garbage, an unusable length, a message over the target's limit or one that does not
//!   decode: the session closes the connection, and the requests in flight end with the
//!   typed error (an agent that sent it once would send it again).
//! - A connection with nothing in flight for
//!   [`SessionConfig::stream_idle_timeout`](crate::SessionConfig::stream_idle_timeout) is
//!   closed.

use alloc::vec::Vec;
use core::net::SocketAddr;

use snmp_codec::StreamDecoder;
use snmp_usm::Instant;

use super::ids::RequestId;
use super::{Session, TargetId};
use crate::error::{ConnectionError, Error};

/// What the session asks its driver to do with a stream target's connection, from
/// [`Session::poll_stream_action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamAction {
    /// Open a connection to `addr` for `target`, then report it with
    /// [`Session::handle_connected`] or [`Session::handle_disconnected`].
    Connect {
        /// The target.
        target: TargetId,
        /// Its address.
        addr: SocketAddr,
    },
    /// Close `target`'s connection (idle, broken, or its connect took too long); bytes that
    /// still arrive on it are not to be handed in.
    Close {
        /// The target.
        target: TargetId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnState {
    Closed,
    Connecting,
    Up,
}

/// A stream target's connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) state: ConnState,
    decoder: StreamDecoder,
    /// Requests waiting for the connection.
    parked: Vec<RequestId>,
    /// When a message last went out on it.
    last_used: Instant,
    /// Its one armed deadline (the connect's, or the idle check's), also in
    /// `Session::conn_timers`.
    deadline: Option<Instant>,
    limit: usize,
}

impl Conn {
    pub(crate) fn new(limit: usize) -> Conn {
        Conn {
            state: ConnState::Closed,
            decoder: StreamDecoder::new(limit),
            parked: Vec::new(),
            last_used: Instant::ZERO,
            deadline: None,
            limit,
        }
    }
}

impl Session {
    /// The next thing to do with a stream target's connection. Drain it after
    /// [`Session::poll_transmit`] (which is what asks for a connection when a request finds
    /// none) and before [`Session::poll_event`]; act on the actions in order (a `Close` may
    /// be followed by a new `Connect` for the same target).
    #[must_use]
    pub fn poll_stream_action(&mut self) -> Option<StreamAction> {
        self.stream_actions.pop_front()
    }

    fn conn_mut(&mut self, target: TargetId) -> Option<&mut Conn> {
        self.targets.get_mut(&target)?.conn.as_deref_mut()
    }

    /// Whether `target` is a stream target whose connection is up.
    pub(crate) fn stream_up(&self, target: TargetId) -> bool {
        self.targets
            .get(&target)
            .and_then(|t| t.conn.as_deref())
            .is_some_and(|c| c.state == ConnState::Up)
    }

    /// Arms (or clears) a connection's one deadline.
    fn set_conn_deadline(&mut self, target: TargetId, at: Option<Instant>) {
        let Some(conn) = self.conn_mut(target) else {
            return;
        };
        let old = core::mem::replace(&mut conn.deadline, at);
        if let Some(old) = old {
            self.conn_timers.remove(&(old, target));
        }
        if let Some(at) = at {
            self.conn_timers.insert((at, target));
        }
    }

    /// On the way out: a request for a stream target whose connection is not up waits for it
    /// (asking for the connection if none is being made). Returns whether it was parked; for
    /// one that goes out, notes the use.
    pub(crate) fn park_for_connection(
        &mut self,
        target: TargetId,
        rid: RequestId,
        now: Instant,
    ) -> bool {
        let op = self.requests.get(rid).and_then(|r| r.op);
        let (_, timeout) = self.timing(target, op);
        let Some(t) = self.targets.get_mut(&target) else {
            return false;
        };
        let addr = t.config.addr;
        let Some(conn) = t.conn.as_deref_mut() else {
            return false;
        };
        match conn.state {
            ConnState::Up => {
                conn.last_used = now;
                let idle = conn.deadline.is_none();
                if idle {
                    let at = now + self.config.stream_idle_timeout;
                    self.set_conn_deadline(target, Some(at));
                }
                false
            }
            ConnState::Connecting => {
                conn.parked.push(rid);
                true
            }
            ConnState::Closed => {
                conn.parked.push(rid);
                conn.state = ConnState::Connecting;
                conn.decoder = StreamDecoder::new(conn.limit);
                self.stream_actions
                    .push_back(StreamAction::Connect { target, addr });
                self.set_conn_deadline(target, Some(now + timeout));
                true
            }
        }
    }

    /// The connection the session asked for with [`StreamAction::Connect`] is up: the
    /// requests waiting for it go out (follow the drain contract).
    pub fn handle_connected(&mut self, now: Instant, target: TargetId) {
        let Some(conn) = self.conn_mut(target) else {
            return;
        };
        if conn.state != ConnState::Connecting {
            return;
        }
        conn.state = ConnState::Up;
        conn.last_used = now;
        let parked = core::mem::take(&mut conn.parked);
        self.send_queue.extend(parked);
        let idle = now + self.config.stream_idle_timeout;
        self.set_conn_deadline(target, Some(idle));
    }

    /// Bytes read from `target`'s connection: every whole message among them is handled as
    /// a datagram from the target's address would be; a partial one waits for more. A stream
    /// out of step, a message over the target's limit or one that does not decode closes the
    /// connection ([`StreamAction::Close`]) and ends the requests in flight with the
    /// [`ConnectionError`].
    pub fn handle_stream(&mut self, now: Instant, target: TargetId, bytes: &[u8]) {
        let Some(t) = self.targets.get_mut(&target) else {
            return;
        };
        let addr = t.config.addr;
        let Some(conn) = t.conn.as_deref_mut().filter(|c| c.state == ConnState::Up) else {
            return;
        };
        let mut decoder = core::mem::replace(&mut conn.decoder, StreamDecoder::new(0));
        decoder.push(bytes);
        let broken = loop {
            match decoder.next_message() {
                Ok(Some(msg)) => {
                    let malformed = self.counters.dropped_malformed;
                    self.handle_datagram(now, addr, msg);
                    if self.counters.dropped_malformed != malformed {
                        break Some(ConnectionError::Malformed);
                    }
                }
                Ok(None) => break None,
                Err(e) => break Some(ConnectionError::Framing(e)),
            }
        };
        match broken {
            Some(e) => self.close_broken(target, e),
            None => {
                if let Some(conn) = self.conn_mut(target) {
                    conn.decoder = decoder;
                }
            }
        }
    }

    /// `target`'s connection could not be made, or dropped (`error` says how: refused,
    /// closed by the agent, ...). A connect that failed ends the requests waiting for it; a
    /// drop makes each request in flight with an attempt left wait for a new connection (the
    /// session asks for it) and ends the others.
    pub fn handle_disconnected(&mut self, now: Instant, target: TargetId, error: ConnectionError) {
        let Some(conn) = self.conn_mut(target) else {
            return;
        };
        let was = core::mem::replace(&mut conn.state, ConnState::Closed);
        let parked = core::mem::take(&mut conn.parked);
        self.set_conn_deadline(target, None);
        match was {
            ConnState::Closed => {}
            ConnState::Connecting => {
                for rid in parked {
                    self.fail_request(rid, Error::Connection(error));
                }
            }
            ConnState::Up => {
                for rid in self.requests.of_target(target) {
                    let Some(req) = self.requests.get(rid) else {
                        continue;
                    };
                    let (retries, _) = self.timing(target, req.op);
                    if !req.waits() {
                        // Queued for this connection and not written yet (the drop was seen
                        // first): the connection still counts as its attempt. Otherwise an
                        // agent that closes every connection at once, before the write, would
                        // be connected to again and again.
                        let attempts = req.attempts.saturating_add(1);
                        if attempts > retries {
                            self.fail_request(rid, Error::Connection(error));
                        } else if let Some(req) = self.requests.get_mut(rid) {
                            req.attempts = attempts;
                        }
                        continue;
                    }
                    if req.attempts <= retries {
                        if let Some(req) = self.requests.get_mut(rid) {
                            req.deadline = None;
                        }
                        // Sent again on the next connection (parked by the output path).
                        self.send_queue.push_back(rid);
                    } else {
                        self.fail_request(rid, Error::Connection(error));
                    }
                }
                self.purge_timers();
                let _ = now;
            }
        }
    }

    /// The session found the stream broken: close it and end what was in flight on it.
    fn close_broken(&mut self, target: TargetId, error: ConnectionError) {
        let Some(conn) = self.conn_mut(target) else {
            return;
        };
        conn.state = ConnState::Closed;
        let parked = core::mem::take(&mut conn.parked);
        self.set_conn_deadline(target, None);
        self.stream_actions
            .push_back(StreamAction::Close { target });
        // Every request of the target: in flight, queued or parked (failing one twice is a
        // no-op).
        let in_flight = self.requests.of_target(target);
        for rid in parked.into_iter().chain(in_flight) {
            self.fail_request(rid, Error::Connection(error));
        }
    }

    /// Over UDP, the agent at `addr` is unreachable (an ICMP port unreachable reported by a
    /// connected socket): its requests waiting for an answer end at once with
    /// [`ConnectionError::PortUnreachable`] instead of timing out.
    pub fn handle_unreachable(&mut self, now: Instant, addr: SocketAddr) {
        let _ = now;
        let targets: Vec<TargetId> = self
            .targets
            .iter()
            .filter(|(_, t)| t.config.addr == addr && t.conn.is_none())
            .map(|(id, _)| *id)
            .collect();
        for target in targets {
            for rid in self.requests.of_target(target) {
                if self.requests.get(rid).is_some_and(|r| r.waits()) {
                    self.fail_request(rid, Error::Connection(ConnectionError::PortUnreachable));
                }
            }
        }
        self.purge_timers();
    }

    /// The earliest connection deadline.
    pub(crate) fn next_conn_deadline(&self) -> Option<Instant> {
        self.conn_timers.first().map(|(t, _)| *t)
    }

    /// Acts on the connection deadlines at or before `now`: a connect that took too long ends
    /// its waiting requests; an idle connection is closed.
    pub(crate) fn handle_conn_timeouts(&mut self, now: Instant) {
        while let Some(&(at, target)) = self.conn_timers.first() {
            if at > now {
                break;
            }
            self.conn_timers.remove(&(at, target));
            let idle = self.config.stream_idle_timeout;
            let busy = !self.requests.of_target(target).is_empty();
            let Some(conn) = self.conn_mut(target) else {
                continue;
            };
            if conn.deadline != Some(at) {
                continue;
            }
            conn.deadline = None;
            match conn.state {
                ConnState::Connecting => {
                    conn.state = ConnState::Closed;
                    let parked = core::mem::take(&mut conn.parked);
                    self.stream_actions
                        .push_back(StreamAction::Close { target });
                    for rid in parked {
                        self.fail_request(rid, Error::Connection(ConnectionError::ConnectTimeout));
                    }
                }
                ConnState::Up => {
                    let quiet_until = conn.last_used + idle;
                    if busy {
                        self.set_conn_deadline(target, Some(now + idle));
                    } else if quiet_until > now {
                        self.set_conn_deadline(target, Some(quiet_until));
                    } else {
                        conn.state = ConnState::Closed;
                        self.stream_actions
                            .push_back(StreamAction::Close { target });
                    }
                }
                ConnState::Closed => {}
            }
        }
    }

    /// A stream target goes away: its connection is closed.
    pub(crate) fn forget_conn(&mut self, target: TargetId) {
        let open = self
            .targets
            .get(&target)
            .and_then(|t| t.conn.as_deref())
            .is_some_and(|c| c.state != ConnState::Closed);
        self.set_conn_deadline(target, None);
        if open {
            self.stream_actions
                .push_back(StreamAction::Close { target });
        }
    }
}
