//! The session: targets, operations, and the input/output calls. Its sub-states each have a
//! file: request and msgID ids (`ids`), deadlines (`timer`), requests in flight (`requests`),
//! v3 engines (`v3`), counters, events; the input path is in `input`, the output path in
//! `output`. The operations' state machines are in `crate::op`.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::net::SocketAddr;

use rand_chacha::ChaCha12Rng;
use rand_core::{RngCore, SeedableRng};
use smallvec::SmallVec;
use snmp_codec::Bytes;
use snmp_usm::{Instant, SaltCounter};

use crate::config::{Security, SessionConfig, TargetConfig};
use crate::error::{Error, StartError};
use crate::op::{Op, Slot, Step};
use crate::request::Request;

mod counters;
mod events;
mod ids;
mod input;
mod output;
mod requests;
mod stream;
mod timer;
mod v3;

pub use counters::Counters;
pub use events::{Event, Transmit};
pub use stream::StreamAction;

/// A v3 agent's engine as a session learned it: its ID, and its boots and time at one moment
/// (see [`Session::engine`], [`Session::seed_engine`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownEngine {
    /// snmpEngineID.
    pub id: Bytes,
    /// snmpEngineBoots.
    pub boots: u32,
    /// snmpEngineTime, seconds.
    pub time: u32,
}

use events::Events;
use ids::{IdMap, RequestId};
use requests::{Purpose, Requests};
use timer::TimerTable;
use v3::V3State;

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

#[derive(Debug)]
struct Target {
    config: TargetConfig,
    /// Datagrams from its address that did not decode (wrapping).
    malformed: u32,
    /// The max-repetitions an adaptive walk or table of this target last ended with.
    repetitions_hint: Option<u32>,
    /// Where its last parallel walk would have the next walk of that subtree start its
    /// stripes (boxed: few targets are walked in stripes).
    stripes_hint: Option<Box<crate::op::StripeHint>>,
    /// Boxed: most targets of a large poll are v1/v2c, and a v3 state (keys, engine) is
    /// four times the size of the rest of a target.
    v3: Option<Box<V3State>>,
    /// A stream (TCP) target's connection.
    conn: Option<Box<stream::Conn>>,
}

/// An operation in progress: its state machine, target, and the requests it has in flight
/// (one, except for a parallel walk's stripes), each with its slot.
#[derive(Debug)]
struct Operation {
    op: Op,
    target: TargetId,
    /// Timeout and retries of this call, over the target's.
    call: crate::CallOptions,
    /// Paused by [`Session::pause`]: its next requests wait in `deferred`.
    paused: bool,
    deferred: SmallVec<[Slot; 1]>,
    /// Inline for one request (the steady-state GET allocates nothing for it).
    requests: SmallVec<[(Slot, RequestId); 1]>,
}

impl Operation {
    /// Forgets request `rid` (answered or failed); returns its slot.
    fn take_request(&mut self, rid: RequestId) -> Option<Slot> {
        let i = self.requests.iter().position(|(_, r)| *r == rid)?;
        Some(self.requests.swap_remove(i).0)
    }
}

