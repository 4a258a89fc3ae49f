//! Hostile agents over TCP, on the blocking face: each call gets a clear error within its
//! timeout, and a good agent on another thread of the same client is served meanwhile.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use snmp_blocking::session::Error as SessionError;
use snmp_blocking::{Client, Error, Manager, Value};
use snmp_testkit::{HostileTcpAgent, Hostility};

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";

fn operation_error(r: Result<Value, Error>) -> SessionError {
    match r {
        Err(Error::Operation { error, .. }) => *error,
        other => panic!("expected an operation error, got {other:?}"),
    }
}

#[test]
fn hostile_tcp_agents_get_clear_errors_and_others_are_served() {
    let snmpd =
        snmp_testkit::NetSnmpd::start(&snmp_testkit::adapter_tests::static_agent_config()).unwrap();
    let client = Client::with_defaults().unwrap();
    let good = Manager::builder(&snmpd.tcp_target())
        .client(&client)
        .build()
        .unwrap();
    let timeout = Duration::from_millis(300);
    for how in [
        Hostility::Silent,
        Hostility::Trickles,
        Hostility::EndlessLength,
        Hostility::Garbage,
        Hostility::ClosesMidAnswer,
        Hostility::ClosesAtOnce,
    ] {
        let agent = HostileTcpAgent::start(how).unwrap();
        let bad = Manager::builder(&agent.target())
            .client(&client)
            .timeout(timeout)
            .retries(1)
            .build()
            .unwrap();
        let start = Instant::now();
        let g = good.clone();
        let other = std::thread::spawn(move || (0..20).filter(|_| g.get(SYS_NAME).is_ok()).count());
        let e = operation_error(bad.get(SYS_NAME));
        let took = start.elapsed();
        snmp_testkit::assert_hostile_outcome(how, &e, took, timeout, &agent);
        assert_eq!(
            other.join().unwrap(),
            20,
            "{how:?}: the good agent was not served"
        );
        println!("{how:?}: {e} after {took:?}");
    }
}
