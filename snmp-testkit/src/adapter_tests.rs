//! What the interop suite (`netsnmp_suite!`, both faces) shares, and the async adapters' own
//! tests against real Net-SNMP (over fake agents on the runtime's sockets, and the async trap
//! receiver), written once over the runtime and called from `snmp-tokio` and `snmp-smol`.
//!
//! Each function starts its own daemons (on free loopback ports, with their own
//! configurations) and panics with a clear message on the first mismatch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::Duration;

use futures_util::StreamExt;
use snmp_async::{AuthProtocol, Client, Error, Oid, PrivProtocol, Runtime, Value};

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
