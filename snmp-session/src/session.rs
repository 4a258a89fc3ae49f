//! The session: targets, operations, requests in flight, timers, and the input/output calls.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::hash::{BuildHasherDefault, Hasher};
use core::net::SocketAddr;

use rand_chacha::ChaCha12Rng;
use rand_core::{RngCore, SeedableRng};
use snmp_codec::{
    message_version, Bytes, CommunityMessageRef, GenericPdu, Message, Oid, Pdu, PduRef, PduType,
    ScopedPduRef, SecurityLevel, TrapV1Pdu, V3Message, Value, VarBind, Version,
};
use snmp_usm::{
    encode_outgoing, process_decoded, EngineClock, Instant, LocalEngine, LocalizedUser,
    OutgoingHeader, PrivProtocol, SaltCounter, TimeCheck, UsmError,
};

use crate::config::{Security, SessionConfig, TargetConfig, V3Security, WalkOptions};
use crate::error::{Error, ReportKind};
use crate::op::{GetOp, Op, Output, RequestPdu, Step, TableOp, View, WalkOp};
use crate::TableRow;

/// Identifies a target of a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TargetId(u32);

/// Identifies an operation of a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(u64);

impl OpId {
    /// The number (unique in its session, increasing).
    pub fn value(self) -> u64 {
        self.0
    }
}

/// A datagram to send, written by [`Session::poll_transmit`] into the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Where to send it.
    pub destination: SocketAddr,
    /// How many bytes of the buffer it takes.
    pub len: usize,
}

/// What the session tells its driver, from [`Session::poll_event`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Varbinds of an operation: the whole answer of a get, get-next, get-bulk, set or inform,
    /// or the next part of a walk (a walk can produce many of these).
    Varbinds {
        /// The operation.
        op: OpId,
        /// The varbinds, in the order received.
        varbinds: Vec<VarBind>,
    },
    /// The rows of a table operation, ordered by index (all rows so far, once, just before
    /// `Done`; also when the table ends in an error).
    Rows {
        /// The operation.
        op: OpId,
        /// The rows.
        rows: Vec<TableRow>,
    },
    /// The operation is over. Every operation ends with exactly one `Done`, after its data.
    Done {
        /// The operation.
        op: OpId,
        /// How it ended.
        result: Result<(), Error>,
    },
}

/// Counters a user can read ([`Session::counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests sent (first attempts).
    pub requests: u64,
    /// Retransmissions.
    pub retransmits: u64,
    /// Requests that ran out of attempts.
    pub timeouts: u64,
    /// Datagrams handed to [`Session::handle_datagram`].
    pub datagrams: u64,
    /// Answers matched to a request.
    pub responses: u64,
    /// Dropped: did not decode.
    pub dropped_malformed: u64,
    /// Dropped: an answer to a request that already completed (duplicate or late).
    pub dropped_duplicate: u64,
    /// Dropped: no request with that request-id / msgID.
    pub dropped_unknown: u64,
    /// Dropped: came from another address than the request went to.
    pub dropped_wrong_source: u64,
    /// Dropped: version, community, user, security level or context do not match the request,
    /// or the PDU type is not an answer.
    pub dropped_mismatch: u64,
    /// Dropped: failed v3 authentication, time window or decryption.
    pub dropped_security: u64,
    /// v3 engine discoveries started.
    pub discoveries: u64,
}

