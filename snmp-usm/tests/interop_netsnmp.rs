//! Interoperability with the real Net-SNMP agent: one v3 user per auth x priv combination
//! Net-SNMP offers, a GET of sysDescr.0 for each built with snmp-codec + snmp-usm over a plain
//! UDP socket (engine discovery by hand), and the decrypted answer checked.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::UdpSocket;
use std::time::Duration;

use snmp_codec::{Bytes, GenericPdu, Oid, Pdu, ScopedPdu, SecurityLevel, Value, VarBind};
use snmp_testkit::adapter_tests::{v3_name, NET_SNMP_PRIVS};
use snmp_testkit::NetSnmpd;
use snmp_usm::{
    encode_outgoing, process_incoming, AuthProtocol, EngineClock, Incoming, Instant, LocalizedUser,
    OutgoingHeader, PrivProtocol, SaltCounter, TimeCheck, UsmError, UsmUser,
};

const SYS_DESCR: &str = "snmp-rs interop agent";
const AUTH_PW: &str = "auth-pass-1234";
const PRIV_PW: &str = "priv-pass-5678";

fn agent_config() -> String {
    let mut conf = format!("rocommunity public 127.0.0.1\nsysdescr {SYS_DESCR}\n");
    for auth in AuthProtocol::ALL {
        let name = v3_name(auth, None);
        let a = auth.net_snmp_name();
        conf += &format!("createUser {name} {a} {AUTH_PW}\nrouser {name} auth\n");
        for (_, p) in NET_SNMP_PRIVS {
            let name = v3_name(auth, Some(p));
            conf += &format!("createUser {name} {a} {AUTH_PW} {p} {PRIV_PW}\nrouser {name} priv\n");
        }
    }
    conf += &format!("createUser wrongpw SHA {AUTH_PW}\nrouser wrongpw auth\n");
    conf
}

struct Client {
    sock: UdpSocket,
    msg_id: i32,
    salts: SaltCounter,
    started: std::time::Instant,
}

impl Client {
    fn new(agent: &NetSnmpd) -> Client {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.connect(agent.addr()).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        Client {
            sock,
            msg_id: 1000,
            salts: SaltCounter::new(0x5eed_0000_0000_0001),
            started: std::time::Instant::now(),
        }
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.started.elapsed().as_micros() as u64)
    }

    /// Sends one message and returns the raw answer (up to three tries).
    fn exchange(&mut self, build: impl Fn(&mut Self) -> Vec<u8>) -> Bytes {
        let mut buf = [0u8; 65535];
        for _ in 0..3 {
            let out = build(self);
            self.sock.send(&out).unwrap();
            if let Ok(n) = self.sock.recv(&mut buf) {
                return Bytes::copy_from_slice(&buf[..n]);
            }
        }
        panic!("no answer from the agent");
    }

    /// Engine discovery (RFC 3414 4): an empty-engine-ID noAuthNoPriv probe; the agent answers
    /// with a Report carrying its engine ID, boots and time.
    fn discover(&mut self) -> (Bytes, EngineClock, Incoming) {
        let probe_user = LocalizedUser::without_keys("", b"");
        let reply = self.exchange(|c| {
            c.msg_id += 1;
            let scoped = ScopedPdu {
                context_engine_id: Bytes::new(),
                context_name: Bytes::new(),
                pdu: Pdu::GetRequest(GenericPdu::new(c.msg_id, vec![])),
            };
            let header = OutgoingHeader {
                msg_id: c.msg_id,
                msg_max_size: 65507,
                level: SecurityLevel::NoAuthNoPriv,
                reportable: true,
                engine_boots: 0,
                engine_time: 0,
                salt: 0,
            };
            let mut out = vec![0u8; 1500];
            let n = encode_outgoing(&header, &probe_user, &scoped, &mut out).unwrap();
            out.truncate(n);
            out
        });
        let now = self.now();
        let report = process_incoming(
            &reply,
            |_, _| Err(UsmError::UnknownUserName),
            TimeCheck::Skip,
            now,
        )
        .unwrap();
        assert_eq!(
            report.scoped_pdu.pdu.pdu_type(),
            snmp_codec::PduType::Report
        );
        assert_eq!(
            report.scoped_pdu.pdu.varbinds()[0].oid.to_string(),
            "1.3.6.1.6.3.15.1.1.4.0",
            "usmStatsUnknownEngineIDs"
        );
        let clock = EngineClock::new(report.usm.engine_boots, report.usm.engine_time, now);
        (report.usm.engine_id.clone(), clock, report)
    }

    /// An authenticated (and maybe encrypted) GET of sysDescr.0.
    fn get_sys_descr(
        &mut self,
        sender: &LocalizedUser,
        level: SecurityLevel,
        clock: &EngineClock,
    ) -> Bytes {
        let sys_descr: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
        self.exchange(|c| {
            c.msg_id += 1;
            let scoped = ScopedPdu {
                context_engine_id: sender.engine_id().clone(),
                context_name: Bytes::new(),
                pdu: Pdu::get_request(c.msg_id, [sys_descr.clone()]),
            };
            let (boots, time) = clock.estimate(c.now());
            let header = OutgoingHeader {
                msg_id: c.msg_id,
                msg_max_size: 65507,
                level,
                reportable: true,
                engine_boots: boots,
                engine_time: time,
                salt: c.salts.next_salt(),
            };
            let mut out = vec![0u8; 1500];
            let n = encode_outgoing(&header, sender, &scoped, &mut out).unwrap();
            out.truncate(n);
            out
        })
    }
}

