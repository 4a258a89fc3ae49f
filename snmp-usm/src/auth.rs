//! Authentication protocols, password-to-key, key localisation and HMAC (RFC 3414, RFC 7860).

use core::fmt;

use digest::Digest;
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::UsmError;

/// The largest digest any supported hash produces (SHA-512).
pub(crate) const MAX_DIGEST: usize = 64;

/// The length of the password expansion of RFC 3414 A.2: one mebibyte.
const EXPANDED_PASSWORD_LEN: usize = 1 << 20;

/// An SNMPv3 authentication protocol.
///
/// | variant | RFC | MAC length | Net-SNMP `-a` | pysnmp | gosnmp |
/// | --- | --- | --- | --- | --- | --- |
/// | `Md5` | 3414 | 12 | `MD5` | `usmHMACMD5AuthProtocol` | `MD5` |
/// | `Sha1` | 3414 | 12 | `SHA` | `usmHMACSHAAuthProtocol` | `SHA` |
/// | `Sha224` | 7860 | 16 | `SHA-224` | `usmHMAC128SHA224AuthProtocol` | `SHA224` |
/// | `Sha256` | 7860 | 24 | `SHA-256` | `usmHMAC192SHA256AuthProtocol` | `SHA256` |
/// | `Sha384` | 7860 | 32 | `SHA-384` | `usmHMAC256SHA384AuthProtocol` | `SHA384` |
/// | `Sha512` | 7860 | 48 | `SHA-512` | `usmHMAC384SHA512AuthProtocol` | `SHA512` |
///
/// ```
/// use snmp_usm::AuthProtocol;
/// assert_eq!(AuthProtocol::from_name("SHA-256"), Some(AuthProtocol::Sha256));
/// assert_eq!(AuthProtocol::Sha256.mac_len(), 24);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AuthProtocol {
    /// HMAC-MD5-96.
    Md5,
    /// HMAC-SHA-96 (SHA-1).
    Sha1,
    /// HMAC-SHA-224-128.
    Sha224,
    /// HMAC-SHA-256-192.
    Sha256,
    /// HMAC-SHA-384-256.
    Sha384,
    /// HMAC-SHA-512-384.
    Sha512,
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// Length of the hash output, which is also the length of keys.
    pub const fn digest_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// Length of msgAuthenticationParameters (the truncated HMAC).
    pub const fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The name Net-SNMP's `-a` option takes.
    pub const fn net_snmp_name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// The protocol's OID in SNMP-USER-BASED-SM-MIB / SNMP-USM-HMAC-SHA2-MIB.
    pub const fn oid(self) -> &'static [u32] {
        match self {
            AuthProtocol::Md5 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 2],
            AuthProtocol::Sha1 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 3],
            AuthProtocol::Sha224 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 4],
            AuthProtocol::Sha256 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 5],
            AuthProtocol::Sha384 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 6],
            AuthProtocol::Sha512 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 7],
        }
    }

    /// Parses the names users type: Net-SNMP's (`MD5`, `SHA`, `SHA-224` ...), and the spellings
    /// without a dash or with `SHA1` (`SHA256`, `SHA1`), case-insensitively.
    pub fn from_name(name: &str) -> Option<AuthProtocol> {
        let mut buf = [0u8; 8];
        let n = normalize(name, &mut buf)?;
        Some(match buf.get(..n)? {
            b"MD5" => AuthProtocol::Md5,
            b"SHA" | b"SHA1" => AuthProtocol::Sha1,
            b"SHA224" => AuthProtocol::Sha224,
            b"SHA256" => AuthProtocol::Sha256,
            b"SHA384" => AuthProtocol::Sha384,
            b"SHA512" => AuthProtocol::Sha512,
            _ => return None,
        })
    }
}

impl core::str::FromStr for AuthProtocol {
    type Err = UnknownProtocol;

