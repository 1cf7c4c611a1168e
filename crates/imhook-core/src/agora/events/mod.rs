//! The Agora post-send catalogue (agora.md §5) and the pre-send request (§4) as typed
//! events.
//!
//! [`AgoraEvent::decode`] takes the kind id computed by
//! [`Envelope::kind`](crate::agora::Envelope::kind), dispatches on it, and parses the body
//! straight into that family's struct. A kind the library does not know, or a known one
//! whose required fields are missing or mistyped, becomes [`AgoraEvent::Unknown`] with
//! the raw JSON (and the error): it is acknowledged like any other event, never refused.
//! New operations inside a known family (e.g. `group_op_event/UPDATE/NEW_TYPE`) decode
//! into the family's type with an `Other` operation and are reported as not *known*.
//!
//! ```
//! use imhook_core::agora::{AgoraEvent, Envelope};
//! use imhook_core::agora::events::group_op::GroupOperation;
//! let body = r#"{"callId":"a_1","event":"group_op_event","operation":"SHARE_FILE","id":"g1","type":"GROUP",
//!     "operator":"u1","appkey":"o#a","timestamp":"1729499506255","payload":{"type":"ADD","share_file":"f-1"}}"#;
//! let kind = Envelope::parse(body).unwrap().kind();
//! let ev = AgoraEvent::decode(&kind, body);
//! assert!(ev.is_known());
//! let AgoraEvent::GroupOp(g) = &ev else { unreachable!() };
//! assert_eq!(g.operation(), GroupOperation::ShareFileAdded);
//! assert_eq!(g.timestamp, 1729499506255);
//! assert_eq!(ev.record().event["payload"]["share_file"][0], "f-1");
//! ```

pub mod body;
pub mod common;
pub mod group_op;
pub mod keyword_alert;
pub mod message;
pub mod moderation;
pub mod muc;
pub mod notify;
pub mod offline_push;
pub mod pre_send;
pub mod receipt;
pub mod roster;
pub mod user_status;

pub use body::{BodyType, MessageBody};
pub use common::{EventType, GroupKind, PushStatus, Reason};
pub use group_op::{GroupOpEvent, GroupOperation};
pub use keyword_alert::KeywordAlertEvent;
pub use message::MessageEvent;
pub use moderation::ModerationEvent;
pub use muc::MucEvent;
pub use notify::{ReactionEvent, ThreadEvent};
pub use offline_push::OfflinePushEvent;
pub use pre_send::{Conversation, PreSendEvent, PreSendPayload};
pub use receipt::{EditEvent, RecallEvent, ReceiptEvent};
pub use roster::RosterEvent;
pub use user_status::UserStatusEvent;

use crate::record::EventRecord;
use serde_json::value::RawValue;

/// A post-send callback, decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AgoraEvent {
    /// `group_op_event/…`: a group or chat-room operation, new format.
    GroupOp(GroupOpEvent),
    /// `muc/…`: a group or chat-room operation, old format.
    Muc(MucEvent),
    /// `message/chat`, `message/groupchat`: a message.
    Message(MessageEvent),
    /// `recall`.
    Recall(RecallEvent),
    /// `edit`.
    Edit(EditEvent),
    /// `read_ack`, `channel_ack`, `delivery_ack`.
    Receipt(ReceiptEvent),
    /// `roster/…`: a contact operation.
    Roster(RosterEvent),
    /// `notify/reaction`.
    Reaction(ReactionEvent),
    /// `notify/thread`.
    Thread(ThreadEvent),
    /// `user_status/…`: login, logout, replaced.
    UserStatus(UserStatusEvent),
    /// `offline_push`.
    OfflinePush(OfflinePushEvent),
    /// `keyword_alert`.
    KeywordAlert(KeywordAlertEvent),
    /// `moderation`.
    Moderation(ModerationEvent),
    /// A kind the library does not model, or a known kind whose typed decode failed.
    Unknown(UnknownEvent),
}

/// A callback kept as raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The kind id derived from whatever discriminators are present.
    pub kind: String,
    /// The raw body.
    pub raw: Box<RawValue>,
    /// Why a known kind could not be typed, if that is why it is unknown.
    pub error: Option<String>,
}

/// Kind ids of `user_status/…` that the library types.
const USER_STATUS_REASONS: &[&str] = &["login", "logout", "replaced"];

fn typed<T: serde::de::DeserializeOwned>(
    kind: &str,
    body: &str,
    wrap: fn(T) -> AgoraEvent,
) -> AgoraEvent {
    match serde_json::from_str::<T>(body) {
        Ok(ev) => wrap(ev),
        Err(e) => unknown(kind, body, Some(e.to_string())),
    }
}

