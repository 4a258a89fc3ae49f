//! The driver: one task that owns a [`Session`] and its sockets, and runs the drain contract.
//! Everything protocol-related is the session's; this only moves bytes, time and results.
// Without the `tracing` feature the events are compiled out, and what they would print is unused.
#![cfg_attr(not(feature = "tracing"), allow(unused_variables))]

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_channel::{mpsc, oneshot};
use futures_core::Stream;
use snmp_codec::VarBind;
use snmp_session::{
    CallOptions, Counters, Event, Instant, OpId, Request, Session, SessionConfig, StartError,
    TableRow, TargetConfig, TargetId,
};

use crate::batch::MAX_BATCH;
use crate::error::Error;
use crate::{AsyncUdpSocket, Runtime};

/// What a caller asks the driver to do.
pub(crate) enum Command {
    AddTarget(TargetConfig, oneshot::Sender<TargetId>),
    RemoveTarget(TargetId),
    Start(TargetId, Request, Sink, CallOptions, Parent),
}

/// The caller's current span, the parent of an operation's span (nothing without the
/// `tracing` feature).
#[cfg(feature = "tracing")]
pub(crate) type Parent = tracing::Span;
/// The caller's current span (nothing without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
pub(crate) type Parent = NoSpan;

/// No span: what [`Parent`] is without the `tracing` feature.
#[cfg(not(feature = "tracing"))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoSpan;

/// The caller's current span, taken when an operation is asked for.
pub(crate) fn parent() -> Parent {
    #[cfg(feature = "tracing")]
    {
        tracing::Span::current()
    }
    #[cfg(not(feature = "tracing"))]
    {
        NoSpan
    }
}

/// Runs `f` inside the span of operation `op`, if it has one.
#[cfg(feature = "tracing")]
macro_rules! in_op {
    ($driver:expr, $op:expr, $body:expr) => {
        match $driver.spans.get(&$op) {
            Some(span) => span.in_scope(|| $body),
            None => $body,
        }
    };
}
#[cfg(not(feature = "tracing"))]
macro_rules! in_op {
    ($driver:expr, $op:expr, $body:expr) => {
        $body
    };
}

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

/// Where an operation's results go.
pub(crate) enum Sink {
    /// All varbinds at once (get, get-next, get-bulk, set, inform, traps).
    Varbinds(oneshot::Sender<Result<Vec<VarBind>, Error>>, Vec<VarBind>),
    /// A stream of batches (walks); the error, if any, comes last. `Flow` bounds how many
    /// wait for the reader.
    Stream(
        mpsc::UnboundedSender<Result<Vec<VarBind>, Error>>,
        std::sync::Arc<Flow>,
    ),
    /// Table rows, with the error (and the rows so far) if it failed.
    Table(
        oneshot::Sender<(Vec<TableRow>, Option<Error>)>,
        Vec<TableRow>,
    ),
}

/// The batches of a walk waiting for its reader, shared by the driver and the
/// [`Walk`](crate::Walk): above [`Flow::HIGH`] the driver pauses the walk in the session (no more
/// requests), and when the reader has taken them down to [`Flow::LOW`] it wakes the driver,
/// which resumes it. So a slow reader holds at most about `HIGH` answers in memory.
#[derive(Debug, Default)]
pub(crate) struct Flow {
    queued: std::sync::atomic::AtomicUsize,
    paused: std::sync::atomic::AtomicBool,
    driver: futures_util::task::AtomicWaker,
}

impl Flow {
    /// Answers waiting that pause the walk.
    pub(crate) const HIGH: usize = 16;
    /// Answers waiting at or below which it goes on.
    pub(crate) const LOW: usize = 4;

    /// The reader took one batch.
    pub(crate) fn taken(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        let before = self
            .queued
            .fetch_update(SeqCst, SeqCst, |n| Some(n.saturating_sub(1)))
            .unwrap_or(0);
        if before.saturating_sub(1) <= Self::LOW && self.paused.load(SeqCst) {
            self.driver.wake();
        }
    }
}

impl Sink {
    fn is_closed(&self) -> bool {
        match self {
            Sink::Varbinds(tx, _) => tx.is_canceled(),
            Sink::Stream(tx, _) => tx.is_closed(),
            Sink::Table(tx, _) => tx.is_canceled(),
        }
    }
}

