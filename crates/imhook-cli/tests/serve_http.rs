//! How `imhook serve` drives each framework's HTTP server: the request-head timeout
//! (slow clients cannot hold every connection), HTTP/1.1 only unless `--http2`, and
//! requests followed by a half-close are answered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serve_support::{
    FRAMEWORKS, Options, SDKAPPID, Server, read_reply, request, status_of, tencent_after_send_msg,
};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The `--header-timeout` of these tests, in seconds.
const HEADER_TIMEOUT: u64 = 2;

/// The slow-client tests hold hundreds of sockets each: one at a time.
static SLOW_CLIENTS: Mutex<()> = Mutex::new(());

fn tencent_after() -> (String, Vec<u8>) {
    (
        format!(
            "/tencent?SdkAppid={SDKAPPID}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json"
        ),
        tencent_after_send_msg("hello"),
    )
}

/// 300 connections that never finish their request head, against a server with 256
/// file descriptors: a valid callback is still answered once the head timeout has
/// closed them.
fn slow_heads_do_not_lock_out_callbacks(framework: &str) {
    let _one_at_a_time = SLOW_CLIENTS.lock().unwrap_or_else(|e| e.into_inner());
    let timeout = HEADER_TIMEOUT.to_string();
    let server = Server::start_with(
        &[
            "--framework",
            framework,
            "--tencent-sdkappid",
            SDKAPPID,
            "--header-timeout",
            &timeout,
        ],
        Options {
            max_fds: Some(256),
            ..Options::default()
        },
    );
    let mut slow = Vec::new();
    for _ in 0..300 {
        if let Ok(mut c) = TcpStream::connect_timeout(&server.addr, Duration::from_secs(1)) {
            let _ = c.write_all(b"POST /tencent HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n");
            slow.push(c);
        }
    }
    assert!(
        slow.len() > 256,
        "{framework}: only {} connections",
        slow.len()
    );
    let (target, body) = tencent_after();
    let limit = Duration::from_secs(HEADER_TIMEOUT + 5);
    let started = Instant::now();
    let reply = serve_support::exchange(server.addr, &request(&target, &body), limit);
    assert_eq!(
        status_of(&reply),
        Some(200),
        "{framework}: no reply within {limit:?} (after {:?}): {:?}",
        started.elapsed(),
        String::from_utf8_lossy(&reply)
    );
    assert!(server.next_event(Duration::from_secs(5)).is_some());
}

#[test]
fn slow_heads_do_not_lock_out_callbacks_axum() {
    slow_heads_do_not_lock_out_callbacks(FRAMEWORKS[0]);
}

#[test]
fn slow_heads_do_not_lock_out_callbacks_actix() {
    slow_heads_do_not_lock_out_callbacks(FRAMEWORKS[1]);
}

#[test]
fn slow_heads_do_not_lock_out_callbacks_warp() {
    slow_heads_do_not_lock_out_callbacks(FRAMEWORKS[2]);
}

/// Connections that send each of `partial` and then nothing are all closed by the
/// server within the head timeout (plus a margin).
fn assert_closed_in_time(server: &Server, partial: &[&[u8]], what: &str) {
    let conns: Vec<TcpStream> = partial
        .iter()
        .map(|sent| {
            let mut c = TcpStream::connect(server.addr).unwrap();
            c.write_all(sent).unwrap();
            c
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(HEADER_TIMEOUT + 3);
    for (mut c, sent) in conns.into_iter().zip(partial) {
        let sent = String::from_utf8_lossy(sent);
        let mut buf = [0u8; 1024];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{what}: {sent:?} still open");
            c.set_read_timeout(Some(left)).unwrap();
            match c.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("{what}: {sent:?} still open: {e}"),
            }
        }
    }
}

