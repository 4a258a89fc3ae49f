//! The async driver under simulated time (the test kit's in-memory runtime): cancellation when
//! a caller goes away, shutdown, many concurrent calls over a lossy network, batches split by
//! address family, and the one timer re-armed only for earlier deadlines.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use snmp_async::{Client, PollTarget, SessionConfig, TargetConfig, Value};
use snmp_testkit::memory::MemoryRuntime;
use snmp_testkit::FakeAgent;

use snmp_testkit::memory::{v2c_target as target, v4, v6};

/// Polls `f` once (so that its request goes out) without waiting for it.
async fn poll_once<F: std::future::Future + Unpin>(f: &mut F) -> std::task::Poll<F::Output> {
    std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut *f).poll(cx))).await
}

const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";

/// Dropping a walk's stream mid-walk cancels the walk in the session: no request follows.
#[test]
fn a_walk_dropped_mid_stream_is_cancelled() {
    let rt = MemoryRuntime::new(1);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(500));
    let r = rt.clone();
    let taken = rt.block_on(async move {
        let client = Client::new(r.clone(), SessionConfig::default()).unwrap();
        let m = client
            .add_target(target(agent, Duration::from_secs(1), 1))
            .await
            .unwrap();
        let mut walk = m.bulk_walk(IF_DESCR, 5);
        let mut taken = Vec::new();
        while taken.len() < 12 {
            taken.push(walk.next().await.unwrap().unwrap());
        }
        drop(walk);
        // Time for the driver to notice and for any request it would still send.
        r.sleep(Duration::from_secs(5)).await;
        taken
    });
    assert_eq!(taken.len(), 12);
    assert_eq!(taken[0].1, Value::from("eth1"));
    let requests = rt.stats().agent_requests;
    // A full walk would take 100 requests; the stream was dropped after the third answer.
    assert!(requests <= 4, "{requests} requests reached the agent");
    rt.run_for(Duration::from_secs(10));
    assert_eq!(
        rt.stats().agent_requests,
        requests,
        "requests after the drop"
    );
}

/// Dropping a GET's future cancels its request in the session: no retransmission follows,
/// and the operation is gone (a later call on the same handle works as usual).
#[test]
fn a_dropped_get_is_cancelled_and_never_resent() {
    let rt = MemoryRuntime::new(7);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(4));
    rt.set_loss(1.0); // nothing arrives: a live request would be resent every second
    let r = rt.clone();
    let after = rt.block_on(async move {
        let client = Client::new(r.clone(), SessionConfig::default()).unwrap();
        let m = client
            .add_target(target(agent, Duration::from_secs(1), 5))
            .await
            .unwrap();
        let mut get = Box::pin(m.get("1.3.6.1.2.1.1.5.0"));
        assert!(poll_once(&mut get).await.is_pending());
        r.sleep(Duration::from_millis(10)).await;
        let sent = r.stats().lost;
        drop(get);
        // Five retries' worth of time: none of them may go out.
        r.sleep(Duration::from_secs(8)).await;
        assert_eq!(r.stats().lost, sent, "datagrams sent after the drop");
        r.set_loss(0.0);
        m.get("1.3.6.1.2.1.1.5.0").await
    });
    assert_eq!(rt.stats().lost, 1, "only the first attempt was sent");
    assert_eq!(after, Ok(Value::from("fake")));
}

/// When every handle is dropped and nothing is pending, the driver task ends (and so its
/// socket is closed); while an operation runs, it does not.
#[test]
fn the_driver_ends_when_its_handles_are_gone() {
    let rt = MemoryRuntime::new(2);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(4));
    let r = rt.clone();
    let pending = rt.block_on(async move {
        let client = Client::new(r.clone(), SessionConfig::default()).unwrap();
        let m = client
            .add_target(target(agent, Duration::from_secs(1), 0))
            .await
            .unwrap();
        assert_eq!(
            m.get("1.3.6.1.2.1.1.5.0").await.unwrap(),
            Value::from("fake")
        );
        // A GET in flight when the other handles go: the driver finishes it, then ends once
        // its last handle (the one the GET holds) is gone.
        let last = m.clone();
        let mut get = Box::pin(async move { last.get_varbinds(["1.3.6.1.2.1.1.1.0"]).await });
        let polled = poll_once(&mut get).await;
        assert!(polled.is_pending());
        drop(client);
        drop(m);
        get.await.map(|v| v.len())
    });
    assert_eq!(pending, Ok(1));
    rt.run_for(Duration::from_secs(1));
    assert_eq!(rt.tasks_alive(), 0, "the driver task is still running");
}

