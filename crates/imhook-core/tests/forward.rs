//! Forward mode through the endpoints: what is written, when the provider gets its
//! answer, and what happens when the engine cannot take a callback. The engines
//! themselves (Redis Streams, NATS JetStream, the spool) are tested against real
//! servers in `imhook-queue`; here the engine is the trait's in-process form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_trait::async_trait;
use imhook_core::agora::events::PreSendEvent;
use imhook_core::agora::{
    AgoraConfig, AgoraContext, AgoraEvent, PostSendEndpoint, PreSendDecision, PreSendEndpoint,
    UnsignedPolicy, security,
};
use imhook_core::forward::{Forward, ForwardEntry, ForwardError};
use imhook_core::tencent::{self, Answer, TencentConfig, TencentEndpoint, TencentEvent};
use imhook_core::{BoxError, Endpoint, FixedClock, IdempotencyKey, Inbound, MemoryStore, Secret};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "imhook-fixture-secret";
const TOKEN: &str = "xxxxyyyy";
const APP: u64 = 1_400_000_001;
const NOW: i64 = 1_700_000_000;
const AFTER: &str = "Group.CallbackAfterGroupFull";
const AFTER_BODY: &str = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#9"}"#;
const BEFORE: &str = "Group.CallbackBeforeSendMsg";
const BEFORE_BODY: &str = r#"{"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#1","Type":"Public","From_Account":"bob","MsgBody":[]}"#;

/// An engine that keeps what it is given, and refuses while `down`.
#[derive(Default)]
struct Engine {
    entries: Mutex<Vec<ForwardEntry>>,
    down: AtomicBool,
}

impl Engine {
    fn entries(&self) -> Vec<ForwardEntry> {
        self.entries.lock().unwrap().clone()
    }
}

#[async_trait]
impl Forward for Engine {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(ForwardError::SpoolFull);
        }
        self.entries.lock().unwrap().push(entry.clone());
        Ok(())
    }
}

/// Counts handler calls; refuses empty group messages.
#[derive(Default)]
struct App(AtomicUsize);

#[async_trait]
impl tencent::CallbackHandler for App {
    async fn handle(
        &self,
        _: &tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<Answer, BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(match &event {
            TencentEvent::BeforeSendGroupMsg(e) => {
                Answer::decide(e, tencent::GroupSendMsgDecision::Reject)
            }
            other => Answer::default_for(other),
        })
    }
}

#[async_trait]
impl imhook_core::agora::CallbackHandler for App {
    async fn handle(&self, _: &AgoraContext, _: AgoraEvent) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    async fn pre_send(
        &self,
        _: &AgoraContext,
        _: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(PreSendDecision::block("HX:1"))
    }
}

fn tencent_query(command: &str) -> String {
    let t = NOW.to_string();
    let s = tencent::sign(&Secret::new(TOKEN).unwrap(), &t);
    format!(
        "SdkAppid={APP}&CallbackCommand={command}&Sign={s}&RequestTime={t}&ClientIP=203.0.113.7"
    )
}

fn tencent_config(engine: &Arc<Engine>) -> TencentConfig {
    TencentConfig::new(APP)
        .token(Secret::new(TOKEN).unwrap())
        .clock(Arc::new(FixedClock::from_secs(NOW)))
        .forward(engine.clone())
}

fn signed(mut body: Value, call_id: &str) -> String {
    let ts = 1_600_060_847_294i64;
    body["callId"] = json!(call_id);
    body["timestamp"] = json!(ts);
    body["security"] = json!(security(
        call_id,
        &Secret::new(SECRET).unwrap(),
        &ts.to_string()
    ));
    body.to_string()
}

fn message(call_id: &str) -> String {
    signed(
        json!({"eventType":"chat","chat_type":"chat","from":"u1","to":"u2","msg_id":"1","payload":{"ext":{},"bodies":[]}}),
        call_id,
    )
}

fn agora_config(engine: &Arc<Engine>) -> AgoraConfig {
    AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(MemoryStore::default()))
        .forward(engine.clone())
}

