//! Names through the Manager: OIDs given by name, typed table indexes, described values.
//!
//! The agent is snmp-sim serving a fixed walk with the index shapes that matter: an integer
//! index (ifTable), an IpAddress index (ipAddrTable), InetAddressType + InetAddress
//! (ipNetToPhysicalTable, IPv4 and IPv6) and an IMPLIED string after a length-prefixed one
//! (DISMAN-EVENT-MIB's mteEventTable).

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_tokio::{Error, IndexValue, Manager, Value};

const WALK: &str = r#".1.3.6.1.2.1.1.1.0 = STRING: "names test agent"
.1.3.6.1.2.1.1.5.0 = STRING: "router"
.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.1.3 = INTEGER: 3
.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.2.3 = STRING: "eth0"
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 24
.1.3.6.1.2.1.2.2.1.3.3 = INTEGER: 6
.1.3.6.1.2.1.2.2.1.6.3 = Hex-STRING: 00 1B 21 3C 9D F8
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 2
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.1
.1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1
.1.3.6.1.2.1.4.20.1.2.10.0.0.1 = INTEGER: 3
.1.3.6.1.2.1.4.20.1.2.127.0.0.1 = INTEGER: 1
.1.3.6.1.2.1.4.35.1.4.3.1.4.192.0.2.1 = Hex-STRING: 52 54 00 12 34 56
.1.3.6.1.2.1.4.35.1.4.3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1 = Hex-STRING: 52 54 00 12 34 57
.1.3.6.1.2.1.4.35.1.7.3.1.4.192.0.2.1 = INTEGER: 1
.1.3.6.1.2.1.4.35.1.7.3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1 = INTEGER: 2
.1.3.6.1.2.1.88.1.4.2.1.3.6.95.115.110.109.112.100.95.108.105.110.107.85.112 = INTEGER: 1
.1.3.6.1.2.1.88.1.4.2.1.5.6.95.115.110.109.112.100.95.108.105.110.107.85.112 = INTEGER: 1
"#;

async fn agent() -> (snmp_sim::RunningSim, String) {
    let data = snmp_sim::data::parse_walk(WALK).unwrap();
    let config = snmp_sim::SimConfig {
        port: 0,
        agents: 1,
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::new(data.clone()))
        .await
        .unwrap();
    let host = sim.addrs[0].to_string();
    (sim, host)
}

#[tokio::test]
async fn names_resolve_in_every_form() {
    let (_sim, host) = agent().await;
    let m = Manager::builder(&host).build().await.unwrap();
    for name in [
        "sysDescr.0",
        "SNMPv2-MIB::sysDescr.0",
        ".iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0",
        "1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.1.0",
    ] {
        assert_eq!(
            m.get(name).await.unwrap(),
            Value::from("names test agent"),
            "{name}"
        );
    }
    assert_eq!(m.get("ifDescr.3").await.unwrap(), Value::from("eth0"));
    let err = m.get("sysDescrr.0").await.unwrap_err();
    assert!(matches!(err, Error::Name(_)), "{err:?}");
    assert!(err.to_string().contains("did you mean sysDescr"), "{err}");
    // The set's formatting: labels, hints.
    let oid = m.mib().resolve("ifOperStatus.3").unwrap();
    let v = m.get(oid.clone()).await.unwrap();
    assert_eq!(
        m.format(&oid, &v),
        "IF-MIB::ifOperStatus.3 = INTEGER: down(2)"
    );
    let d = m.describe(&oid, &v);
    assert_eq!(
        (d.object.as_str(), d.module.as_str(), d.value.as_str()),
        ("ifOperStatus", "IF-MIB", "down")
    );
    assert_eq!(d.index.arcs(), &[3]);
    let mac = m.mib().resolve("ifPhysAddress.3").unwrap();
    let v = m.get(mac.clone()).await.unwrap();
    assert_eq!(m.describe(&mac, &v).value, "0:1b:21:3c:9d:f8");
    // A walk by name.
    let mut w = m.walk("IF-MIB::ifDescr");
    let mut n = 0;
    while let Some(item) = futures_util::StreamExt::next(&mut w).await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 2);
}