fn check_answer(got: &Incoming, level: SecurityLevel, who: &str) {
    assert_eq!(got.level, level, "{who}");
    let Pdu::Response(r) = &got.scoped_pdu.pdu else {
        panic!("{who}: expected a Response, got {:?}", got.scoped_pdu.pdu)
    };
    assert_eq!(r.varbinds.len(), 1, "{who}");
    assert_eq!(
        r.varbinds[0],
        VarBind::new("1.3.6.1.2.1.1.1.0".parse().unwrap(), Value::from(SYS_DESCR)),
        "{who}"
    );
}

#[test]
fn every_auth_and_priv_combination_against_net_snmp() {
    let agent = NetSnmpd::start(&agent_config()).unwrap();
    let mut client = Client::new(&agent);
    let (engine_id, mut clock, _) = client.discover();
    assert!(engine_id.len() >= 5, "engine ID {engine_id:?}");
    let mut tried = 0;
    for auth in AuthProtocol::ALL {
        let mut combos: Vec<(Option<PrivProtocol>, Option<&str>)> = vec![(None, None)];
        combos.extend(NET_SNMP_PRIVS.iter().map(|(p, n)| (Some(*p), Some(*n))));
        for (privacy, net_name) in combos {
            let name = v3_name(auth, net_name);
            let mut user = UsmUser::new(&name)
                .with_auth(auth, AUTH_PW.as_bytes())
                .unwrap();
            let level = match privacy {
                Some(p) => {
                    user = user.with_privacy(p, PRIV_PW.as_bytes()).unwrap();
                    SecurityLevel::AuthPriv
                }
                None => SecurityLevel::AuthNoPriv,
            };
            let keys = user.localize(&engine_id);
            let reply = client.get_sys_descr(&keys, level, &clock);
            let now = client.now();
            let got = process_incoming(
                &reply,
                |n, e| {
                    assert_eq!(n, name.as_bytes());
                    assert_eq!(e, &engine_id[..]);
                    Ok(&keys)
                },
                TimeCheck::NonAuthoritative(&mut clock),
                now,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}\nagent log:\n{}", agent.log()));
            check_answer(&got, level, &name);
            tried += 1;
        }
    }
    assert_eq!(tried, 6 * 7);
}

#[test]
fn a_different_password_is_rejected_both_ways() {
    let agent = NetSnmpd::start(&agent_config()).unwrap();
    let mut client = Client::new(&agent);
    let (engine_id, mut clock, _) = client.discover();
    let right = UsmUser::new("wrongpw")
        .with_auth(AuthProtocol::Sha1, AUTH_PW.as_bytes())
        .unwrap()
        .localize(&engine_id);
    let wrong = UsmUser::new("wrongpw")
        .with_auth(AuthProtocol::Sha1, b"not-the-password")
        .unwrap()
        .localize(&engine_id);

    // The agent's signed answer does not verify under our (different) key.
    let reply = client.get_sys_descr(&right, SecurityLevel::AuthNoPriv, &clock);
    let err = process_incoming(
        &reply,
        |_, _| Ok(&wrong),
        TimeCheck::NonAuthoritative(&mut clock),
        client.now(),
    )
    .unwrap_err();
    assert_eq!(err, UsmError::WrongDigest);
    // ... and the clock was not moved by it: only authenticated messages may.
    let before = clock;
    let _ = process_incoming(
        &reply,
        |_, _| Ok(&wrong),
        TimeCheck::NonAuthoritative(&mut clock),
        client.now(),
    );
    assert_eq!(clock, before);

    // A request signed with the wrong key gets an unauthenticated usmStatsWrongDigests Report.
    let reply = client.get_sys_descr(&wrong, SecurityLevel::AuthNoPriv, &clock);
    let report = process_incoming(
        &reply,
        |_, _| Ok(&wrong),
        TimeCheck::NonAuthoritative(&mut clock),
        client.now(),
    )
    .unwrap();
    assert_eq!(report.level, SecurityLevel::NoAuthNoPriv);
    assert_eq!(
        report.scoped_pdu.pdu.varbinds()[0].oid.to_string(),
        "1.3.6.1.6.3.15.1.1.5.0",
        "usmStatsWrongDigests"
    );
    assert_eq!(
        clock, before,
        "an unauthenticated Report never moves the clock"
    );

    // An unknown user gets usmStatsUnknownUserNames.
    let nobody = UsmUser::new("nobody")
        .with_auth(AuthProtocol::Sha1, AUTH_PW.as_bytes())
        .unwrap()
        .localize(&engine_id);
    let reply = client.get_sys_descr(&nobody, SecurityLevel::AuthNoPriv, &clock);
    let report =
        process_incoming(&reply, |_, _| Ok(&nobody), TimeCheck::Skip, client.now()).unwrap();
    assert_eq!(
        report.scoped_pdu.pdu.varbinds()[0].oid.to_string(),
        "1.3.6.1.6.3.15.1.1.3.0",
        "usmStatsUnknownUserNames"
    );
}
