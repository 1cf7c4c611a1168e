//! The local spool: keeps entries on disk while the engine is down, and sends them
//! on, in arrival order, when it is back.
//!
//! # On disk
//!
//! A directory of append-only segment files (`<20-digit number>.seg`, written in
//! number order). Each record is `length (u32 LE) | check (u32 LE) | payload`, where
//! `check` is the first 4 bytes of the payload's SHA-256 and the payload is the
//! entry's fields ([`FIELDS`] order), each `length (u32 LE) | bytes`. Every record is
//! flushed to disk (`fsync`) before [`Spool::forward`] returns; records arriving while
//! a flush is under way are written together and flushed once (group commit). A file `cursor` holds
//! the position up to which entries were delivered; it is written after each delivery
//! without `fsync`, so a crash can at worst send a few entries twice, which workers
//! drop by their event id. A segment is deleted once it was drained.
//!
//! A record cut short by a crash in the middle of a write (or otherwise damaged) is
//! detected by its length and check, logged, and skipped together with the rest of
//! its segment; the spool carries on with the next segment. After a restart the
//! spool writes to a new segment, never after a damaged tail.
//!
//! # Bound
//!
//! The bytes of the segment files count against the bound (drained records of the
//! segment being read included, until the segment is deleted). An entry that does not
//! fit is refused with [`ForwardError::SpoolFull`].

use bytes::Bytes;
use imhook_core::forward::{FIELDS, Forward, ForwardEntry, ForwardError};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

/// Default spool directory: `./imhook-spool`.
pub const DEFAULT_DIR: &str = "imhook-spool";

/// Default bound of the spool: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// Default size at which a segment is closed and a new one started: 16 MiB.
pub const DEFAULT_SEGMENT_BYTES: u64 = 16 * 1024 * 1024;

/// How long the drain waits before trying an engine that refused an entry again
/// (doubled on each failure, up to [`MAX_RETRY`]).
const FIRST_RETRY: Duration = Duration::from_millis(100);
/// The longest wait between two drain attempts.
const MAX_RETRY: Duration = Duration::from_secs(2);

/// Bytes of a record header: length and check.
const HEADER: u64 = 8;

/// Name of the file holding the drain position.
const CURSOR: &str = "cursor";

/// A [`Forward`] that writes to `inner` and falls back to a bounded local spool when
/// `inner` fails; a background task sends spooled entries on, in arrival order, once
/// `inner` accepts writes again. While entries wait in the spool, new ones are
/// appended behind them (so the engine receives entries in arrival order).
///
/// Opening a spool directory that holds entries (left by an earlier process) sends
/// them on as well. One process at a time may use a directory.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use imhook_queue::{RedisStreams, Spool};
/// let engine = RedisStreams::lazy("redis://127.0.0.1:6379/", "imhook")?;
/// let forward = Spool::builder(engine).dir("/var/lib/imhook/spool").max_bytes(256 << 20).open()?;
/// # let _ = forward; Ok(()) }
/// ```
pub struct Spool<F> {
    shared: Arc<Shared<F>>,
    drain: JoinHandle<()>,
}

impl<F> std::fmt::Debug for Spool<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.shared.state();
        f.debug_struct("Spool")
            .field("dir", &state.dir)
            .field("entries", &state.entries)
            .field("bytes", &state.bytes)
            .field("max_bytes", &state.max_bytes)
            .finish()
    }
}

/// Options of a [`Spool`]; see [`Spool::builder`].
#[derive(Debug)]
pub struct SpoolBuilder<F> {
    inner: F,
    dir: PathBuf,
    max_bytes: u64,
    segment_bytes: u64,
}

