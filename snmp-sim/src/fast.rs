//! The fast server: every agent on one thread, no locks, no async runtime; datagrams are
//! received and sent in batches with `recvmmsg(2)` / `sendmmsg(2)` and sockets are watched
//! with epoll (Linux only).
//!
//! This is what `snmp sim` runs on Linux and what the benchmarks stand on: with 32 datagrams a
//! system call the kernel's per-call cost is shared, and one thread owning every [`Agent`]
//! needs no mutex on the hot path.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags};
use nix::sys::socket::{recvmmsg, sendmmsg, MsgFlags, MultiHeaders, SockaddrStorage};
use snmp_usm::Instant;
use std::io::{IoSlice, IoSliceMut};

use crate::{Agent, NetFaults, Shaper, SimConfig};

/// Datagrams per `recvmmsg`/`sendmmsg` call.
const BATCH: usize = 32;
/// Largest datagram read (requests larger than this are cut and so ignored as malformed).
const MAX_DATAGRAM: usize = 65_536;

/// Agents served by a thread of their own (see [`spawn`]); dropping it stops the thread.
#[derive(Debug)]
pub struct FastSim {
    /// Where each agent listens, in the order of the agents.
    pub addrs: Vec<SocketAddr>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<io::Result<Stats>>>,
}

/// What a fast server did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams received.
    pub received: u64,
    /// Datagrams sent.
    pub sent: u64,
    /// `recvmmsg` calls that returned datagrams.
    pub receive_calls: u64,
}

impl FastSim {
    /// Stops the server thread and returns its counters.
    pub fn stop(mut self) -> io::Result<Stats> {
        self.stop_thread()
    }

    fn stop_thread(&mut self) -> io::Result<Stats> {
        self.stop.store(true, Ordering::Relaxed);
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| io::Error::other("simulator thread panicked"))?,
            None => Ok(Stats::default()),
        }
    }
}

impl Drop for FastSim {
    fn drop(&mut self) {
        let _ = self.stop_thread();
    }
}

/// Binds `config.agents` agents made by `make` and serves them on a new thread.
///
/// ```
/// let sim = snmp_sim::fast::spawn(&snmp_sim::SimConfig::default(), || {
///     snmp_sim::Agent::synthetic_device(4)
/// })?;
/// assert_eq!(sim.addrs.len(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn spawn(config: &SimConfig, make: impl Fn() -> Agent) -> io::Result<FastSim> {
    let server = Server::bind(config, make)?;
    let addrs = server.addrs()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("snmp-sim".into())
        .spawn(move || server.run(&flag))?;
    Ok(FastSim {
        addrs,
        stop,
        thread: Some(thread),
    })
}

/// Binds the agents and serves them on the calling thread until `stop` is set (checked at
/// least every 50 ms). `ready` is called with the agents' addresses once they are bound.
pub fn run(
    config: &SimConfig,
    make: impl Fn() -> Agent,
    stop: &AtomicBool,
    ready: impl FnOnce(&[SocketAddr]),
) -> io::Result<Stats> {
    let server = Server::bind(config, make)?;
    ready(&server.addrs()?);
    server.run(stop)
}

struct Slot {
    socket: UdpSocket,
    /// Where answers leave from (another socket for `other_source_port`).
    reply: Option<UdpSocket>,
    agent: Agent,
    shaper: Shaper<SockaddrStorage>,
    /// When the agent is done with the requests it has (the `processing` model).
    busy_until: Duration,
}

struct Server {
    slots: Vec<Slot>,
    net: NetFaults,
    busy_poll: Duration,
    origin: std::time::Instant,
}

