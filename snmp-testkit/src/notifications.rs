//! Notifications as a sender puts them on the wire, for the trap receivers' tests.

use snmp_codec::{Bytes, CommunityMessage, Oid, Pdu, Value, VarBind, Version};

/// sysUpTime.0, snmpTrapOID.0 (netSnmpExampleHeartbeatNotification) and a varbind under
/// `...8072.2.3.2.{marker}` holding `payload` bytes.
pub fn trap_varbinds(marker: u32, payload: usize) -> Vec<VarBind> {
    vec![
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
            Value::TimeTicks(1),
        ),
        VarBind::new(
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
            Value::ObjectIdentifier(Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 1])),
        ),
        VarBind::new(
            marker_oid(marker),
            Value::OctetString(Bytes::from(vec![b'x'; payload])),
        ),
    ]
}

/// The OID of [`trap_varbinds`]' third varbind.
pub fn marker_oid(marker: u32) -> Oid {
    Oid::from_arcs(&[1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, marker])
}

/// `pdu` in a v2c message with community `public`, encoded.
pub fn v2c_message(pdu: Pdu) -> Vec<u8> {
    CommunityMessage {
        version: Version::V2c,
        community: Bytes::from_static(b"public"),
        pdu,
    }
    .to_vec()
}

/// A TCP peer of the receiver at `to` that sends informs of 8 KiB and never reads their
/// acknowledgements, until its connection is closed or 200 MB are sent: (closed, bytes sent).
pub fn non_reading_peer(to: std::net::SocketAddr) -> (bool, usize) {
    use std::io::Write;
    let Ok(mut s) = std::net::TcpStream::connect(to) else {
        return (true, 0);
    };
    let inform = v2c_message(Pdu::InformRequest(snmp_codec::GenericPdu::new(
        7,
        trap_varbinds(1, 8192),
    )));
    let mut sent = 0usize;
    while sent < 200 << 20 {
        if s.write_all(&inform).is_err() {
            return (true, sent);
        }
        sent += inform.len();
    }
    (false, sent)
}
