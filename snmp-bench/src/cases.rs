//! The benchmark cases, typed: what each does, its agent group, and what one operation is.

use serde::{Deserialize, Serialize};

/// GET target: sysName.0.
pub(crate) const GET_OID: &str = "1.3.6.1.2.1.1.5.0";
/// GETNEXT walk root: ifDescr (1,000 rows on agent A).
pub(crate) const NEXT_ROOT: &str = "1.3.6.1.2.1.2.2.1.2";
/// GETBULK walk root: ifTable (909 x 11 = 9,999 varbinds on B, 9,091 x 11 = 100,001 on C).
pub(crate) const BULK_ROOT: &str = "1.3.6.1.2.1.2.2";
/// The whole device, for the latency cases.
pub(crate) const DEVICE_ROOT: &str = "1.3.6.1";
/// Polled OID: sysUpTime.0.
pub(crate) const POLL_OID: &str = "1.3.6.1.2.1.1.3.0";
/// max-repetitions of the bulk walks.
pub(crate) const BULK_REPS: u32 = 25;
/// Rounds of a `poll_200x20` run.
pub(crate) const POLL_ROUNDS: usize = 20;
/// The v3 user every agent knows: SHA-256 / AES-128.
pub(crate) const V3_USER: &str = "bench";
/// Its authentication password.
pub(crate) const V3_AUTH: &str = "bench-auth-pass";
/// Its privacy password.
pub(crate) const V3_PRIV: &str = "bench-priv-pass";

/// A case's id (what the JSON lines and the clients' command lines carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) enum CaseId {
    /// Sequential GET, v2c.
    #[serde(rename = "get_v2c")]
    GetV2c,
    /// Sequential GET, v3 authPriv.
    #[serde(rename = "get_v3")]
    GetV3,
    /// GETNEXT walk of 1,000 varbinds.
    #[serde(rename = "walk_next_1k")]
    WalkNext1k,
    /// GETBULK walk of 9,999 varbinds, v2c.
    #[serde(rename = "bulk_10k")]
    Bulk10k,
    /// The same, v3 authPriv.
    #[serde(rename = "bulk_10k_v3")]
    Bulk10kV3,
    /// GETBULK walk of 100,001 varbinds, v2c.
    #[serde(rename = "bulk_100k")]
    Bulk100k,
    /// The same, v3 authPriv.
    #[serde(rename = "bulk_100k_v3")]
    Bulk100kV3,
    /// 200 agents polled 20 times.
    #[serde(rename = "poll_200x20")]
    Poll200x20,
    /// 10,000 agents polled once.
    #[serde(rename = "poll_10k")]
    Poll10k,
    /// A whole 40,000-varbind device walked over a 10 ms round trip.
    #[serde(rename = "device_rtt10ms")]
    DeviceRtt10ms,
    /// The same device on a single-threaded agent that takes 2 ms per request.
    #[serde(rename = "device_cpu2ms")]
    DeviceCpu2ms,
}

/// The work a case is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// Sequential GETs of [`GET_OID`].
    Get,
    /// Walks of `root`: GETNEXT ([`NEXT_ROOT`]) or GETBULK ([`BULK_ROOT`], or the whole
    /// device, [`DEVICE_ROOT`], in the latency cases).
    Walk {
        /// GETBULK (else GETNEXT).
        bulk: bool,
        /// The subtree.
        root: &'static str,
    },
    /// `rounds` polls of [`POLL_OID`] over every agent of the group.
    Poll {
        /// Rounds per measured run.
        rounds: usize,
    },
}

impl CaseId {
    /// Every case, in the table's order.
    pub(crate) const ALL: [CaseId; 11] = [
        CaseId::GetV2c,
        CaseId::GetV3,
        CaseId::WalkNext1k,
        CaseId::Bulk10k,
        CaseId::Bulk10kV3,
        CaseId::Bulk100k,
        CaseId::Bulk100kV3,
        CaseId::Poll200x20,
        CaseId::Poll10k,
        CaseId::DeviceRtt10ms,
        CaseId::DeviceCpu2ms,
    ];

    /// The id as text.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CaseId::GetV2c => "get_v2c",
            CaseId::GetV3 => "get_v3",
            CaseId::WalkNext1k => "walk_next_1k",
            CaseId::Bulk10k => "bulk_10k",
            CaseId::Bulk10kV3 => "bulk_10k_v3",
            CaseId::Bulk100k => "bulk_100k",
            CaseId::Bulk100kV3 => "bulk_100k_v3",
            CaseId::Poll200x20 => "poll_200x20",
            CaseId::Poll10k => "poll_10k",
            CaseId::DeviceRtt10ms => "device_rtt10ms",
            CaseId::DeviceCpu2ms => "device_cpu2ms",
        }
    }

    /// The case with this id.
    pub(crate) fn parse(s: &str) -> Option<CaseId> {
        CaseId::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// One of the latency cases (a whole device over a slow network or from a slow agent).
    pub(crate) fn latency(self) -> bool {
        matches!(self, CaseId::DeviceRtt10ms | CaseId::DeviceCpu2ms)
    }

    /// Whether it runs over SNMPv3 (authPriv SHA-256/AES-128).
    pub(crate) fn v3(self) -> bool {
        matches!(self, CaseId::GetV3 | CaseId::Bulk10kV3 | CaseId::Bulk100kV3)
    }

    /// What it does.
    pub(crate) fn work(self) -> Work {
        match self {
            CaseId::GetV2c | CaseId::GetV3 => Work::Get,
            CaseId::WalkNext1k => Work::Walk {
                bulk: false,
                root: NEXT_ROOT,
            },
            CaseId::Bulk10k | CaseId::Bulk10kV3 | CaseId::Bulk100k | CaseId::Bulk100kV3 => {
                Work::Walk {
                    bulk: true,
                    root: BULK_ROOT,
                }
            }
            CaseId::DeviceRtt10ms | CaseId::DeviceCpu2ms => Work::Walk {
                bulk: true,
                root: DEVICE_ROOT,
            },
            CaseId::Poll200x20 => Work::Poll {
                rounds: POLL_ROUNDS,
            },
            CaseId::Poll10k => Work::Poll { rounds: 1 },
        }
    }
}

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A benchmark case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    /// Its id.
    pub(crate) id: CaseId,
    /// What it does.
    pub(crate) label: &'static str,
    /// Which agent group it runs against (an index into [`GROUPS`]).
    pub(crate) group: usize,
    /// What one operation is.
    pub(crate) unit: &'static str,
}

