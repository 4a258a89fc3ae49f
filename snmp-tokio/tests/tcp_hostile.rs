//! Hostile agents over TCP (slowloris, an endless length, garbage, closing mid-answer or at
//! once, accepting and never answering): each call gets a clear error within its timeout,
//! and a good agent on the same client is served meanwhile.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use snmp_testkit::{HostileTcpAgent, Hostility};
use snmp_tokio::session::Error as SessionError;
use snmp_tokio::{Client, Error, Manager, Value};

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";

fn operation_error(r: Result<Value, Error>) -> SessionError {
    match r {
        Err(Error::Operation { error, .. }) => *error,
        other => panic!("expected an operation error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_tcp_agents_get_clear_errors_and_others_are_served() {
    let config = snmp_testkit::sim::SimConfig {
        tcp: true,
        ..Default::default()
    };
    let good_agent =
        snmp_testkit::sim::serve_agents(&config, || snmp_testkit::FakeAgent::synthetic_device(4))
            .await
            .unwrap();
    let client = Client::with_defaults().unwrap();
    let good = Manager::builder(&format!("tcp:{}", good_agent.addrs[0]))
        .client(&client)
        .build()
        .await
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
            .await
            .unwrap();
        let start = Instant::now();
        let (bad_result, good_results) = tokio::join!(bad.get(SYS_NAME), async {
            let mut n = 0;
            for _ in 0..20 {
                if good.get(SYS_NAME).await.is_ok() {
                    n += 1;
                }
            }
            n
        });
        let took = start.elapsed();
        let e = operation_error(bad_result);
        snmp_testkit::assert_hostile_outcome(how, &e, took, timeout, &agent);
        assert_eq!(good_results, 20, "{how:?}: the good agent was not served");
        println!("{how:?}: {e} after {took:?}");
    }
}
