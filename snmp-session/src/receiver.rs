//! The notification receiver, sans-IO: traps and informs of every version in, acknowledgements
//! and v3 Reports out, notifications queued (bounded) for the application.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};

use snmp_codec::{
    message_version, Bytes, CommunityMessage, GenericPdu, GenericTrap, Message, Oid, Pdu, PduType,
    ScopedPdu, SecurityLevel, V3Message, Value, VarBind, Version,
};
use snmp_usm::{
    encode_outgoing, process_decoded, EngineClock, Instant, LocalEngine, LocalizedUser,
    OutgoingHeader, SaltCounter, TimeCheck, UsmError, UsmUser,
};

use crate::session::Transmit;

const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/// The SNMPv1 fields of a Trap-PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapV1Fields {
    /// enterprise.
    pub enterprise: Oid,
    /// agent-addr.
    pub agent_addr: [u8; 4],
    /// generic-trap.
    pub generic_trap: GenericTrap,
    /// specific-trap.
    pub specific_trap: i32,
}

/// The SNMPv3 fields of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Fields {
    /// msgAuthoritativeEngineID (the sender's for traps, ours for informs).
    pub engine_id: Bytes,
    /// msgUserName.
    pub user_name: Bytes,
    /// contextEngineID.
    pub context_engine_id: Bytes,
    /// contextName.
    pub context_name: Bytes,
    /// The security level it arrived with.
    pub level: SecurityLevel,
}

/// A received trap or inform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Where it came from.
    pub source: SocketAddr,
    /// The SNMP version.
    pub version: Version,
    /// The community (v1, v2c).
    pub community: Option<Bytes>,
    /// `TrapV1`, `SnmpV2Trap` or `InformRequest`.
    pub pdu_type: PduType,
    /// request-id (0 for v1 traps).
    pub request_id: i32,
    /// snmpTrapOID.0 (v2c/v3), or the v1 trap translated as RFC 3584 does.
    pub trap_oid: Option<Oid>,
    /// sysUpTime.0 (v2c/v3) or time-stamp (v1).
    pub uptime: Option<u32>,
    /// The variable bindings (for v2c/v3 including sysUpTime.0 and snmpTrapOID.0).
    pub varbinds: Vec<VarBind>,
    /// The v1 Trap-PDU's own fields.
    pub v1: Option<TrapV1Fields>,
    /// The v3 fields.
    pub v3: Option<V3Fields>,
}

/// Which notifications to accept (all conditions must hold; an empty list allows anything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrapFilter {
    /// Accept only from these addresses.
    pub allowed_sources: Vec<IpAddr>,
    /// Never accept from these addresses.
    pub denied_sources: Vec<IpAddr>,
    /// Accept only these communities (v1/v2c; v3 notifications are not affected).
    pub allowed_communities: Vec<Bytes>,
    /// Accept only trap OIDs under these prefixes.
    pub allowed_oid_prefixes: Vec<Oid>,
}

impl TrapFilter {
    fn accepts(&self, n: &Notification) -> bool {
        let ip = n.source.ip();
        if self.denied_sources.contains(&ip) {
            return false;
        }
        if !self.allowed_sources.is_empty() && !self.allowed_sources.contains(&ip) {
            return false;
        }
        if let Some(c) = &n.community {
            if !self.allowed_communities.is_empty() && !self.allowed_communities.contains(c) {
                return false;
            }
        }
        if !self.allowed_oid_prefixes.is_empty() {
            let Some(oid) = &n.trap_oid else {
                return false;
            };
            if !self.allowed_oid_prefixes.iter().any(|p| oid.starts_with(p)) {
                return false;
            }
        }
        true
    }
}

/// Counters of a [`Receiver`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverCounters {
    /// Notifications queued for the application.
    pub received: u64,
    /// Informs acknowledged.
    pub acknowledged: u64,
    /// v3 Reports sent (discovery answers and errors).
    pub reports: u64,
    /// Dropped: did not decode, or not a notification.
    pub dropped_malformed: u64,
    /// Dropped: a filter refused them.
    pub dropped_filtered: u64,
    /// Dropped: the queue was full, by count or by bytes (an inform then goes
    /// unacknowledged, so its sender retries).
    pub dropped_queue_full: u64,
    /// Dropped: v3 security failed (unknown user, wrong digest, time window, decryption).
    pub dropped_security: u64,
}

