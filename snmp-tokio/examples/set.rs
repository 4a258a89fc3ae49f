//! `cargo run -p snmp-tokio --example set -- HOST[:PORT] COMMUNITY TEXT`
//! SET sysContact.0 to TEXT through a read-write community, then read it back.
use snmp_tokio::{Error, Manager};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("127.0.0.1", String::as_str);
    let community = args.get(1).map_or("private", String::as_str);
    let text = args.get(2).map_or("ops@example.net", String::as_str);
    let mgr = Manager::builder(host).community(community).build().await?;
    mgr.set("1.3.6.1.2.1.1.4.0", text).await?;
    println!("sysContact.0 = {}", mgr.get("1.3.6.1.2.1.1.4.0").await?);
    Ok(())
}
