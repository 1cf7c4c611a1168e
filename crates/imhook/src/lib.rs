//! **imhook** receives IM providers' server callbacks (Tencent Cloud IM, Agora Chat /
//! Shengwang / Easemob) and turns them into typed, verified events for an async
//! handler.
//!
//! This facade re-exports [`imhook_core`]; the framework adapters are enabled with the
//! features `axum`, `actix` and `warp` and appear as the modules `axum`,
//! `actix` and `warp`.
#![forbid(unsafe_code)]

pub use imhook_core::*;

/// The axum 0.8 adapter (feature `axum`).
#[cfg(feature = "axum")]
pub use imhook_axum as axum;

/// The actix-web 4 adapter (feature `actix`).
#[cfg(feature = "actix")]
pub use imhook_actix as actix;

/// The warp 0.4 adapter (feature `warp`).
#[cfg(feature = "warp")]
pub use imhook_warp as warp;

/// The code blocks of README.md, compiled and run as documentation tests.
#[cfg(all(doctest, feature = "axum", feature = "actix", feature = "warp"))]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
