//! The Agora pipelines, one per route: authenticate (envelope, kind, `security`) →
//! de-duplicate → decode → dispatch → reply. Post-send and pre-send are two types
//! each (endpoint and verified callback), sharing the first two steps; the steps
//! before them (method, size, body) are the shared ones of [`crate::Endpoint`].

use super::auth::AuthError;
use super::catalogue::AgoraKind;
use super::config::{AgoraConfig, ConfigError, PostSendFailurePolicy, StoreFailurePolicy};
use super::context::{AgoraContext, Route};
use super::decision::PreSendDecision;
use super::envelope::{Envelope, EnvelopeError};
use super::events::{AgoraEvent, PreSendEvent};
use super::handler::CallbackHandler;
use super::reply;
use crate::exec::run_guarded;
use crate::forward::now_millis;
use crate::idempotency::{Acquired, ClaimGuard, IdempotencyKey, lease};
use crate::inbound::{Inbound, Outbound};
use crate::json_scan::Members;
use crate::log_value::Untrusted;
use crate::pipeline::{Endpoint, ForwardFacts, Limits, Verify};
use crate::telemetry::{self, Outcome, Rejection};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// What authentication (step 3) yields: the request's identity and, when it takes part
/// in de-duplication, its key.
struct Authenticated<'r> {
    body: &'r str,
    /// The body's top-level members, read once by the envelope, for the typed decode.
    members: Option<Members<'r>>,
    kind: AgoraKind,
    ctx: AgoraContext,
    key: Option<IdempotencyKey>,
}

