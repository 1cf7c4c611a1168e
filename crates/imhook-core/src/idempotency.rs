//! De-duplication of callbacks that providers deliver more than once.
//!
//! The endpoint *claims* a key before calling the handler, *completes* it when the
//! reply was a success and *releases* it when the provider should retry. Keys are
//! SHA-256 digests of the request's identity, so stores never hold user data and
//! every key has the same short size.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Default retention of a claimed key: 4 days (the provider's 3-day storage plus margin).
pub const DEFAULT_TTL: Duration = Duration::from_secs(4 * 24 * 3600);

/// The identity of one callback, hashed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdempotencyKey([u8; 16]);

impl IdempotencyKey {
    /// Hashes the parts, separated by U+001F so that no two part lists collide.
    ///
    /// ```
    /// use imhook_core::IdempotencyKey;
    /// let a = IdempotencyKey::from_parts(&["call", "chat_offline", "bob"]);
    /// let b = IdempotencyKey::from_parts(&["call", "chat_offline", "alice"]);
    /// assert_ne!(a, b);
    /// assert_eq!(a.to_hex().len(), 32);
    /// ```
    pub fn from_parts(parts: &[&str]) -> Self {
        let mut h = Sha256::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                h.update([0x1f]);
            }
            h.update(p.as_bytes());
        }
        let digest = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(digest.get(..16).unwrap_or(&[0u8; 16]));
        Self(out)
    }

    /// The key's 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Lower-case hex of the key (32 characters).
    pub fn to_hex(&self) -> String {
        crate::wire::to_hex(&self.0)
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.to_hex())
    }
}

/// Outcome of [`IdempotencyStore::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The key was free and is now claimed by this request: process it.
    Claimed,
    /// Another request is processing the same key right now.
    InFlight,
    /// The key was already processed successfully.
    Done,
}

/// A store failed (e.g. Redis unreachable).
#[derive(Debug, thiserror::Error)]
#[error("idempotency store unavailable: {0}")]
pub struct StoreError(pub String);

/// Shared de-duplication state.
#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Atomically claims `key` for `ttl` unless it is already claimed or done.
    async fn claim(&self, key: &IdempotencyKey, ttl: Duration) -> Result<Claim, StoreError>;
    /// Marks a claimed key as done, keeping it for `ttl`.
    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError>;
    /// Forgets a claimed key so a retry is processed.
    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError>;
}

#[derive(Clone, Copy)]
struct Entry {
    expires: Instant,
    done: bool,
    /// Generation, to tell an eviction-queue record from a newer entry for the same key.
    generation: u64,
}

struct Shard {
    map: HashMap<IdempotencyKey, Entry>,
    order: VecDeque<(IdempotencyKey, u64)>,
    generation: u64,
}

/// An in-memory, bounded, expiring store; safe under concurrency.
///
/// Holds at most `capacity` keys; when full, the oldest claims are forgotten first
/// (they are also the closest to expiring). Measured cost: about 170 bytes of resident
/// memory per key (hash table, eviction queue and allocator slack; see BENCHMARKS.md).
/// Use the Redis store to share state between several instances.
pub struct MemoryStore {
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
}

/// Default bound of [`MemoryStore`]: 100,000 keys (about 17 MB of resident memory when
/// full).
pub const DEFAULT_MEMORY_CAPACITY: usize = 100_000;

const SHARDS: usize = 16;

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_MEMORY_CAPACITY)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &(self.per_shard * SHARDS))
            .finish()
    }
}

impl MemoryStore {
    /// A store holding at most `capacity` keys (at least 16).
    pub fn new(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    map: HashMap::new(),
                    order: VecDeque::new(),
                    generation: 0,
                })
            })
            .collect();
        Self { shards, per_shard }
    }

    /// Number of keys held (claimed or done, not yet expired or evicted).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map(|s| s.map.len()).unwrap_or(0))
            .sum()
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &IdempotencyKey) -> &Mutex<Shard> {
        // `shards` has exactly SHARDS elements, so the index is always in bounds.
        #[allow(clippy::indexing_slicing)]
        &self.shards[usize::from(key.0[0]) % SHARDS]
    }

    fn with_shard<R>(&self, key: &IdempotencyKey, f: impl FnOnce(&mut Shard) -> R) -> R {
        let mut guard = match self.shard(key).lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }
}

