//! The Agora catalogue against the fixture corpus: every request decodes to the
//! manifest's kind id, typed, and round-trips; forward-compatibility cases; pre-send
//! replies from typed decisions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::agora::ChatroomMsgLevel;
use imhook_core::agora::events::FAMILIES;
use imhook_core::agora::events::*;
use imhook_core::agora::{AgoraEvent, AgoraKind, Envelope, PreSendDecision};
use serde_json::{Value, json};

fn read(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/agora/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn manifest() -> Value {
    serde_json::from_str(&read("manifest.json")).unwrap()
}

fn decode(body: &str) -> AgoraEvent {
    let kind = Envelope::parse(body).unwrap().kind();
    AgoraEvent::decode(&kind, body)
}

/// `a` (from a record) agrees with `b` (the original): same values at the same paths,
/// where a number may stand for a numeric string and a bool for `"true"`/`"false"`.
fn agrees(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let o = y.get(k).or_else(|| {
                    if k == "disable" {
                        y.get("disabled")
                    } else {
                        None
                    }
                });
                match o {
                    Some(o) => agrees(v, o, &format!("{path}.{k}"))?,
                    None => return Err(format!("{path}.{k} not in the original")),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::String(s)) if x.len() == 1 && x[0] == *s => Ok(()),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (p, q))| agrees(p, q, &format!("{path}[{i}]"))),
        (Value::Number(n), Value::String(s))
            if n.to_string() == *s || n.as_f64() == s.parse::<f64>().ok() =>
        {
            Ok(())
        }
        (Value::Bool(x), Value::String(s)) if s.eq_ignore_ascii_case(&x.to_string()) => Ok(()),
        (Value::Number(n), Value::Number(m)) if n.as_f64() == m.as_f64() => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} != {b}")),
    }
}

/// Keys of `b` that `a` lacks (besides `security`, which is checked, not modelled),
/// recursively; empty lists and objects count as absent.
fn missing(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    if let (Some(x), Value::Object(y)) = (a.as_object(), b) {
        for (k, v) in y {
            if path.is_empty() && k == "security" {
                continue;
            }
            let canonical = if k == "disabled" && path == ".payload" {
                "disable"
            } else {
                k.as_str()
            };
            match x.get(canonical) {
                Some(av) => missing(av, v, &format!("{path}.{k}"), out),
                None if v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) => {}
                None => out.push(format!("{path}.{k}")),
            }
        }
    }
}

#[test]
fn every_post_send_fixture_is_typed_with_its_kind_and_round_trips() {
    let m = manifest();
    let mut kinds = std::collections::BTreeSet::new();
    let mut gaps = Vec::new();
    for r in m["requests"].as_array().unwrap() {
        if r["route"] != "post_send" {
            continue;
        }
        let file = r["file"].as_str().unwrap();
        let body = read(file);
        let kind = Envelope::parse(&body).unwrap().kind();
        assert_eq!(kind, r["kind"].as_str().unwrap(), "{file}");
        let ev = AgoraEvent::decode(&kind, &body);
        assert!(ev.is_known(), "{file}: {ev:?}");
        assert_eq!(ev.kind(), kind, "{file}");
        let rec = ev.record();
        assert!(rec.known);
        let original: Value = serde_json::from_str(&body).unwrap();
        agrees(&rec.event, &original, "").unwrap_or_else(|e| panic!("{file}: {e}"));
        missing(&rec.event, &original, "", &mut gaps);
        if !gaps.is_empty() {
            panic!("{file}: not modelled: {gaps:?}");
        }
        let again = AgoraEvent::decode(&kind, &rec.event.to_string());
        assert_eq!(again.record(), rec, "{file}");
        kinds.insert(kind);
    }
    let group_op = kinds
        .iter()
        .filter(|k| k.starts_with("group_op_event/"))
        .count();
    let muc = kinds.iter().filter(|k| k.starts_with("muc/")).count();
    assert_eq!(group_op, 28, "{kinds:?}");
    assert_eq!(muc, 32, "{kinds:?}");
    assert!(kinds.len() >= 80, "{}", kinds.len());
}

