//! What an operator sees of a running `imhook serve`: the Prometheus metrics on their
//! own listener, and `/readyz` following the de-duplication store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serve_support::*;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

/// `GET path` on a new connection: the status and the body.
fn get(addr: SocketAddr, path: &str) -> (Option<u16>, String) {
    let reply = exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        LIMIT,
    );
    let text = String::from_utf8_lossy(&reply).into_owned();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
    (status_of(&reply), body.unwrap_or_default())
}

/// The samples of a Prometheus text page: (name, labels) → value.
fn samples(page: &str) -> BTreeMap<(String, BTreeMap<String, String>), f64> {
    let mut out = BTreeMap::new();
    for line in page
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').unwrap();
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels = labels
            .split(',')
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                (k.to_owned(), v.trim_matches('"').to_owned())
            })
            .collect();
        out.insert((name.to_owned(), labels), value.parse().unwrap());
    }
    out
}

fn value(
    samples: &BTreeMap<(String, BTreeMap<String, String>), f64>,
    name: &str,
    labels: &[(&str, &str)],
) -> f64 {
    let labels: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    samples
        .get(&(name.to_owned(), labels))
        .copied()
        .unwrap_or_else(|| panic!("no sample {name} {:?}", samples.keys().collect::<Vec<_>>()))
}

fn metrics_addr(server: &Server) -> SocketAddr {
    let deadline = Instant::now() + WAIT;
    loop {
        let line = server
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the metrics address is announced");
        if let Some(rest) = line.strip_prefix("imhook: metrics on http://") {
            return rest.trim_end_matches("/metrics").parse().unwrap();
        }
    }
}

#[test]
fn metrics_count_known_traffic_by_label_in_every_framework() {
    for framework in FRAMEWORKS {
        let server = Server::start(&[
            "--framework",
            framework,
            "--agora-secret",
            SECRET,
            "--tencent-sdkappid",
            SDKAPPID,
            "--tencent-token",
            TOKEN,
            "--metrics-listen",
            "127.0.0.1:0",
        ]);
        let metrics = metrics_addr(&server);
        assert_ne!(metrics, server.addr, "metrics share the callback port");
        let ok = |reply: Vec<u8>| status_of(&reply);
        // Two Agora messages, one of them delivered three times.
        let first = agora_chat(&format!("{framework}-m-1"));
        for _ in 0..3 {
            assert_eq!(ok(server.post("/agora", &first, LIMIT)), Some(200));
        }
        let second = agora_chat(&format!("{framework}-m-2"));
        assert_eq!(ok(server.post("/agora", &second, LIMIT)), Some(200));
        // A forged signature, a body that is not JSON, a Tencent callback of another app.
        let forged = String::from_utf8(agora_chat(&format!("{framework}-m-3")))
            .unwrap()
            .replace("\"security\":\"", "\"security\":\"0");
        assert_eq!(
            ok(server.post("/agora", forged.as_bytes(), LIMIT)),
            Some(401)
        );
        assert_eq!(ok(server.post("/agora", b"[", LIMIT)), Some(400));
        let target = tencent_target("C2C.CallbackAfterSendMsg");
        let body = tencent_after_send_msg("hello");
        assert_eq!(ok(server.post(&target, &body, LIMIT)), Some(200));
        let other_app = target.replace(SDKAPPID, "1400000002");
        assert_eq!(ok(server.post(&other_app, &body, LIMIT)), Some(403));
        // The metrics never appear on the callback port.
        assert_eq!(get(server.addr, "/metrics").0, Some(404), "{framework}");

        let (status, page) = get(metrics, "/metrics");
        assert_eq!(status, Some(200), "{framework}");
        let s = samples(&page);
        let agora_message = [
            ("provider", "agora"),
            ("route", "agora"),
            ("kind", "message/chat"),
            ("known", "true"),
            ("outcome", "handled"),
        ];
        assert_eq!(
            value(&s, "imhook_callbacks_total", &agora_message),
            2.0,
            "{framework}"
        );
        let tencent_message = [
            ("provider", "tencent"),
            ("route", "tencent"),
            ("kind", "C2C.CallbackAfterSendMsg"),
            ("known", "true"),
            ("outcome", "handled"),
        ];
        assert_eq!(value(&s, "imhook_callbacks_total", &tencent_message), 1.0);
        let dedupe = |result| {
            value(
                &s,
                "imhook_dedupe_total",
                &[("provider", "agora"), ("result", result)],
            )
        };
        assert_eq!(dedupe("claimed"), 2.0, "{framework}");
        assert_eq!(dedupe("duplicate"), 2.0, "{framework}");
        let rejected = |provider, reason| {
            value(
                &s,
                "imhook_rejected_total",
                &[("provider", provider), ("reason", reason)],
            )
        };
        assert_eq!(rejected("agora", "auth"), 1.0);
        assert_eq!(rejected("agora", "body"), 1.0);
        assert_eq!(rejected("tencent", "sdkappid"), 1.0);
        let handled = value(
            &s,
            "imhook_handler_seconds_count",
            &[("provider", "agora"), ("route", "agora")],
        );
        assert_eq!(handled, 2.0, "{framework}");
        assert!(
            page.contains("imhook_request_seconds_bucket{"),
            "{framework}: {page}"
        );
        assert!(
            page.contains("le=\"0.0005\""),
            "{framework}: buckets from 0.5 ms"
        );
        assert!(page.contains("le=\"2.5\""), "{framework}: buckets to 2.5 s");
    }
}

/// A redis-server child on a free port, killed on drop.
struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    fn start(port: u16) -> Option<Self> {
        let child = match Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI=true: redis-server must be installed ({e})"
                );
                eprintln!("readyz test SKIPPED: cannot start redis-server ({e})");
                return None;
            }
        };
        let redis = Self {
            port,
            child: Some(child),
        };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(redis)
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn readyz_follows_the_store_while_healthz_stays_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(mut redis) = Redis::start(port) else {
        return;
    };
    let url = format!("redis://127.0.0.1:{}/", redis.port);
    for framework in FRAMEWORKS {
        let server = Server::start(&["--framework", framework, "--redis", &url]);
        assert_eq!(
            get(server.addr, "/readyz"),
            (Some(200), "ready".to_owned()),
            "{framework}"
        );
        drop(server);
    }
    // The in-memory store is always ready.
    let server = Server::start(&[]);
    assert_eq!(get(server.addr, "/readyz").0, Some(200));
    drop(server);

    let servers: Vec<Server> = FRAMEWORKS
        .iter()
        .map(|framework| Server::start(&["--framework", framework, "--redis", &url]))
        .collect();
    redis.stop();
    for (server, framework) in servers.iter().zip(FRAMEWORKS) {
        let started = Instant::now();
        let (status, body) = get(server.addr, "/readyz");
        assert_eq!(status, Some(503), "{framework}: {body}");
        assert!(
            !body.contains("redis://"),
            "{framework}: the URL leaked: {body}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{framework}: slow readyz"
        );
        assert_eq!(server.healthz(LIMIT), Some(200), "{framework}: liveness");
    }
    // Redis back on the same port: ready again.
    let _redis = Redis::start(port).unwrap();
    for (server, framework) in servers.iter().zip(FRAMEWORKS) {
        let deadline = Instant::now() + WAIT;
        while get(server.addr, "/readyz").0 != Some(200) {
            assert!(Instant::now() < deadline, "{framework}: never ready again");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
