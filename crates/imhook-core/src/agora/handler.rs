//! The Agora handler trait.
//!
//! STUB: the full trait (one method per family) replaces this file.

use super::context::Context;
use super::decision::PreSendDecision;
use super::events::{AgoraEvent, PreSendEvent, UnknownEvent};
use crate::BoxError;
use async_trait::async_trait;

/// The application's Agora callback handler.
#[async_trait]
pub trait CallbackHandler: Send + Sync + 'static {
    /// Entry point for every post-send event. The default calls the method for the
    /// event's family; override it to handle every event in one place.
    async fn handle(&self, ctx: &Context, event: AgoraEvent) -> Result<(), BoxError> {
        dispatch(self, ctx, event).await
    }

    /// A pre-send request: decide whether the message is delivered. Default: allow.
    async fn pre_send(
        &self,
        ctx: &Context,
        event: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        let _ = (ctx, event);
        Ok(PreSendDecision::Allow)
    }

    /// Any post-send kind the library does not type (or could not decode).
    async fn unknown(&self, ctx: &Context, event: UnknownEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
}

/// Calls the handler method for a post-send `event`.
pub async fn dispatch<H: CallbackHandler + ?Sized>(
    handler: &H,
    ctx: &Context,
    event: AgoraEvent,
) -> Result<(), BoxError> {
    match event {
        AgoraEvent::Unknown(u) => handler.unknown(ctx, u).await,
    }
}
