//! The conversation loop: the sans-IO session driven over blocking UDP sockets on the calling
//! thread. No runtime, no helper thread: a call sends what the session has, waits on the
//! socket until the session's next deadline, hands it what arrived, and repeats until its
//! operation has something for the caller.

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use snmp_codec::VarBind;
use snmp_session::{
    CallOptions, Event, Instant, OpId, Request, Session, SessionConfig, StartError, TableRow,
    TargetConfig, TargetId,
};

use crate::Error;

/// What an operation produced that its caller has not taken yet.
#[derive(Debug, Default)]
pub(crate) struct Stash {
    pub(crate) batches: VecDeque<Vec<VarBind>>,
    pub(crate) rows: Vec<TableRow>,
    pub(crate) done: Option<Result<(), snmp_session::Error>>,
}

/// Stashes by operation.
type Stashes = std::collections::HashMap<OpId, Stash>;

/// A socket and the read timeout set on it (set again only when it must change: one
/// `setsockopt` per change, not per wait).
#[derive(Debug)]
struct Sock {
    socket: UdpSocket,
    read_timeout: Option<Duration>,
}

impl Sock {
    fn new(socket: UdpSocket) -> Self {
        Sock {
            socket,
            read_timeout: None,
        }
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

/// How the engine reaches its agents.
#[derive(Debug)]
enum Link {
    /// One agent over a socket `connect`ed to it: `send`/`recv`, which cost the kernel less
    /// than `sendto`/`recvfrom`, and the kernel drops datagrams from anyone else.
    Connected(Sock, SocketAddr),
    /// Any agents: one unconnected socket per address family, bound when first needed.
    Open { v4: Option<Sock>, v6: Option<Sock> },
}

/// A session, its sockets, and what each operation produced and its caller has not taken.
#[derive(Debug)]
pub(crate) struct Engine {
    session: Session,
    link: Link,
    origin: std::time::Instant,
    send_buf: Vec<u8>,
    recv_buf: Vec<u8>,
    /// What each running operation produced, by operation: a short list (a blocking caller
    /// runs one operation at a time, or a poll's few hundred), searched without hashing.
    stash: Stashes,
    /// Alternating between two sockets: the one to wait on next.
    turn: bool,
    /// Operations that ended, oldest first (kept only for a poller: see
    /// [`Engine::run_until_any_done`]).
    ended: Option<VecDeque<OpId>>,
}

/// How long to wait on one socket while the other may have input too.
const SHARE: Duration = Duration::from_millis(2);

impl Engine {
    /// An engine with one socket connected to `agent` (bound to the unspecified address of
    /// its family).
    pub(crate) fn connected(config: SessionConfig, agent: SocketAddr) -> Result<Self, Error> {
        let socket = bind(any(agent))?;
        socket.connect(agent)?;
        Self::with_link(config, Link::Connected(Sock::new(socket), agent))
    }

    /// An engine whose sockets reach any address, which keeps the order operations end in
    /// (for [`Engine::run_until_any_done`]).
    pub(crate) fn open(config: SessionConfig) -> Result<Self, Error> {
        let mut e = Self::with_link(config, Link::Open { v4: None, v6: None })?;
        e.ended = Some(VecDeque::new());
        Ok(e)
    }

    fn with_link(config: SessionConfig, link: Link) -> Result<Self, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| io::Error::other(e.to_string()))?;
        let max = config.max_message_size.max(1500);
        Ok(Engine {
            session: Session::new(config, seed),
            link,
            origin: std::time::Instant::now(),
            send_buf: vec![0; max],
            recv_buf: vec![0; 65536],
            stash: Stashes::default(),
            turn: false,
            ended: None,
        })
    }

    /// The local address of the socket of `family_of`'s family (binding it if need be).
    pub(crate) fn local_addr(&mut self, family_of: SocketAddr) -> io::Result<SocketAddr> {
        self.sock_for(family_of)?.socket.local_addr()
    }

    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    pub(crate) fn add_target(&mut self, config: TargetConfig) -> io::Result<TargetId> {
        // Bind now, so that the socket exists before anything is sent.
        self.sock_for(config.addr)?;
        Ok(self.session.add_target(config))
    }