fn unknown(kind: &str, body: &str, error: Option<String>) -> AgoraEvent {
    let raw = serde_json::from_str::<Box<RawValue>>(body)
        .or_else(|_| RawValue::from_string("null".to_owned()));
    match raw {
        Ok(raw) => AgoraEvent::Unknown(UnknownEvent {
            kind: kind.to_owned(),
            raw,
            error,
        }),
        // Unreachable in practice: "null" is valid JSON.
        Err(_) => AgoraEvent::Unknown(UnknownEvent {
            kind: kind.to_owned(),
            raw: Box::<RawValue>::default(),
            error,
        }),
    }
}

impl AgoraEvent {
    /// Decodes a post-send `body` whose kind id is `kind`. Never fails: anything that
    /// cannot be typed is [`AgoraEvent::Unknown`].
    pub fn decode(kind: &str, body: &str) -> Self {
        let family = kind.split('/').next().unwrap_or("");
        match family {
            "group_op_event" => typed(kind, body, AgoraEvent::GroupOp),
            "muc" => typed(kind, body, AgoraEvent::Muc),
            "message" => typed(kind, body, AgoraEvent::Message),
            "recall" => typed(kind, body, AgoraEvent::Recall),
            "edit" => typed(kind, body, AgoraEvent::Edit),
            "read_ack" | "channel_ack" | "delivery_ack" => typed(kind, body, AgoraEvent::Receipt),
            "roster" => typed(kind, body, AgoraEvent::Roster),
            "notify" if kind == "notify/reaction" => typed(kind, body, AgoraEvent::Reaction),
            "notify" if kind == "notify/thread" => typed(kind, body, AgoraEvent::Thread),
            "user_status" => typed(kind, body, AgoraEvent::UserStatus),
            "offline_push" => typed(kind, body, AgoraEvent::OfflinePush),
            "keyword_alert" => typed(kind, body, AgoraEvent::KeywordAlert),
            "moderation" => typed(kind, body, AgoraEvent::Moderation),
            _ => unknown(kind, body, None),
        }
    }

    /// The kind id (agora.md §5.2), recomputed from the typed fields.
    pub fn kind(&self) -> String {
        fn join(parts: &[Option<&str>]) -> String {
            parts
                .iter()
                .map_while(|p| p.filter(|s| !s.is_empty()))
                .collect::<Vec<_>>()
                .join("/")
        }
        match self {
            Self::GroupOp(e) => join(&[Some("group_op_event"), Some(&e.operation), e.sub_type()]),
            Self::Muc(e) => join(&[Some("muc"), Some(e.operation())]),
            Self::Message(e) => format!("message/{}", e.chat_type),
            Self::Recall(_) => "recall".to_owned(),
            Self::Edit(_) => "edit".to_owned(),
            Self::Receipt(e) => e.chat_type.clone(),
            Self::Roster(e) => join(&[Some("roster"), Some(e.operation())]),
            Self::Reaction(_) => "notify/reaction".to_owned(),
            Self::Thread(_) => "notify/thread".to_owned(),
            Self::UserStatus(e) => join(&[Some("user_status"), Some(&e.reason)]),
            Self::OfflinePush(_) => "offline_push".to_owned(),
            Self::KeywordAlert(_) => "keyword_alert".to_owned(),
            Self::Moderation(_) => "moderation".to_owned(),
            Self::Unknown(u) => u.kind.clone(),
        }
    }

    /// `true` when decoded into a typed model of a catalogued kind (a new operation in
    /// a known family is not *known*).
    pub fn is_known(&self) -> bool {
        match self {
            Self::GroupOp(e) => !matches!(e.operation(), GroupOperation::Other { .. }),
            Self::Muc(e) => e.is_known_operation(),
            Self::Roster(e) => roster::ROSTER_OPERATIONS.contains(&e.operation()),
            Self::UserStatus(e) => USER_STATUS_REASONS.contains(&e.reason.as_str()),
            Self::Message(e) => matches!(e.chat_type.as_str(), "chat" | "groupchat"),
            Self::Unknown(_) => false,
            _ => true,
        }
    }

    /// The event in its wire shape, or the raw JSON for unknown events.
    pub fn to_wire_json(&self) -> serde_json::Value {
        let v = match self {
            Self::GroupOp(e) => serde_json::to_value(e),
            Self::Muc(e) => serde_json::to_value(e),
            Self::Message(e) => serde_json::to_value(e),
            Self::Recall(e) => serde_json::to_value(e),
            Self::Edit(e) => serde_json::to_value(e),
            Self::Receipt(e) => serde_json::to_value(e),
            Self::Roster(e) => serde_json::to_value(e),
            Self::Reaction(e) => serde_json::to_value(e),
            Self::Thread(e) => serde_json::to_value(e),
            Self::UserStatus(e) => serde_json::to_value(e),
            Self::OfflinePush(e) => serde_json::to_value(e),
            Self::KeywordAlert(e) => serde_json::to_value(e),
            Self::Moderation(e) => serde_json::to_value(e),
            Self::Unknown(u) => serde_json::from_str(u.raw.get()),
        };
        v.unwrap_or(serde_json::Value::Null)
    }

