//! The events sink never holds up the server: with standard output a pipe nobody
//! reads, `/healthz` and every callback keep answering. Without a sink, callbacks are
//! answered as with one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serve_support::{
    CREDENTIALS, FRAMEWORKS, Options, SDKAPPID, Server, Stdout, agora_chat, status_of,
    tencent_after_send_msg, tencent_target,
};
use std::time::{Duration, Instant};

/// The Tencent handler deadline (`TencentConfig`'s default).
const TENCENT_DEADLINE: Duration = Duration::from_millis(1500);
/// Room for a loaded machine on top of the deadline.
const MARGIN: Duration = Duration::from_secs(3);

fn stalled_reader_keeps_the_server_answering(framework: &'static str) {
    let server = Server::start_with(
        &["--framework", framework, "--tencent-sdkappid", SDKAPPID],
        Options {
            stdout: Stdout::Stalled,
            ..Options::default()
        },
    );
    let target = format!(
        "/tencent?SdkAppid={SDKAPPID}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json"
    );
    // 16 KiB records: 4 of them fill a 64 KiB pipe; 96 are sent, 32 at a time.
    let body = tencent_after_send_msg(&"x".repeat(16 * 1024));
    let limit = TENCENT_DEADLINE + MARGIN;
    for round in 0..3 {
        let senders: Vec<_> = (0..32)
            .map(|_| {
                let (server_addr, target, body) = (server.addr, target.clone(), body.clone());
                std::thread::spawn(move || {
                    let started = Instant::now();
                    let reply = serve_support::exchange(
                        server_addr,
                        &serve_support::request(&target, &body),
                        limit,
                    );
                    (status_of(&reply), started.elapsed(), reply)
                })
            })
            .collect();
        for s in senders {
            let (status, took, reply) = s.join().unwrap();
            assert_eq!(
                status,
                Some(200),
                "{framework} round {round}: no reply within {limit:?} (took {took:?}): {:?}",
                String::from_utf8_lossy(&reply)
            );
            let text = String::from_utf8_lossy(&reply);
            assert!(
                text.contains(r#""ActionStatus":"OK""#),
                "{framework}: {text}"
            );
        }
        assert_eq!(
            server.healthz(MARGIN),
            Some(200),
            "{framework} round {round}: /healthz did not answer"
        );
    }
    // The failure is logged, with a running count.
    let log = server.log_lines().join("\n");
    assert!(
        log.contains("event record") && log.contains("failed_records"),
        "{framework}: {log}"
    );
}

#[test]
fn stalled_event_reader_keeps_axum_answering() {
    stalled_reader_keeps_the_server_answering(FRAMEWORKS[0]);
}

#[test]
fn stalled_event_reader_keeps_actix_answering() {
    stalled_reader_keeps_the_server_answering(FRAMEWORKS[1]);
}

#[test]
fn stalled_event_reader_keeps_warp_answering() {
    stalled_reader_keeps_the_server_answering(FRAMEWORKS[2]);
}

/// Status and body of a raw HTTP reply (its headers carry the date).
fn answer(reply: &[u8]) -> (Option<u16>, Vec<u8>) {
    let body = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |at| reply[at + 4..].to_vec());
    (status_of(reply), body)
}

/// With `--events none` the endpoints run without recorders: every callback is
/// answered as by a server that records it (Before callbacks and pre-send requests
/// allowed, the rest acknowledged).
#[test]
fn without_a_sink_callbacks_are_answered_as_with_one() {
    let before_send = serde_json::json!({
        "CallbackCommand": "Group.CallbackBeforeSendMsg",
        "GroupId": "@TGS#2J4SZEAEL",
        "Type": "Public",
        "From_Account": "jared",
        "Operator_Account": "admin",
        "Random": 123_456,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    })
    .to_string()
    .into_bytes();
    let requests = [
        (tencent_target("Group.CallbackBeforeSendMsg"), before_send),
        (
            tencent_target("C2C.CallbackAfterSendMsg"),
            tencent_after_send_msg("hi"),
        ),
        ("/agora".to_owned(), agora_chat("sinkless-1")),
        ("/agora/pre-send".to_owned(), agora_chat("sinkless-2")),
    ];
    let answers = |events: &str| {
        let server = Server::start(&[&["--events", events][..], &CREDENTIALS].concat());
        requests
            .iter()
            .map(|(target, body)| answer(&server.post(target, body, Duration::from_secs(10))))
            .collect::<Vec<_>>()
    };
    let recorded = answers("-");
    assert!(
        recorded.iter().all(|(status, _)| *status == Some(200)),
        "{recorded:?}"
    );
    assert_eq!(answers("none"), recorded);
}
