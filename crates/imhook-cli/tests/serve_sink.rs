//! The events sink never holds up the server: with standard output a pipe nobody
//! reads, `/healthz` and every callback keep answering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serve_support::{
    FRAMEWORKS, Options, SDKAPPID, Server, Stdout, status_of, tencent_after_send_msg,
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
