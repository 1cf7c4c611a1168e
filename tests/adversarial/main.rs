//! Adversarial requests: tampered signatures, ambiguous queries, hostile bodies,
//! concurrency and handler faults. Each case asserts the status, the reply and the
//! handler calls, through the core and real HTTP in axum, actix-web and warp; no case
//! may leak a secret in a reply or in a log line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "../conformance/client.rs"]
mod client;
#[path = "../conformance/handlers.rs"]
mod handlers;
#[path = "../conformance/servers.rs"]
mod servers;

mod dedupe;
mod http_rules;
mod records;

use client::{BodyMode, Request};
use imhook::Secret;
use serde_json::{Value, json};
use servers::{APP, SECRET, TOKEN, Target};
use std::sync::{Arc, Mutex, OnceLock};

/// Every log line of the test binary, to check that no secret is ever logged.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        logs
    })
}

enum Want {
    /// Exact JSON reply.
    Json(Value),
    /// One JSON field.
    Field(&'static str, Value),
    /// Status only (413, 405, 408 bodies are short text).
    Status,
}

struct Case {
    name: String,
    req: Request,
    status: u16,
    want: Want,
    calls: usize,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign(token: &str, time: &str) -> String {
    imhook::tencent::sign(&Secret::new(token).unwrap(), time)
}

const AFTER: &str = "Group.CallbackAfterGroupFull";

fn after(group: &str) -> String {
    json!({"CallbackCommand": AFTER, "GroupId": group}).to_string()
}

fn tq_raw(sdk: &str, sign: &str, time: &str) -> String {
    format!("SdkAppid={sdk}&CallbackCommand={AFTER}&Sign={sign}&RequestTime={time}")
}

fn ok() -> Want {
    Want::Json(json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}))
}

fn fail() -> Want {
    Want::Field("ActionStatus", json!("FAIL"))
}

fn t(
    name: &str,
    query: String,
    body: impl Into<Vec<u8>>,
    status: u16,
    want: Want,
    calls: usize,
) -> Case {
    Case {
        name: format!("tencent: {name}"),
        req: Request {
            method: "POST",
            route: "/tencent",
            query,
            body: body.into(),
            mode: BodyMode::Length,
        },
        status,
        want,
        calls,
    }
}

fn a(
    name: &str,
    route: &'static str,
    body: impl Into<Vec<u8>>,
    status: u16,
    want: Want,
    calls: usize,
) -> Case {
    Case {
        name: format!("agora {route}: {name}"),
        req: Request {
            method: "POST",
            route,
            query: String::new(),
            body: body.into(),
            mode: BodyMode::Length,
        },
        status,
        want,
        calls,
    }
}

fn agora_body(call_id: &str, ts: Value, security: &str, extra: Value) -> String {
    let mut v = json!({"chat_type":"chat","eventType":"chat","from":"a","to":"b","msg_id":"1","payload":{"bodies":[]}});
    for (k, val) in extra.as_object().unwrap() {
        v[k] = val.clone();
    }
    v["callId"] = json!(call_id);
    v["timestamp"] = ts;
    v["security"] = json!(security);
    v.to_string()
}

fn sec(call_id: &str, ts: &str, secret: &str) -> String {
    imhook::agora::security(call_id, &Secret::new(secret).unwrap(), ts)
}

