//! Operations as small state machines: each turns one answer into the next request or an end.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, Pdu, PduRef, PduType, Value, VarBind, Version};

use crate::config::WalkOptions;
use crate::error::Error;

/// A request an operation owns (for operations of one request: get-next, get-bulk, set,
/// inform, traps).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RequestPdu {
    GetNext(Vec<Oid>),
    GetBulk {
        non_repeaters: u32,
        max_repetitions: u32,
        oids: Vec<Oid>,
    },
    Set(Vec<VarBind>),
    Inform(Vec<VarBind>),
    TrapV2(Vec<VarBind>),
    /// A whole SNMPv1 Trap-PDU.
    TrapV1(Pdu),
}

impl RequestPdu {
    fn view(&self) -> View<'_> {
        let clamp = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        match self {
            RequestPdu::GetNext(oids) => View::Oids(PduType::GetNextRequest, [0, 0], oids),
            RequestPdu::GetBulk {
                non_repeaters,
                max_repetitions,
                oids,
            } => View::Oids(
                PduType::GetBulkRequest,
                [clamp(*non_repeaters), clamp(*max_repetitions)],
                oids,
            ),
            RequestPdu::Set(v) => View::VarBinds(PduType::SetRequest, v),
            RequestPdu::Inform(v) => View::VarBinds(PduType::InformRequest, v),
            RequestPdu::TrapV2(v) => View::VarBinds(PduType::SnmpV2Trap, v),
            RequestPdu::TrapV1(p) => View::Whole(p),
        }
    }
}

/// The request an operation has in flight, borrowed from its state: what the session encodes
/// for every attempt, and what error-indexes point into.
#[derive(Debug, Clone, Copy)]
pub(crate) enum View<'a> {
    /// A PDU of `oids` with NULL values (and its two integer fields).
    Oids(PduType, [i32; 2], &'a [Oid]),
    /// A PDU with varbinds.
    VarBinds(PduType, &'a [VarBind]),
    /// A whole PDU (the v1 Trap).
    Whole(&'a Pdu),
}

impl<'a> View<'a> {
    /// The PDU to encode, with `request_id`.
    pub(crate) fn pdu(self, request_id: i32) -> PduRef<'a> {
        match self {
            View::Oids(pdu_type, fields, oids) => PduRef::Request {
                pdu_type,
                request_id,
                fields,
                oids,
            },
            View::VarBinds(pdu_type, varbinds) => PduRef::WithVarBinds {
                pdu_type,
                request_id,
                fields: [0, 0],
                varbinds,
            },
            View::Whole(p) => PduRef::Owned(p),
        }
    }

    /// The OID of the request's varbind at `index` (0-based).
    pub(crate) fn oid_at(self, index: usize) -> Option<Oid> {
        match self {
            View::Oids(_, _, oids) => oids.get(index).cloned(),
            View::VarBinds(_, v) => v.get(index).map(|vb| vb.oid.clone()),
            View::Whole(p) => p.varbinds().get(index).map(|vb| vb.oid.clone()),
        }
    }

    /// Traps expect no answer.
    pub(crate) fn expects_response(self) -> bool {
        !matches!(
            self,
            View::VarBinds(PduType::SnmpV2Trap, _) | View::Whole(Pdu::TrapV1(_))
        )
    }
}

/// What an operation wants after an answer.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send the request [`Op::view`] now shows.
    Send,
    /// The operation is over.
    Finish(Result<(), Error>),
}

/// Output an operation produces besides its next step.
#[derive(Debug)]
pub(crate) enum Output {
    Varbinds(Vec<VarBind>),
    Rows(Vec<crate::TableRow>),
}

fn status_error(g: &GenericPdu, request: View<'_>, index_base: usize) -> Error {
    let index = u32::try_from(g.error_index).unwrap_or(0);
    let oid = usize::try_from(g.error_index)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| request.oid_at(i));
    Error::Status {
        status: g.error_status,
        index: index + if index > 0 { index_base as u32 } else { 0 },
        oid,
    }
}

/// The state of one operation.
#[derive(Debug)]
pub(crate) enum Op {
    /// GET of many OIDs, split into chunks.
    Get(GetOp),
    /// One request, one answer: GETNEXT, GETBULK, SET, InformRequest.
    Single(RequestPdu),
    /// A walk with GETNEXT or GETBULK.
    Walk(WalkOp),
    /// A table fetch.
    Table(TableOp),
    /// A trap: no answer.
    Trap(RequestPdu),
}

