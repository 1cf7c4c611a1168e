//! Offline push results (`step: "push"`, docs/protocol/agora.md §5.11,
//! <https://doc.easemob.com/document/server-side/callback_offline_push.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `offline_push`: the result of pushing a message to an offline device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OfflinePushEvent {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `appkey`: `org#app`.
    #[serde(
        rename = "appkey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub appkey: Option<String>,
    /// `chat_type`: `chat` or `groupchat`.
    #[serde(
        rename = "chat_type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub chat_type: Option<String>,
    /// `step`: `push`.
    #[serde(rename = "step", deserialize_with = "wire::req_string")]
    pub step: String,
    /// `status`: `success`, `fail` or `error`.
    #[serde(rename = "status")]
    pub status: PushStatus,
    /// `target`: the recipient.
    #[serde(
        rename = "target",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub target: Option<String>,
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
    /// `channel`: `APNS`, `HUAWEI`, … (open set).
    #[serde(
        rename = "channel",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel: Option<String>,
    /// `data`: the push vendor's response.
    #[serde(
        rename = "data",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<serde_json::Value>,
    /// `device_id`.
    #[serde(
        rename = "device_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_id: Option<String>,
    /// `device_token`.
    #[serde(
        rename = "device_token",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_token: Option<String>,
    /// `notifier_name`.
    #[serde(
        rename = "notifier_name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub notifier_name: Option<String>,
    /// `detail`: failure reason (open set).
    #[serde(
        rename = "detail",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub detail: Option<String>,
    /// `e_message`.
    #[serde(
        rename = "e_message",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub e_message: Option<String>,
    /// `from`.
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `payload`: the offline message.
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<serde_json::Value>,
}
