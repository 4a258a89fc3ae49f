//! A closed port fails at once: the ICMP port unreachable that the agent's host sends back is
//! read from the socket's error queue (the socket is shared and unconnected), as a connected
//! socket (gosnmp's, Net-SNMP's) learns it, instead of waiting out every retry's timeout.

use std::time::{Duration, Instant};

/// A UDP port on 127.0.0.1 with nothing listening (bound, noted, closed).
fn closed_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

#[tokio::test]
async fn a_closed_port_fails_fast_and_says_why() {
    let port = closed_port();
    let m = snmp_tokio::Manager::builder("127.0.0.1")
        .port(port)
        .community("public")
        .timeout(Duration::from_secs(5))
        .retries(3)
        .build()
        .await
        .expect("manager");
    let start = Instant::now();
    let err = m
        .get("1.3.6.1.2.1.1.1.0")
        .await
        .expect_err("nothing listens");
    let took = start.elapsed();
    assert!(!err.is_timeout(), "{err}");
    assert!(err.to_string().contains("port unreachable"), "{err}");
    // 4 x 5 s would be a timeout; the ICMP answer comes back in microseconds.
    assert!(took < Duration::from_secs(4), "took {took:?}");
}
