//! The project's clients: the async Manager on tokio and on smol (one generic body), and the
//! sans-IO engine driven by a hand loop over a blocking socket.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use futures_util::StreamExt;
use snmp_async::{Manager, PollTarget, Runtime};
use snmp_codec::Oid;
use snmp_session::{
    Event, Instant, Repetitions, Request, Session, SessionConfig, TargetConfig, V3Security,
    WalkOptions,
};
use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};

use crate::cases::{CaseId, Work, BULK_REPS, GET_OID, POLL_OID};
use crate::clients::ClientId;
use crate::measure::{tally, Measured, Meter};

/// The benchmark's v3 user (SHA-256 / AES-128).
pub(crate) fn v3_user() -> UsmUser {
    UsmUser::new(crate::cases::V3_USER)
        .with_auth(AuthProtocol::Sha256, crate::cases::V3_AUTH.as_bytes())
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, crate::cases::V3_PRIV.as_bytes()))
        .expect("valid passwords")
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Runs `case` with the project's client `client`.
pub(crate) fn run(
    client: ClientId,
    case: CaseId,
    secs: f64,
    port: u16,
    count: usize,
) -> Result<Measured, String> {
    let tokio = |options: WalkOptions| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(run_async(
            snmp_tokio::Tokio,
            case,
            secs,
            port,
            count,
            options,
        ))
    };
    let variant = |options: WalkOptions| {
        if !case.latency() {
            return Err("a walk mode: measured in the latency cases only".to_string());
        }
        tokio(options)
    };
    let adaptive = Repetitions::adaptive();
    match client {
        ClientId::SnmpRsTokio => tokio(WalkOptions::default()),
        ClientId::SnmpRsAdaptive => variant(WalkOptions::default().with_repetitions(adaptive)),
        ClientId::SnmpRsParallel4 => variant(WalkOptions::default().with_parallel(4)),
        ClientId::SnmpRsParallel8 => variant(WalkOptions::default().with_parallel(8)),
        ClientId::SnmpRsParallel16 => variant(WalkOptions::default().with_parallel(16)),
        ClientId::SnmpRsParallel16Adaptive => variant(
            WalkOptions::default()
                .with_parallel(16)
                .with_repetitions(adaptive),
        ),
        ClientId::SnmpRsSmol => {
            // As tokio's current-thread runtime: the driver runs on the calling thread (smol's
            // global executor would put it on a thread of its own).
            let ex = std::sync::Arc::new(smol::Executor::new());
            let rt = snmp_smol::Smol::on(ex.clone());
            smol::block_on(ex.run(run_async(
                rt,
                case,
                secs,
                port,
                count,
                WalkOptions::default(),
            )))
        }
        ClientId::SnmpRsEngine => run_engine(case, secs, port, count),
        ClientId::SnmpRsBlocking => run_blocking(case, secs, port, count),
        other => Err(format!("{other} is not one of ours")),
    }
}

async fn run_async<R: Runtime + Default>(
    rt: R,
    case: CaseId,
    secs: f64,
    port: u16,
    count: usize,
    options: WalkOptions,
) -> Result<Measured, String> {
    let v3 = case.v3();
    let client = snmp_async::Client::new(rt, snmp_session::SessionConfig::default())
        .map_err(|e| e.to_string())?;
    let mut b = Manager::<R>::builder(&addr(port).to_string())
        .client(&client)
        .timeout(Duration::from_secs(2))
        .retries(1);
    if v3 {
        b = b.usm_user(v3_user());
    }
    let m = b.build().await.map_err(|e| e.to_string())?;
    let get_oid: Oid = GET_OID.parse().map_err(|e| format!("{e:?}"))?;
    if v3 {
        // Discovery happens before the clock starts.
        m.get(get_oid.clone()).await.map_err(|e| e.to_string())?;
    }
    let (mut ops, mut vbs, mut errors) = (0u64, 0u64, 0u64);
    let meter = Meter::start();
    match case.work() {
        Work::Get => {
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..100 {
                    tally(&m.get(&get_oid).await, &mut vbs, &mut errors);
                    ops += 1;
                }
            }
        }
        Work::Walk { bulk, root } => {
            while ops == 0 || meter.elapsed() < secs {
                let mut walk = if bulk {
                    m.walk_with_options(root, Some(BULK_REPS), options)
                } else {
                    m.walk(root)
                };
                while let Some(item) = walk.next().await {
                    tally(&item, &mut vbs, &mut errors);
                }
                ops += 1;
            }
        }
        Work::Poll { rounds } => {
            let oids: Vec<Oid> = vec![POLL_OID.parse().map_err(|e| format!("{e:?}"))?];
            let targets: Vec<PollTarget> = (0..count)
                .map(|i| PollTarget::v2c(addr(port + i as u16), "public"))
                .collect();
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..rounds {
                    let mut results = m.poll_many(targets.iter().cloned(), oids.clone(), count);
                    while let Some(r) = results.next().await {
                        tally(&r.result, &mut vbs, &mut errors);
                        ops += 1;
                    }
                }
            }
        }
    }
    Ok(meter.finish(ops, vbs, errors))
}