/// Configuration of a [`Receiver`].
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Our engine ID (authoritative for informs). Default: random, Net-SNMP style.
    pub engine_id: Option<Bytes>,
    /// Our snmpEngineBoots (default 1).
    pub engine_boots: u32,
    /// Accepted communities for v1/v2c (empty: any).
    pub communities: Vec<Bytes>,
    /// The most notifications held for the application (default 10,000); more are dropped
    /// and counted.
    pub queue_limit: usize,
    /// The most bytes of notifications held for the application (default 32 MiB): each is
    /// charged its datagram's size plus its decoded size, so maximum-size traps with a stalled
    /// reader stay within this budget. More are dropped and counted (`dropped_queue_full`).
    pub queue_bytes: usize,
    /// Engines whose localised keys are kept per user (default 1,024; the oldest is dropped
    /// beyond). Keys are cached only for engines whose messages authenticated, so messages
    /// from new, unauthenticated engine IDs cost no memory.
    pub max_engines_per_user: usize,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            engine_id: None,
            engine_boots: 1,
            communities: Vec::new(),
            queue_limit: 10_000,
            queue_bytes: 32 << 20,
            max_engines_per_user: 1024,
        }
    }
}

struct User {
    user: UsmUser,
    /// The lowest security level accepted in this user's name.
    min_level: SecurityLevel,
    /// Keys per authoritative engine (the senders' for traps, ours for informs), filled only
    /// for engines whose messages authenticated, and bounded
    /// ([`ReceiverConfig::max_engines_per_user`]).
    keys: BTreeMap<Bytes, LocalizedUser>,
}

/// A notification receiver: feed it datagrams, send what it transmits (acknowledgements and
/// Reports), take the notifications.
///
/// It acknowledges informs with their varbinds (RFC 3416 4.2.7), is the authoritative engine
/// for v3 informs (it answers discovery and time-window Reports), decrypts v3 traps with the
/// boots and time of the message, and holds at most `queue_limit` notifications.
///
/// ```
/// use snmp_session::{Receiver, ReceiverConfig};
/// let mut rx = Receiver::new(ReceiverConfig::default(), [1; 32]);
/// rx.handle_datagram(snmp_usm::Instant::ZERO, "127.0.0.1:5000".parse().unwrap(), b"junk");
/// assert!(rx.poll_notification().is_none());
/// assert_eq!(rx.counters().dropped_malformed, 1);
/// ```
pub struct Receiver {
    config: ReceiverConfig,
    engine_id: Bytes,
    engine: Option<LocalEngine>,
    users: Vec<User>,
    clocks: BTreeMap<Bytes, EngineClock>,
    filters: Vec<TrapFilter>,
    /// Notifications for the application, each with the bytes it is charged.
    queue: VecDeque<(Notification, usize)>,
    /// The sum of the charges in `queue`.
    queued_bytes: usize,
    /// The size of the datagram being handled (part of its notification's charge).
    datagram_len: usize,
    transmits: VecDeque<(SocketAddr, Vec<u8>)>,
    salts: SaltCounter,
    counters: ReceiverCounters,
}

