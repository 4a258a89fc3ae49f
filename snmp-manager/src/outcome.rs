//! What each running operation produced, kept per operation (smoltcp's per-query results):
//! the faces start operations here, drain the session into it after every step, and take
//! their own operation's outcome. No face sorts the session's events itself.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::task::Waker;

use snmp_codec::{Oid, Value, VarBind};
use snmp_session::{CallOptions, Event, OpId, Request, Session, TableRow, TargetId};

use crate::agent::{start_error, Agent};
use crate::error::Error;
use crate::table::RawRows;

/// Numbers the clients (engines) of the process, so that a [`crate::PollTarget`] knows which
/// session its cached target belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(usize);

impl ClientId {
    /// A number no other client of the process has.
    ///
    /// ```
    /// assert_ne!(snmp_manager::ClientId::next(), snmp_manager::ClientId::next());
    /// ```
    pub fn next() -> ClientId {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
        ClientId(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// How an operation's results are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// All varbinds at once.
    All,
    /// Batches for a reader (walks).
    Stream,
    /// Table rows.
    Rows,
}

/// One operation's results so far.
#[derive(Debug)]
struct Outcome {
    addr: SocketAddr,
    shape: Shape,
    /// `All`: the varbinds so far, in one batch; `Stream`: the batches the reader has not
    /// taken.
    batches: VecDeque<Vec<VarBind>>,
    rows: Vec<TableRow>,
    done: Option<Result<(), snmp_session::Error>>,
    /// Who waits for it (the async face's task).
    waker: Option<Waker>,
    /// The poll it belongs to (0: none), whose ended operations are queued for it.
    group: u64,
    /// Paused in the session: its reader has [`Outcomes::HIGH`] batches waiting.
    paused: bool,
}

/// The next step of a walk's reader ([`Outcomes::take_batch`]).
#[derive(Debug, PartialEq)]
pub enum WalkStep {
    /// The next batch of varbinds.
    Batch(Vec<VarBind>),
    /// Nothing yet: run the session (or wait for the driver).
    Pending,
    /// The walk is over: how it ended (the operation is forgotten).
    End(Result<(), Error>),
}

/// What each running operation produced that its caller has not taken.
///
/// The contract for a face: start every operation through [`Outcomes::start`] (or
/// [`Outcomes::start_on`]), call [`Outcomes::drain`] after every call that moves the session
/// (a datagram, a timeout, a start, a resume), take results with `take_*`, and cancel an
/// operation whose caller went away with [`Outcomes::cancel`].
#[derive(Debug, Default)]
pub struct Outcomes {
    ops: HashMap<OpId, Outcome>,
    /// Operations of each poll that ended, oldest first.
    ended: HashMap<u64, VecDeque<OpId>>,
    /// Who waits for each poll's operations to end.
    group_wakers: HashMap<u64, Waker>,
    /// A walk was resumed since [`Outcomes::take_resumed`] last looked.
    resumed: bool,
}

impl Outcomes {
    /// Batches waiting for a walk's reader at which the walk pauses in the session.
    pub const HIGH: usize = 16;
    /// Batches waiting at or below which a paused walk goes on.
    pub const LOW: usize = 4;

    /// Starts `request` on `agent`, with the agent's call options.
    pub fn start(
        &mut self,
        session: &mut Session,
        agent: &Agent,
        request: Request,
    ) -> Result<OpId, Error> {
        self.start_on(
            session,
            agent.target(),
            agent.addr(),
            request,
            agent.call_options(),
            0,
        )
    }

    /// Starts `request` on session target `target` (at `addr`, which errors name), as a
    /// member of poll `group` (0: none; see [`Outcomes::next_ended`]).
    pub fn start_on(
        &mut self,
        session: &mut Session,
        target: TargetId,
        addr: SocketAddr,
        request: Request,
        call: CallOptions,
        group: u64,
    ) -> Result<OpId, Error> {
        let shape = match request {
            Request::Walk { .. } => Shape::Stream,
            Request::Table { .. } => Shape::Rows,
            _ => Shape::All,
        };
        let op = session
            .start_with(target, request, call)
            .map_err(|e| start_error(addr, e))?;
        self.ops.insert(
            op,
            Outcome {
                addr,
                shape,
                batches: VecDeque::new(),
                rows: Vec::new(),
                done: None,
                waker: None,
                group,
                paused: false,
            },
        );
        Ok(op)
    }

    /// Moves the session's events to their operations' outcomes, wakes who waits for them,
    /// and pauses walks whose readers are behind. Whether any event came.
    pub fn drain(&mut self, session: &mut Session) -> bool {
        self.drain_with(session, |_, _| {})
    }

    /// [`Outcomes::drain`], telling `ended` of every operation that ended (for a face's
    /// tracing).
    pub fn drain_with(
        &mut self,
        session: &mut Session,
        mut ended: impl FnMut(OpId, &Result<(), snmp_session::Error>),
    ) -> bool {
        let mut any = false;
        while let Some(ev) = session.poll_event() {
            any = true;
            if let Event::Done { op, result } = &ev {
                if self.ops.contains_key(op) {
                    ended(*op, result);
                }
            }
            self.route(session, ev);
        }
        any
    }

    fn route(&mut self, session: &mut Session, ev: Event) {
        let outcome = match ev {
            Event::Varbinds { op, varbinds } => {
                let Some(o) = self.ops.get_mut(&op) else {
                    return;
                };
                match o.shape {
                    Shape::Stream => {
                        o.batches.push_back(varbinds);
                        if o.batches.len() >= Self::HIGH && !o.paused {
                            // The reader is behind: no more requests until it catches up.
                            o.paused = true;
                            session.pause(op);
                        }
                    }
                    _ => match o.batches.front_mut() {
                        Some(acc) => acc.extend(varbinds),
                        None => o.batches.push_back(varbinds),
                    },
                }
                o
            }
            Event::Rows { op, rows } => {
                let Some(o) = self.ops.get_mut(&op) else {
                    return;
                };
                o.rows.extend(rows);
                o
            }
            Event::Done { op, result } => {
                let Some(o) = self.ops.get_mut(&op) else {
                    return;
                };
                o.done = Some(result);
                if o.group != 0 {
                    self.ended.entry(o.group).or_default().push_back(op);
                    if let Some(w) = self.group_wakers.get(&o.group) {
                        w.wake_by_ref();
                    }
                }
                let Some(o) = self.ops.get_mut(&op) else {
                    return;
                };
                o
            }
            _ => return,
        };
        if let Some(w) = outcome.waker.take() {
            w.wake();
        }
    }

    /// Who to wake when `op` has something new (replacing the one before).
    pub fn set_waker(&mut self, op: OpId, waker: &Waker) {
        if let Some(o) = self.ops.get_mut(&op) {
            match &o.waker {
                Some(w) if w.will_wake(waker) => {}
                _ => o.waker = Some(waker.clone()),
            }
        }
    }

    /// Whether `op` is still kept (running, or ended and not taken).
    pub fn contains(&self, op: OpId) -> bool {
        self.ops.contains_key(&op)
    }

    /// Whether `op` has ended (its outcome can be taken whole).
    pub fn is_done(&self, op: OpId) -> bool {
        self.ops.get(&op).is_some_and(|o| o.done.is_some())
    }

    /// Whether `op` has something for its reader: it ended, or (a walk) a batch waits.
    pub fn is_ready(&self, op: OpId) -> bool {
        self.ops.get(&op).is_some_and(|o| {
            o.done.is_some() || (o.shape == Shape::Stream && !o.batches.is_empty())
        })
    }

    /// Operations kept.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The whole answer of an ended operation (get, set, inform, ...), which is then
    /// forgotten; `None` while it runs. An operation not kept (cancelled, or its target
    /// removed) is [`Error::Closed`].
    pub fn take_all(&mut self, op: OpId) -> Option<Result<Vec<VarBind>, Error>> {
        let Some(o) = self.ops.get(&op) else {
            return Some(Err(Error::Closed));
        };
        o.done.as_ref()?;
        let o = self.ops.remove(&op)?;
        let done = o.done?;
        let addr = o.addr;
        let mut batches = o.batches;
        Some(
            done.map_err(|e| Error::operation_failed(addr, e))
                .map(|()| match batches.len() {
                    // The whole answer, as the session gave it: no copy.
                    1 => batches.pop_front().unwrap_or_default(),
                    _ => batches.into_iter().flatten().collect(),
                }),
        )
    }

    /// The rows of an ended table operation (with the rows received before an error), which
    /// is then forgotten; `None` while it runs.
    pub fn take_rows(&mut self, op: OpId) -> Option<RawRows> {
        let Some(o) = self.ops.get(&op) else {
            return Some(Err((Error::Closed, Vec::new())));
        };
        o.done.as_ref()?;
        let o = self.ops.remove(&op)?;
        match o.done? {
            Ok(()) => Some(Ok(o.rows)),
            Err(e) => Some(Err((Error::operation_failed(o.addr, e), o.rows))),
        }
    }

    /// A walk's next batch, or how it ended. A walk paused for its reader goes on once the
    /// reader has taken its batches down to [`Outcomes::LOW`] (then the session has requests
    /// to send).
    pub fn take_batch(&mut self, session: &mut Session, op: OpId) -> WalkStep {
        let Some(o) = self.ops.get_mut(&op) else {
            return WalkStep::End(Err(Error::Closed));
        };
        if let Some(batch) = o.batches.pop_front() {
            if o.paused && o.batches.len() <= Self::LOW {
                o.paused = false;
                session.resume(op);
                self.resumed = true;
            }
            return WalkStep::Batch(batch);
        }
        let Some(done) = o.done.take() else {
            return WalkStep::Pending;
        };
        let addr = o.addr;
        self.ops.remove(&op);
        WalkStep::End(done.map_err(|e| Error::operation_failed(addr, e)))
    }

    /// Whether a paused walk was resumed (by [`Outcomes::take_batch`]) since the last call:
    /// the session then has requests to send.
    pub fn take_resumed(&mut self) -> bool {
        std::mem::take(&mut self.resumed)
    }

    /// Cancels `op` in the session (if it still runs) and forgets it.
    pub fn cancel(&mut self, session: &mut Session, op: OpId) {
        if let Some(o) = self.ops.remove(&op) {
            if o.done.is_none() {
                session.cancel(op);
                // The session's Done(Cancelled) finds nothing here and is dropped.
            }
        }
    }

    /// The next operation of poll `group` that ended (its outcome still kept), oldest
    /// first.
    pub fn next_ended(&mut self, group: u64) -> Option<OpId> {
        let queue = self.ended.get_mut(&group)?;
        while let Some(op) = queue.pop_front() {
            if self.ops.contains_key(&op) {
                return Some(op);
            }
        }
        None
    }

    /// Whether an operation of poll `group` ended and waits to be taken.
    pub fn has_ended(&self, group: u64) -> bool {
        self.ended.get(&group).is_some_and(|q| !q.is_empty())
    }

    /// Who to wake when an operation of poll `group` ends.
    pub fn set_group_waker(&mut self, group: u64, waker: &Waker) {
        match self.group_wakers.get(&group) {
            Some(w) if w.will_wake(waker) => {}
            _ => {
                self.group_wakers.insert(group, waker.clone());
            }
        }
    }

    /// Forgets poll `group`'s queue of ended operations and its waker (the poll is over).
    pub fn forget_group(&mut self, group: u64) {
        self.ended.remove(&group);
        self.group_wakers.remove(&group);
    }
}

/// The varbinds a walk's reader has received and not yet read, and how the walk ended: the
/// part of a walk that does not depend on how a face waits.
#[derive(Debug, Default)]
pub struct WalkBuffer {
    buffered: VecDeque<VarBind>,
    error: Option<Error>,
    ended: bool,
    /// The MIB the walk's error names its OIDs with.
    names: Option<snmp_mib::Mib>,
}

/// What a walk's reader gets next ([`WalkBuffer::next_item`]).
#[derive(Debug)]
pub enum WalkNext {
    /// An item of the walk.
    Item(Result<(Oid, Value), Error>),
    /// Nothing buffered: fetch the next [`WalkStep`].
    Fetch,
    /// The walk is over.
    End,
}

impl WalkBuffer {
    /// A walk that failed before it started.
    pub fn failed(error: Error) -> Self {
        WalkBuffer {
            buffered: VecDeque::new(),
            error: Some(error),
            ended: true,
            names: None,
        }
    }

    /// A walk whose error names its OIDs through `mib` (the Manager's).
    pub fn named(mib: &snmp_mib::Mib) -> Self {
        WalkBuffer {
            names: Some(mib.clone()),
            ..WalkBuffer::default()
        }
    }

    /// The next item, or what the reader must do.
    pub fn next_item(&mut self) -> WalkNext {
        if let Some(vb) = self.buffered.pop_front() {
            return WalkNext::Item(Ok((vb.oid, vb.value)));
        }
        if let Some(e) = self.error.take() {
            return WalkNext::Item(Err(e));
        }
        if self.ended {
            WalkNext::End
        } else {
            WalkNext::Fetch
        }
    }

    /// Takes a step of the walk; whether the walk is over (then the operation is gone).
    pub fn push(&mut self, step: WalkStep) -> bool {
        match step {
            WalkStep::Batch(batch) => {
                self.buffered.extend(batch);
                false
            }
            WalkStep::Pending => false,
            WalkStep::End(result) => {
                self.ended = true;
                self.error = result.err().map(|e| match &self.names {
                    Some(mib) => e.with_names(mib),
                    None => e,
                });
                true
            }
        }
    }

    /// Varbinds waiting to be read.
    pub fn buffered(&self) -> usize {
        self.buffered.len()
    }
}
