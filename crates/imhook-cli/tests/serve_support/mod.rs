//! Shared harness of the `serve_*` tests: a running `imhook serve` child, raw HTTP/1.1
//! over loopback, and signed callback bodies.
#![allow(unreachable_pub)] // the test binaries that include it use what they need
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    dead_code
)]

use imhook_core::Secret;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const BIN: &str = env!("CARGO_BIN_EXE_imhook");
pub const SECRET: &str = "imhook-fixture-secret";
pub const SDKAPPID: &str = "1400000001";
pub const TOKEN: &str = "test-token";
pub const WAIT: Duration = Duration::from_secs(30);
pub const FRAMEWORKS: [&str; 3] = ["axum", "actix", "warp"];
/// The arguments that give a server the credentials the signed bodies here are made with.
pub const CREDENTIALS: [&str; 6] = [
    "--tencent-sdkappid",
    SDKAPPID,
    "--tencent-token",
    TOKEN,
    "--agora-secret",
    SECRET,
];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../imhook-core/tests/fixtures")
}

/// A command for the binary with no IMHOOK_* variables inherited.
pub fn imhook() -> Command {
    let mut cmd = Command::new(BIN);
    scrub(&mut cmd);
    cmd
}

fn scrub(cmd: &mut Command) {
    for (k, _) in std::env::vars() {
        if k.starts_with("IMHOOK_") {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("RUST_LOG");
}

/// What happens to the server's standard output (the default events sink).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdout {
    /// Read line by line into [`Server::events`].
    Read,
    /// A pipe nobody reads: it fills up and then blocks every write.
    Stalled,
}

/// How to start a server.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub stdout: Stdout,
    /// Limit of open file descriptors of the server process (`ulimit -n`).
    pub max_fds: Option<u32>,
    /// Environment variables of the server process.
    pub env: &'static [(&'static str, &'static str)],
}

impl Default for Options {
    fn default() -> Self {
        Self {
            stdout: Stdout::Read,
            max_fds: None,
            env: &[],
        }
    }
}

