//! Tencent Cloud IM third-party callbacks.
//!
//! One URL per application; the command arrives in the `CallbackCommand` query
//! parameter; every reply is `{"ActionStatus","ErrorCode","ErrorInfo"}` (plus the
//! extras a Before command allows). See [`TencentEndpoint`].
//!
//! # Handling callbacks
//!
//! The Tencent handler trait: one method per command, each with a default body, a.
//!
//! catch-all for unknown commands, and an overridable [`CallbackHandler::handle`] entry
//! point for applications that want every event in one place.
//!
//! ```
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use imhook_core::BoxError;
//! use imhook_core::tencent::{CallbackHandler, TencentContext, TencentEvent, dispatch};
//! use imhook_core::tencent::GroupSendMsgDecision;
//! use imhook_core::tencent::events::{AfterCreateGroup, BeforeSendGroupMsg};
//!
//! struct Moderator;
//!
//! #[async_trait]
//! impl CallbackHandler for Moderator {
//!     async fn before_send_group_msg(&self, _ctx: &TencentContext, ev: BeforeSendGroupMsg) -> Result<GroupSendMsgDecision, BoxError> {
//!         let spam = ev.msg_body.iter().any(|e| e.as_text().is_some_and(|t| t.contains("buy now")));
//!         Ok(if spam { GroupSendMsgDecision::Reject } else { GroupSendMsgDecision::Allow })
//!     }
//!     async fn after_create_group(&self, _ctx: &TencentContext, ev: AfterCreateGroup) -> Result<(), BoxError> {
//!         println!("group {} created by {}", ev.group_id, ev.operator_account);
//!         Ok(())
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let handler: Arc<dyn CallbackHandler> = Arc::new(Moderator);
//! let body = r#"{"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#1","Type":"Public",
//!     "From_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"buy now!"}}]}"#;
//! let event = TencentEvent::decode("Group.CallbackBeforeSendMsg", body).unwrap();
//! let ctx = TencentContext::for_test("Group.CallbackBeforeSendMsg", body);
//! let answer = dispatch(handler.as_ref(), &ctx, event).await.unwrap();
//! assert_eq!(answer.reply().code, 1);
//! # });
//! ```
//!
//! # Decisions
//!
//! Typed decisions of the Before commands (docs/protocol/tencent.md §3.3–3.4).
//!
//! Each Before command's handler returns a decision type that holds only what that
//! command supports: a send-message decision can modify the message, an invitation
//! decision can refuse some invitees, the friend-request decisions give one verdict per
//! target. Custom reject codes are checked against the command's documented range when
//! they are built, so an out-of-range code is never sent.
//!
//! ```
//! use imhook_core::tencent::{GroupRejectCode, GroupSendMsgDecision};
//! use imhook_core::tencent::{Reply, events::MsgElement};
//!
//! let d = GroupSendMsgDecision::RejectWith(GroupRejectCode::new(10100, "you are muted").unwrap());
//! assert_eq!(Reply::from(d).to_json(), r#"{"ActionStatus":"OK","ErrorCode":10100,"ErrorInfo":"you are muted"}"#);
//! assert!(GroupRejectCode::new(10016, "").is_err());
//!
//! let d = GroupSendMsgDecision::modify_body(vec![MsgElement::text("***")]);
//! assert!(Reply::from(d).to_json().contains(r#""MsgBody":[{"MsgType":"TIMTextElem""#));
//! ```

mod auth;
mod catalogue;
mod config;
mod context;
mod decision;
pub mod events;
mod handler;
mod pipeline;
pub(crate) mod query;
mod reply;

pub use auth::{AuthError, DEFAULT_FRESHNESS, TencentAuth, Verified, sign};
pub use config::{DEFAULT_DEADLINE, TencentConfig};
pub use context::{OptPlatform, TencentContext};
pub use decision::*;
pub use events::{TencentEvent, UnknownEvent};
pub use handler::{CallbackHandler, dispatch};
pub use pipeline::{TencentCallback, TencentEndpoint};
pub use query::{CallbackQuery, QueryError};
pub use reply::{ActionStatus, AfterFailurePolicy, BeforeFailurePolicy, Reply};
