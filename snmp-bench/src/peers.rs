//! The Rust peers, driven the way their documentation shows: async-snmp (tokio, one client per
//! agent) and snmp2 (its blocking `SyncSession`).

use std::time::Duration;

use crate::cases::{CaseId, Work, BULK_REPS, GET_OID, POLL_OID};
use crate::clients::ClientId;
use crate::measure::{tally, Measured, Meter};

/// Runs `case` with the peer `client`.
pub(crate) fn run(
    client: ClientId,
    case: CaseId,
    secs: f64,
    port: u16,
    count: usize,
) -> Result<Measured, String> {
    // The 256-repetition variants are measured in the latency cases only.
    let reps = if client == ClientId::AsyncSnmpR256 {
        if !case.latency() {
            return Err("max-repetitions 256: measured in the latency cases only".into());
        }
        256
    } else {
        BULK_REPS
    };
    match client {
        ClientId::AsyncSnmp | ClientId::AsyncSnmpR256 => {
            snmp_sim::fast::raise_fd_limit(count + 64);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async_snmp_case(case, secs, port, count, reps))
        }
        ClientId::Snmp2 => snmp2_case(case, secs, port),
        other => Err(format!("{other} is not a Rust peer")),
    }
}

fn arcs(oid: &str) -> Vec<u32> {
    oid.split('.').filter_map(|a| a.parse().ok()).collect()
}

async fn async_snmp_client(
    port: u16,
    v3: bool,
) -> Result<async_snmp::Client<async_snmp::UdpHandle>, String> {
    let auth: async_snmp::Auth = if v3 {
        async_snmp::UsmConfig::new(crate::cases::V3_USER)
            .auth_priv(
                async_snmp::AuthProtocol::Sha256,
                crate::cases::V3_AUTH,
                async_snmp::PrivProtocol::Aes128,
                crate::cases::V3_PRIV,
            )
            .map_err(|e| e.to_string())?
            .into()
    } else {
        async_snmp::Auth::v2c("public")
    };
    // Every client gets the same 2 s timeout and 1 retry (async-snmp's default is 3 retries
    // with a 1 s pause between them).
    let retry = async_snmp::Retry::fixed(1, Duration::ZERO).map_err(|e| e.to_string())?;
    async_snmp::Client::builder(("127.0.0.1", port), auth)
        .request_timeout(Duration::from_secs(2))
        .retry(retry)
        .connect()
        .await
        .map_err(|e| e.to_string())
}

async fn async_snmp_case(
    case: CaseId,
    secs: f64,
    port: u16,
    count: usize,
    reps: u32,
) -> Result<Measured, String> {
    use async_snmp::Oid;
    let v3 = case.v3();
    let get_oid = Oid::from_slice(&arcs(GET_OID));
    let (mut ops, mut vbs, mut errors) = (0u64, 0u64, 0u64);
    if let Work::Poll { rounds } = case.work() {
        let mut clients = Vec::with_capacity(count);
        for i in 0..count {
            clients.push(async_snmp_client(port + i as u16, false).await?);
        }
        let oid = Oid::from_slice(&arcs(POLL_OID));
        let meter = Meter::start();
        while ops == 0 || meter.elapsed() < secs {
            for _ in 0..rounds {
                let all = futures_util::future::join_all(clients.iter().map(|c| c.get(&oid))).await;
                for r in all {
                    tally(&r, &mut vbs, &mut errors);
                    ops += 1;
                }
            }
        }
        return Ok(meter.finish(ops, vbs, errors));
    }
    let c = async_snmp_client(port, v3).await?;
    if v3 {
        c.get(&get_oid).await.map_err(|e| e.to_string())?;
    }
    let meter = Meter::start();
    match case.work() {
        Work::Get => {
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..100 {
                    tally(&c.get(&get_oid).await, &mut vbs, &mut errors);
                    ops += 1;
                }
            }
        }
        Work::Walk { bulk, root } => {
            while ops == 0 || meter.elapsed() < secs {
                let mut walk = if !bulk {
                    c.walk_getnext(Oid::from_slice(&arcs(root)))
                } else {
                    c.bulk_walk(Oid::from_slice(&arcs(root)), reps)
                }
                .map_err(|e| e.to_string())?;
                while let Some(item) = walk.next().await {
                    tally(&item, &mut vbs, &mut errors);
                }
                ops += 1;
            }
        }
        Work::Poll { .. } => return Err("polls are run above".into()),
    }
    Ok(meter.finish(ops, vbs, errors))
}

