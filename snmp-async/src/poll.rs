//! `poll_many` as a stream, over the one poll scheduler of the manager core.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use snmp_manager::{ClientId, PollResult, PollScheduler};

use crate::handle::Held;

/// The stream of [`Client::poll_many`](crate::Client::poll_many): results in completion
/// order. Dropping it cancels what still runs.
pub struct PollMany {
    held: Held,
    client: ClientId,
    scheduler: PollScheduler,
}

impl std::fmt::Debug for PollMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollMany")
            .field("scheduler", &self.scheduler)
            .finish_non_exhaustive()
    }
}

impl PollMany {
    pub(crate) fn new(held: Held, client: ClientId, scheduler: PollScheduler) -> Self {
        PollMany {
            held,
            client,
            scheduler,
        }
    }
}

impl Stream for PollMany {
    type Item = PollResult;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<PollResult>> {
        let this = &mut *self;
        if let Some(r) = this.scheduler.pop() {
            return Poll::Ready(Some(r));
        }
        if this.scheduler.is_finished() {
            return Poll::Ready(None);
        }
        this.held
            .0
            .poll_step(&mut this.scheduler, this.client, cx.waker());
        match this.scheduler.pop() {
            Some(r) => Poll::Ready(Some(r)),
            None if this.scheduler.is_finished() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

impl Drop for PollMany {
    fn drop(&mut self) {
        if !self.scheduler.is_finished() {
            self.held.0.poll_cancel(&mut self.scheduler);
        }
    }
}
