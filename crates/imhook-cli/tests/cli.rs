//! Runs the real `imhook` binary: serve in each framework + send for every sample
//! kind, decode every fixture, sign against every vector, the quick start, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command as AssertCommand;
use predicates::prelude::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_imhook");
const SECRET: &str = "imhook-fixture-secret";
const SDKAPPID: &str = "1400000001";
const TOKEN: &str = "test-token";
const WAIT: Duration = Duration::from_secs(30);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../imhook-core/tests/fixtures")
}

fn manifest(provider: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(provider).join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A command for the binary with no IMHOOK_* variables inherited.
fn imhook() -> Command {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("IMHOOK_") {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("RUST_LOG");
    cmd
}

fn run(args: &[&str]) -> Output {
    imhook().args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = imhook()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `imhook serve`, killed on drop.
struct Server {
    child: Child,
    events: Receiver<String>,
    log: Receiver<String>,
    base: String,
    /// stderr lines seen before the server was ready.
    banner: Vec<String>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = imhook()
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--workers", "2"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (etx, events) = channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
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
        let base = loop {
            let line = log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("server did not announce its address");
            banner.push(line.clone());
            if let Some(rest) = line.strip_prefix("imhook: listening on ") {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        let mut server = Self {
            child,
            events,
            log,
            base,
            banner,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + WAIT;
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        loop {
            if let Ok(r) = agent.get(&format!("{}/healthz", self.base)).call()
                && r.status() == 200
            {
                break;
            }
            assert!(Instant::now() < deadline, "server never became healthy");
            std::thread::sleep(Duration::from_millis(50));
        }
        // The banner lines that follow the address (generated credentials).
        while let Ok(line) = self.log.recv_timeout(Duration::from_millis(200)) {
            self.banner.push(line);
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn next_event(&self) -> Value {
        let line = self
            .events
            .recv_timeout(WAIT)
            .expect("no event line appeared");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"))
    }

    /// Sends SIGTERM and waits (bounded) for a clean exit.
    fn terminate(self) {
        self.stop_with("TERM");
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Sends `signal` (e.g. `INT`) and waits (bounded) for a clean exit.
    fn stop_with(mut self, signal: &str) {
        self.signal(signal);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                assert!(s.success(), "serve exited with {s}");
                break;
            }
            assert!(Instant::now() < deadline, "serve did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        // No event line after the last one checked.
        assert!(self.events.recv_timeout(Duration::from_secs(2)).is_err());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sample_kinds() -> (Vec<String>, Vec<String>) {
    let out = run(&["send", "--list"]);
    assert!(out.status.success());
    let mut t = Vec::new();
    let mut a = Vec::new();
    for line in stdout(&out).lines() {
        let (provider, kind) = line.split_once(' ').unwrap();
        match provider {
            "tencent" => t.push(kind.to_owned()),
            "agora" => a.push(kind.to_owned()),
            other => panic!("unexpected provider {other}"),
        }
    }
    (t, a)
}

fn send_tencent(server: &Server, kind: &str, token: &str) -> Output {
    run(&[
        "send",
        "--url",
        &server.url("/tencent"),
        "tencent",
        kind,
        "--sdkappid",
        SDKAPPID,
        "--token",
        token,
    ])
}

fn assert_event(server: &Server, provider: &str, kind: &str) {
    let ev = server.next_event();
    assert_eq!(ev["provider"], provider, "{ev}");
    assert_eq!(ev["kind"], kind, "{ev}");
    assert!(ev["known"].is_boolean());
    assert!(ev["event"].is_object());
}

fn serve_and_send_everything(framework: &str) {
    let server = Server::start(&[
        "--framework",
        framework,
        "--tencent-sdkappid",
        SDKAPPID,
        "--tencent-token",
        TOKEN,
        "--agora-secret",
        SECRET,
    ]);
    let (tencent, agora) = sample_kinds();
    for kind in &tencent {
        let out = send_tencent(&server, kind, TOKEN);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        assert!(
            stdout(&out).starts_with("200 {"),
            "{kind}: {}",
            stdout(&out)
        );
        assert_event(&server, "tencent", kind);
    }
    for kind in &agora {
        let path = if kind == "pre_send" {
            "/agora/pre-send"
        } else {
            "/agora"
        };
        let out = run(&[
            "send",
            "--url",
            &server.url(path),
            "agora",
            kind,
            "--secret",
            SECRET,
        ]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("200 "), "{kind}: {}", stdout(&out));
        assert_event(&server, "agora", kind);
    }

    // A duplicate (same callId) is acknowledged and writes nothing.
    let body = fixtures().join("agora/message.chat.json");
    let dup = [
        "send",
        "--url",
        &server.url("/agora"),
        "agora",
        "message/chat",
        "--secret",
        SECRET,
        "--keep-call-id",
        "--body",
        body.to_str().unwrap(),
    ];
    let first = run(&dup);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_event(&server, "agora", "message/chat");
    let second = run(&dup);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(stdout(&second).trim(), "200 {}");

    // A rejected request (wrong token) writes nothing and fails the send.
    let bad = send_tencent(&server, "Group.CallbackAfterGroupFull", "wrong-token");
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).starts_with("401 "));
    assert_eq!(stderr(&bad).lines().count(), 1);

    // The next line is the sentinel's: the duplicate and the rejection wrote nothing.
    let ok = send_tencent(&server, "State.StateChange", TOKEN);
    assert!(ok.status.success());
    assert_event(&server, "tencent", "State.StateChange");

    server.stop_with(if framework == "axum" { "TERM" } else { "INT" });
}

#[test]
fn serve_axum_records_every_sample() {
    serve_and_send_everything("axum");
}

#[test]
fn serve_actix_records_every_sample() {
    serve_and_send_everything("actix");
}

#[test]
fn serve_warp_records_every_sample() {
    serve_and_send_everything("warp");
}

#[test]
fn every_catalogued_kind_has_a_sample() {
    let (tencent, agora) = sample_kinds();
    let mut want_t: Vec<String> = manifest("tencent")["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect();
    want_t.dedup();
    want_t.sort();
    want_t.dedup();
    let mut got_t = tencent.clone();
    got_t.sort();
    assert_eq!(got_t, want_t);
    // every typed command can be sent
    for command in imhook_core::tencent::events::COMMANDS {
        assert!(tencent.iter().any(|k| k == command), "{command}");
    }
    assert_eq!(tencent.len(), imhook_core::tencent::events::COMMANDS.len());
    let mut want_a: Vec<String> = manifest("agora")["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect();
    want_a.sort();
    want_a.dedup();
    let mut got_a = agora.clone();
    got_a.sort();
    assert_eq!(got_a, want_a);
}

#[test]
fn quick_start_printed_commands_work_verbatim() {
    let server = Server::start(&[]);
    let commands: Vec<String> = server
        .banner
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with("imhook send "))
        .map(str::to_owned)
        .collect();
    assert_eq!(commands.len(), 2, "banner: {:?}", server.banner);
    assert!(commands[0].contains(" tencent Group.CallbackAfterCreateGroup --sdkappid 14"));
    assert!(commands[0].contains(" --token "));
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (cmd, (provider, kind)) in commands.iter().zip([
        ("tencent", "Group.CallbackAfterCreateGroup"),
        ("agora", "message/chat"),
    ]) {
        let out = Command::new("sh")
            .args(["-c", cmd])
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd}: {}", stderr(&out));
        assert_event(&server, provider, kind);
    }
    server.terminate();
}

#[test]
fn events_can_go_to_a_file() {
    let dir = std::env::temp_dir().join(format!("imhook-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&file);
    let server = Server::start(&[
        "--framework",
        "axum",
        "--tencent-sdkappid",
        SDKAPPID,
        "--tencent-token",
        TOKEN,
        "--agora-secret",
        SECRET,
        "--events",
        file.to_str().unwrap(),
    ]);
    let out = send_tencent(&server, "Group.CallbackAfterCreateGroup", TOKEN);
    assert!(out.status.success(), "{}", stderr(&out));
    // Written and flushed before the reply.
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains(r#""kind":"Group.CallbackAfterCreateGroup""#));
    server.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_and_wrong_method_write_nothing() {
    let server = Server::start(&[
        "--agora-secret",
        SECRET,
        "--tencent-sdkappid",
        SDKAPPID,
        "--max-body",
        "64",
    ]);
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build();
    let big = "x".repeat(1000);
    match agent.post(&server.url("/agora")).send_string(&big) {
        Err(ureq::Error::Status(413, _)) => {}
        other => panic!("expected 413, got {other:?}"),
    }
    match agent.get(&server.url("/tencent")).call() {
        Err(ureq::Error::Status(405, _)) => {}
        other => panic!("expected 405, got {other:?}"),
    }
    match agent.get(&server.url("/nope")).call() {
        Err(ureq::Error::Status(404, _)) => {}
        other => panic!("expected 404, got {other:?}"),
    }
    server.terminate();
}

#[test]
fn redis_flag_fails_clearly_when_redis_is_unreachable() {
    // Nothing listens on port 1; the password must not be echoed.
    let out = run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--redis",
        "redis://u:pw@127.0.0.1:1/",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--redis"), "{err}");
    assert!(!err.contains("pw"), "{err}");
}

#[test]
fn decode_every_tencent_fixture() {
    let dir = fixtures().join("tencent");
    for r in manifest("tencent")["requests"].as_array().unwrap() {
        let file = dir.join(r["file"].as_str().unwrap());
        let body: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let kind = r["kind"].as_str().unwrap();
        // push and moderation results carry their command only in the query
        let out = if body.get("CallbackCommand").is_some() {
            run(&["decode", "tencent", file.to_str().unwrap()])
        } else {
            run(&[
                "decode",
                "tencent",
                "--command",
                kind,
                file.to_str().unwrap(),
            ])
        };
        assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1);
        let ev: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ev["provider"], "tencent");
        assert_eq!(ev["kind"], r["kind"]);
        assert_eq!(ev["known"], r["core"], "{}", file.display());
        assert!(ev["event"].is_object());
    }
    // --command overrides the body.
    let file = dir.join("State.StateChange.json");
    let out = run(&[
        "decode",
        "tencent",
        "--command",
        "Brand.NewCommand",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let ev: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ev["kind"], "Brand.NewCommand");
    assert_eq!(ev["known"], false);
}

#[test]
fn decode_every_agora_fixture() {
    let dir = fixtures().join("agora");
    for r in manifest("agora")["requests"].as_array().unwrap() {
        let file = dir.join(r["file"].as_str().unwrap());
        let mut args = vec!["decode", "agora"];
        if r["route"] == "pre_send" {
            args.push("--pre-send");
        }
        args.push(file.to_str().unwrap());
        let out = run(&args);
        assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1);
        let ev: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ev["provider"], "agora");
        assert_eq!(ev["kind"], r["kind"], "{}", file.display());
    }
}

#[test]
fn decode_unknown_is_not_an_error() {
    let out = run_stdin(
        &["decode", "agora", "-"],
        br#"{"chat_type":"brand_new","x":1}"#,
    );
    assert!(out.status.success());
    let ev: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ev["known"], false);
    assert_eq!(ev["event"]["x"], 1);
}

#[test]
fn decode_bad_input_exits_1_with_one_line() {
    let inputs: [&[u8]; 8] = [
        b"[1]",
        b"",
        b"{",
        b"null",
        b"\"{}\"",
        b"\xff\xfe{}",
        b"{\"CallbackCommand\":5}",
        b"{} {}",
    ];
    for provider in ["tencent", "agora"] {
        for input in inputs {
            if provider == "agora" && input == b"{\"CallbackCommand\":5}" {
                continue;
            }
            let out = run_stdin(&["decode", provider, "-"], input);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{provider} {:?}",
                String::from_utf8_lossy(input)
            );
            assert!(out.stdout.is_empty());
            assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        }
    }
    AssertCommand::new(BIN)
        .args(["decode", "tencent", "/nonexistent/file.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn sign_tencent_vectors() {
    let text = std::fs::read_to_string(fixtures().join("tencent/signatures.json")).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    for v in vectors.as_array().unwrap() {
        let time = v["request_time"].as_str().unwrap();
        let out = run(&[
            "sign",
            "tencent",
            "--token",
            v["token"].as_str().unwrap(),
            "--time",
            time,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stdout(&out).trim_end(),
            format!("Sign={}&RequestTime={time}", v["sign"].as_str().unwrap())
        );
    }
    // The token may come from the environment instead of the command line.
    let out = imhook()
        .args(["sign", "tencent", "--time", "1669872112"])
        .env("IMHOOK_TENCENT_TOKEN", "xxxxyyyy")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out).trim_end(),
        "Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061&RequestTime=1669872112"
    );
}

#[test]
fn sign_agora_vectors() {
    let text = std::fs::read_to_string(fixtures().join("agora/signatures.json")).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    for v in vectors["vectors"].as_array().unwrap() {
        let body = format!(
            "{{\n  \"callId\": {},\n  \"timestamp\": {},\n  \"security\": \"old\"\n}}\n",
            v["call_id"], v["timestamp"]
        );
        let out = run_stdin(
            &[
                "sign",
                "agora",
                "--secret",
                v["secret"].as_str().unwrap(),
                "-",
            ],
            body.as_bytes(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let signed = stdout(&out);
        let given = v["security"].as_str().unwrap().to_ascii_lowercase();
        let expected = body.replace("\"old\"", &format!("\"{given}\""));
        if v["expect_valid"] == true {
            assert_eq!(signed, expected, "{}", v["name"]);
        } else {
            assert_ne!(signed, expected, "{}", v["name"]);
            assert_eq!(signed.len(), body.len() + 29, "{}", v["name"]);
        }
    }
    // Every signed fixture re-signs to itself.
    let dir = fixtures().join("agora");
    for r in manifest("agora")["requests"].as_array().unwrap() {
        if r["signed"] != true {
            continue;
        }
        let file = dir.join(r["file"].as_str().unwrap());
        let out = run(&["sign", "agora", "--secret", SECRET, file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stdout(&out),
            std::fs::read_to_string(&file).unwrap(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn usage_errors_are_one_line() {
    for args in [
        &[
            "send",
            "--url",
            "http://127.0.0.1:9/agora",
            "agora",
            "no/such",
        ][..],
        &["frobnicate"][..],
        &["serve", "--framework", "rocket"][..],
        &["sign", "tencent", "--token", "t", "--time", "soon"][..],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?}");
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn help_on_every_subcommand() {
    for args in [
        &["--help"][..],
        &["serve", "--help"][..],
        &["send", "--help"][..],
        &["send", "tencent", "--help"][..],
        &["send", "agora", "--help"][..],
        &["decode", "tencent", "--help"][..],
        &["decode", "agora", "--help"][..],
        &["sign", "tencent", "--help"][..],
        &["sign", "agora", "--help"][..],
    ] {
        AssertCommand::new(BIN).args(args).assert().success();
    }
    AssertCommand::new(BIN)
        .args(["serve", "--help"])
        .env("IMHOOK_AGORA_SECRET", "very-secret-value")
        .assert()
        .success()
        .stdout(predicate::str::contains("10 s"))
        .stdout(predicate::str::contains("very-secret-value").not());
}

#[test]
fn allow_unsigned_accepts_unsigned_post_send_events_only_when_asked() {
    let strict = Server::start(&["--agora-secret", SECRET, "--tencent-sdkappid", SDKAPPID]);
    let unsigned = [
        "send",
        "--url",
        &strict.url("/agora"),
        "agora",
        "notify/reaction",
    ];
    let out = run(&unsigned);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("401 "));
    strict.terminate();

    let lenient = Server::start(&[
        "--agora-secret",
        SECRET,
        "--tencent-sdkappid",
        SDKAPPID,
        "--allow-unsigned",
    ]);
    let url = lenient.url("/agora");
    let out = run(&["send", "--url", &url, "agora", "notify/reaction"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_event(&lenient, "agora", "notify/reaction");
    lenient.terminate();
}

#[test]
fn slow_drip_bodies_time_out_in_every_framework() {
    use std::io::Read;
    let handles: Vec<_> = ["axum", "actix", "warp"]
        .into_iter()
        .map(|fw| {
            std::thread::spawn(move || {
                let server = Server::start(&["--framework", fw, "--agora-secret", SECRET]);
                let addr = server.base.trim_start_matches("http://").to_owned();
                let mut conn = std::net::TcpStream::connect(&addr).unwrap();
                conn.set_read_timeout(Some(WAIT)).unwrap();
                conn.write_all(
                    b"POST /agora HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":",
                )
                .unwrap();
                let started = Instant::now();
                let mut buf = [0u8; 512];
                let n = conn.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                assert!(head.starts_with("HTTP/1.1 408"), "{fw}: {head:?}");
                assert!(started.elapsed() < WAIT, "{fw}");
                server.terminate();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

// actix-web is left out: its graceful worker shutdown waits for the in-flight
// handler but may drop the connection before the response is written.
#[test]
fn shutdown_finishes_in_flight_requests_in_axum_and_warp() {
    use std::io::Read;
    let body = std::fs::read(fixtures().join("agora/message.chat.json")).unwrap();
    let handles: Vec<_> = ["axum", "warp"]
        .into_iter()
        .map(|fw| {
            let body = body.clone();
            std::thread::spawn(move || {
                let mut server = Server::start(&["--framework", fw, "--agora-secret", SECRET]);
                let addr = server.base.trim_start_matches("http://").to_owned();
                let mut conn = std::net::TcpStream::connect(&addr).unwrap();
                conn.set_read_timeout(Some(WAIT)).unwrap();
                let head = format!(
                    "POST /agora HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                conn.write_all(head.as_bytes()).unwrap();
                conn.write_all(&body[..10]).unwrap();
                std::thread::sleep(Duration::from_millis(300));
                server.signal("TERM");
                std::thread::sleep(Duration::from_millis(300));
                conn.write_all(&body[10..]).unwrap();
                let mut reply = Vec::new();
                let _ = conn.read_to_end(&mut reply);
                let reply = String::from_utf8_lossy(&reply).into_owned();
                assert!(reply.starts_with("HTTP/1.1 200"), "{fw}: {reply:?}");
                assert_event(&server, "agora", "message/chat");
                let deadline = Instant::now() + WAIT;
                while server.child.try_wait().unwrap().is_none() {
                    assert!(Instant::now() < deadline, "{fw}: serve did not stop");
                    std::thread::sleep(Duration::from_millis(50));
                }
                assert!(server.child.try_wait().unwrap().unwrap().success(), "{fw}");
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
