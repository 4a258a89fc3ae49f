//! `cargo run -p snmp-tokio --example trap_receiver -- [ADDR:PORT]`
//! Prints every trap and inform received (v1, v2c, and v3 for user `admin` with SHA/AES).
use futures_util::StreamExt;
use snmp_tokio::{AuthProtocol, Error, PrivProtocol, ReceiverConfig, TrapReceiver, UsmUser};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:16200".into());
    let addr = snmp_tokio::resolve(&addr, 162)?;
    let mut rx = TrapReceiver::bind(addr, ReceiverConfig::default()).await?;
    rx.add_user(
        UsmUser::new("admin")
            .with_auth(AuthProtocol::Sha1, b"auth-password")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-password"))
            .map_err(Error::Credentials)?,
    );
    println!(
        "listening on {} (engine ID {:02x?})",
        rx.local_addr(),
        &rx.engine_id()[..]
    );
    while let Some(n) = rx.next().await {
        println!(
            "{} {:?} {:?} from {}",
            n.pdu_type_name(),
            n.version,
            n.trap_oid,
            n.source
        );
        for vb in &n.varbinds {
            println!("  {vb}");
        }
    }
    Ok(())
}
