//! Deterministic simulation tests of the session against fake agents.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::{agent_addr, Lossy, Perfect, Rng, Sim};
use snmp_codec::{ErrorStatus, Message, Oid, Pdu, Value, VarBind};
use snmp_session::{
    AesKeyExtension, Error, OidCheck, Repetitions, ReportKind, Request, StartError, TargetConfig,
    V3Security, WalkOptions,
};
use snmp_testkit::{FakeAgent, Faults};
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

const LATENCY: Duration = Duration::from_millis(1);

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn perfect_sim(rows: u32) -> (Sim<Perfect>, snmp_session::TargetId) {
    let mut sim = Sim::new(Perfect(LATENCY));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(rows)));
    let t = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(0), "public"));
    (sim, t)
}

fn agent_data(sim: &Sim<impl common::Fate>, under: &Oid) -> Vec<VarBind> {
    sim.agents[&agent_addr(0)]
        .data
        .iter()
        .filter(|(o, _)| o.starts_with(under) && o.len() > under.len())
        .map(|(o, v)| VarBind::new(o.clone(), v.clone()))
        .collect()
}

#[test]
fn get_many_and_split() {
    let (mut sim, t) = perfect_sim(100);
    let oids: Vec<Oid> = (1..=100)
        .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")))
        .chain([oid("1.3.6.1.2.1.99.0")])
        .collect();
    let op = sim.session.start(t, Request::Get(oids.clone())).unwrap();
    sim.run(&[op], 100);
    let out = sim.outcome(op);
    assert_eq!(out.result, Some(Ok(())));
    assert_eq!(out.varbinds.len(), 101);
    for (i, vb) in out.varbinds.iter().take(100).enumerate() {
        assert_eq!(vb.value, Value::from(format!("eth{}", i + 1)));
    }
    assert_eq!(out.varbinds[100].value, Value::NoSuchObject);
    // 101 OIDs in chunks of 48: three requests.
    assert_eq!(sim.session.counters().requests, 3);
    assert_eq!(out.after_done, 0);
}

#[test]
fn retries_then_timeout() {
    let mut sim = Sim::new(Perfect(LATENCY));
    // No agent at that address: every attempt is lost.
    let mut cfg = TargetConfig::v2c(agent_addr(9), "public");
    cfg.timeout = Duration::from_secs(2);
    cfg.retries = 3;
    let t = sim.session.add_target(cfg);
    let start = sim.now;
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.run(&[op], 100);
    assert!(matches!(
        sim.outcome(op).result,
        Some(Err(Error::Timeout { attempts: 4, .. }))
    ));
    assert_eq!(
        sim.now - start,
        Duration::from_secs(8),
        "timeout x (retries + 1)"
    );
    let c = sim.session.counters();
    assert_eq!((c.requests, c.retransmits, c.timeouts), (1, 3, 1));
    assert_eq!(sim.session.poll_timeout(), None);
}

/// Drops the first `n` datagrams to agents.
struct DropFirst(usize);
impl common::Fate for DropFirst {
    fn fate(&mut self, to_agent: bool, _: &[u8]) -> Vec<Duration> {
        if to_agent && self.0 > 0 {
            self.0 -= 1;
            return vec![];
        }
        vec![LATENCY]
    }
}

#[test]
fn response_to_the_second_attempt() {
    let mut sim = Sim::new(DropFirst(1));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(3)));
    let t = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(0), "public"));
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds[0].value, Value::from("fake"));
    assert_eq!(sim.session.counters().retransmits, 1);
}

/// The first attempt's answer arrives late, after the retransmission's: the late one is a
/// duplicate.
#[test]
fn late_answer_to_the_first_attempt_completes_it_and_the_second_is_dropped() {
    struct SlowFirstAnswer(bool);
    impl common::Fate for SlowFirstAnswer {
        fn fate(&mut self, to_agent: bool, _: &[u8]) -> Vec<Duration> {
            if !to_agent && !self.0 {
                self.0 = true;
                return vec![Duration::from_millis(5500)];
            }
            vec![LATENCY]
        }
    }
    let mut sim = Sim::new(SlowFirstAnswer(false));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(3)));
    let t = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(0), "public"));
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    // Let the slow answer arrive.
    let op2 = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.now = sim.now + Duration::from_secs(1);
    sim.run(&[op2], 100);
    sim.now = sim.now + Duration::from_secs(10);
    let op3 = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.run(&[op3], 100);
    assert_eq!(sim.session.counters().dropped_duplicate, 1);
}

#[test]
fn duplicates_are_counted_and_dropped() {
    let mut sim = Sim::new(Lossy {
        rng: Rng::new(7),
        loss: 0.0,
        duplicate: 1.0,
        max_delay: Duration::from_millis(3),
    });
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(50)));
    let t = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(0), "public"));
    let root = oid("1.3.6.1.2.1.2.2.1.2");
    let op = sim.session.start(t, Request::walk(root.clone())).unwrap();
    sim.run(&[op], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));
    assert!(sim.session.counters().dropped_duplicate > 0);
}

#[test]
fn spoofed_answer_from_another_address_is_ignored() {
    let (mut sim, t) = perfect_sim(3);
    // Every answer is preceded by a forged copy from another address with another value.
    sim.tamper = Some(Box::new(|agent, answer| {
        let Message::Community(mut m) = Message::decode(&answer).unwrap() else {
            panic!()
        };
        if let Pdu::Response(g) = &mut m.pdu {
            for vb in &mut g.varbinds {
                vb.value = Value::from("spoofed");
            }
        }
        let attacker = agent_addr(666);
        vec![(attacker, m.to_vec()), (agent, answer)]
    }));
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).varbinds[0].value, Value::from("fake"));
    assert_eq!(sim.session.counters().dropped_wrong_source, 1);
}

