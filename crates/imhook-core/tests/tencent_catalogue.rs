//! The Tencent catalogue against the fixture corpus: every request decodes to its
//! typed command and round-trips, every reply fixture is produced from a typed decision.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use imhook_core::tencent::decision::*;
use imhook_core::tencent::events::*;
use imhook_core::tencent::{Reply, TencentEvent};
use serde_json::{Value, json};

fn dir() -> String {
    format!(
        "{}/../../tests/fixtures/tencent",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", dir())).unwrap()
}

fn manifest() -> Value {
    serde_json::from_str(&read("manifest.json")).unwrap()
}

fn decode(command: &str, body: &str) -> TencentEvent {
    TencentEvent::decode(command, body).unwrap()
}

/// `a` (from a record) agrees with `b` (the original body): same keys and values,
/// where a number may stand for a numeric string.
fn agrees(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let other = y.get(k).or_else(|| match k.as_str() {
                    "GroupId" => y.get("groupID"),
                    "CreateGroupNum" => y.get("CreatedGroupNum"),
                    _ => None,
                });
                match other {
                    Some(o) => agrees(v, o, &format!("{path}.{k}"))?,
                    None => return Err(format!("{path}.{k} not in the original")),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                agrees(p, q, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(n), Value::String(s)) if n.to_string() == *s => Ok(()),
        (Value::Number(n), Value::Number(m)) if n.as_f64() == m.as_f64() => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} != {b}")),
    }
}

#[test]
fn every_request_fixture_decodes_to_its_typed_command_and_round_trips() {
    let m = manifest();
    let requests = m["requests"].as_array().unwrap();
    assert!(requests.len() >= 48);
    let mut typed = std::collections::BTreeSet::new();
    for r in requests {
        let file = r["file"].as_str().unwrap();
        let kind = r["kind"].as_str().unwrap();
        let body = read(file);
        let original: Value = serde_json::from_str(&body).unwrap();
        let ev = decode(kind, &body);
        assert_eq!(ev.command(), kind, "{file}");
        assert_eq!(ev.is_before(), r["before"].as_bool().unwrap(), "{file}");
        let record = ev.record();
        assert_eq!(record.provider, "tencent");
        assert_eq!(record.kind, kind);
        if r["core"] == true {
            assert!(ev.is_known(), "{file}: {:?}", ev);
            typed.insert(kind.to_owned());
            // every key of the original body is modelled and written back
            agrees(&record.event, &original, "").unwrap_or_else(|e| panic!("{file}: {e}"));
            for (key, value) in original.as_object().unwrap() {
                if value.as_array().is_some_and(Vec::is_empty) {
                    continue; // an empty list is written as absent
                }
                let canonical = match key.as_str() {
                    "groupID" => "GroupId",
                    "CreatedGroupNum" => "CreateGroupNum",
                    k => k,
                };
                assert!(
                    record.event.get(canonical).is_some(),
                    "{file}: {key} dropped"
                );
            }
            // the record decodes back to the same event
            let again = decode(kind, &record.event.to_string());
            assert!(again.is_known(), "{file}");
            assert_eq!(again.record(), record, "{file}");
        } else {
            assert!(!ev.is_known(), "{file}");
            assert_eq!(record.event, original, "{file}: raw JSON intact");
            match ev {
                TencentEvent::Unknown(u) => assert!(u.error.is_none()),
                _ => unreachable!(),
            }
        }
    }
    assert_eq!(typed.len(), 38, "{typed:?}");
    assert_eq!(COMMANDS.len(), 38);
}

