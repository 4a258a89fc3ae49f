//! The authoritative side of USM: what an engine that receives requests (an agent, or a
//! notification receiver for informs) answers when a message fails its checks: Reports that
//! name a usmStats counter (RFC 3414 3.2), discovery included, with the counter's value.
//! Shared by the session's notification receiver and the simulated agents.

use snmp_codec::{Bytes, GenericPdu, Oid, Pdu, ScopedPdu, SecurityLevel, Value, VarBind};

use crate::error::UsmError;
use crate::privacy::SaltCounter;
use crate::process::{encode_outgoing, OutgoingHeader};
use crate::time::{Instant, LocalEngine};
use crate::user::LocalizedUser;

/// The usmStats counters a Report can name (`1.3.6.1.6.3.15.1.1.N.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UsmStat {
    /// usmStatsUnsupportedSecLevels (1).
    UnsupportedSecLevels = 1,
    /// usmStatsNotInTimeWindows (2).
    NotInTimeWindows = 2,
    /// usmStatsUnknownUserNames (3).
    UnknownUserNames = 3,
    /// usmStatsUnknownEngineIDs (4): also the answer to a discovery probe.
    UnknownEngineIds = 4,
    /// usmStatsWrongDigests (5).
    WrongDigests = 5,
    /// usmStatsDecryptionErrors (6).
    DecryptionErrors = 6,
}

/// `usmStats` (1.3.6.1.6.3.15.1.1).
const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

impl UsmStat {
    const ALL: [UsmStat; 6] = [
        UsmStat::UnsupportedSecLevels,
        UsmStat::NotInTimeWindows,
        UsmStat::UnknownUserNames,
        UsmStat::UnknownEngineIds,
        UsmStat::WrongDigests,
        UsmStat::DecryptionErrors,
    ];

    /// The counter's instance OID, as a Report carries it.
    ///
    /// ```
    /// assert_eq!(snmp_usm::UsmStat::WrongDigests.oid().to_string(), "1.3.6.1.6.3.15.1.1.5.0");
    /// ```
    pub fn oid(self) -> Oid {
        let mut arcs = [0u32; 11];
        arcs[..9].copy_from_slice(&USM_STATS);
        arcs[9] = self as u32;
        Oid::from_arcs(&arcs)
    }

    /// Its place among the engine's counters (the discriminants are 1..=6).
    fn slot(self) -> usize {
        (self as usize).saturating_sub(1)
    }

    /// The counter an OID names (the instance, or the object without `.0`).
    pub fn from_oid(oid: &Oid) -> Option<UsmStat> {
        let a = oid.arcs();
        if a.get(..9) != Some(&USM_STATS[..]) || !matches!(a.len(), 10 | 11) {
            return None;
        }
        if a.get(10).is_some_and(|&x| x != 0) {
            return None;
        }
        let arc = a.get(9)?;
        UsmStat::ALL.into_iter().find(|s| *s as u32 == *arc)
    }

    /// The counter a failed incoming check counts in (none for failures that get no Report).
    pub fn for_error(e: &UsmError) -> Option<UsmStat> {
        Some(match e {
            UsmError::UnsupportedSecurityLevel => UsmStat::UnsupportedSecLevels,
            UsmError::NotInTimeWindow => UsmStat::NotInTimeWindows,
            UsmError::UnknownUserName => UsmStat::UnknownUserNames,
            UsmError::UnknownEngineId => UsmStat::UnknownEngineIds,
            UsmError::WrongDigest => UsmStat::WrongDigests,
            UsmError::DecryptionError => UsmStat::DecryptionErrors,
            _ => return None,
        })
    }

    /// The level its Report is sent at: notInTimeWindow authenticated (so that the sender
    /// can trust the clock it carries, RFC 3414 3.2 step 7b), the others unauthenticated.
    pub fn report_level(self) -> SecurityLevel {
        match self {
            UsmStat::NotInTimeWindows => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }
}

/// An authoritative engine's identity, clock and usmStats counters, and the Reports it sends.
///
/// ```
/// use snmp_usm::{Authoritative, Instant, UsmStat};
/// let mut engine = Authoritative::new(b"\x80\x00\x1f\x88\x05engine".to_vec().into(), 1, Instant::ZERO, 7);
/// let mut buf = [0u8; 512];
/// let n = engine.report(Instant::ZERO, 99, 1, UsmStat::UnknownEngineIds, None, &mut buf)?;
/// assert!(n > 0);
/// assert_eq!(engine.count(UsmStat::UnknownEngineIds), 1);
/// # Ok::<(), snmp_usm::UsmError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Authoritative {
    engine_id: Bytes,
    engine: LocalEngine,
    salts: SaltCounter,
    counts: [u32; 6],
    /// Seconds added to the engine time of discovery Reports (for simulated agents with a
    /// skewed clock; 0 otherwise).
    discovery_time_skew: i64,
}