impl Op {
    /// The first request.
    pub(crate) fn start(&mut self) -> Step {
        match self {
            Op::Table(t) => t.start(),
            _ => Step::Send,
        }
    }

    /// The request in flight.
    pub(crate) fn view(&self) -> View<'_> {
        match self {
            Op::Get(g) => g.view(),
            Op::Single(p) | Op::Trap(p) => p.view(),
            Op::Walk(w) => w.view(),
            Op::Table(t) => t.view(),
        }
    }

    /// Handles the answer to the request in flight.
    pub(crate) fn on_response(&mut self, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        match self {
            Op::Get(op) => op.on_response(g, out),
            Op::Single(p) | Op::Trap(p) => {
                if g.error_status != ErrorStatus::NoError {
                    return Step::Finish(Err(status_error(&g, p.view(), 0)));
                }
                out.push(Output::Varbinds(g.varbinds));
                Step::Finish(Ok(()))
            }
            Op::Walk(w) => w.on_response(g, out),
            Op::Table(t) => t.on_response(g, out),
        }
    }

    /// Called when the operation ends in an error: lets a table hand out its partial rows.
    pub(crate) fn flush(&mut self, out: &mut Vec<Output>) {
        if let Op::Table(t) = self {
            t.flush(out);
        }
    }
}

/// GET of many OIDs, in chunks.
#[derive(Debug)]
pub(crate) struct GetOp {
    oids: Vec<Oid>,
    pos: usize,
    chunk: usize,
    results: Vec<VarBind>,
    /// Answer a noSuchName error (SNMPv1's way to say an OID does not exist) with a
    /// noSuchObject value for that OID, and ask for the others again.
    isolate: bool,
    /// OIDs taken out that way, with their positions in the original list.
    missing: Vec<(usize, Oid)>,
    /// The original position of each OID still in `oids`.
    positions: Vec<usize>,
}

impl GetOp {
    pub(crate) fn new(oids: Vec<Oid>, chunk: usize, isolate: bool) -> Self {
        let positions = if isolate {
            (0..oids.len()).collect()
        } else {
            Vec::new()
        };
        Self {
            oids,
            pos: 0,
            chunk: chunk.max(1),
            results: Vec::new(),
            isolate,
            missing: Vec::new(),
            positions,
        }
    }

    /// The results with the missing OIDs put back at their places, as noSuchObject.
    fn merged(&mut self) -> Vec<VarBind> {
        let mut results = core::mem::take(&mut self.results);
        if self.missing.is_empty() {
            return results;
        }
        let total = results.len() + self.missing.len();
        let mut missing = core::mem::take(&mut self.missing);
        missing.sort_by_key(|(i, _)| *i);
        let mut found = results.drain(..);
        let mut missing = missing.into_iter().peekable();
        (0..total)
            .filter_map(|i| match missing.peek() {
                Some((at, _)) if *at == i => missing
                    .next()
                    .map(|(_, oid)| VarBind::new(oid, Value::NoSuchObject)),
                _ => found.next(),
            })
            .collect()
    }

    fn current(&self) -> &[Oid] {
        let end = (self.pos + self.chunk).min(self.oids.len());
        self.oids.get(self.pos..end).unwrap_or(&[])
    }

    fn view(&self) -> View<'_> {
        View::Oids(PduType::GetRequest, [0, 0], self.current())
    }

    fn on_response(&mut self, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        let sent = self.current().len();
        if g.error_status == ErrorStatus::TooBig {
            if sent > 1 {
                self.chunk = (sent / 2).max(1);
                return Step::Send;
            }
            return Step::Finish(Err(Error::TooBig));
        }
        if g.error_status == ErrorStatus::NoSuchName && self.isolate {
            let k = usize::try_from(g.error_index).unwrap_or(0);
            if k >= 1 && k <= sent {
                let at = self.pos + k - 1;
                let oid = self.oids.remove(at);
                let original = self.positions.remove(at);
                self.missing.push((original, oid));
                if self.pos >= self.oids.len() {
                    out.push(Output::Varbinds(self.merged()));
                    return Step::Finish(Ok(()));
                }
                return Step::Send;
            }
        }
        if g.error_status != ErrorStatus::NoError {
            return Step::Finish(Err(status_error(&g, self.view(), self.pos)));
        }
        if g.varbinds.len() != sent {
            return Step::Finish(Err(Error::MalformedResponse(
                "answer has another number of varbinds than the request",
            )));
        }
        self.pos += sent;
        let done = self.pos >= self.oids.len();
        if done && self.results.is_empty() && self.missing.is_empty() {
            // One chunk: hand out the decoded vector itself.
            out.push(Output::Varbinds(g.varbinds));
            return Step::Finish(Ok(()));
        }
        self.results.extend(g.varbinds);
        if done {
            out.push(Output::Varbinds(self.merged()));
            Step::Finish(Ok(()))
        } else {
            Step::Send
        }
    }
}