    /// [`AuthProtocol::from_name`]: `"SHA".parse()` is SHA-1, as every Net-SNMP user types it.
    ///
    /// ```
    /// use snmp_usm::AuthProtocol;
    /// assert_eq!("SHA".parse::<AuthProtocol>(), Ok(AuthProtocol::Sha1));
    /// assert_eq!("sha-256".parse::<AuthProtocol>(), Ok(AuthProtocol::Sha256));
    /// assert!("SHA3".parse::<AuthProtocol>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, UnknownProtocol> {
        AuthProtocol::from_name(s).ok_or(UnknownProtocol)
    }
}

/// A protocol name that is none of the known ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownProtocol;

impl fmt::Display for UnknownProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown protocol name")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownProtocol {}

/// Upper-cases `name` into `buf` without `-` and `_`; `None` if it does not fit.
pub(crate) fn normalize(name: &str, buf: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    for b in name.bytes().filter(|b| *b != b'-' && *b != b'_') {
        *buf.get_mut(n)? = b.to_ascii_uppercase();
        n = n.saturating_add(1);
    }
    Some(n)
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.net_snmp_name())
    }
}

/// Key material of at most [`MAX_DIGEST`] octets, wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct KeyBytes {
    bytes: [u8; MAX_DIGEST],
    len: usize,
}

impl KeyBytes {
    /// Key bytes from `b` (at most [`MAX_DIGEST`] octets are kept; callers check lengths).
    pub(crate) fn new(b: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_DIGEST];
        let len = copy_prefix(&mut bytes, b);
        Self { bytes, len }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} key bytes>", self.len)
    }
}

/// A user's master key Ku: the password run through the 1 MiB expansion of RFC 3414 A.2.
///
/// This is the expensive step (about a mebibyte of hashing); derive it once per user and
/// password, then [`MasterKey::localize`] it for each engine, which is cheap.
///
/// ```
/// use snmp_usm::{AuthProtocol, MasterKey};
/// let ku = MasterKey::from_password(AuthProtocol::Md5, b"maplesyrup")?;
/// let kul = ku.localize(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
/// assert_eq!(kul.as_bytes()[..4], [0x52, 0x6f, 0x5e, 0xed]);
/// # Ok::<(), snmp_usm::UsmError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterKey {
    protocol: AuthProtocol,
    key: KeyBytes,
}

impl MasterKey {
    /// Derives Ku from a password (RFC 3414 A.2.1 and A.2.2; RFC 7860 for SHA-2).
    ///
    /// An empty password is refused ([`UsmError::EmptyPassword`]). Net-SNMP also refuses
    /// passwords shorter than 8 octets; this crate accepts them, since some devices have them.
    pub fn from_password(protocol: AuthProtocol, password: &[u8]) -> Result<MasterKey, UsmError> {
        if password.is_empty() {
            return Err(UsmError::EmptyPassword);
        }
        let mut out = [0u8; MAX_DIGEST];
        let n = match protocol {
            AuthProtocol::Md5 => expand_password::<md5::Md5>(password, &mut out),
            AuthProtocol::Sha1 => expand_password::<sha1::Sha1>(password, &mut out),
            AuthProtocol::Sha224 => expand_password::<sha2::Sha224>(password, &mut out),
            AuthProtocol::Sha256 => expand_password::<sha2::Sha256>(password, &mut out),
            AuthProtocol::Sha384 => expand_password::<sha2::Sha384>(password, &mut out),
            AuthProtocol::Sha512 => expand_password::<sha2::Sha512>(password, &mut out),
        };
        let key = KeyBytes::new(out.get(..n).unwrap_or(&out));
        out.zeroize();
        Ok(MasterKey { protocol, key })
    }

    /// A master key from stored bytes (its length must be the protocol's digest length).
    pub fn from_bytes(protocol: AuthProtocol, bytes: &[u8]) -> Result<MasterKey, UsmError> {
        if bytes.len() != protocol.digest_len() {
            return Err(UsmError::InvalidKeyLength);
        }
        let key = KeyBytes::new(bytes);
        Ok(MasterKey { protocol, key })
    }