#[tokio::test]
async fn tencent_after_callbacks_are_stored_and_acknowledged_without_the_handler() {
    let engine = Arc::new(Engine::default());
    let app = Arc::new(App::default());
    let ep = TencentEndpoint::new(tencent_config(&engine), app.clone());
    let query = tencent_query(AFTER);
    let out = ep.handle(Inbound::post(&query, AFTER_BODY)).await;
    assert_eq!(out.status, 200);
    assert_eq!(
        out.body_text(),
        r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#
    );
    assert_eq!(
        app.0.load(Ordering::SeqCst),
        0,
        "the handler runs on a worker"
    );
    let entries = engine.entries();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.provider.as_str(), e.route.as_str(), e.kind.as_str()),
        ("tencent", "tencent", AFTER)
    );
    assert!(e.known && e.authenticated && !e.is_audit());
    assert_eq!(
        e.body,
        AFTER_BODY.as_bytes(),
        "the body exactly as received"
    );
    // Without de-duplication the id is the digest of the body: the same for a retry.
    assert_eq!(
        e.id,
        ForwardEntry::digest_id("tencent", "tencent", AFTER_BODY.as_bytes())
    );
    assert!(e.query.contains("Sign=***") && e.query.contains("ClientIP=203.0.113.7"));
    let sign = tencent::sign(&Secret::new(TOKEN).unwrap(), &NOW.to_string());
    assert!(!e.query.contains(&sign), "the signature is never stored");
    assert!(e.received_at > 0);
}

#[tokio::test]
async fn a_de_duplicated_tencent_callback_carries_its_key_and_is_stored_once() {
    let engine = Arc::new(Engine::default());
    let config =
        tencent_config(&engine).dedupe(Arc::new(MemoryStore::default()), Duration::from_secs(300));
    let ep = TencentEndpoint::new(config, Arc::new(App::default()));
    for _ in 0..3 {
        let out = ep
            .handle(Inbound::post(&tencent_query(AFTER), AFTER_BODY))
            .await;
        assert_eq!(out.status, 200);
    }
    let entries = engine.entries();
    assert_eq!(
        entries.len(),
        1,
        "copies are answered as duplicates, not stored again"
    );
    assert_eq!(entries[0].id.len(), 32, "the de-duplication key, in hex");
}

#[tokio::test]
async fn tencent_before_callbacks_are_decided_inline_then_stored_as_audit_records() {
    let engine = Arc::new(Engine::default());
    let app = Arc::new(App::default());
    let ep = TencentEndpoint::new(tencent_config(&engine), app.clone());
    let out = ep
        .handle(Inbound::post(&tencent_query(BEFORE), BEFORE_BODY))
        .await;
    assert_eq!(out.status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.body).unwrap()["ErrorCode"],
        1
    );
    assert_eq!(app.0.load(Ordering::SeqCst), 1, "the reply is the decision");
    let entries = engine.entries();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].is_audit());
    assert_eq!(entries[0].decision, out.body, "the decision that was sent");
}

#[tokio::test]
async fn agora_post_send_callbacks_are_stored_once_and_acknowledged() {
    let engine = Arc::new(Engine::default());
    let app = Arc::new(App::default());
    let ep = PostSendEndpoint::new(agora_config(&engine), app.clone()).unwrap();
    let body = message("org#app_fwd_1");
    for _ in 0..3 {
        let out = ep.handle(Inbound::post("", body.clone())).await;
        assert_eq!(
            (out.status, out.body_text().into_owned()),
            (200, "{}".to_owned())
        );
    }
    assert_eq!(app.0.load(Ordering::SeqCst), 0);
    let entries = engine.entries();
    assert_eq!(
        entries.len(),
        1,
        "a duplicate callId is acknowledged, not stored again"
    );
    let e = &entries[0];
    assert_eq!(
        (e.provider.as_str(), e.route.as_str(), e.kind.as_str()),
        ("agora", "agora", "message/chat")
    );
    assert!(e.authenticated && e.query.is_empty() && !e.is_audit());
    assert_eq!(e.body, body.as_bytes());
    let key = IdempotencyKey::from_parts(&["agora", "post-send", "org#app_fwd_1", "chat", "u2"]);
    assert_eq!(e.id, key.to_hex(), "the event id is the de-duplication key");
}