/// A walk of the subtree under `root`.
#[derive(Debug)]
pub(crate) struct WalkOp {
    root: Oid,
    last: Oid,
    /// `Some(max_repetitions)` for GETBULK, `None` for GETNEXT.
    bulk: Option<u32>,
    count: usize,
    options: WalkOptions,
    version: Version,
    /// The walk found nothing and fell back to a GET of the root (as `snmpwalk` does).
    tried_get: bool,
    /// The end marker was handed out (see [`WalkOptions::yield_end_of_mib`]).
    marker: bool,
}

impl WalkOp {
    pub(crate) fn new(
        root: Oid,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        Self {
            last: root.clone(),
            root,
            bulk: bulk.map(|b| b.max(1)),
            count: 0,
            options,
            version,
            tried_get: false,
            marker: false,
        }
    }

    fn view(&self) -> View<'_> {
        if self.tried_get {
            return View::Oids(
                PduType::GetRequest,
                [0, 0],
                core::slice::from_ref(&self.root),
            );
        }
        let last = core::slice::from_ref(&self.last);
        match self.bulk {
            Some(m) => View::Oids(
                PduType::GetBulkRequest,
                [0, i32::try_from(m).unwrap_or(i32::MAX)],
                last,
            ),
            None => View::Oids(PduType::GetNextRequest, [0, 0], last),
        }
    }

    fn on_response(&mut self, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        if self.tried_get {
            // The GET of the root after an empty walk.
            if g.error_status == ErrorStatus::NoError {
                let found: Vec<VarBind> = g
                    .varbinds
                    .into_iter()
                    .filter(|vb| !vb.value.is_exception())
                    .collect();
                if !found.is_empty() {
                    out.push(Output::Varbinds(found));
                }
            }
            return Step::Finish(Ok(()));
        }
        match g.error_status {
            ErrorStatus::NoError => {}
            // SNMPv1 ends a walk with noSuchName.
            ErrorStatus::NoSuchName if self.version == Version::V1 => {
                if self.options.yield_end_of_mib && self.count > 0 {
                    self.marker = true;
                    let end = VarBind::new(self.last.clone(), Value::EndOfMibView);
                    out.push(Output::Varbinds(alloc::vec![end]));
                }
                return self.end();
            }
            ErrorStatus::TooBig => {
                return match self.bulk {
                    Some(m) if m > 1 => {
                        self.bulk = Some(m / 2);
                        Step::Send
                    }
                    _ => Step::Finish(Err(Error::TooBig)),
                }
            }
            _ => return Step::Finish(Err(status_error(&g, self.view(), 0))),
        }
        if g.varbinds.is_empty() {
            return Step::Finish(Err(Error::MalformedResponse(
                "no varbinds in a walk answer",
            )));
        }
        let mut batch = Vec::with_capacity(g.varbinds.len());
        let mut finished = false;
        let mut failure = None;
        for vb in g.varbinds {
            if matches!(vb.value, Value::EndOfMibView) || !self.in_subtree(&vb.oid) {
                if self.options.yield_end_of_mib
                    && matches!(vb.value, Value::EndOfMibView)
                    && vb.oid.starts_with(&self.root)
                {
                    self.marker = true;
                    batch.push(vb);
                }
                finished = true;
                break;
            }
            if !self.options.allow_non_increasing && vb.oid <= self.last {
                failure = Some(Error::NonIncreasing {
                    previous: self.last.clone(),
                    received: vb.oid,
                });
                break;
            }
            if let Some(limit) = self.options.limit() {
                if self.count >= limit {
                    failure = Some(Error::ResultLimit(limit));
                    break;
                }
            }
            self.last = vb.oid.clone();
            self.count += 1;
            batch.push(vb);
        }
        if !batch.is_empty() {
            out.push(Output::Varbinds(batch));
        }
        if let Some(e) = failure {
            return Step::Finish(Err(e));
        }
        if finished {
            return self.end();
        }
        Step::Send
    }

    fn in_subtree(&self, oid: &Oid) -> bool {
        oid.starts_with(&self.root) && oid.len() > self.root.len()
    }

    /// The walk reached its end: if it found nothing, try a GET of the root itself (the root
    /// may be an instance, which `snmpwalk` prints in that case).
    fn end(&mut self) -> Step {
        if self.count == 0 && !self.tried_get && !self.marker {
            self.tried_get = true;
            return Step::Send;
        }
        Step::Finish(Ok(()))
    }
}

