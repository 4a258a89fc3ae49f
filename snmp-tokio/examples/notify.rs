//! `cargo run -p snmp-tokio --example notify -- HOST[:PORT]`
//! An SNMPv2-Trap, then an InformRequest (which waits for the acknowledgement).
use snmp_tokio::{Error, Manager, Value, VarBind};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let host = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:162".into());
    let mgr = Manager::builder(&host).build().await?;
    let detail = VarBind::new("1.3.6.1.4.1.8072.2.3.2.1".parse()?, Value::Integer(60));
    mgr.send_trap("1.3.6.1.4.1.8072.2.3.0.1", vec![detail.clone()], 100)
        .await?;
    println!("trap sent");
    let ack = mgr
        .send_inform("1.3.6.1.4.1.8072.2.3.0.1", vec![detail], 101)
        .await?;
    println!("inform acknowledged with {} varbinds", ack.len());
    Ok(())
}
