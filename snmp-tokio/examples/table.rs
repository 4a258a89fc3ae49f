//! `cargo run -p snmp-tokio --example table -- HOST[:PORT]`
//! ifTable's ifDescr (2) and ifType (3) columns, only those columns fetched.
use snmp_tokio::{Error, Manager, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let host = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1".into());
    let mgr = Manager::builder(&host).build().await?;
    let table = mgr
        .get_table("1.3.6.1.2.1.2.2.1", Some(&[2, 3]), 25)
        .await?;
    for row in &table {
        let descr = row.column(2).and_then(Value::as_str).unwrap_or("?");
        let kind = row.column(3).and_then(Value::as_i64).unwrap_or(0);
        println!("{}\t{descr}\ttype {kind}", row.index);
    }
    Ok(())
}
