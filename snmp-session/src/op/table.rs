//! A table fetch: the whole entry walked, or only the wanted columns side by side.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, PduType, Value, VarBind, Version};

use super::repetitions::{AnswerSize, RepetitionControl};
use super::walk::WalkOp;
use super::{status_error, Output, Step, View};
use crate::config::{OidCheck, Repetitions, WalkOptions};
use crate::error::Error;

/// One row of a table: its index arcs and its cells by column number.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableRow {
    /// The index: the arcs after the column in each cell's OID (`3` for ifTable's third
    /// row; with a MIB, `Manager::table` decodes it into typed values).
    pub index: Oid,
    /// The cells: column number to value.
    pub columns: BTreeMap<u32, Value>,
}

impl TableRow {
    /// The cell of column `n` (the last arc of the column's OID: 2 for ifDescr), if the agent
    /// gave one.
    ///
    /// ```
    /// use snmp_session::TableRow;
    /// # fn show(row: &TableRow) {
    /// if let Some(descr) = row.column(2).and_then(|v| v.as_str()) {
    ///     println!("{} {descr}", row.index);
    /// }
    /// # }
    /// ```
    pub fn column(&self, n: u32) -> Option<&Value> {
        self.columns.get(&n)
    }
}

/// A table fetch: the whole entry, or only the wanted columns side by side.
#[derive(Debug)]
pub(crate) struct TableOp {
    entry: Oid,
    /// Columns still being fetched, each with the last OID received in it. Empty and `walk`
    /// set: the whole entry is walked.
    active: Vec<(u32, Oid)>,
    walk: Option<WalkOp>,
    /// The OIDs of the request in flight (the active columns' last OIDs).
    current: Vec<Oid>,
    /// Varbinds per GETBULK, shared by the active columns (fixed repetitions).
    bulk: u32,
    /// Repetitions per column, when they adapt.
    adaptive: Option<RepetitionControl>,
    version: Version,
    rows: BTreeMap<Vec<u32>, BTreeMap<u32, Value>>,
    options: WalkOptions,
    count: usize,
}

impl TableOp {
    pub(crate) fn new(
        entry: Oid,
        columns: Option<&[u32]>,
        bulk: u32,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        let bulk = bulk.max(1);
        let (active, walk) = match columns {
            Some(cols) => {
                let active = sorted(cols)
                    .into_iter()
                    .map(|c| (c, entry.child(c)))
                    .collect();
                (active, None)
            }
            None => {
                let b = (version != Version::V1).then_some(bulk);
                (
                    Vec::new(),
                    Some(WalkOp::new(entry.clone(), b, options, version)),
                )
            }
        };
        let per_column = bulk
            .checked_div(u32::try_from(active.len()).unwrap_or(u32::MAX))
            .unwrap_or(bulk);
        let adaptive = match options.repetitions {
            Repetitions::Adaptive { .. } => {
                Some(RepetitionControl::new(per_column, options.repetitions))
            }
            _ => None,
        };
        Self {
            entry,
            active,
            walk,
            current: Vec::new(),
            bulk,
            adaptive,
            version,
            rows: BTreeMap::new(),
            options,
            count: 0,
        }
    }

    pub(super) fn start(&mut self) -> Step {
        if self.walk.is_some() {
            Step::Send
        } else {
            self.next_request()
        }
    }

    fn next_request(&mut self) -> Step {
        if self.active.is_empty() {
            return Step::Finish(Ok(()));
        }
        self.current.clear();
        self.current
            .extend(self.active.iter().map(|(_, last)| last.clone()));
        Step::Send
    }

