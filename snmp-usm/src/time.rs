//! Time, as the caller hands it in, and USM timeliness (RFC 3414 section 3.2 step 7).

use core::ops::{Add, Sub};
use core::time::Duration;

use crate::error::UsmError;

/// A point in time: microseconds since an origin the driver chooses. Nothing in this workspace's
/// cores reads a clock; the driver converts its clock's readings into these.
///
/// ```
/// use core::time::Duration;
/// use snmp_usm::Instant;
/// let t0 = Instant::from_micros(1_000);
/// let t1 = t0 + Duration::from_secs(2);
/// assert_eq!(t1 - t0, Duration::from_secs(2));
/// assert_eq!(t0 - t1, Duration::ZERO); // saturating
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The origin.
    pub const ZERO: Instant = Instant(0);

    /// An instant `micros` microseconds after the origin.
    pub const fn from_micros(micros: u64) -> Self {
        Instant(micros)
    }

    /// Microseconds since the origin.
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the far end instead of overflowing.
    fn add(self, d: Duration) -> Instant {
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(micros))
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// The time window of RFC 3414: 150 seconds.
pub const TIME_WINDOW_SECS: u32 = 150;

/// The largest snmpEngineBoots; an engine that reaches it is latched and accepts nothing.
pub const MAX_ENGINE_BOOTS: u32 = 2_147_483_647;

/// What a non-authoritative engine (a manager) knows of an authoritative engine's clock:
/// snmpEngineBoots, snmpEngineTime at the moment we learned it, and latestReceivedEngineTime.
///
/// Only an authenticated message may move it ([`EngineClock::update_from_authentic`]);
/// [`crate::process_incoming`] only calls that after the HMAC verified.
///
/// ```
/// use core::time::Duration;
/// use snmp_usm::{EngineClock, Instant, UsmError};
/// let t0 = Instant::from_micros(0);
/// let clock = EngineClock::new(5, 1000, t0);
/// let later = t0 + Duration::from_secs(400);
/// assert_eq!(clock.estimate(later), (5, 1400));
/// assert_eq!(clock.check(later, 5, 1300), Ok(()));
/// assert_eq!(clock.check(later, 5, 1200), Err(UsmError::NotInTimeWindow));
/// assert_eq!(clock.check(later, 4, 9999), Err(UsmError::NotInTimeWindow));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineClock {
    boots: u32,
    time: u32,
    latest_received_time: u32,
    synced_at: Instant,
}

impl EngineClock {
    /// What we learned at `now`: the engine said boots and time.
    pub fn new(boots: u32, time: u32, now: Instant) -> Self {
        Self {
            boots,
            time,
            latest_received_time: time,
            synced_at: now,
        }
    }

    /// The engine's boots as last learned.
    pub fn boots(&self) -> u32 {
        self.boots
    }

    /// Our estimate of the engine's (boots, time) at `now`: the time learned plus the time
    /// elapsed since, capped at 2^31 - 1. This is what outgoing messages carry.
    pub fn estimate(&self, now: Instant) -> (u32, u32) {
        let elapsed = now.saturating_duration_since(self.synced_at).as_secs();
        let t = u64::from(self.time)
            .saturating_add(elapsed)
            .min(u64::from(MAX_ENGINE_BOOTS));
        (self.boots, t as u32)
    }

    /// Applies RFC 3414 3.2 step 7b's update rule for an **authenticated** message: a higher
    /// boots, or the same boots with a time later than any received, resynchronises. Returns
    /// whether anything changed.
    pub fn update_from_authentic(&mut self, now: Instant, msg_boots: u32, msg_time: u32) -> bool {
        if msg_boots > self.boots
            || (msg_boots == self.boots && msg_time > self.latest_received_time)
        {
            *self = EngineClock::new(msg_boots, msg_time, now);
            true
        } else {
            false
        }
    }

