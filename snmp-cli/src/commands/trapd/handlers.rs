//! The workers behind `traphandle` and `forward` lines: one task each, fed through a bounded
//! queue, so that the receiving loop never waits for a program or a destination. A full
//! queue drops (counted); a program still running after the time-out is killed (counted).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use snmp_tokio::codec::{CommunityMessage, GenericPdu, Pdu, TrapV1Pdu, Version};
use snmp_tokio::Notification;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::log::{Log, Severity};

/// What the handlers did (for the receiver's metrics and its exit summary).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// `traphandle` programs started.
    pub(crate) handler_runs: AtomicU64,
    /// ... that could not start or exited non-zero.
    pub(crate) handler_failures: AtomicU64,
    /// ... killed after the time-out.
    pub(crate) handler_timeouts: AtomicU64,
    /// Notifications not handed to a program: its queue was full.
    pub(crate) handler_dropped: AtomicU64,
    /// Notifications forwarded.
    pub(crate) forwarded: AtomicU64,
    /// Notifications not forwarded: the queue was full, the send failed, or SNMPv3.
    pub(crate) forward_dropped: AtomicU64,
    /// Notifications some access line allowed something for.
    pub(crate) accepted: AtomicU64,
    /// Notifications no access line allowed anything for.
    pub(crate) unauthorised: AtomicU64,
    /// v3 traps from another engine than their user's `createUser -e`.
    pub(crate) wrong_engine: AtomicU64,
    /// OTLP export requests that succeeded.
    pub(crate) otlp_sent: AtomicU64,
    /// OTLP export requests that failed (each retry counts).
    pub(crate) otlp_failed: AtomicU64,
    /// Log records exported.
    pub(crate) otlp_exported: AtomicU64,
    /// Log records dropped by the batcher (buffer full, or refused by the collector).
    pub(crate) otlp_dropped: AtomicU64,
    /// Log records dropped before the batcher: its queue was full.
    pub(crate) otlp_queue_dropped: AtomicU64,
}

pub(crate) fn add(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// A `traphandle` program's queue.
pub(crate) struct Exec {
    tx: mpsc::Sender<String>,
    stats: Arc<Stats>,
}

impl Exec {
    /// Starts the worker for `command` (run with `/bin/sh -c`).
    pub(crate) fn start(
        command: String,
        queue: usize,
        timeout: Duration,
        stats: Arc<Stats>,
        log: Arc<Mutex<Log>>,
    ) -> Exec {
        let (tx, rx) = mpsc::channel(queue);
        tokio::spawn(run_exec(command, rx, timeout, stats.clone(), log));
        Exec { tx, stats }
    }

    /// Hands the program its input, or drops it (counted) when its queue is full.
    pub(crate) fn send(&self, text: String) {
        if self.tx.try_send(text).is_err() {
            add(&self.stats.handler_dropped);
        }
    }
}

async fn run_exec(
    command: String,
    mut rx: mpsc::Receiver<String>,
    timeout: Duration,
    stats: Arc<Stats>,
    log: Arc<Mutex<Log>>,
) {
    let say = |text: String| {
        if let Ok(mut l) = log.lock() {
            l.message(Severity::Warning, &text);
        }
    };
    while let Some(text) = rx.recv().await {
        add(&stats.handler_runs);
        // Its own process group: a time-out (or our exit) ends the shell and whatever it
        // started.
        let child = tokio::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(&command)
            .stdin(std::process::Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                add(&stats.handler_failures);
                say(format!("traphandle: cannot run {command}: {e}\n"));
                continue;
            }
        };
        let mut group = KillGroup(child.id());
        let stdin = child.stdin.take();
        let done = tokio::time::timeout(timeout, async {
            if let Some(mut input) = stdin {
                // A program that does not read its input still runs to its end.
                let _ = input.write_all(text.as_bytes()).await;
                drop(input);
            }
            child.wait().await
        })
        .await;
        if done.is_ok() {
            // It ended: what it left running in the background is its own business.
            group.0 = None;
        }
        match done {
            Ok(Ok(status)) if status.success() => {}
            Ok(_) => add(&stats.handler_failures),
            Err(_) => {
                add(&stats.handler_timeouts);
                drop(group);
                let _ = child.kill().await;
                say(format!(
                    "traphandle {command}: still running after {:.1} s, killed\n",
                    timeout.as_secs_f64()
                ));
            }
        }
    }
}

/// Kills a handler's process group when dropped (time-out, or the receiver stopping while
/// it runs); a group already gone is no harm.
struct KillGroup(Option<u32>);

impl Drop for KillGroup {
    fn drop(&mut self) {
        if let Some(pid) = self.0.and_then(|p| i32::try_from(p).ok()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// A `forward` destination's queue.
pub(crate) struct Forward {
    tx: mpsc::Sender<Notification>,
    stats: Arc<Stats>,
}

impl Forward {
    /// Starts the worker that sends to `dest` over UDP.
    pub(crate) fn start(dest: SocketAddr, queue: usize, stats: Arc<Stats>) -> Forward {
        let (tx, rx) = mpsc::channel(queue);
        tokio::spawn(run_forward(dest, rx, stats.clone()));
        Forward { tx, stats }
    }

    /// Queues `n`, or drops it (counted) when the queue is full.
    pub(crate) fn send(&self, n: Notification) {
        if self.tx.try_send(n).is_err() {
            add(&self.stats.forward_dropped);
        }
    }
}

async fn run_forward(dest: SocketAddr, mut rx: mpsc::Receiver<Notification>, stats: Arc<Stats>) {
    let any: SocketAddr = if dest.is_ipv6() {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let Ok(socket) = tokio::net::UdpSocket::bind(any).await else {
        while rx.recv().await.is_some() {
            add(&stats.forward_dropped);
        }
        return;
    };
    while let Some(n) = rx.recv().await {
        match forwarded(&n) {
            Some(bytes) if socket.send_to(&bytes, dest).await.is_ok() => add(&stats.forwarded),
            _ => add(&stats.forward_dropped),
        }
    }
}

/// The notification as it is sent on: the same version, community and PDU (an inform goes
/// on as a trap: nobody is waiting for the destination's answer). SNMPv3 notifications are
/// not forwarded (their keys are the sender's; see the README).
pub(crate) fn forwarded(n: &Notification) -> Option<Vec<u8>> {
    if n.v3.is_some() {
        return None;
    }
    let community = n.community.clone().unwrap_or_default();
    let msg = match &n.v1 {
        Some(v1) => CommunityMessage::new(
            Version::V1,
            community,
            Pdu::TrapV1(TrapV1Pdu {
                enterprise: v1.enterprise.clone(),
                agent_addr: v1.agent_addr,
                generic_trap: v1.generic_trap,
                specific_trap: v1.specific_trap,
                time_stamp: n.uptime.unwrap_or(0),
                varbinds: n.varbinds.clone(),
            }),
        ),
        None => CommunityMessage::new(
            n.version,
            community,
            Pdu::SnmpV2Trap(GenericPdu::new(n.request_id, n.varbinds.clone())),
        ),
    };
    Some(msg.to_vec())
}