#[tokio::test]
async fn unsigned_agora_callbacks_are_stored_marked_unauthenticated_with_a_digest_id() {
    let engine = Arc::new(Engine::default());
    let config = agora_config(&engine).unsigned(UnsignedPolicy::AllowUnsigned);
    let ep = PostSendEndpoint::new(config, Arc::new(App::default())).unwrap();
    let body = r#"{"callId":"org#app_u","chat_type":"chat","from":"u1","to":"u2","payload":{}}"#;
    assert_eq!(ep.handle(Inbound::post("", body)).await.status, 200);
    let entries = engine.entries();
    assert_eq!(entries.len(), 1);
    assert!(!entries[0].authenticated);
    assert_eq!(
        entries[0].id,
        ForwardEntry::digest_id("agora", "agora", body.as_bytes())
    );
}

#[tokio::test]
async fn agora_pre_send_is_decided_inline_then_stored_as_an_audit_record() {
    let engine = Arc::new(Engine::default());
    let app = Arc::new(App::default());
    let ep = PreSendEndpoint::new(agora_config(&engine), app.clone()).unwrap();
    let body = signed(
        json!({"chat_type":"chat","from":"u1","to":"u2","msg_id":"1","payload":{"msg":"hi","type":"txt"}}),
        "org#app_pre_1",
    );
    let out = ep.handle(Inbound::post("", body.clone())).await;
    assert_eq!(out.body_text(), r#"{"valid":false,"code":"HX:1"}"#);
    assert_eq!(app.0.load(Ordering::SeqCst), 1);
    let entries = engine.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].route, "agora-pre-send");
    assert_eq!(entries[0].decision, out.body);
    assert_eq!(
        entries[0].id,
        ForwardEntry::digest_id("agora", "agora-pre-send", body.as_bytes())
    );
}

/// The engine and its spool could not take the callback: 503 (the one 5xx of forward
/// mode), and the claim released so that the provider's retry is stored.
#[tokio::test]
async fn a_callback_the_engine_cannot_take_is_503_and_its_retry_is_stored() {
    let engine = Arc::new(Engine::default());
    let ep = PostSendEndpoint::new(agora_config(&engine), Arc::new(App::default())).unwrap();
    let body = message("org#app_fwd_down");
    engine.down.store(true, Ordering::SeqCst);
    let out = ep.handle(Inbound::post("", body.clone())).await;
    assert_eq!(out.status, 503);
    assert!(engine.entries().is_empty());
    engine.down.store(false, Ordering::SeqCst);
    let out = ep.handle(Inbound::post("", body.clone())).await;
    assert_eq!(out.status, 200, "the retry is not a duplicate");
    assert_eq!(engine.entries().len(), 1);

    let tencent = TencentEndpoint::new(
        tencent_config(&engine).dedupe(Arc::new(MemoryStore::default()), Duration::from_secs(60)),
        Arc::new(App::default()),
    );
    engine.down.store(true, Ordering::SeqCst);
    let out = tencent
        .handle(Inbound::post(&tencent_query(AFTER), AFTER_BODY))
        .await;
    assert_eq!(out.status, 503);
    engine.down.store(false, Ordering::SeqCst);
    let out = tencent
        .handle(Inbound::post(&tencent_query(AFTER), AFTER_BODY))
        .await;
    assert_eq!(out.status, 200);
    assert_eq!(engine.entries().len(), 2);
}

/// An audit record the engine cannot take never changes the decision already made.
#[tokio::test]
async fn a_failed_audit_write_keeps_the_decision() {
    let engine = Arc::new(Engine::default());
    engine.down.store(true, Ordering::SeqCst);
    let ep = TencentEndpoint::new(tencent_config(&engine), Arc::new(App::default()));
    let out = ep
        .handle(Inbound::post(&tencent_query(BEFORE), BEFORE_BODY))
        .await;
    assert_eq!(out.status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.body).unwrap()["ErrorCode"],
        1
    );
}