impl<F: Forward> SpoolBuilder<F> {
    /// The spool directory (default [`DEFAULT_DIR`], relative to the working
    /// directory); created if missing.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// The most bytes the segment files may take (default [`DEFAULT_MAX_BYTES`]).
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The size at which a segment is closed and the next started (default
    /// [`DEFAULT_SEGMENT_BYTES`]; at least one record always goes in a segment).
    pub fn segment_bytes(mut self, segment_bytes: u64) -> Self {
        self.segment_bytes = segment_bytes.max(1);
        self
    }

    /// Opens the directory, reads what an earlier process left there and starts the
    /// drain task (on the current Tokio runtime).
    pub fn open(self) -> io::Result<Spool<F>> {
        let state = State::open(self.dir, self.max_bytes, self.segment_bytes)?;
        let shared = Arc::new(Shared {
            inner: self.inner,
            state: Mutex::new(state),
            queue: Mutex::new(WriteQueue::default()),
            wake: Notify::new(),
        });
        let drain = tokio::spawn(drain(Arc::clone(&shared)));
        Ok(Spool { shared, drain })
    }
}

impl<F: Forward> Spool<F> {
    /// A spool in front of `inner`, with default options.
    pub fn builder(inner: F) -> SpoolBuilder<F> {
        SpoolBuilder {
            inner,
            dir: PathBuf::from(DEFAULT_DIR),
            max_bytes: DEFAULT_MAX_BYTES,
            segment_bytes: DEFAULT_SEGMENT_BYTES,
        }
    }

    /// Number of entries waiting in the spool.
    pub fn len(&self) -> u64 {
        self.shared.state().entries
    }

    /// `true` when no entry waits in the spool.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes taken by the segment files.
    pub fn bytes(&self) -> u64 {
        self.shared.state().bytes
    }

    /// The engine behind the spool.
    pub fn inner(&self) -> &F {
        &self.shared.inner
    }
}

impl<F> Drop for Spool<F> {
    fn drop(&mut self) {
        self.drain.abort();
    }
}

#[async_trait::async_trait]
impl<F: Forward> Forward for Spool<F> {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        if self.is_empty() {
            match self.shared.inner.forward(entry).await {
                Ok(()) => return Ok(()),
                Err(e) => tracing::warn!(error = %e, "engine refused an entry; spooling it"),
            }
        }
        let (done, appended) = oneshot::channel();
        let start_writer = {
            let mut queue = self.shared.queue();
            queue.records.push((encode(entry), done));
            !std::mem::replace(&mut queue.writing, true)
        };
        if start_writer {
            let shared = Arc::clone(&self.shared);
            tokio::task::spawn_blocking(move || shared.write_batches());
        }
        match appended.await {
            Ok(Ok(true)) => {
                self.shared.wake.notify_one();
                Ok(())
            }
            Ok(Ok(false)) => Err(ForwardError::SpoolFull),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot write to the spool");
                Err(ForwardError::SpoolFull)
            }
            Err(_) => Err(ForwardError::Unavailable("spool writer stopped".to_owned())),
        }
    }
}

/// Records waiting to be appended, each with the sender of its outcome.
#[derive(Default)]
struct WriteQueue {
    records: Vec<(Vec<u8>, oneshot::Sender<io::Result<bool>>)>,
    /// A blocking task is appending: new records wait for its next batch.
    writing: bool,
}

struct Shared<F> {
    inner: F,
    state: Mutex<State>,
    queue: Mutex<WriteQueue>,
    wake: Notify,
}

/// Locks `mutex`, taking over a poisoned one (the state stays consistent: every
/// update is made under the lock in one go).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl<F> Shared<F> {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn queue(&self) -> MutexGuard<'_, WriteQueue> {
        lock(&self.queue)
    }

    /// Appends the waiting records in batches, one `fsync` per batch (group commit),
    /// until none is left.
    fn write_batches(&self) {
        loop {
            let batch = {
                let mut queue = self.queue();
                if queue.records.is_empty() {
                    queue.writing = false;
                    return;
                }
                std::mem::take(&mut queue.records)
            };
            let (records, senders): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let outcomes = self.state().append_batch(&records);
            for (sender, outcome) in senders.into_iter().zip(outcomes) {
                let _ = sender.send(outcome);
            }
        }
    }
}

