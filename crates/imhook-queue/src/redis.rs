//! Redis Streams: [`RedisStreams`] writes one stream entry per callback (`XADD`),
//! [`RedisWorker`] consumes them in a consumer group.
//!
//! # Layout
//!
//! - The stream (default `imhook`) holds one entry per forwarded callback, its fields
//!   named exactly as [`imhook_core::forward::FIELDS`]: `id provider route kind known
//!   authenticated decision received_at body query`.
//! - The dead-letter stream `<stream>:dead` holds the entries whose handler failed
//!   `max_attempts` times (or that could not be read), with the same fields plus
//!   `error` and `attempts`.
//!
//! # Trimming
//!
//! Nothing is trimmed by default: the stream grows until entries are deleted (e.g.
//! `XTRIM` once every group read them). [`RedisStreams::max_len`] caps it at `XADD`
//! (`MAXLEN ~ n`, approximate, which Redis does cheaply): **trimming drops the oldest
//! entries whether or not a worker has read them**, so with a cap smaller than the
//! backlog during a worker outage, callbacks are lost.

use crate::worker::{Capped, Handlers, Outcome};
use async_trait::async_trait;
use bytes::Bytes;
use imhook_core::forward::{Forward, ForwardEntry, ForwardError};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::{StreamAutoClaimReply, StreamId, StreamReadReply};
use redis::{Client, RedisError, Value};
use std::time::Duration;

/// Default bound of one `XADD`, reconnection included: 2 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Default stream name: `imhook`.
pub const DEFAULT_STREAM: &str = "imhook";

/// The dead-letter stream of `stream`: `<stream>:dead`.
pub fn dead_letter_stream(stream: &str) -> String {
    format!("{stream}:dead")
}

fn manager(url: &str, timeout: Duration) -> Result<ConnectionManager, RedisError> {
    let client = Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(2)
        .set_min_delay(Duration::from_millis(20))
        .set_max_delay(Duration::from_millis(200));
    ConnectionManager::new_lazy_with_config(client, config)
}

/// The error text of a Redis failure: what failed, never the URL.
fn unavailable(e: &RedisError) -> ForwardError {
    ForwardError::Unavailable(format!("redis: {e}"))
}

/// Forwards entries to a Redis stream with `XADD`; `Ok` once Redis answered with the
/// entry's stream id.
#[derive(Clone)]
pub struct RedisStreams {
    conn: ConnectionManager,
    stream: String,
    max_len: Option<usize>,
    timeout: Duration,
}

impl std::fmt::Debug for RedisStreams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStreams")
            .field("stream", &self.stream)
            .field("max_len", &self.max_len)
            .finish_non_exhaustive()
    }
}

impl RedisStreams {
    /// A forwarder to `stream` on `url` (`redis://[:password@]host:port[/db]`) that
    /// connects on first use (and reconnects by itself). Needs a Tokio runtime.
    pub fn lazy(url: &str, stream: impl Into<String>) -> Result<Self, ForwardError> {
        let conn = manager(url, DEFAULT_TIMEOUT).map_err(|e| unavailable(&e))?;
        Ok(Self {
            conn,
            stream: stream.into(),
            max_len: None,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// As [`RedisStreams::lazy`], and checks now that Redis answers.
    pub async fn connect(url: &str, stream: impl Into<String>) -> Result<Self, ForwardError> {
        let this = Self::lazy(url, stream)?;
        let mut conn = this.conn.clone();
        let ping = redis::cmd("PING");
        match tokio::time::timeout(this.timeout, ping.query_async::<()>(&mut conn)).await {
            Ok(Ok(())) => Ok(this),
            Ok(Err(e)) => Err(unavailable(&e)),
            Err(_) => Err(ForwardError::Unavailable("redis: timed out".to_owned())),
        }
    }

    /// Caps the stream at about `n` entries (`XADD … MAXLEN ~ n`); `None` (the
    /// default) never trims. **Trimming drops the oldest entries even when no worker
    /// has read them yet.**
    pub fn max_len(mut self, n: Option<usize>) -> Self {
        self.max_len = n;
        self
    }

    /// Bound of one write, waiting for a reconnection included (default
    /// [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The stream written to.
    pub fn stream(&self) -> &str {
        &self.stream
    }
}

#[async_trait]
impl Forward for RedisStreams {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        let mut cmd = redis::cmd("XADD");
        cmd.arg(&self.stream);
        if let Some(n) = self.max_len {
            cmd.arg("MAXLEN").arg("~").arg(n);
        }
        cmd.arg("*");
        for (name, value) in entry.to_fields() {
            cmd.arg(name).arg(value.as_ref());
        }
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, cmd.query_async::<String>(&mut conn)).await {
            Ok(Ok(_id)) => Ok(()),
            Ok(Err(e)) => Err(unavailable(&e)),
            Err(_) => Err(ForwardError::Unavailable("redis: timed out".to_owned())),
        }
    }
}

/// Options of a [`RedisWorker`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RedisWorkerConfig {
    /// The stream (default [`DEFAULT_STREAM`]).
    pub stream: String,
    /// The consumer group (created at the stream's start if missing).
    pub group: String,
    /// This worker's name in the group (unique per worker).
    pub consumer: String,
    /// Entries read per round (default 16).
    pub batch: usize,
    /// How long one read waits for new entries (default 1 s).
    pub block: Duration,
    /// An entry pending with another consumer for longer than this is claimed (default
    /// 60 s): choose more than the longest handling of one batch, attempts and backoff
    /// included, or entries still being handled are claimed too (they are then not
    /// handled twice, see [`Handlers`], but wait for the claim's lease).
    pub min_idle: Duration,
}

