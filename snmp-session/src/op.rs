//! Operations as small state machines: each turns one answer into the next request or an end.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, TrapV1Pdu, Value, VarBind, Version};

use crate::config::WalkOptions;
use crate::error::Error;

/// A request PDU without its request-id (the session assigns one).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RequestPdu {
    Get(Vec<Oid>),
    GetNext(Vec<Oid>),
    GetBulk {
        non_repeaters: u32,
        max_repetitions: u32,
        oids: Vec<Oid>,
    },
    Set(Vec<VarBind>),
    Inform(Vec<VarBind>),
    TrapV2(Vec<VarBind>),
    TrapV1(TrapV1Pdu),
}

impl RequestPdu {
    /// The request's varbinds' OIDs (for error-index lookups).
    pub(crate) fn oid_at(&self, index: usize) -> Option<Oid> {
        match self {
            RequestPdu::Get(o) | RequestPdu::GetNext(o) => o.get(index).cloned(),
            RequestPdu::GetBulk { oids, .. } => oids.get(index).cloned(),
            RequestPdu::Set(v) | RequestPdu::Inform(v) | RequestPdu::TrapV2(v) => {
                v.get(index).map(|vb| vb.oid.clone())
            }
            RequestPdu::TrapV1(t) => t.varbinds.get(index).map(|vb| vb.oid.clone()),
        }
    }

    pub(crate) fn expects_response(&self) -> bool {
        !matches!(self, RequestPdu::TrapV2(_) | RequestPdu::TrapV1(_))
    }
}

/// What an operation wants after an answer.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send this request next.
    Send(RequestPdu),
    /// The operation is over.
    Finish(Result<(), Error>),
}

/// Output an operation produces besides its next step.
#[derive(Debug)]
pub(crate) enum Output {
    Varbinds(Vec<VarBind>),
    Rows(Vec<crate::TableRow>),
}

fn status_error(g: &GenericPdu, request: &RequestPdu, index_base: usize) -> Error {
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
            Op::Get(g) => g.next_request(),
            Op::Single(p) | Op::Trap(p) => Step::Send(p.clone()),
            Op::Walk(w) => Step::Send(w.request()),
            Op::Table(t) => t.next_request(),
        }
    }

    /// Handles the answer to `request`.
    pub(crate) fn on_response(
        &mut self,
        request: &RequestPdu,
        g: GenericPdu,
        out: &mut Vec<Output>,
    ) -> Step {
        match self {
            Op::Get(op) => op.on_response(request, g, out),
            Op::Single(_) | Op::Trap(_) => {
                if g.error_status != ErrorStatus::NoError {
                    return Step::Finish(Err(status_error(&g, request, 0)));
                }
                out.push(Output::Varbinds(g.varbinds));
                Step::Finish(Ok(()))
            }
            Op::Walk(w) => w.on_response(request, g, out),
            Op::Table(t) => t.on_response(request, g, out),
        }
    }

    /// Called when the operation ends in an error: lets a table hand out its partial rows.
    pub(crate) fn flush(&mut self, out: &mut Vec<Output>) {
        if let Op::Table(t) = self {
            t.flush(out);
        }
    }
}

/// GET of many OIDs.
#[derive(Debug)]
pub(crate) struct GetOp {
    oids: Vec<Oid>,
    pos: usize,
    chunk: usize,
    results: Vec<VarBind>,
}

impl GetOp {
    pub(crate) fn new(oids: Vec<Oid>, chunk: usize) -> Self {
        Self {
            results: Vec::with_capacity(oids.len()),
            oids,
            pos: 0,
            chunk: chunk.max(1),
        }
    }

    fn next_request(&self) -> Step {
        let end = (self.pos + self.chunk).min(self.oids.len());
        Step::Send(RequestPdu::Get(self.oids[self.pos..end].to_vec()))
    }

    fn on_response(&mut self, request: &RequestPdu, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        let RequestPdu::Get(sent) = request else {
            return Step::Finish(Err(Error::MalformedResponse("unexpected request")));
        };
        if g.error_status == ErrorStatus::TooBig {
            if sent.len() > 1 {
                self.chunk = (sent.len() / 2).max(1);
                return self.next_request();
            }
            return Step::Finish(Err(Error::TooBig));
        }
        if g.error_status != ErrorStatus::NoError {
            return Step::Finish(Err(status_error(&g, request, self.pos)));
        }
        if g.varbinds.len() != sent.len() {
            return Step::Finish(Err(Error::MalformedResponse(
                "answer has another number of varbinds than the request",
            )));
        }
        self.pos += sent.len();
        self.results.extend(g.varbinds);
        if self.pos < self.oids.len() {
            self.next_request()
        } else {
            out.push(Output::Varbinds(core::mem::take(&mut self.results)));
            Step::Finish(Ok(()))
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
        }
    }

    fn request(&self) -> RequestPdu {
        match self.bulk {
            Some(m) => RequestPdu::GetBulk {
                non_repeaters: 0,
                max_repetitions: m,
                oids: alloc::vec![self.last.clone()],
            },
            None => RequestPdu::GetNext(alloc::vec![self.last.clone()]),
        }
    }

    fn on_response(&mut self, request: &RequestPdu, g: GenericPdu, out: &mut Vec<Output>) -> Step {
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
            ErrorStatus::NoSuchName if self.version == Version::V1 => return self.end(),
            ErrorStatus::TooBig => {
                return match self.bulk {
                    Some(m) if m > 1 => {
                        self.bulk = Some(m / 2);
                        Step::Send(self.request())
                    }
                    _ => Step::Finish(Err(Error::TooBig)),
                }
            }
            _ => return Step::Finish(Err(status_error(&g, request, 0))),
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
        Step::Send(self.request())
    }

    fn in_subtree(&self, oid: &Oid) -> bool {
        oid.starts_with(&self.root) && oid.len() > self.root.len()
    }

    /// The walk reached its end: if it found nothing, try a GET of the root itself (the root
    /// may be an instance, which `snmpwalk` prints in that case).
    fn end(&mut self) -> Step {
        if self.count == 0 && !self.tried_get {
            self.tried_get = true;
            return Step::Send(RequestPdu::Get(alloc::vec![self.root.clone()]));
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
            bulk,
            version,
            rows: BTreeMap::new(),
            options,
            count: 0,
        }
    }

    fn next_request(&self) -> Step {
        if let Some(w) = &self.walk {
            return Step::Send(w.request());
        }
        if self.active.is_empty() {
            return Step::Finish(Ok(()));
        }
        let oids: Vec<Oid> = self.active.iter().map(|(_, last)| last.clone()).collect();
        if self.version == Version::V1 {
            return Step::Send(RequestPdu::GetNext(oids));
        }
        let reps = (self.bulk / self.active.len() as u32).max(1);
        Step::Send(RequestPdu::GetBulk {
            non_repeaters: 0,
            max_repetitions: reps,
            oids,
        })
    }

    fn add_cell(&mut self, vb: VarBind) {
        if let Some([col, index @ ..]) = vb.oid.strip_prefix(&self.entry) {
            self.rows
                .entry(index.to_vec())
                .or_default()
                .insert(*col, vb.value);
        }
    }

    fn on_response(&mut self, request: &RequestPdu, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        if let Some(w) = self.walk.as_mut() {
            let mut walked = Vec::new();
            let step = w.on_response(request, g, &mut walked);
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
                return self.next_request();
            }
            ErrorStatus::TooBig => return self.fail(Error::TooBig, out),
            _ => {
                let e = status_error(&g, request, 0);
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