#[test]
fn answers_from_another_interface_when_allowed() {
    let mut sim = Sim::new(Perfect(LATENCY));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(3)));
    sim.tamper = Some(Box::new(|_, answer| vec![(agent_addr(1), answer)]));
    let mut cfg = TargetConfig::v2c(agent_addr(0), "public");
    cfg.accept_any_source = true;
    cfg.retries = 0;
    let t = sim.session.add_target(cfg);
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
}

#[test]
fn walk_bulk_walk_and_table_return_exactly_the_agent_data() {
    let (mut sim, t) = perfect_sim(400); // 4,000 table cells
    let entry = oid("1.3.6.1.2.1.2.2.1");
    let walk = sim.session.start(t, Request::walk(entry.clone())).unwrap();
    let bulk = sim
        .session
        .start(t, Request::bulk_walk(entry.clone(), 25))
        .unwrap();
    let table = sim
        .session
        .start(
            t,
            Request::Table {
                entry: entry.clone(),
                columns: None,
                max_repetitions: 25,
                options: WalkOptions::default(),
            },
        )
        .unwrap();
    let cols = sim
        .session
        .start(
            t,
            Request::Table {
                entry: entry.clone(),
                columns: Some(vec![2, 10]),
                max_repetitions: 50,
                options: WalkOptions::default(),
            },
        )
        .unwrap();
    sim.run(&[walk, bulk, table, cols], 100_000);
    let expected = agent_data(&sim, &entry);
    assert_eq!(expected.len(), 4000);
    for op in [walk, bulk] {
        assert_eq!(sim.outcome(op).result, Some(Ok(())));
        assert_eq!(sim.outcome(op).varbinds, expected);
    }
    let rows = &sim.outcome(table).rows;
    assert_eq!(rows.len(), 400);
    assert_eq!(rows[6].index.arcs(), &[7]);
    assert_eq!(rows[6].columns.len(), 10);
    assert_eq!(rows[6].columns[&2], Value::from("eth7"));
    let rows = &sim.outcome(cols).rows;
    assert_eq!(sim.outcome(cols).result, Some(Ok(())));
    assert_eq!(rows.len(), 400);
    assert!(rows
        .iter()
        .all(|r| r.columns.keys().copied().collect::<Vec<_>>() == [2, 10]));
    assert_eq!(rows[399].columns[&10], Value::Counter32(400_000));
}

#[test]
fn column_table_sends_one_varbind_per_column() {
    let (mut sim, t) = perfect_sim(10);
    let entry = oid("1.3.6.1.2.1.2.2.1");
    let op = sim
        .session
        .start(
            t,
            Request::Table {
                entry,
                columns: Some(vec![2, 5, 10]),
                max_repetitions: 30,
                options: WalkOptions::default(),
            },
        )
        .unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).rows.len(), 10);
    for (_, d) in &sim.sent {
        let Message::Community(m) = Message::decode(d).unwrap() else {
            panic!()
        };
        let Pdu::GetBulkRequest(b) = m.pdu else {
            panic!("expected GETBULK")
        };
        assert!(b.varbinds.len() <= 3);
        assert!(b.varbinds.iter().all(|vb| {
            let a = vb.oid.arcs();
            [2, 5, 10].contains(&a[9])
        }));
    }
}

#[test]
fn v1_walk_ends_at_no_such_name_and_get_bulk_is_refused() {
    let mut sim = Sim::new(Perfect(LATENCY));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(5)));
    let t = sim
        .session
        .add_target(TargetConfig::v1(agent_addr(0), "public"));
    // Walking the last subtree runs into the end of the MIB: v1 says noSuchName.
    let root = oid("1.3.6.1.2.1.2");
    let op = sim.session.start(t, Request::walk(root.clone())).unwrap();
    let table = sim
        .session
        .start(
            t,
            Request::Table {
                entry: oid("1.3.6.1.2.1.2.2.1"),
                columns: Some(vec![2, 10]),
                max_repetitions: 10,
                options: WalkOptions::default(),
            },
        )
        .unwrap();
    sim.run(&[op, table], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));
    assert_eq!(sim.outcome(table).rows.len(), 5);
    assert_eq!(
        sim.session.start(
            t,
            Request::GetBulk {
                oids: vec![root.clone()],
                non_repeaters: 0,
                max_repetitions: 10
            }
        ),
        Err(StartError::NotInVersion {
            request: "GETBULK",
            version: snmp_codec::Version::V1
        })
    );
    // A v1 GET of a missing OID is an error-status with its index and OID.
    let op = sim
        .session
        .start(
            t,
            Request::Get(vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.77.0")]),
        )
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(
        sim.outcome(op).result,
        Some(Err(Error::Status {
            status: ErrorStatus::NoSuchName,
            index: 2,
            oid: Some(oid("1.3.6.1.2.1.1.77.0")),
        }))
    );
}

#[test]
fn non_increasing_oids_are_an_error_after_the_good_data() {
    let (mut sim, t) = perfect_sim(50);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .non_increasing_after = Some(30);
    let root = oid("1.3.6.1.2.1.2.2.1");
    // The strict check stops before the offending varbind.
    let strict = Request::Walk {
        root: root.clone(),
        max_repetitions: None,
        options: WalkOptions::default().with_check(OidCheck::Previous),
    };
    let op = sim.session.start(t, strict).unwrap();
    sim.run(&[op], 1000);
    let out = sim.outcome(op);
    assert!(
        matches!(out.result, Some(Err(Error::NonIncreasing { .. }))),
        "{out:?}"
    );
    assert_eq!(out.varbinds, agent_data(&sim, &root)[..30].to_vec());

    // Allowed (Net-SNMP's -Cc): the walk goes on, bounded by its limit.
    let mut looping = FakeAgent::new(FakeAgent::synthetic(50));
    looping.faults.non_increasing_after = Some(5);
    sim.agents.insert(agent_addr(0), looping);
    let opts = WalkOptions::default()
        .with_check(OidCheck::None)
        .with_max_results(100);
    let op = sim
        .session
        .start(
            t,
            Request::Walk {
                root,
                max_repetitions: Some(10),
                options: opts,
            },
        )
        .unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).result, Some(Err(Error::ResultLimit(100))));
    assert_eq!(sim.outcome(op).varbinds.len(), 100);
}

