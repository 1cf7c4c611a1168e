//! The Redis de-duplication store against a real `redis-server`.
//!
//! Uses `IMHOOK_TEST_REDIS_URL` when set; otherwise starts `redis-server` from `PATH`
//! on a free local port for each test. When neither is possible the tests are
//! skipped with a loud message, except under `CI=true`, where they fail.
#![cfg(feature = "redis")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::LEASE_MARGIN;
use imhook_core::RedisStore;
use imhook_core::agora::{
    AgoraConfig, AgoraContext, AgoraEvent, CallbackHandler, PostSendEndpoint,
    PostSendFailurePolicy, StoreFailurePolicy, security,
};
use imhook_core::{BoxError, Claim, Endpoint, IdempotencyKey, IdempotencyStore, Inbound, Secret};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TTL: Duration = Duration::from_secs(60);
const SECRET: &str = "imhook-redis-test-secret";

// ---------------------------------------------------------------------------
// The server under test
// ---------------------------------------------------------------------------

/// A Redis server for one test: external (`IMHOOK_TEST_REDIS_URL`) or a child process
/// killed on drop.
struct RedisServer {
    url: String,
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// `None` when no Redis is available (and we are not on CI).
    fn start() -> Option<Self> {
        if let Ok(url) = std::env::var("IMHOOK_TEST_REDIS_URL")
            && !url.is_empty()
        {
            return Some(Self {
                url,
                port: 0,
                child: None,
            });
        }
        let port = free_port();
        match spawn_redis(port) {
            Ok(child) => {
                let server = Self {
                    url: format!("redis://127.0.0.1:{port}/"),
                    port,
                    child: Some(child),
                };
                server.wait_ready();
                Some(server)
            }
            Err(e) => {
                let msg = format!(
                    "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                     !! Redis tests SKIPPED: cannot start `redis-server` ({e}).\n\
                     !! Install it (Debian/Ubuntu: `apt-get install redis-server`) or set\n\
                     !! IMHOOK_TEST_REDIS_URL=redis://host:port/ to use a running server.\n\
                     !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                );
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{msg}CI=true: Redis tests must run.");
                }
                eprintln!("{msg}");
                None
            }
        }
    }

    /// Whether this test owns the server process (and so may stop and restart it).
    fn owned(&self) -> bool {
        self.child.is_some()
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if ping(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not become ready", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The port may take a moment to be free again.
            let child = spawn_redis(self.port).expect("restart redis-server");
            std::thread::sleep(Duration::from_millis(100));
            let mut child = child;
            if child.try_wait().ok().flatten().is_none() {
                self.child = Some(child);
                break;
            }
            assert!(Instant::now() < deadline, "cannot restart redis-server");
        }
        self.wait_ready();
    }

    /// A plain synchronous connection, to inspect what the store wrote.
    fn raw(&self) -> redis::Connection {
        redis::Client::open(self.url.as_str())
            .unwrap()
            .get_connection()
            .unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn_redis(port: u16) -> std::io::Result<Child> {
    Command::new("redis-server")
        .args(["--port", &port.to_string()])
        .args(["--bind", "127.0.0.1"])
        .args(["--save", ""])
        .args(["--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"+PONG"))
}

/// A namespace no other test (or earlier run against an external server) uses.
fn unique_ns(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("imhook-test:{test}:{}:{nanos}", std::process::id())
}

fn key(i: usize) -> IdempotencyKey {
    IdempotencyKey::from_parts(&[&format!("call-{i}"), "chat", "bob"])
}

// ---------------------------------------------------------------------------
// Store semantics
// ---------------------------------------------------------------------------

#[tokio::test]
async fn claim_complete_release_semantics() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("semantics");
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(ns.clone());
    let mut raw = server.raw();

    // claim → in flight → done
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::InFlight);
    let rkey = format!("{ns}:{}", key(1).to_hex());
    assert_eq!(store.redis_key(&key(1)), rkey);
    let v: String = redis::cmd("GET").arg(&rkey).query(&mut raw).unwrap();
    assert_eq!(v, "1");
    store.complete(&key(1), TTL).await.unwrap();
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Done);
    let v: String = redis::cmd("GET").arg(&rkey).query(&mut raw).unwrap();
    assert_eq!(v, "2");
    let pttl: i64 = redis::cmd("PTTL").arg(&rkey).query(&mut raw).unwrap();
    assert!(pttl > 0 && pttl <= 60_000, "pttl {pttl}");

    // a release never forgets a completed key
    store.release(&key(1)).await.unwrap();
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Done);

