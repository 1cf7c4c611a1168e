//! The tower service, driven with `oneshot` and over real HTTP (hyper 1), and compared
//! with the axum adapter: both must send the same replies.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bytes::Bytes;
use futures_util::StreamExt;
use http::{Method, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use imhook::agora::{self, AgoraConfig, AgoraEvent, PostSendEndpoint};
use imhook::tencent::{self, Answer, TencentConfig, TencentEndpoint, TencentEvent};
use imhook::tower::{CallbackLayer, CallbackService, PeerAddr};
use imhook::{BoxError, Endpoint, MemoryStore, Secret, async_trait};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::{Layer, ServiceExt, service_fn};

const APP: u64 = 1_400_000_001;
const TOKEN: &str = "xxxxyyyy";
const SECRET: &str = "imhook-fixture-secret";
const LIMIT: usize = 1024;

#[derive(Default)]
struct Counter {
    tencent: AtomicUsize,
    agora: AtomicUsize,
    agora_peer: std::sync::Mutex<Option<SocketAddr>>,
}

#[async_trait]
impl tencent::CallbackHandler for Counter {
    async fn handle(
        &self,
        _: &tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<Answer, BoxError> {
        self.tencent.fetch_add(1, Ordering::SeqCst);
        Ok(Answer::default_for(&event))
    }
}

#[async_trait]
impl agora::CallbackHandler for Counter {
    async fn handle(&self, ctx: &agora::AgoraContext, _: AgoraEvent) -> Result<(), BoxError> {
        self.agora.fetch_add(1, Ordering::SeqCst);
        *self.agora_peer.lock().unwrap() = ctx.peer;
        Ok(())
    }
}

fn tencent_config() -> TencentConfig {
    TencentConfig::new(APP)
        .token(Secret::new(TOKEN).unwrap())
        .body_limit(LIMIT)
}

fn tencent_endpoint(counter: &Arc<Counter>) -> Arc<dyn Endpoint> {
    Arc::new(TencentEndpoint::new(tencent_config(), counter.clone()))
}

fn agora_config() -> AgoraConfig {
    AgoraConfig::new()
        .store(Arc::new(MemoryStore::default()))
        .secret(Secret::new(SECRET).unwrap())
        .body_limit(LIMIT)
}

fn tencent_query(token: &str) -> String {
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sign = tencent::sign(&Secret::new(token).unwrap(), &time);
    format!(
        "SdkAppid={APP}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json&ClientIP=203.0.113.7&OptPlatform=RESTAPI&Sign={sign}&RequestTime={time}"
    )
}

const TENCENT_BODY: &str = r#"{"CallbackCommand":"C2C.CallbackAfterSendMsg","From_Account":"jared","To_Account":"Jonh","MsgSeq":48374,"MsgRandom":2837546,"MsgTime":1557481126,"MsgKey":"48374_2837546_1557481126","OnlineOnlyFlag":1,"SendMsgResult":0,"ErrorInfo":"send msg succeed","UnreadMsgNum":7,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}"#;

fn agora_message(call_id: &str) -> String {
    let ts = 1_729_499_506_255i64;
    let security = agora::security(call_id, &Secret::new(SECRET).unwrap(), &ts.to_string());
    serde_json::json!({
        "callId": call_id, "timestamp": ts, "security": security,
        "chat_type": "chat", "eventType": "chat", "from": "u1", "to": "u2", "msg_id": "1",
        "payload": {"ext": {}, "bodies": [{"type": "txt", "msg": "hi"}]},
    })
    .to_string()
}

fn request(method: Method, query: &str, body: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(format!("/tencent?{query}"))
        .header("content-length", body.len())
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

async fn parts<B: http_body::Body>(resp: Response<B>) -> (StatusCode, http::HeaderMap, Bytes)
where
    B::Error: std::fmt::Debug,
{
    let (parts, body) = resp.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

#[tokio::test]
async fn signed_tencent_callback_is_handled_once() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::new(tencent_endpoint(&counter));
    let resp = service
        .oneshot(request(Method::POST, &tencent_query(TOKEN), TENCENT_BODY))
        .await
        .unwrap();
    let (status, headers, body) = parts(resp).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers.get("connection").is_none());
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["ActionStatus"], "OK");
    assert_eq!(body["ErrorCode"], 0);
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn bad_sign_is_401_and_not_handled() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::new(tencent_endpoint(&counter));
    let resp = service
        .oneshot(request(
            Method::POST,
            &tencent_query("wrong-token"),
            TENCENT_BODY,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn lowercase_post_is_405_with_allow() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::new(tencent_endpoint(&counter));
    let method = Method::from_bytes(b"post").unwrap();
    let resp = service
        .oneshot(request(method, &tencent_query(TOKEN), TENCENT_BODY))
        .await
        .unwrap();
    let (status, headers, body) = parts(resp).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "POST");
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(body, "method not allowed");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn oversized_content_length_is_413_without_reading_the_body() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::new(tencent_endpoint(&counter));
    let polled = Arc::new(AtomicBool::new(false));
    let flag = polled.clone();
    let body = StreamBody::new(futures_util::stream::poll_fn(move |_| {
        flag.store(true, Ordering::SeqCst);
        Poll::<Option<Result<Frame<Bytes>, Infallible>>>::Ready(None)
    }));
    let req = Request::post(format!("/tencent?{}", tencent_query(TOKEN)))
        .header("content-length", LIMIT + 1)
        .body(body)
        .unwrap();
    let resp = service.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.headers()["connection"], "close");
    assert!(!polled.load(Ordering::SeqCst), "the body was read");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_413() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::new(tencent_endpoint(&counter));
    let chunks = (0..3).map(|_| Ok::<_, Infallible>(Frame::data(Bytes::from(vec![b' '; 400]))));
    let req = Request::post(format!("/tencent?{}", tencent_query(TOKEN)))
        .body(StreamBody::new(futures_util::stream::iter(chunks)))
        .unwrap();
    let resp = service.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.headers()["connection"], "close");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn stalled_body_is_408_after_the_read_timeout() {
    let counter = Arc::new(Counter::default());
    let config = tencent_config().read_timeout(Some(Duration::from_millis(100)));
    let service = CallbackService::tencent(config, counter.clone());
    let stalled = futures_util::stream::iter([Ok::<_, Infallible>(Frame::data(Bytes::from("{")))])
        .chain(futures_util::stream::pending());
    let req = Request::post(format!("/tencent?{}", tencent_query(TOKEN)))
        .header("content-length", 100)
        .body(StreamBody::new(stalled))
        .unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(10), service.oneshot(req))
        .await
        .expect("no reply to a stalled body")
        .unwrap();
    let (status, headers, body) = parts(resp).await;
    assert_eq!(status, 408);
    assert_eq!(headers["connection"], "close");
    assert_eq!(body, "request timeout");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn peer_address_extension_reaches_the_context() {
    let counter = Arc::new(Counter::default());
    let service = CallbackService::agora_post_send(agora_config(), counter.clone()).unwrap();
    let peer: SocketAddr = "203.0.113.7:4711".parse().unwrap();
    let body = agora_message("tower_peer");
    let mut req = Request::post("/agora")
        .header("content-length", body.len())
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    req.extensions_mut().insert(PeerAddr(peer));
    let (status, _, body) = parts(service.oneshot(req).await.unwrap()).await;
    assert_eq!((status.as_u16(), &body[..]), (200, &b"{}"[..]));
    assert_eq!(counter.agora.load(Ordering::SeqCst), 1);
    assert_eq!(*counter.agora_peer.lock().unwrap(), Some(peer));
}

/// Every reply of the tower service is the axum adapter's, header for header.
#[tokio::test]
async fn replies_match_the_axum_adapter() {
    let counter = Arc::new(Counter::default());
    let endpoint = tencent_endpoint(&counter);
    let cases: Vec<(Method, String, String, Option<usize>)> = vec![
        (
            Method::POST,
            tencent_query(TOKEN),
            TENCENT_BODY.into(),
            None,
        ),
        (
            Method::POST,
            tencent_query("wrong"),
            TENCENT_BODY.into(),
            None,
        ),
        (Method::GET, String::new(), String::new(), None),
        (
            Method::from_bytes(b"post").unwrap(),
            tencent_query(TOKEN),
            TENCENT_BODY.into(),
            None,
        ),
        (
            Method::POST,
            tencent_query(TOKEN),
            "{}".into(),
            Some(LIMIT + 1),
        ),
        (Method::POST, tencent_query(TOKEN), "not json".into(), None),
        (Method::POST, "SdkAppid=1".into(), TENCENT_BODY.into(), None),
    ];
    for (method, query, body, declared) in cases {
        let len = declared.unwrap_or(body.len());
        let build = || {
            Request::builder()
                .method(method.clone())
                .uri(format!("/tencent?{query}"))
                .header("content-length", len)
        };
        let ours = CallbackService::new(endpoint.clone())
            .oneshot(build().body(Full::new(Bytes::from(body.clone()))).unwrap())
            .await
            .unwrap();
        let theirs = axum::Router::new()
            .route("/tencent", imhook::axum::endpoint(endpoint.clone()))
            .oneshot(build().body(axum::body::Body::from(body.clone())).unwrap())
            .await
            .unwrap();
        let (ours, theirs) = (parts(ours).await, parts(theirs).await);
        assert_eq!(ours.0, theirs.0, "{method} {query}");
        for name in ["content-type", "allow", "connection"] {
            assert_eq!(
                ours.1.get(name),
                theirs.1.get(name),
                "{name}: {method} {query}"
            );
        }
        // Tencent replies carry no per-request value: the bodies are equal byte for byte.
        assert_eq!(ours.2, theirs.2, "{method} {query}");
    }
}

#[tokio::test]
async fn layer_routes_its_path_and_passes_the_rest_on() {
    let counter = Arc::new(Counter::default());
    let fallback = service_fn(|req: Request<Full<Bytes>>| async move {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(format!(
            "inner {}",
            req.uri().path()
        )))))
    });
    let app = CallbackLayer::new("/tencent", CallbackService::new(tencent_endpoint(&counter)))
        .layer(fallback);
    let resp = app
        .clone()
        .oneshot(request(Method::POST, &tencent_query(TOKEN), TENCENT_BODY))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 1);
    let other = Request::post("/tencent/other")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (status, _, body) = parts(app.oneshot(other).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body, "inner /tencent/other");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 1);
}

