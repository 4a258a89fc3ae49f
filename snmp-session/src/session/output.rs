//! The output path: the requests queued for sending are encoded at the time of sending (so
//! that v3 messages carry the current engine time), into the caller's buffer.

use snmp_codec::{CommunityMessageRef, PduRef, PduType};
use snmp_usm::Instant;

use super::events::Transmit;
use super::ids::RequestId;
use super::requests::Purpose;
use super::v3::{Attempt, Local, Role};
use super::Session;
use crate::config::Security;
use crate::error::Error;

impl Session {
    /// Writes the next datagram to send into `buf` (which should hold
    /// [`SessionConfig::max_message_size`](crate::SessionConfig::max_message_size) bytes). Messages are encoded here, at the time of
    /// sending, so that v3 messages carry the current engine time.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        self.started.get_or_insert(now);
        while let Some(rid) = self.send_queue.pop_front() {
            let Some(req) = self.requests.get(rid) else {
                continue;
            };
            if req.waits() {
                continue; // already sent and waiting (queued twice)
            }
            let (target_id, op) = (req.target, req.op);
            if self.park_for_connection(target_id, rid, now) {
                continue; // goes out once its connection is up
            }
            let Some(target) = self.targets.get(&target_id) else {
                self.fail_request(rid, Error::UnknownTarget);
                continue;
            };
            let destination = target.config.addr;
            let connection = target.conn.is_some().then_some(target_id);
            let (_, timeout) = self.timing(target_id, op);
            let len = match self.encode_request(rid, now, buf) {
                Ok(len) => len,
                Err(e) => {
                    self.fail_request(rid, e);
                    continue;
                }
            };
            let Some(req) = self.requests.get_mut(rid) else {
                continue;
            };
            if req.attempts == 0 {
                self.counters.requests = self.counters.requests.wrapping_add(1);
            } else {
                self.counters.retransmits = self.counters.retransmits.wrapping_add(1);
            }
            req.attempts = req.attempts.saturating_add(1);
            if !req.fire_and_forget {
                let deadline = now + timeout;
                req.deadline = Some(deadline);
                self.timers.set(deadline, rid);
            } else if let Some(op) = req.op {
                // A trap is done once it is out.
                self.drop_request(rid);
                self.finish(op, Ok(()));
            }
            return Some(Transmit {
                destination,
                len,
                connection,
            });
        }
        None
    }

    /// Encodes one attempt of request `rid` into `buf`.
    // The session's one error type is large (a walk's error holds OIDs); this runs once per
    // datagram and fails only when a message cannot be made, so boxing would buy nothing.
    #[allow(clippy::result_large_err)]
    fn encode_request(
        &mut self,
        rid: RequestId,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        let max = self.config.max_message_size.min(buf.len());
        let (buf, _) = buf.split_at_mut(max);
        let req = self.requests.get(rid).ok_or(Error::Cancelled)?;
        let (op, slot) = (req.op, req.slot);
        let (target_id, purpose, trap) = (req.target, req.purpose, req.fire_and_forget);
        let target = self
            .targets
            .get_mut(&target_id)
            .ok_or(Error::UnknownTarget)?;
        // The PDU of the operation's request in flight (a discovery probe has none).
        let view = op.and_then(|o| self.ops.get(&o)).map(|o| o.op.view(slot));
        let Some(v3) = target.v3.as_deref_mut() else {
            let Security::Community { version, community } = &target.config.security else {
                return Err(Error::UnknownTarget);
            };
            let msg = CommunityMessageRef {
                version: *version,
                community,
                pdu: view.ok_or(Error::Cancelled)?.pdu(rid.0),
            };
            return msg.encode(buf).map_err(|_| Error::TooBig);
        };
        let (role, pdu) = match purpose {
            Purpose::Discovery => (
                Role::Discovery,
                PduRef::Request {
                    pdu_type: PduType::GetRequest,
                    request_id: rid.0,
                    fields: [0, 0],
                    oids: &[],
                },
            ),
            Purpose::User => {
                let role = if trap { Role::Trap } else { Role::Request };
                (role, view.ok_or(Error::Cancelled)?.pdu(rid.0))
            }
        };
        let msg_id = self.requests.fresh_msg_id();
        // Over a stream the answer is not bound by a datagram's size.
        let max_size = match target.conn {
            Some(_) => target.config.max_stream_message,
            None => self.config.max_message_size,
        };
        let local = Local {
            engine_id: &self.local_engine_id,
            boots: self.config.local_engine_boots,
            started: *self.started.get_or_insert(now),
            max_size: i32::try_from(max_size).unwrap_or(i32::MAX),
        };
        let attempt = Attempt {
            msg_id,
            salt: self.salts.next_salt(),
            now,
        };
        let n = v3.encode(role, pdu, local, attempt, buf)?;
        self.requests.bind_msg_id(rid, msg_id);
        Ok(n)
    }
}
