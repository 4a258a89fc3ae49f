//! Errors in the caller's terms: the session's error texts with their OIDs named through a
//! MIB, as `snmpget` names them (`SNMPv2-MIB::sysDescr.99`).

use snmp_mib::{Format, Mib};
use snmp_session::Error as SessionError;

/// The text of `error` with its OIDs named through `mib` (`None` when it names no OID, or
/// the MIB names none of them).
pub(crate) fn operation_text(error: &SessionError, mib: &Mib) -> Option<Box<str>> {
    let name = |oid: &snmp_codec::Oid| Format::default().oid(mib, oid);
    let text = match error {
        SessionError::NoSuchObject { oid } => format!("no such object: {}", name(oid)),
        SessionError::NoSuchInstance { oid } => format!("no such instance: {}", name(oid)),
        SessionError::EndOfMibView { oid } => format!("end of MIB view after {}", name(oid)),
        SessionError::Status {
            status,
            index,
            oid: Some(oid),
        } => format!("{status} for {} (varbind {index})", name(oid)),
        SessionError::NonIncreasing {
            previous, received, ..
        } => format!(
            "OID not increasing: {} after {}",
            name(received),
            name(previous)
        ),
        _ => return None,
    };
    // Numbers stay numbers when the MIB knows none of them.
    (text != error.to_string()).then(|| text.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_are_named() {
        let mib = Mib::standard();
        let e = SessionError::NoSuchInstance {
            oid: "1.3.6.1.2.1.1.1.99".parse().unwrap(),
        };
        assert_eq!(
            operation_text(&e, &mib).as_deref(),
            Some("no such instance: SNMPv2-MIB::sysDescr.99")
        );
        assert_eq!(operation_text(&SessionError::Cancelled, &mib), None);
    }
}