fn cases(tag: &str) -> Vec<Case> {
    let now = now();
    let ts = now.to_string();
    let good = sign(TOKEN, &ts);
    let app = APP.to_string();
    let gq = tq_raw(&app, &good, &ts);
    let unauthorized = || Want::Field("ErrorInfo", json!("unauthorized"));
    let mut c = vec![
        // signatures
        t("valid", gq.clone(), after("g"), 200, ok(), 1),
        t(
            "wrong digest",
            tq_raw(&app, &sign("x", &ts), &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "truncated digest",
            tq_raw(&app, &good[..63], &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "non-hex digest",
            tq_raw(&app, &"z".repeat(64), &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "upper-case digest",
            tq_raw(&app, &good.to_uppercase(), &ts),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "65-character digest",
            tq_raw(&app, &format!("{good}0"), &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "other app's token",
            tq_raw(&app, &sign("another-apps-token", &ts), &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "replayed stale RequestTime",
            tq_raw(
                &app,
                &sign(TOKEN, &(now - 301).to_string()),
                &(now - 301).to_string(),
            ),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "future RequestTime",
            // An hour ahead: one second past the 300 s window was brought back inside
            // it by the seconds the suite itself takes on a slow machine.
            tq_raw(
                &app,
                &sign(TOKEN, &(now + 3600).to_string()),
                &(now + 3600).to_string(),
            ),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "leading zeros signed verbatim",
            tq_raw(&app, &sign(TOKEN, &format!("000{ts}")), &format!("000{ts}")),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "leading zeros signed without them",
            tq_raw(&app, &good, &format!("000{ts}")),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "negative RequestTime",
            tq_raw(&app, &sign(TOKEN, "-1"), "-1"),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "empty Sign",
            tq_raw(&app, "", &ts),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t(
            "Sign without RequestTime",
            format!("SdkAppid={app}&CallbackCommand={AFTER}&Sign={good}"),
            after("g"),
            401,
            unauthorized(),
            0,
        ),
        t("no query at all", String::new(), after("g"), 403, fail(), 0),
        // query ambiguity
        t(
            "Sign twice, same value",
            format!("{gq}&Sign={good}"),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "Sign twice, different values",
            format!("{gq}&sign={}", sign("x", &ts)),
            after("g"),
            400,
            fail(),
            0,
        ),
        t(
            "SdkAppid twice, different",
            format!("{gq}&SDKAPPID=1400000002"),
            after("g"),
            400,
            fail(),
            0,
        ),
        t(
            "RequestTime twice, different",
            format!("{gq}&RequestTime=1"),
            after("g"),
            400,
            fail(),
            0,
        ),
        t(
            "CallbackCommand twice, different",
            format!("{gq}&CallbackCommand=C2C.CallbackAfterMsgReport"),
            after("g"),
            400,
            fail(),
            0,
        ),
        t(
            "SdkAppid mismatch",
            tq_raw("1400000002", &good, &ts),
            after("g"),
            403,
            fail(),
            0,
        ),
        t(
            "SdkAppid with a sign",
            tq_raw(&format!("%2B{app}"), &good, &ts),
            after("g"),
            403,
            fail(),
            0,
        ),
        t(
            "SdkAppid percent-encoded digits",
            tq_raw(&format!("%31{}", &app[1..]), &good, &ts),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "parameter names in another case",
            gq.replace("SdkAppid", "sdkappid")
                .replace("RequestTime", "REQUESTTIME"),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "broken percent-encoding elsewhere",
            format!("{gq}&x=%zz%"),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "10 KB of unknown parameters",
            format!("{gq}&{}", "junk=1&".repeat(1400)),
            after("g"),
            200,
            ok(),
            1,
        ),
        // bodies
        t("empty body", gq.clone(), "", 400, fail(), 0),
        t(
            "not UTF-8",
            gq.clone(),
            b"{\"GroupId\":\"\xc3\x28\"}".to_vec(),
            400,
            fail(),
            0,
        ),
        t("array", gq.clone(), "[]", 400, fail(), 0),
        t("string", gq.clone(), "\"x\"", 400, fail(), 0),
        t("number", gq.clone(), "1", 400, fail(), 0),
        t("null", gq.clone(), "null", 400, fail(), 0),
        t(
            "trailing garbage",
            gq.clone(),
            format!("{} x", after("g")),
            400,
            fail(),
            0,
        ),
        t(
            "byte-order mark",
            gq.clone(),
            format!("\u{feff}{}", after("g")),
            400,
            fail(),
            0,
        ),
        t(
            "whitespace around the object",
            gq.clone(),
            format!("\n\t {} \r\n", after("g")),
            200,
            ok(),
            1,
        ),
        t(
            "deeply nested value (20,000 levels)",
            gq.clone(),
            format!(
                "{{\"GroupId\":\"g\",\"x\":{}{}}}",
                "[".repeat(20_000),
                "]".repeat(20_000)
            ),
            200,
            ok(),
            1,
        ),
        t(
            "huge number in EventTime",
            gq.clone(),
            format!("{{\"GroupId\":\"g\",\"EventTime\":1{}}}", "0".repeat(400)),
            200,
            ok(),
            1,
        ),
        t(
            "duplicate keys",
            gq.clone(),
            r#"{"GroupId":"a","GroupId":"b"}"#,
            200,
            ok(),
            1,
        ),
        t(
            "unknown fields",
            gq.clone(),
            json!({"GroupId":"g","Brand":{"New":[1,2,3]}}).to_string(),
            200,
            ok(),
            1,
        ),
        t(
            "numbers as strings",
            gq.clone(),
            json!({"GroupId":"g","EventTime":"1670574414123"}).to_string(),
            200,
            ok(),
            1,
        ),
        t(
            "NUL and emoji in strings",
            gq.clone(),
            json!({"GroupId":"g\u{0}🎉"}).to_string(),
            200,
            ok(),
            1,
        ),
        t(
            "unknown command",
            tq_raw(&app, &good, &ts).replace(AFTER, "Live.OnNewThing"),
            after("g"),
            200,
            ok(),
            1,
        ),
        t("handler panic", gq.clone(), after("panic"), 200, ok(), 1),
        t("handler timeout", gq.clone(), after("sleep"), 200, ok(), 1),
        t(
            "served again after the faults",
            gq.clone(),
            after("g"),
            200,
            ok(),
            1,
        ),
        t(
            "Sns Prev body too broken to list targets",
            tq_raw(&app, &good, &ts).replace(AFTER, "Sns.CallbackPrevFriendAdd"),
            r#"{"FriendItem":"nobody"}"#,
            200,
            ok(),
            // A verdict on a body the handler cannot see would be thrown away: the
            // failure policy answers without calling it.
            0,
        ),
    ];
    // Agora
    let cid = |n: &str| format!("{tag}_{n}");
    let ts_ms = 1_729_499_506_255i64;
    let tsm = ts_ms.to_string();
    let ok_ack = || Want::Json(json!({}));
    let unauth = || Want::Json(json!({"error":"unauthorized"}));
    let bad = || Want::Json(json!({"error":"bad request"}));
    let id = cid("a1");
    let good_sec = sec(&id, &tsm, SECRET);
    c.extend([
        a("valid", "/agora", agora_body(&id, json!(ts_ms), &good_sec, json!({})), 200, ok_ack(), 1),
        a("replayed (same callId)", "/agora", agora_body(&id, json!(ts_ms), &good_sec, json!({})), 200, ok_ack(), 0),
        a("replay with another body", "/agora", agora_body(&id, json!(ts_ms), &good_sec, json!({"from":"mallory"})), 200, ok_ack(), 0),
        a("wrong digest", "/agora", agora_body(&cid("a2"), json!(ts_ms), &"0".repeat(32), json!({})), 401, unauth(), 0),
        a("truncated digest", "/agora", agora_body(&cid("a3"), json!(ts_ms), &sec(&cid("a3"), &tsm, SECRET)[..31], json!({})), 401, unauth(), 0),
        a("non-hex digest", "/agora", agora_body(&cid("a4"), json!(ts_ms), &"g".repeat(32), json!({})), 401, unauth(), 0),
        a("upper-case digest", "/agora", agora_body(&cid("a5"), json!(ts_ms), &sec(&cid("a5"), &tsm, SECRET).to_uppercase(), json!({})), 200, ok_ack(), 1),
        a("timestamp tampered", "/agora", agora_body(&cid("a6"), json!(ts_ms + 1), &sec(&cid("a6"), &tsm, SECRET), json!({})), 401, unauth(), 0),
        a("timestamp as a float", "/agora", agora_body(&cid("a7"), json!(1.729499506255e12), &sec(&cid("a7"), &tsm, SECRET), json!({})), 401, unauth(), 0),
        a("timestamp as a string", "/agora", agora_body(&cid("a8"), json!(tsm), &sec(&cid("a8"), &tsm, SECRET), json!({})), 200, ok_ack(), 1),
        a("huge timestamp", "/agora", agora_body(&cid("a9"), json!(format!("1{}", "0".repeat(30))), &sec(&cid("a9"), &tsm, SECRET), json!({})), 401, unauth(), 0),
        a("other rule's secret", "/agora", agora_body(&cid("a10"), json!(ts_ms), &sec(&cid("a10"), &tsm, "other-secret"), json!({})), 401, unauth(), 0),
        a("callId not a string", "/agora", agora_body(&cid("a11"), json!(ts_ms), &good_sec, json!({})).replace(&format!("\"{}\"", cid("a11")), "12345"), 401, unauth(), 0),
        a("duplicate callId keys", "/agora", format!("{{\"callId\":\"x\",{}", &agora_body(&cid("a12"), json!(ts_ms), &sec(&cid("a12"), &tsm, SECRET), json!({}))[1..]), 400, bad(), 0),
        a("unsigned reaction sample", "/agora", std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../imhook-core/tests/fixtures/agora/notify.reaction.json")).unwrap(), 401, unauth(), 0),
        a("empty body", "/agora", "", 400, bad(), 0),
        a("not UTF-8", "/agora", b"{\"a\":\"\xff\"}".to_vec(), 400, bad(), 0),
        a("array", "/agora/pre-send", "[1]", 400, bad(), 0),
        a("deeply nested (20,000 levels), unsigned", "/agora", format!("{{\"x\":{}{}}}", "[".repeat(20_000), "]".repeat(20_000)), 401, unauth(), 0),
        a("deeply nested (20,000 levels), signed", "/agora", agora_body(&cid("a19"), json!(ts_ms), &sec(&cid("a19"), &tsm, SECRET), json!({"x": 1})).replace("\"x\":1", &format!("\"x\":{}{}", "[".repeat(20_000), "]".repeat(20_000))), 200, ok_ack(), 1),
        a("unknown operation", "/agora", agora_body(&cid("a13"), json!(ts_ms), &sec(&cid("a13"), &tsm, SECRET), json!({"chat_type":"muc","payload":{"operation":"teleport"}})), 200, ok_ack(), 1),
        a("booleans as strings", "/agora", agora_body(&cid("a14"), json!(ts_ms), &sec(&cid("a14"), &tsm, SECRET), json!({"event":"group_op_event","operation":"UPDATE","id":"g","type":"GROUP","operator":"u","appkey":"o#a","payload":{"type":"DISABLE","disabled":"TRUE"}})), 200, ok_ack(), 1),
        a("handler panic", "/agora", agora_body(&cid("a15"), json!(ts_ms), &sec(&cid("a15"), &tsm, SECRET), json!({"from":"panic"})), 200, ok_ack(), 1),
        a("pre-send with an unknown payload", "/agora/pre-send", agora_body(&cid("a16"), json!(ts_ms), &sec(&cid("a16"), &tsm, SECRET), json!({"payload":{"hologram":true}})), 200, Want::Json(json!({"valid":true})), 1),
        a("pre-send with an unusable envelope", "/agora/pre-send", agora_body(&cid("a17"), json!(ts_ms), &sec(&cid("a17"), &tsm, SECRET), json!({"chat_type":{"x":5}})), 200, Want::Json(json!({"valid":true})), 0),
        a("pre-send handler timeout", "/agora/pre-send", agora_body(&cid("a18"), json!(ts_ms), &sec(&cid("a18"), &tsm, SECRET), json!({"from":"sleep","payload":{"type":"txt","msg":"x"}})), 200, Want::Json(json!({"valid":true})), 1),
    ]);
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        c.push(Case {
            name: format!("tencent: {method} is 405"),
            req: Request {
                method,
                route: "/tencent",
                query: gq.clone(),
                body: vec![],
                mode: BodyMode::Length,
            },
            status: 405,
            want: Want::Status,
            calls: 0,
        });
    }
    c.push(Case {
        name: "tencent: Content-Length over the limit, unread".into(),
        req: Request {
            method: "POST",
            route: "/tencent",
            query: gq.clone(),
            body: vec![],
            mode: BodyMode::Announce(10 << 20),
        },
        status: 413,
        want: Want::Status,
        calls: 0,
    });
    c.push(Case {
        name: "agora: chunked body over the limit".into(),
        req: Request {
            method: "POST",
            route: "/agora",
            query: String::new(),
            body: vec![b' '; 200 * 1024],
            mode: BodyMode::Chunked(32 * 1024),
        },
        status: 413,
        want: Want::Status,
        calls: 0,
    });
    c.push(Case {
        name: "tencent: slow drip".into(),
        req: Request {
            method: "POST",
            route: "/tencent",
            query: gq.clone(),
            body: b"{".to_vec(),
            mode: BodyMode::Stall(100),
        },
        status: 408,
        want: Want::Status,
        calls: 0,
    });
    c.extend(dedupe::cases(tag));
    c.extend(http_rules::cases(tag));
    c.extend(records::cases(tag));
    c
}

async fn run(target: Target) {
    let logs = logs();
    let tag = target.name;
    let cases = cases(tag);
    assert!(cases.len() >= 60, "{}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let before = target.calls();
        let resp = match target.send(&case.req).await {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let calls = target.calls() - before;
        let text = resp.body_text();
        let mut problems = Vec::new();
        if resp.status != case.status {
            problems.push(format!("status {} != {}", resp.status, case.status));
        }
        match &case.want {
            Want::Json(v) => match serde_json::from_slice::<Value>(&resp.body) {
                Ok(got) if &got == v => {}
                _ => problems.push(format!("reply {text:?} != {v}")),
            },
            Want::Field(k, v) => match serde_json::from_slice::<Value>(&resp.body) {
                Ok(got) if &got[*k] == v => {}
                _ => problems.push(format!("reply {text:?}: {k} != {v}")),
            },
            Want::Status => {}
        }
        if calls != case.calls {
            problems.push(format!(
                "handler called {calls} times, expected {}",
                case.calls
            ));
        }
        if text.contains(TOKEN) || text.contains(SECRET) || resp.body.len() >= 1000 {
            problems.push("reply leaks a secret or is too long".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.name, problems.join("; ")));
        }
    }
    // concurrent duplicates: 32 copies of one callback, one handler call
    let id = format!("{tag}_concurrent");
    let body = agora_body(&id, json!(1), &sec(&id, "1", SECRET), json!({}));
    let before = target.calls();
    let target = Arc::new(target);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (t, b) = (target.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            t.send(&Request {
                method: "POST",
                route: "/agora",
                query: String::new(),
                body: b.into_bytes(),
                mode: BodyMode::Length,
            })
            .await
            .map(|r| r.status)
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 200);
    }
    assert_eq!(target.calls() - before, 1, "concurrent duplicates");

    let captured = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for secret in [TOKEN, SECRET] {
        assert!(!captured.contains(secret), "a log line contains a secret");
    }
    let now = now();
    for dt in 0..5 {
        assert!(
            !captured.contains(&sign(TOKEN, &(now - dt).to_string())),
            "a log line contains a signature"
        );
    }
    assert!(
        failures.is_empty(),
        "[{tag}] {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("[{tag}] {} adversarial cases passed", cases.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_directly() {
    run(servers::core()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_axum() {
    run(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_actix() {
    run(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_warp() {
    run(servers::warp().await).await;
}

/// A 413 or 408 sent before the body was read tells a keep-alive client to close the
/// connection, so that it never reuses one whose request stream is out of step.
async fn early_replies_close_the_connection(target: Target) {
    let addr = target.addr().unwrap();
    let query = tq_raw(
        &APP.to_string(),
        &sign(TOKEN, &now().to_string()),
        &now().to_string(),
    );
    for (mode, status) in [
        (BodyMode::Announce(10 << 20), 413),
        (BodyMode::Chunked(32 * 1024), 413),
        (BodyMode::Stall(100), 408),
    ] {
        let body = match mode {
            BodyMode::Chunked(_) => vec![b' '; 200 * 1024],
            _ => b"{".to_vec(),
        };
        let req = Request {
            method: "POST",
            route: "/tencent",
            query: query.clone(),
            body,
            mode: mode.clone(),
        };
        let resp = client::send_keep_alive(addr, &req).await.unwrap();
        assert_eq!(resp.status, status, "{}: {mode:?}", target.name);
        assert!(
            resp.head.contains("connection: close"),
            "{}: {mode:?} reply lacks Connection: close: {}",
            target.name,
            resp.head
        );
    }
    // An ordinary reply keeps the connection open.
    let ok = Request {
        method: "POST",
        route: "/tencent",
        query,
        body: after("@TGS#keep").into_bytes(),
        mode: BodyMode::Length,
    };
    let resp = client::send_keep_alive(addr, &ok).await.unwrap();
    assert_eq!(resp.status, 200, "{}", target.name);
    assert!(!resp.head.contains("connection: close"), "{}", target.name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_replies_close_the_connection_axum() {
    early_replies_close_the_connection(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_replies_close_the_connection_actix() {
    early_replies_close_the_connection(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_replies_close_the_connection_warp() {
    early_replies_close_the_connection(servers::warp().await).await;
}