    pub(crate) fn remove_target(&mut self, target: TargetId) {
        self.session.remove_target(target);
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.origin.elapsed().as_micros() as u64)
    }

    fn sock_for(&mut self, dest: SocketAddr) -> io::Result<&mut Sock> {
        match &mut self.link {
            Link::Connected(sock, _) => Ok(sock),
            Link::Open { v4, v6 } => {
                let slot = if dest.is_ipv4() { v4 } else { v6 };
                if slot.is_none() {
                    *slot = Some(Sock::new(bind(any(dest))?));
                }
                slot.as_mut().ok_or_else(|| io::Error::other("no socket"))
            }
        }
    }

    /// Starts an operation.
    pub(crate) fn start(
        &mut self,
        target: TargetId,
        request: Request,
        call: CallOptions,
    ) -> Result<OpId, StartError> {
        let op = self.session.start_with(target, request, call)?;
        self.stash.insert(op, Stash::default());
        Ok(op)
    }

    /// Cancels an operation and forgets what it produced.
    pub(crate) fn cancel(&mut self, op: OpId) {
        self.session.cancel(op);
        self.stash.remove(&op);
    }

    /// What `op` produced so far.
    pub(crate) fn stash(&mut self, op: OpId) -> Option<&mut Stash> {
        self.stash.get_mut(&op)
    }

    /// Forgets `op` (it is done and its caller took everything).
    pub(crate) fn forget(&mut self, op: OpId) -> Option<Stash> {
        self.stash.remove(&op)
    }

    /// Runs the session until `ready` says `op` has something for its caller (or is done).
    pub(crate) fn run_until(
        &mut self,
        op: OpId,
        ready: impl Fn(&Stash) -> bool,
    ) -> Result<(), Error> {
        let mut now = self.now();
        loop {
            self.flush(now)?;
            self.route();
            match self.stash.get(&op) {
                Some(s) if s.done.is_some() || ready(s) => return Ok(()),
                Some(_) => {}
                None => return Err(Error::Closed),
            }
            now = self.wait(now)?;
        }
    }

    /// Runs the session until an operation ends (one not cancelled or forgotten); `None`
    /// when none is running. Each datagram costs the same however many operations run.
    pub(crate) fn run_until_any_done(&mut self) -> Result<Option<OpId>, Error> {
        let mut now = self.now();
        loop {
            self.flush(now)?;
            self.route();
            while let Some(op) = self.ended.as_mut().and_then(VecDeque::pop_front) {
                if self.stash.contains_key(&op) {
                    return Ok(Some(op));
                }
            }
            if self.stash.is_empty() {
                return Ok(None);
            }
            now = self.wait(now)?;
        }
    }

    /// Hands the session's datagrams to the sockets.
    fn flush(&mut self, now: Instant) -> io::Result<()> {
        while let Some(t) = self.session.poll_transmit(now, &mut self.send_buf) {
            let data = self.send_buf.get(..t.len).unwrap_or(&[]);
            let sent = match &mut self.link {
                Link::Connected(sock, _) => sock.socket.send(data).map(|_| ()),
                Link::Open { v4, v6 } => {
                    let slot = if t.destination.is_ipv4() { v4 } else { v6 };
                    if slot.is_none() {
                        *slot = Some(Sock::new(bind(any(t.destination))?));
                    }
                    match slot {
                        Some(sock) => sock.socket.send_to(data, t.destination).map(|_| ()),
                        None => Ok(()),
                    }
                }
            };
            // A send error (unreachable network, a full buffer, an earlier ICMP error
            // reported here) loses the datagram: the session retransmits or times out as
            // for any loss.
            drop(sent);
        }
        Ok(())
    }

    /// Moves the session's events to the operations' stashes.
    fn route(&mut self) {
        while let Some(ev) = self.session.poll_event() {
            match ev {
                Event::Varbinds { op, varbinds } => {
                    if let Some(s) = self.stash.get_mut(&op) {
                        s.batches.push_back(varbinds);
                    }
                }
                Event::Rows { op, rows } => {
                    if let Some(s) = self.stash.get_mut(&op) {
                        s.rows.extend(rows);
                    }
                }
                Event::Done { op, result } => {
                    if let Some(s) = self.stash.get_mut(&op) {
                        s.done = Some(result);
                        if let Some(ended) = self.ended.as_mut() {
                            ended.push_back(op);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Waits for one datagram or the session's next deadline, and hands over what happened;
    /// the time after.
    fn wait(&mut self, now: Instant) -> io::Result<Instant> {
        let Some(deadline) = self.session.poll_timeout() else {
            // Nothing to wait for: an operation without a deadline is a session bug; do not
            // block forever on it.
            return Err(io::Error::other("the session has nothing to wait for"));
        };
        if deadline <= now {
            self.session.handle_timeout(now);
            return Ok(now);
        }
        let wait = Duration::from_micros(deadline.as_micros() - now.as_micros());
        let received = match &mut self.link {
            Link::Connected(sock, peer) => {
                sock.wait_at_most(wait)?;
                sock.socket.recv(&mut self.recv_buf).map(|n| (n, *peer))
            }
            Link::Open { v4, v6 } => {
                let both = v4.is_some() && v6.is_some();
                self.turn = !self.turn;
                let sock = match (v4.as_mut(), v6.as_mut()) {
                    (Some(a), Some(b)) => {
                        if self.turn {
                            a
                        } else {
                            b
                        }
                    }
                    (Some(a), None) => a,
                    (None, Some(b)) => b,
                    (None, None) => return Err(io::Error::other("no socket")),
                };
                sock.wait_at_most(if both { wait.min(SHARE) } else { wait })?;
                sock.socket.recv_from(&mut self.recv_buf)
            }
        };
        match received {
            Ok((n, from)) => {
                let now = self.now();
                let data = self.recv_buf.get(..n).unwrap_or(&[]);
                self.session.handle_datagram(now, from, data);
                Ok(now)
            }
            Err(e) => match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    let now = self.now();
                    if self.session.poll_timeout().is_some_and(|d| d <= now) {
                        self.session.handle_timeout(now);
                    }
                    Ok(now)
                }
                // An ICMP error (port unreachable) reported on the socket, or a signal: the
                // request times out as for any loss.
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::Interrupted => Ok(self.now()),
                _ => Err(e),
            },
        }
    }
}

/// A blocking UDP socket bound to `addr`, with the async adapters' large receive buffer (a
/// poll's burst of answers is not dropped by the kernel).
fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = snmp_async::bind_udp(addr)?;
    socket.set_nonblocking(false)?;
    Ok(socket)
}

/// The unspecified address of `addr`'s family, any port.
fn any(addr: SocketAddr) -> SocketAddr {
    if addr.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    }
}

/// Every varbind of a stash's batches, in order.
pub(crate) fn all_varbinds(stash: Stash) -> Vec<VarBind> {
    let mut batches = stash.batches;
    if batches.len() == 1 {
        return batches.pop_front().unwrap_or_default();
    }
    batches.into_iter().flatten().collect()
}

/// What the session's result of an operation is for the caller.
pub(crate) fn result_of(
    addr: SocketAddr,
    done: Option<Result<(), snmp_session::Error>>,
) -> Result<(), Error> {
    match done {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(Error::operation_failed(addr, e)),
        None => Err(Error::Closed),
    }
}