impl Server {
    fn bind(config: &SimConfig, make: impl Fn() -> Agent) -> io::Result<Server> {
        raise_fd_limit(config.agents.saturating_mul(2) + 64);
        let mut slots = Vec::with_capacity(config.agents);
        for i in 0..config.agents {
            let port = if config.port == 0 {
                0
            } else {
                config.port.wrapping_add(i as u16)
            };
            let socket = bind(SocketAddr::new(config.bind, port))?;
            let reply = if config.net.other_source_port {
                Some(bind(SocketAddr::new(config.bind, 0))?)
            } else {
                None
            };
            slots.push(Slot {
                socket,
                reply,
                agent: crate::configured_agent(config, &make, i),
                shaper: Shaper::new(config.net.clone(), i as u64),
                busy_until: Duration::ZERO,
            });
        }
        Ok(Server {
            slots,
            net: config.net.clone(),
            busy_poll: config.busy_poll,
            origin: std::time::Instant::now(),
        })
    }

    fn addrs(&self) -> io::Result<Vec<SocketAddr>> {
        self.slots.iter().map(|s| s.socket.local_addr()).collect()
    }

    fn run(mut self, stop: &AtomicBool) -> io::Result<Stats> {
        let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).map_err(io::Error::from)?;
        for (i, slot) in self.slots.iter().enumerate() {
            epoll
                .add(&slot.socket, EpollEvent::new(EpollFlags::EPOLLIN, i as u64))
                .map_err(io::Error::from)?;
        }
        let mut stats = Stats::default();
        let mut events = vec![EpollEvent::empty(); 256];
        let mut bufs = vec![vec![0u8; MAX_DATAGRAM]; BATCH];
        let mut received: Vec<(usize, Option<SockaddrStorage>)> = Vec::with_capacity(BATCH);
        let mut out: Vec<(Vec<u8>, SockaddrStorage)> = Vec::with_capacity(2 * BATCH + 1);
        let mut recv_headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        let mut send_headers = MultiHeaders::<SockaddrStorage>::preallocate(2 * BATCH + 1, None);
        // Answers waiting for their delay: (due, from socket, datagram, to), in due order.
        let mut delayed = std::collections::VecDeque::new();
        let mut last_traffic = Duration::ZERO;
        while !stop.load(Ordering::Relaxed) {
            let now = self.origin.elapsed();
            while delayed
                .front()
                .is_some_and(|(due, ..): &(Duration, usize, Vec<u8>, SockaddrStorage)| *due <= now)
            {
                if let Some((_, i, data, to)) = delayed.pop_front() {
                    let mut one = vec![(data, to)];
                    let slot = &self.slots[i];
                    stats.sent += send_all(
                        slot.reply.as_ref().unwrap_or(&slot.socket),
                        &mut send_headers,
                        &mut one,
                    );
                }
            }
            // Busy-poll while traffic flows (waking a sleeping thread costs more than the
            // datagram on a VM), sleep once nothing came for `busy_poll`.
            let wait_ms = if now.saturating_sub(last_traffic) < self.busy_poll {
                0
            } else {
                match delayed.front() {
                    Some((due, ..)) => due.saturating_sub(now).as_millis().clamp(1, 50) as u16,
                    None => 50,
                }
            };
            let n = match epoll.wait(&mut events, wait_ms) {
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            };
            if n == 0 && wait_ms == 0 {
                // Let a client on the same core run.
                std::thread::yield_now();
            }
            for ev in &events[..n] {
                let i = ev.data() as usize;
                let Some(slot) = self.slots.get_mut(i) else {
                    continue;
                };
                // One batch per ready socket per turn, so a busy agent cannot starve others.
                received.clear();
                {
                    let mut iovs: Vec<[IoSliceMut<'_>; 1]> = bufs
                        .iter_mut()
                        .map(|b| [IoSliceMut::new(b.as_mut_slice())])
                        .collect();
                    match recvmmsg(
                        slot.socket.as_raw_fd(),
                        &mut recv_headers,
                        iovs.iter_mut(),
                        MsgFlags::MSG_DONTWAIT,
                        None,
                    ) {
                        Ok(results) => {
                            received.extend(results.map(|r| (r.bytes, r.address)));
                        }
                        Err(Errno::EAGAIN | Errno::EINTR) => {}
                        // An ICMP error queued on the socket (a client went away): go on.
                        Err(_) => {}
                    }
                }
                if received.is_empty() {
                    continue;
                }
                last_traffic = now;
                stats.received += received.len() as u64;
                stats.receive_calls += 1;
                let now = Instant::from_micros(
                    self.origin.elapsed().as_micros().min(u64::MAX.into()) as u64,
                );
                let timed = !self.net.processing.is_zero();
                for (k, &(len, from)) in received.iter().enumerate() {
                    let (Some(from), Some(buf)) = (from, bufs.get(k)) else {
                        continue;
                    };
                    let Some(answer) = slot.agent.handle(now, &buf[..len.min(buf.len())]) else {
                        continue;
                    };
                    slot.shaper.shape(answer, from, &mut out);
                    if timed {
                        // One request at a time: this one is done `processing` after the agent
                        // is free, and its answer leaves `delay` after that.
                        let start = slot.busy_until.max(self.origin.elapsed());
                        slot.busy_until = start + self.net.processing;
                        let due = slot.busy_until + self.net.delay;
                        for (d, to) in out.drain(..) {
                            let at = delayed.partition_point(
                                |(t, ..): &(Duration, usize, Vec<u8>, SockaddrStorage)| *t <= due,
                            );
                            delayed.insert(at, (due, i, d, to));
                        }
                    }
                }
                if timed {
                    continue;
                }
                if self.net.delay.is_zero() {
                    stats.sent += send_all(
                        slot.reply.as_ref().unwrap_or(&slot.socket),
                        &mut send_headers,
                        &mut out,
                    );
                } else {
                    let due = self.origin.elapsed() + self.net.delay;
                    delayed.extend(out.drain(..).map(|(d, to)| (due, i, d, to)));
                }
            }
        }
        Ok(stats)
    }
}

