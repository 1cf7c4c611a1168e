//! The Tencent pipeline: authenticate (query, `SdkAppid`, `Sign`, command) →
//! de-duplicate (After commands, when configured) → decode → dispatch → reply. The
//! steps before it (method, size, body) are the shared ones of [`crate::Endpoint`].

use super::auth::AuthError;
use super::config::TencentConfig;
use super::context::{OptPlatform, TencentContext};
use super::decision::Answer;
use super::events::{TencentEvent, is_before_command};
use super::handler::CallbackHandler;
use super::query::CallbackQuery;
use super::reply::{self, Reply};
use crate::exec::run_guarded;
use crate::forward::now_millis;
use crate::idempotency::{Acquired, ClaimGuard, IdempotencyKey, lease};
use crate::inbound::{Inbound, Outbound};
use crate::log_value::Untrusted;
use crate::pipeline::{Endpoint, ForwardFacts, Limits, Verify};
use crate::telemetry::{self, Outcome, Rejection};
use async_trait::async_trait;
use serde::Deserialize;
use sha2::Digest;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

impl TencentConfig {
    /// Steps 3–5 of the pipeline: authenticate, de-duplicate, decode. `Err` is the
    /// exact reply, including the OK ack of a duplicate.
    async fn admit_request(&self, req: &Inbound<'_>) -> Result<TencentCallback, Outbound> {
        // Authenticate.
        let query = CallbackQuery::parse(req.query).map_err(|e| {
            tracing::warn!(provider = "tencent", error = %e, "rejected: ambiguous query");
            reply::bad_request()
        })?;
        let verified = self
            .auth()
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
                reply::auth_failed(e.status())
            })?;
        let body = std::str::from_utf8(&req.body).map_err(|_| {
            tracing::warn!(provider = "tencent", "rejected: body is not UTF-8");
            reply::bad_request()
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
                return Err(reply::bad_request());
            }
        };
        telemetry::record_identity(&command, None);
        // De-duplicate: After callbacks only (IM never retries a Before callback).
        let mut key = None;
        let claim = match &self.dedupe {
            Some((store, ttl)) if !is_before_command(&command) => {
                let digest = crate::wire::to_hex(&sha2::Sha256::digest(&req.body));
                let app = verified.sdk_app_id.to_string();
                let claimed = IdempotencyKey::from_parts(&["tencent", &app, &command, &digest]);
                key = Some(claimed);
                let lease = lease(self.handler_deadline());
                match ClaimGuard::acquire(store, claimed, lease, *ttl, "tencent").await {
                    Ok(Acquired::Guard(guard)) => Some(guard),
                    Ok(Acquired::Duplicate(state)) => {
                        tracing::info!(provider = "tencent", kind = ?Untrusted(&command), state = ?state, "duplicate callback acknowledged");
                        return Err(reply::outbound(&Reply::ok()));
                    }
                    Err(e) => {
                        tracing::error!(provider = "tencent", kind = ?Untrusted(&command), error = %e, "de-duplication store failed; processing anyway");
                        None
                    }
                }
            }
            _ => None,
        };
        // Decode.
        let event = TencentEvent::decode(&command, body).map_err(|_| {
            tracing::warn!(provider = "tencent", kind = ?Untrusted(&command), "rejected: body is not a JSON object");
            reply::bad_request()
        })?;
        let ctx = TencentContext {
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
        Ok(TencentCallback {
            ctx,
            event,
            claim,
            key,
        })
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
    crate::wire::json_text_str(head.command?.get())
}

/// A verified, decoded (and, when configured, de-duplicated) Tencent callback, for
/// applications that answer it themselves (framework extractors). Answer with
/// [`TencentCallback::answer`] (a typed [`Answer`]) or [`TencentCallback::ack`], which
/// mark a de-duplicated callback as handled; dropped without an answer (the
/// application returned early, the request was cancelled), the claim is released so
/// that a retry is handled.
#[derive(Debug)]
#[non_exhaustive]
pub struct TencentCallback {
    /// The request context.
    pub ctx: TencentContext,
    /// The decoded event.
    pub event: TencentEvent,
    claim: Option<ClaimGuard>,
    /// The de-duplication key, when the callback has one: its event id when forwarded.
    key: Option<IdempotencyKey>,
}

impl TencentCallback {
    /// Marks the callback handled (when it was de-duplicated) and returns the HTTP
    /// reply carrying `answer`.
    pub async fn answer(self, answer: Answer) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        reply::outbound(answer.reply())
    }

    /// Marks the callback handled and answers as a handler that does nothing: the OK
    /// ack (After), allow (Before), every target allowed (the Sns Prev commands).
    pub async fn ack(self) -> Outbound {
        let answer = Answer::default_for(&self.event);
        self.answer(answer).await
    }
}

#[async_trait]
impl Verify<TencentCallback> for TencentConfig {
    fn limits(&self) -> Limits {
        TencentConfig::limits(self)
    }

