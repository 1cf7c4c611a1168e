//! The Agora handler trait: one method per family with a default body, a catch-all
//! for unknown kinds, the pre-send decision, and an overridable
//! [`CallbackHandler::handle`] entry point.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use async_trait::async_trait;
//! use imhook_core::BoxError;
//! use imhook_core::agora::{AgoraEvent, CallbackHandler, Context, Envelope, Route, handler::dispatch};
//! use imhook_core::agora::events::{GroupOpEvent, GroupOperation};
//!
//! #[derive(Default)]
//! struct Audit(Mutex<Vec<String>>);
//!
//! #[async_trait]
//! impl CallbackHandler for Audit {
//!     async fn group_op(&self, _ctx: &Context, ev: GroupOpEvent) -> Result<(), BoxError> {
//!         if matches!(ev.operation(), GroupOperation::ShareFileAdded | GroupOperation::RoomSuperAdminAdded) {
//!             self.0.lock().unwrap().push(format!("{:?} in {} by {}", ev.operation(), ev.id, ev.operator));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let audit = Arc::new(Audit::default());
//! let handler: Arc<dyn CallbackHandler> = audit.clone();
//! let body = r#"{"callId":"a_1","event":"group_op_event","operation":"SHARE_FILE","id":"g1","type":"GROUP",
//!     "operator":"u1","appkey":"o#a","timestamp":1,"payload":{"type":"ADD","share_file":["f-1"]}}"#;
//! let kind = Envelope::parse(body).unwrap().kind();
//! let ctx = Context::for_test(Route::PostSend, &kind, body);
//! dispatch(handler.as_ref(), &ctx, AgoraEvent::decode(&kind, body)).await.unwrap();
//! assert_eq!(audit.0.lock().unwrap().as_slice(), ["ShareFileAdded in g1 by u1"]);
//! # });
//! ```

use super::context::Context;
use super::decision::PreSendDecision;
use super::events::*;
use crate::BoxError;
use async_trait::async_trait;

/// The application's Agora callback handler. Implement the methods you need; the
/// others acknowledge.
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

    /// `group_op_event/…`: a group or chat-room operation (new format); see
    /// [`GroupOpEvent::operation`].
    async fn group_op(&self, ctx: &Context, event: GroupOpEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `muc/…`: a group or chat-room operation (old format).
    async fn muc(&self, ctx: &Context, event: MucEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `message/chat`, `message/groupchat`: a message was sent (or an offline copy).
    async fn message(&self, ctx: &Context, event: MessageEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `recall`: a message was recalled.
    async fn recall(&self, ctx: &Context, event: RecallEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `edit`: a message was edited.
    async fn edit(&self, ctx: &Context, event: EditEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `read_ack`, `channel_ack`, `delivery_ack`: a receipt.
    async fn receipt(&self, ctx: &Context, event: ReceiptEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `roster/…`: a contact operation.
    async fn roster(&self, ctx: &Context, event: RosterEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `notify/reaction`: reactions changed.
    async fn reaction(&self, ctx: &Context, event: ReactionEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `notify/thread`: a thread changed.
    async fn thread(&self, ctx: &Context, event: ThreadEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `user_status/…`: login, logout or replaced.
    async fn user_status(&self, ctx: &Context, event: UserStatusEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `offline_push`: an offline push result.
    async fn offline_push(&self, ctx: &Context, event: OfflinePushEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `keyword_alert`: the keyword filter acted.
    async fn keyword_alert(&self, ctx: &Context, event: KeywordAlertEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// `moderation`: a content moderation result.
    async fn moderation(&self, ctx: &Context, event: ModerationEvent) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// Any post-send kind the library does not type, or a known one whose body could
    /// not be decoded (`event.error` says why).
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
        AgoraEvent::GroupOp(e) => handler.group_op(ctx, e).await,
        AgoraEvent::Muc(e) => handler.muc(ctx, e).await,
        AgoraEvent::Message(e) => handler.message(ctx, e).await,
        AgoraEvent::Recall(e) => handler.recall(ctx, e).await,
        AgoraEvent::Edit(e) => handler.edit(ctx, e).await,
        AgoraEvent::Receipt(e) => handler.receipt(ctx, e).await,
        AgoraEvent::Roster(e) => handler.roster(ctx, e).await,
        AgoraEvent::Reaction(e) => handler.reaction(ctx, e).await,
        AgoraEvent::Thread(e) => handler.thread(ctx, e).await,
        AgoraEvent::UserStatus(e) => handler.user_status(ctx, e).await,
        AgoraEvent::OfflinePush(e) => handler.offline_push(ctx, e).await,
        AgoraEvent::KeywordAlert(e) => handler.keyword_alert(ctx, e).await,
        AgoraEvent::Moderation(e) => handler.moderation(ctx, e).await,
        AgoraEvent::Unknown(u) => handler.unknown(ctx, u).await,
    }
}
