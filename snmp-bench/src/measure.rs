//! What a client measures: operations, varbinds, errors, wall and CPU time, peak memory.

use std::time::Instant;

use serde::{Deserialize, Serialize};

/// What a client did in one run of a case (one JSON line of a client process).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Measured {
    /// Operations completed (GETs, walks, polls).
    pub(crate) ops: u64,
    /// Varbinds received.
    pub(crate) varbinds: u64,
    /// Failed operations.
    #[serde(default)]
    pub(crate) errors: u64,
    /// Wall seconds of the measured part.
    pub(crate) wall: f64,
    /// User CPU seconds of the measured part.
    pub(crate) user: f64,
    /// System CPU seconds of the measured part.
    pub(crate) sys: f64,
    /// Peak RSS of the process, KiB.
    #[serde(default)]
    pub(crate) maxrss_kb: u64,
    /// Heap allocations during the measured part (counted by this binary's allocator: the
    /// clients that run in-process; 0 for the others).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) allocs: u64,
    /// Bytes those allocations asked for.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) alloc_bytes: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Measured {
    /// Successful operations per second (a failed operation is not counted).
    pub(crate) fn rate(&self) -> f64 {
        self.ops.saturating_sub(self.errors) as f64 / self.wall.max(1e-9)
    }
}

/// CPU time of this process so far (user, system) and its peak RSS in KiB (VmHWM: unlike
/// getrusage's ru_maxrss, it does not carry the parent's size over fork and exec).
pub(crate) fn rusage_self() -> (f64, f64, u64) {
    let (u, s, _) = rusage(nix::sys::resource::UsageWho::RUSAGE_SELF);
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|st| {
            st.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse().ok()))
        })
        .unwrap_or(0);
    (u, s, hwm)
}

pub(crate) fn rusage(who: nix::sys::resource::UsageWho) -> (f64, f64, u64) {
    match nix::sys::resource::getrusage(who) {
        Ok(u) => {
            let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
            (t(u.user_time()), t(u.system_time()), u.max_rss() as u64)
        }
        Err(_) => (0.0, 0.0, 0),
    }
}

/// Times a measured part: `start` before, `finish` after.
/// Counts one outcome: a value (`vbs`) or an error.
pub(crate) fn tally<T, E>(outcome: &Result<T, E>, vbs: &mut u64, errors: &mut u64) {
    match outcome {
        Ok(_) => *vbs += 1,
        Err(_) => *errors += 1,
    }
}

pub(crate) struct Meter {
    start: Instant,
    cpu: (f64, f64),
    heap: (u64, u64),
}

impl Meter {
    /// Starts measuring.
    pub(crate) fn start() -> Meter {
        let (u, s, _) = rusage_self();
        Meter {
            heap: crate::heap(),
            start: Instant::now(),
            cpu: (u, s),
        }
    }

    /// Seconds since the start.
    pub(crate) fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// The measurement.
    pub(crate) fn finish(&self, ops: u64, varbinds: u64, errors: u64) -> Measured {
        let wall = self.elapsed();
        let (u, s, rss) = rusage_self();
        let heap = crate::heap();
        Measured {
            allocs: heap.0.saturating_sub(self.heap.0),
            alloc_bytes: heap.1.saturating_sub(self.heap.1),
            ops,
            varbinds,
            errors,
            wall,
            user: u - self.cpu.0,
            sys: s - self.cpu.1,
            maxrss_kb: rss,
        }
    }
}

/// What a client process reports: a measurement, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Reported {
    /// The client cannot run the case (not installed, no such operation, failed, hung).
    Unsupported {
        /// Why.
        unsupported: String,
    },
    /// It ran.
    Measured(Measured),
}

impl Reported {
    /// The measurement, or why there is none.
    pub(crate) fn into_result(self) -> Result<Measured, String> {
        match self {
            Reported::Measured(m) => Ok(m),
            Reported::Unsupported { unsupported } => Err(unsupported),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_both_ways_and_old_lines_too() {
        let m = Measured {
            ops: 10,
            varbinds: 250,
            errors: 1,
            wall: 2.0,
            user: 0.5,
            sys: 0.25,
            maxrss_kb: 4096,
            ..Measured::default()
        };
        assert_eq!(m.rate(), 4.5);
        let line = serde_json::to_string(&Reported::Measured(m.clone())).unwrap();
        let back: Reported = serde_json::from_str(&line).unwrap();
        assert_eq!(back.into_result(), Ok(m));
        // Lines of the first harness had no errors or maxrss_kb.
        let old = r#"{"ops":3,"varbinds":3,"wall":1.0,"user":0.1,"sys":0.1}"#;
        let old: Reported = serde_json::from_str(old).unwrap();
        assert_eq!(old.into_result().unwrap().errors, 0);
        let no: Reported = serde_json::from_str(r#"{"unsupported":"hung"}"#).unwrap();
        assert_eq!(no.into_result(), Err("hung".to_owned()));
    }
}
