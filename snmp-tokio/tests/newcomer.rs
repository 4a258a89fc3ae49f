//! What a newcomer meets first (issue 16, in part): errors that say what and where, mistakes
//! in the builder refused before anything is sent, a trap receiver bound from text, and a
//! notification's community and user as `&str`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use snmp_tokio::{AuthProtocol, Error, Manager, PrivProtocol, SecurityLevel, TrapReceiver};

async fn agent() -> (snmp_sim::RunningSim, String) {
    let config = snmp_sim::SimConfig {
        port: 0,
        agents: 1,
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(2))
        .await
        .unwrap();
    let host = sim.addrs[0].to_string();
    (sim, host)
}

#[test]
fn builder_mistakes_are_errors_before_sending() {
    let auth_on_v2c = Manager::builder("127.0.0.1").auth(AuthProtocol::Sha1, "pass-phrase-1");
    let privacy_on_v1 = Manager::builder("127.0.0.1")
        .version(snmp_tokio::Version::V1)
        .privacy(PrivProtocol::Aes128, "pass-phrase-2");
    let level_on_v2c = Manager::builder("127.0.0.1").security_level(SecurityLevel::AuthPriv);
    let privacy_without_auth = Manager::builder("127.0.0.1")
        .user("u")
        .privacy(PrivProtocol::Aes128, "pass-phrase-2");
    let short_auth = Manager::builder("127.0.0.1")
        .user("u")
        .auth(AuthProtocol::Sha256, "short");
    let short_priv = Manager::builder("127.0.0.1")
        .user("u")
        .auth(AuthProtocol::Sha256, "pass-phrase-1")
        .privacy(PrivProtocol::Aes128, "short");
    let level_above_keys = Manager::builder("127.0.0.1")
        .user("u")
        .auth(AuthProtocol::Sha256, "pass-phrase-1")
        .security_level(SecurityLevel::AuthPriv);
    use snmp_tokio::ConfigError as C;
    for (what, b, kind) in [
        ("auth on v2c", auth_on_v2c, C::CredentialsWithoutV3),
        ("privacy on v1", privacy_on_v1, C::CredentialsWithoutV3),
        ("a level on v2c", level_on_v2c, C::LevelWithoutV3),
        (
            "privacy without auth",
            privacy_without_auth,
            C::PrivacyWithoutAuth,
        ),
        ("a short auth pass phrase", short_auth, C::ShortPassPhrase),
        (
            "a short privacy pass phrase",
            short_priv,
            C::ShortPassPhrase,
        ),
        (
            "a level above the keys",
            level_above_keys,
            C::LevelAboveCredentials,
        ),
    ] {
        // Matchable by kind, with a text that says what to change.
        match b.target_config() {
            Err(Error::Config(why)) => {
                assert_eq!(why, kind, "{what}");
                assert!(!why.to_string().is_empty(), "{what}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    // A port out of range is said to be one, not a name that does not resolve.
    assert_eq!(
        Manager::builder("127.0.0.1:99999").target_config().err(),
        Some(Error::Config(C::BadPort("127.0.0.1:99999".into())))
    );
    // What is right stays right.
    let ok = Manager::builder("127.0.0.1")
        .user("u")
        .auth(AuthProtocol::Sha256, "pass-phrase-1")
        .privacy(PrivProtocol::Aes128, "pass-phrase-2")
        .security_level(SecurityLevel::AuthNoPriv);
    assert!(ok.target_config().is_ok());
    assert!(Manager::builder("127.0.0.1").target_config().is_ok());
}

#[tokio::test]
async fn a_timeout_says_where_and_how_long() {
    // A socket we hold and never answer from.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let m = Manager::builder(&addr.to_string())
        .timeout(Duration::from_millis(100))
        .retries(1)
        .build()
        .await
        .unwrap();
    let e = m.get("sysDescr.0").await.unwrap_err();
    assert!(e.is_timeout());
    assert_eq!(
        e.to_string(),
        format!("no response from {addr} after 2 attempts in 0.2 s")
    );
}

#[tokio::test]
async fn a_refused_set_names_the_object_and_varbind() {
    let (_sim, host) = agent().await;
    // A SET with the read-only community: the agent refuses it with an error-status.
    let ro = Manager::builder(&host)
        .community("public")
        .build()
        .await
        .unwrap();
    let e = ro.set("sysDescr.0", "x").await.unwrap_err();
    let text = e.to_string();
    // The object by the name the caller gave.
    assert!(
        text.starts_with(&format!("{host}: "))
            && text.ends_with(" for SNMPv2-MIB::sysDescr.0 (varbind 1)"),
        "{text}"
    );
    // The session's error is reachable; the chain prints once (no `source()` repeating it).
    assert!(e.operation().is_some());
    assert!(std::error::Error::source(&e).is_none());
}

#[tokio::test]
async fn a_receiver_binds_from_text_and_reads_the_community_as_str() {
    let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default())
        .await
        .unwrap();
    let to = rx.local_addr().to_string();
    let m = Manager::builder(&to)
        .community("public")
        .build()
        .await
        .unwrap();
    m.send_trap("coldStart", vec![], 42).await.unwrap();
    use futures_util::StreamExt;
    let n = tokio::time::timeout(Duration::from_secs(5), rx.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.community_str(), Some("public"));
    assert_eq!(n.user_name(), None);
    assert_eq!(n.uptime, Some(42));
}

#[tokio::test]
async fn per_call_timeout_and_retries_without_a_second_manager() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    // The builder's own: 5 s and 3 retries (20 s). The call's: 100 ms, no retry.
    let m = Manager::builder(&addr.to_string()).build().await.unwrap();
    let started = std::time::Instant::now();
    let e = m
        .with_timeout(Duration::from_millis(100))
        .with_retries(0)
        .get("sysDescr.0")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("no response from {addr} after 1 attempt in 0.1 s")
    );
    // A hang guard, not a timing claim: the builder's timeout would take 20 s.
    assert!(started.elapsed() < Duration::from_secs(10));
    // The same handle's walks take the call's settings too.
    use futures_util::StreamExt;
    let mut w = m
        .with_timeout(Duration::from_millis(50))
        .with_retries(1)
        .walk("system");
    let first = w.next().await.unwrap().unwrap_err();
    assert!(
        first.to_string().contains("after 2 attempts in 0.1 s"),
        "{first}"
    );
    // The original handle keeps the builder's.
    let (_sim, host) = agent().await;
    let live = Manager::builder(&host).build().await.unwrap();
    let quick = live.with_timeout(Duration::from_millis(500));
    assert!(quick.get("sysDescr.0").await.is_ok());
}

#[tokio::test(flavor = "current_thread")]
async fn names_resolve_without_blocking_the_runtime() {
    let (_sim, host) = agent().await;
    let port = host.rsplit(':').next().unwrap();
    // A name goes to the runtime's resolver; the one runtime thread keeps running meanwhile.
    let ticker = tokio::spawn(async {
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let m = Manager::builder(&format!("localhost:{port}"))
        .build()
        .await
        .unwrap();
    assert!(m.get("sysDescr.0").await.is_ok());
    ticker.await.unwrap();
    let e = Manager::builder("nosuchhost.invalid")
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Resolve(ref h) if h == "nosuchhost.invalid"),
        "{e:?}"
    );
    // Literals need no lookup.
    let m = Manager::builder("[::1]:1161").build().await.unwrap();
    assert_eq!(m.addr(), "[::1]:1161".parse().unwrap());
}

#[tokio::test]
async fn a_reused_v3_poll_target_discovers_once() {
    let user = snmp_tokio::UsmUser::new("poller")
        .with_auth(AuthProtocol::Sha256, b"poller-auth-pass")
        .unwrap();
    let config = snmp_sim::SimConfig {
        port: 0,
        agents: 1,
        users: vec![user],
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(2))
        .await
        .unwrap();
    // A relay in front of the agent counts the datagrams sent to it (discoveries included).
    let relay = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let host = relay.local_addr().unwrap().to_string();
    let agent_addr = sim.addrs[0];
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sent.clone();
    let relay_task = tokio::spawn(async move {
        let upstream = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut client_addr = None;
        let (mut a, mut b) = ([0u8; 4096], [0u8; 4096]);
        loop {
            tokio::select! {
                Ok((n, from)) = relay.recv_from(&mut a) => {
                    client_addr = Some(from);
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let _ = upstream.send_to(&a[..n], agent_addr).await;
                }
                Ok((n, _)) = upstream.recv_from(&mut b) => {
                    if let Some(c) = client_addr {
                        let _ = relay.send_to(&b[..n], c).await;
                    }
                }
            }
        }
    });
    let cfg = Manager::builder(&host)
        .user("poller")
        .auth(AuthProtocol::Sha256, "poller-auth-pass")
        .target_config()
        .unwrap();
    let target = snmp_tokio::PollTarget::new(cfg);
    let client = snmp_tokio::Client::with_defaults().unwrap();
    let seen = || sent.load(std::sync::atomic::Ordering::SeqCst);
    use futures_util::StreamExt;
    let oids: Vec<snmp_tokio::Oid> = vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()];
    let mut counts = Vec::new();
    for _ in 0..3 {
        let before = seen();
        let results: Vec<_> = client
            .poll_many([target.clone()], oids.clone(), 1)
            .collect()
            .await;
        assert!(results.iter().all(|r| r.result.is_ok()), "{results:?}");
        counts.push(seen() - before);
    }
    // The first poll discovers the engine (one request more); reusing the target does not.
    assert_eq!(counts, [2, 1, 1]);
    // A target made afresh from the same configuration discovers again.
    let fresh = snmp_tokio::PollTarget::new(target.config().clone());
    let before = seen();
    let _: Vec<_> = client.poll_many([fresh], oids, 1).collect().await;
    assert_eq!(seen() - before, 2);
    // Strings: a target from text.
    let t = snmp_tokio::PollTarget::v2c_host(&host, "public").unwrap();
    assert_eq!(t.addr().to_string(), host);
    relay_task.abort();
}

