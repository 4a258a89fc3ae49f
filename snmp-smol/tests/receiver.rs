//! The trap receiver's suite (written once in snmp-testkit for every face) on smol:
//! Net-SNMP's traps and informs over UDP and TCP, drops recorded, TCP bounds.

#![allow(clippy::unwrap_used, missing_docs)]

mod suite {
    snmp_testkit::receiver_suite!(face: snmp_smol, async: (async), aw: (.await));
}

#[test]
fn udp_notifications_from_net_snmp() {
    smol::block_on(suite::udp_notifications_from_net_snmp());
}

#[test]
fn tcp_notifications_from_net_snmp() {
    smol::block_on(suite::tcp_notifications_from_net_snmp());
}

#[test]
fn drops_are_counted_and_recorded() {
    smol::block_on(suite::drops_are_counted_and_recorded());
}

#[test]
fn a_tcp_peer_that_never_reads_is_closed_and_others_are_served() {
    smol::block_on(suite::a_tcp_peer_that_never_reads_is_closed_and_others_are_served());
}
