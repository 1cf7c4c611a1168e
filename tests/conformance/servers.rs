//! The four targets: the core endpoints called directly, and the same endpoints mounted
//! with each adapter on a real socket.

use crate::client::{self, BodyMode, Request, Response};
use crate::handlers::Recorder;
use bytes::Bytes;
use imhook::agora::{AgoraConfig, PostSendEndpoint, PreSendEndpoint};
use imhook::tencent::{TencentConfig, TencentEndpoint};
use imhook::{Endpoint, MemoryStore, Secret, StreamingRequest, serve_stream};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub(crate) const APP: u64 = 1_400_000_001;
pub(crate) const TOKEN: &str = "xxxxyyyy";
pub(crate) const SECRET: &str = "imhook-fixture-secret";
pub(crate) const LIMIT: usize = 64 * 1024;
/// How long a body may take to arrive (slow-drip clients get 408 after it).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(1);

pub(crate) struct Endpoints {
    pub tencent: Arc<dyn Endpoint>,
    pub agora: Arc<dyn Endpoint>,
    pub pre_send: Arc<dyn Endpoint>,
}

pub(crate) struct Target {
    pub name: &'static str,
    recorder: Arc<Recorder>,
    via: Via,
}

enum Via {
    Core(Endpoints),
    Http(SocketAddr),
}

fn endpoints(recorder: &Arc<Recorder>) -> Endpoints {
    let tencent = TencentConfig::new(APP)
        .token(Secret::new(TOKEN).unwrap())
        .deadline(Duration::from_millis(300))
        .body_limit(LIMIT)
        .read_timeout(Some(READ_TIMEOUT));
    // Each target has its own store: the targets of one test binary send the same
    // callIds, and the default store is one per process.
    let agora = AgoraConfig::new()
        .store(Arc::new(MemoryStore::default()))
        .secret(Secret::new(SECRET).unwrap())
        .post_send_deadline(Duration::from_millis(300))
        .pre_send_deadline(Duration::from_millis(150))
        .body_limit(LIMIT)
        .read_timeout(Some(READ_TIMEOUT));
    Endpoints {
        tencent: Arc::new(TencentEndpoint::new(tencent, recorder.clone())),
        agora: Arc::new(PostSendEndpoint::new(agora.clone(), recorder.clone()).unwrap()),
        pre_send: Arc::new(PreSendEndpoint::new(agora, recorder.clone()).unwrap()),
    }
}

impl Target {
    /// The server's address, for targets reached over HTTP.
    #[allow(dead_code)] // used by the adversarial suite only
    pub(crate) fn addr(&self) -> Option<SocketAddr> {
        match &self.via {
            Via::Http(addr) => Some(*addr),
            Via::Core(_) => None,
        }
    }

    pub(crate) fn calls(&self) -> usize {
        self.recorder.calls.load(Ordering::SeqCst)
    }

    pub(crate) async fn send(&self, req: &Request) -> Result<Response, String> {
        match &self.via {
            Via::Http(addr) => client::send(*addr, req).await,
            Via::Core(eps) => {
                let ep = match req.route {
                    "/tencent" => &eps.tencent,
                    "/agora" => &eps.agora,
                    _ => &eps.pre_send,
                };
                let (declared, chunk) = match req.mode {
                    BodyMode::Length => (Some(req.body.len() as u64), req.body.len().max(1)),
                    BodyMode::Chunked(n) => (None, n.max(1)),
                    BodyMode::Announce(n) | BodyMode::Stall(n) => (Some(n), req.body.len().max(1)),
                };
                let stall = matches!(req.mode, BodyMode::Stall(_));
                let chunks: Vec<Result<Bytes, std::io::Error>> = req
                    .body
                    .chunks(chunk)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                let body = futures_util::StreamExt::chain(
                    futures_util::stream::iter(chunks),
                    futures_util::StreamExt::take(
                        futures_util::stream::pending(),
                        usize::from(stall),
                    ),
                );
                let out = serve_stream(
                    ep.as_ref(),
                    StreamingRequest::new(req.method, &req.query, declared, body),
                )
                .await;
                Ok(Response {
                    status: out.status,
                    head: String::new(),
                    content_type: out.content_type.map(str::to_owned),
                    body: out.body.to_vec(),
                })
            }
        }
    }
}

pub(crate) fn core() -> Target {
    let recorder = Arc::new(Recorder::default());
    Target {
        name: "core",
        via: Via::Core(endpoints(&recorder)),
        recorder,
    }
}

pub(crate) async fn axum() -> Target {
    let recorder = Arc::new(Recorder::default());
    let eps = endpoints(&recorder);
    let app = axum::Router::new()
        .route("/tencent", imhook::axum::endpoint(eps.tencent))
        .route("/agora", imhook::axum::endpoint(eps.agora))
        .route("/agora/pre-send", imhook::axum::endpoint(eps.pre_send));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Target {
        name: "axum",
        via: Via::Http(addr),
        recorder,
    }
}

pub(crate) async fn actix() -> Target {
    let recorder = Arc::new(Recorder::default());
    let eps = endpoints(&recorder);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tencent, agora, pre_send) = (eps.tencent, eps.agora, eps.pre_send);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .service(imhook::actix::endpoint("/tencent", tencent.clone()))
                    .service(imhook::actix::endpoint("/agora", agora.clone()))
                    .service(imhook::actix::endpoint("/agora/pre-send", pre_send.clone()))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
            .unwrap();
        });
    });
    Target {
        name: "actix",
        via: Via::Http(addr),
        recorder,
    }
}

pub(crate) async fn warp() -> Target {
    use warp::Filter;
    let recorder = Arc::new(Recorder::default());
    let eps = endpoints(&recorder);
    let routes = warp::path!("tencent")
        .and(imhook::warp::endpoint(eps.tencent))
        .or(warp::path!("agora").and(imhook::warp::endpoint(eps.agora)))
        .unify()
        .or(warp::path!("agora" / "pre-send").and(imhook::warp::endpoint(eps.pre_send)))
        .unify();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    Target {
        name: "warp",
        via: Via::Http(addr),
        recorder,
    }
}
