//! Command-line interface: every subcommand and flag.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// imhook: receive, send, decode and sign IM provider callbacks (Tencent Cloud IM,
/// Agora Chat / Shengwang / Easemob).
#[derive(Debug, Parser)]
#[command(name = "imhook", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a receiver that records every handled event as one JSON line.
    ///
    /// Routes: POST /tencent, POST /agora (post-send), POST /agora/pre-send and
    /// GET /healthz. Every handled event (known or unknown, post-send and pre-send)
    /// is written and flushed to the events sink before the reply is sent (unless the
    /// sink stalls or fails: see --events); rejected requests and duplicates write
    /// nothing. Before/pre-send callbacks are allowed. With --forward, Tencent After
    /// and Agora post-send callbacks are stored in Redis Streams or NATS JetStream for
    /// `imhook worker` instead of being recorded here (see --forward).
    ///
    /// Without credentials, development ones are generated and a ready-to-paste
    /// `imhook send` command is printed on stderr.
    ///
    /// A client has --header-timeout seconds (10 by default) to send a request head,
    /// then 10 s to send the request body (a tokio timeout around body collection in
    /// every framework), answered 408 when it is slower. HTTP/1.1 is spoken (and
    /// HTTP/2 with --http2). SIGINT/SIGTERM stop accepting, let in-flight requests
    /// finish (up to 10 s) and flush the sink (waiting up to 5 s more for a stalled
    /// one). Logs go to stderr (RUST_LOG, default info): one line per request.
    Serve(ServeArgs),
    /// Send a signed callback (a built-in sample, or your file) and check the reply.
    ///
    /// Exits non-zero unless the reply is what the provider accepts (Tencent: 200
    /// with ActionStatus OK; Agora post-send: 200; pre-send: 200 with a boolean
    /// `valid`).
    Send(SendArgs),
    /// Decode a callback body and print its event record line.
    Decode {
        /// The provider.
        #[command(subcommand)]
        provider: DecodeProvider,
    },
    /// Consume forwarded callbacks (Redis Streams or NATS JetStream) and print one
    /// event record per handled event, with its event id as `id`.
    ///
    /// Workers of one --group share the entries; an entry left unacknowledged by a
    /// worker that died is handled by another after --redeliver-after seconds. Each
    /// event id is claimed before its record is written, so copies are dropped; an
    /// entry whose record cannot be written --max-attempts times goes to the
    /// dead-letter stream `<stream>:dead`.
    Worker(crate::worker::WorkerArgs),
    /// Re-post stored callbacks to a receiver, re-signed (Tencent: fresh RequestTime
    /// and Sign with --token; Agora: fresh callId, timestamp and security with
    /// --secret, unless --keep-call-id).
    Replay(crate::replay::ReplayArgs),
    /// Compute signatures.
    Sign {
        /// The provider.
        #[command(subcommand)]
        provider: SignProvider,
    },
}

/// Web framework used by `imhook serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Framework {
    /// axum (tokio, hyper 1).
    Axum,
    /// actix-web.
    Actix,
    /// warp.
    Warp,
}

impl Framework {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Axum => "axum",
            Self::Actix => "actix",
            Self::Warp => "warp",
        }
    }
}

