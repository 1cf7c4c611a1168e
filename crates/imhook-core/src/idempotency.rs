//! De-duplication of callbacks that providers deliver more than once.
//!
//! The endpoint *claims* a key before calling the handler, *completes* it when the
//! reply was a success and *releases* it when the provider should retry. A claim is a
//! [`ClaimGuard`]: dropping it unanswered (an extractor that returned early, a request
//! future cancelled because the client went away or the server shut down) releases it,
//! and a claim whose holder vanished altogether lapses after its *lease*, the handler
//! deadline plus [`LEASE_MARGIN`], never after the 4-day retention.
//!
//! Keys are SHA-256 digests of the request's identity, so stores never hold user data
//! and every key has the same short size.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Default retention of a handled key: 4 days (the provider's 3-day storage plus margin).
pub const DEFAULT_DEDUPE_TTL: Duration = Duration::from_secs(4 * 24 * 3600);

/// What an endpoint adds to its handler deadline to get the in-flight lease of a claim:
/// 2 s, time to complete the claim in the store after the handler returned (a Redis
/// command is bounded by 500 ms by default).
pub const LEASE_MARGIN: Duration = Duration::from_secs(2);

/// The in-flight lease of a claim taken for a handler bounded by `deadline`.
pub(crate) fn lease(deadline: Duration) -> Duration {
    deadline.saturating_add(LEASE_MARGIN)
}

/// The identity of one callback, hashed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyKey([u8; 16]);

impl std::hash::Hash for IdempotencyKey {
    /// The first 8 of the digest's bytes: equal keys hash equally, and a digest's bits
    /// are already uniform.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [a, b, c, d, e, f, g, h, ..] = self.0;
        state.write_u64(u64::from_le_bytes([a, b, c, d, e, f, g, h]));
    }
}

impl IdempotencyKey {
    /// Hashes the parts, each preceded by its length, so that no two different part
    /// lists collide whatever bytes the parts contain.
    ///
    /// ```
    /// use imhook_core::IdempotencyKey;
    /// let a = IdempotencyKey::from_parts(&["call", "chat_offline", "bob"]);
    /// let b = IdempotencyKey::from_parts(&["call", "chat_offline", "alice"]);
    /// assert_ne!(a, b);
    /// assert_ne!(
    ///     IdempotencyKey::from_parts(&["a", "b\u{1f}c"]),
    ///     IdempotencyKey::from_parts(&["a\u{1f}b", "c"]),
    /// );
    /// assert_eq!(a.to_hex().len(), 32);
    /// ```
    pub fn from_parts(parts: &[&str]) -> Self {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
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
    /// Atomically claims `key` unless it is already claimed or done. The claim is held
    /// for `lease` (the endpoint passes its handler deadline plus [`LEASE_MARGIN`]):
    /// a claim neither completed nor released by then is forgotten, so that a
    /// callback whose processing died is handled when the provider sends it again.
    async fn claim(&self, key: &IdempotencyKey, lease: Duration) -> Result<Claim, StoreError>;
    /// Marks `key` as done, keeping it for `ttl` (even if its claim lapsed meanwhile:
    /// the callback *was* handled).
    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError>;
    /// Forgets a claimed (not done) key so a retry is processed.
    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError>;

    /// [`claim`](Self::claim) answered without waiting, by a store that never waits
    /// (one in this process): the endpoints ask it first and call `claim` only on
    /// `None`, the default, sparing every request the boxed future of an async call.
    /// A store that answers here must answer exactly as `claim` would.
    fn claim_now(
        &self,
        key: &IdempotencyKey,
        lease: Duration,
    ) -> Option<Result<Claim, StoreError>> {
        let _ = (key, lease);
        None
    }

    /// [`complete`](Self::complete) answered without waiting; see
    /// [`claim_now`](Self::claim_now).
    fn complete_now(&self, key: &IdempotencyKey, ttl: Duration) -> Option<Result<(), StoreError>> {
        let _ = (key, ttl);
        None
    }

    /// Checks that the store can serve claims right now (readiness probes): `Ok` for a
    /// store in this process; a shared store asks its server, within its usual timeout.
    async fn check(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Releases `key` from synchronous code: called when a [`ClaimGuard`] is dropped
    /// unanswered. The default spawns [`release`](Self::release) on the current Tokio
    /// runtime; without one, the claim lapses when its lease ends.
    fn release_detached(self: Arc<Self>, key: IdempotencyKey) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = self.release(&key).await {
                    tracing::warn!(error = %e, "could not release a dropped claim; it lapses with its lease");
                }
            });
        }
    }
}

