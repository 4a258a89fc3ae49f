//! A walk in parallel stripes: the subtree is split at its root's children (found with
//! GETNEXT probes: one request asks after up to [`PROBE_WIDTH`] children at once, v1 one),
//! each stripe is walked by its own [`WalkOp`] with its
//! own request in flight, and the varbinds are handed out in OID order: the first stripe's as
//! they come, each later stripe's once every stripe before it has ended (held until then).
//! The sequence is exactly a sequential walk's.
//!
//! Stripe `k` covers the OIDs after its start `b[k]` up to and including `b[k + 1]` (the next
//! stripe's start), the last one to the end of the subtree: together they cover the subtree
//! once, whatever the boundaries are.
//!
//! A walk also notes where its varbinds were (an OID every so many, at most
//! [`MAX_SAMPLES`]); when it ends well, [`ParallelWalk::learned_stripes`] spreads that many
//! boundaries evenly over them. The session keeps them for the target, and the next walk of
//! the same subtree starts its stripes there, with no probes: each stripe then holds about as
//! many varbinds as the others, wherever the data is.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, PduType, VarBind, Version};

use super::repetitions::AnswerSize;
use super::walk::WalkOp;
use super::{Output, Slot, Step, View};
use crate::config::WalkOptions;
use crate::error::Error;

/// One stripe: its walk, what it handed out before its turn, and how it ended.
#[derive(Debug)]
struct Stripe {
    walk: WalkOp,
    held: Vec<VarBind>,
    result: Option<Result<(), Error>>,
}

#[derive(Debug)]
enum Phase {
    /// Finding the boundaries: the OIDs the probe in flight asks after (`split.c`,
    /// `split.(c + 1)`, ...: the answer to each names the first child from there on).
    Probe { next: Vec<Oid>, bounds: Vec<Oid> },
    /// Too few children to split: one walk, as sequential.
    Sequential(WalkOp),
    /// Walking the stripes; `head` is the one whose varbinds go out as they come.
    Stripes { stripes: Vec<Stripe>, head: usize },
}

/// A walk of the subtree under `root` in up to `options.parallel` stripes.
#[derive(Debug)]
pub(crate) struct ParallelWalk {
    root: Oid,
    bulk: Option<u32>,
    options: WalkOptions,
    version: Version,
    phase: Phase,
    /// Where the subtree is split: the root, or its only child (and so on).
    split: Oid,
    /// How often the split point went one level down.
    descents: u32,
    /// Children found at the current split point so far.
    probes_at_level: u32,
    /// Stripe starts found at the levels above (in OID order).
    candidates: Vec<Oid>,
    /// Where the last stripe ends (inclusive; `None`: the end of the subtree).
    last_upper: Option<Oid>,
    /// How many of `candidates` came from levels above the last (they split subtrees the
    /// walk would otherwise walk whole, and are chosen first).
    upper: usize,
    /// Boundaries to start from (a former walk's), instead of probing.
    preset: Option<Vec<Oid>>,
    /// Where the varbinds handed out were.
    sampler: Sampler,
}

/// OIDs of the varbinds a walk hands out, one every so many: the OID of every `every`-th,
/// `every` doubling (and every other sample dropped) when the samples reach [`MAX_SAMPLES`].
#[derive(Debug)]
struct Sampler {
    /// Varbinds handed out so far.
    seen: u64,
    /// Every `every`-th of them is noted in `samples`.
    every: u64,
    /// Their OIDs, in OID order.
    samples: Vec<Oid>,
}

impl Sampler {
    /// Notes where these varbinds (the next ones handed out, in OID order) are.
    fn note(&mut self, vbs: &[VarBind]) {
        for vb in vbs {
            self.seen = self.seen.saturating_add(1);
            if !self.seen.is_multiple_of(self.every) {
                continue;
            }
            self.samples.push(vb.oid.clone());
            if self.samples.len() >= MAX_SAMPLES {
                // Keep those at multiples of twice the interval (the 2nd, 4th, ...).
                let mut i = 0usize;
                self.samples.retain(|_| {
                    i = i.saturating_add(1);
                    i.is_multiple_of(2)
                });
                self.every = self.every.saturating_mul(2);
            }
        }
    }
}

