//! Every row of docs/protocol/http.md's Tencent table, against the core with no framework.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_trait::async_trait;
use imhook_core::tencent::sign;
use imhook_core::tencent::{
    AfterFailurePolicy, Answer, BeforeFailurePolicy, CallbackHandler, GroupDecision,
    GroupRejectCode, TencentConfig, TencentContext, TencentEndpoint, TencentEvent,
};
use imhook_core::{BoxError, Endpoint, FixedClock, Inbound, Outbound, Secret, Verify};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const APP: u64 = 1_400_000_001;
const NOW: i64 = 1_700_000_000;
const OK: &str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ok,
    Error,
    Panic,
    Sleep,
    Custom,
}

struct Recorder {
    mode: Mode,
    calls: AtomicUsize,
    last: std::sync::Mutex<Option<(String, bool, Option<String>)>>,
}

impl Recorder {
    fn new(mode: Mode) -> Arc<Self> {
        Arc::new(Self {
            mode,
            calls: AtomicUsize::new(0),
            last: std::sync::Mutex::new(None),
        })
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl CallbackHandler for Recorder {
    async fn handle(&self, ctx: &TencentContext, event: TencentEvent) -> Result<Answer, BoxError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let err = match &event {
            TencentEvent::Unknown(u) => u.error.clone(),
            _ => None,
        };
        *self.last.lock().unwrap() = Some((ctx.command.clone(), event.is_known(), err));
        match self.mode {
            Mode::Ok => Ok(Answer::default_for(&event)),
            Mode::Error => Err("database down".into()),
            Mode::Panic => panic!("handler bug"),
            Mode::Sleep => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(Answer::default_for(&event))
            }
            Mode::Custom => match &event {
                TencentEvent::BeforeApplyJoinGroup(e) => {
                    let code = GroupRejectCode::new(10150, "custom refusal")?;
                    Ok(Answer::decide(e, GroupDecision::RejectWith(code)))
                }
                other => Ok(Answer::default_for(other)),
            },
        }
    }
}

fn config() -> TencentConfig {
    TencentConfig::new(APP)
        .token(Secret::new("xxxxyyyy").unwrap())
        .clock(Arc::new(FixedClock::from_secs(NOW)))
        .deadline(Duration::from_millis(100))
}

fn endpoint(config: TencentConfig, h: &Arc<Recorder>) -> TencentEndpoint {
    TencentEndpoint::new(config, h.clone())
}

fn signed_query(command: &str, token: &str, time: &str) -> String {
    let s = sign(&Secret::new(token).unwrap(), time);
    format!(
        "SdkAppid={APP}&CallbackCommand={command}&contenttype=json&ClientIP=203.0.113.7&OptPlatform=RESTAPI&Sign={s}&RequestTime={time}"
    )
}

fn good_query(command: &str) -> String {
    signed_query(command, "xxxxyyyy", &NOW.to_string())
}

const AFTER: &str = "Group.CallbackAfterGroupFull";
const AFTER_BODY: &str = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#1","EventTime":1670574414123}"#;
const BEFORE: &str = "Group.CallbackBeforeApplyJoinGroup";
const BEFORE_BODY: &str = r#"{"CallbackCommand":"Group.CallbackBeforeApplyJoinGroup","GroupId":"@TGS#1","Type":"Public","Requestor_Account":"bob"}"#;

async fn send(ep: &TencentEndpoint, query: &str, body: &'static str) -> Outbound {
    ep.handle(Inbound::post(query, body)).await
}

fn body_json(out: &Outbound) -> Value {
    serde_json::from_slice(&out.body).unwrap()
}

fn assert_fail(out: &Outbound, status: u16) {
    assert_eq!(out.status, status, "{}", out.body_text());
    let v = body_json(out);
    assert_eq!(v["ActionStatus"], "FAIL");
    assert_ne!(v["ErrorCode"], 0);
    assert!(out.body.len() < 200);
}

/// The request as an adapter hands it over: method and declared length checked before
/// the (empty) body is read.
async fn streamed(ep: &TencentEndpoint, method: &str, declared: Option<u64>) -> Outbound {
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::new())]);
    imhook_core::serve_stream(
        ep,
        imhook_core::StreamingRequest::new(method, "", declared, chunks),
    )
    .await
}

