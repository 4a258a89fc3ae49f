//! The input path: a datagram is matched to its request (by request-id or msgID, and source
//! address), checked (version, community or v3 security), and handed to its operation; v3
//! Reports drive discovery, time synchronisation and the typed misconfiguration errors.
//! Anything unexpected is counted and dropped.

use core::net::SocketAddr;

use snmp_codec::{
    message_version, Bytes, GenericPdu, Message, Oid, Pdu, SecurityLevel, UsmSecurityParameters,
    V3Layout, V3Message,
};
use snmp_usm::{process_decoded, Instant, TimeCheck, UsmError};

use super::ids::{MsgId, RequestId};
use super::requests::Purpose;
use super::{Session, TargetId};
use crate::config::Security;
use crate::error::{Error, ReportKind};
use crate::op::AnswerSize;

/// A v3 answer on its way in: what its handlers need besides the message itself.
struct Arrival<'a> {
    now: Instant,
    rid: RequestId,
    target: TargetId,
    /// It came from another address than the target's (which the target allows).
    from_elsewhere: bool,
    bytes: &'a Bytes,
    layout: &'a V3Layout,
    /// The agent's msgMaxSize.
    agent_max: usize,
}

impl Session {
    /// Handles a datagram received from `from`. Anything that is not a valid, expected answer
    /// is counted ([`Session::counters`]) and dropped; nothing here returns an error.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        self.counters.datagrams = self.counters.datagrams.wrapping_add(1);
        match message_version(data) {
            Ok(0) | Ok(1) => {
                let bytes = self.copy_in(data);
                self.handle_community(from, &bytes);
            }
            Ok(3) => {
                let bytes = self.copy_in(data);
                self.handle_v3(now, from, &bytes);
            }
            _ => self.malformed(from),
        }
        self.purge_timers();
    }

    /// `data` as shared bytes, copied into the receive buffer (its space is reused once
    /// everything split off it before has been dropped).
    fn copy_in(&mut self, data: &[u8]) -> Bytes {
        // Room for a few answers at a time (a walk's are large).
        const BLOCK: usize = 16 * 1024;
        if self.rx.capacity() < data.len() {
            self.rx.reserve(data.len().max(BLOCK));
        }
        self.rx.extend_from_slice(data);
        self.rx.split().freeze()
    }

    /// A datagram that does not decode: counted, and counted for the target at that address
    /// (so that a request that gets only such answers says so when it runs out of attempts).
    fn malformed(&mut self, from: SocketAddr) {
        self.counters.dropped_malformed = self.counters.dropped_malformed.wrapping_add(1);
        if let Some(t) = self
            .by_addr
            .get(&from)
            .and_then(|id| self.targets.get_mut(id))
        {
            t.malformed = t.malformed.wrapping_add(1);
        }
    }

    /// An id no request in flight has: a late duplicate, or a stranger's.
    fn classify_unknown(&mut self, id: i32) {
        if self.requests.recently_completed(id) {
            self.counters.dropped_duplicate = self.counters.dropped_duplicate.wrapping_add(1);
        } else {
            self.counters.dropped_unknown = self.counters.dropped_unknown.wrapping_add(1);
        }
    }

    fn handle_community(&mut self, from: SocketAddr, data: &Bytes) {
        let Ok(Message::Community(m)) = Message::decode_bytes(data) else {
            self.malformed(from);
            return;
        };
        let Pdu::Response(g) = m.pdu else {
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        };
        let rid = RequestId(g.request_id);
        let Some(req) = self.requests.get(rid) else {
            self.classify_unknown(rid.0);
            return;
        };
        let Some(target) = self.targets.get(&req.target) else {
            self.counters.dropped_unknown = self.counters.dropped_unknown.wrapping_add(1);
            return;
        };
        let Security::Community { version, community } = &target.config.security else {
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        };
        if *version != m.version || *community != m.community || !req.waits() {
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        }
        if from != target.config.addr && !target.config.accept_any_source {
            self.counters.dropped_wrong_source = self.counters.dropped_wrong_source.wrapping_add(1);
            return;
        }
        self.deliver(rid, g, data.len());
    }

    fn handle_v3(&mut self, now: Instant, from: SocketAddr, bytes: &Bytes) {
        let Ok((msg, layout)) = V3Message::decode_with_layout(bytes) else {
            self.malformed(from);
            return;
        };
        let Some(rid) = self.requests.by_msg_id(MsgId(msg.msg_id)) else {
            self.classify_unknown(msg.msg_id);
            return;
        };
        let Some(req) = self.requests.get(rid) else {
            self.counters.dropped_unknown = self.counters.dropped_unknown.wrapping_add(1);
            return;
        };
        let (purpose, target_id) = (req.purpose, req.target);
        let Some(target) = self.targets.get(&target_id) else {
            self.counters.dropped_unknown = self.counters.dropped_unknown.wrapping_add(1);
            return;
        };
        // From another address only when the target opted in; then only authenticated
        // answers count (checked below), and a discovery Report is unauthenticated anyway:
        // its values are used for sending only until an authenticated answer confirms them.
        let from_elsewhere = from != target.config.addr;
        if from_elsewhere && !target.config.accept_any_source {
            self.counters.dropped_wrong_source = self.counters.dropped_wrong_source.wrapping_add(1);
            return;
        }
        if target.v3.is_none() {
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        }
        let arrival = Arrival {
            now,
            rid,
            target: target_id,
            from_elsewhere,
            bytes,
            layout: &layout,
            agent_max: usize::try_from(msg.msg_max_size).unwrap_or(usize::MAX),
        };
        match purpose {
            Purpose::Discovery => self.handle_discovery_report(arrival, msg),
            Purpose::User => self.handle_v3_answer(arrival, msg),
        }
    }

    /// The answer to a discovery probe: a Report that names the agent's engine (its values
    /// unauthenticated, so used for sending only until an authenticated answer confirms them).
    fn handle_discovery_report(&mut self, a: Arrival<'_>, msg: V3Message) {
        let Ok(inc) = process_decoded(
            a.bytes,
            msg,
            a.layout,
            |_, _| Err(UsmError::UnknownUserName),
            TimeCheck::Skip,
            a.now,
        ) else {
            self.counters.dropped_security = self.counters.dropped_security.wrapping_add(1);
            return;
        };
        if inc.usm.engine_id.is_empty() {
            // A discovery Report must name an engine.
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        }
        let Some(v3) = self.v3_mut(a.target) else {
            return;
        };
        let u = &inc.usm;
        let waiting = v3.learn(
            u.engine_id.clone(),
            u.engine_boots,
            u.engine_time,
            a.now,
            a.agent_max,
        );
        self.counters.responses = self.counters.responses.wrapping_add(1);
        self.drop_request(a.rid);
        self.send_queue.extend(waiting);
    }

    /// The answer to a request: checked against the engine's keys and clock (only an
    /// authenticated message moves the clock), then a Report or the Response.
    fn handle_v3_answer(&mut self, a: Arrival<'_>, msg: V3Message) {
        let Some(v3) = self
            .targets
            .get_mut(&a.target)
            .and_then(|t| t.v3.as_deref_mut())
        else {
            return;
        };
        let Some(engine) = v3.engine.as_mut() else {
            self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
            return;
        };
        let keys = &engine.keys;
        let time = if engine.trusted {
            TimeCheck::NonAuthoritative(&mut engine.clock)
        } else {
            TimeCheck::Skip
        };
        let result = process_decoded(
            a.bytes,
            msg,
            a.layout,
            |name, eid| {
                if name != &keys.name()[..] {
                    Err(UsmError::UnknownUserName)
                } else if eid != &keys.engine_id()[..] {
                    Err(UsmError::UnknownEngineId)
                } else {
                    Ok(keys)
                }
            },
            time,
            a.now,
        );
        let inc = match result {
            Ok(inc) => inc,
            Err(e) => {
                self.counters.dropped_security = self.counters.dropped_security.wrapping_add(1);
                let retry_other =
                    e == UsmError::DecryptionError && self.maybe_switch_privacy(a.target, a.rid);
                if let Some(req) = self.requests.get_mut(a.rid) {
                    req.last_usm_error = Some(e);
                }
                if retry_other {
                    self.resend(a.rid);
                }
                return;
            }
        };
        let authenticated = inc.level != SecurityLevel::NoAuthNoPriv;
        if a.from_elsewhere && !authenticated {
            self.counters.dropped_wrong_source = self.counters.dropped_wrong_source.wrapping_add(1);
            return;
        }
        if authenticated {
            let u = &inc.usm;
            v3.confirm(u.engine_boots, u.engine_time, a.now, a.agent_max);
        }
        match inc.scoped_pdu.pdu {
            Pdu::Report(g) => {
                self.counters.responses = self.counters.responses.wrapping_add(1);
                let kind = g
                    .varbinds
                    .first()
                    .map_or(ReportKind::Other(Oid::new()), |vb| {
                        ReportKind::from_oid(&vb.oid)
                    });
                self.handle_report(a.rid, kind, authenticated, a.now, &inc.usm);
            }
            Pdu::Response(g) => {
                let context = &inc.scoped_pdu.context_name;
                if !v3.matches(inc.level, context, &inc.usm.user_name) {
                    self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1);
                    return;
                }
                self.deliver(a.rid, g, a.bytes.len());
            }
            _ => self.counters.dropped_mismatch = self.counters.dropped_mismatch.wrapping_add(1),
        }
    }

    /// A Report for request `rid`. Authenticated ones act at once (resynchronise and resend,
    /// rediscover, or end the request with the typed error); an unauthenticated one can be
    /// forged by anyone who saw the plaintext msgID, so it is only remembered (see
    /// [`Session::handle_timeout`]).
    fn handle_report(
        &mut self,
        rid: RequestId,
        kind: ReportKind,
        authenticated: bool,
        now: Instant,
        usm: &UsmSecurityParameters,
    ) {
        let Some(req) = self.requests.get(rid) else {
            return;
        };
        let (target_id, resynced, rediscovered) = (req.target, req.resynced, req.rediscovered);
        let resend = match kind {
            ReportKind::NotInTimeWindow if authenticated && !resynced => {
                if let Some(req) = self.requests.get_mut(rid) {
                    req.resynced = true;
                }
                if let Some(v3) = self.v3_mut(target_id) {
                    v3.resync(usm.engine_boots, usm.engine_time, now);
                }
                true
            }
            ReportKind::UnknownEngineId if authenticated && !rediscovered => {
                self.rediscover(rid);
                return;
            }
            ReportKind::DecryptionError if self.maybe_switch_privacy(target_id, rid) => true,
            _ if !authenticated => {
                // Forgeable: remembered, and the request goes on waiting for its answer.
                if let Some(req) = self.requests.get_mut(rid) {
                    req.unauthenticated_report = Some(kind);
                }
                return;
            }
            _ => false,
        };
        if resend {
            self.resend(rid);
        } else {
            self.fail_request(rid, Error::Report(kind));
        }
    }

    /// The largest answer wanted from request `rid`'s target: its `max_answer_size`, and for
    /// v3 the agent's msgMaxSize.
    fn answer_limit(&self, rid: RequestId) -> usize {
        let Some(t) = self
            .requests
            .get(rid)
            .and_then(|r| self.targets.get(&r.target))
        else {
            return usize::MAX;
        };
        let agent = t.v3.as_ref().map_or(usize::MAX, |v| v.agent_max_size());
        t.config.max_answer_size.min(agent)
    }

    /// An answer for request `rid`: the operation takes its next step.
    fn deliver(&mut self, rid: RequestId, g: GenericPdu, len: usize) {
        self.counters.responses = self.counters.responses.wrapping_add(1);
        let limit = self.answer_limit(rid);
        let Some(req) = self.drop_request(rid) else {
            return;
        };
        let Some(op_id) = req.op else {
            return;
        };
        let Some(o) = self.ops.get_mut(&op_id) else {
            return;
        };
        let slot = o.take_request(rid).unwrap_or(req.slot);
        let mut out = self.events.take_buffer();
        let step =
            o.op.on_response(slot, g, &mut out, AnswerSize { len, limit });
        self.events.emit(op_id, out);
        self.step(op_id, step);
    }
}
