//! The Tencent endpoint: every rule of the Tencent table in spec/http.md, in order
//! method → size → query → `SdkAppid` → `Sign` → body → dispatch → reply.

use super::auth::{AuthError, TencentAuth};
use super::context::{Context, OptPlatform};
use super::events::TencentEvent;
use super::handler::{CallbackHandler, before_fallback};
use super::query::CallbackQuery;
use super::reply::{AfterFailurePolicy, BeforeFailurePolicy, Reply};
use crate::clock::Clock;
use crate::endpoint::{Endpoint, Verify};
use crate::exec::run_guarded;
use crate::idempotency::{Acquired, ClaimGuard, IdempotencyKey, IdempotencyStore, lease};
use crate::inbound::{Inbound, Outbound};
use crate::log_value::Untrusted;
use crate::secret::Secret;
use crate::telemetry::{self, Outcome, Rejection};
use async_trait::async_trait;
use serde::Deserialize;
use sha2::Digest;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

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
    dedupe: Option<(Arc<dyn IdempotencyStore>, Duration)>,
}

impl std::fmt::Debug for TencentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentConfig")
            .field("auth", &self.auth)
            .field("body_limit", &self.body_limit)
            .field("deadline", &self.deadline)
            .field("before_failure", &self.before_failure)
            .field(
                "before_failure_per_command",
                &self.before_failure_per_command,
            )
            .field("after_failure", &self.after_failure)
            .field("dedupe", &DedupeDebug(&self.dedupe))
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
            dedupe: None,
        }
    }

    /// De-duplicates After callbacks (opt-in), in the endpoint and in the verify path
    /// ([`TencentConfig::verify_request`], the framework extractors) alike: a body
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

    /// Adds a callback token; with one or more, `Sign` is required. Several tokens
    /// allow rotation.
    pub fn token(mut self, token: Secret) -> Self {
        self.auth = self.auth.token(token);
        self
    }

    /// Freshness window for `RequestTime` (default 300 s; `None` disables it).
    pub fn window(mut self, window: Option<Duration>) -> Self {
        self.auth = self.auth.window(window);
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

    fn before_policy(&self, command: &str) -> BeforeFailurePolicy {
        self.before_failure_per_command
            .get(command)
            .copied()
            .unwrap_or(self.before_failure)
    }

    /// The reply used when the handler fails for `event`.
    pub fn failure_reply(&self, event: &TencentEvent) -> Reply {
        if event.is_before() {
            before_fallback(event, self.before_policy(event.command()))
        } else {
            match self.after_failure {
                AfterFailurePolicy::Ack => Reply::ok(),
                AfterFailurePolicy::Fail => Reply::fail(1, "app backend failure"),
            }
        }
    }

    /// Steps up to decoding: query, `SdkAppid`, `Sign`, body, then (when configured)
    /// de-duplication. `Err` is the exact reply, including the OK ack of a duplicate.
    pub async fn verify_request(&self, req: &Inbound<'_>) -> Result<TencentCallback, Outbound> {
        let size = Some(req.body.len() as u64);
        if let Some(out) = crate::endpoint::precheck(req.method, size, self.body_limit) {
            telemetry::rejected_early("tencent", &out);
            return Err(out);
        }
        let query = CallbackQuery::parse(req.query).map_err(|e| {
            tracing::warn!(provider = "tencent", error = %e, "rejected: ambiguous query");
            bad_request()
        })?;
        let verified = self
            .auth
            .verify(
                query.sdk_app_id.as_deref(),
                query.sign.as_deref(),
                query.request_time.as_deref(),
            )
            .map_err(|e| {
                telemetry::rejected(
                    "tencent",
                    match e {
                        AuthError::WrongApp => Rejection::SdkAppId,
                        AuthError::Stale => Rejection::Stale,
                        _ => Rejection::Auth,
                    },
                );
                tracing::warn!(provider = "tencent", reason = %e, "rejected: authentication");
                auth_reply(e)
            })?;
        let body = std::str::from_utf8(&req.body).map_err(|_| {
            tracing::warn!(provider = "tencent", "rejected: body is not UTF-8");
            bad_request()
        })?;
        // The body's copy of the command matters only when the query lacks it; otherwise
        // a cheap scan finds it for the mismatch warning without a second full parse.
        let body_command = match &query.command {
            Some(_) => quick_body_command(body),
            None => body_command(body),
        };
        let command: String = match (query.command, body_command) {
            (Some(q), Some(b)) => {
                if q != b {
                    tracing::warn!(provider = "tencent", query = ?Untrusted(&q), body = ?Untrusted(&b), "CallbackCommand differs between query and body; using the query's");
                }
                q.into_owned()
            }
            (Some(q), None) => q.into_owned(),
            (None, Some(b)) => b.into_owned(),
            (None, None) => {
                tracing::warn!(
                    provider = "tencent",
                    "rejected: no CallbackCommand (or body is not a JSON object)"
                );
                return Err(bad_request());
            }
        };
        telemetry::record_identity(&command, None);
        let event = TencentEvent::decode(&command, body).map_err(|_| {
            tracing::warn!(provider = "tencent", kind = ?Untrusted(&command), "rejected: body is not a JSON object");
            bad_request()
        })?;
        let claim = match (&self.dedupe, event.is_before()) {
            (Some((store, ttl)), false) => {
                let digest = crate::wire::to_hex(&sha2::Sha256::digest(&req.body));
                let app = verified.sdk_app_id.to_string();
                let key = IdempotencyKey::from_parts(&["tencent", &app, &command, &digest]);
                match ClaimGuard::acquire(store, key, lease(self.deadline), *ttl, "tencent").await {
                    Ok(Acquired::Guard(guard)) => Some(guard),
                    Ok(Acquired::Duplicate(state)) => {
                        tracing::info!(provider = "tencent", kind = ?Untrusted(&command), state = ?state, "duplicate callback acknowledged");
                        return Err(TencentCallback::respond(&Reply::ok()));
                    }
                    Err(e) => {
                        tracing::error!(provider = "tencent", kind = ?Untrusted(&command), error = %e, "de-duplication store failed; processing anyway");
                        None
                    }
                }
            }
            _ => None,
        };
        let ctx = Context {
            sdk_app_id: verified.sdk_app_id,
            command,
            client_ip: query.client_ip.map(Cow::into_owned),
            opt_platform: query.opt_platform.as_deref().map(OptPlatform::parse),
            request_time: verified.request_time,
            signed: verified.token_index.is_some(),
            token_index: verified.token_index,
            query: req.query.to_owned(),
            raw: req.body.clone(),
            peer: req.peer,
        };
        Ok(TencentCallback { ctx, event, claim })
    }
}

