//! An in-memory [`Runtime`] under simulated time: sockets on a seeded in-memory network (loss,
//! latency), simulated agents ([`snmp_sim::Agent`]) on it, timers on a clock that jumps to the
//! next event, and a small executor. The async driver runs on it exactly as on tokio or smol,
//! so it can be tested like the session: deterministic, instant, with injected faults.
//!
//! ```
//! use snmp_testkit::memory::MemoryRuntime;
//! let rt = MemoryRuntime::new(7);
//! let agent = rt.add_agent(
//!     "127.0.0.1:161".parse().unwrap(),
//!     snmp_testkit::FakeAgent::synthetic_device(4),
//! );
//! let r = rt.clone();
//! let value = rt.block_on(async move {
//!     let client = snmp_async::Client::new(r, Default::default()).unwrap();
//!     let m = client.add_target(snmp_async::TargetConfig::v2c(agent, "public")).await.unwrap();
//!     m.get("1.3.6.1.2.1.1.5.0").await
//! });
//! assert_eq!(value.unwrap(), snmp_async::Value::from("fake"));
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use snmp_async::{AsyncUdpSocket, Runtime};
use snmp_sim::Agent;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A datagram on the wire.
struct Packet {
    at: Duration,
    from: SocketAddr,
    to: SocketAddr,
    data: Vec<u8>,
}

#[derive(Default)]
struct Endpoint {
    inbox: VecDeque<(SocketAddr, Vec<u8>)>,
    waker: Option<Waker>,
}

/// What the network and the runtime saw, for a test to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams that reached an agent.
    pub agent_requests: u64,
    /// Datagrams lost on the way (both directions).
    pub lost: u64,
    /// Datagrams delivered twice.
    pub duplicated: u64,
    /// Timer futures the runtime made.
    pub timers_made: u64,
    /// Sizes of the batches sent with `poll_send_batch`.
    pub batches: Vec<usize>,
    /// Batches whose datagrams went to more than one address family (must stay 0).
    pub mixed_batches: u64,
}

struct Net {
    /// Simulated time since `base`.
    now: Duration,
    base: Instant,
    rng: u64,
    loss: f64,
    /// Share of datagrams delivered twice.
    duplicate: f64,
    /// Up to this much extra latency per datagram, drawn at random: datagrams overtake
    /// each other.
    jitter: Duration,
    latency: Duration,
    wire: BTreeMap<(Duration, u64), Packet>,
    seq: u64,
    endpoints: HashMap<SocketAddr, Endpoint>,
    agents: HashMap<SocketAddr, Agent>,
    timers: Vec<(Duration, Waker)>,
    next_port: u16,
    stats: Stats,
}

impl Net {
    fn chance(&mut self, p: f64) -> bool {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let r = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        p > 0.0 && r < p
    }

    fn put(&mut self, from: SocketAddr, to: SocketAddr, data: Vec<u8>) {
        if self.chance(self.loss) {
            self.stats.lost += 1;
            return;
        }
        if self.chance(self.duplicate) {
            self.stats.duplicated += 1;
            self.send_one(from, to, data.clone());
        }
        self.send_one(from, to, data);
    }

    fn send_one(&mut self, from: SocketAddr, to: SocketAddr, data: Vec<u8>) {
        self.seq += 1;
        let jitter = if self.jitter.is_zero() {
            Duration::ZERO
        } else {
            // A share of the jitter, in microseconds, from the same seeded generator.
            let steps = 64u32;
            let mut n = 0;
            while n < steps && self.chance(0.5) {
                n += 1;
            }
            self.jitter * n / steps
        };
        let at = self.now + self.latency + jitter;
        self.wire
            .insert((at, self.seq), Packet { at, from, to, data });
    }

    /// Delivers what is due; returns whether anything was.
    fn deliver_due(&mut self) -> bool {
        let mut any = false;
        while let Some(entry) = self.wire.first_entry() {
            if entry.get().at > self.now {
                break;
            }
            let p = entry.remove();
            any = true;
            if let Some(agent) = self.agents.get_mut(&p.to) {
                self.stats.agent_requests += 1;
                let now = snmp_usm::Instant::from_micros(self.now.as_micros() as u64);
                if let Some(answer) = agent.handle(now, &p.data) {
                    self.put(p.to, p.from, answer);
                }
            } else if let Some(ep) = self.endpoints.get_mut(&p.to) {
                ep.inbox.push_back((p.from, p.data));
                if let Some(w) = ep.waker.take() {
                    w.wake();
                }
            }
        }
        any
    }

