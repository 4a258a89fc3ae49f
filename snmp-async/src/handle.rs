//! What a caller's futures and streams do with the driver's state: start an operation and
//! wait for its outcome, read a walk, run a poll. Each locks the state, changes it and lets
//! the driver send (quinn's shape: one entrance, no channel, no oneshot).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use snmp_manager::{Agent, ClientId, Error, Outcomes, PollScheduler, WalkStep};
use snmp_session::{OpId, Request};

use crate::driver::Shared;
use crate::runtime::Runtime;

/// The driver's state seen without its runtime type (what the non-generic [`crate::Walk`] and
/// [`crate::PollMany`] hold).
pub(crate) trait Handle: Send + Sync {
    /// The walk `op`'s next step; `waker` is woken when there is one.
    fn walk_step(&self, op: OpId, waker: &Waker) -> WalkStep;
    /// Cancels `op` and forgets it.
    fn cancel(&self, op: OpId);
    /// Starts what a poll's concurrency allows, collects what ended, and registers `waker`.
    fn poll_step(&self, scheduler: &mut PollScheduler, client: ClientId, waker: &Waker);
    /// Ends a poll early.
    fn poll_cancel(&self, scheduler: &mut PollScheduler);
    /// Looks a poll target's name up through the runtime.
    fn resolve(&self, name: &str, port: u16) -> crate::Resolving;
    /// One more holder that keeps the driver running.
    fn attach(&self);
    /// One holder less.
    fn detach(&self);
}

impl<R: Runtime> Handle for Shared<R> {
    fn walk_step(&self, op: OpId, waker: &Waker) -> WalkStep {
        let mut guard = self.lock();
        let core = &mut *guard;
        let step = core.outcomes.take_batch(&mut core.session, op);
        match step {
            WalkStep::Pending => core.outcomes.set_waker(op, waker),
            WalkStep::Batch(_) if core.outcomes.take_resumed() => self.kick(core),
            _ => {}
        }
        step
    }

    fn cancel(&self, op: OpId) {
        self.lock().cancel(op);
    }

    fn poll_step(&self, scheduler: &mut PollScheduler, client: ClientId, waker: &Waker) {
        let mut guard = self.lock();
        let core = &mut *guard;
        scheduler.collect(&mut core.outcomes);
        let started = core.fill(scheduler, client);
        scheduler.set_waker(&mut core.outcomes, waker);
        if started {
            self.kick(core);
            scheduler.collect(&mut core.outcomes);
        }
    }

    fn poll_cancel(&self, scheduler: &mut PollScheduler) {
        let mut guard = self.lock();
        let core = &mut *guard;
        scheduler.cancel(&mut core.session, &mut core.outcomes);
    }

    fn resolve(&self, name: &str, port: u16) -> crate::Resolving {
        let rt = self.lock().rt.clone();
        rt.resolve(name, port)
    }

    fn attach(&self) {
        Shared::attach(self);
    }

    fn detach(&self) {
        Shared::detach(self);
    }
}

/// A holder of the driver that keeps it running while it lives.
pub(crate) struct Held(pub(crate) Arc<dyn Handle>);

impl Held {
    pub(crate) fn new(handle: Arc<dyn Handle>) -> Held {
        handle.attach();
        Held(handle)
    }
}

impl Clone for Held {
    fn clone(&self) -> Self {
        Held::new(self.0.clone())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.detach();
    }
}

/// How a waited-for operation's outcome is taken, and what a start error becomes.
pub(crate) trait Shape {
    /// What the caller gets.
    type Output;
    /// The outcome, once the operation ended.
    fn take(outcomes: &mut Outcomes, op: OpId) -> Option<Self::Output>;
    /// The operation could not start.
    fn failed(error: Error) -> Self::Output;
}

/// The whole answer at once (get, set, inform, ...).
pub(crate) struct AllAtOnce;

impl Shape for AllAtOnce {
    type Output = Result<Vec<snmp_codec::VarBind>, Error>;
    fn take(outcomes: &mut Outcomes, op: OpId) -> Option<Self::Output> {
        outcomes.take_all(op)
    }
    fn failed(error: Error) -> Self::Output {
        Err(error)
    }
}

/// A table's rows.
pub(crate) struct Rows;

impl Shape for Rows {
    type Output = snmp_manager::RawRows;
    fn take(outcomes: &mut Outcomes, op: OpId) -> Option<Self::Output> {
        outcomes.take_rows(op)
    }
    fn failed(error: Error) -> Self::Output {
        Err((error, Vec::new()))
    }
}

/// A caller waiting for one operation: started on the first poll, its outcome taken when it
/// ended; dropped before, it cancels the operation.
pub(crate) struct Wait<'a, R: Runtime, S: Shape> {
    shared: &'a Arc<Shared<R>>,
    agent: &'a Agent,
    request: Option<Request>,
    op: Option<OpId>,
    _shape: std::marker::PhantomData<S>,
}

impl<'a, R: Runtime, S: Shape> Wait<'a, R, S> {
    pub(crate) fn new(shared: &'a Arc<Shared<R>>, agent: &'a Agent, request: Request) -> Self {
        Wait {
            shared,
            agent,
            request: Some(request),
            op: None,
            _shape: std::marker::PhantomData,
        }
    }
}

impl<R: Runtime, S: Shape> Unpin for Wait<'_, R, S> {}

impl<R: Runtime, S: Shape> Future for Wait<'_, R, S> {
    type Output = S::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Output> {
        let this = &mut *self;
        let mut guard = this.shared.lock();
        let core = &mut *guard;
        let op = match (this.op, this.request.take()) {
            (Some(op), _) => op,
            (None, Some(request)) => match core.start(this.agent, request) {
                Ok(op) => {
                    this.op = Some(op);
                    core.outcomes.set_waker(op, cx.waker());
                    this.shared.kick(core);
                    op
                }
                Err(e) => return Poll::Ready(S::failed(e)),
            },
            (None, None) => return Poll::Ready(S::failed(Error::Closed)),
        };
        match S::take(&mut core.outcomes, op) {
            Some(out) => {
                this.op = None;
                Poll::Ready(out)
            }
            None => {
                core.outcomes.set_waker(op, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl<R: Runtime, S: Shape> Drop for Wait<'_, R, S> {
    fn drop(&mut self) {
        if let Some(op) = self.op.take() {
            self.shared.lock().cancel(op);
        }
    }
}