#[tokio::test]
async fn method_other_than_post_is_405() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let out = streamed(&ep, "GET", None).await;
    assert_eq!(out.status, 405);
    assert_eq!(out.allow, Some("POST"));
    let q = good_query(AFTER);
    let mut req = Inbound::post(&q, AFTER_BODY);
    req.method = "PUT";
    assert_eq!(ep.handle(req).await.status, 405);
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn body_over_limit_is_413() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config().body_limit(64), &h);
    assert_eq!(streamed(&ep, "POST", Some(65)).await.status, 413);
    assert!(![405, 413].contains(&streamed(&ep, "POST", Some(64)).await.status));
    assert!(![405, 413].contains(&streamed(&ep, "POST", None).await.status));
    let q = good_query(AFTER);
    let big = format!(
        r#"{{"CallbackCommand":"{AFTER}","GroupId":"{}"}}"#,
        "x".repeat(100)
    );
    assert_eq!(ep.handle(Inbound::post(&q, big)).await.status, 413);
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn sdkappid_missing_wrong_or_malformed_is_403() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let q = good_query(AFTER);
    for query in [
        q.replace("SdkAppid=1400000001&", ""),
        q.replace("SdkAppid=1400000001", "SdkAppid=1400000002"),
        q.replace("SdkAppid=1400000001", "SdkAppid=14000x0001"),
        q.replace("SdkAppid=1400000001", "SdkAppid=123456789012345678901"),
        q.replace("SdkAppid=1400000001", "SdkAppid="),
    ] {
        assert_fail(&send(&ep, &query, AFTER_BODY).await, 403);
    }
    // the parameter name is matched case-insensitively
    let out = send(&ep, &q.replace("SdkAppid", "SDKAppID"), AFTER_BODY).await;
    assert_eq!(out.status, 200);
    assert_eq!(h.calls(), 1);
}

#[tokio::test]
async fn signature_problems_are_401() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let now = NOW.to_string();
    let good = good_query(AFTER);
    let s = sign(&Secret::new("xxxxyyyy").unwrap(), &now);
    let cases = [
        ("no Sign", good.replace(&format!("&Sign={s}"), "")),
        (
            "no RequestTime",
            good.replace(&format!("&RequestTime={now}"), ""),
        ),
        ("wrong token", signed_query(AFTER, "other-app-token", &now)),
        ("truncated", good.replace(&s, &s[..63])),
        ("non-hex", good.replace(&s, &format!("{}g", &s[..63]))),
        (
            "one char changed",
            good.replace(
                &s,
                &format!("{}{}", &s[..63], if s.ends_with('0') { '1' } else { '0' }),
            ),
        ),
        (
            "time not digits",
            good.replace(&format!("RequestTime={now}"), "RequestTime=17e8"),
        ),
        (
            "time too long",
            good.replace(
                &format!("RequestTime={now}"),
                "RequestTime=123456789012345678901",
            ),
        ),
        (
            "stale",
            signed_query(AFTER, "xxxxyyyy", &(NOW - 301).to_string()),
        ),
        (
            "future",
            signed_query(AFTER, "xxxxyyyy", &(NOW + 301).to_string()),
        ),
        ("doc typo token", signed_query(AFTER, "xxxyyy", &now)),
    ];
    for (name, q) in cases {
        let out = send(&ep, &q, AFTER_BODY).await;
        assert_fail(&out, 401);
        assert!(!out.body_text().contains(&s), "{name}: digest leaked");
        assert!(
            !out.body_text().contains("xxxxyyyy"),
            "{name}: token leaked"
        );
    }
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn signature_accepted_forms() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config().token(Secret::new("second").unwrap()), &h);
    let now = NOW.to_string();
    let s = sign(&Secret::new("xxxxyyyy").unwrap(), &now);
    // upper-case hex
    let q = good_query(AFTER).replace(&s, &s.to_uppercase());
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    // only the second token matches
    let q = signed_query(AFTER, "second", &now);
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    // inside the window
    let q = signed_query(AFTER, "xxxxyyyy", &(NOW - 300).to_string());
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    assert_eq!(h.calls(), 3);
}

#[tokio::test]
async fn leading_zeros_are_hashed_verbatim() {
    let h = Recorder::new(Mode::Ok);
    let cfg = TencentConfig::new(APP)
        .token(Secret::new("Tok3n_With_MixedCase").unwrap())
        .freshness(None);
    let ep = endpoint(cfg, &h);
    let q = format!(
        "SdkAppid={APP}&CallbackCommand={AFTER}&Sign=631e5c31066813149fd8c506f3645007f1efce2e7eb36af0ec5575b1de4d0eb2&RequestTime=0000000042"
    );
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    let q = q.replace("RequestTime=0000000042", "RequestTime=42");
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 401);
}

