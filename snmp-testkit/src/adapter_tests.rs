//! The adapters' integration tests against real Net-SNMP, written once over the runtime and
//! called from `snmp-tokio` and `snmp-smol` under each runtime they support.
//!
//! Each function starts its own daemons (on free loopback ports, with their own
//! configurations) and panics with a clear message on the first mismatch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use snmp_async::{
    AuthProtocol, Client, Error, ErrorStatus, Manager, Oid, PrivProtocol, Runtime, SessionConfig,
    Value, VarBind, Version,
};

use crate::{net_snmp_tool, NetSnmpTrapd, NetSnmpd};

use snmp_async::session::Error as SessionError;

/// The session's error of a failed operation (panics on success or another kind of error).
fn operation_error<T: std::fmt::Debug>(r: Result<T, Error>) -> SessionError {
    match r {
        Err(Error::Operation { error, .. }) => *error,
        other => panic!("expected an operation error, got {other:?}"),
    }
}

/// The v3 users' authentication pass phrase in [`static_agent_config`].
pub const AUTH_PW: &str = "adapter-auth-pw";
/// The v3 users' privacy pass phrase in [`static_agent_config`].
pub const PRIV_PW: &str = "adapter-priv-pw";
/// sysDescr.0 of [`static_agent_config`].
pub const SYS_DESCR: &str = "snmp-rs adapter test agent";

/// Every privacy protocol Net-SNMP offers, with its `createUser` / `-x` name (Debian's 5.9 has
/// all of ours but 3DES).
pub const NET_SNMP_PRIVS: [(PrivProtocol, &str); 6] = [
    (PrivProtocol::Des, "DES"),
    (PrivProtocol::Aes128, "AES"),
    (PrivProtocol::Aes192Blumenthal, "AES-192"),
    (PrivProtocol::Aes256Blumenthal, "AES-256"),
    (PrivProtocol::Aes192Reeder, "AES192C"),
    (PrivProtocol::Aes256Reeder, "AES256C"),
];

/// A user name for one auth x priv combination (`privacy` is the Net-SNMP name).
pub fn v3_name(auth: AuthProtocol, privacy: Option<&str>) -> String {
    let a = auth.net_snmp_name().replace('-', "").to_lowercase();
    let p = privacy.map_or("none".to_owned(), |p| p.replace('-', "").to_lowercase());
    format!("a_{a}_{p}")
}

/// An agent whose `public` view holds only data that does not change while a test runs, so
/// that two walks of it can be compared value for value.
pub fn static_agent_config() -> String {
    agent_config()
}

fn agent_config() -> String {
    let mut c = String::new();
    for line in [
        "rocommunity public 127.0.0.1 -V static",
        "rocommunity6 public ::1 -V static",
        "rwcommunity private 127.0.0.1",
        "view static included .1.3.6.1.2.1.1",
        "view static excluded .1.3.6.1.2.1.1.3",
        "view static included .1.3.6.1.2.1.2.2.1.1",
        "view static included .1.3.6.1.2.1.2.2.1.2",
        "view static included .1.3.6.1.2.1.2.2.1.3",
        "view static included .1.3.6.1.2.1.2.2.1.4",
        "view static included .1.3.6.1.2.1.2.2.1.6",
        "view static included .1.3.6.1.2.1.4.20",
        "view static included .1.3.6.1.4.1.99999",
        "sysLocation adapter lab",
        "override .1.3.6.1.4.1.99999.1.0 octet_str \"quoted \\\"text\\\" and \\\\ backslash\"",
        "override .1.3.6.1.4.1.99999.2.0 integer -5",
        "override .1.3.6.1.4.1.99999.3.0 counter 7",
        "override .1.3.6.1.4.1.99999.4.0 uinteger 8",
        "override .1.3.6.1.4.1.99999.5.0 object_id .1.3.6.1.4.1.8072",
        "override .1.3.6.1.4.1.99999.6.0 octet_str \"\"",
        "override .1.3.6.1.4.1.99999.9.0 timeticks 8640000",
    ] {
        c += line;
        c.push('\n');
    }
    writeln!(c, "sysdescr {SYS_DESCR}").unwrap();
    for auth in AuthProtocol::ALL {
        let a = auth.net_snmp_name();
        let name = v3_name(auth, None);
        writeln!(c, "createUser {name} {a} {AUTH_PW}\nrouser {name} auth").unwrap();
        for (_, p) in NET_SNMP_PRIVS {
            let name = v3_name(auth, Some(p));
            writeln!(
                c,
                "createUser {name} {a} {AUTH_PW} {p} {PRIV_PW}\nrouser {name} priv"
            )
            .unwrap();
        }
    }
    writeln!(
        c,
        "createUser writer SHA-256 {AUTH_PW} AES {PRIV_PW}\nrwuser writer priv"
    )
    .unwrap();
    c
}

