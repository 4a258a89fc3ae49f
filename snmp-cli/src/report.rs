//! The one packet-error path of every command.

use snmp_tokio::session::Error as OpError;
use snmp_tokio::Error;

use crate::failure::Failure;
use crate::names::Names;
use crate::netsnmp::{self, Tool};

/// A failed request as Net-SNMP's tool of `tool` reports it: an error-status answer printed
/// as "Error in packet" with the failed OID named by the loaded MIB (exit 2), anything else
/// as it is. The one packet-error path of every command.
pub(crate) fn request_failed(tool: Tool, names: &Names, e: Error) -> Failure {
    if print_packet_error(tool, names, &e) {
        return Failure::Exit(2);
    }
    e.into()
}

/// Prints an error-status answer as Net-SNMP's tool of `tool` does ("Error in packet", the
/// reason, the failed OID named by the loaded MIB) and says whether `e` was one; a command
/// that goes on after it (snmpget's fix-and-retry) calls this, the others
/// [`request_failed`].
pub(crate) fn print_packet_error(tool: Tool, names: &Names, e: &Error) -> bool {
    match e.operation() {
        Some(OpError::Status { status, index, oid }) => {
            let failed = oid.as_ref().map(|o| names.oid(o));
            eprint!("{}", netsnmp::packet_error(tool, *status, *index, failed));
            true
        }
        _ => false,
    }
}
