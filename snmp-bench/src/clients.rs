//! The clients, typed: the project's three, the peers, and the floors, and how each is run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A client's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) enum ClientId {
    /// The async Manager on tokio (ours, the reference of the ratios).
    #[serde(rename = "snmp-rs-tokio")]
    SnmpRsTokio,
    /// The blocking Manager (ours, snmp-blocking).
    #[serde(rename = "snmp-rs-blocking")]
    SnmpRsBlocking,
    /// The async Manager on smol (ours).
    #[serde(rename = "snmp-rs-smol")]
    SnmpRsSmol,
    /// The sans-IO engine with a hand loop (ours).
    #[serde(rename = "snmp-rs-engine")]
    SnmpRsEngine,
    /// async-snmp (Rust).
    #[serde(rename = "async-snmp")]
    AsyncSnmp,
    /// snmp2 (Rust).
    #[serde(rename = "snmp2")]
    Snmp2,
    /// gufo-snmp (Python).
    #[serde(rename = "gufo-snmp")]
    GufoSnmp,
    /// snmpkit (Python).
    #[serde(rename = "snmpkit")]
    Snmpkit,
    /// A libnetsnmp C client.
    #[serde(rename = "libnetsnmp-c")]
    LibnetsnmpC,
    /// Net-SNMP's command-line tools.
    #[serde(rename = "net-snmp-cli")]
    NetSnmpCli,
    /// Our `snmp` command, run as Net-SNMP's tools are (one process per walk or GET).
    #[serde(rename = "snmp-rs-cli")]
    SnmpRsCli,
    /// Net-SNMP's `snmpbulkwalk -Cr256` (the latency cases: like with like for our adaptive
    /// and striped walks, which ask for up to 256).
    #[serde(rename = "net-snmp-cli-r256")]
    NetSnmpCliR256,
    /// gufo-snmp's bulk walk with `max_repetitions=150` (the latency cases): the most it can
    /// take here; at 180 and more its decoder fails on the answer ("incomplete").
    #[serde(rename = "gufo-snmp-r150")]
    GufoSnmpR150,
    /// snmpkit's bulk walk with `bulk_size=256` (the latency cases).
    #[serde(rename = "snmpkit-r256")]
    SnmpkitR256,
    /// async-snmp's bulk walk with 256 repetitions (the latency cases).
    #[serde(rename = "async-snmp-r256")]
    AsyncSnmpR256,
    /// The tokio Manager with adaptive repetitions (the latency cases).
    #[serde(rename = "snmp-rs-adaptive")]
    SnmpRsAdaptive,
    /// The tokio Manager walking 4 stripes at once (the latency cases).
    #[serde(rename = "snmp-rs-parallel4")]
    SnmpRsParallel4,
    /// 8 stripes.
    #[serde(rename = "snmp-rs-parallel8")]
    SnmpRsParallel8,
    /// 16 stripes.
    #[serde(rename = "snmp-rs-parallel16")]
    SnmpRsParallel16,
    /// 16 stripes, adaptive repetitions.
    #[serde(rename = "snmp-rs-parallel16-adaptive")]
    SnmpRsParallel16Adaptive,
    /// The blocking-socket floor.
    #[serde(rename = "udp-floor-blocking")]
    UdpFloorBlocking,
    /// The blocking floor over a connected socket (`send`/`recv`), as a client for one
    /// agent works.
    #[serde(rename = "udp-floor-connected")]
    UdpFloorConnected,
    /// The tokio-socket floor.
    #[serde(rename = "udp-floor-tokio")]
    UdpFloorTokio,
}

impl ClientId {
    /// Every client, in the table's order.
    pub(crate) const ALL: [ClientId; 23] = [
        ClientId::SnmpRsTokio,
        ClientId::SnmpRsBlocking,
        ClientId::SnmpRsSmol,
        ClientId::SnmpRsEngine,
        ClientId::AsyncSnmp,
        ClientId::Snmp2,
        ClientId::GufoSnmp,
        ClientId::Snmpkit,
        ClientId::LibnetsnmpC,
        ClientId::NetSnmpCli,
        ClientId::SnmpRsCli,
        ClientId::NetSnmpCliR256,
        ClientId::GufoSnmpR150,
        ClientId::SnmpkitR256,
        ClientId::AsyncSnmpR256,
        ClientId::SnmpRsAdaptive,
        ClientId::SnmpRsParallel4,
        ClientId::SnmpRsParallel8,
        ClientId::SnmpRsParallel16,
        ClientId::SnmpRsParallel16Adaptive,
        ClientId::UdpFloorBlocking,
        ClientId::UdpFloorConnected,
        ClientId::UdpFloorTokio,
    ];