    pub(super) fn view(&self) -> View<'_> {
        if let Some(w) = &self.walk {
            return w.view();
        }
        if self.version == Version::V1 {
            return View::Oids(PduType::GetNextRequest, [0, 0], &self.current);
        }
        let n = u32::try_from(self.current.len().max(1)).unwrap_or(u32::MAX);
        let reps = match &self.adaptive {
            Some(r) => r.current(),
            None => self.bulk.checked_div(n).unwrap_or(self.bulk).max(1),
        };
        View::Oids(
            PduType::GetBulkRequest,
            [0, i32::try_from(reps).unwrap_or(i32::MAX)],
            &self.current,
        )
    }

    fn add_cell(&mut self, vb: VarBind) {
        if let Some([col, index @ ..]) = vb.oid.strip_prefix(&self.entry) {
            self.rows
                .entry(index.to_vec())
                .or_default()
                .insert(*col, vb.value);
        }
    }

    pub(super) fn on_response(
        &mut self,
        g: GenericPdu,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        if let Some(w) = self.walk.as_mut() {
            let mut walked = Vec::new();
            let step = w.on_response(g, &mut walked, size);
            for o in walked {
                if let Output::Varbinds(vbs) = o {
                    for vb in vbs {
                        self.add_cell(vb);
                    }
                }
            }
            if let Step::Finish(result) = step {
                self.flush(out);
                return Step::Finish(result);
            }
            return step;
        }
        match g.error_status {
            ErrorStatus::NoError => {}
            ErrorStatus::NoSuchName if self.version == Version::V1 => {
                // The column the error-index points at has ended.
                let i = usize::try_from(g.error_index).unwrap_or(0);
                let Some(at) = i.checked_sub(1).filter(|&at| at < self.active.len()) else {
                    return self.fail(Error::MalformedResponse("bad error-index"), out);
                };
                self.active.remove(at);
                return self.continue_or_finish(out);
            }
            ErrorStatus::TooBig if self.version != Version::V1 => {
                let smaller = match self.adaptive.as_mut() {
                    Some(r) => r.on_too_big(),
                    None if self.bulk > 1 => {
                        self.bulk /= 2;
                        true
                    }
                    None => false,
                };
                if smaller {
                    return Step::Send;
                }
                return self.fail(Error::TooBig, out);
            }
            ErrorStatus::TooBig => return self.fail(Error::TooBig, out),
            _ => {
                let e = status_error(&g, self.view(), 0);
                return self.fail(e, out);
            }
        }
        self.take_columns(g.varbinds, out, size)
    }

    /// Takes the varbinds of a columns answer into cells and ends the columns that ended.
    fn take_columns(
        &mut self,
        varbinds: Vec<VarBind>,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        let n = self.active.len();
        let received = varbinds.len();
        if varbinds.is_empty() || n == 0 {
            return self.fail(
                Error::MalformedResponse("no varbinds in a table answer"),
                out,
            );
        }
        // GETBULK answers are repetition-major: column j of repetition r is at r * n + j.
        let mut done = alloc::vec![false; n];
        let mut failure = None;
        let strict = self.options.check == OidCheck::Previous;
        let mut matched = alloc::vec![0usize; n];
        for (k, vb) in varbinds.into_iter().enumerate() {
            let position = k.checked_rem(n).unwrap_or(0);
            let Some(j) = self.column_of(&vb, position) else {
                // Past the end of the column at this position (or, by OID, spilled over into
                // another column's rows).
                if strict {
                    if let Some(d) = done.get_mut(position) {
                        *d = true;
                    }
                }
                continue;
            };
            // `column_of` gives a column of this request: `j < n` for `done`, `matched` and
            // `active`.
            if done.get(j).copied().unwrap_or(true) {
                continue;
            }
            if let Some(m) = matched.get_mut(j) {
                *m = m.saturating_add(1);
            }
            let Some((_, last)) = self.active.get(j) else {
                continue;
            };
            // Net-SNMP's rule by default: against the OID this request asked for the column.
            let before = match self.options.check {
                OidCheck::Request => self.current.get(j),
                OidCheck::Previous => Some(last),
                OidCheck::None => None,
            };
            if let Some(before) = before.filter(|b| vb.oid <= **b) {
                let e = Error::NonIncreasing {
                    previous: before.clone(),
                    received: vb.oid.clone(),
                    also: Vec::new(),
                };
                if self.options.check == OidCheck::Previous {
                    return self.fail(e, out);
                }
                match &mut failure {
                    Some(Error::NonIncreasing { also, .. }) => also.push(vb.oid.clone()),
                    _ => failure = Some(e),
                }
            }
            if let Some(limit) = self.options.limit() {
                if self.count >= limit {
                    return self.fail(Error::ResultLimit(limit), out);
                }
            }
            if let Some((_, last)) = self.active.get_mut(j) {
                *last = vb.oid.clone();
            }
            self.count = self.count.saturating_add(1);
            self.add_cell(vb);
        }
        if let Some(e) = failure {
            return self.fail(e, out);
        }
        if !strict {
            // By OID: a column that got no cell of its own in this answer has ended.
            for (d, m) in done.iter_mut().zip(&matched) {
                *d |= *m == 0;
            }
        }
        if let Some(r) = self.adaptive.as_mut() {
            r.on_answer(received, n, size, done.iter().any(|d| *d));
        }
        let mut keep = done.iter().map(|d| !d);
        self.active.retain(|_| keep.next().unwrap_or(false));
        self.continue_or_finish(out)
    }

    /// The active column a varbind of an answer belongs to: the column at its position (`pos`:
    /// answers are repetition-major) when it is in it; else, except with the strict check, the
    /// column its OID moves forward (some agents answer out of order inside one answer, and
    /// `snmptable` matches cells by OID). `None` when it belongs to none (the column at this
    /// position has ended) or is endOfMibView.
    fn column_of(&self, vb: &VarBind, pos: usize) -> Option<usize> {
        if matches!(vb.value, Value::EndOfMibView) {
            return None;
        }
        let in_column = |col: u32| {
            let col_oid = self.entry.child(col);
            vb.oid.starts_with(&col_oid) && vb.oid.len() > col_oid.len()
        };
        let at_pos = self
            .active
            .get(pos)
            .filter(|(c, _)| in_column(*c))
            .map(|_| pos);
        if self.options.check == OidCheck::Previous || at_pos.is_some() {
            return at_pos;
        }
        // Another column's OID at this position: its cell (out of order) if it moves that
        // column forward; else this position's column spilled over into it.
        self.active
            .iter()
            .zip(&self.current)
            .position(|((c, _), asked)| in_column(*c) && vb.oid > *asked)
    }

    /// An attempt went unanswered (the next one may ask for less).
    pub(super) fn on_attempt_timeout(&mut self) {
        match (self.walk.as_mut(), self.adaptive.as_mut()) {
            (Some(w), _) => w.on_attempt_timeout(),
            (None, Some(r)) => r.on_timeout(),
            (None, None) => {}
        }
    }

    /// The repetitions an adaptive fetch ended with (per column, or the walk's).
    pub(super) fn learned_repetitions(&self) -> Option<u32> {
        match &self.walk {
            Some(w) => w.learned_repetitions(),
            None => self.adaptive.map(|r| r.current()),
        }
    }

    fn continue_or_finish(&mut self, out: &mut Vec<Output>) -> Step {
        if self.active.is_empty() {
            self.flush(out);
            Step::Finish(Ok(()))
        } else {
            self.next_request()
        }
    }

    fn fail(&mut self, e: Error, out: &mut Vec<Output>) -> Step {
        self.flush(out);
        Step::Finish(Err(e))
    }

    /// Hands out the rows collected so far (once).
    pub(super) fn flush(&mut self, out: &mut Vec<Output>) {
        hand_out(&mut self.rows, out);
    }
}

