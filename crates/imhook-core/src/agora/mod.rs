//! Agora Chat / Shengwang / Easemob callbacks (one backend, three brands).
//!
//! Two endpoints, because each console rule has its own URL: post-send
//! (notifications, answered `200 {}`) and pre-send (a decision
//! `{"valid","code","payload"}`). Both are signed with
//! `security = md5(callId + secret + timestamp)` inside the body.

pub mod auth;
pub mod catalogue;
pub mod context;
pub mod decision;
pub mod endpoint;
pub mod envelope;
pub mod events;
pub mod handler;

pub use auth::{AgoraAuth, AuthOutcome, UnsignedPolicy};
pub use catalogue::AgoraKind;
pub use context::{Context, Route};
pub use decision::PreSendDecision;
pub use endpoint::{
    AgoraCallback, AgoraConfig, AgoraEndpoint, AgoraVerifier, CallbackEvent, ConfigError,
    PostSendFailurePolicy, PreSendFailurePolicy, StoreFailurePolicy,
};
pub use envelope::Envelope;
pub use events::{AgoraEvent, UnknownEvent};
pub use handler::CallbackHandler;