#[test]
fn head_timeout_closes_idle_and_partial_connections() {
    let handles: Vec<_> = FRAMEWORKS
        .into_iter()
        .map(|framework| {
            std::thread::spawn(move || {
                let timeout = HEADER_TIMEOUT.to_string();
                // actix-web has no HTTP/2 here (see `http1_only_unless_http2_is_asked_for`).
                let modes: &[bool] = if framework == "actix" {
                    &[false]
                } else {
                    &[false, true]
                };
                for &http2 in modes {
                    let mut args = vec![
                        "--framework",
                        framework,
                        "--tencent-sdkappid",
                        SDKAPPID,
                        "--header-timeout",
                        &timeout,
                    ];
                    if http2 {
                        args.push("--http2");
                    }
                    let server = Server::start(&args);
                    assert_closed_in_time(
                        &server,
                        &[b"", b"PR", b"POST /tencent HTTP/1.1\r\nHost: x\r\n"],
                        &format!("{framework} http2={http2}"),
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// The HTTP/2 connection preface and an empty SETTINGS frame (RFC 9113 §3.4).
const H2C_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/// The server's first bytes after an h2c prior-knowledge preface.
fn answer_to_h2c_preface(server: &Server) -> Vec<u8> {
    let mut c = TcpStream::connect(server.addr).unwrap();
    c.write_all(H2C_PREFACE).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut buf = vec![0u8; 1024];
    let n = c.read(&mut buf).unwrap_or(0);
    buf.truncate(n);
    buf
}

/// An HTTP/2 SETTINGS frame (type 4) that is not an acknowledgement.
fn is_h2_settings(bytes: &[u8]) -> bool {
    bytes.len() >= 9 && bytes[3] == 0x04 && bytes[4] & 0x01 == 0
}

#[test]
fn http1_only_unless_http2_is_asked_for() {
    for framework in FRAMEWORKS {
        let server = Server::start(&["--framework", framework, "--tencent-sdkappid", SDKAPPID]);
        let answer = answer_to_h2c_preface(&server);
        assert!(
            !is_h2_settings(&answer),
            "{framework} answered HTTP/2 without --http2: {answer:?}"
        );
        assert!(
            answer.is_empty() || answer.starts_with(b"HTTP/1.1 "),
            "{framework}: {:?}",
            String::from_utf8_lossy(&answer)
        );
    }
    for framework in ["axum", "warp"] {
        let server = Server::start(&[
            "--framework",
            framework,
            "--tencent-sdkappid",
            SDKAPPID,
            "--http2",
        ]);
        let answer = answer_to_h2c_preface(&server);
        assert!(is_h2_settings(&answer), "{framework} --http2: {answer:?}");
        // HTTP/1.1 is still served next to it.
        let (target, body) = tencent_after();
        let reply = serve_support::exchange(
            server.addr,
            &request(&target, &body),
            Duration::from_secs(10),
        );
        assert_eq!(status_of(&reply), Some(200), "{framework} --http2");
    }
    // actix-web is served without HTTP/2 support: asking for it is a usage error.
    let out = serve_support::imhook()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--framework",
            "actix",
            "--http2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--http2"), "{err}");
}

/// `N` complete requests, each followed by a half-close of the client's sending side,
/// all answered.
fn half_closed_requests_are_answered(framework: &str) {
    const N: usize = 50;
    let server = Server::start(&["--framework", framework, "--tencent-sdkappid", SDKAPPID]);
    let (target, body) = tencent_after();
    let req = request(&target, &body);
    let mut answered = 0;
    for _ in 0..N {
        let mut c = TcpStream::connect(server.addr).unwrap();
        c.write_all(&req).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let reply = read_reply(&mut c, Instant::now() + Duration::from_secs(10));
        if status_of(&reply) == Some(200) {
            answered += 1;
        }
    }
    assert_eq!(answered, N, "{framework}: {answered} of {N} answered");
}

#[test]
fn half_closed_requests_are_answered_axum() {
    half_closed_requests_are_answered(FRAMEWORKS[0]);
}

#[test]
fn half_closed_requests_are_answered_actix() {
    half_closed_requests_are_answered(FRAMEWORKS[1]);
}

#[test]
fn half_closed_requests_are_answered_warp() {
    half_closed_requests_are_answered(FRAMEWORKS[2]);
}
