//! The driver: the one place that does I/O for a client. Its state (the sans-IO [`Session`],
//! its sockets, its timer, and what each operation produced) sits behind one lock, shared by
//! the driver's task and the callers (quinn's shape): a caller locks it, starts its operation
//! in the session, registers its waker on the operation's outcome and runs one pass of the
//! driver (sending what the session has); the driver's task runs the passes that input
//! wakes. Every socket and timer is polled with the driver task's waker, whoever runs the
//! pass, so no wake-up can be lost to a caller that stopped waiting. Everything
//! protocol-related is the session's; what each operation produced is kept by
//! [`snmp_manager::Outcomes`], as in the blocking face.
// Without the `tracing` feature the events are compiled out, and what they would print is unused.
#![cfg_attr(not(feature = "tracing"), allow(unused_variables))]

#[cfg(feature = "tracing")]
use std::collections::HashMap;
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::ops::Range;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_util::task::AtomicWaker;
use snmp_manager::{Agent, Error, Outcomes};
use snmp_session::{
    Counters, Instant, OpId, Request, Session, SessionConfig, TargetConfig, TargetId,
};

use crate::batch::MAX_BATCH;
use crate::runtime::{AsyncStream, AsyncUdpSocket, Connecting, Runtime};
use snmp_session::{ConnectionError, StreamAction};

/// A `tracing` event of target `snmp` (nothing without the `tracing` feature).
#[cfg(feature = "tracing")]
macro_rules! event {
    ($level:ident, $($rest:tt)*) => { tracing::$level!(target: "snmp", $($rest)*) };
}
#[cfg(not(feature = "tracing"))]
macro_rules! event {
    ($level:ident, $($rest:tt)*) => {
        ()
    };
}

/// Whether debug events of target `snmp` are wanted now (false without the feature).
fn tracing_debug() -> bool {
    #[cfg(feature = "tracing")]
    {
        tracing::enabled!(target: "snmp", tracing::Level::DEBUG)
    }
    #[cfg(not(feature = "tracing"))]
    {
        false
    }
}

/// Events for what the session counted between two readings of its counters: timeouts,
/// discoveries, and each dropped datagram with its reason (`from`: the datagram's
/// sender, when one datagram was handled).
fn counted(before: &Counters, after: &Counters, from: Option<SocketAddr>) {
    let d = |a: u64, b: u64| b.saturating_sub(a);
    let n = d(before.timeouts, after.timeouts);
    if n > 0 {
        event!(debug, count = n, "request timed out after its last attempt");
    }
    let n = d(before.discoveries, after.discoveries);
    if n > 0 {
        event!(debug, count = n, "v3 engine discovery");
    }
    let drops = [
        (
            before.dropped_malformed,
            after.dropped_malformed,
            "malformed",
        ),
        (
            before.dropped_duplicate,
            after.dropped_duplicate,
            "duplicate or late",
        ),
        (
            before.dropped_unknown,
            after.dropped_unknown,
            "no such request",
        ),
        (
            before.dropped_wrong_source,
            after.dropped_wrong_source,
            "wrong source",
        ),
        (
            before.dropped_mismatch,
            after.dropped_mismatch,
            "does not match its request",
        ),
        (
            before.dropped_security,
            after.dropped_security,
            "failed v3 security",
        ),
    ];
    for (a, b, reason) in drops {
        if b > a {
            event!(debug, from = ?from, reason, "datagram dropped");
        }
    }
}

/// The driver's state and the driver task's waker, shared by the task and every handle.
pub(crate) struct Shared<R: Runtime> {
    core: Mutex<Core<R>>,
    /// The driver task's waker (registered on its every poll).
    task: AtomicWaker,
}

impl<R: Runtime> Shared<R> {
    pub(crate) fn new(rt: R, config: SessionConfig) -> Result<Arc<Self>, Error> {
        Ok(Arc::new(Shared {
            core: Mutex::new(Core::new(rt, config)?),
            task: AtomicWaker::new(),
        }))
    }