#[test]
fn alias_and_leniency_variants() {
    let ev = decode(
        "Group.CallbackAfterCreateGroup",
        &read("Group.CallbackAfterCreateGroup.variant.groupID-alias.json"),
    );
    let TencentEvent::AfterCreateGroup(e) = &ev else {
        panic!("{ev:?}")
    };
    assert!(!e.group_id.is_empty());
    assert!(ev.record().event.get("groupID").is_none());
    assert_eq!(ev.record().event["GroupId"], e.group_id.as_str());
    // both spellings: GroupId wins
    let ev = decode(
        "Group.CallbackAfterCreateGroup",
        r#"{"GroupId":"a","groupID":"b","Operator_Account":"o","Type":"Public"}"#,
    );
    let TencentEvent::AfterCreateGroup(e) = &ev else {
        panic!()
    };
    assert_eq!(e.group_id, "a");

    let ev = decode(
        "Group.CallbackBeforeCreateGroup",
        &read("Group.CallbackBeforeCreateGroup.variant.created-group-num-alias.json"),
    );
    let TencentEvent::BeforeCreateGroup(e) = &ev else {
        panic!()
    };
    assert!(e.create_group_num.is_some());
    // a map under the alias is ignored, the event still decodes
    let ev = decode(
        "Group.CallbackBeforeCreateGroup",
        r#"{"Operator_Account":"o","Owner_Account":"o","Type":"Public","CreatedGroupNum":{"Public":3}}"#,
    );
    let TencentEvent::BeforeCreateGroup(e) = &ev else {
        panic!()
    };
    assert_eq!(e.create_group_num, None);

    // EventTime as a string and as a number give the same value
    let a = decode(
        "Group.CallbackAfterGroupDestroyed",
        &read("Group.CallbackAfterGroupDestroyed.json"),
    );
    let b = decode(
        "Group.CallbackAfterGroupDestroyed",
        &read("Group.CallbackAfterGroupDestroyed.variant.numeric-eventtime.json"),
    );
    let (TencentEvent::AfterGroupDestroyed(a), TencentEvent::AfterGroupDestroyed(b)) = (&a, &b)
    else {
        panic!()
    };
    assert!(a.event_time.is_some() && b.event_time.is_some());
    assert!(b.operator_account.is_some());

    let ev = decode(
        "Group.CallbackAfterGroupInfoChanged",
        &read("Group.CallbackAfterGroupInfoChanged.variant.custom-fields-no-eventtime.json"),
    );
    let TencentEvent::AfterGroupInfoChanged(e) = &ev else {
        panic!()
    };
    assert_eq!(e.event_time, None);
    assert!(!e.user_defined_data_list.is_empty());

    // TopicIdList as a lone string
    let ev = decode(
        "Group.CallbackAfterTopicDestroyed",
        r#"{"GroupId":"g","Type":"Community","TopicIdList":"t1"}"#,
    );
    let TencentEvent::AfterTopicDestroyed(e) = &ev else {
        panic!()
    };
    assert_eq!(e.topic_id_list, vec!["t1"]);

    // Follow delete: strings and objects mixed
    let ev = decode(
        "Follow.CallbackAfterFollowDelete",
        r#"{"From_Account":"a","To_Account":["b",{"To_Account":"c"}]}"#,
    );
    let TencentEvent::AfterFollowDelete(e) = &ev else {
        panic!()
    };
    assert_eq!(e.to_account, vec!["b", "c"]);

    // integers as strings, invalid optional values as absent
    let ev = decode(
        "C2C.CallbackAfterMsgReport",
        r#"{"Report_Account":"a","Peer_Account":"b","LastReadTime":"1557387418","UnreadMsgNum":"x","EventTime":""}"#,
    );
    let TencentEvent::AfterC2cMsgRead(e) = &ev else {
        panic!()
    };
    assert_eq!(e.last_read_time, Some(1557387418));
    assert_eq!(e.unread_msg_num, None);
    assert_eq!(e.event_time, None);
}

#[test]
fn message_elements_typed_and_unknown() {
    let body = read("Group.CallbackBeforeSendMsg.variant.all-elements.json");
    let ev = decode("Group.CallbackBeforeSendMsg", &body);
    let TencentEvent::BeforeSendGroupMsg(e) = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(e.random, Some(u32::MAX));
    let types: Vec<&str> = e.msg_body.iter().map(|m| m.msg_type()).collect();
    assert!(types.contains(&"TIMRelayElem"));
    assert!(types.contains(&"TIMExampleFutureElem"));
    let unknown = e
        .msg_body
        .iter()
        .filter(|m| matches!(m, MsgElement::Unknown { .. }))
        .count();
    assert_eq!(unknown, 2);
    assert!(matches!(e.msg_body[0], MsgElement::Text(_)));
    assert!(
        e.msg_body
            .iter()
            .any(|m| matches!(m, MsgElement::Video(v) if v.thumb_width == Some(720)))
    );
    // unknown elements are written back unchanged
    let original: Value = serde_json::from_str(&body).unwrap();
    let record = ev.record();
    for (i, elem) in original["MsgBody"].as_array().unwrap().iter().enumerate() {
        if elem["MsgType"] == "TIMRelayElem" || elem["MsgType"] == "TIMExampleFutureElem" {
            assert_eq!(record.event["MsgBody"][i], *elem);
        }
    }
    // a known element with broken content falls back to unknown for that element only
    let ev = decode(
        "C2C.CallbackBeforeSendMsg",
        r#"{"From_Account":"a","To_Account":"b","MsgBody":[{"MsgType":"TIMImageElem","MsgContent":{"ImageInfoArray":7,"UUID":[1]}},{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}"#,
    );
    let TencentEvent::BeforeSendC2cMsg(e) = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(e.msg_body[1].as_text(), Some("hi"));
}

