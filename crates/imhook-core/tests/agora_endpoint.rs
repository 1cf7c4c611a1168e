//! Every row of docs/protocol/http.md's Agora table, against the core with no framework.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_trait::async_trait;
use imhook_core::agora::events::PreSendEvent;
use imhook_core::agora::security;
use imhook_core::agora::{
    AgoraConfig, AgoraContext, AgoraEvent, CallbackHandler, PostSendEndpoint,
    PostSendFailurePolicy, PreSendDecision, PreSendEndpoint, PreSendFailurePolicy, UnsignedPolicy,
};
use imhook_core::{BoxError, Endpoint, FixedClock, Inbound, MemoryStore, Outbound, Secret};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const SECRET: &str = "imhook-fixture-secret";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ok,
    Error,
    Panic,
    Sleep,
    Block,
    Huge,
}

struct Recorder {
    mode: Mode,
    calls: AtomicUsize,
    seen: Mutex<Vec<(String, bool, Option<usize>)>>,
}

impl Recorder {
    fn new(mode: Mode) -> Arc<Self> {
        Arc::new(Self {
            mode,
            calls: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        })
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    async fn act(&self, ctx: &AgoraContext) -> Result<(), BoxError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.seen
            .lock()
            .unwrap()
            .push((ctx.kind.clone(), ctx.authenticated, ctx.secret_index));
        match self.mode {
            Mode::Error => Err("database down".into()),
            Mode::Panic => panic!("handler bug"),
            Mode::Sleep => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[async_trait]
impl CallbackHandler for Recorder {
    async fn handle(&self, ctx: &AgoraContext, _event: AgoraEvent) -> Result<(), BoxError> {
        self.act(ctx).await
    }
    async fn pre_send(
        &self,
        ctx: &AgoraContext,
        _event: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        self.act(ctx).await?;
        Ok(match self.mode {
            Mode::Block => PreSendDecision::Block {
                code: Some("no links".into()),
            },
            Mode::Huge => PreSendDecision::Block {
                code: Some("x".repeat(2000)),
            },
            _ => PreSendDecision::Allow,
        })
    }
}

/// A configuration with its own store: tests that send the same callIds never meet.
fn config() -> AgoraConfig {
    AgoraConfig::new()
        .store(Arc::new(MemoryStore::default()))
        .secret(Secret::new(SECRET).unwrap())
        .post_send_deadline(Duration::from_millis(100))
        .pre_send_deadline(Duration::from_millis(100))
}

fn post(cfg: AgoraConfig, h: &Arc<Recorder>) -> PostSendEndpoint {
    PostSendEndpoint::new(cfg, h.clone()).unwrap()
}

fn pre(cfg: AgoraConfig, h: &Arc<Recorder>) -> PreSendEndpoint {
    PreSendEndpoint::new(cfg, h.clone()).unwrap()
}

fn signed(mut body: Value, call_id: &str, ts: i64, secret: &str) -> String {
    body["callId"] = json!(call_id);
    body["timestamp"] = json!(ts);
    body["security"] = json!(security(
        call_id,
        &Secret::new(secret).unwrap(),
        &ts.to_string()
    ));
    body.to_string()
}

fn message(call_id: &str) -> String {
    signed(
        json!({"eventType":"chat","chat_type":"chat","from":"u1","to":"u2","msg_id":"1","payload":{"ext":{},"bodies":[{"type":"txt","msg":"hi"}]}}),
        call_id,
        1_600_060_847_294,
        SECRET,
    )
}

fn pre_send_body(call_id: &str) -> String {
    signed(
        json!({"chat_type":"chat","from":"u1","to":"u2","msg_id":"1","payload":{"type":"txt","msg":"hi"}}),
        call_id,
        1_600_060_847_294,
        SECRET,
    )
}

async fn send(ep: &(impl Endpoint + ?Sized), body: impl Into<bytes::Bytes>) -> Outbound {
    ep.handle(Inbound::post("", body.into())).await
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/agora/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn assert_short_json_error(out: &Outbound, status: u16) {
    assert_eq!(out.status, status, "{}", out.body_text());
    assert!(out.body.len() < 1000);
    assert!(
        serde_json::from_slice::<Value>(&out.body)
            .unwrap()
            .is_object()
    );
    assert!(!out.body_text().contains(SECRET));
}

/// The request as an adapter hands it over: method and declared length checked before
/// the (empty) body is read.
async fn streamed(ep: &impl Endpoint, method: &str, declared: Option<u64>) -> Outbound {
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::new())]);
    imhook_core::serve_stream(
        ep,
        imhook_core::StreamingRequest::new(method, "", declared, chunks),
    )
    .await
}

#[tokio::test]
async fn method_and_size() {
    let h = Recorder::new(Mode::Ok);
    let ep = post(config().body_limit(100), &h);
    assert_eq!(streamed(&ep, "GET", None).await.status, 405);
    assert_eq!(streamed(&ep, "POST", Some(101)).await.status, 413);
    assert!(![405, 413].contains(&streamed(&ep, "POST", Some(100)).await.status));
    let mut req = Inbound::post("", message("a"));
    req.method = "DELETE";
    assert_eq!(ep.handle(req).await.status, 405);
    assert_eq!(send(&ep, message(&"c".repeat(200))).await.status, 413);
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn bad_bodies_are_400_on_both_routes() {
    let h = Recorder::new(Mode::Ok);
    let endpoints: [Box<dyn Endpoint>; 2] =
        [Box::new(post(config(), &h)), Box::new(pre(config(), &h))];
    for ep in endpoints {
        for body in [
            &b""[..],
            b" ",
            b"\xc3\x28{}",
            b"nope",
            b"[{}]",
            b"{\"callId\":",
            b"7",
        ] {
            assert_short_json_error(&send(ep.as_ref(), body.to_vec()).await, 400);
        }
    }
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn unsigned_and_forged_requests_are_401() {
    let h = Recorder::new(Mode::Ok);
    let ep = post(config(), &h);
    let good: Value = serde_json::from_str(&message("demo#app_1")).unwrap();
    let mut unsigned = good.clone();
    unsigned.as_object_mut().unwrap().remove("security");
    let mut no_call_id = good.clone();
    no_call_id.as_object_mut().unwrap().remove("callId");
    let mut no_ts = good.clone();
    no_ts.as_object_mut().unwrap().remove("timestamp");
    let mut tampered_ts = good.clone();
    tampered_ts["timestamp"] = json!(1_600_060_847_295i64);
    let mut float_ts = good.clone();
    float_ts["timestamp"] = json!(1.600060847294e12);
    let mut wrong_secret = good.clone();
    wrong_secret["security"] = json!(security(
        "demo#app_1",
        &Secret::new("other").unwrap(),
        "1600060847294"
    ));
    let mut not_hex = good.clone();
    not_hex["security"] = json!("zz".repeat(16));
    let mut numeric_sec = good.clone();
    numeric_sec["security"] = json!(12345);
    let mut null_sec = good.clone();
    null_sec["security"] = Value::Null;
    for body in [
        unsigned,
        no_call_id,
        no_ts,
        tampered_ts,
        float_ts,
        wrong_secret,
        not_hex,
        numeric_sec,
        null_sec,
    ] {
        assert_short_json_error(&send(&ep, body.to_string()).await, 401);
    }
    assert_eq!(h.calls(), 0);
    // the same body, correctly signed, passes
    assert_eq!(send(&ep, good.to_string()).await.status, 200);
    assert_eq!(h.calls(), 1);
}

#[tokio::test]
async fn unsigned_policies() {
    let reaction = fixture("notify.reaction.json");
    let thread = fixture("notify.thread.json");
    let unsigned_msg = {
        let mut v: Value = serde_json::from_str(&message("x_1")).unwrap();
        v.as_object_mut().unwrap().remove("security");
        v.to_string()
    };
    // default: rejected
    let h = Recorder::new(Mode::Ok);
    assert_eq!(
        send(&post(config(), &h), reaction.clone()).await.status,
        401
    );
    // allow all unsigned: delivered, unauthenticated
    let ep = post(config().unsigned(UnsignedPolicy::AllowUnsigned), &h);
    assert_eq!(send(&ep, reaction.clone()).await.status, 200);
    assert_eq!(
        h.seen.lock().unwrap().last().unwrap(),
        &("notify/reaction".to_owned(), false, None)
    );
    // a present but wrong security is never downgraded to unsigned
    let mut forged: Value = serde_json::from_str(&message("x_2")).unwrap();
    forged["security"] = json!("0".repeat(32));
    assert_eq!(send(&ep, forged.to_string()).await.status, 401);
    // allow some kinds only
    let ep = post(
        config().unsigned(UnsignedPolicy::AllowUnsignedKinds(vec![
            "notify/reaction".into(),
        ])),
        &h,
    );
    assert_eq!(send(&ep, reaction.clone()).await.status, 200);
    assert_eq!(send(&ep, thread.clone()).await.status, 401);
    assert_eq!(send(&ep, unsigned_msg.clone()).await.status, 401);
    let ep = post(
        config().unsigned(UnsignedPolicy::AllowUnsignedKinds(vec!["notify".into()])),
        &h,
    );
    assert_eq!(send(&ep, thread).await.status, 200);
    assert_eq!(send(&ep, unsigned_msg).await.status, 401);
}

#[tokio::test]
async fn no_secret_needs_an_explicit_insecure_mode() {
    let h = Recorder::new(Mode::Ok);
    assert!(PostSendEndpoint::new(AgoraConfig::new(), h.clone()).is_err());
    let ep = PostSendEndpoint::new(AgoraConfig::new().insecure(), h.clone()).unwrap();
    assert_eq!(send(&ep, message("i_1")).await.status, 200);
    assert!(!h.seen.lock().unwrap().last().unwrap().1);
}

#[tokio::test]
async fn several_secrets_any_may_match_and_its_index_is_reported() {
    let h = Recorder::new(Mode::Ok);
    let cfg = AgoraConfig::new()
        .store(Arc::new(MemoryStore::default()))
        .secret(Secret::new("old").unwrap())
        .secret(Secret::new(SECRET).unwrap());
    let ep = post(cfg, &h);
    assert_eq!(send(&ep, message("m_1")).await.status, 200);
    assert_eq!(
        h.seen.lock().unwrap().last().unwrap(),
        &("message/chat".to_owned(), true, Some(1))
    );
}

#[tokio::test]
async fn authenticated_post_send_gets_a_tiny_ack() {
    let h = Recorder::new(Mode::Ok);
    let ep = post(config(), &h);
    let out = send(&ep, message("m_2")).await;
    assert_eq!(out.status, 200);
    assert_eq!(out.content_type, Some("application/json"));
    assert_eq!(out.body_text(), "{}");
    // unknown kinds are acknowledged too
    let unknown = signed(
        json!({"chat_type":"brand_new","payload":{}}),
        "u_1",
        1,
        SECRET,
    );
    assert_eq!(send(&ep, unknown).await.body_text(), "{}");
    let none = signed(json!({"something":"else"}), "u_2", 1, SECRET);
    assert_eq!(send(&ep, none).await.status, 200);
    let seen = h.seen.lock().unwrap().clone();
    assert_eq!(seen[1].0, "unknown");
    assert_eq!(seen[2].0, "unknown");
    assert_eq!(h.calls(), 3);
}

#[tokio::test]
async fn timestamps_as_strings_verify() {
    let h = Recorder::new(Mode::Ok);
    let ep = post(config(), &h);
    let mut v: Value = serde_json::from_str(&message("s_1")).unwrap();
    v["timestamp"] = json!("1600060847294");
    assert_eq!(send(&ep, v.to_string()).await.status, 200);
}

#[tokio::test]
async fn every_signed_fixture_is_accepted_once_through_one_endpoint() {
    let manifest: Value = serde_json::from_str(&fixture("manifest.json")).unwrap();
    let h = Recorder::new(Mode::Ok);
    let post_ep = post(config(), &h);
    let pre_ep = pre(config(), &h);
    let mut n = 0;
    for r in manifest["requests"].as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let body = fixture(file);
        let ep: &dyn Endpoint = if r["route"] == "pre_send" {
            &pre_ep
        } else {
            &post_ep
        };
        let out = send(ep, body.clone()).await;
        if r["signed"] == true {
            assert_eq!(out.status, 200, "{file}");
            n += 1;
            assert_eq!(h.calls(), n, "{file}");
            assert_eq!(
                h.seen.lock().unwrap().last().unwrap().0,
                r["kind"].as_str().unwrap(),
                "{file}"
            );
            if r["route"] == "post_send" {
                // a second delivery is acknowledged without calling the handler again
                assert_eq!(send(ep, body).await.body_text(), "{}", "{file}");
                assert_eq!(h.calls(), n, "{file} was handled twice");
            }
        } else {
            assert_eq!(out.status, 401, "{file}");
        }
    }
    assert!(n >= 120, "{n}");
}

#[tokio::test]
async fn fanned_out_offline_copies_are_not_merged() {
    let h = Recorder::new(Mode::Ok);
    let ep = post(config(), &h);
    let body = |to: &str| {
        signed(
            json!({"eventType":"chat_offline","chat_type":"groupchat","group_id":"g","from":"u1","to":to,"msg_id":"9","payload":{"bodies":[]}}),
            "app_9",
            5,
            SECRET,
        )
    };
    assert_eq!(send(&ep, body("alice")).await.status, 200);
    assert_eq!(send(&ep, body("bob")).await.status, 200);
    assert_eq!(send(&ep, body("bob")).await.status, 200);
    assert_eq!(h.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_call_the_handler_once() {
    let h = Recorder::new(Mode::Ok);
    let ep = Arc::new(post(config(), &h));
    let body = message("dup_1");
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let ep = ep.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(
            async move { send(ep.as_ref(), body).await.status },
        ));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(h.calls(), 1);
}

#[tokio::test]
async fn post_send_failures_ack_by_default() {
    for mode in [Mode::Error, Mode::Panic, Mode::Sleep] {
        let h = Recorder::new(mode);
        let ep = post(config(), &h);
        let out = send(&ep, message("f_1")).await;
        assert_eq!(
            (out.status, out.body_text().into_owned()),
            (200, "{}".to_owned())
        );
        // the claim was completed: the provider's retry is not processed again
        assert_eq!(send(&ep, message("f_1")).await.status, 200);
        assert_eq!(h.calls(), 1);
    }
}

#[tokio::test]
async fn post_send_retry_once_releases_the_claim() {
    let h = Recorder::new(Mode::Error);
    let ep = post(
        config().post_send_failure(PostSendFailurePolicy::RetryOnce),
        &h,
    );
    assert_eq!(send(&ep, message("r_1")).await.status, 503);
    assert_eq!(send(&ep, message("r_1")).await.status, 503);
    assert_eq!(h.calls(), 2, "the retry reached the handler");
}

#[tokio::test]
async fn pre_send_decisions() {
    let h = Recorder::new(Mode::Ok);
    let out = send(&pre(config(), &h), pre_send_body("p_1")).await;
    assert_eq!(
        (out.status, out.body_text().into_owned()),
        (200, r#"{"valid":true}"#.to_owned())
    );
    let h = Recorder::new(Mode::Block);
    let out = send(&pre(config(), &h), pre_send_body("p_2")).await;
    assert_eq!(
        serde_json::from_slice::<Value>(&out.body).unwrap(),
        json!({"valid":false,"code":"no links"})
    );
    assert_eq!(h.seen.lock().unwrap().last().unwrap().0, "pre_send");
    // pre-send is not de-duplicated by default
    let ep = pre(config(), &h);
    send(&ep, pre_send_body("p_3")).await;
    send(&ep, pre_send_body("p_3")).await;
    assert_eq!(h.calls(), 3);
}

#[tokio::test]
async fn pre_send_failures_follow_the_policy() {
    for mode in [Mode::Error, Mode::Panic, Mode::Sleep, Mode::Huge] {
        let h = Recorder::new(mode);
        let out = send(&pre(config(), &h), pre_send_body("q_1")).await;
        assert_eq!(
            (out.status, out.body_text().into_owned()),
            (200, r#"{"valid":true}"#.to_owned())
        );
        let cfg = config().pre_send_failure(PreSendFailurePolicy::Block {
            code: Some("later".into()),
        });
        let out = send(&pre(cfg, &h), pre_send_body("q_2")).await;
        assert_eq!(
            serde_json::from_slice::<Value>(&out.body).unwrap(),
            json!({"valid":false,"code":"later"})
        );
        let cfg = config().pre_send_failure(PreSendFailurePolicy::DeferToRule);
        assert_eq!(send(&pre(cfg, &h), pre_send_body("q_3")).await.status, 503);
    }
}

#[tokio::test]
async fn freshness_window_is_optional() {
    let h = Recorder::new(Mode::Ok);
    let clock = Arc::new(FixedClock::new(1_600_060_847_294 + 60_000));
    let ep = pre(
        config()
            .freshness(Some(Duration::from_secs(30)))
            .clock(clock.clone()),
        &h,
    );
    assert_eq!(send(&ep, pre_send_body("w_1")).await.status, 401);
    clock.set(1_600_060_847_294 + 10_000);
    assert_eq!(send(&ep, pre_send_body("w_2")).await.status, 200);
    // off by default: days-old resends are accepted
    assert_eq!(send(&post(config(), &h), message("w_3")).await.status, 200);
}

#[tokio::test]
async fn verifier_for_extractors() {
    let v = config();
    let cb = v
        .verify_post_send(Inbound::post("", message("e_1")))
        .await
        .unwrap();
    assert!(matches!(cb.event, AgoraEvent::Message(_)));
    assert_eq!(cb.ctx.kind, "message/chat");
    assert_eq!(cb.ack().await.body_text(), "{}");
    // the acknowledged callback is now a duplicate
    let dup = v
        .verify_post_send(Inbound::post("", message("e_1")))
        .await
        .unwrap_err();
    assert_eq!(
        (dup.status, dup.body_text().into_owned()),
        (200, "{}".to_owned())
    );
    let bad = v
        .verify_post_send(Inbound::post("", "[]"))
        .await
        .unwrap_err();
    assert_eq!(bad.status, 400);
    let p = config();
    let cb = p
        .verify_pre_send(Inbound::post("", pre_send_body("e_2")))
        .await
        .unwrap();
    let out = cb.decide(&PreSendDecision::Block { code: None }).await;
    assert_eq!(out.body_text(), r#"{"valid":false}"#);
}

#[test]
fn signature_vectors() {
    let doc: Value = serde_json::from_str(&fixture("signatures.json")).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 13);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for v in vectors {
        let secret = v["secret"].as_str().unwrap();
        let body = json!({
            "callId": v["call_id"], "timestamp": v["timestamp"], "security": v["security"],
            "chat_type": "chat", "payload": {}
        })
        .to_string();
        let h = Recorder::new(Mode::Ok);
        let cfg = AgoraConfig::new()
            .store(Arc::new(MemoryStore::default()))
            .secret(Secret::new(secret).unwrap());
        let ep = post(cfg, &h);
        let status = rt.block_on(send(&ep, body)).status;
        let valid = v["expect_valid"].as_bool().unwrap();
        assert_eq!(status == 200, valid, "{}", v["name"]);
        if valid
            && v["security"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| !c.is_ascii_uppercase())
        {
            let ts = v["timestamp"].as_i64().unwrap().to_string();
            let computed = security(
                v["call_id"].as_str().unwrap(),
                &Secret::new(secret).unwrap(),
                &ts,
            );
            assert_eq!(computed, v["security"].as_str().unwrap(), "{}", v["name"]);
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn arbitrary_bodies_get_a_status_from_the_table(body in proptest::collection::vec(any::<u8>(), 0..512), pre_send in any::<bool>()) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let h = Recorder::new(Mode::Ok);
            let ep: Box<dyn Endpoint> = if pre_send { Box::new(pre(config(), &h)) } else { Box::new(post(config(), &h)) };
            let out = rt.block_on(send(ep.as_ref(), body));
            prop_assert!([200u16, 400, 401].contains(&out.status));
            prop_assert!(out.body.len() < 1000);
        }

        #[test]
        fn arbitrary_signed_objects_are_answered_200(
            chat_type in prop_oneof![Just("chat".to_owned()), Just("groupchat".to_owned()), Just("muc".to_owned()), Just("roster".to_owned()), Just("notify".to_owned()), Just("recall".to_owned()), "[a-z_]{1,10}"],
            op in "[A-Za-z_]{0,12}",
            extra in ".{0,30}",
            pre_send in any::<bool>(),
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let h = Recorder::new(Mode::Ok);
            let ep: Box<dyn Endpoint> = if pre_send { Box::new(pre(config(), &h)) } else { Box::new(post(config(), &h)) };
            let body = signed(json!({"chat_type": chat_type, "payload": {"operation": op, "type": op}, "extra": extra}), "prop_1", 7, SECRET);
            let out = rt.block_on(send(ep.as_ref(), body));
            prop_assert_eq!(out.status, 200);
        }
    }
}