/// The driver and the task that runs it, shared with the callers that drive it themselves.
///
/// The driver runs in its own task ([`DriverTask`]), and a caller awaiting one operation
/// (a get, get-next, get-bulk, set) polls it on its own task too when the driver is free
/// ([`Inline`]): then the datagram that answers it wakes the caller itself, with no hop
/// through the driver's task (on tokio's current-thread runtime that hop costs an extra
/// scheduler pass and `epoll_wait` per operation).
///
/// What keeps this from losing a wake-up: a socket, channel or timer wakes only the waker of
/// its last poller, and every poll happens under the lock. So the last poller is either the
/// driver task or a caller that is still waiting, which will poll again when woken. A
/// caller that stops waiting while other work is pending (or that is woken while another
/// poller holds the lock) wakes the driver task, which polls and takes the wake-ups over.
/// Commands sent through the channel also wake the task.
pub(crate) struct Shared<R: Runtime> {
    pub(crate) driver: std::sync::Mutex<Driver<R>>,
    pub(crate) task: futures_util::task::AtomicWaker,
}

impl<R: Runtime> Shared<R> {
    /// Locks the driver (a poisoned lock is taken as it is: the driver's state stays
    /// consistent between its steps).
    fn lock(&self) -> std::sync::MutexGuard<'_, Driver<R>> {
        self.driver
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The driver, unless another poller holds it.
    fn try_lock(&self) -> Option<std::sync::MutexGuard<'_, Driver<R>>> {
        match self.driver.try_lock() {
            Ok(d) => Some(d),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

/// The driver's own task: polls the driver until it ends.
pub(crate) struct DriverTask<R: Runtime>(pub(crate) std::sync::Arc<Shared<R>>);

impl<R: Runtime> Future for DriverTask<R> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.task.register(cx.waker());
        let mut driver = self.0.lock();
        Pin::new(&mut *driver).poll(cx)
    }
}

/// A caller's wait for one operation whose results come all at once, driving the driver on
/// the caller's task while it can (see [`Shared`]).
pub(crate) struct Inline<'a, R: Runtime> {
    shared: &'a std::sync::Arc<Shared<R>>,
    commands: &'a mpsc::UnboundedSender<Command>,
    /// The operation and where its answer goes, until it has been handed to the driver.
    start: Option<(TargetId, Request, CallOptions, Parent, Sink)>,
    rx: oneshot::Receiver<Result<Vec<VarBind>, Error>>,
    /// Whether this caller polled the driver (and may hold its wake-ups).
    drove: bool,
    done: bool,
}

impl<'a, R: Runtime> Inline<'a, R> {
    pub(crate) fn new(
        shared: &'a std::sync::Arc<Shared<R>>,
        commands: &'a mpsc::UnboundedSender<Command>,
        target: TargetId,
        request: Request,
        call: CallOptions,
    ) -> Self {
        let (tx, rx) = oneshot::channel();
        let sink = Sink::Varbinds(tx, Vec::new());
        Inline {
            shared,
            commands,
            start: Some((target, request, call, parent(), sink)),
            rx,
            drove: false,
            done: false,
        }
    }

    /// This caller stops waiting: if it drove and work is pending for others, the driver
    /// task takes the wake-ups over.
    fn hand_back(&mut self) {
        self.done = true;
        if !self.drove {
            return;
        }
        let pending = match self.shared.try_lock() {
            Some(d) => d.has_pending(),
            None => true,
        };
        if pending {
            self.shared.task.wake();
        }
    }
}

impl<R: Runtime> Unpin for Inline<'_, R> {}

