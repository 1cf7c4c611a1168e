//! Messages (`chat_type: "chat" | "groupchat"`, docs/protocol/agora.md §5.5,
//! <https://doc.easemob.com/document/server-side/callback_message_send.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// A message's `payload`: `ext` and `bodies` (merged messages also carry `from`, `to`, `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct MessagePayload {
    /// `ext`: custom extension, kept as received.
    #[serde(
        rename = "ext",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<serde_json::Value>,
    /// `bodies`.
    #[serde(
        rename = "bodies",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub bodies: Vec<MessageBody>,
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
    /// `type` (merged messages).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
}

/// A sent message, or its offline copy for one recipient (`eventType: chat_offline`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageEvent {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `eventType`: `chat` or `chat_offline`.
    #[serde(
        rename = "eventType",
        default,
        deserialize_with = "crate::wire::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<EventType>,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
    /// `chat_type`: `chat` or `groupchat`.
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
    /// `payload`.
    #[serde(rename = "payload")]
    pub payload: MessagePayload,
    /// `securityVersion` (reserved).
    #[serde(
        rename = "securityVersion",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub security_version: Option<String>,
    /// `appkey`: `org#app`.
    #[serde(
        rename = "appkey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub appkey: Option<String>,
    /// `host`: the server name.
    #[serde(
        rename = "host",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub host: Option<String>,
    /// `content_type`, e.g. `chat:group:text` / `chat:room:text`.
    #[serde(
        rename = "content_type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
}
