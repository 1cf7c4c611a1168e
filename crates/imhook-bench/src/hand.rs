//! The hand-written handler: imhook's checks, done the way a user would write them
//! instead of using imhook. The framework's query extractor into a serde struct,
//! `hex(sha256(token + RequestTime))` compared as strings within a 300 s window
//! (Tencent); `hex(md5(callId + secret + timestamp))` compared as strings and a
//! `Mutex<HashSet<String>>` + `VecDeque` of the last 100,000 `callId`s (Agora); the
//! body parsed into a plain serde struct.
#![allow(clippy::unwrap_used)]

use crate::{PlainAfterCreateGroup, PlainGroupOpPayload, TENCENT_ACK};
use bytes::Bytes;
use md5::Md5;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// How many `callId`s are remembered.
const SEEN: usize = 100_000;

/// The hand-written handler's configuration and de-duplication state.
#[derive(Debug)]
pub struct Hand {
    app: u64,
    token: String,
    secret: String,
    seen: Mutex<Seen>,
}

/// The `callId`s seen, oldest first in `order`.
#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

/// The Tencent query string, taken by the framework's query extractor.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct TencentQuery {
    #[serde(rename = "SdkAppid")]
    sdk_app_id: u64,
    #[serde(rename = "CallbackCommand")]
    command: String,
    #[serde(rename = "ClientIP")]
    client_ip: Option<String>,
    #[serde(rename = "OptPlatform")]
    platform: Option<String>,
    #[serde(rename = "RequestTime")]
    request_time: u64,
    #[serde(rename = "Sign")]
    sign: String,
}

/// An Agora `group_op_event`, with the fields its signature needs.
#[derive(Deserialize)]
#[allow(dead_code)]
struct GroupOp {
    #[serde(rename = "callId")]
    call_id: String,
    security: String,
    appkey: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    event: String,
    operation: String,
    operator: String,
    payload: Option<PlainGroupOpPayload>,
    timestamp: i64,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn reply(status: u16, body: &'static str) -> (u16, Bytes) {
    (status, Bytes::from_static(body.as_bytes()))
}

impl Hand {
    /// A handler for the Tencent app `app` signed with `token`, and Agora callbacks
    /// signed with `secret`.
    pub fn new(app: u64, token: String, secret: String) -> Self {
        Self {
            app,
            token,
            secret,
            seen: Mutex::default(),
        }
    }

    /// Status and body of the reply to a Tencent callback.
    pub fn tencent(&self, q: &TencentQuery, body: &[u8]) -> (u16, Bytes) {
        if q.sdk_app_id != self.app {
            return reply(403, r#"{"error":"wrong SdkAppid"}"#);
        }
        if now().abs_diff(q.request_time) > 300 {
            return reply(401, r#"{"error":"stale"}"#);
        }
        let expected = format!(
            "{:x}",
            Sha256::digest(format!("{}{}", self.token, q.request_time))
        );
        if expected != q.sign {
            return reply(401, r#"{"error":"bad signature"}"#);
        }
        match serde_json::from_slice::<PlainAfterCreateGroup>(body) {
            Ok(_event) => reply(200, TENCENT_ACK),
            Err(_) => reply(400, r#"{"error":"bad body"}"#),
        }
    }

    /// Status and body of the reply to an Agora callback.
    pub fn agora(&self, body: &[u8]) -> (u16, Bytes) {
        let Ok(event) = serde_json::from_slice::<GroupOp>(body) else {
            return reply(400, r#"{"error":"bad body"}"#);
        };
        let expected = format!(
            "{:x}",
            Md5::digest(format!(
                "{}{}{}",
                event.call_id, self.secret, event.timestamp
            ))
        );
        if expected != event.security {
            return reply(401, r#"{"error":"bad signature"}"#);
        }
        {
            let mut seen = self.seen.lock().unwrap();
            if seen.ids.contains(&event.call_id) {
                return reply(200, "{}");
            }
            seen.ids.insert(event.call_id.clone());
            seen.order.push_back(event.call_id.clone());
            if seen.order.len() > SEEN
                && let Some(old) = seen.order.pop_front()
            {
                seen.ids.remove(&old);
            }
        }
        reply(200, "{}")
    }
}