/// Every family of the catalogue has a fixture, and every post-send fixture reads as one
/// typed kind: written out it is the manifest's kind id, that id reads back as the same
/// kind, and the body decodes, typed, into an event of that kind.
#[test]
fn every_family_has_a_fixture_that_decodes_to_the_variant_of_its_kind() {
    let m = manifest();
    let mut covered = std::collections::BTreeSet::new();
    for r in m["requests"].as_array().unwrap() {
        if r["route"] != "post_send" {
            continue;
        }
        let file = r["file"].as_str().unwrap();
        let id = r["kind"].as_str().unwrap();
        let body = read(file);
        let kind = Envelope::parse(&body).unwrap().classify();
        assert_eq!(kind.to_string(), id, "{file}");
        assert_eq!(AgoraKind::from_id(id), kind, "{file}");
        let ev = AgoraEvent::decode_as(&kind, &body);
        assert!(!matches!(ev, AgoraEvent::Unknown(_)), "{file}: {ev:?}");
        assert_eq!(ev.kind(), kind, "{file}");
        let family = FAMILIES
            .iter()
            .find(|f| id == **f || id.strip_prefix(**f).is_some_and(|r| r.starts_with('/')))
            .unwrap_or_else(|| panic!("{file}: {id} is in no family"));
        covered.insert(*family);
    }
    let all: std::collections::BTreeSet<_> = FAMILIES.iter().copied().collect();
    assert_eq!(covered, all);
    assert_eq!(AgoraKind::from_id("pre_send"), AgoraKind::PreSend);
    assert_eq!(
        AgoraKind::from_id("notify/poll"),
        AgoraKind::Unknown("notify/poll".to_owned())
    );
}

