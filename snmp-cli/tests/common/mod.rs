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
    ///
    /// A port found free can be taken before the sim binds it (or be free for UDP and not
    /// for TCP under `--tcp`): a sim that exits at start is retried on another port, up to
    /// five times, and the last failure is reported.
    pub(crate) fn start(extra: &[&str]) -> Sim {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(extra) {
                Ok(sim) => return sim,
                Err(e) => last = e,
            }
        }
        panic!("{last}");
    }

    fn try_start(extra: &[&str]) -> Result<Sim, String> {
        let port = snmp_testkit::free_udp_port().unwrap();
        let mut log = tempfile::tempfile().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_snmp"))
            .args(["sim", "--port", &port.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.try_clone().unwrap())
            .spawn()
            .unwrap();
        let mut sim = Sim(child, port);
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
                return Ok(sim);
            }
            if let Ok(Some(status)) = sim.0.try_wait() {
                return Err(format!(
                    "snmp sim {extra:?} exited ({status}): {}",
                    read_all(&mut log)
                ));
            }
        }
        panic!(
            "snmp sim {extra:?} did not answer in 10 s: {}",
            read_all(&mut log)
        );
    }
}

/// What a file written by a child holds, from its start.
fn read_all(file: &mut std::fs::File) -> String {
    use std::io::{Read, Seek};
    let mut text = String::new();
    let _ = file.rewind();
    let _ = file.read_to_string(&mut text);
    text
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sets the MIB environment Net-SNMP's programs and ours share in the tests (the embedded
/// standard set's files, its default module list) and a private home for their state.
pub(crate) fn mib_env(cmd: &mut Command, home: &std::path::Path) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../snmp-mib/mibs");
    let dirs = ["ietf", "iana", "ieee", "net-snmp"]
        .iter()
        .map(|d| root.join(d).display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    cmd.env("MIBDIRS", dirs)
        .env("MIBS", snmp_mib::DEFAULT_MODULES.join(":"))
        .env("SNMPCONFPATH", home)
        .env("SNMP_PERSISTENT_DIR", home.join("persist"))
        .env("HOME", home);
}

/// Whether `name` is on the PATH.
pub(crate) fn tool_present(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A metric's value from `snmp trapd --metrics-listen` on `port`: the sample whose line
/// starts with `line_start` (name and labels).
pub(crate) fn metric(port: u16, line_start: &str) -> u64 {
    let (status, body) =
        snmp_testkit::http_get(([127, 0, 0, 1], port).into(), "/metrics", "").unwrap();
    assert_eq!(status, 200);
    body.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in {body}"))
}