impl RedisWorkerConfig {
    /// Defaults for `group` and `consumer` on the default stream.
    pub fn new(group: impl Into<String>, consumer: impl Into<String>) -> Self {
        Self {
            stream: DEFAULT_STREAM.to_owned(),
            group: group.into(),
            consumer: consumer.into(),
            batch: 16,
            block: Duration::from_secs(1),
            min_idle: Duration::from_secs(60),
        }
    }

    /// The stream read.
    pub fn stream(mut self, stream: impl Into<String>) -> Self {
        self.stream = stream.into();
        self
    }

    /// See [`RedisWorkerConfig::min_idle`].
    pub fn min_idle(mut self, min_idle: Duration) -> Self {
        self.min_idle = min_idle;
        self
    }

    /// See [`RedisWorkerConfig::batch`].
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// See [`RedisWorkerConfig::block`].
    pub fn block(mut self, block: Duration) -> Self {
        self.block = block;
        self
    }
}

/// Why a worker round failed (Redis unreachable or answering errors).
#[derive(Debug, thiserror::Error)]
#[error("redis worker: {0}")]
pub struct WorkerError(String);

fn worker_error(e: &RedisError) -> WorkerError {
    WorkerError(e.to_string())
}

/// A consumer-group worker: reads entries with `XREADGROUP`, hands each to
/// [`Handlers::process`], acknowledges it with `XACK` (after moving a dead one to
/// `<stream>:dead`), and claims with `XAUTOCLAIM` the entries another consumer left
/// pending for longer than `min_idle` (a worker that died). Entries are handled one
/// at a time, in stream order; run several workers (same group, different consumer
/// names) to handle more.
#[derive(Debug)]
pub struct RedisWorker {
    conn: ConnectionManager,
    config: RedisWorkerConfig,
    handlers: Handlers,
}

impl RedisWorker {
    /// A worker on `url`; creates the group (and the stream) if missing.
    pub async fn connect(
        url: &str,
        config: RedisWorkerConfig,
        handlers: Handlers,
    ) -> Result<Self, WorkerError> {
        // A read blocks for `block`: the response timeout must outlast it.
        let timeout = config.block.saturating_add(Duration::from_secs(5));
        let conn = manager(url, timeout).map_err(|e| worker_error(&e))?;
        let worker = Self {
            conn,
            config,
            handlers,
        };
        worker.create_group().await?;
        Ok(worker)
    }

