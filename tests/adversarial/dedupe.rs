//! De-duplication and replay: which callbacks share a key, which never claim one, that
//! no claim outlives its request, and that log lines never carry raw request text.
//!
//! [`cases`] run on the shared targets. The tests below need other configurations
//! (unsigned requests allowed, Tencent de-duplication on, extractors, several actix-web
//! workers) and mount them on the core and on every framework themselves.

use super::*;
use async_trait::async_trait;
use imhook::agora::{AgoraConfig, PostSendCallback, PostSendEndpoint, UnsignedPolicy};
use imhook::tencent::{TencentCallback, TencentConfig, TencentEndpoint};
use imhook::{BoxError, Endpoint, Inbound, MemoryStore, Outbound, Verify};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The timestamp the Agora requests of this module are signed with.
const TS: i64 = 1_729_499_506_255;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../imhook-core/tests/fixtures/agora/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// `body` with its `callId` replaced and signed again.
fn resigned(body: &str, call_id: &str) -> Value {
    let mut v: Value = serde_json::from_str(body).unwrap();
    let ts = v["timestamp"].to_string();
    v["callId"] = json!(call_id);
    v["security"] = json!(sec(call_id, &ts, SECRET));
    v
}

/// `v` with top-level fields added or replaced; the signature, which covers only
/// `callId` and `timestamp`, still verifies.
fn plus(v: &Value, extra: Value) -> String {
    let mut v = v.clone();
    for (k, val) in extra.as_object().unwrap() {
        v[k] = val.clone();
    }
    v.to_string()
}

fn signed_message(call_id: &str, extra: Value) -> String {
    agora_body(
        call_id,
        json!(TS),
        &sec(call_id, &TS.to_string(), SECRET),
        extra,
    )
}

/// The cases of this group, run by every target.
pub(crate) fn cases(tag: &str) -> Vec<Case> {
    let ack = || Want::Json(json!({}));
    let op = resigned(
        &fixture("group_op_event.CREATE.json"),
        &format!("{tag}_dd_op"),
    );
    let recall = resigned(&fixture("recall.json"), &format!("{tag}_dd_recall"));
    let offline = |to: &str| {
        signed_message(
            &format!("{tag}_dd_offline"),
            json!({"chat_type":"groupchat","eventType":"chat_offline","group_id":"g","to":to}),
        )
    };
    let sep = format!("{tag}_dd_separator");
    vec![
        // One captured group_op_event, replayed with recipients it never had: the
        // family keys on callId alone, so every copy is a duplicate.
        a(
            "captured group_op_event",
            "/agora",
            op.to_string(),
            200,
            ack(),
            1,
        ),
        a(
            "group_op_event replayed with \"to\":\"x1\"",
            "/agora",
            plus(&op, json!({"to":"x1"})),
            200,
            ack(),
            0,
        ),
        a(
            "group_op_event replayed with \"to\":\"x2\"",
            "/agora",
            plus(&op, json!({"to":"x2"})),
            200,
            ack(),
            0,
        ),
        a(
            "group_op_event replayed with eventType and target",
            "/agora",
            plus(&op, json!({"eventType":"chat_offline","target":"x3"})),
            200,
            ack(),
            0,
        ),
        a("recall", "/agora", recall.to_string(), 200, ack(), 1),
        a(
            "recall replayed with another to",
            "/agora",
            plus(&recall, json!({"to":"x1"})),
            200,
            ack(),
            0,
        ),
        // Offline copies of one group message share a callId: one per recipient.
        a(
            "offline copy for alice",
            "/agora",
            offline("alice"),
            200,
            ack(),
            1,
        ),
        a(
            "offline copy for bob",
            "/agora",
            offline("bob"),
            200,
            ack(),
            1,
        ),
        a(
            "offline copy for bob again",
            "/agora",
            offline("bob"),
            200,
            ack(),
            0,
        ),
        // Key parts holding the old separator do not make two callbacks one.
        a(
            "to starting with U+001F",
            "/agora",
            signed_message(&sep, json!({"eventType":"chat","to":"\u{1f}x"})),
            200,
            ack(),
            1,
        ),
        a(
            "eventType ending with U+001F",
            "/agora",
            signed_message(&sep, json!({"eventType":"chat\u{1f}","to":"x"})),
            200,
            ack(),
            1,
        ),
    ]
}

