//! The firmware case: the sans-IO session over smoltcp's UDP socket, on smoltcp's in-memory
//! loopback device, with a virtual clock, fixed buffers and no operating system in the loop.
//!
//! ```text
//! cargo run --release -p snmp-session --example smoltcp_loopback
//! ```
//!
//! One smoltcp interface (127.0.0.1/8 on a `Loopback` device) holds two UDP sockets: the
//! manager's (port 50161) and a simulated agent's (port 161, snmp-sim's sans-IO agent, which
//! speaks v2c and SNMPv3 with a SHA-256/AES-128 user). The loop runs three operations at once
//! — a v2c GETBULK walk of ifTable, a v3 authPriv GETNEXT walk of MIB-2 (engine discovery
//! first) and a v3 GET — and checks every answer against the agent's data. It exits with 1 if
//! one differs.
//!
//! [`firmware_loop`] is what a device would run: it uses `core` and `alloc` only (smoltcp,
//! the session and the agent are `no_std` + `alloc` or given to it), and its time is a
//! counter it advances itself. A device would read a hardware timer instead, and sleep until
//! the earlier of [`Session::poll_timeout`] and `Interface::poll_at` where this jumps there.

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;
use std::process::ExitCode;

use smoltcp::iface::{Config, Interface, SocketSet, SocketStorage};
use smoltcp::phy::{Loopback, Medium};
use smoltcp::socket::udp;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr, IpEndpoint};
use snmp_codec::{Oid, VarBind};
use snmp_session::{
    Event, Instant, OpId, Request, Session, SessionConfig, TargetConfig, V3Security,
};
use snmp_sim::Agent;
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

const AGENT_PORT: u16 = 161;
const MANAGER_PORT: u16 = 50_161;
/// The loop gives up after this much virtual time (it never spins forever).
const VIRTUAL_LIMIT: Duration = Duration::from_secs(120);
/// Virtual time one turn of the loop takes.
const TICK: Duration = Duration::from_micros(100);

/// One operation the loop runs and what it must return.
struct Job {
    name: &'static str,
    op: OpId,
    want: Vec<VarBind>,
    got: Vec<VarBind>,
    result: Option<Result<(), snmp_session::Error>>,
}

/// What the loop did.
struct Summary {
    jobs: Vec<Job>,
    datagrams: u64,
    virtual_time: Duration,
}

fn ip(addr: IpAddress) -> IpAddr {
    addr.into()
}

/// smoltcp's endpoint for an IPv4 address (this interface has no IPv6).
fn endpoint(addr: SocketAddr) -> Option<IpEndpoint> {
    match addr {
        SocketAddr::V4(v4) => Some(v4.into()),
        SocketAddr::V6(_) => None,
    }
}

/// The device's main loop: the session and the agent over one smoltcp interface.
fn firmware_loop(
    mut session: Session,
    mut agent: Agent,
    mut jobs: Vec<Job>,
) -> Result<Summary, &'static str> {
    // Fixed storage, as on a device: two sockets, 8 KiB of datagrams each way per socket.
    let mut device = Loopback::new(Medium::Ip);
    let mut iface = Interface::new(
        Config::new(HardwareAddress::Ip),
        &mut device,
        smoltcp::time::Instant::ZERO,
    );
    iface.update_ip_addrs(|addrs| {
        let _ = addrs.push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8));
    });
    let mut storage = [SocketStorage::EMPTY; 2];
    let mut sockets = SocketSet::new(&mut storage[..]);
    let udp_socket = || {
        udp::Socket::new(
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0u8; 8192]),
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0u8; 8192]),
        )
    };
    let mut agent_socket = udp_socket();
    agent_socket
        .bind(AGENT_PORT)
        .map_err(|_| "bind the agent")?;
    let mut manager_socket = udp_socket();
    manager_socket
        .bind(MANAGER_PORT)
        .map_err(|_| "bind the manager")?;
    let agent_handle = sockets.add(agent_socket);
    let manager_handle = sockets.add(manager_socket);

    let mut out = vec![0u8; 8192];
    let mut answers: Vec<(Vec<u8>, SocketAddr)> = Vec::new();
    let mut clock = Duration::ZERO;
    let mut datagrams = 0u64;
    let mut open = jobs.len();
    while open > 0 {
        if clock > VIRTUAL_LIMIT {
            return Err("the operations did not end in the virtual time allowed");
        }
        let now = Instant::from_micros(clock.as_micros() as u64);
        let net_now = smoltcp::time::Instant::from_micros(clock.as_micros() as i64);
        let mut moved = false;

        // 1. The session's datagrams into the manager's socket.
        let manager = sockets.get_mut::<udp::Socket<'_>>(manager_handle);
        while let Some(tx) = session.poll_transmit(now, &mut out) {
            // A full transmit buffer loses the datagram; the session resends it in time.
            let sent = endpoint(tx.destination).map(|to| manager.send_slice(&out[..tx.len], to));
            if matches!(sent, Some(Ok(()))) {
                datagrams += 1;
                moved = true;
            }
        }
        // 2. The session's events.
        while let Some(event) = session.poll_event() {
            match event {
                Event::Varbinds { op, varbinds } => {
                    if let Some(job) = jobs.iter_mut().find(|j| j.op == op) {
                        job.got.extend(varbinds);
                    }
                }
                Event::Done { op, result } => {
                    if let Some(job) = jobs.iter_mut().find(|j| j.op == op) {
                        job.result = Some(result);
                        open -= 1;
                    }
                }
                _ => {}
            }
        }
        // 3. The interface carries them over the loopback device; the agent answers.
        iface.poll(net_now, &mut device, &mut sockets);
        let agent_socket = sockets.get_mut::<udp::Socket<'_>>(agent_handle);
        while let Ok((data, meta)) = agent_socket.recv() {
            let from = SocketAddr::new(ip(meta.endpoint.addr), meta.endpoint.port);
            if let Some(answer) = agent.handle(now, data) {
                answers.push((answer, from));
            }
        }
        for (answer, to) in answers.drain(..) {
            let sent = endpoint(to).map(|to| agent_socket.send_slice(&answer, to));
            if matches!(sent, Some(Ok(()))) {
                datagrams += 1;
                moved = true;
            }
        }
        iface.poll(net_now, &mut device, &mut sockets);
        // 4. What reached the manager's socket, then the time.
        let manager = sockets.get_mut::<udp::Socket<'_>>(manager_handle);
        while let Ok((data, meta)) = manager.recv() {
            let from = SocketAddr::new(ip(meta.endpoint.addr), meta.endpoint.port);
            session.handle_datagram(now, from, data);
            moved = true;
        }
        session.handle_timeout(now);

        // Time passes: a tick, or (nothing moved) straight to the next deadline, where a
        // device would sleep.
        clock += TICK;
        if !moved {
            let deadlines = [
                session.poll_timeout().map(|t| t.as_micros()),
                iface
                    .poll_at(net_now, &sockets)
                    .map(|t| t.total_micros().max(0) as u64),
            ];
            if let Some(next) = deadlines.into_iter().flatten().min() {
                clock = clock.max(Duration::from_micros(next));
            }
        }
    }
    Ok(Summary {
        jobs,
        datagrams,
        virtual_time: clock,
    })
}

