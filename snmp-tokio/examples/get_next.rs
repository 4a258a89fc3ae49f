//! `cargo run -p snmp-tokio --example get_next -- HOST[:PORT] [OID]`
//! GETNEXT, then GETBULK of 10 after the same OID.
use snmp_tokio::{Error, Manager};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("127.0.0.1", String::as_str);
    let oid = args.get(1).map_or("1.3.6.1.2.1.1", String::as_str);
    let mgr = Manager::builder(host).build().await?;
    let (next, value) = mgr.get_next(oid).await?;
    println!("get_next: {next:#} = {value}");
    for (o, v) in mgr.get_bulk([oid], 0, 10).await? {
        println!("get_bulk: {o:#} = {v}");
    }
    Ok(())
}
