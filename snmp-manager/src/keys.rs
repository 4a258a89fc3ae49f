//! Password-to-key, once per (protocol, password) in the process.
//!
//! RFC 3414's password-to-key hashes a mebibyte per password: 1.3 ms here, so 5,000 targets
//! with the same credentials cost 6.7 s when each derives its own keys. The builders ask this
//! cache instead. It holds master keys (secrets as strong as the password, which a `UsmUser`
//! holds anyway), found by a SHA-256 fingerprint of the protocol and password: the password
//! itself is not kept. It is bounded ([`CAPACITY`] entries, the oldest dropped first).

use std::collections::VecDeque;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use snmp_usm::{AuthProtocol, MasterKey, PrivProtocol, UsmError, UsmUser};

/// The most master keys kept.
pub(crate) const CAPACITY: usize = 256;

type Fingerprint = [u8; 32];

static CACHE: Mutex<VecDeque<(Fingerprint, MasterKey)>> = Mutex::new(VecDeque::new());

#[cfg(test)]
static DERIVATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn fingerprint(protocol: AuthProtocol, password: &[u8]) -> Fingerprint {
    let mut h = Sha256::new();
    h.update(b"snmp-rs master key\0");
    h.update(format!("{protocol:?}").as_bytes());
    h.update([0]);
    h.update(password);
    let mut out = [0u8; 32];
    out.copy_from_slice(&h.finalize());
    out
}

/// The master key of `password` under `protocol`, derived at most once while it stays cached.
pub(crate) fn master_key(protocol: AuthProtocol, password: &[u8]) -> Result<MasterKey, UsmError> {
    let fp = fingerprint(protocol, password);
    if let Ok(cache) = CACHE.lock() {
        if let Some((_, k)) = cache.iter().find(|(f, _)| *f == fp) {
            return Ok(k.clone());
        }
    }
    #[cfg(test)]
    DERIVATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let key = MasterKey::from_password(protocol, password)?;
    if let Ok(mut cache) = CACHE.lock() {
        if !cache.iter().any(|(f, _)| *f == fp) {
            if cache.len() >= CAPACITY {
                cache.pop_front();
            }
            cache.push_back((fp, key.clone()));
        }
    }
    Ok(key)
}

/// A user with authentication and (optionally) privacy, its master keys from the cache.
pub(crate) fn user(
    name: &str,
    auth: Option<(AuthProtocol, &[u8])>,
    privacy: Option<(PrivProtocol, &[u8])>,
) -> Result<UsmUser, UsmError> {
    let Some((a, apw)) = auth else {
        if privacy.is_some() {
            return Err(UsmError::UnsupportedSecurityLevel);
        }
        return Ok(UsmUser::new(name));
    };
    let ka = master_key(a, apw)?;
    // The privacy key is derived with the authentication protocol's hash (RFC 3414 A.2).
    let kp = privacy
        .map(|(p, ppw)| master_key(a, ppw).map(|k| (p, k)))
        .transpose()?;
    UsmUser::from_master_keys(name, Some(ka), kp)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn the_same_credentials_are_derived_once_and_give_the_same_user() {
        let before = DERIVATIONS.load(Ordering::Relaxed);
        let users: Vec<UsmUser> = (0..5000)
            .map(|i| {
                user(
                    &format!("u{}", i % 3),
                    Some((AuthProtocol::Sha256, b"cache-test-auth")),
                    Some((PrivProtocol::Aes128, b"cache-test-priv")),
                )
                .unwrap()
            })
            .collect();
        let derived = DERIVATIONS.load(Ordering::Relaxed) - before;
        // Other tests may derive in parallel, but never 5,000 times.
        assert!(
            derived <= 2 + 16,
            "derived {derived} master keys for one credential pair"
        );
        let direct = UsmUser::new("u1")
            .with_auth(AuthProtocol::Sha256, b"cache-test-auth")
            .unwrap()
            .with_privacy(PrivProtocol::Aes128, b"cache-test-priv")
            .unwrap();
        assert_eq!(users[1], direct);
    }

    #[test]
    fn different_passwords_and_protocols_get_different_keys() {
        let a = master_key(AuthProtocol::Sha1, b"password-one").unwrap();
        let b = master_key(AuthProtocol::Sha1, b"password-two").unwrap();
        let c = master_key(AuthProtocol::Md5, b"password-one").unwrap();
        assert_ne!(a, b);
        assert_ne!(a.as_bytes(), c.as_bytes());
        assert_eq!(
            a,
            MasterKey::from_password(AuthProtocol::Sha1, b"password-one").unwrap()
        );
        assert_eq!(
            master_key(AuthProtocol::Sha1, b""),
            Err(UsmError::EmptyPassword)
        );
    }
}