// ---------------------------------------------------------------------------
// Mounted with other configurations, on the core and every framework
// ---------------------------------------------------------------------------

fn marker(raw: &str, key: &str) -> String {
    serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|v| v.get(key).and_then(|g| g.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// The application of the variant targets: counts every call, through the mounted
/// endpoints and through the extractors alike.
#[derive(Default)]
struct Counter {
    calls: AtomicUsize,
    returned_early: Mutex<HashSet<String>>,
    /// Handler runs cut short by the request being cancelled.
    cancelled: AtomicUsize,
}

impl Counter {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// An extractor application; with `"from":"early"` it returns early without
    /// answering the first time it sees a callId (the callback is dropped).
    async fn agora(&self, cb: PostSendCallback) -> Outbound {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let id = cb.ctx.call_id.clone().unwrap_or_default();
        if marker(cb.ctx.raw_json(), "from") == "early"
            && self.returned_early.lock().unwrap().insert(id)
        {
            return Outbound::text(503, "not now");
        }
        cb.ack().await
    }

    async fn tencent(&self, cb: TencentCallback) -> Outbound {
        self.calls.fetch_add(1, Ordering::SeqCst);
        cb.ack().await
    }
}

#[async_trait]
impl imhook::agora::CallbackHandler for Counter {
    async fn handle(
        &self,
        ctx: &imhook::agora::AgoraContext,
        _event: imhook::agora::AgoraEvent,
    ) -> Result<(), BoxError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let id = ctx.call_id.clone().unwrap_or_default();
        if marker(ctx.raw_json(), "from") == "hang"
            && self.returned_early.lock().unwrap().insert(id)
        {
            /// Counts the handler futures dropped before they finished.
            struct Running<'a>(&'a AtomicUsize);
            impl Drop for Running<'_> {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }
            let running = Running(&self.cancelled);
            tokio::time::sleep(Duration::from_secs(20)).await;
            std::mem::forget(running);
        }
        Ok(())
    }
}

#[async_trait]
impl imhook::tencent::CallbackHandler for Counter {
    async fn handle(
        &self,
        _ctx: &imhook::tencent::TencentContext,
        event: imhook::tencent::TencentEvent,
    ) -> Result<imhook::tencent::Answer, BoxError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(imhook::tencent::Answer::default_for(&event))
    }
}

/// Tencent with de-duplication on, Agora accepting unsigned requests; each mounted
/// endpoint (`/tencent`, `/agora`) and each extractor (`/tencent-verify`,
/// `/agora-verify`).
#[derive(Clone)]
struct Parts {
    counter: Arc<Counter>,
    tencent: Arc<TencentEndpoint>,
    tencent_verify: Arc<TencentConfig>,
    agora: Arc<PostSendEndpoint>,
    agora_verify: Arc<AgoraConfig>,
}

fn parts() -> Parts {
    let counter = Arc::new(Counter::default());
    let tencent = TencentConfig::new(APP)
        .token(Secret::new(TOKEN).unwrap())
        .dedupe(Arc::new(MemoryStore::default()), Duration::from_secs(300));
    let agora = AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(MemoryStore::default()))
        .unsigned(UnsignedPolicy::AllowUnsigned)
        .post_send_deadline(Duration::from_secs(30));
    Parts {
        tencent: Arc::new(TencentEndpoint::new(tencent.clone(), counter.clone())),
        tencent_verify: Arc::new(tencent),
        agora: Arc::new(PostSendEndpoint::new(agora.clone(), counter.clone()).unwrap()),
        agora_verify: Arc::new(agora),
        counter,
    }
}

enum Via {
    Core(Parts),
    Http(SocketAddr),
}

struct Mounted {
    name: &'static str,
    counter: Arc<Counter>,
    via: Via,
}

impl Mounted {
    async fn send(&self, route: &'static str, query: &str, body: &str) -> (u16, String) {
        match &self.via {
            Via::Http(addr) => {
                let req = Request {
                    method: "POST",
                    route,
                    query: query.to_owned(),
                    body: body.as_bytes().to_vec(),
                    mode: BodyMode::Length,
                };
                let resp = client::send(*addr, &req).await.unwrap();
                (resp.status, resp.body_text())
            }
            Via::Core(p) => {
                let req = Inbound::post(query, body.to_owned());
                let out = match route {
                    "/tencent" => p.tencent.handle(req).await,
                    "/agora" => p.agora.handle(req).await,
                    "/tencent-verify" => match p.tencent_verify.verify(req).await {
                        Ok(cb) => p.counter.tencent(cb).await,
                        Err(out) => out,
                    },
                    _ => match p.agora_verify.verify_post_send(req).await {
                        Ok(cb) => p.counter.agora(cb).await,
                        Err(out) => out,
                    },
                };
                (out.status, out.body_text().into_owned())
            }
        }
    }
}

