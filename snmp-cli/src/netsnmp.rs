//! What Net-SNMP's tools print when something goes wrong, and how they read a host: the texts
//! here are copied from Net-SNMP 5.9 (its tools and libnetsnmp), so that a script written
//! against `snmpget` reads `snmp get` alike.

use snmp_tokio::codec::ErrorStatus;
use snmp_tokio::session::{ConnectionError, Error as OpError, ReportKind};
use snmp_tokio::{Error, Transport};

use crate::failure::Failure;

/// The Net-SNMP tool a command stands in for: its name and the small differences in the
/// texts of each (`Timeout: ...` ends with a period in some, `Error in packet` in others).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Get,
    GetNext,
    BulkGet,
    Walk,
    BulkWalk,
    Set,
    Table,
    Trap,
    Inform,
    Translate,
    Other,
}

impl Tool {
    /// Net-SNMP's name for it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::Get => "snmpget",
            Tool::GetNext => "snmpgetnext",
            Tool::BulkGet => "snmpbulkget",
            Tool::Walk => "snmpwalk",
            Tool::BulkWalk => "snmpbulkwalk",
            Tool::Set => "snmpset",
            Tool::Table => "snmptable",
            Tool::Trap => "snmptrap",
            Tool::Inform => "snmpinform",
            Tool::Translate => "snmptranslate",
            Tool::Other => "snmp",
        }
    }

    /// `Timeout: No Response from HOST.`: snmpget and snmpgetnext end it with a period.
    fn timeout_period(self) -> bool {
        matches!(self, Tool::Get | Tool::GetNext)
    }

    /// `Error in packet`: snmpget alone writes it without a period.
    fn packet_period(self) -> bool {
        self != Tool::Get
    }

    /// The `-C` letters the tool takes (a letter followed by `#` takes a number or a value).
    pub(crate) fn app_letters(self) -> &'static str {
        match self {
            Tool::Get | Tool::GetNext => "f",
            Tool::BulkGet => "n#r#",
            Tool::Walk => "pcitTIE#",
            Tool::BulkWalk => "cin#pr#",
            Tool::Set => "q",
            Tool::Table => "bBc#f#hHilr#w#",
            Tool::Trap | Tool::Inform => "i",
            Tool::Translate | Tool::Other => "",
        }
    }
}

/// libnetsnmp's text for an error-status (`snmp_errstring`).
pub(crate) fn status_text(status: ErrorStatus) -> String {
    use ErrorStatus as E;
    match status {
        E::NoError => "(noError) No Error",
        E::TooBig => "(tooBig) Response message would have been too large.",
        E::NoSuchName => "(noSuchName) There is no such variable name in this MIB.",
        E::BadValue => "(badValue) The value given has the wrong type or length.",
        E::ReadOnly => {
            "(readOnly) The two parties used do not have access to use the specified SNMP PDU."
        }
        E::GenErr => "(genError) A general failure occured",
        E::NoAccess => "noAccess",
        E::WrongType => "wrongType (The set datatype does not match the data type the agent expects)",
        E::WrongLength => {
            "wrongLength (The set value has an illegal length from what the agent expects)"
        }
        E::WrongEncoding => "wrongEncoding",
        E::WrongValue => "wrongValue (The set value is illegal or unsupported in some way)",
        E::NoCreation => {
            "noCreation (That table does not support row creation or that object can not ever be created)"
        }
        E::InconsistentValue => {
            "inconsistentValue (The set value is illegal or unsupported in some way)"
        }
        E::ResourceUnavailable => {
            "resourceUnavailable (This is likely a out-of-memory failure within the agent)"
        }
        E::CommitFailed => "commitFailed",
        E::UndoFailed => "undoFailed",
        E::AuthorizationError => "authorizationError (access denied to that object)",
        E::NotWritable => "notWritable (That object does not support modification)",
        E::InconsistentName => "inconsistentName (That object can not currently be created)",
        _ => return format!("Unknown Error {}", i32::from(status)),
    }
    .to_owned()
}

