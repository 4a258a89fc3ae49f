//! The trap receiver's suite (written once in snmp-testkit for every face) on the blocking
//! face: Net-SNMP's traps and informs over UDP and TCP, drops recorded, TCP bounds.

#![allow(clippy::unwrap_used, missing_docs)]

mod suite {
    snmp_testkit::receiver_suite!(face: snmp_blocking, async: (), aw: ());
}

#[test]
fn udp_notifications_from_net_snmp() {
    suite::udp_notifications_from_net_snmp();
}

#[test]
fn tcp_notifications_from_net_snmp() {
    suite::tcp_notifications_from_net_snmp();
}

#[test]
fn drops_are_counted_and_recorded() {
    suite::drops_are_counted_and_recorded();
}

#[test]
fn a_tcp_peer_that_never_reads_is_closed_and_others_are_served() {
    suite::a_tcp_peer_that_never_reads_is_closed_and_others_are_served();
}
