//! The notification receiver, sans-IO: traps and informs of every version in, acknowledgements
//! and v3 Reports out, notifications queued (bounded in count and bytes) for the application.
//! The notifications and filters are in `notification`, the v3 path in `v3`.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::net::SocketAddr;

use snmp_codec::SecurityLevel;
use snmp_codec::{message_version, Bytes, CommunityMessage, GenericPdu, Message, Pdu, PduType};
use snmp_usm::{Authoritative, EngineClock, Instant, LocalizedUser, UsmUser};

use crate::session::Transmit;

mod notification;
mod v3;

use notification::{v1_trap_oid, v2_notification};
pub use notification::{Notification, TrapFilter, TrapV1Fields, V3Fields};

/// Counters of a [`Receiver`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Dropped: v3 security failed, every reason (the fields below, and the rest: an
    /// unknown engine, a malformed security part).
    pub dropped_security: u64,
    /// Dropped for security: a user this receiver does not know.
    pub dropped_unknown_user: u64,
    /// Dropped for security: the digest did not verify (authentication password or
    /// protocol).
    pub dropped_wrong_digest: u64,
    /// Dropped for security: outside the time window.
    pub dropped_time_window: u64,
    /// Dropped for security: did not decrypt (privacy password or protocol).
    pub dropped_decryption: u64,
    /// Dropped for security: below the level the user is accepted at.
    pub dropped_security_level: u64,
    /// Acknowledgements and Reports not sent: the transmit queue was full
    /// ([`ReceiverConfig::transmit_limit`]), or the caller's buffer was too small for one.
    pub dropped_transmits: u64,
}

/// Why a [`Receiver`] dropped a datagram ([`Dropped`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// It did not decode, or is not a notification.
    Malformed,
    /// A filter (or the community list) refused it.
    Filtered,
    /// The queue for the application was full.
    QueueFull,
    /// v3: a user this receiver does not know.
    UnknownUser,
    /// v3: the digest did not verify.
    WrongDigest,
    /// v3: outside the time window.
    NotInTimeWindow,
    /// v3: it did not decrypt.
    Decryption,
    /// v3: below the level its user is accepted at.
    SecurityLevel,
    /// v3: another security failure (an unknown engine, a malformed security part).
    OtherSecurity,
}

impl core::fmt::Display for DropReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            DropReason::Malformed => "malformed or not a notification",
            DropReason::Filtered => "refused by a filter or the community list",
            DropReason::QueueFull => "queue full",
            DropReason::UnknownUser => "v3: unknown user",
            DropReason::WrongDigest => "v3: wrong digest (authentication password or protocol?)",
            DropReason::NotInTimeWindow => "v3: not in time window",
            DropReason::Decryption => "v3: decryption failed (privacy password or protocol?)",
            DropReason::SecurityLevel => "v3: below the user's security level",
            DropReason::OtherSecurity => "v3: security check failed",
        })
    }
}

/// One dropped datagram: who sent it and why ([`Receiver::poll_dropped`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dropped {
    /// Its source.
    pub from: SocketAddr,
    /// Why.
    pub reason: DropReason,
    /// The v3 user it named (msgUserName), when it was read that far: what snmptrapd's
    /// "Authentication failed for USER" names.
    pub user: Option<Bytes>,
}

/// The most drop records kept for [`Receiver::poll_dropped`] (older ones are forgotten;
/// the counters count them all).
const DROPS_KEPT: usize = 256;

