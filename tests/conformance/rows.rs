//! The table: one row per rule of the endpoint specification, plus one per fixture.

use crate::client::{BodyMode, Request};
use crate::servers::{APP, LIMIT, SECRET, TOKEN};
use imhook::Secret;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) enum Expect {
    Json(Value),
    JsonField(&'static str, Value),
    Any,
}

pub(crate) struct Reply {
    pub status: u16,
    pub body: Expect,
    /// How many times the handler must have been called (`None`: not checked).
    pub calls: Option<usize>,
}

pub(crate) struct Row {
    pub name: String,
    pub request: Request,
    pub expect: Reply,
}

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../imhook-core/tests/fixtures");

fn fixture(provider: &str, file: &str) -> String {
    std::fs::read_to_string(format!("{FIX}/{provider}/{file}")).unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn ok_ack() -> Value {
    json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
}

fn tencent_query(command: &str, time: u64, token: &str) -> String {
    let sign = imhook::tencent::sign(&Secret::new(token).unwrap(), &time.to_string());
    format!(
        "SdkAppid={APP}&CallbackCommand={command}&contenttype=json&ClientIP=203.0.113.7&OptPlatform=RESTAPI&Sign={sign}&RequestTime={time}"
    )
}

/// `pairs` (`name=value`, URL-safe) plus a fresh signature.
fn tencent_signed_query(pairs: &serde_json::Map<String, Value>, time: u64) -> String {
    let sign = imhook::tencent::sign(&Secret::new(TOKEN).unwrap(), &time.to_string());
    let mut q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
        .collect();
    q.push(format!("Sign={sign}&RequestTime={time}"));
    q.join("&")
}

fn tencent(
    name: &str,
    method: &'static str,
    query: String,
    body: impl Into<Vec<u8>>,
    status: u16,
    body_expect: Expect,
    calls: Option<usize>,
) -> Row {
    Row {
        name: format!("tencent: {name}"),
        request: Request {
            method,
            route: "/tencent",
            query,
            body: body.into(),
            mode: BodyMode::Length,
        },
        expect: Reply {
            status,
            body: body_expect,
            calls,
        },
    }
}

fn agora(
    name: &str,
    route: &'static str,
    method: &'static str,
    body: impl Into<Vec<u8>>,
    status: u16,
    body_expect: Expect,
    calls: Option<usize>,
) -> Row {
    Row {
        name: format!("agora {route}: {name}"),
        request: Request {
            method,
            route,
            query: String::new(),
            body: body.into(),
            mode: BodyMode::Length,
        },
        expect: Reply {
            status,
            body: body_expect,
            calls,
        },
    }
}

fn signed(mut body: Value, call_id: &str) -> String {
    let ts = 1_729_499_506_255i64;
    body["callId"] = json!(call_id);
    body["timestamp"] = json!(ts);
    body["security"] = json!(imhook::agora::security(
        call_id,
        &Secret::new(SECRET).unwrap(),
        &ts.to_string()
    ));
    body.to_string()
}

fn message(call_id: &str, from: &str) -> String {
    signed(
        json!({"chat_type":"chat","eventType":"chat","from":from,"to":"u2","msg_id":"1","payload":{"ext":{},"bodies":[{"type":"txt","msg":"hi"}]}}),
        call_id,
    )
}

fn pre_send(call_id: &str, from: &str) -> String {
    signed(
        json!({"chat_type":"chat","from":from,"to":"u2","msg_id":"1","payload":{"type":"txt","msg":"hi"}}),
        call_id,
    )
}

const AFTER: &str = "Group.CallbackAfterGroupFull";
const BEFORE: &str = "Group.CallbackBeforeApplyJoinGroup";

fn after_body(group: &str) -> String {
    json!({"CallbackCommand": AFTER, "GroupId": group}).to_string()
}

fn before_body(group: &str) -> String {
    json!({"CallbackCommand": BEFORE, "GroupId": group, "Type": "Public", "Requestor_Account": "bob"}).to_string()
}

pub(crate) fn all() -> Vec<Row> {
    let t = now();
    let q = |c: &str| tencent_query(c, t, TOKEN);
    let fail = |_status: u16| Expect::JsonField("ActionStatus", json!("FAIL"));
    let mut rows = vec![
        tencent("GET is 405", "GET", q(AFTER), "", 405, Expect::Any, Some(0)),
        tencent("PUT is 405", "PUT", q(AFTER), after_body("g"), 405, Expect::Any, Some(0)),
        tencent("missing SdkAppid is 403", "POST", q(AFTER).replace("SdkAppid=1400000001&", ""), after_body("g"), 403, fail(403), Some(0)),
        tencent("other SdkAppid is 403", "POST", q(AFTER).replace("1400000001", "1400000002"), after_body("g"), 403, fail(403), Some(0)),
        tencent("no Sign is 401", "POST", format!("SdkAppid={APP}&CallbackCommand={AFTER}"), after_body("g"), 401, fail(401), Some(0)),
        tencent("wrong token is 401", "POST", tencent_query(AFTER, t, "someone-else"), after_body("g"), 401, fail(401), Some(0)),
        tencent("stale RequestTime is 401", "POST", tencent_query(AFTER, t - 3600, TOKEN), after_body("g"), 401, fail(401), Some(0)),
        tencent("future RequestTime is 401", "POST", tencent_query(AFTER, t + 3600, TOKEN), after_body("g"), 401, fail(401), Some(0)),
        tencent("empty body is 400", "POST", q(AFTER), "", 400, fail(400), Some(0)),
        tencent("non-JSON body is 400", "POST", q(AFTER), "hello", 400, fail(400), Some(0)),
        tencent("array body is 400", "POST", q(AFTER), "[1]", 400, fail(400), Some(0)),
        tencent("non-UTF-8 body is 400", "POST", q(AFTER), b"{\"a\":\"\xff\"}".to_vec(), 400, fail(400), Some(0)),
        tencent("no command anywhere is 400", "POST", q(AFTER).replace(&format!("&CallbackCommand={AFTER}"), ""), r#"{"GroupId":"g"}"#, 400, fail(400), Some(0)),
        tencent("After known is the OK ack", "POST", q(AFTER), after_body("g"), 200, Expect::Json(ok_ack()), Some(1)),
        tencent("unknown command is the OK ack", "POST", q("Example.CallbackFutureCommand"), json!({"CallbackCommand":"Example.CallbackFutureCommand","X":1}).to_string(), 200, Expect::Json(ok_ack()), Some(1)),
        tencent("Before decision from the handler", "POST", q(BEFORE), before_body("refuse"), 200, Expect::Json(json!({"ActionStatus":"OK","ErrorCode":10150,"ErrorInfo":"refused by the app"})), Some(1)),
        tencent("Before typed decode failure: policy allows", "POST", q(BEFORE), json!({"CallbackCommand":BEFORE,"GroupId":"refuse","Type":"Public","Requestor_Account":7}).to_string(), 200, Expect::Json(ok_ack()), Some(0)),
        tencent("After handler panic is the OK ack", "POST", q(AFTER), after_body("panic"), 200, Expect::Json(ok_ack()), Some(1)),
        tencent("After handler error is the OK ack", "POST", q(AFTER), after_body("error"), 200, Expect::Json(ok_ack()), Some(1)),
        tencent("Before handler deadline: allow", "POST", q(BEFORE), before_body("sleep"), 200, Expect::Json(ok_ack()), Some(1)),
        tencent("Before handler panic: allow", "POST", q(BEFORE), before_body("panic"), 200, Expect::Json(ok_ack()), Some(1)),
    ];
    let mut big = Request {
        method: "POST",
        route: "/tencent",
        query: q(AFTER),
        body: vec![b' '; LIMIT + 1],
        mode: BodyMode::Announce((LIMIT + 1) as u64),
    };
    rows.push(Row {
        name: "tencent: Content-Length over the limit is 413".into(),
        request: big.clone(),
        expect: Reply {
            status: 413,
            body: Expect::Any,
            calls: Some(0),
        },
    });
    big.mode = BodyMode::Chunked(8 * 1024);
    big.body = format!("{{\"GroupId\":\"{}\"}}", "x".repeat(LIMIT)).into_bytes();
    rows.push(Row {
        name: "tencent: chunked body over the limit is 413".into(),
        request: big,
        expect: Reply {
            status: 413,
            body: Expect::Any,
            calls: Some(0),
        },
    });
    let drip = Request {
        method: "POST",
        route: "/tencent",
        query: q(AFTER),
        body: b"{\"GroupId\":".to_vec(),
        mode: BodyMode::Stall(200),
    };
    rows.push(Row {
        name: "tencent: slow-drip body is cut off with 408".into(),
        request: drip,
        expect: Reply {
            status: 408,
            body: Expect::Any,
            calls: Some(0),
        },
    });
    let drip = Request {
        method: "POST",
        route: "/agora",
        query: String::new(),
        body: b"{\"callId\":".to_vec(),
        mode: BodyMode::Stall(200),
    };
    rows.push(Row {
        name: "agora: slow-drip body is cut off with 408".into(),
        request: drip,
        expect: Reply {
            status: 408,
            body: Expect::Any,
            calls: Some(0),
        },
    });
    let chunked_ok = Request {
        method: "POST",
        route: "/tencent",
        query: q(AFTER),
        body: after_body("g").into_bytes(),
        mode: BodyMode::Chunked(7),
    };
    rows.push(Row {
        name: "tencent: chunked body within the limit".into(),
        request: chunked_ok,
        expect: Reply {
            status: 200,
            body: Expect::Json(ok_ack()),
            calls: Some(1),
        },
    });

    // Every Tencent request fixture, with the query it comes with (push and moderation
    // results have no ClientIP / OptPlatform): After → the ack; Before → the do-nothing
    // decision.
    let manifest: Value = serde_json::from_str(&fixture("tencent", "manifest.json")).unwrap();
    for r in manifest["requests"].as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let kind = r["kind"].as_str().unwrap();
        let body = fixture("tencent", file);
        let expected = imhook::tencent::TencentEvent::decode(kind, &body)
            .unwrap()
            .default_reply();
        let expected: Value = serde_json::from_str(&expected.to_json()).unwrap();
        rows.push(tencent(
            &format!("fixture {file}"),
            "POST",
            tencent_signed_query(r["query"].as_object().unwrap(), t),
            body,
            200,
            Expect::Json(expected),
            Some(1),
        ));
    }
    // The official-account Before decisions, each answered exactly as its reply fixture
    // (the handler reads the decision from the field named here).
    for r in manifest["replies"].as_array().unwrap() {
        let kind = r["kind"].as_str().unwrap();
        let field = match kind {
            "OfficialAccount.CallbackBeforeCreateOfficialAccount" => "Name",
            "OfficialAccount.CallbackBeforeAddSubscriber" => "Operator_Account",
            "OfficialAccount.CallbackBeforeSendMsg" => "CloudCustomData",
            _ => continue,
        };
        let file = r["file"].as_str().unwrap();
        let mut body: Value =
            serde_json::from_str(&fixture("tencent", &format!("{kind}.json"))).unwrap();
        body[field] = r["case"].clone();
        let expected: Value = serde_json::from_str(&fixture("tencent", file)).unwrap();
        rows.push(tencent(
            &format!("decision {file}"),
            "POST",
            q(kind),
            body.to_string(),
            200,
            Expect::Json(expected),
            Some(1),
        ));
    }

    // Agora
    let err = |s| {
        Expect::JsonField(
            "error",
            json!(if s == 400 {
                "bad request"
            } else {
                "unauthorized"
            }),
        )
    };
    let mut unsigned: Value = serde_json::from_str(&message("x_unsigned", "a")).unwrap();
    unsigned.as_object_mut().unwrap().remove("security");
    let mut forged: Value = serde_json::from_str(&message("x_forged", "a")).unwrap();
    forged["security"] = json!("0123456789abcdef0123456789abcdef");
    rows.extend([
        agora("GET is 405", "/agora", "GET", "", 405, Expect::Any, Some(0)),
        agora("GET is 405", "/agora/pre-send", "GET", "", 405, Expect::Any, Some(0)),
        agora("empty body is 400", "/agora", "POST", "", 400, err(400), Some(0)),
        agora("not JSON is 400", "/agora", "POST", "{nope", 400, err(400), Some(0)),
        agora("array is 400", "/agora/pre-send", "POST", "[]", 400, err(400), Some(0)),
        agora("unsigned is 401", "/agora", "POST", unsigned.to_string(), 401, err(401), Some(0)),
        agora("forged is 401", "/agora", "POST", forged.to_string(), 401, err(401), Some(0)),
        agora("forged is 401", "/agora/pre-send", "POST", forged.to_string(), 401, err(401), Some(0)),
        agora("message acknowledged", "/agora", "POST", message("row_1", "a"), 200, Expect::Json(json!({})), Some(1)),
        agora("duplicate acknowledged, not handled again", "/agora", "POST", message("row_1", "a"), 200, Expect::Json(json!({})), Some(0)),
        agora("offline copy for another recipient is handled", "/agora", "POST",
            signed(json!({"chat_type":"groupchat","eventType":"chat_offline","from":"a","to":"r2","msg_id":"1","payload":{"bodies":[]}}), "row_1"), 200, Expect::Json(json!({})), Some(1)),
        agora("unknown family acknowledged", "/agora", "POST", signed(json!({"chat_type":"hologram"}), "row_2"), 200, Expect::Json(json!({})), Some(1)),
        agora("handler panic: Ack", "/agora", "POST", message("row_3", "panic"), 200, Expect::Json(json!({})), Some(1)),
        agora("handler deadline: Ack", "/agora", "POST", message("row_4", "sleep"), 200, Expect::Json(json!({})), Some(1)),
        agora("handler error: Ack, and the retry is a duplicate", "/agora", "POST", message("row_4", "error"), 200, Expect::Json(json!({})), Some(0)),
        agora("pre-send allow", "/agora/pre-send", "POST", pre_send("ps_1", "a"), 200, Expect::Json(json!({"valid":true})), Some(1)),
        agora("pre-send block", "/agora/pre-send", "POST", pre_send("ps_2", "refuse"), 200, Expect::Json(json!({"valid":false,"code":"no"})), Some(1)),
        agora("pre-send deadline: allow", "/agora/pre-send", "POST", pre_send("ps_3", "sleep"), 200, Expect::Json(json!({"valid":true})), Some(1)),
        agora("pre-send panic: allow", "/agora/pre-send", "POST", pre_send("ps_4", "panic"), 200, Expect::Json(json!({"valid":true})), Some(1)),
    ]);
    let big = Request {
        method: "POST",
        route: "/agora",
        query: String::new(),
        body: vec![b' '; LIMIT + 1],
        mode: BodyMode::Announce((LIMIT + 1) as u64),
    };
    rows.push(Row {
        name: "agora: Content-Length over the limit is 413".into(),
        request: big,
        expect: Reply {
            status: 413,
            body: Expect::Any,
            calls: Some(0),
        },
    });
    let big = Request {
        method: "POST",
        route: "/agora/pre-send",
        query: String::new(),
        body: vec![b' '; LIMIT * 2],
        mode: BodyMode::Chunked(16 * 1024),
    };
    rows.push(Row {
        name: "agora: chunked body over the limit is 413".into(),
        request: big,
        expect: Reply {
            status: 413,
            body: Expect::Any,
            calls: Some(0),
        },
    });

    // Every Agora request fixture: signed → 200 and one handler call; unsigned → 401.
    let manifest: Value = serde_json::from_str(&fixture("agora", "manifest.json")).unwrap();
    for r in manifest["requests"].as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let route = if r["route"] == "pre_send" {
            "/agora/pre-send"
        } else {
            "/agora"
        };
        let body = fixture("agora", file);
        let row = if r["signed"] == true {
            let expect = if route == "/agora" {
                Expect::Json(json!({}))
            } else {
                Expect::Json(json!({"valid":true}))
            };
            agora(
                &format!("fixture {file}"),
                route,
                "POST",
                body,
                200,
                expect,
                Some(1),
            )
        } else {
            agora(
                &format!("fixture {file} (unsigned)"),
                route,
                "POST",
                body,
                401,
                err(401),
                Some(0),
            )
        };
        rows.push(row);
    }
    rows
}
