//! The blocking TCP trap receiver under peers that misbehave: one that sends informs and never reads
//! their acknowledgements is closed once its output passes the bound (the receiver's memory
//! does not grow with it), and connections left idle cannot lock out other senders (at the
//! cap a new connection replaces the least recently active one). Meanwhile a well-behaved
//! sender's traps arrive.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use snmp_blocking::codec::{GenericPdu, Pdu};
use snmp_blocking::TrapReceiver;
use snmp_testkit::notifications::{marker_oid, non_reading_peer, trap_varbinds, v2c_message};

#[test]
fn a_peer_that_never_reads_is_closed_and_others_are_served() {
    let mut rx = TrapReceiver::bind_tcp("127.0.0.1:0", Default::default()).expect("receiver");
    let to = rx.local_addr().expect("addr");
    let hog = std::thread::spawn(move || non_reading_peer(to));
    // The application reads until the hog is done, then the good sender's traps.
    let marker = marker_oid(99);
    while !hog.is_finished() {
        let _ = rx.recv_timeout(Duration::from_millis(50));
    }
    let (closed, sent) = hog.join().expect("hog");
    assert!(
        closed,
        "the non-reader was never closed ({sent} bytes sent)"
    );
    // The blocking receiver accepts while it is asked for notifications: the idle
    // connections and the good sender run on their own thread.
    let good = std::thread::spawn(move || {
        let mut idle = Vec::new();
        for _ in 0..300 {
            idle.push(TcpStream::connect(to).expect("idle connect"));
        }
        std::thread::sleep(Duration::from_millis(200));
        let trap = v2c_message(Pdu::SnmpV2Trap(GenericPdu::new(8, trap_varbinds(99, 16))));
        for _ in 0..3 {
            let mut s = TcpStream::connect(to).expect("connect");
            s.write_all(&trap).expect("write");
            std::thread::sleep(Duration::from_millis(100));
        }
        idle
    });
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while got < 3 && Instant::now() < deadline {
        if let Ok(Some(n)) = rx.recv_timeout(Duration::from_millis(200)) {
            if n.varbinds.iter().any(|v| v.oid == marker) {
                got += 1;
            }
        }
    }
    let idle = good.join().expect("good sender");
    assert_eq!(got, 3, "the good sender's traps arrived");
    drop(idle);
}
