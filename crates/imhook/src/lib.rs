//! **imhook** receives IM providers' server callbacks (Tencent Cloud IM, Agora Chat /
//! Shengwang / Easemob) and turns them into typed, verified events for an async
//! handler.
//!
//! This facade is the one dependency an application needs: it re-exports the core
//! ([`tencent`], [`agora`], [`Secret`], the endpoints and the de-duplication stores),
//! [`async_trait`](macro@async_trait) for implementing the handler traits, and, behind features, the
//! framework adapters [`axum`] (feature `axum`), [`actix`]
//! (feature `actix`), [`warp`] (feature `warp`), the framework-free tower service
//! [`tower`](mod@tower) (feature `tower`) and the shared Redis store
//! `redis` (feature `redis`).
//!
//! ```toml
//! [dependencies]
//! imhook = { version = "0.1", features = ["axum"] }
//! ```
//!
//! A handler implements the methods it needs; every other callback is acknowledged:
//!
//! ```
//! use std::sync::Arc;
//! use imhook::async_trait;
//! use imhook::{BoxError, Endpoint, Inbound, Secret};
//! use imhook::agora::{self, AgoraConfig, PostSendEndpoint, PreSendEndpoint};
//!
//! struct App;
//!
//! #[async_trait]
//! impl agora::CallbackHandler for App {
//!     async fn message(&self, ctx: &agora::AgoraContext, msg: agora::events::MessageEvent) -> Result<(), BoxError> {
//!         println!("{} from {}", ctx.kind, msg.from.as_deref().unwrap_or("?"));
//!         Ok(())
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let config = AgoraConfig::new().secret(Secret::new("rule-secret")?);
//! let endpoint = PostSendEndpoint::new(config, Arc::new(App))?;
//! // Adapters turn a framework request into an `Inbound`; an unsigned body is refused.
//! let reply = endpoint.handle(Inbound::post("", r#"{"chat_type":"chat"}"#)).await;
//! assert_eq!(reply.status, 401);
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use imhook_core::*;

/// Implements the handler traits: `#[async_trait]` on every `impl` of
/// [`tencent::CallbackHandler`] or [`agora::CallbackHandler`].
pub use async_trait::async_trait;

/// The axum 0.8 adapter (feature `axum`).
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
#[doc(inline)]
pub use imhook_axum as axum;

/// The actix-web 4 adapter (feature `actix`).
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
#[doc(inline)]
pub use imhook_actix as actix;

/// The warp 0.4 adapter (feature `warp`).
#[cfg(feature = "warp")]
#[cfg_attr(docsrs, doc(cfg(feature = "warp")))]
#[doc(inline)]
pub use imhook_warp as warp;

/// The tower adapter (feature `tower`): a `tower::Service` over `http::Request`, for
/// hyper and any tower-based server.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
#[doc(inline)]
pub use imhook_tower as tower;

/// Forward mode (features `queue` for Redis Streams, `nats` for NATS JetStream): the
/// engines an endpoint stores callbacks in, the local spool, and the workers that run
/// the same handler traits on them.
#[cfg(any(feature = "queue", feature = "nats"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "queue", feature = "nats"))))]
#[doc(inline)]
pub use imhook_queue as queue;

/// The code blocks of README.md, compiled and run as documentation tests.
#[cfg(all(doctest, feature = "axum", feature = "actix", feature = "warp"))]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
