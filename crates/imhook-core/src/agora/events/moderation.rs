//! Content moderation results (`eventType: "moderation"`, docs/protocol/agora.md §5.13,
//! <https://doc.easemob.com/document/server-side/callback_moderation.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `moderation`: the result of moderating a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModerationEvent {
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
    /// `eventType`: `moderation`.
    #[serde(rename = "eventType", deserialize_with = "wire::req_string")]
    pub event_type: String,
    /// `moderationResult`: `PASS`, `REJECT`, `EXCHANGE`, `RECALL`.
    #[serde(
        rename = "moderationResult",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub moderation_result: Option<String>,
    /// `providerResult`: `PASS`, `REVIEWED`, `REJECT`.
    #[serde(
        rename = "providerResult",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub provider_result: Option<String>,
    /// `messageType`.
    #[serde(
        rename = "messageType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_type: Option<String>,
    /// `messageId`.
    #[serde(
        rename = "messageId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_id: Option<String>,
    /// `targetType`.
    #[serde(
        rename = "targetType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_type: Option<String>,
    /// `riskType`.
    #[serde(
        rename = "riskType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub risk_type: Option<String>,
    /// `source`.
    #[serde(
        rename = "source",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub source: Option<serde_json::Value>,
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
    /// `msg`.
    #[serde(
        rename = "msg",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg: Option<String>,
    /// `url`.
    #[serde(
        rename = "url",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}
