//! Redis Streams forwarder, spool and consumer-group workers against a real
//! `redis-server`.
#![cfg(feature = "redis")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use async_trait::async_trait;
use imhook_core::forward::{FIELDS, Forward, ForwardEntry, ForwardError};
use imhook_core::{BoxError, MemoryStore, agora, tencent};
use imhook_queue::worker::Audit;
use imhook_queue::{Handlers, RedisStreams, RedisWorker, RedisWorkerConfig, Spool};
use redis::Commands;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{Recorder, Seen, Server, TempDir, agora_entry, eventually, tencent_entry};

const WAIT: Duration = Duration::from_secs(30);

fn handlers(seen: &Arc<Seen>, store: &Arc<MemoryStore>) -> Handlers {
    Handlers::new(store.clone())
        .tencent(Arc::new(Recorder(seen.clone())))
        .agora(Arc::new(Recorder(seen.clone())))
        .backoff(Duration::from_millis(1))
}

fn config(group: &str, consumer: &str) -> RedisWorkerConfig {
    RedisWorkerConfig::new(group, consumer).block(Duration::from_millis(100))
}

async fn spawn_worker(
    url: &str,
    config: RedisWorkerConfig,
    handlers: Handlers,
) -> tokio::task::JoinHandle<()> {
    let worker = RedisWorker::connect(url, config, handlers).await.unwrap();
    tokio::spawn(async move { worker.run().await })
}

