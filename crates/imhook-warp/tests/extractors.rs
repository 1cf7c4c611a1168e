//! `verified` mounted in warp filters with `Arc<TencentConfig>` and `Arc<AgoraConfig>`:
//! the application gets a verified, decoded callback and its reply is sent exactly; a
//! rejected request, recovered with `recover`, gets the reply the mounted endpoint
//! sends, without calling the application; copies of a callback reach it once, and a
//! callback it drops unanswered reaches it again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::agora::{AgoraConfig, PostSendEndpoint, PreSendEndpoint};
use imhook_core::tencent::{Reply, TencentConfig, TencentEndpoint};
use imhook_core::{MemoryStore, Secret};
use imhook_warp::{AgoraPostSend, AgoraPreSend, TencentCallback, verified};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use warp::filters::BoxedFilter;
use warp::http::{StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply as _};

#[path = "../../../tests/support/extractor_app.rs"]
mod app;

use app::*;

fn not_now() -> Response {
    warp::reply::with_status("not now", StatusCode::SERVICE_UNAVAILABLE).into_response()
}

/// The Tencent extractor answering with the application's reply.
fn on_tencent(
    config: TencentConfig,
    seen: Arc<Seen>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    verified::<TencentCallback>(Arc::new(config)).then(move |cb: TencentCallback| {
        let seen = seen.clone();
        async move {
            match seen.tencent(&cb) {
                Some(answer) => cb.answer(answer).await.into_response(),
                None => not_now(),
            }
        }
    })
}

/// The Agora post-send extractor answering with the application's ack.
fn on_agora(
    config: AgoraConfig,
    seen: Arc<Seen>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    verified::<AgoraPostSend>(Arc::new(config)).then(move |cb: AgoraPostSend| {
        let seen = seen.clone();
        async move {
            match seen.agora(&cb) {
                AgoraAnswer::Early => not_now(),
                _ => cb.ack().await.into_response(),
            }
        }
    })
}

/// The Agora pre-send extractor answering with the application's decision.
fn on_pre_send(
    config: AgoraConfig,
    seen: Arc<Seen>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    verified::<AgoraPreSend>(Arc::new(config)).then(move |cb: AgoraPreSend| {
        let seen = seen.clone();
        async move {
            match seen.pre_send(&cb) {
                AgoraAnswer::Decide(d) => cb.decide(&d).await.into_response(),
                _ => not_now(),
            }
        }
    })
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

/// The extractors at `/tencent`, `/agora` and `/agora/pre-send` (no method filter, so
/// that the extractor decides), and the same configurations mounted as endpoints under
/// `/route`, all calling one application; rejections recovered with `recover`.
fn app(tencent_dedupe: bool) -> (BoxedFilter<(Response,)>, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let agora = agora_config();
    // The mounted endpoints get stores of their own: their answers must not depend on
    // what the extractors claimed.
    let tencent_route = Arc::new(TencentEndpoint::new(
        tencent_config(tencent_dedupe),
        seen.clone(),
    ));
    let agora_route = Arc::new(PostSendEndpoint::new(agora_config(), seen.clone()).unwrap());
    let pre_send_route = Arc::new(PreSendEndpoint::new(agora_config(), seen.clone()).unwrap());
    let filter = warp::path!("tencent")
        .and(on_tencent(tencent_config(tencent_dedupe), seen.clone()))
        .or(warp::path!("agora").and(on_agora(agora.clone(), seen.clone())))
        .unify()
        .or(warp::path!("agora" / "pre-send").and(on_pre_send(agora, seen.clone())))
        .unify()
        .or(warp::path!("route" / "tencent")
            .and(imhook_warp::endpoint(tencent_route))
            .map(warp::Reply::into_response))
        .unify()
        .or(warp::path!("route" / "agora")
            .and(imhook_warp::endpoint(agora_route))
            .map(warp::Reply::into_response))
        .unify()
        .or(warp::path!("route" / "agora" / "pre-send")
            .and(imhook_warp::endpoint(pre_send_route))
            .map(warp::Reply::into_response))
        .unify()
        .recover(imhook_warp::recover)
        .map(warp::Reply::into_response)
        .boxed();
    (filter, seen)
}

/// What the client sees of a reply.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    body: String,
}

async fn send(
    app: &BoxedFilter<(Response,)>,
    method: &str,
    path: &str,
    query: &str,
    body: &str,
) -> Got {
    let resp = warp::test::request()
        .method(method)
        .path(&format!("{path}?{query}"))
        .body(body)
        .reply(app)
        .await;
    let header = |name| {
        resp.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    Got {
        status: resp.status().as_u16(),
        content_type: header(header::CONTENT_TYPE),
        allow: header(header::ALLOW),
        body: String::from_utf8(resp.body().to_vec()).unwrap(),
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

/// A path ending with `/` is another path, as in axum and actix-web: `verified` rejects
/// it as not found and the application is not called.
#[tokio::test]
async fn a_trailing_slash_is_not_the_extractor() {
    let (app, seen) = app(false);
    let q = tencent_query(APP, TOKEN, GROUP_FULL);
    let got = send(&app, "POST", "/tencent/", &q, &group_full("@TGS#slash")).await;
    assert_eq!(got.status, 404);
    let body = agora_message("org#app_slash", "alice", SECRET);
    assert_eq!(send(&app, "POST", "/agora/", "", &body).await.status, 404);
    assert_eq!(seen.calls(), Vec::<String>::new());
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
    let routes = warp::path!("agora")
        .and(verified::<AgoraPostSend>(Arc::new(agora_config())))
        .then(move |cb: AgoraPostSend| {
            let p = p.clone();
            async move {
                p.lock().unwrap().push(cb.ctx.peer);
                cb.ack().await
            }
        })
        .recover(imhook_warp::recover)
        .unify();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(warp::serve(routes).incoming(listener).run());
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