    /// Locks the state (a poisoned lock is taken as it is: the state stays consistent
    /// between its steps).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Core<R>> {
        self.core
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// After a caller changed the session (started, resumed): one pass of the driver on the
    /// caller's task, with the driver task's waker, so that what the session has to send goes
    /// out now. Before the driver task first ran, it is woken instead.
    pub(crate) fn kick(&self, core: &mut Core<R>) {
        match core.driver_waker.clone() {
            Some(waker) => {
                let mut cx = Context::from_waker(&waker);
                let lone = core.outcomes.len() == 1;
                // The driver ends only when every handle is gone, and the caller holds one.
                let _ = core.pass(&mut cx);
                // A lone caller's answer is often there already (an agent on this host).
                if lone && core.receive_now() {
                    let _ = core.pass(&mut cx);
                }
            }
            None => self.task.wake(),
        }
    }

    /// A handle to the driver was made.
    pub(crate) fn attach(&self) {
        self.lock().handles += 1;
    }

    /// A handle to the driver went away: with the last one, the driver task ends once its
    /// work is done.
    pub(crate) fn detach(&self) {
        let mut core = self.lock();
        core.handles = core.handles.saturating_sub(1);
        if core.handles == 0 {
            drop(core);
            self.task.wake();
        }
    }
}

/// The driver's own task: runs passes until every handle is gone and no work is left.
pub(crate) struct DriverTask<R: Runtime>(pub(crate) Arc<Shared<R>>);

impl<R: Runtime> Future for DriverTask<R> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.task.register(cx.waker());
        let mut core = self.0.lock();
        match &core.driver_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => core.driver_waker = Some(cx.waker().clone()),
        }
        core.pass(cx)
    }
}

/// A runtime's timer future.
type Timer = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A stream target's connection, as the session asked for it.
enum Conn<S> {
    Connecting(Connecting<S>),
    /// Up, with the bytes written to it that the socket has not taken yet.
    Up {
        stream: S,
        out: Vec<u8>,
    },
}

/// The driver's state: the session, its sockets and timer, and every operation's outcome.
pub(crate) struct Core<R: Runtime> {
    pub(crate) rt: R,
    pub(crate) session: Session,
    pub(crate) outcomes: Outcomes,
    v4: Option<R::Socket>,
    v6: Option<R::Socket>,
    /// Handles alive ([`Client`](crate::Client)s and what holds one).
    handles: usize,
    /// The driver task's waker, which every socket and timer poll registers.
    driver_waker: Option<Waker>,
    /// Each operation's span (`snmp_op`: op, target, request), open from its start to its
    /// end, a child of the caller's span; the driver's events about it are inside it.
    #[cfg(feature = "tracing")]
    spans: HashMap<OpId, tracing::Span>,
    origin: std::time::Instant,
    timer: Option<(Instant, Timer)>,
    recv_buf: Vec<u8>,
    /// Datagrams the session made and the socket has not taken yet, packed one after the
    /// other (room for one more of the largest size is kept at the end).
    send_buf: Vec<u8>,
    /// Where each of them is in `send_buf`, and where it goes, oldest first.
    queued: VecDeque<(SocketAddr, Range<usize>)>,
    /// The largest datagram the session may make.
    max: usize,
    /// The address families (v4, v6) datagrams went out on in the last pass, where a lone
    /// caller looks for its answer at once ([`Core::receive_now`]).
    sent: [bool; 2],
    /// Stream (TCP) targets' connections.
    streams: std::collections::HashMap<TargetId, Conn<R::Stream>>,
    /// The local address UDP sockets bind to ([`SessionConfig::source_address`]).
    source: Option<SocketAddr>,
}

/// Room in `send_buf` beyond one largest datagram, for a batch of requests.
const BATCH_ROOM: usize = 16 << 10;

/// Datagrams handled per pass before yielding, so one busy driver cannot starve others.
const BUDGET: usize = 256;

