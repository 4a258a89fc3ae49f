//! Addresses: host text to a socket address, where a receiver listens, and the one way both
//! faces bind a UDP socket.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::error::Error;
use snmp_session::Transport;

/// An address literal (`10.0.0.1`, `10.0.0.1:161`, `[::1]:161`, `::1`), with `port` as the
/// default port; `None` for a name (which [`resolve`] looks up).
///
/// ```
/// assert_eq!(snmp_manager::literal("[::1]", 161), Some("[::1]:161".parse().unwrap()));
/// assert_eq!(snmp_manager::literal("10.0.0.1:1161", 161), Some("10.0.0.1:1161".parse().unwrap()));
/// assert_eq!(snmp_manager::literal("router.example", 161), None);
/// ```
pub fn literal(host: &str, port: u16) -> Option<SocketAddr> {
    if let Ok(addr) = host.parse::<SocketAddr>() {
        return Some(addr);
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port))
}

/// Splits a transport prefix off target text as Net-SNMP's tools take it (`udp:`, `udp6:`,
/// `udpv6:`, `udpipv6:`, `tcp:`, `tcp6:`, `tcpv6:`, `tcpipv6:`, any case) and as snmp_exporter takes it (`udp://`, `tcp://`): the
/// transport and the rest (a host, an address, with or without a port). No prefix is UDP.
///
/// ```
/// use snmp_manager::{split_transport, Transport};
/// assert_eq!(split_transport("tcp:127.0.0.1:1161"), (Transport::Tcp, "127.0.0.1:1161"));
/// assert_eq!(split_transport("TCP6:[::1]:161"), (Transport::Tcp, "[::1]:161"));
/// assert_eq!(split_transport("tcp://router:161"), (Transport::Tcp, "router:161"));
/// assert_eq!(split_transport("udp:10.0.0.1"), (Transport::Udp, "10.0.0.1"));
/// assert_eq!(split_transport("10.0.0.1:161"), (Transport::Udp, "10.0.0.1:161"));
/// ```
pub fn split_transport(text: &str) -> (Transport, &str) {
    for (prefix, transport) in [
        ("tcp://", Transport::Tcp),
        ("udp://", Transport::Udp),
        ("tcpipv6:", Transport::Tcp),
        ("udpipv6:", Transport::Udp),
        ("tcpv6:", Transport::Tcp),
        ("udpv6:", Transport::Udp),
        ("tcp6:", Transport::Tcp),
        ("udp6:", Transport::Udp),
        ("tcp:", Transport::Tcp),
        ("udp:", Transport::Udp),
    ] {
        let n = prefix.len();
        if text.len() >= n && text.is_char_boundary(n) && text[..n].eq_ignore_ascii_case(prefix) {
            return (transport, &text[n..]);
        }
    }
    (Transport::Udp, text)
}

/// What an I/O error on a stream target's connection means to the session (the one mapping
/// both faces use): refused, a connect that timed out or failed, or a connection closed.
pub fn connection_error(e: &io::Error, connecting: bool) -> snmp_session::ConnectionError {
    use io::ErrorKind as K;
    use snmp_session::ConnectionError as C;
    match e.kind() {
        K::ConnectionRefused => C::Refused,
        K::TimedOut | K::WouldBlock if connecting => C::ConnectTimeout,
        _ if connecting => C::Failed,
        _ => C::Closed,
    }
}

/// A host as a manager is given it, as data: an address, or a name and its port, which the
/// face looks up (the async faces through their runtime, never blocking its threads; the
/// blocking face on the caller's thread). The core itself never looks a name up.
///
/// ```
/// use snmp_manager::Host;
/// assert_eq!(Host::parse("10.0.0.1", 161).unwrap(), Host::Addr("10.0.0.1:161".parse().unwrap()));
/// assert_eq!(Host::parse("router:1161", 161).unwrap(), Host::Name("router".into(), 1161));
/// assert_eq!(Host::parse("router", 161).unwrap(), Host::Name("router".into(), 161));
/// assert!(Host::parse("router:99999", 161).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An address literal (with the default port where it had none).
    Addr(SocketAddr),
    /// A name to look up, and the port.
    Name(String, u16),
}

impl Host {
    /// `text` (a name, an IPv4 or IPv6 literal, optionally with a port: `host:port`,
    /// `[::1]:port`) with `port` as the default port; a port that is not 1 to 65535 is a
    /// [`ConfigError::BadPort`](crate::ConfigError::BadPort).
    pub fn parse(text: &str, port: u16) -> Result<Host, Error> {
        if let Some(addr) = literal(text, port) {
            return Ok(Host::Addr(addr));
        }
        if bad_port(text) {
            return Err(crate::ConfigError::BadPort(text.to_owned()).into());
        }
        Ok(match text.rsplit_once(':') {
            Some((name, p)) if !name.contains(':') => {
                Host::Name(name.to_owned(), p.parse().unwrap_or(port))
            }
            _ => Host::Name(text.to_owned(), port),
        })
    }