/// One row of a table: its index arcs and its cells by column number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The index: the arcs after the column in each cell's OID.
    pub index: Vec<u32>,
    /// The cells: column number to value.
    pub columns: BTreeMap<u32, Value>,
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
    bulk: u32,
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
                let mut cols: Vec<u32> = cols.to_vec();
                cols.sort_unstable();
                cols.dedup();
                let active = cols.into_iter().map(|c| (c, entry.child(c))).collect();
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
        Self {
            entry,
            active,
            walk,
            current: Vec::new(),
            bulk,
            version,
            rows: BTreeMap::new(),
            options,
            count: 0,
        }
    }

    fn start(&mut self) -> Step {
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

    fn view(&self) -> View<'_> {
        if let Some(w) = &self.walk {
            return w.view();
        }
        if self.version == Version::V1 {
            return View::Oids(PduType::GetNextRequest, [0, 0], &self.current);
        }
        let n = u32::try_from(self.current.len().max(1)).unwrap_or(u32::MAX);
        let reps = (self.bulk / n).max(1);
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

    fn on_response(&mut self, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        if let Some(w) = self.walk.as_mut() {
            let mut walked = Vec::new();
            let step = w.on_response(g, &mut walked);
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
                if i == 0 || i > self.active.len() {
                    return self.fail(Error::MalformedResponse("bad error-index"), out);
                }
                self.active.remove(i - 1);
                return self.continue_or_finish(out);
            }
            ErrorStatus::TooBig if self.bulk > 1 && self.version != Version::V1 => {
                self.bulk /= 2;
                return Step::Send;
            }
            ErrorStatus::TooBig => return self.fail(Error::TooBig, out),
            _ => {
                let e = status_error(&g, self.view(), 0);
                return self.fail(e, out);
            }
        }
        let n = self.active.len();
        if g.varbinds.is_empty() || n == 0 {
            return self.fail(
                Error::MalformedResponse("no varbinds in a table answer"),
                out,
            );
        }
        // GETBULK answers are repetition-major: column j of repetition r is at r * n + j.
        let mut done = alloc::vec![false; n];
        for (k, vb) in g.varbinds.into_iter().enumerate() {
            let j = k % n;
            if done[j] {
                continue;
            }
            let (col, last) = &self.active[j];
            let col_oid = self.entry.child(*col);
            if matches!(vb.value, Value::EndOfMibView)
                || !(vb.oid.starts_with(&col_oid) && vb.oid.len() > col_oid.len())
            {
                done[j] = true;
                continue;
            }
            if !self.options.allow_non_increasing && vb.oid <= *last {
                let e = Error::NonIncreasing {
                    previous: last.clone(),
                    received: vb.oid,
                };
                return self.fail(e, out);
            }
            if let Some(limit) = self.options.limit() {
                if self.count >= limit {
                    return self.fail(Error::ResultLimit(limit), out);
                }
            }
            self.active[j].1 = vb.oid.clone();
            self.count += 1;
            self.add_cell(vb);
        }
        let mut keep = done.iter().map(|d| !d);
        self.active.retain(|_| keep.next().unwrap_or(false));
        self.continue_or_finish(out)
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
    fn flush(&mut self, out: &mut Vec<Output>) {
        let rows = core::mem::take(&mut self.rows);
        if !rows.is_empty() {
            out.push(Output::Rows(
                rows.into_iter()
                    .map(|(index, columns)| TableRow { index, columns })
                    .collect(),
            ));
        }
    }
}