fn snmp2_case(case: CaseId, secs: f64, port: u16) -> Result<Measured, String> {
    use snmp2::{Oid, SyncSession};
    if matches!(case.work(), Work::Poll { .. }) {
        return Err("blocking sessions only (no concurrency)".into());
    }
    let v3 = case.v3();
    let target = format!("127.0.0.1:{port}");
    let timeout = Some(Duration::from_secs(2));
    let mut s = if v3 {
        let security = snmp2::v3::Security::new(
            crate::cases::V3_USER.as_bytes(),
            crate::cases::V3_AUTH.as_bytes(),
        )
        .with_auth_protocol(snmp2::v3::AuthProtocol::Sha256)
        .with_auth(snmp2::v3::Auth::AuthPriv {
            cipher: snmp2::v3::Cipher::Aes128,
            privacy_password: crate::cases::V3_PRIV.as_bytes().to_vec(),
        });
        let mut s =
            SyncSession::new_v3(&target, timeout, 1, security).map_err(|e| e.to_string())?;
        s.init().map_err(|e| e.to_string())?;
        s
    } else {
        SyncSession::new_v2c(&target, b"public", timeout, 1).map_err(|e| e.to_string())?
    };
    let to_u64 = |o: &str| -> Vec<u64> { arcs(o).into_iter().map(u64::from).collect() };
    let get_arcs = to_u64(GET_OID);
    let get_oid = Oid::from(&get_arcs[..]).map_err(|e| format!("{e:?}"))?;
    if v3 {
        // The first authenticated request learns boots/time (AuthUpdated), as its README says.
        for _ in 0..3 {
            match s.get(&get_oid) {
                Err(snmp2::Error::AuthUpdated) => continue,
                Err(e) => return Err(e.to_string()),
                Ok(_) => break,
            }
        }
    }
    let (mut ops, mut vbs, mut errors) = (0u64, 0u64, 0u64);
    let meter = Meter::start();
    match case.work() {
        Work::Get => {
            while ops == 0 || meter.elapsed() < secs {
                for _ in 0..100 {
                    match s.get(&get_oid) {
                        Ok(pdu) => vbs += pdu.varbinds.count() as u64,
                        Err(_) => errors += 1,
                    }
                    ops += 1;
                }
            }
        }
        Work::Walk { bulk, root } => {
            let root = to_u64(root);
            while ops == 0 || meter.elapsed() < secs {
                // A walk by hand: the crate has no walk; ask from the last OID until the
                // answer leaves the subtree.
                let mut last = root.clone();
                'walk: loop {
                    let oid = Oid::from(&last[..]).map_err(|e| format!("{e:?}"))?;
                    let pdu = if bulk {
                        s.getbulk(&[&oid], 0, BULK_REPS)
                    } else {
                        s.getnext(&oid)
                    };
                    let pdu = match pdu {
                        Ok(p) => p,
                        Err(_) => {
                            errors += 1;
                            break 'walk;
                        }
                    };
                    let mut got = 0;
                    for (o, v) in pdu.varbinds {
                        let Some(a) = o.iter().map(|i| i.collect::<Vec<u64>>()) else {
                            break 'walk;
                        };
                        if !a.starts_with(&root) || matches!(v, snmp2::Value::EndOfMibView) {
                            break 'walk;
                        }
                        vbs += 1;
                        got += 1;
                        last = a;
                    }
                    if got == 0 {
                        break 'walk;
                    }
                }
                ops += 1;
            }
        }
        Work::Poll { .. } => return Err("polls are run above".into()),
    }
    Ok(meter.finish(ops, vbs, errors))
}
