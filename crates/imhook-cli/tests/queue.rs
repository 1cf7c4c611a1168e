//! `imhook worker` and `imhook replay` against a real `redis-server` and
//! `nats-server -js`, started by each test on a free port (killed on drop). When a
//! server binary is missing the test is skipped loudly, or fails under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use bytes::Bytes;
use imhook_core::forward::{Forward, ForwardEntry};
use imhook_queue::{JetStream, RedisStreams};
use serde_json::Value;
use serve_support::{
    SDKAPPID, SECRET, Server as Receiver, TOKEN, agora_chat, imhook, tencent_after_send_msg,
};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver as Channel, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const WAIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------

struct Engine {
    port: u16,
    dir: PathBuf,
    child: Child,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("imhook-cli-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn start_engine(
    binary: &str,
    args: &dyn Fn(u16, &Path) -> Vec<String>,
    hello: &[u8],
) -> Option<Engine> {
    let port = free_port();
    let dir = temp_dir(binary);
    let child = match Command::new(binary)
        .args(args(port, &dir))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("\n!! tests SKIPPED: cannot start `{binary}` ({e})\n");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}CI=true: these tests must run.");
            }
            eprintln!("{msg}");
            return None;
        }
    };
    let engine = Engine { port, dir, child };
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
            if hello == b"+PONG" {
                let _ = s.write_all(b"PING\r\n");
            }
            let mut buf = vec![0u8; hello.len()];
            if s.read_exact(&mut buf).is_ok() && buf == hello {
                return Some(engine);
            }
        }
        assert!(Instant::now() < deadline, "{binary} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn redis() -> Option<Engine> {
    start_engine(
        "redis-server",
        &|port, dir| {
            vec![
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                String::new(),
                "--appendonly".into(),
                "no".into(),
                "--dir".into(),
                dir.display().to_string(),
            ]
        },
        b"+PONG",
    )
}

fn nats() -> Option<Engine> {
    let binary = if Path::new("/usr/sbin/nats-server").exists() {
        "/usr/sbin/nats-server"
    } else {
        "nats-server"
    };
    start_engine(
        binary,
        &|port, dir| {
            vec![
                "-js".into(),
                "-sd".into(),
                dir.display().to_string(),
                "-p".into(),
                port.to_string(),
                "-a".into(),
                "127.0.0.1".into(),
            ]
        },
        b"INFO",
    )
}