#[test]
fn too_big_halves_the_repetitions() {
    let (mut sim, t) = perfect_sim(200);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .too_big_above = Some(700);
    let root = oid("1.3.6.1.2.1.2.2.1");
    let op = sim
        .session
        .start(t, Request::bulk_walk(root.clone(), 50))
        .unwrap();
    sim.run(&[op], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));
    // A GET too big for one answer is split.
    let oids: Vec<Oid> = (1..=40)
        .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")))
        .collect();
    let op = sim.session.start(t, Request::Get(oids)).unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds.len(), 40);
    // Nothing fits: a typed error, not a loop.
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .too_big_above = Some(10);
    let op = sim.session.start(t, Request::bulk_walk(root, 50)).unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).result, Some(Err(Error::TooBig)));
}

#[test]
fn set_and_its_errors() {
    let (mut sim, t) = perfect_sim(3);
    let rw = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(0), "private"));
    sim.agents.get_mut(&agent_addr(0)).unwrap().read_only = vec![oid("1.3.6.1.2.1.1.1")];
    let name = oid("1.3.6.1.2.1.1.5.0");
    let op = sim
        .session
        .start(
            rw,
            Request::Set(vec![VarBind::new(name.clone(), Value::from("renamed"))]),
        )
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    let op = sim.session.start(t, Request::Get(vec![name])).unwrap();
    sim.run(&[op], 100);
    assert_eq!(sim.outcome(op).varbinds[0].value, Value::from("renamed"));
    let descr = oid("1.3.6.1.2.1.1.1.0");
    let op = sim
        .session
        .start(
            rw,
            Request::Set(vec![VarBind::new(descr.clone(), Value::from("x"))]),
        )
        .unwrap();
    sim.run(&[op], 100);
    assert_eq!(
        sim.outcome(op).result,
        Some(Err(Error::Status {
            status: ErrorStatus::NotWritable,
            index: 1,
            oid: Some(descr)
        }))
    );
}

#[test]
fn cancel_ends_the_operation_and_late_answers_are_dropped() {
    let (mut sim, t) = perfect_sim(3);
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.drain();
    sim.session.cancel(op);
    sim.drain();
    assert_eq!(sim.outcome(op).result, Some(Err(Error::Cancelled)));
    assert_eq!(sim.session.poll_timeout(), None);
    let other = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.run(&[other], 100);
    assert_eq!(sim.session.counters().dropped_duplicate, 1);
}

// ----- SNMPv3 ----------------------------------------------------------------------------

fn v3_user(name: &str, privacy: Option<PrivProtocol>) -> UsmUser {
    let u = UsmUser::new(name)
        .with_auth(AuthProtocol::Sha256, b"auth-password")
        .unwrap();
    match privacy {
        Some(p) => u.with_privacy(p, b"priv-password").unwrap(),
        None => u,
    }
}

fn v3_sim(agent_user: &UsmUser) -> Sim<Perfect> {
    let mut sim = Sim::new(Perfect(LATENCY));
    let mut agent = FakeAgent::new(FakeAgent::synthetic(20));
    agent.add_user(agent_user);
    sim.agents.insert(agent_addr(0), agent);
    sim
}

/// Adds a v3 target for `user`, GETs sysName.0 and bulk-walks ifDescr with `reps` at once,
/// and runs both to their end.
fn v3_get_and_walk(
    sim: &mut Sim<Perfect>,
    user: UsmUser,
    reps: u32,
) -> (
    snmp_session::TargetId,
    snmp_session::OpId,
    snmp_session::OpId,
) {
    let t = sim
        .session
        .add_target(TargetConfig::v3(agent_addr(0), V3Security::new(user)));
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    let walk = sim
        .session
        .start(t, Request::bulk_walk(oid("1.3.6.1.2.1.2.2.1.2"), reps))
        .unwrap();
    sim.run(&[get, walk], 1000);
    (t, get, walk)
}

#[test]
fn v3_discovery_then_get_walk_and_reboot() {
    let user = v3_user("alice", Some(PrivProtocol::Aes128));
    let mut sim = v3_sim(&user);
    let (t, get, walk) = v3_get_and_walk(&mut sim, user, 7);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    assert_eq!(sim.outcome(get).varbinds[0].value, Value::from("fake"));
    assert_eq!(sim.outcome(walk).varbinds.len(), 20);
    assert_eq!(
        sim.session.counters().discoveries,
        1,
        "one discovery for both"
    );
    assert_eq!(
        sim.session.engine_id(t),
        Some(sim.agents[&agent_addr(0)].engine_id())
    );

    // The agent reboots: its boots goes up, its clock restarts. The next request carries the
    // old boots, gets an authenticated notInTimeWindow Report, resynchronises and is resent.
    sim.now = sim.now + Duration::from_secs(600);
    let now = sim.now;
    sim.agents.get_mut(&agent_addr(0)).unwrap().reboot(now);
    let sent_before = sim.session.counters().requests + sim.session.counters().retransmits;
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    let sent = sim.session.counters().requests + sim.session.counters().retransmits;
    assert_eq!(sent - sent_before, 2, "the request and one resend");
    assert_eq!(sim.session.counters().discoveries, 1);
}