async fn serve<S, B>(app: S) -> SocketAddr
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// One HTTP/1.1 request on a fresh connection: the status and the body of the reply.
async fn post(addr: SocketAddr, target: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut reply))
        .await
        .unwrap()
        .unwrap();
    let reply = String::from_utf8(reply).unwrap();
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let body = reply.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test]
async fn hyper_serves_signed_tencent_and_agora_callbacks() {
    let counter = Arc::new(Counter::default());
    let agora = PostSendEndpoint::new(agora_config(), counter.clone()).unwrap();
    let fallback = service_fn(|_req: Request<hyper::body::Incoming>| async {
        let mut resp = Response::new(Full::new(Bytes::from_static(b"not found")));
        *resp.status_mut() = StatusCode::NOT_FOUND;
        Ok::<_, Infallible>(resp)
    });
    let app = CallbackLayer::new("/tencent", CallbackService::new(tencent_endpoint(&counter)))
        .layer(CallbackLayer::new("/agora", CallbackService::new(Arc::new(agora))).layer(fallback));
    let addr = serve(app).await;

    let (status, body) = post(
        addr,
        &format!("/tencent?{}", tencent_query(TOKEN)),
        TENCENT_BODY,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["ActionStatus"], "OK");
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 1);

    let (status, body) = post(addr, "/agora", &agora_message("tower_1")).await;
    assert_eq!((status, body.as_str()), (200, "{}"));
    assert_eq!(counter.agora.load(Ordering::SeqCst), 1);

    let (status, _) = post(addr, "/elsewhere", "{}").await;
    assert_eq!(status, 404);
    assert_eq!(counter.tencent.load(Ordering::SeqCst), 1);
    assert_eq!(counter.agora.load(Ordering::SeqCst), 1);
}