/// A table fetched in parallel stripes (`WalkOptions::parallel` above 1): a parallel walk of
/// the entry, its cells gathered into rows. Without a column list the entry is split as any
/// subtree is (its children are the columns); with one, the wanted columns are spread over
/// the stripes, each stripe walking from one wanted column to the next (columns in between
/// travel too and are dropped), the last ending with the last wanted column.
#[derive(Debug)]
pub(crate) struct ParallelTable {
    entry: Oid,
    walk: super::parallel::ParallelWalk,
    wanted: Option<Vec<u32>>,
    rows: BTreeMap<Vec<u32>, BTreeMap<u32, Value>>,
}

impl ParallelTable {
    /// The repetitions its adaptive stripes ended with (see [`ParallelWalk`]'s).
    ///
    /// [`ParallelWalk`]: super::parallel::ParallelWalk
    pub(super) fn learned_repetitions(&self) -> Option<u32> {
        self.walk.learned_repetitions()
    }

    /// The fetch and its first step.
    pub(crate) fn new(
        entry: Oid,
        columns: Option<&[u32]>,
        bulk: u32,
        options: WalkOptions,
        version: Version,
    ) -> (Self, Step) {
        use super::parallel::ParallelWalk;
        let bulk = (version != Version::V1).then_some(bulk.max(1));
        let wanted = columns.map(sorted);
        let (walk, step) = match &wanted {
            None => (
                ParallelWalk::new(entry.clone(), bulk, options, version),
                Step::Send,
            ),
            Some(cols) if cols.is_empty() => {
                // No column wanted: nothing to fetch.
                let w = ParallelWalk::new(entry.clone(), bulk, options, version);
                (w, Step::Finish(Ok(())))
            }
            Some(cols) => {
                let stripes = usize::from(options.parallel.clamp(1, 64)).min(cols.len());
                // Stripe k starts before the first of its columns (the entry's OID for the
                // first: a GETNEXT of `entry.c` gives column c's first cell).
                let starts: Vec<Oid> = (0..stripes)
                    .filter_map(|k| {
                        let at = k.saturating_mul(cols.len()).checked_div(stripes)?;
                        cols.get(at).map(|&c| entry.child(c))
                    })
                    .collect();
                let last = cols.last().copied().unwrap_or(0);
                let end = last.checked_add(1).map(|n| entry.child(n));
                ParallelWalk::with_bounds(entry.clone(), starts, end, bulk, options, version)
            }
        };
        (
            ParallelTable {
                entry,
                walk,
                wanted,
                rows: BTreeMap::new(),
            },
            step,
        )
    }

