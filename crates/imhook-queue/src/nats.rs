//! NATS JetStream: [`JetStream`] publishes one message per callback and waits for the
//! server's `PubAck`; [`JetStreamWorker`] consumes them with a durable pull consumer.
//!
//! # Layout
//!
//! - One stream, named like its subject (default `imhook`), file storage, created if
//!   missing with the subjects `<stream>` (callbacks) and `<stream>:dead` (the
//!   dead-letter subject: `:` is legal in NATS subjects and stream names, `.` would
//!   make it a sub-token). Works with nats-server 2.9 and later.
//! - A message carries the entry's fields (names as in
//!   [`FIELDS`], except `body`) as headers, and the raw
//!   body as its payload. Header values are percent-encoded where they hold a byte
//!   outside printable ASCII (or `%`), since a header cannot carry line breaks.
//! - `Nats-Msg-Id` is the event id: within the stream's duplicate window (2 minutes
//!   by default) the server stores a provider's retry forwarded by two receivers
//!   once; later copies reach the workers, which drop them by the same id.
//! - A dead message is published to `<stream>:dead` with the extra headers `error`
//!   and `attempts` (and no `Nats-Msg-Id`, so the duplicate window does not swallow it).
//!
//! # When the server is down
//!
//! A publish that gets no `PubAck` within the timeout fails with
//! [`ForwardError::Unavailable`] (put a [`Spool`](crate::Spool) in front to keep such
//! entries). The client may still deliver the message once it has reconnected; the
//! spool then sends it again under the same `Nats-Msg-Id`, and the copy is dropped by
//! the server's duplicate window or by the workers.

use crate::worker::{Capped, Handlers, Outcome};
use async_nats::HeaderMap;
use async_nats::jetstream::{self, AckKind, consumer::pull, stream};
use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use imhook_core::forward::{FIELDS, Forward, ForwardEntry, ForwardError};
use std::time::Duration;

/// Default stream (and subject) name: `imhook`.
pub const DEFAULT_STREAM: &str = "imhook";

/// Default bound of one publish, `PubAck` included: 2 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The dead-letter subject of `stream`: `<stream>:dead`.
pub fn dead_letter_subject(stream: &str) -> String {
    format!("{stream}:dead")
}

/// The error text of a NATS failure: its kind only, never the URL.
fn unavailable(what: &str, e: impl std::fmt::Display) -> ForwardError {
    let text = e.to_string();
    ForwardError::Unavailable(format!("nats {what}: {}", Capped(&text)))
}

async fn connect_client(url: &str, timeout: Duration) -> Result<async_nats::Client, String> {
    async_nats::ConnectOptions::new()
        .connection_timeout(timeout)
        .retry_on_initial_connect()
        .connect(url)
        .await
        .map_err(|e| format!("connect: {}", e.kind()))
}