    /// The window check of RFC 3414 3.2 step 7b: the engine is latched, the message's boots is
    /// older than ours, or its time is more than 150 seconds behind our estimate.
    pub fn check(&self, now: Instant, msg_boots: u32, msg_time: u32) -> Result<(), UsmError> {
        let (_, estimate) = self.estimate(now);
        if self.boots >= MAX_ENGINE_BOOTS
            || msg_boots < self.boots
            || (msg_boots == self.boots
                && u64::from(msg_time).saturating_add(u64::from(TIME_WINDOW_SECS))
                    < u64::from(estimate))
        {
            Err(UsmError::NotInTimeWindow)
        } else {
            Ok(())
        }
    }
}

/// Our own engine, when we are authoritative (a notification receiver answering informs).
///
/// ```
/// use core::time::Duration;
/// use snmp_usm::{Instant, LocalEngine, UsmError};
/// let t0 = Instant::from_micros(0);
/// let me = LocalEngine::new(3, t0);
/// let now = t0 + Duration::from_secs(1000);
/// assert_eq!(me.time(now), 1000);
/// assert_eq!(me.check(now, 3, 900), Ok(()));
/// assert_eq!(me.check(now, 3, 800), Err(UsmError::NotInTimeWindow));
/// assert_eq!(me.check(now, 2, 1000), Err(UsmError::NotInTimeWindow));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalEngine {
    boots: u32,
    started: Instant,
}

impl LocalEngine {
    /// An engine that booted for the `boots`-th time at `started`.
    pub fn new(boots: u32, started: Instant) -> Self {
        Self { boots, started }
    }

    /// snmpEngineBoots.
    pub fn boots(&self) -> u32 {
        self.boots
    }

    /// snmpEngineTime at `now`: seconds since the start, capped at 2^31 - 1.
    pub fn time(&self, now: Instant) -> u32 {
        now.saturating_duration_since(self.started)
            .as_secs()
            .min(u64::from(MAX_ENGINE_BOOTS)) as u32
    }

    /// The authoritative window check of RFC 3414 3.2 step 7a.
    pub fn check(&self, now: Instant, msg_boots: u32, msg_time: u32) -> Result<(), UsmError> {
        let ours = self.time(now);
        if self.boots >= MAX_ENGINE_BOOTS
            || msg_boots != self.boots
            || ours.abs_diff(msg_time) > TIME_WINDOW_SECS
        {
            Err(UsmError::NotInTimeWindow)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_newer_values_resync() {
        let t0 = Instant::ZERO;
        let mut c = EngineClock::new(2, 100, t0);
        let t1 = t0 + Duration::from_secs(10);
        assert!(
            !c.update_from_authentic(t1, 1, 5000),
            "older boots never resyncs"
        );
        assert!(
            !c.update_from_authentic(t1, 2, 90),
            "older time never resyncs"
        );
        assert!(c.update_from_authentic(t1, 2, 115));
        assert_eq!(c.estimate(t1), (2, 115));
        assert!(c.update_from_authentic(t1, 3, 1), "a reboot resyncs");
        assert_eq!(c.estimate(t1 + Duration::from_secs(5)), (3, 6));
    }

    #[test]
    fn latched_engine_accepts_nothing() {
        let c = EngineClock::new(MAX_ENGINE_BOOTS, 0, Instant::ZERO);
        assert_eq!(
            c.check(Instant::ZERO, MAX_ENGINE_BOOTS, 0),
            Err(UsmError::NotInTimeWindow)
        );
        let e = LocalEngine::new(MAX_ENGINE_BOOTS, Instant::ZERO);
        assert_eq!(
            e.check(Instant::ZERO, MAX_ENGINE_BOOTS, 0),
            Err(UsmError::NotInTimeWindow)
        );
    }

    #[test]
    fn window_edges() {
        let c = EngineClock::new(1, 1000, Instant::ZERO);
        assert_eq!(c.check(Instant::ZERO, 1, 850), Ok(()));
        assert_eq!(
            c.check(Instant::ZERO, 1, 849),
            Err(UsmError::NotInTimeWindow)
        );
        assert_eq!(c.check(Instant::ZERO, 2, 0), Ok(()), "a newer boots passes");
    }
}
