//! The blocking Manager against the real Net-SNMP agent and trap receiver: the interop suite
//! both faces run (`snmp_testkit::netsnmp_suite!`: every version and v3 combination, walks
//! equal to snmpwalk, tables, SETs, typed errors, traps and informs), plus what is the
//! blocking face's own (its trap receiver, a dropped walk cancels, poll_many over one socket,
//! v3 poll targets discovered once).

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use snmp_blocking::session::Error as SessionError;
use snmp_blocking::{AuthProtocol, Client, Error, Manager, Oid, PollTarget, PrivProtocol, Value};
use snmp_testkit::adapter_tests::{static_agent_config, v3_name, AUTH_PW, PRIV_PW, SYS_DESCR};
use snmp_testkit::NetSnmpd;

/// The interop suite both faces run, expanded for this one.
mod suite {
    use snmp_blocking::Client;

    /// The GET of one OID from many managers, one after the other (the caller's thread is
    /// the engine's).
    fn get_all(ms: Vec<(String, Manager)>, oid: &str) -> Vec<(String, Result<Value, Error>)> {
        ms.into_iter().map(|(name, m)| (name, m.get(oid))).collect()
    }

    fn client_with(config: SessionConfig) -> Result<Client, Error> {
        Client::new(config)
    }

    fn collect_polls(p: snmp_blocking::PollMany) -> Vec<snmp_blocking::PollResult> {
        p.collect()
    }

    snmp_testkit::netsnmp_suite!(face: snmp_blocking, async: (), aw: ());
}

#[test]
fn every_version_and_v3_combination() {
    suite::every_version_and_v3_combination();
}

#[test]
fn walks_match_net_snmp() {
    suite::walks_match_net_snmp();
}

#[test]
fn table_matches_walk() {
    suite::table_matches_walk();
}

#[test]
fn set_and_read_back() {
    suite::set_and_read_back();
}

#[test]
fn errors_are_typed() {
    suite::errors_are_typed();
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    suite::traps_and_informs_reach_snmptrapd();
}

const SYS_DESCR_OID: &str = "1.3.6.1.2.1.1.1.0";

fn agent() -> NetSnmpd {
    NetSnmpd::start(&static_agent_config()).expect("start snmpd")
}

fn v2c(agent: &NetSnmpd, community: &str) -> Manager {
    Manager::builder(&agent.addr().to_string())
        .community(community)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

fn operation_error<T: std::fmt::Debug>(r: Result<T, Error>) -> SessionError {
    match r {
        Err(Error::Operation { error, .. }) => *error,
        other => panic!("expected an operation error, got {other:?}"),
    }
}

#[test]
fn a_dropped_walk_is_cancelled_and_the_manager_goes_on() {
    let agent = agent();
    let m = v2c(&agent, "public");
    let mut walk = m.walk(".1");
    let first: Vec<_> = walk.by_ref().take(3).collect();
    assert_eq!(first.len(), 3);
    drop(walk);
    let before = m.counters();
    // Nothing of the walk is left: the next call is answered at once, and no other request
    // goes out for the dropped walk.
    assert_eq!(m.get(SYS_DESCR_OID).unwrap(), Value::from(SYS_DESCR));
    let after = m.counters();
    assert_eq!(after.requests, before.requests + 1);
    // Two walks at once over one manager, interleaved: each gives the whole subtree.
    let whole = m.bulk_walk("system", 3).collect_all().unwrap();
    let mut a = m.bulk_walk("system", 3);
    let mut b = m.walk("system");
    let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
    loop {
        let (x, y) = (a.next(), b.next());
        if x.is_none() && y.is_none() {
            break;
        }
        got_a.extend(x.map(Result::unwrap));
        got_b.extend(y.map(Result::unwrap));
    }
    assert_eq!(got_a, whole);
    assert_eq!(got_b, whole);
}

#[test]
fn poll_many_over_one_socket_and_v3_targets_discovered_once() {
    let agent = agent();
    let addr = agent.addr();
    let v3cfg = Manager::builder(&addr.to_string())
        .user(v3_name(AuthProtocol::Sha256, Some("AES")))
        .auth(AuthProtocol::Sha256, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .target_config()
        .unwrap();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut quiet = Manager::builder(&silent.local_addr().unwrap().to_string())
        .timeout(Duration::from_millis(200))
        .retries(0)
        .target_config()
        .unwrap();
    quiet.retries = 0;
    let targets = vec![
        PollTarget::v2c_host(&addr.to_string(), "public").unwrap(),
        PollTarget::new(v3cfg),
        PollTarget::new(quiet),
    ];
    let client = Client::with_defaults().unwrap();
    for round in 0..2 {
        let oids: Vec<Oid> = vec![
            SYS_DESCR_OID.parse().unwrap(),
            "1.3.6.1.2.1.1.99.0".parse().unwrap(),
        ];
        let mut results: Vec<_> = client.poll_many(targets.clone(), oids, 2).collect();
        results.sort_by_key(|r| (r.index, r.oid.clone()));
        assert_eq!(results.len(), 6, "round {round}");
        for r in &results {
            match (r.index, r.oid.to_string().as_str()) {
                (0 | 1, SYS_DESCR_OID) => assert_eq!(r.result, Ok(Value::from(SYS_DESCR))),
                (0 | 1, _) => assert!(matches!(
                    operation_error(r.result.clone()),
                    SessionError::NoSuchObject { .. }
                )),
                _ => assert!(r.result.as_ref().is_err_and(Error::is_timeout), "{r:?}"),
            }
        }
    }
    // Through a manager's own client too (its socket is connected to the agent; the poll's
    // targets go over the client's unconnected socket).
    let m = v2c(&agent, "public");
    let n = m
        .poll_names(targets[..2].to_vec(), ["sysName.0"], 10)
        .unwrap()
        .count();
    assert_eq!(n, 2);
}

#[test]
fn tcp_every_operation() {
    suite::tcp_every_operation();
}

#[test]
fn tcp_poll_many_mixed() {
    suite::tcp_poll_many_mixed();
}

#[test]
fn tcp_traps_and_informs_reach_snmptrapd() {
    suite::tcp_traps_and_informs_reach_snmptrapd();
}
