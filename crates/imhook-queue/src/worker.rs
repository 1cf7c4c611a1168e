//! What a worker does with one entry, whichever engine it came from: claim its event
//! id, run the application's handler (with retries), and say whether to acknowledge
//! it, leave it for later or move it to the dead-letter stream.

use async_trait::async_trait;
use futures_util::FutureExt;
use imhook_core::forward::ForwardEntry;
use imhook_core::tencent::CallbackQuery;
use imhook_core::{BoxError, Claim, IdempotencyKey, IdempotencyStore, agora, tencent};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

/// Default number of handler attempts before an entry goes to the dead-letter stream.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Default bound of one handler attempt: 30 s.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(30);

/// Default wait before the second attempt (doubled for each further one, up to 30 s).
pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(200);

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How long a handled event id is remembered: 4 days, as at the receiver.
const DONE_TTL: Duration = imhook_core::DEFAULT_DEDUPE_TTL;

tokio::task_local! {
    static EVENT_ID: String;
}

/// The event id of the entry whose handler is running, when called from a handler (or
/// an [`Audit`]) run by a worker; `None` elsewhere.
///
/// ```
/// assert_eq!(imhook_queue::current_event_id(), None);
/// ```
pub fn current_event_id() -> Option<String> {
    EVENT_ID.try_with(Clone::clone).ok()
}

/// Receives the Before / pre-send audit records (entries with a `decision`): the
/// receiver already answered them, so no decision handler runs again.
#[async_trait]
pub trait Audit: Send + Sync + 'static {
    /// Called once per audit record (effectively-once, like handlers).
    async fn audit(&self, entry: &ForwardEntry) -> Result<(), BoxError>;
}

/// What became of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The handler (or the audit callback) ran and succeeded: acknowledge.
    Handled,
    /// The event id was handled before (a copy of the entry): acknowledge.
    Duplicate,
    /// Another worker is handling the same event id right now: leave the entry for
    /// later, when it is either done (then dropped) or free again.
    InFlight,
    /// Every attempt failed, or the entry cannot be handled at all: move it to the
    /// dead-letter stream with `error`, then acknowledge.
    Dead {
        /// Why (the last handler error, or what is wrong with the entry).
        error: String,
        /// Handler attempts made (0 when the entry could not be read).
        attempts: u32,
    },
    /// The idempotency store failed: leave the entry for later.
    StoreUnavailable(String),
}

impl Outcome {
    /// `true` when the entry is finished with (acknowledge it, after moving a dead one).
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::InFlight | Self::StoreUnavailable(_))
    }
}

/// The handlers a worker runs: the same [`tencent::CallbackHandler`] and
/// [`agora::CallbackHandler`] an endpoint runs inline, and an optional [`Audit`].
///
/// Each entry's event id is claimed in the [`IdempotencyStore`] before its handler
/// runs and marked done after it succeeded, so a copy of the entry (a provider's retry
/// forwarded by another receiver, a redelivery after a worker died) is dropped:
/// delivery to the worker is at-least-once, to the handler effectively-once. A failed
/// attempt (an error, a panic, or running past the handler timeout) is retried with
/// exponential backoff; after `max_attempts` the entry is dead.
///
/// A provider without a handler is acknowledged as the traits' defaults do.
#[derive(Clone)]
pub struct Handlers {
    tencent: Arc<dyn tencent::CallbackHandler>,
    agora: Arc<dyn agora::CallbackHandler>,
    audit: Option<Arc<dyn Audit>>,
    store: Arc<dyn IdempotencyStore>,
    namespace: String,
    max_attempts: u32,
    timeout: Duration,
    backoff: Duration,
}

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handlers")
            .field("max_attempts", &self.max_attempts)
            .field("timeout", &self.timeout)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

/// Acknowledges everything (the traits' default methods).
struct Acknowledge;
impl tencent::CallbackHandler for Acknowledge {}
impl agora::CallbackHandler for Acknowledge {}

