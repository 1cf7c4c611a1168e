//! `imhook serve`: a receiver that records every handled event.
//!
//! Each framework module mounts the same core endpoints ([`Routes`]) with its imhook
//! adapter, next to `GET /healthz`. axum and warp are served on connections driven
//! by `conn` (request-head timeout, half-closed requests answered, HTTP/2 only when
//! asked for); actix-web by its own server with the same head timeout. Records go to
//! the events sink through its writer thread (`sink`).

mod actix;
mod axum;
mod conn;
mod forward;
mod metrics;
mod sink;
mod warp;
mod worker_redis;

use crate::Error;
use crate::cli::{Framework, ServeArgs};
use async_trait::async_trait;
use imhook_core::DEFAULT_DEDUPE_TTL;
use imhook_core::agora::{
    self, AgoraConfig, PostSendEndpoint, PreSendDecision, PreSendEndpoint, UnsignedPolicy,
    events::PreSendEvent,
};
use imhook_core::tencent::{self, TencentConfig, TencentEndpoint, TencentEvent};
use imhook_core::{BoxError, Endpoint, IdempotencyStore, MemoryStore, Secret};
use sink::Sink;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How long a client has to send a request body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight requests may take to finish after SIGINT/SIGTERM.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long the events sink may take to drain after the server has stopped.
pub const SINK_CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Answers every callback as a handler that does nothing does (every Before callback
/// and pre-send request allowed): the recorders' answers, for `--events none`. It keeps
/// the core's default dispatch, which holds no event of its own while it runs.
struct Acknowledger;

impl tencent::CallbackHandler for Acknowledger {}
impl agora::CallbackHandler for Acknowledger {}

/// The handlers of the mounted endpoints: recorders writing to `sink`, or, without
/// one, the [`Acknowledger`].
fn handlers(
    sink: Arc<Sink>,
) -> (
    Arc<dyn tencent::CallbackHandler>,
    Arc<dyn agora::CallbackHandler>,
) {
    if sink.is_enabled() {
        (
            Arc::new(TencentRecorder(sink.clone())),
            Arc::new(AgoraRecorder(sink)),
        )
    } else {
        (Arc::new(Acknowledger), Arc::new(Acknowledger))
    }
}

/// Records Tencent events to an enabled sink and allows every Before callback.
struct TencentRecorder(Arc<Sink>);

#[async_trait]
impl tencent::CallbackHandler for TencentRecorder {
    async fn handle(
        &self,
        _ctx: &tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<tencent::Answer, BoxError> {
        self.0.write(&event.record()).await?;
        Ok(tencent::Answer::default_for(&event))
    }
}

/// Records Agora events to an enabled sink and allows every pre-send request.
struct AgoraRecorder(Arc<Sink>);

#[async_trait]
impl agora::CallbackHandler for AgoraRecorder {
    async fn handle(
        &self,
        ctx: &agora::AgoraContext,
        event: agora::AgoraEvent,
    ) -> Result<(), BoxError> {
        self.0.write(&event.record_from(ctx.raw_json())).await?;
        Ok(())
    }

    async fn pre_send(
        &self,
        _ctx: &agora::AgoraContext,
        event: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        self.0.write(&event.record()).await?;
        Ok(PreSendDecision::Allow)
    }
}

/// The mounted endpoints, shared by every worker; each framework module mounts them
/// with its imhook adapter at `/tencent`, `/agora` and `/agora/pre-send`, next to
/// `GET /healthz`.
pub struct Routes {
    /// `POST /tencent`.
    pub tencent: Arc<dyn Endpoint>,
    /// `POST /agora`.
    pub agora: Arc<dyn Endpoint>,
    /// `POST /agora/pre-send`.
    pub pre_send: Arc<dyn Endpoint>,
    /// The de-duplication store the endpoints depend on, for `GET /readyz`.
    pub store: Arc<dyn IdempotencyStore>,
}

impl Routes {
    /// `GET /readyz`: 200 while the de-duplication store answers, 503 otherwise
    /// (`GET /healthz` only says the process is up).
    pub async fn readiness(&self) -> (u16, &'static str) {
        match self.store.check().await {
            Ok(()) => (200, "ready"),
            Err(e) => {
                tracing::warn!(error = %e, "not ready: the de-duplication store does not answer");
                (503, "de-duplication store unreachable")
            }
        }
    }
}

/// The generated credentials, for the ready-to-paste commands.
struct DevCredentials {
    tencent: Option<(u64, Option<String>)>,
    agora: Option<String>,
}

/// Builds the endpoints from the flags (generating development credentials where
/// none are given).
fn build(
    args: &ServeArgs,
    sink: Arc<Sink>,
    engine: Option<forward::Engine>,
    runtime: Option<&tokio::runtime::Runtime>,
) -> Result<(Routes, DevCredentials), Error> {
    // One de-duplication store for both providers: Redis (--redis, else the Redis of
    // --forward redis://…), or a bounded memory store.
    let shared = args.redis.as_deref().or(match engine {
        Some(forward::Engine::Redis) => args.forward.as_deref(),
        _ => None,
    });
    let store: Arc<dyn IdempotencyStore> = match shared {
        Some(url) => redis_store(
            url,
            if args.redis.is_some() {
                "--redis"
            } else {
                "--forward"
            },
            runtime,
        )?,
        None => Arc::new(MemoryStore::new(args.dedupe_capacity)),
    };
    let forward = engine
        .map(|e| forward::start(args, e, runtime))
        .transpose()?;
    let mut dev = DevCredentials {
        tencent: None,
        agora: None,
    };
    let sdk_app_id = match args.tencent_sdkappid {
        Some(id) => id,
        None => {
            let id = 1_400_000_000 + crate::body::random_u64()? % 100_000_000;
            let token = if args.tencent_token.is_empty() {
                Some(crate::body::random_hex(16)?)
            } else {
                None
            };
            dev.tencent = Some((id, token));
            id
        }
    };
    let mut tconfig = TencentConfig::new(sdk_app_id)
        .body_limit(args.max_body)
        .read_timeout(Some(BODY_READ_TIMEOUT));
    if args.tencent_dedupe {
        tconfig = tconfig.dedupe(store.clone(), DEFAULT_DEDUPE_TTL);
    }
    let generated_token = dev.tencent.as_ref().and_then(|(_, t)| t.clone());
    for token in args.tencent_token.iter().chain(generated_token.iter()) {
        tconfig = tconfig.token(crate::sign::secret(token, "--tencent-token")?);
    }
    let mut secrets: Vec<Secret> = args
        .agora_secret
        .iter()
        .map(|s| crate::sign::secret(s, "--agora-secret"))
        .collect::<Result<_, _>>()?;
    if secrets.is_empty() {
        let s = crate::body::random_hex(16)?;
        secrets.push(crate::sign::secret(&s, "secret")?);
        dev.agora = Some(s);
    }
    let mut aconfig = AgoraConfig::new()
        .body_limit(args.max_body)
        .read_timeout(Some(BODY_READ_TIMEOUT))
        .store(store.clone());
    if let Some(forward) = forward {
        tconfig = tconfig.forward(forward.clone());
        aconfig = aconfig.forward(forward);
    }
    for s in secrets {
        aconfig = aconfig.secret(s);
    }
    let post_config = if args.allow_unsigned {
        aconfig.clone().unsigned(UnsignedPolicy::AllowUnsigned)
    } else {
        aconfig.clone()
    };
    let (tencent_handler, agora_handler) = handlers(sink);
    let routes = Routes {
        tencent: Arc::new(TencentEndpoint::new(tconfig, tencent_handler)),
        agora: Arc::new(
            PostSendEndpoint::new(post_config, agora_handler.clone())
                .map_err(|e| Error::msg(e.to_string()))?,
        ),
        pre_send: Arc::new(
            PreSendEndpoint::new(aconfig, agora_handler).map_err(|e| Error::msg(e.to_string()))?,
        ),
        store,
    };
    Ok((routes, dev))
}

/// The de-duplication store of `url` (`--redis`, or the Redis of `--forward`; `flag`
/// names it in errors), failing at start-up when Redis cannot be reached. It
/// reconnects by itself after an outage, during which the default store-failure
/// policy processes callbacks anyway. With `runtime` (axum, warp) its connection is
/// driven by the runtime that serves the requests; without (actix-web), each worker
/// opens a connection of its own ([`worker_redis`]).
fn redis_store(
    url: &str,
    flag: &str,
    runtime: Option<&tokio::runtime::Runtime>,
) -> Result<Arc<dyn IdempotencyStore>, Error> {
    let connect = {
        let url = url.to_owned();
        async move {
            imhook_core::RedisStore::connect(&url)
                .await
                .map_err(|e| e.to_string())
        }
    };
    match runtime {
        Some(runtime) => Ok(Arc::new(connect_on(
            Some(runtime),
            "imhook-redis",
            flag,
            connect,
        )?)),
        None => {
            // Checked now, so that a wrong URL or an unreachable Redis fails at start-up;
            // the workers then connect on first use.
            current_thread_runtime()
                .and_then(|checking| checking.block_on(connect))
                .map_err(|e| Error::msg(format!("{flag}: {e}")))?;
            Ok(Arc::new(worker_redis::PerWorkerRedis::new(url)))
        }
    }
}

/// A current-thread runtime with every driver enabled; the error says it could not start.
fn current_thread_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// Runs `connect` and returns its result; what it connects is driven by the runtime it
/// ran on. With `runtime` (axum and warp: the runtime that serves the requests), a
/// command sent while serving a request is written and answered on the same worker
/// threads, with no hand-off to another thread and back. Without it (actix-web, whose
/// workers each run a runtime of their own), on a current-thread runtime of its own,
/// on a background thread `thread` that lives as long as the process, so that it works
/// whichever worker sends the command. `flag` names the setting in errors, which name
/// the failure (refused, timed out, bad URL), never the URL itself.
pub(crate) fn connect_on<T, F>(
    runtime: Option<&tokio::runtime::Runtime>,
    thread: &str,
    flag: &str,
    connect: F,
) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, String>> + Send + 'static,
{
    if let Some(runtime) = runtime {
        return runtime
            .block_on(connect)
            .map_err(|e| Error::msg(format!("{flag}: {e}")));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(thread.to_owned())
        .spawn(move || {
            let rt = match current_thread_runtime() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                let _ = tx.send(connect.await);
                std::future::pending::<()>().await;
            });
        })
        .map_err(|e| Error::msg(format!("{flag}: cannot start a thread: {e}")))?;
    match rx.recv() {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Error::msg(format!("{flag}: {e}"))),
        Err(_) => Err(Error::msg(format!("{flag}: the connection thread stopped"))),
    }
}

