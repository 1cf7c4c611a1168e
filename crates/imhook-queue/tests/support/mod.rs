//! Real engine servers for the tests, and recording handlers.
//!
//! Each test starts its own `redis-server` / `nats-server` from `PATH` on a free local
//! port with a temporary data directory, killed (and the directory removed) on drop.
//! When the binary is missing the test is skipped with a loud message, except under
//! `CI=true`, where it fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use bytes::Bytes;
use imhook_core::forward::ForwardEntry;
use imhook_core::{BoxError, agora, tencent};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A temporary directory removed on drop.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "imhook-queue-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn skip_or_fail(what: &str, e: &std::io::Error) {
    let msg = format!(
        "\n!! {what} tests SKIPPED: cannot start `{what}` ({e}); install it \
         (Debian: `apt-get install redis-server nats-server`)\n"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}CI=true: these tests must run.");
    }
    eprintln!("{msg}");
}

/// A child server process on a fixed port and data directory, restartable.
pub(crate) struct Server {
    pub port: u16,
    pub dir: TempDir,
    child: Option<Child>,
    spawn: fn(u16, &Path) -> std::io::Result<Child>,
    ready: fn(u16) -> bool,
}

impl Server {
    fn start(
        what: &str,
        spawn: fn(u16, &Path) -> std::io::Result<Child>,
        ready: fn(u16) -> bool,
    ) -> Option<Self> {
        let port = free_port();
        let dir = TempDir::new(what);
        match spawn(port, dir.path()) {
            Ok(child) => {
                let server = Self {
                    port,
                    dir,
                    child: Some(child),
                    spawn,
                    ready,
                };
                server.wait_ready();
                Some(server)
            }
            Err(e) => {
                skip_or_fail(what, &e);
                None
            }
        }
    }

    /// `redis-server` with an append-only file fsynced on every write, so that a
    /// restart keeps the streams.
    pub(crate) fn redis() -> Option<Self> {
        Self::start("redis-server", spawn_redis, redis_ready)
    }

    /// `nats-server` with JetStream on.
    pub(crate) fn nats() -> Option<Self> {
        Self::start("nats-server", spawn_nats, nats_ready)
    }

    pub(crate) fn redis_url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub(crate) fn nats_url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if (self.ready)(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server on port {} did not become ready", self.port);
    }

    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let mut child = (self.spawn)(self.port, self.dir.path()).expect("restart server");
            std::thread::sleep(Duration::from_millis(150));
            if child.try_wait().ok().flatten().is_none() {
                self.child = Some(child);
                break;
            }
            assert!(Instant::now() < deadline, "cannot restart the server");
        }
        self.wait_ready();
    }

    /// A plain synchronous Redis connection.
    pub(crate) fn raw(&self) -> redis::Connection {
        redis::Client::open(self.redis_url())
            .unwrap()
            .get_connection()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn_redis(port: u16, dir: &Path) -> std::io::Result<Child> {
    Command::new("redis-server")
        .args(["--port", &port.to_string()])
        .args(["--bind", "127.0.0.1"])
        .args(["--save", ""])
        .args(["--appendonly", "yes"])
        .args(["--appendfsync", "always"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

fn spawn_nats(port: u16, dir: &Path) -> std::io::Result<Child> {
    let binary = if Path::new("/usr/sbin/nats-server").exists() {
        "/usr/sbin/nats-server"
    } else {
        "nats-server"
    };
    Command::new(binary)
        .arg("-js")
        .arg("-sd")
        .arg(dir)
        .args(["-p", &port.to_string()])
        .args(["-a", "127.0.0.1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

fn redis_ready(port: u16) -> bool {
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

fn nats_ready(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 4];
    matches!(s.read(&mut buf), Ok(4) if &buf == b"INFO")
}

// ---------------------------------------------------------------------------
// Entries and recording handlers
// ---------------------------------------------------------------------------

/// An Agora post-send entry (a shared file added to a group) with event id `id`.
pub(crate) fn agora_entry(id: &str, n: usize) -> ForwardEntry {
    let body = format!(
        r#"{{"callId":"o#a_{n}","event":"group_op_event","operation":"SHARE_FILE","id":"g1","type":"GROUP","operator":"u{n}","appkey":"o#a","timestamp":1729499506255,"security":"x","payload":{{"type":"ADD","share_file":["f-{n}"]}}}}"#
    );
    let mut entry = ForwardEntry::new(
        id,
        "agora",
        "agora",
        "group_op_event/SHARE_FILE/ADD",
        Bytes::from(body),
    );
    entry.received_at = 1_729_499_506_255 + n as u64;
    entry
}

/// A Tencent After entry (a state change) with event id `id`.
pub(crate) fn tencent_entry(id: &str) -> ForwardEntry {
    let body = r#"{"CallbackCommand":"State.StateChange","EventTime":1729499506255,"Info":{"Action":"Login","To_Account":"bob","Reason":"Register"}}"#;
    let mut entry = ForwardEntry::new(
        id,
        "tencent",
        "tencent",
        "State.StateChange",
        Bytes::from_static(body.as_bytes()),
    );
    entry.query = "SdkAppid=1400000001&CallbackCommand=State.StateChange&contenttype=json&ClientIP=203.0.113.7&OptPlatform=IOS&RequestTime=1729499506&Sign=***".to_owned();
    entry
}

/// What the handlers saw: `(event id, provider, kind)` in call order.
#[derive(Default)]
pub(crate) struct Seen {
    pub calls: Mutex<Vec<(String, &'static str, String)>>,
    pub contexts: Mutex<Vec<String>>,
}

impl Seen {
    pub(crate) fn ids(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.0.clone())
            .collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    /// Waits until `n` calls were seen (panics after `limit`).
    pub(crate) async fn wait_for(&self, n: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.len() < n {
            assert!(
                Instant::now() < deadline,
                "only {} of {n} events handled in {limit:?}",
                self.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Records every event it is given.
pub(crate) struct Recorder(pub std::sync::Arc<Seen>);

#[async_trait]
impl tencent::CallbackHandler for Recorder {
    async fn handle(
        &self,
        ctx: &tencent::TencentContext,
        event: tencent::TencentEvent,
    ) -> Result<tencent::Answer, BoxError> {
        let id = imhook_queue::current_event_id().unwrap_or_default();
        self.0.contexts.lock().unwrap().push(format!(
            "{} {} {:?} {:?} {} {}",
            ctx.sdk_app_id,
            ctx.command,
            ctx.client_ip,
            ctx.opt_platform,
            ctx.signed,
            event.is_known()
        ));
        self.0
            .calls
            .lock()
            .unwrap()
            .push((id, "tencent", event.command().to_owned()));
        Ok(tencent::Answer::default_for(&event))
    }
}

#[async_trait]
impl agora::CallbackHandler for Recorder {
    async fn handle(
        &self,
        ctx: &agora::AgoraContext,
        event: agora::AgoraEvent,
    ) -> Result<(), BoxError> {
        let id = imhook_queue::current_event_id().unwrap_or_default();
        self.0.contexts.lock().unwrap().push(format!(
            "{:?} {} {:?} {}",
            ctx.route,
            ctx.authenticated,
            ctx.call_id,
            event.is_known()
        ));
        self.0
            .calls
            .lock()
            .unwrap()
            .push((id, "agora", event.kind().to_string()));
        Ok(())
    }
}

/// Polls `cond` until true (panics after `limit`).
pub(crate) async fn eventually(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
