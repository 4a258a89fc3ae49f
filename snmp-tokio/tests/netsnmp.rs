//! The Manager on tokio against the real Net-SNMP agent and trap receiver, on the
//! multi-threaded and the current-thread runtimes.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_testkit::adapter_tests as t;
use snmp_tokio::Tokio;

/// The interop suite both faces run, expanded for this one.
mod suite {
    use snmp_tokio::Client;

    use snmp_testkit::adapter_tests::get_all;

    fn client_with(config: SessionConfig) -> Result<Client, Error> {
        Client::new(snmp_tokio::Tokio, config)
    }

    async fn collect_polls(p: snmp_tokio::PollMany) -> Vec<snmp_tokio::PollResult> {
        use futures_util::StreamExt;
        p.collect().await
    }

    snmp_testkit::netsnmp_suite!(face: snmp_tokio, async: (async), aw: (.await));
}

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
    multi().block_on(suite::every_version_and_v3_combination());
}

#[test]
fn every_version_and_v3_combination_current_thread() {
    current().block_on(suite::every_version_and_v3_combination());
}

#[test]
fn walks_match_net_snmp() {
    multi().block_on(suite::walks_match_net_snmp());
}

#[test]
fn walks_match_net_snmp_current_thread() {
    current().block_on(suite::walks_match_net_snmp());
}

#[test]
fn table_matches_walk() {
    current().block_on(suite::table_matches_walk());
}

#[test]
fn set_and_read_back() {
    multi().block_on(suite::set_and_read_back());
}

#[test]
fn errors_are_typed() {
    current().block_on(suite::errors_are_typed());
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    multi().block_on(suite::traps_and_informs_reach_snmptrapd());
}

#[test]
fn tcp_every_operation() {
    multi().block_on(suite::tcp_every_operation());
}

#[test]
fn tcp_every_operation_current_thread() {
    current().block_on(suite::tcp_every_operation());
}

#[test]
fn tcp_poll_many_mixed() {
    multi().block_on(suite::tcp_poll_many_mixed());
}

#[test]
fn poll_many_thousand_agents() {
    multi().block_on(t::poll_many_thousand_agents::<Tokio>());
}

#[test]
fn tcp_traps_and_informs_reach_snmptrapd() {
    multi().block_on(suite::tcp_traps_and_informs_reach_snmptrapd());
}
