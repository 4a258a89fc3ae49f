//! What the interop suite (`netsnmp_suite!`, both faces) shares, and the async adapters' own
//! tests against real Net-SNMP (over fake agents on the runtime's sockets, and the async trap
//! receiver), written once over the runtime and called from `snmp-tokio` and `snmp-smol`.
//!
//! Each function starts its own daemons (on free loopback ports, with their own
//! configurations) and panics with a clear message on the first mismatch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use snmp_async::{AuthProtocol, Client, Error, Oid, PrivProtocol, Runtime, Value, Version};

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
        // GETBULK answers larger than a datagram can be (over TCP).
        "maxGetbulkRepeats 100000",
        "maxGetbulkResponses 100000",
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

/// The engine ID the trap tests send v3 traps with (snmptrapd knows the user under it).
pub const TRAP_ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04snmp-rs-trap";

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
        // A private persistent directory: two v3 tools at once (tests run in parallel)
        // would otherwise race on the machine's snmpapp.conf.
        let persist = tempfile::tempdir();
        let mut cmd = std::process::Command::new(path);
        cmd.args(["-m", ""]).args(&args).env("MIBS", "");
        if let Ok(dir) = &persist {
            cmd.env("SNMP_PERSISTENT_DIR", dir.path())
                .env("SNMPCONFPATH", dir.path());
        }
        let out = cmd.output();
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
    receiver_gets_net_snmp_notifications::<R>(false).await
}

/// The same over TCP: the receiver listens on TCP, Net-SNMP's tools send to `tcp:`, informs
/// (v2c, v3) are acknowledged on their connection.
pub async fn trap_receiver_gets_net_snmp_notifications_over_tcp<R: Runtime + Default>() {
    receiver_gets_net_snmp_notifications::<R>(true).await
}

async fn receiver_gets_net_snmp_notifications<R: Runtime + Default>(tcp: bool) {
    use snmp_async::{GenericTrap, TrapReceiver};
    let local = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let config = snmp_async::ReceiverConfig::default();
    let mut rx = if tcp {
        TrapReceiver::bind_tcp_on(R::default(), local, config).await
    } else {
        TrapReceiver::bind::<R>(local, config).await
    }
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
    let host = if tcp {
        format!("tcp:{}", rx.local_addr())
    } else {
        rx.local_addr().to_string()
    };
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

/// The GET of one OID from many managers at once (the interop suite's `get_all` for the
/// async faces).
pub async fn get_all<R: Runtime, M: Into<snmp_async::Manager<R>>>(
    managers: Vec<(String, M)>,
    oid: &str,
) -> Vec<(String, Result<Value, Error>)> {
    let calls = managers.into_iter().map(|(name, m)| async move {
        let m: snmp_async::Manager<R> = m.into();
        (name, m.get(oid).await)
    });
    futures_util::future::join_all(calls).await
}
