//! The async trap receiver: a [`Stream`] of notifications over the manager core's sans-IO
//! [`Inbox`]. Polling it moves bytes between the socket (or the TCP listener and its
//! connections) and the inbox; the inbox decides everything else. No task, no channel: the
//! same shape and API as the blocking face's receiver.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use snmp_codec::{Bytes, SecurityLevel};
use snmp_manager::{Error, Inbox, ListenAddr, Transport};
use snmp_session::{Dropped, Notification, ReceiverConfig, ReceiverCounters, TrapFilter};
use snmp_usm::UsmUser;

use crate::runtime::{AsyncUdpSocket, Runtime};
use crate::tcp_rx::TcpIo;

/// Receives traps and informs (v1, v2c, v3) on a UDP socket or TCP connections: a [`Stream`]
/// of [`Notification`]s (or [`TrapReceiver::recv`]). Informs are acknowledged and v3 inform
/// senders answered as their authoritative engine while it is polled; at most the config's
/// `queue_limit` notifications wait to be taken (more are dropped and counted;
/// unacknowledged informs are then resent by their senders). A face names it for its runtime
/// (`snmp_tokio::TrapReceiver`); dropping it closes the socket.
pub struct TrapReceiver<R: Runtime> {
    rt: R,
    io: Io<R>,
    inbox: Inbox,
    local_addr: SocketAddr,
    buf: Vec<u8>,
    out: Vec<u8>,
    /// A UDP datagram the socket did not take yet: its destination and length in `out`.
    pending: Option<(SocketAddr, usize)>,
}

/// Where notifications arrive.
enum Io<R: Runtime> {
    Udp(R::Socket),
    Tcp(TcpIo<R::Listener>),
}

// Nothing of it is pinned: the socket and streams are polled through `&`/`&mut`.
impl<R: Runtime> Unpin for TrapReceiver<R> {}

impl<R: Runtime> std::fmt::Debug for TrapReceiver<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrapReceiver")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime + Default> TrapReceiver<R> {
    /// Binds UDP `addr` (`"0.0.0.0:162"`, `"[::]:1162"`, a `SocketAddr`; port 162 when
    /// none) on the runtime's `Default`.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let mut rx = TrapReceiver::bind("0.0.0.0:162", Default::default()).await?;
    /// while let Some(n) = rx.next().await {
    ///     println!("{} from {}", n.pdu_type_name(), n.source);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn bind(addr: impl ListenAddr, config: ReceiverConfig) -> Result<Self, Error> {
        Self::bind_on(R::default(), addr, config).await
    }

    /// Listens on TCP `addr` (RFC 3430; `snmptrapd tcp:...`): notifications from every
    /// connection, informs acknowledged on the connection they came on. At most 256
    /// connections at once and notifications of at most 256 KiB; garbage or a peer that
    /// closes costs only its connection.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let mut rx = TrapReceiver::bind_tcp("127.0.0.1:1162", Default::default()).await?;
    /// let n = rx.recv().await?;
    /// println!("{} from {}", n.pdu_type_name(), n.source);
    /// # Ok(()) }
    /// ```
    pub async fn bind_tcp(addr: impl ListenAddr, config: ReceiverConfig) -> Result<Self, Error> {
        Self::bind_tcp_on(R::default(), addr, config).await
    }
}