    /// The hash this key was derived with.
    pub fn protocol(&self) -> AuthProtocol {
        self.protocol
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.as_slice()
    }

    /// Localises the key to an engine: `Kul = H(Ku || engineID || Ku)` (RFC 3414 A.2).
    pub fn localize(&self, engine_id: &[u8]) -> LocalizedKey {
        let ku = self.key.as_slice();
        let mut out = [0u8; MAX_DIGEST];
        let n = hash_parts(self.protocol, &[ku, engine_id, ku], &mut out);
        let key = LocalizedKey::new(self.protocol, KeyBytes::new(out.get(..n).unwrap_or(&out)));
        out.zeroize();
        key
    }
}

/// A key localised to one engine (Kul). Authentication uses it directly; privacy keys are
/// derived from one (see [`crate::PrivKey`]).
///
/// People who keep localised keys in their configuration instead of passwords build it with
/// [`LocalizedKey::from_bytes`].
#[derive(Clone)]
pub struct LocalizedKey {
    protocol: AuthProtocol,
    key: KeyBytes,
    /// The HMAC keyed once: the hash states after the inner and outer pad blocks, so that a
    /// MAC costs the message's blocks and one more, not two more for the pads each time. The
    /// states are as secret as the key; RustCrypto wipes them on drop (its `zeroize` feature).
    keyed: alloc::boxed::Box<KeyedHmac>,
}

impl PartialEq for LocalizedKey {
    fn eq(&self, other: &Self) -> bool {
        // The keyed states follow from these two.
        self.protocol == other.protocol && self.key == other.key
    }
}

impl Eq for LocalizedKey {}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalizedKey")
            .field("protocol", &self.protocol)
            .field("key", &self.key)
            .finish()
    }
}

/// An HMAC keyed with a localised key, per hash.
#[derive(Clone)]
enum KeyedHmac {
    Md5(Hmac<md5::Md5>),
    Sha1(Hmac<sha1::Sha1>),
    Sha224(Hmac<sha2::Sha224>),
    Sha256(Hmac<sha2::Sha256>),
    Sha384(Hmac<sha2::Sha384>),
    Sha512(Hmac<sha2::Sha512>),
}

impl KeyedHmac {
    fn new(protocol: AuthProtocol, key: &[u8]) -> KeyedHmac {
        fn keyed<M: KeyInit>(key: &[u8]) -> M {
            // HMAC takes keys of any length (longer ones are hashed), so this cannot fail;
            // the fallback keeps the signature total.
            M::new_from_slice(key).unwrap_or_else(|_| M::new(&Default::default()))
        }
        match protocol {
            AuthProtocol::Md5 => KeyedHmac::Md5(keyed(key)),
            AuthProtocol::Sha1 => KeyedHmac::Sha1(keyed(key)),
            AuthProtocol::Sha224 => KeyedHmac::Sha224(keyed(key)),
            AuthProtocol::Sha256 => KeyedHmac::Sha256(keyed(key)),
            AuthProtocol::Sha384 => KeyedHmac::Sha384(keyed(key)),
            AuthProtocol::Sha512 => KeyedHmac::Sha512(keyed(key)),
        }
    }

    /// The full HMAC of the concatenation of `parts` into `out`; returns its length.
    fn mac_into(&self, parts: &[&[u8]], out: &mut [u8; MAX_DIGEST]) -> usize {
        fn run<M: Mac + Clone>(keyed: &M, parts: &[&[u8]], out: &mut [u8; MAX_DIGEST]) -> usize {
            let mut mac = keyed.clone();
            for p in parts {
                mac.update(p);
            }
            let tag = mac.finalize().into_bytes();
            copy_prefix(out, &tag)
        }
        match self {
            KeyedHmac::Md5(m) => run(m, parts, out),
            KeyedHmac::Sha1(m) => run(m, parts, out),
            KeyedHmac::Sha224(m) => run(m, parts, out),
            KeyedHmac::Sha256(m) => run(m, parts, out),
            KeyedHmac::Sha384(m) => run(m, parts, out),
            KeyedHmac::Sha512(m) => run(m, parts, out),
        }
    }
}