impl AgoraConfig {
    /// Step 3 for `route`: the envelope read, the kind classified, `security` checked,
    /// the de-duplication key derived. Synchronous, so that none of its working state
    /// is kept in the request's future across the store's await.
    fn authenticate<'r>(
        &self,
        route: Route,
        req: &'r Inbound<'_>,
    ) -> Result<Authenticated<'r>, Outbound> {
        let body = std::str::from_utf8(&req.body).map_err(|_| {
            tracing::warn!(provider = "agora", "rejected: body is not UTF-8");
            reply::bad_request()
        })?;
        let mut env = Envelope::parse(body).map_err(|e| {
            match &e {
                EnvelopeError::NotJsonObject => tracing::warn!(provider = "agora", "rejected: body is not a JSON object"),
                EnvelopeError::Ambiguous(detail) => tracing::warn!(provider = "agora", error = ?Untrusted(detail), "rejected: malformed envelope"),
            }
            reply::bad_request()
        })?;
        let typed_kind = match route {
            Route::PostSend => env.classify(),
            Route::PreSend => AgoraKind::PreSend,
        };
        let kind = typed_kind.id();
        let call_id = env.call_id().map(|c| c.into_owned());
        telemetry::record_identity(&kind, call_id.as_deref());
        let auth = self.auth().verify(&env, &kind).map_err(|e| {
            telemetry::rejected(
                "agora",
                match e {
                    AuthError::Stale => Rejection::Stale,
                    _ => Rejection::Auth,
                },
            );
            tracing::warn!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&kind), call_id = ?Untrusted(call_id.as_deref().unwrap_or("")), reason = %e, "rejected: authentication");
            reply::unauthorized()
        })?;
        // Only authenticated requests take part in de-duplication: an unsigned body
        // carrying a genuine callId must never make the provider's signed callback a
        // duplicate, nor be suppressed by it.
        let dedupe = auth.authenticated && (route == Route::PostSend || self.dedupe_pre_send);
        let key = dedupe
            .then(|| env.dedup_key(&typed_kind, route.as_str()))
            .flatten();
        let ctx = AgoraContext {
            route,
            authenticated: auth.authenticated,
            secret_index: auth.secret_index,
            call_id,
            kind,
            raw: req.body.clone(),
            peer: req.peer,
        };
        Ok(Authenticated {
            body,
            members: env.take_members(),
            kind: typed_kind,
            ctx,
            key,
        })
    }

    /// Steps 3–4 for `route`: [`Self::authenticate`], then the callback's key claimed
    /// (the claim, when there is a key and the store answered). `Err` is the exact
    /// reply, including the answer to a duplicate (`duplicate`).
    async fn admit_request<'r>(
        &self,
        route: Route,
        req: &'r Inbound<'_>,
        duplicate: fn(&AgoraConfig) -> Outbound,
    ) -> Result<(Authenticated<'r>, Option<ClaimGuard>), Outbound> {
        let authenticated = self.authenticate(route, req)?;
        let claim = match authenticated.key {
            Some(claimed) => {
                let lease = lease(self.deadline(route));
                match ClaimGuard::acquire(&self.store, claimed, lease, self.ttl, "agora").await {
                    Ok(Acquired::Guard(guard)) => Some(guard),
                    Ok(Acquired::Duplicate(state)) => {
                        tracing::info!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&authenticated.ctx.kind), call_id = ?Untrusted(authenticated.ctx.call_id.as_deref().unwrap_or("")), state = ?state, "duplicate callback acknowledged");
                        return Err(duplicate(self));
                    }
                    Err(e) => {
                        tracing::error!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&authenticated.ctx.kind), error = %e, "de-duplication store failed");
                        match self.store_failure {
                            StoreFailurePolicy::Process => None,
                            StoreFailurePolicy::Retry => return Err(reply::store_unavailable()),
                        }
                    }
                }
            }
            None => None,
        };
        Ok((authenticated, claim))
    }

    /// Steps 3–5 of a post-send request.
    async fn admit_post_send(&self, req: &Inbound<'_>) -> Result<PostSendCallback, Outbound> {
        let (a, claim) = self
            .admit_request(Route::PostSend, req, |_| reply::ack())
            .await?;
        let event = AgoraEvent::decode_read(&a.kind, a.body, a.members.as_ref());
        Ok(PostSendCallback {
            ctx: a.ctx,
            event,
            claim,
        })
    }

    /// Steps 3–5 of a pre-send request. A request that cannot be decoded gets the
    /// failure policy's decision.
    async fn admit_pre_send(&self, req: &Inbound<'_>) -> Result<PreSendCallback, Outbound> {
        let (a, claim) = self
            .admit_request(Route::PreSend, req, reply::pre_send_fallback)
            .await?;
        match PreSendEvent::decode_read(a.body, a.members.as_ref()) {
            Ok(event) => Ok(PreSendCallback {
                ctx: a.ctx,
                event,
                claim,
                key: a.key,
            }),
            Err(e) => {
                let label = Route::PreSend.label();
                telemetry::callback("agora", label, &a.ctx.kind, true, Outcome::DecodeFailed);
                tracing::warn!(provider = "agora", kind = "pre_send", error = ?Untrusted(&e), "pre-send request cannot be decoded; answering with the failure policy");
                Err(reply::pre_send_fallback(self))
            }
        }
    }
}

/// A verified, de-duplicated, decoded post-send callback, for applications that answer
/// it themselves (framework extractors). Answer with [`PostSendCallback::ack`] or
/// [`PostSendCallback::retry`].
///
/// While it is held, copies of the same callback are answered as duplicates. Dropped
/// without an answer (the application returned early, the request was cancelled), it
/// releases its claim so that the provider's retry is handled. The claim's lease is
/// the post-send handler deadline plus [`LEASE_MARGIN`](crate::LEASE_MARGIN): answer
/// within it, or a concurrent copy may be handled too.
#[derive(Debug)]
#[non_exhaustive]
pub struct PostSendCallback {
    /// The request context.
    pub ctx: AgoraContext,
    /// The decoded event.
    pub event: AgoraEvent,
    claim: Option<ClaimGuard>,
}

