//! The Redis-backed de-duplication store.

use crate::idempotency::{Claim, IdempotencyKey, IdempotencyStore, StoreError};
use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, RedisError, Script};
use async_trait::async_trait;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// Default bound of every Redis command: 500 ms.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// Default key namespace: `imhook`.
pub(crate) const DEFAULT_NAMESPACE: &str = "imhook";

/// Returns 0 when the key was claimed, else the state stored: 1 in flight, 2 done.
const CLAIM_LUA: &str = r"
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
if redis.call('GET', KEYS[1]) == '2' then
  return 2
end
return 1
";

/// Deletes the key only while it is still claimed (not completed).
const RELEASE_LUA: &str = r"
if redis.call('GET', KEYS[1]) == '1' then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// A Redis-backed [`IdempotencyStore`], so that several instances behind a load
/// balancer de-duplicate callbacks together (feature `redis`, which needs Rust 1.88
/// because of the `redis` crate; the rest of the library builds with 1.85).
///
/// ```no_run
/// use std::sync::Arc;
/// use imhook_core::{Secret, agora::AgoraConfig, RedisStore};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379/").await?.namespace("myapp");
/// let config = AgoraConfig::new()
///     .secret(Secret::new("your-callback-secret")?)
///     .store(Arc::new(store));
/// # let _ = config; Ok(()) }
/// ```
///
/// # Keys and values
///
/// One string key per callback: `<namespace>:<32 hex digits>`, where the hex digits
/// are the [`IdempotencyKey`] (a SHA-256 prefix of the callback's identity), so keys
/// are short and hold no user data. The value is `1` while the callback is being
/// processed and `2` once it was handled; every key carries the store's TTL
/// (`PX`), so Redis forgets it by itself.
///
/// - **claim**: one Lua script, atomic on the server: `SET key 1 NX PX lease`; when
///   the key already exists its value tells [`Claim::Done`] (`2`) from
///   [`Claim::InFlight`] (`1`). Concurrent claims of one key, from any number of
///   tasks or processes, yield exactly one [`Claim::Claimed`]. The claim lives for
///   the *in-flight lease* the endpoint asks for (its handler deadline plus
///   [`LEASE_MARGIN`](crate::idempotency::LEASE_MARGIN): 7 s for Agora post-send,
///   2.15 s for pre-send, 3.5 s for Tencent by default), not the retention TTL: if the
///   instance holding it dies before completing or releasing it, a resend of the
///   callback after the lease is processed instead of being taken for a duplicate.
/// - **complete**: `SET key 2 PX ttl` (unconditionally: even when the claim expired
///   meanwhile, the callback *was* handled).
/// - **release**: a Lua script deletes the key only while its value is still `1`, so
///   a release never forgets a callback that another instance completed. A claim
///   dropped unanswered (a cancelled request) is released by a background task.
///
/// # When Redis is unreachable
///
/// Every command is bounded by a timeout (default 500 ms, see
/// [`RedisStore::timeout`]), connecting included, so a dead or stalled Redis never
/// holds a provider's request for long: the command fails with a [`StoreError`]
/// and the endpoint's `StoreFailurePolicy` decides what happens to the callback —
/// by default (`Process`) it is handled anyway and the failure is logged (a retried
/// callback may then be handled twice); with `Retry` the endpoint answers 503 and
/// the provider retries once. The connection is re-established in the background
/// ([`ConnectionManager`]), so de-duplication resumes by itself when Redis is back.
///
/// Cheap to clone (one multiplexed, self-reconnecting connection is shared by the clones).
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    namespace: String,
    timeout: Duration,
    lease_cap: Option<Duration>,
    claim: Script,
    release: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection (and the URL's password) is deliberately not printed.
        f.debug_struct("RedisStore")
            .field("namespace", &self.namespace)
            .field("timeout", &self.timeout)
            .field("in_flight_lease_cap", &self.lease_cap)
            .finish_non_exhaustive()
    }
}

fn store_error(what: &str, e: &RedisError) -> StoreError {
    // The error's text names the failure (refused, timed out, ...) and never the URL.
    StoreError(format!("redis {what}: {e}"))
}

