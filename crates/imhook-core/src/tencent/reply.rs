//! The Tencent reply envelope and the failure policies.

use super::decision::FriendVerdicts;
use super::events::{TencentEvent, UnknownEvent};
use crate::inbound::Outbound;
use crate::telemetry::{self, Rejection};
use serde::Serialize;
use serde::ser::SerializeMap;

/// `ActionStatus` of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// `OK`: handled.
    Ok,
    /// `FAIL`: the app backend failed (or the request was refused).
    Fail,
}

/// A reply body: `ActionStatus`, `ErrorCode`, `ErrorInfo`, then extras, in that order.
///
/// ```
/// use imhook_core::tencent::Reply;
/// assert_eq!(Reply::ok().to_json(), r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reply {
    /// `ActionStatus`.
    pub status: ActionStatus,
    /// `ErrorCode`.
    pub code: i64,
    /// `ErrorInfo`.
    pub info: String,
    /// Extra fields (e.g. `MsgBody`, `RefusedMembers_Account`, `ResultItem`), in order.
    pub extras: Vec<(String, serde_json::Value)>,
}

impl Reply {
    /// The OK ack as JSON, the reply of almost every callback.
    pub const OK_JSON: &'static str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

    /// `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
    pub fn ok() -> Self {
        Self::with_code(0, "")
    }

    /// `OK` with the given code and info (decisions: 1 = reject, 2 = silent drop, custom codes).
    pub fn with_code(code: i64, info: impl Into<String>) -> Self {
        Self {
            status: ActionStatus::Ok,
            code,
            info: info.into(),
            extras: Vec::new(),
        }
    }

    /// A `FAIL` reply with a non-zero code (never `FAIL` with 0).
    pub fn fail(code: i64, info: impl Into<String>) -> Self {
        Self {
            status: ActionStatus::Fail,
            code: if code == 0 { -1 } else { code },
            info: info.into(),
            extras: Vec::new(),
        }
    }

    /// Adds an extra field.
    pub fn extra(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extras.push((name.into(), value));
        self
    }

    /// `true` for exactly the OK ack ([`Reply::OK_JSON`]).
    pub fn is_ok_ack(&self) -> bool {
        self.status == ActionStatus::Ok
            && self.code == 0
            && self.info.is_empty()
            && self.extras.is_empty()
    }

    /// Serialises the reply to compact JSON.
    pub fn to_json(&self) -> String {
        if self.is_ok_ack() {
            return Self::OK_JSON.to_owned();
        }
        serde_json::to_string(self).unwrap_or_else(|_| Self::OK_JSON.to_owned())
    }
}

impl Serialize for Reply {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3 + self.extras.len()))?;
        m.serialize_entry(
            "ActionStatus",
            match self.status {
                ActionStatus::Ok => "OK",
                ActionStatus::Fail => "FAIL",
            },
        )?;
        m.serialize_entry("ErrorCode", &self.code)?;
        m.serialize_entry("ErrorInfo", &self.info)?;
        for (k, v) in &self.extras {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// What a Before callback answers when the handler fails, times out or the body
/// cannot be typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BeforeFailurePolicy {
    /// Let the event proceed (`ErrorCode 0`; Sns: `ResultCode 0` per target). What IM
    /// itself does on timeout. The default.
    #[default]
    Allow,
    /// Refuse (`ErrorCode 1`; Sns: `ResultCode 38000` per target).
    Reject,
}

/// What an After callback answers when the handler fails. IM ignores it either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AfterFailurePolicy {
    /// `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`. The default.
    #[default]
    Ack,
    /// `{"ActionStatus":"FAIL","ErrorCode":1,...}` ("app backend failure").
    Fail,
}

/// The reply of an After callback whose handler failed, under `policy`.
pub(crate) fn after_failure(policy: AfterFailurePolicy) -> Reply {
    match policy {
        AfterFailurePolicy::Ack => Reply::ok(),
        AfterFailurePolicy::Fail => Reply::fail(1, "app backend failure"),
    }
}

/// The HTTP reply carrying `reply` (always 200: Tencent reads the verdict in the body).
pub(crate) fn outbound(reply: &Reply) -> Outbound {
    if reply.is_ok_ack() {
        // Served from a static buffer: no serialisation, no allocation.
        return Outbound::json(200, Reply::OK_JSON);
    }
    Outbound::json(200, reply.to_json())
}

fn rejection(status: u16, info: &str) -> Outbound {
    Outbound::json(status, Reply::fail(-1, info).to_json())
}

/// 400: the query or body cannot be read.
pub(crate) fn bad_request() -> Outbound {
    telemetry::rejected("tencent", Rejection::Body);
    rejection(400, "bad request")
}

/// 401 (bad or missing `Sign`, stale `RequestTime`) or 403 (another `SdkAppid`).
pub(crate) fn auth_failed(status: u16) -> Outbound {
    match status {
        403 => rejection(403, "forbidden"),
        _ => rejection(401, "unauthorized"),
    }
}

/// The targets of a friend-request body that could not be typed, read leniently.
fn raw_targets(event: &UnknownEvent) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Target {
        #[serde(rename = "To_Account")]
        to_account: String,
    }
    #[derive(serde::Deserialize)]
    struct Targets {
        #[serde(rename = "FriendItem", alias = "ResponseFriendItem")]
        items: Vec<Target>,
    }
    serde_json::from_str::<Targets>(event.raw.get())
        .ok()
        .map(|t| t.items.into_iter().map(|i| i.to_account).collect())
}

/// The reply when the handler fails for a Before command (computed before dispatch).
/// The reply of a Before callback whose handler failed, under `policy`: for the Sns
/// Prev commands, every target allowed or refused; otherwise the OK ack or code 1.
pub(crate) fn before_failure(event: &TencentEvent, policy: BeforeFailurePolicy) -> Reply {
    let targets = match event {
        TencentEvent::BeforeFriendAdd(e) => Some(e.targets()),
        TencentEvent::BeforeFriendResponse(e) => Some(e.targets()),
        TencentEvent::Unknown(u)
            if matches!(
                u.command.as_str(),
                "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse"
            ) =>
        {
            raw_targets(u)
        }
        _ => None,
    };
    let is_sns = matches!(
        event.command(),
        "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse"
    );
    match (policy, targets) {
        (BeforeFailurePolicy::Allow, Some(t)) => FriendVerdicts::allow_all().into_reply(&t),
        (BeforeFailurePolicy::Reject, Some(t)) => {
            FriendVerdicts::refuse_all().for_targets(&t).into_reply(&t)
        }
        (_, None) if is_sns => Reply::ok(),
        (BeforeFailurePolicy::Allow, None) => Reply::ok(),
        (BeforeFailurePolicy::Reject, None) => Reply::with_code(1, ""),
    }
}
