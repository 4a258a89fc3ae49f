//! The conversation loop: the sans-IO session driven over an [`Io`] on the calling thread. No
//! runtime, no helper thread: a call starts its operation, sends what the session has, waits
//! until the session's next deadline, hands it what arrived, and repeats until its operation
//! has something for the caller. What each operation produced is kept by
//! [`snmp_manager::Outcomes`], as in the async face.

use std::io;

use snmp_manager::{Agent, Error, Outcomes};
use snmp_session::{Instant, OpId, Request, Session, SessionConfig, TargetConfig, TargetId};

use crate::io::{Io, Received};

/// A session, its I/O, and what each operation produced and its caller has not taken.
pub(crate) struct Engine {
    pub(crate) session: Session,
    pub(crate) outcomes: Outcomes,
    pub(crate) io: Box<dyn Io>,
    send_buf: Vec<u8>,
    recv_buf: Vec<u8>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("operations", &self.outcomes.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub(crate) fn new(config: SessionConfig, io: Box<dyn Io>) -> Result<Self, Error> {
        let max = config.max_message_size.max(1500);
        Ok(Engine {
            session: Session::new(config, snmp_manager::seed()?),
            outcomes: Outcomes::default(),
            io,
            send_buf: vec![0; max],
            recv_buf: vec![0; 65536],
        })
    }

    pub(crate) fn add_target(&mut self, config: TargetConfig) -> Result<TargetId, Error> {
        // Ready the socket now, so that it exists before anything is sent.
        self.io.prepare(config.addr)?;
        Ok(self.session.add_target(config))
    }

    /// The session's current time.
    pub(crate) fn now(&self) -> snmp_session::Instant {
        self.io.now()
    }

    pub(crate) fn local_addr(
        &mut self,
        agent: std::net::SocketAddr,
    ) -> io::Result<std::net::SocketAddr> {
        self.io.local_addr(agent)
    }

    pub(crate) fn start(&mut self, agent: &Agent, request: Request) -> Result<OpId, Error> {
        self.outcomes.start(&mut self.session, agent, request)
    }

    pub(crate) fn cancel(&mut self, op: OpId) {
        self.outcomes.cancel(&mut self.session, op);
    }

    /// Runs the session until `ready` says the caller has something (checked after every
    /// step). An operation without a deadline while nothing is ready is a session bug: an
    /// error, never a wait forever.
    pub(crate) fn run_until(&mut self, ready: impl Fn(&Outcomes) -> bool) -> Result<(), Error> {
        let mut now = self.io.now();
        loop {
            self.flush(now);
            self.outcomes.drain(&mut self.session);
            if ready(&self.outcomes) {
                return Ok(());
            }
            now = self.wait(now)?;
        }
    }

    /// Hands the session's datagrams to the I/O. A send error (unreachable network, a full
    /// buffer, an earlier ICMP error reported here) loses the datagram: the session
    /// retransmits or times out as for any loss.
    ///
    /// Stream targets: a message is written whole on its connection (an error there is the
    /// connection's end); a connection the session asks for is made here, waiting at most the
    /// target's timeout.
    fn flush(&mut self, now: Instant) {
        loop {
            while let Some(t) = self.session.poll_transmit(now, &mut self.send_buf) {
                let data = self.send_buf.get(..t.len).unwrap_or(&[]);
                match t.connection {
                    Some(target) => {
                        if let Err(e) = self.io.write(target, data) {
                            self.session.handle_disconnected(now, target, e);
                        }
                    }
                    None => {
                        let _lost = self.io.send(t.destination, data);
                    }
                }
            }
            let Some(action) = self.session.poll_stream_action() else {
                return;
            };
            match action {
                snmp_session::StreamAction::Connect { target, addr } => {
                    let timeout = self
                        .session
                        .target(target)
                        .map_or(std::time::Duration::from_secs(5), |c| c.timeout);
                    match self.io.connect(target, addr, timeout) {
                        Ok(()) => self.session.handle_connected(self.io.now(), target),
                        Err(e) => self.session.handle_disconnected(self.io.now(), target, e),
                    }
                }
                snmp_session::StreamAction::Close { target } => self.io.close(target),
                _ => {}
            }
        }
    }

    /// Waits for one datagram or the session's next deadline, and hands over what happened;
    /// the time after.
    fn wait(&mut self, now: Instant) -> Result<Instant, Error> {
        let Some(deadline) = self.session.poll_timeout() else {
            return Err(io::Error::other("the session has nothing to wait for").into());
        };
        if deadline <= now {
            self.session.handle_timeout(now);
            return Ok(now);
        }
        let got = self.io.recv_any(&mut self.recv_buf, deadline)?;
        let now = self.io.now();
        match got {
            Some(Received::Datagram(n, from)) => {
                let data = self.recv_buf.get(..n).unwrap_or(&[]);
                self.session.handle_datagram(now, from, data);
            }
            Some(Received::Stream(target, n)) => {
                let data = self.recv_buf.get(..n).unwrap_or(&[]);
                self.session.handle_stream(now, target, data);
            }
            Some(Received::Disconnected(target, e)) => {
                self.session.handle_disconnected(now, target, e);
            }
            Some(Received::Unreachable(addr)) => {
                self.session.handle_unreachable(now, addr);
            }
            None => {
                if self.session.poll_timeout().is_some_and(|d| d <= now) {
                    self.session.handle_timeout(now);
                }
            }
        }
        Ok(now)
    }
}
