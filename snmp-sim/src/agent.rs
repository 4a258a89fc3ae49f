//! The simulated agent, sans-IO: datagrams in, datagrams out. v1, v2c and v3 (USM, as the
//! authoritative engine), GET, GETNEXT, GETBULK, SET and InformRequest over an ordered map of
//! values, with switchable misbehaviour for tests.

use std::collections::BTreeMap;
use std::ops::Bound;

use snmp_codec::{
    Bytes, CommunityMessage, ErrorStatus, GenericPdu, Message, Oid, Pdu, ScopedPdu, V3Message,
    Value, VarBind, Version,
};
use snmp_usm::{
    encode_outgoing, process_decoded, Authoritative, Instant, LocalizedUser, OutgoingHeader,
    TimeCheck, UsmStat, UsmUser,
};

/// Ways the agent can misbehave.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer `tooBig` when the answer would exceed this many bytes.
    pub too_big_above: Option<usize>,
    /// After this many GETNEXT/GETBULK varbinds, answer with the OID asked for instead of the
    /// next one (an OID that does not increase).
    pub non_increasing_after: Option<usize>,
    /// Add this many seconds to the engine time in discovery Reports (a stale or skewed
    /// answer, to make the manager resynchronise).
    pub discovery_time_skew: i64,
    /// Report usmStatsUnknownEngineIDs to everything (an agent whose engine ID keeps changing).
    pub always_unknown_engine: bool,
    /// Answer GETNEXT with one varbind more than asked for.
    pub extra_varbind: bool,
    /// Never answer a GETBULK asking for more repetitions than this (an agent too slow for
    /// big requests: they time out).
    pub silent_above_repetitions: Option<i32>,
    /// Answer GETBULK with its varbinds out of order inside each answer (neighbours swapped
    /// in pairs, the last left in place), as some H3C and Brocade agents do.
    pub unsorted_bulk: bool,
}

/// Swaps neighbours in pairs, leaving the last varbind where it is.
fn unsort(vbs: &mut [VarBind]) {
    let keep_last = vbs.len().saturating_sub(1);
    for pair in vbs[..keep_last].chunks_mut(2) {
        if let [a, b] = pair {
            std::mem::swap(a, b);
        }
    }
}

/// A simulated agent.
#[derive(Debug)]
pub struct Agent {
    /// The data, in OID order.
    pub data: BTreeMap<Oid, Value>,
    /// Read-only communities.
    pub ro_communities: Vec<Bytes>,
    /// Read-write communities.
    pub rw_communities: Vec<Bytes>,
    /// OIDs (and their subtrees) that a SET may not change (answered with notWritable).
    pub read_only: Vec<Oid>,
    /// Misbehaviour.
    pub faults: Faults,
    /// Our engine: ID, boots, clock, usmStats counters and the Reports (shared with the
    /// session's notification receiver).
    authority: Authoritative,
    users: Vec<LocalizedUser>,
    served: usize,
    /// Requests handled, by PDU tag.
    pub requests_seen: usize,
    /// Values that move with time: the value at time zero and its increase per second
    /// (Counter32 and TimeTicks wrap at 2^32, Counter64 at 2^64).
    pub rates: BTreeMap<Oid, u64>,
    now: Instant,
    /// Where v3 answers are encoded (the largest UDP datagram), reused.
    scratch: Vec<u8>,
}

impl Agent {
    /// An agent with `data`, community `public` (read-only) and `private` (read-write).
    pub fn new(data: BTreeMap<Oid, Value>) -> Agent {
        Agent {
            data,
            ro_communities: vec![Bytes::from_static(b"public")],
            rw_communities: vec![Bytes::from_static(b"private")],
            read_only: Vec::new(),
            faults: Faults::default(),
            authority: Authoritative::new(
                Bytes::from_static(b"\x80\x00\x1f\x88\x04fake-agent"),
                1,
                Instant::ZERO,
                0xa9e7,
            ),
            users: Vec::new(),
            served: 0,
            requests_seen: 0,
            rates: BTreeMap::new(),
            now: Instant::ZERO,
            scratch: vec![0u8; 65507],
        }
    }

