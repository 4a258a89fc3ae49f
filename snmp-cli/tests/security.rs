//! Security rules of the `snmp` command, checked on the wire.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant as StdInstant};

use snmp_sim::Agent;
use snmp_tokio::session::Instant;
use snmp_tokio::{AuthProtocol, PrivProtocol, UsmUser};

/// A simulated agent on 127.0.0.1 that records the version of every datagram it receives
/// (and whether it carries the bytes `public`), for `secs` seconds at most.
fn sniffing_agent(secs: u64) -> (u16, std::thread::JoinHandle<Vec<(i32, bool)>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let port = socket.local_addr().unwrap().port();
    let mut agent = Agent::synthetic_device(4);
    agent.add_user(
        &UsmUser::new("U")
            .with_auth(AuthProtocol::Sha256, b"auth-pass-1")
            .unwrap()
            .with_privacy(PrivProtocol::Aes128, b"priv-pass-1")
            .unwrap(),
    );
    let (ready_tx, ready_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        ready_tx.send(()).unwrap();
        let origin = StdInstant::now();
        let mut seen = Vec::new();
        let mut buf = [0u8; 65536];
        while origin.elapsed() < Duration::from_secs(secs) {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let data = &buf[..n];
            let version = snmp_tokio::codec::message_version(data).unwrap_or(-1);
            let public = data.windows(6).any(|w| w == b"public");
            seen.push((version, public));
            let now = Instant::from_micros(origin.elapsed().as_micros() as u64);
            if let Some(answer) = agent.handle(now, data) {
                let _ = socket.send_to(&answer, from);
            }
        }
        seen
    });
    ready_rx.recv().unwrap();
    (port, handle)
}

fn poll_v3(port: u16, auth_pass: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_snmp"))
        .args([
            "poll",
            "-v",
            "3",
            "-u",
            "U",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            auth_pass,
            "-x",
            "AES",
            "-X",
            "priv-pass-1",
            "-t",
            "0.3",
            "-r",
            "1",
            &format!("127.0.0.1:{port}"),
            "1.3.6.1.2.1.1.5.0",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `snmp poll -v 3 ...` once polled with v2c and community `public`, ignoring every v3
/// option (and succeeding with a wrong password). Every datagram must be v3.
#[test]
fn a_v3_poll_is_v3_on_the_wire() {
    let (port, agent) = sniffing_agent(3);
    let good = poll_v3(port, "auth-pass-1");
    let bad = poll_v3(port, "wrong-pass-1");
    let seen = agent.join().unwrap();
    let good_out = String::from_utf8_lossy(&good.stdout);
    let bad_out = String::from_utf8_lossy(&bad.stdout);
    assert!(
        good_out.contains("STRING:"),
        "right password: {good_out} {}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        !bad_out.contains("STRING:"),
        "a wrong password must not succeed: {bad_out}"
    );
    assert!(!seen.is_empty(), "the agent saw nothing");
    for (version, public) in &seen {
        assert_eq!(
            *version, 3,
            "a datagram of version {version} was sent: {seen:?}"
        );
        assert!(!public, "a datagram carried the community public");
    }
}
