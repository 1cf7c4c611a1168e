//! The Tencent reply envelope and the failure policies.

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
