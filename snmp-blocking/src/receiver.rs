//! A blocking trap and inform receiver over the sans-IO `snmp_session::Receiver`.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use snmp_codec::Bytes;
use snmp_manager::{
    Error, Inbox, ListenAddr, Notification, ReceiverConfig, SecurityLevel, Transport, UsmUser,
};
use snmp_session::{Dropped, ReceiverCounters, TrapFilter};

/// Receives traps and informs (v1, v2c, v3) on a UDP socket or TCP connections, on the
/// calling thread: the manager core's [`Inbox`] decides, this only moves bytes. Informs are
/// acknowledged and v3 inform senders answered as their authoritative engine while
/// [`TrapReceiver::recv`] runs; at most the config's `queue_limit` notifications wait to be
/// taken (more are dropped and counted). The same API as the async faces' receiver.
///
/// ```no_run
/// # fn f() -> Result<(), snmp_blocking::Error> {
/// use snmp_blocking::TrapReceiver;
/// let mut rx = TrapReceiver::bind("0.0.0.0:162", Default::default())?;
/// for n in rx.incoming() {
///     let n = n?;
///     println!("{} from {} community {:?}", n.pdu_type_name(), n.source, n.community_str());
/// }
/// # Ok(()) }
/// ```
pub struct TrapReceiver {
    socket: Side,
    inbox: Inbox,
    local_addr: SocketAddr,
    buf: Vec<u8>,
    out: Vec<u8>,
    read_timeout: Option<Duration>,
}

/// Where notifications arrive: a UDP socket, or (on Unix) a TCP listener and its
/// connections.
enum Side {
    Udp(UdpSocket),
    #[cfg(unix)]
    Tcp(crate::tcp_rx::TcpSide),
}

