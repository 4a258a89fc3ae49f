//! The blocking Manager against the real Net-SNMP agent and trap receiver: the same checks the
//! async adapters pass (every version and v3 combination, walks equal to snmpwalk, tables,
//! SETs, typed errors, traps and informs both ways), plus what is the blocking crate's own (a
//! dropped walk cancels, poll_many over one socket, v3 poll targets discovered once).

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use snmp_blocking::session::Error as SessionError;
use snmp_blocking::{
    AuthProtocol, Client, Error, ErrorStatus, GenericTrap, Manager, Oid, PollTarget, PrivProtocol,
    SessionConfig, TrapReceiver, UsmUser, Value, VarBind, Version,
};
use snmp_testkit::adapter_tests::{
    assert_same_output, lines, static_agent_config, v3_name, without_end_of_view, AUTH_PW,
    NET_SNMP_PRIVS, PRIV_PW, SYS_DESCR, TRAP_ENGINE,
};
use snmp_testkit::{net_snmp_tool, NetSnmpTrapd, NetSnmpd};

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
fn every_version_and_v3_combination() {
    let agent = agent();
    let host = agent.addr().to_string();
    for version in [Version::V1, Version::V2c] {
        let m = Manager::builder(&host).version(version).build().unwrap();
        assert_eq!(m.get(SYS_DESCR_OID).unwrap(), Value::from(SYS_DESCR));
        // By name too.
        assert_eq!(m.get("sysDescr.0").unwrap(), Value::from(SYS_DESCR));
    }
    let by_name = Manager::builder("localhost")
        .port(agent.addr().port())
        .build()
        .unwrap();
    assert_eq!(by_name.get(SYS_DESCR_OID).unwrap(), Value::from(SYS_DESCR));
    if let Some(v6) = agent.addr6() {
        let m = Manager::builder(&format!("[::1]:{}", v6.port()))
            .build()
            .unwrap();
        assert_eq!(m.get(SYS_DESCR_OID).unwrap(), Value::from(SYS_DESCR));
    }
    let mut n = 0;
    for auth in AuthProtocol::ALL {
        let mut combos = vec![(None, None)];
        combos.extend(NET_SNMP_PRIVS.iter().map(|(p, n)| (Some(*p), Some(*n))));
        for (privacy, net) in combos {
            let name = v3_name(auth, net);
            let mut b = Manager::builder(&host)
                .user(&name)
                .auth(auth, AUTH_PW)
                .timeout(Duration::from_secs(2));
            if let Some(p) = privacy {
                b = b.privacy(p, PRIV_PW);
            }
            let m = b.build().unwrap();
            assert_eq!(
                m.get(SYS_DESCR_OID),
                Ok(Value::from(SYS_DESCR)),
                "{name}\nagent log:\n{}",
                agent.log()
            );
            // The second call reuses the discovered engine: one request, one answer.
            let before = m.counters();
            assert_eq!(m.get(SYS_DESCR_OID), Ok(Value::from(SYS_DESCR)), "{name}");
            let after = m.counters();
            assert_eq!(after.discoveries, before.discoveries, "{name}");
            n += 1;
        }
    }
    assert_eq!(n, 42);
}

