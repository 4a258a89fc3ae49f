//! Shared by the CLI's test files: running a command, and `snmp sim` on a free port.

#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// stdout, stderr and exit code of a command.
pub(crate) type Outcome = (String, String, Option<i32>);

/// Runs `cmd` with no stdin and returns what it printed and its exit code.
pub(crate) fn outcome(cmd: &mut Command) -> Outcome {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// `snmp sim` on a free port (the `u16`) until dropped.
pub(crate) struct Sim(Child, pub(crate) u16);

impl Sim {
    /// Starts `snmp sim --port P EXTRA...` and waits until it answers a v2c GET.
    pub(crate) fn start(extra: &[&str]) -> Sim {
        let port = snmp_testkit::free_udp_port().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_snmp"))
            .args(["sim", "--port", &port.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let sim = Sim(child, port);
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let probe = snmp_tokio::codec::CommunityMessage::new(
            snmp_tokio::codec::Version::V2c,
            "public",
            snmp_tokio::codec::Pdu::get_request(1, ["1.3.6.1.2.1.1.1.0".parse().unwrap()]),
        )
        .to_vec();
        let mut buf = [0u8; 2048];
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            sock.send_to(&probe, ("127.0.0.1", port)).unwrap();
            if sock.recv_from(&mut buf).is_ok() {
                return sim;
            }
        }
        panic!("snmp sim did not start");
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
