//! `cargo run -p snmp-tokio --example walk -- HOST[:PORT] [OID] [bulk]`
//! A walk (GETNEXT) or, with `bulk`, a bulk walk (GETBULK of 25), printed like `snmpwalk -On`.
use futures_util::StreamExt;
use snmp_tokio::{Error, Manager};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("127.0.0.1", String::as_str);
    let root = args.get(1).map_or("1.3.6.1.2.1.1", String::as_str);
    let mgr = Manager::builder(host).build().await?;
    let mut walk = if args.get(2).is_some_and(|a| a == "bulk") {
        mgr.bulk_walk(root, 25)
    } else {
        mgr.walk(root)
    };
    while let Some(item) = walk.next().await {
        let (oid, value) = item?;
        println!("{oid:#} = {value}");
    }
    Ok(())
}
