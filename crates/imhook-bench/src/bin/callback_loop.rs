//! Signed Agora callbacks (`group_op_event/SHARE_FILE/ADD`, a new `callId` each) in a
//! loop, without HTTP: through imhook's core endpoint, through the hand-written
//! handler, or neither (the loop alone). Between two callbacks it can write over a
//! block of memory, as a framework and the kernel do between two requests, so that
//! each callback starts with cold caches. Prints the median time per callback of 20
//! slices of the loop, memory writes included.
//!
//! Made to be counted by cachegrind (instructions and cache misses per callback: run
//! `none`, `hand` and `imhook` with the same arguments and subtract `none`):
//!
//! `callback_loop imhook|hand|none [CALLBACKS=200000] [KIB_WRITTEN_BETWEEN=0]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_bench::hand::Hand;
use imhook_core::agora::{AgoraConfig, PostSendEndpoint};
use imhook_core::{Endpoint, Inbound, Secret};
use std::sync::Arc;
use std::time::Instant;

struct Noop;
impl imhook_core::agora::CallbackHandler for Noop {}

const SECRET: &str = "bench-secret";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("imhook", String::as_str);
    let n: usize = args.get(2).map_or(200_000, |a| a.parse().unwrap());
    let kib: usize = args.get(3).map_or(0, |a| a.parse().unwrap());
    assert!(
        matches!(mode, "imhook" | "hand" | "none"),
        "usage: callback_loop imhook|hand|none [CALLBACKS] [KIB_WRITTEN_BETWEEN]"
    );

    let secret = Secret::new(SECRET).unwrap();
    let endpoint =
        PostSendEndpoint::new(AgoraConfig::new().secret(secret.clone()), Arc::new(Noop)).unwrap();
    let hand = Hand::new(1_400_000_001, String::new(), SECRET.to_owned());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let callbacks = imhook_bench::ShareFileCallbacks::new(&secret);
    let bodies: Vec<bytes::Bytes> = (0..n)
        .map(|i| callbacks.body(&format!("demo-org#demo-app_{i}")).into())
        .collect();

    let mut block = vec![0u64; kib * 128];
    let mut salt = 0u64;
    let mut slices = Vec::new();
    for slice in bodies.chunks(n.div_ceil(20).max(1)) {
        let started = Instant::now();
        for body in slice {
            if !block.is_empty() {
                salt = salt.wrapping_add(1);
                // One write per cache line.
                for (i, word) in block.iter_mut().enumerate().step_by(8) {
                    *word = word.wrapping_add(salt ^ i as u64);
                }
                std::hint::black_box(&block);
            }
            let status = match mode {
                "imhook" => {
                    rt.block_on(endpoint.handle(Inbound::post("", body.clone())))
                        .status
                }
                "hand" => rt.block_on(async { hand.agora(body) }).0,
                _ => 200,
            };
            assert_eq!(status, 200);
        }
        slices.push(started.elapsed().as_nanos() as f64 / slice.len() as f64);
    }
    slices.sort_by(f64::total_cmp);
    println!(
        "{mode}: median {:.0} ns per callback ({n} callbacks, {kib} KiB written between two)",
        slices[slices.len() / 2]
    );
}