    /// The first address of a lookup's answer for this host (`answer` is what the system's
    /// resolver gave for the name; an address host is its own answer).
    pub fn pick(&self, answer: impl IntoIterator<Item = SocketAddr>) -> Result<SocketAddr, Error> {
        match self {
            Host::Addr(a) => Ok(*a),
            Host::Name(name, _) => answer
                .into_iter()
                .next()
                .ok_or_else(|| Error::Resolve(name.clone())),
        }
    }
}

/// Resolves `host` (a name, an IPv4 or IPv6 literal, optionally with a port: `host:port`,
/// `[::1]:port`) with `port` as the default port, on the calling thread: it blocks while a
/// name is looked up. For the blocking face and programs without a runtime; async code gives
/// names to the Manager's builder or to `PollTarget`s, which look them up through the runtime.
///
/// ```
/// let addr = snmp_manager::resolve("[::1]", 161).unwrap();
/// assert_eq!(addr.port(), 161);
/// assert!(snmp_manager::resolve("nosuchhost.invalid", 161).is_err());
/// ```
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, Error> {
    let parsed = Host::parse(host, port)?;
    let answer = match &parsed {
        Host::Addr(a) => return Ok(*a),
        Host::Name(name, port) => (name.as_str(), *port).to_socket_addrs(),
    };
    parsed
        .pick(answer.into_iter().flatten())
        .map_err(|_| Error::Resolve(host.to_owned()))
}

/// Whether `host` carries a port (`host:port`, `[v6]:port`) that is not 1 to 65535.
///
/// ```
/// # use snmp_manager::{resolve, ConfigError, Error};
/// assert_eq!(
///     resolve("127.0.0.1:99999", 161),
///     Err(Error::Config(ConfigError::BadPort("127.0.0.1:99999".into())))
/// );
/// ```
fn bad_port(host: &str) -> bool {
    let port = match host.strip_prefix('[') {
        Some(rest) => rest.split_once("]:").map(|(_, p)| p),
        None if host.matches(':').count() == 1 => host.rsplit_once(':').map(|(_, p)| p),
        None => None,
    };
    port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0))
}

/// Receive buffer asked of the kernel for every socket: room for a burst of answers to
/// thousands of requests (best effort: the kernel may cap it).
pub const RECV_BUFFER: usize = 4 << 20;

/// Binds a non-blocking UDP socket with a [`RECV_BUFFER`] receive buffer (IPv6 sockets are
/// IPv6-only): what every socket of both faces (managers and trap receivers) is made with.
///
/// ```
/// let s = snmp_manager::bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
/// assert!(s.local_addr().unwrap().port() > 0);
/// ```
pub fn bind_udp(addr: SocketAddr) -> io::Result<std::net::UdpSocket> {
    let domain = socket2::Domain::for_address(addr);
    let socket = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

/// A seed for a session or receiver (request-ids, msgIDs, salts derive from it), from the
/// operating system's generator.
///
/// ```
/// assert_ne!(snmp_manager::seed().unwrap(), snmp_manager::seed().unwrap());
/// ```
pub fn seed() -> Result<[u8; 32], Error> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(seed)
}

/// Where a trap receiver listens: a `SocketAddr`, or text as people write it
/// (`"0.0.0.0:162"`, `"[::]:1162"`, `"localhost:1162"`; port 162 when none is given).
///
/// ```
/// use snmp_manager::ListenAddr;
/// assert_eq!("127.0.0.1:1162".listen_addr().unwrap().port(), 1162);
/// assert_eq!("127.0.0.1".listen_addr().unwrap().port(), 162);
/// ```
pub trait ListenAddr {
    /// The address.
    fn listen_addr(self) -> Result<SocketAddr, Error>;
}

impl ListenAddr for SocketAddr {
    fn listen_addr(self) -> Result<SocketAddr, Error> {
        Ok(self)
    }
}

impl ListenAddr for &str {
    fn listen_addr(self) -> Result<SocketAddr, Error> {
        resolve(self, 162)
    }
}

impl ListenAddr for &String {
    fn listen_addr(self) -> Result<SocketAddr, Error> {
        resolve(self, 162)
    }
}

impl ListenAddr for String {
    fn listen_addr(self) -> Result<SocketAddr, Error> {
        resolve(&self, 162)
    }
}