impl LocalizedKey {
    fn new(protocol: AuthProtocol, key: KeyBytes) -> LocalizedKey {
        let keyed = alloc::boxed::Box::new(KeyedHmac::new(protocol, key.as_slice()));
        LocalizedKey {
            protocol,
            key,
            keyed,
        }
    }

    /// A localised key from stored bytes (its length must be the protocol's digest length).
    ///
    /// ```
    /// use snmp_usm::{AuthProtocol, LocalizedKey};
    /// let kul = LocalizedKey::from_bytes(AuthProtocol::Md5, &[7; 16])?;
    /// assert!(LocalizedKey::from_bytes(AuthProtocol::Sha1, &[7; 16]).is_err());
    /// # Ok::<(), snmp_usm::UsmError>(())
    /// ```
    pub fn from_bytes(protocol: AuthProtocol, bytes: &[u8]) -> Result<LocalizedKey, UsmError> {
        if bytes.len() != protocol.digest_len() {
            return Err(UsmError::InvalidKeyLength);
        }
        Ok(LocalizedKey::new(protocol, KeyBytes::new(bytes)))
    }

    /// The hash this key belongs to.
    pub fn protocol(&self) -> AuthProtocol {
        self.protocol
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.as_slice()
    }

    /// The truncated HMAC of `message` (whose auth field must already be zeroed).
    pub fn mac(&self, message: &[u8]) -> ([u8; MAX_DIGEST], usize) {
        self.mac_parts(&[message])
    }

    /// The truncated HMAC of the concatenation of `parts`.
    fn mac_parts(&self, parts: &[&[u8]]) -> ([u8; MAX_DIGEST], usize) {
        let mut out = [0u8; MAX_DIGEST];
        let n = self.keyed.mac_into(parts, &mut out);
        (out, n.min(self.protocol.mac_len()))
    }

    /// Signs a finished message in place: `auth` is the range of msgAuthenticationParameters,
    /// which must hold exactly [`AuthProtocol::mac_len`] zero octets (as
    /// [`snmp_codec::V3Message::encode`] reports it).
    pub fn sign_in_place(
        &self,
        message: &mut [u8],
        auth: core::ops::Range<usize>,
    ) -> Result<(), UsmError> {
        let mac_len = self.protocol.mac_len();
        if auth.len() != mac_len || auth.end > message.len() {
            return Err(UsmError::InvalidAuthParamsLength);
        }
        let (mac, n) = self.mac(message);
        let (Some(field), Some(mac)) = (message.get_mut(auth), mac.get(..n)) else {
            return Err(UsmError::InvalidAuthParamsLength);
        };
        if field.len() != mac.len() {
            return Err(UsmError::InvalidAuthParamsLength);
        }
        field.copy_from_slice(mac);
        Ok(())
    }

    /// Verifies a received message: `auth` is the range of msgAuthenticationParameters in
    /// `message`. The field must be exactly the protocol's MAC length (a shorter one is a
    /// forgery attempt, CVE-2008-0960); the comparison is constant-time. The message is hashed
    /// with zeros in place of the field, without copying it.
    pub fn verify(&self, message: &[u8], auth: core::ops::Range<usize>) -> Result<(), UsmError> {
        let mac_len = self.protocol.mac_len();
        let received = message.get(auth.clone()).ok_or(UsmError::WrongDigest)?;
        if received.len() != mac_len {
            return Err(UsmError::WrongDigest);
        }
        let (Some(before), Some(after), Some(zeros)) = (
            message.get(..auth.start),
            message.get(auth.end..),
            ZEROS.get(..mac_len),
        ) else {
            return Err(UsmError::WrongDigest);
        };
        let (mac, n) = self.mac_parts(&[before, zeros, after]);
        if bool::from(mac.get(..n).unwrap_or(&[]).ct_eq(received)) {
            Ok(())
        } else {
            Err(UsmError::WrongDigest)
        }
    }
}

