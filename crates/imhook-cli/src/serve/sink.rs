//! Where event records go: stdout, a file (appended) or nowhere.
//!
//! Records are written by a thread of their own, so a sink that stalls (a pipe whose
//! reader stopped) or fails (a full disk) never blocks the threads answering requests.
//! A handler queues its record and awaits the writer's confirmation; the endpoint's
//! handler deadline bounds that wait. With a healthy sink the record is written and
//! flushed before the reply; otherwise the deadline fires, the endpoint answers with its
//! failure policy, and the failure is logged and counted here.

use crate::Error;
use imhook_core::EventRecord;
use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// How many bytes of records may wait for the writer: beyond it, a handler waits for
/// room (under its deadline) and its record is dropped if none is made in time.
pub const QUEUE_BYTES: usize = 16 * 1024 * 1024;

/// Why a record was not confirmed.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing or flushing failed.
    #[error("cannot write the event record: {0}")]
    Io(#[from] io::Error),
    /// The writer has stopped (shutting down).
    #[error("the events sink is closed")]
    Closed,
}

/// The events sink.
pub struct Sink {
    /// `None` for `--events none`.
    queue: Option<Queue>,
    stats: Arc<Stats>,
}

struct Queue {
    jobs: mpsc::Sender<Job>,
    /// Bytes of records queued or being written (at most [`QUEUE_BYTES`]).
    room: Arc<Semaphore>,
}

#[derive(Default)]
struct Stats {
    /// Records not confirmed: write errors, or handlers that stopped waiting.
    failed: AtomicU64,
    /// Records queued and not yet written.
    queued: AtomicUsize,
}

enum Job {
    Write {
        line: String,
        /// Released once the line is written.
        room: OwnedSemaphorePermit,
        done: oneshot::Sender<io::Result<()>>,
    },
    /// Flush, acknowledge and stop.
    Close(mpsc::Sender<()>),
}

enum Output {
    Stdout(io::Stdout),
    File(File),
}

impl Sink {
    /// Opens `spec` (a path, `-` or `none`) and starts its writer thread.
    pub fn open(spec: &str) -> Result<Self, Error> {
        let output = match spec {
            "none" => {
                return Ok(Self {
                    queue: None,
                    stats: Arc::default(),
                });
            }
            "-" => Output::Stdout(io::stdout()),
            path => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(Output::File)
                .map_err(|e| Error::msg(format!("--events: cannot open {path}: {e}")))?,
        };
        let stats = Arc::<Stats>::default();
        let (jobs, rx) = mpsc::channel();
        let writer_stats = stats.clone();
        std::thread::Builder::new()
            .name("imhook-events".to_owned())
            .spawn(move || output.run(&rx, &writer_stats))
            .map_err(|e| Error::msg(format!("--events: cannot start the writer: {e}")))?;
        Ok(Self {
            queue: Some(Queue {
                jobs,
                room: Arc::new(Semaphore::new(QUEUE_BYTES)),
            }),
            stats,
        })
    }

    /// `false` for `--events none`: callers skip building the record at all.
    pub fn is_enabled(&self) -> bool {
        self.queue.is_some()
    }

    /// Queues `record` as one line and waits until it is written and flushed.
    ///
    /// Never blocks the thread: a stalled sink makes this future wait, and the caller's
    /// deadline drops it. A dropped wait is counted and logged: a record still waiting
    /// for room is lost, a queued one is written if the sink recovers.
    pub async fn write(&self, record: &EventRecord) -> Result<(), SinkError> {
        let Some(queue) = &self.queue else {
            return Ok(());
        };
        let mut line = record.to_line();
        line.push('\n');
        let mut wait = Wait {
            stats: &self.stats,
            stage: Stage::Room,
        };
        let cost = u32::try_from(line.len().min(QUEUE_BYTES)).unwrap_or(u32::MAX);
        let room = queue
            .room
            .clone()
            .acquire_many_owned(cost)
            .await
            .map_err(|_| SinkError::Closed)?;
        let (done, confirmed) = oneshot::channel();
        self.stats.queued.fetch_add(1, Ordering::Relaxed);
        if queue.jobs.send(Job::Write { line, room, done }).is_err() {
            self.stats.queued.fetch_sub(1, Ordering::Relaxed);
            wait.stage = Stage::Over;
            return Err(self.failed(SinkError::Closed));
        }
        wait.stage = Stage::Queued;
        let result = confirmed.await;
        wait.stage = Stage::Over;
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.failed(SinkError::Io(e))),
            Err(_) => Err(self.failed(SinkError::Closed)),
        }
    }

    fn failed(&self, error: SinkError) -> SinkError {
        let failed_records = self.stats.failed.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::error!(%error, failed_records, "event record not written");
        error
    }

    /// Writes what is queued, flushes and stops the writer, waiting at most `limit` (a
    /// stalled sink must not hold up the exit).
    pub fn close(&self, limit: Duration) {
        let Some(queue) = &self.queue else {
            return;
        };
        let (ack, acked) = mpsc::channel();
        let closed = queue.jobs.send(Job::Close(ack)).is_ok() && acked.recv_timeout(limit).is_ok();
        let failed_records = self.stats.failed.load(Ordering::Relaxed);
        if !closed {
            let lost = self.stats.queued.load(Ordering::Relaxed);
            tracing::error!(
                lost,
                failed_records,
                "the events sink did not drain in {limit:?}; queued event records are lost"
            );
        } else if failed_records > 0 {
            tracing::warn!(failed_records, "event records were not written");
        }
    }
}

/// How far a [`Sink::write`] got, for its drop: a handler that stopped waiting
/// (deadline, cancelled request) is a failure to count and log.
struct Wait<'a> {
    stats: &'a Stats,
    stage: Stage,
}

#[derive(PartialEq, Eq)]
enum Stage {
    /// Waiting for room in the queue.
    Room,
    /// Queued, waiting for the writer.
    Queued,
    /// Confirmed, or failed and already counted.
    Over,
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if self.stage == Stage::Over {
            return;
        }
        let failed_records = self.stats.failed.fetch_add(1, Ordering::Relaxed) + 1;
        let queued = self.stats.queued.load(Ordering::Relaxed);
        if self.stage == Stage::Room {
            tracing::error!(
                failed_records,
                queued,
                "event record dropped: the events sink is stalled and its queue is full"
            );
        } else {
            tracing::error!(
                failed_records,
                queued,
                "event record not confirmed in time: the events sink is stalled; \
                 it stays queued and is written if the sink recovers"
            );
        }
    }
}

impl Output {
    /// The writer thread: one job at a time, until closed (or every sender is gone).
    fn run(mut self, jobs: &mpsc::Receiver<Job>, stats: &Stats) {
        while let Ok(job) = jobs.recv() {
            match job {
                Job::Write { line, room, done } => {
                    let written = self.write_line(line.as_bytes());
                    drop(room);
                    stats.queued.fetch_sub(1, Ordering::Relaxed);
                    let _ = done.send(written);
                }
                Job::Close(ack) => {
                    self.finish();
                    let _ = ack.send(());
                    return;
                }
            }
        }
        self.finish();
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        match self {
            Self::Stdout(out) => {
                let mut out = out.lock();
                out.write_all(line)?;
                out.flush()
            }
            Self::File(f) => {
                f.write_all(line)?;
                f.flush()
            }
        }
    }

    /// Flushes whatever is buffered (a file: down to the disk).
    fn finish(&mut self) {
        let result = match self {
            Self::Stdout(out) => out.flush(),
            Self::File(f) => f.sync_all(),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot flush the events sink");
        }
    }
}
