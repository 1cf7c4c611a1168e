//! What the adapters' extractor tests share: signed requests and the recording
//! application. Each adapter's `tests/extractors.rs` includes this file, mounts the
//! application in its framework and checks the same behaviour.
#![allow(dead_code)]

use async_trait::async_trait;
use imhook_core::agora::{AgoraEvent, PostSendCallback, PreSendCallback, PreSendDecision};
use imhook_core::tencent::{Answer, GroupDecision, GroupRejectCode, TencentEvent};
use imhook_core::{BoxError, Secret};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) const APP: u64 = 1_400_000_001;
pub(crate) const TOKEN: &str = "xxxxyyyy";
pub(crate) const SECRET: &str = "imhook-fixture-secret";
pub(crate) const LIMIT: usize = 4096;
/// The timestamp the Agora requests are signed with (Agora's freshness check is off
/// by default).
pub(crate) const TS: i64 = 1_729_499_506_255;

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// A signed Tencent query for `command`, as IM sends it.
pub(crate) fn tencent_query(app: u64, token: &str, command: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sign = imhook_core::tencent::sign(&Secret::new(token).unwrap(), &now);
    format!(
        "SdkAppid={app}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1\
         &OptPlatform=RESTAPI&RequestTime={now}&Sign={sign}"
    )
}

pub(crate) const GROUP_FULL: &str = "Group.CallbackAfterGroupFull";
pub(crate) const CREATE_GROUP: &str = "Group.CallbackBeforeCreateGroup";

pub(crate) fn group_full(group: &str) -> String {
    json!({"CallbackCommand": GROUP_FULL, "GroupId": group, "EventTime": "1670574414123"})
        .to_string()
}

pub(crate) fn create_group(name: &str) -> String {
    json!({
        "CallbackCommand": CREATE_GROUP, "Operator_Account": "leckie",
        "Owner_Account": "leckie", "Type": "Public", "Name": name,
    })
    .to_string()
}

pub(crate) fn security(call_id: &str, secret: &str) -> String {
    imhook_core::agora::security(call_id, &Secret::new(secret).unwrap(), &TS.to_string())
}

/// A signed Agora message from `from`.
pub(crate) fn agora_message(call_id: &str, from: &str, secret: &str) -> String {
    json!({
        "callId": call_id, "eventType": "chat", "timestamp": TS, "chat_type": "chat",
        "from": from, "to": "bob", "msg_id": "1183617288389955592",
        "payload": {"ext": {}, "bodies": [{"msg": "hi", "type": "txt"}]},
        "security": security(call_id, secret),
    })
    .to_string()
}

/// A signed Agora pre-send request carrying `text`.
pub(crate) fn agora_pre_send(call_id: &str, text: &str) -> String {
    json!({
        "callId": call_id, "timestamp": TS, "chat_type": "chat", "from": "alice",
        "to": "bob", "msg_id": "8924312242322", "payload": {"msg": text, "type": "txt"},
        "security": security(call_id, SECRET),
    })
    .to_string()
}

// ---------------------------------------------------------------------------
// The application
// ---------------------------------------------------------------------------

/// Records every call it gets, through the extractors and the mounted routes alike.
/// A callback whose group or callId contains `early` is dropped unanswered the first
/// time.
#[derive(Default)]
pub(crate) struct Seen {
    calls: Mutex<Vec<String>>,
    early: Mutex<HashSet<String>>,
}

pub(crate) enum AgoraAnswer {
    Ack,
    Decide(PreSendDecision),
    Early,
}

impl Seen {
    pub(crate) fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    pub(crate) fn first_time_early(&self, id: &str) -> bool {
        id.contains("early") && self.early.lock().unwrap().insert(id.to_owned())
    }

    /// The answer to send, or `None` to return without answering.
    pub(crate) fn tencent(&self, cb: &imhook_core::tencent::TencentCallback) -> Option<Answer> {
        let (value, answer) = match &cb.event {
            TencentEvent::AfterGroupFull(e) => (e.group_id.clone(), Answer::decide(e, ())),
            TencentEvent::BeforeCreateGroup(e) => {
                let code = GroupRejectCode::new(10_100, "name not allowed").unwrap();
                let decision = GroupDecision::RejectWith(code);
                (
                    e.name.clone().unwrap_or_default(),
                    Answer::decide(e, decision),
                )
            }
            other => (String::new(), Answer::default_for(other)),
        };
        self.calls
            .lock()
            .unwrap()
            .push(format!("{} {value}", cb.ctx.command));
        (!self.first_time_early(&value)).then_some(answer)
    }

    pub(crate) fn agora(&self, cb: &PostSendCallback) -> AgoraAnswer {
        let value = match &cb.event {
            AgoraEvent::Message(m) => m.from.clone().unwrap_or_default(),
            _ => String::new(),
        };
        self.agora_answer(&cb.ctx, &value, AgoraAnswer::Ack)
    }

    pub(crate) fn pre_send(&self, cb: &PreSendCallback) -> AgoraAnswer {
        let value = cb.event.text().unwrap_or_default().to_owned();
        let block = AgoraAnswer::Decide(PreSendDecision::block("HX:10001"));
        self.agora_answer(&cb.ctx, &value, block)
    }

    fn agora_answer(
        &self,
        ctx: &imhook_core::agora::AgoraContext,
        value: &str,
        answer: AgoraAnswer,
    ) -> AgoraAnswer {
        let id = ctx.call_id.clone().unwrap_or_default();
        self.calls
            .lock()
            .unwrap()
            .push(format!("{} {id} {value}", ctx.kind));
        if self.first_time_early(&id) {
            AgoraAnswer::Early
        } else {
            answer
        }
    }
}

#[async_trait]
impl imhook_core::tencent::CallbackHandler for Seen {
    async fn handle(
        &self,
        ctx: &imhook_core::tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<Answer, BoxError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("route {}", ctx.command));
        Ok(Answer::default_for(&event))
    }
}

#[async_trait]
impl imhook_core::agora::CallbackHandler for Seen {
    async fn handle(
        &self,
        ctx: &imhook_core::agora::AgoraContext,
        _event: AgoraEvent,
    ) -> Result<(), BoxError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("route {}", ctx.kind));
        Ok(())
    }
}
