//! What a session knows of a v3 target's engine: discovery, the engine clock and its trust,
//! the keys localised to it, the AES key-extension switch, and how a message to it is made.

use alloc::vec::Vec;

use snmp_codec::{Bytes, PduRef, ScopedPduRef, SecurityLevel};
use snmp_usm::{
    encode_outgoing, EngineClock, Instant, LocalEngine, LocalizedUser, OutgoingHeader,
    PrivProtocol, UsmError,
};

use super::ids::{MsgId, RequestId};
use super::{KnownEngine, TargetId};
use crate::config::V3Security;
use crate::error::Error;

/// A v3 agent's engine, once discovered.
#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) id: Bytes,
    pub(crate) clock: EngineClock,
    /// Set once an authenticated message confirmed the clock; until then the discovery values
    /// are used for sending only.
    pub(crate) trusted: bool,
    pub(crate) keys: LocalizedUser,
    /// Index into the target's privacy candidates of the protocol in use.
    privacy_choice: usize,
    /// An authenticated answer arrived with the current keys (the AES fallback stops).
    confirmed: bool,
    /// The agent's msgMaxSize.
    max_size: usize,
}

/// The v3 state of a target (boxed in the target: most targets of a large poll are v1/v2c).
#[derive(Debug)]
pub(crate) struct V3State {
    pub(crate) security: V3Security,
    /// The privacy protocol to try first and, in AES `Auto` mode, the alternative.
    candidates: Vec<PrivProtocol>,
    pub(crate) engine: Option<Engine>,
    /// The discovery probe in flight.
    pub(crate) discovery: Option<RequestId>,
    /// Requests parked until the engine is known.
    pub(crate) waiting: Vec<RequestId>,
    /// Keys localised to our own engine, for traps (we are their authoritative engine).
    trap_keys: Option<LocalizedUser>,
}

/// What a v3 message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A discovery probe: noAuthNoPriv, empty user, engine and context.
    Discovery,
    /// A trap: we are the authoritative engine.
    Trap,
    /// A request to the agent's engine.
    Request,
}

/// Who we are, for the messages we make.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Local<'a> {
    pub(crate) engine_id: &'a Bytes,
    pub(crate) boots: u32,
    /// When the session first ran (our engine time counts from here).
    pub(crate) started: Instant,
    /// Our msgMaxSize.
    pub(crate) max_size: i32,
}

/// The security of one message: keys, level, clock and context, by [`Role`].
struct Sending<'a> {
    keys: &'a LocalizedUser,
    level: SecurityLevel,
    /// (msgAuthoritativeEngineBoots, msgAuthoritativeEngineTime).
    clock: (u32, u32),
    context_engine_id: &'a [u8],
    context_name: &'a [u8],
    /// The largest message the receiving engine takes.
    agent_max: usize,
}

/// One attempt's own values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    pub(crate) msg_id: MsgId,
    pub(crate) salt: u64,
    pub(crate) now: Instant,
}

impl V3State {
    pub(crate) fn new(security: V3Security) -> Self {
        V3State {
            candidates: security.privacy_candidates(),
            security,
            engine: None,
            discovery: None,
            waiting: Vec::new(),
            trap_keys: None,
        }
    }

    /// Learns the engine from a discovery Report (unauthenticated: its ID, boots and time are
    /// used for sending only, until an authenticated answer confirms them). Returns the
    /// requests that waited for it.
    pub(crate) fn learn(
        &mut self,
        id: Bytes,
        boots: u32,
        time: u32,
        now: Instant,
        max_size: usize,
    ) -> Vec<RequestId> {
        let p = self.candidates.first().copied();
        let keys = self.security.user.localize_with(&id, p);
        self.engine = Some(Engine {
            clock: EngineClock::new(boots, time, now),
            id,
            trusted: false,
            keys,
            privacy_choice: 0,
            confirmed: false,
            max_size,
        });
        self.discovery = None;
        core::mem::take(&mut self.waiting)
    }

    /// An authenticated message arrived with the current keys: the key extension is
    /// confirmed, the agent's msgMaxSize taken, and a clock not yet trusted set from it.
    pub(crate) fn confirm(&mut self, boots: u32, time: u32, now: Instant, max_size: usize) {
        if let Some(engine) = self.engine.as_mut() {
            engine.confirmed = true;
            engine.max_size = max_size;
            if !engine.trusted {
                engine.clock = EngineClock::new(boots, time, now);
                engine.trusted = true;
            }
        }
    }

    /// Resynchronises the clock from an authenticated notInTimeWindow Report.
    pub(crate) fn resync(&mut self, boots: u32, time: u32, now: Instant) {
        if let Some(engine) = self.engine.as_mut() {
            engine.clock = EngineClock::new(boots, time, now);
            engine.trusted = true;
        }
    }

    /// In AES `Auto` mode, while no answer has confirmed the key extension, tries the next
    /// candidate (Net-SNMP drops what it cannot decrypt). Returns whether it switched.
    pub(crate) fn switch_privacy(&mut self) -> bool {
        let n = self.candidates.len();
        let Some(engine) = self.engine.as_mut() else {
            return false;
        };
        if n < 2 || engine.confirmed {
            return false;
        }
        engine.privacy_choice = engine
            .privacy_choice
            .saturating_add(1)
            .checked_rem(n)
            .unwrap_or(0);
        let p = self.candidates.get(engine.privacy_choice).copied();
        engine.keys = self.security.user.localize_with(&engine.id, p);
        true
    }

