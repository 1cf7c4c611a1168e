//! A bare server for HTTP comparisons: the same framework, the same routes, the body
//! taken with the framework's own body extractor and a reply built by hand.
//!
//! - default: the body parsed into a plain struct and a static ack. No authentication,
//!   no de-duplication, no typed model: the baseline imhook's whole cost is measured
//!   against.
//! - `--hand`: what a user would write instead of imhook, the same checks done the
//!   obvious way (see [`imhook_bench::hand`]): the framework's query extractor into a serde struct,
//!   `hex(sha256(token + RequestTime))` compared as strings within a 300 s window,
//!   `hex(md5(callId + secret + timestamp))` compared as strings, a
//!   `Mutex<HashSet<String>>` + `VecDeque` of the last 100,000 `callId`s, the body
//!   parsed into a plain serde struct.
//! - `--core`: the handler calls imhook's core endpoints directly (same credentials and
//!   de-duplication as `imhook serve` in `scripts/bench-http`). Against `imhook serve`
//!   this isolates what the adapter crates add on top of the framework.
//!
//! `bare --framework axum|actix|warp --listen 127.0.0.1:9000 [--hand|--core]` (one
//! worker thread). With `--hand` or `--core`: `--tencent-sdkappid`, `--tencent-token`,
//! `--agora-secret` (defaults match `scripts/bench-http`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use bytes::Bytes;
use imhook_bench::{PlainAfterCreateGroup, PlainGroupOp, TENCENT_ACK, hand};
use imhook_core::agora::{AgoraConfig, PostSendEndpoint};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{Endpoint, Inbound, Secret};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// What the server does with a callback.
enum Mode {
    Bare,
    Hand(hand::Hand),
    Core(Core),
}

/// The core endpoints, in `--core` mode.
struct Core {
    tencent: TencentEndpoint,
    agora: PostSendEndpoint,
}

static MODE: OnceLock<Mode> = OnceLock::new();

fn mode() -> &'static Mode {
    MODE.get_or_init(|| Mode::Bare)
}

struct Noop;
impl imhook_core::tencent::CallbackHandler for Noop {}
impl imhook_core::agora::CallbackHandler for Noop {}

/// Status and JSON body of the reply to a Tencent callback, in `bare` and `core` mode.
async fn tencent(query: &str, body: Bytes) -> (u16, Bytes) {
    match mode() {
        Mode::Core(core) => {
            let out = core.tencent.handle(Inbound::post(query, body)).await;
            (out.status, out.body)
        }
        _ => {
            let _ = serde_json::from_slice::<PlainAfterCreateGroup>(&body).is_ok();
            (200, Bytes::from_static(TENCENT_ACK.as_bytes()))
        }
    }
}

/// Status and JSON body of the reply to an Agora callback.
async fn agora(body: Bytes) -> (u16, Bytes) {
    match mode() {
        Mode::Core(core) => {
            let out = core.agora.handle(Inbound::post("", body)).await;
            (out.status, out.body)
        }
        Mode::Hand(hand) => hand.agora(&body),
        Mode::Bare => {
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
    let flag = |name: &str| args.iter().any(|a| a == name);
    let app: u64 = arg("--tencent-sdkappid", "1400000001").parse().unwrap();
    let token = arg("--tencent-token", "bench-token");
    let secret = arg("--agora-secret", "bench-secret");
    let mode = if flag("--core") {
        let handler = Arc::new(Noop);
        let token = Secret::new(token).unwrap();
        let secret = Secret::new(secret).unwrap();
        Mode::Core(Core {
            tencent: TencentEndpoint::new(TencentConfig::new(app).token(token), handler.clone()),
            agora: PostSendEndpoint::new(AgoraConfig::new().secret(secret), handler).unwrap(),
        })
    } else if flag("--hand") {
        Mode::Hand(hand::Hand::new(app, token, secret))
    } else {
        Mode::Bare
    };
    let hand = matches!(mode, Mode::Hand(_));
    let _ = MODE.set(mode);
    let framework = arg("--framework", "axum");
    let listen: SocketAddr = arg("--listen", "127.0.0.1:9000").parse().unwrap();
    match framework.as_str() {
        "actix" => actix(listen, hand),
        "warp" => warp(listen, hand),
        _ => axum(listen, hand),
    }
}

fn the_hand() -> &'static hand::Hand {
    match mode() {
        Mode::Hand(hand) => hand,
        _ => unreachable!("hand-written routes are mounted in --hand mode only"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn axum(listen: SocketAddr, hand: bool) {
    use axum::extract::{Query, RawQuery};
    use axum::http::{StatusCode, header};
    use axum::routing::post;
    fn reply((status, body): (u16, Bytes)) -> impl axum::response::IntoResponse {
        (
            StatusCode::from_u16(status).unwrap(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
    }
    let tencent_route = if hand {
        post(|q: Query<hand::TencentQuery>, body: Bytes| async move {
            reply(the_hand().tencent(&q, &body))
        })
    } else {
        post(|q: RawQuery, body: Bytes| async move {
            reply(tencent(q.0.as_deref().unwrap_or(""), body).await)
        })
    };
    let app = axum::Router::new().route("/tencent", tencent_route).route(
        "/agora",
        post(|body: Bytes| async move { reply(agora(body).await) }),
    );
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        axum::serve(l, app).await.unwrap();
    });
}

fn actix(listen: SocketAddr, hand: bool) {
    use actix_web::http::StatusCode;
    use actix_web::{HttpRequest, HttpResponse, web};
    fn reply((status, body): (u16, Bytes)) -> HttpResponse {
        HttpResponse::build(StatusCode::from_u16(status).unwrap())
            .content_type("application/json")
            .body(body)
    }
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(move || {
            let tencent_route = if hand {
                web::post().to(
                    |q: web::Query<hand::TencentQuery>, body: Bytes| async move {
                        reply(the_hand().tencent(&q, &body))
                    },
                )
            } else {
                web::post().to(|req: HttpRequest, body: Bytes| async move {
                    reply(tencent(req.query_string(), body).await)
                })
            };
            actix_web::App::new()
                .route("/tencent", tencent_route)
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

fn warp(listen: SocketAddr, hand: bool) {
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
    let agora = warp::path!("agora")
        .and(warp::post())
        .and(warp::body::bytes())
        .then(|b: Bytes| async move { reply(agora(b).await) });
    let route = warp::path!("tencent").and(warp::post());
    let tencent = if hand {
        route
            .and(warp::query::<hand::TencentQuery>())
            .and(warp::body::bytes())
            .then(
                |q: hand::TencentQuery, b: Bytes| async move { reply(the_hand().tencent(&q, &b)) },
            )
            .boxed()
    } else {
        let query = warp::query::raw().or(warp::any().map(String::new)).unify();
        route
            .and(query)
            .and(warp::body::bytes())
            .then(|q: String, b: Bytes| async move { reply(tencent(&q, b).await) })
            .boxed()
    };
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        warp::serve(tencent.or(agora)).incoming(l).run().await;
    });
}
