//! The trap receiver's tests, written once for every face: [`receiver_suite!`](crate::receiver_suite)
//! expands them with or without `.await` on a face's own `TrapReceiver` (one API on both
//! faces: `bind`, `bind_tcp`, `add_user`, `add_filter`, `recv_timeout`, `counters`,
//! `take_dropped`, `engine_id`, `local_addr`).

/// Expands the receiver suite in the calling module for one face: `face` is the crate a user
/// names (`snmp_tokio`, `snmp_smol`, `snmp_blocking`), `async`/`aw` are `(async)`/`(.await)`
/// or `()`/`()`.
///
/// The expanded functions panic with a clear message on the first mismatch:
/// `udp_notifications_from_net_snmp` and `tcp_notifications_from_net_snmp` (v1, v2c and v3
/// traps and informs sent by Net-SNMP's `snmptrap` and `snmpinform`, informs acknowledged),
/// `drops_are_counted_and_recorded` (an unknown v3 user, a filter), and
/// `a_tcp_peer_that_never_reads_is_closed_and_others_are_served` (the connection bounds).
#[macro_export]
macro_rules! receiver_suite {
    (face: $face:ident, async: ($($async:tt)?), aw: ($($aw:tt)*) $(,)?) => {
        use std::io::Write as _;
        use std::time::{Duration, Instant};

        use $crate::adapter_tests::{AUTH_PW, PRIV_PW};
        use $crate::net_snmp_tool;
        use $crate::notifications::{marker_oid, non_reading_peer, trap_varbinds, v2c_message};
        use $face::codec::{GenericPdu, Pdu};
        use $face::{
            AuthProtocol, GenericTrap, PrivProtocol, TrapFilter, TrapReceiver, UsmUser, Version,
        };

        const TRAP: &str = "1.3.6.1.4.1.8072.2.3.0.1";
        const DETAIL: &str = "1.3.6.1.4.1.8072.2.3.2.1";

        /// A receiver on a free loopback port, over UDP or TCP, with two v3 users.
        $($async)? fn receiver(tcp: bool) -> TrapReceiver {
            let local = "127.0.0.1:0";
            let mut rx = if tcp {
                TrapReceiver::bind_tcp(local, Default::default()) $($aw)*
            } else {
                TrapReceiver::bind(local, Default::default()) $($aw)*
            }
            .expect("receiver");
            rx.add_user(
                UsmUser::new("v3user")
                    .with_auth(AuthProtocol::Sha1, AUTH_PW.as_bytes())
                    .unwrap()
                    .with_privacy(PrivProtocol::Aes128, PRIV_PW.as_bytes())
                    .unwrap(),
            );
            rx.add_user(
                UsmUser::new("v3auth")
                    .with_auth(AuthProtocol::Sha256, AUTH_PW.as_bytes())
                    .unwrap(),
            );
            rx
        }

        /// Runs a Net-SNMP tool on its own thread (an inform waits for the acknowledgement,
        /// which the receiver sends while it is asked for notifications).
        fn send(tool: &'static str, args: Vec<String>) -> std::thread::JoinHandle<std::io::Result<String>> {
            std::thread::spawn(move || {
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                net_snmp_tool(tool, &refs)
            })
        }

        fn strings(v: &[&str]) -> Vec<String> {
            v.iter().map(|x| (*x).to_owned()).collect()
        }

        $($async)? fn notifications_from_net_snmp(tcp: bool) {
            let mut rx = receiver(tcp) $($aw)*;
            let host = if tcp {
                format!("tcp:{}", rx.local_addr())
            } else {
                rx.local_addr().to_string()
            };
            let v3priv = [
                "-v3", "-u", "v3user", "-l", "authPriv", "-a", "SHA", "-A", AUTH_PW, "-x", "AES",
                "-X", PRIV_PW,
            ];
            let v3auth = [
                "-v3", "-u", "v3auth", "-l", "authNoPriv", "-a", "SHA-256", "-A", AUTH_PW,
            ];
            let with = |head: &[&str], tail: &[&str]| [strings(head), strings(tail)].concat();
            let cases: Vec<(&'static str, Vec<String>, &str)> = vec![
                (
                    "snmptrap",
                    strings(&[
                        "-v1", "-c", "public", &host, "1.3.6.1.4.1.8072.9999", "127.0.0.1", "6",
                        "17", "", DETAIL, "s", "v1-marker",
                    ]),
                    "v1-marker",
                ),
                (
                    "snmptrap",
                    strings(&["-v2c", "-c", "public", &host, "", TRAP, DETAIL, "s", "v2c-marker"]),
                    "v2c-marker",
                ),
                (
                    "snmpinform",
                    strings(&["-v2c", "-c", "public", &host, "", TRAP, DETAIL, "s", "v2c-inform"]),
                    "v2c-inform",
                ),
                (
                    "snmptrap",
                    with(&v3auth, &[&host, "", TRAP, DETAIL, "s", "v3-auth-marker"]),
                    "v3-auth-marker",
                ),
                (
                    "snmptrap",
                    with(&v3priv, &[&host, "", TRAP, DETAIL, "s", "v3-priv-marker"]),
                    "v3-priv-marker",
                ),
                (
                    "snmpinform",
                    with(&v3priv, &[&host, "", TRAP, DETAIL, "s", "v3-inform"]),
                    "v3-inform",
                ),
            ];
            for (tool, args, marker) in cases {
                let sender = send(tool, args);
                let n = rx
                    .recv_timeout(Duration::from_secs(10)) $($aw)*
                    .expect("receive")
                    .unwrap_or_else(|| panic!("{marker}: nothing received; {:?}", rx.counters()));
                let sent = sender.join().expect("sender thread");
                assert!(sent.is_ok(), "{tool} {marker} (an inform not acknowledged?): {sent:?}");
                assert!(
                    n.varbinds.iter().any(|vb| vb.value.as_str() == Some(marker)),
                    "{marker}: {n:?}"
                );
                if marker == "v1-marker" {
                    let v1 = n.v1.as_ref().expect("v1 fields");
                    assert_eq!(n.version, Version::V1);
                    assert_eq!(v1.enterprise.to_string(), "1.3.6.1.4.1.8072.9999");
                    assert_eq!(v1.agent_addr, [127, 0, 0, 1]);
                    assert_eq!(v1.generic_trap, GenericTrap::EnterpriseSpecific);
                    assert_eq!(v1.specific_trap, 17);
                    assert_eq!(
                        n.trap_oid.as_ref().map(ToString::to_string).as_deref(),
                        Some("1.3.6.1.4.1.8072.9999.0.17")
                    );
                } else {
                    assert_eq!(
                        n.trap_oid.as_ref().map(ToString::to_string).as_deref(),
                        Some(TRAP),
                        "{marker}"
                    );
                    assert!(n.uptime.is_some(), "{marker}");
                }
                if marker.starts_with("v3") {
                    let user = if marker == "v3-auth-marker" { "v3auth" } else { "v3user" };
                    assert_eq!(n.user_name(), Some(user), "{marker}");
                    if marker == "v3-inform" {
                        let v3 = n.v3.as_ref().expect("v3 fields");
                        assert_eq!(&v3.engine_id, rx.engine_id(), "we are an inform's authoritative engine");
                    }
                } else {
                    assert_eq!(n.community_str(), Some("public"), "{marker}");
                }
            }
            assert_eq!(rx.counters().acknowledged, 2, "both informs acknowledged");
            // Nothing more: recv_timeout gives up.
            let none = rx.recv_timeout(Duration::from_millis(100)) $($aw)*;
            assert!(none.expect("receive").is_none());
        }

        /// Traps and informs from Net-SNMP's tools over UDP: v1, v2c, v3 authNoPriv and
        /// authPriv, v2c and v3 informs acknowledged.
        pub $($async)? fn udp_notifications_from_net_snmp() {
            notifications_from_net_snmp(false) $($aw)*
        }

        /// The same over TCP (RFC 3430): informs acknowledged on their connection.
        pub $($async)? fn tcp_notifications_from_net_snmp() {
            notifications_from_net_snmp(true) $($aw)*
        }

        /// An unknown v3 user is dropped and recorded with its name (what snmptrapd logs as
        /// "Authentication failed for USER"); a filter that denies the sender is counted.
        pub $($async)? fn drops_are_counted_and_recorded() {
            let mut rx = receiver(false) $($aw)*;
            let host = rx.local_addr().to_string();
            let sender = send(
                "snmptrap",
                strings(&[
                    "-v3", "-u", "nobody", "-l", "authNoPriv", "-a", "SHA", "-A", AUTH_PW, &host,
                    "", TRAP,
                ]),
            );
            let got = rx.recv_timeout(Duration::from_millis(1500)) $($aw)*;
            assert!(got.expect("receive").is_none(), "an unknown user's trap was accepted");
            let _ = sender.join();
            let dropped = rx.take_dropped();
            assert!(
                dropped.iter().any(|d| d.user.as_deref() == Some(&b"nobody"[..])),
                "{dropped:?}"
            );
            assert!(rx.take_dropped().is_empty(), "taken once");
            let mut deny = TrapFilter::default();
            deny.denied_sources = vec![std::net::IpAddr::from([127, 0, 0, 1])];
            rx.add_filter(deny);
            let sender = send("snmptrap", strings(&["-v2c", "-c", "public", &host, "", TRAP]));
            let got = rx.recv_timeout(Duration::from_millis(500)) $($aw)*;
            assert!(got.expect("receive").is_none());
            assert!(sender.join().expect("sender").is_ok());
            assert_eq!(rx.counters().dropped_filtered, 1);
        }

        /// Over TCP, a peer that sends informs and never reads their acknowledgements is
        /// closed once its output passes the bound (the receiver's memory does not grow
        /// with it); connections left idle cannot lock out other senders (at the cap a new
        /// one replaces the least recently active). A well-behaved sender's traps arrive.
        pub $($async)? fn a_tcp_peer_that_never_reads_is_closed_and_others_are_served() {
            let mut rx = TrapReceiver::bind_tcp("127.0.0.1:0", Default::default()) $($aw)*
                .expect("receiver");
            let to = rx.local_addr();
            let hog = std::thread::spawn(move || non_reading_peer(to));
            while !hog.is_finished() {
                let _ = rx.recv_timeout(Duration::from_millis(50)) $($aw)*;
            }
            let (closed, sent) = hog.join().expect("hog");
            assert!(closed, "the non-reader was never closed ({sent} bytes sent)");
            // 300 idle connections (more than the cap of 256), then a good sender.
            let good = std::thread::spawn(move || {
                let mut idle = Vec::new();
                for _ in 0..300 {
                    idle.push(std::net::TcpStream::connect(to).expect("idle connect"));
                }
                std::thread::sleep(Duration::from_millis(200));
                let trap = v2c_message(Pdu::SnmpV2Trap(GenericPdu::new(8, trap_varbinds(99, 16))));
                for _ in 0..3 {
                    let mut s = std::net::TcpStream::connect(to).expect("connect");
                    s.write_all(&trap).expect("write");
                    std::thread::sleep(Duration::from_millis(100));
                }
                idle
            });
            let marker = marker_oid(99);
            let mut got = 0;
            let deadline = Instant::now() + Duration::from_secs(30);
            while got < 3 && Instant::now() < deadline {
                if let Ok(Some(n)) = rx.recv_timeout(Duration::from_millis(200)) $($aw)* {
                    if n.varbinds.iter().any(|v| v.oid == marker) {
                        got += 1;
                    }
                }
            }
            let idle = good.join().expect("good sender");
            assert_eq!(got, 3, "the good sender's traps arrived");
            drop(idle);
        }
    };
}