/// Zeros standing in for the MAC while hashing (the longest MAC is 48 octets).
static ZEROS: [u8; 48] = [0; 48];

/// The hash of the concatenation of `parts` under `protocol`'s hash; returns its length.
pub(crate) fn hash_parts(
    protocol: AuthProtocol,
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST],
) -> usize {
    fn run<D: Digest>(parts: &[&[u8]], out: &mut [u8; MAX_DIGEST]) -> usize {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        let d = h.finalize();
        copy_prefix(out, &d)
    }
    match protocol {
        AuthProtocol::Md5 => run::<md5::Md5>(parts, out),
        AuthProtocol::Sha1 => run::<sha1::Sha1>(parts, out),
        AuthProtocol::Sha224 => run::<sha2::Sha224>(parts, out),
        AuthProtocol::Sha256 => run::<sha2::Sha256>(parts, out),
        AuthProtocol::Sha384 => run::<sha2::Sha384>(parts, out),
        AuthProtocol::Sha512 => run::<sha2::Sha512>(parts, out),
    }
}

/// Hashes the password repeated to 1 MiB (RFC 3414 A.2.1), 64 octets at a time.
fn expand_password<D: Digest>(password: &[u8], out: &mut [u8; MAX_DIGEST]) -> usize {
    // The expansion has period `password.len()`: every 64-octet chunk is a window of the
    // password repeated once more than a chunk needs, starting at (64 * k) mod len.
    // (Callers refuse passwords shorter than 8 octets: `period` is never 0, and never near
    // usize::MAX, so the sums below cannot overflow; they saturate all the same.)
    let period = password.len().max(1);
    let want = period.saturating_add(64);
    let mut pattern = alloc::vec::Vec::with_capacity(want);
    while pattern.len() < want && !password.is_empty() {
        pattern.extend_from_slice(password);
    }
    let mut h = D::new();
    let mut offset: usize = 0;
    for _ in 0..EXPANDED_PASSWORD_LEN / 64 {
        if let Some(chunk) = pattern.get(offset..offset.saturating_add(64)) {
            h.update(chunk);
        }
        offset = offset.saturating_add(64).checked_rem(period).unwrap_or(0);
    }
    pattern.zeroize();
    let d = h.finalize();
    copy_prefix(out, &d)
}

/// Copies as much of `src` as fits into the start of `dst`; returns how much.
pub(crate) fn copy_prefix(dst: &mut [u8], src: &[u8]) -> usize {
    let n = dst.len().min(src.len());
    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
        d.copy_from_slice(s);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for p in AuthProtocol::ALL {
            assert_eq!(AuthProtocol::from_name(p.net_snmp_name()), Some(p));
        }
        assert_eq!(AuthProtocol::from_name("sha1"), Some(AuthProtocol::Sha1));
        assert_eq!(
            AuthProtocol::from_name("sha512"),
            Some(AuthProtocol::Sha512)
        );
        assert_eq!(AuthProtocol::from_name("SHA-1024"), None);
        assert_eq!(AuthProtocol::from_name("a-very-long-name"), None);
    }

    #[test]
    fn short_mac_field_is_a_wrong_digest() {
        let k = LocalizedKey::from_bytes(AuthProtocol::Md5, &[1; 16]).unwrap();
        let mut msg = [0u8; 40];
        k.sign_in_place(&mut msg, 10..22).unwrap();
        assert_eq!(k.verify(&msg, 10..22), Ok(()));
        // The CVE-2008-0960 attack: a 1-octet MAC that happens to match the first octet.
        assert_eq!(k.verify(&msg, 10..11), Err(UsmError::WrongDigest));
        msg[30] ^= 1;
        assert_eq!(k.verify(&msg, 10..22), Err(UsmError::WrongDigest));
    }
}