    /// Wakes the timers that are due; returns whether any was.
    fn fire_due(&mut self) -> bool {
        let now = self.now;
        let before = self.timers.len();
        self.timers.retain(|(at, w)| {
            if *at <= now {
                w.wake_by_ref();
                false
            } else {
                true
            }
        });
        self.timers.len() != before
    }

    /// The next moment something happens.
    fn next_event(&self) -> Option<Duration> {
        let wire = self.wire.keys().next().map(|(at, _)| *at);
        let timer = self.timers.iter().map(|(at, _)| *at).min();
        match (wire, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

struct Shared {
    net: Mutex<Net>,
    /// Tasks spawned and not yet taken by the executor.
    spawned: Mutex<Vec<Task>>,
    /// Tasks the executor runs.
    tasks: Mutex<Vec<Task>>,
    woken: Arc<Flag>,
}

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The in-memory runtime (cheap to clone; clones share the network, clock and executor).
#[derive(Clone)]
pub struct MemoryRuntime {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for MemoryRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryRuntime")
            .field("now", &self.net().now)
            .finish_non_exhaustive()
    }
}

/// The most executor rounds [`MemoryRuntime::block_on`] runs before it calls it a livelock.
pub const MAX_ROUNDS: usize = 5_000_000;

impl MemoryRuntime {
    /// A runtime whose network decisions come from `seed`; no loss, 1 ms latency.
    pub fn new(seed: u64) -> Self {
        MemoryRuntime {
            shared: Arc::new(Shared {
                net: Mutex::new(Net {
                    now: Duration::ZERO,
                    base: Instant::now(),
                    rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                    loss: 0.0,
                    duplicate: 0.0,
                    jitter: Duration::ZERO,
                    latency: Duration::from_millis(1),
                    wire: BTreeMap::new(),
                    seq: 0,
                    endpoints: HashMap::new(),
                    agents: HashMap::new(),
                    timers: Vec::new(),
                    next_port: 40_000,
                    stats: Stats::default(),
                }),
                spawned: Mutex::new(Vec::new()),
                tasks: Mutex::new(Vec::new()),
                woken: Arc::new(Flag(AtomicBool::new(true))),
            }),
        }
    }

    fn net(&self) -> MutexGuard<'_, Net> {
        self.shared.net.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Loses this share of datagrams (each direction, independently).
    pub fn set_loss(&self, loss: f64) {
        self.net().loss = loss;
    }

    /// Delivers this share of datagrams twice.
    pub fn set_duplication(&self, share: f64) {
        self.net().duplicate = share;
    }

    /// Adds up to `jitter` of random latency to each datagram, so that datagrams overtake
    /// each other (reordering).
    pub fn set_jitter(&self, jitter: Duration) {
        self.net().jitter = jitter;
    }

    /// One-way latency of every datagram.
    pub fn set_latency(&self, latency: Duration) {
        self.net().latency = latency;
    }

    /// Puts a simulated agent at `addr` (which it returns).
    pub fn add_agent(&self, addr: SocketAddr, agent: Agent) -> SocketAddr {
        self.net().agents.insert(addr, agent);
        addr
    }

    /// Simulated time since the runtime was made.
    pub fn elapsed(&self) -> Duration {
        self.net().now
    }

    /// What the network and the runtime saw.
    pub fn stats(&self) -> Stats {
        self.net().stats.clone()
    }

    /// Spawned tasks still running (driver tasks end when their clients are gone).
    pub fn tasks_alive(&self) -> usize {
        let lock = |m: &Mutex<Vec<Task>>| m.lock().map(|v| v.len()).unwrap_or(0);
        lock(&self.shared.tasks) + lock(&self.shared.spawned)
    }

    /// A future that completes after `d` of simulated time.
    pub fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let at = self.now() + d;
        self.timer(at)
    }

    /// Runs `future` and every spawned task until `future` completes, moving the clock to
    /// the next event whenever nothing can progress. Panics when nothing is left to happen
    /// while `future` waits (a lost wake-up or a lost operation), or after [`MAX_ROUNDS`].
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let waker = Waker::from(self.shared.woken.clone());
        let mut cx = Context::from_waker(&waker);
        for _ in 0..MAX_ROUNDS {
            self.shared.woken.0.store(false, Ordering::SeqCst);
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            self.poll_tasks(&mut cx);
            let mut net = self.net();
            let progressed = net.deliver_due() | net.fire_due();
            if progressed || self.shared.woken.0.load(Ordering::SeqCst) {
                continue;
            }
            match net.next_event() {
                Some(at) => {
                    net.now = at.max(net.now);
                    net.deliver_due();
                    net.fire_due();
                }
                None => panic!("stalled: the future waits and nothing is left to happen"),
            }
        }
        panic!("livelock: {MAX_ROUNDS} rounds without finishing");
    }

