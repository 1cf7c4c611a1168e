//! Micro-benchmarks of the core: authentication, typed decoding against plain serde
//! structs, reply serialisation and whole endpoints without HTTP. Allocation counts
//! come from divan's counting allocator.
//!
//! Run: `cargo bench -p imhook-bench --bench core`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use divan::{AllocProfiler, Bencher, black_box, black_box_drop};
use imhook_bench::*;
use imhook_core::agora::{
    AgoraConfig, AgoraEvent, Envelope, PostSendEndpoint, events::PreSendEvent,
};
use imhook_core::tencent::{
    GroupSendMsgDecision, Reply, TencentAuth, TencentConfig, TencentEndpoint, TencentEvent,
};
use imhook_core::{Endpoint, Inbound, Secret};
use std::sync::Arc;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

fn tokens(n: usize) -> TencentAuth {
    (0..n).fold(TencentAuth::new(1_400_000_001).freshness(None), |a, i| {
        a.token(
            Secret::new(if i == n - 1 {
                "xxxxyyyy".to_owned()
            } else {
                format!("token-{i}")
            })
            .unwrap(),
        )
    })
}

#[divan::bench(args = [1, 4])]
fn auth_tencent_sha256(bencher: Bencher<'_, '_>, n: usize) {
    let auth = tokens(n);
    let sign = imhook_core::tencent::sign(&Secret::new("xxxxyyyy").unwrap(), "1669872112");
    bencher.bench(|| {
        auth.verify(
            black_box(Some("1400000001")),
            black_box(Some(sign.as_str())),
            black_box(Some("1669872112")),
        )
        .unwrap()
    });
}

#[divan::bench(args = [1, 4])]
fn auth_agora_md5(bencher: Bencher<'_, '_>, n: usize) {
    let auth = (0..n).fold(imhook_core::agora::AgoraAuth::new(), |a, i| {
        a.secret(
            Secret::new(if i == n - 1 {
                "imhook-fixture-secret".to_owned()
            } else {
                format!("secret-{i}")
            })
            .unwrap(),
        )
    });
    let body = fixture("agora/group_op_event.SHARE_FILE.ADD.json");
    let env = Envelope::parse(&body).unwrap();
    bencher.bench(|| {
        auth.verify(black_box(&env), "group_op_event/SHARE_FILE/ADD")
            .unwrap()
    });
}

#[divan::bench]
fn tencent_query_parse(b: Bencher<'_, '_>) {
    let sign = imhook_core::tencent::sign(&Secret::new("xxxxyyyy").unwrap(), "1669872112");
    let query = format!(
        "SdkAppid=1400000001&CallbackCommand=Group.CallbackAfterCreateGroup&contenttype=json&ClientIP=203.0.113.7&OptPlatform=RESTAPI&Sign={sign}&RequestTime=1669872112"
    );
    b.bench(|| imhook_core::tencent::CallbackQuery::parse(black_box(&query)).unwrap());
}

/// Decode benches drop what they decoded inside the timed closure, so that both sides
/// of each typed/plain pair pay for freeing their strings, as a request does.
mod decode_tencent {
    use super::*;

    fn typed(command: &'static str, body: String) -> impl Fn() {
        move || black_box_drop(TencentEvent::decode(command, black_box(&body)).unwrap())
    }

    fn plain<T: serde::de::DeserializeOwned>(body: String) -> impl Fn() {
        move || black_box_drop(serde_json::from_slice::<T>(black_box(body.as_bytes())).unwrap())
    }

    #[divan::bench]
    fn after_create_group_typed(b: Bencher<'_, '_>) {
        let body = fixture("tencent/Group.CallbackAfterCreateGroup.json");
        b.bench(typed("Group.CallbackAfterCreateGroup", body));
    }

    #[divan::bench]
    fn after_create_group_plain(b: Bencher<'_, '_>) {
        let body = fixture("tencent/Group.CallbackAfterCreateGroup.json");
        b.bench(plain::<PlainAfterCreateGroup>(body));
    }

    #[divan::bench]
    fn before_send_msg_3_elements_typed(b: Bencher<'_, '_>) {
        b.bench(typed("Group.CallbackBeforeSendMsg", before_send_3()));
    }

