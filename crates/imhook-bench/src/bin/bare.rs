//! A bare server for HTTP comparisons: the same framework, the same routes, the body
//! parsed into a plain struct, a static ack. No authentication, no de-duplication, no
//! typed model: the baseline imhook's overhead is measured against.
//!
//! `bare --framework axum|actix|warp --listen 127.0.0.1:9000` (one worker thread).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_bench::{PlainAfterCreateGroup, PlainGroupOp};
use std::net::SocketAddr;

const TENCENT_ACK: &str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

fn tencent_ok(body: &[u8]) -> bool {
    serde_json::from_slice::<PlainAfterCreateGroup>(body).is_ok()
}

fn agora_ok(body: &[u8]) -> bool {
    serde_json::from_slice::<PlainGroupOp>(body).is_ok()
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
    use axum::{body::Bytes, http::header, routing::post};
    let app = axum::Router::new()
        .route(
            "/tencent",
            post(|body: Bytes| async move {
                let _ = tencent_ok(&body);
                ([(header::CONTENT_TYPE, "application/json")], TENCENT_ACK)
            }),
        )
        .route(
            "/agora",
            post(|body: Bytes| async move {
                let _ = agora_ok(&body);
                ([(header::CONTENT_TYPE, "application/json")], "{}")
            }),
        );
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        axum::serve(l, app).await.unwrap();
    });
}

fn actix(listen: SocketAddr) {
    use actix_web::{HttpResponse, web};
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(|| {
            actix_web::App::new()
                .route(
                    "/tencent",
                    web::post().to(|body: web::Bytes| async move {
                        let _ = tencent_ok(&body);
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(TENCENT_ACK)
                    }),
                )
                .route(
                    "/agora",
                    web::post().to(|body: web::Bytes| async move {
                        let _ = agora_ok(&body);
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body("{}")
                    }),
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
    let tencent = warp::path!("tencent")
        .and(warp::post())
        .and(warp::body::bytes())
        .map(|b: bytes::Bytes| {
            let _ = tencent_ok(&b);
            warp::reply::with_header(TENCENT_ACK, "content-type", "application/json")
        });
    let agora = warp::path!("agora")
        .and(warp::post())
        .and(warp::body::bytes())
        .map(|b: bytes::Bytes| {
            let _ = agora_ok(&b);
            warp::reply::with_header("{}", "content-type", "application/json")
        });
    runtime().block_on(async move {
        let l = tokio::net::TcpListener::bind(listen).await.unwrap();
        warp::serve(tencent.or(agora)).incoming(l).run().await;
    });
}