impl PostSendCallback {
    /// Marks the callback handled and returns the `200 {}` ack.
    pub async fn ack(self) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        reply::ack()
    }

    /// Releases the claim and returns 503 so the provider retries once.
    pub async fn retry(self) -> Outbound {
        if let Some(c) = self.claim {
            c.release().await;
        }
        reply::retry()
    }
}

/// A verified, decoded pre-send request (de-duplicated when
/// [`AgoraConfig::dedupe_pre_send`] is on), for applications that answer it themselves.
/// Answer with [`PreSendCallback::decide`]; dropped unanswered, its claim is released.
#[derive(Debug)]
#[non_exhaustive]
pub struct PreSendCallback {
    /// The request context.
    pub ctx: AgoraContext,
    /// The decoded request.
    pub event: PreSendEvent,
    claim: Option<ClaimGuard>,
    key: Option<IdempotencyKey>,
}

impl PreSendCallback {
    /// Marks the request handled and returns the reply carrying `decision`.
    pub async fn decide(self, decision: &PreSendDecision) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        reply::decision(decision)
    }
}

impl AgoraConfig {
    /// Verifies a buffered post-send request (as [`Verify`] does for the adapters'
    /// extractors): the verified callback, or the exact reply the mounted endpoint
    /// would have sent.
    pub async fn verify_post_send(&self, req: Inbound<'_>) -> Result<PostSendCallback, Outbound> {
        Verify::<PostSendCallback>::verify(self, req).await
    }

    /// Verifies a buffered pre-send request; see [`AgoraConfig::verify_post_send`].
    pub async fn verify_pre_send(&self, req: Inbound<'_>) -> Result<PreSendCallback, Outbound> {
        Verify::<PreSendCallback>::verify(self, req).await
    }
}

#[async_trait]
impl Verify<PostSendCallback> for AgoraConfig {
    fn limits(&self) -> Limits {
        AgoraConfig::limits(self)
    }

    fn provider(&self) -> &'static str {
        "agora"
    }

    async fn admit(&self, req: Inbound<'_>) -> Result<PostSendCallback, Outbound> {
        let span = telemetry::callback_span("agora", Route::PostSend.label());
        self.admit_post_send(&req).instrument(span).await
    }
}

#[async_trait]
impl Verify<PreSendCallback> for AgoraConfig {
    fn limits(&self) -> Limits {
        AgoraConfig::limits(self)
    }

    fn provider(&self) -> &'static str {
        "agora"
    }

    async fn admit(&self, req: Inbound<'_>) -> Result<PreSendCallback, Outbound> {
        let span = telemetry::callback_span("agora", Route::PreSend.label());
        self.admit_pre_send(&req).instrument(span).await
    }
}

macro_rules! agora_endpoint {
    ($(#[$doc:meta])* $name:ident, $route:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            config: Arc<AgoraConfig>,
            handler: Arc<dyn CallbackHandler>,
        }

        impl $name {
            /// Mounts `handler` with `config`; fails when the configuration cannot
            /// serve requests (no secret, and not [`AgoraConfig::insecure`]).
            pub fn new(
                config: AgoraConfig,
                handler: Arc<dyn CallbackHandler>,
            ) -> Result<Self, ConfigError> {
                config.validate()?;
                Ok(Self {
                    config: Arc::new(config),
                    handler,
                })
            }

            /// The configuration.
            pub fn config(&self) -> &AgoraConfig {
                &self.config
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("config", &self.config)
                    .finish_non_exhaustive()
            }
        }

        #[async_trait]
        impl Endpoint for $name {
            fn limits(&self) -> Limits {
                self.config.limits()
            }

            fn provider(&self) -> &'static str {
                "agora"
            }

            async fn process(&self, req: Inbound<'_>) -> Outbound {
                let label = $route.label();
                let span = telemetry::callback_span("agora", label);
                let started = Instant::now();
                // Boxed on its own (see `crate::pipeline::Endpoint::process`).
                let out = Box::pin(self.run(&req, started)).instrument(span).await;
                telemetry::request_time("agora", label, started.elapsed());
                out
            }
        }
    };
}