#[test]
fn v3_engine_seeded_from_an_earlier_session_skips_the_discovery() {
    let user = v3_user("carol", Some(PrivProtocol::Aes128));
    // A first session learns the engine.
    let mut first = v3_sim(&user);
    let (t, get, _) = v3_get_and_walk(&mut first, user.clone(), 7);
    assert_eq!(first.outcome(get).result, Some(Ok(())));
    let now = first.now;
    let known = first.session.engine(t, now).expect("a confirmed engine");
    assert_eq!(&known.id, first.agents[&agent_addr(0)].engine_id());

    // A second session (a restart) against the same agent, seeded: no discovery.
    let mut second = v3_sim(&user);
    second.agents = first.agents;
    second.now = first.now;
    let t2 = second.session.add_target(TargetConfig::v3(
        agent_addr(0),
        V3Security::new(user.clone()),
    ));
    let now = second.now;
    assert!(second.session.seed_engine(t2, &known, now));
    assert!(!second.session.seed_engine(t2, &known, now), "once only");
    let get = second
        .session
        .start(t2, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    second.run(&[get], 1000);
    assert_eq!(second.outcome(get).result, Some(Ok(())));
    assert_eq!(second.session.counters().discoveries, 0);
    assert_eq!(second.session.counters().requests, 1);

    // A stale engine (the agent rebooted meanwhile): a Report, a resync, one resend.
    let mut third = v3_sim(&user);
    third.agents = second.agents;
    third.now = second.now + Duration::from_secs(100);
    let now = third.now;
    third.agents.get_mut(&agent_addr(0)).unwrap().reboot(now);
    let t3 = third
        .session
        .add_target(TargetConfig::v3(agent_addr(0), V3Security::new(user)));
    assert!(third.session.seed_engine(t3, &known, now));
    let get = third
        .session
        .start(t3, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    third.run(&[get], 1000);
    assert_eq!(third.outcome(get).result, Some(Ok(())));
    assert_eq!(third.session.counters().discoveries, 0);
}

#[test]
fn v3_time_sync_after_a_skewed_discovery() {
    let user = v3_user("bob", None);
    let mut sim = v3_sim(&user);
    sim.now = sim.now + Duration::from_secs(5000);
    // The discovery Report carries an engine time 1,000 s in the past (unauthenticated, so it
    // is used for sending only); the agent answers the first real request with an
    // authenticated notInTimeWindow Report; the session resynchronises and resends once.
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .discovery_time_skew = -1000;
    let t = sim
        .session
        .add_target(TargetConfig::v3(agent_addr(0), V3Security::new(user)));
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    assert_eq!(sim.session.counters().requests, 2, "discovery + request");
    assert_eq!(
        sim.session.counters().retransmits,
        1,
        "one resend after resynchronising"
    );
}

fn v3_failure(
    agent_user: &UsmUser,
    our_user: UsmUser,
    faults: Faults,
) -> Option<Result<(), Error>> {
    let mut sim = v3_sim(agent_user);
    sim.agents.get_mut(&agent_addr(0)).unwrap().faults = faults;
    let mut sec = V3Security::new(our_user);
    sec.aes_key_extension = AesKeyExtension::Fixed;
    let t = sim.session.add_target(TargetConfig::v3(agent_addr(0), sec));
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    sim.outcome(get).result.clone()
}

#[test]
fn v3_misconfiguration_reports_are_typed_errors() {
    let agent_user = v3_user("carol", Some(PrivProtocol::Des));
    assert_eq!(
        v3_failure(
            &agent_user,
            v3_user("dave", Some(PrivProtocol::Des)),
            Faults::default()
        ),
        Some(Err(Error::Report(ReportKind::UnknownUserName)))
    );
    let wrong_auth = UsmUser::new("carol")
        .with_auth(AuthProtocol::Sha256, b"wrong-password")
        .unwrap();
    assert_eq!(
        v3_failure(&agent_user, wrong_auth, Faults::default()),
        Some(Err(Error::Report(ReportKind::WrongDigest)))
    );
    let wrong_priv = UsmUser::new("carol")
        .with_auth(AuthProtocol::Sha256, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Des, b"wrong-privpass")
        .unwrap();
    assert_eq!(
        v3_failure(&agent_user, wrong_priv, Faults::default()),
        Some(Err(Error::Report(ReportKind::DecryptionError)))
    );
    let auth_only_agent = v3_user("erin", None);
    assert_eq!(
        v3_failure(
            &auth_only_agent,
            v3_user("erin", Some(PrivProtocol::Aes128)),
            Faults::default()
        ),
        Some(Err(Error::Report(ReportKind::UnsupportedSecurityLevel)))
    );
    let faults = Faults {
        always_unknown_engine: true,
        ..Faults::default()
    };
    assert_eq!(
        v3_failure(
            &agent_user,
            v3_user("carol", Some(PrivProtocol::Des)),
            faults
        ),
        Some(Err(Error::Report(ReportKind::UnknownEngineId)))
    );
}

#[test]
fn v3_aes_auto_finds_the_agents_key_extension() {
    // The agent uses the Reeder (Cisco) extension; we are configured with Blumenthal + Auto.
    let agent_user = UsmUser::new("frank")
        .with_auth(AuthProtocol::Sha1, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes256Reeder, b"priv-password")
        .unwrap();
    let ours = UsmUser::new("frank")
        .with_auth(AuthProtocol::Sha1, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes256Blumenthal, b"priv-password")
        .unwrap();
    let mut sim = v3_sim(&agent_user);
    let mut sec = V3Security::new(ours.clone());
    sec.aes_key_extension = AesKeyExtension::Auto;
    let t = sim.session.add_target(TargetConfig::v3(agent_addr(0), sec));
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    // Remembered: the next request goes straight through.
    let before = sim.session.counters();
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    assert_eq!(sim.session.counters().requests - before.requests, 1);
    assert_eq!(sim.session.counters().retransmits, before.retransmits);

    // Without Auto, the same configuration fails with the agent's decryption error.
    let fixed = v3_failure(&agent_user, ours, Faults::default());
    assert_eq!(fixed, Some(Err(Error::Report(ReportKind::DecryptionError))));
}

#[test]
fn thousand_targets_at_once() {
    let mut sim = Sim::new(Lossy {
        rng: Rng::new(1),
        loss: 0.05,
        duplicate: 0.05,
        max_delay: Duration::from_millis(20),
    });
    let mut ops = Vec::new();
    for i in 0..1000u16 {
        let mut data = std::collections::BTreeMap::new();
        data.insert(oid("1.3.6.1.2.1.1.5.0"), Value::from(format!("agent-{i}")));
        sim.agents.insert(agent_addr(i), FakeAgent::new(data));
        let mut cfg = TargetConfig::v2c(agent_addr(i), "public");
        cfg.timeout = Duration::from_millis(200);
        cfg.retries = 5;
        let t = sim.session.add_target(cfg);
        ops.push((
            i,
            sim.session
                .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
                .unwrap(),
        ));
    }
    let ids: Vec<_> = ops.iter().map(|(_, o)| *o).collect();
    sim.run(&ids, 100_000);
    for (i, op) in ops {
        let out = sim.outcome(op);
        assert_eq!(out.result, Some(Ok(())), "agent {i}");
        assert_eq!(out.varbinds[0].value, Value::from(format!("agent-{i}")));
    }
    assert_eq!(sim.session.operations_in_progress(), 0);
    assert_eq!(sim.session.poll_timeout(), None);
}

#[test]
fn handle_timeout_early_late_and_twice_never_spins() {
    let mut sim = Sim::new(Perfect(LATENCY));
    let t = sim
        .session
        .add_target(TargetConfig::v2c(agent_addr(9), "public"));
    let op = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.drain();
    let deadline = sim.session.poll_timeout().unwrap();
    // Early: nothing happens, same deadline.
    sim.session.handle_timeout(sim.now);
    sim.drain();
    assert_eq!(sim.session.poll_timeout(), Some(deadline));
    assert_eq!(sim.session.counters().retransmits, 0);
    // On time, twice: one retransmission, and the handled deadline is never returned again.
    sim.now = deadline;
    sim.session.handle_timeout(deadline);
    sim.session.handle_timeout(deadline);
    sim.drain();
    assert_eq!(sim.session.counters().retransmits, 1);
    let next = sim.session.poll_timeout().unwrap();
    assert!(next > deadline);
    // Late: far past the deadline. Each late call handles what expired (one retransmission,
    // whose new deadline is counted from when it is sent), so the remaining attempts run out
    // one deadline at a time, and the driver always gets a deadline in the future.
    sim.now = next + Duration::from_secs(3600);
    for _ in 0..3 {
        sim.session.handle_timeout(sim.now);
        sim.drain();
        if let Some(t) = sim.session.poll_timeout() {
            assert!(t > sim.now, "a deadline already handled came back");
            sim.now = t + Duration::from_secs(1);
        }
    }
    assert!(matches!(
        sim.outcome(op).result,
        Some(Err(Error::Timeout { attempts: 4, .. }))
    ));
    assert_eq!(sim.session.poll_timeout(), None);
}

#[test]
fn get_each_isolates_missing_oids_in_v1() {
    let mut sim = Sim::new(Perfect(LATENCY));
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(3)));
    let t = sim
        .session
        .add_target(TargetConfig::v1(agent_addr(0), "public"));
    let oids = vec![
        oid("1.3.6.1.2.1.1.77.0"),
        oid("1.3.6.1.2.1.1.5.0"),
        oid("1.3.6.1.2.1.1.78.0"),
        oid("1.3.6.1.2.1.2.2.1.2.2"),
        oid("1.3.6.1.2.1.1.79.0"),
    ];
    let op = sim
        .session
        .start(t, Request::GetEach(oids.clone()))
        .unwrap();
    sim.run(&[op], 1000);
    let out = sim.outcome(op);
    assert_eq!(out.result, Some(Ok(())));
    let values: Vec<_> = out.varbinds.iter().map(|vb| vb.value.clone()).collect();
    assert_eq!(
        values,
        [
            Value::NoSuchObject,
            Value::from("fake"),
            Value::NoSuchObject,
            Value::from("eth2"),
            Value::NoSuchObject
        ]
    );
    let got: Vec<_> = out.varbinds.iter().map(|vb| vb.oid.clone()).collect();
    assert_eq!(got, oids, "in the order asked");
    // Every OID missing: all noSuchObject, no error.
    let op = sim
        .session
        .start(
            t,
            Request::GetEach(vec![oid("1.3.6.1.2.1.1.90.0"), oid("1.3.6.1.2.1.1.91.0")]),
        )
        .unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).varbinds.len(), 2);
    assert!(sim
        .outcome(op)
        .varbinds
        .iter()
        .all(|vb| vb.value == Value::NoSuchObject));
}

