//! The one request pipeline, the same for every provider and route:
//!
//! 1. **precheck**: `POST` only (405), declared size within the limit (413); no body read;
//! 2. **read** the body within the limit (413) and the read timeout (408);
//! 3. **authenticate**: the provider's signature and freshness checks (401/403), and
//!    the identity of the callback (Tencent command, Agora kind);
//! 4. **de-duplicate**: claim the callback's key in the [`IdempotencyStore`]
//!    (authenticated requests only; a duplicate gets the ack, or the pre-send
//!    failure decision, without a handler call);
//! 5. **decode** the typed event;
//! 6. **dispatch** to the handler under its deadline, panics isolated;
//! 7. **reply** in the provider's exact form, the claim completed or released.
//!
//! Steps 1–2 live here; steps 3–7 live in each provider's `pipeline` module, with every
//! reply built by the provider's `reply` module. Adapters call [`serve_stream`] (mounted
//! endpoints) or [`verify_stream`] (extractors, which stop after step 5 and let the
//! application answer).
//!
//! [`IdempotencyStore`]: crate::IdempotencyStore

use crate::inbound::{Inbound, Outbound};
use crate::read::read_limited;
use async_trait::async_trait;
use bytes::Buf;
use futures_util::Stream;
use std::net::SocketAddr;
use std::time::Duration;

/// How much a request may send, and how long it may take: the limits of steps 1–2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted body, in bytes.
    pub body: usize,
    /// How long the whole body may take to arrive (`None`: no limit here).
    pub read_timeout: Option<Duration>,
}

/// One mounted callback endpoint (Tencent, Agora post-send or Agora pre-send): the
/// whole pipeline, answered by the application's handler.
#[async_trait]
pub trait Endpoint: Send + Sync + 'static {
    /// The body limit and read timeout.
    fn limits(&self) -> Limits;

    /// Name of the provider, for logs and metrics: `tencent` or `agora`.
    fn provider(&self) -> &'static str;

    /// Steps 3–7, for a request that passed the precheck and whose body is read.
    /// Adapters reach it through [`serve_stream`]; call [`Endpoint::handle`] yourself.
    //
    // The providers box their steps 3–7 apart from this method's own (boxed) future:
    // together they would pass 1 KB, which the system allocator serves from its large
    // bins, sorting its free lists first (`malloc_consolidate`) on every request; two
    // smaller blocks come from its per-thread cache.
    async fn process(&self, req: Inbound<'_>) -> Outbound;

    /// Runs the whole pipeline for one buffered request. Never panics.
    async fn handle(&self, req: Inbound<'_>) -> Outbound {
        match precheck_buffered(self.provider(), &req, self.limits().body) {
            Some(out) => out,
            None => self.process(req).await,
        }
    }
}

/// Verification without a handler, for framework extractors: steps 1–5, after which
/// the application answers with the reply methods of `T` (the verified callback).
#[async_trait]
pub trait Verify<T: Send + 'static>: Send + Sync + 'static {
    /// The body limit and read timeout.
    fn limits(&self) -> Limits;

    /// Name of the provider, for logs and metrics: `tencent` or `agora`.
    fn provider(&self) -> &'static str;

    /// Steps 3–5, for a request that passed the precheck and whose body is read.
    async fn admit(&self, req: Inbound<'_>) -> Result<T, Outbound>;

    /// Authenticates, de-duplicates and decodes one buffered request. `Err` carries
    /// the exact reply the mounted endpoint would have sent (405, 413, 401, 403, 400, or
    /// the ack of a duplicate).
    async fn verify(&self, req: Inbound<'_>) -> Result<T, Outbound> {
        match precheck_buffered(self.provider(), &req, self.limits().body) {
            Some(out) => Err(out),
            None => self.admit(req).await,
        }
    }
}

/// What an endpoint in forward mode knows of an admitted callback: everything its
/// [`ForwardEntry`](crate::forward::ForwardEntry) is made of but the decision.
pub(crate) struct ForwardFacts<'a> {
    pub(crate) provider: &'static str,
    pub(crate) route: &'static str,
    pub(crate) kind: &'a str,
    pub(crate) body: &'a bytes::Bytes,
    pub(crate) query: &'a str,
    pub(crate) authenticated: bool,
    pub(crate) known: bool,
    /// The de-duplication key, the event id when there is one.
    pub(crate) key: Option<crate::IdempotencyKey>,
    pub(crate) received_at: u64,
}

