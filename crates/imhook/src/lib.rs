//! **imhook** receives IM providers' server callbacks and turns them into typed,
//! verified events for an async handler.
//!
//! This facade re-exports [`imhook_core`]; framework adapters are enabled with the
//! features `axum`, `actix` and `warp`.
#![forbid(unsafe_code)]

pub use imhook_core::*;
