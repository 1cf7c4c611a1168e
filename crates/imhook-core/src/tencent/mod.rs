//! Tencent Cloud IM third-party callbacks.
//!
//! One URL per application; the command arrives in the `CallbackCommand` query
//! parameter; every reply is `{"ActionStatus","ErrorCode","ErrorInfo"}` (plus the
//! extras a Before command allows). See [`TencentEndpoint`].

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
pub use context::{Context, OptPlatform};
pub use decision::*;
pub use events::{TencentEvent, UnknownEvent};
pub use handler::{CallbackHandler, dispatch};
pub use pipeline::{TencentCallback, TencentEndpoint};
pub use query::{CallbackQuery, QueryError};
pub use reply::{ActionStatus, AfterFailurePolicy, BeforeFailurePolicy, Reply};
