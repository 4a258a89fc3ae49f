//! The Manager on tokio against the real Net-SNMP agent and trap receiver, on the
//! multi-threaded and the current-thread runtimes.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_testkit::adapter_tests as t;
use snmp_tokio::Tokio;

fn multi() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn current() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn every_version_and_v3_combination_multi_thread() {
    multi().block_on(t::every_version_and_v3_combination::<Tokio>());
}

#[test]
fn every_version_and_v3_combination_current_thread() {
    current().block_on(t::every_version_and_v3_combination::<Tokio>());
}

#[test]
fn walks_match_net_snmp() {
    multi().block_on(t::walks_match_net_snmp::<Tokio>());
}

#[test]
fn walks_match_net_snmp_current_thread() {
    current().block_on(t::walks_match_net_snmp::<Tokio>());
}

#[test]
fn table_matches_walk() {
    current().block_on(t::table_matches_walk::<Tokio>());
}

#[test]
fn set_and_read_back() {
    multi().block_on(t::set_and_read_back::<Tokio>());
}

#[test]
fn errors_are_typed() {
    current().block_on(t::errors_are_typed::<Tokio>());
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    multi().block_on(t::traps_and_informs_reach_snmptrapd::<Tokio>());
}

#[test]
fn poll_many_thousand_agents() {
    multi().block_on(t::poll_many_thousand_agents::<Tokio>());
}

#[test]
fn trap_receiver_gets_net_snmp_notifications() {
    current().block_on(t::trap_receiver_gets_net_snmp_notifications::<Tokio>());
}