    // release of a claim lets the retry in
    assert_eq!(store.claim(&key(2), TTL).await.unwrap(), Claim::Claimed);
    store.release(&key(2)).await.unwrap();
    assert_eq!(store.claim(&key(2), TTL).await.unwrap(), Claim::Claimed);

    // releasing an unknown key is harmless
    store.release(&key(3)).await.unwrap();

    // a claim is held for the in-flight lease, not the (4-day) retention
    let four_days = Duration::from_secs(4 * 24 * 3600);
    let lease = Duration::from_secs(7);
    assert_eq!(store.claim(&key(4), lease).await.unwrap(), Claim::Claimed);
    let pttl: i64 = redis::cmd("PTTL")
        .arg(store.redis_key(&key(4)))
        .query(&mut raw)
        .unwrap();
    assert!(pttl > 0 && pttl <= 7_000, "claim pttl {pttl}");
    store.complete(&key(4), four_days).await.unwrap();
    let pttl: i64 = redis::cmd("PTTL")
        .arg(store.redis_key(&key(4)))
        .query(&mut raw)
        .unwrap();
    assert!(pttl > 3 * 24 * 3600 * 1000, "done pttl {pttl}");

    // keys are short, namespaced and hold no user data
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{ns}:*"))
        .query(&mut raw)
        .unwrap();
    assert_eq!(keys.len(), 3);
    for k in &keys {
        assert!(!k.contains("call-"), "user data in key {k}");
        assert_eq!(k.len(), ns.len() + 1 + 32);
    }

    // namespaces do not share state
    let other = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(format!("{ns}-other"));
    assert_eq!(other.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn keys_expire_after_their_ttl() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(unique_ns("ttl"));
    let short = Duration::from_millis(150);
    assert_eq!(store.claim(&key(1), short).await.unwrap(), Claim::Claimed);
    assert_eq!(store.claim(&key(1), short).await.unwrap(), Claim::InFlight);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);

    // complete() sets the done state's own TTL
    store.complete(&key(1), short).await.unwrap();
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Done);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn a_claim_lapses_after_the_in_flight_lease_but_done_is_kept() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // An instance claimed the callback and died: no complete, no release.
    let crashed = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(unique_ns("lease"))
        .in_flight_lease(Duration::from_millis(150));
    assert_eq!(crashed.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);
    assert_eq!(crashed.claim(&key(1), TTL).await.unwrap(), Claim::InFlight);
    tokio::time::sleep(Duration::from_millis(400)).await;
    // A later resend is processed, and once completed it is kept for the full TTL.
    assert_eq!(crashed.claim(&key(1), TTL).await.unwrap(), Claim::Claimed);
    crashed.complete(&key(1), TTL).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(crashed.claim(&key(1), TTL).await.unwrap(), Claim::Done);
    let mut raw = server.raw();
    let pttl: i64 = redis::cmd("PTTL")
        .arg(crashed.redis_key(&key(1)))
        .query(&mut raw)
        .unwrap();
    assert!(pttl > 50_000, "done state keeps the TTL, got {pttl} ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_from_many_tasks_yield_one_winner() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("race");
    // Several independent connections, as several instances would have.
    let mut stores = Vec::new();
    for _ in 0..8 {
        stores.push(
            RedisStore::connect(&server.url)
                .await
                .unwrap()
                .namespace(ns.clone()),
        );
    }
    for round in 0..10 {
        let barrier = Arc::new(tokio::sync::Barrier::new(64));
        let mut tasks = Vec::new();
        for t in 0..64 {
            let store = stores[t % stores.len()].clone();
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                store.claim(&key(round), TTL).await.unwrap()
            }));
        }
        let mut claimed = 0;
        for t in tasks {
            if t.await.unwrap() == Claim::Claimed {
                claimed += 1;
            }
        }
        assert_eq!(claimed, 1, "round {round}");
    }
}