#[test]
fn pre_send_fixtures_decode_with_their_shape() {
    let m = manifest();
    let mut n = 0;
    for r in m["requests"].as_array().unwrap() {
        if r["route"] != "pre_send" {
            continue;
        }
        let file = r["file"].as_str().unwrap();
        let ev = PreSendEvent::decode(&read(file)).unwrap();
        assert!(ev.record().known, "{file}");
        assert_eq!(ev.record().kind, "pre_send");
        let original: Value = serde_json::from_str(&read(file)).unwrap();
        agrees(&ev.record().event, &original, "").unwrap_or_else(|e| panic!("{file}: {e}"));
        if file == "pre_send@bodies.json" {
            assert!(matches!(ev.payload, PreSendPayload::Bodies { .. }));
        } else {
            assert!(matches!(ev.payload, PreSendPayload::Flat(_)), "{file}");
        }
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn field_typing_rules() {
    let ev = decode(&read("group_op_event.CREATE.json"));
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    let info = g.payload.as_ref().unwrap().info.as_ref().unwrap();
    assert_eq!(info.mute, Some(false));
    assert_eq!(info.max_users, Some(200));
    assert_eq!(info.mute_duration, Some(-1));
    assert_eq!(info.created, Some(1729496598199));
    assert_eq!(g.operation(), GroupOperation::Created);

    let ev = decode(&read("group_op_event.UPDATE.DISABLE.json"));
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert!(g.payload.as_ref().unwrap().disable.is_some());
    assert!(ev.record().event["payload"].get("disabled").is_none());

    let ev = decode(&read("group_op_event.JOIN.DIRECT.json"));
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert!(g.member_count.is_some());
    let ev = decode(&read("group_op_event.JOIN.DIRECT@no_member_count.json"));
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert!(g.member_count.is_none());

    let ev = decode(&read("group_op_event.ROOM_SUPER_ADMIN.ADD.json"));
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert_eq!(g.id, "");
    assert_eq!(g.operation(), GroupOperation::RoomSuperAdminAdded);
    assert!(!g.members().is_empty());

    // reason as an object (Easemob) and as a JSON string (Agora) give the same document
    let a = decode(&read("muc.upload_file.json"));
    let b = decode(&read("muc.upload_file@reason_string.json"));
    let (AgoraEvent::Muc(a), AgoraEvent::Muc(b)) = (&a, &b) else {
        panic!()
    };
    let ra = a.payload.reason.as_ref().unwrap();
    let rb = b.payload.reason.as_ref().unwrap();
    assert!(matches!(ra, Reason::Json(_)) && matches!(rb, Reason::Text(_)));
    assert_eq!(
        ra.json().unwrap()["data"]["file_name"],
        rb.json().unwrap()["data"]["file_name"]
    );

    // SHARE_FILE removal as documented in the field table: UPDATE/REMOVE + share_file
    let body = json!({"callId":"c","event":"group_op_event","operation":"UPDATE","id":"g","type":"GROUP","operator":"u","appkey":"a","timestamp":1,"payload":{"type":"REMOVE","share_file":["f"]}}).to_string();
    let ev = decode(&body);
    assert_eq!(ev.kind(), "group_op_event/UPDATE/REMOVE");
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert_eq!(g.operation(), GroupOperation::ShareFileRemoved);
    assert!(ev.is_known());

    // integers for ids are kept as their digits; timestamps as strings
    let body = json!({"callId":"c","chat_type":"chat","eventType":"chat","timestamp":"1600060847294","from":"a","to":"b","msg_id":1183617288389955592u64,"payload":{"bodies":[{"type":"loc","lat":"39.9","lng":116.3,"addr":"x"}]}}).to_string();
    let AgoraEvent::Message(m) = decode(&body) else {
        panic!()
    };
    assert_eq!(m.msg_id.as_deref(), Some("1183617288389955592"));
    assert_eq!(m.timestamp, 1600060847294);
    assert_eq!(m.payload.bodies[0].lat, Some(39.9));
}

#[test]
fn forward_compatibility() {
    // an extra unknown field: still known, raw kept in the body
    let mut v: Value = serde_json::from_str(&read("group_op_event.SHARE_FILE.ADD.json")).unwrap();
    v["brand_new_field"] = json!({"x": 1});
    let ev = decode(&v.to_string());
    assert!(ev.is_known());
    // unknown operation / payload.type: family type, not known, kind mechanical
    v["operation"] = json!("TELEPORT");
    let ev = decode(&v.to_string());
    assert_eq!(ev.kind(), "group_op_event/TELEPORT/ADD");
    assert!(!ev.is_known());
    assert!(!ev.record().known);
    let AgoraEvent::GroupOp(g) = &ev else {
        panic!()
    };
    assert!(matches!(g.operation(), GroupOperation::Other { .. }));
    let mut v: Value = serde_json::from_str(&read("group_op_event.UPDATE.INFO.json")).unwrap();
    v["payload"]["type"] = json!("NEW_TYPE");
    let ev = decode(&v.to_string());
    assert_eq!(ev.kind(), "group_op_event/UPDATE/NEW_TYPE");
    assert!(!ev.is_known());
    let mut v: Value = serde_json::from_str(&read("muc.kick.json")).unwrap();
    v["payload"]["operation"] = json!("some_new_op");
    let ev = decode(&v.to_string());
    assert_eq!(ev.kind(), "muc/some_new_op");
    assert!(!ev.record().known);
    // unknown chat_type and no discriminators at all
    let ev = decode(r#"{"chat_type":"hologram","callId":"x"}"#);
    assert!(matches!(ev, AgoraEvent::Unknown(_)));
    assert_eq!(ev.kind(), "unknown");
    let ev = decode(r#"{"what":"ever"}"#);
    assert_eq!(ev.record().event, json!({"what":"ever"}));
    // a new enum value stays known and is written back verbatim
    let mut v: Value = serde_json::from_str(&read("group_op_event.CREATE.json")).unwrap();
    v["type"] = json!("SUPERGROUP");
    let ev = decode(&v.to_string());
    assert!(ev.is_known());
    assert_eq!(ev.record().event["type"], "SUPERGROUP");
    let mut v: Value = serde_json::from_str(&read("offline_push.json")).unwrap();
    v["status"] = json!("deferred");
    let ev = decode(&v.to_string());
    assert!(ev.is_known());
    assert_eq!(ev.record().event["status"], "deferred");
    // a recognised kind with a mistyped required field → unknown with the error
    let mut v: Value = serde_json::from_str(&read("group_op_event.CREATE.json")).unwrap();
    v["operator"] = json!({"not": "a string"});
    let ev = decode(&v.to_string());
    let AgoraEvent::Unknown(u) = &ev else {
        panic!("{ev:?}")
    };
    assert!(u.error.is_some());
    assert_eq!(u.kind, "group_op_event/CREATE");
}

#[test]
fn pre_send_reply_fixtures_from_typed_decisions() {
    let ev = PreSendEvent::decode(&read("pre_send.json")).unwrap();
    let cases: Vec<(&str, PreSendDecision)> = vec![
        ("allow", PreSendDecision::Allow),
        ("block", PreSendDecision::Block { code: None }),
        ("block_with_code", PreSendDecision::block("HX:10001")),
        ("block_empty_code", PreSendDecision::block("")),
        (
            "modify_payload",
            PreSendDecision::replace_text(&ev, "welcome to ***!"),
        ),
        (
            "chatroom_msg_level",
            PreSendDecision::Priority(ChatroomMsgLevel::High),
        ),
    ];
    for (case, d) in cases {
        let expected = read(&format!("pre_send.reply.{case}.json"));
        assert_eq!(d.to_json(), expected.trim(), "{case}");
        assert!(d.reply_len_ok(1000));
    }
    // the REST shape is mirrored
    let ev = PreSendEvent::decode(&read("pre_send@bodies.json")).unwrap();
    let out: Value =
        serde_json::from_str(&PreSendDecision::replace_text(&ev, "x").to_json()).unwrap();
    assert_eq!(out["payload"]["bodies"][0], json!({"type":"txt","msg":"x"}));
    assert!(out["payload"]["ext"].is_object());
    assert!(!PreSendDecision::block("x".repeat(1000)).reply_len_ok(1000));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn decoders_never_panic(body in ".{0,300}", kind in prop::sample::select(vec![
            "group_op_event/CREATE", "muc/kick", "message/chat", "recall", "edit", "read_ack", "roster/add",
            "notify/reaction", "notify/thread", "user_status/login", "offline_push", "keyword_alert", "moderation", "unknown",
        ])) {
            let _ = AgoraEvent::decode(kind, &body);
            let _ = PreSendEvent::decode(&body);
            if let Ok(env) = Envelope::parse(&body) {
                let k = env.kind();
                let _ = AgoraEvent::decode(&k, &body).record();
            }
        }

        #[test]
        fn mutated_fixtures_round_trip(idx in 0usize..140, at in 0usize..3000, insert in ".{0,6}") {
            let m = manifest();
            let reqs = m["requests"].as_array().unwrap();
            let r = &reqs[idx % reqs.len()];
            let mut body = read(r["file"].as_str().unwrap());
            let at = at.min(body.len());
            if body.is_char_boundary(at) {
                body.insert_str(at, &insert);
            }
            if let Ok(env) = Envelope::parse(&body) {
                let ev = AgoraEvent::decode(&env.kind(), &body);
                let rec = ev.record();
                if ev.is_known() {
                    let again = AgoraEvent::decode(&rec.kind, &rec.event.to_string());
                    prop_assert_eq!(again.record(), rec);
                }
            }
        }
    }
}

/// A nested part that is not an object, or whose fields have the wrong types, costs
/// only itself (or those fields): the event stays typed, from a body or from a
/// `serde_json::Value`.
#[test]
fn a_malformed_nested_part_drops_only_itself() {
    let mut op: Value = serde_json::from_str(&read("group_op_event.SHARE_FILE.ADD.json")).unwrap();
    for payload in [
        json!("text"),
        json!(5),
        json!([1, 2]),
        json!(true),
        Value::Null,
    ] {
        op["payload"] = payload.clone();
        let AgoraEvent::GroupOp(ev) = decode(&op.to_string()) else {
            panic!("{payload} made the event untyped")
        };
        assert!(ev.payload.is_none(), "{payload}");
    }
    op["payload"] = json!({"type": {"a": 1}, "share_file": {"b": 2}, "extra": {"deep": [1]}});
    let AgoraEvent::GroupOp(ev) = decode(&op.to_string()) else {
        panic!("wrong field types made the event untyped")
    };
    assert_eq!(ev.sub_type(), None);
    let payload = ev.payload.unwrap();
    assert!(payload.share_file.is_empty());
    let from_value: GroupOpEvent = serde_json::from_value(op.clone()).unwrap();
    assert_eq!(from_value.payload, Some(payload));
}