impl core::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Receiver")
            .field("engine_id", &self.engine_id)
            .field("queued", &self.queue.len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver. `seed` feeds the privacy salts of its Reports and acknowledgements.
    pub fn new(config: ReceiverConfig, seed: [u8; 32]) -> Receiver {
        let mut s = [0u8; 8];
        s.copy_from_slice(&seed[..8]);
        let engine_id = config.engine_id.clone().unwrap_or_else(|| {
            let mut id = alloc::vec![0x80, 0x00, 0x1f, 0x88, 0x05];
            id.extend_from_slice(&seed[8..20]);
            Bytes::from(id)
        });
        Receiver {
            config,
            engine_id,
            engine: None,
            users: Vec::new(),
            clocks: BTreeMap::new(),
            filters: Vec::new(),
            queue: VecDeque::new(),
            queued_bytes: 0,
            datagram_len: 0,
            transmits: VecDeque::new(),
            salts: SaltCounter::new(u64::from_be_bytes(s)),
            counters: ReceiverCounters::default(),
        }
    }

    /// Our engine ID (what v3 inform senders must use, and what `snmptrapd -e` would name).
    pub fn engine_id(&self) -> &Bytes {
        &self.engine_id
    }

    /// Adds a v3 user (any number; traps from many engines with the same user are fine).
    ///
    /// Notifications in its name are accepted only at the security level its keys allow (a
    /// user with authentication and privacy keys: authPriv only), as `snmptrapd`'s
    /// `authUser` does: a noAuthNoPriv trap naming an authPriv user is dropped and counted in
    /// `dropped_security`. [`Receiver::add_user_with_min_level`] lowers that on purpose.
    pub fn add_user(&mut self, user: UsmUser) {
        let level = user.security_level();
        self.add_user_with_min_level(user, level);
    }

    /// Adds a v3 user whose notifications are accepted at `min_level` or above (for senders
    /// that use less than the user's keys allow).
    ///
    /// ```
    /// use snmp_codec::SecurityLevel;
    /// use snmp_session::{Receiver, ReceiverConfig};
    /// use snmp_usm::{AuthProtocol, UsmUser};
    /// let user = UsmUser::new("ops").with_auth(AuthProtocol::Sha256, b"a-password")?;
    /// let mut rx = Receiver::new(ReceiverConfig::default(), [1; 32]);
    /// rx.add_user_with_min_level(user, SecurityLevel::NoAuthNoPriv);
    /// # Ok::<(), snmp_usm::UsmError>(())
    /// ```
    pub fn add_user_with_min_level(&mut self, user: UsmUser, min_level: SecurityLevel) {
        self.users.push(User {
            user,
            min_level,
            keys: BTreeMap::new(),
        });
    }

    /// Adds a filter: a notification must pass every filter.
    pub fn add_filter(&mut self, filter: TrapFilter) {
        self.filters.push(filter);
    }

    /// The counters.
    pub fn counters(&self) -> ReceiverCounters {
        self.counters
    }

    /// The next notification.
    #[must_use]
    pub fn poll_notification(&mut self) -> Option<Notification> {
        let (n, charge) = self.queue.pop_front()?;
        self.queued_bytes = self.queued_bytes.saturating_sub(charge);
        Some(n)
    }

    /// Bytes of notifications waiting for the application (what
    /// [`ReceiverConfig::queue_bytes`] bounds).
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// The next datagram to send (an acknowledgement or a Report), written into `buf`.
    #[must_use]
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        let (destination, data) = self.transmits.pop_front()?;
        let len = data.len().min(buf.len());
        buf[..len].copy_from_slice(&data[..len]);
        Some(Transmit { destination, len })
    }

    /// Handles one datagram.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        if self.engine.is_none() {
            self.engine = Some(LocalEngine::new(self.config.engine_boots, now));
        }
        self.datagram_len = data.len();
        match message_version(data) {
            Ok(0) | Ok(1) => self.handle_community(from, data),
            Ok(3) => self.handle_v3(now, from, data),
            _ => self.counters.dropped_malformed += 1,
        }
    }

    fn accept(&mut self, n: Notification) -> bool {
        if !self.filters.iter().all(|f| f.accepts(&n)) {
            self.counters.dropped_filtered += 1;
            return false;
        }
        let charge = self.datagram_len + n.footprint();
        if self.queue.len() >= self.config.queue_limit
            || self.queued_bytes.saturating_add(charge) > self.config.queue_bytes
        {
            self.counters.dropped_queue_full += 1;
            return false;
        }
        self.counters.received += 1;
        self.queued_bytes += charge;
        self.queue.push_back((n, charge));
        true
    }

    fn handle_community(&mut self, from: SocketAddr, data: &[u8]) {
        let Ok(Message::Community(m)) = Message::decode(data) else {
            self.counters.dropped_malformed += 1;
            return;
        };
        if !self.config.communities.is_empty() && !self.config.communities.contains(&m.community) {
            self.counters.dropped_filtered += 1;
            return;
        }
        let n = match &m.pdu {
            Pdu::TrapV1(t) => Notification {
                source: from,
                version: m.version,
                community: Some(m.community.clone()),
                pdu_type: PduType::TrapV1,
                request_id: 0,
                trap_oid: Some(v1_trap_oid(t)),
                uptime: Some(t.time_stamp),
                varbinds: t.varbinds.clone(),
                v1: Some(TrapV1Fields {
                    enterprise: t.enterprise.clone(),
                    agent_addr: t.agent_addr,
                    generic_trap: t.generic_trap,
                    specific_trap: t.specific_trap,
                }),
                v3: None,
            },
            Pdu::SnmpV2Trap(g) | Pdu::InformRequest(g) => {
                v2_notification(from, m.version, Some(m.community.clone()), &m.pdu, g, None)
            }
            _ => {
                self.counters.dropped_malformed += 1;
                return;
            }
        };
        let inform = n.pdu_type == PduType::InformRequest;
        if self.accept(n) && inform {
            if let Pdu::InformRequest(g) = m.pdu {
                let ack = CommunityMessage {
                    version: m.version,
                    community: m.community,
                    pdu: Pdu::Response(GenericPdu::new(g.request_id, g.varbinds)),
                };
                self.counters.acknowledged += 1;
                self.transmits.push_back((from, ack.to_vec()));
            }
        }
    }

    fn report(&mut self, now: Instant, from: SocketAddr, msg_id: i32, request_id: i32, n: u32) {
        self.reply(
            now,
            from,
            msg_id,
            SecurityLevel::NoAuthNoPriv,
            None,
            Pdu::Report(GenericPdu::new(
                request_id,
                alloc::vec![VarBind::new(
                    Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, n, 0]),
                    Value::Counter32(1),
                )],
            )),
            None,
        );
        self.counters.reports += 1;
    }

    #[allow(clippy::too_many_arguments)]
    fn reply(
        &mut self,
        now: Instant,
        to: SocketAddr,
        msg_id: i32,
        level: SecurityLevel,
        keys: Option<&LocalizedUser>,
        pdu: Pdu,
        context: Option<(Bytes, Bytes)>,
    ) {
        let engine = self.engine.unwrap_or(LocalEngine::new(1, now));
        let anonymous = LocalizedUser::without_keys("", &self.engine_id);
        // A response carries the request's context; a Report ours.
        let (context_engine_id, context_name) =
            context.unwrap_or_else(|| (self.engine_id.clone(), Bytes::new()));
        let scoped = ScopedPdu {
            context_engine_id,
            context_name,
            pdu,
        };
        let header = OutgoingHeader {
            msg_id,
            msg_max_size: 65507,
            level,
            reportable: false,
            engine_boots: engine.boots(),
            engine_time: engine.time(now),
            salt: self.salts.next_salt(),
        };
        let mut buf = alloc::vec![0u8; 65507];
        if let Ok(n) = encode_outgoing(&header, keys.unwrap_or(&anonymous), &scoped, &mut buf) {
            buf.truncate(n);
            self.transmits.push_back((to, buf));
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

    fn handle_v3(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        let bytes = Bytes::copy_from_slice(data);
        let Ok((msg, layout)) = V3Message::decode_with_layout(&bytes) else {
            self.counters.dropped_malformed += 1;
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
            self.report(now, from, msg_id, plain_request_id, 4);
            return;
        }
        let engine_id = msg.usm.engine_id.clone();
        let keys = self.keys_for(&msg.usm.user_name, &engine_id);
        let local = self.engine.unwrap_or(LocalEngine::new(1, now));
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
                self.counters.dropped_security += 1;
                if ours {
                    let n = match e {
                        UsmError::UnknownUserName => Some(3),
                        UsmError::WrongDigest => Some(5),
                        UsmError::NotInTimeWindow => Some(2),
                        UsmError::DecryptionError => Some(6),
                        UsmError::UnsupportedSecurityLevel => Some(1),
                        _ => None,
                    };
                    if let Some(n) = n {
                        if n == 2 {
                            // Authenticated, so that the sender may resynchronise.
                            let k = keys.clone();
                            self.reply(
                                now,
                                from,
                                msg_id,
                                SecurityLevel::AuthNoPriv,
                                k.as_ref(),
                                Pdu::Report(GenericPdu::new(
                                    0,
                                    alloc::vec![VarBind::new(
                                        Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0]),
                                        Value::Counter32(1),
                                    )],
                                )),
                                None,
                            );
                            self.counters.reports += 1;
                        } else {
                            self.report(now, from, msg_id, plain_request_id, n);
                        }
                    }
                }
                return;
            }
        };
        // Unknown users, and known users below the level they were configured for, are
        // refused before anything is remembered of the message.
        let refused = match self.min_level(&inc.usm.user_name) {
            None => Some(3),                         // usmStatsUnknownUserNames
            Some(min) if inc.level < min => Some(1), // usmStatsUnsupportedSecLevels
            Some(_) => None,
        };
        if let Some(n) = refused {
            self.counters.dropped_security += 1;
            if ours {
                let rid = inc.scoped_pdu.pdu.request_id().unwrap_or(0);
                self.report(now, from, msg_id, rid, n);
            }
            return;
        }
        if inc.level != SecurityLevel::NoAuthNoPriv {
            if let Some(k) = &keys {
                self.remember_keys(k);
            }
            if !ours {
                let c = clock.get_or_insert(EngineClock::new(
                    inc.usm.engine_boots,
                    inc.usm.engine_time,
                    now,
                ));
                c.update_from_authentic(now, inc.usm.engine_boots, inc.usm.engine_time);
                if !self.clocks.contains_key(&engine_id) {
                    while self.clocks.len() >= self.clock_limit() {
                        self.clocks.pop_first();
                    }
                }
                self.clocks.insert(engine_id.clone(), *c);
            }
        }
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
                self.counters.dropped_malformed += 1;
                return;
            }
        };
        let n = v2_notification(from, Version::V3, None, &scoped.pdu, g, Some(v3));
        let inform = n.pdu_type == PduType::InformRequest;
        if self.accept(n) && inform {
            let ack = Pdu::Response(GenericPdu::new(g.request_id, g.varbinds.clone()));
            let context = (
                scoped.context_engine_id.clone(),
                scoped.context_name.clone(),
            );
            self.reply(
                now,
                from,
                msg_id,
                inc.level,
                keys.as_ref(),
                ack,
                Some(context),
            );
            self.counters.acknowledged += 1;
        }
    }
}

