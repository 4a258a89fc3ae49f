//! Users: configured once with passwords, localised per engine.

use snmp_codec::{Bytes, SecurityLevel};

use crate::auth::{AuthProtocol, LocalizedKey, MasterKey};
use crate::error::UsmError;
use crate::privacy::{PrivKey, PrivProtocol};

/// An SNMPv3 user as configured: a name, and optionally an authentication protocol and a
/// privacy protocol with their master keys.
///
/// Building one runs password-to-key (about a mebibyte of hashing per password), once;
/// [`UsmUser::localize`] then makes the per-engine keys cheaply (except for the Reeder
/// key extension, which hashes another mebibyte per engine).
///
/// ```
/// use snmp_usm::{AuthProtocol, PrivProtocol, UsmUser};
/// use snmp_codec::SecurityLevel;
/// let user = UsmUser::new("admin")
///     .with_auth(AuthProtocol::Sha256, b"auth-password")?
///     .with_privacy(PrivProtocol::Aes128, b"priv-password")?;
/// assert_eq!(user.security_level(), SecurityLevel::AuthPriv);
/// let keys = user.localize(b"\x80\x00\x1f\x88\x80example");
/// assert!(keys.privacy_key().is_some());
/// # Ok::<(), snmp_usm::UsmError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsmUser {
    name: Bytes,
    auth: Option<MasterKey>,
    privacy: Option<(PrivProtocol, MasterKey)>,
}

impl UsmUser {
    /// A user without authentication or privacy.
    pub fn new(name: impl AsRef<[u8]>) -> Self {
        Self {
            name: Bytes::copy_from_slice(name.as_ref()),
            auth: None,
            privacy: None,
        }
    }

    /// Adds authentication with `password`. Call it before [`UsmUser::with_privacy`]: changing
    /// the authentication hash of a user that already has a privacy key is refused
    /// ([`UsmError::InvalidKeyLength`]), since that key was derived with the old hash.
    pub fn with_auth(mut self, protocol: AuthProtocol, password: &[u8]) -> Result<Self, UsmError> {
        if matches!(&self.privacy, Some((_, k)) if k.protocol() != protocol) {
            return Err(UsmError::InvalidKeyLength);
        }
        self.auth = Some(MasterKey::from_password(protocol, password)?);
        Ok(self)
    }

    /// Adds privacy with `password`. Needs authentication first: USM derives the privacy key
    /// with the authentication protocol's hash, and privacy without authentication does not
    /// exist ([`UsmError::UnsupportedSecurityLevel`]).
    pub fn with_privacy(
        mut self,
        protocol: PrivProtocol,
        password: &[u8],
    ) -> Result<Self, UsmError> {
        let auth = self
            .auth
            .as_ref()
            .ok_or(UsmError::UnsupportedSecurityLevel)?
            .protocol();
        self.privacy = Some((protocol, MasterKey::from_password(auth, password)?));
        Ok(self)
    }

    /// A user from stored master keys (Ku) instead of passwords. The privacy master key must
    /// have been derived with the authentication protocol's hash.
    pub fn from_master_keys(
        name: impl AsRef<[u8]>,
        auth: Option<MasterKey>,
        privacy: Option<(PrivProtocol, MasterKey)>,
    ) -> Result<Self, UsmError> {
        match (&auth, &privacy) {
            (None, Some(_)) => return Err(UsmError::UnsupportedSecurityLevel),
            (Some(a), Some((_, p))) if a.protocol() != p.protocol() => {
                return Err(UsmError::InvalidKeyLength)
            }
            _ => {}
        }
        Ok(Self {
            name: Bytes::copy_from_slice(name.as_ref()),
            auth,
            privacy,
        })
    }

    /// The user name.
    pub fn name(&self) -> &Bytes {
        &self.name
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.auth.as_ref().map(MasterKey::protocol)
    }

    /// The privacy protocol, if any.
    pub fn priv_protocol(&self) -> Option<PrivProtocol> {
        self.privacy.as_ref().map(|(p, _)| *p)
    }

    /// The highest security level the user's keys allow.
    pub fn security_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }

    /// The user's keys for the engine `engine_id`.
    pub fn localize(&self, engine_id: &[u8]) -> LocalizedUser {
        self.localize_with(engine_id, self.priv_protocol())
    }

    /// The user's keys for `engine_id`, with the privacy key derived for `privacy` instead of
    /// the configured protocol (used to try the other AES key extension).
    pub fn localize_with(&self, engine_id: &[u8], privacy: Option<PrivProtocol>) -> LocalizedUser {
        let auth = self.auth.as_ref().map(|k| k.localize(engine_id));
        let privacy = match (&self.privacy, privacy) {
            (Some((_, ku)), Some(proto)) => {
                Some(PrivKey::derive(proto, &ku.localize(engine_id), engine_id))
            }
            _ => None,
        };
        LocalizedUser {
            name: self.name.clone(),
            engine_id: Bytes::copy_from_slice(engine_id),
            auth,
            privacy,
        }
    }
}

/// A user's keys for one engine: what signing, verifying, encrypting and decrypting need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalizedUser {
    name: Bytes,
    engine_id: Bytes,
    auth: Option<LocalizedKey>,
    privacy: Option<PrivKey>,
}

impl LocalizedUser {
    /// A user from localised keys kept in configuration. Privacy needs authentication.
    ///
    /// ```
    /// use snmp_usm::{AuthProtocol, LocalizedKey, LocalizedUser, PrivKey, PrivProtocol};
    /// let auth = LocalizedKey::from_bytes(AuthProtocol::Sha1, &[1; 20])?;
    /// let privacy = PrivKey::from_bytes(PrivProtocol::Aes128, &[2; 16])?;
    /// let user = LocalizedUser::from_keys("ops", b"engine-1", Some(auth), Some(privacy))?;
    /// assert_eq!(&user.name()[..], b"ops");
    /// # Ok::<(), snmp_usm::UsmError>(())
    /// ```
    pub fn from_keys(
        name: impl AsRef<[u8]>,
        engine_id: &[u8],
        auth: Option<LocalizedKey>,
        privacy: Option<PrivKey>,
    ) -> Result<Self, UsmError> {
        if auth.is_none() && privacy.is_some() {
            return Err(UsmError::UnsupportedSecurityLevel);
        }
        Ok(Self {
            name: Bytes::copy_from_slice(name.as_ref()),
            engine_id: Bytes::copy_from_slice(engine_id),
            auth,
            privacy,
        })
    }

    /// A user with no keys (noAuthNoPriv), such as the empty user of a discovery probe.
    pub fn without_keys(name: impl AsRef<[u8]>, engine_id: &[u8]) -> Self {
        Self {
            name: Bytes::copy_from_slice(name.as_ref()),
            engine_id: Bytes::copy_from_slice(engine_id),
            auth: None,
            privacy: None,
        }
    }

    /// The user name.
    pub fn name(&self) -> &Bytes {
        &self.name
    }

    /// The engine the keys belong to.
    pub fn engine_id(&self) -> &Bytes {
        &self.engine_id
    }

    /// The authentication key.
    pub fn auth_key(&self) -> Option<&LocalizedKey> {
        self.auth.as_ref()
    }

    /// The privacy key.
    pub fn privacy_key(&self) -> Option<&PrivKey> {
        self.privacy.as_ref()
    }

    /// The highest security level the keys allow.
    pub fn security_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }
}
