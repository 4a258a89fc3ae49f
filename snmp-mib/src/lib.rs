//! MIB names for SNMP.
//!
//! - [`Mib`]: a compiled set of modules. [`Mib::standard`] and [`Mib::default_set`] are
//!   embedded, precompiled: no files and no parse at run time.
//! - [`Loader`]: loads the user's own folders with Net-SNMP's search habits (`-M`, `-m`,
//!   `MIBDIRS`, `MIBS`, `~/.snmp/mibs`), leniently (problems become [`Diagnostic`]s), and
//!   caches the compiled result keyed by the files' contents.
//! - [`Mib::resolve`]: names to OIDs in every form Net-SNMP accepts.
//! - [`Format`]: OIDs and values printed as Net-SNMP prints them, for each `-O` flag.
//! - [`Mib::decode_index`]: a row's index as typed values.
//!
//! The sans-IO core stays numeric; this crate sits beside it.
//!
//! ```
//! use snmp_mib::{Format, Mib};
//! use snmp_codec::Value;
//!
//! let mib = Mib::default_set();
//! let oid = mib.resolve("IF-MIB::ifOperStatus.3").unwrap();
//! let line = Format::default().varbind(&mib, &oid, &Value::Integer(1));
//! assert_eq!(line, "IF-MIB::ifOperStatus.3 = INTEGER: up(1)");
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
// Agent and file input is read here: no arithmetic that can overflow and no index that can
// panic (also where usize is 32 bits). Tests may.
#![cfg_attr(
    not(test),
    deny(clippy::arithmetic_side_effects, clippy::indexing_slicing)
)]

extern crate alloc;

/// What `std`'s prelude would give, from `alloc`, for the `no_std` build.
mod prelude {
    #[allow(unused_imports)]
    pub(crate) use alloc::{
        borrow::ToOwned,
        boxed::Box,
        format,
        string::{String, ToString},
        vec,
        vec::Vec,
    };
}

mod blob;
#[cfg(feature = "load")]
mod compile;
#[cfg(feature = "load")]
mod diagnostic;
mod format;
mod index;
mod kinds;
#[cfg(feature = "load")]
mod load;
mod model;
#[cfg(feature = "load")]
mod order;
mod resolve;
#[cfg(feature = "load")]
mod scan;
mod standard;
#[cfg(feature = "load")]
mod standard_files;

pub use blob::BlobError;
#[cfg(feature = "load")]
pub use diagnostic::Diagnostic;
pub use format::{
    display_hint_integer, display_hint_octets, Description, FloatFormat, Format, OidStyle,
};
pub use index::{IndexError, IndexValue};
#[cfg(feature = "load")]
pub use load::{LoadError, Loaded, Loader, MibDir, Modules};
#[cfg(feature = "load")]
pub use order::read_order;
#[cfg(feature = "load")]
pub use scan::module_names;

/// The SMI's own types (SNMPv2-SMI, RFC1155-SMI and the ASN.1 ones): the base a textual
/// convention ends in, and what Net-SNMP takes from any module an IMPORTS names.
pub const SMI_TYPES: &[&str] = &[
    "INTEGER",
    "OCTET STRING",
    "OBJECT IDENTIFIER",
    "BITS",
    "Integer32",
    "Unsigned32",
    "Counter32",
    "Counter64",
    "Gauge32",
    "TimeTicks",
    "IpAddress",
    "Opaque",
    "Counter",
    "Gauge",
    "NetworkAddress",
];
pub use model::{Access, BaseType, Kind, Mib, Module, Node, Status, Type};
pub use resolve::ResolveError;
pub use standard::DEFAULT_MODULES;
