//! A UDP echo server with the fast server's batching and polling (`recvmmsg`/`sendmmsg`,
//! busy-polling), without SNMP: the floor the simulator's throughput is measured against.
//!
//! `taskset -c 0 target/release/examples/echo 16161 & taskset -c 1 target/release/examples/load 127.0.0.1:16161 5 get`
#![allow(clippy::unwrap_used, missing_docs)]

#[cfg(target_os = "linux")]
fn main() {
    use std::io::{IoSlice, IoSliceMut};
    use std::os::fd::AsRawFd;

    use nix::sys::socket::{recvmmsg, sendmmsg, MsgFlags, MultiHeaders, SockaddrStorage};
    const BATCH: usize = 32;
    let port = std::env::args().nth(1).unwrap_or_else(|| "16161".into());
    let secs: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let sock = std::net::UdpSocket::bind(format!("127.0.0.1:{port}")).unwrap();
    sock.set_nonblocking(true).unwrap();
    let mut rh = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut sh = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut bufs = vec![vec![0u8; 2048]; BATCH];
    let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < end {
        let got: Vec<(usize, Option<SockaddrStorage>)> = {
            let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
                bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
            match recvmmsg(
                sock.as_raw_fd(),
                &mut rh,
                iovs.iter_mut(),
                MsgFlags::MSG_DONTWAIT,
                None,
            ) {
                Ok(r) => r.map(|m| (m.bytes, m.address)).collect(),
                Err(_) => Vec::new(),
            }
        };
        if got.is_empty() {
            std::thread::yield_now();
            continue;
        }
        let iovs: Vec<[IoSlice<'_>; 1]> = got
            .iter()
            .zip(&bufs)
            .map(|(&(n, _), b)| [IoSlice::new(&b[..n])])
            .collect();
        let addrs: Vec<Option<SockaddrStorage>> = got.iter().map(|&(_, a)| a).collect();
        let _ = sendmmsg(
            sock.as_raw_fd(),
            &mut sh,
            iovs.iter(),
            &addrs,
            [],
            MsgFlags::empty(),
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {}
