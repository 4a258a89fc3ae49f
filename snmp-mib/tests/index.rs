//! The one index decoder: decoding then encoding gives the arcs back (and encoding then
//! decoding the values), over the INDEX shapes of the standard set, and formatting agrees
//! with decoding on where each component ends.

#![allow(clippy::unwrap_used, missing_docs)]

use proptest::prelude::*;
use snmp_mib::{Format, IndexValue, Mib};

/// Columns whose rows have the INDEX shapes that matter: an integer (ifTable), an
/// InetAddressType + InetAddress (ipAddressTable), integer + type + address
/// (ipNetToPhysicalTable), an IpAddress (ipAddrTable), length-prefixed strings and integers
/// (vacmSecurityToGroupTable, vacmAccessTable), strings and an OID (vacmViewTreeFamilyTable).
const COLUMNS: &[&str] = &[
    "IF-MIB::ifDescr",
    "IP-MIB::ipAddressIfIndex",
    "IP-MIB::ipNetToPhysicalPhysAddress",
    "IP-MIB::ipAdEntIfIndex",
    "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName",
    "SNMP-VIEW-BASED-ACM-MIB::vacmAccessReadViewName",
    "SNMP-VIEW-BASED-ACM-MIB::vacmViewTreeFamilyMask",
];

fn arcs_strategy() -> impl Strategy<Value = Vec<u32>> {
    // Mostly short runs of small arcs (so that many decode: a length arc that fits), some
    // long ones with large arcs.
    prop_oneof![
        3 => prop::collection::vec(0u32..6, 0..8),
        2 => prop::collection::vec(prop_oneof![8 => 0u32..20, 2 => 0u32..300, 1 => any::<u32>()], 0..24),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Whatever decodes exactly encodes back to the same arcs.
    #[test]
    fn decode_then_encode_gives_the_arcs_back(column in 0..COLUMNS.len(), arcs in arcs_strategy()) {
        let mib = Mib::standard();
        let node = mib.node(COLUMNS[column]).unwrap();
        if let Ok(values) = mib.decode_index(node, &arcs) {
            prop_assert_eq!(mib.encode_index(node, &values).unwrap(), arcs);
        }
    }

    /// An ipAddressTable row from its values, and back.
    #[test]
    fn encode_then_decode_gives_the_values_back(v4 in any::<[u8; 4]>(), v6 in any::<[u8; 16]>(), zone in any::<u32>(), which in 0..4u8) {
        let mib = Mib::standard();
        let node = mib.node("IP-MIB::ipAddressIfIndex").unwrap();
        let (kind, addr) = match which {
            0 => (1, IndexValue::InetAddress(std::net::IpAddr::from(v4))),
            1 => (2, IndexValue::InetAddress(std::net::IpAddr::from(v6))),
            2 => (3, IndexValue::InetAddressZoned { addr: std::net::IpAddr::from(v4), zone }),
            _ => (4, IndexValue::InetAddressZoned { addr: std::net::IpAddr::from(v6), zone }),
        };
        let label = ["ipv4", "ipv6", "ipv4z", "ipv6z"][usize::from(which)].to_owned();
        let values = vec![IndexValue::Integer { value: kind, label: Some(label) }, addr];
        let arcs = mib.encode_index(node, &values).unwrap();
        prop_assert_eq!(mib.decode_index(node, &arcs).unwrap(), values);
    }

    /// Formatting and decoding agree on where the index components end: a full instance
    /// OID that decodes exactly prints with no raw numbers left after its components.
    #[test]
    fn formatting_uses_the_same_components(column in 0..COLUMNS.len(), arcs in arcs_strategy()) {
        let mib = Mib::standard();
        let node = mib.node(COLUMNS[column]).unwrap();
        let mut oid = node.oid();
        oid.extend_from_slice(&arcs);
        let mut format = Format::default();
        format.extended_index = true;
        let extended = format.oid(&mib, &oid);
        if let Ok(values) = mib.decode_index(node, &arcs) {
            // One bracketed component per value, nothing after.
            prop_assert_eq!(extended.matches('[').count() >= values.len(), true, "{}", extended);
            prop_assert!(extended.ends_with(']') || values.is_empty(), "{}", extended);
        }
    }
}

/// The strategy is not vacuous: a good share of its cases decode, for every column.
#[test]
fn many_generated_indexes_decode() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mib = Mib::standard();
    let mut runner = TestRunner::deterministic();
    for column in COLUMNS {
        let node = mib.node(column).unwrap();
        let decoded = (0..2000)
            .filter(|_| {
                let arcs = arcs_strategy().new_tree(&mut runner).unwrap().current();
                mib.decode_index(node, &arcs).is_ok()
            })
            .count();
        assert!(decoded >= 20, "{column}: {decoded} of 2000 decode");
    }
}

#[test]
fn zones_are_kept() {
    let mib = Mib::standard();
    let node = mib.node("IP-MIB::ipAddressIfIndex").unwrap();
    // ipv6z (4): 16 octets of address, 4 of zone.
    let mut arcs = vec![4, 20, 0xfe, 0x80];
    arcs.extend([0; 13]);
    arcs.push(1);
    arcs.extend([0, 0, 0, 3]);
    let v = mib.decode_index(node, &arcs).unwrap();
    assert_eq!(
        v[1],
        IndexValue::InetAddressZoned {
            addr: "fe80::1".parse().unwrap(),
            zone: 3
        }
    );
    assert_eq!(v[1].to_string(), "fe80::1%3");
}

#[test]
fn implied_counts_on_the_last_component_only() {
    let mib = Mib::standard();
    // vacmAccessTable: INDEX { vacmGroupName, vacmAccessContextPrefix, vacmAccessSecurityModel,
    // vacmAccessSecurityLevel }: length-prefixed strings then integers.
    let node = mib
        .node("SNMP-VIEW-BASED-ACM-MIB::vacmAccessReadViewName")
        .unwrap();
    let arcs = [2, 103, 49, 0, 3, 1];
    let v = mib.decode_index(node, &arcs).unwrap();
    assert_eq!(v[0], IndexValue::OctetString(b"g1".to_vec()));
    assert_eq!(v[1], IndexValue::OctetString(Vec::new()));
    assert_eq!(mib.encode_index(node, &v).unwrap(), arcs);
}