fn start_agent() -> NetSnmpd {
    NetSnmpd::start(&agent_config()).expect("start snmpd")
}

async fn v2c<R: Runtime + Default>(agent: &NetSnmpd, community: &str) -> Manager<R> {
    Manager::<R>::builder(&agent.addr().to_string())
        .community(community)
        .timeout(Duration::from_secs(2))
        .build()
        .await
        .expect("manager")
}

/// v1, v2c, and v3 with every auth x priv combination Net-SNMP offers.
pub async fn every_version_and_v3_combination<R: Runtime + Default>() {
    let agent = start_agent();
    let host = agent.addr().to_string();
    let sys_descr = "1.3.6.1.2.1.1.1.0";
    for version in [Version::V1, Version::V2c] {
        let m = Manager::<R>::builder(&host)
            .version(version)
            .build()
            .await
            .unwrap();
        assert_eq!(
            m.get(sys_descr).await.unwrap(),
            Value::from(SYS_DESCR),
            "{version:?}"
        );
    }
    // A host name, and IPv6 (a literal in brackets), when the machine has it.
    let by_name = Manager::<R>::builder("localhost")
        .port(agent.addr().port())
        .build()
        .await
        .unwrap();
    let by_name_result = by_name.get(sys_descr).await;
    if let Some(v6) = agent.addr6() {
        let m = Manager::<R>::builder(&format!("[::1]:{}", v6.port()))
            .build()
            .await
            .unwrap();
        assert_eq!(
            m.get(sys_descr).await.unwrap(),
            Value::from(SYS_DESCR),
            "IPv6"
        );
    }
    // `localhost` may resolve to ::1 or 127.0.0.1; the agent listens on both.
    assert_eq!(by_name_result.unwrap(), Value::from(SYS_DESCR), "host name");
    // One client (one socket, one driver) for all 42 users, all at once.
    let client = Client::<R>::with_defaults().unwrap();
    let mut tasks = Vec::new();
    for auth in AuthProtocol::ALL {
        let mut combos = vec![(None, None)];
        combos.extend(NET_SNMP_PRIVS.iter().map(|(p, n)| (Some(*p), Some(*n))));
        for (privacy, net) in combos {
            let name = v3_name(auth, net);
            let mut b = Manager::<R>::builder(&host)
                .client(&client)
                .user(&name)
                .auth(auth, AUTH_PW)
                .timeout(Duration::from_secs(2));
            if let Some(p) = privacy {
                b = b.privacy(p, PRIV_PW);
            }
            let m = b.build().await.unwrap();
            tasks.push(async move { (name, m.get(sys_descr).await) });
        }
    }
    let results = futures_util::future::join_all(tasks).await;
    assert_eq!(results.len(), 42);
    for (name, r) in results {
        assert_eq!(
            r,
            Ok(Value::from(SYS_DESCR)),
            "{name}\nagent log:\n{}",
            agent.log()
        );
    }
}

