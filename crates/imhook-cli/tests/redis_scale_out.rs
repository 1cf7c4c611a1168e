//! Two `imhook serve` processes sharing one Redis: every Agora callback is recorded
//! exactly once across both, however its deliveries are spread between them.
//!
//! Uses `IMHOOK_TEST_REDIS_URL` when set, else starts `redis-server` from `PATH`; when
//! neither is possible the test is skipped loudly, or fails under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::Secret;
use imhook_core::agora::security;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_imhook");
const SECRET: &str = "imhook-scale-out-secret";
const WAIT: Duration = Duration::from_secs(30);

/// A redis-server child (killed on drop), or an external one.
struct Redis {
    url: String,
    child: Option<Child>,
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn redis() -> Option<Redis> {
    if let Ok(url) = std::env::var("IMHOOK_TEST_REDIS_URL")
        && !url.is_empty()
    {
        return Some(Redis { url, child: None });
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => c,
        Err(e) => {
            let msg = format!(
                "\n!!!! Redis scale-out test SKIPPED: cannot start `redis-server` ({e}).\n\
                 !!!! Install it (`apt-get install redis-server`) or set IMHOOK_TEST_REDIS_URL.\n"
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}CI=true: the Redis tests must run.");
            }
            eprintln!("{msg}");
            return None;
        }
    };
    let server = Redis {
        url: format!("redis://127.0.0.1:{port}/"),
        child: Some(child),
    };
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
            let mut buf = [0u8; 8];
            if s.write_all(b"PING\r\n").is_ok()
                && matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"+PONG"))
            {
                return Some(server);
            }
        }
        assert!(Instant::now() < deadline, "redis-server never answered");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An `imhook serve` recording events to a file, killed on drop.
struct Serve {
    child: Child,
    base: String,
    events: PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(redis_url: &str, events: &Path, framework: &str) -> Serve {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("IMHOOK_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .env("RUST_LOG", "warn")
        .args(["serve", "--listen", "127.0.0.1:0", "--workers", "2"])
        .args(["--framework", framework])
        .args(["--agora-secret", SECRET, "--redis", redis_url])
        .arg("--events")
        .arg(events)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("serve exited before announcing its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("imhook: listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Serve {
        child,
        base,
        events: events.to_owned(),
    }
}

fn signed(call_id: &str, to: &str) -> String {
    let ts = "1700000000000";
    let sig = security(call_id, &Secret::new(SECRET).unwrap(), ts);
    format!(
        r#"{{"callId":"{call_id}","eventType":"chat","timestamp":{ts},"chat_type":"chat","from":"alice","to":"{to}","msg_id":"m","payload":{{"ext":{{}},"bodies":[{{"msg":"hi","type":"txt"}}]}},"security":"{sig}"}}"#
    )
}

fn post(agent: &ureq::Agent, base: &str, body: &str) -> u16 {
    match agent.post(&format!("{base}/agora")).send_string(body) {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("request failed: {e}"),
    }
}

/// Recorded events per (callId, to), across the given files.
fn recorded(files: &[&Path]) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let ev = &v["event"];
            let id = (
                ev["callId"].as_str().unwrap_or("").to_owned(),
                ev["to"].as_str().unwrap_or("").to_owned(),
            );
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

fn per_file(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .count()
}

#[test]
fn two_instances_record_each_callback_exactly_once() {
    let Some(redis) = redis() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!(
        "imhook-scale-out-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    // Two different frameworks, to show the store does not depend on the runtime.
    let a = serve(&redis.url, &dir.join("a.jsonl"), "axum");
    let b = serve(&redis.url, &dir.join("b.jsonl"), "actix");
    let bases = Arc::new([a.base.clone(), b.base.clone()]);
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build();
    let run = format!("{}", std::process::id());

    // 1. One callId delivered 16 times at once, alternating between the instances, in
    //    10 rounds (distinct callIds per round).
    for round in 0..10 {
        let call_id = format!("org#app_{run}_dup_{round}");
        let body = Arc::new(signed(&call_id, "bob"));
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (agent, body, bases) = (agent.clone(), body.clone(), bases.clone());
                std::thread::spawn(move || post(&agent, &bases[i % 2], &body))
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 200);
        }
    }

    // 2. N distinct callbacks (same callId, different recipients: distinct keys), each
    //    delivered to both instances concurrently.
    const N: usize = 200;
    let threads: Vec<_> = (0..4)
        .map(|w| {
            let (agent, bases, run) = (agent.clone(), bases.clone(), run.clone());
            std::thread::spawn(move || {
                for i in (w..N).step_by(4) {
                    let body = signed(&format!("org#app_{run}_group"), &format!("user{i}"));
                    let first = i % 2;
                    let other = std::thread::spawn({
                        let (agent, bases, body) = (agent.clone(), bases.clone(), body.clone());
                        move || post(&agent, &bases[1 - first], &body)
                    });
                    assert_eq!(post(&agent, &bases[first], &body), 200);
                    assert_eq!(other.join().unwrap(), 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }

    let counts = recorded(&[&a.events, &b.events]);
    for round in 0..10 {
        let key = (format!("org#app_{run}_dup_{round}"), "bob".to_owned());
        assert_eq!(counts.get(&key), Some(&1), "duplicate round {round}");
    }
    for i in 0..N {
        let key = (format!("org#app_{run}_group"), format!("user{i}"));
        assert_eq!(counts.get(&key), Some(&1), "callback to user{i}");
    }
    assert_eq!(counts.len(), 10 + N, "nothing else was recorded");
    let (na, nb) = (per_file(&a.events), per_file(&b.events));
    assert_eq!(na + nb, 10 + N);
    eprintln!("instance a recorded {na}, instance b recorded {nb}");
    drop(a);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}
