//! The engine state file: the v3 engines that kept clients learned, so that a restarted
//! exporter skips their discovery.
//!
//! An entry is keyed by what names an agent and a user, in clear: transport, host, port, user
//! and context (`udp|192.0.2.1|161|monitor|`). Nothing derived from a password is written (an
//! unsalted hash of the passwords would be far cheaper to brute-force than USM's own
//! password-to-key). Values are the engine ID, boots and time, and when they were saved.
//!
//! The file is written `0600` through a temporary file created exclusively (`O_EXCL`: a
//! symlink planted at its name is not followed) in the same folder, then renamed over the
//! file; writes happen on a blocking thread, never on the async runtime, one at a time, the
//! latest table winning.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use snmp_tokio::session::KnownEngine;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Saved {
    engine_id: String,
    boots: u32,
    time: u32,
    saved_at: u64,
}

/// What names an engine entry: the agent and the user, no credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct EngineKey {
    /// `udp`, `udp6`, `tcp`, `tcp6` or empty.
    pub transport: String,
    /// Host as the target gave it.
    pub host: String,
    /// Port.
    pub port: u16,
    /// v3 user.
    pub user: String,
    /// v3 context.
    pub context: String,
}

impl EngineKey {
    fn text(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.transport, self.host, self.port, self.user, self.context
        )
    }
}

/// The engines by key.
#[derive(Debug, Default)]
pub(crate) struct Engines(BTreeMap<String, Saved>);

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
pub(crate) const MAX: usize = 100_000;
/// The largest state file read (a bigger one is ignored, logged).
const MAX_FILE: u64 = 64 << 20;

impl Engines {
    /// The file's engines; a missing, oversized or unreadable file is an empty table (logged).
    pub(crate) fn load(path: &Path) -> Engines {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE => {
                tracing::warn!(file = %path.display(), bytes = m.len(), "ignoring an oversized engine state file");
                return Engines::default();
            }
            Ok(_) => {}
            Err(_) => return Engines::default(),
        }
        match std::fs::read_to_string(path) {
            Ok(text) => match serde_json::from_str::<BTreeMap<String, Saved>>(&text) {
                Ok(mut map) => {
                    // Entries of the older, hashed layout (64 hex digits) are dropped: their
                    // keys were derived from passwords.
                    map.retain(|k, _| k.contains('|'));
                    while map.len() > MAX {
                        map.pop_last();
                    }
                    Engines(map)
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), err = %e, "ignoring an unreadable engine state file");
                    Engines::default()
                }
            },
            Err(_) => Engines::default(),
        }
    }

    /// The engine saved for `key`, its time moved on by the seconds since it was saved.
    pub(crate) fn get(&self, key: &EngineKey) -> Option<KnownEngine> {
        let s = self.0.get(&key.text())?;
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
    pub(crate) fn put(&mut self, key: &EngineKey, engine: &KnownEngine) -> bool {
        let k = key.text();
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

    /// The table as the file holds it.
    pub(crate) fn to_text(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_else(|_| "{}".into())
    }
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes `text` to `path`: a new file `0600` created exclusively beside it, then renamed over
/// it. A name already taken (by anything, a symlink included) is skipped, not followed.
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "engines".into());
    let mut last = None;
    for _ in 0..16 {
        let seq = TMP_SEQ.fetch_add(1, Ordering::Relaxed);
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(
            ".{name}.{}.{seq}.{nonce:08x}.tmp",
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&tmp) {
            Ok(mut f) => {
                let written = f.write_all(text.as_bytes()).and_then(|()| f.sync_all());
                drop(f);
                if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Writes the state file off the async runtime: the latest table is handed over, and one
/// blocking task at a time writes whatever is newest.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    path: PathBuf,
    pending: Arc<Mutex<(Option<String>, bool)>>,
}

impl Writer {
    pub(crate) fn new(path: PathBuf) -> Writer {
        Writer {
            path,
            pending: Arc::new(Mutex::new((None, false))),
        }
    }

    /// Hands `text` over to be written; starts a writer unless one is running.
    pub(crate) fn submit(&self, text: String) {
        let Ok(mut p) = self.pending.lock() else {
            return;
        };
        p.0 = Some(text);
        if p.1 {
            return;
        }
        p.1 = true;
        drop(p);
        let this = self.clone();
        let run = move || this.drain();
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn_blocking(run);
            }
            Err(_) => run(),
        }
    }

    fn drain(&self) {
        loop {
            let text = {
                let Ok(mut p) = self.pending.lock() else {
                    return;
                };
                match p.0.take() {
                    Some(t) => t,
                    None => {
                        p.1 = false;
                        return;
                    }
                }
            };
            if let Err(e) = write_private(&self.path, &text) {
                tracing::warn!(file = %self.path.display(), err = %e, "cannot write the engine state file");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> EngineKey {
        EngineKey {
            transport: "udp".into(),
            host: "192.0.2.1".into(),
            port: 161,
            user: "monitor".into(),
            context: String::new(),
        }
    }

    #[test]
    fn saved_engines_come_back_and_hold_no_credential() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("engines.json");
        let mut e = Engines::default();
        let engine = KnownEngine {
            id: vec![0x80, 0, 0x1f, 0x88, 4].into(),
            boots: 7,
            time: 1000,
        };
        assert!(e.put(&key(), &engine));
        assert!(!e.put(&key(), &engine), "unchanged: no write");
        write_private(&path, &e.to_text()).expect("save");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains("udp|192.0.2.1|161|monitor|") && text.contains("80001f8804"),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back = Engines::load(&path).get(&key()).expect("engine");
        assert_eq!((back.id, back.boots), (engine.id, 7));
        assert!(back.time >= 1000);
        std::fs::write(&path, "not json").expect("write");
        assert!(Engines::load(&path).get(&key()).is_none());
        // The older layout's password-derived keys are dropped on load.
        std::fs::write(
            &path,
            format!(
                "{{\"{}\": {{\"engine_id\": \"80\", \"boots\": 1, \"time\": 1, \"saved_at\": 1}}}}",
                "a".repeat(64)
            ),
        )
        .expect("write");
        assert_eq!(Engines::load(&path).0.len(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_not_followed() {
        let dir = tempfile::tempdir().expect("dir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").expect("write");
        let path = dir.path().join("engines.json");
        // Whatever temporary names an attacker guesses, the writer never opens an existing
        // file: plant links at the older layout's predictable name and at ours.
        std::os::unix::fs::symlink(&victim, path.with_extension("tmp")).expect("link");
        for seq in 0..4 {
            let guess = dir.path().join(format!(
                ".engines.json.{}.{seq}.00000000.tmp",
                std::process::id()
            ));
            let _ = std::os::unix::fs::symlink(&victim, guess);
        }
        write_private(&path, "{}").expect("save");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep me");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{}");
    }
}
