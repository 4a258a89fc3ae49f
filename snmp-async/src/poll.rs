//! `poll_many` as a stream, over the one poll scheduler of the manager core.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use snmp_manager::{ClientId, Lookup, PollResult, PollScheduler};

use crate::handle::Held;

/// The stream of [`Client::poll_many`](crate::Client::poll_many): results in completion
/// order. Dropping it cancels what still runs. Targets given by name are looked up through
/// the runtime, at most [`PollScheduler::LOOKUPS`] at once.
pub struct PollMany {
    held: Held,
    client: ClientId,
    scheduler: PollScheduler,
    /// The lookups running (bounded by the scheduler).
    lookups: Vec<(Lookup, crate::Resolving)>,
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
            lookups: Vec::new(),
        }
    }

    /// Starts the lookups the scheduler allows and hands it those that finished.
    fn poll_lookups(&mut self, cx: &mut Context<'_>) {
        loop {
            while let Some(lookup) = self.scheduler.poll_lookup() {
                let resolving = self.held.0.resolve(&lookup.name, lookup.port);
                self.lookups.push((lookup, resolving));
            }
            let mut answered = false;
            let mut i = 0;
            while i < self.lookups.len() {
                if let Poll::Ready(found) = self.lookups[i].1.as_mut().poll(cx) {
                    let (lookup, _) = self.lookups.swap_remove(i);
                    let answer = lookup.answer(found);
                    self.scheduler.handle_lookup(lookup.index, answer);
                    answered = true;
                } else {
                    i += 1;
                }
            }
            if !answered {
                return;
            }
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
        this.poll_lookups(cx);
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