    /// Runs the spawned tasks until nothing can progress without the clock moving on (and
    /// `limit` of simulated time at most).
    pub fn run_for(&self, limit: Duration) {
        let end = self.now() + limit;
        let timer = self.timer(end);
        self.block_on(timer);
    }

    fn poll_tasks(&self, cx: &mut Context<'_>) {
        let new: Vec<Task> = std::mem::take(
            &mut *self
                .shared
                .spawned
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        let mut tasks =
            std::mem::take(&mut *self.shared.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        tasks.extend(new);
        tasks.retain_mut(|t| t.as_mut().poll(cx).is_pending());
        let mut kept = self.shared.tasks.lock().unwrap_or_else(|e| e.into_inner());
        tasks.append(&mut kept);
        *kept = tasks;
    }
}

impl Runtime for MemoryRuntime {
    type Socket = MemorySocket;
    /// The in-memory network carries datagrams only.
    type Stream = snmp_async::NoStream;

    fn connect(&self, addr: SocketAddr) -> snmp_async::Connecting<snmp_async::NoStream> {
        snmp_async::no_connect(addr)
    }

    type Listener = snmp_async::NoListener;

    fn listen(&self, addr: SocketAddr) -> io::Result<snmp_async::NoListener> {
        snmp_async::no_listen(addr)
    }

    fn bind(&self, addr: SocketAddr) -> io::Result<MemorySocket> {
        let mut net = self.net();
        let ip = match addr.ip() {
            IpAddr::V4(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v) if v.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let port = if addr.port() == 0 {
            net.next_port += 1;
            net.next_port
        } else {
            addr.port()
        };
        let local = SocketAddr::new(ip, port);
        if net.endpoints.contains_key(&local) || net.agents.contains_key(&local) {
            return Err(io::Error::from(io::ErrorKind::AddrInUse));
        }
        net.endpoints.insert(local, Endpoint::default());
        Ok(MemorySocket {
            local,
            rt: self.clone(),
        })
    }

    fn timer(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut net = self.net();
        net.stats.timers_made += 1;
        let at = deadline.saturating_duration_since(net.base);
        Box::pin(MemoryTimer {
            at,
            rt: self.clone(),
        })
    }

    /// The in-memory network has addresses only: every name is unknown.
    fn resolve(&self, name: &str, _port: u16) -> snmp_async::Resolving {
        let e = io::Error::new(
            io::ErrorKind::NotFound,
            format!("{name}: no names in memory"),
        );
        Box::pin(std::future::ready(Err(e)))
    }

    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>) {
        if let Ok(mut s) = self.shared.spawned.lock() {
            s.push(future);
        }
        self.shared.woken.0.store(true, Ordering::SeqCst);
    }

    fn now(&self) -> Instant {
        let net = self.net();
        net.base + net.now
    }
}

struct MemoryTimer {
    at: Duration,
    rt: MemoryRuntime,
}

impl Future for MemoryTimer {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut net = self.rt.net();
        if net.now >= self.at {
            return Poll::Ready(());
        }
        net.timers.push((self.at, cx.waker().clone()));
        Poll::Pending
    }
}

/// A socket of a [`MemoryRuntime`].
pub struct MemorySocket {
    local: SocketAddr,
    rt: MemoryRuntime,
}

impl Drop for MemorySocket {
    fn drop(&mut self) {
        self.rt.net().endpoints.remove(&self.local);
    }
}

impl AsyncUdpSocket for MemorySocket {
    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let mut net = self.rt.net();
        let Some(ep) = net.endpoints.get_mut(&self.local) else {
            return Poll::Ready(Err(io::Error::from(io::ErrorKind::NotConnected)));
        };
        match ep.inbox.pop_front() {
            Some((from, data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                Poll::Ready(Ok((n, from)))
            }
            None => {
                ep.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    fn poll_send_to(
        &self,
        _cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.rt.net().put(self.local, target, buf.to_vec());
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_send_batch(&self, cx: &mut Context<'_>, batch: &[(SocketAddr, &[u8])]) -> Poll<usize> {
        {
            let mut net = self.rt.net();
            net.stats.batches.push(batch.len());
            let v4 = batch.iter().filter(|(a, _)| a.is_ipv4()).count();
            if v4 != 0 && v4 != batch.len() {
                net.stats.mixed_batches += 1;
            }
        }
        snmp_async::batch::send_each(self, cx, batch)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// The blocking client's [`snmp_blocking::Io`] on this runtime's network, under its
/// simulated clock: a wait for a datagram moves the clock to the next delivery (agents answer
/// as they are reached) or to the deadline. The blocking engine then runs the same
/// deterministic fault tests as the session and the async driver.
///
/// ```
/// use snmp_testkit::memory::MemoryRuntime;
/// let rt = MemoryRuntime::new(3);
/// let agent = rt.add_agent("127.0.0.1:161".parse().unwrap(), snmp_testkit::FakeAgent::synthetic_device(2));
/// let client = snmp_blocking::Client::with_io(Default::default(), Box::new(rt.blocking_io())).unwrap();
/// let m = client.add_target(snmp_blocking::TargetConfig::v2c(agent, "public")).unwrap();
/// assert_eq!(m.get("1.3.6.1.2.1.1.5.0").unwrap(), snmp_blocking::Value::from("fake"));
/// ```
pub struct MemoryIo {
    rt: MemoryRuntime,
    v4: Option<SocketAddr>,
    v6: Option<SocketAddr>,
}

impl std::fmt::Debug for MemoryIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryIo")
            .field("v4", &self.v4)
            .field("v6", &self.v6)
            .finish()
    }
}

impl MemoryRuntime {
    /// I/O for a blocking client on this network (see [`MemoryIo`]).
    pub fn blocking_io(&self) -> MemoryIo {
        MemoryIo {
            rt: self.clone(),
            v4: None,
            v6: None,
        }
    }
}

impl MemoryIo {
    fn local(&mut self, agent: SocketAddr) -> io::Result<SocketAddr> {
        let slot = if agent.is_ipv4() {
            &mut self.v4
        } else {
            &mut self.v6
        };
        if let Some(a) = slot {
            return Ok(*a);
        }
        let any = if agent.is_ipv4() {
            SocketAddr::from(([0, 0, 0, 0], 0))
        } else {
            SocketAddr::from(([0u16; 8], 0))
        };
        let socket = self.rt.bind(any)?;
        let local = socket.local;
        // The endpoint stays for the I/O's life (the socket's drop would remove it).
        std::mem::forget(socket);
        *slot = Some(local);
        Ok(local)
    }
}

impl Drop for MemoryIo {
    fn drop(&mut self) {
        let mut net = self.rt.net();
        for a in [self.v4, self.v6].into_iter().flatten() {
            net.endpoints.remove(&a);
        }
    }
}

impl snmp_blocking::Io for MemoryIo {
    fn prepare(&mut self, agent: SocketAddr) -> io::Result<()> {
        self.local(agent).map(|_| ())
    }

    fn send(&mut self, to: SocketAddr, data: &[u8]) -> io::Result<()> {
        let from = self.local(to)?;
        self.rt.net().put(from, to, data.to_vec());
        Ok(())
    }

    fn recv(
        &mut self,
        buf: &mut [u8],
        deadline: snmp_blocking::session::Instant,
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        let deadline = Duration::from_micros(deadline.as_micros());
        let mine: Vec<SocketAddr> = [self.v4, self.v6].into_iter().flatten().collect();
        let mut net = self.rt.net();
        // Bounded: every round delivers something or moves the clock forward.
        for _ in 0..MAX_ROUNDS {
            net.deliver_due();
            for a in &mine {
                if let Some((from, data)) =
                    net.endpoints.get_mut(a).and_then(|e| e.inbox.pop_front())
                {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    return Ok(Some((n, from)));
                }
            }
            match net.next_event() {
                Some(at) if at <= deadline => net.now = at.max(net.now),
                _ => {
                    net.now = deadline.max(net.now);
                    return Ok(None);
                }
            }
        }
        Err(io::Error::other("livelock on the in-memory network"))
    }

    fn now(&self) -> snmp_blocking::session::Instant {
        snmp_blocking::session::Instant::from_micros(self.rt.net().now.as_micros() as u64)
    }

    fn local_addr(&mut self, agent: SocketAddr) -> io::Result<SocketAddr> {
        self.local(agent)
    }
}

/// `127.0.0.1:port`, an agent's address on the in-memory network.
pub fn v4(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// `[::1]:port`, an agent's address on the in-memory network.
pub fn v6(port: u16) -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port))
}

/// A v2c target (community `public`) with this timeout per attempt and these retries.
pub fn v2c_target(addr: SocketAddr, timeout: Duration, retries: u32) -> snmp_async::TargetConfig {
    let mut t = snmp_async::TargetConfig::v2c(addr, "public");
    t.timeout = timeout;
    t.retries = retries;
    t
}
