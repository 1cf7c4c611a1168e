//! The Agora endpoints: post-send (notifications, `200 {}`) and pre-send (decisions),
//! every rule of the Agora table in spec/http.md.

use super::auth::{AgoraAuth, AuthError, UnsignedPolicy};
use super::catalogue::AgoraKind;
use super::context::{Context, Route};
use super::decision::PreSendDecision;
use super::envelope::{Envelope, EnvelopeError};
use super::events::{AgoraEvent, PreSendEvent};
use super::handler::CallbackHandler;
use crate::clock::Clock;
use crate::endpoint::{Endpoint, Verify};
use crate::exec::run_guarded;
pub use crate::idempotency::ClaimGuard;
use crate::idempotency::{
    Acquired, DEFAULT_TTL, IdempotencyKey, IdempotencyStore, MemoryStore, lease,
};
use crate::inbound::{Inbound, Outbound};
use crate::log_value::Untrusted;
use crate::secret::Secret;
use crate::telemetry::{self, Outcome, Rejection};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Default post-send handler deadline: 5 s.
pub const DEFAULT_POST_SEND_DEADLINE: Duration = Duration::from_secs(5);
/// Default pre-send handler deadline: 150 ms (the provider waits 200 ms).
pub const DEFAULT_PRE_SEND_DEADLINE: Duration = Duration::from_millis(150);
/// Default limit of a pre-send reply, in characters (the provider's limit).
pub const DEFAULT_REPLY_LIMIT: usize = 1000;

const ACK: &str = "{}";

/// What a post-send endpoint answers when the handler fails (agora.md §3.2).
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
/// produces an over-long reply, or the request cannot be decoded (agora.md §4.4).
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
    store: Arc<dyn IdempotencyStore>,
    ttl: Duration,
    body_limit: usize,
    post_send_deadline: Duration,
    pre_send_deadline: Duration,
    post_send_failure: PostSendFailurePolicy,
    pre_send_failure: PreSendFailurePolicy,
    store_failure: StoreFailurePolicy,
    reply_limit: usize,
    dedupe_pre_send: bool,
}

