//! A first program, written from the README and the rustdoc only, with nothing but
//! `snmp_smol` (and smol to run it; the same program as snmp-tokio's `newcomer`): get and walk by name and by number, an ifTable with
//! plain values, a SET of a `u32`, 50 agents polled from strings, and a trap received with its
//! community as `&str`.
//!
//! ```sh
//! cargo run --release -p snmp-cli -- sim --port 17500 --ports 50 &
//! cargo run --release -p snmp-smol --example newcomer_smol -- 127.0.0.1:17500 50
//! ```

use std::time::Duration;

use snmp_smol::{Manager, PollTarget, StreamExt, TrapReceiver};

fn main() -> Result<(), snmp_smol::Error> {
    smol::block_on(run())
}

async fn run() -> Result<(), snmp_smol::Error> {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "127.0.0.1:16100".into());
    let agents: u16 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);

    // Get and walk, with names or numbers.
    let m = Manager::builder(&first).community("public").build().await?;
    println!("sysDescr: {}", m.get("sysDescr.0").await?.bare());
    println!("sysName:  {}", m.get("1.3.6.1.2.1.1.5.0").await?.bare());
    let mut walk = m.walk("system");
    while let Some(item) = walk.next().await {
        let (oid, value) = item?;
        println!("{} = {}", m.name(&oid), value.bare());
    }

    // A table with plain values, columns by name.
    let table = m.table("IF-MIB::ifTable").await.map_err(|e| e.error)?;
    for row in &table.rows {
        let descr = row
            .get("ifDescr")
            .map(|v| v.bare().to_string())
            .unwrap_or_default();
        let octets: u64 = row.get("ifInOctets").and_then(|v| v.as_u64()).unwrap_or(0);
        println!("{:>4} {descr:<12} {octets}", row.index);
    }

    // A SET with a plain u32 (the agent takes sysName as a string; ifAdminStatus is an
    // INTEGER: 1 = up).
    let rw = Manager::builder(&first)
        .community("private")
        .build()
        .await?;
    rw.set("sysName.0", "renamed").await?;
    let echoed = rw.set("ifAdminStatus.1", 1i32).await?;
    println!("set ifAdminStatus.1 = {}", echoed.bare());
    let gauge = rw.set("1.3.6.1.4.1.99999.1.0", 7u32).await;
    println!("set a u32: {}", gauge?.bare());

    // Many agents at once, from strings.
    let (host, port) = first.rsplit_once(':').unwrap_or((first.as_str(), "161"));
    let port: u16 = port.parse().unwrap_or(161);
    let targets: Vec<PollTarget> = (0..agents)
        .map(|i| PollTarget::v2c_host(&format!("{host}:{}", port + i), "public"))
        .collect::<Result<_, _>>()?;
    let mut results = m.poll_names(targets, ["sysName.0", "sysUpTime.0"], 50)?;
    let (mut ok, mut failed) = (0, 0);
    while let Some(r) = results.next().await {
        match r.result {
            Ok(_) => ok += 1,
            Err(e) => {
                failed += 1;
                eprintln!("{}: {e}", r.target);
            }
        }
    }
    println!("polled {agents} agents: {ok} values, {failed} errors");

    // A trap, sent to ourselves and received, its community read as text.
    let mut rx = TrapReceiver::bind("127.0.0.1:0", Default::default()).await?;
    let to = rx.local_addr().to_string();
    let sender = Manager::builder(&to).community("public").build().await?;
    sender.send_trap("coldStart", vec![], 100).await?;
    let trap =
        futures_util::future::select(rx.next(), smol::Timer::after(Duration::from_secs(5))).await;
    match trap {
        futures_util::future::Either::Left((Some(n), _)) => println!(
            "trap {} from {} community {}",
            n.trap_oid.as_ref().map(|o| m.name(o)).unwrap_or_default(),
            n.source,
            n.community_str().unwrap_or("?")
        ),
        _ => eprintln!("no trap arrived"),
    }
    println!("newcomer done");
    Ok(())
}