/// Creates `name` (subjects `name` and `name:dead`) unless it exists.
async fn ensure_stream(js: &jetstream::Context, name: &str) -> Result<stream::Stream, String> {
    js.get_or_create_stream(stream::Config {
        name: name.to_owned(),
        subjects: vec![name.to_owned(), dead_letter_subject(name)],
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(|e| format!("stream: {}", e.kind()))
}

/// Forwards entries to a JetStream stream; `Ok` once the server's `PubAck` came.
#[derive(Clone)]
pub struct JetStream {
    js: jetstream::Context,
    stream: String,
    timeout: Duration,
}

impl std::fmt::Debug for JetStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStream")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

impl JetStream {
    /// Connects to `url` (`nats://host:port`) and creates the stream if it is missing.
    /// The client reconnects by itself after an outage.
    pub async fn connect(url: &str, stream: impl Into<String>) -> Result<Self, ForwardError> {
        let stream = stream.into();
        let client = connect_client(url, DEFAULT_TIMEOUT)
            .await
            .map_err(ForwardError::Unavailable)?;
        let mut js = jetstream::new(client);
        js.set_timeout(DEFAULT_TIMEOUT);
        tokio::time::timeout(DEFAULT_TIMEOUT, ensure_stream(&js, &stream))
            .await
            .map_err(|_| ForwardError::Unavailable("nats stream: timed out".to_owned()))?
            .map_err(ForwardError::Unavailable)?;
        Ok(Self {
            js,
            stream,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Bound of one publish, `PubAck` included (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.js.set_timeout(timeout);
        self
    }

    /// The stream (and subject) written to.
    pub fn stream(&self) -> &str {
        &self.stream
    }
}

/// The headers of `entry`: every field but the body, plus `Nats-Msg-Id`.
fn headers(entry: &ForwardEntry) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in entry.to_fields() {
        if name != "body" {
            headers.insert(name, escape(&value).as_str());
        }
    }
    headers.insert(async_nats::header::NATS_MESSAGE_ID, entry.id.as_str());
    headers
}

#[async_trait]
impl Forward for JetStream {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        let publish = async {
            let ack = self
                .js
                .publish_with_headers(self.stream.clone(), headers(entry), entry.body.clone())
                .await
                .map_err(|e| unavailable("publish", e.kind()))?;
            ack.await.map_err(|e| unavailable("ack", e.kind()))
        };
        match tokio::time::timeout(self.timeout, publish).await {
            Ok(Ok(_ack)) => Ok(()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ForwardError::Unavailable(
                "nats publish: timed out".to_owned(),
            )),
        }
    }
}

/// `%XX` for `%` and every byte outside printable ASCII.
fn escape(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value {
        if (0x20..0x7f).contains(&b) && b != b'%' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bytes of an [`escape`]d value.
fn unescape(value: &str) -> Option<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

/// The entry a stored message carries (headers and payload as [`JetStream`] wrote
/// them); the error says what is missing or malformed.
pub fn entry_of(message: &async_nats::Message) -> Result<ForwardEntry, String> {
    let headers = message.headers.as_ref().ok_or("message has no headers")?;
    let mut fields = Vec::with_capacity(FIELDS.len());
    for name in FIELDS {
        if name == "body" {
            fields.push((name, message.payload.clone()));
        } else if let Some(value) = headers.get(name) {
            let value = unescape(value.as_str()).ok_or("badly escaped header")?;
            fields.push((name, Bytes::from(value)));
        }
    }
    ForwardEntry::from_fields(fields).map_err(|e| e.to_string())
}

/// Options of a [`JetStreamWorker`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JetStreamWorkerConfig {
    /// The stream (default [`DEFAULT_STREAM`]).
    pub stream: String,
    /// The durable consumer's name: every worker of a group uses the same one, and
    /// the server hands each message to one of them.
    pub group: String,
    /// Messages fetched per round (default 16).
    pub batch: usize,
    /// How long one fetch waits for messages (default 1 s).
    pub expires: Duration,
    /// `AckWait`: a message not acknowledged this long after delivery (its worker died)
    /// is delivered again (default 60 s). Choose more than the longest handling of one
    /// batch, attempts and backoff included.
    pub ack_wait: Duration,
    /// `MaxDeliver`: deliveries of one message before the server stops redelivering it
    /// (default 20; the worker itself dead-letters an entry after its handler's
    /// `max_attempts`, so this only bounds redeliveries after worker crashes).
    pub max_deliver: i64,
}

impl JetStreamWorkerConfig {
    /// Defaults for the durable consumer `group` on the default stream.
    pub fn new(group: impl Into<String>) -> Self {
        Self {
            stream: DEFAULT_STREAM.to_owned(),
            group: group.into(),
            batch: 16,
            expires: Duration::from_secs(1),
            ack_wait: Duration::from_secs(60),
            max_deliver: 20,
        }
    }

    /// The stream read.
    pub fn stream(mut self, stream: impl Into<String>) -> Self {
        self.stream = stream.into();
        self
    }

    /// See [`JetStreamWorkerConfig::ack_wait`].
    pub fn ack_wait(mut self, ack_wait: Duration) -> Self {
        self.ack_wait = ack_wait;
        self
    }

    /// See [`JetStreamWorkerConfig::batch`].
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// See [`JetStreamWorkerConfig::expires`].
    pub fn expires(mut self, expires: Duration) -> Self {
        self.expires = expires;
        self
    }

    /// See [`JetStreamWorkerConfig::max_deliver`].
    pub fn max_deliver(mut self, max_deliver: i64) -> Self {
        self.max_deliver = max_deliver;
        self
    }
}

/// Why a worker round failed (NATS unreachable or refusing).
#[derive(Debug, thiserror::Error)]
#[error("nats worker: {0}")]
pub struct WorkerError(String);

/// A durable pull-consumer worker: fetches messages, hands each to
/// [`Handlers::process`] and acknowledges it (waiting for the server's confirmation)
/// once finished with, after publishing a dead one to `<stream>:dead`. A message
/// whose event id another worker is handling is negatively acknowledged with a delay
/// of `AckWait`, so it comes back once that one is done (and is then dropped).
#[derive(Debug)]
pub struct JetStreamWorker {
    js: jetstream::Context,
    consumer: jetstream::consumer::Consumer<pull::Config>,
    config: JetStreamWorkerConfig,
    handlers: Handlers,
}

impl JetStreamWorker {
    /// A worker on `url`; creates the stream and the durable consumer if missing.
    pub async fn connect(
        url: &str,
        config: JetStreamWorkerConfig,
        handlers: Handlers,
    ) -> Result<Self, WorkerError> {
        let client = connect_client(url, DEFAULT_TIMEOUT)
            .await
            .map_err(WorkerError)?;
        let js = jetstream::new(client);
        let stream = ensure_stream(&js, &config.stream)
            .await
            .map_err(WorkerError)?;
        let consumer = stream
            .get_or_create_consumer(
                &config.group,
                pull::Config {
                    durable_name: Some(config.group.clone()),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: config.ack_wait,
                    max_deliver: config.max_deliver,
                    filter_subject: config.stream.clone(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| WorkerError(format!("consumer: {}", e.kind())))?;
        Ok(Self {
            js,
            consumer,
            config,
            handlers,
        })
    }

    /// Consumes until the future is dropped; an outage is logged and retried.
    pub async fn run(&self) {
        let mut wait = Duration::from_millis(100);
        loop {
            match self.round().await {
                Ok(_) => wait = Duration::from_millis(100),
                Err(e) => {
                    tracing::warn!(error = %e, "nats worker round failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// One round: fetches up to `batch` messages (waiting up to `expires`) and
    /// processes them; returns how many were acknowledged.
    pub async fn round(&self) -> Result<usize, WorkerError> {
        let mut batch = self
            .consumer
            .fetch()
            .max_messages(self.config.batch)
            .expires(self.config.expires)
            .messages()
            .await
            .map_err(|e| WorkerError(format!("fetch: {}", e.kind())))?;
        let mut done = 0;
        while let Some(message) = batch.next().await {
            let message = message.map_err(|e| WorkerError(format!("fetch: {e}")))?;
            if self.handle(&message).await? {
                done += 1;
            }
        }
        Ok(done)
    }

    async fn handle(&self, message: &jetstream::Message) -> Result<bool, WorkerError> {
        let outcome = match entry_of(&message.message) {
            Ok(entry) => self.handlers.process(&entry).await,
            Err(error) => Outcome::Dead { error, attempts: 0 },
        };
        if let Outcome::Dead { error, attempts } = &outcome {
            tracing::error!(attempts, error = %Capped(error), "message moved to the dead-letter subject");
            self.dead_letter(message, error, *attempts).await?;
        }
        if !outcome.is_final() {
            // Back after AckWait, as if this worker had died: a negative acknowledgement
            // counts as a delivery, and MaxDeliver must outlast the other worker's claim.
            message
                .ack_with(AckKind::Nak(Some(self.config.ack_wait)))
                .await
                .map_err(|e| WorkerError(format!("nak: {e}")))?;
            return Ok(false);
        }
        message
            .double_ack()
            .await
            .map_err(|e| WorkerError(format!("ack: {e}")))?;
        Ok(true)
    }

    async fn dead_letter(
        &self,
        message: &jetstream::Message,
        error: &str,
        attempts: u32,
    ) -> Result<(), WorkerError> {
        let mut headers = HeaderMap::new();
        if let Some(original) = &message.message.headers {
            for name in FIELDS {
                if let Some(value) = original.get(name) {
                    headers.insert(name, value.as_str());
                }
            }
        }
        headers.insert("error", escape(error.as_bytes()).as_str());
        headers.insert("attempts", attempts.to_string().as_str());
        let ack = self
            .js
            .publish_with_headers(
                dead_letter_subject(&self.config.stream),
                headers,
                message.message.payload.clone(),
            )
            .await
            .map_err(|e| WorkerError(format!("dead letter: {}", e.kind())))?;
        ack.await
            .map(drop)
            .map_err(|e| WorkerError(format!("dead letter: {}", e.kind())))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn header_values_round_trip() {
        for value in [
            &b""[..],
            b"plain",
            b"100%",
            b"{\"a\":\"\xe4\xbd\xa0\\n\"}\r\n",
            b"\x00\x7f",
        ] {
            let escaped = escape(value);
            assert!(escaped.bytes().all(|b| (0x20..0x7f).contains(&b)));
            assert_eq!(unescape(&escaped).unwrap(), value);
        }
        assert_eq!(unescape("%4"), None);
        assert_eq!(unescape("%zz"), None);
    }
}