/// A walk's stripe boundaries as a former walk of the same subtree found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StripeHint {
    /// The subtree walked.
    pub(crate) root: Oid,
    /// Where stripes 2, 3, ... start.
    pub(crate) bounds: Vec<Oid>,
}

/// The most OIDs a walk notes to place the next walk's stripes (twice the most stripes).
const MAX_SAMPLES: usize = 128;

/// The most children probed at one level.
const MAX_PROBES: usize = 64;
/// Children asked after in one probe (one GETNEXT of this many OIDs).
const PROBE_WIDTH: u32 = 16;
/// A level with this many children is not split further.
const MANY_CHILDREN: u32 = 4;
/// The most levels the split point goes down from the root.
const MAX_DESCENTS: u32 = 8;

impl ParallelWalk {
    pub(crate) fn new(
        root: Oid,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        ParallelWalk {
            phase: Phase::Probe {
                next: probe_oids(&root, None, version),
                bounds: Vec::new(),
            },
            split: root.clone(),
            root,
            bulk,
            options,
            version,
            descents: 0,
            probes_at_level: 0,
            candidates: Vec::new(),
            last_upper: None,
            upper: 0,
            preset: None,
            sampler: Sampler {
                seen: 0,
                every: 1,
                samples: Vec::new(),
            },
        }
    }

    /// A walk of `root` whose stripes start at `hint`'s boundaries (a former walk's of the
    /// same subtree) when there are as many as the stripes wanted; else it probes, as
    /// [`ParallelWalk::new`].
    pub(crate) fn hinted(
        root: Oid,
        hint: Option<&StripeHint>,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        let mut w = ParallelWalk::new(root, bulk, options, version);
        if let Some(h) = hint {
            let usable = h.root == w.root
                && h.bounds.len().saturating_add(1) == w.wanted()
                && h.bounds
                    .iter()
                    .all(|b| b.starts_with(&w.root) && *b > w.root)
                && h.bounds
                    .iter()
                    .zip(h.bounds.iter().skip(1))
                    .all(|(a, b)| a < b);
            if usable {
                w.preset = Some(h.bounds.clone());
            }
        }
        w
    }

    /// The first step: the stripes at once when their boundaries are known, else a probe.
    pub(crate) fn start(&mut self) -> Step {
        match self.preset.take() {
            Some(bounds) => self.start_from(self.root.clone(), bounds),
            None => Step::Send,
        }
    }

    /// Where the next walk of this subtree should start its stripes: as many boundaries as
    /// this walk's stripes less one, spread evenly over the varbinds it handed out. `None`
    /// for a walk too small to be worth stripes (fewer than 16 varbinds a stripe).
    pub(crate) fn learned_stripes(&self) -> Option<StripeHint> {
        let stripes = u64::try_from(self.wanted()).ok()?;
        if stripes < 2 || self.sampler.seen < stripes.saturating_mul(16) {
            return None;
        }
        let mut bounds: Vec<Oid> = Vec::with_capacity(usize::try_from(stripes).ok()?);
        for k in 1..stripes {
            // The varbind at k / stripes of the way; sample j is varbind (j + 1) * every.
            let at = k.saturating_mul(self.sampler.seen).checked_div(stripes)?;
            let j = usize::try_from(at.checked_div(self.sampler.every)?.saturating_sub(1)).ok()?;
            let oid = self.sampler.samples.get(j)?;
            if bounds.last().is_none_or(|b| b < oid) {
                bounds.push(oid.clone());
            }
        }
        (bounds.len().saturating_add(1) == usize::try_from(stripes).ok()?).then(|| StripeHint {
            root: self.root.clone(),
            bounds,
        })
    }

