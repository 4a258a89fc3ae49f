//! The v3 path of the receiver: we are the authoritative engine of informs (discovery,
//! time window, Reports through the shared [`Authoritative`] responder), the senders are
//! authoritative for their traps. Users are accepted only at their configured level; keys
//! and clocks are remembered only for what authenticated, within bounds.

use core::net::SocketAddr;

use snmp_codec::{Bytes, GenericPdu, Pdu, PduType, ScopedPdu, SecurityLevel, V3Message, Version};
use snmp_usm::{
    encode_outgoing, process_decoded, EngineClock, Instant, LocalizedUser, OutgoingHeader,
    TimeCheck, UsmError, UsmStat,
};

use super::{v2_notification, DropReason, Receiver, V3Fields};

/// The largest reply we make (msgMaxSize we advertise).
const MAX_REPLY: usize = 65507;

impl Receiver {
    /// A Report for a message that failed with `stat` (signed with `keys` for
    /// notInTimeWindow, so that the sender may resynchronise).
    fn report(
        &mut self,
        now: Instant,
        to: SocketAddr,
        ids: (i32, i32),
        stat: UsmStat,
        keys: Option<&LocalizedUser>,
    ) {
        let Some(authority) = self.authority.as_mut() else {
            return;
        };
        if self.scratch.len() < MAX_REPLY {
            self.scratch.resize(MAX_REPLY, 0);
        }
        let (msg_id, request_id) = ids;
        if let Ok(n) = authority.report(now, msg_id, request_id, stat, keys, &mut self.scratch) {
            let data = self.scratch.get(..n).unwrap_or_default().to_vec();
            self.counters.reports = self.counters.reports.wrapping_add(1);
            self.transmit(to, data);
        }
    }

    /// The acknowledgement of a v3 inform, in the inform's context and at its level.
    fn acknowledge(
        &mut self,
        now: Instant,
        to: SocketAddr,
        msg_id: i32,
        level: SecurityLevel,
        keys: &LocalizedUser,
        scoped: ScopedPdu,
    ) {
        let Some(authority) = self.authority.as_mut() else {
            return;
        };
        let header = OutgoingHeader {
            msg_id,
            msg_max_size: MAX_REPLY as i32,
            level,
            reportable: false,
            engine_boots: authority.engine().boots(),
            engine_time: authority.engine().time(now),
            salt: authority.next_salt(),
        };
        if self.scratch.len() < MAX_REPLY {
            self.scratch.resize(MAX_REPLY, 0);
        }
        if let Ok(n) = encode_outgoing(&header, keys, &scoped, &mut self.scratch) {
            let data = self.scratch.get(..n).unwrap_or_default().to_vec();
            self.counters.acknowledged = self.counters.acknowledged.wrapping_add(1);
            self.transmit(to, data);
        }
    }

    /// The keys of user `name` for `engine_id`: cached, or localised for this message only
    /// (they are cached once a message with them authenticates: [`Receiver::remember_keys`]).
    fn keys_for(&self, name: &[u8], engine_id: &Bytes) -> Option<LocalizedUser> {
        let u = self.users.iter().find(|u| &u.user.name()[..] == name)?;
        Some(match u.keys.get(engine_id) {
            Some(k) => k.clone(),
            None => u.user.localize(engine_id),
        })
    }

    /// Caches keys that just authenticated a message, within the per-user bound.
    fn remember_keys(&mut self, keys: &LocalizedUser) {
        let limit = self.config.max_engines_per_user.max(1);
        let Some(u) = self.users.iter_mut().find(|u| u.user.name() == keys.name()) else {
            return;
        };
        if u.keys.contains_key(keys.engine_id()) {
            return;
        }
        while u.keys.len() >= limit {
            u.keys.pop_first();
        }
        u.keys.insert(keys.engine_id().clone(), keys.clone());
    }

    /// The most engine clocks kept (those of engines whose traps authenticated).
    fn clock_limit(&self) -> usize {
        self.config
            .max_engines_per_user
            .max(1)
            .saturating_mul(self.users.len().max(1))
    }

    /// The lowest level accepted in the name of `user`; `None` for an unknown user.
    fn min_level(&self, user: &[u8]) -> Option<SecurityLevel> {
        self.users
            .iter()
            .find(|u| &u.user.name()[..] == user)
            .map(|u| u.min_level)
    }

