//! The de-duplication switches of `imhook serve`: the memory store's bound
//! (`--dedupe-capacity`) and Tencent de-duplication (`--tencent-dedupe`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serve_support::{
    SDKAPPID, SECRET, Server, TOKEN, agora_chat, imhook, status_of, tencent_after_send_msg,
    tencent_target,
};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

/// How many times the callback `victim` reaches the sink when it is sent, followed by
/// `others` other callbacks, and then replayed.
fn victim_records_after(server: &Server, others: usize) -> usize {
    let victim = "demo-org#demo-app_victim";
    for call_id in std::iter::once(victim.to_owned())
        .chain((0..others).map(|i| format!("demo-org#demo-app_other-{i}")))
        .chain([victim.to_owned(), "demo-org#demo-app_sentinel".to_owned()])
    {
        let reply = server.post("/agora", &agora_chat(&call_id), LIMIT);
        assert_eq!(status_of(&reply), Some(200), "{call_id}");
    }
    server
        .events_until("demo-org#demo-app_sentinel")
        .iter()
        .filter(|l| l.contains(victim))
        .count()
}

#[test]
fn dedupe_capacity_bounds_the_memory_store() {
    // The default bound (100,000 keys) remembers the victim: its replay is suppressed.
    let server = Server::start(&["--agora-secret", SECRET]);
    assert_eq!(victim_records_after(&server, 300), 1);
    drop(server);
    // 16 keys: 300 newer callbacks have pushed the victim out; its replay is handled.
    let server = Server::start(&["--agora-secret", SECRET, "--dedupe-capacity", "16"]);
    assert_eq!(victim_records_after(&server, 300), 2);
    drop(server);
    // The same through the environment.
    let server = Server::start_with_env(
        &["--agora-secret", SECRET],
        &[("IMHOOK_DEDUPE_CAPACITY", "16")],
    );
    assert_eq!(victim_records_after(&server, 300), 2);
}

#[test]
fn dedupe_capacity_is_a_usage_error_with_redis() {
    let flags = imhook()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--dedupe-capacity",
            "1000",
        ])
        .args(["--redis", "redis://127.0.0.1:1/"])
        .output()
        .unwrap();
    let env = imhook()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("IMHOOK_DEDUPE_CAPACITY", "1000")
        .env("IMHOOK_REDIS", "redis://127.0.0.1:1/")
        .output()
        .unwrap();
    for out in [flags, env] {
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("--dedupe-capacity") && err.contains("--redis"),
            "{err}"
        );
    }
    let zero = imhook()
        .args(["serve", "--listen", "127.0.0.1:0", "--dedupe-capacity", "0"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn serve_help_states_the_bounds() {
    let out = imhook().args(["serve", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--dedupe-capacity",
        "170 bytes",
        "--tencent-dedupe",
        "--header-timeout",
        "--http2",
        "[env: IMHOOK_DEDUPE_CAPACITY=]",
        "[env: IMHOOK_TENCENT_DEDUPE=]",
        "[env: IMHOOK_HEADER_TIMEOUT=]",
        "[env: IMHOOK_HTTP2=]",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}

/// How many times one signed Tencent After callback, sent twice, reaches the sink.
fn tencent_twice_records(args: &[&str], env: &'static [(&'static str, &'static str)]) -> usize {
    let mut all = vec!["--tencent-sdkappid", SDKAPPID, "--tencent-token", TOKEN];
    all.extend_from_slice(args);
    let server = Server::start_with_env(&all, env);
    let body = tencent_after_send_msg("only once, please");
    let target = tencent_target("C2C.CallbackAfterSendMsg");
    for _ in 0..2 {
        let reply = server.post(&target, &body, LIMIT);
        assert_eq!(status_of(&reply), Some(200));
        assert!(String::from_utf8_lossy(&reply).contains(r#""ActionStatus":"OK""#));
    }
    let sentinel = tencent_after_send_msg("sentinel");
    let reply = server.post(&target, &sentinel, LIMIT);
    assert_eq!(status_of(&reply), Some(200));
    server
        .events_until("sentinel")
        .iter()
        .filter(|l| l.contains("only once, please"))
        .count()
}

#[test]
fn tencent_dedupe_flag_suppresses_an_identical_replay() {
    assert_eq!(tencent_twice_records(&[], &[]), 2);
    assert_eq!(tencent_twice_records(&["--tencent-dedupe"], &[]), 1);
    assert_eq!(
        tencent_twice_records(&[], &[("IMHOOK_TENCENT_DEDUPE", "true")]),
        1
    );
}
