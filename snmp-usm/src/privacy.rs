//! Privacy protocols: DES-CBC (RFC 3414), 3DES-EDE (draft-reeder-snmpv3-usm-3desede),
//! AES-128-CFB (RFC 3826) and AES-192/256-CFB in both key extensions found in the field.

use alloc::vec::Vec;
use core::fmt;

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{AsyncStreamCipher, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use des::{Des, TdesEde3};
use zeroize::Zeroize;

use crate::auth::{
    copy_prefix, hash_parts, normalize, KeyBytes, LocalizedKey, MasterKey, MAX_DIGEST,
};
use crate::error::UsmError;

/// An SNMPv3 privacy protocol.
///
/// AES-192 and AES-256 come in two incompatible ways of stretching a short localised key to
/// the cipher's key length, and the tools give them confusingly similar names. The variants
/// here name the key extension, so the choice is explicit:
///
/// | variant | key extension | Net-SNMP `-x` | gosnmp | pysnmp / snmpsim |
/// | --- | --- | --- | --- | --- |
/// | `Des` | - | `DES` | `DES` | `DES` (`usmDESPrivProtocol`) |
/// | `TripleDes` | Reeder | (none) | (none) | `3DES` (`usm3DESEDEPrivProtocol`) |
/// | `Aes128` | - | `AES` | `AES` | `AES` (`usmAesCfb128Protocol`) |
/// | `Aes192Blumenthal` | Blumenthal | `AES-192` | `AES192` | `AES192BLMT` (`usmAesBlumenthalCfb192Protocol`) |
/// | `Aes256Blumenthal` | Blumenthal | `AES-256` | `AES256` | `AES256BLMT` (`usmAesBlumenthalCfb256Protocol`) |
/// | `Aes192Reeder` | Reeder ("Cisco") | `AES192C` | `AES192C` | `AES192` (`usmAesCfb192Protocol`) |
/// | `Aes256Reeder` | Reeder ("Cisco") | `AES256C` | `AES256C` | `AES256` (`usmAesCfb256Protocol`) |
///
/// Cisco IOS uses the Reeder extension for `aes 192` / `aes 256`. When the auth protocol's
/// digest is already long enough (SHA-256 and up for AES-256), both extensions give the same
/// key.
///
/// ```
/// use snmp_usm::PrivProtocol;
/// assert_eq!(PrivProtocol::from_net_snmp_name("AES-256"), Some(PrivProtocol::Aes256Blumenthal));
/// assert_eq!(PrivProtocol::from_net_snmp_name("AES256C"), Some(PrivProtocol::Aes256Reeder));
/// assert_eq!(PrivProtocol::from_pysnmp_name("AES256"), Some(PrivProtocol::Aes256Reeder));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PrivProtocol {
    /// DES-CBC (RFC 3414 section 8).
    Des,
    /// 3DES-EDE-CBC with the Reeder key extension (draft-reeder-snmpv3-usm-3desede).
    TripleDes,
    /// AES-128-CFB (RFC 3826).
    Aes128,
    /// AES-192-CFB, Blumenthal key extension (draft-blumenthal-aes-usm-04).
    Aes192Blumenthal,
    /// AES-256-CFB, Blumenthal key extension.
    Aes256Blumenthal,
    /// AES-192-CFB, Reeder key extension (Cisco's).
    Aes192Reeder,
    /// AES-256-CFB, Reeder key extension (Cisco's).
    Aes256Reeder,
}

/// How a localised key is stretched when the cipher needs more octets than the hash gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExtension {
    /// `K = K || H(K)`, repeated (draft-blumenthal-aes-usm-04 section 3.1.2.1).
    Blumenthal,
    /// `K = K || localize(passwordToKey(K))` (draft-reeder-snmpv3-usm-3desede appendix B).
    Reeder,
}

