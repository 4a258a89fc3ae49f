//! The one interop suite against the real Net-SNMP agent and trap receiver, written once for
//! both faces of the Manager: [`netsnmp_suite!`](crate::netsnmp_suite) expands it with or
//! without `.await`, on a face's own types.

/// Expands the interop suite in the calling module for one face: `face` is the crate a user
/// names (`snmp_tokio`, `snmp_smol`, `snmp_blocking`), `async`/`aw` are `(async)`/`(.await)`
/// or `()`/`()`. The calling module provides `get_all(Vec<(String, Manager)>, &str) ->
/// Vec<(String, Result<Value, Error>)>` (async or not: the GET of one OID from many managers,
/// at once where the face can) and `client_with(SessionConfig) -> Result<Client, Error>`.
///
/// The expanded functions start their own daemons on free loopback ports and panic with a
/// clear message on the first mismatch: `every_version_and_v3_combination`,
/// `walks_match_net_snmp`, `table_matches_walk`, `set_and_read_back`, `errors_are_typed`,
/// `traps_and_informs_reach_snmptrapd`.
#[macro_export]
macro_rules! netsnmp_suite {
    (face: $face:ident, async: ($($async:tt)?), aw: ($($aw:tt)*) $(,)?) => {
        use std::time::{Duration, Instant};

        use $crate::adapter_tests::{
            assert_same_output, lines, static_agent_config, v3_name, without_end_of_view,
            AUTH_PW, NET_SNMP_PRIVS, PRIV_PW, SYS_DESCR, TRAP_ENGINE,
        };
        use $crate::{net_snmp_tool, NetSnmpTrapd, NetSnmpd};
        use $face::session::Error as SessionError;
        use $face::{
            AuthProtocol, Error, ErrorStatus, GenericTrap, Manager, Oid, PrivProtocol,
            SessionConfig, Value, VarBind, Version,
        };

        const SYS_DESCR_OID: &str = "1.3.6.1.2.1.1.1.0";

        fn start_agent() -> NetSnmpd {
            NetSnmpd::start(&static_agent_config()).expect("start snmpd")
        }

        /// The session's error of a failed operation (panics on success or another kind).
        fn operation_error<T: std::fmt::Debug>(r: Result<T, Error>) -> SessionError {
            match r {
                Err(Error::Operation { error, .. }) => *error,
                other => panic!("expected an operation error, got {other:?}"),
            }
        }

        $($async)? fn v2c(agent: &NetSnmpd, community: &str) -> Manager {
            Manager::builder(&agent.addr().to_string())
                .community(community)
                .timeout(Duration::from_secs(2))
                .build() $($aw)*
                .expect("manager")
        }

        /// v1, v2c (by OID and by name, by host name, over IPv6), and v3 with every auth x
        /// priv combination Net-SNMP offers, all 42 users over one client at once; a second
        /// round reuses every discovered engine.
        pub $($async)? fn every_version_and_v3_combination() {
            let agent = start_agent();
            let host = agent.addr().to_string();
            for version in [Version::V1, Version::V2c] {
                let m = Manager::builder(&host).version(version).build() $($aw)* .unwrap();
                assert_eq!(m.get(SYS_DESCR_OID) $($aw)* .unwrap(), Value::from(SYS_DESCR), "{version:?}");
                assert_eq!(m.get("sysDescr.0") $($aw)* .unwrap(), Value::from(SYS_DESCR), "by name");
            }
            // A host name, and IPv6 (a literal in brackets), when the machine has it.
            let by_name = Manager::builder("localhost")
                .port(agent.addr().port())
                .build() $($aw)*
                .unwrap();
            let by_name_result = by_name.get(SYS_DESCR_OID) $($aw)*;
            if let Some(v6) = agent.addr6() {
                let m = Manager::builder(&format!("[::1]:{}", v6.port()))
                    .build() $($aw)*
                    .unwrap();
                assert_eq!(m.get(SYS_DESCR_OID) $($aw)* .unwrap(), Value::from(SYS_DESCR), "IPv6");
            } else {
                // Said, not silent: this machine gave the agent no ::1 socket.
                eprintln!("IPv6 check skipped: snmpd could not listen on [::1] here");
            }
            // `localhost` may resolve to ::1 or 127.0.0.1; the agent listens on both.
            assert_eq!(by_name_result.unwrap(), Value::from(SYS_DESCR), "host name");
            // One client (one socket, one engine) for all 42 users.
            let client = client_with(SessionConfig::default()).unwrap();
            let mut managers = Vec::new();
            for auth in AuthProtocol::ALL {
                let mut combos = vec![(None, None)];
                combos.extend(NET_SNMP_PRIVS.iter().map(|(p, n)| (Some(*p), Some(*n))));
                for (privacy, net) in combos {
                    let name = v3_name(auth, net);
                    let mut b = Manager::builder(&host)
                        .client(&client)
                        .user(&name)
                        .auth(auth, AUTH_PW)
                        .timeout(Duration::from_secs(2));
                    if let Some(p) = privacy {
                        b = b.privacy(p, PRIV_PW);
                    }
                    managers.push((name, b.build() $($aw)* .unwrap()));
                }
            }
            assert_eq!(managers.len(), 42);
            for (name, r) in get_all(managers.clone(), SYS_DESCR_OID) $($aw)* {
                assert_eq!(r, Ok(Value::from(SYS_DESCR)), "{name}\nagent log:\n{}", agent.log());
            }
            // The second round reuses the discovered engines: no discovery.
            let before = client.counters();
            for (name, r) in get_all(managers, SYS_DESCR_OID) $($aw)* {
                assert_eq!(r, Ok(Value::from(SYS_DESCR)), "{name}");
            }
            assert_eq!(client.counters().discoveries, before.discoveries);
        }

        /// `walk` and `bulk_walk` of the whole agent print exactly what `snmpwalk -On` and
        /// `snmpbulkwalk -On` print (v2c and v1); a v3 authPriv walk gives the same data.
        pub $($async)? fn walks_match_net_snmp() {
            let agent = start_agent();
            let host = format!("udp:{}", agent.addr());
            let m = v2c(&agent, "public") $($aw)*;
            let walk = m.walk(".1").collect_all() $($aw)* .unwrap();
            let bulk = m.bulk_walk(".1", 10).collect_all() $($aw)* .unwrap();
            assert!(walk.len() > 40, "only {} varbinds", walk.len());
            let expected =
                net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &host, ".1"]).unwrap();
            assert_same_output(&lines(&walk), &without_end_of_view(&expected), "walk vs snmpwalk");
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
                .build() $($aw)*
                .unwrap();
            let walk1 = m1.walk(".1").collect_all() $($aw)* .unwrap();
            let expected =
                net_snmp_tool("snmpwalk", &["-On", "-v1", "-c", "public", &host, ".1"]).unwrap();
            assert_same_output(
                &lines(&walk1),
                &without_end_of_view(&expected),
                "v1 walk vs snmpwalk -v1",
            );
            // v3 authPriv walks too (the v3 users' view has sysUpTime, which changes between
            // reads: left out).
            let v3 = Manager::builder(&agent.addr().to_string())
                .user(v3_name(AuthProtocol::Sha256, Some("AES")))
                .auth(AuthProtocol::Sha256, AUTH_PW)
                .privacy(PrivProtocol::Aes128, PRIV_PW)
                .build() $($aw)*
                .unwrap();
            let uptime: Oid = "1.3.6.1.2.1.1.3.0".parse().unwrap();
            let mut walk3 = v3.bulk_walk("system", 5).collect_all() $($aw)* .unwrap();
            walk3.retain(|(o, _)| *o != uptime);
            let system: Vec<_> = bulk
                .iter()
                .filter(|(o, _)| o.to_string().starts_with("1.3.6.1.2.1.1."))
                .cloned()
                .collect();
            assert_eq!(walk3, system);
        }

        /// `get_table` of ifTable (its static columns) matches the walk of the same columns;
        /// `table` names the columns.
        pub $($async)? fn table_matches_walk() {
            let agent = start_agent();
            let m = v2c(&agent, "public") $($aw)*;
            let entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
            let walk = m.bulk_walk(&entry, 25).collect_all() $($aw)* .unwrap();
            // Column 6 (ifPhysAddress) only in the whole-entry fetch: Net-SNMP 5.9 answers a
            // GETBULK that carries it beside other columns with OIDs out of order (6.3 before
            // 6.2), which the table fetch rightly refuses as non-increasing.
            for columns in [None, Some(&[1u32, 2, 3, 4][..]), Some(&[2u32, 4][..])] {
                let rows = m.get_table(&entry, columns, 25) $($aw)* .unwrap();
                let mut from_table = Vec::new();
                for row in &rows {
                    for (col, value) in &row.cells {
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
            let table = m.table("IF-MIB::ifTable") $($aw)* .unwrap();
            assert!(!table.rows.is_empty());
            assert!(table.rows[0].get("ifDescr").is_some());
        }

        /// SET of sysContact / sysName through an rwcommunity and through a v3 user, read
        /// back.
        pub $($async)? fn set_and_read_back() {
            let agent = start_agent();
            let rw = v2c(&agent, "private") $($aw)*;
            let contact = "1.3.6.1.2.1.1.4.0";
            let name = "1.3.6.1.2.1.1.5.0";
            rw.set(contact, "ops@example.net") $($aw)* .unwrap();
            rw.set_many([
                (name, Value::from("renamed-by-v2c")),
                (contact, Value::from("noc@example.net")),
            ])
            $($aw)*
            .unwrap();
            assert_eq!(rw.get(contact) $($aw)* .unwrap(), Value::from("noc@example.net"));
            assert_eq!(rw.get(name) $($aw)* .unwrap(), Value::from("renamed-by-v2c"));
            let v3 = Manager::builder(&agent.addr().to_string())
                .user("writer")
                .auth(AuthProtocol::Sha256, AUTH_PW)
                .privacy(PrivProtocol::Aes128, PRIV_PW)
                .build() $($aw)*
                .unwrap();
            v3.set(name, "renamed-by-v3") $($aw)* .unwrap();
            assert_eq!(rw.get(name) $($aw)* .unwrap(), Value::from("renamed-by-v3"));
        }

        /// The errors come back typed: exceptions, error-status, timeouts (per call too), an
        /// ICMP-refused port, a wrong v3 password, builder mistakes, unknown names.
        pub $($async)? fn errors_are_typed() {
            let agent = start_agent();
            let m = v2c(&agent, "public") $($aw)*;
            let missing: Oid = "1.3.6.1.2.1.1.99.0".parse().unwrap();
            let err = m.get(&missing) $($aw)* .unwrap_err();
            assert_eq!(err.target(), Some(m.addr()));
            assert_eq!(err.to_string(), format!("{}: no such object: {missing}", m.addr()));
            assert_eq!(
                operation_error::<()>(Err(err)),
                SessionError::NoSuchObject { oid: missing }
            );
            let instance: Oid = "1.3.6.1.2.1.1.1.1".parse().unwrap();
            assert_eq!(
                operation_error(m.get(&instance) $($aw)*),
                SessionError::NoSuchInstance { oid: instance }
            );
            let last: Oid = "1.3.6.1.4.1.99999.9.0".parse().unwrap();
            assert!(matches!(
                operation_error(m.get_next(&last) $($aw)*),
                SessionError::EndOfMibView { .. }
            ));
            let rw = v2c(&agent, "private") $($aw)*;
            let descr: Oid = SYS_DESCR_OID.parse().unwrap();
            assert_eq!(
                operation_error(rw.set(&descr, "x") $($aw)*),
                SessionError::Status {
                    status: ErrorStatus::NotWritable,
                    index: 1,
                    oid: Some(descr.clone()),
                }
            );
            let v1 = Manager::builder(&agent.addr().to_string())
                .version(Version::V1)
                .community("private")
                .build() $($aw)*
                .unwrap();
            assert!(matches!(
                operation_error(v1.set(&descr, "x") $($aw)*),
                SessionError::Status {
                    status: ErrorStatus::NoSuchName | ErrorStatus::ReadOnly,
                    index: 1,
                    ..
                }
            ));
            // An agent that never answers (a socket we hold, so that no other test's agent can
            // take the port meanwhile): every attempt times out, in timeout x (retries + 1).
            let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let t = Manager::builder("127.0.0.1")
                .port(silent.local_addr().unwrap().port())
                .timeout(Duration::from_millis(300))
                .retries(2)
                .build() $($aw)*
                .unwrap();
            let started = Instant::now();
            assert!(matches!(
                operation_error(t.get(SYS_DESCR_OID) $($aw)*),
                SessionError::Timeout { attempts: 3, .. }
            ));
            // Never before the last attempt's deadline; the upper bound only catches a hang (a
            // shared 2-core machine can be slow, and speed is for the benchmarks).
            let took = started.elapsed();
            assert!(took >= Duration::from_millis(900), "gave up after {took:?}");
            assert!(took < Duration::from_secs(30), "took {took:?}");
            // Per call: one attempt of 100 ms.
            assert!(matches!(
                operation_error(
                    t.with_timeout(Duration::from_millis(100))
                        .with_retries(0)
                        .get(SYS_DESCR_OID)
                        $($aw)*
                ),
                SessionError::Timeout { attempts: 1, .. }
            ));
            // A port nobody listens on (ICMP port unreachable): the blocking face's connected
            // socket is told, and so is tokio's unconnected one (IP_RECVERR, the error queue
            // read); both say so at once. smol's socket is not told, and times out. Never an
            // I/O error.
            let port = {
                let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                s.local_addr().unwrap().port()
            };
            let closed = Manager::builder(&format!("127.0.0.1:{port}"))
                .timeout(Duration::from_millis(2000))
                .retries(1)
                .build() $($aw)*
                .unwrap();
            let started = Instant::now();
            let e = operation_error(closed.get(SYS_DESCR_OID) $($aw)*);
            if stringify!($face) == "snmp_blocking" || stringify!($face) == "snmp_tokio" {
                assert_eq!(
                    e,
                    SessionError::Connection($face::session::ConnectionError::PortUnreachable)
                );
                assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
            } else {
                assert!(matches!(e, SessionError::Timeout { .. }), "{e:?}");
            }
            // A wrong privacy password: the agent answers the discovery, then drops what it
            // cannot decrypt; the timeout says that the privacy password is the likely cause.
            let wrong_priv = Manager::builder(&agent.addr().to_string())
                .user(v3_name(AuthProtocol::Sha1, Some("AES")))
                .auth(AuthProtocol::Sha1, AUTH_PW)
                .privacy(PrivProtocol::Aes128, "not-the-privacy-password")
                .timeout(Duration::from_millis(300))
                .retries(0)
                .build() $($aw)*
                .unwrap();
            let e = wrong_priv.get(SYS_DESCR_OID) $($aw)*;
            assert!(
                matches!(operation_error(e.clone()), SessionError::PrivacyTimeout { .. }),
                "{e:?}"
            );
            assert!(e.unwrap_err().to_string().contains("privacy password"));
            // A wrong v3 password: the agent's Report, typed. (Unauthenticated, so it ends the
            // request at the attempt's deadline, not at once.)
            let wrong = Manager::builder(&agent.addr().to_string())
                .user(v3_name(AuthProtocol::Sha1, None))
                .auth(AuthProtocol::Sha1, "not-the-password")
                .timeout(Duration::from_millis(500))
                .build() $($aw)*
                .unwrap();
            assert_eq!(
                operation_error(wrong.get(SYS_DESCR_OID) $($aw)*),
                SessionError::Report($face::ReportKind::WrongDigest)
            );
            // Builder mistakes.
            assert!(matches!(
                Manager::builder("127.0.0.1")
                    .auth(AuthProtocol::Sha1, "auth-pass")
                    .build() $($aw)*,
                Err(Error::Config(_))
            ));
            assert!(matches!(
                Manager::builder("nosuchhost.invalid").build() $($aw)*,
                Err(Error::Resolve(_))
            ));
            // An unknown name fails before sending.
            assert!(matches!(m.get("sysDescrr.0") $($aw)*, Err(Error::Name(_))));
            // The walk of an instance returns the instance, as snmpwalk.
            let tail = m.walk(&last).collect_all() $($aw)* .unwrap();
            assert_eq!(tail.len(), 1);
            // A closed manager: its clones' calls are `Closed`, in both faces.
            let other = m.clone();
            m.close();
            assert_eq!(other.get(SYS_DESCR_OID) $($aw)*, Err(Error::Closed));
        }

        /// `send_trap`, `send_trap_v1` and `send_inform`, v1, v2c and v3, reach a real
        /// `snmptrapd`.
        pub $($async)? fn traps_and_informs_reach_snmptrapd() {
            let engine_hex: String = TRAP_ENGINE.iter().map(|b| format!("{b:02x}")).collect();
            let conf = format!(
                "disableAuthorization yes\n\
                 createUser -e 0x{engine_hex} trapuser SHA {AUTH_PW} AES {PRIV_PW}\n\
                 createUser informuser SHA {AUTH_PW} AES {PRIV_PW}\n"
            );
            let trapd = NetSnmpTrapd::start(&conf).unwrap();
            let host = trapd.addr().to_string();
            let mut config = SessionConfig::default();
            config.local_engine_id = Some($face::codec::Bytes::from_static(TRAP_ENGINE));
            let client = client_with(config).unwrap();
            let marker =
                |s: &str| VarBind::new("1.3.6.1.4.1.99999.7.0".parse().unwrap(), Value::from(s));
            let trap_oid = "1.3.6.1.4.1.99999.0.1";
            let v2 = Manager::builder(&host).client(&client).build() $($aw)* .unwrap();
            v2.send_trap(trap_oid, vec![marker("v2c-trap-marker")], 4242) $($aw)* .unwrap();
            assert!(trapd.wait_for("v2c-trap-marker"), "log:\n{}", trapd.log());
            let ack = v2
                .send_inform(trap_oid, vec![marker("v2c-inform-marker")], 4243)
                $($aw)*
                .unwrap();
            assert!(trapd.wait_for("v2c-inform-marker"), "log:\n{}", trapd.log());
            assert_eq!(ack.len(), 3, "the acknowledgement echoes the inform's varbinds");
            let v1 = Manager::builder(&host).version(Version::V1).build() $($aw)* .unwrap();
            v1.send_trap_v1($face::TrapV1Pdu {
                enterprise: "1.3.6.1.4.1.99999".parse().unwrap(),
                agent_addr: [127, 0, 0, 1],
                generic_trap: GenericTrap::EnterpriseSpecific,
                specific_trap: 7,
                time_stamp: 100,
                varbinds: vec![marker("v1-trap-marker")],
            })
            $($aw)*
            .unwrap();
            assert!(trapd.wait_for("v1-trap-marker"), "log:\n{}", trapd.log());
            let v3trap = Manager::builder(&host)
                .client(&client)
                .user("trapuser")
                .auth(AuthProtocol::Sha1, AUTH_PW)
                .privacy(PrivProtocol::Aes128, PRIV_PW)
                .build() $($aw)*
                .unwrap();
            v3trap.send_trap(trap_oid, vec![marker("v3-trap-marker")], 4244) $($aw)* .unwrap();
            assert!(trapd.wait_for("v3-trap-marker"), "log:\n{}", trapd.log());
            let v3inform = Manager::builder(&host)
                .client(&client)
                .user("informuser")
                .auth(AuthProtocol::Sha1, AUTH_PW)
                .privacy(PrivProtocol::Aes128, PRIV_PW)
                .build() $($aw)*
                .unwrap();
            v3inform
                .send_inform(trap_oid, vec![marker("v3-inform-marker")], 4245)
                $($aw)*
                .unwrap();
            assert!(trapd.wait_for("v3-inform-marker"), "log:\n{}", trapd.log());
            assert!(trapd.log().contains(".1.3.6.1.4.1.99999.0.1"));
        }

        /// Every operation over TCP (RFC 3430) against snmpd's `tcp:` listener: v1, v2c and
        /// v3 (each auth family and each privacy family at least once), get, walks equal to
        /// `snmpwalk`/`snmpbulkwalk` over `tcp:`, a table, a set read back, a GETBULK whose
        /// answer is larger than a UDP datagram can be, IPv6, and a refused connection.
        pub $($async)? fn tcp_every_operation() {
            let agent = start_agent();
            let tcp = agent.tcp_target();
            for version in [Version::V1, Version::V2c] {
                let m = Manager::builder(&tcp).version(version).build() $($aw)* .unwrap();
                assert_eq!(m.get(SYS_DESCR_OID) $($aw)* .unwrap(), Value::from(SYS_DESCR), "{version:?}");
            }
            // Each auth family, and each privacy family, at least once.
            let privs = NET_SNMP_PRIVS;
            for (i, auth) in AuthProtocol::ALL.into_iter().enumerate() {
                let (p, pname) = privs[i % privs.len()];
                for privacy in [None, Some((p, pname))] {
                    let mut b = Manager::builder(&tcp)
                        .user(v3_name(auth, privacy.map(|(_, n)| n)))
                        .auth(auth, AUTH_PW);
                    if let Some((p, _)) = privacy {
                        b = b.privacy(p, PRIV_PW);
                    }
                    let m = b.build() $($aw)* .unwrap();
                    assert_eq!(
                        m.get(SYS_DESCR_OID) $($aw)*,
                        Ok(Value::from(SYS_DESCR)),
                        "{auth:?} {privacy:?}\nagent log:\n{}",
                        agent.log()
                    );
                }
            }
            for (p, pname) in privs {
                let m = Manager::builder(&tcp)
                    .user(v3_name(AuthProtocol::Sha1, Some(pname)))
                    .auth(AuthProtocol::Sha1, AUTH_PW)
                    .privacy(p, PRIV_PW)
                    .build() $($aw)*
                    .unwrap();
                assert_eq!(m.get(SYS_DESCR_OID) $($aw)*, Ok(Value::from(SYS_DESCR)), "{pname}");
            }
            // Walks, as Net-SNMP's tools walk over tcp:.
            let m = Manager::builder(&tcp).build() $($aw)* .unwrap();
            let walk = m.walk(".1").collect_all() $($aw)* .unwrap();
            let bulk = m.bulk_walk(".1", 10).collect_all() $($aw)* .unwrap();
            assert!(walk.len() > 40, "only {} varbinds", walk.len());
            let expected =
                net_snmp_tool("snmpwalk", &["-On", "-v2c", "-c", "public", &tcp, ".1"]).unwrap();
            assert_same_output(&lines(&walk), &without_end_of_view(&expected), "walk vs snmpwalk over tcp:");
            let expected = net_snmp_tool(
                "snmpbulkwalk",
                &["-On", "-v2c", "-c", "public", "-Cr10", &tcp, ".1"],
            )
            .unwrap();
            assert_same_output(&lines(&bulk), &without_end_of_view(&expected), "bulk_walk vs snmpbulkwalk over tcp:");
            let rows = m.get_table("1.3.6.1.2.1.2.2.1", Some(&[1u32, 2][..]), 25) $($aw)* .unwrap();
            assert!(!rows.is_empty());
            // A set, read back.
            let rw = Manager::builder(&tcp).community("private").build() $($aw)* .unwrap();
            rw.set("1.3.6.1.2.1.1.5.0", "set-over-tcp") $($aw)* .unwrap();
            assert_eq!(rw.get("1.3.6.1.2.1.1.5.0") $($aw)* .unwrap(), Value::from("set-over-tcp"));
            // One GETBULK answer larger than any UDP datagram: the whole agent, at once.
            let big = rw.get_bulk(&[".1"], 0, 5000) $($aw)* .unwrap();
            assert!(big.len() > 2000, "{} varbinds", big.len());
            let datagram_limit = 65_507;
            let encoded = $face::codec::Pdu::Response($face::codec::GenericPdu {
                request_id: 1,
                error_status: ErrorStatus::NoError,
                error_index: 0,
                varbinds: big.iter().map(|(o, v)| VarBind::new(o.clone(), v.clone())).collect(),
            });
            assert!(
                encoded.encoded_len() > datagram_limit,
                "the answer ({} bytes) must be larger than a datagram",
                encoded.encoded_len()
            );
            // The same request over UDP cannot bring it.
            // (Net-SNMP cannot send it and drops it: a short timeout.)
            let udp = Manager::builder(&agent.addr().to_string())
                .community("private")
                .timeout(Duration::from_millis(500))
                .retries(0)
                .build() $($aw)*
                .unwrap();
            let over_udp = udp.get_bulk(&[".1"], 0, 5000) $($aw)*;
            assert!(over_udp.as_ref().map_or(true, |v| v.len() < big.len()), "UDP brought it all");
            // IPv6.
            if let Some(tcp6) = agent.tcp6_target() {
                let m6 = Manager::builder(&tcp6).build() $($aw)* .unwrap();
                assert_eq!(m6.get(SYS_DESCR_OID) $($aw)* .unwrap(), Value::from(SYS_DESCR), "tcp6");
            } else {
                eprintln!("tcp_every_operation: this machine has no ::1; tcp6 not tried");
            }
            // Nothing listens: refused at once, not after a timeout.
            let closed = format!("tcp:127.0.0.1:{}", $crate::free_tcp_port().unwrap());
            let m = Manager::builder(&closed).timeout(Duration::from_secs(5)).build() $($aw)* .unwrap();
            let started = Instant::now();
            let e = operation_error(m.get(SYS_DESCR_OID) $($aw)*);
            assert_eq!(e, SessionError::Connection($face::session::ConnectionError::Refused));
            assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
        }

        /// `poll_many` with TCP targets mixed among UDP ones, and several requests of one
        /// call in flight on one connection.
        pub $($async)? fn tcp_poll_many_mixed() {
            let agent = start_agent();
            let client = client_with(SessionConfig::default()).unwrap();
            let udp = agent.addr().to_string();
            let tcp = agent.tcp_target();
            let targets: Vec<$face::PollTarget> = (0..20)
                .map(|i| $face::PollTarget::v2c_host(if i % 2 == 0 { &udp } else { &tcp }, "public").unwrap())
                .collect();
            assert_eq!(targets[1].config().transport, $face::Transport::Tcp);
            let oids: Vec<Oid> = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.99.0"]
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
            let m = Manager::builder(&tcp).client(&client).build() $($aw)* .unwrap();
            for round in 0..2 {
                let results = collect_polls(m.poll_many(targets.clone(), oids.clone(), 8)) $($aw)*;
                assert_eq!(results.len(), 60, "round {round}");
                for r in &results {
                    match r.oid.arcs()[7] {
                        1 => assert_eq!(r.result, Ok(Value::from(SYS_DESCR)), "{r:?}"),
                        6 => assert_eq!(r.result, Ok(Value::from("adapter lab")), "{r:?}"),
                        _ => assert_eq!(
                            operation_error(r.result.clone()),
                            SessionError::NoSuchObject { oid: r.oid.clone() }
                        ),
                    }
                }
            }
            // One get of many OIDs, its requests pipelined on one connection: the same values
            // as over UDP.
            let many: Vec<Oid> = (0..150)
                .map(|i| format!("1.3.6.1.2.1.1.{}.0", [1, 4, 5, 6][i % 4]).parse().unwrap())
                .collect();
            let piped = Manager::builder(&tcp).max_in_flight(4).build() $($aw)* .unwrap();
            let over_udp = Manager::builder(&udp).build() $($aw)* .unwrap();
            let a = piped.get_many(many.clone()) $($aw)* .unwrap();
            let b = over_udp.get_many(many) $($aw)* .unwrap();
            assert_eq!(a.len(), 150);
            assert_eq!(a, b);
        }

        /// Traps and informs over TCP (`tcp:`), v2c and v3, reach a real `snmptrapd`
        /// listening on `tcp:`.
        pub $($async)? fn tcp_traps_and_informs_reach_snmptrapd() {
            let conf = format!(
                "disableAuthorization yes\n\
                 createUser informuser SHA {AUTH_PW} AES {PRIV_PW}\n"
            );
            let trapd = NetSnmpTrapd::start(&conf).unwrap();
            let tcp = trapd.tcp_target();
            let marker =
                |s: &str| VarBind::new("1.3.6.1.4.1.99999.7.0".parse().unwrap(), Value::from(s));
            let trap_oid = "1.3.6.1.4.1.99999.0.1";
            let v2 = Manager::builder(&tcp).build() $($aw)* .unwrap();
            v2.send_trap(trap_oid, vec![marker("tcp-trap-marker")], 4242) $($aw)* .unwrap();
            assert!(trapd.wait_for("tcp-trap-marker"), "log:\n{}", trapd.log());
            let ack = v2
                .send_inform(trap_oid, vec![marker("tcp-inform-marker")], 4243)
                $($aw)*
                .unwrap();
            assert!(trapd.wait_for("tcp-inform-marker"), "log:\n{}", trapd.log());
            assert_eq!(ack.len(), 3, "the acknowledgement echoes the inform's varbinds");
            let v3inform = Manager::builder(&tcp)
                .user("informuser")
                .auth(AuthProtocol::Sha1, AUTH_PW)
                .privacy(PrivProtocol::Aes128, PRIV_PW)
                .build() $($aw)*
                .unwrap();
            v3inform
                .send_inform(trap_oid, vec![marker("tcp-v3-inform-marker")], 4245)
                $($aw)*
                .unwrap();
            assert!(trapd.wait_for("tcp-v3-inform-marker"), "log:\n{}", trapd.log());
            assert!(trapd.log().contains("TCP: [127.0.0.1]"), "log:\n{}", trapd.log());
        }
    };
}