/// A fast look for `"CallbackCommand":"<plain string>"` in the raw text, used only to
/// warn when the body disagrees with the query (the query wins). Falls back to the
/// full read when the value is not a plain string.
fn quick_body_command(body: &str) -> Option<Cow<'_, str>> {
    const KEY: &str = "\"CallbackCommand\"";
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(KEY));
    let at = FINDER.find(body.as_bytes())?;
    if body.get(..at)?.ends_with('\\') {
        return body_command(body);
    }
    let rest = body.get(at + KEY.len()..)?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    let value = rest.get(..end)?;
    if value.contains('\\') {
        return body_command(body);
    }
    Some(Cow::Borrowed(value))
}

/// The top-level `CallbackCommand` of a body, read without decoding the rest.
fn body_command(body: &str) -> Option<Cow<'_, str>> {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(rename = "CallbackCommand", borrow, default)]
        command: Option<&'a serde_json::value::RawValue>,
    }
    if !crate::wire::looks_like_object(body.as_bytes()) {
        return None;
    }
    let head: Head<'_> = serde_json::from_str(body).ok()?;
    crate::wire::raw_json_str(head.command?)
}

fn fail_reply(status: u16, info: &str) -> Outbound {
    Outbound::json(status, Reply::fail(-1, info).to_json())
}

fn bad_request() -> Outbound {
    telemetry::rejected("tencent", Rejection::Body);
    fail_reply(400, "bad request")
}

fn auth_reply(e: AuthError) -> Outbound {
    match e.status() {
        403 => fail_reply(403, "forbidden"),
        _ => fail_reply(401, "unauthorized"),
    }
}

/// A verified, decoded (and, when configured, de-duplicated) Tencent callback, for
/// applications that answer it themselves (framework extractors). Answer with
/// [`TencentCallback::reply`], which marks a de-duplicated callback as handled;
/// dropped without it (the application returned early, the request was cancelled),
/// the claim is released so that a retry is handled.
#[derive(Debug)]
pub struct TencentCallback {
    /// The request context.
    pub ctx: Context,
    /// The decoded event.
    pub event: TencentEvent,
    claim: Option<ClaimGuard>,
}

impl TencentCallback {
    /// The HTTP reply carrying `reply`.
    pub fn respond(reply: &Reply) -> Outbound {
        if reply.is_ok_ack() {
            // Served from a static buffer: no serialisation, no allocation.
            return Outbound::json(200, Reply::OK_JSON);
        }
        Outbound::json(200, reply.to_json())
    }

    /// Marks the callback handled (when it was de-duplicated) and returns the HTTP
    /// reply carrying `reply`.
    pub async fn reply(self, reply: &Reply) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        Self::respond(reply)
    }

    /// The reply an application that does nothing would send (the OK ack; for the
    /// Sns Prev commands, allow every target).
    pub fn default_outbound(&self) -> Outbound {
        Self::respond(&self.event.default_reply())
    }
}

