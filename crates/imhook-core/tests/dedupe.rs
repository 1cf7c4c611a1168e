//! De-duplication under attack and failure: which requests share a key, which never
//! claim one, how long the memory store remembers, and that no claim outlives its
//! request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_trait::async_trait;
use imhook_core::agora::events::PreSendEvent;
use imhook_core::agora::security;
use imhook_core::agora::{
    AgoraConfig, AgoraContext, AgoraEvent, CallbackHandler, PostSendEndpoint, PreSendDecision,
    PreSendEndpoint, UnsignedPolicy,
};
use imhook_core::tencent::{self, TencentConfig, TencentEndpoint};
use imhook_core::{
    BoxError, Claim, Endpoint, FixedClock, IdempotencyKey, IdempotencyStore, Inbound, MemoryStore,
    Outbound, Secret, Verify,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "imhook-fixture-secret";

/// Counts calls and remembers whether each was authenticated; sleeps on its first call
/// when asked to.
#[derive(Default)]
struct Recorder {
    calls: AtomicUsize,
    sleep_first: AtomicBool,
    authenticated: Mutex<Vec<bool>>,
}

impl Recorder {
    fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
    fn sleeping_first() -> Arc<Self> {
        let r = Self::default();
        r.sleep_first.store(true, Ordering::SeqCst);
        Arc::new(r)
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    async fn act(&self, authenticated: bool) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.authenticated.lock().unwrap().push(authenticated);
        if self.sleep_first.swap(false, Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

#[async_trait]
impl CallbackHandler for Recorder {
    async fn handle(&self, ctx: &AgoraContext, _event: AgoraEvent) -> Result<(), BoxError> {
        self.act(ctx.authenticated).await;
        Ok(())
    }
    async fn pre_send(
        &self,
        ctx: &AgoraContext,
        _event: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        self.act(ctx.authenticated).await;
        Ok(PreSendDecision::Allow)
    }
}

#[async_trait]
impl tencent::CallbackHandler for Recorder {
    async fn handle(
        &self,
        _ctx: &tencent::TencentContext,
        event: tencent::TencentEvent,
    ) -> Result<tencent::Answer, BoxError> {
        self.act(true).await;
        Ok(tencent::Answer::default_for(&event))
    }
}

/// A configuration with its own store, so tests sending the same callIds never meet.
fn config() -> AgoraConfig {
    AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(MemoryStore::default()))
        .post_send_deadline(Duration::from_secs(60))
}

fn post(cfg: AgoraConfig, h: &Arc<Recorder>) -> PostSendEndpoint {
    PostSendEndpoint::new(cfg, h.clone()).unwrap()
}

fn signed(mut body: Value, call_id: &str, ts: i64) -> String {
    body["callId"] = json!(call_id);
    body["timestamp"] = json!(ts);
    body["security"] = json!(security(
        call_id,
        &Secret::new(SECRET).unwrap(),
        &ts.to_string()
    ));
    body.to_string()
}

fn message(call_id: &str, event_type: &str, to: &str) -> String {
    signed(
        json!({"eventType":event_type,"chat_type":"chat","from":"u1","to":to,"msg_id":"1","payload":{"ext":{},"bodies":[]}}),
        call_id,
        1_600_060_847_294,
    )
}

async fn send(ep: &impl Endpoint, body: impl Into<bytes::Bytes>) -> Outbound {
    ep.handle(Inbound::post("", body.into())).await
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/agora/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// `body` with its top-level `key` set to `value` (the signature is left as it is: it
/// covers only `callId` and `timestamp`).
fn with(body: &str, key: &str, value: &str) -> String {
    let mut v: Value = serde_json::from_str(body).unwrap();
    v[key] = json!(value);
    v.to_string()
}

// Item: the key's parts are fixed by family.

#[tokio::test]
async fn a_captured_group_op_event_replayed_with_added_recipients_is_handled_once() {
    let h = Recorder::new();
    let ep = post(config(), &h);
    let original = fixture("group_op_event.CREATE.json");
    assert_eq!(send(&ep, original.clone()).await.status, 200);
    assert_eq!(h.calls(), 1);
    for i in 0..50 {
        let forged = with(&original, "to", &format!("x{i}"));
        let out = send(&ep, forged).await;
        assert_eq!(
            (out.status, out.body_text().into_owned()),
            (200, "{}".into())
        );
    }
    let forged = with(&with(&original, "eventType", "chat_offline"), "target", "y");
    assert_eq!(send(&ep, forged).await.status, 200);
    assert_eq!(
        h.calls(),
        1,
        "a replay with new recipients reached the handler"
    );
}

/// Every signed post-send fixture, replayed with another `to`, `target` and
/// `eventType`: only the families whose one `callId` fans out per recipient (messages,
/// offline-push results) count it as a new callback.
#[tokio::test]
async fn key_parts_follow_the_family_for_every_fixture() {
    let manifest: Value = serde_json::from_str(&fixture("manifest.json")).unwrap();
    let h = Recorder::new();
    let ep = post(config(), &h);
    let mut checked = 0;
    for r in manifest["requests"].as_array().unwrap() {
        if r["route"] != "post_send" || r["signed"] != true {
            continue;
        }
        let file = r["file"].as_str().unwrap();
        let kind = r["kind"].as_str().unwrap();
        let body = fixture(file);
        let before = h.calls();
        assert_eq!(send(&ep, body.clone()).await.status, 200, "{file}");
        assert_eq!(h.calls(), before + 1, "{file}");
        let per_recipient = kind.starts_with("message/") || kind == "offline_push";
        for (key, value) in [("to", "mallory"), ("target", "eve"), ("eventType", "x")] {
            let before = h.calls();
            let replay = with(&body, key, value);
            assert_eq!(send(&ep, replay.clone()).await.status, 200, "{file}");
            let has_to = serde_json::from_str::<Value>(&body).unwrap()["to"].is_string();
            // `to` wins over `target`: a new `target` is a new key only where there is
            // no `to`.
            let expect = usize::from(per_recipient && (key != "target" || !has_to));
            assert_eq!(h.calls() - before, expect, "{file} with a new {key}");
            // and the replay of the replay is always a duplicate
            let before = h.calls();
            send(&ep, replay).await;
            assert_eq!(h.calls(), before, "{file}: second replay with a new {key}");
        }
        checked += 1;
    }
    assert!(checked >= 100, "{checked}");
}

#[tokio::test]
async fn offline_copies_of_one_message_are_still_handled_per_recipient() {
    let h = Recorder::new();
    let ep = post(config(), &h);
    for to in ["alice", "bob", "carol", "bob"] {
        send(&ep, message("app_77", "chat_offline", to)).await;
    }
    assert_eq!(h.calls(), 3);
}

// Item: unsigned requests never claim, complete or suppress a key.

#[tokio::test]
async fn unsigned_requests_never_claim_a_key() {
    for policy in [
        UnsignedPolicy::AllowUnsigned,
        UnsignedPolicy::AllowUnsignedKinds(vec!["message".into()]),
    ] {
        let h = Recorder::new();
        let ep = post(config().unsigned(policy), &h);
        let genuine = message("org#app_123", "chat", "bob");
        let mut unsigned: Value = serde_json::from_str(&genuine).unwrap();
        unsigned.as_object_mut().unwrap().remove("security");
        let unsigned = unsigned.to_string();
        // every unsigned copy reaches the handler, marked unauthenticated
        for _ in 0..3 {
            assert_eq!(send(&ep, unsigned.clone()).await.status, 200);
        }
        assert_eq!(h.calls(), 3);
        // the provider's signed callback with the same callId is still handled
        assert_eq!(send(&ep, genuine.clone()).await.status, 200);
        assert_eq!(h.calls(), 4, "an unsigned request swallowed the signed one");
        assert_eq!(
            *h.authenticated.lock().unwrap(),
            [false, false, false, true]
        );
        // signed duplicates are still suppressed, unsigned copies still delivered
        send(&ep, genuine).await;
        assert_eq!(h.calls(), 4);
        send(&ep, unsigned).await;
        assert_eq!(h.calls(), 5);
    }
}

#[tokio::test]
async fn insecure_mode_delivers_every_copy() {
    let h = Recorder::new();
    let cfg = AgoraConfig::new()
        .insecure()
        .store(Arc::new(MemoryStore::default()));
    let ep = post(cfg, &h);
    send(&ep, message("i_1", "chat", "bob")).await;
    send(&ep, message("i_1", "chat", "bob")).await;
    assert_eq!(h.calls(), 2);
}

// Item: the memory store's bound is global and exact.

fn k(i: usize) -> IdempotencyKey {
    IdempotencyKey::from_parts(&["bound", &i.to_string()])
}

#[tokio::test]
async fn memory_store_forgets_a_key_only_after_capacity_newer_claims() {
    let ttl = Duration::from_secs(3600);
    for capacity in [16, 160, 1000] {
        let store = MemoryStore::new(capacity);
        assert_eq!(store.claim(&k(0), ttl).await.unwrap(), Claim::Claimed);
        store.complete(&k(0), ttl).await.unwrap();
        for i in 1..capacity {
            assert_eq!(store.claim(&k(i), ttl).await.unwrap(), Claim::Claimed);
        }
        assert_eq!(store.len(), capacity);
        // capacity - 1 newer claims: still remembered (probing does not claim)
        assert_eq!(
            store.claim(&k(0), ttl).await.unwrap(),
            Claim::Done,
            "capacity {capacity}: forgotten too early"
        );
        // the capacity-th newer claim pushes it out, and nothing newer
        assert_eq!(
            store.claim(&k(capacity), ttl).await.unwrap(),
            Claim::Claimed
        );
        assert_eq!(store.len(), capacity);
        assert_eq!(store.claim(&k(1), ttl).await.unwrap(), Claim::InFlight);
        assert_eq!(store.claim(&k(0), ttl).await.unwrap(), Claim::Claimed);
    }
}

#[tokio::test]
async fn memory_store_never_holds_more_than_its_capacity() {
    let store = MemoryStore::new(100);
    let ttl = Duration::from_secs(3600);
    for i in 0..10_000 {
        store.claim(&k(i), ttl).await.unwrap();
        if i % 3 == 0 {
            store.release(&k(i)).await.unwrap();
        }
        assert!(store.len() <= 100);
    }
    // the 100 newest surviving claims are all remembered
    let newest: Vec<usize> = (0..10_000).rev().filter(|i| i % 3 != 0).take(99).collect();
    for i in newest {
        assert_eq!(
            store.claim(&k(i), ttl).await.unwrap(),
            Claim::InFlight,
            "{i}"
        );
    }
}

// Item: key parts are encoded unambiguously and namespaced.

#[test]
fn parts_containing_the_separator_do_not_collide() {
    let pairs: [(&[&str], &[&str]); 4] = [
        (&["a", "b\u{1f}c"], &["a\u{1f}b", "c"]),
        (&["call", "chat", "\u{1f}x"], &["call", "chat\u{1f}", "x"]),
        (&["a", ""], &["a"]),
        (&["", "a"], &["a", ""]),
    ];
    for (x, y) in pairs {
        assert_ne!(
            IdempotencyKey::from_parts(x),
            IdempotencyKey::from_parts(y),
            "{x:?} / {y:?}"
        );
    }
}

#[tokio::test]
async fn messages_whose_parts_contain_the_separator_are_distinct() {
    let h = Recorder::new();
    let ep = post(config(), &h);
    send(&ep, message("app_5", "chat", "\u{1f}x")).await;
    send(&ep, message("app_5", "chat\u{1f}", "x")).await;
    assert_eq!(h.calls(), 2);
}

#[tokio::test]
async fn post_send_and_pre_send_keys_never_meet_in_one_store() {
    let h = Recorder::new();
    let cfg = config().dedupe_pre_send(true);
    let post_ep = post(cfg.clone(), &h);
    let pre_ep = PreSendEndpoint::new(cfg, h.clone()).unwrap();
    let body = signed(
        json!({"chat_type":"chat","from":"u1","to":"u2","msg_id":"1","payload":{"type":"txt","msg":"hi"}}),
        "org#app_555",
        1_600_060_847_294,
    );
    assert_eq!(send(&post_ep, body.clone()).await.status, 200);
    let out = send(&pre_ep, body.clone()).await;
    assert_eq!(out.body_text(), r#"{"valid":true}"#);
    assert_eq!(
        h.calls(),
        2,
        "the pre-send request was taken for a post-send duplicate"
    );
    // each route still de-duplicates its own requests
    send(&post_ep, body.clone()).await;
    send(&pre_ep, body).await;
    assert_eq!(h.calls(), 2);
}

#[tokio::test]
async fn tencent_and_agora_keys_never_meet_in_one_store() {
    use sha2::Digest;
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::default());
    let h = Recorder::new();
    let agora = post(config().store(store.clone()), &h);
    let tencent_body = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#1"}"#;
    let digest: String = sha2::Sha256::digest(tencent_body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // An Agora message whose parts spell out the Tencent callback's parts.
    let crafted = message(
        "tencent",
        "1400000001",
        &format!("Group.CallbackAfterGroupFull\u{1f}{digest}"),
    );
    assert_eq!(send(&agora, crafted).await.status, 200);
    assert_eq!(h.calls(), 1);
    let tencent = TencentEndpoint::new(
        TencentConfig::new(1_400_000_001).dedupe(store, Duration::from_secs(60)),
        h.clone(),
    );
    let q = "SdkAppid=1400000001&CallbackCommand=Group.CallbackAfterGroupFull";
    tencent.handle(Inbound::post(q, tencent_body)).await;
    assert_eq!(
        h.calls(),
        2,
        "the Tencent callback was taken for a duplicate"
    );
}

// Item: claims never leak.

#[tokio::test]
async fn a_request_cancelled_mid_handler_releases_its_claim() {
    let h = Recorder::sleeping_first();
    let ep = post(config(), &h);
    let body = message("org#app_cancel", "chat", "bob");
    // the client goes away while the handler sleeps: the request future is dropped
    let first = tokio::time::timeout(Duration::from_millis(100), send(&ep, body.clone())).await;
    assert!(first.is_err(), "the handler should still be running");
    assert_eq!(h.calls(), 1);
    // the provider's retry reaches the handler
    assert_eq!(send(&ep, body.clone()).await.status, 200);
    assert_eq!(h.calls(), 2, "the retry was taken for a duplicate");
    // and, once handled, is a duplicate
    send(&ep, body).await;
    assert_eq!(h.calls(), 2);
}

#[tokio::test]
async fn an_extractor_callback_dropped_without_an_answer_releases_its_claim() {
    let v = config();
    let body = message("org#app_drop", "chat", "bob");
    let cb = v
        .verify_post_send(Inbound::post("", body.clone()))
        .await
        .unwrap();
    // while it is held, a concurrent copy is in flight
    let dup = v
        .verify_post_send(Inbound::post("", body.clone()))
        .await
        .unwrap_err();
    assert_eq!(dup.status, 200);
    drop(cb); // the application returned early without ack/retry/decide
    let cb = v
        .verify_post_send(Inbound::post("", body.clone()))
        .await
        .unwrap();
    cb.ack().await;
    assert_eq!(
        v.verify_post_send(Inbound::post("", body))
            .await
            .unwrap_err()
            .status,
        200
    );
}

/// A claim whose holder vanished without dropping it (the process died with a shared
/// store) lapses with its lease: the handler deadline plus a margin, not the 4-day
/// retention.
#[tokio::test]
async fn an_abandoned_claim_lapses_after_the_handler_deadline_and_a_margin() {
    let deadline = Duration::from_millis(100);
    let v = config().post_send_deadline(deadline);
    let body = message("org#app_crash", "chat", "bob");
    let cb = v
        .verify_post_send(Inbound::post("", body.clone()))
        .await
        .unwrap();
    std::mem::forget(cb);
    assert_eq!(
        v.verify_post_send(Inbound::post("", body.clone()))
            .await
            .unwrap_err()
            .status,
        200
    );
    tokio::time::sleep(deadline + imhook_core::LEASE_MARGIN + Duration::from_millis(200)).await;
    assert!(
        v.verify_post_send(Inbound::post("", body)).await.is_ok(),
        "the abandoned claim was still in flight"
    );
}

// Item: Tencent de-duplicates the same way through the endpoint and the verify path.

const T_AFTER: &str = "Group.CallbackAfterGroupFull";
const T_BODY: &str = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#9"}"#;
const T_NOW: i64 = 1_700_000_000;

fn tencent_config(store: Arc<MemoryStore>) -> TencentConfig {
    TencentConfig::new(1_400_000_001)
        .token(Secret::new("xxxxyyyy").unwrap())
        .clock(Arc::new(FixedClock::from_secs(T_NOW)))
        .dedupe(store, Duration::from_secs(300))
}

fn tencent_query(time: i64) -> String {
    let t = time.to_string();
    let s = tencent::sign(&Secret::new("xxxxyyyy").unwrap(), &t);
    format!("SdkAppid=1400000001&CallbackCommand={T_AFTER}&Sign={s}&RequestTime={t}")
}

#[tokio::test]
async fn tencent_after_callback_replayed_in_the_window_is_handled_once_by_the_endpoint() {
    let h = Recorder::new();
    let ep = TencentEndpoint::new(tencent_config(Arc::new(MemoryStore::default())), h.clone());
    for dt in [0, 0, 10, 200] {
        let out = ep
            .handle(Inbound::post(&tencent_query(T_NOW - dt), T_BODY))
            .await;
        assert_eq!(out.status, 200);
    }
    assert_eq!(h.calls(), 1);
}

#[tokio::test]
async fn tencent_after_callback_replayed_in_the_window_is_verified_once() {
    let cfg = tencent_config(Arc::new(MemoryStore::default()));
    let q = tencent_query(T_NOW);
    let cb = cfg.verify(Inbound::post(&q, T_BODY)).await.unwrap();
    // a copy arriving while the first is being answered is in flight
    let dup = cfg.verify(Inbound::post(&q, T_BODY)).await.unwrap_err();
    assert_eq!(dup.status, 200);
    assert_eq!(
        dup.body_text(),
        r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#
    );
    let out = cb.ack().await;
    assert_eq!(out.status, 200);
    // a replay after the answer is a duplicate too, with another RequestTime as well
    let q2 = tencent_query(T_NOW - 100);
    assert!(cfg.verify(Inbound::post(&q2, T_BODY)).await.is_err());
    // dropped without an answer, a callback is released for the retry
    let other = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#10"}"#;
    drop(cfg.verify(Inbound::post(&q, other)).await.unwrap());
    assert!(cfg.verify(Inbound::post(&q, other)).await.is_ok());
}

// Item: one default store per process.

#[tokio::test]
async fn configs_built_separately_share_the_default_store() {
    let h = Recorder::new();
    // e.g. one configuration per actix-web worker
    let make = || AgoraConfig::new().secret(Secret::new(SECRET).unwrap());
    let a = post(make(), &h);
    let b = post(make(), &h);
    let body = message("org#app_per_worker_default_store", "chat", "bob");
    send(&a, body.clone()).await;
    send(&b, body.clone()).await;
    send(&a, body).await;
    assert_eq!(h.calls(), 1);
}