/// Flags of `imhook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real address is printed).
    #[arg(long, env = "IMHOOK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Web framework serving the routes (all behave identically).
    #[arg(long, env = "IMHOOK_FRAMEWORK", value_enum, default_value_t = Framework::Axum)]
    pub framework: Framework,
    /// Runtime worker threads [default: the number of cores].
    #[arg(long, env = "IMHOOK_WORKERS", value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: Option<u16>,
    /// Tencent application SdkAppid.
    #[arg(long, env = "IMHOOK_TENCENT_SDKAPPID")]
    pub tencent_sdkappid: Option<u64>,
    /// Tencent callback token (repeatable, for rotation); with one, `Sign` is required.
    #[arg(long, env = "IMHOOK_TENCENT_TOKEN", hide_env_values = true)]
    pub tencent_token: Vec<String>,
    /// Agora callback secret (repeatable: each console rule has its own).
    #[arg(long, env = "IMHOOK_AGORA_SECRET", hide_env_values = true)]
    pub agora_secret: Vec<String>,
    /// Largest accepted request body, in bytes (answered 413 above it).
    #[arg(long, env = "IMHOOK_MAX_BODY", default_value_t = imhook_core::DEFAULT_BODY_LIMIT)]
    pub max_body: usize,
    /// Where event records go: a file path (appended), `-` for stdout, or `none`.
    ///
    /// A writer thread writes and flushes each record before the reply is sent. When
    /// the sink stalls or fails (a reader that stopped reading, a full disk), the
    /// callback is answered by the failure policy once its handler deadline has passed
    /// (Tencent 1.5 s, Agora post-send 5 s, pre-send 150 ms): acknowledged for Tencent
    /// After and Agora post-send callbacks, so the provider does not send the event
    /// again, allowed for Before and pre-send ones. The failure is logged with a
    /// running count (failed_records) and every other request keeps being answered.
    /// Up to 16 MiB of records wait in memory and are written if the sink recovers; a
    /// record that finds no room by its deadline is lost.
    #[arg(long, env = "IMHOOK_EVENTS", default_value = "-")]
    pub events: String,
    /// Redis URL to share de-duplication state between instances.
    #[arg(long, env = "IMHOOK_REDIS", hide_env_values = true)]
    pub redis: Option<String>,
    /// Bound of the in-memory de-duplication store, in keys.
    ///
    /// Each key takes about 170 bytes (about 17 MB at the default bound). A key is
    /// forgotten after this many newer callbacks, or after its 4-day TTL: at R
    /// callbacks per second a key lasts capacity / R seconds (the default, at 100
    /// callbacks/s: about 17 minutes), and a provider's retry arriving later is handled
    /// again. Not with --redis or --forward redis://… (Redis keeps every key for its
    /// TTL).
    #[arg(
        long,
        env = "IMHOOK_DEDUPE_CAPACITY",
        value_name = "KEYS",
        default_value_t = imhook_core::DEFAULT_MEMORY_CAPACITY,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..),
        conflicts_with = "redis"
    )]
    pub dedupe_capacity: usize,
    /// De-duplicate Tencent After callbacks, in the same store as Agora's.
    ///
    /// A body identical to one already handled (same SdkAppid, command and body
    /// bytes) is acknowledged without reaching the events sink again, for as long as
    /// its key lasts (4 days in Redis; see --dedupe-capacity for memory). Tencent
    /// callbacks carry no delivery id: two separate events with byte-identical bodies
    /// are merged. Before callbacks are never de-duplicated.
    #[arg(
        long,
        env = "IMHOOK_TENCENT_DEDUPE",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub tencent_dedupe: bool,
    /// Seconds a client has to send a request head (request line and headers).
    ///
    /// A connection whose request head has not fully arrived this long after it was
    /// opened, or after the previous reply on a kept-alive connection, is closed, so
    /// slow or idle clients cannot hold every connection. With --http2 it also bounds
    /// the HTTP/2 connection preface.
    #[arg(
        long,
        env = "IMHOOK_HEADER_TIMEOUT",
        value_name = "SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub header_timeout: u64,
    /// Also serve HTTP/2 over cleartext (prior knowledge, h2c) next to HTTP/1.1.
    ///
    /// axum and warp only; without it, HTTP/1.1 is the only protocol spoken.
    #[arg(
        long,
        env = "IMHOOK_HTTP2",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub http2: bool,
    /// Serve metrics in the Prometheus text format at http://ADDR/metrics, on a listener
    /// of its own (never on the callback port). Port 0 picks a free port; the real
    /// address is printed. Off by default (metrics are then not recorded at all).
    ///
    /// Counters: imhook_callbacks_total{provider,route,kind,known,outcome},
    /// imhook_rejected_total{provider,reason}, imhook_dedupe_total{provider,result},
    /// imhook_store_errors_total{provider}; histograms imhook_handler_seconds and
    /// imhook_request_seconds{provider,route} (buckets 0.5 ms to 2.5 s).
    #[arg(long, env = "IMHOOK_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Accept unsigned Agora post-send events (delivered as unauthenticated).
    #[arg(
        long,
        env = "IMHOOK_ALLOW_UNSIGNED",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub allow_unsigned: bool,
    /// Forward mode: acknowledge each After / post-send callback only once
    /// redis://HOST:PORT[/DB] (Redis Streams) or nats://HOST:PORT (NATS JetStream) has
    /// stored it (or, while the engine is down, the local --spool); `imhook worker`
    /// handles it.
    ///
    /// Workers get each entry at least once and handle each event id once. Before and
    /// pre-send callbacks are still decided here (allowed, recorded in --events), then
    /// stored as audit records. The one exception to always answering 2xx: a callback
    /// that neither the engine nor the spool can take is answered 503, so that the
    /// provider retries (Agora post-send once; Tencent where the console enables
    /// retries). With redis://, that Redis also holds the de-duplication claims unless
    /// --redis names another. GET /readyz follows the de-duplication store only: an
    /// engine outage is covered by the spool and does not make the receiver unready.
    #[arg(
        long,
        env = "IMHOOK_FORWARD",
        value_name = "URL",
        hide_env_values = true
    )]
    pub forward: Option<String>,
    /// The stream (JetStream: stream and subject) --forward writes to.
    #[arg(
        long,
        env = "IMHOOK_STREAM",
        value_name = "NAME",
        default_value = "imhook"
    )]
    pub stream: String,
    /// Directory of the local spool that keeps callbacks (fsync'd) while the --forward
    /// engine is down; they are sent on in arrival order when it is back (entries left
    /// by an earlier run, at start-up). One process per directory.
    #[arg(
        long,
        env = "IMHOOK_SPOOL",
        value_name = "DIR",
        default_value = "imhook-spool",
        requires = "forward"
    )]
    pub spool: PathBuf,
    /// Bound of the spool, in bytes; a callback that finds neither the engine nor room
    /// in the spool is answered 503.
    #[arg(
        long,
        env = "IMHOOK_SPOOL_MAX_BYTES",
        value_name = "BYTES",
        default_value_t = imhook_queue::spool::DEFAULT_MAX_BYTES,
        value_parser = clap::value_parser!(u64).range(1..),
        requires = "forward"
    )]
    pub spool_max_bytes: u64,
    /// Redis only: cap the stream at about N entries (XADD MAXLEN ~ N). Off by default.
    /// Risk: trimming drops the oldest entries whether or not a worker has read them,
    /// so a backlog larger than N (workers stopped or slow) loses callbacks.
    #[arg(
        long,
        env = "IMHOOK_MAX_LEN",
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..),
        requires = "forward"
    )]
    pub max_len: Option<usize>,
}