impl ForwardFacts<'_> {
    /// The entry: its id is the de-duplication key or, without one, the digest of the
    /// provider, route and body; a query is kept with `Sign` redacted.
    fn entry(&self, decision: bytes::Bytes) -> crate::forward::ForwardEntry {
        use crate::forward::{ForwardEntry, redact_sign};
        let id = self.key.as_ref().map_or_else(
            || ForwardEntry::digest_id(self.provider, self.route, self.body),
            crate::IdempotencyKey::to_hex,
        );
        let mut entry =
            ForwardEntry::new(id, self.provider, self.route, self.kind, self.body.clone());
        entry.known = self.known;
        entry.authenticated = self.authenticated;
        entry.decision = decision;
        entry.received_at = self.received_at;
        entry.query = redact_sign(self.query);
        entry
    }

    /// Forward mode's last steps for a callback a worker handles: stored, then `ack`
    /// with the claim completed; or, when neither the engine nor its spool can take it,
    /// 503 (the one 5xx of forward mode) with the claim released, so that the
    /// provider's retry is stored.
    pub(crate) async fn store(
        self,
        engine: &dyn crate::forward::Forward,
        claim: Option<crate::ClaimGuard>,
        ack: Outbound,
    ) -> (Outbound, crate::telemetry::Outcome) {
        use crate::telemetry::Outcome;
        match self.forward(engine, bytes::Bytes::new()).await {
            Ok(()) => {
                if let Some(c) = claim {
                    c.complete().await;
                }
                (ack, Outcome::Forwarded)
            }
            Err(_) => {
                if let Some(c) = claim {
                    c.release().await;
                }
                (try_again(), Outcome::ForwardFailed)
            }
        }
    }

    /// A Before / pre-send callback decided inline: its audit record, carrying the
    /// reply sent. A failure is logged; the decision stands.
    pub(crate) async fn audit(self, engine: &dyn crate::forward::Forward, reply: &Outbound) {
        let _ = self.forward(engine, reply.body.clone()).await;
    }

    async fn forward(
        &self,
        engine: &dyn crate::forward::Forward,
        decision: bytes::Bytes,
    ) -> Result<(), crate::forward::ForwardError> {
        let entry = self.entry(decision);
        engine.forward(&entry).await.inspect_err(|e| {
            tracing::error!(provider = self.provider, route = self.route, error = %e, "callback could not be forwarded");
        })
    }
}

/// `503 try again`: the callback could not be stored (forward mode) or claimed (a store
/// outage under the `Retry` policy), so the provider should send it again.
pub(crate) fn try_again() -> Outbound {
    Outbound::text(503, "try again")
}

/// The rules every endpoint applies before looking at the body: `POST` only (405, with
/// `Allow: POST`), and a size (declared, or of the buffered body) within `limit` (413).
/// Method tokens are case-sensitive (RFC 9110 §9.1): `post` is not `POST`.
fn precheck(method: &str, content_length: Option<u64>, limit: usize) -> Option<Outbound> {
    if method != "POST" {
        return Some(Outbound::method_not_allowed());
    }
    match content_length {
        Some(len) if len > limit as u64 => Some(Outbound::payload_too_large()),
        _ => None,
    }
}

fn precheck_buffered(provider: &'static str, req: &Inbound<'_>, limit: usize) -> Option<Outbound> {
    let out = precheck(req.method, Some(req.body.len() as u64), limit)?;
    crate::telemetry::rejected_early(provider, &out);
    Some(out)
}

