//! The async trap receiver: a task owning a socket and the sans-IO
//! [`snmp_session::Receiver`].

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_channel::mpsc;
use futures_core::Stream;
use snmp_codec::{Bytes, SecurityLevel};
use snmp_session::{
    Dropped, Instant, Notification, Receiver, ReceiverConfig, ReceiverCounters, TrapFilter,
};
use snmp_usm::UsmUser;

use snmp_manager::{Error, ListenAddr};

use crate::runtime::{AsyncUdpSocket, Runtime};

enum RxCommand {
    AddUser(UsmUser, Option<SecurityLevel>),
    AddFilter(TrapFilter),
}

/// Receives traps and informs (v1, v2c, v3) on a UDP socket: a [`Stream`] of
/// [`Notification`]s. Informs are acknowledged, v3 inform senders are answered as their
/// authoritative engine, and at most `queue_limit` notifications wait for the application
/// (more are dropped and counted; unacknowledged informs are then resent by their senders).
///
/// Dropping it stops its task and closes the socket.
pub struct TrapReceiver {
    rx: mpsc::Receiver<Notification>,
    cmd: mpsc::UnboundedSender<RxCommand>,
    local_addr: SocketAddr,
    engine_id: Bytes,
    counters: Arc<Mutex<ReceiverCounters>>,
    drops: Drops,
}

/// The last drop records, shared between the task and the handle.
type Drops = Arc<Mutex<std::collections::VecDeque<Dropped>>>;

/// The most drop records kept for [`TrapReceiver::take_dropped`] (older ones are forgotten;
/// the counters count them all).
const DROPS_KEPT: usize = 256;