impl<R: Runtime> TrapReceiver<R> {
    /// [`TrapReceiver::bind`] on the runtime value `rt`.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let rx = TrapReceiver::bind_on(Tokio, "127.0.0.1:0", Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_on(
        rt: R,
        addr: impl ListenAddr,
        config: ReceiverConfig,
    ) -> Result<Self, Error> {
        let socket = rt.bind(addr.listen_addr()?)?;
        let local = socket.local_addr()?;
        Self::on(rt, Io::Udp(socket), local, Transport::Udp, config)
    }

    /// [`TrapReceiver::bind_tcp`] on the runtime value `rt`.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let rx = TrapReceiver::bind_tcp_on(Tokio, "127.0.0.1:0", Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_tcp_on(
        rt: R,
        addr: impl ListenAddr,
        config: ReceiverConfig,
    ) -> Result<Self, Error> {
        let listener = rt.listen(addr.listen_addr()?)?;
        let tcp = TcpIo::new(listener);
        let local = tcp.local_addr()?;
        Self::on(rt, Io::Tcp(tcp), local, Transport::Tcp, config)
    }

    fn on(
        rt: R,
        io: Io<R>,
        local_addr: SocketAddr,
        transport: Transport,
        config: ReceiverConfig,
    ) -> Result<Self, Error> {
        let seed = snmp_manager::seed()?;
        let inbox = Inbox::new(config, seed, transport, rt.now());
        Ok(TrapReceiver {
            rt,
            io,
            inbox,
            local_addr,
            buf: vec![0; 65536],
            out: vec![0; 65536],
            pending: None,
        })
    }

    /// The address it listens on (the port the system chose for `:0`).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let rx = TrapReceiver::bind("127.0.0.1:0", Default::default()).await?;
    /// println!("send traps to {}", rx.local_addr());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// This receiver's engine ID (what v3 inform senders use; v3 trap senders use their
    /// own).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let rx = TrapReceiver::bind("0.0.0.0:1162", Default::default()).await?;
    /// // What v3 inform senders configure for this receiver (snmpinform -e ...).
    /// println!("{:02x?}", rx.engine_id().as_ref());
    /// # Ok(()) }
    /// ```
    pub fn engine_id(&self) -> &Bytes {
        self.inbox.engine_id()
    }

    /// Accepts v3 notifications from `user`, at the security level its keys allow (as
    /// `snmptrapd`'s `authUser`); see [`TrapReceiver::add_user_with_min_level`].
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let mut rx = TrapReceiver::bind("0.0.0.0:1162", Default::default()).await?;
    /// let user = UsmUser::new("traps")
    ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
    ///     .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-pass-phrase"))
    ///     .map_err(Error::Credentials)?;
    /// rx.add_user(user);
    /// # Ok(()) }
    /// ```
    pub fn add_user(&mut self, user: UsmUser) {
        self.inbox.add_user(user);
    }

    /// Accepts v3 notifications from `user` at `min_level` or above (lower than its keys
    /// allow only when you mean it).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f() -> Result<(), Error> {
    /// let mut rx = TrapReceiver::bind("0.0.0.0:1162", Default::default()).await?;
    /// let user = UsmUser::new("legacy")
    ///     .with_auth(AuthProtocol::Md5, b"auth-pass-phrase")
    ///     .map_err(Error::Credentials)?;
    /// rx.add_user_with_min_level(user, SecurityLevel::NoAuthNoPriv);
    /// # Ok(()) }
    /// ```
    pub fn add_user_with_min_level(&mut self, user: UsmUser, min_level: SecurityLevel) {
        self.inbox.add_user_with_min_level(user, min_level);
    }

    /// Adds a filter: a notification must pass every filter to be handed over.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(mut rx: TrapReceiver) {
    /// let mut only = TrapFilter::default();
    /// only.allowed_communities.push("public".into());
    /// rx.add_filter(only);
    /// # }
    /// ```
    pub fn add_filter(&mut self, filter: TrapFilter) {
        self.inbox.add_filter(filter);
    }

    /// What was received, accepted and dropped (and why).
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(rx: &TrapReceiver) {
    /// let c = rx.counters();
    /// println!("dropped: {} malformed, {} by filters", c.dropped_malformed, c.dropped_filtered);
    /// # }
    /// ```
    pub fn counters(&self) -> ReceiverCounters {
        self.inbox.counters()
    }

    /// The datagrams dropped since the last call, oldest first, each with its source, its
    /// reason and the v3 user it named (the last 256 are kept; the counters count them all):
    /// what a receiver logs, as snmptrapd's "Authentication failed for USER".
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # fn f(rx: &mut TrapReceiver) {
    /// for d in rx.take_dropped() {
    ///     eprintln!("dropped from {}: {}", d.from, d.reason);
    /// }
    /// # }
    /// ```
    pub fn take_dropped(&mut self) -> Vec<Dropped> {
        self.inbox.take_dropped()
    }

    /// The next notification, waiting as long as it takes.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(mut rx: TrapReceiver) -> Result<(), Error> {
    /// let n = rx.recv().await?;
    /// println!("{} varbinds", n.varbinds.len());
    /// # Ok(()) }
    /// ```
    pub async fn recv(&mut self) -> Result<Notification, Error> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next notification, or `None` if none came within `timeout`.
    ///
    /// ```no_run
    /// # use snmp_tokio::*;
    /// # async fn f(mut rx: TrapReceiver) -> Result<(), Error> {
    /// match rx.recv_timeout(std::time::Duration::from_secs(5)).await? {
    ///     Some(n) => println!("{}", n.pdu_type_name()),
    ///     None => println!("nothing in 5 s"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn recv_timeout(&mut self, timeout: Duration) -> Result<Option<Notification>, Error> {
        let mut timer = self.rt.timer(self.rt.now() + timeout);
        std::future::poll_fn(|cx| {
            if let Poll::Ready(r) = self.poll_recv(cx) {
                return Poll::Ready(r.map(Some));
            }
            timer.as_mut().poll(cx).map(|()| Ok(None))
        })
        .await
    }

    /// Sends what the inbox has to send over UDP (acknowledgements, Reports); `false` while
    /// the socket does not take it.
    fn poll_flush(&mut self, cx: &mut Context<'_>) {
        let Io::Udp(socket) = &self.io else {
            return;
        };
        loop {
            if let Some((to, len)) = self.pending {
                match socket.poll_send_to(cx, self.out.get(..len).unwrap_or(&[]), to) {
                    Poll::Pending => return,
                    // A lost one is sent again when its sender retries.
                    Poll::Ready(_) => self.pending = None,
                }
            }
            match self.inbox.poll_transmit(&mut self.out) {
                Some(t) => self.pending = Some((t.destination, t.len)),
                None => return,
            }
        }
    }

    /// The next notification: hands the inbox what the I/O has now (at most 256 datagrams,
    /// or 16 passes over the TCP connections, before yielding to the runtime), sends what
    /// the inbox answers, and returns the first notification accepted. A burst thus moves
    /// from the kernel's buffer into the inbox's bounded queue, where what does not fit is
    /// dropped and counted.
    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Notification, Error>> {
        self.poll_flush(cx);
        if let Some(n) = self.inbox.poll_notification() {
            return Poll::Ready(Ok(n));
        }
        let now = self.rt.now();
        let mut more = true;
        match &mut self.io {
            Io::Udp(socket) => {
                for _ in 0..256 {
                    match socket.poll_recv_from(cx, &mut self.buf) {
                        Poll::Ready(Ok((n, from))) => {
                            let data = self.buf.get(..n).unwrap_or(&[]);
                            self.inbox.handle_datagram(now, from, data);
                        }
                        // An ICMP report or a transient error: the socket stays.
                        Poll::Ready(Err(_)) => {}
                        Poll::Pending => {
                            more = false;
                            break;
                        }
                    }
                }
            }
            Io::Tcp(tcp) => {
                more = (0..16).all(|_| tcp.poll_io(cx, &mut self.inbox, now));
            }
        }
        self.poll_flush(cx);
        if let Some(n) = self.inbox.poll_notification() {
            return Poll::Ready(Ok(n));
        }
        if more {
            // Input is left and nothing was accepted: come back after others ran.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl<R: Runtime> Stream for TrapReceiver<R> {
    type Item = Notification;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Notification>> {
        self.poll_recv(cx).map(Result::ok)
    }
}
