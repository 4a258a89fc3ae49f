//! snmptrapd, as pure functions: its configuration file, its access control, its choice of
//! handlers and its output formats. The `snmp trapd` command (snmp-cli) puts them around
//! the receiver of snmp-session; nothing here does I/O.
//!
//! ```
//! use snmp_trapd::Conf;
//!
//! let mib = snmp_mib::Mib::standard();
//! let mut conf = Conf::default();
//! let problems = conf.apply(
//!     "authCommunity log,execute public\ntraphandle default /usr/bin/logger\n",
//!     "/etc/snmp/snmptrapd.conf",
//!     &mib,
//! );
//! assert!(problems.is_empty());
//! assert_eq!(conf.handlers_for(None).len(), 1);
//! ```

#![forbid(unsafe_code)]

pub mod access;
pub mod conf;
mod dispatch;
pub mod format;
mod parse;

pub use conf::{
    Access, Action, AuthCommunity, AuthUser, Conf, CreateUser, Diagnostic, Formats, Handler, Level,
    OtlpConf, Source, TrapMatch,
};