impl KeyExtension {
    /// Fills `out` with `kul` followed by as much extension as `out` needs (a key already long
    /// enough is just truncated).
    ///
    /// ```
    /// use snmp_usm::{AuthProtocol, KeyExtension, MasterKey};
    /// let kul = MasterKey::from_password(AuthProtocol::Md5, b"maplesyrup")?.localize(&[0; 12]);
    /// let mut key = [0u8; 32];
    /// KeyExtension::Blumenthal.extend(&kul, &[0; 12], &mut key);
    /// assert_eq!(key[..16], kul.as_bytes()[..]);
    /// # Ok::<(), snmp_usm::UsmError>(())
    /// ```
    pub fn extend(self, kul: &LocalizedKey, engine_id: &[u8], out: &mut [u8]) {
        let base = kul.as_bytes();
        let mut have = copy_prefix(out, base);
        let hash = kul.protocol();
        while have < out.len() {
            let mut next = [0u8; MAX_DIGEST];
            let done = out.get(..have).unwrap_or(&[]);
            let n = match self {
                KeyExtension::Blumenthal => hash_parts(hash, &[done], &mut next),
                KeyExtension::Reeder => {
                    // The previous block, used as a password, localised to the same engine.
                    let prev = done.get(have.saturating_sub(base.len())..).unwrap_or(done);
                    match MasterKey::from_password(hash, prev) {
                        Ok(ku) => copy_prefix(&mut next, ku.localize(engine_id).as_bytes()),
                        Err(_) => 0,
                    }
                }
            };
            let took = match (out.get_mut(have..), next.get(..n)) {
                (Some(rest), Some(block)) => copy_prefix(rest, block),
                _ => 0,
            };
            next.zeroize();
            if took == 0 {
                break;
            }
            have = have.saturating_add(took);
        }
    }
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [PrivProtocol; 7] = [
        PrivProtocol::Des,
        PrivProtocol::TripleDes,
        PrivProtocol::Aes128,
        PrivProtocol::Aes192Blumenthal,
        PrivProtocol::Aes256Blumenthal,
        PrivProtocol::Aes192Reeder,
        PrivProtocol::Aes256Reeder,
    ];

    /// Octets of key material the protocol uses (for DES and 3DES including the pre-IV).
    pub const fn key_material_len(self) -> usize {
        match self {
            PrivProtocol::Des | PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192Blumenthal | PrivProtocol::Aes192Reeder => 24,
            PrivProtocol::TripleDes
            | PrivProtocol::Aes256Blumenthal
            | PrivProtocol::Aes256Reeder => 32,
        }
    }

    /// The key extension used when the localised key is too short.
    pub const fn key_extension(self) -> KeyExtension {
        match self {
            PrivProtocol::TripleDes | PrivProtocol::Aes192Reeder | PrivProtocol::Aes256Reeder => {
                KeyExtension::Reeder
            }
            _ => KeyExtension::Blumenthal,
        }
    }

    /// The name Net-SNMP's `-x` takes (`None` for 3DES, which Net-SNMP lacks).
    pub const fn net_snmp_name(self) -> Option<&'static str> {
        Some(match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::TripleDes => return None,
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192Blumenthal => "AES-192",
            PrivProtocol::Aes256Blumenthal => "AES-256",
            PrivProtocol::Aes192Reeder => "AES192C",
            PrivProtocol::Aes256Reeder => "AES256C",
        })
    }

    /// Parses Net-SNMP's (and gosnmp's) names: `DES`, `AES`/`AES128`, `AES-192`/`AES192`
    /// (Blumenthal), `AES-256`/`AES256` (Blumenthal), `AES192C`, `AES256C` (Reeder), and `3DES`.
    pub fn from_net_snmp_name(name: &str) -> Option<PrivProtocol> {
        let mut buf = [0u8; 12];
        let n = normalize(name, &mut buf)?;
        Some(match buf.get(..n)? {
            b"DES" => PrivProtocol::Des,
            b"3DES" | b"3DESEDE" => PrivProtocol::TripleDes,
            b"AES" | b"AES128" => PrivProtocol::Aes128,
            b"AES192" => PrivProtocol::Aes192Blumenthal,
            b"AES256" => PrivProtocol::Aes256Blumenthal,
            b"AES192C" => PrivProtocol::Aes192Reeder,
            b"AES256C" => PrivProtocol::Aes256Reeder,
            _ => return None,
        })
    }

    /// Parses pysnmp's names, where plain `AES192`/`AES256` mean the Reeder extension and
    /// `AES192BLMT`/`AES256BLMT` the Blumenthal one.
    pub fn from_pysnmp_name(name: &str) -> Option<PrivProtocol> {
        let mut buf = [0u8; 12];
        let n = normalize(name, &mut buf)?;
        Some(match buf.get(..n)? {
            b"DES" => PrivProtocol::Des,
            b"3DES" | b"3DESEDE" => PrivProtocol::TripleDes,
            b"AES" | b"AES128" => PrivProtocol::Aes128,
            b"AES192" => PrivProtocol::Aes192Reeder,
            b"AES256" => PrivProtocol::Aes256Reeder,
            b"AES192BLMT" => PrivProtocol::Aes192Blumenthal,
            b"AES256BLMT" => PrivProtocol::Aes256Blumenthal,
            _ => return None,
        })
    }

    fn is_aes(self) -> bool {
        !matches!(self, PrivProtocol::Des | PrivProtocol::TripleDes)
    }
}

