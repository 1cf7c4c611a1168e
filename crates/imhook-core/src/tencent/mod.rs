//! Tencent Cloud IM third-party callbacks.
//!
//! One URL per application; the command arrives in the `CallbackCommand` query
//! parameter; every reply is `{"ActionStatus","ErrorCode","ErrorInfo"}` (plus the
//! extras a Before command allows). See [`TencentEndpoint`].

pub mod auth;
mod catalogue;
pub mod context;
pub mod decision;
pub mod endpoint;
pub mod events;
pub mod handler;
pub mod query;
pub mod reply;

pub use auth::{AuthError, TencentAuth};
pub use context::{Context, OptPlatform};
pub use endpoint::{TencentCallback, TencentConfig, TencentEndpoint};
pub use events::{TencentEvent, UnknownEvent};
pub use handler::CallbackHandler;
pub use reply::{AfterFailurePolicy, BeforeFailurePolicy, Reply};