/// 1,000 GETs at once to 10 agents over a network that loses 20% of datagrams each way: every
/// one completes with its agent's value.
#[test]
fn a_thousand_concurrent_calls_over_a_lossy_network() {
    let rt = MemoryRuntime::new(3);
    rt.set_loss(0.2);
    rt.set_latency(Duration::from_millis(5));
    let agents: Vec<SocketAddr> = (0..10)
        .map(|i| rt.add_agent(v4(2000 + i), FakeAgent::synthetic_device(4)))
        .collect();
    let r = rt.clone();
    let results = rt.block_on(async move {
        let client = Client::new(r, SessionConfig::default()).unwrap();
        let mut managers = Vec::new();
        for a in &agents {
            // 11 attempts: a request is lost for good with odds of 0.36^11 (1 in 75,000).
            let t = target(*a, Duration::from_millis(200), 10);
            managers.push(client.add_target(t).await.unwrap());
        }
        let calls = (0..1000).map(|i| {
            let m = managers[i % managers.len()].clone();
            async move { m.get("1.3.6.1.2.1.1.5.0").await }
        });
        futures_util::future::join_all(calls).await
    });
    assert_eq!(results.len(), 1000);
    for r in &results {
        assert_eq!(r, &Ok(Value::from("fake")));
    }
    let stats = rt.stats();
    assert!(stats.lost > 300, "the network lost only {}", stats.lost);
}

/// A poll over IPv4 and IPv6 agents: batched sends never mix families, and every result comes.
#[test]
fn poll_many_batches_split_by_address_family() {
    let rt = MemoryRuntime::new(4);
    let mut addrs = Vec::new();
    for i in 0..100u16 {
        // Runs of each family (alternating addresses make runs of one: no batch at all).
        let a = if (i / 10) % 2 == 0 {
            v4(3000 + i)
        } else {
            v6(3000 + i)
        };
        addrs.push(rt.add_agent(a, FakeAgent::synthetic_device(2)));
    }
    let r = rt.clone();
    let results = rt.block_on(async move {
        let client = Client::new(r, SessionConfig::default()).unwrap();
        let targets: Vec<PollTarget> = addrs
            .iter()
            .map(|a| PollTarget::v2c(*a, "public"))
            .collect();
        let oids = vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()];
        client
            .poll_many(targets, oids, 100)
            .collect::<Vec<_>>()
            .await
    });
    assert_eq!(results.len(), 100);
    assert!(results.iter().all(|r| r.result == Ok(Value::from("fake"))));
    assert_eq!(results.iter().filter(|r| r.target.is_ipv6()).count(), 50);
    let stats = rt.stats();
    assert_eq!(stats.mixed_batches, 0, "a batch mixed IPv4 and IPv6");
    assert!(
        stats.batches.iter().any(|&n| n > 1),
        "no batch of more than one datagram: {:?}",
        stats.batches
    );
}

