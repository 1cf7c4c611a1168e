//! `imhook serve --forward`: the engine (Redis Streams or NATS JetStream) behind the
//! local spool, handed to both endpoints' configurations.
//!
//! The engine's connection and the spool's drain run on the runtime that serves the
//! requests (axum, warp), or on a runtime of their own on a background thread
//! (actix-web, whose workers each run their own): see `connect_on`.

use crate::Error;
use crate::cli::ServeArgs;
use imhook_core::forward::Forward;
use imhook_queue::{JetStream, RedisStreams, Spool};
use std::sync::Arc;

/// The engine named by `--forward`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// `redis://…` or `rediss://…`: Redis Streams.
    Redis,
    /// `nats://…`: NATS JetStream.
    Nats,
}

impl Engine {
    /// The engine of `url`, or a usage error naming the accepted schemes.
    pub fn of(url: &str) -> Result<Self, Error> {
        if url.starts_with("redis://") || url.starts_with("rediss://") {
            Ok(Self::Redis)
        } else if url.starts_with("nats://") {
            Ok(Self::Nats)
        } else {
            Err(Error::usage(
                "--forward must be a redis://… or nats://… URL",
            ))
        }
    }

    /// Lower-case name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Redis => "redis",
            Self::Nats => "nats",
        }
    }
}

/// Checks the forward flags that clap cannot: the scheme, and `--max-len` (Redis only).
pub fn check(args: &ServeArgs) -> Result<Option<Engine>, Error> {
    let Some(url) = args.forward.as_deref() else {
        return Ok(None);
    };
    let engine = Engine::of(url)?;
    if args.max_len.is_some() && engine != Engine::Redis {
        return Err(Error::usage(
            "--max-len trims a Redis stream; it has no meaning with nats://",
        ));
    }
    Ok(Some(engine))
}

/// Connects the engine of `--forward` (failing at start-up when it cannot be reached)
/// and opens the spool in front of it.
pub fn start(
    args: &ServeArgs,
    engine: Engine,
    runtime: Option<&tokio::runtime::Runtime>,
) -> Result<Arc<dyn Forward>, Error> {
    let Some(url) = args.forward.clone() else {
        return Err(Error::msg("--forward: no URL"));
    };
    let stream = args.stream.clone();
    let max_len = args.max_len;
    let dir = args.spool.clone();
    let max_bytes = args.spool_max_bytes;
    super::connect_on(runtime, "imhook-forward", "--forward", async move {
        match engine {
            Engine::Redis => match RedisStreams::connect(&url, stream).await {
                Ok(engine) => spool(engine.max_len(max_len), dir, max_bytes),
                Err(e) => Err(e.to_string()),
            },
            Engine::Nats => match JetStream::connect(&url, stream).await {
                Ok(engine) => spool(engine, dir, max_bytes),
                Err(e) => Err(e.to_string()),
            },
        }
    })
}

/// `engine` behind a spool in `dir`, bounded by `max_bytes`.
fn spool<F: Forward>(
    engine: F,
    dir: std::path::PathBuf,
    max_bytes: u64,
) -> Result<Arc<dyn Forward>, String> {
    let shown = dir.display().to_string();
    Spool::builder(engine)
        .dir(dir)
        .max_bytes(max_bytes)
        .open()
        .map(|spool| Arc::new(spool) as Arc<dyn Forward>)
        .map_err(|e| format!("cannot open the spool {shown:?}: {e}"))
}
