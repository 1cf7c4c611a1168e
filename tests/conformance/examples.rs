//! The realistic example app, exercised through real HTTP.

#[path = "../../examples/moderation_app.rs"]
mod moderation_app;

use crate::client::{BodyMode, Request, send};
use imhook::Secret;
use imhook::agora::AgoraConfig;
use imhook::tencent::TencentConfig;
use serde_json::{Value, json};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn tq(command: &str) -> String {
    let t = now();
    let sign = imhook::tencent::sign(&Secret::new("xxxxyyyy").unwrap(), &t.to_string());
    format!("SdkAppid=1400000001&CallbackCommand={command}&Sign={sign}&RequestTime={t}")
}

fn post(route: &'static str, query: String, body: String) -> Request {
    Request {
        method: "POST",
        route,
        query,
        body: body.into_bytes(),
        mode: BodyMode::Length,
    }
}

fn fixture(p: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../imhook-core/tests/fixtures/{p}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test]
async fn moderation_app_filters_messages_and_keeps_an_audit_log() {
    let state = moderation_app::AppState::new();
    let app = moderation_app::router(
        state.clone(),
        TencentConfig::new(1_400_000_001).token(Secret::new("xxxxyyyy").unwrap()),
        AgoraConfig::new().secret(Secret::new("imhook-fixture-secret").unwrap()),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let msg = |text: &str| {
        json!({"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#1","Type":"Public","From_Account":"bob",
               "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":text}}]}).to_string()
    };
    let r = send(
        addr,
        &post(
            "/im/tencent",
            tq("Group.CallbackBeforeSendMsg"),
            msg("buy SPAM now"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap()["ErrorCode"],
        1
    );
    let r = send(
        addr,
        &post(
            "/im/tencent",
            tq("Group.CallbackBeforeSendMsg"),
            msg("oh darn"),
        ),
    )
    .await
    .unwrap();
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["ErrorCode"], 0);
    assert_eq!(v["MsgBody"][0]["MsgContent"]["Text"], "oh ****");
    let r = send(
        addr,
        &post(
            "/im/tencent",
            tq("Group.CallbackBeforeSendMsg"),
            msg("hello"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap(),
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
    );

    let pre = fixture("agora/pre_send.json").replace("welcome to easemob!", "darn it");
    let r = send(addr, &post("/im/agora/pre-send", String::new(), pre))
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap(),
        json!({"valid":true,"payload":{"msg":"**** it","type":"txt"}})
    );

    for (route, query, body) in [
        (
            "/im/tencent",
            tq("Group.CallbackAfterCreateGroup"),
            fixture("tencent/Group.CallbackAfterCreateGroup.json"),
        ),
        (
            "/im/tencent",
            tq("Group.CallbackAfterGroupInfoChanged"),
            fixture("tencent/Group.CallbackAfterGroupInfoChanged.json"),
        ),
        (
            "/im/agora",
            String::new(),
            fixture("agora/group_op_event.SHARE_FILE.ADD.json"),
        ),
        (
            "/im/agora",
            String::new(),
            fixture("agora/group_op_event.ROOM_SUPER_ADMIN.ADD.json"),
        ),
    ] {
        assert_eq!(
            send(addr, &post(route, query, body)).await.unwrap().status,
            200
        );
    }
    let r = send(
        addr,
        &Request {
            method: "GET",
            route: "/api/audit",
            query: String::new(),
            body: vec![],
            mode: BodyMode::Length,
        },
    )
    .await
    .unwrap();
    let audit: Vec<String> = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert!(audit[2].contains("shared files"), "{audit:?}");
    assert!(audit[3].contains("room super admins"), "{audit:?}");
    assert_eq!(state.audit.lock().unwrap().len(), 4);
}