#[tokio::test]
async fn without_tokens_sign_is_not_required_but_sdkappid_is() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(TencentConfig::new(APP), &h);
    let q = format!("SdkAppid={APP}&CallbackCommand={AFTER}");
    assert_eq!(send(&ep, &q, AFTER_BODY).await.body_text(), OK);
    let q = format!("SdkAppid={APP}&CallbackCommand={AFTER}&Sign=garbage&RequestTime=x");
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    let q = format!("SdkAppid=1&CallbackCommand={AFTER}");
    assert_fail(&send(&ep, &q, AFTER_BODY).await, 403);
}

#[tokio::test]
async fn bad_bodies_are_400() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let q = good_query(AFTER);
    for body in [
        &b""[..],
        b"   ",
        b"\xff\xfe{}",
        b"not json",
        b"[1,2]",
        b"\"str\"",
        b"{\"a\":",
        b"42",
        b"null",
    ] {
        let out = ep.handle(Inbound::post(&q, body.to_vec())).await;
        assert_fail(&out, 400);
    }
    assert_eq!(h.calls(), 0);
}

#[tokio::test]
async fn command_from_body_when_query_lacks_it() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let q = good_query(AFTER).replace(&format!("&CallbackCommand={AFTER}"), "");
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    assert_eq!(h.last.lock().unwrap().as_ref().unwrap().0, AFTER);
    // neither in query nor in body
    assert_fail(&send(&ep, &q, r#"{"GroupId":"x"}"#).await, 400);
    // the query wins when both are present and differ
    let q = good_query("Group.CallbackAfterGroupDestroyed");
    assert_eq!(send(&ep, &q, AFTER_BODY).await.status, 200);
    assert_eq!(
        h.last.lock().unwrap().as_ref().unwrap().0,
        "Group.CallbackAfterGroupDestroyed"
    );
}

#[tokio::test]
async fn conflicting_duplicate_parameters_are_400() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let q = good_query(AFTER);
    assert_fail(
        &send(&ep, &format!("{q}&SdkAppid=1400000002"), AFTER_BODY).await,
        400,
    );
    assert_fail(
        &send(&ep, &format!("{q}&callbackcommand=X.Y"), AFTER_BODY).await,
        400,
    );
    assert_fail(
        &send(&ep, &format!("{q}&RequestTime=1"), AFTER_BODY).await,
        400,
    );
    // the same value twice is not ambiguous
    assert_eq!(
        send(&ep, &format!("{q}&SdkAppid={APP}"), AFTER_BODY)
            .await
            .status,
        200
    );
    // unknown parameters are ignored
    assert_eq!(
        send(&ep, &format!("{q}&foo=bar&contenttype=JSON"), AFTER_BODY)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn after_callbacks_known_and_unknown_get_the_ok_ack() {
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    let out = send(&ep, &good_query(AFTER), AFTER_BODY).await;
    assert_eq!(out.status, 200);
    assert_eq!(out.content_type, Some("application/json"));
    assert_eq!(out.body_text(), OK);
    let body = r#"{"CallbackCommand":"Alert.RequestOverLimit","ServiceName":"x"}"#;
    let out = send(&ep, &good_query("Alert.RequestOverLimit"), body).await;
    assert_eq!(out.body_text(), OK);
    let (cmd, known, _) = h.last.lock().unwrap().clone().unwrap();
    assert_eq!(cmd, "Alert.RequestOverLimit");
    assert!(!known);
    assert_eq!(h.calls(), 2);
}

#[tokio::test]
async fn before_callback_replies_with_the_handler_decision() {
    let h = Recorder::new(Mode::Custom);
    let ep = endpoint(config(), &h);
    let out = send(&ep, &good_query(BEFORE), BEFORE_BODY).await;
    assert_eq!(out.status, 200);
    assert_eq!(
        body_json(&out),
        json!({"ActionStatus":"OK","ErrorCode":10150,"ErrorInfo":"custom refusal"})
    );
}

#[tokio::test]
async fn handler_failures_follow_the_policy() {
    for mode in [Mode::Error, Mode::Panic, Mode::Sleep] {
        let h = Recorder::new(mode);
        let ep = endpoint(config(), &h);
        // After → OK ack
        assert_eq!(
            send(&ep, &good_query(AFTER), AFTER_BODY).await.body_text(),
            OK
        );
        // Before → allow by default
        assert_eq!(
            send(&ep, &good_query(BEFORE), BEFORE_BODY)
                .await
                .body_text(),
            OK
        );
        // Before → reject when configured, globally or per command
        let ep = endpoint(config().before_failure(BeforeFailurePolicy::Reject), &h);
        let out = send(&ep, &good_query(BEFORE), BEFORE_BODY).await;
        assert_eq!(body_json(&out)["ErrorCode"], 1);
        assert_eq!(body_json(&out)["ActionStatus"], "OK");
        let ep = endpoint(
            config().before_failure_for(BEFORE, BeforeFailurePolicy::Reject),
            &h,
        );
        assert_eq!(
            body_json(&send(&ep, &good_query(BEFORE), BEFORE_BODY).await)["ErrorCode"],
            1
        );
        // After → FAIL 1 when the operator opts in
        let ep = endpoint(config().after_failure(AfterFailurePolicy::Fail), &h);
        let out = send(&ep, &good_query(AFTER), AFTER_BODY).await;
        assert_eq!(out.status, 200);
        assert_eq!(body_json(&out)["ActionStatus"], "FAIL");
        assert_eq!(body_json(&out)["ErrorCode"], 1);
        assert_eq!(h.calls(), 5);
    }
}

#[tokio::test]
async fn a_before_command_whose_typed_decode_fails_gets_the_failure_policy() {
    let h = Recorder::new(Mode::Custom);
    let ep = endpoint(config(), &h);
    // Requestor_Account is required; a number where a string belongs fails the typed decode
    let body = r#"{"CallbackCommand":"Group.CallbackBeforeApplyJoinGroup","GroupId":"@TGS#1","Type":"Public","Requestor_Account":{"x":1}}"#;
    let out = send(&ep, &good_query(BEFORE), body).await;
    assert_eq!(out.status, 200);
    assert_eq!(
        out.body_text(),
        OK,
        "default policy allows, ignoring the catch-all's reply"
    );
    // The typed decode failed (the event is the catch-all, with its error) ...
    let event = TencentEvent::decode(BEFORE, body).unwrap();
    assert!(!event.is_known());
    assert!(matches!(&event, TencentEvent::Unknown(u) if u.error.is_some()));
    // ... and a verdict on a body the handler cannot see would be thrown away: the
    // handler is not called at all.
    assert!(h.last.lock().unwrap().is_none());
    assert_eq!(h.calls(), 0);
    let ep = endpoint(config().before_failure(BeforeFailurePolicy::Reject), &h);
    assert_eq!(
        body_json(&send(&ep, &good_query(BEFORE), body).await)["ErrorCode"],
        1
    );
}

#[tokio::test]
async fn the_server_keeps_serving_after_failures() {
    let h = Recorder::new(Mode::Panic);
    let ep = endpoint(config(), &h);
    for _ in 0..20 {
        assert_eq!(send(&ep, &good_query(AFTER), AFTER_BODY).await.status, 200);
    }
    assert_eq!(h.calls(), 20);
}

#[tokio::test]
async fn context_carries_the_query_and_raw_body() {
    struct Check(AtomicUsize);
    #[async_trait]
    impl CallbackHandler for Check {
        async fn handle(
            &self,
            ctx: &TencentContext,
            event: TencentEvent,
        ) -> Result<Answer, BoxError> {
            assert_eq!(ctx.sdk_app_id, APP);
            assert_eq!(ctx.client_ip.as_deref(), Some("203.0.113.7"));
            assert_eq!(
                ctx.opt_platform.as_ref().map(|p| p.as_str()),
                Some("RESTAPI")
            );
            assert_eq!(ctx.request_time, Some(NOW as u64));
            assert!(ctx.signed);
            assert_eq!(ctx.token_index, Some(0));
            assert_eq!(ctx.raw_json(), AFTER_BODY);
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Answer::default_for(&event))
        }
    }
    let h = Arc::new(Check(AtomicUsize::new(0)));
    let ep = TencentEndpoint::new(config(), h.clone());
    assert_eq!(send(&ep, &good_query(AFTER), AFTER_BODY).await.status, 200);
    assert_eq!(h.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn verify_gives_extractors_the_same_answers() {
    let cfg = config();
    let ok = cfg
        .verify(Inbound::post(&good_query(AFTER), AFTER_BODY))
        .await
        .unwrap();
    assert_eq!(ok.ctx.command, AFTER);
    let err = cfg
        .verify(Inbound::post(
            &good_query(AFTER).replace("1400000001", "1"),
            AFTER_BODY,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status, 403);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::new())]);
    let err = imhook_core::verify_stream::<imhook_core::tencent::TencentCallback, _, _, _, _>(
        &cfg,
        imhook_core::StreamingRequest::new("GET", "", None, chunks),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status, 405);
}

#[test]
fn signature_vectors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tencent/signatures.json"
    ))
    .unwrap();
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(vectors.len(), 8);
    for v in &vectors {
        let token = Secret::new(v["token"].as_str().unwrap()).unwrap();
        let time = v["request_time"].as_str().unwrap();
        let expected = v["sign"].as_str().unwrap();
        assert_eq!(sign(&token, time), expected, "{}", v["note"]);
        let auth = imhook_core::tencent::TencentAuth::new(APP)
            .token(token)
            .freshness(None);
        assert!(
            auth.verify(Some("1400000001"), Some(expected), Some(time))
                .is_ok()
        );
        assert!(
            auth.verify(
                Some("1400000001"),
                Some(&expected.to_uppercase()),
                Some(time)
            )
            .is_ok()
        );
    }
    // the misprinted pair from the documentation must fail
    let auth = imhook_core::tencent::TencentAuth::new(APP)
        .token(Secret::new("xxxyyy").unwrap())
        .freshness(None);
    assert!(
        auth.verify(
            Some("1400000001"),
            Some("17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"),
            Some("1669872112")
        )
        .is_err()
    );
}

