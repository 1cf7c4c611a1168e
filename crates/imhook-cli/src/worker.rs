//! `imhook worker`: consume forwarded callbacks from Redis Streams or NATS JetStream
//! and print one event record per handled event.

use crate::Error;
use async_trait::async_trait;
use clap::Args;
use imhook_core::RedisStore;
use imhook_core::agora::{self, events::PreSendEvent};
use imhook_core::forward::ForwardEntry;
use imhook_core::tencent::{self, TencentEvent};
use imhook_core::{BoxError, EventRecord, IdempotencyStore, MemoryStore};
use imhook_queue::worker::Audit;
use imhook_queue::{
    Handlers, JetStreamWorker, JetStreamWorkerConfig, RedisWorker, RedisWorkerConfig,
    current_event_id,
};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Flags of `imhook worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The engine: redis://HOST:PORT[/DB] (Redis Streams) or nats://HOST:PORT (NATS
    /// JetStream).
    #[arg(long, env = "IMHOOK_FROM", hide_env_values = true)]
    pub from: String,
    /// The stream (JetStream: stream and subject) to read.
    #[arg(long, env = "IMHOOK_STREAM", default_value = "imhook")]
    pub stream: String,
    /// The consumer group (JetStream: the durable consumer); workers of one group
    /// share the entries, each entry is handled by one of them.
    #[arg(long, env = "IMHOOK_GROUP")]
    pub group: String,
    /// This worker's name in a Redis group [default: imhook-<pid>]. Reuse a name after
    /// a restart to resume that worker's pending entries at once.
    #[arg(long, env = "IMHOOK_CONSUMER")]
    pub consumer: Option<String>,
    /// Where event records go: a file path (appended), `-` for stdout, or `none`.
    #[arg(long, env = "IMHOOK_EVENTS", default_value = "-")]
    pub events: String,
    /// Redis URL of the store that claims event ids, shared by every worker of the
    /// group [default: the --from URL for Redis; an in-process store for NATS, which
    /// de-duplicates within this worker only].
    #[arg(long, env = "IMHOOK_REDIS", hide_env_values = true)]
    pub redis: Option<String>,
    /// Attempts per entry before it goes to the dead-letter stream `<stream>:dead`.
    #[arg(long, env = "IMHOOK_MAX_ATTEMPTS", default_value_t = imhook_queue::worker::DEFAULT_MAX_ATTEMPTS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
    /// Seconds after which an entry delivered to a worker that did not acknowledge it
    /// (it died) is handed to another (Redis: XAUTOCLAIM min-idle; JetStream: AckWait).
    #[arg(long, env = "IMHOOK_REDELIVER_AFTER", value_name = "SECS", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub redeliver_after: u64,
    /// Seconds one attempt at writing an entry's record may take. A worker that died
    /// while writing holds the event id for --max-attempts times this (plus a few
    /// seconds) before another worker may handle it.
    #[arg(long, env = "IMHOOK_HANDLER_TIMEOUT", value_name = "SECS", default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Where records go.
enum Output {
    Stdout,
    File(std::fs::File),
    Discard,
}

/// Writes one record line per handled event, with the event id as `id`.
struct Printer(Mutex<Output>);

impl Printer {
    fn open(spec: &str) -> Result<Self, Error> {
        let output = match spec {
            "-" => Output::Stdout,
            "none" => Output::Discard,
            path => Output::File(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| Error::msg(format!("cannot open --events {path:?}: {e}")))?,
            ),
        };
        Ok(Self(Mutex::new(output)))
    }

    /// Writes and flushes `record` (an error makes the handler fail, so the entry is
    /// retried).
    fn print(&self, record: &EventRecord) -> Result<(), BoxError> {
        let line = line_with_id(&current_event_id().unwrap_or_default(), record);
        let mut output = match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        match &mut *output {
            Output::Stdout => {
                crate::println_checked(&line).map_err(|e| BoxError::from(format!("{e:?}")))?
            }
            Output::File(file) => {
                file.write_all(line.as_bytes())?;
                file.write_all(b"\n")?;
                file.flush()?;
            }
            Output::Discard => {}
        }
        Ok(())
    }
}

/// `{"id":…,"provider":…,"kind":…,"known":…,"event":…}`.
fn line_with_id(id: &str, record: &EventRecord) -> String {
    let line = record.to_line();
    let rest = line.strip_prefix('{').unwrap_or(&line);
    let id = serde_json::to_string(id).unwrap_or_default();
    if rest == "}" {
        format!("{{\"id\":{id}}}")
    } else {
        format!("{{\"id\":{id},{rest}")
    }
}

#[async_trait]
impl tencent::CallbackHandler for Printer {
    async fn handle(
        &self,
        _ctx: &tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<tencent::Answer, BoxError> {
        self.print(&event.record())?;
        Ok(tencent::Answer::default_for(&event))
    }
}

#[async_trait]
impl agora::CallbackHandler for Printer {
    async fn handle(
        &self,
        ctx: &agora::AgoraContext,
        event: agora::AgoraEvent,
    ) -> Result<(), BoxError> {
        self.print(&event.record_from(ctx.raw_json()))
    }
}

/// Before / pre-send audit records are printed like the events `serve` answered.
#[async_trait]
impl Audit for Printer {
    async fn audit(&self, entry: &ForwardEntry) -> Result<(), BoxError> {
        let body = std::str::from_utf8(&entry.body).map_err(|_| "body is not UTF-8")?;
        let record = match entry.provider.as_str() {
            "tencent" => TencentEvent::decode(&entry.kind, body)?.record(),
            _ => match PreSendEvent::decode(body) {
                Ok(event) => event.record(),
                Err(_) => EventRecord::raw("agora", entry.kind.clone(), body),
            },
        };
        self.print(&record)
    }
}

/// Runs `imhook worker` until SIGINT / SIGTERM.
pub fn run(args: &WorkerArgs) -> Result<(), Error> {
    crate::init_tracing();
    let printer = Arc::new(Printer::open(&args.events)?);
    let consumer = args
        .consumer
        .clone()
        .unwrap_or_else(|| format!("imhook-{}", std::process::id()));
    let redeliver = Duration::from_secs(args.redeliver_after);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::msg(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let is_redis = args.from.starts_with("redis://") || args.from.starts_with("rediss://");
        let is_nats = args.from.starts_with("nats://");
        if !is_redis && !is_nats {
            return Err(Error::usage(
                "--from must be a redis://… or nats://… URL",
            ));
        }
        let store: Arc<dyn IdempotencyStore> = match (&args.redis, is_redis) {
            (Some(url), _) => Arc::new(redis_store(url).await?),
            (None, true) => Arc::new(redis_store(&args.from).await?),
            (None, false) => Arc::new(MemoryStore::default()),
        };
        let handlers = Handlers::new(store)
            .namespace(format!("{}:{}", args.stream, args.group))
            .tencent(printer.clone())
            .agora(printer.clone())
            .audit(printer.clone())
            .max_attempts(args.max_attempts)
            .timeout(Duration::from_secs(args.timeout));
        let work = async {
            if is_redis {
                let config = RedisWorkerConfig::new(&args.group, &consumer)
                    .stream(&args.stream)
                    .min_idle(redeliver);
                let worker = RedisWorker::connect(&args.from, config, handlers)
                    .await
                    .map_err(|e| Error::msg(e.to_string()))?;
                tracing::info!(stream = %args.stream, group = %args.group, consumer = %consumer, "worker started (Redis Streams)");
                worker.run().await;
            } else {
                let config = JetStreamWorkerConfig::new(&args.group)
                    .stream(&args.stream)
                    .ack_wait(redeliver);
                let worker = JetStreamWorker::connect(&args.from, config, handlers)
                    .await
                    .map_err(|e| Error::msg(e.to_string()))?;
                tracing::info!(stream = %args.stream, group = %args.group, "worker started (NATS JetStream)");
                worker.run().await;
            }
            Ok(())
        };
        tokio::select! {
            result = work => result,
            () = crate::stop_requested() => {
                tracing::info!("stopping: entries not yet acknowledged are redelivered");
                Ok(())
            }
        }
    })
}

async fn redis_store(url: &str) -> Result<RedisStore, Error> {
    RedisStore::connect(url)
        .await
        .map_err(|e| Error::msg(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_comes_first() {
        let record = EventRecord::raw("agora", "x", r#"{"a":1}"#);
        assert_eq!(
            line_with_id("ab\"c", &record),
            r#"{"id":"ab\"c","provider":"agora","kind":"x","known":false,"event":{"a":1}}"#
        );
    }
}