/// Hashes the session's own random ids (request-ids, msgIDs, operation numbers): a
/// multiplicative mix is enough, since the keys inserted are ours and uniformly random.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_i32(&mut self, v: i32) {
        self.write_u64(v as u32 as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type IdMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<IdHasher>>;
type IdSet<K> = hashbrown::HashSet<K, BuildHasherDefault<IdHasher>>;

/// What we know of a v3 agent's engine.
#[derive(Debug)]
struct Engine {
    id: Bytes,
    clock: EngineClock,
    /// Set once an authenticated message confirmed the clock; until then the discovery values
    /// are used for sending only.
    trusted: bool,
    keys: LocalizedUser,
    /// Index into the target's privacy candidates of the protocol in use.
    privacy_choice: usize,
    /// An authenticated answer arrived with the current keys (the AES fallback stops).
    confirmed: bool,
    /// The agent's msgMaxSize.
    max_size: usize,
}

#[derive(Debug)]
struct V3State {
    security: V3Security,
    candidates: Vec<PrivProtocol>,
    engine: Option<Engine>,
    discovery: Option<i32>,
    waiting: Vec<i32>,
    /// Keys localised to our own engine, for traps.
    trap_keys: Option<LocalizedUser>,
}

#[derive(Debug)]
struct Target {
    config: TargetConfig,
    /// Boxed: most targets of a large poll are v1/v2c, and a v3 state (keys, engine) is
    /// four times the size of the rest of a target.
    v3: Option<Box<V3State>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    User,
    Discovery,
}

#[derive(Debug)]
struct Request {
    op: Option<OpId>,
    target: TargetId,
    /// A trap: sent once, no answer.
    fire_and_forget: bool,
    purpose: Purpose,
    attempts: u32,
    deadline: Option<Instant>,
    msg_ids: Vec<i32>,
    resynced: bool,
    rediscovered: bool,
    last_usm_error: Option<UsmError>,
    /// An unauthenticated Report that arrived during the current attempt: anyone who saw the
    /// plaintext msgID can forge one, so it ends the request only when the attempt's deadline
    /// passes without a genuine answer.
    unauthenticated_report: Option<ReportKind>,
}

#[derive(Debug)]
struct Operation {
    op: Op,
    target: TargetId,
    request: Option<i32>,
}

/// The sans-IO SNMP manager engine.
///
/// One session serves any number of targets over one socket (per address family). It never
/// touches a socket or a clock: the driver feeds it datagrams and time, and drains what it
/// produces.
///
/// # The drain contract
///
/// After **every** call that changes the session (starting an operation, [`cancel`],
/// [`handle_datagram`], [`handle_timeout`]), the driver must:
///
/// 1. call [`poll_transmit`] until it returns `None`, sending each datagram;
/// 2. call [`poll_event`] until it returns `None`, handing out each event;
/// 3. call [`poll_timeout`] and arrange to call [`handle_timeout`] at that instant (or when a
///    datagram arrives, whichever is first). `None` means nothing is pending.
///
/// `handle_timeout` is safe to call early, late or twice: it only acts on deadlines that have
/// passed, and a deadline it acted on is never returned again by `poll_timeout`.
///
/// [`cancel`]: Session::cancel
/// [`handle_datagram`]: Session::handle_datagram
/// [`handle_timeout`]: Session::handle_timeout
/// [`poll_transmit`]: Session::poll_transmit
/// [`poll_event`]: Session::poll_event
/// [`poll_timeout`]: Session::poll_timeout
///
/// ```
/// use snmp_session::{Event, Session, SessionConfig, TargetConfig};
/// use snmp_usm::Instant;
///
/// let mut session = Session::new(SessionConfig::default(), [7; 32]);
/// let agent = "127.0.0.1:161".parse().unwrap();
/// let target = session.add_target(TargetConfig::v2c(agent, "public"));
/// let op = session.get(target, vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()]).unwrap();
///
/// let now = Instant::ZERO;
/// let mut buf = [0u8; 1500];
/// let t = session.poll_transmit(now, &mut buf).unwrap();
/// assert_eq!(t.destination, agent);
/// // ... send &buf[..t.len], then feed the answer to handle_datagram ...
/// assert!(session.poll_transmit(now, &mut buf).is_none());
/// assert!(session.poll_event().is_none());
/// assert_eq!(session.poll_timeout(), Some(now + core::time::Duration::from_secs(5)));
/// # let _ = op;
/// ```
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    rng: ChaCha12Rng,
    salts: SaltCounter,
    targets: BTreeMap<TargetId, Target>,
    next_target: u32,
    // Hash maps and a heap (rather than B-trees) so that the steady state reuses their memory
    // instead of allocating nodes for every request.
    ops: IdMap<OpId, Operation>,
    next_op: u64,
    requests: IdMap<i32, Request>,
    by_msg_id: IdMap<i32, i32>,
    /// Deadlines; an entry whose request no longer has that deadline is stale and skipped.
    timers: BinaryHeap<Reverse<(Instant, i32)>>,
    send_queue: VecDeque<i32>,
    events: VecDeque<Event>,
    recent: VecDeque<i32>,
    recent_set: IdSet<i32>,
    counters: Counters,
    local_engine_id: Bytes,
    started: Option<Instant>,
    /// Reused buffer for what an operation outputs in one step.
    outputs: Vec<Output>,
}

impl Session {
    /// A session. `seed` (32 random bytes from the OS, in a driver) makes request-ids, msgIDs
    /// and privacy salts unpredictable to an off-path attacker.
    pub fn new(config: SessionConfig, seed: [u8; 32]) -> Session {
        let mut rng = ChaCha12Rng::from_seed(seed);
        let salts = SaltCounter::new(rng.next_u64());
        let local_engine_id = config.local_engine_id.clone().unwrap_or_else(|| {
            // RFC 3411 format 5 (octets) under Net-SNMP's enterprise 8072: 80 00 1f 88 05 ...
            let mut id = alloc::vec![0x80, 0x00, 0x1f, 0x88, 0x05];
            id.extend_from_slice(&rng.next_u64().to_be_bytes());
            Bytes::from(id)
        });
        Session {
            config,
            rng,
            salts,
            targets: BTreeMap::new(),
            next_target: 0,
            ops: IdMap::default(),
            next_op: 0,
            requests: IdMap::default(),
            by_msg_id: IdMap::default(),
            timers: BinaryHeap::new(),
            send_queue: VecDeque::new(),
            events: VecDeque::new(),
            recent: VecDeque::new(),
            recent_set: IdSet::default(),
            counters: Counters::default(),
            local_engine_id,
            started: None,
            outputs: Vec::new(),
        }
    }

    /// The counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Our engine ID (authoritative for v3 traps).
    pub fn local_engine_id(&self) -> &Bytes {
        &self.local_engine_id
    }

    /// Adds a target.
    pub fn add_target(&mut self, config: TargetConfig) -> TargetId {
        let id = TargetId(self.next_target);
        self.next_target = self.next_target.wrapping_add(1);
        let v3 = match &config.security {
            Security::V3(sec) => Some(Box::new(V3State {
                candidates: sec.privacy_candidates(),
                security: sec.clone(),
                engine: None,
                discovery: None,
                waiting: Vec::new(),
                trap_keys: None,
            })),
            Security::Community { .. } => None,
        };
        self.targets.insert(id, Target { config, v3 });
        id
    }

