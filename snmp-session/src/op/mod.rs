//! Operations as small state machines: each turns one answer into the next request or an end.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, Pdu, PduRef, PduType, Value, VarBind, Version};

use crate::error::Error;
use crate::request::Request;

mod get;
mod parallel;
mod repetitions;
mod table;
mod walk;

pub(crate) use repetitions::AnswerSize;

use get::GetOp;
use parallel::ParallelWalk;
pub(crate) use parallel::StripeHint;
pub use table::TableRow;
use table::{ParallelTable, TableOp};
use walk::WalkOp;

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

/// Which of an operation's requests: 0, except for the stripes of a parallel walk.
pub(crate) type Slot = u16;

/// What an operation wants after an answer.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send the request [`Op::view`] now shows for slot 0.
    Send,
    /// Send the requests these slots now show.
    SendSlots(Vec<Slot>),
    /// Nothing to send now: other requests of the operation are in flight.
    Wait,
    /// The operation is over.
    Finish(Result<(), Error>),
}

/// Output an operation produces besides its next step.
#[derive(Debug)]
pub(crate) enum Output {
    Varbinds(Vec<VarBind>),
    Rows(Vec<TableRow>),
}

pub(crate) fn status_error(g: &GenericPdu, request: View<'_>, index_base: usize) -> Error {
    let index = u32::try_from(g.error_index).unwrap_or(0);
    let oid = usize::try_from(g.error_index)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| request.oid_at(i));
    Error::Status {
        status: g.error_status,
        index: index.saturating_add(if index > 0 { index_base as u32 } else { 0 }),
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
    /// A walk in parallel stripes.
    Parallel(ParallelWalk),
    /// A table fetch.
    Table(TableOp),
    /// A table fetch in parallel stripes, and its first step.
    ParallelTable(alloc::boxed::Box<ParallelTable>, Option<Step>),
    /// A trap: no answer.
    Trap(RequestPdu),
}

