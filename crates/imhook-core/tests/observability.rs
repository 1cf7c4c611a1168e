//! What operators see: the span a handler's own events run in, and the metrics every
//! request records.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use async_trait::async_trait;
use imhook_core::agora::{self, AgoraConfig, PostSendEndpoint, security};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{BoxError, Endpoint, Inbound, MemoryStore, Secret};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use std::sync::{Arc, Mutex};

const SECRET: &str = "imhook-fixture-secret";

struct App;

#[async_trait]
impl agora::CallbackHandler for App {
    async fn handle(&self, _: &agora::AgoraContext, _: agora::AgoraEvent) -> Result<(), BoxError> {
        tracing::info!("the application's own line");
        Ok(())
    }
}

impl imhook_core::tencent::CallbackHandler for App {}

fn message(call_id: &str) -> String {
    let ts = "1729499506255";
    let secret = Secret::new(SECRET).unwrap();
    serde_json::json!({
        "callId": call_id, "eventType": "chat", "timestamp": 1729499506255u64,
        "chat_type": "chat", "group_id": "", "from": "alice", "to": "bob", "msg_id": "1",
        "payload": {"bodies": [{"msg": "hi", "type": "txt"}], "ext": {}},
        "security": security(call_id, &secret, ts),
    })
    .to_string()
}

fn agora_endpoint() -> PostSendEndpoint {
    let config = AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(MemoryStore::default()));
    PostSendEndpoint::new(config, Arc::new(App)).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary. The subscriber is global (not a scoped default):
/// tracing caches each call site's interest process-wide, so a call site first reached
/// by another test's thread without a subscriber would stay silent for a scoped one.
fn captured() -> &'static Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        captured
    })
}

#[test]
fn a_handlers_own_events_carry_the_callback_span() {
    let captured = captured();
    let endpoint = agora_endpoint();
    let reply = runtime().block_on(endpoint.handle(Inbound::post("", message("org#app_span\n1"))));
    assert_eq!(reply.status, 200);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("the application's own line") && l.contains("app_span"))
        .expect("the handler's line");
    for field in [
        "imhook.callback{",
        r#"provider="agora""#,
        r#"route="agora""#,
        r#"kind="message/chat""#,
        // escaped: the raw newline of the callId never reaches the log
        r#"call_id="org#app_span\n1""#,
    ] {
        assert!(line.contains(field), "{field} missing from {line:?}");
    }
    // The final event of the request reports outcome and latency inside the same span.
    let last = text
        .lines()
        .find(|l| l.contains("callback handled") && l.contains("app_span"))
        .expect("the final event");
    assert!(last.contains("imhook.callback{") && last.contains("outcome=\"handled\""));
    assert!(last.contains("latency_us="), "{last}");
}

type Entry = (
    metrics_util::CompositeKey,
    Option<metrics::Unit>,
    Option<metrics::SharedString>,
    DebugValue,
);

/// The sum of the series of `name` whose labels include `labels` (a histogram counts
/// its samples).
fn counter(snapshot: &[Entry], name: &str, labels: &[(&str, &str)]) -> u64 {
    snapshot
        .iter()
        .filter(|(key, _, _, _)| {
            let key = key.key();
            key.name() == name
                && labels
                    .iter()
                    .all(|(k, v)| key.labels().any(|l| l.key() == *k && l.value() == *v))
        })
        .map(|(_, _, _, value)| match value {
            DebugValue::Counter(n) => *n,
            DebugValue::Histogram(v) => v.len() as u64,
            DebugValue::Gauge(_) => 0,
        })
        .sum()
}

#[test]
fn every_request_is_counted_by_outcome_and_reason() {
    captured();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        runtime().block_on(async {
            let agora = agora_endpoint();
            let body = message("org#app_metrics_1");
            for _ in 0..3 {
                assert_eq!(
                    agora.handle(Inbound::post("", body.clone())).await.status,
                    200
                );
            }
            let forged = body.replace("\"security\":\"", "\"security\":\"0");
            assert_eq!(agora.handle(Inbound::post("", forged)).await.status, 401);
            let get = Inbound::new("GET", "", body.clone());
            assert_eq!(agora.handle(get).await.status, 405);
            assert_eq!(agora.handle(Inbound::post("", "[")).await.status, 400);

            let tencent = TencentEndpoint::new(TencentConfig::new(1_400_000_001), Arc::new(App));
            let other_app = "SdkAppid=1&CallbackCommand=Group.CallbackAfterGroupFull";
            assert_eq!(
                tencent.handle(Inbound::post(other_app, "{}")).await.status,
                403
            );
        });
    });
    // One snapshot: taking it drains the recorder's histograms.
    let snapshot = snapshotter.snapshot().into_vec();
    let count = |name: &str, labels: &[(&str, &str)]| counter(&snapshot, name, labels);
    assert_eq!(
        count(
            "imhook_callbacks_total",
            &[
                ("provider", "agora"),
                ("route", "agora"),
                ("kind", "message/chat"),
                ("known", "true"),
                ("outcome", "handled"),
            ],
        ),
        1
    );
    assert_eq!(count("imhook_dedupe_total", &[("result", "claimed")]), 1);
    assert_eq!(count("imhook_dedupe_total", &[("result", "duplicate")]), 2);
    assert_eq!(
        count(
            "imhook_rejected_total",
            &[("provider", "agora"), ("reason", "auth")]
        ),
        1
    );
    assert_eq!(
        count(
            "imhook_rejected_total",
            &[("provider", "agora"), ("reason", "method")]
        ),
        1
    );
    assert_eq!(
        count(
            "imhook_rejected_total",
            &[("provider", "agora"), ("reason", "body")]
        ),
        1
    );
    assert_eq!(
        count(
            "imhook_rejected_total",
            &[("provider", "tencent"), ("reason", "sdkappid")]
        ),
        1
    );
    assert_eq!(count("imhook_handler_seconds", &[("provider", "agora")]), 1);
    // The 405 is answered by the precheck, before the pipeline's timer starts (as for
    // a streamed request): counted in imhook_rejected_total only.
    assert_eq!(count("imhook_request_seconds", &[("provider", "agora")]), 5);
    assert_eq!(count("imhook_store_errors_total", &[]), 0);
}
