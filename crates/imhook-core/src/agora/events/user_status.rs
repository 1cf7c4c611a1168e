//! Login and logout (docs/protocol/agora.md §5.10,
//! <https://doc.easemob.com/document/server-side/callback_login_logout.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// `user_status/<reason>`: a user connected, logged out or was replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserStatusEvent {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `reason`: `login`, `logout` or `replaced`, verbatim.
    #[serde(rename = "reason", deserialize_with = "wire::req_string")]
    pub reason: String,
    /// `status`: `online` or `offline`.
    #[serde(rename = "status", deserialize_with = "wire::req_string")]
    pub status: String,
    /// `os`.
    #[serde(
        rename = "os",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub os: Option<String>,
    /// `ip` (may include a port).
    #[serde(
        rename = "ip",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip: Option<String>,
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
    /// `user`: the connection's JID (opaque).
    #[serde(rename = "user", deserialize_with = "wire::req_string")]
    pub user: String,
    /// `name`: the plain user id (newest pages).
    #[serde(
        rename = "name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `version`: SDK version.
    #[serde(
        rename = "version",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}
