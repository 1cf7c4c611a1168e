//! The provider-independent face of an endpoint, which adapters mount.

use crate::inbound::{Inbound, Outbound};
use async_trait::async_trait;

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
        if !method.eq_ignore_ascii_case("POST") {
            return Some(Outbound::method_not_allowed());
        }
        match content_length {
            Some(len) if len > self.body_limit() as u64 => Some(Outbound::payload_too_large()),
            _ => None,
        }
    }

    /// Runs the whole pipeline for one request. Never panics.
    async fn handle(&self, req: Inbound<'_>) -> Outbound;

    /// Name of the provider, for logs: `tencent` or `agora`.
    fn provider(&self) -> &'static str;
}

/// Verification without a handler, for framework extractors: authenticates and
/// decodes a request and hands the result to the application's own code, which
/// answers with [`Verified::reply`]-style methods of the verified type.
#[async_trait]
pub trait Verify: Send + Sync + 'static {
    /// What a successful verification yields (e.g. the context and typed event).
    type Verified: Send + 'static;

    /// Largest accepted body, in bytes.
    fn body_limit(&self) -> usize;

    /// Rules that need no body: method (405) and declared size (413).
    fn precheck(&self, method: &str, content_length: Option<u64>) -> Option<Outbound> {
        if !method.eq_ignore_ascii_case("POST") {
            return Some(Outbound::method_not_allowed());
        }
        match content_length {
            Some(len) if len > self.body_limit() as u64 => Some(Outbound::payload_too_large()),
            _ => None,
        }
    }

    /// Authenticates, de-duplicates and decodes. `Err` carries the exact reply the
    /// mounted endpoint would have sent (401, 403, 400, or the 200 ack of a duplicate).
    async fn verify(&self, req: Inbound<'_>) -> Result<Self::Verified, Outbound>;
}