/// A running `imhook serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub events: Receiver<String>,
    pub log: Receiver<String>,
    pub addr: SocketAddr,
    /// The unread standard output of [`Stdout::Stalled`] (kept open, never read).
    _stalled: Option<ChildStdout>,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        Self::start_with(args, Options::default())
    }

    pub fn start_with_env(args: &[&str], env: &'static [(&'static str, &'static str)]) -> Self {
        Self::start_with(
            args,
            Options {
                env,
                ..Options::default()
            },
        )
    }

    pub fn start_with(args: &[&str], opts: Options) -> Self {
        let mut cmd = match opts.max_fds {
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        scrub(&mut cmd);
        cmd.envs(opts.env.iter().copied());
        let mut child = cmd
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--workers", "2"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (etx, events) = channel();
        let out = child.stdout.take().unwrap();
        let stalled = match opts.stdout {
            Stdout::Stalled => Some(out),
            Stdout::Read => {
                std::thread::spawn(move || {
                    for line in BufReader::new(out).lines().map_while(Result::ok) {
                        if etx.send(line).is_err() {
                            break;
                        }
                    }
                });
                None
            }
        };
        let (ltx, log) = channel();
        let err = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                if ltx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + WAIT;
        let mut banner = Vec::new();
        let addr = loop {
            let Ok(line) = log.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            else {
                panic!("server did not announce its address: {banner:?}");
            };
            banner.push(line.clone());
            if let Some(rest) = line.strip_prefix("imhook: listening on http://") {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        let server = Self {
            child,
            events,
            log,
            addr,
            _stalled: stalled,
        };
        let deadline = Instant::now() + WAIT;
        while server.healthz(Duration::from_secs(2)) != Some(200) {
            assert!(Instant::now() < deadline, "server never became healthy");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// The status of `GET /healthz`, or `None` when no reply came within `limit`.
    pub fn healthz(&self, limit: Duration) -> Option<u16> {
        let reply = exchange(
            self.addr,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            limit,
        );
        status_of(&reply)
    }

    /// Posts `body` to `target` (path and query) and returns the raw reply (empty when
    /// none came within `limit`).
    pub fn post(&self, target: &str, body: &[u8], limit: Duration) -> Vec<u8> {
        exchange(self.addr, &request(target, body), limit)
    }

    /// The next event line, or `None` when none arrives within `limit`.
    pub fn next_event(&self, limit: Duration) -> Option<String> {
        self.events.recv_timeout(limit).ok()
    }

    /// Every event line up to and including the first one containing `sentinel`.
    pub fn events_until(&self, sentinel: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self
                .next_event(WAIT)
                .unwrap_or_else(|| panic!("no event line with {sentinel:?}; got {lines:?}"));
            let done = line.contains(sentinel);
            lines.push(line);
            if done {
                return lines;
            }
        }
    }

    /// Every log line written so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A complete HTTP/1.1 POST request (keep-alive, as providers send them).
pub fn request(target: &str, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// Sends `bytes` on a new connection and reads until the first complete reply, the
/// end of the stream, or `limit` (from the connection attempt).
pub fn exchange(addr: SocketAddr, bytes: &[u8], limit: Duration) -> Vec<u8> {
    let started = Instant::now();
    let Ok(mut conn) = TcpStream::connect_timeout(&addr, limit) else {
        return Vec::new();
    };
    if conn.write_all(bytes).is_err() {
        return Vec::new();
    }
    read_reply(&mut conn, started + limit)
}

/// Reads one reply (head and `Content-Length` body) or until the end of the stream or
/// `deadline`.
pub fn read_reply(conn: &mut TcpStream, deadline: Instant) -> Vec<u8> {
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if reply_complete(&reply) {
            return reply;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || conn.set_read_timeout(Some(left)).is_err() {
            return reply;
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return reply,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
        }
    }
}

fn reply_complete(reply: &[u8]) -> bool {
    let Some(end) = reply.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&reply[..end]).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    reply.len() >= end + 4 + len
}

/// The status code of a raw HTTP/1.1 reply.
pub fn status_of(reply: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(reply.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// The query of a Tencent callback for `command`, signed with [`TOKEN`] now.
pub fn tencent_target(command: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sign = imhook_core::tencent::sign(&Secret::new(TOKEN).unwrap(), &now);
    format!(
        "/tencent?SdkAppid={SDKAPPID}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={sign}&RequestTime={now}"
    )
}

/// A Tencent `C2C.CallbackAfterSendMsg` body whose text is `text`.
pub fn tencent_after_send_msg(text: &str) -> Vec<u8> {
    serde_json::json!({
        "CallbackCommand": "C2C.CallbackAfterSendMsg",
        "From_Account": "jared",
        "To_Account": "Jonh",
        "MsgSeq": 48374,
        "MsgRandom": 2837546,
        "MsgTime": 1557481126,
        "MsgKey": "48374_2837546_1557481126",
        "SendMsgResult": 0,
        "ErrorInfo": "send msg succeed",
        "UnreadMsgNum": 7,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    })
    .to_string()
    .into_bytes()
}

/// An Agora `message/chat` body with `call_id`, signed with [`SECRET`].
pub fn agora_chat(call_id: &str) -> Vec<u8> {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let security = imhook_core::agora::security(call_id, &Secret::new(SECRET).unwrap(), &timestamp);
    format!(
        r#"{{"callId":{},"eventType":"chat","timestamp":{timestamp},"chat_type":"chat","from":"user1","to":"user2","msg_id":"1183617288389955592","payload":{{"ext":{{}},"bodies":[{{"msg":"rr","type":"txt"}}]}},"securityVersion":"1.0.0","security":"{security}","appkey":"demo-org#demo-app","content_type":"chat:user:text"}}"#,
        serde_json::Value::from(call_id)
    )
    .into_bytes()
}
