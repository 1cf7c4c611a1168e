//! Framework-free core of **imhook**: receives IM providers' server callbacks
//! (Tencent Cloud IM, Agora Chat / Shengwang / Easemob), authenticates them,
//! decodes them into typed events, de-duplicates them and produces the exact reply
//! the provider expects.
//!
//! Adapters (axum, actix-web, warp) translate a framework request into an
//! [`Inbound`] and the [`Outbound`] back into a response; every rule lives here.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod agora;
pub mod body;
pub mod clock;
pub mod endpoint;
pub mod exec;
pub mod forward;
pub mod idempotency;
pub mod inbound;
mod log_value;
pub mod record;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[path = "redis_store.rs"]
pub mod redis;
pub mod secret;
pub mod telemetry;
pub mod tencent;
pub mod wire;

pub use clock::{Clock, FixedClock, SystemClock};
pub use endpoint::{Endpoint, StreamingRequest, Verify, serve_stream, verify_stream};
pub use forward::{Forward, ForwardEntry, ForwardError};
pub use idempotency::{Claim, IdempotencyKey, IdempotencyStore, MemoryStore, StoreError};
pub use inbound::{HeaderLookup, Inbound, NoHeaders, Outbound};
pub use record::EventRecord;
pub use secret::{Secret, SecretError};

/// The error type handlers return: any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Default body limit of every endpoint: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
