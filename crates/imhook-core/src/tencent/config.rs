//! Configuration of the Tencent endpoint: the builders, nothing that runs.

use super::auth::TencentAuth;
use super::events::TencentEvent;
use super::reply::{self, AfterFailurePolicy, BeforeFailurePolicy, Reply};
use crate::clock::Clock;
use crate::forward::Forward;
use crate::idempotency::IdempotencyStore;
use crate::pipeline::Limits;
use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Default handler deadline: 1.5 s, under Tencent's 2 s wait.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(1500);

/// Configuration of a Tencent endpoint.
///
/// ```
/// use imhook_core::{Secret, tencent::{TencentConfig, BeforeFailurePolicy}};
/// let config = TencentConfig::new(1_400_000_001)
///     .token(Secret::new("xxxxyyyy").unwrap())
///     .before_failure(BeforeFailurePolicy::Allow);
/// assert_eq!(config.auth().token_count(), 1);
/// ```
#[derive(Clone)]
pub struct TencentConfig {
    auth: TencentAuth,
    body_limit: usize,
    deadline: Duration,
    before_failure: BeforeFailurePolicy,
    before_failure_per_command: HashMap<String, BeforeFailurePolicy>,
    after_failure: AfterFailurePolicy,
    read_timeout: Option<Duration>,
    pub(crate) dedupe: Option<(Arc<dyn IdempotencyStore>, Duration)>,
    pub(crate) forward: Option<Arc<dyn Forward>>,
}

impl std::fmt::Debug for TencentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentConfig")
            .field("auth", &self.auth)
            .field("body_limit", &self.body_limit)
            .field("read_timeout", &self.read_timeout)
            .field("deadline", &self.deadline)
            .field("before_failure", &self.before_failure)
            .field(
                "before_failure_per_command",
                &self.before_failure_per_command,
            )
            .field("after_failure", &self.after_failure)
            .field("dedupe", &DedupeDebug(&self.dedupe))
            .field("forward", &self.forward.is_some())
            .finish()
    }
}

impl TencentConfig {
    /// An endpoint for the application `sdk_app_id`, with no token (only `SdkAppid` is
    /// checked), a 1 MiB body limit, a 1.5 s deadline and the default failure policies.
    pub fn new(sdk_app_id: u64) -> Self {
        Self {
            auth: TencentAuth::new(sdk_app_id),
            body_limit: crate::DEFAULT_BODY_LIMIT,
            deadline: DEFAULT_DEADLINE,
            before_failure: BeforeFailurePolicy::default(),
            before_failure_per_command: HashMap::new(),
            after_failure: AfterFailurePolicy::default(),
            read_timeout: None,
            dedupe: None,
            forward: None,
        }
    }

    /// De-duplicates After callbacks (opt-in), in the endpoint and in the verify path
    /// ([`Verify`](crate::Verify), the framework extractors) alike: a body
    /// identical to one handled within `ttl` (same `SdkAppid`, command and SHA-256 of
    /// the raw body, whatever the query's `RequestTime` and `Sign`) is answered with
    /// the OK ack without calling the handler again, and so is a copy arriving while
    /// the first is being handled. Useful when "retry on timeout" is enabled in the
    /// console, and against replays of a captured request inside the freshness window.
    /// Tencent callbacks carry no delivery id, so two genuinely separate events with
    /// identical bodies (possible for commands without `EventTime`) inside `ttl` would
    /// be merged: keep `ttl` short (minutes). Before callbacks are never retried by IM
    /// and are never de-duplicated. `store` may be shared with the Agora endpoints:
    /// keys are namespaced by provider.
    pub fn dedupe(mut self, store: Arc<dyn IdempotencyStore>, ttl: Duration) -> Self {
        self.dedupe = Some((store, ttl));
        self
    }

    /// Forward mode: every After callback is written to `engine` (e.g. Redis Streams or
    /// NATS JetStream, usually behind a local spool) and acknowledged once the write is
    /// confirmed, instead of running the handler inline; workers run the handler later.
    /// Before callbacks keep their inline decision and are written afterwards as audit
    /// records (the entry's `decision` is the reply sent). When the engine cannot take a
    /// callback the endpoint answers 503 and releases its de-duplication claim, so that
    /// a retry is handled. See [`crate::forward`].
    pub fn forward(mut self, engine: Arc<dyn Forward>) -> Self {
        self.forward = Some(engine);
        self
    }

    /// Adds a callback token; with one or more, `Sign` is required. Several tokens
    /// allow rotation.
    pub fn token(mut self, token: Secret) -> Self {
        self.auth = self.auth.token(token);
        self
    }

    /// Freshness window for `RequestTime` (default 300 s; `None` disables it).
    pub fn freshness(mut self, window: Option<Duration>) -> Self {
        self.auth = self.auth.freshness(window);
        self
    }

    /// Replaces the clock used for the freshness check.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.auth = self.auth.clock(clock);
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

    /// Handler deadline (default 1.5 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Failure policy of every Before command (default allow).
    pub fn before_failure(mut self, policy: BeforeFailurePolicy) -> Self {
        self.before_failure = policy;
        self
    }

    /// Failure policy of one Before command, overriding [`Self::before_failure`].
    pub fn before_failure_for(mut self, command: &str, policy: BeforeFailurePolicy) -> Self {
        self.before_failure_per_command
            .insert(command.to_owned(), policy);
        self
    }

    /// Reply of After commands when the handler fails (default the OK ack).
    pub fn after_failure(mut self, policy: AfterFailurePolicy) -> Self {
        self.after_failure = policy;
        self
    }

    /// The authentication settings.
    pub fn auth(&self) -> &TencentAuth {
        &self.auth
    }

    /// The handler deadline.
    pub fn handler_deadline(&self) -> Duration {
        self.deadline
    }

    /// The body limit and read timeout.
    pub fn limits(&self) -> Limits {
        Limits {
            body: self.body_limit,
            read_timeout: self.read_timeout,
        }
    }

    /// The failure policy of the Before command `command`.
    fn before_policy(&self, command: &str) -> BeforeFailurePolicy {
        self.before_failure_per_command
            .get(command)
            .copied()
            .unwrap_or(self.before_failure)
    }

    /// The reply sent for `event` when the handler fails, overruns its deadline or
    /// panics, or (Before commands) when the body cannot be decoded: the Before or After
    /// failure policy.
    pub fn failure_reply(&self, event: &TencentEvent) -> Reply {
        if event.is_before() {
            reply::before_failure(event, self.before_policy(event.command()))
        } else {
            self.failure_reply_after()
        }
    }

    /// [`TencentConfig::failure_reply`] of an After command.
    pub(crate) fn failure_reply_after(&self) -> Reply {
        reply::after_failure(self.after_failure)
    }
}

impl std::fmt::Debug for DedupeDebug<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some((_, ttl)) => write!(f, "Some(ttl: {ttl:?})"),
            None => f.write_str("None"),
        }
    }
}

pub(crate) struct DedupeDebug<'a>(&'a Option<(Arc<dyn IdempotencyStore>, Duration)>);
