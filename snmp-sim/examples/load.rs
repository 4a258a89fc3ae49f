//! A pipelined GET load against one agent, to measure the simulator: keeps 64 requests in
//! flight over one socket for SECONDS and prints the answers per second.
//!
//! `taskset -c 0 target/release/snmp sim --port 16161 &`
//! `taskset -c 1 cargo run --release -p snmp-sim --example load -- 127.0.0.1:16161 5`
#![allow(clippy::unwrap_used)]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use snmp_codec::{CommunityMessage, Oid, Pdu, Version};

fn main() {
    let target = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:16161".into());
    let secs: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let window = 64;
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.connect(&target).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let msgs: Vec<Vec<u8>> = (0..1024)
        .map(|i| {
            CommunityMessage::new(
                Version::V2c,
                "public",
                Pdu::get_request(1000 + i, [oid.clone()]),
            )
            .to_vec()
        })
        .collect();
    for m in msgs.iter().take(window) {
        sock.send(m).unwrap();
    }
    let start = Instant::now();
    let (mut got, mut sent) = (0u64, window);
    let mut buf = [0u8; 2048];
    while start.elapsed() < Duration::from_secs(secs) {
        match sock.recv(&mut buf) {
            Ok(_) => {
                got += 1;
                sock.send(&msgs[sent % msgs.len()]).unwrap();
                sent += 1;
            }
            // Answers were lost: refill the window.
            Err(_) => {
                for m in msgs.iter().take(window) {
                    sock.send(m).unwrap();
                }
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{got} answers in {elapsed:.2} s = {:.0} GETs/s",
        got as f64 / elapsed
    );
}