impl<R: Runtime> Core<R> {
    fn new(rt: R, config: SessionConfig) -> Result<Self, Error> {
        let max = config.max_message_size.max(1500);
        let source = config.source_address;
        Ok(Core {
            source,
            origin: rt.now(),
            rt,
            session: Session::new(config, snmp_manager::seed()?),
            outcomes: Outcomes::default(),
            v4: None,
            v6: None,
            handles: 0,
            driver_waker: None,
            #[cfg(feature = "tracing")]
            spans: HashMap::new(),
            timer: None,
            recv_buf: vec![0; 65536],
            send_buf: vec![0; max + BATCH_ROOM],
            queued: VecDeque::with_capacity(MAX_BATCH),
            max,
            sent: [false; 2],
            streams: std::collections::HashMap::new(),
        })
    }

    pub(crate) fn now(&self) -> Instant {
        let elapsed = self.rt.now().saturating_duration_since(self.origin);
        Instant::from_micros(elapsed.as_micros() as u64)
    }

    fn socket_for(&mut self, dest: SocketAddr) -> io::Result<&R::Socket> {
        let slot = if dest.is_ipv4() {
            &mut self.v4
        } else {
            &mut self.v6
        };
        bind_slot(&self.rt, slot, dest, self.source)
    }

    /// Starts what `scheduler`'s concurrency allows; whether any started.
    pub(crate) fn fill(
        &mut self,
        scheduler: &mut snmp_manager::PollScheduler,
        client: snmp_manager::ClientId,
    ) -> bool {
        let (rt, v4, v6, source) = (&self.rt, &mut self.v4, &mut self.v6, self.source);
        scheduler.fill(
            client,
            &mut self.session,
            &mut self.outcomes,
            &mut |session, cfg| {
                // Bind the socket of its family now, so that answers can be received.
                bind_slot(
                    rt,
                    if cfg.addr.is_ipv4() {
                        &mut *v4
                    } else {
                        &mut *v6
                    },
                    cfg.addr,
                    source,
                )?;
                Ok(session.add_target(cfg))
            },
        )
    }

    /// The local address of the socket towards `agent` (binding it if need be).
    pub(crate) fn local_addr(&mut self, agent: SocketAddr) -> io::Result<SocketAddr> {
        self.socket_for(agent)?.local_addr()
    }

    /// Adds a target, binding the socket of its family now (so that answers can be
    /// received).
    pub(crate) fn add_target(&mut self, config: TargetConfig) -> Result<TargetId, Error> {
        self.socket_for(config.addr)?;
        Ok(self.session.add_target(config))
    }

    /// Takes an answer that is already waiting on a socket the last poll sent on, without
    /// waiting for the runtime to report it (see [`AsyncUdpSocket::try_recv_now`]); returns
    /// whether one was handled (the caller then polls again, to hand it out).
    fn receive_now(&mut self) -> bool {
        let mut got = false;
        for family in 0..2 {
            if !std::mem::take(&mut self.sent[family]) {
                continue;
            }
            let sock = if family == 0 { &self.v4 } else { &self.v6 };
            let Some(sock) = sock.as_ref() else { continue };
            match sock.try_recv_now(&mut self.recv_buf) {
                Some(Ok((n, from))) => {
                    let now = self.now();
                    let data = self.recv_buf.get(..n).unwrap_or(&[]);
                    self.session.handle_datagram(now, from, data);
                    got = true;
                }
                // An ICMP error (with reports asked for): the whole queue is read, so that
                // none is left to report readiness again; the refusals end their requests.
                Some(Err(e)) if e.kind() != io::ErrorKind::WouldBlock => {
                    let now = self.now();
                    for agent in sock.take_unreachable() {
                        self.session.handle_unreachable(now, agent);
                        got = true;
                    }
                }
                _ => {}
            }
        }
        got
    }

