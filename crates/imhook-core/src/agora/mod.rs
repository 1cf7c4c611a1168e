//! Agora Chat / Shengwang / Easemob callbacks (one backend, three brands).
//!
//! Two endpoints, because each console rule has its own URL: post-send
//! (notifications, answered `200 {}`) and pre-send (a decision
//! `{"valid","code","payload"}`). Both are signed with
//! `security = md5(callId + secret + timestamp)` inside the body.
//!
//! # Handling callbacks
//!
//! The Agora handler trait: one method per family of the catalogue with a default body, a catch-all
//!
//! for unknown kinds, the pre-send decision, and an overridable
//! [`CallbackHandler::handle`] entry point.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use async_trait::async_trait;
//! use imhook_core::BoxError;
//! use imhook_core::agora::{AgoraEvent, CallbackHandler, AgoraContext, Envelope, Route, dispatch};
//! use imhook_core::agora::events::{GroupOpEvent, GroupOperation};
//!
//! #[derive(Default)]
//! struct Audit(Mutex<Vec<String>>);
//!
//! #[async_trait]
//! impl CallbackHandler for Audit {
//!     async fn group_op(&self, _ctx: &AgoraContext, ev: GroupOpEvent) -> Result<(), BoxError> {
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
//! let kind = Envelope::parse(body).unwrap().classify();
//! let ctx = AgoraContext::for_test(Route::PostSend, &kind.to_string(), body);
//! dispatch(handler.as_ref(), &ctx, AgoraEvent::decode_as(&kind, body)).await.unwrap();
//! assert_eq!(audit.0.lock().unwrap().as_slice(), ["ShareFileAdded in g1 by u1"]);
//! # });
//! ```
//!
//! # Pre-send decisions
//!
//! The pre-send decision (docs/protocol/agora.md §4.2).
//!
//! Only what the callback supports exists: allow, allow with a replacement payload,
//! allow with a chat-room priority, block with an optional code. Optional fields are
//! omitted, never `null`.
//!
//! ```
//! use imhook_core::agora::{PreSendDecision, events::PreSendEvent};
//! let ev = PreSendEvent::decode(r#"{"callId":"a","timestamp":1,"chat_type":"chat","from":"u","to":"v","msg_id":"1","payload":{"msg":"hi","type":"txt"}}"#).unwrap();
//! assert_eq!(PreSendDecision::Allow.to_json(), r#"{"valid":true}"#);
//! assert_eq!(PreSendDecision::block("HX:10001").to_json(), r#"{"valid":false,"code":"HX:10001"}"#);
//! assert_eq!(
//!     PreSendDecision::replace_text(&ev, "h*").to_json(),
//!     r#"{"valid":true,"payload":{"msg":"h*","type":"txt"}}"#
//! );
//! ```

mod auth;
mod catalogue;
mod config;
mod context;
mod decision;
mod envelope;
pub mod events;
mod handler;
mod pipeline;
mod reply;

pub use auth::{AgoraAuth, AuthError, AuthOutcome, UnsignedPolicy, security};
pub use catalogue::{AgoraKind, Named, Operation};
pub use config::{
    AgoraConfig, ConfigError, DEFAULT_POST_SEND_DEADLINE, DEFAULT_PRE_SEND_DEADLINE,
    DEFAULT_REPLY_LIMIT, PostSendFailurePolicy, PreSendFailurePolicy, StoreFailurePolicy,
};
pub use context::{AgoraContext, Route};
pub use decision::{ChatroomMsgLevel, PreSendDecision};
pub use envelope::{Envelope, EnvelopeError};
pub use events::{AgoraEvent, UnknownEvent};
pub use handler::{CallbackHandler, dispatch};
pub use pipeline::{PostSendCallback, PostSendEndpoint, PreSendCallback, PreSendEndpoint};

/// The published request bodies of `tests/fixtures/agora`, with their file names.
#[cfg(test)]
pub(crate) fn request_fixtures() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/agora");
    let mut fixtures: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let body = std::fs::read_to_string(&path).ok()?;
            Some((name, body))
        })
        .filter(|(name, _)| name != "manifest.json" && name != "signatures.json")
        .collect();
    fixtures.sort();
    fixtures
}