    /// Removes a target; its operations end with [`Error::UnknownTarget`].
    pub fn remove_target(&mut self, target: TargetId) {
        let mut ops: Vec<OpId> = self
            .ops
            .iter()
            .filter(|(_, o)| o.target == target)
            .map(|(id, _)| *id)
            .collect();
        ops.sort_unstable();
        for op in ops {
            self.abort(op, Error::UnknownTarget);
        }
        let discovery = self
            .targets
            .get(&target)
            .and_then(|t| t.v3.as_ref())
            .and_then(|v| v.discovery);
        if let Some(rid) = discovery {
            self.drop_request(rid);
        }
        self.targets.remove(&target);
    }

    /// The configuration of a target.
    pub fn target(&self, target: TargetId) -> Option<&TargetConfig> {
        self.targets.get(&target).map(|t| &t.config)
    }

    /// The engine ID learned for a v3 target, once discovered.
    pub fn engine_id(&self, target: TargetId) -> Option<&Bytes> {
        self.targets
            .get(&target)?
            .v3
            .as_ref()?
            .engine
            .as_ref()
            .map(|e| &e.id)
    }

    /// Number of operations not yet done.
    pub fn operations_in_progress(&self) -> usize {
        self.ops.len()
    }

    // ----- starting operations -------------------------------------------------------------

    fn version_of(&self, target: TargetId) -> Result<Version, Error> {
        self.targets
            .get(&target)
            .map(|t| t.config.version())
            .ok_or(Error::UnknownTarget)
    }

    /// GET of `oids`; the answer is one [`Event::Varbinds`] with a varbind per OID, in order
    /// (exception values included: see [`Error::value_of`]). More OIDs than fit in one request
    /// are split over several.
    pub fn get(&mut self, target: TargetId, oids: Vec<Oid>) -> Result<OpId, Error> {
        self.version_of(target)?;
        let chunk = self.config.max_oids_per_request;
        Ok(self.start(target, Op::Get(GetOp::new(oids, chunk, false))))
    }

    /// GET of `oids` where one missing OID fails only itself, in every version: an SNMPv1
    /// agent's noSuchName answer becomes a noSuchObject value for the OID it names (as RFC 3584
    /// translates it) and the other OIDs are asked again. What `poll_many` uses.
    pub fn get_each(&mut self, target: TargetId, oids: Vec<Oid>) -> Result<OpId, Error> {
        self.version_of(target)?;
        let chunk = self.config.max_oids_per_request;
        Ok(self.start(target, Op::Get(GetOp::new(oids, chunk, true))))
    }

    /// GETNEXT of `oids`.
    pub fn get_next(&mut self, target: TargetId, oids: Vec<Oid>) -> Result<OpId, Error> {
        self.version_of(target)?;
        Ok(self.start(target, Op::Single(RequestPdu::GetNext(oids))))
    }