    /// Sets the engine ID (before adding users: their keys are localised to it).
    pub fn with_engine_id(mut self, id: &[u8]) -> Self {
        let engine = self.authority.engine();
        let (boots, started) = (engine.boots(), Instant::ZERO);
        self.authority = Authoritative::new(Bytes::copy_from_slice(id), boots, started, 0xa9e7);
        self.users.clear();
        self
    }

    /// Adds a v3 user (its keys are localised to this agent's engine ID).
    pub fn add_user(&mut self, user: &UsmUser) {
        self.users.push(user.localize(self.authority.engine_id()));
    }

    /// The engine ID.
    pub fn engine_id(&self) -> &Bytes {
        self.authority.engine_id()
    }

    /// snmpEngineBoots.
    pub fn engine_boots(&self) -> u32 {
        self.authority.engine().boots()
    }

    /// Reboots the engine at `now`: boots + 1, engine time from zero.
    pub fn reboot(&mut self, now: Instant) {
        self.authority.reboot(now);
    }

    /// The agent of the default device, recorded from a real agent with counters that move as
    /// they moved there (see [`crate::data::recorded`] and [`crate::data::recorded_rates`]).
    pub fn recorded_device() -> Agent {
        let mut agent = Agent::new(crate::data::recorded());
        agent.rates = crate::data::recorded_rates();
        agent
    }