/// An unauthenticated Report, as anyone who saw a request's plaintext msgID can forge it.
fn forged_report(msg_id: i32, engine_id: &[u8], user: &[u8], stat: u32) -> Vec<u8> {
    use snmp_codec::{Bytes, GenericPdu, ScopedPdu, SecurityLevel};
    let oid = if stat == 7 {
        Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 12, 1, 4, 0]) // snmpUnknownContexts
    } else {
        Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 15, 1, 1, stat, 0])
    };
    let scoped = ScopedPdu {
        context_engine_id: Bytes::copy_from_slice(engine_id),
        context_name: Bytes::new(),
        pdu: Pdu::Report(GenericPdu::new(
            0,
            vec![VarBind::new(oid, Value::Counter32(1))],
        )),
    };
    let header = snmp_usm::OutgoingHeader {
        msg_id,
        msg_max_size: 65507,
        level: SecurityLevel::NoAuthNoPriv,
        reportable: false,
        engine_boots: 0,
        engine_time: 0,
        salt: 0,
    };
    let keys = snmp_usm::LocalizedUser::without_keys(user, engine_id);
    let mut buf = vec![0u8; 2048];
    let n = snmp_usm::encode_outgoing(&header, &keys, &scoped, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

/// One forged unauthenticated Report before every genuine answer (the discovery's included),
/// of every kind in turn: the walk and the get still complete with exactly the agent's data.
#[test]
fn spoofed_unauthenticated_reports_at_every_step_end_nothing() {
    let user = v3_user("grace", Some(PrivProtocol::Aes128));
    let mut sim = v3_sim(&user);
    let engine = sim.agents[&agent_addr(0)].engine_id().clone();
    let mut kind = 0u32;
    sim.tamper = Some(Box::new(move |from, answer| {
        let msg_id = snmp_codec::V3Message::decode(&answer).unwrap().msg_id;
        kind = kind % 7 + 1;
        let forged = forged_report(msg_id, &engine, b"grace", kind);
        vec![(from, forged), (from, answer)]
    }));
    let (_, get, walk) = v3_get_and_walk(&mut sim, user, 3);
    assert_eq!(sim.outcome(get).result, Some(Ok(())));
    assert_eq!(sim.outcome(get).varbinds[0].value, Value::from("fake"));
    assert_eq!(sim.outcome(walk).result, Some(Ok(())));
    let expected = agent_data(&sim, &oid("1.3.6.1.2.1.2.2.1.2"));
    assert_eq!(sim.outcome(walk).varbinds, expected);
    assert_eq!(expected.len(), 20);
    assert_eq!(sim.session.counters().timeouts, 0);
}

/// A misconfigured user still ends in its typed error, at the first attempt's deadline (not
/// after every retry), though the agent's Reports are unauthenticated.
#[test]
fn misconfiguration_ends_by_the_attempts_deadline() {
    let agent_user = v3_user("heidi", None);
    let mut sim = v3_sim(&agent_user);
    let wrong = UsmUser::new("heidi")
        .with_auth(AuthProtocol::Sha256, b"wrong-password")
        .unwrap();
    let t = sim
        .session
        .add_target(TargetConfig::v3(agent_addr(0), V3Security::new(wrong)));
    let start = sim.now;
    let get = sim
        .session
        .start(t, Request::Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .unwrap();
    sim.run(&[get], 1000);
    assert_eq!(
        sim.outcome(get).result,
        Some(Err(Error::Report(ReportKind::WrongDigest)))
    );
    let took = sim.now.saturating_duration_since(start);
    assert!(
        took <= Duration::from_secs(5) + LATENCY * 4,
        "took {took:?}"
    );
    assert_eq!(sim.session.counters().retransmits, 0);
}

/// An agent whose GETBULK answers are out of order inside each answer (pairs swapped, the
/// last in place, as some H3C and Brocade agents answer): under Net-SNMP's rule (the default)
/// the walk hands out every varbind, in the agent's order, as `snmpbulkwalk` prints them; the
/// strict check stops at the first disorder; a table gets every row.
#[test]
fn unsorted_bulk_answers_are_walked_as_net_snmp_walks_them() {
    let (mut sim, t) = perfect_sim(30);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .unsorted_bulk = true;
    let root = oid("1.3.6.1.2.1.2.2.1");
    let data = agent_data(&sim, &root);
    // What snmpbulkwalk -Cr7 prints: each answer of 7 with its pairs swapped, last in place.
    let mut expected = Vec::new();
    for chunk in data.chunks(7) {
        let mut c = chunk.to_vec();
        let keep = c.len() - 1;
        for pair in c[..keep].chunks_mut(2) {
            if let [a, b] = pair {
                std::mem::swap(a, b);
            }
        }
        expected.extend(c);
    }
    let op = sim
        .session
        .start(t, Request::bulk_walk(root.clone(), 7))
        .unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    let got = &sim.outcome(op).varbinds;
    // The answers inside the subtree, in the agent's order (the last one also holds what
    // follows the subtree, so it is compared as a set below).
    let whole = data.len() / 7 * 7;
    assert!(got[..whole] == expected[..whole], "not the agent's order");
    let mut sorted = got.clone();
    sorted.sort_by(|a, b| a.oid.cmp(&b.oid));
    assert!(sorted == data, "{} varbinds for {}", got.len(), data.len());

    let strict = Request::Walk {
        root: root.clone(),
        max_repetitions: Some(7),
        options: WalkOptions::default().with_check(OidCheck::Previous),
    };
    let op = sim.session.start(t, strict).unwrap();
    sim.run(&[op], 1000);
    assert!(matches!(
        sim.outcome(op).result,
        Some(Err(Error::NonIncreasing { .. }))
    ));
    assert_eq!(
        sim.outcome(op).varbinds.len(),
        1,
        "stops at the first swapped pair"
    );

    let table = Request::Table {
        entry: root.clone(),
        columns: Some(vec![2, 10]),
        max_repetitions: 8,
        options: WalkOptions::default(),
    };
    let op = sim.session.start(t, table).unwrap();
    sim.run(&[op], 1000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).rows.len(), 30);
    assert!(sim.outcome(op).rows.iter().all(|r| r.columns.len() == 2));
}

/// An agent that stops advancing and answers with the OID asked for: the walk hands out the
/// repeated varbind, then ends with `NonIncreasing` naming the OID asked for and every
/// offending varbind of the answer (as `snmpbulkwalk` prints one error line each).
#[test]
fn a_repeating_agent_ends_the_walk_after_the_repeated_varbinds() {
    let (mut sim, t) = perfect_sim(30);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .non_increasing_after = Some(12);
    let root = oid("1.3.6.1.2.1.2.2.1.2");
    let op = sim
        .session
        .start(t, Request::bulk_walk(root.clone(), 5))
        .unwrap();
    sim.run(&[op], 1000);
    let out = sim.outcome(op);
    let twelfth = oid("1.3.6.1.2.1.2.2.1.2.12");
    match &out.result {
        Some(Err(Error::NonIncreasing {
            previous,
            received,
            also,
        })) => {
            assert_eq!(previous, &twelfth);
            assert_eq!(received, &twelfth);
            assert_eq!(also.len(), 4);
        }
        other => panic!("{other:?}"),
    }
    // 12 good varbinds (answers of 5, 5, then 2 good and 3 repeats), then 5 repeats.
    assert_eq!(out.varbinds.len(), 20);
    assert_eq!(out.varbinds[..12], agent_data(&sim, &root)[..12]);
}

fn adaptive_walk(root: &Oid, start: u32) -> Request {
    Request::Walk {
        root: root.clone(),
        max_repetitions: Some(start),
        options: WalkOptions::default().with_repetitions(Repetitions::Adaptive { max: 200 }),
    }
}

/// An adaptive bulk walk returns exactly the agent's data, in fewer requests than a fixed
/// one, and the next walk of the target starts from what worked.
#[test]
fn adaptive_repetitions_grow_and_are_remembered() {
    let (mut sim, t) = perfect_sim(1000);
    let root = oid("1.3.6.1.2.1.2.2.1");
    let expected = agent_data(&sim, &root);
    let requests = |sim: &Sim<Perfect>| sim.session.counters().requests;

    let before = requests(&sim);
    let fixed = sim
        .session
        .start(t, Request::bulk_walk(root.clone(), 10))
        .unwrap();
    sim.run(&[fixed], 10_000);
    assert_eq!(sim.outcome(fixed).varbinds, expected);
    let fixed_requests = requests(&sim) - before;

    let before = requests(&sim);
    let op = sim.session.start(t, adaptive_walk(&root, 10)).unwrap();
    sim.run(&[op], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, expected);
    let adaptive_requests = requests(&sim) - before;
    assert!(
        adaptive_requests * 3 < fixed_requests,
        "adaptive {adaptive_requests} requests, fixed {fixed_requests}"
    );

    let before = requests(&sim);
    let again = sim.session.start(t, adaptive_walk(&root, 10)).unwrap();
    sim.run(&[again], 10_000);
    assert_eq!(sim.outcome(again).varbinds, expected);
    let remembered = requests(&sim) - before;
    assert!(
        remembered < adaptive_requests,
        "{remembered} >= {adaptive_requests}"
    );
    assert_eq!(remembered as usize, expected.len().div_ceil(200) + 1);
}

/// A parallel adaptive walk remembers what its stripes reached as well: the next parallel
/// walk of the target starts from there and needs fewer requests.
#[test]
fn parallel_adaptive_repetitions_are_remembered() {
    let (mut sim, t) = perfect_sim(1000);
    let root = oid("1.3.6.1.2.1.2.2.1");
    let expected = agent_data(&sim, &root);
    let requests = |sim: &Sim<Perfect>| sim.session.counters().requests;
    let walk = || Request::Walk {
        root: root.clone(),
        max_repetitions: Some(10),
        options: WalkOptions::default()
            .with_parallel(4)
            .with_repetitions(Repetitions::Adaptive { max: 200 }),
    };
    let mut counts = Vec::new();
    for _ in 0..2 {
        let before = requests(&sim);
        let op = sim.session.start(t, walk()).unwrap();
        sim.run(&[op], 100_000);
        assert_eq!(sim.outcome(op).result, Some(Ok(())));
        assert_eq!(sim.outcome(op).varbinds, expected);
        counts.push(requests(&sim) - before);
    }
    assert!(counts[1] < counts[0], "requests per walk: {counts:?}");
}

/// An agent that answers tooBig above a size, and one too slow for big requests (they time
/// out): the adaptive walk shrinks and completes with exactly the agent's data; the fixed one
/// asking for as much fails on the slow agent.
#[test]
fn adaptive_repetitions_shrink_on_too_big_and_on_timeouts() {
    let root = oid("1.3.6.1.2.1.2.2.1");
    let (mut sim, t) = perfect_sim(300);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .too_big_above = Some(1200);
    let op = sim.session.start(t, adaptive_walk(&root, 100)).unwrap();
    sim.run(&[op], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));

    let (mut sim, t) = perfect_sim(300);
    sim.agents
        .get_mut(&agent_addr(0))
        .unwrap()
        .faults
        .silent_above_repetitions = Some(20);
    let fixed = sim
        .session
        .start(t, Request::bulk_walk(root.clone(), 64))
        .unwrap();
    sim.run(&[fixed], 10_000);
    assert!(matches!(
        sim.outcome(fixed).result,
        Some(Err(Error::Timeout { .. }))
    ));
    let op = sim.session.start(t, adaptive_walk(&root, 64)).unwrap();
    sim.run(&[op], 10_000);
    assert_eq!(sim.outcome(op).result, Some(Ok(())));
    assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));
}