impl<R: Runtime> Future for Inline<'_, R> {
    type Output = Result<Vec<VarBind>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.done {
            if let Poll::Ready(r) = Pin::new(&mut this.rx).poll(cx) {
                this.hand_back();
                return Poll::Ready(r.unwrap_or(Err(Error::Closed)));
            }
        }
        if this.start.is_some() || this.drove {
            match this.shared.try_lock() {
                Some(mut driver) => {
                    if let Some((target, request, call, parent, sink)) = this.start.take() {
                        // Only a lone operation drives: with others in flight (a
                        // `poll_many`, a `join` of many gets) one poll of the driver serves
                        // them all, and it is the driver task's.
                        this.drove = !driver.has_pending();
                        driver.start(target, request, sink, call, parent);
                    }
                    if this.drove {
                        // The driver ends only when every client is gone, and this caller
                        // holds one.
                        let _ = Pin::new(&mut *driver).poll(cx);
                        if driver.receive_now() {
                            let _ = Pin::new(&mut *driver).poll(cx);
                        }
                    } else {
                        drop(driver);
                        this.shared.task.wake();
                    }
                }
                None => {
                    // Another poller holds the driver; the driver task goes on from there.
                    if let Some((target, request, call, parent, sink)) = this.start.take() {
                        // If the driver is gone, the command and its sender are dropped, and
                        // `rx` ends with `Error::Closed`.
                        let command = Command::Start(target, request, sink, call, parent);
                        let _ = this.commands.unbounded_send(command);
                    }
                    this.shared.task.wake();
                }
            }
        }
        match Pin::new(&mut this.rx).poll(cx) {
            Poll::Ready(r) => {
                this.hand_back();
                Poll::Ready(r.unwrap_or(Err(Error::Closed)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<R: Runtime> Drop for Inline<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            self.hand_back();
        }
    }
}

/// A runtime's timer future.
type Timer = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The driver future. Runs until every handle to it is dropped and no operation is pending.
pub(crate) struct Driver<R: Runtime> {
    rt: R,
    session: Session,
    v4: Option<R::Socket>,
    v6: Option<R::Socket>,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_closed: bool,
    /// Where each operation's results go, and its agent (which its errors name).
    sinks: HashMap<OpId, (SocketAddr, Sink)>,
    /// Walks paused for their readers (see [`Flow`]).
    paused: Vec<OpId>,
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
    /// When the sinks were last checked for callers that went away.
    last_scan: Instant,
    /// The address families (v4, v6) datagrams went out on in the last poll, where a lone
    /// caller looks for its answer at once ([`Driver::receive_now`]).
    sent: [bool; 2],
}

/// How often the sinks are checked for callers that went away.
const CANCEL_SCAN: std::time::Duration = std::time::Duration::from_millis(10);

/// Room in `send_buf` beyond one largest datagram, for a batch of requests.
const BATCH_ROOM: usize = 16 << 10;

/// Datagrams handled per poll before yielding, so one busy driver cannot starve others.
const BUDGET: usize = 256;

impl<R: Runtime> Driver<R> {
    pub(crate) fn new(
        rt: R,
        config: SessionConfig,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> io::Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| io::Error::other(e.to_string()))?;
        let max = config.max_message_size.max(1500);
        Ok(Driver {
            origin: rt.now(),
            rt,
            session: Session::new(config, seed),
            v4: None,
            v6: None,
            commands,
            commands_closed: false,
            sinks: HashMap::new(),
            paused: Vec::new(),
            #[cfg(feature = "tracing")]
            spans: HashMap::new(),
            timer: None,
            recv_buf: vec![0; 65536],
            send_buf: vec![0; max + BATCH_ROOM],
            queued: VecDeque::with_capacity(MAX_BATCH),
            max,
            last_scan: Instant::ZERO,
            sent: [false; 2],
        })
    }

    fn now(&self) -> Instant {
        let elapsed = self.rt.now().saturating_duration_since(self.origin);
        Instant::from_micros(elapsed.as_micros() as u64)
    }

    fn socket_for(&mut self, dest: SocketAddr) -> io::Result<&R::Socket> {
        let (slot, any): (&mut Option<R::Socket>, SocketAddr) = if dest.is_ipv4() {
            (&mut self.v4, SocketAddr::from(([0, 0, 0, 0], 0)))
        } else {
            (&mut self.v6, SocketAddr::from(([0u16; 8], 0)))
        };
        if slot.is_none() {
            *slot = Some(self.rt.bind(any)?);
        }
        slot.as_ref().ok_or_else(|| io::Error::other("no socket"))
    }

    /// Whether operations or datagrams are pending (someone must keep polling).
    fn has_pending(&self) -> bool {
        !self.sinks.is_empty() || !self.queued.is_empty()
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
            if let Some(Ok((n, from))) = sock.try_recv_now(&mut self.recv_buf) {
                let now = self.now();
                let data = self.recv_buf.get(..n).unwrap_or(&[]);
                self.session.handle_datagram(now, from, data);
                got = true;
            }
        }
        got
    }

    fn start(
        &mut self,
        target: TargetId,
        request: Request,
        sink: Sink,
        call: CallOptions,
        parent: Parent,
    ) {
        let Some(addr) = self.session.target(target).map(|c| c.addr) else {
            // The manager was closed (its target removed) before this call arrived.
            return finish(sink, Err(Error::Closed));
        };
        #[cfg(feature = "tracing")]
        let span = tracing::debug_span!(
            target: "snmp",
            parent: &parent,
            "snmp_op",
            op = tracing::field::Empty,
            target = %addr,
            request = request.name(),
        );
        #[cfg(not(feature = "tracing"))]
        let NoSpan = parent;
        #[cfg(feature = "tracing")]
        let _entered = span.enter();
        let before = tracing_debug().then(|| self.session.counters());
        let started = self.session.start_with(target, request, call);
        if let Some(before) = before {
            // A first v3 request starts with a discovery.
            counted(&before, &self.session.counters(), None);
        }
        match started {
            Ok(id) => {
                #[cfg(feature = "tracing")]
                {
                    span.record("op", tracing::field::debug(id));
                    drop(_entered);
                    span.in_scope(|| event!(debug, "operation started"));
                    if !span.is_disabled() {
                        self.spans.insert(id, span);
                    }
                }
                self.sinks.insert(id, (addr, sink));
            }
            Err(StartError::UnknownTarget) => finish(sink, Err(Error::Closed)),
            Err(error) => finish(
                sink,
                Err(Error::Start {
                    target: addr,
                    error,
                }),
            ),
        }
    }

    /// Resumes the paused walks whose readers have taken their batches down to
    /// [`Flow::LOW`]; the others keep the driver's waker, to be woken when they have.
    fn resume_caught_up(&mut self, cx: &Context<'_>) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        let (sinks, session) = (&self.sinks, &mut self.session);
        let before = self.paused.len();
        self.paused.retain(|op| {
            let Some((_, Sink::Stream(_, flow))) = sinks.get(op) else {
                return false; // ended
            };
            flow.driver.register(cx.waker());
            if flow.queued.load(SeqCst) <= Flow::LOW {
                flow.paused.store(false, SeqCst);
                session.resume(*op);
                event!(debug, op = ?op, "walk resumed");
                false
            } else {
                true
            }
        });
        self.paused.len() < before
    }

    fn route(&mut self, ev: Event) {
        match ev {
            Event::Varbinds { op, varbinds } => match self.sinks.get_mut(&op) {
                Some((_, Sink::Varbinds(_, acc))) => acc.extend(varbinds),
                Some((_, Sink::Stream(tx, flow))) => {
                    use std::sync::atomic::Ordering::SeqCst;
                    if tx.unbounded_send(Ok(varbinds)).is_err() {
                        self.session.cancel(op);
                    } else if flow.queued.fetch_add(1, SeqCst) + 1 >= Flow::HIGH
                        && !flow.paused.swap(true, SeqCst)
                    {
                        // The reader is behind: no more requests until it catches up.
                        self.session.pause(op);
                        self.paused.push(op);
                        in_op!(self, op, event!(debug, "walk paused: its reader is behind"));
                    }
                }
                _ => {}
            },
            Event::Rows { op, rows } => {
                if let Some((_, Sink::Table(_, acc))) = self.sinks.get_mut(&op) {
                    acc.extend(rows);
                }
            }
            Event::Done { op, result } => {
                in_op!(
                    self,
                    op,
                    match &result {
                        Ok(()) => event!(debug, "operation done"),
                        Err(e) => event!(debug, error = %e, "operation failed"),
                    }
                );
                // Its span closes here: the span's time is the operation's.
                #[cfg(feature = "tracing")]
                self.spans.remove(&op);
                if let Some((target, sink)) = self.sinks.remove(&op) {
                    finish(
                        sink,
                        result.map_err(|error| Error::operation_failed(target, error)),
                    );
                }
            }
            _ => {}
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
                    // Errors such as ICMP port unreachable on Linux: the request times out.
                    Poll::Ready(Err(_)) => work = true,
                    Poll::Pending => break,
                }
            }
        }
        work
    }
}