/// Number of entries pending in `group`.
fn pending(server: &Server, stream: &str, group: &str) -> usize {
    let reply: redis::Value = redis::cmd("XPENDING")
        .arg(stream)
        .arg(group)
        .query(&mut server.raw())
        .unwrap();
    match reply {
        redis::Value::Array(items) => match &items[0] {
            redis::Value::Int(n) => usize::try_from(*n).unwrap(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_entries_reach_the_same_handlers_through_a_worker() {
    let Some(server) = Server::redis() else {
        return;
    };
    let forward = RedisStreams::connect(&server.redis_url(), "imhook")
        .await
        .unwrap();
    let mut signed = tencent_entry("t1");
    signed.authenticated = true;
    forward.forward(&signed).await.unwrap();
    forward.forward(&agora_entry("a1", 1)).await.unwrap();

    // One stream entry per callback, fields named exactly as documented.
    let range: redis::streams::StreamRangeReply = server.raw().xrange_all("imhook").unwrap();
    assert_eq!(range.ids.len(), 2);
    let mut names: Vec<&str> = range.ids[0].map.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut want = FIELDS.to_vec();
    want.sort_unstable();
    assert_eq!(names, want);
    let body: Vec<u8> = range.ids[0].get("body").unwrap();
    assert_eq!(body, signed.body.as_ref());

    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let task = spawn_worker(
        &server.redis_url(),
        config("g", "w1"),
        handlers(&seen, &store),
    )
    .await;
    seen.wait_for(2, WAIT).await;
    task.abort();
    assert_eq!(
        *seen.calls.lock().unwrap(),
        [
            ("t1".to_owned(), "tencent", "State.StateChange".to_owned()),
            (
                "a1".to_owned(),
                "agora",
                "group_op_event/SHARE_FILE/ADD".to_owned()
            ),
        ]
    );
    // The context is rebuilt from the entry: query parameters, authentication, callId.
    assert_eq!(
        *seen.contexts.lock().unwrap(),
        [
            "1400000001 State.StateChange Some(\"203.0.113.7\") Some(Ios) true true",
            "PostSend true Some(\"o#a_1\") true",
        ]
    );
    eventually(WAIT, "acknowledgements", || {
        pending(&server, "imhook", "g") == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_in_one_group_handle_every_entry_exactly_once() {
    let Some(server) = Server::redis() else {
        return;
    };
    let forward = RedisStreams::connect(&server.redis_url(), "imhook")
        .await
        .unwrap();
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let url = server.redis_url();
    let a = spawn_worker(&url, config("g", "a").batch(4), handlers(&seen, &store)).await;
    let b = spawn_worker(&url, config("g", "b").batch(4), handlers(&seen, &store)).await;
    for i in 0..200 {
        forward
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    seen.wait_for(200, WAIT).await;
    // Give a double delivery time to show up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.abort();
    b.abort();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in seen.ids() {
        *counts.entry(id).or_default() += 1;
    }
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    // Both workers took part.
    let consumers: Vec<redis::streams::StreamInfoConsumer> = server
        .raw()
        .xinfo_consumers::<_, _, redis::streams::StreamInfoConsumersReply>("imhook", "g")
        .unwrap()
        .consumers;
    assert_eq!(consumers.len(), 2);
    assert_eq!(pending(&server, "imhook", "g"), 0);
}

/// Blocks on one event id until released; records the others.
struct Stuck {
    seen: Arc<Seen>,
    entered: Arc<tokio::sync::Notify>,
}

#[async_trait]
impl agora::CallbackHandler for Stuck {
    async fn handle(
        &self,
        ctx: &agora::AgoraContext,
        event: agora::AgoraEvent,
    ) -> Result<(), BoxError> {
        if imhook_queue::current_event_id().as_deref() == Some("e3") {
            self.entered.notify_one();
            std::future::pending::<()>().await;
        }
        agora::CallbackHandler::handle(&Recorder(self.seen.clone()), ctx, event).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_of_a_worker_killed_mid_batch_are_claimed_and_handled_once() {
    let Some(server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let forward = RedisStreams::connect(&url, "imhook").await.unwrap();
    for i in 0..10 {
        forward
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let entered = Arc::new(tokio::sync::Notify::new());
    let stuck = Handlers::new(store.clone()).agora(Arc::new(Stuck {
        seen: seen.clone(),
        entered: entered.clone(),
    }));
    // Worker A reads the whole batch and hangs on its fourth entry: then it dies.
    let a = spawn_worker(&url, config("g", "a").batch(10), stuck).await;
    tokio::time::timeout(WAIT, entered.notified())
        .await
        .unwrap();
    a.abort();
    let _ = a.await;
    assert_eq!(seen.ids(), ["e0", "e1", "e2"]);
    assert_eq!(pending(&server, "imhook", "g"), 7);

    // Worker B claims what A left pending once it was idle long enough.
    let b = spawn_worker(
        &url,
        config("g", "b").min_idle(Duration::from_millis(300)),
        handlers(&seen, &store),
    )
    .await;
    seen.wait_for(10, WAIT).await;
    eventually(WAIT, "acknowledgements", || {
        pending(&server, "imhook", "g") == 0
    })
    .await;
    b.abort();
    assert_eq!(
        seen.ids(),
        ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_id_forwarded_twice_is_handled_once() {
    let Some(server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let forward = RedisStreams::connect(&url, "imhook").await.unwrap();
    // Two receivers forwarded the provider's retry: same id, two stream entries.
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    forward.forward(&agora_entry("other", 2)).await.unwrap();
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let task = spawn_worker(&url, config("g", "w"), handlers(&seen, &store)).await;
    seen.wait_for(2, WAIT).await;
    eventually(WAIT, "acknowledgements", || {
        pending(&server, "imhook", "g") == 0
    })
    .await;
    task.abort();
    assert_eq!(seen.ids(), ["same", "other"]);
    let len: usize = server.raw().xlen("imhook").unwrap();
    assert_eq!(len, 3);
}

struct Failing(Arc<AtomicUsize>);

#[async_trait]
impl tencent::CallbackHandler for Failing {
    async fn handle(
        &self,
        _ctx: &tencent::TencentContext,
        _event: tencent::TencentEvent,
    ) -> Result<tencent::Answer, BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err("downstream refused the event".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_failing_every_attempt_goes_to_the_dead_letter_stream() {
    let Some(server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let forward = RedisStreams::connect(&url, "jobs").await.unwrap();
    forward.forward(&tencent_entry("t-dead")).await.unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let handlers = Handlers::new(Arc::new(MemoryStore::default()))
        .tencent(Arc::new(Failing(calls.clone())))
        .max_attempts(3)
        .backoff(Duration::from_millis(5));
    let task = spawn_worker(&url, config("g", "w").stream("jobs"), handlers).await;
    eventually(WAIT, "the dead letter", || {
        server.raw().xlen::<_, usize>("jobs:dead").unwrap() == 1
    })
    .await;
    eventually(WAIT, "acknowledgement", || {
        pending(&server, "jobs", "g") == 0
    })
    .await;
    task.abort();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let range: redis::streams::StreamRangeReply = server.raw().xrange_all("jobs:dead").unwrap();
    let dead = &range.ids[0];
    assert_eq!(
        dead.get::<String>("error").unwrap(),
        "downstream refused the event"
    );
    assert_eq!(dead.get::<String>("attempts").unwrap(), "3");
    assert_eq!(dead.get::<String>("id").unwrap(), "t-dead");
    assert_eq!(
        dead.get::<Vec<u8>>("body").unwrap(),
        tencent_entry("t-dead").body.as_ref()
    );
}

#[derive(Default)]
struct AuditLog(std::sync::Mutex<Vec<(String, String)>>);

#[async_trait]
impl Audit for AuditLog {
    async fn audit(&self, entry: &ForwardEntry) -> Result<(), BoxError> {
        self.0.lock().unwrap().push((
            entry.id.clone(),
            String::from_utf8(entry.decision.to_vec()).unwrap(),
        ));
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_send_audit_records_go_to_the_audit_callback_not_a_handler() {
    let Some(server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let forward = RedisStreams::connect(&url, "imhook").await.unwrap();
    let mut audit_entry = agora_entry("p1", 1);
    audit_entry.route = "agora-pre-send".to_owned();
    audit_entry.kind = "pre_send".to_owned();
    audit_entry.decision = bytes::Bytes::from_static(br#"{"valid":true}"#);
    forward.forward(&audit_entry).await.unwrap();
    forward.forward(&agora_entry("a2", 2)).await.unwrap();
    let seen = Arc::new(Seen::default());
    let log = Arc::new(AuditLog::default());
    let handlers = handlers(&seen, &Arc::new(MemoryStore::default())).audit(log.clone());
    let task = spawn_worker(&url, config("g", "w"), handlers).await;
    seen.wait_for(1, WAIT).await;
    eventually(WAIT, "acknowledgements", || {
        pending(&server, "imhook", "g") == 0
    })
    .await;
    task.abort();
    assert_eq!(seen.ids(), ["a2"]);
    assert_eq!(
        *log.0.lock().unwrap(),
        [("p1".to_owned(), r#"{"valid":true}"#.to_owned())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_entries_are_spooled_and_reach_a_worker_once_in_order_when_it_is_back() {
    let Some(mut server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let dir = TempDir::new("spool");
    let engine = RedisStreams::connect(&url, "imhook")
        .await
        .unwrap()
        .timeout(Duration::from_millis(300));
    let spool = Spool::builder(engine).dir(dir.path()).open().unwrap();
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let worker = spawn_worker(&url, config("g", "w"), handlers(&seen, &store)).await;

    for i in 0..5 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    seen.wait_for(5, WAIT).await;

    // Redis goes away while callbacks keep coming: every one is still accepted.
    server.stop();
    for i in 5..25 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    assert!(spool.len() >= 20, "spooled: {}", spool.len());
    server.restart();
    eventually(WAIT, "the spool to drain", || spool.is_empty()).await;
    seen.wait_for(25, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    worker.abort();
    let want: Vec<String> = (0..25).map(|i| format!("e{i}")).collect();
    assert_eq!(seen.ids(), want);
    // The spool directory is empty again.
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|f| !f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".seg"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_spool_with_redis_down_answers_spool_full() {
    let Some(mut server) = Server::redis() else {
        return;
    };
    let dir = TempDir::new("spool-full");
    let engine = RedisStreams::connect(&server.redis_url(), "imhook")
        .await
        .unwrap()
        .timeout(Duration::from_millis(200));
    let spool = Spool::builder(engine)
        .dir(dir.path())
        .max_bytes(2000)
        .open()
        .unwrap();
    server.stop();
    let mut accepted = 0;
    let mut full = None;
    for i in 0..20 {
        match spool.forward(&agora_entry(&format!("e{i}"), i)).await {
            Ok(()) => accepted += 1,
            Err(e) => {
                full = Some(e);
                break;
            }
        }
    }
    assert_eq!(full, Some(ForwardError::SpoolFull));
    assert!(accepted >= 1, "{accepted}");
    assert!(spool.bytes() <= 2000);
    assert_eq!(spool.len(), accepted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_len_trims_the_stream_and_the_default_does_not() {
    let Some(server) = Server::redis() else {
        return;
    };
    let url = server.redis_url();
    let plain = RedisStreams::connect(&url, "kept").await.unwrap();
    let capped = RedisStreams::connect(&url, "capped")
        .await
        .unwrap()
        .max_len(Some(10));
    for i in 0..300 {
        plain
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
        capped
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    let kept: usize = server.raw().xlen("kept").unwrap();
    let trimmed: usize = server.raw().xlen("capped").unwrap();
    assert_eq!(kept, 300);
    // Approximate trimming removes whole nodes (100 entries by default).
    assert!(trimmed < 300, "{trimmed}");
}