    /// Makes the message of one attempt into `buf`.
    // The session's one error type is large (a walk's error holds OIDs); this runs once per
    // datagram and fails only when a message cannot be made, so boxing would buy nothing.
    #[allow(clippy::result_large_err)]
    pub(crate) fn encode(
        &mut self,
        role: Role,
        pdu: PduRef<'_>,
        local: Local<'_>,
        attempt: Attempt,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        if role == Role::Trap && self.trap_keys.is_none() {
            self.trap_keys = Some(self.security.user.localize(local.engine_id));
        }
        let anonymous;
        let send = match role {
            Role::Discovery => {
                anonymous = LocalizedUser::without_keys("", b"");
                Sending {
                    keys: &anonymous,
                    level: SecurityLevel::NoAuthNoPriv,
                    clock: (0, 0),
                    context_engine_id: &[],
                    context_name: &[],
                    agent_max: usize::MAX,
                }
            }
            Role::Trap => {
                let engine = LocalEngine::new(local.boots, local.started);
                let ceid = self.security.context_engine_id.as_deref();
                Sending {
                    keys: self.trap_keys.as_ref().ok_or(Error::UnknownTarget)?,
                    level: self.security.level,
                    clock: (engine.boots(), engine.time(attempt.now)),
                    context_engine_id: ceid.unwrap_or(local.engine_id),
                    context_name: &self.security.context_name,
                    agent_max: usize::MAX,
                }
            }
            Role::Request => {
                let engine = self.engine.as_ref().ok_or(Error::UnknownTarget)?;
                let ceid = self.security.context_engine_id.as_deref();
                Sending {
                    keys: &engine.keys,
                    level: self.security.level,
                    clock: engine.clock.estimate(attempt.now),
                    context_engine_id: ceid.unwrap_or(&engine.id),
                    context_name: &self.security.context_name,
                    agent_max: engine.max_size,
                }
            }
        };
        let scoped = ScopedPduRef {
            context_engine_id: send.context_engine_id,
            context_name: send.context_name,
            pdu,
        };
        let header = OutgoingHeader {
            msg_id: attempt.msg_id.0,
            msg_max_size: local.max_size,
            level: send.level,
            reportable: role != Role::Trap,
            engine_boots: send.clock.0,
            engine_time: send.clock.1,
            salt: attempt.salt,
        };
        let limit = buf.len().min(send.agent_max);
        let (buf, _) = buf.split_at_mut(limit);
        encode_outgoing(&header, send.keys, scoped, buf).map_err(|e| match e {
            UsmError::Encode(_) => Error::TooBig,
            other => Error::Usm(other),
        })
    }

    /// The agent's msgMaxSize, once known.
    pub(crate) fn agent_max_size(&self) -> usize {
        self.engine.as_ref().map_or(usize::MAX, |e| e.max_size)
    }

    /// Whether a Response's security matches what we asked for (level, context, user).
    pub(crate) fn matches(&self, level: SecurityLevel, context: &[u8], user: &[u8]) -> bool {
        level == self.security.level
            && context == &self.security.context_name[..]
            && user == &self.security.user.name()[..]
    }
}

/// The engines of a session's v3 targets.
impl super::Session {
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

    /// The engine of a v3 target once an authenticated answer confirmed it, with its boots
    /// and time estimated at `now`: what [`Session::seed_engine`](super::Session::seed_engine) takes in a later session.
    pub fn engine(&self, target: TargetId, now: Instant) -> Option<KnownEngine> {
        let engine = self.targets.get(&target)?.v3.as_ref()?.engine.as_ref()?;
        if !engine.trusted {
            return None;
        }
        let (boots, time) = engine.clock.estimate(now);
        Some(KnownEngine {
            id: engine.id.clone(),
            boots,
            time,
        })
    }

    /// Gives a v3 target the engine an earlier session knew (from a state file), so that its
    /// first request goes without a discovery. As a discovery's values, it is used for sending
    /// only until an authenticated answer confirms it; a stale one costs what the agent's
    /// Report says (a time resync, or a new discovery for an unknown engine ID). Returns
    /// `false`, doing nothing, for a target that is not v3 or already knows or seeks an engine.
    pub fn seed_engine(&mut self, target: TargetId, engine: &KnownEngine, now: Instant) -> bool {
        let Some(v3) = self.v3_mut(target) else {
            return false;
        };
        if v3.engine.is_some() || v3.discovery.is_some() || engine.id.is_empty() {
            return false;
        }
        let waiting = v3.learn(engine.id.clone(), engine.boots, engine.time, now, 65_507);
        self.send_queue.extend(waiting);
        true
    }

    pub(super) fn v3(&self, target: TargetId) -> Option<&V3State> {
        self.targets.get(&target)?.v3.as_deref()
    }

    pub(super) fn v3_mut(&mut self, target: TargetId) -> Option<&mut V3State> {
        self.targets.get_mut(&target)?.v3.as_deref_mut()
    }
}