    async fn create_group(&self) -> Result<(), WorkerError> {
        let mut conn = self.conn.clone();
        let created = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.config.stream)
            .arg(&self.config.group)
            .arg("0")
            .arg("MKSTREAM")
            .query_async::<()>(&mut conn)
            .await;
        match created {
            Ok(()) => Ok(()),
            Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
            Err(e) => Err(worker_error(&e)),
        }
    }

    /// Runs rounds until an error; see [`RedisWorker::run`] for a loop that survives
    /// Redis outages.
    async fn rounds(&self) -> Result<(), WorkerError> {
        // First this consumer's own pending entries (left by an earlier run under the
        // same name), then new ones and those of dead consumers.
        while self.read("0").await? > 0 {}
        loop {
            self.round().await?;
        }
    }

    /// Consumes until the future is dropped; a Redis outage is logged and retried.
    pub async fn run(&self) {
        let mut wait = Duration::from_millis(100);
        loop {
            match self.rounds().await {
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "redis worker round failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                    let _ = self.create_group().await;
                }
            }
        }
    }

    /// One round: claims entries idle with dead consumers, then reads new ones
    /// (waiting up to `block`); returns how many entries were processed.
    pub async fn round(&self) -> Result<usize, WorkerError> {
        let claimed = self.claim_idle().await?;
        let read = self.read(">").await?;
        Ok(claimed + read)
    }

    /// `XAUTOCLAIM`s and processes entries pending longer than `min_idle`.
    async fn claim_idle(&self) -> Result<usize, WorkerError> {
        let mut conn = self.conn.clone();
        let mut start = "0-0".to_owned();
        let mut done = 0;
        loop {
            let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
                .arg(&self.config.stream)
                .arg(&self.config.group)
                .arg(&self.config.consumer)
                .arg(u64::try_from(self.config.min_idle.as_millis()).unwrap_or(u64::MAX))
                .arg(&start)
                .arg("COUNT")
                .arg(self.config.batch)
                .query_async(&mut conn)
                .await
                .map_err(|e| worker_error(&e))?;
            for entry in &reply.claimed {
                self.handle(entry).await?;
                done += 1;
            }
            if reply.next_stream_id == "0-0" || reply.claimed.is_empty() {
                return Ok(done);
            }
            start = reply.next_stream_id;
        }
    }

    /// `XREADGROUP … STREAMS stream <from>` and processes what came.
    async fn read(&self, from: &str) -> Result<usize, WorkerError> {
        let mut conn = self.conn.clone();
        let mut cmd = redis::cmd("XREADGROUP");
        cmd.arg("GROUP")
            .arg(&self.config.group)
            .arg(&self.config.consumer)
            .arg("COUNT")
            .arg(self.config.batch);
        if from == ">" {
            cmd.arg("BLOCK")
                .arg(u64::try_from(self.config.block.as_millis()).unwrap_or(u64::MAX));
        }
        cmd.arg("STREAMS").arg(&self.config.stream).arg(from);
        let reply: Option<StreamReadReply> = cmd
            .query_async(&mut conn)
            .await
            .map_err(|e| worker_error(&e))?;
        let mut done = 0;
        for key in reply.map(|r| r.keys).unwrap_or_default() {
            for entry in &key.ids {
                if self.handle(entry).await? {
                    done += 1;
                }
            }
        }
        Ok(done)
    }

    /// Processes one stream entry and acknowledges it when it is finished with;
    /// `false` when it was left pending.
    async fn handle(&self, stream_entry: &StreamId) -> Result<bool, WorkerError> {
        let fields = stream_entry
            .map
            .iter()
            .filter_map(|(name, value)| match value {
                Value::BulkString(b) => Some((name.as_str(), Bytes::copy_from_slice(b))),
                Value::SimpleString(s) => {
                    Some((name.as_str(), Bytes::copy_from_slice(s.as_bytes())))
                }
                _ => None,
            });
        let outcome = match ForwardEntry::from_fields(fields) {
            Ok(entry) => self.handlers.process(&entry).await,
            Err(e) => Outcome::Dead {
                error: e.to_string(),
                attempts: 0,
            },
        };
        if let Outcome::Dead { error, attempts } = &outcome {
            tracing::error!(
                stream_id = %Capped(&stream_entry.id),
                attempts,
                error = %Capped(error),
                "entry moved to the dead-letter stream"
            );
            self.dead_letter(stream_entry, error, *attempts).await?;
        }
        if !outcome.is_final() {
            return Ok(false);
        }
        let mut conn = self.conn.clone();
        redis::cmd("XACK")
            .arg(&self.config.stream)
            .arg(&self.config.group)
            .arg(&stream_entry.id)
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| worker_error(&e))?;
        Ok(true)
    }

    async fn dead_letter(
        &self,
        stream_entry: &StreamId,
        error: &str,
        attempts: u32,
    ) -> Result<(), WorkerError> {
        let mut cmd = redis::cmd("XADD");
        cmd.arg(dead_letter_stream(&self.config.stream)).arg("*");
        for (name, value) in &stream_entry.map {
            let value: &[u8] = match value {
                Value::BulkString(b) => b,
                Value::SimpleString(s) => s.as_bytes(),
                _ => continue,
            };
            if name != "error" && name != "attempts" {
                cmd.arg(name).arg(value);
            }
        }
        cmd.arg("error").arg(error).arg("attempts").arg(attempts);
        let mut conn = self.conn.clone();
        cmd.query_async::<String>(&mut conn)
            .await
            .map(drop)
            .map_err(|e| worker_error(&e))
    }
}
