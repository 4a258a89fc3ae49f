//! A pipelined load against one agent, to measure the simulator: keeps WINDOW requests in flight
//! over one socket for SECONDS, sending and receiving in batches (`sendmmsg`/`recvmmsg`), and
//! prints requests and varbinds per second. MODE is `get` (one varbind, sysName.0) or `bulk`
//! (GETBULK, max-repetitions 25, from the start of the interface table; every answer is decoded
//! and its varbinds counted).
//!
//! `taskset -c 0 target/release/snmp sim --port 16161 --interfaces 1000 &`
//! `taskset -c 1 target/release/examples/load 127.0.0.1:16161 5 get`
#![allow(clippy::unwrap_used, missing_docs)]

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the load generator uses recvmmsg/sendmmsg and runs on Linux only");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{IoSlice, IoSliceMut};
    use std::net::UdpSocket;
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant};

    use nix::sys::socket::{recvmmsg, sendmmsg, MsgFlags, MultiHeaders, SockaddrStorage};
    use snmp_codec::{CommunityMessage, Message, Oid, Pdu, Version};

    const BATCH: usize = 64;

    pub(super) fn main() {
        let mut args = std::env::args().skip(1);
        let target = args.next().unwrap_or_else(|| "127.0.0.1:16161".into());
        let secs: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
        let bulk = args.next().is_some_and(|m| m == "bulk");
        let window: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(256);
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.connect(&target).unwrap();
        let s2 = socket2::SockRef::from(&sock);
        s2.set_recv_buffer_size(8 << 20).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let msgs: Vec<Vec<u8>> = (0..1024)
            .map(|i| {
                let pdu = if bulk {
                    let start: Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
                    Pdu::get_bulk_request(1000 + i, 0, 25, [start])
                } else {
                    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
                    Pdu::get_request(1000 + i, [oid])
                };
                CommunityMessage::new(Version::V2c, "public", pdu).to_vec()
            })
            .collect();
        let mut send_headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        let mut recv_headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        let mut bufs = vec![vec![0u8; 4096]; BATCH];
        let mut next = 0usize;
        let mut send = |n: usize, next: &mut usize| {
            let mut left = n;
            while left > 0 {
                let k = left.min(BATCH);
                let iovs: Vec<[IoSlice<'_>; 1]> = (0..k)
                    .map(|j| [IoSlice::new(&msgs[(*next + j) % msgs.len()])])
                    .collect();
                let addrs: Vec<Option<SockaddrStorage>> = vec![None; k];
                let sent = sendmmsg(
                    sock.as_raw_fd(),
                    &mut send_headers,
                    iovs.iter(),
                    &addrs,
                    [],
                    MsgFlags::empty(),
                )
                .map(|r| r.count())
                .unwrap_or(0);
                *next += sent;
                left -= sent.min(left);
                if sent == 0 {
                    break;
                }
            }
        };
        send(window, &mut next);
        let start = Instant::now();
        let (mut answers, mut varbinds, mut calls) = (0u64, 0u64, 0u64);
        let mut idle_since = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            let lens: Vec<usize> = {
                let mut iovs: Vec<[IoSliceMut<'_>; 1]> = bufs
                    .iter_mut()
                    .map(|b| [IoSliceMut::new(b.as_mut_slice())])
                    .collect();
                match recvmmsg(
                    sock.as_raw_fd(),
                    &mut recv_headers,
                    iovs.iter_mut(),
                    MsgFlags::MSG_DONTWAIT,
                    None,
                ) {
                    Ok(r) => r.map(|m| m.bytes).collect(),
                    Err(_) => Vec::new(),
                }
            };
            if lens.is_empty() {
                // Busy-poll (waking a sleeping thread costs more than a datagram on a VM);
                // after 200 ms without an answer they were lost: refill the window.
                if idle_since.elapsed() > Duration::from_millis(200) {
                    send(window, &mut next);
                    idle_since = Instant::now();
                }
                // Let an agent on the same core run.
                std::thread::yield_now();
                continue;
            }
            idle_since = Instant::now();
            calls += 1;
            answers += lens.len() as u64;
            if bulk {
                for (b, &n) in bufs.iter().zip(&lens) {
                    if let Ok(Message::Community(m)) = Message::decode(&b[..n]) {
                        varbinds += m.pdu.varbinds().len() as u64;
                    }
                }
            } else {
                varbinds += lens.len() as u64;
            }
            send(lens.len(), &mut next);
        }
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "{answers} answers in {elapsed:.2} s = {:.0} requests/s, {:.0} varbinds/s ({:.1} answers per recvmmsg)",
            answers as f64 / elapsed,
            varbinds as f64 / elapsed,
            answers as f64 / calls.max(1) as f64
        );
    }
}