    /// A walk of the stripes between these boundaries, found beforehand (no probes): stripe
    /// `k` covers the OIDs after `starts[k]` up to and including `starts[k + 1]`, the last
    /// up to and including `end` (or to the end of the subtree). `starts[0]` is where the
    /// first stripe starts, under `root`.
    pub(crate) fn with_bounds(
        root: Oid,
        starts: Vec<Oid>,
        end: Option<Oid>,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> (Self, Step) {
        let mut w = ParallelWalk::new(root, bulk, options, version);
        w.last_upper = end;
        let mut starts = starts.into_iter();
        let first = starts.next().unwrap_or_else(|| w.root.clone());
        let step = w.start_from(first, starts.collect());
        (w, step)
    }

    /// The max-repetitions an adaptive walk ended with, to remember for the target: the
    /// largest any stripe reached (each stripe adapts on its own; the largest is what the
    /// agent answered without a timeout).
    pub(super) fn learned_repetitions(&self) -> Option<u32> {
        match &self.phase {
            Phase::Sequential(w) => w.learned_repetitions(),
            Phase::Stripes { stripes, .. } => stripes
                .iter()
                .filter_map(|s| s.walk.learned_repetitions())
                .max(),
            Phase::Probe { .. } => None,
        }
    }

    fn wanted(&self) -> usize {
        usize::from(self.options.parallel.clamp(1, 64))
    }

    pub(super) fn view(&self, slot: Slot) -> View<'_> {
        match &self.phase {
            Phase::Probe { next, .. } => View::Oids(PduType::GetNextRequest, [0, 0], next),
            Phase::Sequential(w) => w.view(),
            Phase::Stripes { stripes, .. } => match stripes.get(usize::from(slot)) {
                Some(s) => s.walk.view(),
                // Cannot happen (slots are the stripes'); an empty GETNEXT of the root.
                None => View::Oids(
                    PduType::GetNextRequest,
                    [0, 0],
                    core::slice::from_ref(&self.root),
                ),
            },
        }
    }

    pub(super) fn on_response(
        &mut self,
        slot: Slot,
        g: GenericPdu,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        match &mut self.phase {
            Phase::Probe { .. } => self.on_probe(g),
            Phase::Sequential(w) => {
                let before = out.len();
                let step = w.on_response(g, out, size);
                for o in out.get(before..).unwrap_or_default() {
                    if let Output::Varbinds(vbs) = o {
                        self.sampler.note(vbs);
                    }
                }
                step
            }
            Phase::Stripes { stripes, .. } => {
                let Some(s) = stripes.get_mut(usize::from(slot)) else {
                    return Step::Wait;
                };
                let mut got = Vec::new();
                let step = s.walk.on_response(g, &mut got, size);
                for o in got {
                    if let Output::Varbinds(vbs) = o {
                        s.held.extend(vbs);
                    }
                }
                match step {
                    Step::Finish(result) => {
                        s.result = Some(result);
                        self.advance(out)
                    }
                    Step::Send => {
                        // The head stripe's varbinds go out as they come.
                        let flushed = self.advance(out);
                        if matches!(flushed, Step::Finish(_)) {
                            return flushed;
                        }
                        Step::SendSlots(alloc::vec![slot])
                    }
                    other => other,
                }
            }
        }
    }