/// Configuration of a [`Receiver`].
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// The most acknowledgements and Reports waiting for [`Receiver::poll_transmit`] (default
    /// 1,024); a flood of informs or probes beyond that is dropped and counted.
    pub transmit_limit: usize,
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
            transmit_limit: 1024,
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
    /// Our authoritative engine (for informs), started at the first datagram.
    authority: Option<Authoritative>,
    salt_seed: u64,
    users: Vec<User>,
    clocks: BTreeMap<Bytes, EngineClock>,
    filters: Vec<TrapFilter>,
    /// Notifications for the application, each with the bytes it is charged.
    queue: VecDeque<(Notification, usize)>,
    /// The sum of the charges in `queue`.
    queued_bytes: usize,
    /// The size of the datagram being handled (part of its notification's charge).
    datagram_len: usize,
    /// Acknowledgements and Reports to send, each exactly its size (bounded).
    transmits: VecDeque<(SocketAddr, Vec<u8>)>,
    /// Reused buffer every reply is encoded into.
    scratch: Vec<u8>,
    counters: ReceiverCounters,
    /// The last drops, with their sources (bounded).
    drops: VecDeque<Dropped>,
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
            authority: None,
            salt_seed: u64::from_be_bytes(s),
            users: Vec::new(),
            clocks: BTreeMap::new(),
            filters: Vec::new(),
            queue: VecDeque::new(),
            queued_bytes: 0,
            datagram_len: 0,
            transmits: VecDeque::new(),
            scratch: Vec::new(),
            counters: ReceiverCounters::default(),
            drops: VecDeque::new(),
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

    /// The next dropped datagram's source and reason, oldest first (the last 256 are kept):
    /// what a driver logs, one event per drop.
    ///
    /// ```
    /// use snmp_session::{DropReason, Receiver, ReceiverConfig};
    /// let mut rx = Receiver::new(ReceiverConfig::default(), [1; 32]);
    /// let from = "127.0.0.1:5000".parse().unwrap();
    /// rx.handle_datagram(snmp_usm::Instant::ZERO, from, b"junk");
    /// let d = rx.poll_dropped().unwrap();
    /// assert_eq!((d.from, d.reason), (from, DropReason::Malformed));
    /// ```
    pub fn poll_dropped(&mut self) -> Option<Dropped> {
        self.drops.pop_front()
    }

    /// Counts a drop and keeps its record.
    pub(crate) fn dropped(&mut self, from: SocketAddr, reason: DropReason) {
        self.dropped_user(from, reason, None);
    }

    /// Counts a drop of a v3 message in `user`'s name and keeps its record.
    pub(crate) fn dropped_user(
        &mut self,
        from: SocketAddr,
        reason: DropReason,
        user: Option<Bytes>,
    ) {
        let c = &mut self.counters;
        match reason {
            DropReason::Malformed => c.dropped_malformed = c.dropped_malformed.wrapping_add(1),
            DropReason::Filtered => c.dropped_filtered = c.dropped_filtered.wrapping_add(1),
            DropReason::QueueFull => c.dropped_queue_full = c.dropped_queue_full.wrapping_add(1),
            security => {
                c.dropped_security = c.dropped_security.wrapping_add(1);
                match security {
                    DropReason::UnknownUser => {
                        c.dropped_unknown_user = c.dropped_unknown_user.wrapping_add(1)
                    }
                    DropReason::WrongDigest => {
                        c.dropped_wrong_digest = c.dropped_wrong_digest.wrapping_add(1)
                    }
                    DropReason::NotInTimeWindow => {
                        c.dropped_time_window = c.dropped_time_window.wrapping_add(1)
                    }
                    DropReason::Decryption => {
                        c.dropped_decryption = c.dropped_decryption.wrapping_add(1)
                    }
                    DropReason::SecurityLevel => {
                        c.dropped_security_level = c.dropped_security_level.wrapping_add(1)
                    }
                    _ => {}
                }
            }
        }
        if self.drops.len() >= DROPS_KEPT {
            self.drops.pop_front();
        }
        self.drops.push_back(Dropped { from, reason, user });
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

    /// The next datagram to send (an acknowledgement or a Report), written into `buf`. One
    /// that does not fit in `buf` is dropped and counted (`dropped_transmits`), never cut.
    #[must_use]
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        while let Some((destination, data)) = self.transmits.pop_front() {
            let Some(out) = buf.get_mut(..data.len()) else {
                self.counters.dropped_transmits = self.counters.dropped_transmits.wrapping_add(1);
                continue;
            };
            out.copy_from_slice(&data);
            return Some(Transmit {
                destination,
                len: data.len(),
                connection: None,
            });
        }
        None
    }

    /// Handles one datagram.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        if self.authority.is_none() {
            let engine = Authoritative::new(
                self.engine_id.clone(),
                self.config.engine_boots,
                now,
                self.salt_seed,
            );
            self.authority = Some(engine);
        }
        self.datagram_len = data.len();
        match message_version(data) {
            Ok(0) | Ok(1) => self.handle_community(from, data),
            Ok(3) => self.handle_v3(now, from, data),
            _ => self.dropped(from, DropReason::Malformed),
        }
    }

    /// Queues a reply (bounded).
    fn transmit(&mut self, to: SocketAddr, data: Vec<u8>) {
        if self.transmits.len() >= self.config.transmit_limit {
            self.counters.dropped_transmits = self.counters.dropped_transmits.wrapping_add(1);
            return;
        }
        self.transmits.push_back((to, data));
    }

    fn accept(&mut self, n: Notification) -> bool {
        if !self.filters.iter().all(|f| f.accepts(&n)) {
            self.dropped(n.source, DropReason::Filtered);
            return false;
        }
        let charge = self.datagram_len.saturating_add(n.footprint());
        if self.queue.len() >= self.config.queue_limit
            || self.queued_bytes.saturating_add(charge) > self.config.queue_bytes
        {
            self.dropped(n.source, DropReason::QueueFull);
            return false;
        }
        self.counters.received = self.counters.received.wrapping_add(1);
        self.queued_bytes = self.queued_bytes.saturating_add(charge);
        self.queue.push_back((n, charge));
        true
    }

    fn handle_community(&mut self, from: SocketAddr, data: &[u8]) {
        let Ok(Message::Community(m)) = Message::decode(data) else {
            self.dropped(from, DropReason::Malformed);
            return;
        };
        if !self.config.communities.is_empty() && !self.config.communities.contains(&m.community) {
            self.dropped(from, DropReason::Filtered);
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
                self.dropped(from, DropReason::Malformed);
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
                self.counters.acknowledged = self.counters.acknowledged.wrapping_add(1);
                self.transmit(from, ack.to_vec());
            }
        }
    }
}
