//! Periodic polling for rates: every agent's sysUpTime.0 and ifInOctets.1 every interval,
//! each agent with its own timeout (a dead one costs 0.8 s, not the default 20 s), the
//! results addressed by target and OID position (never by printed names), and the octet
//! rate from two polls with `counter_delta` (Counter32 wrap and agent restarts handled).
//!
//! ```sh
//! cargo run --release -p snmp-cli -- sim --port 17500 --ports 50 &
//! cargo run --release -p snmp-tokio --example poll_rates -- 127.0.0.1:17500 50 3
//! ```

use std::time::Duration;

use snmp_tokio::{counter_delta, group_by_target, Client, Oid, PollTarget, StreamExt, Value};

#[tokio::main]
async fn main() -> Result<(), snmp_tokio::Error> {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "127.0.0.1:16100".into());
    let agents: u16 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let (host, port) = first.rsplit_once(':').unwrap_or((first.as_str(), "161"));
    let port: u16 = port.parse().unwrap_or(161);

    // Every target with a timeout well under the poll interval.
    let targets: Vec<PollTarget> = (0..agents)
        .map(|i| {
            PollTarget::v2c_host(&format!("{host}:{}", port + i), "public")
                .map(|t| t.with_timeout(Duration::from_millis(400), 1))
        })
        .collect::<Result<_, _>>()?;
    // OIDs by position: 0 is the uptime, 1 the counter.
    let oids: Vec<Oid> = vec![
        "1.3.6.1.2.1.1.3.0".parse()?,
        "1.3.6.1.2.1.2.2.1.10.1".parse()?,
    ];
    let client = Client::with_defaults()?;
    let mut previous: Vec<Option<(Value, u32)>> = vec![None; targets.len()];
    let mut interval = tokio::time::interval(Duration::from_millis(500));
    let (mut rates, mut failed) = (0, 0);
    for round in 0..rounds {
        interval.tick().await;
        let results: Vec<_> = client
            .poll_many(targets.iter().cloned(), oids.clone(), 100)
            .collect()
            .await;
        for (i, values) in group_by_target(results, targets.len(), oids.len())
            .into_iter()
            .enumerate()
        {
            let (Some(Ok(Value::TimeTicks(up))), Some(Ok(octets))) = (&values[0], &values[1])
            else {
                failed += 1;
                continue;
            };
            if let Some((before, up_before)) = &previous[i] {
                if let Some(delta) = counter_delta((before, *up_before), (octets, *up)) {
                    let secs = f64::from(up.saturating_sub(*up_before)).max(1.0) / 100.0;
                    if i == 0 {
                        println!(
                            "round {round}: agent 0 ifInOctets.1 {:.1} octets/s",
                            delta as f64 / secs
                        );
                    }
                    rates += 1;
                }
            }
            previous[i] = Some((octets.clone(), *up));
        }
    }
    println!("{rates} rates from {agents} agents, {failed} failed polls");
    println!("rates done");
    Ok(())
}
