//! Contacts (`chat_type: "roster"`, docs/protocol/agora.md §5.8,
//! <https://doc.easemob.com/document/server-side/callback_contact.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `payload.status` of `ban`/`allow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct RosterStatus {
    /// `error_code`.
    #[serde(
        rename = "error_code",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_code: Option<String>,
}

/// `payload` of a contact operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RosterPayload {
    /// `operation`, verbatim.
    #[serde(rename = "operation", deserialize_with = "wire::req_string")]
    pub operation: String,
    /// `reason` (`add`).
    #[serde(
        rename = "reason",
        default,
        deserialize_with = "opt_reason",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<Reason>,
    /// `roster_ver`.
    #[serde(
        rename = "roster_ver",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub roster_ver: Option<String>,
    /// `status` (`ban`, `allow`).
    #[serde(
        rename = "status",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<RosterStatus>,
}

/// A contact operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RosterEvent {
    /// `chat_type`: `roster`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `payload`.
    #[serde(rename = "payload")]
    pub payload: RosterPayload,
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
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}

/// Every `payload.operation` of the contact family that the library types.
pub(super) const ROSTER_OPERATIONS: &[&str] = &[
    "add",
    "remove",
    "accept",
    "remote_accept",
    "decline",
    "remote_decline",
    "ban",
    "allow",
];

impl RosterEvent {
    /// `payload.operation`, verbatim.
    pub fn operation(&self) -> &str {
        &self.payload.operation
    }
}