/// Asserts two outputs are identical, reporting the first line that differs.
pub fn assert_same_output(ours: &str, theirs: &str, what: &str) {
    if ours == theirs {
        return;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let i = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    panic!(
        "{what}: outputs differ at line {} (ours {} lines, Net-SNMP {}):\n ours: {:?}\n them: {:?}",
        i + 1,
        a.len(),
        b.len(),
        a.get(i),
        b.get(i)
    );
}

/// Varbinds as `snmpwalk -On` prints them.
pub fn lines(items: &[(Oid, Value)]) -> String {
    let mut out = String::new();
    for (oid, value) in items {
        writeln!(out, "{} = {}", format_args!("{oid:#}"), value).unwrap();
    }
    out
}

/// `snmpwalk` prints the endOfMibView exception that ended a walk of the whole tree as a last
/// line (v2c), or `End of MIB` (v1); the library's walk ends there without yielding anything
/// (as snmpkit's does). Everything else must be identical.
pub fn without_end_of_view(out: &str) -> String {
    // v1: snmpwalk says "End of MIB" when the agent answers noSuchName at the end.
    if let Some(rest) = out.strip_suffix("End of MIB\n") {
        return rest.to_owned();
    }
    let end = " = No more variables left in this MIB View (It is past the end of the MIB tree)\n";
    match out.rfind('\n') {
        Some(_) if out.ends_with(end) => {
            let cut = out[..out.len() - 1].rfind('\n').map_or(0, |i| i + 1);
            out[..cut].to_owned()
        }
        _ => out.to_owned(),
    }
}

/// `walk` and `bulk_walk` of the whole agent print exactly what `snmpwalk -On` and
/// `snmpbulkwalk -On` print.
pub async fn walks_match_net_snmp<R: Runtime + Default>() {
    let agent = start_agent();
    let host = format!("udp:{}", agent.addr());
    let m = v2c::<R>(&agent, "public").await;
    let walk = m.walk(".1").collect_all().await.unwrap();
    let bulk = m.bulk_walk(".1", 10).collect_all().await.unwrap();
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
    // v1 too.
    let m1 = Manager::<R>::builder(&agent.addr().to_string())
        .version(Version::V1)
        .build()
        .await
        .unwrap();
    let walk1 = m1.walk(".1").collect_all().await.unwrap();
    let expected = net_snmp_tool("snmpwalk", &["-On", "-v1", "-c", "public", &host, ".1"]).unwrap();
    assert_same_output(
        &lines(&walk1),
        &without_end_of_view(&expected),
        "v1 walk vs snmpwalk -v1",
    );
}

/// `get_table` of ifTable (its static columns) matches the walk of the same columns.
pub async fn table_matches_walk<R: Runtime + Default>() {
    let agent = start_agent();
    let m = v2c::<R>(&agent, "public").await;
    let entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
    let walk = m.bulk_walk(&entry, 25).collect_all().await.unwrap();
    // Column 6 (ifPhysAddress) only in the whole-entry fetch: Net-SNMP 5.9 answers a GETBULK
    // that carries it beside other columns with OIDs out of order (6.3 before 6.2), which the
    // table fetch rightly refuses as non-increasing.
    for columns in [None, Some(&[1u32, 2, 3, 4][..]), Some(&[2u32, 4][..])] {
        let rows = m.get_table(&entry, columns, 25).await.unwrap();
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
}

/// SET of sysContact / sysName through an rwcommunity and through a v3 user, read back.
pub async fn set_and_read_back<R: Runtime + Default>() {
    let agent = start_agent();
    let rw = v2c::<R>(&agent, "private").await;
    let contact = "1.3.6.1.2.1.1.4.0";
    let name = "1.3.6.1.2.1.1.5.0";
    rw.set(contact, "ops@example.net").await.unwrap();
    rw.set_many([
        (name, Value::from("renamed-by-v2c")),
        (contact, Value::from("noc@example.net")),
    ])
    .await
    .unwrap();
    assert_eq!(
        rw.get(contact).await.unwrap(),
        Value::from("noc@example.net")
    );
    assert_eq!(rw.get(name).await.unwrap(), Value::from("renamed-by-v2c"));
    let v3 = Manager::<R>::builder(&agent.addr().to_string())
        .user("writer")
        .auth(AuthProtocol::Sha256, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .await
        .unwrap();
    v3.set(name, "renamed-by-v3").await.unwrap();
    assert_eq!(rw.get(name).await.unwrap(), Value::from("renamed-by-v3"));
}

/// The errors of the seed come back typed.
pub async fn errors_are_typed<R: Runtime + Default>() {
    let agent = start_agent();
    let m = v2c::<R>(&agent, "public").await;
    let missing: Oid = "1.3.6.1.2.1.1.99.0".parse().unwrap();
    let err = m.get(&missing).await.unwrap_err();
    assert_eq!(err.target(), Some(m.addr()));
    assert_eq!(
        err.to_string(),
        format!("{}: no such object: {missing}", m.addr())
    );
    assert_eq!(
        operation_error::<()>(Err(err)),
        SessionError::NoSuchObject { oid: missing }
    );
    let instance: Oid = "1.3.6.1.2.1.1.1.1".parse().unwrap();
    assert_eq!(
        operation_error(m.get(&instance).await),
        SessionError::NoSuchInstance { oid: instance }
    );
    let last: Oid = "1.3.6.1.4.1.99999.9.0".parse().unwrap();
    assert!(matches!(
        operation_error(m.get_next(&last).await),
        SessionError::EndOfMibView { .. }
    ));
    let rw = v2c::<R>(&agent, "private").await;
    let descr: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    assert_eq!(
        operation_error(rw.set(&descr, "x").await),
        SessionError::Status {
            status: ErrorStatus::NotWritable,
            index: 1,
            oid: Some(descr.clone()),
        }
    );
    let v1 = Manager::<R>::builder(&agent.addr().to_string())
        .version(Version::V1)
        .community("private")
        .build()
        .await
        .unwrap();
    assert!(matches!(
        operation_error(v1.set(&descr, "x").await),
        SessionError::Status {
            status: ErrorStatus::NoSuchName | ErrorStatus::ReadOnly,
            index: 1,
            ..
        }
    ));
    // An agent that never answers (a socket we hold, so that no other test's agent can take
    // the port meanwhile): every attempt times out, in timeout x (retries + 1).
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let t = Manager::<R>::builder("127.0.0.1")
        .port(silent.local_addr().unwrap().port())
        .timeout(Duration::from_millis(300))
        .retries(2)
        .build()
        .await
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        operation_error(t.get("1.3.6.1.2.1.1.1.0").await),
        SessionError::Timeout { attempts: 3, .. }
    ));
    // Never before the last attempt's deadline; the upper bound only catches a hang (a
    // shared 2-core machine can be slow, and speed is for the benchmarks).
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900), "gave up after {took:?}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    // A wrong v3 password: the agent's Report, typed.
    // (Unauthenticated, so it ends the request at the attempt's deadline, not at once.)
    let wrong = Manager::<R>::builder(&agent.addr().to_string())
        .user(v3_name(AuthProtocol::Sha1, None))
        .auth(AuthProtocol::Sha1, "not-the-password")
        .timeout(Duration::from_millis(500))
        .build()
        .await
        .unwrap();
    assert_eq!(
        operation_error(wrong.get("1.3.6.1.2.1.1.1.0").await),
        SessionError::Report(snmp_async::ReportKind::WrongDigest)
    );
    // The walk stream after the end of the view: empty, not an error.
    let tail = m.walk(&last).collect_all().await.unwrap();
    assert_eq!(
        tail.len(),
        1,
        "a walk of an instance returns the instance, as snmpwalk"
    );
}

