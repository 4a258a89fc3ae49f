//! `snmp trapd` beside Debian's snmptrapd: one snmptrapd.conf, the same notifications sent
//! by Net-SNMP's snmptrap and snmpinform (v1, v2c, v3 authPriv; traps and informs; UDP and
//! TCP), and the same results: the log file, what every traphandle program read on its
//! standard input, what `forward` delivered to a third receiver, and what both refused.
//!
//! Deliberate differences, normalised here and written down in the README: the start and
//! stop lines name this program, not NET-SNMP; timestamps are compared as `TIME` (ours are
//! UTC); ports and engine IDs differ per run.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{metric, mib_env, tool_present};

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One receiver (theirs or ours) with its folder: `td.conf`, `log.txt`, handler outputs.
struct Daemon {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The configuration both get; `{DIR}` is the daemon's folder, `{FWD}` the forward target.
const CONF: &str = r#"# snmptrapd.conf shared by both receivers
authCommunity log probe
authCommunity log,execute,net public
authCommunity log logonly
authCommunity execute farAway 10.0.0.0/8
authUser log,execute trapuser
authUser log,execute informuser priv
createUser -e 0x8000000001020304 trapuser SHA authpass123 AES privpass123
createUser informuser SHA-256 authpass456 AES privpass456
traphandle default {DIR}/h.sh default
traphandle IF-MIB::linkDown {DIR}/h.sh linkdown
traphandle -F "%B %W %v\n" .1.3.6.1.6.3.1.1.5.* {DIR}/h.sh formatted
forward default udp:127.0.0.1:{FWD}
forward .1.3.6.1.6.3.1.1.5.* udp:127.0.0.1:{FWD}
bogusDirective foo
traphandle NO-SUCH-MIB::thing /bin/true
format1 %.4y-%.2m-%.2l %.2h:%.2j:%.2k %B [%b] %A %a %P (%N %W %q %w) %#T\n%V\n\t%v\n
view linkTraps included .1.3.6.1.6.3.1.1.5
view linkTraps excluded .1.3.6.1.6.3.1.1.5.4
view masked included .1.3.6.1.6.3.1.1.5.1 ff.80
authCommunity log viewed default -V linkTraps
authCommunity log masked default -V masked
authCommunity log nosuchview default -V noSuchView
authCommunity log lowercase default -v linkTraps
view broken sometimes .1.3
"#;

/// The handler: appends what it reads to `NAME.out`, then a marker with its arguments.
const HANDLER: &str = "#!/bin/sh\ncat >> \"$(dirname \"$0\")/$1.out\"\necho \"--END-- $*\" >> \"$(dirname \"$0\")/$1.out\"\n";

impl Daemon {
    /// Starts `program` (snmptrapd or `snmp trapd`) on a free port, UDP and TCP, with
    /// [`CONF`]; waits until it logs a probe trap. Retried on another port if it cannot bind.
    fn start(program: &[&str], fwd: u16) -> Daemon {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(program, fwd) {
                Ok(d) => return d,
                Err(e) => last = e,
            }
        }
        panic!("{program:?} did not start: {last}");
    }

