//! A bare server for HTTP comparisons: the same framework, the same routes, the body
//! taken with the framework's own body extractor and a reply built by hand.
//!
//! - default: the body parsed into a plain struct and a static ack. No authentication,
//!   no de-duplication, no typed model: the baseline imhook's whole cost is measured
//!   against.
//! - `--core`: the handler calls imhook's core endpoints directly (same credentials and
//!   de-duplication as `imhook serve` in `scripts/bench-http`). Against `imhook serve`
//!   this isolates what the adapter crates add on top of the framework.
//!
//! `bare --framework axum|actix|warp --listen 127.0.0.1:9000 [--core]` (one worker
//! thread). With `--core`: `--tencent-sdkappid`, `--tencent-token`, `--agora-secret`
//! (defaults match `scripts/bench-http`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use bytes::Bytes;
use imhook_bench::{PlainAfterCreateGroup, PlainGroupOp};
use imhook_core::agora::{AgoraConfig, PostSendEndpoint};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{Endpoint, Inbound, Secret};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

const TENCENT_ACK: &str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

/// The core endpoints, in `--core` mode.
struct Core {
    tencent: TencentEndpoint,
    agora: PostSendEndpoint,
}

static CORE: OnceLock<Core> = OnceLock::new();

struct Noop;
impl imhook_core::tencent::CallbackHandler for Noop {}
impl imhook_core::agora::CallbackHandler for Noop {}

/// Status and JSON body of the reply to a Tencent callback.
async fn tencent(query: &str, body: Bytes) -> (u16, Bytes) {
    match CORE.get() {
        Some(core) => {
            let out = core.tencent.handle(Inbound::post(query, body)).await;
            (out.status, out.body)
        }
        None => {
            let _ = serde_json::from_slice::<PlainAfterCreateGroup>(&body).is_ok();
            (200, Bytes::from_static(TENCENT_ACK.as_bytes()))
        }
    }
}

/// Status and JSON body of the reply to an Agora callback.
async fn agora(body: Bytes) -> (u16, Bytes) {
    match CORE.get() {
        Some(core) => {
            let out = core.agora.handle(Inbound::post("", body)).await;
            (out.status, out.body)
        }
        None => {
            let _ = serde_json::from_slice::<PlainGroupOp>(&body).is_ok();
            (200, Bytes::from_static(b"{}"))
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    if args.iter().any(|a| a == "--core") {
        let app: u64 = arg("--tencent-sdkappid", "1400000001").parse().unwrap();
        let token = Secret::new(arg("--tencent-token", "bench-token")).unwrap();
        let secret = Secret::new(arg("--agora-secret", "bench-secret")).unwrap();
        let handler = Arc::new(Noop);
        let core = Core {
            tencent: TencentEndpoint::new(TencentConfig::new(app).token(token), handler.clone()),
            agora: PostSendEndpoint::new(AgoraConfig::new().secret(secret), handler).unwrap(),
        };
        let _ = CORE.set(core);
    }
    let framework = arg("--framework", "axum");
    let listen: SocketAddr = arg("--listen", "127.0.0.1:9000").parse().unwrap();
    match framework.as_str() {
        "actix" => actix(listen),
        "warp" => warp(listen),
        _ => axum(listen),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn axum(listen: SocketAddr) {
    use axum::extract::RawQuery;
    use axum::http::{StatusCode, header};
    use axum::routing::post;
    fn reply((status, body): (u16, Bytes)) -> impl axum::response::IntoResponse {
        (
            StatusCode::from_u16(status).unwrap(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
    }
    let app = axum::Router::new()
        .route(
            "/tencent",
            post(|q: RawQuery, body: Bytes| async move {
                reply(tencent(q.0.as_deref().unwrap_or(""), body).await)
            }),
        )
        .route(
            "/agora",
            post(|body: Bytes| async move { reply(agora(body).await) }),
        );
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        axum::serve(l, app).await.unwrap();
    });
}

fn actix(listen: SocketAddr) {
    use actix_web::http::StatusCode;
    use actix_web::{HttpRequest, HttpResponse, web};
    fn reply((status, body): (u16, Bytes)) -> HttpResponse {
        HttpResponse::build(StatusCode::from_u16(status).unwrap())
            .content_type("application/json")
            .body(body)
    }
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(|| {
            actix_web::App::new()
                .route(
                    "/tencent",
                    web::post().to(|req: HttpRequest, body: Bytes| async move {
                        reply(tencent(req.query_string(), body).await)
                    }),
                )
                .route(
                    "/agora",
                    web::post().to(|body: Bytes| async move { reply(agora(body).await) }),
                )
        })
        .workers(1)
        .bind(listen)
        .unwrap()
        .run()
        .await
        .unwrap();
    });
}

fn warp(listen: SocketAddr) {
    use warp::Filter;
    use warp::http::{StatusCode, header};
    fn reply((status, body): (u16, Bytes)) -> warp::reply::Response {
        let mut resp = warp::reply::Response::new(body.into());
        *resp.status_mut() = StatusCode::from_u16(status).unwrap();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
        resp
    }
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    let tencent = warp::path!("tencent")
        .and(warp::post())
        .and(query)
        .and(warp::body::bytes())
        .then(|q: String, b: Bytes| async move { reply(tencent(&q, b).await) });
    let agora = warp::path!("agora")
        .and(warp::post())
        .and(warp::body::bytes())
        .then(|b: Bytes| async move { reply(agora(b).await) });
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        warp::serve(tencent.or(agora)).incoming(l).run().await;
    });
}