/// A parallel walk splits the subtree at its root's children and walks them at once: the same
/// sequence as the sequential walk, in a fraction of the round trips' time.
#[test]
fn parallel_walks_match_the_sequential_walk_in_less_time() {
    let root = oid("1.3.6.1.2.1.2.2.1");
    let mut times = Vec::new();
    let mut results = Vec::new();
    for stripes in [1u16, 4, 8] {
        let (mut sim, t) = perfect_sim(300);
        let start = sim.now;
        let walk = Request::Walk {
            root: root.clone(),
            max_repetitions: Some(10),
            options: WalkOptions::default().with_parallel(stripes),
        };
        let op = sim.session.start(t, walk).unwrap();
        sim.run(&[op], 100_000);
        assert_eq!(sim.outcome(op).result, Some(Ok(())), "{stripes} stripes");
        assert_eq!(sim.outcome(op).varbinds, agent_data(&sim, &root));
        times.push(sim.now.saturating_duration_since(start));
        results.push(sim.outcome(op).varbinds.clone());
    }
    // 11 columns in 4 stripes of 3, 3, 3 and 2 columns, after 11 probes: about 3x.
    assert!(
        times[1] * 5 < times[0] * 2,
        "4 stripes: {:?} against {:?}",
        times[1],
        times[0]
    );
    assert!(
        times[2] < times[1],
        "8 stripes: {:?} against {:?}",
        times[2],
        times[1]
    );
}