    fn try_start(program: &[&str], fwd: u16) -> Result<Daemon, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("persist/cert_indexes")).unwrap();
        let d = dir.path().display().to_string();
        std::fs::write(
            dir.path().join("td.conf"),
            CONF.replace("{DIR}", &d).replace("{FWD}", &fwd.to_string()),
        )
        .unwrap();
        let h = dir.path().join("h.sh");
        std::fs::write(&h, HANDLER).unwrap();
        std::process::Command::new("chmod")
            .args(["+x", h.to_str().unwrap()])
            .status()
            .unwrap();
        let port = snmp_testkit::free_udp_port().unwrap();
        let mut cmd = Command::new(program[0]);
        cmd.args(&program[1..]);
        mib_env(&mut cmd, dir.path());
        cmd.args(["-f", "-C", "-Lf"])
            .arg(dir.path().join("log.txt"))
            .arg("-c")
            .arg(dir.path().join("td.conf"))
            .arg("-p")
            .arg(dir.path().join("pid"))
            .arg(format!("udp:127.0.0.1:{port},tcp:127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd.spawn().map_err(|e| e.to_string())?;
        let mut daemon = Daemon { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            send(
                &daemon,
                &[
                    "-v1",
                    "-c",
                    "probe",
                    "{UDP}",
                    ".1.3.6.1.4.1.8072",
                    "127.0.0.1",
                    "0",
                    "0",
                    "1",
                ],
            );
            if daemon.log().contains("community probe") {
                return Ok(daemon);
            }
            if let Ok(Some(status)) = daemon.child.try_wait() {
                return Err(format!("exited ({status}): {}", daemon.log()));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Err(format!("no probe logged in 20 s: {}", daemon.log()))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(self.path("log.txt")).unwrap_or_default())
            .into_owned()
    }

    fn read(&self, name: &str) -> String {
        String::from_utf8_lossy(&std::fs::read(self.path(name)).unwrap_or_default()).into_owned()
    }
}

/// Runs snmptrap (or snmpinform, when the first argument is `inform`) at `d`: `{UDP}` and
/// `{TCP}` name its addresses.
fn send(d: &Daemon, args: &[&str]) {
    send_to(d.port, &d.dir.path().join("sender"), args);
}

/// [`send`] to 127.0.0.1:`port`, the sender's files in `home`.
fn send_to(port: u16, home: &std::path::Path, args: &[&str]) {
    let (tool, args) = match args.first() {
        Some(&"inform") => ("snmpinform", &args[1..]),
        _ => ("snmptrap", args),
    };
    std::fs::create_dir_all(home.join("persist")).unwrap();
    let mut cmd = Command::new(tool);
    mib_env(&mut cmd, home);
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{UDP}", &format!("udp:127.0.0.1:{port}"))
                .replace("{TCP}", &format!("tcp:127.0.0.1:{port}"))
        })
        .collect();
    let _ = cmd
        .args(["-r", "1", "-t", "2"])
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Text with what differs per run replaced: times, source ports, the daemon's own folder
/// and port, the start and stop lines, v3 engine IDs in `%E`-like hex dumps.
fn normalise(text: &str, d: &Daemon) -> String {
    let time = regex_lite(text);
    time.replace(&d.dir.path().display().to_string(), "DIR")
        .replace(&format!(":{}", d.port), ":PORT")
        .lines()
        .filter(|l| {
            !(l.contains("NET-SNMP version")
                || l.contains("community probe")
                || l.contains("snmp trapd (snmp-rs)")
                || l.contains("Created directory")
                || l.trim().is_empty())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `2026-12-07 21:01:19` → `TIME`, `]:53484->` → `]:SRC->` (no regex crate needed).
fn regex_lite(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    while i < b.len() {
        // YYYY-MM-DD HH:MM:SS
        if i + 19 <= b.len()
            && digits(&b[i..i + 4])
            && b[i + 4] == b'-'
            && digits(&b[i + 5..i + 7])
            && b[i + 7] == b'-'
            && digits(&b[i + 8..i + 10])
            && b[i + 10] == b' '
            && digits(&b[i + 11..i + 13])
            && b[i + 13] == b':'
            && digits(&b[i + 14..i + 16])
            && b[i + 16] == b':'
            && digits(&b[i + 17..i + 19])
        {
            out.push_str("TIME");
            i += 19;
            continue;
        }
        // ]:PORT-> (a sender's port)
        if b[i] == b']' && b.get(i + 1) == Some(&b':') {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 2 && text[j..].starts_with("->") {
                out.push_str("]:SRC");
                i = j;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Waits until `f` holds (bounded), for output written by other processes.
fn settle(what: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline && !what() {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The notifications, in order: `(args, accepted)`.
fn notifications() -> Vec<(Vec<&'static str>, bool)> {
    let v3trap = [
        "-v3",
        "-e",
        "0x8000000001020304",
        "-u",
        "trapuser",
        "-l",
        "authPriv",
        "-a",
        "SHA",
        "-A",
        "authpass123",
        "-x",
        "AES",
        "-X",
        "privpass123",
    ];
    let v3inform = [
        "-v3",
        "-u",
        "informuser",
        "-l",
        "authPriv",
        "-a",
        "SHA-256",
        "-A",
        "authpass456",
        "-x",
        "AES",
        "-X",
        "privpass456",
    ];
    let mut v: Vec<(Vec<&'static str>, bool)> = vec![
        (
            vec![
                "-v2c",
                "-c",
                "public",
                "{UDP}",
                "123",
                "IF-MIB::linkDown",
                "IF-MIB::ifIndex.1",
                "i",
                "1",
                "SNMPv2-MIB::sysDescr.0",
                "s",
                "hi there",
            ],
            true,
        ),
        (
            vec![
                "-v1",
                "-c",
                "public",
                "{UDP}",
                "1.3.6.1.4.1.8072",
                "10.1.2.3",
                "6",
                "17",
                "456",
                "IF-MIB::ifIndex.1",
                "i",
                "1",
            ],
            true,
        ),
        (
            vec![
                "-v1",
                "-c",
                "public",
                "{TCP}",
                "1.3.6.1.4.1.8072",
                "127.0.0.1",
                "2",
                "0",
                "789",
                "IF-MIB::ifIndex.2",
                "i",
                "2",
            ],
            true,
        ),
        (
            vec!["-v2c", "-c", "public", "{TCP}", "55", "IF-MIB::linkUp"],
            true,
        ),
        (
            vec![
                "inform",
                "-v2c",
                "-c",
                "public",
                "{UDP}",
                "66",
                "SNMPv2-MIB::warmStart",
            ],
            true,
        ),
        (
            vec!["-v2c", "-c", "logonly", "{UDP}", "77", "IF-MIB::linkUp"],
            true,
        ),
        // Refused by both: a community nobody configured, one from the wrong network.
        (
            vec!["-v2c", "-c", "wrong", "{UDP}", "88", "IF-MIB::linkUp"],
            false,
        ),
        (
            vec!["-v2c", "-c", "farAway", "{UDP}", "99", "IF-MIB::linkUp"],
            false,
        ),
        // `-V VIEW`: the snmpTrapOID in a view (an excluded subtree inside an included one, a
        // mask); a view nobody defined; `-v`, as snmptrapd's manual page spells it, which
        // snmptrapd refuses as a bad OID.
        (
            vec!["-v2c", "-c", "viewed", "{UDP}", "11", "IF-MIB::linkDown"],
            true,
        ),
        (
            vec!["-v2c", "-c", "viewed", "{UDP}", "12", "IF-MIB::linkUp"],
            false,
        ),
        (
            vec![
                "-v1",
                "-c",
                "viewed",
                "{UDP}",
                "1.3.6.1.4.1.8072",
                "127.0.0.1",
                "2",
                "0",
                "13",
            ],
            true,
        ),
        (
            vec![
                "-v1",
                "-c",
                "viewed",
                "{UDP}",
                "1.3.6.1.4.1.8072",
                "127.0.0.1",
                "6",
                "1",
                "14",
            ],
            false,
        ),
        (
            vec!["-v2c", "-c", "masked", "{UDP}", "15", "IF-MIB::linkUp"],
            true,
        ),
        (
            vec![
                "-v2c",
                "-c",
                "masked",
                "{UDP}",
                "16",
                "SNMPv2-MIB::coldStart",
            ],
            true,
        ),
        (
            vec![
                "-v2c",
                "-c",
                "masked",
                "{UDP}",
                "16",
                "NET-SNMP-AGENT-MIB::nsNotifyStart",
            ],
            false,
        ),
        (
            vec![
                "-v2c",
                "-c",
                "nosuchview",
                "{UDP}",
                "17",
                "IF-MIB::linkDown",
            ],
            false,
        ),
        (
            vec!["-v2c", "-c", "lowercase", "{UDP}", "18", "IF-MIB::linkDown"],
            false,
        ),
    ];
    let mut t: Vec<&'static str> = v3trap.to_vec();
    t.extend([
        "{UDP}",
        "0",
        "IF-MIB::linkUp",
        "IF-MIB::ifIndex.3",
        "i",
        "3",
    ]);
    v.push((t, true));
    let mut i: Vec<&'static str> = vec!["inform"];
    i.extend(v3inform);
    i.extend(["{UDP}", "0", "SNMPv2-MIB::coldStart"]);
    v.push((i, true));
    // A wrong pass phrase: "Authentication failed for trapuser" in both logs.
    let mut bad: Vec<&'static str> = v3trap.to_vec();
    bad[10] = "wrongpass123";
    bad.extend(["{UDP}", "0", "IF-MIB::linkUp"]);
    v.push((bad, false));
    v
}

#[test]
fn snmp_trapd_logs_runs_and_forwards_as_snmptrapd_does() {
    for t in ["snmptrapd", "snmptrap", "snmpinform"] {
        assert!(
            tool_present(t),
            "{t} is needed (apt-get install snmp snmptrapd); the suite installs it with .ci/run"
        );
    }
    let ours_bin = env!("CARGO_BIN_EXE_snmp");
    // The forward targets: one real snmptrapd for each side, logging what arrives.
    let sink_theirs = Daemon::start(&["snmptrapd"], 9);
    let sink_ours = Daemon::start(&["snmptrapd"], 9);
    let theirs = Daemon::start(&["snmptrapd"], sink_theirs.port);
    let ours = Daemon::start(&[ours_bin, "trapd"], sink_ours.port);
    for (args, _) in notifications() {
        send(&theirs, &args);
        send(&ours, &args);
    }
    let expected_lines = |d: &Daemon| d.log().matches("Authentication failed").count() >= 1;
    settle(|| expected_lines(&theirs) && expected_lines(&ours));
    // Handlers run after logging: wait for the last one's output on both sides.
    let done = |d: &Daemon| d.read("default.out").matches("--END--").count() >= 3;
    settle(|| done(&theirs) && done(&ours));
    std::thread::sleep(Duration::from_millis(500));

    let log_t = normalise(&theirs.log(), &theirs);
    let log_o = normalise(&ours.log(), &ours);
    same(&log_o, &log_t, "the log files");
    // Every accepted notification was logged (12), the refused ones were not (8).
    let accepted = notifications().iter().filter(|(_, ok)| *ok).count();
    assert_eq!(
        log_t.matches("TIME localhost [").count(),
        accepted,
        "{log_t}"
    );
    assert!(
        log_t.contains("OID: SNMPv2-MIB::coldStart"),
        "v3 inform: {log_t}"
    );
    assert!(
        log_t.contains("Authentication failed for trapuser"),
        "{log_t}"
    );
    // Configuration problems, reported with file and line by both.
    assert!(log_t.contains("td.conf: line 15: Warning: Unknown token: bogusDirective."));
    assert!(log_t.contains("td.conf: line 24: Error: bad SUBTREE object id"));
    assert!(log_t.contains("td.conf: line 25: Error: TYPE must be included/excluded?"));

    for name in ["default.out", "linkdown.out", "formatted.out"] {
        let t = normalise(&theirs.read(name), &theirs);
        let o = normalise(&ours.read(name), &ours);
        assert!(!t.is_empty(), "snmptrapd ran no {name} handler");
        same(
            &o,
            &t,
            &format!("{name} (what the traphandle program read)"),
        );
    }

    // forward: what each sink received and logged.
    // Forwarded by both: the v1 enterprise-specific trap (default), the v2c linkUp over TCP
    // and the v2c warmStart inform (the snmpTraps subtree); not the log-only or v3 ones.
    let fwd = |d: &Daemon| normalise(&d.log(), d).matches("localhost [").count();
    settle(|| fwd(&sink_theirs) >= 3 && fwd(&sink_ours) >= 3);
    let ft = normalise(&sink_theirs.log(), &sink_theirs);
    let fo = normalise(&sink_ours.log(), &sink_ours);
    assert_eq!(fwd(&sink_theirs), 3, "snmptrapd forwarded: {ft}");
    assert_eq!(
        forwarded_lines(&fo),
        forwarded_lines(&ft),
        "the forwarded notifications differ"
    );
}

/// Ours equals theirs, or the first lines that differ are shown.
fn same(ours: &str, theirs: &str, what: &str) {
    if ours == theirs {
        return;
    }
    let (o, t): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let at = o
        .iter()
        .zip(&t)
        .position(|(a, b)| a != b)
        .unwrap_or(o.len().min(t.len()));
    panic!(
        "{what} differ from line {}:\n ours: {:?}\n theirs: {:?}\n\nours in full:\n{ours}\n\ntheirs in full:\n{theirs}",
        at + 1,
        o.get(at..(at + 3).min(o.len())),
        t.get(at..(at + 3).min(t.len())),
    );
}

/// The forwarded notifications' varbind lines, sorted (the two senders' ports and order of
/// arrival differ).
fn forwarded_lines(log: &str) -> Vec<String> {
    let mut v: Vec<String> = log
        .lines()
        .filter(|l| !l.contains("community probe"))
        .map(|l| l.replace("\t", " "))
        .collect();
    v.sort();
    v
}

/// Stops a child with SIGTERM (as a service manager does) and waits for it: `snmp trapd`
/// then ends the handlers it still runs.
struct TermOnDrop(Child);

impl Drop for TermOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_hanging_handler_and_bad_input_never_stall_the_receiver() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("persist/cert_indexes")).unwrap();
    std::fs::write(
        dir.path().join("td.conf"),
        "authCommunity log,execute public\n\
         createUser known SHA authpass123 AES privpass123\n\
         authUser log known\n\
         traphandle default /bin/sleep 1000\n",
    )
    .unwrap();
    let port = snmp_testkit::free_udp_port().unwrap();
    let metrics = snmp_testkit::free_tcp_port().unwrap();
    let log = dir.path().join("log.txt");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_snmp"));
    mib_env(&mut cmd, dir.path());
    let child = cmd
        .args(["trapd", "-f", "-C", "-Lf"])
        .arg(&log)
        .arg("-c")
        .arg(dir.path().join("td.conf"))
        .args(["--handler-timeout=1", "--handler-queue=2"])
        .arg(format!("--metrics-listen=127.0.0.1:{metrics}"))
        .arg(format!("udp:127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let _child = TermOnDrop(child);
    snmp_testkit::wait_listening(([127, 0, 0, 1], metrics).into(), Duration::from_secs(20))
        .unwrap();
    let target = format!("127.0.0.1:{port}");
    let trap = |args: &[&str]| {
        let mut cmd = Command::new("snmptrap");
        mib_env(&mut cmd, dir.path());
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
    };
    // Six traps for a handler that never ends: one runs, two wait, three are dropped; all six
    // are logged at once.
    for i in 0..6 {
        trap(&[
            "-v2c",
            "-c",
            "public",
            &target,
            &i.to_string(),
            "SNMPv2-MIB::coldStart",
        ]);
    }
    // Garbage, a truncated message, a v3 message for a user nobody created.
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.send_to(b"\x30\x03\x02\x01", &target).unwrap();
    sock.send_to(&[0xff; 300], &target).unwrap();
    trap(&[
        "-v3",
        "-u",
        "stranger",
        "-l",
        "authNoPriv",
        "-a",
        "SHA",
        "-A",
        "whatever123",
        "-e",
        "0x8000000001020304",
        &target,
        "0",
        "SNMPv2-MIB::coldStart",
    ]);
    let logged = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("localhost [")
            .count()
    };
    settle(|| logged() == 6);
    assert_eq!(logged(), 6, "every trap is logged while the handler hangs");
    settle(|| {
        metric(
            metrics,
            "snmp_trapd_handler_failures_total{reason=\"timeout\"}",
        ) >= 2
    });
    assert!(
        metric(
            metrics,
            "snmp_trapd_handler_failures_total{reason=\"timeout\"}"
        ) >= 2
    );
    assert_eq!(
        metric(
            metrics,
            "snmp_trapd_handler_dropped_total{reason=\"queue_full\"}"
        ),
        3
    );
    assert_eq!(
        metric(
            metrics,
            "snmp_trapd_notifications_dropped_total{reason=\"malformed\"}"
        ),
        2
    );
    assert_eq!(
        metric(
            metrics,
            "snmp_trapd_notifications_dropped_total{reason=\"unknown_user\"}"
        ),
        1
    );
    assert_eq!(
        metric(metrics, "snmp_trapd_notifications_accepted_total"),
        6
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("traphandle /bin/sleep 1000: still running after 1.0 s, killed"),
        "{text}"
    );

    // A flood of 20,000 engine-discovery probes (each asks for a Report) from a sender that
    // never reads its answers, and of 5,000 Report PDUs aimed at the receiver: every probe
    // is answered or its answer dropped and counted, no Report is taken for a notification,
    // and a trap sent after the flood is still logged.
    // noAuthNoPriv, reportable, empty engine ID and user: RFC 3414's discovery.
    let probe: &[u8] = &[
        0x30, 0x38, 0x02, 0x01, 0x03, 0x30, 0x0e, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xe3,
        0x04, 0x01, 0x04, 0x02, 0x01, 0x03, 0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x00,
        0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x30, 0x11, 0x04, 0x00, 0x04, 0x00,
        0xa0, 0x0b, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
    ];
    // A v2c Report PDU, community public.
    let report: &[u8] = &[
        0x30, 0x18, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa8, 0x0b,
        0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
    ];
    let flood = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..20_000 {
        let _ = flood.send_to(probe, &target);
        if i % 4 == 0 {
            let _ = flood.send_to(report, &target);
        }
    }
    let answered = || {
        metric(metrics, "snmp_trapd_reports_sent_total")
            + metric(metrics, "snmp_trapd_transmits_dropped_total")
    };
    let dropped = |reason: &str| {
        metric(
            metrics,
            &format!("snmp_trapd_notifications_dropped_total{{reason=\"{reason}\"}}"),
        )
    };
    // What the socket buffer held reaches the receiver; each probe is accounted for.
    settle(|| answered() + dropped("queue_full") > 0);
    std::thread::sleep(Duration::from_secs(1));
    assert!(answered() >= 1, "no probe was answered");
    assert!(answered() <= 20_000);
    // Reports are dropped and counted with the garbage (2 before the flood).
    assert!(dropped("malformed") > 2, "no Report was counted");
    assert_eq!(
        metric(metrics, "snmp_trapd_notifications_accepted_total"),
        6,
        "a Report is not a notification"
    );
    trap(&[
        "-v2c",
        "-c",
        "public",
        &target,
        "99",
        "SNMPv2-MIB::warmStart",
    ]);
    settle(|| logged() == 7);
    assert_eq!(logged(), 7, "the receiver works after the flood");
}

/// The script that runs a program with `/dev/log` pointing at a socket of the test's: in a
/// private mount namespace, a tmpfs on /dev with the usual device nodes bound in and `log`
/// a symbolic link to the socket. Arguments: the old /dev's mount point, the socket, the
/// program and its arguments.
const PRIVATE_DEV_LOG: &str = r#"set -e
old="$1"; sock="$2"; shift 2
mount --make-rprivate /
mount --rbind /dev "$old"
mount -t tmpfs none /dev
for n in null zero random urandom; do
  touch "/dev/$n"; mount --bind "$old/$n" "/dev/$n"
done
ln -s "$sock" /dev/log
exec "$@"
"#;

/// What a receiver sent to syslog (`-Ls d`) for one config and the same notifications: the
/// priority and the text, the time stamp and process ID left out.
fn syslog_of(program: &[&str]) -> Vec<String> {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().unwrap();
    let sock_path = dir.path().join("log.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    std::fs::create_dir_all(dir.path().join("olddev")).unwrap();
    std::fs::create_dir_all(dir.path().join("persist/cert_indexes")).unwrap();
    std::fs::write(
        dir.path().join("td.conf"),
        "authCommunity log public\nbogusDirective foo\n",
    )
    .unwrap();
    let port = snmp_testkit::free_udp_port().unwrap();
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false);
    let mut cmd = Command::new("unshare");
    // As root (CI) a mount namespace; otherwise a user namespace that maps us to root.
    cmd.arg(if root { "-m" } else { "-rm" })
        .args(["sh", "-c", PRIVATE_DEV_LOG, "sh"])
        .arg(dir.path().join("olddev"))
        .arg(&sock_path)
        .args(program);
    mib_env(&mut cmd, dir.path());
    cmd.args(["-f", "-C", "-Ls", "d", "-c"])
        .arg(dir.path().join("td.conf"))
        .arg(format!("udp:127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = TermOnDrop(cmd.spawn().unwrap());
    let mut got: Vec<String> = Vec::new();
    let mut buf = vec![0u8; 65536];
    let mut read = |got: &mut Vec<String>| {
        while let Ok(n) = sock.recv(&mut buf) {
            got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    };
    // Started when it says so on syslog.
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline && got.is_empty() {
        read(&mut got);
    }
    assert!(!got.is_empty(), "{program:?} logged nothing to /dev/log");
    let home = dir.path().join("sender");
    let send = |args: &[&str]| send_to(port, &home, args);
    // The side-by-side test's first two (a v2c trap, a v1 enterprise trap), then a refused one.
    for (args, _) in notifications().iter().take(2) {
        send(args);
    }
    send(&["-v2c", "-c", "wrong", "{UDP}", "1", "IF-MIB::linkUp"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && got.iter().filter(|m| m.contains("Trap")).count() < 2 {
        read(&mut got);
    }
    read(&mut got);
    drop(child);
    got.iter()
        .map(|m| normalise_syslog(m, port).replace(&dir.path().display().to_string(), "DIR"))
        .filter(|m| {
            !(m.contains("NET-SNMP version")
                || m.contains("snmp trapd (snmp-rs)")
                || m.contains("Stopping snmptrapd"))
        })
        .collect()
}

/// `<28>Dec  8 04:22:01 snmptrapd[123]: text` → `<28> text`, ports and times left out.
fn normalise_syslog(m: &str, port: u16) -> String {
    let (pri, rest) = m.split_at(m.find('>').map_or(0, |i| i + 1));
    let text = rest.split_once("]: ").map_or(rest, |(_, t)| t);
    let text = regex_lite(text).replace(&format!(":{port}"), ":PORT");
    format!("{pri} {}", text.trim_end())
}

/// `-Ls d`: the lines each writes to syslog, with their priorities, are snmptrapd's.
#[test]
fn syslog_gets_what_snmptrapd_sends_it() {
    for t in ["snmptrapd", "snmptrap", "unshare"] {
        assert!(tool_present(t), "{t} is needed (.ci/run installs it)");
    }
    let theirs = syslog_of(&["snmptrapd"]);
    let ours = syslog_of(&[env!("CARGO_BIN_EXE_snmp"), "trapd"]);
    assert!(
        theirs.iter().filter(|m| m.contains("Trap")).count() == 2,
        "{theirs:#?}"
    );
    same(&ours.join("\n"), &theirs.join("\n"), "the syslog messages");
}