/// The engine ID the trap tests send v3 traps with (snmptrapd knows the user under it).
pub const TRAP_ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04snmp-rs-trap";

/// `send_trap` and `send_inform`, v2c and v3, reach a real `snmptrapd`.
pub async fn traps_and_informs_reach_snmptrapd<R: Runtime + Default>() {
    let engine_hex: String = TRAP_ENGINE.iter().map(|b| format!("{b:02x}")).collect();
    let conf = format!(
        "disableAuthorization yes\n\
         createUser -e 0x{engine_hex} trapuser SHA {AUTH_PW} AES {PRIV_PW}\n\
         createUser informuser SHA {AUTH_PW} AES {PRIV_PW}\n"
    );
    let trapd = NetSnmpTrapd::start(&conf).unwrap();
    let host = trapd.addr().to_string();
    let mut config = SessionConfig::default();
    config.local_engine_id = Some(snmp_async::codec::Bytes::from_static(TRAP_ENGINE));
    let client = Client::<R>::new(R::default(), config).unwrap();
    let marker = |s: &str| VarBind::new("1.3.6.1.4.1.99999.7.0".parse().unwrap(), Value::from(s));
    let trap_oid = "1.3.6.1.4.1.99999.0.1";

    let v2 = Manager::<R>::builder(&host)
        .client(&client)
        .build()
        .await
        .unwrap();
    v2.send_trap(trap_oid, vec![marker("v2c-trap-marker")], 4242)
        .await
        .unwrap();
    assert!(trapd.wait_for("v2c-trap-marker"), "log:\n{}", trapd.log());
    let ack = v2
        .send_inform(trap_oid, vec![marker("v2c-inform-marker")], 4243)
        .await
        .unwrap();
    assert!(trapd.wait_for("v2c-inform-marker"), "log:\n{}", trapd.log());
    assert_eq!(
        ack.len(),
        3,
        "the acknowledgement echoes the inform's varbinds"
    );

    let v3trap = Manager::<R>::builder(&host)
        .client(&client)
        .user("trapuser")
        .auth(AuthProtocol::Sha1, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .await
        .unwrap();
    v3trap
        .send_trap(trap_oid, vec![marker("v3-trap-marker")], 4244)
        .await
        .unwrap();
    assert!(trapd.wait_for("v3-trap-marker"), "log:\n{}", trapd.log());
    let v3inform = Manager::<R>::builder(&host)
        .client(&client)
        .user("informuser")
        .auth(AuthProtocol::Sha1, AUTH_PW)
        .privacy(PrivProtocol::Aes128, PRIV_PW)
        .build()
        .await
        .unwrap();
    v3inform
        .send_inform(trap_oid, vec![marker("v3-inform-marker")], 4245)
        .await
        .unwrap();
    assert!(trapd.wait_for("v3-inform-marker"), "log:\n{}", trapd.log());
    assert!(trapd.log().contains(".1.3.6.1.4.1.99999.0.1"));
}

/// A fake agent answering on one socket of the runtime under test.
struct Responder<S: snmp_async::AsyncUdpSocket> {
    sock: S,
    agent: crate::FakeAgent,
    silent: bool,
    buf: Vec<u8>,
    out: Option<(std::net::SocketAddr, Vec<u8>)>,
}

impl<S: snmp_async::AsyncUdpSocket + Unpin> std::future::Future for Responder<S> {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        use std::task::Poll;
        let this = &mut *self;
        loop {
            if let Some((to, data)) = &this.out {
                match this.sock.poll_send_to(cx, data, *to) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(_) => this.out = None,
                }
            }
            match this.sock.poll_recv_from(cx, &mut this.buf) {
                Poll::Ready(Ok((n, from))) => {
                    if !this.silent {
                        let now = snmp_usm::Instant::ZERO;
                        if let Some(answer) = this.agent.handle(now, &this.buf[..n]) {
                            this.out = Some((from, answer));
                        }
                    }
                }
                Poll::Ready(Err(_)) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// `poll_many` over 1,000 agents (fake agents on 1,000 loopback ports, every third on ::1 where
/// the machine has IPv6, so that the driver's batches of requests mix address families; every
/// 50th silent): one result per (target, OID), typed errors for just the silent targets and just
/// the missing OID.
pub async fn poll_many_thousand_agents<R: Runtime + Default>()
where
    R::Socket: Unpin,
{
    use std::collections::BTreeMap;
    use std::net::{Ipv6Addr, SocketAddr};
    let rt = R::default();
    let ipv6 = std::net::UdpSocket::bind((Ipv6Addr::LOCALHOST, 0)).is_ok();
    let mut targets = Vec::new();
    for i in 0..1000u32 {
        let local = if ipv6 && i % 3 == 1 {
            SocketAddr::from((Ipv6Addr::LOCALHOST, 0))
        } else {
            SocketAddr::from(([127, 0, 0, 1], 0))
        };
        let sock = rt.bind(local).unwrap();
        let addr = snmp_async::AsyncUdpSocket::local_addr(&sock).unwrap();
        let mut data = BTreeMap::new();
        data.insert(
            "1.3.6.1.2.1.1.5.0".parse().unwrap(),
            Value::from(format!("agent-{i}")),
        );
        data.insert("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(i));
        let responder = Responder {
            sock,
            agent: crate::FakeAgent::new(data),
            silent: i % 50 == 7,
            buf: vec![0; 65536],
            out: None,
        };
        rt.spawn(Box::pin(responder));
        let mut cfg = snmp_async::TargetConfig::v2c(addr, "public");
        cfg.timeout = Duration::from_millis(300);
        cfg.retries = 1;
        targets.push(snmp_async::PollTarget::new(cfg));
    }
    let client = Client::<R>::with_defaults().unwrap();
    let oids: Vec<Oid> = [
        "1.3.6.1.2.1.1.5.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.1.99.0",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    for round in 0..2 {
        let results: Vec<_> = client
            .poll_many(targets.clone(), oids.clone(), 200)
            .collect()
            .await;
        assert_eq!(results.len(), 3000, "round {round}");
        let mut seen = std::collections::HashSet::new();
        for r in &results {
            assert!(
                seen.insert((r.index, r.oid.clone())),
                "duplicate result {r:?}"
            );
            let i = r.index as u32;
            assert_eq!(r.target, targets[r.index].addr());
            assert_eq!(r.target.is_ipv6(), ipv6 && i % 3 == 1);
            if i % 50 == 7 {
                assert!(
                    matches!(
                        operation_error(r.result.clone()),
                        SessionError::Timeout { attempts: 2, .. }
                    ),
                    "{r:?}"
                );
                continue;
            }
            match r.oid.arcs()[7] {
                5 => assert_eq!(r.result, Ok(Value::from(format!("agent-{i}")))),
                3 => assert_eq!(r.result, Ok(Value::TimeTicks(i))),
                _ => assert_eq!(
                    operation_error(r.result.clone()),
                    SessionError::NoSuchObject { oid: r.oid.clone() }
                ),
            }
        }
    }
}

/// Runs a Net-SNMP tool on its own thread (it may wait for our acknowledgement, which the
/// runtime under test must be free to send); resolves to whether it succeeded, and its stderr.
async fn run_tool(program: &'static str, args: Vec<String>) -> (bool, String) {
    let (tx, rx) = futures_channel::oneshot::channel();
    std::thread::spawn(move || {
        let path = crate::which(program).expect("Net-SNMP tool on PATH");
        let out = std::process::Command::new(path)
            .args(["-m", ""])
            .args(&args)
            .env("MIBS", "")
            .output();
        let r = match out {
            Ok(o) => (
                o.status.success(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            ),
            Err(e) => (false, e.to_string()),
        };
        let _ = tx.send(r);
    });
    rx.await.unwrap_or((false, "tool thread died".into()))
}

/// The next notification, or `None` after `within`.
async fn next_within<R: Runtime + Default>(
    rx: &mut snmp_async::TrapReceiver,
    within: Duration,
) -> Option<snmp_async::Notification> {
    let timer = R::default().timer(Instant::now() + within);
    match futures_util::future::select(rx.next(), timer).await {
        futures_util::future::Either::Left((n, _)) => n,
        futures_util::future::Either::Right(_) => None,
    }
}

/// `TrapReceiver` receives what Net-SNMP's `snmptrap` and `snmpinform` send: v1, v2c, v3
/// authNoPriv and authPriv (AES); `snmpinform` (v2c and v3) sees its acknowledgement.
pub async fn trap_receiver_gets_net_snmp_notifications<R: Runtime + Default>() {
    use snmp_async::{GenericTrap, TrapReceiver};
    let mut rx = TrapReceiver::bind::<R>(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        snmp_async::ReceiverConfig::default(),
    )
    .await
    .unwrap();
    rx.add_user(
        snmp_async::UsmUser::new("v3user")
            .with_auth(AuthProtocol::Sha1, AUTH_PW.as_bytes())
            .unwrap()
            .with_privacy(PrivProtocol::Aes128, PRIV_PW.as_bytes())
            .unwrap(),
    );
    rx.add_user(
        snmp_async::UsmUser::new("v3auth")
            .with_auth(AuthProtocol::Sha256, AUTH_PW.as_bytes())
            .unwrap(),
    );
    let host = rx.local_addr().to_string();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    let trap = "1.3.6.1.4.1.8072.2.3.0.1";
    let detail = "1.3.6.1.4.1.8072.2.3.2.1";
    let v3priv = [
        "-v3", "-u", "v3user", "-l", "authPriv", "-a", "SHA", "-A", AUTH_PW, "-x", "AES", "-X",
        PRIV_PW,
    ];
    let cases: Vec<(&'static str, Vec<String>, &str)> = vec![
        (
            "snmptrap",
            s(&[
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
            ]),
            "v1-marker",
        ),
        (
            "snmptrap",
            s(&[
                "-v2c",
                "-c",
                "public",
                &host,
                "",
                trap,
                detail,
                "s",
                "v2c-marker",
            ]),
            "v2c-marker",
        ),
        (
            "snmpinform",
            s(&[
                "-v2c",
                "-c",
                "public",
                &host,
                "",
                trap,
                detail,
                "s",
                "v2c-inform",
            ]),
            "v2c-inform",
        ),
        (
            "snmptrap",
            s(&[
                "-v3",
                "-u",
                "v3auth",
                "-l",
                "authNoPriv",
                "-a",
                "SHA-256",
                "-A",
                AUTH_PW,
                &host,
                "",
                trap,
                detail,
                "s",
                "v3-auth-marker",
            ]),
            "v3-auth-marker",
        ),
        (
            "snmptrap",
            [
                s(&v3priv),
                s(&[&host, "", trap, detail, "s", "v3-priv-marker"]),
            ]
            .concat(),
            "v3-priv-marker",
        ),
        (
            "snmpinform",
            [s(&v3priv), s(&[&host, "", trap, detail, "s", "v3-inform"])].concat(),
            "v3-inform",
        ),
    ];
    for (tool, args, marker) in cases {
        let (ok, err) = run_tool(tool, args).await;
        assert!(
            ok,
            "{tool} {marker} failed (an inform not acknowledged?): {err}; counters {:?}",
            rx.counters()
        );
        let n = next_within::<R>(&mut rx, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{marker}: nothing received; counters {:?}", rx.counters()));
        let has_marker = n
            .varbinds
            .iter()
            .any(|vb| vb.value.as_str() == Some(marker));
        assert!(has_marker, "{marker}: {n:?}");
        match marker {
            "v1-marker" => {
                let v1 = n.v1.as_ref().unwrap();
                assert_eq!(n.version, Version::V1);
                assert_eq!(v1.enterprise.to_string(), "1.3.6.1.4.1.8072.9999");
                assert_eq!(v1.agent_addr, [127, 0, 0, 1]);
                assert_eq!(v1.generic_trap, GenericTrap::EnterpriseSpecific);
                assert_eq!(v1.specific_trap, 17);
                assert_eq!(
                    n.trap_oid.as_ref().unwrap().to_string(),
                    "1.3.6.1.4.1.8072.9999.0.17"
                );
            }
            _ => {
                assert_eq!(n.trap_oid.as_ref().unwrap().to_string(), trap, "{marker}");
                assert!(n.uptime.is_some());
            }
        }
        if marker.starts_with("v3") {
            let v3 = n.v3.as_ref().unwrap();
            let user = if marker == "v3-auth-marker" {
                "v3auth"
            } else {
                "v3user"
            };
            assert_eq!(&v3.user_name[..], user.as_bytes());
            if marker == "v3-inform" {
                assert_eq!(
                    &v3.engine_id,
                    rx.engine_id(),
                    "we are an inform's authoritative engine"
                );
            }
        } else {
            assert_eq!(n.community.as_deref(), Some(&b"public"[..]));
            assert_eq!(n.community_str(), Some("public"));
        }
    }
    assert_eq!(rx.counters().acknowledged, 2);
    // A filter that denies the sender: nothing comes through, and it is counted.
    let mut deny = snmp_async::TrapFilter::default();
    deny.denied_sources = vec![std::net::IpAddr::from([127, 0, 0, 1])];
    rx.add_filter(deny);
    let (ok, _) = run_tool("snmptrap", s(&["-v2c", "-c", "public", &host, "", trap])).await;
    assert!(ok);
    assert!(next_within::<R>(&mut rx, Duration::from_millis(500))
        .await
        .is_none());
    assert_eq!(rx.counters().dropped_filtered, 1);
}