#[async_trait]
impl Verify for TencentConfig {
    type Verified = TencentCallback;

    fn body_limit(&self) -> usize {
        self.body_limit
    }

    async fn verify(&self, req: Inbound<'_>) -> Result<TencentCallback, Outbound> {
        let span = telemetry::callback_span("tencent", "tencent");
        self.verify_request(&req).instrument(span).await
    }

    fn provider(&self) -> &'static str {
        "tencent"
    }
}

/// A mounted Tencent endpoint: configuration plus the application's handler.
///
/// ```
/// use std::sync::Arc;
/// use imhook_core::{Endpoint, Inbound, tencent::{CallbackHandler, TencentConfig, TencentEndpoint}};
///
/// struct App;
/// impl CallbackHandler for App {}
///
/// # tokio_test_block(async {
/// let endpoint = TencentEndpoint::new(TencentConfig::new(1_400_000_001), Arc::new(App));
/// let req = Inbound::post(
///     "SdkAppid=1400000001&CallbackCommand=Group.CallbackAfterGroupFull",
///     r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#1"}"#,
/// );
/// let reply = endpoint.handle(req).await;
/// assert_eq!(reply.status, 200);
/// assert_eq!(reply.body_text(), r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#);
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct TencentEndpoint {
    config: Arc<TencentConfig>,
    handler: Arc<dyn CallbackHandler>,
}

impl std::fmt::Debug for DedupeDebug<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some((_, ttl)) => write!(f, "Some(ttl: {ttl:?})"),
            None => f.write_str("None"),
        }
    }
}

struct DedupeDebug<'a>(&'a Option<(Arc<dyn IdempotencyStore>, Duration)>);

impl std::fmt::Debug for TencentEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentEndpoint")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TencentEndpoint {
    /// Mounts `handler` with `config`.
    pub fn new(config: TencentConfig, handler: Arc<dyn CallbackHandler>) -> Self {
        Self {
            config: Arc::new(config),
            handler,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &TencentConfig {
        &self.config
    }
}

#[async_trait]
impl Endpoint for TencentEndpoint {
    fn body_limit(&self) -> usize {
        self.config.body_limit
    }

    fn provider(&self) -> &'static str {
        "tencent"
    }

    async fn handle(&self, req: Inbound<'_>) -> Outbound {
        let span = telemetry::callback_span("tencent", "tencent");
        let started = Instant::now();
        let out = self.dispatch(req, started).instrument(span).await;
        telemetry::request_time("tencent", "tencent", started.elapsed());
        out
    }
}

impl TencentEndpoint {
    /// The pipeline of one request, inside its callback span.
    async fn dispatch(&self, req: Inbound<'_>, started: Instant) -> Outbound {
        let TencentCallback { ctx, event, claim } = match self.config.verify_request(&req).await {
            Ok(v) => v,
            Err(out) => {
                tracing::info!(
                    provider = "tencent",
                    status = out.status,
                    latency_us = started.elapsed().as_micros() as u64,
                    "callback not dispatched"
                );
                return out;
            }
        };
        let fallback = self.config.failure_reply(&event);
        let decode_failed_before =
            event.is_before() && matches!(&event, TencentEvent::Unknown(u) if u.error.is_some());
        let known = event.is_known();
        let decode_failed = matches!(&event, TencentEvent::Unknown(u) if u.error.is_some());
        let handler_started = Instant::now();
        let result = run_guarded(self.config.deadline, self.handler.handle(&ctx, event)).await;
        telemetry::handler_time("tencent", "tencent", handler_started.elapsed());
        telemetry::callback(
            "tencent",
            "tencent",
            &ctx.command,
            known,
            match &result {
                Ok(_) if decode_failed => Outcome::DecodeFailed,
                Ok(_) => Outcome::Handled,
                Err(failure) => Outcome::of_failure(failure),
            },
        );
        let (reply, outcome) = match result {
            Ok(_) if decode_failed_before => (fallback, "decode-failed"),
            Ok(reply) => (reply, "handled"),
            Err(failure) => {
                tracing::error!(provider = "tencent", kind = ?Untrusted(&ctx.command), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                (fallback, failure.kind())
            }
        };
        if let Some(c) = claim {
            c.complete().await;
        }
        tracing::info!(
            provider = "tencent",
            kind = ?Untrusted(&ctx.command),
            known,
            status = 200u16,
            error_code = reply.code,
            outcome,
            latency_us = started.elapsed().as_micros() as u64,
            "callback handled"
        );
        TencentCallback::respond(&reply)
    }
}
