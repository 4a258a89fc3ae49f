//! `snmp demo`: simulated agents on loopback, and every Manager operation against them.

use snmp_tokio::{
    AuthProtocol, Client, Error, Manager, Oid, PollTarget, PrivProtocol, StreamExt, Value, VarBind,
};

use crate::failure::Failure;

pub(crate) async fn demo() -> Result<(), Failure> {
    let user = snmp_tokio::UsmUser::new("demo")
        .with_auth(AuthProtocol::Sha256, b"demo-auth-pass")
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"demo-priv-pass"))
        .map_err(Error::Credentials)?;
    let config = snmp_sim::SimConfig {
        agents: 4,
        users: vec![user],
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(4)).await?;
    let host = sim.addrs[0].to_string();
    println!("simulated agents on {:?}\n", sim.addrs);
    let mgr = Manager::builder(&host).build().await?;

    println!("# get sysDescr.0");
    println!("{}", mgr.get("1.3.6.1.2.1.1.1.0").await?);
    println!("\n# get_many sysName.0, sysUpTime.0");
    for v in mgr
        .get_many(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"])
        .await?
    {
        println!("{v}");
    }
    println!("\n# get_next system");
    let (o, v) = mgr.get_next("1.3.6.1.2.1.1").await?;
    println!("{o:#} = {v}");
    println!("\n# get_bulk ifDescr, 4 repetitions");
    for (o, v) in mgr.get_bulk(["1.3.6.1.2.1.2.2.1.2"], 0, 4).await? {
        println!("{o:#} = {v}");
    }
    println!("\n# walk system");
    let mut w = mgr.walk("1.3.6.1.2.1.1");
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        println!("{o:#} = {v}");
    }
    println!("\n# bulk_walk ifInOctets (column 10)");
    let mut w = mgr.bulk_walk("1.3.6.1.2.1.2.2.1.10", 10);
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        println!("{o:#} = {v}");
    }
    println!("\n# set sysName.0 (community private), then get it");
    let rw = Manager::builder(&host).community("private").build().await?;
    rw.set("1.3.6.1.2.1.1.5.0", "renamed-by-demo").await?;
    println!("{}", mgr.get("1.3.6.1.2.1.1.5.0").await?);
    println!("\n# get_table ifTable columns 2 (ifDescr) and 10 (ifInOctets)");
    let table = mgr
        .get_table("1.3.6.1.2.1.2.2.1", Some(&[2, 10]), 25)
        .await
        .map_err(snmp_tokio::Error::from)?;
    for r in &table {
        let cols: Vec<String> = r.cells.iter().map(|(c, v)| format!("{c}: {v}")).collect();
        println!("{}  {}", r.index, cols.join(", "));
    }
    println!("\n# v3 authPriv (SHA-256 + AES-128) get sysDescr.0");
    let v3 = Manager::builder(&host)
        .user("demo")
        .auth(AuthProtocol::Sha256, "demo-auth-pass")
        .privacy(PrivProtocol::Aes128, "demo-priv-pass")
        .build()
        .await?;
    println!("{}", v3.get("1.3.6.1.2.1.1.1.0").await?);
    println!("\n# send_inform to the simulator (acknowledged)");
    let ack = mgr
        .send_inform(
            "1.3.6.1.4.1.8072.2.3.0.1",
            vec![VarBind::new(
                "1.3.6.1.4.1.8072.2.3.2.1".parse()?,
                Value::Integer(60),
            )],
            100,
        )
        .await?;
    println!("acknowledged, {} varbinds echoed", ack.len());
    println!(
        "\n# poll_many sysName.0 and sysUpTime.0 over {} agents",
        sim.addrs.len()
    );
    let client = Client::with_defaults()?;
    let targets: Vec<PollTarget> = sim
        .addrs
        .iter()
        .map(|a| PollTarget::v2c(*a, "public"))
        .collect();
    let oids: Vec<Oid> = vec!["1.3.6.1.2.1.1.5.0".parse()?, "1.3.6.1.2.1.1.3.0".parse()?];
    let mut results = client.poll_many(targets, oids, 10);
    let mut n = 0;
    while let Some(r) = results.next().await {
        match r.result {
            Ok(v) => println!("{} {:#} = {v}", r.target, r.oid),
            Err(e) => println!("{} {:#}: {e}", r.target, r.oid),
        }
        n += 1;
    }
    println!("\n{n} poll results; demo done");
    Ok(())
}