    /// A probe's answer: the next child of the split point, or the end of its children.
    ///
    /// The children found (up to [`MAX_PROBES`]) become candidate boundaries; while they are
    /// fewer than the stripes wanted, the last child is split at its own children too (a
    /// single child likewise); when probing ends, the stripes' starts are spread evenly over
    /// the candidates.
    fn on_probe(&mut self, g: GenericPdu) -> Step {
        let Phase::Probe { bounds, .. } = &mut self.phase else {
            return Step::Wait;
        };
        let base = &self.split;
        let mut children = core::mem::take(bounds);
        // Each answer names the first child at or after what it asked (or lies past the
        // split point: no more children there).
        let mut more = false;
        let found_before = children.len();
        if g.error_status == ErrorStatus::NoError {
            for vb in &g.varbinds {
                if vb.value.is_exception()
                    || !vb.oid.starts_with(base)
                    || vb.oid.len() <= base.len()
                {
                    more = false;
                    continue;
                }
                let Some(&c) = vb.oid.arcs().get(base.len()) else {
                    continue;
                };
                more = true;
                let child = base.child(c);
                if children.last().is_none_or(|last| *last < child) {
                    self.probes_at_level = self.probes_at_level.saturating_add(1);
                    children.push(child);
                }
            }
        }
        // Go on while the last answer is still a child and this probe found a new one (a
        // sloppy agent's answers that go backwards end the level: never a loop).
        if more && children.len() > found_before && children.len() < MAX_PROBES {
            let after = children
                .last()
                .and_then(|c| c.arcs().last().copied())
                .filter(|&c| c < u32::MAX);
            if let Some(c) = after {
                let next = probe_oids(base, Some(c.saturating_add(1)), self.version);
                self.phase = Phase::Probe {
                    next,
                    bounds: children,
                };
                return Step::Send;
            }
        }
        // The first child of a split point needs no boundary (its stripe starts where the
        // split point's does); the others' starts are candidates.
        let last = children.pop();
        if let Some(last) = last {
            // Stripes this level would give: one more than the starts found.
            let found = usize::try_from(self.probes_at_level.saturating_sub(1)).unwrap_or(0);
            let stripes = self
                .candidates
                .len()
                .saturating_add(found)
                .saturating_add(1);
            // Not below a level of many children: those are most often a table's columns, and
            // the first children of its last column (its first rows) are not worth a stripe each.
            let few = self.probes_at_level < MANY_CHILDREN;
            if stripes < self.wanted() && self.descents < MAX_DESCENTS && few {
                // Too few: split the last child too (a device's big tables come late in its
                // tree more often than not), below a single child likewise.
                self.candidates.extend(children.into_iter().skip(1));
                if self.probes_at_level > 1 {
                    self.candidates.push(last.clone());
                }
                self.upper = self.candidates.len();
                self.descents = self.descents.saturating_add(1);
                self.probes_at_level = 0;
                self.phase = Phase::Probe {
                    next: probe_oids(&last, None, self.version),
                    bounds: Vec::new(),
                };
                self.split = last;
                return Step::Send;
            }
            self.candidates.extend(children.into_iter().skip(1));
            if self.probes_at_level > 1 {
                self.candidates.push(last);
            }
        }
        // The boundaries of the levels above first (each splits off a subtree), spread evenly
        // when there are more than the stripes; the last level's fill the rest, evenly.
        let mut candidates = core::mem::take(&mut self.candidates);
        let deeper = candidates.split_off(self.upper.min(candidates.len()));
        let upper = candidates;
        let want = self.wanted().saturating_sub(1);
        // `n` of `from`, evenly spaced: the k-th at k * (len + 1) / (n + 1) - 1 (n <= len, at
        // most 64 of them: nothing here comes near overflowing).
        let spread = |from: &[Oid], n: usize| -> Vec<Oid> {
            let n = n.min(from.len());
            let (len1, n1) = (from.len().saturating_add(1), n.saturating_add(1));
            (1..=n)
                .filter_map(|k| {
                    let at = k.saturating_mul(len1).checked_div(n1)?.checked_sub(1)?;
                    from.get(at).cloned()
                })
                .collect()
        };
        let mut chosen = spread(&upper, want);
        let more = spread(&deeper, want.saturating_sub(chosen.len()));
        chosen.extend(more);
        self.start_stripes(chosen)
    }

