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
    let sim = snmp_sim::serve_agents(&config, snmp_sim::Agent::recorded_device).await?;
    let host = sim.addrs[0].to_string();
    println!("simulated agents on {:?}\n", sim.addrs);
    let mgr = Manager::builder(&host).build().await?;
    // Every varbind as snmpwalk prints it with MIBs (`IF-MIB::ifDescr.4 = STRING: eth0`).
    let show = |o: &Oid, v: &Value| println!("{}", mgr.format(o, v));

    println!("# get sysDescr.0");
    let descr = mgr.get("sysDescr.0").await?;
    show(&"1.3.6.1.2.1.1.1.0".parse()?, &descr);
    println!("\n# get_varbinds sysName.0, sysUpTime.0");
    for vb in mgr.get_varbinds(["sysName.0", "sysUpTime.0"]).await? {
        show(&vb.oid, &vb.value);
    }
    println!("\n# get_next system");
    let (o, v) = mgr.get_next("system").await?;
    show(&o, &v);
    println!("\n# get_bulk ifDescr, 4 repetitions");
    for (o, v) in mgr.get_bulk(["ifDescr"], 0, 4).await? {
        show(&o, &v);
    }
    println!("\n# walk ifName (IF-MIB's ifXTable)");
    let mut w = mgr.walk("ifName");
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        show(&o, &v);
    }
    println!("\n# bulk_walk ifHCInOctets");
    let mut w = mgr.bulk_walk("ifHCInOctets", 10);
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        show(&o, &v);
    }
    println!("\n# set sysName.0 (community private), then get it");
    let rw = Manager::builder(&host).community("private").build().await?;
    let name = "renamed-by-demo";
    rw.set("sysName.0", name).await?;
    let back = mgr.get("sysName.0").await?;
    show(&"1.3.6.1.2.1.1.5.0".parse()?, &back);
    if back != Value::from(name) {
        return Err(Failure::Usage(format!(
            "demo: sysName.0 reads back {back}, not the {name:?} just set"
        )));
    }
    println!("\n# table IF-MIB::ifTable (ifDescr, ifOperStatus, ifInOctets of each row)");
    let table = mgr.table("ifTable").await.map_err(Error::from)?;
    let oper_status: Oid = "1.3.6.1.2.1.2.2.1.8".parse()?;
    for row in &table {
        let descr: String = row.get_as("ifDescr")?;
        let octets: u64 = row.get_as("ifInOctets")?;
        // The value as the MIB describes it (`up(1)`), at its instance OID.
        let mut instance = oper_status.clone();
        instance.extend_from_slice(row.index.arcs());
        let status = row
            .get("ifOperStatus")
            .map(|v| mgr.describe(&instance, v).value)
            .unwrap_or_default();
        println!("{}  {descr}  {status}  {octets} octets in", row.index);
    }
    if table.rows.is_empty() {
        return Err(Failure::Usage("demo: ifTable has no rows".into()));
    }
    println!("\n# v3 authPriv (SHA-256 + AES-128) get sysDescr.0");
    let v3 = Manager::builder(&host)
        .user("demo")
        .auth(AuthProtocol::Sha256, "demo-auth-pass")
        .privacy(PrivProtocol::Aes128, "demo-priv-pass")
        .build()
        .await?;
    let v3_descr = v3.get("sysDescr.0").await?;
    show(&"1.3.6.1.2.1.1.1.0".parse()?, &v3_descr);
    if v3_descr != descr {
        return Err(Failure::Usage(
            "demo: sysDescr.0 differs between v2c and v3".into(),
        ));
    }
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
    let mut results = client.poll_names(mgr.mib(), targets, ["sysName.0", "sysUpTime.0"], 10)?;
    let (mut n, mut failed) = (0, 0);
    while let Some(r) = results.next().await {
        match r.result {
            Ok(v) => println!("{} {}", r.target, mgr.format(&r.oid, &v)),
            Err(e) => {
                println!("{} {}: {e}", r.target, mgr.name(&r.oid));
                failed += 1;
            }
        }
        n += 1;
    }
    if failed > 0 || n != 2 * sim.addrs.len() {
        return Err(Failure::Usage(format!(
            "demo: {failed} of {n} poll results failed ({} expected)",
            2 * sim.addrs.len()
        )));
    }
    println!("\n{n} poll results; demo done");
    Ok(())
}