#[derive(Clone)]
struct AxumState(Parts);

impl axum::extract::FromRef<AxumState> for Arc<TencentConfig> {
    fn from_ref(s: &AxumState) -> Self {
        s.0.tencent_verify.clone()
    }
}

impl axum::extract::FromRef<AxumState> for Arc<AgoraConfig> {
    fn from_ref(s: &AxumState) -> Self {
        s.0.agora_verify.clone()
    }
}

async fn mount_axum(p: Parts) -> SocketAddr {
    use axum::extract::State;
    use axum::routing::post;
    let app = axum::Router::new()
        .route("/tencent", imhook::axum::endpoint(p.tencent.clone()))
        .route("/agora", imhook::axum::endpoint(p.agora.clone()))
        .route(
            "/tencent-verify",
            post(
                |State(s): State<AxumState>, cb: imhook::axum::TencentCallback| async move {
                    imhook::axum::CallbackResponse(s.0.counter.tencent(cb.0).await)
                },
            ),
        )
        .route(
            "/agora-verify",
            post(
                |State(s): State<AxumState>, cb: imhook::axum::AgoraPostSend| async move {
                    imhook::axum::CallbackResponse(s.0.counter.agora(cb.0).await)
                },
            ),
        )
        .with_state(AxumState(p));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn mount_actix(p: Parts) -> SocketAddr {
    use actix_web::web;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(web::Data::from(p.tencent_verify.clone()))
                    .app_data(web::Data::from(p.agora_verify.clone()))
                    .app_data(web::Data::from(p.counter.clone()))
                    .service(imhook::actix::endpoint("/tencent", p.tencent.clone()))
                    .service(imhook::actix::endpoint("/agora", p.agora.clone()))
                    .route(
                        "/tencent-verify",
                        web::post().to(
                            |cb: imhook::actix::TencentCallback, c: web::Data<Counter>| async move {
                                imhook::actix::CallbackResponse(c.tencent(cb.0).await)
                            },
                        ),
                    )
                    .route(
                        "/agora-verify",
                        web::post().to(
                            |cb: imhook::actix::AgoraPostSend, c: web::Data<Counter>| async move {
                                imhook::actix::CallbackResponse(c.agora(cb.0).await)
                            },
                        ),
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
    addr
}

async fn mount_warp(p: Parts) -> SocketAddr {
    use warp::Filter;
    let (c1, c2) = (p.counter.clone(), p.counter.clone());
    let routes = warp::path!("tencent")
        .and(imhook::warp::endpoint(p.tencent.clone()))
        .or(warp::path!("agora").and(imhook::warp::endpoint(p.agora.clone())))
        .unify()
        .or(warp::path!("tencent-verify")
            .and(imhook::warp::verified::<imhook::warp::TencentCallback>(
                p.tencent_verify.clone(),
            ))
            .then(move |cb: imhook::warp::TencentCallback| {
                let c = c1.clone();
                async move { imhook::warp::CallbackResponse(c.tencent(cb.0).await) }
            }))
        .unify()
        .or(warp::path!("agora-verify")
            .and(imhook::warp::verified::<imhook::warp::AgoraPostSend>(
                p.agora_verify.clone(),
            ))
            .then(move |cb: imhook::warp::AgoraPostSend| {
                let c = c2.clone();
                async move { imhook::warp::CallbackResponse(c.agora(cb.0).await) }
            }))
        .unify()
        .recover(imhook::warp::recover)
        .unify();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    addr
}

/// The variant configuration on the core and on each framework, each with its own
/// application and stores.
async fn mounted() -> Vec<Mounted> {
    let mut all = Vec::new();
    let p = parts();
    all.push(Mounted {
        name: "core",
        counter: p.counter.clone(),
        via: Via::Core(p),
    });
    let p = parts();
    all.push(Mounted {
        name: "axum",
        counter: p.counter.clone(),
        via: Via::Http(mount_axum(p).await),
    });
    let p = parts();
    all.push(Mounted {
        name: "actix",
        counter: p.counter.clone(),
        via: Via::Http(mount_actix(p)),
    });
    let p = parts();
    all.push(Mounted {
        name: "warp",
        counter: p.counter.clone(),
        via: Via::Http(mount_warp(p).await),
    });
    all
}

/// Sends `body` to `route` of `m` and checks the status and how many handler calls
/// it made.
async fn expect(
    m: &Mounted,
    route: &'static str,
    query: &str,
    body: &str,
    status: u16,
    calls: usize,
    what: &str,
) {
    let before = m.counter.calls();
    let (got, text) = m.send(route, query, body).await;
    assert_eq!(got, status, "[{}] {route} {what}: {text}", m.name);
    assert_eq!(
        m.counter.calls() - before,
        calls,
        "[{}] {route} {what}: handler calls",
        m.name
    );
}

/// An unsigned body carrying a genuine callId never claims it: every unsigned copy is
/// delivered (unauthenticated), and the provider's signed callback still is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_requests_never_claim_a_key() {
    for m in mounted().await {
        for route in ["/agora", "/agora-verify"] {
            let id = format!("{}{route}_unsigned", m.name);
            let signed = signed_message(&id, json!({}));
            let mut unsigned: Value = serde_json::from_str(&signed).unwrap();
            unsigned.as_object_mut().unwrap().remove("security");
            let unsigned = unsigned.to_string();
            expect(&m, route, "", &unsigned, 200, 1, "unsigned copy").await;
            expect(&m, route, "", &unsigned, 200, 1, "unsigned copy again").await;
            expect(
                &m,
                route,
                "",
                &signed,
                200,
                1,
                "signed callback after unsigned copies",
            )
            .await;
            expect(&m, route, "", &signed, 200, 0, "signed duplicate").await;
            expect(
                &m,
                route,
                "",
                &unsigned,
                200,
                1,
                "unsigned copy after the signed one",
            )
            .await;
        }
    }
}

/// An extractor application that returns early without answering drops its claim:
/// the provider's retry reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_dropped_unanswered_is_handled_on_retry() {
    for m in mounted().await {
        let id = format!("{}_dropped", m.name);
        let body = signed_message(&id, json!({"from":"early"}));
        expect(&m, "/agora-verify", "", &body, 503, 1, "returned early").await;
        expect(&m, "/agora-verify", "", &body, 200, 1, "retry").await;
        expect(
            &m,
            "/agora-verify",
            "",
            &body,
            200,
            0,
            "duplicate of the handled retry",
        )
        .await;
    }
}