    pub(super) fn handle_v3(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        let bytes = Bytes::copy_from_slice(data);
        let Ok((msg, layout)) = V3Message::decode_with_layout(&bytes) else {
            self.dropped(from, DropReason::Malformed);
            return;
        };
        let msg_id = msg.msg_id;
        let reportable = msg.msg_flags.reportable();
        let plain_request_id = match &msg.data {
            snmp_codec::ScopedPduData::Plaintext(s) => s.pdu.request_id().unwrap_or(0),
            snmp_codec::ScopedPduData::Encrypted(_) => 0,
        };
        // A reportable message is an inform (or a discovery probe for one): we are its
        // authoritative engine. A trap is not reportable: its sender is authoritative.
        let ours = reportable;
        if ours && msg.usm.engine_id != self.engine_id {
            // Includes the discovery probe (an empty engine ID): the Report tells the sender
            // our engine ID, boots and time.
            let ids = (msg_id, plain_request_id);
            self.report(now, from, ids, UsmStat::UnknownEngineIds, None);
            return;
        }
        let engine_id = msg.usm.engine_id.clone();
        let user_name = msg.usm.user_name.clone();
        let keys = self.keys_for(&msg.usm.user_name, &engine_id);
        let Some(local) = self.authority.as_ref().map(|a| *a.engine()) else {
            return;
        };
        let mut clock = self.clocks.get(&engine_id).copied();
        let time = if ours {
            TimeCheck::Authoritative(&local)
        } else {
            match clock.as_mut() {
                Some(c) => TimeCheck::NonAuthoritative(c),
                None => TimeCheck::Skip,
            }
        };
        let result = process_decoded(
            &bytes,
            msg,
            &layout,
            |_, _| keys.as_ref().ok_or(UsmError::UnknownUserName),
            time,
            now,
        );
        let inc = match result {
            Ok(inc) => inc,
            Err(e) => {
                let reason = match e {
                    UsmError::UnknownUserName => DropReason::UnknownUser,
                    UsmError::WrongDigest => DropReason::WrongDigest,
                    UsmError::NotInTimeWindow => DropReason::NotInTimeWindow,
                    UsmError::DecryptionError => DropReason::Decryption,
                    UsmError::UnsupportedSecurityLevel => DropReason::SecurityLevel,
                    _ => DropReason::OtherSecurity,
                };
                self.dropped_user(from, reason, Some(user_name));
                if let Some(stat) = UsmStat::for_error(&e).filter(|_| ours) {
                    // notInTimeWindow goes out authenticated, so the sender may resynchronise.
                    let ids = (msg_id, plain_request_id);
                    self.report(now, from, ids, stat, keys.as_ref());
                }
                return;
            }
        };
        // Unknown users, and known users below the level they were configured for, are
        // refused before anything is remembered of the message.
        let refused = match self.min_level(&inc.usm.user_name) {
            None => Some(UsmStat::UnknownUserNames),
            Some(min) if inc.level < min => Some(UsmStat::UnsupportedSecLevels),
            Some(_) => None,
        };
        if let Some(stat) = refused {
            let reason = match stat {
                UsmStat::UnknownUserNames => DropReason::UnknownUser,
                _ => DropReason::SecurityLevel,
            };
            self.dropped_user(from, reason, Some(user_name));
            if ours {
                let rid = inc.scoped_pdu.pdu.request_id().unwrap_or(0);
                self.report(now, from, (msg_id, rid), stat, None);
            }
            return;
        }
        if inc.level != SecurityLevel::NoAuthNoPriv {
            if let Some(k) = &keys {
                self.remember_keys(k);
            }
            if !ours {
                self.remember_clock(&engine_id, clock, now, &inc.usm);
            }
        }
        self.deliver_v3(now, from, msg_id, engine_id, keys.as_ref(), inc);
    }

    /// Remembers the clock of an engine whose trap authenticated (within the bound).
    fn remember_clock(
        &mut self,
        engine_id: &Bytes,
        clock: Option<EngineClock>,
        now: Instant,
        usm: &snmp_codec::UsmSecurityParameters,
    ) {
        let mut c =
            clock.unwrap_or_else(|| EngineClock::new(usm.engine_boots, usm.engine_time, now));
        c.update_from_authentic(now, usm.engine_boots, usm.engine_time);
        if !self.clocks.contains_key(engine_id) {
            while self.clocks.len() >= self.clock_limit() {
                self.clocks.pop_first();
            }
        }
        self.clocks.insert(engine_id.clone(), c);
    }

    /// Queues a v3 notification that passed every check, and acknowledges it if it is an
    /// inform.
    fn deliver_v3(
        &mut self,
        now: Instant,
        from: SocketAddr,
        msg_id: i32,
        engine_id: Bytes,
        keys: Option<&LocalizedUser>,
        inc: snmp_usm::Incoming,
    ) {
        let scoped = inc.scoped_pdu;
        let v3 = V3Fields {
            engine_id,
            user_name: inc.usm.user_name.clone(),
            context_engine_id: scoped.context_engine_id.clone(),
            context_name: scoped.context_name.clone(),
            level: inc.level,
        };
        let g = match &scoped.pdu {
            Pdu::SnmpV2Trap(g) | Pdu::InformRequest(g) => g,
            _ => {
                self.dropped(from, DropReason::Malformed);
                return;
            }
        };
        let n = v2_notification(from, Version::V3, None, &scoped.pdu, g, Some(v3));
        let inform = n.pdu_type == PduType::InformRequest;
        if self.accept(n) && inform {
            let Some(keys) = keys else {
                return;
            };
            let ack = ScopedPdu {
                context_engine_id: scoped.context_engine_id.clone(),
                context_name: scoped.context_name.clone(),
                pdu: Pdu::Response(GenericPdu::new(g.request_id, g.varbinds.clone())),
            };
            self.acknowledge(now, from, msg_id, inc.level, keys, ack);
        }
    }
}
