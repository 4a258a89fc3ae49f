//! A trap is on the wire when `send_trap` returns (a program may exit right after).

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

#[test]
fn a_trap_is_sent_before_send_trap_returns() {
    let listener = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    for flavour in ["current", "multi"] {
        let rt = match flavour {
            "current" => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        }
        .enable_all()
        .build()
        .unwrap();
        rt.block_on(async {
            let m = snmp_tokio::Manager::builder(&addr.to_string())
                .build()
                .await
                .unwrap();
            m.send_trap("1.3.6.1.6.3.1.1.5.3", vec![], 123)
                .await
                .unwrap();
        });
        // The runtime (and its driver task) is gone: the datagram left before.
        drop(rt);
        let mut buf = [0u8; 1500];
        let (n, _) = listener.recv_from(&mut buf).expect(flavour);
        assert!(n > 20, "{flavour}: {n} bytes");
    }
}