/// The value of a `Content-Length` header as the precheck reads it: a plain decimal
/// number (surrounding blanks allowed), anything else unknown (`None`: the body is
/// then bounded while it is read).
///
/// ```
/// use imhook_core::content_length;
/// assert_eq!(content_length(b"42"), Some(42));
/// assert_eq!(content_length(b" 7 "), Some(7));
/// assert_eq!(content_length(b"-1"), None);
/// ```
pub fn content_length(value: &[u8]) -> Option<u64> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// A request as a framework hands it over, body still unread.
#[derive(Debug)]
#[non_exhaustive]
pub struct StreamingRequest<'a, S> {
    /// HTTP method.
    pub method: &'a str,
    /// Raw query string (without `?`).
    pub query: &'a str,
    /// The declared `Content-Length` (see [`content_length`]), if any.
    pub content_length: Option<u64>,
    /// Peer address, if known.
    pub peer: Option<SocketAddr>,
    /// The body as a stream of chunks.
    pub body: S,
}

impl<'a, S> StreamingRequest<'a, S> {
    /// A request with the given method, query, declared length and body; no peer.
    pub fn new(method: &'a str, query: &'a str, content_length: Option<u64>, body: S) -> Self {
        Self {
            method,
            query,
            content_length,
            peer: None,
            body,
        }
    }

    /// Records the peer address.
    pub fn peer(mut self, peer: Option<SocketAddr>) -> Self {
        self.peer = peer;
        self
    }
}

/// Steps 1–2: checks method and declared size, then reads the body within the limits.
async fn read<'a, S, B, E>(
    provider: &'static str,
    limits: Limits,
    req: StreamingRequest<'a, S>,
) -> Result<Inbound<'a>, Outbound>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    if let Some(out) = precheck(req.method, req.content_length, limits.body) {
        crate::telemetry::rejected_early(provider, &out);
        return Err(out);
    }
    let body = read_limited(req.body, limits.body, limits.read_timeout)
        .await
        .map_err(|e| {
            tracing::info!(provider, error = %e, "callback body rejected");
            let out = e.outbound();
            crate::telemetry::rejected_early(provider, &out);
            out
        })?;
    Ok(Inbound::new(req.method, req.query, body).peer(req.peer))
}

/// Runs `endpoint` on a framework request: 405/413 before reading, the body read
/// within the limit (413 when a chunked body passes it, 408 after the read timeout),
/// then the rest of the pipeline. This is all an adapter needs besides type conversions.
pub async fn serve_stream<P, S, B, E>(endpoint: &P, req: StreamingRequest<'_, S>) -> Outbound
where
    P: Endpoint + ?Sized,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    match read(endpoint.provider(), endpoint.limits(), req).await {
        Ok(inbound) => endpoint.process(inbound).await,
        Err(out) => out,
    }
}

/// Like [`serve_stream`], for extractors: verifies instead of handling.
pub async fn verify_stream<T, V, S, B, E>(
    verifier: &V,
    req: StreamingRequest<'_, S>,
) -> Result<T, Outbound>
where
    T: Send + 'static,
    V: Verify<T> + ?Sized,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let inbound = read(verifier.provider(), verifier.limits(), req).await?;
    verifier.admit(inbound).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_tokens_are_case_sensitive() {
        for method in ["post", "PoSt", "Post", "POST ", "GET", ""] {
            let out = precheck(method, None, 10);
            assert_eq!(out.as_ref().map(|o| o.status), Some(405), "{method:?}");
            assert_eq!(out.and_then(|o| o.allow), Some("POST"), "{method:?}");
        }
        assert!(precheck("POST", None, 10).is_none());
    }

    #[test]
    fn declared_size_over_the_limit_is_413() {
        assert_eq!(precheck("POST", Some(11), 10).map(|o| o.status), Some(413));
        assert!(precheck("POST", Some(10), 10).is_none());
    }
}
