//! Memory of the in-memory de-duplication store: feeds N distinct signed Agora callbacks
//! through a `PostSendEndpoint` (core, no HTTP) and prints the process RSS as it goes.
//! `dedupe_rss [N=1000000]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::agora::{AgoraConfig, PostSendEndpoint};
use imhook_core::{Endpoint, Inbound, MemoryStore, Secret};
use std::sync::Arc;

struct Noop;
impl imhook_core::agora::CallbackHandler for Noop {}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let secret = Secret::new("bench-secret").unwrap();
    let store = Arc::new(MemoryStore::default());
    let ep = PostSendEndpoint::new(
        AgoraConfig::new()
            .secret(secret.clone())
            .store(store.clone()),
        Arc::new(Noop),
    )
    .unwrap();
    let callbacks = imhook_bench::ShareFileCallbacks::new(&secret);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("start: rss {} kB", rss_kb());
    let started = std::time::Instant::now();
    for i in 0..n {
        let body = callbacks.body(&format!("bench-org#bench-app_{i}"));
        let out = rt.block_on(ep.handle(Inbound::post("", body)));
        assert_eq!(out.status, 200);
        if (i + 1) % (n / 10).max(1) == 0 {
            println!(
                "{:>8} callbacks: rss {} kB, store {} keys",
                i + 1,
                rss_kb(),
                store.len()
            );
        }
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
}
