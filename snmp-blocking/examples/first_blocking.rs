//! The README's first blocking program (the host from the command line, the SET behind
//! `--set`), built with the tests so that the README's text keeps compiling:
//! `cargo run -p snmp-blocking --example first_blocking -- HOST[:PORT]` (a v2c agent, community
//! public; the SET needs write access).

use snmp_blocking::Manager;

fn main() -> Result<(), snmp_blocking::Error> {
    let host = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "192.0.2.1".into());
    let m = Manager::builder(&host).community("public").build()?;
    println!("{}", m.get("sysDescr.0")?.bare());
    for item in m.bulk_walk("IF-MIB::ifDescr", 25) {
        let (oid, value) = item?;
        println!("{}", m.format(&oid, &value));
    }
    if std::env::args().nth(2).as_deref() == Some("--set") {
        m.set("sysContact.0", "ops@example.net")?;
    }
    Ok(())
}
