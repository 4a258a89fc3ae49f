//! The deadlines of requests in flight (as quinn-proto's `timer.rs`): a heap, where an entry
//! whose request no longer has that deadline is stale and skipped.

use alloc::collections::BinaryHeap;
use core::cmp::Reverse;

use snmp_usm::Instant;

use super::ids::RequestId;

/// Deadlines by request.
#[derive(Debug, Default)]
pub(crate) struct TimerTable {
    heap: BinaryHeap<Reverse<(Instant, RequestId)>>,
}

impl TimerTable {
    /// Arms a deadline for `request` (an earlier one of the same request becomes stale).
    pub(crate) fn set(&mut self, at: Instant, request: RequestId) {
        self.heap.push(Reverse((at, request)));
    }

    /// The earliest deadline (live once [`TimerTable::purge`] ran after the last change).
    pub(crate) fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((t, _))| *t)
    }

    /// Takes the earliest deadline if it is at or before `now` (it may be stale: the caller
    /// checks it against its request).
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, RequestId)> {
        match self.heap.peek() {
            Some(Reverse((t, _))) if *t <= now => self.heap.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }

    /// Drops stale deadlines from the top, so that [`TimerTable::next`] is a live one and a
    /// driver never wakes for a deadline already handled.
    pub(crate) fn purge(&mut self, live: impl Fn(RequestId, Instant) -> bool) {
        while let Some(Reverse((t, rid))) = self.heap.peek() {
            if live(*rid, *t) {
                break;
            }
            self.heap.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_deadlines_are_purged_and_due_ones_come_in_order() {
        let mut t = TimerTable::default();
        let at = |ms: u64| Instant::from_micros(ms * 1000);
        t.set(at(30), RequestId(1));
        t.set(at(10), RequestId(2));
        t.set(at(20), RequestId(3));
        t.purge(|r, _| r != RequestId(2));
        assert_eq!(t.next(), Some(at(20)));
        assert_eq!(t.pop_due(at(15)), None);
        assert_eq!(t.pop_due(at(25)), Some((at(20), RequestId(3))));
        assert_eq!(t.pop_due(at(25)), None);
        assert_eq!(t.next(), Some(at(30)));
    }
}
