//! The provider-independent face of an endpoint, which adapters mount.

use crate::body::read_limited;
use crate::inbound::{HeaderLookup, Inbound, Outbound};
use async_trait::async_trait;
use bytes::{Buf, Bytes};
use futures_util::Stream;
use std::net::SocketAddr;
use std::time::Duration;

/// One callback endpoint (Tencent, Agora post-send or Agora pre-send).
///
/// Adapters call [`Endpoint::precheck`] with the method and the declared
/// `Content-Length` before reading the body, stop reading at
/// [`Endpoint::body_limit`] bytes (answering [`Outbound::payload_too_large`]), and
/// hand the buffered body to [`Endpoint::handle`].
#[async_trait]
pub trait Endpoint: Send + Sync + 'static {
    /// Largest accepted body, in bytes.
    fn body_limit(&self) -> usize;

    /// Rules that need no body: method (405) and declared size (413).
    fn precheck(&self, method: &str, content_length: Option<u64>) -> Option<Outbound> {
        precheck(method, content_length, self.body_limit())
    }

    /// Runs the whole pipeline for one request. Never panics.
    async fn handle(&self, req: Inbound<'_>) -> Outbound;

    /// Name of the provider, for logs: `tencent` or `agora`.
    fn provider(&self) -> &'static str;
}

/// Verification without a handler, for framework extractors: authenticates and
/// decodes a request and hands the result to the application's own code, which
/// answers with the reply methods of the verified type.
#[async_trait]
pub trait Verify: Send + Sync + 'static {
    /// What a successful verification yields (e.g. the context and typed event).
    type Verified: Send + 'static;

    /// Largest accepted body, in bytes.
    fn body_limit(&self) -> usize;

    /// Rules that need no body: method (405) and declared size (413).
    fn precheck(&self, method: &str, content_length: Option<u64>) -> Option<Outbound> {
        precheck(method, content_length, self.body_limit())
    }

    /// Authenticates, de-duplicates and decodes. `Err` carries the exact reply the
    /// mounted endpoint would have sent (401, 403, 400, or the 200 ack of a duplicate).
    async fn verify(&self, req: Inbound<'_>) -> Result<Self::Verified, Outbound>;

    /// Name of the provider, for logs and metrics: `tencent` or `agora`.
    fn provider(&self) -> &'static str;
}

/// The rules every endpoint applies before looking at the body: `POST` only (405, with
/// `Allow: POST`), and a size (declared, or of the buffered body) within `limit` (413).
/// Method tokens are case-sensitive (RFC 9110 §9.1): `post` is not `POST`.
///
/// ```
/// use imhook_core::endpoint::precheck;
/// assert_eq!(precheck("GET", None, 10).map(|o| o.status), Some(405));
/// assert_eq!(precheck("post", None, 10).map(|o| o.status), Some(405));
/// assert_eq!(precheck("POST", Some(11), 10).map(|o| o.status), Some(413));
/// assert!(precheck("POST", Some(10), 10).is_none());
/// ```
pub fn precheck(method: &str, content_length: Option<u64>, limit: usize) -> Option<Outbound> {
    if method != "POST" {
        return Some(Outbound::method_not_allowed());
    }
    match content_length {
        Some(len) if len > limit as u64 => Some(Outbound::payload_too_large()),
        _ => None,
    }
}

/// A request as a framework hands it over, body still unread.
pub struct StreamingRequest<'a, S> {
    /// HTTP method.
    pub method: &'a str,
    /// Raw query string (without `?`).
    pub query: &'a str,
    /// Request headers.
    pub headers: &'a dyn HeaderLookup,
    /// Peer address, if known.
    pub peer: Option<SocketAddr>,
    /// The body as a stream of chunks.
    pub body: S,
    /// How long the whole body may take to arrive (`None`: no limit here).
    pub read_timeout: Option<Duration>,
}

fn content_length(headers: &dyn HeaderLookup) -> Option<u64> {
    headers
        .get("content-length")
        .and_then(|v| v.trim().parse().ok())
}

/// Checks method and declared size, reads the body within the limit, and returns the
/// buffered [`Inbound`] parts. Shared by [`serve_stream`] and [`verify_stream`].
async fn read<'a, S, B, E>(
    provider: &'static str,
    limit: usize,
    precheck: Option<Outbound>,
    req: StreamingRequest<'a, S>,
) -> Result<(Bytes, StreamingRequest<'a, ()>), Outbound>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    if let Some(out) = precheck {
        crate::telemetry::rejected_early(provider, &out);
        return Err(out);
    }
    let StreamingRequest {
        method,
        query,
        headers,
        peer,
        body,
        read_timeout,
    } = req;
    let bytes = read_limited(body, limit, read_timeout).await.map_err(|e| {
        tracing::info!(provider, error = %e, "callback body rejected");
        let out = e.outbound();
        crate::telemetry::rejected_early(provider, &out);
        out
    })?;
    Ok((
        bytes,
        StreamingRequest {
            method,
            query,
            headers,
            peer,
            body: (),
            read_timeout,
        },
    ))
}

/// Runs `endpoint` on a framework request: 405/413 before reading, the body read
/// within the limit (413 when a chunked body passes it, 408 on `read_timeout`), then the
/// whole pipeline. This is all an adapter needs besides type conversions.
pub async fn serve_stream<P, S, B, E>(endpoint: &P, req: StreamingRequest<'_, S>) -> Outbound
where
    P: Endpoint + ?Sized,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let pre = endpoint.precheck(req.method, content_length(req.headers));
    match read(endpoint.provider(), endpoint.body_limit(), pre, req).await {
        Ok((body, r)) => {
            endpoint
                .handle(Inbound {
                    method: r.method,
                    query: r.query,
                    headers: r.headers,
                    body,
                    peer: r.peer,
                })
                .await
        }
        Err(out) => out,
    }
}

/// Like [`serve_stream`], for extractors: verifies instead of handling.
pub async fn verify_stream<V, S, B, E>(
    verifier: &V,
    req: StreamingRequest<'_, S>,
) -> Result<V::Verified, Outbound>
where
    V: Verify + ?Sized,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let pre = verifier.precheck(req.method, content_length(req.headers));
    let (body, r) = read(verifier.provider(), verifier.body_limit(), pre, req).await?;
    verifier
        .verify(Inbound {
            method: r.method,
            query: r.query,
            headers: r.headers,
            body,
            peer: r.peer,
        })
        .await
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
}
