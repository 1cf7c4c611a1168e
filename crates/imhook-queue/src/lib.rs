//! Durable hand-off for **imhook**: write each verified callback to a queue engine
//! before it is acknowledged, and process it later on any number of workers, with the
//! same handler traits an endpoint runs inline.
//!
//! - Forwarders ([`Forward`] implementations): [`RedisStreams`] (feature `redis`, on by
//!   default) and [`JetStream`] (feature `nats`), each `Ok` only once the engine
//!   confirmed the write; [`Spool`] in front of either keeps entries in a bounded,
//!   `fsync`ed local directory while the engine is down and sends them on, in arrival
//!   order, when it is back.
//! - Workers: [`RedisWorker`] (consumer groups) and [`JetStreamWorker`] (durable pull
//!   consumers) hand each entry to [`Handlers`], which claims the event id in an
//!   [`IdempotencyStore`](imhook_core::IdempotencyStore) before running the
//!   application's [`tencent::CallbackHandler`](imhook_core::tencent::CallbackHandler)
//!   or [`agora::CallbackHandler`](imhook_core::agora::CallbackHandler), retries with
//!   backoff, and after `max_attempts` moves the entry to the dead-letter stream
//!   `<stream>:dead`.
//!
//! # Delivery contract
//!
//! Entries reach a worker at least once (a worker that dies before acknowledging
//! leaves its entries to another); each event id reaches the handler once while the
//! store remembers it (4 days), unless the handler failed every attempt (dead letter).
//! Before / pre-send entries are audit records: the receiver already answered them,
//! they go to the optional [`Audit`] callback, never to a decision handler.
//!
//! ```no_run
//! # #[cfg(feature = "redis")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use imhook_core::{BoxError, RedisStore};
//! use imhook_core::agora::{CallbackHandler, AgoraContext, events::GroupOpEvent};
//! use imhook_queue::{Handlers, RedisWorker, RedisWorkerConfig};
//!
//! struct Audit;
//! #[async_trait]
//! impl CallbackHandler for Audit {
//!     async fn group_op(&self, _ctx: &AgoraContext, ev: GroupOpEvent) -> Result<(), BoxError> {
//!         println!("{:?} in {}", ev.operation(), ev.id);
//!         Ok(())
//!     }
//! }
//!
//! let store = RedisStore::connect("redis://127.0.0.1/").await?;
//! let handlers = Handlers::new(Arc::new(store)).agora(Arc::new(Audit));
//! let config = RedisWorkerConfig::new("workers", "worker-1");
//! RedisWorker::connect("redis://127.0.0.1/", config, handlers).await?.run().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "nats")]
#[cfg_attr(docsrs, doc(cfg(feature = "nats")))]
pub mod nats;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;
pub mod spool;
pub mod worker;

pub use imhook_core::forward::{Forward, ForwardEntry, ForwardError};
#[cfg(feature = "nats")]
pub use nats::{JetStream, JetStreamWorker, JetStreamWorkerConfig};
#[cfg(feature = "redis")]
pub use redis::{RedisStreams, RedisWorker, RedisWorkerConfig};
pub use spool::Spool;
pub use worker::{Audit, Handlers, Outcome, current_event_id};