impl std::fmt::Debug for AgoraConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgoraConfig")
            .field("auth", &self.auth)
            .field("ttl", &self.ttl)
            .field("body_limit", &self.body_limit)
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
            ttl: DEFAULT_TTL,
            body_limit: crate::DEFAULT_BODY_LIMIT,
            post_send_deadline: DEFAULT_POST_SEND_DEADLINE,
            pre_send_deadline: DEFAULT_PRE_SEND_DEADLINE,
            post_send_failure: PostSendFailurePolicy::default(),
            pre_send_failure: PreSendFailurePolicy::default(),
            store_failure: StoreFailurePolicy::default(),
            reply_limit: DEFAULT_REPLY_LIMIT,
            dedupe_pre_send: false,
        }
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

    /// The handler deadline of `route`.
    fn deadline(&self, route: Route) -> Duration {
        match route {
            Route::PostSend => self.post_send_deadline,
            Route::PreSend => self.pre_send_deadline,
        }
    }

    fn pre_send_fallback(&self) -> Outbound {
        match &self.pre_send_failure {
            PreSendFailurePolicy::Allow => decision_reply(&PreSendDecision::Allow),
            PreSendFailurePolicy::Block { code } => {
                decision_reply(&PreSendDecision::Block { code: code.clone() })
            }
            PreSendFailurePolicy::DeferToRule => Outbound::text(503, "handler unavailable"),
        }
    }

    /// Authenticates, de-duplicates and decodes one request for `route`.
    pub async fn verify_request(
        &self,
        route: Route,
        req: &Inbound<'_>,
    ) -> Result<AgoraCallback, Outbound> {
        let size = Some(req.body.len() as u64);
        if let Some(out) = crate::endpoint::precheck(req.method, size, self.body_limit) {
            telemetry::rejected_early("agora", &out);
            return Err(out);
        }
        let body = std::str::from_utf8(&req.body).map_err(|_| {
            tracing::warn!(provider = "agora", "rejected: body is not UTF-8");
            bad_request()
        })?;
        let env = Envelope::parse(body).map_err(|e| {
            match &e {
                EnvelopeError::NotJsonObject => tracing::warn!(provider = "agora", "rejected: body is not a JSON object"),
                EnvelopeError::Ambiguous(detail) => tracing::warn!(provider = "agora", error = ?Untrusted(detail), "rejected: malformed envelope"),
            }
            bad_request()
        })?;
        let typed_kind = match route {
            Route::PostSend => env.classify(),
            Route::PreSend => AgoraKind::PreSend,
        };
        let kind = typed_kind.to_string();
        let call_id = env.call_id().map(|c| c.into_owned());
        telemetry::record_identity(&kind, call_id.as_deref());
        let auth = self.auth.verify(&env, &kind).map_err(|e| {
            telemetry::rejected(
                "agora",
                match e {
                    AuthError::Stale => Rejection::Stale,
                    _ => Rejection::Auth,
                },
            );
            tracing::warn!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&kind), call_id = ?Untrusted(call_id.as_deref().unwrap_or("")), reason = %e, "rejected: authentication");
            unauthorized(e)
        })?;
        // Only authenticated requests take part in de-duplication: an unsigned body
        // carrying a genuine callId must never make the provider's signed callback a
        // duplicate, nor be suppressed by it.
        let dedupe = auth.authenticated && (route == Route::PostSend || self.dedupe_pre_send);
        let claim = match env.dedup_parts(&typed_kind).filter(|_| dedupe) {
            Some(parts) => {
                let mut key_parts = vec!["agora", route.as_str()];
                key_parts.extend(parts.iter().map(|p| p.as_ref()));
                let key = IdempotencyKey::from_parts(&key_parts);
                match ClaimGuard::acquire(
                    &self.store,
                    key,
                    lease(self.deadline(route)),
                    self.ttl,
                    "agora",
                )
                .await
                {
                    Ok(Acquired::Guard(guard)) => Some(guard),
                    Ok(Acquired::Duplicate(state)) => {
                        tracing::info!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&kind), call_id = ?Untrusted(call_id.as_deref().unwrap_or("")), state = ?state, "duplicate callback acknowledged");
                        return Err(match route {
                            Route::PostSend => ack(),
                            Route::PreSend => self.pre_send_fallback(),
                        });
                    }
                    Err(e) => {
                        tracing::error!(provider = "agora", route = route.as_str(), kind = ?Untrusted(&kind), error = %e, "de-duplication store failed");
                        match self.store_failure {
                            StoreFailurePolicy::Process => None,
                            StoreFailurePolicy::Retry => {
                                return Err(Outbound::text(503, "try again"));
                            }
                        }
                    }
                }
            }
            None => None,
        };
        let ctx = Context {
            route,
            authenticated: auth.authenticated,
            secret_index: auth.secret_index,
            call_id,
            kind,
            raw: req.body.clone(),
            peer: req.peer,
        };
        let event = match route {
            Route::PostSend => CallbackEvent::PostSend(AgoraEvent::decode_as(&typed_kind, body)),
            Route::PreSend => match PreSendEvent::decode(body) {
                Ok(ev) => CallbackEvent::PreSend(ev),
                Err(e) => {
                    telemetry::callback(
                        "agora",
                        route.label(),
                        &ctx.kind,
                        true,
                        Outcome::DecodeFailed,
                    );
                    tracing::warn!(provider = "agora", kind = "pre_send", error = ?Untrusted(&e.to_string()), "pre-send request cannot be decoded; answering with the failure policy");
                    return Err(self.pre_send_fallback());
                }
            },
        };
        Ok(AgoraCallback { ctx, event, claim })
    }
}

