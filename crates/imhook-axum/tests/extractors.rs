//! The extractors mounted in an axum router: `TencentCallback`, `AgoraPostSend` and
//! `AgoraPreSend` hand the application a verified, decoded callback and send
//! its reply exactly; a rejected request gets the reply the mounted route sends, without
//! calling the application; copies of a callback reach it once, and a callback it drops
//! unanswered reaches it again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http_body_util::BodyExt;
use imhook_axum::{AgoraPostSend, AgoraPreSend, CallbackResponse, TencentCallback};
use imhook_core::agora::{AgoraConfig, PostSendEndpoint, PreSendEndpoint};
use imhook_core::tencent::{Reply, TencentConfig, TencentEndpoint};
use imhook_core::{MemoryStore, Secret};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

#[path = "../../../tests/support/extractor_app.rs"]
mod app;

use app::*;

/// The router's state: what the Tencent and Agora post-send extractors need, taken
/// with `FromRef`.
#[derive(Clone)]
struct AppState {
    seen: Arc<Seen>,
    tencent: Arc<TencentConfig>,
    agora: Arc<AgoraConfig>,
}

impl FromRef<AppState> for Arc<TencentConfig> {
    fn from_ref(s: &AppState) -> Self {
        s.tencent.clone()
    }
}

impl FromRef<AppState> for Arc<AgoraConfig> {
    fn from_ref(s: &AppState) -> Self {
        s.agora.clone()
    }
}

/// The pre-send route's state: another `Arc<AgoraConfig>`, in a router of its own.
#[derive(Clone)]
struct PreSendState {
    seen: Arc<Seen>,
    agora: Arc<AgoraConfig>,
}

impl FromRef<PreSendState> for Arc<AgoraConfig> {
    fn from_ref(s: &PreSendState) -> Self {
        s.agora.clone()
    }
}

async fn on_tencent(State(s): State<AppState>, cb: TencentCallback) -> Response {
    match s.seen.tencent(&cb) {
        Some(answer) => cb.answer(answer).await.into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "not now").into_response(),
    }
}

fn not_now() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "not now").into_response()
}

async fn on_agora(State(s): State<AppState>, cb: AgoraPostSend) -> Response {
    match s.seen.agora(&cb) {
        AgoraAnswer::Early => not_now(),
        _ => cb.ack().await.into_response(),
    }
}

async fn on_pre_send(State(s): State<PreSendState>, cb: AgoraPreSend) -> Response {
    match s.seen.pre_send(&cb) {
        AgoraAnswer::Decide(d) => cb.decide(&d).await.into_response(),
        _ => not_now(),
    }
}

fn tencent_config(dedupe: bool) -> TencentConfig {
    let config = TencentConfig::new(APP)
        .token(Secret::new(TOKEN).unwrap())
        .body_limit(LIMIT);
    if dedupe {
        config.dedupe(Arc::new(MemoryStore::default()), Duration::from_secs(300))
    } else {
        config
    }
}

fn agora_config() -> AgoraConfig {
    AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(MemoryStore::default()))
        .body_limit(LIMIT)
}

/// The extractors at `/tencent`, `/agora` and `/agora/pre-send` (every method, so that
/// the extractor decides), and the same configurations mounted as routes under
/// `/route`, all calling one application.
fn app(tencent_dedupe: bool) -> (Router, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let tencent = tencent_config(tencent_dedupe);
    // The mounted routes get stores of their own: their answers must not depend on
    // what the extractors claimed.
    let agora = agora_config();
    let routes = Router::new()
        .route(
            "/route/tencent",
            imhook_axum::endpoint(Arc::new(TencentEndpoint::new(
                tencent_config(tencent_dedupe),
                seen.clone(),
            ))),
        )
        .route(
            "/route/agora",
            imhook_axum::endpoint(Arc::new(
                PostSendEndpoint::new(agora_config(), seen.clone()).unwrap(),
            )),
        )
        .route(
            "/route/agora/pre-send",
            imhook_axum::endpoint(Arc::new(
                PreSendEndpoint::new(agora_config(), seen.clone()).unwrap(),
            )),
        );
    let extractors = Router::new()
        .route("/tencent", any(on_tencent))
        .route("/agora", any(on_agora))
        .with_state(AppState {
            seen: seen.clone(),
            tencent: Arc::new(tencent),
            agora: Arc::new(agora.clone()),
        });
    let pre_send = Router::new()
        .route("/agora/pre-send", any(on_pre_send))
        .with_state(PreSendState {
            seen: seen.clone(),
            agora: Arc::new(agora),
        });
    (routes.merge(extractors).merge(pre_send), seen)
}

/// What the client sees of a reply.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    body: String,
}

