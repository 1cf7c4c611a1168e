//! Configuration of the Agora endpoints: the builders and policies, nothing that runs.

use super::auth::{AgoraAuth, UnsignedPolicy};
use super::context::Route;
use crate::clock::Clock;
use crate::forward::Forward;
use crate::idempotency::{DEFAULT_DEDUPE_TTL, IdempotencyStore, MemoryStore};
use crate::pipeline::Limits;
use crate::secret::Secret;
use std::sync::Arc;
use std::time::Duration;

/// Default post-send handler deadline: 5 s.
pub const DEFAULT_POST_SEND_DEADLINE: Duration = Duration::from_secs(5);
/// Default pre-send handler deadline: 150 ms (the provider waits 200 ms).
pub const DEFAULT_PRE_SEND_DEADLINE: Duration = Duration::from_millis(150);
/// Default limit of a pre-send reply, in characters (the provider's limit).
pub const DEFAULT_REPLY_LIMIT: usize = 1000;

/// What a post-send endpoint answers when the handler fails (docs/protocol/agora.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PostSendFailurePolicy {
    /// 200 `{}`, logged as an error; the callback counts as handled. The default,
    /// because every non-200 counts towards the provider banning the app's callbacks.
    #[default]
    Ack,
    /// 503 and the de-duplication claim released, so the provider's one immediate
    /// retry is processed.
    RetryOnce,
}

/// What a pre-send endpoint answers when the handler fails, overruns its deadline,
/// produces an over-long reply, or the request cannot be decoded (docs/protocol/agora.md §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PreSendFailurePolicy {
    /// `{"valid":true}`. The default, like the provider's default "Passed".
    #[default]
    Allow,
    /// `{"valid":false}` with an optional `code`.
    Block {
        /// Shown to the sender when the rule reports errors.
        code: Option<String>,
    },
    /// 503: let the rule's own fallback action apply.
    DeferToRule,
}

/// What to do when the de-duplication store fails (e.g. Redis is down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreFailurePolicy {
    /// Process the callback anyway and log: a store outage never blocks the provider's
    /// traffic, at the price of possibly handling a retried callback twice. The default.
    #[default]
    Process,
    /// Answer 503 so that the provider retries once; the handler is not called.
    Retry,
}

/// Configuration shared by the Agora post-send and pre-send endpoints.
///
/// ```
/// use imhook_core::{Secret, agora::AgoraConfig};
/// let config = AgoraConfig::new().secret(Secret::new("imhook-fixture-secret").unwrap());
/// assert!(config.validate().is_ok());
/// assert!(AgoraConfig::new().validate().is_err());
/// ```
#[derive(Clone)]
pub struct AgoraConfig {
    auth: AgoraAuth,
    pub(crate) store: Arc<dyn IdempotencyStore>,
    pub(crate) ttl: Duration,
    body_limit: usize,
    post_send_deadline: Duration,
    pre_send_deadline: Duration,
    pub(crate) post_send_failure: PostSendFailurePolicy,
    pub(crate) pre_send_failure: PreSendFailurePolicy,
    pub(crate) store_failure: StoreFailurePolicy,
    pub(crate) reply_limit: usize,
    pub(crate) dedupe_pre_send: bool,
    read_timeout: Option<Duration>,
    pub(crate) forward: Option<Arc<dyn Forward>>,
}

impl std::fmt::Debug for AgoraConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgoraConfig")
            .field("auth", &self.auth)
            .field("ttl", &self.ttl)
            .field("body_limit", &self.body_limit)
            .field("read_timeout", &self.read_timeout)
            .field("forward", &self.forward.is_some())
            .field("post_send_deadline", &self.post_send_deadline)
            .field("pre_send_deadline", &self.pre_send_deadline)
            .field("post_send_failure", &self.post_send_failure)
            .field("pre_send_failure", &self.pre_send_failure)
            .field("store_failure", &self.store_failure)
            .finish_non_exhaustive()
    }
}

impl Default for AgoraConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The configuration cannot serve requests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret, and verification was not explicitly waived with `insecure()`.
    #[error("no secret configured (use insecure() to accept unverified requests in development)")]
    NoSecret,
}

