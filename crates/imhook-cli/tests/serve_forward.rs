//! `imhook serve --forward` end to end: real `imhook serve` and `imhook worker`
//! processes, a real `redis-server` and `nats-server -js`, each started by the test on
//! a free port and killed on drop. When a server binary is missing the test is skipped
//! loudly, or fails under `CI=true`.
//!
//! - Two receivers forwarding to one engine, the same callbacks (duplicates included)
//!   sent to both: one stored entry per distinct callback; two workers of one group
//!   handle every entry once, and the entries a worker held when it was killed with
//!   SIGKILL are handled by the other, once.
//! - The engine killed while callbacks flow: every callback is still answered 200 (the
//!   spool keeps it), and after the engine restarts every callback reaches a worker
//!   exactly once.
//! - A pre-send request is answered with its decision and stored as an audit entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod serve_support;

use serde_json::Value;
use serve_support::{
    SDKAPPID, SECRET, Server, TOKEN, agora_chat, imhook, status_of, tencent_after_send_msg,
    tencent_target,
};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const WAIT: Duration = Duration::from_secs(30);
/// Reply bound of one callback (the engine's write, or the spool's, included).
const REPLY: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Redis,
    Nats,
}

/// A redis-server or nats-server child on a fixed port and data directory, so that
/// it can be killed and started again with what it had stored.
struct Engine {
    kind: Kind,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.kill();
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
    let dir = std::env::temp_dir().join(format!(
        "imhook-forward-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn nats_binary() -> &'static str {
    if Path::new("/usr/sbin/nats-server").exists() {
        "/usr/sbin/nats-server"
    } else {
        "nats-server"
    }
}

impl Engine {
    /// Starts the engine, or `None` (test skipped) when its binary is missing.
    fn start(kind: Kind) -> Option<Self> {
        let mut engine = Self {
            kind,
            port: free_port(),
            dir: temp_dir(match kind {
                Kind::Redis => "redis",
                Kind::Nats => "nats",
            }),
            child: None,
        };
        match engine.spawn() {
            Ok(()) => Some(engine),
            Err(e) => {
                let msg = format!("\n!! forward tests SKIPPED: cannot start the engine ({e})\n");
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{msg}CI=true: these tests must run.");
                }
                eprintln!("{msg}");
                None
            }
        }
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let port = self.port.to_string();
        let dir = self.dir.display().to_string();
        let mut cmd = match self.kind {
            // An append-only file written before each reply: what Redis acknowledged
            // survives the process being killed.
            Kind::Redis => {
                let mut c = Command::new("redis-server");
                c.args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
                    .args(["--appendonly", "yes", "--appendfsync", "always"])
                    .args(["--dir", &dir]);
                c
            }
            Kind::Nats => {
                let mut c = Command::new(nats_binary());
                c.args(["-js", "-sd", &dir, "-p", &port, "-a", "127.0.0.1"]);
                c
            }
        };
        let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
        self.child = Some(child);
        let hello: &[u8] = match self.kind {
            Kind::Redis => b"+PONG",
            Kind::Nats => b"INFO",
        };
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                if self.kind == Kind::Redis {
                    let _ = s.write_all(b"PING\r\n");
                }
                let mut buf = vec![0u8; hello.len()];
                if s.read_exact(&mut buf).is_ok() && buf == hello {
                    return Ok(());
                }
            }
            assert!(Instant::now() < deadline, "the engine did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the engine again on the same port with the same data.
    fn restart(&mut self) {
        self.spawn().unwrap();
    }

    fn url(&self) -> String {
        match self.kind {
            Kind::Redis => format!("redis://127.0.0.1:{}/", self.port),
            Kind::Nats => format!("nats://127.0.0.1:{}", self.port),
        }
    }

    fn redis(&self) -> redis::Connection {
        redis::Client::open(self.url().as_str())
            .unwrap()
            .get_connection()
            .unwrap()
    }

    /// Every stored entry of the stream `imhook`, each as its fields.
    fn entries(&self) -> Vec<HashMap<String, Vec<u8>>> {
        match self.kind {
            Kind::Redis => {
                let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
                    .arg("imhook")
                    .arg("-")
                    .arg("+")
                    .query(&mut self.redis())
                    .unwrap();
                reply
                    .ids
                    .iter()
                    .map(|entry| {
                        entry
                            .map
                            .iter()
                            .map(|(k, v)| {
                                let redis::Value::BulkString(bytes) = v else {
                                    panic!("field {k} is not a string: {v:?}");
                                };
                                (k.clone(), bytes.clone())
                            })
                            .collect()
                    })
                    .collect()
            }
            Kind::Nats => nats_entries(&self.url()),
        }
    }

    /// Entries of the group `g` delivered to a worker and not acknowledged yet, for
    /// `consumer` (Redis) or the whole group (JetStream); and whether every entry of
    /// the stream has been delivered to the group.
    fn unacknowledged(&self, consumer: &str) -> (usize, bool) {
        match self.kind {
            Kind::Redis => {
                let mut conn = self.redis();
                let pending: Vec<redis::Value> = redis::cmd("XPENDING")
                    .arg("imhook")
                    .arg("g")
                    .arg("-")
                    .arg("+")
                    .arg(10_000)
                    .arg(consumer)
                    .query(&mut conn)
                    .unwrap();
                let groups: Vec<HashMap<String, redis::Value>> = redis::cmd("XINFO")
                    .arg("GROUPS")
                    .arg("imhook")
                    .query(&mut conn)
                    .unwrap_or_default();
                let lag = groups
                    .iter()
                    .find(|g| {
                        g.get("name")
                            .is_some_and(|n| *n == redis::Value::BulkString(b"g".to_vec()))
                    })
                    .and_then(|g| match g.get("lag") {
                        Some(redis::Value::Int(n)) => Some(*n),
                        _ => None,
                    });
                (pending.len(), lag == Some(0))
            }
            Kind::Nats => nats_consumer(&self.url()),
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every message of the JetStream stream `imhook`: its headers, and its payload as
/// `body`.
fn nats_entries(url: &str) -> Vec<HashMap<String, Vec<u8>>> {
    runtime().block_on(async {
        let js = async_nats::jetstream::new(async_nats::connect(url).await.unwrap());
        let stream = js.get_stream("imhook").await.unwrap();
        let last = stream.get_info().await.unwrap().state.last_sequence;
        let mut out = Vec::new();
        for seq in 1..=last {
            let Ok(message) = stream.get_raw_message(seq).await else {
                continue;
            };
            let mut fields: HashMap<String, Vec<u8>> = message
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.first()
                            .map(|v| v.as_str().as_bytes().to_vec())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            fields.insert("body".to_owned(), message.payload.to_vec());
            out.push(fields);
        }
        out
    })
}

/// `(num_ack_pending, num_pending == 0)` of the durable consumer `g`.
fn nats_consumer(url: &str) -> (usize, bool) {
    runtime().block_on(async {
        let js = async_nats::jetstream::new(async_nats::connect(url).await.unwrap());
        let Ok(stream) = js.get_stream("imhook").await else {
            return (0, false);
        };
        let consumer: Result<async_nats::jetstream::consumer::PullConsumer, _> =
            stream.get_consumer("g").await;
        let Ok(mut consumer) = consumer else {
            return (0, false);
        };
        let info = consumer.info().await.unwrap();
        (info.num_ack_pending, info.num_pending == 0)
    })
}

/// The text of a stored field.
fn text(entry: &HashMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(entry.get(name).cloned().unwrap_or_default()).unwrap()
}

// ---------------------------------------------------------------------------
// Receivers, callbacks, workers
// ---------------------------------------------------------------------------

/// `imhook serve --forward URL` with a spool directory of its own.
fn receiver(url: &str, spool: &Path, extra: &[&str]) -> Server {
    let spool = spool.display().to_string();
    let mut args = vec![
        "--forward",
        url,
        "--spool",
        &spool,
        "--agora-secret",
        SECRET,
        "--tencent-sdkappid",
        SDKAPPID,
        "--tencent-token",
        TOKEN,
        "--tencent-dedupe",
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// One callback: where it goes and its bytes.
#[derive(Clone)]
struct Callback {
    path: &'static str,
    command: Option<&'static str>,
    body: Vec<u8>,
}

impl Callback {
    fn agora(call_id: &str) -> Self {
        Self {
            path: "/agora",
            command: None,
            body: agora_chat(call_id),
        }
    }

    fn tencent(text: &str) -> Self {
        Self {
            path: "/tencent",
            command: Some("C2C.CallbackAfterSendMsg"),
            body: tencent_after_send_msg(text),
        }
    }

    /// Posts it (a Tencent one freshly signed) and returns the reply.
    fn post(&self, server: &Server) -> Vec<u8> {
        let target = match self.command {
            Some(command) => tencent_target(command),
            None => self.path.to_owned(),
        };
        server.post(&target, &self.body, REPLY)
    }
}

/// Posts `callback` to `server`: it must be answered 200.
fn deliver(server: &Server, callback: &Callback) {
    let reply = callback.post(server);
    assert_eq!(
        status_of(&reply),
        Some(200),
        "{}",
        String::from_utf8_lossy(&reply)
    );
}

/// `n` distinct Agora and Tencent After callbacks, alternating; `tag` keeps those of
/// one test apart.
fn callbacks(tag: &str, n: usize) -> Vec<Callback> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                Callback::agora(&format!("demo-org#demo-app_{tag}-{i}"))
            } else {
                Callback::tencent(&format!("{tag} message {i}"))
            }
        })
        .collect()
}

/// A running `imhook worker`, killed on drop.
struct Worker {
    child: Child,
    lines: Option<Receiver<String>>,
    stalled: Option<ChildStdout>,
}

impl Worker {
    /// A worker of the group `g` named `consumer`; with `read`, its records are read
    /// as they come, otherwise its standard output is a pipe nobody reads, which fills
    /// and then blocks it in the middle of a batch.
    fn start(url: &str, consumer: &str, read: bool) -> Self {
        let mut child = imhook()
            .arg("worker")
            .args(["--from", url, "--group", "g", "--consumer", consumer])
            .args([
                "--redeliver-after",
                "3",
                "--timeout",
                "1",
                "--max-attempts",
                "1",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (lines, stalled) = if read {
            let (tx, rx) = channel();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            (Some(rx), None)
        } else {
            (None, Some(out))
        };
        Self {
            child,
            lines,
            stalled,
        }
    }

    /// Records until the ids seen (`seen`, updated) cover `wanted`, then until
    /// nothing more comes for a moment; every record's id.
    fn ids_until(&self, seen: &mut HashSet<String>, wanted: &HashSet<String>) -> Vec<String> {
        let lines = self.lines.as_ref().unwrap();
        let mut ids = Vec::new();
        let deadline = Instant::now() + WAIT;
        while !wanted.is_subset(seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                panic!(
                    "{} of {} events reached a worker",
                    seen.intersection(wanted).count(),
                    wanted.len()
                );
            };
            let id = record_id(&line);
            seen.insert(id.clone());
            ids.push(id);
        }
        while let Ok(line) = lines.recv_timeout(Duration::from_millis(1500)) {
            ids.push(record_id(&line));
        }
        ids
    }

    /// The id of the next record.
    fn next_id(&self) -> String {
        let line = self.lines.as_ref().unwrap().recv_timeout(WAIT);
        record_id(&line.expect("a record"))
    }

    /// SIGKILL, then the ids of the records it printed.
    fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut text = String::new();
        self.stalled
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text.lines().map(record_id).collect()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn record_id(line: &str) -> String {
    let record: Value = serde_json::from_str(line).unwrap();
    record["id"].as_str().unwrap().to_owned()
}

/// Asserts that every id of `wanted` was handled exactly once across `handled`.
fn exactly_once(handled: &[&[String]], wanted: &HashSet<String>) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in handled.iter().flat_map(|ids| ids.iter()) {
        *counts.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "handled more than once: {twice:?}");
    let got: HashSet<String> = counts.keys().map(|id| (*id).to_owned()).collect();
    assert_eq!(&got, wanted, "every stored event handled");
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/// Two receivers (axum and actix-web), every callback sent to both (and some a second
/// time): one entry per distinct callback, the raw body as sent, `Sign` redacted. Then
/// worker `a` (which stalls mid-batch) and worker `b` share the group; `a` is killed
/// with SIGKILL while it holds entries, and `b` handles them: every entry once across
/// both.
fn two_receivers_two_workers(kind: Kind) {
    let Some(engine) = Engine::start(kind) else {
        return;
    };
    let url = engine.url();
    let spools = temp_dir("spools");
    let one = receiver(&url, &spools.join("one"), &[]);
    let two = receiver(&url, &spools.join("two"), &["--framework", "actix"]);
    // Enough records to fill the pipe of the stalled worker (64 KiB).
    let sent = callbacks(&format!("{kind:?}"), 300);
    for (i, callback) in sent.iter().enumerate() {
        deliver(&one, callback);
        deliver(&two, callback);
        if i % 10 == 0 {
            deliver(&one, callback);
        }
    }

    let entries = engine.entries();
    assert_eq!(entries.len(), sent.len(), "one entry per distinct callback");
    let ids: HashSet<String> = entries.iter().map(|e| text(e, "id")).collect();
    assert_eq!(ids.len(), sent.len(), "distinct event ids");
    let bodies: HashSet<&[u8]> = entries.iter().map(|e| e["body"].as_slice()).collect();
    for callback in &sent {
        assert!(
            bodies.contains(callback.body.as_slice()),
            "the raw body is stored as received"
        );
    }
    for entry in &entries {
        assert_eq!(text(entry, "decision"), "");
        assert_eq!(text(entry, "authenticated"), "true");
        match text(entry, "provider").as_str() {
            "agora" => assert_eq!(text(entry, "query"), ""),
            "tencent" => {
                let query = text(entry, "query");
                assert!(query.contains("Sign=***&"), "{query}");
                assert!(query.contains("CallbackCommand=C2C.CallbackAfterSendMsg"));
            }
            other => panic!("provider {other}"),
        }
    }
    // Forwarded callbacks are not handled by the receivers themselves.
    assert!(one.next_event(Duration::from_millis(200)).is_none());
    assert!(two.next_event(Duration::from_millis(200)).is_none());

    // Worker `a` starts alone and stalls, holding entries it read: its pipe is full.
    let a = Worker::start(&url, "a", false);
    let deadline = Instant::now() + WAIT;
    let held = loop {
        std::thread::sleep(Duration::from_millis(300));
        let before = engine.unacknowledged("a");
        if before.0 > 0 {
            std::thread::sleep(Duration::from_millis(600));
            if engine.unacknowledged("a") == before {
                break before;
            }
        }
        assert!(Instant::now() < deadline, "worker a never stalled");
    };
    assert!(!held.1, "a stalled before the end of the stream");
    // Worker `b` joins the group; once it handles entries, `a` is killed.
    let b = Worker::start(&url, "b", true);
    let first = b.next_id();
    let a_ids = a.kill();
    assert!(!a_ids.is_empty(), "a handled part of the stream");
    let mut seen: HashSet<String> = a_ids.iter().cloned().collect();
    seen.insert(first.clone());
    let mut b_ids = vec![first];
    b_ids.extend(b.ids_until(&mut seen, &ids));
    exactly_once(&[&a_ids, &b_ids], &ids);
    assert_eq!(engine.unacknowledged("b").0, 0, "b acknowledged everything");
}

#[test]
fn two_receivers_store_each_redis_callback_once_and_two_workers_handle_each_once() {
    two_receivers_two_workers(Kind::Redis);
}

#[test]
fn two_receivers_store_each_jetstream_callback_once_and_two_workers_handle_each_once() {
    two_receivers_two_workers(Kind::Nats);
}

/// Callbacks keep coming while the engine is killed and started again: every one is
/// answered 200, and every one reaches the worker exactly once.
fn engine_outage(kind: Kind) {
    let Some(mut engine) = Engine::start(kind) else {
        return;
    };
    let url = engine.url();
    let spools = temp_dir("spools");
    let server = receiver(&url, &spools.join("one"), &["--framework", "warp"]);
    let worker = Worker::start(&url, "w", true);
    let sent = callbacks(&format!("{kind:?}-outage"), 60);
    let (before, rest) = sent.split_at(20);
    let (during, after) = rest.split_at(20);
    for callback in before {
        deliver(&server, callback);
    }
    engine.kill();
    for callback in during {
        deliver(&server, callback);
    }
    // A retry of a callback sent during the outage: its copy shares the event id.
    deliver(&server, &during[0]);
    let log = server.log_lines().join("\n");
    assert!(log.contains("spooling it"), "the spool took them: {log}");
    engine.restart();
    for callback in after {
        deliver(&server, callback);
    }
    let wanted: HashSet<String> = wait_for_entries(&engine, sent.len())
        .iter()
        .map(|e| text(e, "id"))
        .collect();
    assert_eq!(wanted.len(), sent.len(), "one event id per callback");
    let mut seen = HashSet::new();
    let ids = worker.ids_until(&mut seen, &wanted);
    exactly_once(&[&ids], &wanted);
}

/// The stream's entries once the spool has drained (at least `n` of them).
fn wait_for_entries(engine: &Engine, n: usize) -> Vec<HashMap<String, Vec<u8>>> {
    let deadline = Instant::now() + WAIT;
    loop {
        let entries = engine.entries();
        if entries.len() >= n {
            return entries;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {n} entries reached the engine",
            entries.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn redis_stopped_while_callbacks_flow_every_callback_is_answered_and_reaches_a_worker_once() {
    engine_outage(Kind::Redis);
}

#[test]
fn jetstream_stopped_while_callbacks_flow_every_callback_is_answered_and_reaches_a_worker_once() {
    engine_outage(Kind::Nats);
}

#[test]
fn a_forwarded_pre_send_request_is_answered_with_its_decision_and_stored_as_an_audit_entry() {
    let Some(engine) = Engine::start(Kind::Redis) else {
        return;
    };
    let spools = temp_dir("spools");
    let server = receiver(&engine.url(), &spools.join("one"), &[]);
    let call_id = "demo-org#demo-app_pre-1";
    let body = agora_chat(call_id);
    let reply = server.post("/agora/pre-send", &body, REPLY);
    assert_eq!(status_of(&reply), Some(200));
    let reply_body = &reply[reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    let decision: Value = serde_json::from_slice(reply_body).unwrap();
    assert_eq!(decision["valid"], true);
    // The receiver decided it inline: its record is written here.
    let record: Value = serde_json::from_str(&server.next_event(WAIT).unwrap()).unwrap();
    assert_eq!(record["kind"], "pre_send");

    let entries = wait_for_entries(&engine, 1);
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(text(entry, "route"), "agora-pre-send");
    assert_eq!(text(entry, "kind"), "pre_send");
    assert_eq!(
        entry["decision"].as_slice(),
        reply_body,
        "the reply that was sent"
    );
    assert_eq!(entry["body"], body);

    // A worker prints the audit record; it decides nothing.
    let worker = Worker::start(&engine.url(), "w", true);
    let wanted = HashSet::from([text(entry, "id")]);
    let ids = worker.ids_until(&mut HashSet::new(), &wanted);
    exactly_once(&[&ids], &wanted);
}

#[test]
fn serve_forward_flags_are_checked_and_explained() {
    let out = imhook()
        .args([
            "serve",
            "--forward",
            "nats://127.0.0.1:1",
            "--max-len",
            "10",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-len"));
    let out = imhook()
        .args(["serve", "--forward", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = imhook()
        .args(["serve", "--spool", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--spool needs --forward");
    let out = imhook()
        .args(["serve", "--help"])
        .env("IMHOOK_FORWARD", "redis://:very-secret-value@127.0.0.1:1/")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(!help.contains("very-secret-value"));
    for words in ["503", "spool", "--max-len", "/readyz", "at least once"] {
        assert!(help.contains(words), "--help mentions {words}: {help}");
    }
}
