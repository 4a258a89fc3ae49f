//! The engine state file: the v3 engines that kept clients learned, so that a restarted
//! exporter skips their discovery. Keys are SHA-256 hashes of what identifies a client (the
//! target and its credentials), so no secret is written; values are the engine ID, boots and
//! time, and when they were saved.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use snmp_tokio::session::KnownEngine;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Saved {
    engine_id: String,
    boots: u32,
    time: u32,
    saved_at: u64,
}

/// The engines by hashed client key.
#[derive(Debug, Default)]
pub(crate) struct Engines(BTreeMap<String, Saved>);

fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The most engines kept in the file.
const MAX: usize = 100_000;

impl Engines {
    /// The file's engines; a missing or unreadable file is an empty table (logged).
    pub(crate) fn load(path: &Path) -> Engines {
        match std::fs::read_to_string(path) {
            Ok(text) => match serde_json::from_str::<BTreeMap<String, Saved>>(&text) {
                Ok(map) => Engines(map),
                Err(e) => {
                    tracing::warn!(file = %path.display(), err = %e, "ignoring an unreadable engine state file");
                    Engines::default()
                }
            },
            Err(_) => Engines::default(),
        }
    }

    /// The engine saved for `key`, its time moved on by the seconds since it was saved.
    pub(crate) fn get(&self, key: &str) -> Option<KnownEngine> {
        let s = self.0.get(&hash(key))?;
        let id = unhex(&s.engine_id)?;
        let elapsed = unix_now().saturating_sub(s.saved_at);
        let time = u64::from(s.time)
            .saturating_add(elapsed)
            .min(i32::MAX as u64) as u32;
        Some(KnownEngine {
            id: id.into(),
            boots: s.boots,
            time,
        })
    }

    /// Records `engine` for `key`; whether the file should be written (a new engine, or
    /// other boots or ID than saved).
    pub(crate) fn put(&mut self, key: &str, engine: &KnownEngine) -> bool {
        let k = hash(key);
        let id: String = engine.id.iter().map(|b| format!("{b:02x}")).collect();
        let changed = match self.0.get(&k) {
            Some(s) => s.engine_id != id || s.boots != engine.boots,
            None => true,
        };
        if changed && (self.0.len() < MAX || self.0.contains_key(&k)) {
            self.0.insert(
                k,
                Saved {
                    engine_id: id,
                    boots: engine.boots,
                    time: engine.time,
                    saved_at: unix_now(),
                },
            );
            return true;
        }
        false
    }

    /// Writes the table (to a temporary file renamed over `path`).
    pub(crate) fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        let text = serde_json::to_string_pretty(&self.0).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_engines_come_back_without_secrets() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("engines.json");
        let mut e = Engines::default();
        let engine = KnownEngine {
            id: vec![0x80, 0, 0x1f, 0x88, 4].into(),
            boots: 7,
            time: 1000,
        };
        assert!(e.put("host|user|secret-password", &engine));
        assert!(
            !e.put("host|user|secret-password", &engine),
            "unchanged: no write"
        );
        e.save(&path).expect("save");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            !text.contains("secret-password") && text.contains("80001f8804"),
            "{text}"
        );
        let back = Engines::load(&path)
            .get("host|user|secret-password")
            .expect("engine");
        assert_eq!((back.id, back.boots), (engine.id, 7));
        assert!(back.time >= 1000);
        std::fs::write(&path, "not json").expect("write");
        assert!(Engines::load(&path)
            .get("host|user|secret-password")
            .is_none());
    }
}
