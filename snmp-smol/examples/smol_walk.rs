//! `cargo run -p snmp-smol --example smol_walk -- HOST[:PORT] [OID]`: a bulk walk on smol.
use futures_util::StreamExt;
use snmp_smol::{Error, Manager};

fn main() -> Result<(), Error> {
    smol::block_on(async {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let host = args.first().map_or("127.0.0.1", String::as_str);
        let root = args.get(1).map_or("1.3.6.1.2.1.1", String::as_str);
        let mgr = Manager::builder(host).build().await?;
        let mut walk = mgr.bulk_walk(root, 25);
        while let Some(item) = walk.next().await {
            let (oid, value) = item?;
            println!("{oid:#} = {value}");
        }
        Ok(())
    })
}