impl fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::TripleDes => "3DES",
            PrivProtocol::Aes128 => "AES-128",
            PrivProtocol::Aes192Blumenthal => "AES-192 (Blumenthal)",
            PrivProtocol::Aes256Blumenthal => "AES-256 (Blumenthal)",
            PrivProtocol::Aes192Reeder => "AES-192 (Reeder/Cisco)",
            PrivProtocol::Aes256Reeder => "AES-256 (Reeder/Cisco)",
        })
    }
}

/// A privacy key for one engine: the localised privacy key, extended to the cipher's needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivKey {
    protocol: PrivProtocol,
    key: KeyBytes,
}

impl PrivKey {
    /// Derives the key from the localised key of the privacy password (localised with the
    /// *authentication* protocol's hash, RFC 3414) for `engine_id`, extending it as the
    /// protocol requires.
    ///
    /// The Reeder extension runs password-to-key again (a mebibyte of hashing); derive once
    /// per (user, engine) and keep the result.
    pub fn derive(protocol: PrivProtocol, kul: &LocalizedKey, engine_id: &[u8]) -> PrivKey {
        let mut k = [0u8; 32];
        let len = protocol.key_material_len().min(k.len());
        let (k, _) = k.split_at_mut(len);
        protocol.key_extension().extend(kul, engine_id, k);
        let key = KeyBytes::new(k);
        k.zeroize();
        PrivKey { protocol, key }
    }

    /// A privacy key from stored bytes: the already extended key material, at least
    /// [`PrivProtocol::key_material_len`] octets (more are ignored).
    pub fn from_bytes(protocol: PrivProtocol, bytes: &[u8]) -> Result<PrivKey, UsmError> {
        let need = protocol.key_material_len();
        let b = bytes.get(..need).ok_or(UsmError::InvalidKeyLength)?;
        let key = KeyBytes::new(b);
        Ok(PrivKey { protocol, key })
    }

    /// The protocol.
    pub fn protocol(&self) -> PrivProtocol {
        self.protocol
    }

    /// The key material.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.as_slice()
    }

    /// Encrypts a ScopedPDU. Returns the ciphertext and msgPrivacyParameters.
    ///
    /// `salt` must never repeat under this key: take it from a counter (see
    /// [`crate::SaltCounter`]). DES and 3DES use its low 32 bits after `engine_boots`
    /// (RFC 3414 8.1.1.1); AES uses all 64 bits, and an IV of boots, time and salt (RFC 3826).
    /// `engine_boots` and `engine_time` are the values the message carries.
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        engine_boots: u32,
        engine_time: u32,
        salt: u64,
    ) -> (Vec<u8>, [u8; 8]) {
        let k = self.key.as_slice();
        if self.protocol.is_aes() {
            let params = salt.to_be_bytes();
            let iv = aes_iv(engine_boots, engine_time, &params);
            let mut buf = plaintext.to_vec();
            let _ = match self.protocol {
                PrivProtocol::Aes128 => cfb_encrypt::<Aes128>(k, &iv, &mut buf),
                PrivProtocol::Aes192Blumenthal | PrivProtocol::Aes192Reeder => {
                    cfb_encrypt::<Aes192>(k, &iv, &mut buf)
                }
                _ => cfb_encrypt::<Aes256>(k, &iv, &mut buf),
            };
            (buf, params)
        } else {
            // The salt: engineBoots, then the low 32 bits of the counter (RFC 3414 8.1.1.1).
            let params = ((u64::from(engine_boots) << 32) | (salt & 0xffff_ffff)).to_be_bytes();
            // DES keys are 16 octets, 3DES 32: the last 8 are the pre-IV.
            let (key, pre_iv) = k.split_at(k.len().saturating_sub(8));
            let iv = xor8(pre_iv, &params);
            // Pad with zeros to the block size; the receiver ignores what follows the
            // ScopedPDU's SEQUENCE.
            let mut buf = plaintext.to_vec();
            buf.resize(plaintext.len().div_ceil(8).max(1).saturating_mul(8), 0);
            let len = buf.len();
            let _ = match self.protocol {
                PrivProtocol::Des => cbc::Encryptor::<Des>::new_from_slices(key, &iv)
                    .map(|c| c.encrypt_padded_mut::<NoPadding>(&mut buf, len).is_ok()),
                _ => cbc::Encryptor::<TdesEde3>::new_from_slices(key, &iv)
                    .map(|c| c.encrypt_padded_mut::<NoPadding>(&mut buf, len).is_ok()),
            };
            (buf, params)
        }
    }

    /// Decrypts msgData with the msgPrivacyParameters, boots and time of the same message (never
    /// a local estimate: RFC 3826 section 3.1.4). The result may carry padding after the
    /// ScopedPDU.
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        priv_params: &[u8],
        engine_boots: u32,
        engine_time: u32,
    ) -> Result<Vec<u8>, UsmError> {
        let params: [u8; 8] = priv_params
            .try_into()
            .map_err(|_| UsmError::DecryptionError)?;
        let k = self.key.as_slice();
        let mut buf = ciphertext.to_vec();
        if self.protocol.is_aes() {
            let iv = aes_iv(engine_boots, engine_time, &params);
            let ok = match self.protocol {
                PrivProtocol::Aes128 => cfb_decrypt::<Aes128>(k, &iv, &mut buf),
                PrivProtocol::Aes192Blumenthal | PrivProtocol::Aes192Reeder => {
                    cfb_decrypt::<Aes192>(k, &iv, &mut buf)
                }
                _ => cfb_decrypt::<Aes256>(k, &iv, &mut buf),
            };
            return if ok {
                Ok(buf)
            } else {
                Err(UsmError::DecryptionError)
            };
        }
        if buf.is_empty() || !buf.len().is_multiple_of(8) {
            return Err(UsmError::DecryptionError);
        }
        let (key, pre_iv) = k.split_at(k.len().saturating_sub(8));
        let iv = xor8(pre_iv, &params);
        let ok = match self.protocol {
            PrivProtocol::Des => cbc::Decryptor::<Des>::new_from_slices(key, &iv)
                .map(|c| c.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok()),
            _ => cbc::Decryptor::<TdesEde3>::new_from_slices(key, &iv)
                .map(|c| c.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok()),
        };
        if ok == Ok(true) {
            Ok(buf)
        } else {
            Err(UsmError::DecryptionError)
        }
    }
}

