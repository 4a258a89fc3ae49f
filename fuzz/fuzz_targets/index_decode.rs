//! Index decoding: arbitrary instance arcs (as an agent sends them) after the columns of
//! tables with every kind of index (integers, enumerations, fixed and length-prefixed
//! strings, IMPLIED strings, InetAddress, OIDs). Never a panic, on 64-bit or 32-bit `usize`
//! (`cargo fuzz run index_decode --target i686-unknown-linux-gnu`); what decodes encodes back
//! to the same arcs; formatting the full OID never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use snmp_mib::{Format, Mib};

const COLUMNS: &[&str] = &[
    "IF-MIB::ifDescr",
    "IP-MIB::ipAddressIfIndex",
    "IP-MIB::ipNetToPhysicalPhysAddress",
    "TCP-MIB::tcpConnectionState",
    "SNMP-VIEW-BASED-ACM-MIB::vacmAccessContextMatch",
    "SNMP-VIEW-BASED-ACM-MIB::vacmViewTreeFamilyMask",
    "SNMP-TARGET-MIB::snmpTargetAddrTDomain",
    "SNMP-USER-BASED-SM-MIB::usmUserAuthProtocol",
    "SNMP-COMMUNITY-MIB::snmpCommunityName",
    "HOST-RESOURCES-MIB::hrSWRunName",
];

fn mib() -> &'static Mib {
    static MIB: OnceLock<Mib> = OnceLock::new();
    MIB.get_or_init(Mib::default_set)
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let mib = mib();
    let Some(column) = COLUMNS
        .get(usize::from(which) % COLUMNS.len())
        .and_then(|name| mib.node(name))
    else {
        return;
    };
    // Arcs from the bytes: a marker byte chooses the edges (0, 255, u32::MAX, a length that
    // wraps a 32-bit usize when added) the arithmetic must survive, else the next 4 bytes.
    let mut arcs = Vec::new();
    let mut bytes = rest;
    while let Some((&tag, more)) = bytes.split_first() {
        bytes = more;
        let arc = match tag % 8 {
            0 => u32::MAX,
            1 => u32::MAX - 1,
            2 => 0x8000_0000,
            3 => u32::from(tag >> 3),
            _ => match bytes.split_first_chunk::<4>() {
                Some((chunk, more)) => {
                    bytes = more;
                    u32::from_le_bytes(*chunk)
                }
                None => u32::from(tag),
            },
        };
        arcs.push(arc);
        if arcs.len() > 256 {
            break;
        }
    }
    if let Ok(values) = mib.decode_index(column, &arcs) {
        let encoded = mib
            .encode_index(column, &values)
            .expect("decoded index values encode");
        assert_eq!(encoded, arcs, "decode then encode gives the arcs back");
    }
    let mut full = column.oid().arcs().to_vec();
    full.extend_from_slice(&arcs);
    let mut out = String::new();
    Format::default().write_oid(&mut out, mib, &full);
    let mut suffixes = String::new();
    snmp_mib::Format::from_flags("s")
        .expect("a Net-SNMP output flag")
        .write_oid(&mut suffixes, mib, &full);
});