#[tokio::test]
async fn tables_have_typed_indexes_and_named_columns() {
    let (_sim, host) = agent().await;
    let m = Manager::builder(&host).build().await.unwrap();

    let t = m.table("IF-MIB::ifTable").await.unwrap();
    assert_eq!(t.name, "ifTable");
    assert_eq!(t.rows.len(), 2);
    let r = &t.rows[1];
    assert_eq!(
        r.index_values,
        vec![IndexValue::Integer {
            value: 3,
            label: None
        }]
    );
    assert_eq!(r.get("ifDescr"), Some(&Value::from("eth0")));
    assert_eq!(r.get("ifType"), Some(&Value::Integer(6)));
    assert_eq!(r.get("2"), r.column(2));
    assert!(r.named().any(|(n, _)| n == "ifOperStatus"));

    let t = m.table("ipAddrEntry").await.unwrap();
    let idx: Vec<_> = t.rows.iter().map(|r| r.index_values.clone()).collect();
    assert_eq!(
        idx,
        vec![
            vec![IndexValue::IpAddress([10, 0, 0, 1])],
            vec![IndexValue::IpAddress([127, 0, 0, 1])]
        ]
    );

    let t = m.table("IP-MIB::ipNetToPhysicalTable").await.unwrap();
    assert_eq!(t.rows.len(), 2);
    let v4 = &t.rows[0].index_values;
    assert_eq!(
        v4[0],
        IndexValue::Integer {
            value: 3,
            label: None
        }
    );
    assert_eq!(
        v4[1],
        IndexValue::Integer {
            value: 1,
            label: Some("ipv4".into())
        }
    );
    assert_eq!(v4[2], IndexValue::InetAddress("192.0.2.1".parse().unwrap()));
    let v6 = &t.rows[1].index_values;
    assert_eq!(
        v6[1],
        IndexValue::Integer {
            value: 2,
            label: Some("ipv6".into())
        }
    );
    assert_eq!(v6[2], IndexValue::InetAddress("fe80::1".parse().unwrap()));
    assert_eq!(
        t.rows[1].get("ipNetToPhysicalState"),
        Some(&Value::Integer(2))
    );

    // mteOwner (length-prefixed) then IMPLIED mteEventName.
    let t = m.table("DISMAN-EVENT-MIB::mteEventTable").await.unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(
        t.rows[0].index_values,
        vec![
            IndexValue::OctetString(b"_snmpd".to_vec()),
            IndexValue::OctetString(b"_linkUp".to_vec())
        ]
    );
    assert_eq!(
        t.rows[0].get("mteEventEntryStatus"),
        Some(&Value::Integer(1))
    );
}

#[tokio::test]
async fn poll_names_resolves_through_the_mib() {
    let (_sim, host) = agent().await;
    let m = Manager::builder(&host).build().await.unwrap();
    let addr: std::net::SocketAddr = host.parse().unwrap();
    let targets = vec![snmp_tokio::PollTarget::v2c(addr, "public")];
    let mut results = m
        .poll_names(targets.clone(), ["sysName.0", "IF-MIB::ifDescr.3"], 4)
        .unwrap();
    let mut got = Vec::new();
    while let Some(r) = futures_util::StreamExt::next(&mut results).await {
        got.push((r.oid.to_string(), r.result.unwrap()));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("1.3.6.1.2.1.1.5.0".to_string(), Value::from("router")),
            ("1.3.6.1.2.1.2.2.1.2.3".to_string(), Value::from("eth0")),
        ]
    );
    let err = m
        .poll_names(targets, ["sysNme.0"], 4)
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, Error::Name(_)), "{err:?}");
}
