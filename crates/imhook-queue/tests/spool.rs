//! The spool's files: order, restarts, bounds and records cut short by a crash. The
//! engine here is an in-process list that can be switched off (the Redis and NATS
//! tests run the spool against the real servers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use async_trait::async_trait;
use imhook_core::forward::{Forward, ForwardEntry, ForwardError};
use imhook_queue::Spool;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{TempDir, agora_entry, eventually};

const WAIT: Duration = Duration::from_secs(20);

/// An engine that stores entry ids while `up` (and below `limit` entries, if set),
/// and refuses writes otherwise.
#[derive(Default)]
struct Engine {
    up: AtomicBool,
    limit: Mutex<Option<usize>>,
    ids: Mutex<Vec<String>>,
}

impl Engine {
    fn new(up: bool) -> Arc<Self> {
        let engine = Self::default();
        engine.up.store(up, Ordering::SeqCst);
        Arc::new(engine)
    }
    fn ids(&self) -> Vec<String> {
        self.ids.lock().unwrap().clone()
    }
}

#[async_trait]
impl Forward for Engine {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        let mut ids = self.ids.lock().unwrap();
        let room = self.limit.lock().unwrap().is_none_or(|n| ids.len() < n);
        if self.up.load(Ordering::SeqCst) && room {
            ids.push(entry.id.clone());
            Ok(())
        } else {
            Err(ForwardError::Unavailable("down".to_owned()))
        }
    }
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("e{i}")).collect()
}

fn segments(dir: &TempDir) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn entries_arriving_while_the_spool_holds_some_queue_behind_them() {
    let dir = TempDir::new("order");
    let engine = Engine::new(false);
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .segment_bytes(600)
        .open()
        .unwrap();
    for i in 0..10 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    assert_eq!(spool.len(), 10);
    assert!(segments(&dir).len() > 1, "small segments roll");
    // The engine is back, but the spool still holds entries: new ones go behind them.
    engine.up.store(true, Ordering::SeqCst);
    for i in 10..15 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(engine.ids(), ids(0..15));
    assert!(segments(&dir).is_empty(), "drained segments are deleted");
    assert_eq!(spool.bytes(), 0);
    // With an empty spool, entries go straight to the engine.
    spool.forward(&agora_entry("direct", 99)).await.unwrap();
    assert_eq!(engine.ids().last().unwrap(), "direct");
    assert!(segments(&dir).is_empty());
}

#[tokio::test]
async fn a_new_spool_on_the_same_directory_sends_what_an_earlier_process_left() {
    let dir = TempDir::new("restart");
    {
        let spool = Spool::builder(Engine::new(false))
            .dir(dir.path())
            .segment_bytes(600)
            .open()
            .unwrap();
        for i in 0..8 {
            spool
                .forward(&agora_entry(&format!("e{i}"), i))
                .await
                .unwrap();
        }
    }
    let engine = Engine::new(true);
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .open()
        .unwrap();
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(engine.ids(), ids(0..8));
    assert!(segments(&dir).is_empty());
}

#[tokio::test]
async fn a_partly_drained_spool_resumes_after_the_last_sent_entry() {
    let dir = TempDir::new("resume");
    let first = Engine::new(false);
    {
        let spool = Spool::builder(first.clone())
            .dir(dir.path())
            .open()
            .unwrap();
        for i in 0..6 {
            spool
                .forward(&agora_entry(&format!("e{i}"), i))
                .await
                .unwrap();
        }
        // The engine takes three entries, then fails again; the process stops.
        *first.limit.lock().unwrap() = Some(3);
        first.up.store(true, Ordering::SeqCst);
        eventually(WAIT, "a partial drain", || spool.len() == 3).await;
    }
    let second = Engine::new(false);
    let spool = Spool::builder(second.clone())
        .dir(dir.path())
        .open()
        .unwrap();
    assert_eq!(spool.len(), 3);
    second.up.store(true, Ordering::SeqCst);
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(first.ids(), ids(0..3));
    assert_eq!(second.ids(), ids(3..6));
}

