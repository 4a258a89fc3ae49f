//! `cargo run -p snmp-tokio --example get -- HOST[:PORT] [COMMUNITY] [OID...]`
//! GET of one or more OIDs (default sysDescr.0 and sysUpTime.0) over SNMPv2c.
use snmp_tokio::{Error, Manager};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("127.0.0.1", String::as_str);
    let community = args.get(1).map_or("public", String::as_str);
    let mut oids: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
    if oids.is_empty() {
        oids = vec!["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"];
    }
    let mgr = Manager::builder(host).community(community).build().await?;
    if let [one] = oids[..] {
        println!("{one} = {}", mgr.get(one).await?);
    } else {
        for (oid, value) in oids.iter().zip(mgr.get_many(&oids).await?) {
            println!("{oid} = {value}");
        }
    }
    Ok(())
}