/// A held de-duplication claim: complete it once the callback was handled, release
/// it so that the provider's retry is processed. Dropping it without either releases
/// it (in the background for stores that need I/O).
#[must_use = "dropping a claim releases it"]
pub struct ClaimGuard {
    store: Arc<dyn IdempotencyStore>,
    key: IdempotencyKey,
    ttl: Duration,
    provider: &'static str,
    settled: bool,
}

impl fmt::Debug for ClaimGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimGuard")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// What [`ClaimGuard::acquire`] found.
pub(crate) enum Acquired {
    /// This request holds the key.
    Guard(ClaimGuard),
    /// Another request holds it, or it was handled.
    Duplicate(Claim),
}

impl ClaimGuard {
    /// Claims `key` in `store` for `lease`; a completion keeps it for `ttl`.
    pub(crate) async fn acquire(
        store: &Arc<dyn IdempotencyStore>,
        key: IdempotencyKey,
        lease: Duration,
        ttl: Duration,
        provider: &'static str,
    ) -> Result<Acquired, StoreError> {
        use crate::telemetry::{DedupeResult, dedupe};
        let claim = match store.claim_now(&key, lease) {
            Some(answer) => answer,
            None => store.claim(&key, lease).await,
        };
        let claim = claim.inspect_err(|_| {
            dedupe(provider, DedupeResult::StoreError);
        })?;
        dedupe(
            provider,
            match claim {
                Claim::Claimed => DedupeResult::Claimed,
                Claim::InFlight => DedupeResult::InFlight,
                Claim::Done => DedupeResult::Duplicate,
            },
        );
        Ok(match claim {
            Claim::Claimed => Acquired::Guard(Self {
                store: store.clone(),
                key,
                ttl,
                provider,
                settled: false,
            }),
            other => Acquired::Duplicate(other),
        })
    }

    /// Marks the callback as handled.
    pub async fn complete(mut self) {
        // Settled before awaiting: a completion cut short leaves the claim to its lease
        // rather than releasing a callback the handler already processed.
        self.settled = true;
        let done = match self.store.complete_now(&self.key, self.ttl) {
            Some(answer) => answer,
            None => self.store.complete(&self.key, self.ttl).await,
        };
        if let Err(e) = done {
            crate::telemetry::store_error(self.provider);
            tracing::error!(provider = self.provider, error = %e, "could not mark callback as handled");
        }
    }

