//! The README's first tokio program (the host from the command line, the v3 part behind
//! `--v3`), built with the tests so that the README's text keeps compiling:
//! `cargo run -p snmp-tokio --example first -- HOST[:PORT]` (a v2c agent, community public).

use snmp_tokio::{AuthProtocol, Manager, PrivProtocol, StreamExt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), snmp_tokio::Error> {
    let host = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "192.0.2.1".into());
    let m = Manager::builder(&host).community("public").build().await?;
    let descr: String = m.get("sysDescr.0").await?.try_into()?;
    println!("{descr}");
    let mut walk = m.bulk_walk("IF-MIB::ifDescr", 25);
    while let Some(item) = walk.next().await {
        let (oid, value) = item?;
        println!("{}", m.format(&oid, &value)); // IF-MIB::ifDescr.1 = STRING: lo
    }
    if std::env::args().nth(2).as_deref() != Some("--v3") {
        return Ok(());
    }
    let v3 = Manager::builder("[2001:db8::1]:161")
        .user("admin")
        .auth(AuthProtocol::Sha256, "auth-password")
        .privacy(PrivProtocol::Aes128, "priv-password")
        .build()
        .await?;
    // Typed indexes, typed cells by column name (a misspelt one is an error).
    for row in &v3.table("IF-MIB::ifTable").await? {
        let octets: u64 = row.get_as("ifInOctets")?;
        println!("{:?} {octets}", row.index_values());
    }
    Ok(())
}