fn manager_config(timeout: Duration) -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        // A few quick attempts per reconnection; the next command starts another round.
        .set_number_of_retries(2)
        .set_min_delay(Duration::from_millis(20))
        .set_max_delay(Duration::from_millis(200))
}

fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// Connects to `url` (`redis://[:password@]host:port[/db]`, or `rediss://` when
    /// the `redis` crate's TLS features are enabled), within 500 ms.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let store = Self::lazy(url)?;
        // Establish the connection now, so a wrong URL fails at start-up.
        let mut conn = store.conn.clone();
        store
            .bounded("connect", async move {
                ::redis::cmd("PING").query_async::<()>(&mut conn).await
            })
            .await?;
        Ok(store)
    }

    /// A store for `url` that connects on first use: start-up does not wait for Redis
    /// (commands fail with [`StoreError`] until it is reachable). Needs a Tokio runtime.
    pub fn lazy(url: &str) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(|e| store_error("url", &e))?;
        let conn = ConnectionManager::new_lazy_with_config(client, manager_config(DEFAULT_TIMEOUT))
            .map_err(|e| store_error("connect", &e))?;
        Ok(Self {
            conn,
            namespace: DEFAULT_NAMESPACE.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            lease_cap: None,
            claim: Script::new(CLAIM_LUA),
            release: Script::new(RELEASE_LUA),
        })
    }

    /// Prefix of every key (default `imhook`): keys are `<namespace>:<key hex>`.
    /// Give instances that must not share state different namespaces.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Bound of every command, waiting for a reconnection included (default 500 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Caps how long a claim is held before it is completed or released. By default
    /// there is no cap: a claim lasts the lease the endpoint asks for, its handler
    /// deadline plus [`LEASE_MARGIN`](crate::idempotency::LEASE_MARGIN). A cap
    /// shorter than the handler deadline lets a concurrent duplicate through while the
    /// handler still runs; it shortens how long a callback stays "in flight" when the
    /// instance processing it crashed.
    pub fn in_flight_lease(mut self, cap: Duration) -> Self {
        self.lease_cap = Some(cap);
        self
    }

    /// The Redis key holding `key`'s state.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), imhook_core::StoreError> {
    /// use imhook_core::{IdempotencyKey, RedisStore};
    /// let store = RedisStore::connect("redis://127.0.0.1/").await?.namespace("app");
    /// let key = IdempotencyKey::from_parts(&["call-1", "", ""]);
    /// assert_eq!(store.redis_key(&key), format!("app:{}", key.to_hex()));
    /// # Ok(()) }
    /// ```
    pub fn redis_key(&self, key: &IdempotencyKey) -> String {
        format!("{}:{}", self.namespace, key.to_hex())
    }

    async fn bounded<T>(
        &self,
        what: &str,
        fut: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(store_error(what, &e)),
            Err(_) => Err(StoreError(format!(
                "redis {what}: no answer within {:?}",
                self.timeout
            ))),
        }
    }
}

#[async_trait]
impl IdempotencyStore for RedisStore {
    async fn claim(&self, key: &IdempotencyKey, lease: Duration) -> Result<Claim, StoreError> {
        let mut conn = self.conn.clone();
        let rkey = self.redis_key(key);
        let lease = self.lease_cap.map_or(lease, |cap| lease.min(cap));
        let state: i64 = self
            .bounded("claim", async {
                self.claim
                    .key(&rkey)
                    .arg(ttl_millis(lease))
                    .invoke_async(&mut conn)
                    .await
            })
            .await?;
        match state {
            0 => Ok(Claim::Claimed),
            2 => Ok(Claim::Done),
            _ => Ok(Claim::InFlight),
        }
    }

    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let rkey = self.redis_key(key);
        self.bounded("complete", async {
            ::redis::cmd("SET")
                .arg(&rkey)
                .arg(2)
                .arg("PX")
                .arg(ttl_millis(ttl))
                .query_async::<()>(&mut conn)
                .await
        })
        .await
    }

    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let rkey = self.redis_key(key);
        self.bounded("release", async {
            self.release.key(&rkey).invoke_async::<i64>(&mut conn).await
        })
        .await
        .map(|_| ())
    }

    /// `PING`, within the command timeout.
    async fn check(&self) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        self.bounded("ping", async {
            ::redis::cmd("PING").query_async::<()>(&mut conn).await
        })
        .await
    }
}
