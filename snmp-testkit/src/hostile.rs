//! A hostile SNMP agent over TCP: it accepts connections on 127.0.0.1 and misbehaves in one
//! chosen way, on threads of its own, every loop bounded (it stops by itself, or when
//! dropped).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_codec::StreamDecoder;

use crate::FakeAgent;

/// How a [`HostileTcpAgent`] misbehaves on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostility {
    /// Reads requests and answers none (the connection stays open).
    Silent,
    /// Answers one byte every 200 ms (slowloris).
    Trickles,
    /// Announces a message of 2 GiB and sends bytes of it as fast as they are taken.
    EndlessLength,
    /// Answers with text that is no SNMP message.
    Garbage,
    /// Sends the first half of a real answer, then closes the connection.
    ClosesMidAnswer,
    /// Accepts, then closes at once without reading.
    ClosesAtOnce,
}

/// The agent; dropping it stops its threads (within about 100 ms).
#[derive(Debug)]
pub struct HostileTcpAgent {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
}

impl HostileTcpAgent {
    /// Starts an agent that misbehaves as `how` (real answers come from a synthetic device).
    pub fn start(how: Hostility) -> io::Result<HostileTcpAgent> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let (s, c) = (stop.clone(), connections.clone());
        std::thread::spawn(move || {
            // At most 10 minutes, whatever happens.
            let end = Instant::now() + Duration::from_secs(600);
            while !s.load(Ordering::Relaxed) && Instant::now() < end {
                match listener.accept() {
                    Ok((stream, _)) => {
                        c.fetch_add(1, Ordering::Relaxed);
                        let s = s.clone();
                        std::thread::spawn(move || {
                            let _ = misbehave(stream, how, &s);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(HostileTcpAgent {
            addr,
            stop,
            connections,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The target text for it (`tcp:127.0.0.1:PORT`).
    pub fn target(&self) -> String {
        format!("tcp:{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

impl Drop for HostileTcpAgent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One connection's misbehaviour, bounded in time and bytes.
fn misbehave(mut stream: TcpStream, how: Hostility, stop: &AtomicBool) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    stream.set_write_timeout(Some(Duration::from_millis(500)))?;
    let end = Instant::now() + Duration::from_secs(120);
    let mut agent = FakeAgent::new(FakeAgent::synthetic(5));
    let mut decoder = StreamDecoder::new(1 << 20);
    let mut buf = vec![0u8; 65536];
    if how == Hostility::ClosesAtOnce {
        return Ok(());
    }
    while !stop.load(Ordering::Relaxed) && Instant::now() < end {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e)
                if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        decoder.push(&buf[..n]);
        while let Ok(Some(msg)) = decoder.next_message() {
            let now = snmp_usm::Instant::from_micros(1);
            let answer = agent.handle(now, msg).unwrap_or_default();
            match how {
                Hostility::Silent | Hostility::ClosesAtOnce => {}
                Hostility::Trickles => {
                    for b in answer {
                        if stop.load(Ordering::Relaxed) || Instant::now() > end {
                            return Ok(());
                        }
                        stream.write_all(&[b])?;
                        std::thread::sleep(Duration::from_millis(200));
                    }
                }
                Hostility::EndlessLength => {
                    stream.write_all(&[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff])?;
                    let junk = [0x04u8; 4096];
                    // At most 64 MiB, until the peer stops taking them.
                    for _ in 0..16_384 {
                        if stop.load(Ordering::Relaxed) {
                            return Ok(());
                        }
                        stream.write_all(&junk)?;
                    }
                }
                Hostility::Garbage => stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")?,
                Hostility::ClosesMidAnswer => {
                    stream.write_all(&answer[..answer.len() / 2])?;
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Checks what a call to a [`HostileTcpAgent`] ended with, as both faces' tests expect it:
/// a timeout after both attempts for a silent or trickling agent, a framing error on one
/// connection for garbage or an endless length, `Closed` after one connection per attempt
/// for an agent that closes; always within 3 s (two attempts of `timeout`).
pub fn assert_hostile_outcome(
    how: Hostility,
    e: &snmp_async::session::Error,
    took: Duration,
    timeout: Duration,
    agent: &HostileTcpAgent,
) {
    use snmp_async::session::{ConnectionError, Error};
    match how {
        Hostility::Silent | Hostility::Trickles => {
            assert!(
                matches!(e, Error::Timeout { attempts: 2, .. }),
                "{how:?}: {e:?}"
            );
            assert!(took >= timeout * 2, "{how:?} took {took:?}");
        }
        Hostility::EndlessLength | Hostility::Garbage => {
            assert!(
                matches!(e, Error::Connection(ConnectionError::Framing(_))),
                "{how:?}: {e:?}"
            );
            assert_eq!(
                agent.connections(),
                1,
                "{how:?}: no reconnect to a broken agent"
            );
        }
        Hostility::ClosesMidAnswer | Hostility::ClosesAtOnce => {
            assert_eq!(*e, Error::Connection(ConnectionError::Closed), "{how:?}");
            assert_eq!(
                agent.connections(),
                2,
                "{how:?}: one connection per attempt"
            );
        }
    }
    assert!(took < Duration::from_secs(3), "{how:?} took {took:?}");
}
