//! Floors: the same request sent again and again over a bare socket, its answer received and
//! not decoded. No SNMP work on the client side at all, so these rates are what the kernel
//! (and, for tokio, the runtime's socket loop) allow on this machine and placement; every
//! client's number reads against them.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use snmp_codec::Oid;
use snmp_session::{Instant, Request, Session, SessionConfig, TargetConfig};

use crate::cases::{CaseId, BULK_REPS, BULK_ROOT, GET_OID};
use crate::clients::ClientId;
use crate::measure::{Measured, Meter};

/// One encoded request for `case` and the varbinds its answer carries.
fn request(case: CaseId, dest: SocketAddr) -> Result<(Vec<u8>, u64), String> {
    let mut s = Session::new(SessionConfig::default(), [3; 32]);
    let t = s.add_target(TargetConfig::v2c(dest, "public"));
    let parse = |o: &str| o.parse::<Oid>().map_err(|e| format!("{e:?}"));
    let per_answer = match case {
        CaseId::GetV2c => {
            s.start(t, Request::Get(vec![parse(GET_OID)?]))
                .map_err(|e| e.to_string())?;
            1
        }
        CaseId::Bulk10k | CaseId::Bulk100k => {
            s.start(
                t,
                Request::GetBulk {
                    oids: vec![parse(BULK_ROOT)?],
                    non_repeaters: 0,
                    max_repetitions: BULK_REPS,
                },
            )
            .map_err(|e| e.to_string())?;
            u64::from(BULK_REPS)
        }
        _ => return Err("floors are measured for sequential v2c GET and GETBULK only".into()),
    };
    let mut out = vec![0; 1500];
    let tx = s
        .poll_transmit(Instant::ZERO, &mut out)
        .ok_or("the session made no request")?;
    out.truncate(tx.len);
    Ok((out, per_answer))
}

/// Repeats `round_trip` (true if answered) for `secs`, 100 at a time between clock readings.
fn sequential(secs: f64, per_answer: u64, mut round_trip: impl FnMut() -> bool) -> Measured {
    let (mut ops, mut errors) = (0u64, 0u64);
    let meter = Meter::start();
    while ops == 0 || meter.elapsed() < secs {
        for _ in 0..100 {
            errors += u64::from(!round_trip());
            ops += 1;
        }
    }
    meter.finish(ops, (ops - errors) * per_answer, errors)
}

/// Runs `case` with the floor `client`: one request in flight, as the sequential clients.
pub(crate) fn run(
    client: ClientId,
    case: CaseId,
    secs: f64,
    port: u16,
) -> Result<Measured, String> {
    let dest = SocketAddr::from(([127, 0, 0, 1], port));
    let (req, per_answer) = request(case, dest)?;
    match client {
        ClientId::UdpFloorBlocking => {
            let s = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            s.set_read_timeout(Some(Duration::from_secs(2)))
                .map_err(|e| e.to_string())?;
            let mut buf = vec![0u8; 65_536];
            Ok(sequential(secs, per_answer, || {
                s.send_to(&req, dest).is_ok() && s.recv_from(&mut buf).is_ok()
            }))
        }
        ClientId::UdpFloorConnected => {
            // As a client for one agent works: connect(2), then send/recv.
            let s = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            s.connect(dest).map_err(|e| e.to_string())?;
            s.set_read_timeout(Some(Duration::from_secs(2)))
                .map_err(|e| e.to_string())?;
            let mut buf = vec![0u8; 65_536];
            Ok(sequential(secs, per_answer, || {
                s.send(&req).is_ok() && s.recv(&mut buf).is_ok()
            }))
        }
        ClientId::UdpFloorTokio => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async move {
                let s = tokio::net::UdpSocket::bind("127.0.0.1:0")
                    .await
                    .map_err(|e| e.to_string())?;
                let mut buf = vec![0u8; 65_536];
                let (mut ops, mut errors) = (0u64, 0u64);
                let meter = Meter::start();
                while ops == 0 || meter.elapsed() < secs {
                    for _ in 0..100 {
                        let answered = s.send_to(&req, dest).await.is_ok()
                            && tokio::time::timeout(Duration::from_secs(2), s.recv_from(&mut buf))
                                .await
                                .is_ok_and(|r| r.is_ok());
                        errors += u64::from(!answered);
                        ops += 1;
                    }
                }
                Ok(meter.finish(ops, (ops - errors) * per_answer, errors))
            })
        }
        other => Err(format!("unknown client {other}")),
    }
}