/// A parallel walk notes where its varbinds were; the next walk of the same subtree on the
/// target starts its stripes there (no probes), each holding about as many varbinds: more
/// stripes than the 11 columns are used, in less time. It is still exactly the agent's data,
/// also after rows came and went between the walks.
#[test]
fn a_second_parallel_walk_starts_its_stripes_where_the_data_is() {
    let root = oid("1.3.6.1.2.1.2.2.1");
    let (mut sim, t) = perfect_sim(300);
    let walk = || Request::Walk {
        root: root.clone(),
        max_repetitions: Some(20),
        options: WalkOptions::default().with_parallel(16),
    };
    let mut times = Vec::new();
    for round in 0..3 {
        if round == 2 {
            // Rows removed from the first column and added to the last.
            let agent = sim.agents.get_mut(&agent_addr(0)).unwrap();
            for i in 1..=200 {
                agent.data.remove(&oid(&format!("1.3.6.1.2.1.2.2.1.1.{i}")));
                agent
                    .data
                    .insert(oid(&format!("1.3.6.1.2.1.2.2.1.22.{i}")), Value::Integer(i));
            }
        }
        let start = sim.now;
        let op = sim.session.start(t, walk()).unwrap();
        sim.run(&[op], 100_000);
        assert_eq!(sim.outcome(op).result, Some(Ok(())), "walk {round}");
        assert_eq!(
            sim.outcome(op).varbinds,
            agent_data(&sim, &root),
            "walk {round}"
        );
        times.push(sim.now.saturating_duration_since(start));
    }
    // 11 columns of 300 in 11 stripes of 15 requests after the probes, against 16 even
    // stripes of 11 requests at once (the simulated network is deterministic).
    assert!(
        times[1] * 4 < times[0] * 3,
        "the second walk took {:?}, the first {:?}",
        times[1],
        times[0]
    );
}