    /// The id as text.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ClientId::SnmpRsTokio => "snmp-rs-tokio",
            ClientId::SnmpRsBlocking => "snmp-rs-blocking",
            ClientId::SnmpRsSmol => "snmp-rs-smol",
            ClientId::SnmpRsEngine => "snmp-rs-engine",
            ClientId::AsyncSnmp => "async-snmp",
            ClientId::Snmp2 => "snmp2",
            ClientId::GufoSnmp => "gufo-snmp",
            ClientId::Snmpkit => "snmpkit",
            ClientId::LibnetsnmpC => "libnetsnmp-c",
            ClientId::NetSnmpCli => "net-snmp-cli",
            ClientId::SnmpRsCli => "snmp-rs-cli",
            ClientId::NetSnmpCliR256 => "net-snmp-cli-r256",
            ClientId::GufoSnmpR150 => "gufo-snmp-r150",
            ClientId::SnmpkitR256 => "snmpkit-r256",
            ClientId::AsyncSnmpR256 => "async-snmp-r256",
            ClientId::SnmpRsAdaptive => "snmp-rs-adaptive",
            ClientId::SnmpRsParallel4 => "snmp-rs-parallel4",
            ClientId::SnmpRsParallel8 => "snmp-rs-parallel8",
            ClientId::SnmpRsParallel16 => "snmp-rs-parallel16",
            ClientId::SnmpRsParallel16Adaptive => "snmp-rs-parallel16-adaptive",
            ClientId::UdpFloorBlocking => "udp-floor-blocking",
            ClientId::UdpFloorConnected => "udp-floor-connected",
            ClientId::UdpFloorTokio => "udp-floor-tokio",
        }
    }

    /// The client with this id.
    pub(crate) fn parse(s: &str) -> Option<ClientId> {
        ClientId::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// One of the project's.
    pub(crate) fn ours(self) -> bool {
        matches!(
            self,
            ClientId::SnmpRsTokio
                | ClientId::SnmpRsBlocking
                | ClientId::SnmpRsSmol
                | ClientId::SnmpRsEngine
        ) || self.walk_mode()
    }

    /// One of our walk modes (adaptive, striped): measured in the latency cases only.
    pub(crate) fn walk_mode(self) -> bool {
        matches!(
            self,
            ClientId::SnmpRsAdaptive
                | ClientId::SnmpRsParallel4
                | ClientId::SnmpRsParallel8
                | ClientId::SnmpRsParallel16
                | ClientId::SnmpRsParallel16Adaptive
        )
    }

    /// A peer asking for 256 repetitions (gufo-snmp: 150): measured in the latency cases only.
    pub(crate) fn peer_r256(self) -> bool {
        matches!(
            self,
            ClientId::NetSnmpCliR256
                | ClientId::GufoSnmpR150
                | ClientId::SnmpkitR256
                | ClientId::AsyncSnmpR256
        )
    }

    /// A floor (no SNMP work; compared by varbinds/s).
    pub(crate) fn floor(self) -> bool {
        matches!(
            self,
            ClientId::UdpFloorBlocking | ClientId::UdpFloorConnected | ClientId::UdpFloorTokio
        )
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a client is run.
#[derive(Debug, Clone)]
pub(crate) enum Runner {
    /// Built into this binary.
    Builtin,
    /// The Python runner with this interpreter.
    Python(PathBuf),
    /// The compiled libnetsnmp client.
    C(PathBuf),
    /// Net-SNMP's command-line tools, one process per walk.
    Cli,
    /// Our `snmp` command (this path), one process per walk or GET.
    OurCli(PathBuf),
    /// Not installed: why.
    Missing(String),
}

/// A client and how to run it.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) id: ClientId,
    pub(crate) runner: Runner,
}

/// Every client, with what is installed of the peers in `peers_dir`.
pub(crate) fn clients(peers_dir: &Path) -> Vec<Client> {
    let status = |name: &str| {
        std::fs::read_to_string(peers_dir.join(format!("{name}.missing")))
            .ok()
            .map(|s| s.trim().to_owned())
    };
    let python = peers_dir.join("venv/bin/python");
    let py = |module: &str| -> Runner {
        if let Some(why) = status(module) {
            return Runner::Missing(why);
        }
        if !python.exists() {
            return Runner::Missing("no venv: run snmp-bench/setup-peers.sh".into());
        }
        Runner::Python(python.clone())
    };
    let c_bin = peers_dir.join("netsnmp-client");
    let c = match status("netsnmp-client") {
        Some(why) => Runner::Missing(why),
        None if c_bin.exists() => Runner::C(c_bin),
        None => Runner::Missing("not compiled: run snmp-bench/setup-peers.sh".into()),
    };
    let cli = if snmp_testkit::which("snmpbulkwalk").is_some() {
        Runner::Cli
    } else {
        Runner::Missing("snmpbulkwalk not found (Debian package snmp)".into())
    };
    // The `snmp` binary beside this one (cargo builds both into target/release).
    let ours_cli = match std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join("snmp")))
    {
        Some(p) if p.exists() => Runner::OurCli(p),
        _ => Runner::Missing("build it first: cargo build --release -p snmp-cli".into()),
    };
    ClientId::ALL
        .into_iter()
        .map(|id| {
            let runner = match id {
                ClientId::GufoSnmp | ClientId::GufoSnmpR150 => py("gufo_snmp"),
                ClientId::Snmpkit | ClientId::SnmpkitR256 => py("snmpkit"),
                ClientId::NetSnmpCliR256 => cli.clone(),
                ClientId::LibnetsnmpC => c.clone(),
                ClientId::NetSnmpCli => cli.clone(),
                ClientId::SnmpRsCli => ours_cli.clone(),
                _ => Runner::Builtin,
            };
            Client { id, runner }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_missing_peers_say_why() {
        for c in ClientId::ALL {
            assert_eq!(ClientId::parse(c.as_str()), Some(c));
        }
        let dir = std::env::temp_dir().join("snmp-bench-no-peers");
        let all = clients(&dir);
        assert_eq!(all.len(), ClientId::ALL.len());
        for c in &all {
            match c.id {
                ClientId::GufoSnmp
                | ClientId::Snmpkit
                | ClientId::GufoSnmpR150
                | ClientId::SnmpkitR256
                | ClientId::LibnetsnmpC => {
                    assert!(matches!(c.runner, Runner::Missing(_)), "{:?}", c)
                }
                id if id.ours() || id.floor() => assert!(matches!(c.runner, Runner::Builtin)),
                _ => {}
            }
        }
    }
}