impl Op {
    /// The state machine of `request` (already checked against the target's version), for a
    /// target of `version`; GETs carry at most `max_oids` OIDs per request, up to `in_flight`
    /// requests at once; `hint` is the max-repetitions an adaptive walk last ended with, and
    /// `stripes` where the target's last parallel walk would have the next start its stripes.
    pub(crate) fn new(
        request: Request,
        version: Version,
        max_oids: usize,
        hint: Option<u32>,
        stripes: Option<&StripeHint>,
        in_flight: usize,
    ) -> Op {
        // An adaptive walk or table starts from what worked last time for the target.
        let start = |asked: u32, options: &crate::WalkOptions| match (options.repetitions, hint) {
            (crate::Repetitions::Adaptive { .. }, Some(h)) => h,
            _ => asked,
        };
        match request {
            Request::Get(oids) => Op::Get(GetOp::new(oids, max_oids, false, in_flight)),
            Request::GetEach(oids) => Op::Get(GetOp::new(oids, max_oids, true, in_flight)),
            Request::GetNext(oids) => Op::Single(RequestPdu::GetNext(oids)),
            Request::GetBulk {
                oids,
                non_repeaters,
                max_repetitions,
            } => Op::Single(RequestPdu::GetBulk {
                non_repeaters,
                max_repetitions,
                oids,
            }),
            Request::Set(varbinds) => Op::Single(RequestPdu::Set(varbinds)),
            Request::Walk {
                root,
                max_repetitions,
                options,
            } => {
                let reps = max_repetitions.map(|m| start(m, &options));
                if options.parallel > 1 {
                    Op::Parallel(ParallelWalk::hinted(root, stripes, reps, options, version))
                } else {
                    Op::Walk(WalkOp::new(root, reps, options, version))
                }
            }
            Request::Table {
                entry,
                columns,
                max_repetitions,
                options,
            } => {
                // The hint is per column for columns, the walk's for a whole entry.
                let n = columns.as_ref().map_or(1, |c| c.len().max(1));
                let per = |h: u32| h.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX));
                let asked = match (options.repetitions, hint) {
                    (crate::Repetitions::Adaptive { .. }, Some(h)) => per(h),
                    _ => max_repetitions,
                };
                if options.parallel > 1 {
                    // Each stripe walks with the table's repetitions (a stripe is a walk).
                    let reps = start(max_repetitions, &options);
                    let (t, first) =
                        ParallelTable::new(entry, columns.as_deref(), reps, options, version);
                    return Op::ParallelTable(alloc::boxed::Box::new(t), Some(first));
                }
                Op::Table(TableOp::new(
                    entry,
                    columns.as_deref(),
                    asked,
                    options,
                    version,
                ))
            }
            Request::Inform {
                trap_oid,
                uptime,
                varbinds,
            } => Op::Single(RequestPdu::Inform(notification_varbinds(
                trap_oid, uptime, varbinds,
            ))),
            Request::Trap {
                trap_oid,
                uptime,
                varbinds,
            } => Op::Trap(RequestPdu::TrapV2(notification_varbinds(
                trap_oid, uptime, varbinds,
            ))),
            Request::TrapV1(trap) => Op::Trap(RequestPdu::TrapV1(Pdu::TrapV1(trap))),
        }
    }

    /// The first request.
    pub(crate) fn start(&mut self) -> Step {
        match self {
            Op::Get(g) => g.start(),
            Op::Table(t) => t.start(),
            Op::ParallelTable(_, first) => first.take().unwrap_or(Step::Send),
            Op::Parallel(p) => p.start(),
            _ => Step::Send,
        }
    }

    /// The request in flight in `slot`.
    pub(crate) fn view(&self, slot: Slot) -> View<'_> {
        match self {
            Op::Get(g) => g.view(slot),
            Op::Single(p) | Op::Trap(p) => p.view(),
            Op::Walk(w) => w.view(),
            Op::Parallel(p) => p.view(slot),
            Op::Table(t) => t.view(),
            Op::ParallelTable(t, _) => t.view(slot),
        }
    }

    /// Handles the answer to the request in flight (`size`: how big it was, against the
    /// limit, for adaptive repetitions).
    pub(crate) fn on_response(
        &mut self,
        slot: Slot,
        g: GenericPdu,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        match self {
            Op::Get(op) => op.on_response(slot, g, out),
            Op::Single(p) | Op::Trap(p) => {
                if g.error_status != ErrorStatus::NoError {
                    return Step::Finish(Err(status_error(&g, p.view(), 0)));
                }
                out.push(Output::Varbinds(g.varbinds));
                Step::Finish(Ok(()))
            }
            Op::Walk(w) => w.on_response(g, out, size),
            Op::Parallel(p) => p.on_response(slot, g, out, size),
            Op::Table(t) => t.on_response(g, out, size),
            Op::ParallelTable(t, _) => t.on_response(slot, g, out, size),
        }
    }

    /// The request in `slot` failed for good (timeout, Report, ...): most operations end with
    /// the error; a parallel walk ends that stripe.
    pub(crate) fn on_failure(&mut self, slot: Slot, e: Error, out: &mut Vec<Output>) -> Step {
        match self {
            Op::Parallel(p) => p.on_failure(slot, e, out),
            Op::ParallelTable(t, _) => t.on_failure(slot, e, out),
            _ => Step::Finish(Err(e)),
        }
    }

    /// An attempt of the request in `slot` went unanswered and it will be sent again.
    pub(crate) fn on_attempt_timeout(&mut self, slot: Slot) {
        match self {
            Op::Walk(w) => w.on_attempt_timeout(),
            Op::Parallel(p) => p.on_attempt_timeout(slot),
            Op::Table(t) => t.on_attempt_timeout(),
            Op::ParallelTable(t, _) => t.on_attempt_timeout(slot),
            _ => {}
        }
    }

    /// The max-repetitions an adaptive walk or table ended with (to start from next time).
    pub(crate) fn learned_repetitions(&self) -> Option<u32> {
        match self {
            Op::Walk(w) => w.learned_repetitions(),
            Op::Table(t) => t.learned_repetitions(),
            Op::Parallel(p) => p.learned_repetitions(),
            Op::ParallelTable(t, _) => t.learned_repetitions(),
            _ => None,
        }
    }

    /// Where a parallel walk that ended well would have the next walk of its subtree start
    /// its stripes.
    pub(crate) fn learned_stripes(&self) -> Option<StripeHint> {
        match self {
            Op::Parallel(p) => p.learned_stripes(),
            _ => None,
        }
    }

    /// Called when the operation ends in an error: lets a table hand out its partial rows.
    pub(crate) fn flush(&mut self, out: &mut Vec<Output>) {
        match self {
            Op::Table(t) => t.flush(out),
            Op::ParallelTable(t, _) => t.flush(out),
            _ => {}
        }
    }
}

/// The varbinds of an InformRequest or SNMPv2-Trap: `sysUpTime.0` and `snmpTrapOID.0` first
/// (RFC 3416 4.2.6), then the caller's.
fn notification_varbinds(trap_oid: Oid, uptime: u32, varbinds: Vec<VarBind>) -> Vec<VarBind> {
    let mut vbs = Vec::with_capacity(varbinds.len().saturating_add(2));
    vbs.push(VarBind::new(
        Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
        Value::TimeTicks(uptime),
    ));
    vbs.push(VarBind::new(
        Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
        Value::ObjectIdentifier(trap_oid),
    ));
    vbs.extend(varbinds);
    vbs
}