/// The blocking Manager (snmp-blocking): the same calls as the async body, on this thread.
fn run_blocking(case: CaseId, secs: f64, port: u16, count: usize) -> Result<Measured, String> {
    let v3 = case.v3();
    let mut b = snmp_blocking::Manager::builder(&addr(port).to_string())
        .timeout(Duration::from_secs(2))
        .retries(1);
    if v3 {
        b = b.usm_user(v3_user());
    }
    let m = b.build().map_err(|e| e.to_string())?;
    let get_oid: Oid = GET_OID.parse().map_err(|e| format!("{e:?}"))?;
    if v3 {
        // Discovery happens before the clock starts.
        m.get(get_oid.clone()).map_err(|e| e.to_string())?;
    }
    let (mut ops, mut vbs, mut errors) = (0u64, 0u64, 0u64);
    let meter = Meter::start();
    match case.work() {
        Work::Get => {
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..100 {
                    tally(&m.get(&get_oid), &mut vbs, &mut errors);
                    ops += 1;
                }
            }
        }
        Work::Walk { bulk, root } => {
            while ops == 0 || meter.elapsed() < secs {
                let walk = if bulk {
                    m.bulk_walk(root, BULK_REPS)
                } else {
                    m.walk(root)
                };
                for item in walk {
                    tally(&item, &mut vbs, &mut errors);
                }
                ops += 1;
            }
        }
        Work::Poll { rounds } => {
            let oids: Vec<Oid> = vec![POLL_OID.parse().map_err(|e| format!("{e:?}"))?];
            let targets: Vec<PollTarget> = (0..count)
                .map(|i| PollTarget::v2c(addr(port + i as u16), "public"))
                .collect();
            let poller = snmp_blocking::Client::with_defaults().map_err(|e| e.to_string())?;
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..rounds {
                    for r in poller.poll_many(targets.iter().cloned(), oids.clone(), count) {
                        tally(&r.result, &mut vbs, &mut errors);
                        ops += 1;
                    }
                }
            }
        }
    }
    Ok(meter.finish(ops, vbs, errors))
}

/// The engine on a blocking socket: transmit what it has, wait for an answer or its timer.
struct Engine {
    session: Session,
    socket: UdpSocket,
    origin: std::time::Instant,
    out: Vec<u8>,
    inp: Vec<u8>,
}