const CHILD_URL: &str = "IMHOOK_REDIS_CHILD_URL";
const CHILD_NS: &str = "IMHOOK_REDIS_CHILD_NS";
const RACE_KEYS: usize = 400;

/// Claims the race keys in a shared namespace, waiting for the parent's start signal;
/// prints one `CLAIMED <i>` line per key won. Only does something when the
/// `two_processes_claim_each_key_once` test runs this binary as its second process.
async fn race_claims(url: &str, ns: &str, role: &str) -> Vec<usize> {
    let store = RedisStore::connect(url)
        .await
        .unwrap()
        .namespace(ns.to_owned());
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("INCR")
        .arg(format!("{ns}:ready"))
        .query_async(&mut conn)
        .await
        .unwrap();
    // Start together: wait until both processes are ready.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready: Option<i64> = redis::cmd("GET")
            .arg(format!("{ns}:ready"))
            .query_async(&mut conn)
            .await
            .unwrap();
        if ready == Some(2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{role}: the other process never got ready"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Several tasks per process walk the same keys in the same order, so that the
    // two processes (and the tasks within each) keep colliding on the same key.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut won = Vec::new();
            for i in 0..RACE_KEYS {
                if store.claim(&key(i), TTL).await.unwrap() == Claim::Claimed {
                    won.push(i);
                }
            }
            won
        }));
    }
    let mut won = Vec::new();
    for t in tasks {
        won.extend(t.await.unwrap());
    }
    won
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_process_claimer() {
    let (Ok(url), Ok(ns)) = (std::env::var(CHILD_URL), std::env::var(CHILD_NS)) else {
        return; // not started as the second process
    };
    for i in race_claims(&url, &ns, "child").await {
        println!("CLAIMED {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_claim_each_key_once() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("two-proc");
    let exe = std::env::current_exe().unwrap();
    let child = Command::new(exe)
        .args([
            "--exact",
            "child_process_claimer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, &server.url)
        .env(CHILD_NS, &ns)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mine = race_claims(&server.url, &ns, "parent").await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success(), "second process failed");
    let theirs: Vec<usize> = String::from_utf8_lossy(&out.stdout)
        .lines()
        // libtest may print "test child_process_claimer ... " before the first line.
        .filter_map(|l| l.split("CLAIMED ").nth(1))
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let mut all: Vec<usize> = mine.iter().chain(theirs.iter()).copied().collect();
    all.sort_unstable();
    let expected: Vec<usize> = (0..RACE_KEYS).collect();
    assert_eq!(
        all, expected,
        "every key claimed exactly once across both processes"
    );
    eprintln!(
        "two processes: parent won {}, child won {} of {RACE_KEYS} keys",
        mine.len(),
        theirs.len()
    );
}

// ---------------------------------------------------------------------------
// Unreachable or stalled Redis
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unreachable_redis_fails_fast() {
    let port = free_port(); // nothing listens there
    let url = format!("redis://127.0.0.1:{port}/");
    let started = Instant::now();
    assert!(RedisStore::connect(&url).await.is_err());
    let store = RedisStore::lazy(&url).unwrap();
    assert!(store.claim(&key(1), TTL).await.is_err());
    assert!(store.complete(&key(1), TTL).await.is_err());
    assert!(store.release(&key(1)).await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn stalled_redis_times_out() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let store = RedisStore::lazy(&format!("redis://127.0.0.1:{port}/"))
        .unwrap()
        .timeout(Duration::from_millis(200));
    let started = Instant::now();
    assert!(store.claim(&key(1), TTL).await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------
// Through the Agora endpoint
// ---------------------------------------------------------------------------

/// Counts calls; fails the first `fail_first` of them, or sleeps through the first.
struct Counting {
    calls: AtomicUsize,
    fail_first: usize,
    sleep_first: AtomicBool,
}

impl Counting {
    fn new(fail_first: usize) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicUsize::new(0),
            fail_first,
            sleep_first: AtomicBool::new(false),
        })
    }
    fn sleeping_first() -> Arc<Self> {
        let c = Self::new(0);
        c.sleep_first.store(true, Ordering::SeqCst);
        c
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl CallbackHandler for Counting {
    async fn handle(&self, _ctx: &AgoraContext, _event: AgoraEvent) -> Result<(), BoxError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.sleep_first.swap(false, Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        if n < self.fail_first {
            return Err("downstream unavailable".into());
        }
        Ok(())
    }
}

/// A signed post-send message callback.
fn signed(call_id: &str) -> String {
    let ts = "1600060847294";
    let secret = Secret::new(SECRET).unwrap();
    let sig = security(call_id, &secret, ts);
    format!(
        r#"{{"callId":"{call_id}","eventType":"chat","timestamp":{ts},"chat_type":"chat","from":"alice","to":"bob","msg_id":"1","payload":{{"ext":{{}},"bodies":[{{"msg":"hi","type":"txt"}}]}},"securityVersion":"1.0.0","security":"{sig}"}}"#
    )
}

fn endpoint(
    store: RedisStore,
    handler: Arc<Counting>,
    post_send: PostSendFailurePolicy,
    on_store_failure: StoreFailurePolicy,
) -> PostSendEndpoint {
    let config = AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(store))
        .post_send_failure(post_send)
        .store_failure(on_store_failure);
    PostSendEndpoint::new(config, handler).unwrap()
}

async fn post(ep: &PostSendEndpoint, body: String) -> u16 {
    ep.handle(Inbound::post("", body)).await.status
}

#[tokio::test]
async fn failed_handler_releases_the_claim_so_the_retry_is_processed() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("retry-once");
    let handler = Counting::new(1);
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(ns.clone());
    let ep = endpoint(
        store.clone(),
        handler.clone(),
        PostSendFailurePolicy::RetryOnce,
        StoreFailurePolicy::Process,
    );
    let body = signed("demo-org#demo-app_retry-1");
    assert_eq!(post(&ep, body.clone()).await, 503, "first delivery fails");
    assert_eq!(handler.calls(), 1);
    // The claim was released: nothing left in Redis for this callback.
    let mut raw = server.raw();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{ns}:*"))
        .query(&mut raw)
        .unwrap();
    assert!(keys.is_empty(), "claim not released: {keys:?}");

    // The provider's retry, possibly to another instance sharing the Redis.
    let other_instance = endpoint(
        RedisStore::connect(&server.url)
            .await
            .unwrap()
            .namespace(ns.clone()),
        handler.clone(),
        PostSendFailurePolicy::RetryOnce,
        StoreFailurePolicy::Process,
    );
    assert_eq!(
        post(&other_instance, body.clone()).await,
        200,
        "retry processed"
    );
    assert_eq!(handler.calls(), 2);
    // Later duplicates are acknowledged without calling the handler.
    assert_eq!(post(&ep, body.clone()).await, 200);
    assert_eq!(post(&other_instance, body).await, 200);
    assert_eq!(handler.calls(), 2);
}

fn keys_in(server: &RedisServer, ns: &str) -> Vec<String> {
    redis::cmd("KEYS")
        .arg(format!("{ns}:*"))
        .query(&mut server.raw())
        .unwrap()
}

/// A request cancelled while its handler runs (the client went away, the server shut
/// down) releases its claim: the provider's retry is handled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cancelled_mid_handler_releases_its_claim() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("cancel");
    let handler = Counting::sleeping_first();
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(ns.clone());
    let ep = endpoint(
        store,
        handler.clone(),
        PostSendFailurePolicy::Ack,
        StoreFailurePolicy::Process,
    );
    let body = signed("demo-org#demo-app_cancel-1");
    let first = tokio::time::timeout(Duration::from_millis(200), post(&ep, body.clone())).await;
    assert!(first.is_err(), "the handler should still be running");
    assert_eq!(handler.calls(), 1);
    // The release runs in the background: Redis forgets the claim at once.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !keys_in(&server, &ns).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        keys_in(&server, &ns).is_empty(),
        "the claim was not released"
    );
    assert_eq!(post(&ep, body.clone()).await, 200);
    assert_eq!(handler.calls(), 2, "the retry was taken for a duplicate");
    assert_eq!(post(&ep, body).await, 200);
    assert_eq!(handler.calls(), 2);
}

/// An instance that claimed a callback and vanished (no release at all) holds it for
/// the handler deadline plus the lease margin, not for the retention or a fixed lease.
#[tokio::test]
async fn an_abandoned_claim_lapses_after_the_handler_deadline_and_a_margin() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let ns = unique_ns("abandoned");
    let deadline = Duration::from_millis(100);
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(ns.clone());
    let verifier = AgoraConfig::new()
        .secret(Secret::new(SECRET).unwrap())
        .store(Arc::new(store))
        .post_send_deadline(deadline);
    let body = signed("demo-org#demo-app_abandoned-1");
    let cb = verifier
        .verify_post_send(Inbound::post("", body.clone()))
        .await
        .unwrap();
    std::mem::forget(cb);
    let keys = keys_in(&server, &ns);
    assert_eq!(keys.len(), 1);
    let pttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query(&mut server.raw())
        .unwrap();
    let lease = deadline + LEASE_MARGIN;
    assert!(
        pttl > 0 && pttl <= lease.as_millis() as i64,
        "claim pttl {pttl} ms, lease {lease:?}"
    );
    assert!(
        verifier
            .verify_post_send(Inbound::post("", body.clone()))
            .await
            .is_err()
    );
    tokio::time::sleep(lease + Duration::from_millis(300)).await;
    assert!(
        verifier
            .verify_post_send(Inbound::post("", body))
            .await
            .is_ok(),
        "the abandoned claim was still in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_then_recovers() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    if !server.owned() {
        eprintln!(
            "redis_stopped_mid_run_then_recovers: skipped (external Redis cannot be stopped)"
        );
        return;
    }
    let ns = unique_ns("outage");
    let store = RedisStore::connect(&server.url)
        .await
        .unwrap()
        .namespace(ns);
    let process_handler = Counting::new(0);
    let retry_handler = Counting::new(0);
    let process = endpoint(
        store.clone(),
        process_handler.clone(),
        PostSendFailurePolicy::Ack,
        StoreFailurePolicy::Process,
    );
    let retry = endpoint(
        store.clone(),
        retry_handler.clone(),
        PostSendFailurePolicy::Ack,
        StoreFailurePolicy::Retry,
    );

    // Healthy: ready, and de-duplicated.
    assert!(store.check().await.is_ok());
    assert_eq!(post(&process, signed("up-1")).await, 200);
    assert_eq!(post(&process, signed("up-1")).await, 200);
    assert_eq!(process_handler.calls(), 1);

    // Redis dies: not ready (within the command timeout).
    server.stop();
    let started = Instant::now();
    assert!(
        store.check().await.is_err(),
        "a stopped Redis reported ready"
    );
    for i in 0..5 {
        // Process (default): handled anyway, without waiting long.
        assert_eq!(post(&process, signed(&format!("down-{i}"))).await, 200);
        // Retry: 503 so the provider retries later; the handler is not called.
        assert_eq!(post(&retry, signed(&format!("down-r-{i}"))).await, 503);
    }
    assert_eq!(process_handler.calls(), 6);
    assert_eq!(retry_handler.calls(), 0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "outage slowed requests down: {:?}",
        started.elapsed()
    );

    // Redis comes back on the same address (empty: it had no persistence).
    server.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    while store.claim(&key(999), TTL).await.is_err() {
        assert!(Instant::now() < deadline, "store did not recover");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(store.check().await.is_ok());
    assert_eq!(post(&retry, signed("back-1")).await, 200);
    assert_eq!(post(&retry, signed("back-1")).await, 200);
    assert_eq!(retry_handler.calls(), 1, "de-duplication works again");
    assert_eq!(post(&process, signed("back-2")).await, 200);
    assert_eq!(post(&process, signed("back-2")).await, 200);
    assert_eq!(process_handler.calls(), 7);
}

#[tokio::test]
async fn the_url_password_never_appears_in_debug_output_or_errors() {
    let port = free_port(); // nothing listens there
    let url = format!("redis://user:hunter2-secret@127.0.0.1:{port}/");
    let store = RedisStore::lazy(&url).unwrap();
    assert!(!format!("{store:?}").contains("hunter2"));
    let err = store.claim(&key(1), TTL).await.unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = RedisStore::connect(&url).await.unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    for bad in [
        "redis://user:hunter2-secret@[::1",
        "http://user:hunter2-secret@host/",
        "hunter2-secret",
    ] {
        let err = RedisStore::lazy(bad).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{bad}: {err}");
    }
}