#[test]
fn walks_match_net_snmp() {
    let agent = agent();
    let host = format!("udp:{}", agent.addr());
    let m = v2c(&agent, "public");
    let walk = m.walk(".1").collect_all().unwrap();
    let bulk = m.bulk_walk(".1", 10).collect_all().unwrap();
    assert!(walk.len() > 40, "only {} varbinds", walk.len());
    let expected =
        net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &host, ".1"]).unwrap();
    assert_same_output(
        &lines(&walk),
        &without_end_of_view(&expected),
        "walk vs snmpwalk",
    );
    let expected = net_snmp_tool(
        "snmpbulkwalk",
        &["-On", "-v2c", "-c", "public", "-Cr10", &host, ".1"],
    )
    .unwrap();
    assert_same_output(
        &lines(&bulk),
        &without_end_of_view(&expected),
        "bulk_walk vs snmpbulkwalk",
    );
    let m1 = Manager::builder(&agent.addr().to_string())
        .version(Version::V1)
        .build()
        .unwrap();
    let walk1 = m1.walk(".1").collect_all().unwrap();
    let expected = net_snmp_tool("snmpwalk", &["-On", "-v1", "-c", "public", &host, ".1"]).unwrap();
    assert_same_output(
        &lines(&walk1),
        &without_end_of_view(&expected),
        "v1 walk vs snmpwalk -v1",
    );
    // v3 authPriv walks too.
    let v3 = Manager::builder(&agent.addr().to_string())
        .user(v3_name(AuthProtocol::Sha256, Some("AES")))
        .auth(AuthProtocol::Sha256, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .unwrap();
    // (The v3 users' view has sysUpTime, which changes between reads: left out.)
    let uptime: Oid = "1.3.6.1.2.1.1.3.0".parse().unwrap();
    let mut walk3 = v3.bulk_walk("system", 5).collect_all().unwrap();
    walk3.retain(|(o, _)| *o != uptime);
    let system: Vec<_> = bulk
        .iter()
        .filter(|(o, _)| o.to_string().starts_with("1.3.6.1.2.1.1."))
        .cloned()
        .collect();
    assert_eq!(walk3, system);
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
fn tables_and_sets() {
    let agent = agent();
    let m = v2c(&agent, "public");
    let entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
    let walk = m.bulk_walk(&entry, 25).collect_all().unwrap();
    for columns in [None, Some(&[1u32, 2, 3, 4][..]), Some(&[2u32, 4][..])] {
        let rows = m.get_table(&entry, columns, 25).unwrap();
        let mut from_table = Vec::new();
        for row in &rows {
            for (col, value) in &row.columns {
                let mut oid = entry.child(*col);
                oid.extend_from_slice(row.index.arcs());
                from_table.push((oid, value.clone()));
            }
        }
        from_table.sort_by(|a, b| a.0.cmp(&b.0));
        let expected: Vec<_> = walk
            .iter()
            .filter(|(o, _)| columns.is_none_or(|c| c.contains(&o.arcs()[9])))
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(from_table, expected, "columns {columns:?}");
    }
    let table = m.table("IF-MIB::ifTable").unwrap();
    assert!(!table.rows.is_empty());
    assert!(table.rows[0].get("ifDescr").is_some());
    let rw = v2c(&agent, "private");
    rw.set("sysContact.0", "ops@example.net").unwrap();
    rw.set_many([
        ("sysName.0", Value::from("renamed-by-blocking")),
        ("sysContact.0", Value::from("noc@example.net")),
    ])
    .unwrap();
    assert_eq!(
        rw.get("sysContact.0").unwrap(),
        Value::from("noc@example.net")
    );
    let v3 = Manager::builder(&agent.addr().to_string())
        .user("writer")
        .auth(AuthProtocol::Sha256, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .unwrap();
    v3.set("sysName.0", "renamed-by-v3").unwrap();
    assert_eq!(rw.get("sysName.0").unwrap(), Value::from("renamed-by-v3"));
}

#[test]
fn errors_are_typed() {
    let agent = agent();
    let m = v2c(&agent, "public");
    let missing: Oid = "1.3.6.1.2.1.1.99.0".parse().unwrap();
    let err = m.get(&missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: no such object: {missing}", m.addr())
    );
    assert_eq!(
        operation_error::<()>(Err(err)),
        SessionError::NoSuchObject { oid: missing }
    );
    let last: Oid = "1.3.6.1.4.1.99999.9.0".parse().unwrap();
    assert!(matches!(
        operation_error(m.get_next(&last)),
        SessionError::EndOfMibView { .. }
    ));
    let rw = v2c(&agent, "private");
    let descr: Oid = SYS_DESCR_OID.parse().unwrap();
    assert_eq!(
        operation_error(rw.set(&descr, "x")),
        SessionError::Status {
            status: ErrorStatus::NotWritable,
            index: 1,
            oid: Some(descr.clone()),
        }
    );
    // A silent agent: every attempt times out.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let t = Manager::builder(&silent.local_addr().unwrap().to_string())
        .timeout(Duration::from_millis(300))
        .retries(2)
        .build()
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        operation_error(t.get(SYS_DESCR_OID)),
        SessionError::Timeout { attempts: 3, .. }
    ));
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900), "gave up after {took:?}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    // Per call: one attempt of 100 ms.
    assert!(matches!(
        operation_error(
            t.with_timeout(Duration::from_millis(100))
                .with_retries(0)
                .get(SYS_DESCR_OID)
        ),
        SessionError::Timeout { attempts: 1, .. }
    ));
    // A port nobody listens on (ICMP port unreachable on the connected socket): a timeout,
    // not an I/O error.
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let closed = Manager::builder(&format!("127.0.0.1:{port}"))
        .timeout(Duration::from_millis(100))
        .retries(1)
        .build()
        .unwrap();
    assert!(matches!(
        operation_error(closed.get(SYS_DESCR_OID)),
        SessionError::Timeout { .. }
    ));
    let wrong = Manager::builder(&agent.addr().to_string())
        .user(v3_name(AuthProtocol::Sha1, None))
        .auth(AuthProtocol::Sha1, "not-the-password")
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    assert_eq!(
        operation_error(wrong.get(SYS_DESCR_OID)),
        SessionError::Report(snmp_blocking::ReportKind::WrongDigest)
    );
    // Builder mistakes.
    assert!(matches!(
        Manager::builder("127.0.0.1")
            .auth(AuthProtocol::Sha1, "auth-pass")
            .build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Manager::builder("nosuchhost.invalid").build(),
        Err(Error::Resolve(_))
    ));
    // An unknown name fails before sending.
    assert!(matches!(m.get("sysDescrr.0"), Err(Error::Name(_))));
}

