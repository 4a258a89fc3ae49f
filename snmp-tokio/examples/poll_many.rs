//! `cargo run -p snmp-tokio --example poll_many -- HOST:PORT [HOST:PORT...]`
//! sysUpTime.0 and sysName.0 from many agents at once over one socket, 50 at a time.
use futures_util::StreamExt;
use snmp_tokio::{Client, Error, PollTarget};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let hosts: Vec<String> = std::env::args().skip(1).collect();
    let targets: Vec<PollTarget> = hosts
        .iter()
        .map(|h| Ok(PollTarget::v2c(snmp_tokio::resolve(h, 161)?, "public")))
        .collect::<Result<_, Error>>()?;
    let client = Client::with_defaults()?;
    let oids = vec!["1.3.6.1.2.1.1.3.0".parse()?, "1.3.6.1.2.1.1.5.0".parse()?];
    let mut results = client.poll_many(targets, oids, 50);
    while let Some(r) = results.next().await {
        match r.result {
            Ok(v) => println!("{} {:#} = {v}", r.target, r.oid),
            Err(e) => println!("{} {:#}: {e}", r.target, r.oid),
        }
    }
    Ok(())
}
