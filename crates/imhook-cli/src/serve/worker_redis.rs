//! The Redis de-duplication store under actix-web: one connection per worker.
//!
//! actix-web runs each worker on a runtime of its own. A single connection driven by
//! one runtime would make every other worker hand each command to that runtime's
//! thread and wait for it to hand the answer back. Here each worker thread opens its
//! own connection on first use, driven by its own runtime, so a command is written
//! and answered on the thread that serves the request; the workers share the state,
//! which lives in Redis.

use async_trait::async_trait;
use imhook_core::{Claim, IdempotencyKey, IdempotencyStore, RedisStore, StoreError};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

thread_local! {
    /// This thread's connections, by URL, once a command was sent from it.
    static CONNECTIONS: RefCell<Vec<(String, Arc<RedisStore>)>> = const { RefCell::new(Vec::new()) };
}

/// A [`RedisStore`] per worker thread, all for the same URL.
pub(crate) struct PerWorkerRedis {
    url: String,
}

impl PerWorkerRedis {
    /// A store for `url`, which must already have been checked (`RedisStore::connect`):
    /// the workers' connections are opened lazily and never fail on the URL itself.
    pub(crate) fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
        }
    }

    /// This thread's connection, opened (lazily: the first command connects) on first
    /// use. Needs a Tokio runtime, which every actix-web worker runs.
    fn local(&self) -> Result<Arc<RedisStore>, StoreError> {
        CONNECTIONS.with(|connections| {
            let mut connections = connections.borrow_mut();
            if let Some((_, store)) = connections.iter().find(|(url, _)| *url == self.url) {
                return Ok(store.clone());
            }
            let store = Arc::new(RedisStore::lazy(&self.url)?);
            connections.push((self.url.clone(), store.clone()));
            Ok(store)
        })
    }
}

#[async_trait]
impl IdempotencyStore for PerWorkerRedis {
    async fn claim(&self, key: &IdempotencyKey, lease: Duration) -> Result<Claim, StoreError> {
        self.local()?.claim(key, lease).await
    }

    async fn complete(&self, key: &IdempotencyKey, ttl: Duration) -> Result<(), StoreError> {
        self.local()?.complete(key, ttl).await
    }

    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
        self.local()?.release(key).await
    }

    async fn check(&self) -> Result<(), StoreError> {
        self.local()?.check().await
    }
}