    /// Probing is over: walk the stripes (or, with no boundary, one sequential walk).
    fn start_stripes(&mut self, bounds: Vec<Oid>) -> Step {
        if bounds.is_empty() && self.last_upper.is_none() {
            let w = WalkOp::new(self.root.clone(), self.bulk, self.options, self.version);
            self.phase = Phase::Sequential(w);
            return Step::Send;
        }
        self.start_from(self.root.clone(), bounds)
    }

    /// Walks the stripes from `first` with these boundaries.
    fn start_from(&mut self, first: Oid, bounds: Vec<Oid>) -> Step {
        let mut starts = Vec::with_capacity(bounds.len().saturating_add(1));
        starts.push(first);
        starts.extend(bounds.iter().cloned());
        let mut uppers: Vec<Option<Oid>> = bounds.into_iter().map(Some).collect();
        uppers.push(self.last_upper.clone());
        let stripes: Vec<Stripe> = starts
            .into_iter()
            .zip(uppers)
            .map(|(start, upper)| Stripe {
                walk: WalkOp::stripe(
                    self.root.clone(),
                    start,
                    upper,
                    self.bulk,
                    self.options,
                    self.version,
                ),
                held: Vec::new(),
                result: None,
            })
            .collect();
        let slots = (0..stripes.len())
            .map(|i| Slot::try_from(i).unwrap_or(Slot::MAX))
            .collect();
        self.phase = Phase::Stripes { stripes, head: 0 };
        Step::SendSlots(slots)
    }

    /// Hands out what is due in OID order: the head stripe's varbinds, and each finished
    /// stripe's in turn. Ends the walk when every stripe has ended, or with the first failure
    /// in OID order (after everything before it).
    fn advance(&mut self, out: &mut Vec<Output>) -> Step {
        let Phase::Stripes { stripes, head } = &mut self.phase else {
            return Step::Wait;
        };
        loop {
            let Some(s) = stripes.get_mut(*head) else {
                return Step::Finish(Ok(()));
            };
            if !s.held.is_empty() {
                let vbs = core::mem::take(&mut s.held);
                self.sampler.note(&vbs);
                out.push(Output::Varbinds(vbs));
            }
            match s.result.take() {
                None => return Step::Wait,
                Some(Err(e)) => return Step::Finish(Err(e)),
                Some(Ok(())) => *head = head.saturating_add(1),
            }
        }
    }

    /// A stripe's request failed for good: the stripe ends with the error.
    pub(super) fn on_failure(&mut self, slot: Slot, e: Error, out: &mut Vec<Output>) -> Step {
        match &mut self.phase {
            Phase::Stripes { stripes, .. } => {
                if let Some(s) = stripes.get_mut(usize::from(slot)) {
                    s.result = Some(Err(e));
                }
                self.advance(out)
            }
            _ => Step::Finish(Err(e)),
        }
    }

    pub(super) fn on_attempt_timeout(&mut self, slot: Slot) {
        match &mut self.phase {
            Phase::Sequential(w) => w.on_attempt_timeout(),
            Phase::Stripes { stripes, .. } => {
                if let Some(s) = stripes.get_mut(usize::from(slot)) {
                    s.walk.on_attempt_timeout();
                }
            }
            Phase::Probe { .. } => {}
        }
    }
}

/// The OIDs of one probe of `base`'s children from child `from` on (`None`: from the start,
/// asking after `base` itself): [`PROBE_WIDTH`] of them, one for SNMPv1, where an answer past
/// the end of the MIB fails the whole request.
fn probe_oids(base: &Oid, from: Option<u32>, version: Version) -> Vec<Oid> {
    let width = if version == Version::V1 {
        1
    } else {
        PROBE_WIDTH
    };
    match from {
        None => {
            let mut v = alloc::vec![base.clone()];
            v.extend((1..width).map(|c| base.child(c)));
            v
        }
        Some(c) => (0..width)
            .map_while(|k| c.checked_add(k).map(|a| base.child(a)))
            .collect(),
    }
}