/// The driver keeps one timer: many requests with later deadlines reuse it, an earlier
/// deadline re-arms it, and a silent agent's request times out on time in simulated time.
#[test]
fn the_timer_is_rearmed_only_for_an_earlier_deadline() {
    let rt = MemoryRuntime::new(5);
    let agent = rt.add_agent(v4(161), FakeAgent::synthetic_device(4));
    let silent = v4(9); // nothing listens there
    let r = rt.clone();
    let (made_for_200, timed_out_after) = rt.block_on(async move {
        let client = Client::new(r.clone(), SessionConfig::default()).unwrap();
        let slow = client
            .add_target(target(agent, Duration::from_secs(10), 0))
            .await
            .unwrap();
        let before = r.stats().timers_made;
        let calls = (0..200).map(|_| {
            let m = slow.clone();
            async move { m.get("1.3.6.1.2.1.1.5.0").await }
        });
        let all = futures_util::future::join_all(calls).await;
        assert!(all.iter().all(|v| v == &Ok(Value::from("fake"))));
        let made_for_200 = r.stats().timers_made - before;

        // A 10 s request in flight to the silent agent, then a 1 s one: the 1 s deadline
        // is earlier, so the timer is re-armed, and the short request ends after 1 s.
        let long = client
            .add_target(target(silent, Duration::from_secs(10), 0))
            .await
            .unwrap();
        let short = client
            .add_target(target(silent, Duration::from_secs(1), 0))
            .await
            .unwrap();
        let long_get = long.get("1.3.6.1.2.1.1.5.0");
        let mut long_get = Box::pin(long_get);
        assert!(poll_once(&mut long_get).await.is_pending());
        r.sleep(Duration::from_millis(10)).await;
        let start = r.elapsed();
        let e = short.get("1.3.6.1.2.1.1.5.0").await.unwrap_err();
        assert!(e.is_timeout(), "{e}");
        let timed_out_after = r.elapsed() - start;
        assert!(long_get.await.unwrap_err().is_timeout());
        (made_for_200, timed_out_after)
    });
    // The first request arms the timer; the other 199 have later deadlines.
    assert!(made_for_200 <= 3, "{made_for_200} timers for 200 requests");
    assert!(
        timed_out_after >= Duration::from_secs(1) && timed_out_after < Duration::from_millis(1100),
        "the 1 s request ended after {timed_out_after:?}"
    );
}

/// An agent that answers GETNEXT with one varbind more than asked for: `get_next` gives the
/// first (the answer to the OID asked), not the extra one.
#[test]
fn get_next_takes_the_first_varbind_of_a_longer_answer() {
    let rt = MemoryRuntime::new(6);
    let mut agent = FakeAgent::synthetic_device(4);
    agent.faults.extra_varbind = true;
    let agent = rt.add_agent(v4(161), agent);
    let r = rt.clone();
    let (oid, value) = rt.block_on(async move {
        let client = Client::new(r, SessionConfig::default()).unwrap();
        let m = client
            .add_target(target(agent, Duration::from_secs(1), 0))
            .await
            .unwrap();
        m.get_next("1.3.6.1.2.1.2.2.1.2.1").await.unwrap()
    });
    assert_eq!(oid.to_string(), "1.3.6.1.2.1.2.2.1.2.2");
    assert_eq!(value, Value::from("eth2"));
}

/// 5,000 v3 targets with the same credentials: the password-to-key work (two mebibytes of
/// hashing per target without the shared derivation, about 1.5 ms) is done once, so building
/// them takes a few milliseconds. The bound is 40 times what the shared derivation needs here
/// and a quarter of what deriving per target would take.
#[test]
fn five_thousand_v3_targets_are_built_in_well_under_a_second() {
    let rt = MemoryRuntime::new(7);
    let start = std::time::Instant::now();
    let configs: Vec<TargetConfig> = (0..5000u16)
        .map(|i| {
            snmp_async::ManagerBuilder::new(
                snmp_async::Async(rt.clone()),
                &format!("127.0.0.1:{}", 10_000 + i),
            )
            .user("ops")
            .auth(snmp_async::AuthProtocol::Sha256, "five-thousand-auth")
            .privacy(snmp_async::PrivProtocol::Aes128, "five-thousand-priv")
            .target_config()
            .unwrap()
        })
        .collect();
    let took = start.elapsed();
    println!("5,000 v3 target configurations in {took:?}");
    assert_eq!(configs.len(), 5000);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}