#[test]
fn unknown_enum_values_are_kept_verbatim_and_the_event_stays_known() {
    let ev = decode(
        "Group.CallbackAfterNewMemberJoin",
        r#"{"GroupId":"g","Type":"Work","JoinType":"Scanned","NewMemberList":[{"Member_Account":"m"}]}"#,
    );
    assert!(ev.is_known());
    let TencentEvent::AfterNewMemberJoin(e) = &ev else {
        panic!()
    };
    assert_eq!(e.group_type, GroupType::Other("Work".into()));
    assert_eq!(e.join_type, Some(group::JoinType::Other("Scanned".into())));
    let rec = ev.record();
    assert_eq!(rec.event["Type"], "Work");
    assert_eq!(rec.event["JoinType"], "Scanned");
    let ev = decode(
        "Group.CallbackAfterGroupMsgExtension",
        r#"{"GroupId":"g","MsgSeq":"5","OperateType":9}"#,
    );
    let TencentEvent::AfterGroupMsgExtension(e) = &ev else {
        panic!()
    };
    assert_eq!(e.operate_type, group::OperateType::Other(9));
    assert_eq!(e.msg_seq, 5);
    assert_eq!(ev.record().event["OperateType"], 9);
}

#[test]
fn mistyped_required_fields_make_a_known_command_unknown_with_the_error() {
    for (cmd, body) in [
        (
            "Group.CallbackAfterNewMemberJoin",
            r#"{"GroupId":"g","Type":"Public","NewMemberList":"bob"}"#,
        ),
        ("Group.CallbackAfterGroupFull", r#"{"GroupId":5}"#),
        (
            "C2C.CallbackBeforeSendMsg",
            r#"{"From_Account":"a","To_Account":"b"}"#,
        ),
        ("State.StateChange", r#"{"Info":{"Action":"Login"}}"#),
        (
            "Group.CallbackAfterCreateGroup",
            r#"{"Operator_Account":"o","Type":"Public"}"#,
        ),
    ] {
        let ev = decode(cmd, body);
        let TencentEvent::Unknown(u) = &ev else {
            panic!("{cmd} decoded: {ev:?}")
        };
        assert_eq!(u.command, cmd);
        assert!(u.error.is_some(), "{cmd}");
        assert_eq!(
            serde_json::from_str::<Value>(u.raw.get()).unwrap(),
            serde_json::from_str::<Value>(body).unwrap()
        );
        assert!(!ev.record().known);
    }
}

#[test]
fn not_objects_are_refused() {
    for body in ["", "[]", "1", "\"x\"", "{", "{}x", "null"] {
        assert!(
            TencentEvent::decode("Group.CallbackAfterGroupFull", body).is_err(),
            "{body:?}"
        );
        assert!(TencentEvent::decode("Nope.Nope", body).is_err(), "{body:?}");
    }
}

fn reply_fixture(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap()
}

fn json_of(r: Reply) -> Value {
    serde_json::from_str(&r.to_json()).unwrap()
}

#[test]
fn every_reply_fixture_is_produced_from_a_typed_decision() {
    let m = manifest();
    let mut checked = 0;
    for r in m["replies"].as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let kind = r["kind"].as_str().unwrap();
        let case = r["case"].as_str().unwrap();
        let expected = reply_fixture(file);
        let info = expected["ErrorInfo"].as_str().unwrap_or("").to_owned();
        let code = expected["ErrorCode"].as_i64().unwrap();
        let produced: Reply = match (kind, case) {
            (_, "ack") => Reply::ok(),
            ("Group.CallbackBeforeSendMsg", c) | ("C2C.CallbackBeforeSendMsg", c)
                if c == "modify" =>
            {
                let body: Vec<MsgElement> =
                    serde_json::from_value(expected["MsgBody"].clone()).unwrap();
                let data = expected["CloudCustomData"].as_str().map(str::to_owned);
                if kind.starts_with("Group") {
                    GroupSendMsgDecision::Modify {
                        msg_body: Some(body),
                        cloud_custom_data: data,
                    }
                    .into()
                } else {
                    C2cSendMsgDecision::Modify {
                        msg_body: Some(body),
                        cloud_custom_data: data,
                    }
                    .into()
                }
            }
            ("Group.CallbackBeforeSendMsg", c) => match c {
                "allow" => GroupSendMsgDecision::Allow.into(),
                "reject" => GroupSendMsgDecision::Reject.into(),
                "silent-drop" => GroupSendMsgDecision::SilentDrop.into(),
                "reject-custom" => {
                    GroupSendMsgDecision::RejectWith(GroupRejectCode::new(code, info).unwrap())
                        .into()
                }
                other => panic!("{other}"),
            },
            ("C2C.CallbackBeforeSendMsg", c) => match c {
                "allow" => C2cSendMsgDecision::Allow.into(),
                "reject" => C2cSendMsgDecision::Reject.into(),
                "silent-drop" => C2cSendMsgDecision::SilentDrop.into(),
                "reject-custom" => {
                    C2cSendMsgDecision::RejectWith(C2cRejectCode::new(code, info).unwrap()).into()
                }
                other => panic!("{other}"),
            },
            ("Group.CallbackBeforeInviteJoinGroup", c) => match c {
                "allow" => InviteDecision::Allow.into(),
                "reject" => InviteDecision::Reject.into(),
                "refuse-members" => InviteDecision::RefuseMembers(
                    serde_json::from_value(expected["RefusedMembers_Account"].clone()).unwrap(),
                )
                .into(),
                other => panic!("{other}"),
            },
            (k, c) if k.starts_with("Sns.") => {
                let targets: Vec<String> = expected["ResultItem"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["To_Account"].as_str().unwrap().to_owned())
                    .collect();
                let mut v = FriendVerdicts::allow_all();
                if c == "refuse-one" {
                    let item = &expected["ResultItem"][1];
                    v = v.refuse_with(
                        item["To_Account"].as_str().unwrap(),
                        FriendRefusalCode::new(
                            item["ResultCode"].as_i64().unwrap(),
                            item["ResultInfo"].as_str().unwrap(),
                        )
                        .unwrap(),
                    );
                }
                v.into_reply(&targets)
            }
            (_, c) => match c {
                "allow" => GroupDecision::Allow.into(),
                "reject" => GroupDecision::Reject.into(),
                "reject-custom" => {
                    GroupDecision::RejectWith(GroupRejectCode::new(code, info).unwrap()).into()
                }
                other => panic!("{other}"),
            },
        };
        assert_eq!(json_of(produced), expected, "{file}");
        checked += 1;
    }
    assert_eq!(checked, m["replies"].as_array().unwrap().len());
    assert!(checked >= 24);
}

#[test]
fn custom_codes_outside_their_range_are_refused() {
    assert!(GroupRejectCode::new(10099, "").is_err());
    assert!(GroupRejectCode::new(10201, "").is_err());
    assert!(GroupRejectCode::new(10200, "").is_ok());
    assert!(C2cRejectCode::new(120000, "").is_err());
    assert!(C2cRejectCode::new(130000, "").is_ok());
    assert!(C2cRejectCode::new(10150, "").is_err());
    assert!(FriendRefusalCode::new(39001, "").is_err());
    assert!(FriendRefusalCode::new(1, "").is_err());
}

#[test]
fn friend_verdicts_cover_every_target() {
    let ev = decode(
        "Sns.CallbackPrevFriendAdd",
        &read("Sns.CallbackPrevFriendAdd.json"),
    );
    let TencentEvent::BeforeFriendAdd(e) = &ev else {
        panic!()
    };
    let targets = e.targets();
    assert!(!targets.is_empty());
    let reply = json_of(
        FriendVerdicts::allow_all()
            .refuse("someone-else")
            .into_reply(&targets),
    );
    assert_eq!(reply["ResultItem"].as_array().unwrap().len(), targets.len());
    assert!(
        reply["ResultItem"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["ResultCode"] == 0)
    );
    let reply = json_of(ev.default_reply());
    assert_eq!(reply["ResultItem"].as_array().unwrap().len(), targets.len());
    let refused = json_of(
        FriendVerdicts::refuse_all()
            .for_targets(&targets)
            .into_reply(&targets),
    );
    assert!(
        refused["ResultItem"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["ResultCode"] == 38000)
    );
    assert_eq!(
        json_of(Reply::ok()),
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn fixture_bodies() -> Vec<(String, String)> {
        let m = manifest();
        m["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_owned(),
                    read(r["file"].as_str().unwrap()),
                )
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn decode_never_panics(body in ".{0,400}", cmd in prop::sample::select(COMMANDS.to_vec())) {
            let _ = TencentEvent::decode(cmd, &body);
        }

        #[test]
        fn mutated_fixtures_never_panic_and_known_ones_round_trip(
            idx in 0usize..48, cut in 0usize..2000, insert in ".{0,8}",
        ) {
            let bodies = fixture_bodies();
            let (kind, body) = &bodies[idx % bodies.len()];
            let mut b = body.clone();
            let at = cut.min(b.len());
            if b.is_char_boundary(at) {
                b.insert_str(at, &insert);
            }
            if let Ok(ev) = TencentEvent::decode(kind, &b) {
                let rec = ev.record();
                if ev.is_known() {
                    let again = TencentEvent::decode(kind, &rec.event.to_string()).unwrap();
                    prop_assert_eq!(again.record(), rec);
                }
            }
        }
    }
}
