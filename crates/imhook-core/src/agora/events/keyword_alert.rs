//! Keyword alerts (`eventType: "keyword_alert"`, docs/protocol/agora.md §5.12,
//! <https://doc.easemob.com/document/server-side/callback_sensitive_word.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `keyword_alert`: the keyword filter acted on a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeywordAlertEvent {
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
    /// `host`: the server name.
    #[serde(
        rename = "host",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub host: Option<String>,
    /// `eventType`: `keyword_alert`.
    #[serde(rename = "eventType", deserialize_with = "wire::req_string")]
    pub event_type: String,
    /// `alertReason`: `through`, `intercepted`, `replaced` (open set).
    #[serde(
        rename = "alertReason",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub alert_reason: Option<String>,
    /// `status`: `pass`, `refuse`, `replace` (open set).
    #[serde(
        rename = "status",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
    /// `sensitiveWords`.
    #[serde(
        rename = "sensitiveWords",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sensitive_words: Vec<String>,
    /// `contentOwner`.
    #[serde(
        rename = "contentOwner",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_owner: Option<String>,
    /// `contentReceiver`.
    #[serde(
        rename = "contentReceiver",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_receiver: Option<String>,
    /// `contentUri`: `msync:<msg id>`.
    #[serde(
        rename = "contentUri",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_uri: Option<String>,
    /// `contentType`.
    #[serde(
        rename = "contentType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    /// `chatType` (camelCase).
    #[serde(
        rename = "chatType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub chat_type: Option<String>,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}