impl std::fmt::Debug for TrapReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrapReceiver")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl TrapReceiver {
    /// Binds `addr` on runtime `rt` and starts receiving.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Tokio, TrapReceiver};
    /// let rx = TrapReceiver::bind_on(Tokio, "127.0.0.1:0", Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_on<R: Runtime>(
        rt: R,
        addr: impl ListenAddr,
        config: ReceiverConfig,
    ) -> Result<TrapReceiver, Error> {
        let socket = rt.bind(addr.listen_addr()?)?;
        Self::start(rt, socket, config)
    }

    /// Listens on TCP `addr` on runtime `rt` (RFC 3430; `snmptrapd tcp:...`) and starts
    /// receiving: notifications from every connection, informs acknowledged on the
    /// connection they came on. At most 256 connections at once and notifications of at most
    /// 256 KiB; garbage or a peer that closes costs only its connection.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{StreamExt, Tokio, TrapReceiver};
    /// let mut rx = TrapReceiver::bind_tcp_on(Tokio, "127.0.0.1:1162", Default::default()).await?;
    /// while let Some(n) = rx.next().await {
    ///     println!("{} from {}", n.pdu_type_name(), n.source);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn bind_tcp_on<R: Runtime>(
        rt: R,
        addr: impl ListenAddr,
        config: ReceiverConfig,
    ) -> Result<TrapReceiver, Error> {
        let listener = rt.listen(addr.listen_addr()?)?;
        let socket = crate::tcp_rx::TcpRx::new(listener)?;
        Self::start(rt, socket, config)
    }

    /// Spawns the receiver's task on `socket`.
    fn start<R: Runtime, S: AsyncUdpSocket>(
        rt: R,
        socket: S,
        config: ReceiverConfig,
    ) -> Result<TrapReceiver, Error> {
        let local_addr = socket.local_addr()?;
        let seed = snmp_manager::seed()?;
        // A short channel: the receiver's own queue, bounded in count and bytes, holds what
        // a slow application has not taken yet.
        let channel = config.queue_limit.clamp(1, 16);
        let receiver = Receiver::new(config, seed);
        let engine_id = receiver.engine_id().clone();
        let (tx, rx) = mpsc::channel(channel);
        let (cmd, cmd_rx) = mpsc::unbounded();
        let counters = Arc::new(Mutex::new(ReceiverCounters::default()));
        let drops = Drops::default();
        let task = RxDriver {
            socket,
            receiver,
            tx,
            cmd: cmd_rx,
            origin: rt.now(),
            clock: {
                let rt = rt.clone();
                Box::new(move || rt.now())
            },
            buf: vec![0; 65536],
            out: vec![0; 65536],
            pending: None,
            counters: counters.clone(),
            drops: drops.clone(),
        };
        rt.spawn(Box::pin(task));
        Ok(TrapReceiver {
            rx,
            cmd,
            local_addr,
            engine_id,
            counters,
            drops,
        })
    }

    /// Binds `addr` on the runtime `R` (`TrapReceiver::bind::<Tokio>(..)`).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{StreamExt, Tokio, TrapReceiver};
    /// let mut rx = TrapReceiver::bind::<Tokio>("0.0.0.0:162", Default::default()).await?;
    /// while let Some(n) = rx.next().await {
    ///     println!("{} from {}", n.pdu_type_name(), n.source);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn bind<R: Runtime + Default>(
        addr: impl ListenAddr,
        config: ReceiverConfig,
    ) -> Result<TrapReceiver, Error> {
        Self::bind_on(R::default(), addr, config).await
    }

    /// The address it listens on (the port the system chose for `:0`).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Tokio, TrapReceiver};
    /// let rx = TrapReceiver::bind::<Tokio>("127.0.0.1:0", Default::default()).await?;
    /// println!("send traps to {}", rx.local_addr());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Our engine ID (what v3 inform senders must use).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let rx = snmp_tokio::TrapReceiver::bind::<snmp_tokio::Tokio>("0.0.0.0:1162", Default::default()).await?;
    /// // What v3 inform senders configure for this receiver (snmpinform -e ...).
    /// println!("{:02x?}", rx.engine_id().as_ref());
    /// # Ok(()) }
    /// ```
    pub fn engine_id(&self) -> &Bytes {
        &self.engine_id
    }

    /// Adds a v3 user. Notifications in its name are accepted only at the security level its
    /// keys allow (as `snmptrapd`'s `authUser`); see [`TrapReceiver::add_user_with_min_level`].
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AuthProtocol, PrivProtocol, StreamExt, Tokio, TrapReceiver, UsmUser};
    /// let mut rx = TrapReceiver::bind::<Tokio>("0.0.0.0:1162", Default::default()).await?;
    /// let user = UsmUser::new("traps")
    ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
    ///     .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-pass-phrase"))
    ///     .map_err(snmp_tokio::Error::Credentials)?;
    /// rx.add_user(user);
    /// while let Some(n) = rx.next().await {
    ///     println!("{} from {} user {:?}", n.pdu_type_name(), n.source, n.user_name());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn add_user(&self, user: UsmUser) {
        let _ = self.cmd.unbounded_send(RxCommand::AddUser(user, None));
    }

    /// Adds a v3 user whose notifications are accepted at `min_level` or above (lower than
    /// its keys allow only when you mean it).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{AuthProtocol, SecurityLevel, Tokio, TrapReceiver, UsmUser};
    /// let rx = TrapReceiver::bind::<Tokio>("0.0.0.0:1162", Default::default()).await?;
    /// let user = UsmUser::new("legacy")
    ///     .with_auth(AuthProtocol::Md5, b"auth-pass-phrase")
    ///     .map_err(snmp_tokio::Error::Credentials)?;
    /// // Also its unauthenticated notifications (lower than its keys allow: on purpose).
    /// rx.add_user_with_min_level(user, SecurityLevel::NoAuthNoPriv);
    /// # Ok(()) }
    /// ```
    pub fn add_user_with_min_level(&self, user: UsmUser, min_level: SecurityLevel) {
        let _ = self
            .cmd
            .unbounded_send(RxCommand::AddUser(user, Some(min_level)));
    }

    /// Adds a filter (a notification must pass every filter).
    ///
    /// ```no_run
    /// # async fn f(rx: snmp_tokio::TrapReceiver) {
    /// let mut only = snmp_tokio::TrapFilter::default();
    /// only.allowed_communities.push("public".into());
    /// rx.add_filter(only);
    /// # }
    /// ```
    pub fn add_filter(&self, filter: TrapFilter) {
        let _ = self.cmd.unbounded_send(RxCommand::AddFilter(filter));
    }

    /// The receiver's counters (received, acknowledged, dropped by reason).
    ///
    /// ```no_run
    /// # fn f(rx: &snmp_tokio::TrapReceiver) {
    /// let c = rx.counters();
    /// println!("dropped: {} malformed, {} by filters", c.dropped_malformed, c.dropped_filtered);
    /// # }
    /// ```
    pub fn counters(&self) -> ReceiverCounters {
        self.counters.lock().map(|c| *c).unwrap_or_default()
    }

    /// The datagrams dropped since the last call, oldest first, each with its source, its
    /// reason and the v3 user it named (the last 256 are kept; the counters count them all):
    /// what a receiver logs, as snmptrapd's "Authentication failed for USER".
    ///
    /// ```no_run
    /// # fn f(rx: &snmp_tokio::TrapReceiver) {
    /// for d in rx.take_dropped() {
    ///     eprintln!("dropped from {}: {}", d.from, d.reason);
    /// }
    /// # }
    /// ```
    pub fn take_dropped(&self) -> Vec<Dropped> {
        self.drops
            .lock()
            .map(|mut d| d.drain(..).collect())
            .unwrap_or_default()
    }
}

