//! The TCP trap receiver under peers that misbehave: one that sends informs and never reads
//! their acknowledgements is closed once its output passes the bound (the receiver's memory
//! does not grow with it), and connections left idle cannot lock out other senders (at the
//! cap a new connection replaces the least recently active one). Meanwhile a well-behaved
//! sender's traps arrive.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use snmp_testkit::notifications::{marker_oid, non_reading_peer, trap_varbinds, v2c_message};
use snmp_tokio::codec::{GenericPdu, Pdu};
use snmp_tokio::{StreamExt, Tokio, TrapReceiver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_reads_is_closed_and_others_are_served() {
    let mut rx = TrapReceiver::bind_tcp_on(Tokio, "127.0.0.1:0", Default::default())
        .await
        .expect("receiver");
    let to = rx.local_addr();
    // The non-reader: informs with 8 KiB each, whose acknowledgements echo them; it never
    // reads, so what the receiver owes it piles up. It stops when its connection is closed
    // (or after 200 MB, which would be the failure).
    let hog = std::thread::spawn(move || non_reading_peer(to));
    // The application reads notifications throughout (the hog's informs among them).
    let reader = tokio::spawn(async move {
        let mut good = 0;
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_millis(200), rx.next()).await {
                Ok(Some(n)) => {
                    if n.varbinds.iter().any(|v| v.oid == marker_oid(99)) {
                        good += 1;
                        if good == 3 {
                            return good;
                        }
                    }
                }
                Ok(None) => return good,
                Err(_) => {}
            }
        }
        good
    });
    let (closed, sent) = tokio::task::spawn_blocking(move || hog.join().expect("hog"))
        .await
        .expect("join");
    assert!(
        closed,
        "the non-reader was never closed ({sent} bytes sent)"
    );
    // 300 idle connections (more than the cap of 256), then a good sender: still served.
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(TcpStream::connect(to).expect("idle connect"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let good = std::thread::spawn(move || {
        let trap = v2c_message(Pdu::SnmpV2Trap(GenericPdu::new(8, trap_varbinds(99, 16))));
        for _ in 0..3 {
            let mut s = TcpStream::connect(to).expect("connect");
            s.write_all(&trap).expect("write");
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    good.join().expect("good sender");
    let got = reader.await.expect("reader");
    assert_eq!(got, 3, "the good sender's traps arrived");
    drop(idle);
}