    /// Starts `request` on `agent` in the session, its outcome kept for the caller, inside an
    /// `snmp_op` span that is a child of the caller's.
    pub(crate) fn start(&mut self, agent: &Agent, request: Request) -> Result<OpId, Error> {
        #[cfg(feature = "tracing")]
        let span = tracing::debug_span!(
            target: "snmp",
            "snmp_op",
            op = tracing::field::Empty,
            target = %agent.addr(),
            request = request.name(),
        );
        #[cfg(feature = "tracing")]
        let _entered = span.enter();
        let before = tracing_debug().then(|| self.session.counters());
        let started = self.outcomes.start(&mut self.session, agent, request);
        if let Some(before) = before {
            // A first v3 request starts with a discovery.
            counted(&before, &self.session.counters(), None);
        }
        #[cfg(feature = "tracing")]
        if let Ok(id) = &started {
            span.record("op", tracing::field::debug(id));
            drop(_entered);
            span.in_scope(|| event!(debug, "operation started"));
            if !span.is_disabled() {
                self.spans.insert(*id, span);
            }
        }
        started
    }

    /// Cancels `op` (its caller went away) and forgets it.
    pub(crate) fn cancel(&mut self, op: OpId) {
        if !self.outcomes.contains(op) {
            return;
        }
        #[cfg(feature = "tracing")]
        if let Some(span) = self.spans.remove(&op) {
            span.in_scope(|| event!(debug, "operation cancelled: its caller went away"));
        }
        self.outcomes.cancel(&mut self.session, op);
    }

    /// Moves the session's events to the operations' outcomes (waking their callers),
    /// closing the spans of the operations that ended.
    fn drain_events(&mut self) -> bool {
        #[cfg(feature = "tracing")]
        {
            let spans = &mut self.spans;
            self.outcomes.drain_with(&mut self.session, |op, result| {
                if let Some(span) = spans.remove(&op) {
                    span.in_scope(|| match result {
                        Ok(()) => event!(debug, "operation done"),
                        Err(e) => event!(debug, error = %e, "operation failed"),
                    });
                }
            })
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.outcomes.drain(&mut self.session)
        }
    }

    /// Drains transmits, up to [`MAX_BATCH`] datagrams per system call where the socket can
    /// (a `poll_many`'s requests); returns false if the socket is not ready (datagrams wait).
    ///
    /// A send error (unreachable network, ...) loses that datagram; the session retransmits
    /// or times out as for any loss.
    fn flush_transmits(&mut self, cx: &mut Context<'_>, now: Instant) -> bool {
        loop {
            // Take what the session has to send while one more of the largest size fits.
            let mut end = self.queued.back().map_or(0, |(_, r)| r.end);
            while self.queued.len() < MAX_BATCH {
                let Some(room) = self.send_buf.get_mut(end..) else {
                    break;
                };
                if room.len() < self.max {
                    break;
                }
                let resent_before = tracing_debug().then(|| self.session.counters().retransmits);
                let Some(t) = self.session.poll_transmit(now, room) else {
                    break;
                };
                event!(trace, to = %t.destination, len = t.len, "send");
                if let Some(target) = t.connection {
                    // Written whole on the target's connection (by `poll_streams`).
                    let bytes = room.get(..t.len).unwrap_or(&[]);
                    if let Some(Conn::Up { out, .. }) = self.streams.get_mut(&target) {
                        out.extend_from_slice(bytes);
                    }
                    continue;
                }
                if resent_before.is_some_and(|b| self.session.counters().retransmits > b) {
                    event!(debug, to = %t.destination, "retransmit");
                }
                self.queued.push_back((t.destination, end..end + t.len));
                end += t.len;
            }
            let Some((first, first_range)) = self.queued.front().cloned() else {
                return true;
            };
            // The leading datagrams of one address family go to one socket.
            let run = self
                .queued
                .iter()
                .take_while(|(d, _)| d.is_ipv4() == first.is_ipv4())
                .count();
            let sock = match self.socket_for(first) {
                Ok(_) if first.is_ipv4() => self.v4.as_ref(),
                Ok(_) => self.v6.as_ref(),
                Err(_) => None,
            };
            let consumed = match sock {
                None => Poll::Ready(run),
                Some(sock) if run == 1 => {
                    let bytes = self.send_buf.get(first_range).unwrap_or(&[]);
                    sock.poll_send_to(cx, bytes, first).map(|_| 1)
                }
                Some(sock) => {
                    let mut batch = [(first, &[][..]); MAX_BATCH];
                    for (slot, (dest, range)) in batch.iter_mut().zip(&self.queued) {
                        *slot = (*dest, self.send_buf.get(range.clone()).unwrap_or(&[]));
                    }
                    sock.poll_send_batch(cx, &batch[..run])
                }
            };
            match consumed {
                // At least one, so that a socket that reports none cannot stall the driver.
                Poll::Ready(n) => {
                    self.sent[usize::from(!first.is_ipv4())] = true;
                    drop(self.queued.drain(..n.clamp(1, run)))
                }
                Poll::Pending => return false,
            }
        }
    }