    /// GETBULK (v2c and v3).
    pub fn get_bulk(
        &mut self,
        target: TargetId,
        oids: Vec<Oid>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> Result<OpId, Error> {
        if self.version_of(target)? == Version::V1 {
            return Err(Error::NotSupported);
        }
        Ok(self.start(
            target,
            Op::Single(RequestPdu::GetBulk {
                non_repeaters,
                max_repetitions,
                oids,
            }),
        ))
    }

    /// SET of `varbinds` (never split: a SET is atomic).
    pub fn set(&mut self, target: TargetId, varbinds: Vec<VarBind>) -> Result<OpId, Error> {
        self.version_of(target)?;
        Ok(self.start(target, Op::Single(RequestPdu::Set(varbinds))))
    }

    /// A walk of the subtree under `root` with GETNEXT (works on v1): [`Event::Varbinds`] as
    /// answers arrive, then `Done`. It ends at the end of the subtree, at endOfMibView, at v1's
    /// noSuchName; an OID not greater than the previous one is [`Error::NonIncreasing`] unless
    /// `options` allow it. A walk that finds nothing tries a GET of `root` (as `snmpwalk`).
    pub fn walk(
        &mut self,
        target: TargetId,
        root: Oid,
        options: WalkOptions,
    ) -> Result<OpId, Error> {
        let v = self.version_of(target)?;
        Ok(self.start(target, Op::Walk(WalkOp::new(root, None, options, v))))
    }

    /// A walk with GETBULK of `max_repetitions` (v2c and v3). A `tooBig` answer halves the
    /// repetitions.
    pub fn bulk_walk(
        &mut self,
        target: TargetId,
        root: Oid,
        max_repetitions: u32,
        options: WalkOptions,
    ) -> Result<OpId, Error> {
        let v = self.version_of(target)?;
        if v == Version::V1 {
            return Err(Error::NotSupported);
        }
        let op = WalkOp::new(root, Some(max_repetitions), options, v);
        Ok(self.start(target, Op::Walk(op)))
    }

    /// A table: `entry` is the conceptual row's OID (ifEntry, `1.3.6.1.2.1.2.2.1`). With
    /// `columns`, only those columns travel, side by side (one varbind per column in each
    /// GETBULK); without, the whole entry is walked. Rows come in one [`Event::Rows`].
    pub fn table(
        &mut self,
        target: TargetId,
        entry: Oid,
        columns: Option<&[u32]>,
        bulk_size: u32,
        options: WalkOptions,
    ) -> Result<OpId, Error> {
        let v = self.version_of(target)?;
        let op = TableOp::new(entry, columns, bulk_size, options, v);
        Ok(self.start(target, Op::Table(op)))
    }

    /// An InformRequest (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`, then
    /// `varbinds`; done when the receiver acknowledges it.
    pub fn inform(
        &mut self,
        target: TargetId,
        trap_oid: Oid,
        uptime: u32,
        varbinds: Vec<VarBind>,
    ) -> Result<OpId, Error> {
        self.notification(target, trap_oid, uptime, varbinds, true)
    }

    /// An SNMPv2-Trap (v2c, v3), fire and forget: done once it has been handed to
    /// [`Session::poll_transmit`].
    pub fn trap(
        &mut self,
        target: TargetId,
        trap_oid: Oid,
        uptime: u32,
        varbinds: Vec<VarBind>,
    ) -> Result<OpId, Error> {
        self.notification(target, trap_oid, uptime, varbinds, false)
    }

    /// An InformRequest (`inform`) or SNMPv2-Trap with the two leading varbinds of RFC 3416.
    fn notification(
        &mut self,
        target: TargetId,
        trap_oid: Oid,
        uptime: u32,
        varbinds: Vec<VarBind>,
        inform: bool,
    ) -> Result<OpId, Error> {
        if self.version_of(target)? == Version::V1 {
            return Err(Error::NotSupported);
        }
        let vbs = notification_varbinds(trap_oid, uptime, varbinds);
        let op = if inform {
            Op::Single(RequestPdu::Inform(vbs))
        } else {
            Op::Trap(RequestPdu::TrapV2(vbs))
        };
        Ok(self.start(target, op))
    }

    /// An SNMPv1 Trap-PDU (v1 targets), fire and forget.
    pub fn trap_v1(&mut self, target: TargetId, trap: TrapV1Pdu) -> Result<OpId, Error> {
        if self.version_of(target)? != Version::V1 {
            return Err(Error::NotSupported);
        }
        Ok(self.start(target, Op::Trap(RequestPdu::TrapV1(Pdu::TrapV1(trap)))))
    }

    /// Cancels an operation: it ends with [`Error::Cancelled`]. Answers that arrive later are
    /// counted as duplicates and dropped.
    pub fn cancel(&mut self, op: OpId) {
        self.abort(op, Error::Cancelled);
    }

    fn start(&mut self, target: TargetId, mut op: Op) -> OpId {
        let id = OpId(self.next_op);
        self.next_op += 1;
        let first = op.start();
        self.ops.insert(
            id,
            Operation {
                op,
                target,
                request: None,
            },
        );
        self.step(id, first);
        id
    }

    /// Carries out an operation's step.
    fn step(&mut self, id: OpId, step: Step) {
        match step {
            Step::Send => {
                let Some((target, fire_and_forget)) = self
                    .ops
                    .get(&id)
                    .map(|o| (o.target, !o.op.view().expects_response()))
                else {
                    return;
                };
                let rid = self.new_request(Some(id), target, fire_and_forget, Purpose::User);
                if let Some(o) = self.ops.get_mut(&id) {
                    o.request = Some(rid);
                }
                self.schedule(rid);
            }
            Step::Finish(result) => self.finish(id, result),
        }
    }

    fn finish(&mut self, id: OpId, result: Result<(), Error>) {
        if let Some(mut o) = self.ops.remove(&id) {
            if result.is_err() {
                let mut out = core::mem::take(&mut self.outputs);
                o.op.flush(&mut out);
                self.emit(id, out);
            }
            if let Some(rid) = o.request {
                self.drop_request(rid);
            }
            self.events.push_back(Event::Done { op: id, result });
        }
    }

    fn abort(&mut self, id: OpId, e: Error) {
        self.finish(id, Err(e));
    }

    /// Turns an operation's outputs into events, and keeps the (now empty) buffer for reuse.
    fn emit(&mut self, op: OpId, mut out: Vec<Output>) {
        for o in out.drain(..) {
            self.events.push_back(match o {
                Output::Varbinds(varbinds) => Event::Varbinds { op, varbinds },
                Output::Rows(rows) => Event::Rows { op, rows },
            });
        }
        self.outputs = out;
    }

    // ----- requests ------------------------------------------------------------------------

    /// A fresh 31-bit id, not in use by any request in flight (nor recently completed).
    fn fresh_id(&mut self) -> i32 {
        loop {
            let id = (self.rng.next_u32() & 0x7fff_ffff) as i32;
            if id != 0
                && !self.requests.contains_key(&id)
                && !self.by_msg_id.contains_key(&id)
                && !self.recent_set.contains(&id)
            {
                return id;
            }
        }
    }

    fn new_request(
        &mut self,
        op: Option<OpId>,
        target: TargetId,
        fire_and_forget: bool,
        purpose: Purpose,
    ) -> i32 {
        let rid = self.fresh_id();
        self.requests.insert(
            rid,
            Request {
                op,
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
            },
        );
        rid
    }

    /// Queues a request for sending, or parks it until its v3 target's engine is known.
    fn schedule(&mut self, rid: i32) {
        let Some(req) = self.requests.get(&rid) else {
            return;
        };
        let (target_id, purpose) = (req.target, req.purpose);
        let is_trap = req.fire_and_forget;
        let needs_engine = purpose == Purpose::User
            && !is_trap
            && self
                .targets
                .get(&target_id)
                .and_then(|t| t.v3.as_ref())
                .is_some_and(|v| v.engine.is_none());
        if !needs_engine {
            self.send_queue.push_back(rid);
            return;
        }
        let start_discovery = match self.targets.get_mut(&target_id).and_then(|t| t.v3.as_mut()) {
            Some(v3) => {
                v3.waiting.push(rid);
                v3.discovery.is_none()
            }
            None => false,
        };
        if start_discovery {
            self.counters.discoveries += 1;
            let d = self.new_request(None, target_id, false, Purpose::Discovery);
            if let Some(v3) = self.targets.get_mut(&target_id).and_then(|t| t.v3.as_mut()) {
                v3.discovery = Some(d);
            }
            self.send_queue.push_back(d);
        }
    }

    /// Forgets a request (its timer, msgIDs), remembering its id as completed.
    fn drop_request(&mut self, rid: i32) -> Option<Request> {
        let req = self.requests.remove(&rid)?;
        for m in &req.msg_ids {
            self.by_msg_id.remove(m);
        }
        self.remember(rid);
        for m in &req.msg_ids {
            self.remember(*m);
        }
        self.purge_timers();
        Some(req)
    }

    fn remember(&mut self, id: i32) {
        if self.config.remember_completed == 0 {
            return;
        }
        if self.recent_set.insert(id) {
            self.recent.push_back(id);
        }
        while self.recent.len() > self.config.remember_completed {
            if let Some(old) = self.recent.pop_front() {
                self.recent_set.remove(&old);
            }
        }
    }

    /// A request failed for good.
    fn fail_request(&mut self, rid: i32, e: Error) {
        let Some(req) = self.drop_request(rid) else {
            return;
        };
        match req.purpose {
            Purpose::User => {
                if let Some(op) = req.op {
                    if let Some(o) = self.ops.get_mut(&op) {
                        o.request = None;
                    }
                    self.finish(op, Err(e));
                }
            }
            Purpose::Discovery => {
                let waiting = match self
                    .targets
                    .get_mut(&req.target)
                    .and_then(|t| t.v3.as_mut())
                {
                    Some(v3) => {
                        v3.discovery = None;
                        core::mem::take(&mut v3.waiting)
                    }
                    None => Vec::new(),
                };
                for w in waiting {
                    self.fail_request(w, e.clone());
                }
            }
        }
    }

    // ----- output --------------------------------------------------------------------------

    /// Writes the next datagram to send into `buf` (which should hold
    /// [`SessionConfig::max_message_size`] bytes). Messages are encoded here, at the time of
    /// sending, so that v3 messages carry the current engine time.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        self.started.get_or_insert(now);
        while let Some(rid) = self.send_queue.pop_front() {
            let Some(req) = self.requests.get(&rid) else {
                continue;
            };
            if req.deadline.is_some() {
                continue; // already sent and waiting (queued twice)
            }
            let target_id = req.target;
            let Some(target) = self.targets.get(&target_id) else {
                self.fail_request(rid, Error::UnknownTarget);
                continue;
            };
            let destination = target.config.addr;
            let timeout = target.config.timeout;
            let encoded = self.encode_request(rid, now, buf);
            let len = match encoded {
                Ok(len) => len,
                Err(e) => {
                    self.fail_request(rid, e);
                    continue;
                }
            };
            let Some(req) = self.requests.get_mut(&rid) else {
                continue;
            };
            if req.attempts == 0 {
                self.counters.requests += 1;
            } else {
                self.counters.retransmits += 1;
            }
            req.attempts += 1;
            if !req.fire_and_forget {
                let deadline = now + timeout;
                req.deadline = Some(deadline);
                self.timers.push(Reverse((deadline, rid)));
            } else if let Some(op) = req.op {
                // A trap is done once it is out.
                self.drop_request(rid);
                self.finish(op, Ok(()));
            }
            return Some(Transmit { destination, len });
        }
        None
    }