fn finish(sink: Sink, result: Result<(), Error>) {
    match sink {
        Sink::Varbinds(tx, acc) => {
            let _ = tx.send(result.map(|()| acc));
        }
        Sink::Stream(tx, _) => {
            if let Err(e) = result {
                let _ = tx.unbounded_send(Err(e));
            }
        }
        Sink::Table(tx, rows) => {
            let _ = tx.send((rows, result.err()));
        }
    }
}

// The driver never relies on its own address staying put (its fields are polled through
// `Pin::new` or are boxed), so it can move freely.
impl<R: Runtime> Unpin for Driver<R> {}

impl<R: Runtime> Future for Driver<R> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        this.sent = [false; 2];
        for _ in 0..BUDGET {
            let mut work = false;
            // Commands.
            while !this.commands_closed {
                match Pin::new(&mut this.commands).poll_next(cx) {
                    Poll::Ready(Some(cmd)) => {
                        work = true;
                        match cmd {
                            Command::AddTarget(cfg, reply) => {
                                let dest = cfg.addr;
                                let id = this.session.add_target(cfg);
                                // Bind the socket now, so that answers can be received.
                                let _ = this.socket_for(dest);
                                let _ = reply.send(id);
                            }
                            Command::RemoveTarget(t) => this.session.remove_target(t),
                            Command::Start(t, op, sink, call, parent) => {
                                this.start(t, op, sink, call, parent)
                            }
                        }
                    }
                    Poll::Ready(None) => this.commands_closed = true,
                    Poll::Pending => break,
                }
            }
            // Callers that went away cancel their operations (looked for at most every
            // CANCEL_SCAN: with thousands of operations in flight, a scan per poll would cost
            // more than the polls).
            let now = this.now();
            if now.saturating_duration_since(this.last_scan) >= CANCEL_SCAN || this.sinks.len() < 8
            {
                this.last_scan = now;
                let session = &mut this.session;
                #[cfg(feature = "tracing")]
                let spans = &mut this.spans;
                this.sinks.retain(|op, (_, s)| {
                    let keep = !s.is_closed();
                    if !keep {
                        session.cancel(*op);
                        #[cfg(feature = "tracing")]
                        if let Some(span) = spans.remove(op) {
                            span.in_scope(|| {
                                event!(debug, "operation cancelled: its caller went away")
                            });
                        }
                    }
                    keep
                });
            }
            // Walks whose readers caught up go on.
            if !this.paused.is_empty() {
                work |= this.resume_caught_up(cx);
            }
            // Input, then deadlines.
            // One reading of the clock per pass: the session needs time to the millisecond
            // (timeouts, engine time), not to the microsecond.
            work |= this.receive(cx, now);
            if this.session.poll_timeout().is_some_and(|t| t <= now) {
                if tracing_debug() {
                    let before = this.session.counters();
                    this.session.handle_timeout(now);
                    counted(&before, &this.session.counters(), None);
                } else {
                    this.session.handle_timeout(now);
                }
                work = true;
            }
            // The drain contract: transmits, events, next deadline.
            let sent_all = this.flush_transmits(cx, now);
            while let Some(ev) = this.session.poll_event() {
                this.route(ev);
                work = true;
            }
            // A walk paused just now registers the driver's waker, so that its reader wakes
            // the driver when it has caught up (and one that caught up already goes on).
            if !this.paused.is_empty() {
                work |= this.resume_caught_up(cx);
            }
            // One timer at a time, re-armed only for an earlier deadline: a later deadline
            // (every new request's) keeps the armed timer, which then fires early once and is
            // armed again. No timer is made and dropped per request.
            if let Some(deadline) = this.session.poll_timeout() {
                let rearm = this.timer.as_ref().is_none_or(|(t, _)| deadline < *t);
                if rearm {
                    let at = this.origin + std::time::Duration::from_micros(deadline.as_micros());
                    this.timer = Some((deadline, this.rt.timer(at)));
                }
            }
            if let Some((_, timer)) = this.timer.as_mut() {
                if timer.as_mut().poll(cx).is_ready() {
                    this.timer = None;
                    work = true;
                }
            }
            if this.commands_closed && this.sinks.is_empty() && this.queued.is_empty() {
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
