//! The embedded standard set, compiled ahead of time.
//!
//! `data/default.mibc` is Net-SNMP's default module list with its imports;
//! `data/standard.mibc` is every module of `mibs/`. Both are made from the text in `mibs/`
//! by this crate's own loader; the test `tests/standard.rs` regenerates them and fails if
//! the bytes differ (run it with `SNMP_MIB_BLESS=1` to rewrite them).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::model::Mib;
use bytes::Bytes;

/// Net-SNMP's default module list (`net-snmp-config --default-mibs`, 5.9): what its tools
/// load when neither `-m` nor `MIBS` says otherwise. Ours too.
pub const DEFAULT_MODULES: &[&str] = &[
    "SNMPv2-MIB",
    "IF-MIB",
    "IP-MIB",
    "TCP-MIB",
    "UDP-MIB",
    "HOST-RESOURCES-MIB",
    "NOTIFICATION-LOG-MIB",
    "DISMAN-EVENT-MIB",
    "DISMAN-SCHEDULE-MIB",
    "HOST-RESOURCES-TYPES",
    "MTA-MIB",
    "NETWORK-SERVICES-MIB",
    "UCD-DISKIO-MIB",
    "UCD-DLMOD-MIB",
    "LM-SENSORS-MIB",
    "UCD-SNMP-MIB",
    "UCD-DEMO-MIB",
    "SNMP-TARGET-MIB",
    "NET-SNMP-AGENT-MIB",
    "SNMP-FRAMEWORK-MIB",
    "SNMP-MPD-MIB",
    "SNMP-USER-BASED-SM-MIB",
    "SNMP-VIEW-BASED-ACM-MIB",
    "SNMP-COMMUNITY-MIB",
    "IPV6-ICMP-MIB",
    "IPV6-MIB",
    "IPV6-TCP-MIB",
    "IPV6-UDP-MIB",
    "IP-FORWARD-MIB",
    "NET-SNMP-PASS-MIB",
    "NET-SNMP-EXTEND-MIB",
    "SNMP-NOTIFICATION-MIB",
    "SNMPv2-TM",
    "NET-SNMP-VACM-MIB",
];

static DEFAULT: &[u8] = include_bytes!("../data/default.mibc");
static STANDARD: &[u8] = include_bytes!("../data/standard.mibc");

#[cfg(feature = "load")]
pub(crate) use crate::standard_files::FILES;

fn open(bytes: &'static [u8]) -> Mib {
    // The embedded bytes are checked by the crate's tests; should they ever be damaged
    // the set is empty rather than a panic.
    Mib::from_bytes(Bytes::from_static(bytes)).unwrap_or_else(|_| Mib::empty())
}

/// Net-SNMP's default modules ([`DEFAULT_MODULES`](crate::DEFAULT_MODULES)) and their
/// imports: what `snmpwalk` names things with when no `-m` is given.
pub(crate) fn default_set() -> Mib {
    open(DEFAULT)
}

/// Every module of the embedded standard set (IETF, IANA, IEEE, Net-SNMP).
pub(crate) fn standard() -> Mib {
    open(STANDARD)
}

impl Mib {
    /// Every module of the embedded standard set; no files, no parse.
    pub fn standard() -> Mib {
        standard()
    }

    /// Net-SNMP's default module list with its imports, embedded.
    pub fn default_set() -> Mib {
        default_set()
    }
}