impl Notification {
    /// An estimate of the memory this notification holds (its own size and what its fields
    /// allocate), for the receiver's byte budget.
    pub fn footprint(&self) -> usize {
        fn oid(o: &Oid) -> usize {
            o.len() * core::mem::size_of::<u32>()
        }
        let varbinds: usize = self
            .varbinds
            .iter()
            .map(|vb| {
                core::mem::size_of::<VarBind>()
                    + oid(&vb.oid)
                    + vb.value.as_bytes().map_or(0, <[u8]>::len)
                    + vb.value.as_oid().map_or(0, oid)
            })
            .sum();
        let v3 = self.v3.as_ref().map_or(0, |v| {
            v.engine_id.len() + v.user_name.len() + v.context_engine_id.len() + v.context_name.len()
        });
        core::mem::size_of::<Notification>()
            + varbinds
            + self.community.as_ref().map_or(0, Bytes::len)
            + self.trap_oid.as_ref().map_or(0, oid)
            + self.v1.as_ref().map_or(0, |v| oid(&v.enterprise))
            + v3
    }

    /// `"TRAP"` (v1), `"SNMPv2-Trap"` or `"INFORM"`.
    pub fn pdu_type_name(&self) -> &'static str {
        match self.pdu_type {
            PduType::TrapV1 => "TRAP",
            PduType::InformRequest => "INFORM",
            _ => "SNMPv2-Trap",
        }
    }
}

