//! The cost of the forwarding step per callback: latency of one confirmed write (p50,
//! p99, sequential) and throughput with 64 writes in flight, for each engine URL given.
//!
//! ```text
//! cargo run --release -p imhook-queue --all-features --example forward_cost -- \
//!     redis://127.0.0.1:6379/ nats://127.0.0.1:4222
//! ```
//!
//! Each run writes 2,000 sequential and 20,000 concurrent entries of a 600-byte Agora
//! message body to the stream `imhook-bench` (delete it afterwards), after the same to a
//! spool in the temporary directory whose engine is down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use bytes::Bytes;
use imhook_core::forward::{Forward, ForwardEntry};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEQUENTIAL: usize = 2_000;
const CONCURRENT: usize = 20_000;
const IN_FLIGHT: usize = 64;
const STREAM: &str = "imhook-bench";

fn entry(i: usize) -> ForwardEntry {
    let pad = "x".repeat(420);
    let body = format!(
        r#"{{"callId":"o#a_{i:012}","eventType":"chat","timestamp":1729499506255,"chat_type":"chat","from":"u1","to":"u2","msg_id":"{i}","payload":{{"bodies":[{{"msg":"{pad}","type":"txt"}}]}},"security":"0123456789abcdef0123456789abcdef","appkey":"o#a"}}"#
    );
    let id = ForwardEntry::digest_id("agora", "agora", body.as_bytes());
    ForwardEntry::new(id, "agora", "agora", "message/chat", Bytes::from(body))
}

async fn measure(name: &str, forward: Arc<dyn Forward>) {
    let mut latencies = Vec::with_capacity(SEQUENTIAL);
    for i in 0..SEQUENTIAL {
        let e = entry(i);
        let start = Instant::now();
        forward.forward(&e).await.unwrap();
        latencies.push(start.elapsed());
    }
    latencies.sort_unstable();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];

    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let forward = forward.clone();
            let next = next.clone();
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= CONCURRENT {
                        break;
                    }
                    forward.forward(&entry(SEQUENTIAL + i)).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    println!(
        "{name}: sequential p50 {:?} p99 {:?}; {IN_FLIGHT} in flight: {:.0} writes/s",
        pct(50),
        pct(99),
        CONCURRENT as f64 / elapsed.as_secs_f64().max(f64::EPSILON)
    );
}

/// An engine that is down: every entry goes to the spool.
struct Down;

#[async_trait::async_trait]
impl Forward for Down {
    async fn forward(&self, _: &ForwardEntry) -> Result<(), imhook_core::forward::ForwardError> {
        Err(imhook_core::forward::ForwardError::Unavailable(
            "down".to_owned(),
        ))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The spool while the engine is down: one fsynced append per callback.
    let dir = std::env::temp_dir().join(format!("imhook-bench-spool-{}", std::process::id()));
    let spool = imhook_queue::Spool::builder(Down).dir(&dir).open().unwrap();
    measure("spool (engine down)", Arc::new(spool)).await;
    let _ = std::fs::remove_dir_all(&dir);
    for url in std::env::args().skip(1) {
        if url.starts_with("redis") {
            let forward = imhook_queue::RedisStreams::connect(&url, STREAM)
                .await
                .unwrap()
                .timeout(Duration::from_secs(5));
            measure("redis streams", Arc::new(forward)).await;
        } else if url.starts_with("nats") {
            let forward = imhook_queue::JetStream::connect(&url, STREAM)
                .await
                .unwrap()
                .timeout(Duration::from_secs(5));
            measure("nats jetstream", Arc::new(forward)).await;
        } else {
            eprintln!("skipping {url:?}: not redis:// or nats://");
        }
    }
}
