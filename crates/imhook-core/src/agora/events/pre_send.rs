//! Pre-send requests (docs/protocol/agora.md §4,
//! <https://doc.easemob.com/document/server-side/callback_presending.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// The fields of a pre-send request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreSendWire {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
    /// `chat_type`: `chat`, `group`, `chatroom` or (in samples) `groupchat`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `from`.
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `to`.
    #[serde(
        rename = "to",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<String>,
    /// `msg_id`.
    #[serde(
        rename = "msg_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
    /// `payload`, kept as received (see [`PreSendEvent::payload`]).
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<serde_json::Value>,
    /// `securityVersion` (reserved).
    #[serde(
        rename = "securityVersion",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub security_version: Option<String>,
}

/// The shape of a pre-send `payload` (docs/protocol/agora.md §4.1).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PreSendPayload {
    /// A flat single body, e.g. `{"msg":"welcome","type":"txt"}`.
    Flat(Box<MessageBody>),
    /// The REST message shape `{"ext": {...}, "bodies": [...]}`.
    Bodies {
        /// `ext`.
        ext: Option<serde_json::Value>,
        /// `bodies`.
        bodies: Vec<MessageBody>,
    },
    /// Neither shape: kept raw.
    Other(serde_json::Value),
}

/// The conversation a pre-send message belongs to (docs/protocol/agora.md §8 #3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conversation {
    /// `chat`: one-to-one.
    OneToOne,
    /// `group`, `groupchat`: a group or chat room (use `group_id`).
    GroupOrRoom,
    /// `chatroom`.
    ChatRoom,
    /// Any other value, verbatim.
    Other(String),
}

/// A pre-send request: the message before it is delivered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PreSendEvent {
    /// The request's fields.
    pub wire: PreSendWire,
    /// The payload, typed by shape.
    pub payload: PreSendPayload,
}

impl PreSendEvent {
    /// Decodes a pre-send body; `Err` when its envelope cannot be used at all.
    pub fn decode(body: &str) -> Result<Self, String> {
        Self::decode_read(body, None)
    }

    /// [`PreSendEvent::decode`] for a body whose envelope was read: the request is
    /// read from the top-level members the envelope kept, so the body's top level is
    /// not read twice. Same result as `decode(body)`.
    pub fn decode_envelope<'a>(
        body: &'a str,
        envelope: &crate::agora::Envelope<'a>,
    ) -> Result<Self, String> {
        Self::decode_read(body, envelope.members())
    }

    /// [`PreSendEvent::decode`], from the body's top-level `members` when its envelope
    /// kept them.
    pub(crate) fn decode_read(
        body: &str,
        members: Option<&crate::json_scan::Members<'_>>,
    ) -> Result<Self, String> {
        if !wire::looks_like_object(body.as_bytes()) {
            return Err("body is not a JSON object".to_owned());
        }
        let wire: PreSendWire =
            crate::json_scan::deserialize_kept(body, members).map_err(|e| e.to_string())?;
        let payload = classify(wire.payload.as_ref());
        Ok(Self { wire, payload })
    }

    /// The sender.
    pub fn from(&self) -> Option<&str> {
        self.wire.from.as_deref()
    }

    /// The text of the message, when it is a text message.
    pub fn text(&self) -> Option<&str> {
        match &self.payload {
            PreSendPayload::Flat(b) => b.text(),
            PreSendPayload::Bodies { bodies, .. } => bodies.iter().find_map(MessageBody::text),
            PreSendPayload::Other(_) => None,
        }
    }

    /// The normalised conversation type.
    pub fn conversation(&self) -> Conversation {
        match self.wire.chat_type.as_str() {
            "chat" => Conversation::OneToOne,
            "group" | "groupchat" => Conversation::GroupOrRoom,
            "chatroom" => Conversation::ChatRoom,
            other => Conversation::Other(other.to_owned()),
        }
    }

    /// The request in its wire shape.
    pub fn to_wire_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.wire).unwrap_or(serde_json::Value::Null)
    }

    /// The event record (`kind` is `pre_send`; `known` when the payload shape was recognised).
    pub fn record(&self) -> crate::record::EventRecord {
        crate::record::EventRecord {
            provider: "agora",
            kind: "pre_send".to_owned(),
            known: !matches!(self.payload, PreSendPayload::Other(_)),
            event: self.to_wire_json(),
        }
    }
}

fn classify(payload: Option<&serde_json::Value>) -> PreSendPayload {
    let Some(p) = payload else {
        return PreSendPayload::Other(serde_json::Value::Null);
    };
    if let Some(bodies) = p.get("bodies").and_then(|b| b.as_array()) {
        return PreSendPayload::Bodies {
            ext: p.get("ext").cloned(),
            bodies: bodies
                .iter()
                .filter_map(|b| MessageBody::deserialize(b).ok())
                .collect(),
        };
    }
    if p.get("type").is_some_and(|t| t.is_string()) {
        // Decoded from the borrowed tree: no copy of the payload.
        if let Ok(body) = MessageBody::deserialize(p) {
            return PreSendPayload::Flat(Box::new(body));
        }
    }
    // A merged message's flat body may come without `type` (docs/protocol/agora.md §5.6: `txt` + `sub_combine`).
    if p.get("subType").and_then(|t| t.as_str()) == Some("sub_combine") {
        let mut with_type = p.clone();
        if let Some(m) = with_type.as_object_mut() {
            m.insert(
                "type".to_owned(),
                serde_json::Value::String("txt".to_owned()),
            );
        }
        if let Ok(body) = serde_json::from_value(with_type) {
            return PreSendPayload::Flat(Box::new(body));
        }
    }
    PreSendPayload::Other(p.clone())
}
