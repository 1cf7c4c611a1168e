//! Where event records go: stdout, a file (appended) or nowhere.

use crate::Error;
use imhook_core::EventRecord;
use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

/// The events sink. Every record is written as one line and flushed at once.
pub enum Sink {
    /// `none`: records are dropped.
    Null,
    /// `-`: standard output.
    Stdout,
    /// A file, opened for appending.
    File(Mutex<File>),
}

impl Sink {
    /// Opens `spec`: a path, `-` or `none`.
    pub fn open(spec: &str) -> Result<Self, Error> {
        match spec {
            "-" => Ok(Self::Stdout),
            "none" => Ok(Self::Null),
            path => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(|f| Self::File(Mutex::new(f)))
                .map_err(|e| Error::msg(format!("--events: cannot open {path}: {e}"))),
        }
    }

    /// Writes `record` as one line and flushes it.
    /// `false` for `--events none`: callers skip building the record at all.
    pub fn is_enabled(&self) -> bool {
        !matches!(self, Self::Null)
    }

    /// Writes one record line and flushes it.
    pub fn write(&self, record: &EventRecord) -> io::Result<()> {
        let mut line = record.to_line();
        line.push('\n');
        match self {
            Self::Null => Ok(()),
            Self::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(line.as_bytes())?;
                out.flush()
            }
            Self::File(f) => {
                let mut f = f.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                f.write_all(line.as_bytes())?;
                f.flush()
            }
        }
    }

    /// Flushes whatever is buffered (at shutdown).
    pub fn flush(&self) {
        let result = match self {
            Self::Null => Ok(()),
            Self::Stdout => io::stdout().lock().flush(),
            Self::File(f) => f
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .sync_all(),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot flush the events sink");
        }
    }
}