impl Authoritative {
    /// An engine `engine_id`, booted for the `boots`-th time at `started`; `salt_seed` starts
    /// its privacy salts.
    pub fn new(engine_id: Bytes, boots: u32, started: Instant, salt_seed: u64) -> Self {
        Authoritative {
            engine_id,
            engine: LocalEngine::new(boots, started),
            salts: SaltCounter::new(salt_seed),
            counts: [0; 6],
            discovery_time_skew: 0,
        }
    }

    /// Our engine ID.
    pub fn engine_id(&self) -> &Bytes {
        &self.engine_id
    }

    /// Our boots and clock.
    pub fn engine(&self) -> &LocalEngine {
        &self.engine
    }

    /// Reboots: boots goes up, the clock starts again at `now`.
    pub fn reboot(&mut self, now: Instant) {
        self.engine = LocalEngine::new(self.engine.boots().saturating_add(1), now);
    }

    /// The next privacy salt (for the engine's own authPriv answers).
    pub fn next_salt(&mut self) -> u64 {
        self.salts.next_salt()
    }

    /// Makes discovery Reports carry an engine time off by `secs` (a fault for simulations).
    pub fn set_discovery_time_skew(&mut self, secs: i64) {
        self.discovery_time_skew = secs;
    }

    /// How many Reports have named `stat`.
    pub fn count(&self, stat: UsmStat) -> u32 {
        self.counts.get(stat.slot()).copied().unwrap_or(0)
    }

    /// The Report for a message that failed with `stat` (`msg_id` and `request_id` as the
    /// message had them), into `buf`. notInTimeWindow is signed with `keys` when given (the
    /// sender's keys for this engine); every other Report is unauthenticated. The counter goes
    /// up and the Report carries its value.
    pub fn report(
        &mut self,
        now: Instant,
        msg_id: i32,
        request_id: i32,
        stat: UsmStat,
        keys: Option<&LocalizedUser>,
        buf: &mut [u8],
    ) -> Result<usize, UsmError> {
        let count = match self.counts.get_mut(stat.slot()) {
            Some(c) => {
                *c = c.wrapping_add(1);
                *c
            }
            None => 0,
        };
        let mut time = self.engine.time(now);
        if stat == UsmStat::UnknownEngineIds {
            time = i64::from(time)
                .saturating_add(self.discovery_time_skew)
                .clamp(0, i64::from(u32::MAX)) as u32;
        }
        let anonymous = LocalizedUser::without_keys("", &self.engine_id);
        let (level, keys) = match keys {
            Some(k) if stat.report_level() != SecurityLevel::NoAuthNoPriv => {
                (stat.report_level(), k)
            }
            _ => (SecurityLevel::NoAuthNoPriv, &anonymous),
        };
        let scoped = ScopedPdu {
            context_engine_id: self.engine_id.clone(),
            context_name: Bytes::new(),
            pdu: Pdu::Report(GenericPdu::new(
                request_id,
                alloc::vec![VarBind::new(stat.oid(), Value::Counter32(count))],
            )),
        };
        let header = OutgoingHeader {
            msg_id,
            msg_max_size: 65507,
            level,
            reportable: false,
            engine_boots: self.engine.boots(),
            engine_time: time,
            salt: self.salts.next_salt(),
        };
        encode_outgoing(&header, keys, &scoped, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_round_trip_through_their_oids() {
        for s in UsmStat::ALL {
            assert_eq!(UsmStat::from_oid(&s.oid()), Some(s));
        }
        let object = Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, 3]);
        assert_eq!(UsmStat::from_oid(&object), Some(UsmStat::UnknownUserNames));
        assert_eq!(
            UsmStat::from_oid(&Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, 7, 0])),
            None
        );
        assert_eq!(
            UsmStat::from_oid(&Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 1])),
            None
        );
        assert_eq!(
            UsmStat::for_error(&UsmError::WrongDigest),
            Some(UsmStat::WrongDigests)
        );
        assert_eq!(UsmStat::for_error(&UsmError::EmptyPassword), None);
    }
}
