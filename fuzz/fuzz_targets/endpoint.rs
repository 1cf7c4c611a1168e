//! Whole endpoints with default policies: input = selector byte, query line, body.
//! Every answer must be in the status table of spec/http.md (200, 400, 401, 403, 405,
//! 413) — never a 5xx, never a panic.
//!
//! Selector (first byte % 6): 0 Tencent without token, 1 Tencent with a token,
//! 2 Agora post-send signed, 3 Agora post-send accepting unsigned, 4 Agora pre-send
//! signed, 5 Agora development mode (`insecure`); bit 7 sends GET instead of POST.
#![no_main]

use imhook_core::agora::{self, AgoraConfig, PostSendEndpoint, PreSendEndpoint, UnsignedPolicy};
use imhook_core::tencent::{self, TencentConfig, TencentEndpoint};
use imhook_core::{Endpoint, Inbound, Secret};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

struct App;
impl tencent::CallbackHandler for App {}
impl agora::CallbackHandler for App {}

const TABLE: [u16; 6] = [200, 400, 401, 403, 405, 413];

struct Setup {
    rt: tokio::runtime::Runtime,
    endpoints: Vec<Box<dyn Endpoint>>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let secret = || Secret::new("imhook-fixture-secret").expect("secret");
        let app = Arc::new(App);
        let small = 64 * 1024; // keep 413 reachable
        let agora = || AgoraConfig::new().secret(secret()).body_limit(small);
        let endpoints: Vec<Box<dyn Endpoint>> = vec![
            Box::new(TencentEndpoint::new(
                TencentConfig::new(1_400_000_001).body_limit(small),
                app.clone(),
            )),
            Box::new(TencentEndpoint::new(
                TencentConfig::new(1_400_000_001)
                    .token(Secret::new("test-token").expect("token"))
                    .body_limit(small),
                app.clone(),
            )),
            Box::new(PostSendEndpoint::new(agora(), app.clone()).expect("config")),
            Box::new(
                PostSendEndpoint::new(
                    agora().unsigned(UnsignedPolicy::AllowUnsigned),
                    app.clone(),
                )
                .expect("config"),
            ),
            Box::new(PreSendEndpoint::new(agora(), app.clone()).expect("config")),
            Box::new(
                PostSendEndpoint::new(AgoraConfig::new().insecure().body_limit(small), app)
                    .expect("config"),
            ),
        ];
        Setup { rt, endpoints }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let setup = setup();
    let Some(endpoint) = setup.endpoints.get(usize::from(selector & 0x7f) % 6) else {
        return;
    };
    let (query, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let query = String::from_utf8_lossy(query);
    let method = if selector & 0x80 == 0 { "POST" } else { "GET" };
    let req = Inbound::new(method, &query, body.to_vec());
    let out = setup.rt.block_on(endpoint.handle(req));
    assert!(
        TABLE.contains(&out.status),
        "status {} outside the table (selector {selector})",
        out.status
    );
    if out.status == 200 {
        assert!(
            out.body.len() < 1000 || selector % 6 < 2,
            "Agora replies stay under 1,000 bytes"
        );
    }
});