#[test]
fn secrets_never_print() {
    let cfg = config();
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains("xxxxyyyy"), "{dbg}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn any_body_and_query_get_a_status_from_the_table(
            body in proptest::collection::vec(any::<u8>(), 0..512),
            query in "[A-Za-z=&%0-9.+]{0,80}",
            signed in any::<bool>(),
        ) {
            let h = Recorder::new(Mode::Ok);
            let ep = endpoint(config(), &h);
            let q = if signed { format!("{}&{query}", good_query(AFTER)) } else { query };
            let out = rt().block_on(ep.handle(Inbound::post(&q, body)));
            prop_assert!([200u16, 400, 401, 403, 405, 413].contains(&out.status));
            prop_assert!(serde_json::from_slice::<Value>(&out.body).is_ok());
        }

        #[test]
        fn any_json_object_body_is_answered_200_when_authenticated(
            key in "[A-Za-z_]{1,12}",
            value in prop_oneof![
                Just(json!(null)), any::<i64>().prop_map(|n| json!(n)), ".{0,20}".prop_map(|s| json!(s)),
                Just(json!([1, "a", {"b": null}])), any::<bool>().prop_map(|b| json!(b)),
            ],
            command in prop_oneof![
                Just(AFTER.to_owned()), Just(BEFORE.to_owned()), Just("C2C.CallbackBeforeSendMsg".to_owned()),
                Just("Sns.CallbackPrevFriendAdd".to_owned()), "[A-Z][a-z]{1,8}\\.[A-Za-z]{1,12}",
            ],
        ) {
            let h = Recorder::new(Mode::Ok);
            let ep = endpoint(config(), &h);
            let body = json!({ "CallbackCommand": command.clone(), key: value }).to_string();
            let event = TencentEvent::decode(&command, &body).unwrap();
            let out = rt().block_on(ep.handle(Inbound::post(&good_query(&command), body)));
            prop_assert_eq!(out.status, 200);
            // Every callback reaches the handler but a Before one it could not read,
            // which the failure policy answers.
            let unreadable_before = event.is_before()
                && matches!(&event, TencentEvent::Unknown(u) if u.error.is_some());
            prop_assert_eq!(h.calls(), usize::from(!unreadable_before));
        }
    }
}

#[tokio::test]
async fn opt_in_dedupe_of_after_callbacks() {
    let h = Recorder::new(Mode::Ok);
    let store = Arc::new(imhook_core::MemoryStore::default());
    let ep = endpoint(config().dedupe(store, Duration::from_secs(60)), &h);
    for _ in 0..3 {
        assert_eq!(
            send(&ep, &good_query(AFTER), AFTER_BODY).await.body_text(),
            OK
        );
    }
    assert_eq!(h.calls(), 1);
    // a different body is a different callback
    let other = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#2"}"#;
    assert_eq!(send(&ep, &good_query(AFTER), other).await.status, 200);
    assert_eq!(h.calls(), 2);
    // Before callbacks are never de-duplicated
    send(&ep, &good_query(BEFORE), BEFORE_BODY).await;
    send(&ep, &good_query(BEFORE), BEFORE_BODY).await;
    assert_eq!(h.calls(), 4);
    // off by default
    let h = Recorder::new(Mode::Ok);
    let ep = endpoint(config(), &h);
    send(&ep, &good_query(AFTER), AFTER_BODY).await;
    send(&ep, &good_query(AFTER), AFTER_BODY).await;
    assert_eq!(h.calls(), 2);
}
