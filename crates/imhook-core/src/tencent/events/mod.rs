//! The Tencent command catalogue as typed events.
//!
//! STUB: the typed catalogue replaces this file.

use crate::record::EventRecord;
use serde_json::value::RawValue;

/// The body is not a JSON object (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("body is not a JSON object")]
pub struct NotJsonObject;

/// A callback, decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TencentEvent {
    /// A command the library does not model, or a known command whose typed decode failed.
    Unknown(UnknownEvent),
}

/// A callback kept as raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The `CallbackCommand`.
    pub command: String,
    /// The raw body.
    pub raw: Box<RawValue>,
    /// Why a known command could not be typed, if that is why it is unknown.
    pub error: Option<String>,
}

impl TencentEvent {
    /// Decodes `body` (UTF-8 text) as `command`. Fails only when `body` is not a JSON
    /// object; a typed decode failure yields [`TencentEvent::Unknown`] with the error.
    pub fn decode(command: &str, body: &str) -> Result<Self, NotJsonObject> {
        if !crate::wire::looks_like_object(body.as_bytes()) {
            return Err(NotJsonObject);
        }
        let raw: Box<RawValue> = serde_json::from_str(body).map_err(|_| NotJsonObject)?;
        Ok(Self::Unknown(UnknownEvent {
            command: command.to_owned(),
            raw,
            error: None,
        }))
    }

    /// The kind id (`CallbackCommand`).
    pub fn command(&self) -> &str {
        match self {
            Self::Unknown(u) => &u.command,
        }
    }

    /// `true` when decoded into a typed model.
    pub fn is_known(&self) -> bool {
        false
    }

    /// `true` for the eight Before commands (known or not typed).
    pub fn is_before(&self) -> bool {
        is_before_command(self.command())
    }

    /// The reply of an application that does nothing with this event.
    pub fn default_reply(&self) -> crate::tencent::Reply {
        crate::tencent::Reply::ok()
    }

    /// The event record of this event.
    pub fn record(&self) -> EventRecord {
        match self {
            Self::Unknown(u) => EventRecord {
                provider: "tencent",
                kind: u.command.clone(),
                known: false,
                event: serde_json::from_str(u.raw.get()).unwrap_or(serde_json::Value::Null),
            },
        }
    }
}

/// `true` for the eight Before commands of the catalogue.
pub fn is_before_command(command: &str) -> bool {
    matches!(
        command,
        "Group.CallbackBeforeCreateGroup"
            | "Group.CallbackBeforeApplyJoinGroup"
            | "Group.CallbackBeforeInviteJoinGroup"
            | "Group.CallbackBeforeSendMsg"
            | "Group.CallbackBeforeCreateTopic"
            | "C2C.CallbackBeforeSendMsg"
            | "Sns.CallbackPrevFriendAdd"
            | "Sns.CallbackPrevFriendResponse"
    )
}
