//! A caller awaiting one operation on tokio drives the driver on its own task while it is the
//! only one (`Runtime::drive_inline`). These tests check that no wake-up is lost when callers
//! take turns: concurrent callers on a multi-threaded runtime, and a caller that drove the
//! driver last and then went away while another operation was waiting for its answer.

#![allow(clippy::unwrap_used, missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use snmp_tokio::{Client, Oid, SessionConfig, TargetConfig, Tokio, Value};

async fn agent(delay: Duration) -> snmp_sim::RunningSim {
    let config = snmp_sim::SimConfig {
        port: 0,
        agents: 1,
        net: snmp_sim::NetFaults {
            delay,
            ..Default::default()
        },
        ..Default::default()
    };
    snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(8))
        .await
        .unwrap()
}

fn sys_descr() -> Oid {
    "1.3.6.1.2.1.1.1.0".parse().unwrap()
}

/// Polls `f` once.
async fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *f).poll(cx))).await
}

#[test]
fn concurrent_callers_on_many_threads_all_get_their_answers() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = agent(Duration::ZERO).await;
        let client = Client::new(Tokio, SessionConfig::default()).unwrap();
        let mut tasks = Vec::new();
        for t in 0..6u32 {
            let m = client
                .add_target(TargetConfig::v2c(sim.addrs[0], "public"))
                .await
                .unwrap();
            tasks.push(tokio::spawn(async move {
                let mut n = 0;
                for i in 0..300u32 {
                    // Each task asks for its own interface, so that a mixed-up answer shows.
                    let row = 1 + (t + i) % 8;
                    let oid: Oid = format!("1.3.6.1.2.1.2.2.1.2.{row}").parse().unwrap();
                    let v = m.get(oid).await.unwrap();
                    assert_eq!(v, Value::from(format!("eth{row}")));
                    n += 1;
                }
                n
            }));
        }
        // A walk beside them, through the driver task.
        let m = client
            .add_target(TargetConfig::v2c(sim.addrs[0], "public"))
            .await
            .unwrap();
        let walk: Vec<_> = m.bulk_walk("1.3.6.1.2.1.2.2.1.2", 3).collect().await;
        assert_eq!(walk.len(), 8);
        let mut total = 0;
        for t in tasks {
            total += tokio::time::timeout(Duration::from_secs(60), t)
                .await
                .expect("a caller never got its answer")
                .unwrap();
        }
        assert_eq!(total, 6 * 300);
    });
}

#[test]
fn a_caller_that_drove_last_and_went_away_hands_the_driver_back() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // The answer to the second caller comes 300 ms late, after the first caller is gone.
        let slow = agent(Duration::from_millis(300)).await;
        // A socket nobody reads: requests to it are never answered (and no ICMP comes back).
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = Client::new(Tokio, SessionConfig::default()).unwrap();
        let mut quiet = TargetConfig::v2c(silent.local_addr().unwrap(), "public");
        quiet.timeout = Duration::from_secs(30);
        let quiet = client.add_target(quiet).await.unwrap();
        let mut late = TargetConfig::v2c(slow.addrs[0], "public");
        // Long enough that a retransmission cannot rescue a lost wake-up within the test.
        late.timeout = Duration::from_secs(30);
        late.retries = 0;
        let late = client.add_target(late).await.unwrap();

        // The first caller is alone: it drives the driver on this task.
        let mut first = Box::pin(quiet.get(sys_descr()));
        assert!(poll_once(&mut first).await.is_pending());
        // The second starts while the first waits: it goes through the driver task.
        let second = tokio::spawn(async move { late.get(sys_descr()).await });
        tokio::time::sleep(Duration::from_millis(30)).await;
        // The first polls again, so it is the driver's last poller, then goes away.
        assert!(poll_once(&mut first).await.is_pending());
        drop(first);
        let answer = tokio::time::timeout(Duration::from_secs(10), second)
            .await
            .expect("the second caller's answer was never picked up")
            .unwrap()
            .unwrap();
        assert_eq!(answer, Value::from("fake agent"));
        drop(silent);
    });
}
