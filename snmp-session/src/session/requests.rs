//! Requests in flight: one per PDU an operation (or a v3 discovery) waits an answer for, with
//! its attempts, deadline and msgIDs, found by request-id or by msgID.

use alloc::vec::Vec;

use rand_chacha::ChaCha12Rng;
use snmp_usm::{Instant, UsmError};

use super::ids::{IdMap, Ids, MsgId, RequestId};
use super::{OpId, TargetId};
use crate::error::ReportKind;
use crate::op::Slot;

/// Why a request exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// An operation's request.
    User,
    /// A v3 engine discovery probe.
    Discovery,
}

/// One request in flight.
#[derive(Debug)]
pub(crate) struct Request {
    /// The operation it belongs to (none for a discovery).
    pub(crate) op: Option<OpId>,
    /// Which of the operation's requests it is (a parallel walk has one per stripe).
    pub(crate) slot: Slot,
    pub(crate) target: TargetId,
    /// A trap: sent once, no answer.
    pub(crate) fire_and_forget: bool,
    pub(crate) purpose: Purpose,
    pub(crate) attempts: u32,
    /// Set while an attempt waits for its answer; `None` while queued or parked.
    pub(crate) deadline: Option<Instant>,
    pub(crate) msg_ids: Vec<MsgId>,
    /// Resent once after an authenticated notInTimeWindow Report.
    pub(crate) resynced: bool,
    /// Resent once after a new discovery (unknownEngineID).
    pub(crate) rediscovered: bool,
    /// The last answer that failed our own v3 checks.
    pub(crate) last_usm_error: Option<UsmError>,
    /// An unauthenticated Report that arrived during the current attempt: anyone who saw the
    /// plaintext msgID can forge one, so it ends the request only when the attempt's deadline
    /// passes without a genuine answer.
    pub(crate) unauthenticated_report: Option<ReportKind>,
    /// The target's count of undecodable datagrams when the request was made.
    pub(crate) malformed_before: u32,
}

impl Request {
    /// Whether an answer is expected for it (not a trap, and an attempt is out).
    pub(crate) fn waits(&self) -> bool {
        self.deadline.is_some()
    }

    /// An operation's request that expects an answer (what the AES key-extension switch and
    /// retries concern).
    pub(crate) fn is_user_request(&self) -> bool {
        self.purpose == Purpose::User && !self.fire_and_forget
    }
}

/// The registry of requests in flight.
#[derive(Debug)]
pub(crate) struct Requests {
    map: IdMap<RequestId, Request>,
    by_msg_id: IdMap<MsgId, RequestId>,
    ids: Ids,
}

impl Requests {
    pub(crate) fn new(rng: ChaCha12Rng, remember_completed: usize) -> Self {
        Requests {
            map: IdMap::default(),
            by_msg_id: IdMap::default(),
            ids: Ids::new(rng, remember_completed),
        }
    }

    /// A fresh id, used neither as a request-id nor as a msgID, nor recently completed.
    fn fresh(&mut self) -> i32 {
        let (map, by_msg_id) = (&self.map, &self.by_msg_id);
        self.ids
            .fresh(|id| map.contains_key(&RequestId(id)) || by_msg_id.contains_key(&MsgId(id)))
    }

    /// Registers a new request (not yet sent).
    pub(crate) fn insert(
        &mut self,
        op: Option<(OpId, Slot)>,
        target: TargetId,
        fire_and_forget: bool,
        purpose: Purpose,
        malformed_before: u32,
    ) -> RequestId {
        let rid = RequestId(self.fresh());
        self.map.insert(
            rid,
            Request {
                op: op.map(|(o, _)| o),
                slot: op.map_or(0, |(_, s)| s),
                target,
                fire_and_forget,
                purpose,
                attempts: 0,
                deadline: None,
                msg_ids: Vec::new(),
                resynced: false,
                rediscovered: false,
                last_usm_error: None,
                unauthenticated_report: None,
                malformed_before,
            },
        );
        rid
    }

    /// A fresh msgID for an attempt of a request (registered with [`Requests::bind_msg_id`]
    /// once the message is made).
    pub(crate) fn fresh_msg_id(&mut self) -> MsgId {
        MsgId(self.fresh())
    }

    /// Records that `msg_id` is an attempt of `rid`.
    pub(crate) fn bind_msg_id(&mut self, rid: RequestId, msg_id: MsgId) {
        if let Some(req) = self.map.get_mut(&rid) {
            req.msg_ids.push(msg_id);
            self.by_msg_id.insert(msg_id, rid);
        }
    }

    pub(crate) fn get(&self, rid: RequestId) -> Option<&Request> {
        self.map.get(&rid)
    }

    pub(crate) fn get_mut(&mut self, rid: RequestId) -> Option<&mut Request> {
        self.map.get_mut(&rid)
    }

    /// The request an attempt with this msgID belongs to.
    pub(crate) fn by_msg_id(&self, msg_id: MsgId) -> Option<RequestId> {
        self.by_msg_id.get(&msg_id).copied()
    }

    /// Forgets a request and its msgIDs, remembering them as completed.
    pub(crate) fn remove(&mut self, rid: RequestId) -> Option<Request> {
        let req = self.map.remove(&rid)?;
        for m in &req.msg_ids {
            self.by_msg_id.remove(m);
        }
        self.ids.complete(rid.0);
        for m in &req.msg_ids {
            self.ids.complete(m.0);
        }
        Some(req)
    }

    /// Whether `id` (a request-id or msgID) belonged to a recently completed request.
    pub(crate) fn recently_completed(&self, id: i32) -> bool {
        self.ids.recently_completed(id)
    }

    /// The requests of `target` (in no particular order).
    pub(crate) fn of_target(&self, target: TargetId) -> Vec<RequestId> {
        self.map
            .iter()
            .filter(|(_, r)| r.target == target)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Whether `rid` still waits with deadline `at` (else a timer entry for it is stale).
    pub(crate) fn waits_until(&self, rid: RequestId, at: Instant) -> bool {
        self.map.get(&rid).is_some_and(|r| r.deadline == Some(at))
    }
}
