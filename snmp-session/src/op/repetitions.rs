//! GETBULK's max-repetitions for a walk or table: fixed, or adaptive (grown while answers come
//! back complete and well under the size limit, shrunk on tooBig, on answers the agent cut
//! short and on timeouts).

use crate::config::Repetitions;

/// The size of the answer to the request in flight, and the most the path or agent takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnswerSize {
    /// Bytes of the answer's datagram.
    pub(crate) len: usize,
    /// The largest answer wanted: the agent's msgMaxSize for v3, the target's
    /// `max_answer_size` otherwise.
    pub(crate) limit: usize,
}

/// The max-repetitions of a GETBULK walk or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RepetitionControl {
    current: u32,
    policy: Repetitions,
}

impl RepetitionControl {
    /// Starts at `start` (at least 1).
    pub(crate) fn new(start: u32, policy: Repetitions) -> Self {
        let current = match policy {
            Repetitions::Fixed => start.max(1),
            Repetitions::Adaptive { max } => start.clamp(1, max.max(1)),
        };
        RepetitionControl { current, policy }
    }

    /// The max-repetitions to ask for now.
    pub(crate) fn current(&self) -> u32 {
        self.current
    }

    /// Whether it adapts (and so is worth remembering for the target).
    pub(crate) fn adaptive(&self) -> bool {
        matches!(self.policy, Repetitions::Adaptive { .. })
    }

    /// An answer with `varbinds` varbinds came for `per_rep` varbinds per repetition;
    /// `ended` when the walk reached its end in it (a short answer is then no sign of a limit).
    pub(crate) fn on_answer(
        &mut self,
        varbinds: usize,
        per_rep: usize,
        size: AnswerSize,
        ended: bool,
    ) {
        let Repetitions::Adaptive { max } = self.policy else {
            return;
        };
        let per_rep = per_rep.max(1);
        let asked = (self.current as usize).saturating_mul(per_rep);
        if varbinds < asked && !ended {
            // The agent cut the answer short (its own size limit): ask for what it gave.
            let given = u32::try_from(varbinds.checked_div(per_rep).unwrap_or(varbinds))
                .unwrap_or(u32::MAX);
            self.current = given.max(1);
            return;
        }
        if varbinds < asked || varbinds == 0 {
            return;
        }
        // Complete: double, as far as the size limit allows with room to spare.
        let per_varbind = size.len.div_ceil(varbinds).max(1);
        let fits = (size.limit / 2)
            .checked_div(per_varbind.saturating_mul(per_rep))
            .unwrap_or(0);
        let fits = u32::try_from(fits).unwrap_or(u32::MAX).max(1);
        let grown = self.current.saturating_mul(2).min(max.max(1)).min(fits);
        self.current = grown.max(self.current.min(fits)).max(1);
    }

    /// The agent answered tooBig: halve. `false` when already at one (nothing smaller to ask).
    pub(crate) fn on_too_big(&mut self) -> bool {
        if self.current <= 1 {
            return false;
        }
        self.current /= 2;
        true
    }

    /// An attempt went unanswered: an adaptive walk asks for half for the next attempt (a slow
    /// agent that times out on big requests gets smaller ones).
    pub(crate) fn on_timeout(&mut self) {
        if self.adaptive() && self.current > 1 {
            self.current /= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: AnswerSize = AnswerSize {
        len: 1_000,
        limit: 65_507,
    };

    #[test]
    fn fixed_stays_put_but_halves_on_too_big() {
        let mut r = RepetitionControl::new(25, Repetitions::Fixed);
        r.on_answer(25, 1, ROOMY, false);
        r.on_answer(3, 1, ROOMY, false);
        r.on_timeout();
        assert_eq!(r.current(), 25);
        assert!(r.on_too_big());
        assert_eq!(r.current(), 12);
    }

    #[test]
    fn adaptive_grows_to_its_bounds_and_shrinks_on_every_sign() {
        let mut r = RepetitionControl::new(10, Repetitions::Adaptive { max: 100 });
        r.on_answer(10, 1, ROOMY, false);
        assert_eq!(r.current(), 20);
        for _ in 0..5 {
            let n = r.current() as usize;
            r.on_answer(n, 1, ROOMY, false);
        }
        assert_eq!(r.current(), 100, "capped by max");
        // 100 varbinds in 30,000 bytes: half of 65,507 holds 109 of them, so no growth past.
        let big = AnswerSize {
            len: 30_000,
            limit: 65_507,
        };
        r.on_answer(100, 1, big, false);
        assert_eq!(r.current(), 100);
        let mut near = RepetitionControl::new(100, Repetitions::Adaptive { max: 1000 });
        near.on_answer(
            100,
            1,
            AnswerSize {
                len: 40_000,
                limit: 65_507,
            },
            false,
        );
        assert_eq!(
            near.current(),
            81,
            "brought down to what fits in half the limit"
        );
        // Cut short by the agent: take what it gave; at the end of the walk: no change.
        r.on_answer(37, 1, ROOMY, false);
        assert_eq!(r.current(), 37);
        r.on_answer(5, 1, ROOMY, true);
        assert_eq!(r.current(), 37);
        r.on_timeout();
        assert_eq!(r.current(), 18);
        assert!(r.on_too_big());
        assert_eq!(r.current(), 9);
        // Columns: 3 per repetition.
        let mut t = RepetitionControl::new(4, Repetitions::Adaptive { max: 64 });
        t.on_answer(12, 3, ROOMY, false);
        assert_eq!(t.current(), 8);
    }
}