/// A stripe that fails ends the parallel walk exactly where the sequential walk ends: the
/// same varbinds before the error, then the same error.
#[test]
fn a_failing_stripe_ends_the_walk_where_the_sequential_walk_ends() {
    let root = oid("1.3.6.1.2.1.2.2.1");
    let mut outcomes = Vec::new();
    for stripes in [1u16, 6] {
        let (mut sim, t) = perfect_sim(40);
        let agent = sim.agents.get_mut(&agent_addr(0)).unwrap();
        // One value too big to travel: a GETNEXT cannot be made smaller, so the walk fails
        // there (in the 6th column, a middle stripe).
        agent.data.insert(
            oid("1.3.6.1.2.1.2.2.1.6.17"),
            Value::OctetString(vec![b'x'; 2000].into()),
        );
        agent.faults.too_big_above = Some(1500);
        let walk = Request::Walk {
            root: root.clone(),
            max_repetitions: None,
            options: WalkOptions::default().with_parallel(stripes),
        };
        let op = sim.session.start(t, walk).unwrap();
        sim.run(&[op], 100_000);
        outcomes.push(sim.outcome(op).clone());
    }
    assert_eq!(outcomes[0].result, Some(Err(Error::TooBig)));
    assert_eq!(outcomes[1].result, outcomes[0].result);
    assert_eq!(outcomes[1].varbinds, outcomes[0].varbinds);
    assert_eq!(
        outcomes[0].varbinds.last().map(|vb| vb.oid.clone()),
        Some(oid("1.3.6.1.2.1.2.2.1.6.16"))
    );
}

/// Pipelining (`max_in_flight`): the chunks of a big GET go out several at once; the answer
/// is the same, in the order asked, also when the agent says tooBig or (v1) noSuchName, in a
/// fraction of the round trips' time.
#[test]
fn pipelined_gets_give_the_same_answer_in_less_time() {
    let oids: Vec<Oid> = (1..=400)
        .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.{}.{}", 2 + i % 3, 1 + i / 3)))
        .chain((0..20).map(|i| oid(&format!("1.3.6.1.2.1.1.{}.0", 80 + i))))
        .collect();
    let run = |in_flight: u16, v1: bool, too_big: Option<usize>| {
        let mut sim = Sim::new(Perfect(LATENCY));
        let mut agent = FakeAgent::new(FakeAgent::synthetic(200));
        agent.faults.too_big_above = too_big;
        sim.agents.insert(agent_addr(0), agent);
        let mut cfg = if v1 {
            TargetConfig::v1(agent_addr(0), "public")
        } else {
            TargetConfig::v2c(agent_addr(0), "public")
        };
        cfg.max_in_flight = in_flight;
        let t = sim.session.add_target(cfg);
        let start = sim.now;
        let op = sim
            .session
            .start(t, Request::GetEach(oids.clone()))
            .unwrap();
        sim.run(&[op], 100_000);
        let took = sim.now.saturating_duration_since(start);
        (sim.outcome(op).clone(), took)
    };
    for (v1, too_big) in [(false, None), (false, Some(900)), (true, None)] {
        let (sequential, slow) = run(1, v1, too_big);
        let (pipelined, fast) = run(4, v1, too_big);
        assert_eq!(
            sequential.result,
            Some(Ok(())),
            "v1 {v1} tooBig {too_big:?}"
        );
        assert_eq!(pipelined.result, sequential.result);
        assert_eq!(pipelined.varbinds, sequential.varbinds);
        let asked: Vec<Oid> = pipelined.varbinds.iter().map(|vb| vb.oid.clone()).collect();
        assert_eq!(asked, oids);
        // In v1 the 20 missing OIDs (all in the last chunk) cost a round trip each, one
        // after the other, pipelined or not.
        let (times, bound) = if v1 { (1, 1) } else { (2, 1) };
        assert!(
            fast * times < slow * bound,
            "v1 {v1} tooBig {too_big:?}: {fast:?} against {slow:?}"
        );
    }
}
