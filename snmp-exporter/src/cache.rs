//! One bounded idle cache, for everything the exporter keeps between scrapes (v3 clients,
//! lookup columns): entries unused for `idle` are dropped, and at `max` entries the least
//! recently used one makes room. Nothing a request asks for can grow it past `max`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A bounded map of values with when each was last used.
#[derive(Debug)]
pub(crate) struct IdleCache<K, V> {
    map: Mutex<HashMap<K, (V, Instant)>>,
    max: usize,
    idle: Duration,
}

impl<K: Eq + Hash + Clone, V: Clone> IdleCache<K, V> {
    /// An empty cache of at most `max` entries, each kept while used within `idle`.
    pub(crate) fn new(max: usize, idle: Duration) -> Self {
        IdleCache {
            map: Mutex::new(HashMap::new()),
            max: max.max(1),
            idle,
        }
    }

    /// The value for `key` if it was used within `idle` (it counts as used now).
    pub(crate) fn get(&self, key: &K, now: Instant) -> Option<V> {
        let mut map = self.map.lock().ok()?;
        let entry = map.get_mut(key)?;
        if now.saturating_duration_since(entry.1) >= self.idle {
            map.remove(key);
            return None;
        }
        entry.1 = now;
        Some(entry.0.clone())
    }

    /// Keeps `value` for `key`; returns what it displaced (an older value of the key, idle
    /// entries, or the least recently used one at the bound), for the caller to close.
    pub(crate) fn insert(&self, key: K, value: V, now: Instant) -> Vec<V> {
        let Ok(mut map) = self.map.lock() else {
            return vec![value];
        };
        let mut gone = Vec::new();
        if let Some((old, _)) = map.insert(key.clone(), (value, now)) {
            gone.push(old);
            return gone;
        }
        if map.len() > self.max {
            let idle = self.idle;
            let expired: Vec<K> = map
                .iter()
                .filter(|(_, (_, used))| now.saturating_duration_since(*used) >= idle)
                .map(|(k, _)| k.clone())
                .collect();
            for k in expired {
                if let Some((v, _)) = map.remove(&k) {
                    gone.push(v);
                }
            }
            while map.len() > self.max {
                let oldest = map
                    .iter()
                    .filter(|(k, _)| **k != key)
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(k, _)| k.clone());
                match oldest.and_then(|k| map.remove(&k)) {
                    Some((v, _)) => gone.push(v),
                    None => break,
                }
            }
        }
        gone
    }

    /// Forgets `key`; its value, if any.
    pub(crate) fn remove(&self, key: &K) -> Option<V> {
        self.map.lock().ok()?.remove(key).map(|(v, _)| v)
    }

    /// How many entries are kept.
    pub(crate) fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_count_and_idle_time() {
        let c: IdleCache<u32, u32> = IdleCache::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for i in 0..100_000u32 {
            c.insert(i, i, t0 + Duration::from_micros(u64::from(i)));
            assert!(c.len() <= 3);
        }
        // The most recent three survive.
        let later = t0 + Duration::from_secs(1);
        assert_eq!(c.get(&99_999, later), Some(99_999));
        assert_eq!(c.get(&0, later), None);
        // Idle entries expire.
        assert_eq!(c.get(&99_999, later + Duration::from_secs(11)), None);
        // Replacing a key hands back the old value.
        assert_eq!(c.insert(7, 1, later), Vec::<u32>::new());
        assert_eq!(c.insert(7, 2, later), vec![1]);
        assert_eq!(c.remove(&7), Some(2));
    }
}
