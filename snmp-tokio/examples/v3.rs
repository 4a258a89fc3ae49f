//! `cargo run -p snmp-tokio --example v3 -- HOST[:PORT] USER AUTHPASS PRIVPASS`
//! SNMPv3 authPriv (SHA-256 + AES-128) GET of sysDescr.0.
use snmp_tokio::{AuthProtocol, Error, Manager, PrivProtocol};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: &'static str| args.get(i).map_or(d, String::as_str).to_owned();
    let mgr = Manager::builder(&arg(0, "127.0.0.1"))
        .user(arg(1, "admin"))
        .auth(AuthProtocol::Sha256, arg(2, "auth-password"))
        .privacy(PrivProtocol::Aes128, arg(3, "priv-password"))
        .build()
        .await?;
    println!("{}", mgr.get("1.3.6.1.2.1.1.1.0").await?);
    Ok(())
}