    /// Forgets the claim so the provider's retry is processed.
    pub async fn release(mut self) {
        self.settled = true;
        if let Err(e) = self.store.release(&self.key).await {
            crate::telemetry::store_error(self.provider);
            tracing::error!(provider = self.provider, error = %e, "could not release callback claim");
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if !self.settled {
            Arc::clone(&self.store).release_detached(self.key);
        }
    }
}

/// An in-memory, bounded, expiring store; safe under concurrency.
///
/// # Bound
///
/// Holds at most `capacity` keys (default [`DEFAULT_MEMORY_CAPACITY`], 100,000). The
/// bound is global and exact: a key is forgotten only when its TTL ends, or once
/// `capacity` newer claims were made in the whole store (the oldest claim goes first).
/// With every callback a new key, a key therefore lasts `capacity / N` seconds at N
/// callbacks per second, and never longer than the TTL: at the default bound, about
/// 17 minutes at 100 callbacks/s and 100 s at 1,000/s. A provider's resend that comes
/// later than that is handled again; choose the capacity for the resends you expect
/// (the provider may resend stored callbacks up to 3 days late), or use the Redis store.
///
/// # Memory
///
/// About 170 bytes of resident memory per key (hash table, claim-order queue and
/// allocator slack), so about 17 MB at the default bound.
///
/// # One store per process
///
/// [`MemoryStore::shared`] is the process-wide store that configurations use unless
/// given another one, so that endpoints built several times (e.g. once per actix-web
/// worker) still de-duplicate together. A store made with [`MemoryStore::new`] or
/// [`MemoryStore::default`] is a separate one. Use the Redis store to share state
/// between several processes or hosts.
pub struct MemoryStore {
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Clone, Copy)]
struct Entry {
    expires: Instant,
    done: bool,
    /// Tells this entry's record in the claim-order queue from older records of the key.
    generation: u64,
}

/// Hashes a key for [`MemoryStore`]'s table. Keys are already SHA-256 digests of
/// authenticated input, so a second keyed hash of all 16 bytes (SipHash) is not needed:
/// 64 of their bits, mixed with a per-process random seed by one 128-bit multiply (so
/// that the table's bucket bits depend on every bit of the seed and the key), spread
/// keys as well at a fraction of the cost.
#[derive(Clone, Copy)]
struct KeyHashing {
    seed: u64,
}

impl Default for KeyHashing {
    fn default() -> Self {
        Self {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x696d_686f_6f6b_u64),
        }
    }
}

impl BuildHasher for KeyHashing {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(self.seed)
    }
}

/// See [`KeyHashing`].
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Keys hash as one `u64` (see `Hash for IdempotencyKey`); anything else is
        // folded in eight bytes at a time.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let m = u128::from(word ^ self.0).wrapping_mul(u128::from(K));
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[derive(Default)]
struct Inner {
    map: HashMap<IdempotencyKey, Entry, KeyHashing>,
    /// Claim order, oldest first; records whose generation no longer matches the map
    /// (released or re-claimed keys) are skipped.
    order: VecDeque<(IdempotencyKey, u64)>,
    generation: u64,
}

/// Default bound of [`MemoryStore`]: 100,000 keys (about 17 MB of resident memory when
/// full).
pub const DEFAULT_MEMORY_CAPACITY: usize = 100_000;

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_MEMORY_CAPACITY)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

/// `now + d`, saturating far in the future instead of overflowing.
fn after(now: Instant, d: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now.checked_add(d.min(CENTURY)).unwrap_or(now)
}

impl MemoryStore {
    /// A separate store holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
        }
    }

    /// The process-wide store (default bound), created on first use: the default of
    /// every configuration that is given no store.
    pub fn shared() -> Arc<Self> {
        static SHARED: OnceLock<Arc<MemoryStore>> = OnceLock::new();
        SHARED.get_or_init(|| Arc::new(Self::default())).clone()
    }

    /// The most keys the store holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of keys held (claimed or done, not yet evicted; expired keys are dropped
    /// lazily).
    pub fn len(&self) -> usize {
        self.with(|s| s.map.len())
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }
}