#[test]
fn traps_and_informs_reach_snmptrapd() {
    let engine_hex: String = TRAP_ENGINE.iter().map(|b| format!("{b:02x}")).collect();
    let conf = format!(
        "disableAuthorization yes\n\
         createUser -e 0x{engine_hex} trapuser SHA {AUTH_PW} AES {PRIV_PW}\n\
         createUser informuser SHA {AUTH_PW} AES {PRIV_PW}\n"
    );
    let trapd = NetSnmpTrapd::start(&conf).unwrap();
    let host = trapd.addr().to_string();
    let mut config = SessionConfig::default();
    config.local_engine_id = Some(snmp_blocking::codec::Bytes::from_static(TRAP_ENGINE));
    let marker = |s: &str| VarBind::new("1.3.6.1.4.1.99999.7.0".parse().unwrap(), Value::from(s));
    let trap_oid = "1.3.6.1.4.1.99999.0.1";
    let v2 = Manager::builder(&host).build().unwrap();
    v2.send_trap(trap_oid, vec![marker("v2c-trap-marker")], 4242)
        .unwrap();
    assert!(trapd.wait_for("v2c-trap-marker"), "log:\n{}", trapd.log());
    let ack = v2
        .send_inform(trap_oid, vec![marker("v2c-inform-marker")], 4243)
        .unwrap();
    assert!(trapd.wait_for("v2c-inform-marker"), "log:\n{}", trapd.log());
    assert_eq!(ack.len(), 3);
    let v1 = Manager::builder(&host)
        .version(Version::V1)
        .build()
        .unwrap();
    v1.send_trap_v1(snmp_blocking::TrapV1Pdu {
        enterprise: "1.3.6.1.4.1.99999".parse().unwrap(),
        agent_addr: [127, 0, 0, 1],
        generic_trap: GenericTrap::EnterpriseSpecific,
        specific_trap: 7,
        time_stamp: 100,
        varbinds: vec![marker("v1-trap-marker")],
    })
    .unwrap();
    assert!(trapd.wait_for("v1-trap-marker"), "log:\n{}", trapd.log());
    let v3trap = Manager::builder(&host)
        .session_config(config)
        .user("trapuser")
        .auth(AuthProtocol::Sha1, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .unwrap();
    v3trap
        .send_trap(trap_oid, vec![marker("v3-trap-marker")], 4244)
        .unwrap();
    assert!(trapd.wait_for("v3-trap-marker"), "log:\n{}", trapd.log());
    let v3inform = Manager::builder(&host)
        .user("informuser")
        .auth(AuthProtocol::Sha1, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .unwrap();
    v3inform
        .send_inform(trap_oid, vec![marker("v3-inform-marker")], 4245)
        .unwrap();
    assert!(trapd.wait_for("v3-inform-marker"), "log:\n{}", trapd.log());
}

#[test]
fn trap_receiver_gets_net_snmp_notifications() {
    let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default()).unwrap();
    rx.add_user(
        UsmUser::new("v3user")
            .with_auth(AuthProtocol::Sha1, AUTH_PW.as_bytes())
            .unwrap()
            .with_privacy(PrivProtocol::Aes128, PRIV_PW.as_bytes())
            .unwrap(),
    );
    let host = rx.local_addr().unwrap().to_string();
    let trap = "1.3.6.1.4.1.8072.2.3.0.1";
    let detail = "1.3.6.1.4.1.8072.2.3.2.1";
    let v3 = [
        "-v3", "-u", "v3user", "-l", "authPriv", "-a", "SHA", "-A", AUTH_PW, "-x", "AES", "-X",
        PRIV_PW,
    ];
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "snmptrap",
            vec![
                "-v1",
                "-c",
                "public",
                &host,
                "1.3.6.1.4.1.8072.9999",
                "127.0.0.1",
                "6",
                "17",
                "",
                detail,
                "s",
                "v1-marker",
            ],
            "v1-marker",
        ),
        (
            "snmptrap",
            vec![
                "-v2c",
                "-c",
                "public",
                &host,
                "",
                trap,
                detail,
                "s",
                "v2c-marker",
            ],
            "v2c-marker",
        ),
        (
            "snmpinform",
            vec![
                "-v2c",
                "-c",
                "public",
                &host,
                "",
                trap,
                detail,
                "s",
                "v2c-inform",
            ],
            "v2c-inform",
        ),
        (
            "snmpinform",
            [&v3[..], &[&host, "", trap, detail, "s", "v3-inform"]].concat(),
            "v3-inform",
        ),
    ];
    for (tool, args, needle) in cases {
        // The sender runs beside us: an inform waits for our acknowledgement, which only
        // `recv` sends.
        let tool = tool.to_owned();
        let owned: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let sender = std::thread::spawn(move || {
            let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            net_snmp_tool(&tool, &refs)
        });
        let n = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .unwrap_or_else(|| panic!("no notification for {needle}"));
        let text = format!("{:?}", n.varbinds);
        assert!(text.contains(needle), "{needle}: {text}");
        if needle.starts_with("v3") {
            assert_eq!(n.user_name(), Some("v3user"));
        } else {
            assert_eq!(n.community_str(), Some("public"));
        }
        let sent = sender.join().unwrap();
        assert!(sent.is_ok(), "{needle}: {sent:?}");
    }
    // Nothing more: recv_timeout gives up.
    assert!(rx
        .recv_timeout(Duration::from_millis(100))
        .unwrap()
        .is_none());
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
