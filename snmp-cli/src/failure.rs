//! What a command fails with.

use snmp_tokio::Error;

/// What a command fails with: the library's errors, or a mistake in its arguments.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The library's error.
    Snmp(Error),
    /// An argument that is not valid (a protocol name, a value of the wrong form, ...).
    Usage(String),
    /// The command already said what went wrong (as Net-SNMP's tool would); exit with this
    /// code (1 for most failures, 2 for an error-status answer, as Net-SNMP's tools).
    Exit(u8),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Snmp(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Snmp(e.into())
    }
}

impl From<snmp_tokio::codec::OidParseError> for Failure {
    fn from(e: snmp_tokio::codec::OidParseError) -> Self {
        Failure::Snmp(e.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Snmp(e) => e.fmt(f),
            Failure::Usage(m) => f.write_str(m),
            Failure::Exit(_) => Ok(()),
        }
    }
}