impl Shard {
    fn evict(&mut self, now: Instant, cap: usize) {
        // Drop expired or superseded records at the front, then the oldest while full.
        while let Some(&(k, generation)) = self.order.front() {
            let live = self
                .map
                .get(&k)
                .filter(|e| e.generation == generation)
                .copied();
            match live {
                None => {
                    self.order.pop_front();
                }
                Some(e) if e.expires <= now || self.map.len() >= cap => {
                    self.map.remove(&k);
                    self.order.pop_front();
                }
                Some(_) => break,
            }
        }
        // Keep the queue from growing without bound when many records were superseded.
        if self.order.len() > cap.saturating_mul(2) {
            let map = &self.map;
            self.order
                .retain(|(k, generation)| map.get(k).is_some_and(|e| e.generation == *generation));
        }
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(&self, key: &IdempotencyKey, ttl: Duration) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let cap = self.per_shard;
        Ok(self.with_shard(key, |s| {
            if let Some(e) = s.map.get(key) {
                if e.expires > now {
                    return if e.done { Claim::Done } else { Claim::InFlight };
                }
            }
            s.evict(now, cap);
            s.generation = s.generation.wrapping_add(1);
            let generation = s.generation;
            s.map.insert(
                *key,
                Entry {
                    expires: now + ttl,
                    done: false,
                    generation,
                },
            );
            s.order.push_back((*key, generation));
            Claim::Claimed
        }))
    }

    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError> {
        let now = Instant::now();
        self.with_shard(key, |s| {
            if let Some(e) = s.map.get_mut(key) {
                e.done = true;
                e.expires = now + ttl;
            }
        });
        Ok(())
    }

    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
        self.with_shard(key, |s| {
            s.map.remove(key);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn k(i: u32) -> IdempotencyKey {
        IdempotencyKey::from_parts(&[&i.to_string()])
    }

    #[tokio::test]
    async fn claim_complete_release() {
        let s = MemoryStore::new(100);
        let ttl = Duration::from_secs(60);
        assert_eq!(s.claim(&k(1), ttl).await.unwrap(), Claim::Claimed);
        assert_eq!(s.claim(&k(1), ttl).await.unwrap(), Claim::InFlight);
        s.complete(&k(1), ttl).await.unwrap();
        assert_eq!(s.claim(&k(1), ttl).await.unwrap(), Claim::Done);
        assert_eq!(s.claim(&k(2), ttl).await.unwrap(), Claim::Claimed);
        s.release(&k(2)).await.unwrap();
        assert_eq!(s.claim(&k(2), ttl).await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn expiry() {
        let s = MemoryStore::new(100);
        assert_eq!(
            s.claim(&k(1), Duration::from_millis(1)).await.unwrap(),
            Claim::Claimed
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            s.claim(&k(1), Duration::from_secs(5)).await.unwrap(),
            Claim::Claimed
        );
    }

    #[tokio::test]
    async fn bounded() {
        let s = MemoryStore::new(160);
        for i in 0..10_000 {
            s.claim(&k(i), DEFAULT_TTL).await.unwrap();
        }
        assert!(s.len() <= 160, "len {}", s.len());
        assert!(s.len() >= 100);
        // the newest key is still remembered
        assert_eq!(
            s.claim(&k(9_999), DEFAULT_TTL).await.unwrap(),
            Claim::InFlight
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_claims_yield_one_winner() {
        let s = Arc::new(MemoryStore::default());
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.claim(&k(7), DEFAULT_TTL).await.unwrap()
            }));
        }
        let mut won = 0;
        for t in tasks {
            if t.await.unwrap() == Claim::Claimed {
                won += 1;
            }
        }
        assert_eq!(won, 1);
    }
}