#[tokio::test]
async fn a_slow_reader_holds_a_walk_back() {
    // 9,091 interfaces: 100,001 varbinds in ifTable, 4,001 answers of 25.
    let config = snmp_sim::SimConfig {
        port: 0,
        agents: 1,
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(9091))
        .await
        .unwrap();
    let m = Manager::builder(&sim.addrs[0].to_string())
        .build()
        .await
        .unwrap();
    let seen = || sim.agents[0].lock().unwrap().requests_seen;
    use futures_util::StreamExt;
    let mut walk = m.bulk_walk("1.3.6.1.2.1.2.2", 25);
    assert!(walk.next().await.unwrap().is_ok());
    // The reader stops: the walk asks a few answers ahead, then waits for it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ahead = seen();
    assert!(ahead <= 20, "{ahead} requests while the reader slept");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(seen(), ahead, "the walk went on without its reader");
    // Reading on, the walk goes on to its end, every varbind once.
    let mut n = 1;
    while let Some(item) = walk.next().await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 100_001);
    assert!(seen() >= 4_000);
}

/// Every call's failure converts into the one `Error` with `?`: tables, walks (their partial
/// results kept in `WalkError`), value conversions, credentials; a chain prints once.
async fn everything_with_question_marks(host: &str) -> Result<(String, usize, usize), Error> {
    let m = Manager::builder(host).build().await?;
    let descr: String = m.get("sysDescr.0").await?.try_into()?;
    let table = m.table("IF-MIB::ifTable").await?;
    let walked = m.walk("system").collect_all().await?;
    Ok((descr, table.rows.len(), walked.len()))
}