impl Engine {
    fn redis_url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
    fn nats_url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn redis_forward(engine: &Engine, entries: &[ForwardEntry]) {
    let url = engine.redis_url();
    runtime().block_on(async {
        let forward = RedisStreams::connect(&url, "imhook").await.unwrap();
        for e in entries {
            forward.forward(e).await.unwrap();
        }
    });
}

// ---------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------

fn now_millis() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn agora(id: &str, call_id: &str) -> ForwardEntry {
    ForwardEntry::new(
        id,
        "agora",
        "agora",
        "message/chat",
        Bytes::from(agora_chat(call_id)),
    )
}

fn tencent(id: &str, text: &str) -> ForwardEntry {
    let mut e = ForwardEntry::new(
        id,
        "tencent",
        "tencent",
        "C2C.CallbackAfterSendMsg",
        Bytes::from(tencent_after_send_msg(text)),
    );
    e.query = format!(
        "SdkAppid={SDKAPPID}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign=***&RequestTime=1"
    );
    e
}

fn pre_send(id: &str) -> ForwardEntry {
    let body = r#"{"callId":"o#a_p1","eventType":"chat","timestamp":1729499506255,"chat_type":"chat","from":"u1","to":"u2","msg_id":"m1","payload":{"bodies":[{"msg":"hello","type":"txt"}]},"security":"0123456789abcdef0123456789abcdef","appkey":"o#a"}"#;
    let mut e = ForwardEntry::new(
        id,
        "agora",
        "agora-pre-send",
        "pre_send",
        Bytes::from_static(body.as_bytes()),
    );
    e.decision = Bytes::from_static(br#"{"valid":true,"code":"","payload":{}}"#);
    e
}

// ---------------------------------------------------------------------------
// Workers
// ---------------------------------------------------------------------------

/// A running `imhook worker` whose records are read line by line (killed on drop).
struct Worker {
    child: Child,
    lines: Channel<String>,
}

impl Worker {
    fn start(args: &[&str]) -> Self {
        let mut child = imhook()
            .arg("worker")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        Self {
            child,
            lines: read_lines(out),
        }
    }

    /// The next `n` records.
    fn records(&self, n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| {
                let line = self
                    .lines
                    .recv_timeout(WAIT)
                    .unwrap_or_else(|_| panic!("only {i} of {n} records"));
                serde_json::from_str(&line).unwrap()
            })
            .collect()
    }

    /// `true` when no record comes within `quiet`.
    fn silent_for(&self, quiet: Duration) -> bool {
        self.lines.recv_timeout(quiet).is_err()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(out: ChildStdout) -> Channel<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The `security` of an Agora entry's body.
fn security_of(entry: &ForwardEntry) -> String {
    let body: Value = serde_json::from_slice(&entry.body).unwrap();
    body["security"].as_str().unwrap().to_owned()
}

/// Checks the records of `t1`, `a1` (whose body is signed with `security`) and `p1`.
fn check_records(records: &[Value], security: &str) {
    let by_id: HashMap<&str, &Value> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    assert_eq!(
        by_id.len(),
        records.len(),
        "one record per event: {records:?}"
    );
    let t = by_id["t1"];
    assert_eq!(t["provider"], "tencent");
    assert_eq!(t["kind"], "C2C.CallbackAfterSendMsg");
    assert_eq!(t["known"], true);
    assert_eq!(t["event"]["MsgBody"][0]["MsgContent"]["Text"], "hello");
    let a = by_id["a1"];
    assert_eq!(a["provider"], "agora");
    assert_eq!(a["kind"], "message/chat");
    assert_eq!(security.len(), 32);
    for record in records {
        assert!(
            !record.to_string().contains(security),
            "signatures are never printed"
        );
    }
    let p = by_id["p1"];
    assert_eq!(p["kind"], "pre_send");
    // The id is the record's first field, the record `serve` prints follows.
    let keys: Vec<&String> = records[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "provider", "kind", "known", "event"]);
}

#[test]
fn worker_on_redis_prints_one_record_per_event_with_its_id() {
    let Some(engine) = redis() else {
        return;
    };
    let a1 = agora("a1", "o#a_1");
    redis_forward(
        &engine,
        &[
            tencent("t1", "hello"),
            a1.clone(),
            a1.clone(),
            pre_send("p1"),
        ],
    );
    let url = engine.redis_url();
    let worker = Worker::start(&["--from", &url, "--group", "g", "--consumer", "c1"]);
    let records = worker.records(3);
    check_records(&records, &security_of(&a1));
    // The copy of a1 is dropped.
    assert!(worker.silent_for(Duration::from_millis(700)));
}

#[test]
fn worker_on_nats_prints_one_record_per_event_with_its_id() {
    let Some(engine) = nats() else {
        return;
    };
    let url = engine.nats_url();
    let a1 = agora("a1", "o#a_1");
    runtime().block_on(async {
        let forward = JetStream::connect(&url, "imhook").await.unwrap();
        for e in [tencent("t1", "hello"), a1.clone(), pre_send("p1")] {
            forward.forward(&e).await.unwrap();
        }
    });
    let worker = Worker::start(&["--from", &url, "--group", "g"]);
    let records = worker.records(3);
    check_records(&records, &security_of(&a1));
    assert!(worker.silent_for(Duration::from_millis(700)));
}

/// Entries left unacknowledged by the group `g` (delivered to a worker, not yet
/// acknowledged), and a figure that changes whenever the group makes progress.
type Progress<'a> = &'a mut dyn FnMut() -> (i64, i64);

/// Worker A writes its records into a pipe nobody reads: the pipe fills and A blocks in
/// the middle of a batch, holding entries it read but did not acknowledge; it is then
/// killed with SIGKILL. Worker B must handle every entry A did not print, each once.
fn killed_mid_batch(url: &str, total: usize, progress: Progress<'_>) {
    let flags = [
        "--from",
        url,
        "--group",
        "g",
        "--redeliver-after",
        "1",
        "--timeout",
        "1",
        "--max-attempts",
        "1",
    ];
    let mut a = imhook()
        .arg("worker")
        .args(flags)
        .args(["--consumer", "a"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut a_out = a.stdout.take().unwrap();
    // Wait until A stops making progress (its pipe is full).
    let deadline = Instant::now() + WAIT;
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let before = progress();
        if before.0 > 0 {
            std::thread::sleep(Duration::from_millis(500));
            if progress() == before {
                break;
            }
        }
        assert!(Instant::now() < deadline, "worker A never stalled");
    }
    let left = progress().0;
    assert!(left > 1, "A holds unacknowledged entries: {left}");
    a.kill().unwrap();
    a.wait().unwrap();
    let mut a_text = String::new();
    a_out.read_to_string(&mut a_text).unwrap();
    let a_ids: Vec<String> = a_text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(a_ids.len() < total, "A was stopped mid-way");

    let b = Worker::start(&[&flags[..], &["--consumer", "b"]].concat());
    let b_ids: Vec<String> = b
        .records(total - a_ids.len())
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(b.silent_for(Duration::from_millis(700)));
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in a_ids.iter().chain(&b_ids) {
        *counts.entry(id.clone()).or_default() += 1;
    }
    assert_eq!(counts.len(), total);
    assert!(counts.values().all(|&n| n == 1));
    assert_eq!(progress().0, 0, "B acknowledged everything");
}

fn many(total: usize) -> Vec<ForwardEntry> {
    (0..total)
        .map(|i| agora(&format!("e{i:03}"), &format!("o#a_{i}")))
        .collect()
}

#[test]
fn a_redis_worker_killed_mid_batch_leaves_its_entries_to_another_that_handles_each_once() {
    let Some(engine) = redis() else {
        return;
    };
    redis_forward(&engine, &many(600));
    let url = engine.redis_url();
    let mut conn = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    killed_mid_batch(&url, 600, &mut || {
        let v: redis::Value = redis::cmd("XPENDING")
            .arg("imhook")
            .arg("g")
            .query(&mut conn)
            .unwrap();
        let pending = match v {
            redis::Value::Array(items) => match &items[0] {
                redis::Value::Int(n) => *n,
                _ => 0,
            },
            _ => 0,
        };
        (pending, pending)
    });
}

#[test]
fn a_jetstream_worker_killed_mid_batch_leaves_its_entries_to_another_that_handles_each_once() {
    let Some(engine) = nats() else {
        return;
    };
    let url = engine.nats_url();
    let rt = runtime();
    let js = rt.block_on(async {
        let forward = JetStream::connect(&url, "imhook").await.unwrap();
        for e in many(600) {
            forward.forward(&e).await.unwrap();
        }
        async_nats::jetstream::new(async_nats::connect(url.as_str()).await.unwrap())
    });
    killed_mid_batch(&url, 600, &mut || {
        rt.block_on(async {
            let Ok(stream) = js.get_stream("imhook").await else {
                return (0, 0);
            };
            let consumer: Result<async_nats::jetstream::consumer::PullConsumer, _> =
                stream.get_consumer("g").await;
            let Ok(mut consumer) = consumer else {
                return (0, 0);
            };
            let info = consumer.info().await.unwrap();
            let unacked = i64::try_from(info.num_ack_pending).unwrap();
            (
                unacked,
                unacked * 1_000_000 + i64::try_from(info.num_pending).unwrap(),
            )
        })
    });
}

#[test]
fn worker_refuses_an_unknown_engine() {
    let out = imhook()
        .args(["worker", "--from", "http://x", "--group", "g"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("redis://"));
}

// ---------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------

fn replay(args: &[&str]) -> std::process::Output {
    imhook().arg("replay").args(args).output().unwrap()
}

#[test]
fn replay_reposts_stored_callbacks_re_signed_to_a_receiver() {
    let Some(engine) = redis() else {
        return;
    };
    let receiver = Receiver::start(&[
        "--agora-secret",
        SECRET,
        "--tencent-sdkappid",
        SDKAPPID,
        "--tencent-token",
        TOKEN,
    ]);
    let before = now_millis();
    let mut old = agora("old", "o#a_old");
    old.received_at = before - 60_000;
    redis_forward(
        &engine,
        &[old, agora("a1", "o#a_1"), tencent("t1", "hello again")],
    );
    let url = engine.redis_url();
    let to = format!("http://{}", receiver.addr);

    // One event by id: signed afresh, so the receiver handles it.
    let out = replay(&[
        "--from", &url, "--id", "a1", "--to", &to, "--secret", SECRET,
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("200 a1 "), "{text}");
    let record: Value = serde_json::from_str(&receiver.next_event(WAIT).unwrap()).unwrap();
    assert_eq!(record["kind"], "message/chat");
    assert_ne!(record["event"]["callId"], "o#a_1", "a fresh callId");

    // Everything since a time: the Tencent callback with a fresh Sign and RequestTime.
    let since = rfc3339(before - 1000);
    let out = replay(&[
        "--from", &url, "--since", &since, "--to", &to, "--secret", SECRET, "--token", TOKEN,
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    assert_eq!(ids, ["a1", "t1"], "{text}");
    let kinds: Vec<String> = (0..2)
        .map(|_| {
            let r: Value = serde_json::from_str(&receiver.next_event(WAIT).unwrap()).unwrap();
            r["kind"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(kinds, ["message/chat", "C2C.CallbackAfterSendMsg"]);

    // --keep-call-id: the receiver takes the second copy for a duplicate.
    for _ in 0..2 {
        let out = replay(&[
            "--from",
            &url,
            "--id",
            "old",
            "--to",
            &to,
            "--secret",
            SECRET,
            "--keep-call-id",
        ]);
        assert!(out.status.success(), "{out:?}");
    }
    let record: Value = serde_json::from_str(&receiver.next_event(WAIT).unwrap()).unwrap();
    assert_eq!(record["event"]["callId"], "o#a_old");
    assert!(receiver.next_event(Duration::from_millis(700)).is_none());

    // Without the token the Tencent callback is refused, and replay says so.
    let out = replay(&["--from", &url, "--id", "t1", "--to", &to]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not accepted"));

    // Nothing matches.
    let out = replay(&["--from", &url, "--id", "nope", "--to", &to]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn replay_reads_jetstream_too() {
    let Some(engine) = nats() else {
        return;
    };
    let receiver = Receiver::start(&["--agora-secret", SECRET]);
    let url = engine.nats_url();
    runtime().block_on(async {
        let forward = JetStream::connect(&url, "imhook").await.unwrap();
        forward.forward(&agora("a1", "o#a_1")).await.unwrap();
    });
    let to = format!("http://{}/agora", receiver.addr);
    let out = replay(&[
        "--from", &url, "--id", "a1", "--to", &to, "--secret", SECRET,
    ]);
    assert!(out.status.success(), "{out:?}");
    let record: Value = serde_json::from_str(&receiver.next_event(WAIT).unwrap()).unwrap();
    assert_eq!(record["kind"], "message/chat");
}

/// `ms` as an RFC 3339 UTC date-time with milliseconds.
fn rfc3339(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

#[test]
fn worker_and_replay_explain_themselves_without_echoing_secrets() {
    for sub in ["worker", "replay"] {
        let out = imhook()
            .args([sub, "--help"])
            .env("IMHOOK_FROM", "redis://:very-secret-value@127.0.0.1:1/")
            .env("IMHOOK_AGORA_SECRET", "another-secret-value")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("--from"), "{text}");
        assert!(!text.contains("very-secret-value"));
        assert!(!text.contains("another-secret-value"));
    }
    // Exactly one of --id and --since.
    let out = imhook()
        .args([
            "replay",
            "--from",
            "redis://127.0.0.1:1/",
            "--to",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
