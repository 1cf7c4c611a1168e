//! Agora Chat / Shengwang / Easemob callbacks (one backend, three brands).
//!
//! Two endpoints, because each console rule has its own URL: post-send
//! (notifications, answered `200 {}`) and pre-send (a decision
//! `{"valid","code","payload"}`). Both are signed with
//! `security = md5(callId + secret + timestamp)` inside the body.

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
pub use context::{Context, Route};
pub use decision::{ChatroomMsgLevel, PreSendDecision};
pub use envelope::{Envelope, EnvelopeError};
pub use events::{AgoraEvent, UnknownEvent};
pub use handler::{CallbackHandler, dispatch};
pub use pipeline::{PostSendCallback, PostSendEndpoint, PreSendCallback, PreSendEndpoint};
