//! Names and OID text to OIDs.

use snmp_codec::Oid;
use snmp_mib::Mib;

use crate::error::Error;

/// Anything that names an OID: a name or dotted OID as text (`"sysDescr.0"`,
/// `"IF-MIB::ifDescr.3"`, `"1.3.6.1.2.1.1.1.0"`), resolved through the manager's MIB, or an
/// [`Oid`].
///
/// ```
/// use snmp_manager::{IntoOid, Mib};
/// let mib = Mib::standard();
/// assert_eq!("sysDescr.0".into_oid(&mib).unwrap().to_string(), "1.3.6.1.2.1.1.1.0");
/// assert!("noSuchName.0".into_oid(&mib).is_err());
/// // One strict grammar: an empty part is an error with its position, never another OID.
/// use snmp_manager::{codec::OidParseError, Error};
/// assert_eq!("1.3.6..1".into_oid(&mib), Err(Error::InvalidOid(OidParseError::InvalidArc(6))));
/// assert!(matches!("sysDescr..0".into_oid(&mib), Err(Error::Name(_))));
/// ```
pub trait IntoOid {
    /// The OID, names resolved through `mib`.
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error>;

    /// Whether this is a name (text that is not all numbers): the errors of a call given a
    /// name name their OIDs through the MIB, those of a call given numbers keep numbers.
    fn is_name(&self) -> bool {
        false
    }
}

/// Whether OID text is a name rather than numbers and dots.
fn text_is_name(text: &str) -> bool {
    !text.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

impl IntoOid for Oid {
    fn into_oid(self, _: &Mib) -> Result<Oid, Error> {
        Ok(self)
    }
}

impl IntoOid for &Oid {
    fn into_oid(self, _: &Mib) -> Result<Oid, Error> {
        Ok(self.clone())
    }
}

/// OID text through one grammar: numbers and dots alone are an [`Oid`] as `Oid::from_str`
/// reads it (an error is [`Error::InvalidOid`] with the position), anything else a name
/// resolved through `mib` (the same strict rule for dots, [`Error::Name`] with the position).
fn text_to_oid(text: &str, mib: &Mib) -> Result<Oid, Error> {
    let t = text.trim();
    let numeric = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if numeric {
        return Ok(t.parse::<Oid>()?);
    }
    Ok(mib.resolve(text)?)
}

impl IntoOid for &str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        text_to_oid(self, mib)
    }
    fn is_name(&self) -> bool {
        text_is_name(self)
    }
}

impl IntoOid for &&str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        text_to_oid(self, mib)
    }
    fn is_name(&self) -> bool {
        text_is_name(self)
    }
}

impl IntoOid for String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        text_to_oid(&self, mib)
    }
    fn is_name(&self) -> bool {
        text_is_name(self)
    }
}

impl IntoOid for &String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        text_to_oid(self, mib)
    }
    fn is_name(&self) -> bool {
        text_is_name(self)
    }
}

/// Every OID of `oids`, names resolved through `mib`; the first that does not resolve fails.
///
/// ```
/// let mib = snmp_manager::Mib::standard();
/// let oids = snmp_manager::oids(&mib, ["sysName.0", "1.3.6.1.2.1.1.3.0"]).unwrap();
/// assert_eq!(oids.len(), 2);
/// ```
pub fn oids<I: IntoOid>(mib: &Mib, oids: impl IntoIterator<Item = I>) -> Result<Vec<Oid>, Error> {
    oids.into_iter().map(|o| o.into_oid(mib)).collect()
}