agora_endpoint! {
    /// The mounted post-send endpoint: notifications, answered `200 {}`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use imhook_core::{Endpoint, Inbound, Secret, agora::{AgoraConfig, CallbackHandler, PostSendEndpoint}};
    ///
    /// struct App;
    /// impl CallbackHandler for App {}
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let config = AgoraConfig::new().secret(Secret::new("imhook-fixture-secret").unwrap());
    /// let endpoint = PostSendEndpoint::new(config, Arc::new(App)).unwrap();
    /// let reply = endpoint.handle(Inbound::post("", r#"{"chat_type":"chat"}"#)).await;
    /// assert_eq!(reply.status, 401); // unsigned
    /// # });
    /// ```
    PostSendEndpoint,
    Route::PostSend
}

agora_endpoint! {
    /// The mounted pre-send endpoint: every message decided by
    /// [`CallbackHandler::pre_send`] within the pre-send deadline.
    PreSendEndpoint,
    Route::PreSend
}

fn not_dispatched(out: Outbound, started: Instant) -> Outbound {
    tracing::info!(
        provider = "agora",
        status = out.status,
        latency_us = started.elapsed().as_micros() as u64,
        "callback not dispatched"
    );
    out
}

fn handled(ctx: &AgoraContext, known: bool, out: &Outbound, outcome: &str, started: Instant) {
    tracing::info!(
        provider = "agora",
        kind = ?Untrusted(&ctx.kind),
        known,
        call_id = ?Untrusted(ctx.call_id.as_deref().unwrap_or("")),
        authenticated = ctx.authenticated,
        status = out.status,
        outcome,
        latency_us = started.elapsed().as_micros() as u64,
        "callback handled"
    );
}