/// An identical signed Tencent After callback replayed inside the freshness window is
/// handled once when de-duplication is on, through the endpoint and the extractor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_replays_in_the_window_are_handled_once() {
    let now = now();
    for m in mounted().await {
        for route in ["/tencent", "/tencent-verify"] {
            let body = after(&format!("@TGS#{}{route}", m.name));
            for (i, dt) in [0, 0, 5, 120].into_iter().enumerate() {
                let t = (now - dt).to_string();
                let q = tq_raw(&APP.to_string(), &sign(TOKEN, &t), &t);
                expect(&m, route, &q, &body, 200, usize::from(i == 0), "replay").await;
            }
        }
    }
}

/// An app that builds its configuration inside `HttpServer::new` gets one per worker;
/// they still share one store, so a callback sent several times is handled once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_workers_with_their_own_config_share_one_store() {
    let recorder = Arc::new(handlers::Recorder::default());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let r = recorder.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                let config = AgoraConfig::new().secret(Secret::new(SECRET).unwrap());
                let endpoint = PostSendEndpoint::new(config, r.clone()).unwrap();
                actix_web::App::new().service(imhook::actix::endpoint("/agora", Arc::new(endpoint)))
            })
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
            .unwrap();
        });
    });
    let id = "actix-workers_per-worker-config";
    let req = Request {
        method: "POST",
        route: "/agora",
        query: String::new(),
        body: signed_message(id, json!({})).into_bytes(),
        mode: BodyMode::Length,
    };
    // one connection per request, so both workers get some
    for _ in 0..8 {
        let resp = client::send(addr, &req).await.unwrap();
        assert_eq!(resp.status, 200, "{}", resp.body_text());
    }
    let concurrent: Vec<_> = (0..8)
        .map(|_| {
            let req = req.clone();
            tokio::spawn(async move { client::send(addr, &req).await.unwrap().status })
        })
        .collect();
    for t in concurrent {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(
        recorder.calls.load(Ordering::SeqCst),
        1,
        "the callback reached the handler once per worker"
    );
}