impl Handlers {
    /// Handlers claiming event ids in `store` (share one store, e.g. Redis, between
    /// all workers of a group), with no application handler yet.
    pub fn new(store: Arc<dyn IdempotencyStore>) -> Self {
        Self {
            tencent: Arc::new(Acknowledge),
            agora: Arc::new(Acknowledge),
            audit: None,
            store,
            namespace: "queue".to_owned(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            timeout: DEFAULT_HANDLER_TIMEOUT,
            backoff: DEFAULT_BACKOFF,
        }
    }

    /// The Tencent handler.
    pub fn tencent(mut self, handler: Arc<dyn tencent::CallbackHandler>) -> Self {
        self.tencent = handler;
        self
    }

    /// The Agora post-send handler.
    pub fn agora(mut self, handler: Arc<dyn agora::CallbackHandler>) -> Self {
        self.agora = handler;
        self
    }

    /// The receiver of Before / pre-send audit records (by default they are
    /// acknowledged unseen).
    pub fn audit(mut self, audit: Arc<dyn Audit>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Attempts per entry before it is dead (default [`DEFAULT_MAX_ATTEMPTS`]; at
    /// least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Bound of one attempt (default [`DEFAULT_HANDLER_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Wait before the second attempt, doubled for each further one (default
    /// [`DEFAULT_BACKOFF`]).
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Separates these workers' claims from other users of the same store (default
    /// `queue`): event ids are claimed as keys of `(namespace, id)`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// How long a claim is held: every attempt and backoff, plus a margin.
    fn lease(&self) -> Duration {
        let mut total = Duration::from_secs(2);
        let mut wait = self.backoff;
        for _ in 0..self.max_attempts {
            total = total.saturating_add(self.timeout).saturating_add(wait);
            wait = (wait * 2).min(MAX_BACKOFF);
        }
        total
    }

    /// Handles one entry: claims its id, runs the handler (with retries) and says what
    /// to do with the entry.
    pub async fn process(&self, entry: &ForwardEntry) -> Outcome {
        let key = IdempotencyKey::from_parts(&[&self.namespace, &entry.id]);
        match self.store.claim(&key, self.lease()).await {
            Ok(Claim::Claimed) => {}
            Ok(Claim::Done) => return Outcome::Duplicate,
            Ok(_) => return Outcome::InFlight,
            Err(e) => return Outcome::StoreUnavailable(e.to_string()),
        }
        let mut guard = ClaimGuard {
            store: Arc::clone(&self.store),
            key,
            settled: false,
        };
        let mut wait = self.backoff;
        let mut attempt = 0;
        let error = loop {
            attempt += 1;
            let run = AssertUnwindSafe(self.run(entry)).catch_unwind();
            let error = match tokio::time::timeout(self.timeout, run).await {
                Ok(Ok(Ok(()))) => {
                    guard.settled = true;
                    if let Err(e) = self.store.complete(&key, DONE_TTL).await {
                        tracing::error!(error = %e, "could not mark an event as handled");
                    }
                    return Outcome::Handled;
                }
                Ok(Ok(Err(e))) => e.to_string(),
                Ok(Err(_)) => "handler panicked".to_owned(),
                Err(_) => format!("handler timed out after {:?}", self.timeout),
            };
            tracing::warn!(id = %Capped(&entry.id), attempt, error = %Capped(&error), "handler failed");
            if attempt >= self.max_attempts {
                break error;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_BACKOFF);
        };
        // Dead: the entry leaves the stream; its id is free for a replay.
        guard.settled = true;
        if let Err(e) = self.store.release(&key).await {
            tracing::error!(error = %e, "could not release a dead event's claim");
        }
        Outcome::Dead {
            error,
            attempts: attempt,
        }
    }

    /// One attempt, with the entry's id as [`current_event_id`].
    async fn run(&self, entry: &ForwardEntry) -> Result<(), BoxError> {
        EVENT_ID.scope(entry.id.clone(), self.dispatch(entry)).await
    }

    async fn dispatch(&self, entry: &ForwardEntry) -> Result<(), BoxError> {
        if entry.is_audit() {
            return match &self.audit {
                Some(audit) => audit.audit(entry).await,
                None => Ok(()),
            };
        }
        let body = std::str::from_utf8(&entry.body).map_err(|_| "body is not UTF-8")?;
        match (entry.provider.as_str(), entry.route.as_str()) {
            ("tencent", "tencent") => {
                let ctx = tencent_context(entry)?;
                let event = tencent::TencentEvent::decode(&ctx.command, body)?;
                self.tencent.handle(&ctx, event).await.map(drop)
            }
            ("agora", "agora") => {
                let ctx = agora_context(entry, body);
                let event = agora::AgoraEvent::decode(&entry.kind, body);
                self.agora.handle(&ctx, event).await
            }
            _ => Err(format!(
                "no handler for provider {} route {} without a decision",
                Capped(&entry.provider),
                Capped(&entry.route)
            )
            .into()),
        }
    }
}

/// The handler context of a forwarded Tencent callback, from its query.
fn tencent_context(entry: &ForwardEntry) -> Result<tencent::TencentContext, BoxError> {
    let query = CallbackQuery::parse(&entry.query)?;
    let command = query
        .command
        .as_deref()
        .filter(|c| !c.is_empty())
        .unwrap_or(&entry.kind)
        .to_owned();
    let sdk_app_id = query
        .sdk_app_id
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut ctx = tencent::TencentContext::for_test(&command, entry.body.clone());
    ctx.sdk_app_id = sdk_app_id;
    ctx.client_ip = query.client_ip.map(|c| c.into_owned());
    ctx.opt_platform = query
        .opt_platform
        .as_deref()
        .map(tencent::OptPlatform::parse);
    ctx.request_time = query.request_time.as_deref().and_then(|t| t.parse().ok());
    ctx.signed = entry.authenticated;
    ctx.token_index = None;
    ctx.query = entry.query.clone();
    Ok(ctx)
}

/// The handler context of a forwarded Agora post-send callback.
fn agora_context(entry: &ForwardEntry, body: &str) -> agora::AgoraContext {
    let mut ctx =
        agora::AgoraContext::for_test(agora::Route::PostSend, &entry.kind, entry.body.clone());
    ctx.authenticated = entry.authenticated;
    ctx.secret_index = None;
    ctx.call_id = agora::Envelope::parse(body)
        .ok()
        .and_then(|e| e.call_id().map(|c| c.into_owned()));
    ctx
}

/// Releases an unsettled claim when dropped (a worker task aborted mid-handler).
struct ClaimGuard {
    store: Arc<dyn IdempotencyStore>,
    key: IdempotencyKey,
    settled: bool,
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if !self.settled {
            Arc::clone(&self.store).release_detached(self.key);
        }
    }
}

/// Debug-formats a request-derived text, cut to 200 characters.
pub(crate) struct Capped<'a>(pub &'a str);

impl std::fmt::Display for Capped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut: String = self.0.chars().take(200).collect();
        write!(f, "{cut:?}")
    }
}