    fn provider(&self) -> &'static str {
        "tencent"
    }

    async fn admit(&self, req: Inbound<'_>) -> Result<TencentCallback, Outbound> {
        let span = telemetry::callback_span("tencent", "tencent");
        self.admit_request(&req).instrument(span).await
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
    fn limits(&self) -> Limits {
        self.config.limits()
    }

    fn provider(&self) -> &'static str {
        "tencent"
    }

    async fn process(&self, req: Inbound<'_>) -> Outbound {
        let span = telemetry::callback_span("tencent", "tencent");
        let started = Instant::now();
        // Boxed on its own (see `crate::pipeline::Endpoint::process`).
        let out = Box::pin(self.run(&req, started)).instrument(span).await;
        telemetry::request_time("tencent", "tencent", started.elapsed());
        out
    }
}

impl TencentEndpoint {
    /// Steps 3–7 of one request, inside its callback span.
    async fn run(&self, req: &Inbound<'_>, started: Instant) -> Outbound {
        // The wall clock is read only when a forward record will carry it.
        let received_at = self.config.forward.as_ref().map_or(0, |_| now_millis());
        // The event is taken apart in one block (and the admission boxed), so that
        // neither is kept in this future (several hundred bytes each) across the awaits
        // below.
        let ctx;
        let (claim, key, known, decode_failed, before, before_fallback, next) = {
            let TencentCallback {
                ctx: admitted,
                event,
                claim,
                key,
            } = match Box::pin(self.config.admit_request(req)).await {
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
            ctx = admitted;
            let known = event.is_known();
            let decode_failed = matches!(&event, TencentEvent::Unknown(u) if u.error.is_some());
            let before = event.is_before();
            // A Before callback's failure reply depends on the event (the Sns targets),
            // so it is taken before the event moves into the handler; an After one is
            // the policy's.
            let before_fallback = before.then(|| self.config.failure_reply(&event));
            let (next, before_fallback) = match (self.config.forward.as_deref(), before_fallback) {
                (Some(engine), fallback) if !before => (Next::Forward(engine), fallback),
                // The handler's verdict on a body it cannot see would be thrown away:
                // the failure policy answers without calling it.
                (_, Some(fallback)) if decode_failed => (Next::Answer(fallback), None),
                (_, fallback) => (Next::Handle(self.handler.handle(&ctx, event)), fallback),
            };
            (
                claim,
                key,
                known,
                decode_failed,
                before,
                before_fallback,
                next,
            )
        };
        let (result, before_fallback) = match next {
            Next::Forward(engine) => {
                // Forward mode: stored for a worker, acknowledged once the write is
                // confirmed. Boxed: the write's state is large, and only this mode has it.
                let ack = reply::outbound(&Reply::ok());
                let storing =
                    forward_facts(&ctx, known, key, received_at).store(engine, claim, ack);
                let (out, outcome) = Box::pin(storing).await;
                telemetry::callback("tencent", "tencent", &ctx.command, known, outcome);
                tracing::info!(
                    provider = "tencent",
                    kind = ?Untrusted(&ctx.command),
                    known,
                    status = out.status,
                    outcome = outcome.as_str(),
                    latency_us = started.elapsed().as_micros() as u64,
                    "callback forwarded"
                );
                return out;
            }
            Next::Answer(fallback) => (Ok(Answer::from_reply(fallback)), None),
            Next::Handle(handling) => {
                let handler_started = Instant::now();
                let result =
                    run_guarded(self.config.handler_deadline(), handler_started, handling).await;
                telemetry::handler_time("tencent", "tencent", handler_started.elapsed());
                (result, before_fallback)
            }
        };
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
        let (answer, outcome) = match result {
            Ok(answer) if decode_failed && before => (answer.into_reply(), "decode-failed"),
            Ok(answer) => (answer.into_reply(), "handled"),
            Err(failure) => {
                tracing::error!(provider = "tencent", kind = ?Untrusted(&ctx.command), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                let fallback = before_fallback.unwrap_or_else(|| self.config.failure_reply_after());
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
            error_code = answer.code,
            outcome,
            latency_us = started.elapsed().as_micros() as u64,
            "callback handled"
        );
        let out = reply::outbound(&answer);
        if let Some(engine) = self.config.forward.as_deref() {
            // A Before callback was decided inline; its audit record follows the decision.
            Box::pin(forward_facts(&ctx, known, key, received_at).audit(engine, &out)).await;
        }
        out
    }
}

/// What forward mode writes of a Tencent callback.
fn forward_facts(
    ctx: &TencentContext,
    known: bool,
    key: Option<IdempotencyKey>,
    received_at: u64,
) -> ForwardFacts<'_> {
    ForwardFacts {
        provider: "tencent",
        route: "tencent",
        kind: &ctx.command,
        body: &ctx.raw,
        query: &ctx.query,
        authenticated: ctx.signed,
        known,
        key,
        received_at,
    }
}

/// What a Tencent request does once admitted.
enum Next<'a> {
    /// Stored for a worker (forward mode, After callbacks).
    Forward(&'a dyn crate::forward::Forward),
    /// Answered by the failure policy without calling the handler.
    Answer(Reply),
    /// The handler runs.
    Handle(std::pin::Pin<Box<dyn Future<Output = Result<Answer, crate::BoxError>> + Send + 'a>>),
}