fn bad_request() -> Outbound {
    telemetry::rejected("agora", Rejection::Body);
    Outbound::json(400, r#"{"error":"bad request"}"#)
}

fn unauthorized(_e: AuthError) -> Outbound {
    Outbound::json(401, r#"{"error":"unauthorized"}"#)
}

fn ack() -> Outbound {
    Outbound::json(200, ACK)
}

fn decision_reply(d: &PreSendDecision) -> Outbound {
    Outbound::json(200, d.to_json())
}

/// The decoded request of an [`AgoraCallback`].
#[derive(Debug, Clone)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // short-lived, moved once into the application
pub enum CallbackEvent {
    /// A post-send event.
    PostSend(AgoraEvent),
    /// A pre-send request.
    PreSend(PreSendEvent),
}

/// A verified, de-duplicated, decoded Agora callback, for applications that answer it
/// themselves (framework extractors). Answer with [`AgoraCallback::ack`],
/// [`AgoraCallback::retry`] or [`AgoraCallback::decide`].
///
/// While it is held, copies of the same callback are answered as duplicates. Dropped
/// without an answer (the application returned early, the request was cancelled), it
/// releases its claim so that the provider's retry is handled. The claim's lease is
/// the route's handler deadline plus [`LEASE_MARGIN`](crate::idempotency::LEASE_MARGIN):
/// answer within it, or a concurrent copy may be handled too.
#[derive(Debug)]
pub struct AgoraCallback {
    /// The request context.
    pub ctx: Context,
    /// The decoded event.
    pub event: CallbackEvent,
    claim: Option<ClaimGuard>,
}

impl AgoraCallback {
    /// Marks the callback handled and returns the `200 {}` ack.
    pub async fn ack(self) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        ack()
    }

    /// Releases the claim and returns 503 so the provider retries once.
    pub async fn retry(self) -> Outbound {
        if let Some(c) = self.claim {
            c.release().await;
        }
        Outbound::text(503, "retry")
    }

    /// The reply carrying a pre-send decision (marks the request handled).
    pub async fn decide(self, decision: &PreSendDecision) -> Outbound {
        if let Some(c) = self.claim {
            c.complete().await;
        }
        decision_reply(decision)
    }
}

/// An Agora extractor-side verifier for one route.
#[derive(Debug, Clone)]
pub struct AgoraVerifier {
    config: Arc<AgoraConfig>,
    route: Route,
}

impl AgoraVerifier {
    /// Verifies post-send requests.
    pub fn post_send(config: AgoraConfig) -> Self {
        Self {
            config: Arc::new(config),
            route: Route::PostSend,
        }
    }

    /// Verifies pre-send requests.
    pub fn pre_send(config: AgoraConfig) -> Self {
        Self {
            config: Arc::new(config),
            route: Route::PreSend,
        }
    }
}

#[async_trait]
impl Verify for AgoraVerifier {
    type Verified = AgoraCallback;

    fn body_limit(&self) -> usize {
        self.config.body_limit
    }

    async fn verify(&self, req: Inbound<'_>) -> Result<AgoraCallback, Outbound> {
        let span = telemetry::callback_span("agora", self.route.label());
        self.config
            .verify_request(self.route, &req)
            .instrument(span)
            .await
    }

    fn provider(&self) -> &'static str {
        "agora"
    }
}

/// A mounted Agora endpoint (post-send or pre-send) with the application's handler.
///
/// ```
/// use std::sync::Arc;
/// use imhook_core::{Endpoint, Inbound, Secret, agora::{AgoraConfig, AgoraEndpoint, CallbackHandler}};
///
/// struct App;
/// impl CallbackHandler for App {}
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let config = AgoraConfig::new().secret(Secret::new("imhook-fixture-secret").unwrap());
/// let endpoint = AgoraEndpoint::post_send(config, Arc::new(App)).unwrap();
/// let reply = endpoint.handle(Inbound::post("", r#"{"chat_type":"chat"}"#)).await;
/// assert_eq!(reply.status, 401); // unsigned
/// # });
/// ```
#[derive(Clone)]
pub struct AgoraEndpoint {
    config: Arc<AgoraConfig>,
    handler: Arc<dyn CallbackHandler>,
    route: Route,
}

impl std::fmt::Debug for AgoraEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgoraEndpoint")
            .field("route", &self.route)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AgoraEndpoint {
    /// The post-send endpoint.
    pub fn post_send(
        config: AgoraConfig,
        handler: Arc<dyn CallbackHandler>,
    ) -> Result<Self, ConfigError> {
        Self::build(config, handler, Route::PostSend)
    }

    /// The pre-send endpoint.
    pub fn pre_send(
        config: AgoraConfig,
        handler: Arc<dyn CallbackHandler>,
    ) -> Result<Self, ConfigError> {
        Self::build(config, handler, Route::PreSend)
    }

    fn build(
        config: AgoraConfig,
        handler: Arc<dyn CallbackHandler>,
        route: Route,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config: Arc::new(config),
            handler,
            route,
        })
    }

    /// Which route this endpoint serves.
    pub fn route(&self) -> Route {
        self.route
    }

    /// The configuration.
    pub fn config(&self) -> &AgoraConfig {
        &self.config
    }
}