    /// The event record (`{"provider":"agora","kind","known","event"}`) of this event,
    /// decoded from `raw` (the request body; a handler has it as `ctx.raw_json()`). A
    /// known event is written in its typed wire shape; any other (a new operation held
    /// by a family's catch-all, a failed typed decode, a new family) as `raw`, so that
    /// no field is lost. `security` is never written (see [`EventRecord`]).
    ///
    /// ```
    /// use imhook_core::agora::{AgoraEvent, Envelope};
    /// let raw = r#"{"callId":"a_1","event":"group_op_event","operation":"PIN_MESSAGE","id":"g1",
    ///     "type":"GROUP","operator":"u1","appkey":"o#a","timestamp":1729499506255,
    ///     "security":"2618fe22d1623c0a66383058b64ae8ad","payload":{"type":"ADD","msg_id":"m-1"}}"#;
    /// let ev = AgoraEvent::decode(&Envelope::parse(raw).unwrap().kind(), raw);
    /// let record = ev.record_from(raw);
    /// assert!(!record.known);
    /// assert_eq!(record.event["payload"]["msg_id"], "m-1");
    /// assert_eq!(record.event["security"], "***");
    /// ```
    pub fn record_from(&self, raw: &str) -> EventRecord {
        match self {
            Self::Unknown(u) => EventRecord::raw("agora", self.kind(), u.raw.get()),
            _ if self.is_known() => {
                EventRecord::new("agora", self.kind(), true, self.to_wire_json())
            }
            _ => EventRecord::raw("agora", self.kind(), raw),
        }
    }

    /// The event record without the request body: as [`AgoraEvent::record_from`],
    /// except that an event held by a family's catch-all (e.g.
    /// `group_op_event/PIN_MESSAGE`) is written in its typed shape, without the fields
    /// the model does not hold. Prefer [`AgoraEvent::record_from`] where the body is at
    /// hand.
    pub fn record(&self) -> EventRecord {
        match self {
            Self::Unknown(u) => self.record_from(u.raw.get()),
            _ => EventRecord::new("agora", self.kind(), self.is_known(), self.to_wire_json()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::agora::Envelope;
    use serde_json::{Value, json};

    fn signed(mut body: Value) -> String {
        body["callId"] = json!("a_1");
        body["timestamp"] = json!(1_729_499_506_255i64);
        body["security"] = json!("2618fe22d1623c0a66383058b64ae8ad");
        body["x_new"] = json!({"id": 1});
        body.to_string()
    }

    /// An event only its family's catch-all holds is recorded as its raw JSON.
    #[test]
    fn catch_all_events_are_recorded_raw() {
        for body in [
            json!({"event":"group_op_event","operation":"PIN_MESSAGE","id":"g","type":"GROUP",
                "operator":"u","payload":{"type":"ADD","msg_id":"m-1"}}),
            json!({"chat_type":"muc","payload":{"operation":"pin","muc_id":"m","msg_id":"m-1"}}),
            json!({"chat_type":"roster","payload":{"operation":"mute","until":5}}),
            json!({"reason":"kicked","status":"offline","user":"u","os":"ios"}),
            json!({"chat_type":"notify","payload":{"type":"poll","poll_id":"p"}}),
            json!({"chat_type":"chat","payload":"new shape"}),
            json!({"chat_type":"hologram"}),
        ] {
            let raw = signed(body);
            let ev = AgoraEvent::decode(&Envelope::parse(&raw).unwrap().kind(), &raw);
            let record = ev.record_from(&raw);
            let mut want: Value = serde_json::from_str(&raw).unwrap();
            want["security"] = json!("***");
            assert!(!record.known, "{raw}");
            assert_eq!(record.event, want, "{raw}");
            assert_eq!(record.kind, ev.kind());
        }
    }

    /// A known event is recorded in its typed shape, which never holds `security`.
    #[test]
    fn known_events_are_recorded_typed() {
        let raw = signed(
            json!({"event":"group_op_event","operation":"SHARE_FILE","id":"g",
            "type":"GROUP","operator":"u","payload":{"type":"ADD","share_file":["f"]}}),
        );
        let ev = AgoraEvent::decode(&Envelope::parse(&raw).unwrap().kind(), &raw);
        let record = ev.record_from(&raw);
        assert!(record.known);
        assert_eq!(record, ev.record());
        assert!(record.event.get("x_new").is_none());
        assert!(!record.to_line().contains("2618fe22"));
    }

    /// Without the body, an unknown event still keeps its raw JSON, redacted.
    #[test]
    fn record_without_the_body_redacts_unknown_events() {
        let raw = signed(json!({"chat_type":"hologram"}));
        let ev = AgoraEvent::decode("unknown", &raw);
        assert_eq!(ev.record(), ev.record_from(&raw));
        assert_eq!(ev.record().event["security"], "***");
    }
}
