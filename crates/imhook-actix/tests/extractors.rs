//! The extractors mounted in an actix-web app: `TencentCallback` and
//! `AgoraPostSend` / `AgoraPreSend` hand the application a verified, decoded callback and send
//! its reply exactly; a rejected request gets the reply the mounted route sends, without
//! calling the application; copies of a callback reach it once, and a callback it drops
//! unanswered reaches it again; an app without the extractor's configuration answers
//! 500.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::test::{self, TestRequest};
use actix_web::{App, Either, HttpResponse, web};
use imhook_actix::{AgoraPostSend, AgoraPreSend, CallbackResponse, TencentCallback};
use imhook_core::agora::{AgoraConfig, PostSendEndpoint, PreSendEndpoint};
use imhook_core::tencent::{Reply, TencentConfig, TencentEndpoint};
use imhook_core::{MemoryStore, Secret};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "../../../tests/support/extractor_app.rs"]
mod app;

use app::*;

async fn on_tencent(
    cb: TencentCallback,
    seen: web::Data<Seen>,
) -> Either<CallbackResponse, HttpResponse> {
    match seen.tencent(&cb) {
        Some(answer) => Either::Left(cb.answer(answer).await),
        None => Either::Right(HttpResponse::ServiceUnavailable().body("not now")),
    }
}

async fn on_agora(
    cb: AgoraPostSend,
    seen: web::Data<Seen>,
) -> Either<CallbackResponse, HttpResponse> {
    match seen.agora(&cb) {
        AgoraAnswer::Early => Either::Right(HttpResponse::ServiceUnavailable().body("not now")),
        _ => Either::Left(cb.ack().await),
    }
}