/// The sans-IO SNMP manager engine.
///
/// One session serves any number of targets over one socket (per address family). It never
/// touches a socket or a clock: the driver feeds it datagrams and time, and drains what it
/// produces.
///
/// # The drain contract
///
/// After **every** call that changes the session ([`start`], [`cancel`],
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
/// [`start`]: Session::start
/// [`cancel`]: Session::cancel
/// [`handle_datagram`]: Session::handle_datagram
/// [`handle_timeout`]: Session::handle_timeout
/// [`poll_transmit`]: Session::poll_transmit
/// [`poll_event`]: Session::poll_event
/// [`poll_timeout`]: Session::poll_timeout
///
/// ```
/// use snmp_session::{Event, Request, Session, SessionConfig, TargetConfig};
/// use snmp_usm::Instant;
///
/// let mut session = Session::new(SessionConfig::default(), [7; 32]);
/// let agent = "127.0.0.1:161".parse().unwrap();
/// let target = session.add_target(TargetConfig::v2c(agent, "public"));
/// let oids = vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()];
/// let op = session.start(target, Request::Get(oids)).unwrap();
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
    salts: SaltCounter,
    targets: BTreeMap<TargetId, Target>,
    /// The target at each address (the last one added), for what arrives from it.
    by_addr: BTreeMap<SocketAddr, TargetId>,
    next_target: u32,
    ops: IdMap<OpId, Operation>,
    next_op: u64,
    requests: Requests,
    timers: TimerTable,
    /// Requests to send, oldest first (a request queued twice is sent once).
    send_queue: VecDeque<RequestId>,
    events: Events,
    counters: Counters,
    local_engine_id: Bytes,
    started: Option<Instant>,
    /// What stream targets' connections need from the driver.
    stream_actions: VecDeque<StreamAction>,
    /// Connection deadlines (connect, idle), each also in its connection.
    conn_timers: BTreeSet<(Instant, TargetId)>,
    /// Where arriving datagrams are copied: a datagram's bytes are split off it (octet
    /// strings of the answer share them), and once the caller has dropped those the space
    /// is used again, so that a steady stream of answers needs no allocation for them.
    rx: bytes::BytesMut,
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
            requests: Requests::new(rng, config.remember_completed),
            config,
            salts,
            targets: BTreeMap::new(),
            by_addr: BTreeMap::new(),
            next_target: 0,
            ops: IdMap::default(),
            next_op: 0,
            timers: TimerTable::default(),
            send_queue: VecDeque::new(),
            events: Events::default(),
            rx: bytes::BytesMut::new(),
            counters: Counters::default(),
            local_engine_id,
            started: None,
            stream_actions: VecDeque::new(),
            conn_timers: BTreeSet::new(),
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
            Security::V3(sec) => Some(Box::new(V3State::new((**sec).clone()))),
            Security::Community { .. } => None,
        };
        let conn = (config.transport == crate::Transport::Tcp)
            .then(|| Box::new(stream::Conn::new(config.max_stream_message)));
        self.by_addr.insert(config.addr, id);
        self.targets.insert(
            id,
            Target {
                config,
                malformed: 0,
                repetitions_hint: None,
                stripes_hint: None,
                v3,
                conn,
            },
        );
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
            self.finish(op, Err(Error::UnknownTarget));
        }
        if let Some(rid) = self.v3(target).and_then(|v| v.discovery) {
            self.drop_request(rid);
        }
        self.forget_conn(target);
        if let Some(t) = self.targets.remove(&target) {
            if self.by_addr.get(&t.config.addr) == Some(&target) {
                self.by_addr.remove(&t.config.addr);
            }
        }
    }

    /// The configuration of a target.
    pub fn target(&self, target: TargetId) -> Option<&TargetConfig> {
        self.targets.get(&target).map(|t| &t.config)
    }

    /// Number of operations not yet done.
    pub fn operations_in_progress(&self) -> usize {
        self.ops.len()
    }

    // ----- starting and ending operations --------------------------------------------------

    /// Starts an operation on `target`. Its results come as [`Event`]s, ending with exactly
    /// one [`Event::Done`]; follow the drain contract after this call.
    ///
    /// Fails, sending nothing, for an unknown target or an operation the target's SNMP
    /// version does not have ([`StartError`]).
    pub fn start(&mut self, target: TargetId, request: Request) -> Result<OpId, StartError> {
        self.start_with(target, request, crate::CallOptions::default())
    }

    /// As [`Session::start`], with this call's own timeout and retries over the target's.
    pub fn start_with(
        &mut self,
        target: TargetId,
        request: Request,
        call: crate::CallOptions,
    ) -> Result<OpId, StartError> {
        let t = self.targets.get(&target).ok_or(StartError::UnknownTarget)?;
        let (version, hint, in_flight) = (
            t.config.version(),
            t.repetitions_hint,
            usize::from(t.config.max_in_flight),
        );
        request.check_version(version)?;
        let max_oids = self.config.max_oids_per_request;
        let mut op = Op::new(
            request,
            version,
            max_oids,
            hint,
            t.stripes_hint.as_deref(),
            in_flight,
        );
        let id = OpId(self.next_op);
        self.next_op = self.next_op.saturating_add(1);
        let first = op.start();
        self.ops.insert(
            id,
            Operation {
                op,
                target,
                call,
                paused: false,
                deferred: SmallVec::new(),
                requests: SmallVec::new(),
            },
        );
        self.step(id, first);
        Ok(id)
    }

    /// The retries and the timeout per attempt of a request: its call's, else its target's.
    pub(crate) fn timing(&self, target: TargetId, op: Option<OpId>) -> (u32, core::time::Duration) {
        let call = op
            .and_then(|op| self.ops.get(&op))
            .map(|o| o.call)
            .unwrap_or_default();
        let (retries, timeout) = self
            .targets
            .get(&target)
            .map_or((0, core::time::Duration::ZERO), |t| {
                (t.config.retries, t.config.timeout)
            });
        (
            call.retries.unwrap_or(retries),
            call.timeout.unwrap_or(timeout),
        )
    }

    /// Holds back an operation's next requests (those already made, in flight or queued, still
    /// go out and complete): a walk whose
    /// reader is behind stops asking for more until [`Session::resume`]. Answers already
    /// asked for still come as events. Nothing happens for an operation that has ended.
    ///
    /// What an adapter uses for backpressure: it pauses a walk when its reader has too many
    /// batches waiting and resumes it when the reader catches up.
    pub fn pause(&mut self, op: OpId) {
        if let Some(o) = self.ops.get_mut(&op) {
            o.paused = true;
        }
    }

    /// Sends what a paused operation held back, and lets it go on.
    pub fn resume(&mut self, op: OpId) {
        let deferred = match self.ops.get_mut(&op) {
            Some(o) if o.paused => {
                o.paused = false;
                core::mem::take(&mut o.deferred)
            }
            _ => return,
        };
        for slot in deferred {
            self.send_slot(op, slot);
        }
    }

    /// Cancels an operation: it ends with [`Error::Cancelled`]. Answers that arrive later are
    /// counted as duplicates and dropped.
    pub fn cancel(&mut self, op: OpId) {
        self.finish(op, Err(Error::Cancelled));
    }

    /// Carries out an operation's step.
    fn step(&mut self, id: OpId, step: Step) {
        match step {
            Step::Send => self.send_slot(id, 0),
            Step::SendSlots(slots) => {
                for slot in slots {
                    self.send_slot(id, slot);
                }
            }
            Step::Wait => {}
            Step::Finish(result) => self.finish(id, result),
        }
    }

    /// Makes the request an operation's `slot` shows now, and schedules it.
    fn send_slot(&mut self, id: OpId, slot: Slot) {
        if let Some(o) = self.ops.get_mut(&id).filter(|o| o.paused) {
            // Its reader is behind: the request goes out on resume.
            o.deferred.push(slot);
            return;
        }
        let Some((target, fire_and_forget)) = self
            .ops
            .get(&id)
            .map(|o| (o.target, !o.op.view(slot).expects_response()))
        else {
            return;
        };
        let malformed = self.targets.get(&target).map_or(0, |t| t.malformed);
        let rid = self.requests.insert(
            Some((id, slot)),
            target,
            fire_and_forget,
            Purpose::User,
            malformed,
        );
        if let Some(o) = self.ops.get_mut(&id) {
            o.requests.push((slot, rid));
        }
        self.schedule(rid);
    }

    fn finish(&mut self, id: OpId, result: Result<(), Error>) {
        if let Some(mut o) = self.ops.remove(&id) {
            if let Some(t) = self.targets.get_mut(&o.target) {
                if let Some(reps) = o.op.learned_repetitions() {
                    t.repetitions_hint = Some(reps);
                }
                if result.is_ok() {
                    if let Some(h) = o.op.learned_stripes() {
                        t.stripes_hint = Some(Box::new(h));
                    }
                }
            }
            if result.is_err() {
                let mut out = self.events.take_buffer();
                o.op.flush(&mut out);
                self.events.emit(id, out);
            }
            for (_, rid) in o.requests {
                self.drop_request(rid);
            }
            self.events.done(id, result);
        }
    }

    // ----- requests ------------------------------------------------------------------------

    /// Queues a request for sending, or parks it until its v3 target's engine is known (and
    /// starts the discovery if none runs).
    fn schedule(&mut self, rid: RequestId) {
        let Some(req) = self.requests.get(rid) else {
            return;
        };
        let target = req.target;
        let needs_engine =
            req.is_user_request() && self.v3(target).is_some_and(|v| v.engine.is_none());
        if !needs_engine {
            self.send_queue.push_back(rid);
            return;
        }
        let start_discovery = match self.v3_mut(target) {
            Some(v3) => {
                v3.waiting.push(rid);
                v3.discovery.is_none()
            }
            None => false,
        };
        if start_discovery {
            self.counters.discoveries = self.counters.discoveries.wrapping_add(1);
            let malformed = self.targets.get(&target).map_or(0, |t| t.malformed);
            let d = self
                .requests
                .insert(None, target, false, Purpose::Discovery, malformed);
            if let Some(v3) = self.v3_mut(target) {
                v3.discovery = Some(d);
            }
            self.send_queue.push_back(d);
        }
    }

    /// Forgets a request (its timer, msgIDs), remembering its ids as completed.
    fn drop_request(&mut self, rid: RequestId) -> Option<requests::Request> {
        let req = self.requests.remove(rid)?;
        self.purge_timers();
        Some(req)
    }

    /// A request failed for good: its operation ends, or for a discovery every request that
    /// waited for it.
    fn fail_request(&mut self, rid: RequestId, e: Error) {
        let Some(req) = self.drop_request(rid) else {
            return;
        };
        match req.purpose {
            Purpose::User => {
                let Some(op) = req.op else {
                    return;
                };
                let Some(o) = self.ops.get_mut(&op) else {
                    return;
                };
                // The operation decides: most end with the error; a parallel walk ends the
                // stripe and hands out what comes before it.
                let slot = o.take_request(rid).unwrap_or(req.slot);
                let mut out = self.events.take_buffer();
                let step = o.op.on_failure(slot, e, &mut out);
                self.events.emit(op, out);
                self.step(op, step);
            }
            Purpose::Discovery => {
                let waiting = match self.v3_mut(req.target) {
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

    /// In AES `Auto` mode, while no answer has confirmed the key extension, every retry of a
    /// user request tries the next candidate.
    fn maybe_switch_privacy(&mut self, target: TargetId, rid: RequestId) -> bool {
        let is_user = self.requests.get(rid).is_some_and(|r| r.is_user_request());
        is_user && self.v3_mut(target).is_some_and(V3State::switch_privacy)
    }

    /// Sends request `rid` again now (after a resynchronisation or a key switch).
    fn resend(&mut self, rid: RequestId) {
        if let Some(req) = self.requests.get_mut(rid) {
            req.deadline = None;
            self.send_queue.push_back(rid);
        }
    }

    /// Forgets the target's engine and sends request `rid` again after a new discovery (once
    /// per request; a new engine may need its own time synchronisation).
    fn rediscover(&mut self, rid: RequestId) {
        let Some(req) = self.requests.get_mut(rid) else {
            return;
        };
        req.rediscovered = true;
        req.resynced = false;
        req.deadline = None;
        let target = req.target;
        if let Some(v3) = self.v3_mut(target) {
            v3.engine = None;
        }
        self.schedule(rid);
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// When [`Session::handle_timeout`] should next be called (`None` when nothing waits).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        // Stale entries are purged from the top after every change (`purge_timers`), so the top
        // is a live deadline.
        match (self.timers.next(), self.next_conn_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Drops deadlines at the top of the heap that no request waits for any more.
    fn purge_timers(&mut self) {
        let requests = &self.requests;
        self.timers.purge(|rid, at| requests.waits_until(rid, at));
    }

    /// Acts on every deadline at or before `now`: retransmits, or ends requests that ran out
    /// of attempts with [`Error::Timeout`]. Safe to call at any time.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.handle_conn_timeouts(now);
        while let Some((t, rid)) = self.timers.pop_due(now) {
            let Some(req) = self.requests.get_mut(rid) else {
                continue;
            };
            if req.deadline != Some(t) {
                continue; // stale
            }
            req.deadline = None;
            let (attempts, target_id, op, slot) = (req.attempts, req.target, req.op, req.slot);
            if let Some(kind) = req.unauthenticated_report.take() {
                // The agent (or someone) reported a problem and no genuine answer came in the
                // attempt's window. unknownEngineID the first time: the agent's engine may have
                // changed, so discover it again and resend; otherwise the typed error, without
                // further attempts.
                if kind == crate::ReportKind::UnknownEngineId && !req.rediscovered {
                    self.rediscover(rid);
                } else {
                    self.fail_request(rid, Error::Report(kind));
                }
                continue;
            }
            let (retries, per_attempt) = self.timing(target_id, op);
            if attempts <= retries {
                let switched = self.maybe_switch_privacy(target_id, rid);
                if !switched && self.stream_up(target_id) {
                    // RFC 3430: no retransmission on a connection that is up; the attempt
                    // is counted and the request waits on, as long as over UDP.
                    if let Some(req) = self.requests.get_mut(rid) {
                        req.attempts = req.attempts.saturating_add(1);
                        let deadline = now + per_attempt;
                        req.deadline = Some(deadline);
                        self.timers.set(deadline, rid);
                    }
                    continue;
                }
                if let Some(o) = op.and_then(|op| self.ops.get_mut(&op)) {
                    o.op.on_attempt_timeout(slot);
                }
                self.send_queue.push_back(rid);
            } else {
                self.counters.timeouts = self.counters.timeouts.wrapping_add(1);
                let seen = self.targets.get(&target_id).map_or(0, |t| t.malformed);
                let Some(req) = self.requests.get_mut(rid) else {
                    continue;
                };
                let datagrams = seen.wrapping_sub(req.malformed_before);
                let is_user = req.is_user_request();
                let last_usm = req.last_usm_error.take();
                // A v3 target with privacy whose engine answered the discovery, but nothing
                // authenticated ever came: the agent drops what it cannot decrypt.
                let privacy_suspect = is_user
                    && self.v3(target_id).is_some_and(|v| {
                        v.security.level == snmp_codec::SecurityLevel::AuthPriv
                            && v.engine.as_ref().is_some_and(|e| !e.trusted)
                    });
                let e = match last_usm {
                    Some(u) => Error::Usm(u),
                    None if datagrams > 0 => Error::Malformed {
                        attempts,
                        datagrams,
                    },
                    None if privacy_suspect => Error::PrivacyTimeout {
                        attempts,
                        waited: per_attempt.saturating_mul(attempts),
                    },
                    None => Error::Timeout {
                        attempts,
                        waited: per_attempt.saturating_mul(attempts),
                    },
                };
                self.fail_request(rid, e);
            }
        }
        self.purge_timers();
    }
}

#[cfg(test)]
mod size_tests {
    /// Ten thousand targets in flight must fit in tens of MiB: a target's inline part (what a
    /// v2c target costs) stays small, v3 state is boxed.
    #[test]
    fn a_target_stays_small() {
        let size = core::mem::size_of::<super::Target>();
        assert!(size <= 160, "Target is {size} bytes");
    }
}