impl Engine {
    fn new() -> Result<Engine, String> {
        // The adapters' socket: 4 MiB receive buffer, so a burst of answers is not dropped.
        let socket = snmp_async::bind_udp("127.0.0.1:0".parse().map_err(|e| format!("{e:?}"))?)
            .map_err(|e| e.to_string())?;
        socket.set_nonblocking(false).map_err(|e| e.to_string())?;
        socket
            .set_read_timeout(Some(Duration::from_millis(10)))
            .map_err(|e| e.to_string())?;
        let mut seed = [7u8; 32];
        seed[0] = std::process::id() as u8;
        Ok(Engine {
            session: Session::new(SessionConfig::default(), seed),
            socket,
            origin: std::time::Instant::now(),
            out: vec![0; 65_535],
            inp: vec![0; 65_535],
        })
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.origin.elapsed().as_micros() as u64)
    }

    /// Drives the session until `done` operations have ended; `on_event` sees every event.
    fn drive(&mut self, mut pending: usize, mut on_event: impl FnMut(Event)) {
        while pending > 0 {
            let now = self.now();
            while let Some(tx) = self.session.poll_transmit(now, &mut self.out) {
                let _ = self.socket.send_to(&self.out[..tx.len], tx.destination);
            }
            while let Some(ev) = self.session.poll_event() {
                if matches!(ev, Event::Done { .. }) {
                    pending -= 1;
                }
                on_event(ev);
            }
            if pending == 0 {
                break;
            }
            match self.socket.recv_from(&mut self.inp) {
                Ok((n, from)) => {
                    let now = self.now();
                    self.session.handle_datagram(now, from, &self.inp[..n]);
                }
                Err(_) => {
                    let now = self.now();
                    self.session.handle_timeout(now);
                }
            }
            if self.session.poll_timeout().is_some_and(|t| t <= self.now()) {
                let now = self.now();
                self.session.handle_timeout(now);
            }
        }
    }
}

fn run_engine(case: CaseId, secs: f64, port: u16, count: usize) -> Result<Measured, String> {
    let mut e = Engine::new()?;
    let v3 = case.v3();
    let mut config = if v3 {
        TargetConfig::v3(addr(port), V3Security::new(v3_user()))
    } else {
        TargetConfig::v2c(addr(port), "public")
    };
    config.timeout = Duration::from_secs(2);
    config.retries = 1;
    let t = e.session.add_target(config);
    let get_oid: Oid = GET_OID.parse().map_err(|e| format!("{e:?}"))?;
    let (mut ops, mut vbs, mut errors) = (0u64, 0u64, 0u64);
    let count_event = |ev: Event, vbs: &mut u64, errors: &mut u64| match ev {
        Event::Varbinds { varbinds, .. } => *vbs += varbinds.len() as u64,
        Event::Done { result: Err(_), .. } => *errors += 1,
        _ => {}
    };
    if v3 {
        e.session
            .start(t, Request::Get(vec![get_oid.clone()]))
            .map_err(|e| e.to_string())?;
        e.drive(1, |_| {});
    }
    let meter = Meter::start();
    match case.work() {
        Work::Get => {
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..100 {
                    e.session
                        .start(t, Request::Get(vec![get_oid.clone()]))
                        .map_err(|e| e.to_string())?;
                    e.drive(1, |ev| count_event(ev, &mut vbs, &mut errors));
                    ops += 1;
                }
            }
        }
        Work::Walk { bulk, root } => {
            while ops == 0 || meter.elapsed() < secs {
                let op = if !bulk {
                    e.session.start(
                        t,
                        Request::walk(root.parse().map_err(|e| format!("{e:?}"))?),
                    )
                } else {
                    e.session.start(
                        t,
                        Request::bulk_walk(root.parse().map_err(|e| format!("{e:?}"))?, BULK_REPS),
                    )
                };
                op.map_err(|e| e.to_string())?;
                e.drive(1, |ev| count_event(ev, &mut vbs, &mut errors));
                ops += 1;
            }
        }
        Work::Poll { rounds } => {
            let oid: Oid = POLL_OID.parse().map_err(|e| format!("{e:?}"))?;
            let targets: Vec<_> = (0..count)
                .map(|i| {
                    let mut c = TargetConfig::v2c(addr(port + i as u16), "public");
                    c.timeout = Duration::from_secs(2);
                    c.retries = 1;
                    e.session.add_target(c)
                })
                .collect();
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..rounds {
                    for &t in &targets {
                        e.session
                            .start(t, Request::GetEach(vec![oid.clone()]))
                            .map_err(|e| e.to_string())?;
                    }
                    e.drive(targets.len(), |ev| count_event(ev, &mut vbs, &mut errors));
                    ops += targets.len() as u64;
                }
            }
        }
    }
    Ok(meter.finish(ops, vbs, errors))
}