impl PostSendEndpoint {
    /// Steps 3–7 of one request, inside its callback span.
    async fn run(&self, req: &Inbound<'_>, started: Instant) -> Outbound {
        let label = Route::PostSend.label();
        // The wall clock is read only when a forward record will carry it.
        let received_at = self.config.forward.as_ref().map_or(0, |_| now_millis());
        let (
            Authenticated {
                body,
                members,
                kind,
                ctx,
                key,
            },
            claim,
        ) = match Box::pin(
            self.config
                .admit_request(Route::PostSend, req, |_| reply::ack()),
        )
        .await
        {
            Ok(admitted) => admitted,
            Err(out) => return not_dispatched(out, started),
        };
        // The event is decoded and handed over in one block, so that it is not kept in
        // this future (several hundred bytes) across the awaits below.
        let (known, decode_failed, next) = {
            let event = AgoraEvent::decode_read(&kind, body, members.as_ref());
            let known = event.is_known();
            let decode_failed = matches!(&event, AgoraEvent::Unknown(u) if u.error.is_some());
            let next = match self.config.forward.as_deref() {
                Some(engine) => Err(engine),
                None => Ok(self.handler.handle(&ctx, event)),
            };
            (known, decode_failed, next)
        };
        let handling = match next {
            Ok(handling) => handling,
            Err(engine) => {
                // Forward mode: stored for a worker, acknowledged once the write is
                // confirmed. Boxed: the write's state is large, and only this mode has it.
                let storing =
                    forward_facts(&ctx, known, key, received_at).store(engine, claim, reply::ack());
                let (out, outcome) = Box::pin(storing).await;
                telemetry::callback("agora", label, &ctx.kind, known, outcome);
                handled(&ctx, known, &out, outcome.as_str(), started);
                return out;
            }
        };
        let handler_started = Instant::now();
        let result = run_guarded(
            self.config.deadline(Route::PostSend),
            handler_started,
            handling,
        )
        .await;
        telemetry::handler_time("agora", label, handler_started.elapsed());
        telemetry::callback(
            "agora",
            label,
            &ctx.kind,
            known,
            match &result {
                Ok(()) if decode_failed => Outcome::DecodeFailed,
                Ok(()) => Outcome::Handled,
                Err(failure) => Outcome::of_failure(failure),
            },
        );
        let (out, outcome) = match result {
            Ok(()) => {
                if let Some(c) = claim {
                    c.complete().await;
                }
                (reply::ack(), "handled")
            }
            Err(failure) => {
                tracing::error!(provider = "agora", kind = ?Untrusted(&ctx.kind), call_id = ?Untrusted(ctx.call_id.as_deref().unwrap_or("")), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                match self.config.post_send_failure {
                    PostSendFailurePolicy::Ack => {
                        if let Some(c) = claim {
                            c.complete().await;
                        }
                        (reply::ack(), failure.kind())
                    }
                    PostSendFailurePolicy::RetryOnce => {
                        if let Some(c) = claim {
                            c.release().await;
                        }
                        (reply::retry(), failure.kind())
                    }
                }
            }
        };
        handled(&ctx, known, &out, outcome, started);
        out
    }
}

impl PreSendEndpoint {
    /// Steps 3–7 of one request, inside its callback span.
    async fn run(&self, req: &Inbound<'_>, started: Instant) -> Outbound {
        let label = Route::PreSend.label();
        // The wall clock is read only when a forward record will carry it.
        let received_at = self.config.forward.as_ref().map_or(0, |_| now_millis());
        // The request is taken apart in one block (and the admission boxed), so that
        // neither is kept in this future across the awaits below.
        let ctx;
        let (claim, key, handling) = {
            let PreSendCallback {
                ctx: admitted,
                event,
                claim,
                key,
            } = match Box::pin(self.config.admit_pre_send(req)).await {
                Ok(cb) => cb,
                Err(out) => return not_dispatched(out, started),
            };
            ctx = admitted;
            (claim, key, self.handler.pre_send(&ctx, event))
        };
        let handler_started = Instant::now();
        let result = run_guarded(
            self.config.deadline(Route::PreSend),
            handler_started,
            handling,
        )
        .await;
        telemetry::handler_time("agora", label, handler_started.elapsed());
        let (out, outcome) = match result {
            Ok(decision) => {
                let json = decision.to_json();
                if json.chars().count() > self.config.reply_limit {
                    tracing::error!(
                        provider = "agora",
                        kind = "pre_send",
                        limit = self.config.reply_limit,
                        "pre-send reply over the limit; answering with the failure policy"
                    );
                    telemetry::callback("agora", label, &ctx.kind, true, Outcome::HandlerError);
                    (reply::pre_send_fallback(&self.config), "reply-too-long")
                } else {
                    telemetry::callback("agora", label, &ctx.kind, true, Outcome::Handled);
                    (Outbound::json(200, json), "handled")
                }
            }
            Err(failure) => {
                telemetry::callback(
                    "agora",
                    label,
                    &ctx.kind,
                    true,
                    Outcome::of_failure(&failure),
                );
                tracing::error!(provider = "agora", kind = "pre_send", call_id = ?Untrusted(ctx.call_id.as_deref().unwrap_or("")), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                (reply::pre_send_fallback(&self.config), failure.kind())
            }
        };
        if let Some(c) = claim {
            c.complete().await;
        }
        handled(&ctx, true, &out, outcome, started);
        if let Some(engine) = self.config.forward.as_deref() {
            // Decided inline; the audit record follows the decision.
            Box::pin(forward_facts(&ctx, true, key, received_at).audit(engine, &out)).await;
        }
        out
    }
}

/// What forward mode writes of an Agora callback.
fn forward_facts(
    ctx: &AgoraContext,
    known: bool,
    key: Option<IdempotencyKey>,
    received_at: u64,
) -> ForwardFacts<'_> {
    ForwardFacts {
        provider: "agora",
        route: ctx.route.label(),
        kind: &ctx.kind,
        body: &ctx.raw,
        query: "",
        authenticated: ctx.authenticated,
        known,
        key,
        received_at,
    }
}