/// Prints the bound address and, with generated credentials, the ready-to-paste
/// commands (stderr: stdout carries only event lines).
fn announce(
    addr: SocketAddr,
    framework: Framework,
    dev: &DevCredentials,
    metrics: Option<SocketAddr>,
) {
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    eprintln!("imhook: listening on http://{shown} ({})", framework.name());
    if let Some(metrics) = metrics {
        eprintln!("imhook: metrics on http://{metrics}/metrics");
    }
    if dev.tencent.is_none() && dev.agora.is_none() {
        return;
    }
    let which = match (&dev.tencent, &dev.agora) {
        (Some(_), Some(_)) => "Tencent and Agora",
        (Some(_), None) => "Tencent",
        _ => "Agora",
    };
    eprintln!(
        "imhook: no {which} credentials given; generated development ones. Send a signed sample with:"
    );
    if let Some((id, token)) = &dev.tencent {
        let token = token
            .as_ref()
            .map(|t| format!(" --token {t}"))
            .unwrap_or_default();
        eprintln!(
            "  imhook send --url http://{shown}/tencent tencent Group.CallbackAfterCreateGroup --sdkappid {id}{token}"
        );
    }
    if let Some(secret) = &dev.agora {
        eprintln!("  imhook send --url http://{shown}/agora agora message/chat --secret {secret}");
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    crate::stop_requested().await;
    tracing::info!(
        grace_s = SHUTDOWN_GRACE.as_secs(),
        "shutting down: no new connections; finishing in-flight requests"
    );
}

/// Binds `addr` (port 0 picks a free one).
fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, Error> {
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| Error::msg(format!("cannot listen on {addr}: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::msg(format!("cannot listen on {addr}: {e}")))?;
    Ok(listener)
}

/// Runs `imhook serve`.
pub fn run(args: &ServeArgs) -> Result<(), Error> {
    if args.http2 && args.framework == Framework::Actix {
        return Err(Error::usage(
            "--http2 is served by --framework axum or warp (actix-web speaks HTTP/1.1 here)",
        ));
    }
    let engine = forward::check(args)?;
    crate::init_tracing();
    let sink = Arc::new(Sink::open(&args.events)?);
    let workers = args.workers.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    // axum and warp serve on one tokio runtime, built first so that the store's and the
    // engine's connections are driven by it; actix-web builds its own per worker.
    let runtime = match args.framework {
        Framework::Axum | Framework::Warp => Some(runtime(workers)?),
        Framework::Actix => None,
    };
    let (routes, dev) = build(args, sink.clone(), engine, runtime.as_ref())?;
    let routes = Arc::new(routes);
    tracing::info!(
        framework = args.framework.name(),
        workers,
        tencent_tokens = args.tencent_token.len()
            + usize::from(dev.tencent.as_ref().is_some_and(|(_, t)| t.is_some())),
        agora_secrets = args.agora_secret.len().max(1),
        allow_unsigned = args.allow_unsigned,
        redis = args.redis.is_some(),
        forward = engine.map(forward::Engine::name),
        stream = engine.is_some().then_some(args.stream.as_str()),
        spool = engine.map(|_| args.spool.display().to_string()),
        max_len = args.max_len,
        dedupe_capacity = args.redis.is_none().then_some(args.dedupe_capacity),
        tencent_dedupe = args.tencent_dedupe,
        header_timeout_s = args.header_timeout,
        http2 = args.http2,
        max_body = args.max_body,
        events = %args.events,
        "starting"
    );
    // Installed before the first request, so that every callback is counted.
    let metrics = args.metrics_listen.map(metrics::start).transpose()?;
    let announce = |addr: SocketAddr| announce(addr, args.framework, &dev, metrics);
    let connections = conn::Connections {
        header_timeout: Duration::from_secs(args.header_timeout),
        http2: args.http2,
    };
    let listener = bind(args.listen)?;
    let result = match (args.framework, runtime) {
        (Framework::Actix, _) => actix::serve(routes, listener, workers, connections, announce),
        (Framework::Axum, Some(rt)) => axum::serve(routes, listener, rt, connections, announce),
        (Framework::Warp, Some(rt)) => warp::serve(routes, listener, rt, connections, announce),
        (Framework::Axum | Framework::Warp, None) => Err(Error::msg("no runtime to serve on")),
    };
    sink.close(SINK_CLOSE_GRACE);
    tracing::info!("stopped");
    result
}

/// Builds the multi-threaded tokio runtime of axum and warp.
fn runtime(workers: usize) -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| Error::msg(format!("cannot start the runtime: {e}")))
}