impl Inner {
    /// Records a new entry for `key` (absent from the map), making room first.
    fn insert(
        &mut self,
        key: IdempotencyKey,
        expires: Instant,
        done: bool,
        cap: usize,
        now: Instant,
    ) {
        // Drop stale and expired records at the front.
        while let Some(&(k, generation)) = self.order.front() {
            if let MapEntry::Occupied(e) = self.map.entry(k)
                && e.get().generation == generation
            {
                if e.get().expires > now {
                    break;
                }
                e.remove();
            }
            self.order.pop_front();
        }
        // Forget the oldest claims while full: every key in the map has exactly one
        // live record in the queue, so this ends.
        while self.map.len() >= cap {
            match self.order.pop_front() {
                Some((k, generation)) => {
                    if let MapEntry::Occupied(e) = self.map.entry(k)
                        && e.get().generation == generation
                    {
                        e.remove();
                    }
                }
                None => {
                    self.map.clear();
                }
            }
        }
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        self.map.insert(
            key,
            Entry {
                expires,
                done,
                generation,
            },
        );
        self.order.push_back((key, generation));
        // Keep the queue from growing without bound when many records went stale.
        if self.order.len() > cap.saturating_mul(2).saturating_add(16) {
            let map = &self.map;
            self.order
                .retain(|(k, g)| map.get(k).is_some_and(|e| e.generation == *g));
        }
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(&self, key: &IdempotencyKey, lease: Duration) -> Result<Claim, StoreError> {
        Ok(self.claim_key(key, lease))
    }

    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError> {
        self.complete_key(key, ttl);
        Ok(())
    }

    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
        self.release_now(key);
        Ok(())
    }

    fn claim_now(
        &self,
        key: &IdempotencyKey,
        lease: Duration,
    ) -> Option<Result<Claim, StoreError>> {
        Some(Ok(self.claim_key(key, lease)))
    }

    fn complete_now(&self, key: &IdempotencyKey, ttl: Duration) -> Option<Result<(), StoreError>> {
        self.complete_key(key, ttl);
        Some(Ok(()))
    }

    fn release_detached(self: Arc<Self>, key: IdempotencyKey) {
        self.release_now(&key);
    }
}

impl MemoryStore {
    fn claim_key(&self, key: &IdempotencyKey, lease: Duration) -> Claim {
        let now = Instant::now();
        let cap = self.capacity;
        self.with(|s| {
            if let Some(e) = s.map.get(key) {
                if e.expires > now {
                    return if e.done { Claim::Done } else { Claim::InFlight };
                }
                s.map.remove(key);
            }
            s.insert(*key, after(now, lease), false, cap, now);
            Claim::Claimed
        })
    }

    fn complete_key(&self, key: &IdempotencyKey, ttl: Duration) {
        let now = Instant::now();
        let cap = self.capacity;
        self.with(|s| match s.map.get_mut(key) {
            Some(e) => {
                e.done = true;
                e.expires = after(now, ttl);
            }
            None => s.insert(*key, after(now, ttl), true, cap, now),
        });
    }

