//! Writes N distinct signed Agora `group_op_event` bodies, one per line, for the HTTP
//! benchmark (each request then has its own `callId`, so de-duplication is exercised on
//! its normal path): `agora_bodies SECRET N > bodies.txt`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::Secret;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secret = Secret::new(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "bench-secret".into()),
    )
    .unwrap();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let callbacks = imhook_bench::ShareFileCallbacks::new(&secret);
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for i in 0..n {
        writeln!(
            out,
            "{}",
            callbacks.body(&format!("bench-org#bench-app_{run}_{i}"))
        )
        .unwrap();
    }
}