    #[divan::bench]
    fn before_send_msg_3_elements_plain(b: Bencher<'_, '_>) {
        b.bench(plain::<PlainSendMsg>(before_send_3()));
    }

    #[divan::bench]
    fn message_60k_typed(b: Bencher<'_, '_>) {
        b.bench(typed("C2C.CallbackBeforeSendMsg", c2c_60k()));
    }

    #[divan::bench]
    fn message_60k_plain(b: Bencher<'_, '_>) {
        b.bench(plain::<PlainSendMsg>(c2c_60k()));
    }
}

/// Agora: the envelope pass (kind id, signature and de-duplication inputs) is measured
/// on its own; `typed` is the decode into the family's struct once the kind is known,
/// from the body; `whole_read` is what the pipeline does, the envelope pass and then
/// the typed decode from the members it kept.
mod decode_agora {
    use super::*;

    fn envelope(file: &str) -> impl Fn() {
        let body = fixture(file);
        move || black_box_drop(Envelope::parse(black_box(&body)).unwrap().kind())
    }

    fn typed(file: &str) -> impl Fn() {
        let body = fixture(file);
        let kind = Envelope::parse(&body).unwrap().kind();
        move || black_box_drop(AgoraEvent::decode(&kind, black_box(&body)))
    }

    fn plain<T: serde::de::DeserializeOwned>(file: &str) -> impl Fn() {
        let body = fixture(file);
        move || black_box_drop(serde_json::from_slice::<T>(black_box(body.as_bytes())).unwrap())
    }

    /// What the pipeline reads of a body: the envelope, then the event from the
    /// members it kept.
    fn whole_read(file: &str) -> impl Fn() {
        let body = fixture(file);
        move || {
            let body = black_box(body.as_str());
            let envelope = Envelope::parse(body).unwrap();
            let kind = envelope.classify();
            black_box_drop(AgoraEvent::decode_envelope(&kind, body, &envelope))
        }
    }

    const SHARE_FILE: &str = "agora/group_op_event.SHARE_FILE.ADD.json";
    const GROUPCHAT: &str = "agora/message.groupchat.json";
    const PRE_SEND: &str = "agora/pre_send.json";

    #[divan::bench]
    fn group_op_share_file_envelope(b: Bencher<'_, '_>) {
        b.bench(envelope(SHARE_FILE));
    }

    #[divan::bench]
    fn group_op_share_file_typed(b: Bencher<'_, '_>) {
        b.bench(typed(SHARE_FILE));
    }

    #[divan::bench]
    fn group_op_share_file_plain(b: Bencher<'_, '_>) {
        b.bench(plain::<PlainGroupOp>(SHARE_FILE));
    }

    #[divan::bench]
    fn group_op_share_file_whole_read(b: Bencher<'_, '_>) {
        b.bench(whole_read(SHARE_FILE));
    }

    #[divan::bench]
    fn message_groupchat_envelope(b: Bencher<'_, '_>) {
        b.bench(envelope(GROUPCHAT));
    }

    #[divan::bench]
    fn message_groupchat_typed(b: Bencher<'_, '_>) {
        b.bench(typed(GROUPCHAT));
    }

    #[divan::bench]
    fn message_groupchat_plain(b: Bencher<'_, '_>) {
        b.bench(plain::<PlainMessage>(GROUPCHAT));
    }

    #[divan::bench]
    fn message_groupchat_whole_read(b: Bencher<'_, '_>) {
        b.bench(whole_read(GROUPCHAT));
    }

    #[divan::bench]
    fn pre_send_envelope(b: Bencher<'_, '_>) {
        b.bench(envelope(PRE_SEND));
    }

    #[divan::bench]
    fn pre_send_typed(b: Bencher<'_, '_>) {
        let body = fixture(PRE_SEND);
        b.bench(|| black_box_drop(PreSendEvent::decode(black_box(&body)).unwrap()));
    }

    #[divan::bench]
    fn pre_send_plain(b: Bencher<'_, '_>) {
        b.bench(plain::<PlainMessage>(PRE_SEND));
    }

    #[divan::bench]
    fn pre_send_whole_read(b: Bencher<'_, '_>) {
        let body = fixture(PRE_SEND);
        b.bench(|| {
            let body = black_box(body.as_str());
            let envelope = Envelope::parse(body).unwrap();
            black_box_drop(PreSendEvent::decode_envelope(body, &envelope).unwrap())
        });
    }
}