/// Sends every datagram of `out` (emptying it) with as few `sendmmsg` calls as it takes;
/// returns how many were sent. A datagram the kernel refuses is dropped, as UDP may.
fn send_all(
    socket: &UdpSocket,
    headers: &mut MultiHeaders<SockaddrStorage>,
    out: &mut Vec<(Vec<u8>, SockaddrStorage)>,
) -> u64 {
    let mut sent = 0u64;
    let mut start = 0;
    while start < out.len() {
        let chunk = &out[start..];
        let iovs: Vec<[IoSlice<'_>; 1]> = chunk.iter().map(|(d, _)| [IoSlice::new(d)]).collect();
        let addrs: Vec<Option<SockaddrStorage>> = chunk.iter().map(|(_, a)| Some(*a)).collect();
        match sendmmsg(
            socket.as_raw_fd(),
            headers,
            iovs.iter(),
            &addrs,
            [],
            MsgFlags::empty(),
        ) {
            Ok(results) => {
                let n = results.count().max(1);
                sent += n as u64;
                start += n;
            }
            Err(Errno::EINTR) => {}
            // Skip the datagram the kernel refused (too big, no buffer space, ...).
            Err(_) => start += 1,
        }
    }
    out.clear();
    sent
}

fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = UdpSocket::bind(addr)?;
    socket.set_nonblocking(true)?;
    // Large buffers so a burst from a pipelined client is queued, not dropped.
    let s = socket2::SockRef::from(&socket);
    let _ = s.set_recv_buffer_size(4 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    Ok(socket)
}

/// Raises the soft limit on open files towards `want` (capped by the hard limit): many agents,
/// or a client of many agents, need a socket each.
pub fn raise_fd_limit(want: usize) {
    use nix::sys::resource::{getrlimit, rlim_t, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        // rlim_t is 32 bits on 32-bit targets.
        let want = rlim_t::try_from(want).unwrap_or(rlim_t::MAX).min(hard);
        if soft < want {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, want, hard);
        }
    }
}