    fn encode_request(&mut self, rid: i32, now: Instant, buf: &mut [u8]) -> Result<usize, Error> {
        let max = self.config.max_message_size.min(buf.len());
        let buf = &mut buf[..max];
        let Some(req) = self.requests.get(&rid) else {
            return Err(Error::Cancelled);
        };
        let (op, target_id, purpose, trap) = (req.op, req.target, req.purpose, req.fire_and_forget);
        let Some(target) = self.targets.get(&target_id) else {
            return Err(Error::UnknownTarget);
        };
        if let Security::Community { version, community } = &target.config.security {
            let view = op
                .and_then(|o| self.ops.get(&o))
                .map(|o| o.op.view())
                .ok_or(Error::Cancelled)?;
            let msg = CommunityMessageRef {
                version: *version,
                community,
                pdu: view.pdu(rid),
            };
            return msg.encode(buf).map_err(|_| Error::TooBig);
        }

        // SNMPv3.
        let msg_id = self.fresh_id();
        let salt = self.salts.next_salt();
        let started = *self.started.get_or_insert(now);
        let local_boots = self.config.local_engine_boots;
        let max_size = i32::try_from(self.config.max_message_size).unwrap_or(i32::MAX);
        let local_id = self.local_engine_id.clone();
        if trap {
            // We are the authoritative engine of our own traps: keys localised to our ID.
            if let Some(v3) = self.targets.get_mut(&target_id).and_then(|t| t.v3.as_mut()) {
                if v3.trap_keys.is_none() {
                    v3.trap_keys = Some(v3.security.user.localize(&local_id));
                }
            }
        }
        let Some(v3) = self.targets.get(&target_id).and_then(|t| t.v3.as_ref()) else {
            return Err(Error::UnknownTarget);
        };
        let discovery_user;
        let empty = PduRef::Request {
            pdu_type: PduType::GetRequest,
            request_id: rid,
            fields: [0, 0],
            oids: &[],
        };
        let (keys, level, boots, time, context_engine_id, agent_max, pdu) =
            if purpose == Purpose::Discovery {
                discovery_user = LocalizedUser::without_keys("", b"");
                let none: &[u8] = &[];
                (
                    &discovery_user,
                    SecurityLevel::NoAuthNoPriv,
                    0,
                    0,
                    none,
                    usize::MAX,
                    empty,
                )
            } else {
                let view: View<'_> = op
                    .and_then(|o| self.ops.get(&o))
                    .map(|o| o.op.view())
                    .ok_or(Error::Cancelled)?;
                if trap {
                    let engine = LocalEngine::new(local_boots, started);
                    let keys = v3.trap_keys.as_ref().ok_or(Error::UnknownTarget)?;
                    let ceid = v3
                        .security
                        .context_engine_id
                        .as_deref()
                        .unwrap_or(&local_id);
                    let (b, t) = (engine.boots(), engine.time(now));
                    (
                        keys,
                        v3.security.level,
                        b,
                        t,
                        ceid,
                        usize::MAX,
                        view.pdu(rid),
                    )
                } else {
                    let engine = v3.engine.as_ref().ok_or(Error::UnknownTarget)?;
                    let (b, t) = engine.clock.estimate(now);
                    let ceid = v3
                        .security
                        .context_engine_id
                        .as_deref()
                        .unwrap_or(&engine.id);
                    let m = engine.max_size;
                    (
                        &engine.keys,
                        v3.security.level,
                        b,
                        t,
                        ceid,
                        m,
                        view.pdu(rid),
                    )
                }
            };
        let context_name: &[u8] = if purpose == Purpose::Discovery {
            &[]
        } else {
            &v3.security.context_name
        };
        let scoped = ScopedPduRef {
            context_engine_id,
            context_name,
            pdu,
        };
        let header = OutgoingHeader {
            msg_id,
            msg_max_size: max_size,
            level,
            reportable: !trap,
            engine_boots: boots,
            engine_time: time,
            salt,
        };
        let limit = buf.len().min(agent_max);
        let n = encode_outgoing(&header, keys, scoped, &mut buf[..limit]).map_err(|e| match e {
            UsmError::Encode(_) => Error::TooBig,
            other => Error::Usm(other),
        })?;
        if let Some(req) = self.requests.get_mut(&rid) {
            req.msg_ids.push(msg_id);
        }
        self.by_msg_id.insert(msg_id, rid);
        Ok(n)
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] should next be called (`None` when nothing waits).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        // Stale entries are purged from the top after every change (`purge_timers`), so the top
        // is a live deadline.
        self.timers.peek().map(|Reverse((t, _))| *t)
    }

    /// Drops deadlines at the top of the heap that no request waits for any more.
    fn purge_timers(&mut self) {
        while let Some(Reverse((t, rid))) = self.timers.peek() {
            let live = self
                .requests
                .get(rid)
                .is_some_and(|r| r.deadline == Some(*t));
            if live {
                break;
            }
            self.timers.pop();
        }
    }

    /// Acts on every deadline at or before `now`: retransmits, or ends requests that ran out
    /// of attempts with [`Error::Timeout`]. Safe to call at any time.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&Reverse((t, rid))) = self.timers.peek() {
            if t > now {
                break;
            }
            self.timers.pop();
            let Some(req) = self.requests.get_mut(&rid) else {
                continue;
            };
            if req.deadline != Some(t) {
                continue; // stale
            }
            req.deadline = None;
            let attempts = req.attempts;
            let target_id = req.target;
            if let Some(kind) = req.unauthenticated_report.take() {
                // The agent (or someone) reported a problem and no genuine answer came in the
                // attempt's window. unknownEngineID the first time: the agent's engine may have
                // changed, so discover it again and resend; otherwise the typed error, without
                // further attempts.
                if kind == ReportKind::UnknownEngineId && !req.rediscovered {
                    self.rediscover(rid);
                } else {
                    self.fail_request(rid, Error::Report(kind));
                }
                continue;
            }
            let retries = self.targets.get(&target_id).map_or(0, |t| t.config.retries);
            if attempts <= retries {
                self.maybe_switch_privacy(target_id, rid);
                self.send_queue.push_back(rid);
            } else {
                self.counters.timeouts += 1;
                let e = match req.last_usm_error.take() {
                    Some(u) => Error::Usm(u),
                    None => Error::Timeout { attempts },
                };
                self.fail_request(rid, e);
            }
        }
        self.purge_timers();
    }

    /// In AES `Auto` mode, while no answer has confirmed the key extension, every retry of a
    /// user request tries the next candidate (Net-SNMP drops what it cannot decrypt).
    fn maybe_switch_privacy(&mut self, target_id: TargetId, rid: i32) -> bool {
        let is_user = self
            .requests
            .get(&rid)
            .is_some_and(|r| r.purpose == Purpose::User && !r.fire_and_forget);
        if !is_user {
            return false;
        }
        let Some(v3) = self.targets.get_mut(&target_id).and_then(|t| t.v3.as_mut()) else {
            return false;
        };
        let n = v3.candidates.len();
        let Some(engine) = v3.engine.as_mut() else {
            return false;
        };
        if n < 2 || engine.confirmed {
            return false;
        }
        engine.privacy_choice = (engine.privacy_choice + 1) % n;
        let p = v3.candidates.get(engine.privacy_choice).copied();
        engine.keys = v3.security.user.localize_with(&engine.id, p);
        true
    }

    // ----- input ---------------------------------------------------------------------------

    /// Handles a datagram received from `from`. Anything that is not a valid, expected answer
    /// is counted ([`Session::counters`]) and dropped; nothing here returns an error.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        self.counters.datagrams += 1;
        match message_version(data) {
            Ok(0) | Ok(1) => self.handle_community(from, data),
            Ok(3) => self.handle_v3(now, from, data),
            _ => self.counters.dropped_malformed += 1,
        }
        self.purge_timers();
    }

    fn classify_unknown(&mut self, id: i32) {
        if self.recent_set.contains(&id) {
            self.counters.dropped_duplicate += 1;
        } else {
            self.counters.dropped_unknown += 1;
        }
    }

    fn handle_community(&mut self, from: SocketAddr, data: &[u8]) {
        let Ok(Message::Community(m)) = Message::decode(data) else {
            self.counters.dropped_malformed += 1;
            return;
        };
        let Pdu::Response(g) = m.pdu else {
            self.counters.dropped_mismatch += 1;
            return;
        };
        let rid = g.request_id;
        let Some(req) = self.requests.get(&rid) else {
            self.classify_unknown(rid);
            return;
        };
        let Some(target) = self.targets.get(&req.target) else {
            self.counters.dropped_unknown += 1;
            return;
        };
        let Security::Community { version, community } = &target.config.security else {
            self.counters.dropped_mismatch += 1;
            return;
        };
        if *version != m.version || *community != m.community || req.deadline.is_none() {
            self.counters.dropped_mismatch += 1;
            return;
        }
        if from != target.config.addr && !target.config.accept_any_source {
            self.counters.dropped_wrong_source += 1;
            return;
        }
        self.deliver(rid, g);
    }

    fn handle_v3(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        let bytes = Bytes::copy_from_slice(data);
        let Ok((msg, layout)) = V3Message::decode_with_layout(&bytes) else {
            self.counters.dropped_malformed += 1;
            return;
        };
        let Some(&rid) = self.by_msg_id.get(&msg.msg_id) else {
            self.classify_unknown(msg.msg_id);
            return;
        };
        let Some(req) = self.requests.get(&rid) else {
            self.counters.dropped_unknown += 1;
            return;
        };
        let (purpose, target_id) = (req.purpose, req.target);
        let Some(target) = self.targets.get_mut(&target_id) else {
            self.counters.dropped_unknown += 1;
            return;
        };
        let from_elsewhere = from != target.config.addr;
        if from_elsewhere && !target.config.accept_any_source {
            self.counters.dropped_wrong_source += 1;
            return;
        }
        let Some(v3) = target.v3.as_mut() else {
            self.counters.dropped_mismatch += 1;
            return;
        };
        let agent_max = usize::try_from(msg.msg_max_size).unwrap_or(usize::MAX);

        if purpose == Purpose::Discovery {
            let Ok(inc) = process_decoded(
                &bytes,
                msg,
                &layout,
                |_, _| Err(UsmError::UnknownUserName),
                TimeCheck::Skip,
                now,
            ) else {
                self.counters.dropped_security += 1;
                return;
            };
            if inc.usm.engine_id.is_empty() {
                // A discovery Report must name an engine.
                self.counters.dropped_mismatch += 1;
                return;
            }
            // From another address only when the target opted in (checked above). The Report
            // is unauthenticated either way: its engine ID, boots and time are used for sending
            // only, and the first authenticated answer confirms them.
            let _ = from_elsewhere;
            self.counters.responses += 1;
            let id = inc.usm.engine_id.clone();
            let p = v3.candidates.first().copied();
            let keys = v3.security.user.localize_with(&id, p);
            v3.engine = Some(Engine {
                clock: EngineClock::new(inc.usm.engine_boots, inc.usm.engine_time, now),
                id,
                trusted: false,
                keys,
                privacy_choice: 0,
                confirmed: false,
                max_size: agent_max,
            });
            v3.discovery = None;
            let waiting = core::mem::take(&mut v3.waiting);
            self.drop_request(rid);
            for w in waiting {
                self.send_queue.push_back(w);
            }
            return;
        }

        let context_name = v3.security.context_name.clone();
        let wanted_level = v3.security.level;
        let Some(engine) = v3.engine.as_mut() else {
            self.counters.dropped_mismatch += 1;
            return;
        };
        let keys = &engine.keys;
        let time = if engine.trusted {
            TimeCheck::NonAuthoritative(&mut engine.clock)
        } else {
            TimeCheck::Skip
        };
        let result = process_decoded(
            &bytes,
            msg,
            &layout,
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
            now,
        );
        let inc = match result {
            Ok(inc) => inc,
            Err(e) => {
                self.counters.dropped_security += 1;
                let retry_other =
                    e == UsmError::DecryptionError && self.maybe_switch_privacy(target_id, rid);
                if let Some(req) = self.requests.get_mut(&rid) {
                    req.last_usm_error = Some(e);
                    if retry_other {
                        req.deadline = None;
                        self.send_queue.push_back(rid);
                    }
                }
                return;
            }
        };
        let authenticated = inc.level != SecurityLevel::NoAuthNoPriv;
        if from_elsewhere && !authenticated {
            self.counters.dropped_wrong_source += 1;
            return;
        }
        if authenticated {
            engine.confirmed = true;
            engine.max_size = agent_max;
            if !engine.trusted {
                engine.clock = EngineClock::new(inc.usm.engine_boots, inc.usm.engine_time, now);
                engine.trusted = true;
            }
        }
        match inc.scoped_pdu.pdu {
            Pdu::Report(g) => {
                self.counters.responses += 1;
                let kind = g
                    .varbinds
                    .first()
                    .map_or(ReportKind::Other(Oid::new()), |vb| {
                        ReportKind::from_oid(&vb.oid)
                    });
                self.handle_report(rid, kind, authenticated, now, &inc.usm);
            }
            Pdu::Response(g) => {
                if inc.level != wanted_level
                    || inc.scoped_pdu.context_name != context_name
                    || inc.usm.user_name != keys_name(self, target_id)
                {
                    self.counters.dropped_mismatch += 1;
                    return;
                }
                self.deliver(rid, g);
            }
            _ => self.counters.dropped_mismatch += 1,
        }
    }

    fn handle_report(
        &mut self,
        rid: i32,
        kind: ReportKind,
        authenticated: bool,
        now: Instant,
        usm: &snmp_codec::UsmSecurityParameters,
    ) {
        let Some(req) = self.requests.get_mut(&rid) else {
            return;
        };
        let target_id = req.target;
        let resend = match kind {
            ReportKind::NotInTimeWindow if authenticated && !req.resynced => {
                req.resynced = true;
                if let Some(engine) = self
                    .targets
                    .get_mut(&target_id)
                    .and_then(|t| t.v3.as_mut())
                    .and_then(|v| v.engine.as_mut())
                {
                    engine.clock = EngineClock::new(usm.engine_boots, usm.engine_time, now);
                    engine.trusted = true;
                }
                true
            }
            ReportKind::UnknownEngineId if authenticated && !req.rediscovered => {
                self.rediscover(rid);
                return;
            }
            ReportKind::DecryptionError if self.maybe_switch_privacy(target_id, rid) => true,
            _ if !authenticated => {
                // Forgeable: remembered, and the request goes on waiting for its answer.
                if let Some(req) = self.requests.get_mut(&rid) {
                    req.unauthenticated_report = Some(kind);
                }
                return;
            }
            _ => false,
        };
        if resend {
            if let Some(req) = self.requests.get_mut(&rid) {
                req.deadline = None;
            }
            self.send_queue.push_back(rid);
        } else {
            self.fail_request(rid, Error::Report(kind));
        }
    }

    /// Forgets the target's engine and sends request `rid` again after a new discovery (once
    /// per request; a new engine may need its own time synchronisation).
    fn rediscover(&mut self, rid: i32) {
        let Some(req) = self.requests.get_mut(&rid) else {
            return;
        };
        req.rediscovered = true;
        req.resynced = false;
        req.deadline = None;
        let target_id = req.target;
        if let Some(v3) = self.targets.get_mut(&target_id).and_then(|t| t.v3.as_mut()) {
            v3.engine = None;
        }
        self.schedule(rid);
    }

    /// An answer for request `rid`: the operation takes its next step.
    fn deliver(&mut self, rid: i32, g: GenericPdu) {
        self.counters.responses += 1;
        let Some(req) = self.drop_request(rid) else {
            return;
        };
        let Some(op_id) = req.op else {
            return;
        };
        let Some(o) = self.ops.get_mut(&op_id) else {
            return;
        };
        o.request = None;
        let mut out = core::mem::take(&mut self.outputs);
        let step = o.op.on_response(g, &mut out);
        self.emit(op_id, out);
        self.step(op_id, step);
    }
}

fn keys_name(session: &Session, target: TargetId) -> Bytes {
    session
        .targets
        .get(&target)
        .and_then(|t| t.v3.as_ref())
        .map(|v| v.security.user.name().clone())
        .unwrap_or_default()
}

fn notification_varbinds(trap_oid: Oid, uptime: u32, varbinds: Vec<VarBind>) -> Vec<VarBind> {
    let mut vbs = Vec::with_capacity(varbinds.len() + 2);
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

#[cfg(test)]
mod size_tests {
    /// Ten thousand targets in flight must fit in tens of MiB: a target's inline part (what a
    /// v2c target costs) stays small, v3 state is boxed.
    #[test]
    fn a_target_stays_small() {
        let size = core::mem::size_of::<super::Target>();
        assert!(size <= 400, "Target is {size} bytes");
    }
}