    /// Carries out what the session asked of its stream targets' connections; whether there
    /// was any.
    fn stream_actions(&mut self) -> bool {
        let mut any = false;
        while let Some(action) = self.session.poll_stream_action() {
            any = true;
            match action {
                StreamAction::Connect { target, addr } => {
                    event!(debug, to = %addr, "connecting");
                    let connecting = self.rt.connect(addr);
                    self.streams.insert(target, Conn::Connecting(connecting));
                }
                StreamAction::Close { target } => {
                    event!(debug, "closing a connection");
                    self.streams.remove(&target);
                }
                _ => {}
            }
        }
        any
    }

    /// Polls the stream targets' connections: connects that finished, bytes that arrived,
    /// bytes waiting to be written. Whether anything happened.
    fn poll_streams(&mut self, cx: &mut Context<'_>, now: Instant) -> bool {
        if self.streams.is_empty() {
            return false;
        }
        let mut work = false;
        let mut gone = Vec::new();
        let (streams, session, buf) = (&mut self.streams, &mut self.session, &mut self.recv_buf);
        for (&target, conn) in streams.iter_mut() {
            if let Conn::Connecting(f) = conn {
                match f.as_mut().poll(cx) {
                    Poll::Pending => continue,
                    Poll::Ready(Ok(stream)) => {
                        *conn = Conn::Up {
                            stream,
                            out: Vec::new(),
                        };
                        session.handle_connected(now, target);
                        work = true;
                    }
                    Poll::Ready(Err(e)) => {
                        session.handle_disconnected(
                            now,
                            target,
                            snmp_manager::connection_error(&e, true),
                        );
                        gone.push(target);
                        work = true;
                        continue;
                    }
                }
            }
            let Conn::Up { stream, out } = conn else {
                continue;
            };
            let mut failed = None;
            while !out.is_empty() {
                match stream.poll_write(cx, out) {
                    Poll::Ready(Ok(0)) => {
                        failed = Some(ConnectionError::Closed);
                        break;
                    }
                    Poll::Ready(Ok(n)) => drop(out.drain(..n.min(out.len()))),
                    Poll::Ready(Err(e)) => {
                        failed = Some(snmp_manager::connection_error(&e, false));
                        break;
                    }
                    Poll::Pending => break,
                }
            }
            for _ in 0..BUDGET {
                if failed.is_some() {
                    break;
                }
                match stream.poll_read(cx, buf) {
                    Poll::Ready(Ok(0)) => failed = Some(ConnectionError::Closed),
                    Poll::Ready(Ok(n)) => {
                        session.handle_stream(now, target, buf.get(..n).unwrap_or(&[]));
                        work = true;
                    }
                    Poll::Ready(Err(e)) => failed = Some(snmp_manager::connection_error(&e, false)),
                    Poll::Pending => break,
                }
            }
            if let Some(e) = failed {
                event!(debug, error = %e, "connection lost");
                session.handle_disconnected(now, target, e);
                gone.push(target);
                work = true;
            }
        }
        for target in gone {
            self.streams.remove(&target);
        }
        work
    }