/// Request-derived values (the Agora kind id, read from the unsigned body; the Tencent
/// command) reach the log escaped: no raw newline can forge a line, no terminal escape
/// sequence reaches the operator's terminal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_values_are_escaped_in_log_lines() {
    let logs = logs();
    let targets = [
        servers::core(),
        servers::axum().await,
        servers::actix().await,
        servers::warp().await,
    ];
    for target in &targets {
        let forged = format!("x\nFORGED-{} level=ERROR \u{1b}[31mred", target.name);
        let op = json!({"chat_type":"muc","payload":{"operation": forged}});
        let unsigned = op.to_string();
        let id = format!("{}_log_forging", target.name);
        let signed = agora_body(&id, json!(TS), &sec(&id, &TS.to_string(), SECRET), op);
        let t = now().to_string();
        let command = format!("Group.X%0AFORGED-{}%1B%5B31m", target.name);
        let query = tq_raw(&APP.to_string(), &sign(TOKEN, &t), &t).replace(AFTER, &command);
        let body = json!({"CallbackCommand": format!("Other\nFORGED-{}\u{1b}[0m", target.name)})
            .to_string();
        for (route, query, body, status) in [
            ("/agora", String::new(), unsigned, 401),
            ("/agora", String::new(), signed, 200),
            ("/tencent", query, body, 200),
        ] {
            let req = Request {
                method: "POST",
                route,
                query,
                body: body.into_bytes(),
                mode: BodyMode::Length,
            };
            let resp = target.send(&req).await.unwrap();
            assert_eq!(
                resp.status,
                status,
                "[{}] {route}: {}",
                target.name,
                resp.body_text()
            );
        }
    }
    let captured = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for target in &targets {
        let name = target.name;
        assert!(
            captured.contains(&format!("\\nFORGED-{name} level=ERROR \\u{{1b}}[31mred")),
            "[{name}] the Agora kind id was not logged escaped"
        );
        assert!(
            captured.contains(&format!("Group.X\\nFORGED-{name}\\u{{1b}}[31m")),
            "[{name}] the Tencent command was not logged escaped"
        );
        assert!(
            !captured.contains(&format!("\nFORGED-{name}")),
            "[{name}] a raw newline from a request reached the log"
        );
    }
    assert!(
        !captured.contains('\u{1b}'),
        "an escape character from a request reached the log"
    );
}

/// A request whose client goes away while the handler runs: where the server cancels
/// the request (core, axum, warp), its claim is released and the provider's retry
/// reaches the handler; where it lets the handler run on (actix-web), the retry is a
/// duplicate of a callback still being handled, never a lost one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cancelled_mid_handler_is_handled_on_retry() {
    use tokio::io::AsyncWriteExt;
    for m in mounted().await {
        let id = format!("{}_cancelled", m.name);
        let body = signed_message(&id, json!({"from":"hang"}));
        let before = m.counter.calls();
        match &m.via {
            Via::Core(_) => {
                let sent =
                    tokio::time::timeout(Duration::from_millis(300), m.send("/agora", "", &body))
                        .await;
                assert!(sent.is_err(), "[core] the handler should still be running");
            }
            Via::Http(addr) => {
                let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                let head = format!(
                    "POST /agora HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).await.unwrap();
                stream.write_all(body.as_bytes()).await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
                drop(stream); // the client goes away
            }
        }
        assert_eq!(m.counter.calls() - before, 1, "[{}] first delivery", m.name);
        let waited = std::time::Instant::now();
        while m.counter.cancelled.load(Ordering::SeqCst) == 0
            && waited.elapsed() < Duration::from_secs(2)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let cancelled = m.counter.cancelled.load(Ordering::SeqCst) == 1;
        if m.name == "core" {
            assert!(
                cancelled,
                "[core] dropping the request future cancels the handler"
            );
        }
        let retry = usize::from(cancelled);
        expect(
            &m,
            "/agora",
            "",
            &body,
            200,
            retry,
            "retry after the client left",
        )
        .await;
        expect(&m, "/agora", "", &body, 200, 0, "later duplicate").await;
    }
}
