//! The Manager on smol (and under async-std) against the real Net-SNMP agent and trap
//! receiver.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_smol::Smol;
use snmp_testkit::adapter_tests as t;

#[test]
fn every_version_and_v3_combination_smol() {
    smol::block_on(t::every_version_and_v3_combination::<Smol>());
}

#[test]
fn every_version_and_v3_combination_async_std() {
    async_std::task::block_on(t::every_version_and_v3_combination::<Smol>());
}

#[test]
fn walks_match_net_snmp() {
    smol::block_on(t::walks_match_net_snmp::<Smol>());
}

#[test]
fn walks_match_net_snmp_async_std() {
    async_std::task::block_on(t::walks_match_net_snmp::<Smol>());
}

#[test]
fn table_matches_walk() {
    smol::block_on(t::table_matches_walk::<Smol>());
}

#[test]
fn set_and_read_back() {
    async_std::task::block_on(t::set_and_read_back::<Smol>());
}

#[test]
fn errors_are_typed() {
    smol::block_on(t::errors_are_typed::<Smol>());
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    smol::block_on(t::traps_and_informs_reach_snmptrapd::<Smol>());
}

#[test]
fn poll_many_thousand_agents() {
    smol::block_on(t::poll_many_thousand_agents::<Smol>());
}

#[test]
fn trap_receiver_gets_net_snmp_notifications() {
    smol::block_on(t::trap_receiver_gets_net_snmp_notifications::<Smol>());
}
