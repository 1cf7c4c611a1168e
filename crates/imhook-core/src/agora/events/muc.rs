//! Group and chat-room operations, old format (`chat_type: "muc"`, docs/protocol/agora.md §5.4,
//! <https://doc.easemob.com/document/server-side/callback_group_room_old.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `payload.status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct MucStatus {
    /// `description`.
    #[serde(
        rename = "description",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// `error_code` (`ok`).
    #[serde(
        rename = "error_code",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_code: Option<String>,
}

/// `payload.event_info` of the metadata operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct EventInfo {
    /// `ext`: a JSON document encoded as a string (see [`EventInfo::ext_json`]).
    #[serde(
        rename = "ext",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<String>,
    /// `type` (`event_none`).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
}

/// The `payload` of an old-format group operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MucPayload {
    /// `muc_id`: `{appkey}_{group id}@conference.easemob.com` (do not parse).
    #[serde(
        rename = "muc_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub muc_id: Option<String>,
    /// `reason`: text or JSON, meaning depends on the operation.
    #[serde(
        rename = "reason",
        default,
        deserialize_with = "opt_reason",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<Reason>,
    /// `is_chatroom`.
    #[serde(
        rename = "is_chatroom",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_chatroom: Option<bool>,
    /// `operation`, verbatim (lower case).
    #[serde(rename = "operation", deserialize_with = "wire::req_string")]
    pub operation: String,
    /// `status`.
    #[serde(
        rename = "status",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<MucStatus>,
    /// `event_info` (metadata operations).
    #[serde(
        rename = "event_info",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_info: Option<EventInfo>,
}

/// An old-format group or chat-room operation (`chat_type: "muc"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MucEvent {
    /// `chat_type`: `muc`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `payload`.
    #[serde(rename = "payload")]
    pub payload: MucPayload,
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
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
    /// `from`: the actor (JID, appkey or group id).
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `to`: the target user or the group.
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
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}

impl EventInfo {
    /// `ext` parsed as JSON, when it holds a JSON document.
    pub fn ext_json(&self) -> Option<serde_json::Value> {
        self.ext
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
    }
}

/// Every `payload.operation` of the old format that the library types.
pub(super) const MUC_OPERATIONS: &[&str] = &[
    "create",
    "destroy",
    "apply",
    "apply_accept",
    "invite",
    "invite_accept",
    "invite_decline",
    "kick",
    "ban",
    "allow",
    "update",
    "block",
    "unblock",
    "presence",
    "absence",
    "direct_joined",
    "leave",
    "assing_owner",
    "add_admin",
    "remove_admin",
    "add_mute",
    "remove_mute",
    "update_announcement",
    "delete_announcement",
    "upload_file",
    "delete_file",
    "add_user_white_list",
    "remove_user_white_list",
    "ban_group",
    "remove_ban_group",
    "set_metadata",
    "delete_metadata",
    "group_member_metadata_update",
];

impl MucEvent {
    /// `payload.operation`, verbatim (e.g. `kick`, `assing_owner` — sic).
    pub fn operation(&self) -> &str {
        &self.payload.operation
    }

    /// `true` when the operation is one the catalogue types.
    pub fn is_known_operation(&self) -> bool {
        MUC_OPERATIONS.contains(&self.operation())
    }

    /// `true` for chat rooms (`payload.is_chatroom`).
    pub fn is_chatroom(&self) -> bool {
        self.payload.is_chatroom.unwrap_or(false)
    }
}