/// libnetsnmp's text for a v3 Report (`snmp_api_errstring`).
fn report_text(kind: &ReportKind) -> String {
    match kind {
        ReportKind::UnsupportedSecurityLevel => "Unsupported security level".into(),
        ReportKind::NotInTimeWindow => "Not in time window".into(),
        ReportKind::UnknownUserName => "Unknown user name".into(),
        ReportKind::UnknownEngineId => "Unknown engine ID".into(),
        ReportKind::WrongDigest => {
            "Authentication failure (incorrect password, community or key)".into()
        }
        ReportKind::DecryptionError => "Decryption error".into(),
        ReportKind::UnknownContext => "Unknown Context".into(),
        other => other.to_string(),
    }
}

/// An error-status answer as the tool prints it (`Error in packet`, `Reason:`, and with a
/// nonzero `index` `Failed object:` with the failed OID as the caller names it): the one
/// rendering of a packet error, whoever prints it.
pub(crate) fn packet_error(
    tool: Tool,
    status: ErrorStatus,
    index: u32,
    failed: Option<String>,
) -> String {
    let mut text = format!(
        "Error in packet{}\nReason: {}\n",
        if tool.packet_period() { "." } else { "" },
        status_text(status)
    );
    if index != 0 {
        text.push_str("Failed object: ");
        if let Some(name) = failed {
            text.push_str(&name);
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// An unknown name as libnetsnmp says it (`X: Unknown Object Identifier (Sub-id not found:
/// (top) -> X)`), with our suggestions on a line of their own.
pub(crate) fn name_error(e: &snmp_mib::ResolveError, mib: &snmp_mib::Mib) -> String {
    use snmp_mib::ResolveError as R;
    match e {
        R::UnknownName {
            text,
            name,
            suggestions,
        } => {
            let first = text.split("::").last().unwrap_or(text);
            // The node the unknown name was looked for under, as libnetsnmp names it.
            let parent = first
                .find(&format!(".{name}"))
                .map(|at| &first[..at])
                .filter(|p| !p.is_empty())
                .and_then(|p| mib.resolve(p).ok())
                .and_then(|oid| mib.node_by_oid(oid.arcs()).map(|n| n.name().to_owned()));
            let mut s = if text.contains("::") {
                format!("{text}: Unknown Object Identifier")
            } else if first.trim_start_matches('.').starts_with(name.as_str()) {
                format!("{text}: Unknown Object Identifier (Sub-id not found: (top) -> {name})")
            } else if let Some(parent) = parent {
                format!("{text}: Unknown Object Identifier (Sub-id not found: {parent} -> {name})")
            } else {
                format!("{text}: Unknown Object Identifier ({name})")
            };
            if !suggestions.is_empty() {
                s.push_str(&format!("\nDid you mean: {}?", suggestions.join(", ")));
            }
            s
        }
        R::UnknownModule { text, module } => format!(
            "Cannot find module ({module}): At line 1 in (none)\n{text}: Unknown Object Identifier"
        ),
        R::Syntax { text, part, at } if part.is_empty() => {
            // An empty sub-identifier: libnetsnmp names the node it looked under, or for text
            // that starts with a label, that label under the top.
            let first = text.split("::").last().unwrap_or(text);
            if first.starts_with(|c: char| c.is_ascii_alphabetic()) && !text.contains("::") {
                let label = first.split('.').next().unwrap_or(first);
                return format!(
                    "{text}: Unknown Object Identifier (Sub-id not found: (top) -> {label})"
                );
            }
            let before = text.get(..at.saturating_sub(1)).unwrap_or("");
            let parent = Some(before)
                .filter(|p| !p.trim_start_matches('.').is_empty())
                .and_then(|p| mib.resolve(p).ok())
                .and_then(|oid| mib.node_by_oid(oid.arcs()).map(|n| n.name().to_owned()))
                .unwrap_or_else(|| "(top)".to_owned());
            format!("{text}: Unknown Object Identifier (Sub-id not found: {parent} -> )")
        }
        R::Syntax { text, part, .. } => format!("{text}: Unknown Object Identifier ({part})"),
        other => other.to_string(),
    }
}

/// Prints `e` as the tool would and gives the exit code.
pub(crate) fn report(tool: Tool, host: &str, e: &Failure) -> u8 {
    match e {
        Failure::Exit(code) => *code,
        Failure::Usage(m) => {
            eprintln!("{m}");
            1
        }
        Failure::Snmp(e) => {
            eprintln!("{}", error_text(tool, host, e));
            1
        }
    }
}

/// The text of a library error, in Net-SNMP's words where it has them.
pub(crate) fn error_text(tool: Tool, host: &str, e: &Error) -> String {
    let name = tool.name();
    match e {
        Error::Name(n) => name_error(n, &snmp_mib::Mib::standard()),
        Error::Resolve(h) => format!("{name}: Unknown host ({h})"),
        Error::Credentials(u) => format!("{name}: {u}"),
        _ => match e.operation() {
            // A closed UDP port is known at once here (the ICMP port unreachable is read);
            // Net-SNMP's tools ignore it and print the timeout they wait for: the same line,
            // sooner.
            Some(
                OpError::Timeout { .. }
                | OpError::PrivacyTimeout { .. }
                | OpError::Connection(ConnectionError::PortUnreachable),
            ) => format!(
                "Timeout: No Response from {host}{}",
                if tool.timeout_period() { "." } else { "" }
            ),
            Some(OpError::Report(kind)) => format!("{name}: {}", report_text(kind)),
            // What Net-SNMP's tools print when a tcp: connect fails.
            Some(OpError::Connection(ConnectionError::Refused)) => {
                format!("{name}: Unknown host ({host}) (Connection refused)")
            }
            Some(OpError::Connection(ConnectionError::ConnectTimeout)) => {
                format!("{name}: Unknown host ({host}) (Connection timed out)")
            }
            Some(OpError::Status { status, .. }) => {
                packet_error(tool, *status, 0, None).trim_end().to_owned()
            }
            Some(other) => format!("{name}: {other}"),
            None => format!("{name}: {e}"),
        },
    }
}

/// A host as Net-SNMP's tools take it: `HOST`, `HOST:PORT`, `[IPv6]:PORT`, with an optional
/// transport (`udp:`, `udp6:`, `udpv6:`, `udpipv6:`, and over TCP `tcp:`, `tcp6:`, `tcpv6:`,
/// `tcpipv6:`). The other transports (unix, TLS, DTLS, SSH ...) are refused with a plain
/// message.
pub(crate) fn host(text: &str) -> Result<(Transport, String), Failure> {
    let lower = text.to_ascii_lowercase();
    for prefix in [
        "unix:", "ipx:", "aal5pvc:", "dtlsudp:", "tls:", "tlstcp:", "ssh:",
    ] {
        if lower.starts_with(prefix) {
            return Err(Failure::Usage(format!(
                "{text}: the {} transport is not supported (this tool speaks SNMP over UDP and \
                 TCP; use udp:, udp6:, tcp: or tcp6:)",
                &prefix[..prefix.len() - 1]
            )));
        }
    }
    let (transport, rest) = snmp_tokio::split_transport(text);
    Ok((transport, rest.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_as_net_snmp_writes_them() {
        let udp = |h: &str| (Transport::Udp, h.to_owned());
        let tcp = |h: &str| (Transport::Tcp, h.to_owned());
        assert_eq!(host("udp:127.0.0.1:161").unwrap(), udp("127.0.0.1:161"));
        assert_eq!(host("udp6:[::1]:1161").unwrap(), udp("[::1]:1161"));
        assert_eq!(host("UDP6:::1").unwrap(), udp("::1"));
        assert_eq!(host("localhost").unwrap(), udp("localhost"));
        assert_eq!(host("tcp:127.0.0.1:161").unwrap(), tcp("127.0.0.1:161"));
        assert_eq!(host("TCP6:[::1]:161").unwrap(), tcp("[::1]:161"));
        let Err(Failure::Usage(m)) = host("tls:127.0.0.1:161") else {
            panic!("tls accepted");
        };
        assert!(m.contains("tls transport is not supported"), "{m}");
    }

    #[test]
    fn texts_per_tool() {
        assert!(Tool::Get.timeout_period() && !Tool::Walk.timeout_period());
        assert!(!Tool::Get.packet_period() && Tool::Set.packet_period());
        assert_eq!(
            status_text(ErrorStatus::NotWritable),
            "notWritable (That object does not support modification)"
        );
    }
}
