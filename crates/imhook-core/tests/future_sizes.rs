//! The blocks the pipeline allocates for every request stay under 1 KiB.
//!
//! Every `async_trait` call boxes its future. The system allocator (glibc) serves
//! blocks under 1 KiB from a per-thread cache; a larger one comes from its large bins,
//! which first sort every recently freed small block back into its lists
//! (`malloc_consolidate`). One such block per request showed in the endpoints'
//! profiles: the Tencent and Agora pre-send `process` futures (steps 3–7 inline), and
//! the default `handle` of a Tencent handler (the event held twice: by `handle` and by
//! the `dispatch` future inside it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::agora::{self, AgoraConfig, AgoraContext, AgoraEvent, Envelope, Route};
use imhook_core::tencent::events::COMMANDS;
use imhook_core::tencent::{self, TencentConfig, TencentContext, TencentEvent};
use imhook_core::{Endpoint, Inbound, Secret};
use serde_json::Value;
use std::sync::Arc;

/// The largest block glibc's per-thread cache holds, less its 8-byte header; sizes
/// are rounded up to 16 bytes.
const SMALL_BLOCK: usize = 1024 - 16;

fn fixture(dir: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

struct Defaults;
impl tencent::CallbackHandler for Defaults {}
impl agora::CallbackHandler for Defaults {}

#[test]
fn a_tencent_handlers_default_entry_point_is_one_small_block_for_every_command() {
    for &command in COMMANDS {
        let body = fixture("tencent", &format!("{command}.json"));
        let event = TencentEvent::decode(command, &body).unwrap();
        let ctx = TencentContext::for_test(command, body);
        let handling = tencent::CallbackHandler::handle(&Defaults, &ctx, event);
        let size = size_of_val(&*handling);
        assert!(size <= SMALL_BLOCK, "{command}: {size} bytes");
    }
}

#[test]
fn an_agora_handlers_default_entry_point_is_one_small_block_for_every_kind() {
    let manifest: Value = serde_json::from_str(&fixture("agora", "manifest.json")).unwrap();
    for request in manifest["requests"].as_array().unwrap() {
        let file = request["file"].as_str().unwrap();
        let body = fixture("agora", file);
        if request["route"] == "pre_send" {
            let event = agora::events::PreSendEvent::decode(&body).unwrap();
            let ctx = AgoraContext::for_test(Route::PreSend, "pre_send", body.clone());
            let deciding = agora::CallbackHandler::pre_send(&Defaults, &ctx, event);
            let size = size_of_val(&*deciding);
            assert!(size <= SMALL_BLOCK, "{file}: {size} bytes");
            continue;
        }
        let kind = Envelope::parse(&body).unwrap().classify();
        let event = AgoraEvent::decode_as(&kind, &body);
        let ctx = AgoraContext::for_test(Route::PostSend, &kind.to_string(), body.clone());
        let handling = agora::CallbackHandler::handle(&Defaults, &ctx, event);
        let size = size_of_val(&*handling);
        assert!(size <= SMALL_BLOCK, "{file}: {size} bytes");
    }
}

#[test]
fn every_endpoints_request_future_is_a_small_block() {
    let secret = Secret::new("imhook-fixture-secret").unwrap();
    let endpoints: [(&str, Arc<dyn Endpoint>); 3] = [
        (
            "tencent",
            Arc::new(tencent::TencentEndpoint::new(
                TencentConfig::new(1_400_000_001),
                Arc::new(Defaults),
            )),
        ),
        (
            "agora post-send",
            Arc::new(
                agora::PostSendEndpoint::new(
                    AgoraConfig::new().secret(secret.clone()),
                    Arc::new(Defaults),
                )
                .unwrap(),
            ),
        ),
        (
            "agora pre-send",
            Arc::new(
                agora::PreSendEndpoint::new(AgoraConfig::new().secret(secret), Arc::new(Defaults))
                    .unwrap(),
            ),
        ),
    ];
    for (name, endpoint) in &endpoints {
        let request = endpoint.process(Inbound::post("", "{}"));
        let size = size_of_val(&*request);
        assert!(size <= SMALL_BLOCK, "{name}: {size} bytes");
    }
}