fn run() -> Result<bool, &'static str> {
    let user = UsmUser::new("firmware")
        .with_auth(AuthProtocol::Sha256, b"firmware-auth-pass")
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"firmware-priv-pass"))
        .map_err(|_| "the user's passwords")?;
    let mut agent = Agent::new(Agent::synthetic(8));
    agent.add_user(&user);
    let data = agent.data.clone();
    let under = |root: &Oid| -> Vec<VarBind> {
        data.iter()
            .filter(|(oid, _)| oid.starts_with(root))
            .map(|(oid, value)| VarBind::new(oid.clone(), value.clone()))
            .collect()
    };

    // A fixed seed, as a device without a random source might start from; a real device
    // mixes in a hardware RNG or unique ID, so that request-ids are not predictable.
    let mut session = Session::new(SessionConfig::default(), [0x5a; 32]);
    let agent_addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), AGENT_PORT);
    let mut v2c = TargetConfig::v2c(agent_addr, "public");
    v2c.timeout = Duration::from_secs(1);
    let v2c = session.add_target(v2c);
    let mut v3 = TargetConfig::v3(agent_addr, V3Security::new(user));
    v3.timeout = Duration::from_secs(1);
    let v3 = session.add_target(v3);

    let if_table = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 2, 2]);
    let mib2 = Oid::from_arcs(&[1, 3, 6, 1, 2, 1]);
    let sys_descr = Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 1, 0]);
    let mut jobs = Vec::new();
    let mut job = |name, target, request, want| -> Result<(), &'static str> {
        let op = session.start(target, request).map_err(|_| "start")?;
        jobs.push(Job {
            name,
            op,
            want,
            got: Vec::new(),
            result: None,
        });
        Ok(())
    };
    job(
        "v2c GETBULK walk of ifTable",
        v2c,
        Request::bulk_walk(if_table.clone(), 10),
        under(&if_table),
    )?;
    job(
        "v3 authPriv GETNEXT walk of MIB-2",
        v3,
        Request::walk(mib2.clone()),
        under(&mib2),
    )?;
    job(
        "v3 authPriv GET of sysDescr.0",
        v3,
        Request::Get(vec![sys_descr.clone()]),
        under(&sys_descr),
    )?;

    let summary = firmware_loop(session, agent, jobs)?;
    let mut ok = true;
    let mut values = 0;
    for job in &summary.jobs {
        values += job.got.len();
        let verdict = match &job.result {
            Some(Ok(())) if job.got == job.want && !job.want.is_empty() => "ok",
            Some(Ok(())) => "DIFFERS from the agent's data",
            Some(Err(_)) | None => "FAILED",
        };
        if verdict != "ok" {
            ok = false;
        }
        match &job.result {
            Some(Err(e)) => println!("{}: {} ({e})", job.name, verdict),
            _ => println!("{}: {} varbinds, {verdict}", job.name, job.got.len()),
        }
    }
    println!(
        "smoltcp loopback: {} operations, {values} varbinds, {} datagrams through the \
         interface, {:.1} ms of virtual time",
        summary.jobs.len(),
        summary.datagrams,
        summary.virtual_time.as_secs_f64() * 1000.0
    );
    Ok(ok)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => {
            println!("smoltcp_loopback done");
            ExitCode::SUCCESS
        }
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("smoltcp_loopback: {e}");
            ExitCode::FAILURE
        }
    }
}
