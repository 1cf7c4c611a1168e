//! JetStream forwarder, spool and durable pull-consumer workers against a real
//! `nats-server -js`.
#![cfg(feature = "nats")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use async_nats::jetstream::{self, consumer::pull};
use async_trait::async_trait;
use futures_util::StreamExt;
use imhook_core::forward::{FIELDS, Forward};
use imhook_core::{BoxError, MemoryStore, agora, tencent};
use imhook_queue::{Handlers, JetStream, JetStreamWorker, JetStreamWorkerConfig, Spool};
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

fn config(group: &str) -> JetStreamWorkerConfig {
    JetStreamWorkerConfig::new(group).expires(Duration::from_millis(200))
}

async fn spawn_worker(
    url: &str,
    config: JetStreamWorkerConfig,
    handlers: Handlers,
) -> tokio::task::JoinHandle<()> {
    let worker = JetStreamWorker::connect(url, config, handlers)
        .await
        .unwrap();
    tokio::spawn(async move { worker.run().await })
}

async fn context(server: &Server) -> jetstream::Context {
    jetstream::new(async_nats::connect(server.nats_url()).await.unwrap())
}

/// Messages on `subject`, read with an ephemeral consumer.
async fn read_all(server: &Server, stream: &str, subject: &str) -> Vec<async_nats::Message> {
    let js = context(server).await;
    let stream = js.get_stream(stream).await.unwrap();
    let consumer = stream
        .create_consumer(pull::Config {
            filter_subject: subject.to_owned(),
            ack_policy: jetstream::consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut out = Vec::new();
    let mut batch = consumer
        .fetch()
        .max_messages(1000)
        .expires(Duration::from_millis(500))
        .messages()
        .await
        .unwrap();
    while let Some(m) = batch.next().await {
        out.push(m.unwrap().message);
    }
    out
}

/// Messages of the durable consumer `group` not yet acknowledged.
async fn unacknowledged(server: &Server, stream: &str, group: &str) -> u64 {
    let js = context(server).await;
    let mut consumer: jetstream::consumer::PullConsumer = js
        .get_stream(stream)
        .await
        .unwrap()
        .get_consumer(group)
        .await
        .unwrap();
    let info = consumer.info().await.unwrap();
    info.num_ack_pending as u64 + info.num_pending
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_entries_reach_the_same_handlers_through_a_worker() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let forward = JetStream::connect(&url, "imhook").await.unwrap();
    let mut signed = tencent_entry("t1");
    signed.authenticated = true;
    signed.decision = bytes::Bytes::new();
    forward.forward(&signed).await.unwrap();
    forward.forward(&agora_entry("a1", 1)).await.unwrap();

    // Fields as headers, the raw body as payload, the event id as Nats-Msg-Id.
    let stored = read_all(&server, "imhook", "imhook").await;
    assert_eq!(stored.len(), 2);
    let headers = stored[0].headers.as_ref().unwrap();
    for name in FIELDS.iter().filter(|n| **n != "body") {
        assert!(headers.get(*name).is_some(), "header {name}");
    }
    assert_eq!(
        headers
            .get(async_nats::header::NATS_MESSAGE_ID)
            .unwrap()
            .as_str(),
        "t1"
    );
    assert_eq!(stored[0].payload, signed.body);

    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let task = spawn_worker(&url, config("g"), handlers(&seen, &store)).await;
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
    assert_eq!(
        *seen.contexts.lock().unwrap(),
        [
            "1400000001 State.StateChange Some(\"203.0.113.7\") Some(Ios) true true",
            "PostSend true Some(\"o#a_1\") true",
        ]
    );
    // Acknowledged: nothing left for the group.
    let left = unacknowledged(&server, "imhook", "g").await;
    assert_eq!(left, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_of_one_durable_consumer_handle_every_entry_exactly_once() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let forward = JetStream::connect(&url, "imhook").await.unwrap();
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let a = spawn_worker(&url, config("g").batch(4), handlers(&seen, &store)).await;
    let b = spawn_worker(&url, config("g").batch(4), handlers(&seen, &store)).await;
    for i in 0..200 {
        forward
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    seen.wait_for(200, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.abort();
    b.abort();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in seen.ids() {
        *counts.entry(id).or_default() += 1;
    }
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(unacknowledged(&server, "imhook", "g").await, 0);
}

/// Blocks on one event id forever; records the others.
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
async fn messages_of_a_worker_killed_mid_batch_are_redelivered_and_handled_once() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let forward = JetStream::connect(&url, "imhook").await.unwrap();
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
    let short_ack_wait = config("g").batch(10).ack_wait(Duration::from_secs(1));
    let a = spawn_worker(&url, short_ack_wait.clone(), stuck).await;
    tokio::time::timeout(WAIT, entered.notified())
        .await
        .unwrap();
    a.abort();
    let _ = a.await;
    assert_eq!(seen.ids(), ["e0", "e1", "e2"]);

    let b = spawn_worker(&url, short_ack_wait, handlers(&seen, &store)).await;
    seen.wait_for(10, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.abort();
    assert_eq!(
        seen.ids(),
        ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]
    );
    assert_eq!(unacknowledged(&server, "imhook", "g").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_id_forwarded_twice_is_handled_once() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let forward = JetStream::connect(&url, "imhook").await.unwrap();
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    forward.forward(&agora_entry("other", 2)).await.unwrap();
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    // Within the duplicate window the server stores the copy once.
    assert_eq!(read_all(&server, "imhook", "imhook").await.len(), 2);
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let task = spawn_worker(&url, config("g"), handlers(&seen, &store)).await;
    seen.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    task.abort();
    assert_eq!(seen.ids(), ["same", "other"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_outside_the_duplicate_window_are_dropped_by_the_worker() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    // A stream whose duplicate window is tiny: the server stores both copies.
    let js = context(&server).await;
    js.create_stream(jetstream::stream::Config {
        name: "short".to_owned(),
        subjects: vec!["short".to_owned(), "short:dead".to_owned()],
        duplicate_window: Duration::from_millis(100),
        ..Default::default()
    })
    .await
    .unwrap();
    let forward = JetStream::connect(&url, "short").await.unwrap();
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    forward.forward(&agora_entry("same", 1)).await.unwrap();
    assert_eq!(read_all(&server, "short", "short").await.len(), 2);
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let task = spawn_worker(&url, config("g").stream("short"), handlers(&seen, &store)).await;
    seen.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    task.abort();
    assert_eq!(seen.ids(), ["same"]);
    assert_eq!(unacknowledged(&server, "short", "g").await, 0);
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
        Err("downstream refused the event\nsecond line".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_failing_every_attempt_goes_to_the_dead_letter_subject() {
    let Some(server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let forward = JetStream::connect(&url, "jobs").await.unwrap();
    forward.forward(&tencent_entry("t-dead")).await.unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let handlers = Handlers::new(Arc::new(MemoryStore::default()))
        .tencent(Arc::new(Failing(calls.clone())))
        .max_attempts(3)
        .backoff(Duration::from_millis(5));
    let task = spawn_worker(&url, config("g").stream("jobs"), handlers).await;
    eventually(WAIT, "three attempts", || calls.load(Ordering::SeqCst) == 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    task.abort();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let dead = read_all(&server, "jobs", "jobs:dead").await;
    assert_eq!(dead.len(), 1);
    let headers = dead[0].headers.as_ref().unwrap();
    assert_eq!(
        headers.get("error").unwrap().as_str(),
        "downstream refused the event%0Asecond line"
    );
    assert_eq!(headers.get("attempts").unwrap().as_str(), "3");
    assert_eq!(headers.get("id").unwrap().as_str(), "t-dead");
    assert_eq!(dead[0].payload, tencent_entry("t-dead").body);
    assert_eq!(unacknowledged(&server, "jobs", "g").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_down_entries_are_spooled_and_reach_a_worker_once_in_order_when_it_is_back() {
    let Some(mut server) = Server::nats() else {
        return;
    };
    let url = server.nats_url();
    let dir = TempDir::new("spool");
    let engine = JetStream::connect(&url, "imhook")
        .await
        .unwrap()
        .timeout(Duration::from_millis(500));
    let spool = Spool::builder(engine).dir(dir.path()).open().unwrap();
    let seen = Arc::new(Seen::default());
    let store = Arc::new(MemoryStore::default());
    let worker = spawn_worker(&url, config("g"), handlers(&seen, &store)).await;
    for i in 0..5 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    seen.wait_for(5, WAIT).await;

    server.stop();
    for i in 5..25 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    assert!(spool.len() >= 19, "spooled: {}", spool.len());
    server.restart();
    eventually(WAIT, "the spool to drain", || spool.is_empty()).await;
    seen.wait_for(25, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    worker.abort();
    let want: Vec<String> = (0..25).map(|i| format!("e{i}")).collect();
    assert_eq!(seen.ids(), want);
}
