//! The fast (batched, single-threaded) server: same answers as the agent, every datagram of a
//! burst answered, many agents on one thread, and its network faults.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, missing_docs)]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use snmp_codec::{CommunityMessage, Message, Pdu, Version};
use snmp_sim::{fast, Agent, NetFaults, SimConfig};
use snmp_tokio::{AuthProtocol, Manager, Oid, PrivProtocol, UsmUser, Value};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn user() -> UsmUser {
    UsmUser::new("fast")
        .with_auth(AuthProtocol::Sha256, b"auth-password")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"priv-password")
        .unwrap()
}

fn if_descr(rows: u32) -> Vec<(Oid, Value)> {
    (1..=rows)
        .map(|i| {
            (
                format!("1.3.6.1.2.1.2.2.1.2.{i}").parse().unwrap(),
                Value::from(format!("eth{i}")),
            )
        })
        .collect()
}

fn spawn(agents: usize, net: NetFaults) -> fast::FastSim {
    let config = SimConfig {
        agents,
        users: vec![user()],
        net,
        ..SimConfig::default()
    };
    fast::spawn(&config, || Agent::synthetic_device(30)).unwrap()
}

#[test]
fn every_agent_answers_v2c_and_v3_walks_exactly() {
    let sim = spawn(3, NetFaults::default());
    assert_eq!(sim.addrs.len(), 3);
    rt().block_on(async {
        for addr in &sim.addrs {
            let v2c = Manager::builder(&addr.to_string()).build().await.unwrap();
            let walk = v2c
                .bulk_walk("1.3.6.1.2.1.2.2.1.2", 7)
                .collect_all()
                .await
                .unwrap();
            assert_eq!(walk, if_descr(30));
            let v3 = Manager::builder(&addr.to_string())
                .usm_user(user())
                .build()
                .await
                .unwrap();
            let walk = v3
                .bulk_walk("1.3.6.1.2.1.2.2.1.2", 7)
                .collect_all()
                .await
                .unwrap();
            assert_eq!(walk, if_descr(30));
        }
    });
    let stats = sim.stop().unwrap();
    assert!(stats.received >= 3 * 10, "{stats:?}");
    assert_eq!(stats.received, stats.sent, "{stats:?}");
}

#[test]
fn a_burst_of_requests_is_answered_in_full() {
    let sim = spawn(1, NetFaults::default());
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket2::SockRef::from(&sock)
        .set_recv_buffer_size(4 << 20)
        .unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let burst = 500;
    for id in 0..burst {
        let m = CommunityMessage::new(Version::V2c, "public", Pdu::get_request(id, [oid.clone()]));
        sock.send_to(&m.to_vec(), sim.addrs[0]).unwrap();
    }
    let mut seen = vec![false; burst as usize];
    let mut buf = [0u8; 1500];
    for _ in 0..burst {
        let n = sock.recv(&mut buf).unwrap();
        let Ok(Message::Community(m)) = Message::decode(&buf[..n]) else {
            panic!("not an answer")
        };
        assert_eq!(m.pdu.varbinds()[0].value, Value::from("fake"));
        seen[m.pdu.request_id().unwrap() as usize] = true;
    }
    assert!(seen.iter().all(|s| *s));
    let stats = sim.stop().unwrap();
    assert_eq!(stats.received, u64::from(burst as u32));
    // Batching happened: fewer receive calls than datagrams.
    assert!(stats.receive_calls < stats.received, "{stats:?}");
}

#[test]
fn network_faults_apply_on_the_fast_path_too() {
    // Half the answers dropped: retries still get every GET through.
    let sim = spawn(
        1,
        NetFaults {
            drop: 0.5,
            duplicate: 0.3,
            reorder: 0.3,
            ..Default::default()
        },
    );
    rt().block_on(async {
        let m = Manager::builder(&sim.addrs[0].to_string())
            .timeout(Duration::from_millis(100))
            .retries(10)
            .build()
            .await
            .unwrap();
        for _ in 0..10 {
            assert_eq!(
                m.get("1.3.6.1.2.1.1.5.0").await.unwrap(),
                Value::from("fake")
            );
        }
        let walk = m
            .bulk_walk("1.3.6.1.2.1.2.2.1.2", 5)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(walk, if_descr(30));
    });
    let stats = sim.stop().unwrap();
    assert!(stats.sent < stats.received * 2, "{stats:?}");

    // Delayed answers arrive no sooner than the delay; answers from another port come from
    // another port.
    let sim = spawn(
        1,
        NetFaults {
            delay: Duration::from_millis(40),
            other_source_port: true,
            ..Default::default()
        },
    );
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let get = CommunityMessage::new(
        Version::V2c,
        "public",
        Pdu::get_request(7, ["1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap()]),
    );
    let start = Instant::now();
    sock.send_to(&get.to_vec(), sim.addrs[0]).unwrap();
    let mut buf = [0u8; 1500];
    let (n, from) = sock.recv_from(&mut buf).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(40));
    assert_ne!(from, sim.addrs[0]);
    assert!(Message::decode(&buf[..n]).is_ok());
}

/// The processing-time model: one request at a time, each taking `processing`. Ten GETs sent
/// at once from ten sockets are answered in turn: the last answer comes no sooner than ten
/// processing times after they were sent, and every one is answered.
#[test]
fn a_cpu_bound_agent_answers_one_request_at_a_time() {
    let processing = Duration::from_millis(15);
    let sim = spawn(
        1,
        NetFaults {
            processing,
            ..NetFaults::default()
        },
    );
    let agent = sim.addrs[0];
    let request = CommunityMessage {
        version: Version::V2c,
        community: snmp_codec::Bytes::from_static(b"public"),
        pdu: Pdu::get_request(7, ["1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap()]),
    }
    .to_vec();
    let sockets: Vec<UdpSocket> = (0..10)
        .map(|_| {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s
        })
        .collect();
    let sent = Instant::now();
    for s in &sockets {
        s.send_to(&request, agent).unwrap();
    }
    let mut buf = [0u8; 1500];
    let mut last = Duration::ZERO;
    for s in &sockets {
        let (n, _) = s.recv_from(&mut buf).unwrap();
        assert!(matches!(
            Message::decode(&buf[..n]),
            Ok(Message::Community(_))
        ));
        last = last.max(sent.elapsed());
    }
    assert!(last >= processing * 10, "all answered after {last:?}");
}