/// Flags of `imhook send`.
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct SendArgs {
    /// Receiver URL, e.g. http://127.0.0.1:8080/tencent or http://127.0.0.1:8080/agora.
    #[arg(long, env = "IMHOOK_URL", global = true)]
    pub url: Option<String>,
    /// List every kind with a built-in sample and exit.
    #[arg(long)]
    pub list: bool,
    /// The provider and kind to send.
    #[command(subcommand)]
    pub provider: Option<SendProvider>,
}

/// Provider of `imhook send`.
#[derive(Debug, Subcommand)]
pub enum SendProvider {
    /// A Tencent Cloud IM callback.
    Tencent {
        /// The CallbackCommand, e.g. Group.CallbackAfterCreateGroup.
        command: String,
        /// SdkAppid of the receiving application.
        #[arg(long, env = "IMHOOK_TENCENT_SDKAPPID", default_value_t = 1_400_000_001)]
        sdkappid: u64,
        /// Callback token; adds `Sign` and `RequestTime` (now).
        #[arg(long, env = "IMHOOK_TENCENT_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Send this JSON file (or `-` for stdin) instead of the built-in sample.
        #[arg(long)]
        body: Option<PathBuf>,
    },
    /// An Agora Chat / Shengwang / Easemob callback.
    Agora {
        /// The kind id, e.g. message/chat, group_op_event/CREATE or pre_send.
        kind: String,
        /// Secret to sign with (sets callId, timestamp and security in the body).
        #[arg(long, env = "IMHOOK_AGORA_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// Treat it as a pre-send request (implied by kind `pre_send`): the reply must
        /// carry a boolean `valid`.
        #[arg(long)]
        pre_send: bool,
        /// Send this JSON file (or `-` for stdin) instead of the built-in sample.
        #[arg(long)]
        body: Option<PathBuf>,
        /// Keep the body's callId instead of a fresh one (to test de-duplication).
        #[arg(long)]
        keep_call_id: bool,
    },
}

/// Provider of `imhook decode`.
#[derive(Debug, Subcommand)]
pub enum DecodeProvider {
    /// Decode a Tencent callback body.
    Tencent {
        /// The CallbackCommand [default: the body's CallbackCommand].
        #[arg(long)]
        command: Option<String>,
        /// The JSON body file, or `-` for stdin.
        file: PathBuf,
    },
    /// Decode an Agora callback body.
    Agora {
        /// Decode as a pre-send request.
        #[arg(long)]
        pre_send: bool,
        /// The JSON body file, or `-` for stdin.
        file: PathBuf,
    },
}

/// Provider of `imhook sign`.
#[derive(Debug, Subcommand)]
pub enum SignProvider {
    /// Print the `Sign=...&RequestTime=...` query fragment.
    Tencent {
        /// The callback token.
        #[arg(long, env = "IMHOOK_TENCENT_TOKEN", hide_env_values = true)]
        token: String,
        /// RequestTime in seconds [default: now].
        #[arg(long)]
        time: Option<String>,
    },
    /// Print the body with `security` recomputed from its callId and timestamp.
    Agora {
        /// The callback secret.
        #[arg(long, env = "IMHOOK_AGORA_SECRET", hide_env_values = true)]
        secret: String,
        /// The JSON body file, or `-` for stdin.
        file: PathBuf,
    },
}