impl Stream for TrapReceiver {
    type Item = Notification;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Notification>> {
        Pin::new(&mut self.rx).poll_next(cx)
    }
}

struct RxDriver<S: AsyncUdpSocket> {
    socket: S,
    receiver: Receiver,
    tx: mpsc::Sender<Notification>,
    cmd: mpsc::UnboundedReceiver<RxCommand>,
    origin: std::time::Instant,
    /// The runtime's clock.
    clock: Box<dyn Fn() -> std::time::Instant + Send + Sync>,
    buf: Vec<u8>,
    out: Vec<u8>,
    pending: Option<(SocketAddr, usize)>,
    counters: Arc<Mutex<ReceiverCounters>>,
    drops: Drops,
}

impl<S: AsyncUdpSocket> Unpin for RxDriver<S> {}

impl<S: AsyncUdpSocket> Future for RxDriver<S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.tx.is_closed() {
            return Poll::Ready(());
        }
        while let Poll::Ready(Some(c)) = Pin::new(&mut this.cmd).poll_next(cx) {
            match c {
                RxCommand::AddUser(u, None) => this.receiver.add_user(u),
                RxCommand::AddUser(u, Some(l)) => this.receiver.add_user_with_min_level(u, l),
                RxCommand::AddFilter(f) => this.receiver.add_filter(f),
            }
        }
        for _ in 0..256 {
            // Send what is waiting.
            loop {
                if let Some((to, len)) = this.pending {
                    match this.socket.poll_send_to(cx, &this.out[..len], to) {
                        Poll::Pending => break,
                        Poll::Ready(_) => this.pending = None,
                    }
                }
                match this.receiver.poll_transmit(&mut this.out) {
                    Some(t) => this.pending = Some((t.destination, t.len)),
                    None => break,
                }
            }
            // Hand notifications over while the application keeps up; the receiver's own
            // queue (bounded) holds the rest.
            while let Poll::Ready(Ok(())) = this.tx.poll_ready(cx) {
                match this.receiver.poll_notification() {
                    Some(n) => {
                        if this.tx.start_send(n).is_err() {
                            return Poll::Ready(());
                        }
                    }
                    None => break,
                }
            }
            if let Ok(mut c) = this.counters.lock() {
                *c = this.receiver.counters();
            }
            match this.socket.poll_recv_from(cx, &mut this.buf) {
                Poll::Ready(Ok((n, from))) => {
                    let elapsed = (this.clock)().saturating_duration_since(this.origin);
                    let now = Instant::from_micros(elapsed.as_micros() as u64);
                    let data = this.buf.get(..n).unwrap_or(&[]);
                    this.receiver.handle_datagram(now, from, data);
                    // One event per drop, with its source and reason.
                    while let Some(d) = this.receiver.poll_dropped() {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(
                            target: "snmp",
                            from = %d.from,
                            reason = %d.reason,
                            "notification dropped"
                        );
                        if let Ok(mut kept) = this.drops.lock() {
                            if kept.len() >= DROPS_KEPT {
                                kept.pop_front();
                            }
                            kept.push_back(d);
                        }
                    }
                }
                Poll::Ready(Err(_)) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
