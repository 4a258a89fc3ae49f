//! The Manager on smol (and under async-std) against the real Net-SNMP agent and trap
//! receiver.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_smol::Smol;
use snmp_testkit::adapter_tests as t;

/// The interop suite both faces run, expanded for this one.
mod suite {
    use snmp_smol::Client;

    use snmp_testkit::adapter_tests::get_all;

    fn client_with(config: SessionConfig) -> Result<Client, Error> {
        Client::new(snmp_smol::Smol::default(), config)
    }

    async fn collect_polls(p: snmp_smol::PollMany) -> Vec<snmp_smol::PollResult> {
        use futures_util::StreamExt;
        p.collect().await
    }

    snmp_testkit::netsnmp_suite!(face: snmp_smol, async: (async), aw: (.await));
}

#[test]
fn every_version_and_v3_combination_smol() {
    smol::block_on(suite::every_version_and_v3_combination());
}

#[test]
fn every_version_and_v3_combination_async_std() {
    async_std::task::block_on(suite::every_version_and_v3_combination());
}

#[test]
fn walks_match_net_snmp() {
    smol::block_on(suite::walks_match_net_snmp());
}

#[test]
fn walks_match_net_snmp_async_std() {
    async_std::task::block_on(suite::walks_match_net_snmp());
}

#[test]
fn table_matches_walk() {
    smol::block_on(suite::table_matches_walk());
}

#[test]
fn set_and_read_back() {
    async_std::task::block_on(suite::set_and_read_back());
}

#[test]
fn errors_are_typed() {
    smol::block_on(suite::errors_are_typed());
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    smol::block_on(suite::traps_and_informs_reach_snmptrapd());
}

#[test]
fn poll_many_thousand_agents() {
    smol::block_on(t::poll_many_thousand_agents::<Smol>());
}

#[test]
fn tcp_every_operation() {
    smol::block_on(suite::tcp_every_operation());
}

#[test]
fn tcp_poll_many_mixed() {
    smol::block_on(suite::tcp_poll_many_mixed());
}

#[test]
fn tcp_traps_and_informs_reach_snmptrapd() {
    smol::block_on(suite::tcp_traps_and_informs_reach_snmptrapd());
}