#[tokio::test]
async fn errors_compose_with_the_question_mark() {
    let (_sim, host) = agent().await;
    let (descr, rows, walked) = everything_with_question_marks(&host).await.unwrap();
    assert!(!descr.is_empty());
    assert_eq!(rows, 2);
    assert!(walked >= 4, "{walked}");
    // A conversion that fails is the same error type.
    let m = Manager::builder(&host).build().await.unwrap();
    let wrong: Result<u64, Error> = async { Ok(m.get("sysDescr.0").await?.try_into()?) }.await;
    assert!(matches!(wrong, Err(Error::WrongType(_))), "{wrong:?}");
    // A chain prints once: the message holds the cause, `source()` does not repeat it.
    let e = m.get("sysDescr.99").await.unwrap_err();
    assert!(std::error::Error::source(&e).is_none());
    // Names where the caller gave names.
    assert!(
        e.to_string()
            .ends_with("no such instance: SNMPv2-MIB::sysDescr.99"),
        "{e}"
    );
}

#[tokio::test]
async fn malformed_oid_text_is_an_error_with_its_position() {
    let (_sim, host) = agent().await;
    let m = Manager::builder(&host).build().await.unwrap();
    for text in ["1.3.6..1", "1.3.6.1.2.1.1.1.0..", ".1.3.6.1."] {
        match m.get(text).await {
            Err(Error::InvalidOid(e)) => {
                assert!(e.to_string().contains("character"), "{text}: {e}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    match m.get("sysDescr..0").await {
        Err(Error::Name(e)) => assert!(e.to_string().contains("character 10"), "{e}"),
        other => panic!("{other:?}"),
    }
    // What is right stays right.
    assert!(m.get(".1.3.6.1.2.1.1.1.0").await.is_ok());
    assert!(m.get("SNMPv2-MIB::sysDescr.0").await.is_ok());
}

#[tokio::test]
async fn tables_refuse_what_is_not_a_table_and_give_typed_cells() {
    let (_sim, host) = agent().await;
    let m = Manager::builder(&host).build().await.unwrap();
    for not_a_table in ["sysDescr", "system", "sysDescr.0", "ifDescr.1"] {
        match m.table(not_a_table).await {
            Err(e) => assert!(
                matches!(e.error, Error::NotATable(_))
                    && e.to_string().contains("Was that a table?"),
                "{not_a_table}: {e}"
            ),
            Ok(t) => panic!("{not_a_table}: {} rows", t.rows.len()),
        }
    }
    let table = m.table("IF-MIB::ifTable").await.unwrap();
    assert_eq!(table.name, "ifTable", "the name asked for");
    assert_eq!(m.table("ifEntry").await.unwrap().name, "ifTable");
    let mut seen = 0;
    for row in &table {
        let octets: u64 = row.get_as("ifInOctets").unwrap();
        let descr: String = row.get_as("ifDescr").unwrap();
        let index: u64 = row.get_as("ifIndex").unwrap();
        assert!(!descr.is_empty());
        let _ = octets;
        assert_eq!(row.index_values().len(), 1);
        assert_eq!(index as usize, seen + 1);
        // A misspelt column is an error naming close columns, not a silent None.
        match row.get_as::<u64>("ifInOctet") {
            Err(Error::NoSuchColumn { suggestions, .. }) => {
                assert!(
                    suggestions.contains(&"ifInOctets".to_owned()),
                    "{suggestions:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        // The wrong type is a typed error too.
        assert!(matches!(
            row.get_as::<u64>("ifDescr"),
            Err(Error::WrongType(_))
        ));
        seen += 1;
    }
    assert_eq!(seen, table.len());
}

#[test]
fn a_client_outside_a_runtime_is_an_error_not_a_panic() {
    match snmp_tokio::Client::with_defaults() {
        Err(Error::Io(e)) => assert!(e.to_string().contains("no tokio runtime"), "{e}"),
        other => panic!("{other:?}"),
    }
}