    pub(super) fn view(&self, slot: super::Slot) -> View<'_> {
        self.walk.view(slot)
    }

    /// Takes what the walk handed out into cells; at the end, hands out the rows.
    fn gather(&mut self, walked: Vec<Output>, step: Step, out: &mut Vec<Output>) -> Step {
        for o in walked {
            if let Output::Varbinds(vbs) = o {
                for vb in vbs {
                    if let Some([col, index @ ..]) = vb.oid.strip_prefix(&self.entry) {
                        let keep = self.wanted.as_ref().is_none_or(|w| w.contains(col));
                        if keep && !vb.value.is_exception() && !index.is_empty() {
                            self.rows
                                .entry(index.to_vec())
                                .or_default()
                                .insert(*col, vb.value);
                        }
                    }
                }
            }
        }
        if matches!(step, Step::Finish(_)) {
            self.flush(out);
        }
        step
    }

    pub(super) fn on_response(
        &mut self,
        slot: super::Slot,
        g: GenericPdu,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        let mut walked = Vec::new();
        let step = self.walk.on_response(slot, g, &mut walked, size);
        self.gather(walked, step, out)
    }

    pub(super) fn on_failure(
        &mut self,
        slot: super::Slot,
        e: Error,
        out: &mut Vec<Output>,
    ) -> Step {
        let mut walked = Vec::new();
        let step = self.walk.on_failure(slot, e, &mut walked);
        self.gather(walked, step, out)
    }

    pub(super) fn on_attempt_timeout(&mut self, slot: super::Slot) {
        self.walk.on_attempt_timeout(slot);
    }

    /// Hands out the rows collected so far (once).
    pub(super) fn flush(&mut self, out: &mut Vec<Output>) {
        hand_out(&mut self.rows, out);
    }
}

/// The column numbers asked for, in order, each once.
fn sorted(columns: &[u32]) -> Vec<u32> {
    let mut c = columns.to_vec();
    c.sort_unstable();
    c.dedup();
    c
}

/// Hands out `rows` (once: they are taken).
fn hand_out(rows: &mut BTreeMap<Vec<u32>, BTreeMap<u32, Value>>, out: &mut Vec<Output>) {
    let rows = core::mem::take(rows);
    if !rows.is_empty() {
        out.push(Output::Rows(
            rows.into_iter()
                .map(|(index, columns)| TableRow {
                    index: Oid::from_arcs(&index),
                    columns,
                })
                .collect(),
        ));
    }
}
