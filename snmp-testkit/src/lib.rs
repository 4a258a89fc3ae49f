//! Test support: starts the real Net-SNMP agent (`snmpd`) on 127.0.0.1 with a configuration the
//! test writes, in a private directory, and stops it (by its own PID) when dropped.
//!
//! Nothing here depends on a daemon the Debian package may have started: every agent gets its
//! own free high port, its own persistent directory and its own configuration (`-C`: no
//! system configuration files are read).

pub mod adapter_tests;
pub mod memory;
pub mod notifications;
mod receiver_suite;
mod suite;

pub use snmp_sim::{self as sim, Agent as FakeAgent, Faults};

mod hostile;

pub use hostile::{assert_hostile_outcome, HostileTcpAgent, Hostility};

mod http;

pub use http::{
    free_tcp_port, http_get, mib_corpus_dirs, prom_instant, prom_query, start_prometheus,
    wait_listening, KillOnDrop,
};

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free UDP port on 127.0.0.1 (bound and released; another process could take it in
/// between, which the start-up check below would notice).
pub fn free_udp_port() -> io::Result<u16> {
    let s = UdpSocket::bind("127.0.0.1:0")?;
    Ok(s.local_addr()?.port())
}

/// A running `snmpd`, stopped on drop.
#[derive(Debug)]
pub struct NetSnmpd {
    child: Child,
    addr: SocketAddr,
    addr6: Option<SocketAddr>,
    dir: tempfile::TempDir,
}

impl NetSnmpd {
    /// Starts `snmpd` listening on 127.0.0.1 with `config` (snmpd.conf lines) plus an
    /// `agentAddress` line, and waits until it answers.
    ///
    /// The configuration should contain `rocommunity public 127.0.0.1` (or any community
    /// named `public`): readiness is probed with a v2c GET of sysUpTime.0.
    pub fn start(config: &str) -> io::Result<NetSnmpd> {
        let snmpd = which("snmpd").ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "snmpd not found: install Debian's snmpd (apt-get install -y snmpd snmp snmptrapd), \
                 or run the suite with `bash .ci/test`, which does",
            )
        })?;
        let mut last_err = None;
        for _ in 0..5 {
            let port = free_udp_port()?;
            match Self::try_start(&snmpd, config, port) {
                Ok(agent) => return Ok(agent),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| io::Error::other("snmpd did not start")))
    }

    fn try_start(snmpd: &Path, config: &str, port: u16) -> io::Result<NetSnmpd> {
        let dir = tempfile::Builder::new().prefix("snmpd-test-").tempdir()?;
        let conf = dir.path().join("snmpd.conf");
        // Also on [::1] when this machine has IPv6 loopback.
        let v6 = UdpSocket::bind(("::1", port)).is_ok();
        // And over TCP on the same port numbers (RFC 3430 targets).
        let listen = if v6 {
            format!("udp:127.0.0.1:{port},udp6:[::1]:{port},tcp:127.0.0.1:{port},tcp6:[::1]:{port}")
        } else {
            format!("udp:127.0.0.1:{port},tcp:127.0.0.1:{port}")
        };
        std::fs::write(&conf, format!("agentAddress {listen}\n{config}\n"))?;
        let child = spawn_daemon(snmpd, dir.path(), "snmpd", &[])?;
        let mut agent = NetSnmpd {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            addr6: v6.then(|| SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port))),
            dir,
        };
        agent.wait_ready()?;
        Ok(agent)
    }

    /// Probes with v2c GETs of sysUpTime.0 until an answer comes (10 s at most).
    fn wait_ready(&mut self) -> io::Result<()> {
        let sys_uptime = snmp_codec::Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]);
        let probe = snmp_codec::CommunityMessage::new(
            snmp_codec::Version::V2c,
            "public",
            snmp_codec::Pdu::get_request(1, [sys_uptime]),
        )
        .to_vec();
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(200)))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 1500];
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "snmpd exited ({status}); log:\n{}",
                    self.log()
                )));
            }
            sock.send_to(&probe, self.addr)?;
            if let Ok((n, from)) = sock.recv_from(&mut buf) {
                if from == self.addr && n > 0 {
                    return Ok(());
                }
            }
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "snmpd did not answer on {}; log:\n{}",
                self.addr,
                self.log()
            ),
        ))
    }

    /// Where the agent listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its TCP address, as Net-SNMP's tools take it (`tcp:127.0.0.1:PORT`): the agent
    /// listens on TCP on the same port number.
    pub fn tcp_target(&self) -> String {
        format!("tcp:{}", self.addr)
    }

    /// Its IPv6 TCP address (`tcp6:[::1]:PORT`), when the machine has IPv6 loopback.
    pub fn tcp6_target(&self) -> Option<String> {
        self.addr6.map(|a| format!("tcp6:{a}"))
    }

    /// Its IPv6 address (`[::1]`), when the machine has IPv6 loopback.
    pub fn addr6(&self) -> Option<SocketAddr> {
        self.addr6
    }

    /// The agent's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("snmpd.log")).unwrap_or_default()
    }

    /// The private directory of this agent.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for NetSnmpd {
    fn drop(&mut self) {
        // Our own child, by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a Net-SNMP daemon in the foreground with only `dir/NAME.conf` (`-C`: no system
/// configuration), logging to `dir/NAME.log`, its pid in `dir/NAME.pid`, persistent state in
/// `dir/persist` and no MIBs loaded; `extra` arguments last.
fn spawn_daemon(program: &Path, dir: &Path, name: &str, extra: &[&str]) -> io::Result<Child> {
    let persist = dir.join("persist");
    std::fs::create_dir_all(&persist)?;
    Command::new(program)
        .arg("-f")
        .arg("-C")
        .arg("-c")
        .arg(dir.join(format!("{name}.conf")))
        .arg("-Lf")
        .arg(dir.join(format!("{name}.log")))
        .arg("-p")
        .arg(dir.join(format!("{name}.pid")))
        .args(["-m", ""])
        .args(extra)
        .env("SNMP_PERSISTENT_DIR", &persist)
        .env("MIBS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

/// The path of `program` on `PATH` (also looking in the sbin directories, where Debian puts
/// daemons and which a non-root `PATH` may lack).
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// A running `snmptrapd`, stopped on drop; what it received is in its log.
#[derive(Debug)]
pub struct NetSnmpTrapd {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl NetSnmpTrapd {
    /// Starts `snmptrapd` on a free 127.0.0.1 port with `config` (snmptrapd.conf lines),
    /// printing numeric OIDs, and waits until it has started.
    pub fn start(config: &str) -> io::Result<NetSnmpTrapd> {
        Self::start_with(config, &["-On"])
    }

    /// As [`NetSnmpTrapd::start`], with these options instead of `-On` (`-M DIRS -m MODULES`
    /// to print names: they come after the default `-m ""`).
    pub fn start_with(config: &str, options: &[&str]) -> io::Result<NetSnmpTrapd> {
        // The port is free for UDP when picked; its TCP twin may not be, or another test may
        // take it first: a start that fails on an address in use is tried again elsewhere.
        let mut last = None;
        for _ in 0..5 {
            match Self::start_once(config, options) {
                Err(e) if e.to_string().contains("Address already in use") => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("snmptrapd did not start")))
    }

    fn start_once(config: &str, options: &[&str]) -> io::Result<NetSnmpTrapd> {
        let trapd = which("snmptrapd").ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "snmptrapd not found (apt-get install snmptrapd)",
            )
        })?;
        let dir = tempfile::Builder::new()
            .prefix("snmptrapd-test-")
            .tempdir()?;
        std::fs::write(dir.path().join("snmptrapd.conf"), config)?;
        let port = free_udp_port()?;
        // And over TCP on the same port number.
        let listen = format!("udp:127.0.0.1:{port},tcp:127.0.0.1:{port}");
        let mut extra = options.to_vec();
        extra.push(&listen);
        let child = spawn_daemon(&trapd, dir.path(), "snmptrapd", &extra)?;
        let mut trapd = NetSnmpTrapd {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = trapd.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "snmptrapd exited ({status}); log:\n{}",
                    trapd.log()
                )));
            }
            if trapd.log().contains("NET-SNMP version") {
                return Ok(trapd);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "snmptrapd did not start",
        ))
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its TCP address as Net-SNMP's tools take it (`tcp:127.0.0.1:PORT`).
    pub fn tcp_target(&self) -> String {
        format!("tcp:{}", self.addr)
    }

    /// Its log: one entry per notification received.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("snmptrapd.log")).unwrap_or_default()
    }

    /// Waits (up to 5 s) until the log contains `needle`.
    pub fn wait_for(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for NetSnmpTrapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a Net-SNMP command-line tool (`snmpwalk`, `snmpbulkwalk`, ...) and returns its standard
/// output.
pub fn net_snmp_tool(program: &str, args: &[&str]) -> io::Result<String> {
    let path = which(program).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{program} not found (apt-get install snmp)"),
        )
    })?;
    // A private persistent directory: v3 tools run at once by parallel tests would race on
    // the machine's snmpapp.conf.
    let persist = tempfile::tempdir()?;
    let out = Command::new(path)
        .args(["-m", ""])
        .args(args)
        .env("MIBS", "")
        .env("SNMP_PERSISTENT_DIR", persist.path())
        .env("SNMPCONFPATH", persist.path())
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