#[tokio::test]
async fn a_record_torn_by_a_crash_is_skipped_and_the_rest_is_sent() {
    let dir = TempDir::new("torn");
    {
        let spool = Spool::builder(Engine::new(false))
            .dir(dir.path())
            .open()
            .unwrap();
        for i in 0..4 {
            spool
                .forward(&agora_entry(&format!("e{i}"), i))
                .await
                .unwrap();
        }
    }
    // The process died in the middle of writing a fifth record.
    let files = segments(&dir);
    assert_eq!(files.len(), 1);
    let whole = std::fs::read(&files[0]).unwrap();
    let one_record = whole.len() / 4;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&files[0])
        .unwrap();
    file.write_all(&whole[..one_record / 2]).unwrap();
    drop(file);

    let engine = Engine::new(false);
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .open()
        .unwrap();
    assert_eq!(spool.len(), 5, "four entries and the torn record");
    // New entries are written after it, in a new segment.
    for i in 4..6 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    engine.up.store(true, Ordering::SeqCst);
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(engine.ids(), ids(0..6));
    assert!(segments(&dir).is_empty());
}

#[tokio::test]
async fn a_record_damaged_in_the_middle_skips_the_rest_of_its_segment_only() {
    let dir = TempDir::new("damaged");
    {
        let spool = Spool::builder(Engine::new(false))
            .dir(dir.path())
            .segment_bytes(1)
            .open()
            .unwrap();
        for i in 0..3 {
            spool
                .forward(&agora_entry(&format!("e{i}"), i))
                .await
                .unwrap();
        }
    }
    // One record per segment: flip a byte of the second one's payload.
    let files = segments(&dir);
    assert_eq!(files.len(), 3);
    let mut bytes = std::fs::read(&files[1]).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&files[1], bytes).unwrap();
    let engine = Engine::new(true);
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .open()
        .unwrap();
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(engine.ids(), ["e0", "e2"]);
}

#[tokio::test]
async fn the_bound_refuses_what_does_not_fit_and_frees_room_once_drained() {
    let dir = TempDir::new("bound");
    let engine = Engine::new(false);
    let one = {
        let probe = TempDir::new("probe");
        let spool = Spool::builder(Engine::new(false))
            .dir(probe.path())
            .open()
            .unwrap();
        spool.forward(&agora_entry("e0", 0)).await.unwrap();
        spool.bytes()
    };
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .max_bytes(one * 3)
        .open()
        .unwrap();
    for i in 0..3 {
        spool
            .forward(&agora_entry(&format!("e{i}"), i))
            .await
            .unwrap();
    }
    assert_eq!(
        spool.forward(&agora_entry("e3", 3)).await,
        Err(ForwardError::SpoolFull)
    );
    assert_eq!(spool.len(), 3);
    engine.up.store(true, Ordering::SeqCst);
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    assert_eq!(spool.bytes(), 0);
    engine.up.store(false, Ordering::SeqCst);
    spool.forward(&agora_entry("e4", 4)).await.unwrap();
    assert_eq!(spool.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_entries_are_all_kept_when_written_together() {
    let dir = TempDir::new("concurrent");
    let engine = Engine::new(false);
    {
        let spool = Arc::new(
            Spool::builder(engine.clone())
                .dir(dir.path())
                .segment_bytes(4000)
                .open()
                .unwrap(),
        );
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let spool = spool.clone();
                tokio::spawn(async move { spool.forward(&agora_entry(&format!("e{i}"), i)).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(spool.len(), 300);
    }
    // Every record is on disk and whole: a new process sends each one once.
    let engine = Engine::new(false);
    let spool = Spool::builder(engine.clone())
        .dir(dir.path())
        .open()
        .unwrap();
    assert_eq!(spool.len(), 300);
    engine.up.store(true, Ordering::SeqCst);
    eventually(WAIT, "the drain", || spool.is_empty()).await;
    let mut got = engine.ids();
    got.sort();
    let mut want = ids(0..300);
    want.sort();
    assert_eq!(got, want);
}