    fn release_now(&self, key: &IdempotencyKey) {
        self.with(|s| {
            if s.map.get(key).is_some_and(|e| !e.done) {
                s.map.remove(key);
            }
        });
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
            s.claim(&k(i), DEFAULT_DEDUPE_TTL).await.unwrap();
        }
        assert!(s.len() <= 160, "len {}", s.len());
        assert!(s.len() >= 100);
        // the newest key is still remembered
        assert_eq!(
            s.claim(&k(9_999), DEFAULT_DEDUPE_TTL).await.unwrap(),
            Claim::InFlight
        );
    }

    #[tokio::test]
    async fn release_never_forgets_a_handled_key_and_complete_outlives_eviction() {
        let s = MemoryStore::new(2);
        let ttl = Duration::from_secs(60);
        assert_eq!(s.claim(&k(1), ttl).await.unwrap(), Claim::Claimed);
        s.complete(&k(1), ttl).await.unwrap();
        s.release(&k(1)).await.unwrap();
        assert_eq!(s.claim(&k(1), ttl).await.unwrap(), Claim::Done);
        // a claim evicted while its handler ran is still recorded as handled
        assert_eq!(s.claim(&k(2), ttl).await.unwrap(), Claim::Claimed);
        s.claim(&k(3), ttl).await.unwrap();
        s.claim(&k(4), ttl).await.unwrap();
        s.complete(&k(2), ttl).await.unwrap();
        assert_eq!(s.claim(&k(2), ttl).await.unwrap(), Claim::Done);
        assert!(s.len() <= 2);
    }

    #[tokio::test]
    async fn a_dropped_guard_releases_its_claim() {
        let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new(10));
        let lease = Duration::from_secs(60);
        let acquired = ClaimGuard::acquire(&store, k(1), lease, DEFAULT_DEDUPE_TTL, "test").await;
        let Ok(Acquired::Guard(guard)) = acquired else {
            panic!("not claimed");
        };
        assert_eq!(store.claim(&k(1), lease).await.unwrap(), Claim::InFlight);
        drop(guard);
        assert_eq!(store.claim(&k(1), lease).await.unwrap(), Claim::Claimed);
        // a completed guard is not released by being dropped
        store.release(&k(1)).await.unwrap();
        let acquired = ClaimGuard::acquire(&store, k(1), lease, DEFAULT_DEDUPE_TTL, "test").await;
        let Ok(Acquired::Guard(guard)) = acquired else {
            panic!("not claimed");
        };
        guard.complete().await;
        assert_eq!(store.claim(&k(1), lease).await.unwrap(), Claim::Done);
    }

    /// Counts the calls a guard makes of each way into a store.
    #[derive(Default)]
    struct Counting {
        inner: MemoryStore,
        asked_now: bool,
        async_calls: std::sync::atomic::AtomicUsize,
    }

    #[async_trait]
    impl IdempotencyStore for Counting {
        async fn claim(&self, key: &IdempotencyKey, lease: Duration) -> Result<Claim, StoreError> {
            self.async_calls
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.claim(key, lease).await
        }
        async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError> {
            self.async_calls
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.complete(key, ttl).await
        }
        async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
            self.inner.release(key).await
        }
        fn claim_now(
            &self,
            key: &IdempotencyKey,
            lease: Duration,
        ) -> Option<Result<Claim, StoreError>> {
            self.asked_now
                .then(|| self.inner.claim_now(key, lease))
                .flatten()
        }
        fn complete_now(
            &self,
            key: &IdempotencyKey,
            ttl: Duration,
        ) -> Option<Result<(), StoreError>> {
            self.asked_now
                .then(|| self.inner.complete_now(key, ttl))
                .flatten()
        }
    }

    /// A store that answers at once is never called through its async methods; one
    /// that does not (the default) is, with the same outcome.
    #[tokio::test]
    async fn a_guard_asks_a_store_that_answers_at_once_without_awaiting_it() {
        for asked_now in [true, false] {
            let counting = Arc::new(Counting {
                asked_now,
                ..Counting::default()
            });
            let store: Arc<dyn IdempotencyStore> = counting.clone();
            let lease = Duration::from_secs(60);
            let acquired = ClaimGuard::acquire(&store, k(1), lease, DEFAULT_DEDUPE_TTL, "test");
            let Ok(Acquired::Guard(guard)) = acquired.await else {
                panic!("not claimed");
            };
            guard.complete().await;
            let again = ClaimGuard::acquire(&store, k(1), lease, DEFAULT_DEDUPE_TTL, "test");
            assert!(matches!(again.await, Ok(Acquired::Duplicate(Claim::Done))));
            let calls = counting
                .async_calls
                .load(std::sync::atomic::Ordering::Relaxed);
            assert_eq!(
                calls,
                if asked_now { 0 } else { 3 },
                "asked now: {asked_now}"
            );
        }
    }

    #[test]
    fn huge_durations_do_not_overflow() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let s = MemoryStore::new(10);
        rt.block_on(async {
            assert_eq!(s.claim(&k(1), Duration::MAX).await.unwrap(), Claim::Claimed);
            s.complete(&k(1), Duration::MAX).await.unwrap();
            assert_eq!(s.claim(&k(1), Duration::MAX).await.unwrap(), Claim::Done);
        });
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_claims_yield_one_winner() {
        let s = Arc::new(MemoryStore::default());
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.claim(&k(7), DEFAULT_DEDUPE_TTL).await.unwrap()
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