async fn send(app: &Router, method: &str, path: &str, query: &str, body: &str) -> Got {
    let req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(format!("{path}?{query}"))
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.to_owned()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let header = |name| {
        resp.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (status, content_type, allow) = (
        resp.status().as_u16(),
        header(header::CONTENT_TYPE),
        header(header::ALLOW),
    );
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        content_type,
        allow,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

fn json_reply(status: u16, body: &str) -> Got {
    Got {
        status,
        content_type: Some("application/json".to_owned()),
        allow: None,
        body: body.to_owned(),
    }
}

fn text_reply(status: u16, body: &str, allow: Option<&str>) -> Got {
    Got {
        status,
        content_type: Some("text/plain; charset=utf-8".to_owned()),
        allow: allow.map(str::to_owned),
        body: body.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Tencent
// ---------------------------------------------------------------------------

#[tokio::test]
async fn tencent_callback_reaches_the_application_and_its_reply_is_sent() {
    let (app, seen) = app(false);
    let q = tencent_query(APP, TOKEN, GROUP_FULL);
    let got = send(&app, "POST", "/tencent", &q, &group_full("@TGS#full")).await;
    assert_eq!(got, json_reply(200, Reply::OK_JSON));
    let q = tencent_query(APP, TOKEN, CREATE_GROUP);
    let got = send(&app, "POST", "/tencent", &q, &create_group("Blocked")).await;
    assert_eq!(
        got,
        json_reply(
            200,
            r#"{"ActionStatus":"OK","ErrorCode":10100,"ErrorInfo":"name not allowed"}"#
        )
    );
    assert_eq!(
        seen.calls(),
        [
            "Group.CallbackAfterGroupFull @TGS#full",
            "Group.CallbackBeforeCreateGroup Blocked"
        ]
    );
}

/// `(what, method, query, body, expected reply)` of requests both Tencent mounts refuse.
fn tencent_rejections() -> Vec<(&'static str, &'static str, String, String, Got)> {
    let fail = |status, info: &str| {
        json_reply(
            status,
            &format!(r#"{{"ActionStatus":"FAIL","ErrorCode":-1,"ErrorInfo":"{info}"}}"#),
        )
    };
    let body = group_full("@TGS#rejected");
    vec![
        (
            "bad Sign",
            "POST",
            tencent_query(APP, "another-token", GROUP_FULL),
            body.clone(),
            fail(401, "unauthorized"),
        ),
        (
            "wrong SdkAppid",
            "POST",
            tencent_query(APP + 1, TOKEN, GROUP_FULL),
            body.clone(),
            fail(403, "forbidden"),
        ),
        (
            "lowercase post",
            "post",
            tencent_query(APP, TOKEN, GROUP_FULL),
            body,
            text_reply(405, "method not allowed", Some("POST")),
        ),
        (
            "oversized body",
            "POST",
            tencent_query(APP, TOKEN, GROUP_FULL),
            "x".repeat(LIMIT + 1),
            text_reply(413, "payload too large", None),
        ),
    ]
}

#[tokio::test]
async fn tencent_rejections_are_the_routes_and_skip_the_application() {
    let (app, seen) = app(false);
    for (what, method, query, body, want) in tencent_rejections() {
        let got = send(&app, method, "/tencent", &query, &body).await;
        assert_eq!(got, want, "{what}");
        let route = send(&app, method, "/route/tencent", &query, &body).await;
        assert_eq!(got, route, "{what}: the extractor and the route differ");
    }
    assert_eq!(seen.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn tencent_replays_reach_the_application_once_with_dedupe() {
    let (app, seen) = app(true);
    let body = group_full("@TGS#replayed");
    for _ in 0..3 {
        let q = tencent_query(APP, TOKEN, GROUP_FULL);
        let got = send(&app, "POST", "/tencent", &q, &body).await;
        assert_eq!(got, json_reply(200, Reply::OK_JSON));
    }
    assert_eq!(seen.calls(), ["Group.CallbackAfterGroupFull @TGS#replayed"]);
}

#[tokio::test]
async fn tencent_callback_dropped_unanswered_reaches_the_application_again() {
    let (app, seen) = app(true);
    let body = group_full("@TGS#early");
    let q = tencent_query(APP, TOKEN, GROUP_FULL);
    assert_eq!(send(&app, "POST", "/tencent", &q, &body).await.status, 503);
    let got = send(&app, "POST", "/tencent", &q, &body).await;
    assert_eq!(got, json_reply(200, Reply::OK_JSON));
    let got = send(&app, "POST", "/tencent", &q, &body).await;
    assert_eq!(
        got,
        json_reply(200, Reply::OK_JSON),
        "duplicate of the answered one"
    );
    assert_eq!(
        seen.calls(),
        [
            "Group.CallbackAfterGroupFull @TGS#early",
            "Group.CallbackAfterGroupFull @TGS#early"
        ]
    );
}

/// The configuration as the whole router state, as the crate documentation shows it.
#[tokio::test]
async fn tencent_config_alone_can_be_the_state() {
    async fn ack(cb: TencentCallback) -> CallbackResponse {
        assert_eq!(cb.ctx.command, GROUP_FULL);
        cb.ack().await
    }
    let app = Router::new()
        .route("/tencent", any(ack))
        .with_state(Arc::new(tencent_config(false)));
    let q = tencent_query(APP, TOKEN, GROUP_FULL);
    let got = send(&app, "POST", "/tencent", &q, &group_full("@TGS#state")).await;
    assert_eq!(got, json_reply(200, Reply::OK_JSON));
}

// ---------------------------------------------------------------------------
// Agora
// ---------------------------------------------------------------------------

#[tokio::test]
async fn agora_post_send_callback_reaches_the_application_and_is_acked() {
    let (app, seen) = app(false);
    let body = agora_message("org#app_1", "alice", SECRET);
    let got = send(&app, "POST", "/agora", "", &body).await;
    assert_eq!(got, json_reply(200, "{}"));
    assert_eq!(seen.calls(), ["message/chat org#app_1 alice"]);
}

#[tokio::test]
async fn agora_pre_send_decision_is_sent() {
    let (app, seen) = app(false);
    let body = agora_pre_send("org#app_2", "hello there");
    let got = send(&app, "POST", "/agora/pre-send", "", &body).await;
    assert_eq!(got, json_reply(200, r#"{"valid":false,"code":"HX:10001"}"#));
    assert_eq!(seen.calls(), ["pre_send org#app_2 hello there"]);
}

#[tokio::test]
async fn agora_rejections_are_the_routes_and_skip_the_application() {
    let (app, seen) = app(false);
    let cases = [
        (
            "bad security",
            "POST",
            agora_message("org#app_3", "alice", "another-secret"),
            json_reply(401, r#"{"error":"unauthorized"}"#),
        ),
        (
            "lowercase post",
            "post",
            agora_message("org#app_3", "alice", SECRET),
            text_reply(405, "method not allowed", Some("POST")),
        ),
        (
            "oversized body",
            "POST",
            "x".repeat(LIMIT + 1),
            text_reply(413, "payload too large", None),
        ),
    ];
    for (path, route) in [
        ("/agora", "/route/agora"),
        ("/agora/pre-send", "/route/agora/pre-send"),
    ] {
        for (what, method, body, want) in &cases {
            let got = send(&app, method, path, "", body).await;
            assert_eq!(&got, want, "{path}: {what}");
            let mounted = send(&app, method, route, "", body).await;
            assert_eq!(
                got, mounted,
                "{path}: {what}: the extractor and the route differ"
            );
        }
    }
    assert_eq!(seen.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn agora_duplicate_reaches_the_application_once() {
    let (app, seen) = app(false);
    let body = agora_message("org#app_4", "alice", SECRET);
    for _ in 0..2 {
        let got = send(&app, "POST", "/agora", "", &body).await;
        assert_eq!(got, json_reply(200, "{}"));
    }
    assert_eq!(seen.calls(), ["message/chat org#app_4 alice"]);
}

#[tokio::test]
async fn agora_callback_dropped_unanswered_reaches_the_application_again() {
    let (app, seen) = app(false);
    let body = agora_message("org#app_early", "alice", SECRET);
    assert_eq!(send(&app, "POST", "/agora", "", &body).await.status, 503);
    for _ in 0..2 {
        let got = send(&app, "POST", "/agora", "", &body).await;
        assert_eq!(got, json_reply(200, "{}"));
    }
    assert_eq!(
        seen.calls(),
        [
            "message/chat org#app_early alice",
            "message/chat org#app_early alice"
        ]
    );
}

// ---------------------------------------------------------------------------
// On a real socket
// ---------------------------------------------------------------------------

/// One HTTP/1.1 exchange on its own connection; the raw reply.
async fn raw_exchange(addr: SocketAddr, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    String::from_utf8(reply).unwrap()
}

#[tokio::test]
async fn over_a_socket_the_callback_carries_the_peer() {
    let peers = Arc::new(Mutex::new(Vec::new()));
    let p = peers.clone();
    let app = Router::new()
        .route(
            "/agora",
            any(move |cb: AgoraPostSend| async move {
                p.lock().unwrap().push(cb.ctx.peer);
                cb.ack().await
            }),
        )
        .with_state(Arc::new(agora_config()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let reply = raw_exchange(addr, "/agora", &agora_message("org#app_5", "alice", SECRET)).await;
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\n{}"), "{reply}");
    let reply = raw_exchange(addr, "/agora", &agora_message("org#app_5", "alice", "x")).await;
    assert!(reply.starts_with("HTTP/1.1 401 "), "{reply}");
    assert!(reply.ends_with(r#"{"error":"unauthorized"}"#), "{reply}");
    let peers = peers.lock().unwrap().clone();
    assert_eq!(peers.len(), 1);
    assert!(peers[0].is_some_and(|p| p.ip().is_loopback()), "{peers:?}");
    server.abort();
}
