//! Request-ids and msgIDs: typed, unpredictable, never reused while in flight or recently
//! completed (so a late answer to a finished request is told apart from a stranger's).

use alloc::collections::VecDeque;
use core::hash::{BuildHasherDefault, Hasher};

use rand_chacha::ChaCha12Rng;
use rand_core::RngCore;

/// The request-id of a PDU we sent (31 bits, never 0). Retransmissions of one request reuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RequestId(pub(crate) i32);

/// The msgID of a v3 message we sent (31 bits, never 0); every attempt gets a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct MsgId(pub(crate) i32);

/// Hashes the session's own random ids (request-ids, msgIDs, operation numbers): a
/// multiplicative mix is enough, since the keys inserted are ours and uniformly random.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_i32(&mut self, v: i32) {
        self.write_u64(v as u32 as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A hash map keyed by one of our ids. Hash maps (rather than B-trees) so that the steady
/// state reuses their memory instead of allocating nodes for every request.
pub(crate) type IdMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<IdHasher>>;
type IdSet<K> = hashbrown::HashSet<K, BuildHasherDefault<IdHasher>>;

/// Draws ids and remembers the recently completed ones (a ring of bounded size).
#[derive(Debug)]
pub(crate) struct Ids {
    rng: ChaCha12Rng,
    recent: VecDeque<i32>,
    recent_set: IdSet<i32>,
    remember: usize,
}

impl Ids {
    /// Ids from `rng`, remembering `remember` completed ones.
    pub(crate) fn new(rng: ChaCha12Rng, remember: usize) -> Self {
        Ids {
            rng,
            recent: VecDeque::new(),
            recent_set: IdSet::default(),
            remember,
        }
    }

    /// A fresh 31-bit id, not 0, not `in_use`, not recently completed.
    pub(crate) fn fresh(&mut self, in_use: impl Fn(i32) -> bool) -> i32 {
        loop {
            let id = (self.rng.next_u32() & 0x7fff_ffff) as i32;
            if id != 0 && !in_use(id) && !self.recent_set.contains(&id) {
                return id;
            }
        }
    }

    /// Remembers `id` as completed (the oldest is forgotten beyond the ring's size).
    pub(crate) fn complete(&mut self, id: i32) {
        if self.remember == 0 {
            return;
        }
        if self.recent_set.insert(id) {
            self.recent.push_back(id);
        }
        while self.recent.len() > self.remember {
            if let Some(old) = self.recent.pop_front() {
                self.recent_set.remove(&old);
            }
        }
    }

    /// Whether `id` belonged to a request that completed recently.
    pub(crate) fn recently_completed(&self, id: i32) -> bool {
        self.recent_set.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn fresh_ids_skip_used_and_recent_ones_and_the_ring_is_bounded() {
        let mut ids = Ids::new(ChaCha12Rng::from_seed([1; 32]), 2);
        let a = ids.fresh(|_| false);
        ids.complete(a);
        assert!(ids.recently_completed(a));
        for _ in 0..1000 {
            let b = ids.fresh(|x| x == 5);
            assert!(b != a && b != 0 && b != 5 && b > 0);
        }
        ids.complete(1);
        ids.complete(2);
        assert!(
            !ids.recently_completed(a),
            "the ring keeps only the last two"
        );
        assert!(ids.recently_completed(1) && ids.recently_completed(2));
    }
}
