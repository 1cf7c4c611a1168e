//! Recalls, edits and receipts (docs/protocol/agora.md §5.7).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `payload` of a recall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct RecallPayload {
    /// `ext`.
    #[serde(
        rename = "ext",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<serde_json::Value>,
    /// `ack_message_id`: the recalled message.
    #[serde(
        rename = "ack_message_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ack_message_id: Option<String>,
    /// `bodies` (empty).
    #[serde(
        rename = "bodies",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub bodies: Option<serde_json::Value>,
}

/// `recall`: a message was recalled.
///
/// Page: <https://doc.easemob.com/document/server-side/callback_message_recall.html>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecallEvent {
    /// `chat_type`: `recall`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `recall_id`: the recalled message.
    #[serde(
        rename = "recall_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub recall_id: Option<String>,
    /// `msg_id`.
    #[serde(
        rename = "msg_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
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
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `eventType`: `chat` or `chat_offline`.
    #[serde(
        rename = "eventType",
        default,
        deserialize_with = "crate::wire::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<EventType>,
    /// `payload`.
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<RecallPayload>,
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
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}

/// `payload.meta.edit_msg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct EditMeta {
    /// `count`: edits so far.
    #[serde(
        rename = "count",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// `edit_time`: Unix milliseconds.
    #[serde(
        rename = "edit_time",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub edit_time: Option<i64>,
    /// `operator` (`easemob_rest_app_admin` = the app admin).
    #[serde(
        rename = "operator",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator: Option<String>,
    /// `send_time`.
    #[serde(
        rename = "send_time",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_time: Option<i64>,
    /// `sender`.
    #[serde(
        rename = "sender",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sender: Option<String>,
}

/// `payload.meta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct EditMetaWrapper {
    /// `edit_msg`.
    #[serde(
        rename = "edit_msg",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub edit_msg: Option<EditMeta>,
}

/// `payload` of an edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct EditPayload {
    /// `bodies`: the new content.
    #[serde(
        rename = "bodies",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub bodies: Vec<MessageBody>,
    /// `edit_message_id`: the edited message.
    #[serde(
        rename = "edit_message_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub edit_message_id: Option<String>,
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
    /// `type`: `edit`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// `meta`.
    #[serde(
        rename = "meta",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub meta: Option<EditMetaWrapper>,
}

/// `edit`: a sent message was edited.
///
/// Page: <https://doc.easemob.com/document/server-side/callback_message_modify.html>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EditEvent {
    /// `chat_type`: `edit`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `msg_id`.
    #[serde(
        rename = "msg_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
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
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `eventType`: `chat` or `chat_offline`.
    #[serde(
        rename = "eventType",
        default,
        deserialize_with = "crate::wire::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<EventType>,
    /// `payload`.
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<EditPayload>,
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
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}

/// `payload.msg_config` of a group read receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct MsgConfig {
    /// `allow_group_ack`.
    #[serde(
        rename = "allow_group_ack",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_group_ack: Option<bool>,
}

/// `payload` of a receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct AckPayload {
    /// `ext`.
    #[serde(
        rename = "ext",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<serde_json::Value>,
    /// `ack_message_id`: the acknowledged message.
    #[serde(
        rename = "ack_message_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ack_message_id: Option<String>,
    /// `bodies`.
    #[serde(
        rename = "bodies",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub bodies: Option<serde_json::Value>,
    /// `msg_config` (group receipts).
    #[serde(
        rename = "msg_config",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_config: Option<MsgConfig>,
    /// `type` (`read_ack` for group receipts, `channel_ack`).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
}

/// `read_ack`, `channel_ack` or `delivery_ack`: a receipt.
///
/// Pages: <https://doc.easemob.com/document/server-side/callback_single_read_ack.html>, <https://doc.easemob.com/document/server-side/callback_group_read_ack.html>, <https://doc.easemob.com/document/server-side/callback_single_conversation_ack.html>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReceiptEvent {
    /// `chat_type`: `read_ack`, `channel_ack` or `delivery_ack`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `channel_channel`.
    #[serde(
        rename = "channel_channel",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_channel: Option<String>,
    /// `channel_user`: the reader's JID (group receipts).
    #[serde(
        rename = "channel_user",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_user: Option<String>,
    /// `writed_channel` (group receipts).
    #[serde(
        rename = "writed_channel",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub writed_channel: Option<bool>,
    /// `content_type` (`chat:ack:read` for group receipts).
    #[serde(
        rename = "content_type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    /// `payload`.
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<AckPayload>,
    /// `from`: the reader.
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `to`: the original sender, or the group.
    #[serde(
        rename = "to",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<String>,
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `eventType`: `chat` or `chat_offline`.
    #[serde(
        rename = "eventType",
        default,
        deserialize_with = "crate::wire::opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<EventType>,
    /// `msg_id`.
    #[serde(
        rename = "msg_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
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
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}