/// Sends spooled entries on, oldest first, waiting for the engine when it refuses.
async fn drain<F: Forward>(shared: Arc<Shared<F>>) {
    let mut retry = FIRST_RETRY;
    loop {
        let head = {
            let s = Arc::clone(&shared);
            tokio::task::spawn_blocking(move || s.state().head()).await
        };
        let (entry, next) = match head {
            Ok(Ok(Some(head))) => head,
            Ok(Ok(None)) => {
                shared.wake.notified().await;
                continue;
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot read the spool");
                tokio::time::sleep(MAX_RETRY).await;
                continue;
            }
            Err(_) => return,
        };
        let Some(entry) = entry else {
            // A damaged record: skipped with the rest of its segment.
            advance(&shared, next).await;
            continue;
        };
        match shared.inner.forward(&entry).await {
            Ok(()) => {
                retry = FIRST_RETRY;
                advance(&shared, next).await;
            }
            Err(e) => {
                tracing::debug!(error = %e, "engine still unavailable; spooled entries wait");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// Moves the drain past the record just handled; a file error is logged (the entry
/// counts as sent, the files are tidied at the next move).
async fn advance<F: Forward>(shared: &Arc<Shared<F>>, next: Next) {
    let s = Arc::clone(shared);
    match tokio::task::spawn_blocking(move || s.state().advance(next)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "cannot update the spool files"),
        Err(_) => {}
    }
}

/// A position in the spool: segment number and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    segment: u64,
    offset: u64,
}

/// What the drain does after the head record: move to `Position`, or past a damaged
/// segment tail.
#[derive(Debug, Clone, Copy)]
enum Next {
    To(Position),
    SkipSegment(u64),
}

struct State {
    dir: PathBuf,
    max_bytes: u64,
    segment_bytes: u64,
    /// Segment numbers on disk, oldest first; the last one is written to.
    segments: Vec<u64>,
    /// The segment being written and its size.
    writer: Option<(File, u64)>,
    /// The next record to send.
    read: Position,
    /// Entries waiting (damaged records included until skipped).
    entries: u64,
    /// Bytes of the segment files.
    bytes: u64,
}

fn segment_path(dir: &Path, n: u64) -> PathBuf {
    dir.join(format!("{n:020}.seg"))
}

impl State {
    fn open(dir: PathBuf, max_bytes: u64, segment_bytes: u64) -> io::Result<Self> {
        fs::create_dir_all(&dir)?;
        let mut segments = Vec::new();
        let mut bytes = 0;
        for item in fs::read_dir(&dir)? {
            let item = item?;
            let name = item.file_name();
            let Some(n) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".seg"))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            bytes += item.metadata()?.len();
            segments.push(n);
        }
        segments.sort_unstable();
        let first = segments.first().copied().unwrap_or(0);
        let saved = fs::read_to_string(dir.join(CURSOR))
            .ok()
            .and_then(|c| {
                let (s, o) = c.trim().split_once(' ')?;
                Some(Position {
                    segment: s.parse().ok()?,
                    offset: o.parse().ok()?,
                })
            })
            .filter(|p| segments.contains(&p.segment));
        let read = saved.unwrap_or(Position {
            segment: first,
            offset: 0,
        });
        let mut entries = 0;
        for &n in &segments {
            let from = if n == read.segment { read.offset } else { 0 };
            if n >= read.segment {
                entries += count_records(&segment_path(&dir, n), from)?;
            }
        }
        let mut state = Self {
            dir,
            max_bytes,
            segment_bytes,
            segments,
            writer: None,
            read,
            entries,
            bytes,
        };
        if state.entries > 0 {
            tracing::info!(
                entries = state.entries,
                dir = ?state.dir,
                "spool holds entries from an earlier run; sending them on"
            );
        }
        state.retire_drained()?;
        Ok(state)
    }

    /// Appends encoded records and flushes them to disk with one `fsync` (and one for
    /// a segment that was closed on the way); for each, `false` when it does not fit in
    /// the bound.
    fn append_batch(&mut self, records: &[Vec<u8>]) -> Vec<io::Result<bool>> {
        let mut outcomes: Vec<io::Result<bool>> = records.iter().map(|r| self.append(r)).collect();
        if let Some((file, _)) = &self.writer
            && let Err(e) = file.sync_data()
        {
            for outcome in &mut outcomes {
                if matches!(outcome, Ok(true)) {
                    *outcome = Err(io::Error::new(e.kind(), e.to_string()));
                }
            }
        }
        outcomes
    }

    /// Appends one encoded record, unflushed; `false` when it does not fit in the bound.
    fn append(&mut self, record: &[u8]) -> io::Result<bool> {
        let len = record.len() as u64;
        if self.bytes.saturating_add(len) > self.max_bytes {
            return Ok(false);
        }
        let roll = match &self.writer {
            None => true,
            Some((_, size)) => *size > 0 && size.saturating_add(len) > self.segment_bytes,
        };
        if roll {
            if let Some((full, _)) = self.writer.take() {
                full.sync_data()?;
            }
            let n = self.segments.last().map_or(0, |n| n + 1);
            let file = OpenOptions::new()
                .create_new(true)
                .append(true)
                .open(segment_path(&self.dir, n))?;
            // The new file's name must survive a crash too.
            File::open(&self.dir)?.sync_all()?;
            if self.segments.is_empty() {
                self.read = Position {
                    segment: n,
                    offset: 0,
                };
            }
            self.segments.push(n);
            self.writer = Some((file, 0));
        }
        let Some((file, size)) = self.writer.as_mut() else {
            return Err(io::Error::other("no spool segment open"));
        };
        if let Err(e) = file.write_all(record) {
            // Take back whatever part was written, keep what came before, and start a
            // new segment next time.
            let _ = file.set_len(*size).and_then(|()| file.sync_data());
            self.writer = None;
            return Err(e);
        }
        *size += len;
        self.bytes += len;
        self.entries += 1;
        Ok(true)
    }

    /// The next record and where the drain goes after it; `None` when the spool is
    /// empty. The entry is `None` for a damaged record.
    fn head(&mut self) -> io::Result<Option<(Option<ForwardEntry>, Next)>> {
        loop {
            if self.entries == 0 {
                return Ok(None);
            }
            let path = segment_path(&self.dir, self.read.segment);
            let writing = self.segments.last() == Some(&self.read.segment);
            match read_record(&path, self.read.offset)? {
                Slot::Record(payload, end) => {
                    let next = Next::To(Position {
                        segment: self.read.segment,
                        offset: end,
                    });
                    return Ok(Some((decode(&payload), next)));
                }
                Slot::End if writing => return Ok(None),
                Slot::End => self.skip_segment()?,
                Slot::Damaged => {
                    tracing::warn!(
                        segment = ?path,
                        offset = self.read.offset,
                        "damaged spool record (a write cut short?): skipping the rest of its segment"
                    );
                    return Ok(Some((None, Next::SkipSegment(self.read.segment))));
                }
            }
        }
    }

    /// Moves past the record just sent (or a damaged segment tail).
    fn advance(&mut self, next: Next) -> io::Result<()> {
        match next {
            Next::To(pos) => {
                self.read = pos;
                self.entries = self.entries.saturating_sub(1);
                fs::write(
                    self.dir.join(CURSOR),
                    format!("{} {}\n", pos.segment, pos.offset),
                )?;
            }
            Next::SkipSegment(n) if n == self.read.segment => {
                let left = count_records(&segment_path(&self.dir, n), self.read.offset)?;
                self.entries = self.entries.saturating_sub(left.max(1));
                self.skip_segment()?;
            }
            Next::SkipSegment(_) => {}
        }
        self.retire_drained()
    }

    /// Moves the read position to the next segment, deleting the drained one (unless
    /// it is being written).
    fn skip_segment(&mut self) -> io::Result<()> {
        let current = self.read.segment;
        let Some(next) = self.segments.iter().copied().find(|&n| n > current) else {
            return Ok(());
        };
        self.remove_segment(current)?;
        self.read = Position {
            segment: next,
            offset: 0,
        };
        Ok(())
    }

    /// Deletes the segments before the read position; once nothing waits, every
    /// segment and the cursor (the next entry starts a new segment).
    fn retire_drained(&mut self) -> io::Result<()> {
        let done: Vec<u64> = if self.entries == 0 {
            self.segments.clone()
        } else {
            let read = self.read.segment;
            self.segments
                .iter()
                .copied()
                .filter(|&n| n < read)
                .collect()
        };
        for n in done {
            self.remove_segment(n)?;
        }
        if self.entries == 0 {
            self.writer = None;
            match fs::remove_file(self.dir.join(CURSOR)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    fn remove_segment(&mut self, n: u64) -> io::Result<()> {
        let path = segment_path(&self.dir, n);
        let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        self.bytes = self.bytes.saturating_sub(size);
        self.segments.retain(|&s| s != n);
        if self.segments.is_empty() {
            self.writer = None;
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Slot {
    /// A whole record: its payload and the offset after it.
    Record(Vec<u8>, u64),
    /// No record starts at the offset.
    End,
    /// A record starts there but is cut short or fails its check.
    Damaged,
}

fn read_record(path: &Path, offset: u64) -> io::Result<Slot> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Slot::End),
        Err(e) => return Err(e),
    };
    let size = file.metadata()?.len();
    if offset >= size {
        return Ok(Slot::End);
    }
    if size - offset < HEADER {
        return Ok(Slot::Damaged);
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut header = [0u8; 8];
    file.read_exact(&mut header)?;
    let [l0, l1, l2, l3, c0, c1, c2, c3] = header;
    let len = u64::from(u32::from_le_bytes([l0, l1, l2, l3]));
    if size - offset - HEADER < len {
        return Ok(Slot::Damaged);
    }
    let mut payload = vec![0u8; usize::try_from(len).map_err(io::Error::other)?];
    file.read_exact(&mut payload)?;
    if check(&payload) != [c0, c1, c2, c3] {
        return Ok(Slot::Damaged);
    }
    Ok(Slot::Record(payload, offset + HEADER + len))
}

/// Records from `offset` to the end of the file, or to its first damaged record
/// (counted as one).
fn count_records(path: &Path, mut offset: u64) -> io::Result<u64> {
    let mut n = 0;
    loop {
        match read_record(path, offset)? {
            Slot::Record(_, end) => {
                n += 1;
                offset = end;
            }
            Slot::End => return Ok(n),
            Slot::Damaged => return Ok(n + 1),
        }
    }
}

fn check(payload: &[u8]) -> [u8; 4] {
    let digest = Sha256::digest(payload);
    let mut out = [0u8; 4];
    out.copy_from_slice(digest.get(..4).unwrap_or(&[0u8; 4]));
    out
}

/// One record: header and payload.
fn encode(entry: &ForwardEntry) -> Vec<u8> {
    let mut payload = Vec::new();
    for (_, value) in entry.to_fields() {
        payload.extend_from_slice(&(value.len() as u32).to_le_bytes());
        payload.extend_from_slice(&value);
    }
    let mut record = Vec::with_capacity(payload.len() + 8);
    record.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    record.extend_from_slice(&check(&payload));
    record.extend_from_slice(&payload);
    record
}

/// The entry of a payload; `None` when it does not hold one.
fn decode(payload: &[u8]) -> Option<ForwardEntry> {
    let mut fields = Vec::with_capacity(FIELDS.len());
    let mut rest = payload;
    for name in FIELDS {
        let (len, tail) = rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        let value = tail.get(..len)?;
        rest = tail.get(len..)?;
        fields.push((name, Bytes::copy_from_slice(value)));
    }
    ForwardEntry::from_fields(fields).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn records_round_trip_and_damage_is_detected() {
        let mut entry = ForwardEntry::new("ab", "agora", "agora", "k", Bytes::from_static(b"{}"));
        entry.query = "x".to_owned();
        let record = encode(&entry);
        assert_eq!(decode(&record[8..]), Some(entry));
        let dir = std::env::temp_dir().join(format!("imhook-spool-unit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.seg");
        fs::write(&path, &record).unwrap();
        assert!(
            matches!(read_record(&path, 0).unwrap(), Slot::Record(_, end) if end == record.len() as u64)
        );
        fs::write(&path, &record[..record.len() - 1]).unwrap();
        assert_eq!(read_record(&path, 0).unwrap(), Slot::Damaged);
        let mut flipped = record.clone();
        *flipped.last_mut().unwrap() ^= 1;
        fs::write(&path, &flipped).unwrap();
        assert_eq!(read_record(&path, 0).unwrap(), Slot::Damaged);
        fs::write(&path, &record[..3]).unwrap();
        assert_eq!(read_record(&path, 0).unwrap(), Slot::Damaged);
        fs::remove_dir_all(&dir).unwrap();
    }
}