fn v2_notification(
    from: SocketAddr,
    version: Version,
    community: Option<Bytes>,
    pdu: &Pdu,
    g: &GenericPdu,
    v3: Option<V3Fields>,
) -> Notification {
    let uptime = g
        .varbinds
        .iter()
        .find(|vb| vb.oid.arcs() == SYS_UPTIME)
        .and_then(|vb| match vb.value {
            Value::TimeTicks(t) => Some(t),
            _ => None,
        });
    let trap_oid = g
        .varbinds
        .iter()
        .find(|vb| vb.oid.arcs() == SNMP_TRAP_OID)
        .and_then(|vb| vb.value.as_oid().cloned());
    Notification {
        source: from,
        version,
        community,
        pdu_type: pdu.pdu_type(),
        request_id: g.request_id,
        trap_oid,
        uptime,
        varbinds: g.varbinds.clone(),
        v1: None,
        v3,
    }
}

/// The snmpTrapOID of a v1 trap (RFC 3584 3.1): generic traps map to snmpTraps.(g+1),
/// enterprise-specific ones to enterprise.0.specific.
fn v1_trap_oid(t: &snmp_codec::TrapV1Pdu) -> Oid {
    match t.generic_trap {
        GenericTrap::EnterpriseSpecific => t.enterprise.child(0).child(t.specific_trap as u32),
        g => {
            let n = i32::from(g);
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 5, (n + 1) as u32])
        }
    }
}