impl std::fmt::Debug for TrapReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrapReceiver")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl TrapReceiver {
    /// Binds `addr` (`"0.0.0.0:162"`, `"[::]:1162"`, a `SocketAddr`; port 162 when none).
    ///
    /// ```no_run
    /// let rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:1162", Default::default())?;
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn bind(addr: impl ListenAddr, config: ReceiverConfig) -> Result<TrapReceiver, Error> {
        // The large receive buffer every socket of both faces has (a burst of traps is not
        // dropped by the kernel), blocking.
        let socket = snmp_manager::bind_udp(addr.listen_addr()?)?;
        socket.set_nonblocking(false)?;
        let local = socket.local_addr()?;
        Self::on(Side::Udp(socket), local, Transport::Udp, config)
    }

    /// Listens on TCP `addr` (RFC 3430; `snmptrapd tcp:...`): notifications from every
    /// connection, informs acknowledged on the connection they came on. At most 256
    /// connections at once and notifications of at most 256 KiB; garbage or a peer that
    /// closes costs only its connection. Unix only (it waits with `poll(2)`).
    ///
    /// ```no_run
    /// let mut rx = snmp_blocking::TrapReceiver::bind_tcp("127.0.0.1:1162", Default::default())?;
    /// let n = rx.recv()?;
    /// println!("{} from {}", n.pdu_type_name(), n.source);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    #[cfg(unix)]
    pub fn bind_tcp(addr: impl ListenAddr, config: ReceiverConfig) -> Result<TrapReceiver, Error> {
        let side = crate::tcp_rx::TcpSide::bind(addr.listen_addr()?)?;
        let local = side.local_addr()?;
        Self::on(Side::Tcp(side), local, Transport::Tcp, config)
    }

    fn on(
        socket: Side,
        local_addr: SocketAddr,
        transport: Transport,
        config: ReceiverConfig,
    ) -> Result<TrapReceiver, Error> {
        let seed = snmp_manager::seed()?;
        Ok(TrapReceiver {
            socket,
            inbox: Inbox::new(config, seed, transport, std::time::Instant::now()),
            local_addr,
            buf: vec![0; 65536],
            out: vec![0; 65536],
            read_timeout: None,
        })
    }

    /// The address it listens on (the port the system chose for `:0`).
    ///
    /// ```no_run
    /// let rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// println!("send traps to {}", rx.local_addr());
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// This receiver's engine ID (v3 inform senders discover it; v3 trap senders use their
    /// own).
    ///
    /// ```no_run
    /// let rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// println!("{:02x?}", rx.engine_id());
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn engine_id(&self) -> &Bytes {
        self.inbox.engine_id()
    }

    /// Accepts v3 notifications from `user`.
    ///
    /// ```no_run
    /// use snmp_blocking::{AuthProtocol, TrapReceiver, UsmUser};
    /// let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// let user = UsmUser::new("trapper").with_auth(AuthProtocol::Sha256, b"auth-pass-phrase").unwrap();
    /// rx.add_user(user);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn add_user(&mut self, user: UsmUser) {
        self.inbox.add_user(user);
    }

    /// Accepts v3 notifications from `user` at `min_level` or above only.
    ///
    /// ```no_run
    /// use snmp_blocking::{AuthProtocol, SecurityLevel, TrapReceiver, UsmUser};
    /// let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// let user = UsmUser::new("trapper").with_auth(AuthProtocol::Sha256, b"auth-pass-phrase").unwrap();
    /// rx.add_user_with_min_level(user, SecurityLevel::AuthNoPriv);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn add_user_with_min_level(&mut self, user: UsmUser, min_level: SecurityLevel) {
        self.inbox.add_user_with_min_level(user, min_level);
    }

    /// Adds a filter: a notification must pass every filter to be handed over.
    ///
    /// ```no_run
    /// use snmp_blocking::{TrapFilter, TrapReceiver};
    /// let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// let mut only_ours = TrapFilter::default();
    /// only_ours.allowed_communities.push("s3cret".into());
    /// rx.add_filter(only_ours);
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn add_filter(&mut self, filter: TrapFilter) {
        self.inbox.add_filter(filter);
    }

    /// The datagrams dropped since the last call, oldest first, each with its source, its
    /// reason and the v3 user it named (the last 256 are kept; the counters count them all):
    /// what a receiver logs, as snmptrapd's "Authentication failed for USER".
    ///
    /// ```no_run
    /// let mut rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:1162", Default::default())?;
    /// for d in rx.take_dropped() {
    ///     eprintln!("dropped a notification from {}: {}", d.from, d.reason);
    /// }
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn take_dropped(&mut self) -> Vec<Dropped> {
        self.inbox.take_dropped()
    }

    /// What was received, accepted and dropped (and why).
    ///
    /// ```no_run
    /// let rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:0", Default::default())?;
    /// println!("{:?}", rx.counters());
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn counters(&self) -> ReceiverCounters {
        self.inbox.counters()
    }

    /// The next notification, waiting as long as it takes.
    ///
    /// ```no_run
    /// let mut rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:1162", Default::default())?;
    /// let n = rx.recv()?;
    /// println!("{} varbinds", n.varbinds.len());
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn recv(&mut self) -> Result<Notification, Error> {
        loop {
            if let Some(n) = self.step(None)? {
                return Ok(n);
            }
        }
    }

    /// The next notification, or `None` if none came within `timeout`.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// let mut rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:1162", Default::default())?;
    /// match rx.recv_timeout(Duration::from_secs(5))? {
    ///     Some(n) => println!("{}", n.pdu_type_name()),
    ///     None => println!("nothing in 5 s"),
    /// }
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Option<Notification>, Error> {
        let end = std::time::Instant::now() + timeout;
        loop {
            let left = end.saturating_duration_since(std::time::Instant::now());
            if let Some(n) = self.step(Some(left))? {
                return Ok(Some(n));
            }
            if left.is_zero() {
                return Ok(None);
            }
        }
    }

    /// An iterator over notifications as they come (it never ends by itself; an `Err` item
    /// is a socket error).
    ///
    /// ```no_run
    /// let mut rx = snmp_blocking::TrapReceiver::bind("127.0.0.1:1162", Default::default())?;
    /// for n in rx.incoming().take(10) {
    ///     println!("{}", n?.pdu_type_name());
    /// }
    /// # Ok::<(), snmp_blocking::Error>(())
    /// ```
    pub fn incoming(&mut self) -> Incoming<'_> {
        Incoming { rx: self }
    }

    /// Sends what the inbox has to send over UDP (acknowledgements, Reports). A lost one is
    /// sent again when its sender retries.
    fn send_pending(&mut self) {
        let Side::Udp(s) = &self.socket else {
            return;
        };
        while let Some(t) = self.inbox.poll_transmit(&mut self.out) {
            let _ = s.send_to(self.out.get(..t.len).unwrap_or(&[]), t.destination);
        }
    }

    /// Sends what the inbox has to send, hands over a notification if one waits, else
    /// waits for input (at most `wait`) and hands it to the inbox.
    fn step(&mut self, wait: Option<Duration>) -> Result<Option<Notification>, Error> {
        self.send_pending();
        if let Some(n) = self.inbox.poll_notification() {
            return Ok(Some(n));
        }
        let wait = wait.map(|w| w.max(Duration::from_millis(1)));
        let socket = match &mut self.socket {
            Side::Udp(s) => s,
            #[cfg(unix)]
            Side::Tcp(side) => {
                side.pass(&mut self.inbox, wait)?;
                return Ok(self.inbox.poll_notification());
            }
        };
        if self.read_timeout != wait {
            socket.set_read_timeout(wait)?;
            self.read_timeout = wait;
        }
        match socket.recv_from(&mut self.buf) {
            Ok((n, from)) => {
                let data = self.buf.get(..n).unwrap_or(&[]);
                self.inbox
                    .handle_datagram(std::time::Instant::now(), from, data);
                // Acknowledge an inform at once.
                self.send_pending();
                Ok(self.inbox.poll_notification())
            }
            Err(e) => match e.kind() {
                std::io::ErrorKind::WouldBlock
                | std::io::ErrorKind::TimedOut
                | std::io::ErrorKind::Interrupted
                | std::io::ErrorKind::ConnectionRefused
                | std::io::ErrorKind::ConnectionReset => Ok(None),
                _ => Err(e.into()),
            },
        }
    }
}

/// Notifications as they come, from [`TrapReceiver::incoming`].
#[derive(Debug)]
pub struct Incoming<'a> {
    rx: &'a mut TrapReceiver,
}

impl Iterator for Incoming<'_> {
    type Item = Result<Notification, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.rx.recv())
    }
}