/// An agent group: agents on consecutive ports from `base + offset`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    /// Port offset from the base port.
    pub(crate) offset: u16,
    /// Agents.
    pub(crate) agents: usize,
    /// Interfaces of each synthetic device.
    pub(crate) interfaces: u32,
    /// Whether the agents know the v3 user.
    pub(crate) v3: bool,
    /// Delay of every answer (a round trip), in milliseconds.
    pub(crate) delay_ms: u64,
    /// Time the agent takes per request, one at a time, in microseconds.
    pub(crate) processing_us: u64,
    /// Interfaces in smoke mode (a smaller device where the case is slow by design).
    pub(crate) smoke_interfaces: u32,
}

impl Group {
    const fn plain(offset: u16, agents: usize, interfaces: u32, v3: bool) -> Group {
        Group {
            offset,
            agents,
            interfaces,
            v3,
            delay_ms: 0,
            processing_us: 0,
            smoke_interfaces: interfaces,
        }
    }
}

/// Interfaces of the latency cases' device: 3,636 ifTable rows make 40,004 varbinds under
/// 1.3.6.1 (11 columns a row, and the system group and the rest).
const DEVICE_INTERFACES: u32 = 3636;

/// The agent groups.
pub(crate) const GROUPS: &[Group] = &[
    Group::plain(0, 1, 1000, true),
    Group::plain(1, 1, 909, true),
    Group::plain(2, 1, 9091, true),
    Group::plain(100, 200, 1, false),
    Group::plain(1000, 10_000, 1, false),
    // The latency cases: a 10 ms round trip; a CPU-bound agent (2 ms a request).
    Group {
        delay_ms: 10,
        smoke_interfaces: 40,
        ..Group::plain(3, 1, DEVICE_INTERFACES, false)
    },
    Group {
        processing_us: 2000,
        smoke_interfaces: 40,
        ..Group::plain(4, 1, DEVICE_INTERFACES, false)
    },
];

/// The cases.
pub(crate) const CASES: &[Case] = &[
    Case {
        id: CaseId::GetV2c,
        label: "sequential GET, v2c",
        group: 0,
        unit: "GET",
    },
    Case {
        id: CaseId::GetV3,
        label: "sequential GET, v3 authPriv SHA-256/AES-128",
        group: 0,
        unit: "GET",
    },
    Case {
        id: CaseId::WalkNext1k,
        label: "GETNEXT walk of 1,000 varbinds, v2c",
        group: 0,
        unit: "walk",
    },
    Case {
        id: CaseId::Bulk10k,
        label: "GETBULK walk (max-rep 25) of 9,999 varbinds, v2c",
        group: 1,
        unit: "walk",
    },
    Case {
        id: CaseId::Bulk10kV3,
        label: "GETBULK walk (max-rep 25) of 9,999 varbinds, v3 authPriv",
        group: 1,
        unit: "walk",
    },
    Case {
        id: CaseId::Bulk100k,
        label: "GETBULK walk (max-rep 25) of 100,001 varbinds, v2c",
        group: 2,
        unit: "walk",
    },
    Case {
        id: CaseId::Bulk100kV3,
        label: "GETBULK walk (max-rep 25) of 100,001 varbinds, v3 authPriv",
        group: 2,
        unit: "walk",
    },
    Case {
        id: CaseId::Poll200x20,
        label: "poll 200 agents x 20 rounds (one GET each, all agents at once), v2c",
        group: 3,
        unit: "poll",
    },
    Case {
        id: CaseId::Poll10k,
        label: "poll 10,000 agents at once (one GET each), v2c",
        group: 4,
        unit: "poll",
    },
    Case {
        id: CaseId::DeviceRtt10ms,
        label: "whole device (40,004 varbinds) over a 10 ms round trip, GETBULK, v2c",
        group: 5,
        unit: "walk",
    },
    Case {
        id: CaseId::DeviceCpu2ms,
        label: "whole device (40,004 varbinds), agent 2 ms per request one at a time, GETBULK, v2c",
        group: 6,
        unit: "walk",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_every_case_has_a_group() {
        for c in CaseId::ALL {
            assert_eq!(CaseId::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(CASES.len(), CaseId::ALL.len());
        for (case, id) in CASES.iter().zip(CaseId::ALL) {
            assert_eq!(case.id, id);
            assert!(case.group < GROUPS.len());
            assert!(GROUPS[case.group].v3 || !case.id.v3(), "{id}");
        }
        assert_eq!(CaseId::parse("nope"), None);
    }
}
