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
/// ```
pub trait IntoOid {
    /// The OID, names resolved through `mib`.
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error>;
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

impl IntoOid for &str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
    }
}

impl IntoOid for &&str {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
    }
}

impl IntoOid for String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(&self)?)
    }
}

impl IntoOid for &String {
    fn into_oid(self, mib: &Mib) -> Result<Oid, Error> {
        Ok(mib.resolve(self)?)
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