    /// The agent of the synthetic device with `rows` interfaces whose counters move with time:
    /// sysUpTime.0 by 100 ticks a second, ifInOctets (column 10) and ifOutOctets (16) by
    /// 1,000 and 2,000 octets a second per interface number.
    pub fn synthetic_device(rows: u32) -> Agent {
        let mut data = Agent::synthetic(rows);
        let entry = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 2, 2, 1]);
        let mut rates = BTreeMap::new();
        rates.insert(Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]), 100);
        for i in 1..=rows {
            data.insert(entry.child(16).child(i), Value::Counter32(i * 500));
            rates.insert(entry.child(10).child(i), 1000 * u64::from(i));
            rates.insert(entry.child(16).child(i), 2000 * u64::from(i));
        }
        let mut agent = Agent::new(data);
        agent.rates = rates;
        agent
    }

    /// A synthetic device: `n` rows of ifTable's first ten columns (under 1.3.6.1.2.1.2.2.1)
    /// plus the system group, each value of the type and range IF-MIB gives: ifType
    /// ethernetCsmacd, MTU 1500, 1 Gb/s, ifAdminStatus up, ifOperStatus up (down for every
    /// fourth interface), ifLastChange in TimeTicks.
    pub fn synthetic(rows: u32) -> BTreeMap<Oid, Value> {
        crate::data::synthetic(rows)
    }

    /// Handles one datagram; returns the answer to send back, if any.
    pub fn handle(&mut self, now: Instant, datagram: &[u8]) -> Option<Vec<u8>> {
        self.now = now;
        match snmp_codec::message_version(datagram).ok()? {
            0 | 1 => self.handle_community(datagram),
            3 => self.handle_v3(now, datagram),
            _ => None,
        }
    }

    fn handle_community(&mut self, datagram: &[u8]) -> Option<Vec<u8>> {
        let Message::Community(m) = Message::decode(datagram).ok()? else {
            return None;
        };
        let writable = self.rw_communities.contains(&m.community);
        if !writable && !self.ro_communities.contains(&m.community) {
            return None;
        }
        let answer = self.answer(&m.pdu, m.version, writable)?;
        let out = CommunityMessage {
            version: m.version,
            community: m.community,
            pdu: answer,
        };
        Some(out.to_vec())
    }

    /// The Report for a message that failed with `stat` (notInTimeWindow signed with `user`).
    fn report(
        &mut self,
        now: Instant,
        ids: (i32, i32),
        stat: UsmStat,
        user: Option<&LocalizedUser>,
    ) -> Vec<u8> {
        self.authority
            .set_discovery_time_skew(self.faults.discovery_time_skew);
        let (msg_id, request_id) = ids;
        let n = self
            .authority
            .report(now, msg_id, request_id, stat, user, &mut self.scratch)
            .unwrap_or(0);
        self.scratch[..n].to_vec()
    }

    fn handle_v3(&mut self, now: Instant, datagram: &[u8]) -> Option<Vec<u8>> {
        let bytes = Bytes::copy_from_slice(datagram);
        let (msg, layout) = V3Message::decode_with_layout(&bytes).ok()?;
        let request_id = match &msg.data {
            snmp_codec::ScopedPduData::Plaintext(s) => s.pdu.request_id().unwrap_or(0),
            snmp_codec::ScopedPduData::Encrypted(_) => 0,
        };
        let ids = (msg.msg_id, request_id);
        if msg.usm.engine_id.is_empty()
            || self.faults.always_unknown_engine
            || msg.usm.engine_id != *self.authority.engine_id()
        {
            return Some(self.report(now, ids, UsmStat::UnknownEngineIds, None));
        }
        let Some(user) = self
            .users
            .iter()
            .find(|u| u.name() == &msg.usm.user_name)
            .cloned()
        else {
            return Some(self.report(now, ids, UsmStat::UnknownUserNames, None));
        };
        let level = msg.msg_flags.security_level()?;
        if level > user.security_level() {
            return Some(self.report(now, ids, UsmStat::UnsupportedSecLevels, None));
        }
        let msg_id = msg.msg_id;
        let engine = *self.authority.engine();
        let result = process_decoded(
            &bytes,
            msg,
            &layout,
            |_, _| Ok(&user),
            TimeCheck::Authoritative(&engine),
            now,
        );
        let inc = match result {
            Ok(inc) => inc,
            Err(e) => {
                // Error Reports carry request-id 0 (the PDU may not have decrypted).
                let stat = UsmStat::for_error(&e)?;
                return Some(self.report(now, (msg_id, 0), stat, Some(&user)));
            }
        };
        let answer = self.answer(&inc.scoped_pdu.pdu, Version::V3, true)?;
        let scoped = ScopedPdu {
            context_engine_id: self.authority.engine_id().clone(),
            context_name: inc.scoped_pdu.context_name,
            pdu: answer,
        };
        let header = OutgoingHeader {
            msg_id,
            msg_max_size: 65507,
            level: inc.level,
            reportable: false,
            engine_boots: engine.boots(),
            engine_time: engine.time(now),
            salt: self.authority.next_salt(),
        };
        let n = encode_outgoing(&header, &user, &scoped, &mut self.scratch).ok()?;
        Some(self.scratch[..n].to_vec())
    }

    /// A value as it is at the current time (see [`Agent::rates`]).
    fn at_now(&self, oid: &Oid, v: &Value) -> Value {
        if !matches!(
            v,
            Value::Counter32(_) | Value::TimeTicks(_) | Value::Counter64(_)
        ) {
            return v.clone();
        }
        let Some(rate) = self.rates.get(oid) else {
            return v.clone();
        };
        let secs = self.now.as_micros() / 1_000_000;
        let grown = rate.wrapping_mul(secs);
        match *v {
            Value::Counter32(b) => Value::Counter32(b.wrapping_add(grown as u32)),
            Value::TimeTicks(b) => Value::TimeTicks(b.wrapping_add(grown as u32)),
            Value::Counter64(b) => Value::Counter64(b.wrapping_add(grown)),
            ref other => other.clone(),
        }
    }

    fn next_after(&mut self, oid: &Oid) -> Option<(Oid, Value)> {
        self.served += 1;
        if let Some(k) = self.faults.non_increasing_after {
            if self.served > k {
                // Do not advance: answer with the OID asked for (a walk would loop forever).
                let v = self.data.get(oid).cloned().unwrap_or(Value::Null);
                return Some((oid.clone(), v));
            }
        }
        self.data
            .range((Bound::Excluded(oid.clone()), Bound::Unbounded))
            .next()
            .map(|(o, v)| (o.clone(), self.at_now(o, v)))
    }

    /// The answer PDU to a request PDU.
    fn answer(&mut self, pdu: &Pdu, version: Version, writable: bool) -> Option<Pdu> {
        self.requests_seen += 1;
        let v1 = version == Version::V1;
        let rid = pdu.request_id()?;
        let err = |status: ErrorStatus, index: usize, vbs: Vec<VarBind>| {
            Pdu::Response(GenericPdu {
                request_id: rid,
                error_status: status,
                error_index: index as i32,
                varbinds: vbs,
            })
        };
        let mut out = Vec::new();
        match pdu {
            Pdu::GetRequest(g) => {
                for (i, vb) in g.varbinds.iter().enumerate() {
                    match self.data.get(&vb.oid) {
                        Some(v) => out.push(VarBind::new(vb.oid.clone(), self.at_now(&vb.oid, v))),
                        None if v1 => {
                            return Some(err(ErrorStatus::NoSuchName, i + 1, g.varbinds.clone()))
                        }
                        None => {
                            let parent = vb.oid.parent().unwrap_or_default();
                            let exists = self
                                .data
                                .range((Bound::Excluded(parent.clone()), Bound::Unbounded))
                                .next()
                                .is_some_and(|(o, _)| o.starts_with(&parent));
                            let v = if exists {
                                Value::NoSuchInstance
                            } else {
                                Value::NoSuchObject
                            };
                            out.push(VarBind::new(vb.oid.clone(), v));
                        }
                    }
                }
            }
            Pdu::GetNextRequest(g) => {
                for (i, vb) in g.varbinds.iter().enumerate() {
                    match self.next_after(&vb.oid) {
                        Some((o, v)) => out.push(VarBind::new(o, v)),
                        None if v1 => {
                            return Some(err(ErrorStatus::NoSuchName, i + 1, g.varbinds.clone()))
                        }
                        None => out.push(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
                    }
                }
                if self.faults.extra_varbind {
                    // One more than asked: the next varbind after the last one.
                    if let Some((o, v)) = out.last().and_then(|l| self.next_after(&l.oid.clone())) {
                        out.push(VarBind::new(o, v));
                    }
                }
            }
            Pdu::GetBulkRequest(b) => {
                if self
                    .faults
                    .silent_above_repetitions
                    .is_some_and(|n| b.max_repetitions > n)
                {
                    // A slow agent: big requests take longer than the manager waits.
                    return None;
                }
                let n = usize::try_from(b.non_repeaters.max(0))
                    .unwrap_or(0)
                    .min(b.varbinds.len());
                let m = usize::try_from(b.max_repetitions.max(0)).unwrap_or(0);
                for vb in &b.varbinds[..n] {
                    let (o, v) = self
                        .next_after(&vb.oid)
                        .unwrap_or((vb.oid.clone(), Value::EndOfMibView));
                    out.push(VarBind::new(o, v));
                }
                if self.faults.non_increasing_after.is_none() {
                    self.bulk_repeat(&b.varbinds[n..], m, &mut out);
                    if self.faults.unsorted_bulk {
                        unsort(&mut out[n..]);
                    }
                    return Some(self.checked_size(err(ErrorStatus::NoError, 0, out), version));
                }
                let mut last: Vec<Oid> = b.varbinds[n..].iter().map(|vb| vb.oid.clone()).collect();
                'reps: for _ in 0..m {
                    let mut all_end = true;
                    for l in last.iter_mut() {
                        match self.next_after(l) {
                            Some((o, v)) => {
                                *l = o.clone();
                                out.push(VarBind::new(o, v));
                                all_end = false;
                            }
                            None => out.push(VarBind::new(l.clone(), Value::EndOfMibView)),
                        }
                    }
                    if all_end || out.len() > 10_000 {
                        break 'reps;
                    }
                }
            }
            Pdu::SetRequest(g) => {
                if !writable {
                    let status = if v1 {
                        ErrorStatus::NoSuchName
                    } else {
                        ErrorStatus::NoAccess
                    };
                    return Some(err(status, 1, g.varbinds.clone()));
                }
                for (i, vb) in g.varbinds.iter().enumerate() {
                    if self.read_only.iter().any(|p| vb.oid.starts_with(p)) {
                        let status = if v1 {
                            ErrorStatus::ReadOnly
                        } else {
                            ErrorStatus::NotWritable
                        };
                        return Some(err(status, i + 1, g.varbinds.clone()));
                    }
                }
                for vb in &g.varbinds {
                    self.data.insert(vb.oid.clone(), vb.value.clone());
                }
                out = g.varbinds.clone();
            }
            Pdu::InformRequest(g) => out = g.varbinds.clone(),
            _ => return None,
        }
        Some(self.checked_size(err(ErrorStatus::NoError, 0, out), version))
    }

    /// `answer`, or tooBig if it exceeds [`Faults::too_big_above`].
    fn checked_size(&self, answer: Pdu, version: Version) -> Pdu {
        let Some(limit) = self.faults.too_big_above else {
            return answer;
        };
        let msg = CommunityMessage {
            version,
            community: Bytes::new(),
            pdu: answer,
        };
        if msg.encoded_len() <= limit {
            return msg.pdu;
        }
        Pdu::Response(GenericPdu {
            request_id: msg.pdu.request_id().unwrap_or(0),
            error_status: ErrorStatus::TooBig,
            error_index: 0,
            varbinds: Vec::new(),
        })
    }

    /// The repeated part of a GETBULK answer: `m` rounds of the successors of `repeaters`,
    /// walking the ordered data once per repeater instead of searching it for every varbind.
    fn bulk_repeat(&mut self, repeaters: &[VarBind], m: usize, out: &mut Vec<VarBind>) {
        let mut cursors: Vec<_> = repeaters
            .iter()
            .map(|vb| {
                self.data
                    .range::<Oid, _>((Bound::Excluded(&vb.oid), Bound::Unbounded))
            })
            .collect();
        let mut last: Vec<&Oid> = repeaters.iter().map(|vb| &vb.oid).collect();
        out.reserve(m.saturating_mul(repeaters.len()).min(10_000));
        for _ in 0..m {
            let mut all_end = true;
            for (cursor, l) in cursors.iter_mut().zip(last.iter_mut()) {
                match cursor.next() {
                    Some((o, v)) => {
                        *l = o;
                        out.push(VarBind::new(o.clone(), self.at_now(o, v)));
                        all_end = false;
                    }
                    None => out.push(VarBind::new((*l).clone(), Value::EndOfMibView)),
                }
            }
            if all_end || out.len() > 10_000 {
                break;
            }
        }
        self.served += out.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_counters_move_with_time() {
        let mut agent = Agent::synthetic_device(2);
        let oid = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 2]);
        let get =
            CommunityMessage::new(Version::V2c, "public", Pdu::get_request(1, [oid])).to_vec();
        let value_at = |agent: &mut Agent, secs: u64| {
            let answer = agent
                .handle(Instant::from_micros(secs * 1_000_000), &get)
                .unwrap();
            let Ok(Message::Community(m)) = Message::decode(&answer) else {
                panic!()
            };
            m.pdu.varbinds()[0].value.clone()
        };
        assert_eq!(value_at(&mut agent, 0), Value::Counter32(2000));
        assert_eq!(value_at(&mut agent, 10), Value::Counter32(22_000));
    }

    #[test]
    fn recorded_counters_move_with_time() {
        let mut agent = Agent::recorded_device();
        let get = |oid: &str| {
            let oid: Oid = oid.parse().unwrap();
            CommunityMessage::new(Version::V2c, "public", Pdu::get_request(1, [oid])).to_vec()
        };
        let mut value_at = |oid: &str, secs: u64| {
            let answer = agent
                .handle(Instant::from_micros(secs * 1_000_000), &get(oid))
                .unwrap();
            let Ok(Message::Community(m)) = Message::decode(&answer) else {
                panic!()
            };
            m.pdu.varbinds()[0].value.clone()
        };
        // ifHCInOctets.1 (the loopback) grows; ifHCInOctets.4 (eth0, idle when recorded)
        // does not; sysUpTime.0 grows by 100 ticks a second.
        let (Value::Counter64(a), Value::Counter64(b)) = (
            value_at("1.3.6.1.2.1.31.1.1.1.6.1", 0),
            value_at("1.3.6.1.2.1.31.1.1.1.6.1", 10),
        ) else {
            panic!("ifHCInOctets.1 is a Counter64")
        };
        assert!(b > a, "{a} then {b}");
        assert_eq!(
            value_at("1.3.6.1.2.1.31.1.1.1.6.4", 0),
            value_at("1.3.6.1.2.1.31.1.1.1.6.4", 10)
        );
        let (Value::TimeTicks(a), Value::TimeTicks(b)) = (
            value_at("1.3.6.1.2.1.1.3.0", 0),
            value_at("1.3.6.1.2.1.1.3.0", 10),
        ) else {
            panic!("sysUpTime.0 is TimeTicks")
        };
        assert_eq!(b - a, 1000);
    }
}
