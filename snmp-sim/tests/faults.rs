//! Each fault the simulator can inject, through the library: what the Manager does about it.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use snmp_sim::{serve_agents, Agent, Faults, NetFaults, RunningSim, SimConfig};
use snmp_tokio::session::Error as SessionError;
use snmp_tokio::{AuthProtocol, Error, Manager, Oid, PrivProtocol, UsmUser, Value, VarBind};

/// The session's error of a failed operation.
fn operation_error<T: std::fmt::Debug>(r: Result<T, Error>) -> SessionError {
    match r {
        Err(Error::Operation { error, .. }) => *error,
        other => panic!("expected an operation error, got {other:?}"),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn sim(net: NetFaults, faults: Faults) -> RunningSim {
    let config = SimConfig {
        net,
        faults,
        users: vec![user()],
        ..SimConfig::default()
    };
    serve_agents(&config, || Agent::synthetic_device(40))
        .await
        .unwrap()
}

fn user() -> UsmUser {
    UsmUser::new("faulty")
        .with_auth(AuthProtocol::Sha1, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password")
        .unwrap()
}

async fn manager(sim: &RunningSim, timeout_ms: u64, retries: u32) -> Manager {
    Manager::builder(&sim.addrs[0].to_string())
        .timeout(Duration::from_millis(timeout_ms))
        .retries(retries)
        .build()
        .await
        .unwrap()
}

/// The walk of ifDescr the synthetic device serves.
fn if_descr() -> Vec<(Oid, Value)> {
    (1..=40u32)
        .map(|i| {
            (
                format!("1.3.6.1.2.1.2.2.1.2.{i}").parse().unwrap(),
                Value::from(format!("eth{i}")),
            )
        })
        .collect()
}

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";

#[test]
fn dropped_answers_are_retried_and_all_dropped_is_a_timeout() {
    rt().block_on(async {
        let s = sim(
            NetFaults {
                drop: 0.5,
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        let m = manager(&s, 100, 10).await;
        for _ in 0..20 {
            assert_eq!(m.get(SYS_NAME).await.unwrap(), Value::from("fake"));
        }
        let s = sim(
            NetFaults {
                drop: 1.0,
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        let m = manager(&s, 50, 2).await;
        assert!(matches!(
            operation_error(m.get(SYS_NAME).await),
            SessionError::Timeout { attempts: 3, .. }
        ));
    });
}

#[test]
fn late_answers_to_an_earlier_attempt_complete_the_request() {
    rt().block_on(async {
        let s = sim(
            NetFaults {
                delay: Duration::from_millis(250),
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        // v3, where every attempt has its own msgID (v2c retransmits reuse the request-id, so
        // there any answer matches any attempt). Each attempt waits 100 ms and there are three:
        // the last one's answer (at 450 ms) would come after the last deadline (300 ms), so
        // only the answer to the first attempt (at 250 ms) can complete the request, for the
        // discovery as for the GET.
        let m = Manager::builder(&s.addrs[0].to_string())
            .usm_user(user())
            .timeout(Duration::from_millis(100))
            .retries(2)
            .build()
            .await
            .unwrap();
        assert_eq!(m.get(SYS_NAME).await.unwrap(), Value::from("fake"));
    });
}

#[test]
fn duplicated_and_reordered_answers_leave_walks_exact() {
    rt().block_on(async {
        let s = sim(
            NetFaults {
                duplicate: 0.5,
                reorder: 0.3,
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        let m = manager(&s, 100, 10).await;
        let walk = m.walk("1.3.6.1.2.1.2.2.1.2").collect_all().await.unwrap();
        assert_eq!(walk, if_descr());
        let bulk = m
            .bulk_walk("1.3.6.1.2.1.2.2.1.2", 7)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(bulk, if_descr());
    });
}

#[test]
fn truncated_and_corrupted_answers_are_dropped_not_believed() {
    rt().block_on(async {
        for net in [
            NetFaults {
                truncate: 1.0,
                ..Default::default()
            },
            NetFaults {
                corrupt: 1.0,
                ..Default::default()
            },
        ] {
            let s = sim(net.clone(), Faults::default()).await;
            let m = manager(&s, 50, 2).await;
            // Every answer is cut short, or has the octet at a third of its length flipped
            // (in these answers that is inside the PDU's header): none may be believed, so
            // every attempt goes unanswered, and the error says what came instead.
            assert_eq!(
                operation_error(m.get(SYS_NAME).await),
                SessionError::Malformed {
                    attempts: 3,
                    datagrams: 3
                },
                "{net:?}"
            );
        }
        // Half of them damaged: the retries get through.
        let s = sim(
            NetFaults {
                truncate: 0.5,
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        let m = manager(&s, 100, 10).await;
        assert_eq!(
            m.bulk_walk("1.3.6.1.2.1.2.2.1.2", 5)
                .collect_all()
                .await
                .unwrap(),
            if_descr()
        );
    });
}

#[test]
fn answers_from_another_port_need_opting_in() {
    rt().block_on(async {
        let s = sim(
            NetFaults {
                other_source_port: true,
                ..Default::default()
            },
            Faults::default(),
        )
        .await;
        let strict = manager(&s, 50, 1).await;
        assert!(matches!(
            operation_error(strict.get(SYS_NAME).await),
            SessionError::Timeout { attempts: 2, .. }
        ));
        let lenient = Manager::builder(&s.addrs[0].to_string())
            .accept_any_source(true)
            .timeout(Duration::from_millis(200))
            .build()
            .await
            .unwrap();
        assert_eq!(lenient.get(SYS_NAME).await.unwrap(), Value::from("fake"));
        // For v3, an answer from elsewhere counts only when it authenticates, which it does.
        let v3 = Manager::builder(&s.addrs[0].to_string())
            .usm_user(user())
            .accept_any_source(true)
            .timeout(Duration::from_millis(200))
            .build()
            .await
            .unwrap();
        assert_eq!(v3.get(SYS_NAME).await.unwrap(), Value::from("fake"));
    });
}

#[test]
fn non_increasing_oids_end_the_walk_with_an_error_after_the_good_rows() {
    rt().block_on(async {
        let faults = Faults {
            non_increasing_after: Some(10),
            ..Default::default()
        };
        let s = sim(NetFaults::default(), faults).await;
        let m = manager(&s, 200, 1).await;
        let snmp_tokio::WalkError {
            error: err,
            partial: rows,
        } = m
            .walk("1.3.6.1.2.1.2.2.1.2")
            .collect_all()
            .await
            .unwrap_err();
        assert!(
            matches!(err.operation(), Some(SessionError::NonIncreasing { .. })),
            "{err}"
        );
        // The good rows, then (as snmpwalk prints it) the varbind that did not increase: the
        // agent repeated the OID asked for.
        assert_eq!(rows[..10], if_descr()[..10]);
        assert_eq!(rows.len(), 11);
        assert_eq!(rows[10].0, rows[9].0);
    });
}

#[test]
fn too_big_answers_shrink_the_repetitions() {
    rt().block_on(async {
        let faults = Faults {
            too_big_above: Some(400),
            ..Default::default()
        };
        let s = sim(NetFaults::default(), faults).await;
        let m = manager(&s, 200, 1).await;
        let bulk = m
            .bulk_walk("1.3.6.1.2.1.2.2.1.2", 50)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(bulk, if_descr());
    });
}

#[test]
fn agent_reboot_is_survived_by_v3() {
    rt().block_on(async {
        let s = sim(NetFaults::default(), Faults::default()).await;
        let m = Manager::builder(&s.addrs[0].to_string())
            .usm_user(user())
            .timeout(Duration::from_millis(500))
            .build()
            .await
            .unwrap();
        assert_eq!(m.get(SYS_NAME).await.unwrap(), Value::from("fake"));
        let later = snmp_usm::Instant::from_micros(3_600_000_000);
        s.agents[0].lock().unwrap().reboot(later);
        assert_eq!(s.agents[0].lock().unwrap().engine_boots(), 2);
        let set = m
            .set_many([(SYS_NAME, Value::from("after-reboot"))])
            .await
            .unwrap();
        assert_eq!(
            set,
            vec![VarBind::new(
                SYS_NAME.parse().unwrap(),
                Value::from("after-reboot")
            )]
        );
    });
}
