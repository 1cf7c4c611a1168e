//! Reactions and threads (`chat_type: "notify"`, docs/protocol/agora.md §5.9).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// One change in a reaction (`op`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ReactionOp {
    /// `reactionType`, e.g. `create`.
    #[serde(
        rename = "reactionType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub reaction_type: Option<String>,
    /// `operator`.
    #[serde(
        rename = "operator",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator: Option<String>,
}

/// One reaction's current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct Reaction {
    /// `reaction`.
    #[serde(
        rename = "reaction",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub reaction: Option<String>,
    /// `userList`.
    #[serde(
        rename = "userList",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_list: Vec<String>,
    /// `count`.
    #[serde(
        rename = "count",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// `op`: changes made by this operation.
    #[serde(
        rename = "op",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ops: Vec<ReactionOp>,
}

/// The reactions of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ReactionData {
    /// `messageId`.
    #[serde(
        rename = "messageId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_id: Option<String>,
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
    /// `channel_type`.
    #[serde(
        rename = "channel_type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_type: Option<String>,
    /// `ts`: Unix milliseconds.
    #[serde(
        rename = "ts",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub ts: Option<i64>,
    /// `reactions`: full current state.
    #[serde(
        rename = "reactions",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub reactions: Vec<Reaction>,
}

/// `payload` of a reaction callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReactionPayload {
    /// `type`: `reaction`.
    #[serde(rename = "type", deserialize_with = "wire::req_string")]
    pub kind: String,
    /// `channel_type`: `chat` or `groupchat`.
    #[serde(
        rename = "channel_type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_type: Option<String>,
    /// `num`.
    #[serde(
        rename = "num",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub num: Option<i64>,
    /// `data`.
    #[serde(
        rename = "data",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub data: Vec<ReactionData>,
}

/// `notify/reaction`: reactions changed.
///
/// Page: <https://doc.easemob.com/document/server-side/callback_reaction.html>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReactionEvent {
    /// `chat_type`: `notify`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(
        rename = "callId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub call_id: Option<String>,
    /// `payload`.
    #[serde(rename = "payload")]
    pub payload: ReactionPayload,
    /// `host`: the server name.
    #[serde(
        rename = "host",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub host: Option<String>,
    /// `appkey`: `org#app`.
    #[serde(
        rename = "appkey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub appkey: Option<String>,
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
    /// `timestamp`: Unix milliseconds.
    #[serde(
        rename = "timestamp",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
}

/// `payload.data` of a thread callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ThreadData {
    /// `id`: the thread.
    #[serde(
        rename = "id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// `name`.
    #[serde(
        rename = "name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `msg_parent_id`.
    #[serde(
        rename = "msg_parent_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_parent_id: Option<String>,
    /// `muc_parent_id`.
    #[serde(
        rename = "muc_parent_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub muc_parent_id: Option<String>,
    /// `from`.
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `message_count`.
    #[serde(
        rename = "message_count",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_count: Option<i64>,
    /// `operation` (`update_msg`).
    #[serde(
        rename = "operation",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operation: Option<String>,
    /// `timestamp`.
    #[serde(
        rename = "timestamp",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
    /// `last_message`, kept as received.
    #[serde(
        rename = "last_message",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_message: Option<serde_json::Value>,
}

/// `payload` of a thread callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadPayload {
    /// `type`: `thread`.
    #[serde(rename = "type", deserialize_with = "wire::req_string")]
    pub kind: String,
    /// `data`.
    #[serde(
        rename = "data",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<ThreadData>,
}

/// `notify/thread`: a thread changed.
///
/// Page: <https://doc.easemob.com/document/server-side/callback_thread.html>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadEvent {
    /// `chat_type`: `notify`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(
        rename = "callId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub call_id: Option<String>,
    /// `payload`.
    #[serde(rename = "payload")]
    pub payload: ThreadPayload,
    /// `host`: the server name.
    #[serde(
        rename = "host",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub host: Option<String>,
    /// `appkey`: `org#app`.
    #[serde(
        rename = "appkey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub appkey: Option<String>,
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
    /// `timestamp`: Unix milliseconds.
    #[serde(
        rename = "timestamp",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
}