impl AgoraConfig {
    /// No secret yet, unsigned requests refused, 4-day retention, 1 MiB bodies,
    /// deadlines 5 s (post-send) and 150 ms (pre-send), and the process-wide
    /// in-memory de-duplication store ([`MemoryStore::shared`]): configurations built
    /// separately in one process (e.g. inside actix-web's `HttpServer::new`, once per
    /// worker) de-duplicate together. Keys are namespaced by provider and route, so
    /// one store serves every endpoint.
    pub fn new() -> Self {
        Self {
            auth: AgoraAuth::new(),
            store: MemoryStore::shared(),
            ttl: DEFAULT_DEDUPE_TTL,
            body_limit: crate::DEFAULT_BODY_LIMIT,
            post_send_deadline: DEFAULT_POST_SEND_DEADLINE,
            pre_send_deadline: DEFAULT_PRE_SEND_DEADLINE,
            post_send_failure: PostSendFailurePolicy::default(),
            pre_send_failure: PreSendFailurePolicy::default(),
            store_failure: StoreFailurePolicy::default(),
            reply_limit: DEFAULT_REPLY_LIMIT,
            dedupe_pre_send: false,
            read_timeout: None,
            forward: None,
        }
    }

    /// Forward mode: every post-send callback is written to `engine` (e.g. Redis Streams
    /// or NATS JetStream, usually behind a local spool) and acknowledged once the write
    /// is confirmed, instead of running the handler inline; workers run the handler
    /// later. Pre-send requests keep their inline decision and are written afterwards as
    /// audit records (the entry's `decision` is the reply sent). When the engine cannot
    /// take a callback the post-send endpoint answers 503 (the provider retries once) and
    /// releases its de-duplication claim. See [`crate::forward`].
    pub fn forward(mut self, engine: Arc<dyn Forward>) -> Self {
        self.forward = Some(engine);
        self
    }

    /// Adds a secret; any configured secret may match.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.auth = self.auth.secret(secret);
        self
    }

    /// The unsigned-request policy (default: reject).
    pub fn unsigned(mut self, policy: UnsignedPolicy) -> Self {
        self.auth = self.auth.unsigned(policy);
        self
    }

    /// Development mode without secrets: every request is delivered unauthenticated.
    pub fn insecure(mut self) -> Self {
        self.auth = self.auth.insecure();
        self
    }

    /// Optional freshness window on `timestamp`; see [`AgoraAuth::freshness`] for why
    /// post-send endpoints should leave it off.
    pub fn freshness(mut self, window: Option<Duration>) -> Self {
        self.auth = self.auth.freshness(window);
        self
    }

    /// Replaces the clock of the freshness check.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.auth = self.auth.clock(clock);
        self
    }

    /// Replaces the de-duplication store (default: the process-wide
    /// [`MemoryStore::shared`]); e.g. Redis, to share state between instances, or a
    /// separate `MemoryStore` to keep one endpoint's keys apart.
    pub fn store(mut self, store: Arc<dyn IdempotencyStore>) -> Self {
        self.store = store;
        self
    }

    /// Retention of de-duplication keys (default 4 days).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Largest accepted body (default 1 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long the whole body may take to arrive before the request is answered 408
    /// (default: no limit here, the server's own timeouts apply).
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Post-send handler deadline (default 5 s).
    pub fn post_send_deadline(mut self, d: Duration) -> Self {
        self.post_send_deadline = d;
        self
    }

    /// Pre-send handler deadline (default 150 ms).
    pub fn pre_send_deadline(mut self, d: Duration) -> Self {
        self.pre_send_deadline = d;
        self
    }

    /// Post-send failure policy (default [`PostSendFailurePolicy::Ack`]).
    pub fn post_send_failure(mut self, p: PostSendFailurePolicy) -> Self {
        self.post_send_failure = p;
        self
    }

    /// Pre-send failure policy (default [`PreSendFailurePolicy::Allow`]).
    pub fn pre_send_failure(mut self, p: PreSendFailurePolicy) -> Self {
        self.pre_send_failure = p;
        self
    }

    /// What to do when the store fails (default [`StoreFailurePolicy::Process`]).
    pub fn store_failure(mut self, p: StoreFailurePolicy) -> Self {
        self.store_failure = p;
        self
    }

    /// Largest pre-send reply in characters (default 1,000, the provider's limit).
    pub fn reply_limit(mut self, chars: usize) -> Self {
        self.reply_limit = chars;
        self
    }

    /// De-duplicate pre-send requests too (off by default: the provider does not retry them).
    pub fn dedupe_pre_send(mut self, on: bool) -> Self {
        self.dedupe_pre_send = on;
        self
    }

    /// The authentication settings.
    pub fn auth(&self) -> &AgoraAuth {
        &self.auth
    }

    /// Checks that the configuration can serve requests.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.auth.is_usable() {
            Ok(())
        } else {
            Err(ConfigError::NoSecret)
        }
    }

    /// The body limit and read timeout.
    pub fn limits(&self) -> Limits {
        Limits {
            body: self.body_limit,
            read_timeout: self.read_timeout,
        }
    }

    /// The handler deadline of `route`.
    pub(crate) fn deadline(&self, route: Route) -> Duration {
        match route {
            Route::PostSend => self.post_send_deadline,
            Route::PreSend => self.pre_send_deadline,
        }
    }
}