async fn on_pre_send(
    cb: AgoraPreSend,
    seen: web::Data<Seen>,
) -> Either<CallbackResponse, HttpResponse> {
    match seen.pre_send(&cb) {
        AgoraAnswer::Decide(d) => Either::Left(cb.decide(&d).await),
        _ => Either::Right(HttpResponse::ServiceUnavailable().body("not now")),
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
/// the extractor decides), their configurations in `web::Data`, and the same
/// configurations mounted as routes under `/route`, all calling one application.
async fn app(
    tencent_dedupe: bool,
) -> (
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    Arc<Seen>,
) {
    let seen = Arc::new(Seen::default());
    let agora = agora_config();
    // The mounted routes get stores of their own: their answers must not depend on
    // what the extractors claimed.
    let app = App::new()
        .app_data(web::Data::from(seen.clone()))
        .app_data(web::Data::new(tencent_config(tencent_dedupe)))
        .app_data(web::Data::new(agora.clone()))
        .service(imhook_actix::endpoint(
            "/route/tencent",
            Arc::new(TencentEndpoint::new(
                tencent_config(tencent_dedupe),
                seen.clone(),
            )),
        ))
        .service(imhook_actix::endpoint(
            "/route/agora",
            Arc::new(PostSendEndpoint::new(agora_config(), seen.clone()).unwrap()),
        ))
        .service(imhook_actix::endpoint(
            "/route/agora/pre-send",
            Arc::new(PreSendEndpoint::new(agora_config(), seen.clone()).unwrap()),
        ))
        .route("/tencent", web::route().to(on_tencent))
        .route("/agora", web::route().to(on_agora))
        .service(
            web::resource("/agora/pre-send")
                .app_data(web::Data::new(agora))
                .route(web::route().to(on_pre_send)),
        );
    (test::init_service(app).await, seen)
}

/// What the client sees of a reply.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    body: String,
}

async fn send<S, B>(app: &S, method: &str, path: &str, query: &str, body: &str) -> Got
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(&format!("{path}?{query}"))
        .set_payload(body.to_owned())
        .to_request();
    let resp = test::call_service(app, req).await;
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
    let body = test::read_body(resp).await;
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
// ---------------------------------------------------------------------------
// Tencent
// ---------------------------------------------------------------------------

#[actix_web::test]
async fn tencent_callback_reaches_the_application_and_its_reply_is_sent() {
    let (app, seen) = app(false).await;
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

#[actix_web::test]
async fn tencent_rejections_are_the_routes_and_skip_the_application() {
    let (app, seen) = app(false).await;
    for (what, method, query, body, want) in tencent_rejections() {
        let got = send(&app, method, "/tencent", &query, &body).await;
        assert_eq!(got, want, "{what}");
        let route = send(&app, method, "/route/tencent", &query, &body).await;
        assert_eq!(got, route, "{what}: the extractor and the route differ");
    }
    assert_eq!(seen.calls(), Vec::<String>::new());
}

#[actix_web::test]
async fn tencent_replays_reach_the_application_once_with_dedupe() {
    let (app, seen) = app(true).await;
    let body = group_full("@TGS#replayed");
    for _ in 0..3 {
        let q = tencent_query(APP, TOKEN, GROUP_FULL);
        let got = send(&app, "POST", "/tencent", &q, &body).await;
        assert_eq!(got, json_reply(200, Reply::OK_JSON));
    }
    assert_eq!(seen.calls(), ["Group.CallbackAfterGroupFull @TGS#replayed"]);
}

#[actix_web::test]
async fn tencent_callback_dropped_unanswered_reaches_the_application_again() {
    let (app, seen) = app(true).await;
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

#[actix_web::test]
async fn agora_post_send_callback_reaches_the_application_and_is_acked() {
    let (app, seen) = app(false).await;
    let body = agora_message("org#app_1", "alice", SECRET);
    let got = send(&app, "POST", "/agora", "", &body).await;
    assert_eq!(got, json_reply(200, "{}"));
    assert_eq!(seen.calls(), ["message/chat org#app_1 alice"]);
}

#[actix_web::test]
async fn agora_pre_send_decision_is_sent() {
    let (app, seen) = app(false).await;
    let body = agora_pre_send("org#app_2", "hello there");
    let got = send(&app, "POST", "/agora/pre-send", "", &body).await;
    assert_eq!(got, json_reply(200, r#"{"valid":false,"code":"HX:10001"}"#));
    assert_eq!(seen.calls(), ["pre_send org#app_2 hello there"]);
}

#[actix_web::test]
async fn agora_rejections_are_the_routes_and_skip_the_application() {
    let (app, seen) = app(false).await;
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

#[actix_web::test]
async fn agora_duplicate_reaches_the_application_once() {
    let (app, seen) = app(false).await;
    let body = agora_message("org#app_4", "alice", SECRET);
    for _ in 0..2 {
        let got = send(&app, "POST", "/agora", "", &body).await;
        assert_eq!(got, json_reply(200, "{}"));
    }
    assert_eq!(seen.calls(), ["message/chat org#app_4 alice"]);
}

#[actix_web::test]
async fn agora_callback_dropped_unanswered_reaches_the_application_again() {
    let (app, seen) = app(false).await;
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
// Configuration missing
// ---------------------------------------------------------------------------

/// An app that lacks `web::Data<TencentConfig>` or `web::Data<AgoraVerifier>` answers
/// 500, as documented, and never calls the application.
#[actix_web::test]
async fn extractors_without_their_configuration_answer_500() {
    let seen = Arc::new(Seen::default());
    let app = test::init_service(
        App::new()
            .app_data(web::Data::from(seen.clone()))
            .route("/tencent", web::route().to(on_tencent))
            .route("/agora", web::route().to(on_agora)),
    )
    .await;
    let want = text_reply(500, "callback endpoint not configured", None);
    let q = tencent_query(APP, TOKEN, GROUP_FULL);
    let got = send(
        &app,
        "POST",
        "/tencent",
        &q,
        &group_full("@TGS#unconfigured"),
    )
    .await;
    assert_eq!(got, want);
    let body = agora_message("org#app_unconfigured", "alice", SECRET);
    assert_eq!(send(&app, "POST", "/agora", "", &body).await, want);
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

#[actix_web::test]
async fn over_a_socket_the_callback_carries_the_peer() {
    let peers = Arc::new(Mutex::new(Vec::new()));
    let verifier = Arc::new(agora_config());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let p = peers.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                let p = p.clone();
                App::new()
                    .app_data(web::Data::from(verifier.clone()))
                    .route(
                        "/agora",
                        web::post().to(move |cb: AgoraPostSend| {
                            let p = p.clone();
                            async move {
                                p.lock().unwrap().push(cb.ctx.peer);
                                cb.ack().await
                            }
                        }),
                    )
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
    let reply = raw_exchange(addr, "/agora", &agora_message("org#app_5", "alice", SECRET)).await;
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\n{}"), "{reply}");
    let reply = raw_exchange(addr, "/agora", &agora_message("org#app_5", "alice", "x")).await;
    assert!(reply.starts_with("HTTP/1.1 401 "), "{reply}");
    assert!(reply.ends_with(r#"{"error":"unauthorized"}"#), "{reply}");
    let peers = peers.lock().unwrap().clone();
    assert_eq!(peers.len(), 1);
    assert!(peers[0].is_some_and(|p| p.ip().is_loopback()), "{peers:?}");
}
