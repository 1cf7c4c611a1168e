//! The Tencent handler trait.
//!
//! STUB: the full trait (one method per command) replaces this file.

use super::context::Context;
use super::events::{TencentEvent, UnknownEvent};
use super::reply::{BeforeFailurePolicy, Reply};
use crate::BoxError;
use async_trait::async_trait;

/// The application's Tencent callback handler.
#[async_trait]
pub trait CallbackHandler: Send + Sync + 'static {
    /// Entry point for every event. The default calls the method for the event's
    /// command; override it to handle every event in one place.
    async fn handle(&self, ctx: &Context, event: TencentEvent) -> Result<Reply, BoxError> {
        dispatch(self, ctx, event).await
    }

    /// Any command the library does not type (or could not decode). Return a raw
    /// reply to answer a new Before-type command, or `None` for the OK ack.
    async fn unknown(&self, ctx: &Context, event: UnknownEvent) -> Result<Option<Reply>, BoxError> {
        let _ = (ctx, event);
        Ok(None)
    }
}

/// Calls the handler method for `event` and turns its result into a reply.
pub async fn dispatch<H: CallbackHandler + ?Sized>(
    handler: &H,
    ctx: &Context,
    event: TencentEvent,
) -> Result<Reply, BoxError> {
    match event {
        TencentEvent::Unknown(u) => Ok(handler.unknown(ctx, u).await?.unwrap_or_else(Reply::ok)),
    }
}

/// The reply when the handler fails for a Before command, computed before dispatch.
pub(crate) fn before_fallback(event: &TencentEvent, policy: BeforeFailurePolicy) -> Reply {
    let _ = event;
    match policy {
        BeforeFailurePolicy::Allow => Reply::ok(),
        BeforeFailurePolicy::Reject => Reply::with_code(1, ""),
    }
}