#[async_trait]
impl Endpoint for AgoraEndpoint {
    fn body_limit(&self) -> usize {
        self.config.body_limit
    }

    fn provider(&self) -> &'static str {
        "agora"
    }

    async fn handle(&self, req: Inbound<'_>) -> Outbound {
        let span = telemetry::callback_span("agora", self.route.label());
        let started = Instant::now();
        let out = self.dispatch(req, started).instrument(span).await;
        telemetry::request_time("agora", self.route.label(), started.elapsed());
        out
    }
}

impl AgoraEndpoint {
    /// The pipeline of one request, inside its callback span.
    async fn dispatch(&self, req: Inbound<'_>, started: Instant) -> Outbound {
        let route = self.route.label();
        let cb = match self.config.verify_request(self.route, &req).await {
            Ok(cb) => cb,
            Err(out) => {
                tracing::info!(
                    provider = "agora",
                    status = out.status,
                    latency_us = started.elapsed().as_micros() as u64,
                    "callback not dispatched"
                );
                return out;
            }
        };
        let AgoraCallback { ctx, event, claim } = cb;
        let (out, outcome, known) = match event {
            CallbackEvent::PostSend(event) => {
                let known = event.is_known();
                let decode_failed = matches!(&event, AgoraEvent::Unknown(u) if u.error.is_some());
                let handler_started = Instant::now();
                let result = run_guarded(
                    self.config.post_send_deadline,
                    self.handler.handle(&ctx, event),
                )
                .await;
                telemetry::handler_time("agora", route, handler_started.elapsed());
                telemetry::callback(
                    "agora",
                    route,
                    &ctx.kind,
                    known,
                    match &result {
                        Ok(()) if decode_failed => Outcome::DecodeFailed,
                        Ok(()) => Outcome::Handled,
                        Err(failure) => Outcome::of_failure(failure),
                    },
                );
                match result {
                    Ok(()) => {
                        if let Some(c) = claim {
                            c.complete().await;
                        }
                        (ack(), "handled", known)
                    }
                    Err(failure) => {
                        tracing::error!(provider = "agora", kind = ?Untrusted(&ctx.kind), call_id = ?Untrusted(ctx.call_id.as_deref().unwrap_or("")), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                        match self.config.post_send_failure {
                            PostSendFailurePolicy::Ack => {
                                if let Some(c) = claim {
                                    c.complete().await;
                                }
                                (ack(), failure.kind(), known)
                            }
                            PostSendFailurePolicy::RetryOnce => {
                                if let Some(c) = claim {
                                    c.release().await;
                                }
                                (Outbound::text(503, "retry"), failure.kind(), known)
                            }
                        }
                    }
                }
            }
            CallbackEvent::PreSend(event) => {
                let handler_started = Instant::now();
                let result = run_guarded(
                    self.config.pre_send_deadline,
                    self.handler.pre_send(&ctx, event),
                )
                .await;
                telemetry::handler_time("agora", route, handler_started.elapsed());
                let out = match result {
                    Ok(decision) => {
                        let json = decision.to_json();
                        if json.chars().count() > self.config.reply_limit {
                            tracing::error!(
                                provider = "agora",
                                kind = "pre_send",
                                limit = self.config.reply_limit,
                                "pre-send reply over the limit; answering with the failure policy"
                            );
                            telemetry::callback(
                                "agora",
                                route,
                                &ctx.kind,
                                true,
                                Outcome::HandlerError,
                            );
                            (self.config.pre_send_fallback(), "reply-too-long")
                        } else {
                            telemetry::callback("agora", route, &ctx.kind, true, Outcome::Handled);
                            (Outbound::json(200, json), "handled")
                        }
                    }
                    Err(failure) => {
                        telemetry::callback(
                            "agora",
                            route,
                            &ctx.kind,
                            true,
                            Outcome::of_failure(&failure),
                        );
                        tracing::error!(provider = "agora", kind = "pre_send", call_id = ?Untrusted(ctx.call_id.as_deref().unwrap_or("")), failure = failure.kind(), error = %failure, "handler failed; answering with the failure policy");
                        (self.config.pre_send_fallback(), failure.kind())
                    }
                };
                if let Some(c) = claim {
                    c.complete().await;
                }
                (out.0, out.1, true)
            }
        };
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
        out
    }
}