    fn receive(&mut self, cx: &mut Context<'_>, now: Instant) -> bool {
        let mut work = false;
        for family in 0..2 {
            for _ in 0..BUDGET {
                let sock = if family == 0 { &self.v4 } else { &self.v6 };
                let Some(sock) = sock.as_ref() else { break };
                match sock.poll_recv_from(cx, &mut self.recv_buf) {
                    Poll::Ready(Ok((n, from))) => {
                        let data = self.recv_buf.get(..n).unwrap_or(&[]);
                        if tracing_debug() {
                            let before = self.session.counters();
                            self.session.handle_datagram(now, from, data);
                            counted(&before, &self.session.counters(), Some(from));
                        } else {
                            self.session.handle_datagram(now, from, data);
                        }
                        work = true;
                    }
                    // An ICMP error (reported where the socket asked for it): the whole queue
                    // is read, whatever the error (a host unreachable left queued would
                    // report readiness again and again); port unreachable fails the requests
                    // to that agent now, other errors let them time out.
                    Poll::Ready(Err(_)) => {
                        for agent in sock.take_unreachable() {
                            self.session.handle_unreachable(now, agent);
                        }
                        work = true;
                    }
                    Poll::Pending => break,
                }
            }
        }
        work
    }

    /// One pass of the driver: input, deadlines, then the drain contract (transmits, events,
    /// the next deadline's timer), up to [`BUDGET`] rounds. Ready when every handle is gone
    /// and nothing is left to do.
    pub(crate) fn pass(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        self.sent = [false; 2];
        for _ in 0..BUDGET {
            let mut work = false;
            // One reading of the clock per round: the session needs time to the millisecond
            // (timeouts, engine time), not to the microsecond.
            let now = self.now();
            // Paused walks whose readers caught up were resumed by the readers.
            work |= self.receive(cx, now);
            work |= self.poll_streams(cx, now);
            if self.session.poll_timeout().is_some_and(|t| t <= now) {
                if tracing_debug() {
                    let before = self.session.counters();
                    self.session.handle_timeout(now);
                    counted(&before, &self.session.counters(), None);
                } else {
                    self.session.handle_timeout(now);
                }
                work = true;
            }
            // The drain contract: transmits, events, next deadline. While datagrams wait for
            // the socket, no event is handed out: a trap is done, and its caller may exit,
            // only once its datagram has left (a new socket's first send can wait for its
            // readiness).
            let sent_all = self.flush_transmits(cx, now);
            if self.stream_actions() {
                // New connects are polled (and their wakers registered) in the next round.
                work = true;
            }
            if !self.streams.is_empty() {
                work |= self.poll_streams(cx, now);
            }
            if sent_all {
                work |= self.drain_events();
            }
            // One timer at a time, re-armed only for an earlier deadline: a later deadline
            // (every new request's) keeps the armed timer, which then fires early once and is
            // armed again. No timer is made and dropped per request.
            if let Some(deadline) = self.session.poll_timeout() {
                let rearm = self.timer.as_ref().is_none_or(|(t, _)| deadline < *t);
                if rearm {
                    let at = self.origin + std::time::Duration::from_micros(deadline.as_micros());
                    self.timer = Some((deadline, self.rt.timer(at)));
                }
            }
            if let Some((_, timer)) = self.timer.as_mut() {
                if timer.as_mut().poll(cx).is_ready() {
                    self.timer = None;
                    work = true;
                }
            }
            if self.handles == 0 && self.outcomes.is_empty() && self.queued.is_empty() {
                return Poll::Ready(());
            }
            if !work || !sent_all {
                return Poll::Pending;
            }
        }
        // Out of budget: come back soon, after others had their turn.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The socket of `dest`'s family in `slot`, bound (to the unspecified address) if need be.
fn bind_slot<'a, R: Runtime>(
    rt: &R,
    slot: &'a mut Option<R::Socket>,
    dest: SocketAddr,
    source: Option<SocketAddr>,
) -> io::Result<&'a R::Socket> {
    if slot.is_none() {
        let any = match source {
            Some(s) if s.is_ipv4() == dest.is_ipv4() => s,
            _ if dest.is_ipv4() => SocketAddr::from(([0, 0, 0, 0], 0)),
            _ => SocketAddr::from(([0u16; 8], 0)),
        };
        let socket = rt.bind(any)?;
        // Best effort: without the reports a closed port only costs its timeouts.
        let _ = socket.report_unreachable();
        *slot = Some(socket);
    }
    slot.as_ref().ok_or_else(|| io::Error::other("no socket"))
}
