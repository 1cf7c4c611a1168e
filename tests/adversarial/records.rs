//! Event records: what they keep of unknown events and what they never carry.

use super::*;
use crate::handlers::seen_event;
use crate::servers::Target;

/// The cases of this group, run by every target.
pub(crate) fn cases(_tag: &str) -> Vec<Case> {
    Vec::new()
}

fn fixture(file: &str) -> Value {
    let path = format!(
        "{}/../imhook-core/tests/fixtures/agora/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// How an Agora body is made one its family does not model.
enum Change {
    /// Set the fields of this object at this path.
    Set(&'static [&'static str], Value),
    /// Repeat this top-level field (a typed decode refuses duplicate fields).
    Duplicate(&'static str),
}

/// One Agora family, and a body of it that only its catch-all holds.
struct Family {
    name: &'static str,
    fixture: &'static str,
    change: Change,
    kind: &'static str,
}

fn families() -> Vec<Family> {
    use Change::{Duplicate, Set};
    let f = |name, fixture, change, kind| Family {
        name,
        fixture,
        change,
        kind,
    };
    vec![
        f(
            "group_op_event",
            "group_op_event.SHARE_FILE.ADD.json",
            Set(
                &[],
                json!({"operation": "PIN_MESSAGE", "payload": {"type": "ADD", "msg_id": "m-1"}}),
            ),
            "group_op_event/PIN_MESSAGE/ADD",
        ),
        f(
            "muc",
            "muc.kick.json",
            Set(
                &["payload"],
                json!({"operation": "pin_message", "msg_id": "m-1"}),
            ),
            "muc/pin_message",
        ),
        f(
            "roster",
            "roster.add.json",
            Set(
                &["payload"],
                json!({"operation": "mute_contact", "until": 1729499506255i64}),
            ),
            "roster/mute_contact",
        ),
        f(
            "notify",
            "notify.reaction.json",
            Set(&["payload"], json!({"type": "poll", "poll_id": "p-1"})),
            "notify/poll",
        ),
        f(
            "user_status",
            "user_status.login.json",
            Set(&[], json!({"reason": "kicked_by_admin"})),
            "user_status/kicked_by_admin",
        ),
        f(
            "message",
            "message.chat.json",
            Set(&[], json!({"payload": "a payload of a new shape"})),
            "message/chat",
        ),
        f("recall", "recall.json", Duplicate("msg_id"), "recall"),
        f("edit", "edit.json", Duplicate("msg_id"), "edit"),
        f("read_ack", "read_ack.json", Duplicate("msg_id"), "read_ack"),
        f(
            "offline_push",
            "offline_push.json",
            Set(&[], json!({"status": {"code": "deferred"}})),
            "offline_push",
        ),
        f(
            "keyword_alert",
            "keyword_alert.json",
            Duplicate("contentUri"),
            "keyword_alert",
        ),
        f(
            "moderation",
            "moderation.json",
            Duplicate("messageId"),
            "moderation",
        ),
        f(
            "wholly unknown",
            "message.chat.json",
            Set(&[], json!({"chat_type": "hologram"})),
            "unknown",
        ),
    ]
}

/// A signed body of `family` with callId `call_id`, and its `security`.
fn unknown_body(family: &Family, call_id: &str) -> (String, String) {
    let ts = "1729499506255";
    let security = sec(call_id, ts, SECRET);
    let mut v = fixture(family.fixture);
    v["callId"] = json!(call_id);
    v["timestamp"] = json!(1_729_499_506_255i64);
    v["security"] = json!(security);
    // A field no typed model holds, which the record must keep.
    v["x_new_field"] = json!({"id": "n-1", "list": [1, "2", null]});
    if let Change::Set(path, fields) = &family.change {
        let mut at = &mut v;
        for p in *path {
            at = &mut at[*p];
        }
        for (k, value) in fields.as_object().unwrap() {
            at[k] = value.clone();
        }
    }
    let mut raw = v.to_string();
    if let Change::Duplicate(key) = family.change {
        raw = raw.replacen('{', &format!("{{\"{key}\":\"first\","), 1);
    }
    (raw, security)
}

/// Sends one request that the handler must see, and answers its record and raw body.
async fn handled(target: &Target, req: Request, key: &str) -> Result<handlers::Seen, String> {
    let resp = target.send(&req).await?;
    if resp.status != 200 {
        return Err(format!("status {}", resp.status));
    }
    seen_event(key).ok_or_else(|| "the handler never saw it".to_owned())
}

/// What is wrong with `seen`, which the handler was given for `raw` carrying the
/// signature `signature`, against the record `want`.
fn problems(
    seen: &handlers::Seen,
    raw: &str,
    signature: &str,
    kind: &str,
    want: &Value,
) -> Vec<String> {
    let record = &seen.record;
    let mut problems = Vec::new();
    if record.kind != kind || record.known {
        problems.push(format!("kind {} known {}", record.kind, record.known));
    }
    if &record.event != want {
        problems.push(format!("event {} != {want}", record.event));
    }
    if record.to_line().contains(signature) {
        problems.push("the record carries the signature".into());
    }
    if seen.raw != raw {
        problems.push("the handler's raw body was changed".into());
    }
    problems
}

/// For every Agora family, an event only its catch-all holds is recorded as the raw
/// JSON (nothing lost), `security` redacted; the handler's raw body is untouched.
async fn agora_unknown_events(target: &Target, failures: &mut Vec<String>) {
    for family in families() {
        let call_id = format!("{}_record_{}", target.name, family.name.replace(' ', "_"));
        let (raw, security) = unknown_body(&family, &call_id);
        let req = Request {
            method: "POST",
            route: "/agora",
            query: String::new(),
            body: raw.clone().into_bytes(),
            mode: BodyMode::Length,
        };
        let mut want: Value = serde_json::from_str(&raw).unwrap();
        want["security"] = json!("***");
        let found = match handled(target, req, &call_id).await {
            Ok(seen) => problems(&seen, &raw, &security, family.kind, &want),
            Err(e) => vec![e],
        };
        if !found.is_empty() {
            failures.push(format!("agora {}: {}", family.name, found.join("; ")));
        }
    }
}

/// A Tencent command the library does not know is recorded as the raw JSON; a `Sign`
/// in the body is never written.
async fn tencent_unknown_command(target: &Target, failures: &mut Vec<String>) {
    let ts = now().to_string();
    let good = sign(TOKEN, &ts);
    let group = format!("{}_record_tencent", target.name);
    let raw = json!({
        "CallbackCommand": "Live.OnNewThing",
        "GroupId": group,
        "Sign": good,
        "Thing": {"Id": 7, "Tags": ["a", null]},
    })
    .to_string();
    let req = Request {
        method: "POST",
        route: "/tencent",
        query: tq_raw(&APP.to_string(), &good, &ts).replace(AFTER, "Live.OnNewThing"),
        body: raw.clone().into_bytes(),
        mode: BodyMode::Length,
    };
    let mut want: Value = serde_json::from_str(&raw).unwrap();
    want["Sign"] = json!("***");
    let found = match handled(target, req, &group).await {
        Ok(seen) => problems(&seen, &raw, &good, "Live.OnNewThing", &want),
        Err(e) => vec![e],
    };
    if !found.is_empty() {
        failures.push(format!("tencent unknown command: {}", found.join("; ")));
    }
}

/// A known event's record is its typed shape, without `security`.
async fn agora_known_event(target: &Target, failures: &mut Vec<String>) {
    let call_id = format!("{}_record_known", target.name);
    let security = sec(&call_id, "1729499506255", SECRET);
    let mut v = fixture("group_op_event.SHARE_FILE.ADD.json");
    v["callId"] = json!(call_id);
    v["security"] = json!(security);
    let raw = v.to_string();
    let req = Request {
        method: "POST",
        route: "/agora",
        query: String::new(),
        body: raw.clone().into_bytes(),
        mode: BodyMode::Length,
    };
    match handled(target, req, &call_id).await {
        Ok(seen) => {
            let record = &seen.record;
            if !record.known
                || record.event["payload"]["share_file"] != v["payload"]["share_file"]
                || record.to_line().contains(&security)
                || seen.raw != raw
            {
                failures.push(format!("agora known event: {}", record.to_line()));
            }
        }
        Err(e) => failures.push(format!("agora known event: {e}")),
    }
}

async fn records(target: Target) {
    let mut failures = Vec::new();
    agora_unknown_events(&target, &mut failures).await;
    tencent_unknown_command(&target, &mut failures).await;
    agora_known_event(&target, &mut failures).await;
    assert!(
        failures.is_empty(),
        "[{}] {} records wrong:\n{}",
        target.name,
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_core() {
    records(servers::core()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_axum() {
    records(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_actix() {
    records(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_warp() {
    records(servers::warp().await).await;
}