mod reply {
    use super::*;

    #[divan::bench]
    fn tencent_ok_ack() -> String {
        black_box(Reply::ok()).to_json()
    }

    #[divan::bench]
    fn tencent_modify_decision() -> String {
        let d = GroupSendMsgDecision::modify_body(vec![
            imhook_core::tencent::events::MsgElement::text("red packet"),
        ]);
        Reply::from(black_box(d)).to_json()
    }

    #[divan::bench]
    fn agora_pre_send_block() -> String {
        black_box(imhook_core::agora::PreSendDecision::block("HX:10001")).to_json()
    }
}

mod endpoint {
    use super::*;

    struct Noop;
    impl imhook_core::tencent::CallbackHandler for Noop {}
    impl imhook_core::agora::CallbackHandler for Noop {}

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[divan::bench]
    fn tencent_after_create_group_signed(b: Bencher<'_, '_>) {
        let rt = rt();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let sign = imhook_core::tencent::sign(&Secret::new("xxxxyyyy").unwrap(), &now);
        let query = format!(
            "SdkAppid=1400000001&CallbackCommand=Group.CallbackAfterCreateGroup&contenttype=json&ClientIP=1.2.3.4&OptPlatform=RESTAPI&Sign={sign}&RequestTime={now}"
        );
        let body = bytes::Bytes::from(fixture("tencent/Group.CallbackAfterCreateGroup.json"));
        let ep = TencentEndpoint::new(
            TencentConfig::new(1_400_000_001).token(Secret::new("xxxxyyyy").unwrap()),
            Arc::new(Noop),
        );
        b.bench_local(|| rt.block_on(ep.handle(Inbound::post(&query, body.clone()))));
    }

    #[divan::bench]
    fn agora_group_op_signed_distinct(b: Bencher<'_, '_>) {
        let rt = rt();
        let secret = Secret::new("imhook-fixture-secret").unwrap();
        let ep = PostSendEndpoint::new(AgoraConfig::new().secret(secret.clone()), Arc::new(Noop))
            .unwrap();
        let callbacks = ShareFileCallbacks::new(&secret);
        // Every request is a callback the store has not seen: the bodies are made
        // outside the timed part, one per iteration.
        let mut n = 0u64;
        b.with_inputs(|| {
            n += 1;
            bytes::Bytes::from(callbacks.body(&format!("demo-org#demo-app_{n}")))
        })
        .bench_local_values(|body| rt.block_on(ep.handle(Inbound::post("", body))));
    }
}

/// The de-duplication step on its own: the key derived from the request's identity,
/// and a claim plus its completion in the in-memory store, which is kept full (100,000
/// keys) and sees a new key every time, as under the HTTP load.
mod dedupe {
    use super::*;
    use imhook_core::{IdempotencyKey, IdempotencyStore, MemoryStore};
    use std::time::Duration;

    #[divan::bench]
    fn key_from_parts(b: Bencher<'_, '_>) {
        let id = "bench-org#bench-app_1733580000000000000_123456";
        b.bench(|| IdempotencyKey::from_parts(black_box(&["agora", "post_send", id])));
    }

    #[divan::bench]
    fn memory_claim_complete_full_store(b: Bencher<'_, '_>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let store = MemoryStore::new(100_000);
        let keys: Vec<IdempotencyKey> = (0..1_000_000u32)
            .map(|i| IdempotencyKey::from_parts(&["agora", "post_send", &i.to_string()]))
            .collect();
        let (lease, ttl) = (Duration::from_secs(12), Duration::from_secs(4 * 24 * 3600));
        let mut i = 0usize;
        rt.block_on(async {
            for key in keys.iter().take(200_000) {
                store.claim(key, lease).await.unwrap();
                store.complete(key, ttl).await.unwrap();
            }
        });
        i += 200_000;
        b.bench_local(|| {
            i = (i + 1) % keys.len();
            let key = &keys[i];
            rt.block_on(async {
                store.claim(key, lease).await.unwrap();
                store.complete(key, ttl).await.unwrap();
            })
        });
    }
}