fn aes_iv(boots: u32, time: u32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&boots.to_be_bytes());
    iv[4..8].copy_from_slice(&time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

fn xor8(a: &[u8], b: &[u8; 8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x ^ y;
    }
    out
}

fn cfb_encrypt<C>(key: &[u8], iv: &[u8; 16], buf: &mut [u8]) -> bool
where
    C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cfb_mode::Encryptor<C>: KeyIvInit + AsyncStreamCipher,
{
    match cfb_mode::Encryptor::<C>::new_from_slices(key, iv) {
        Ok(c) => {
            c.encrypt(buf);
            true
        }
        Err(_) => false,
    }
}

fn cfb_decrypt<C>(key: &[u8], iv: &[u8; 16], buf: &mut [u8]) -> bool
where
    C: cbc::cipher::BlockEncryptMut + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
    cfb_mode::Decryptor<C>: KeyIvInit + AsyncStreamCipher,
{
    match cfb_mode::Decryptor::<C>::new_from_slices(key, iv) {
        Ok(c) => {
            c.decrypt(buf);
            true
        }
        Err(_) => false,
    }
}

/// A source of privacy salts that never repeats under a key: a 64-bit counter started from a
/// caller-chosen seed (random at start-up, so that two runs with the same keys do not
/// collide), incremented for every message.
///
/// ```
/// let mut salts = snmp_usm::SaltCounter::new(0xfeed);
/// assert_ne!(salts.next_salt(), salts.next_salt());
/// ```
#[derive(Debug, Clone)]
pub struct SaltCounter(u64);

impl SaltCounter {
    /// A counter starting at `seed`.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next salt.
    pub fn next_salt(&mut self) -> u64 {
        let s = self.0;
        // For DES only the low 32 bits travel; stepping the low half keeps them unique for
        // 2^32 messages per engineBoots value.
        self.0 = self.0.wrapping_add(1);
        s
    }
}

impl core::str::FromStr for PrivProtocol {
    type Err = crate::auth::UnknownProtocol;

    /// [`PrivProtocol::from_net_snmp_name`] (Net-SNMP's names: `AES` is AES-128, `AES-256`
    /// the Blumenthal extension, `AES256C` the Reeder one).
    ///
    /// ```
    /// use snmp_usm::PrivProtocol;
    /// assert_eq!("AES".parse::<PrivProtocol>(), Ok(PrivProtocol::Aes128));
    /// assert_eq!("AES256C".parse::<PrivProtocol>(), Ok(PrivProtocol::Aes256Reeder));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PrivProtocol::from_net_snmp_name(s).ok_or(crate::auth::UnknownProtocol)
    }
}
