//! The pre-send decision (docs/protocol/agora.md §4.2).
use super::events::MessageBody;
use super::events::{PreSendEvent, PreSendPayload};
use serde_json::{Map, Value};

/// Priority of a chat-room message (`chatroom_msg_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatroomMsgLevel {
    /// `high`.
    High,
    /// `normal`.
    Normal,
    /// `low`.
    Low,
}

impl ChatroomMsgLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Normal => "normal",
            Self::Low => "low",
        }
    }
}

/// What to do with a message before it is delivered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PreSendDecision {
    /// Deliver it: `{"valid":true}`.
    Allow,
    /// Deliver a replacement payload (same shape as the request's): `{"valid":true,"payload":…}`.
    Replace {
        /// The replacement payload object.
        payload: Value,
    },
    /// Deliver it with a chat-room priority.
    Priority(ChatroomMsgLevel),
    /// Block it: `{"valid":false}` plus `code` when given (shown to the sender when the
    /// rule reports errors; `""` makes mobile SDKs show a generic text).
    Block {
        /// The code shown to the sender.
        code: Option<String>,
    },
}

impl PreSendDecision {
    /// Block with a code.
    pub fn block(code: impl Into<String>) -> Self {
        Self::Block {
            code: Some(code.into()),
        }
    }

    /// Deliver `text` instead of the original text, in the request's payload shape
    /// (flat body in → flat body out; `{ext, bodies}` in → `{ext, bodies}` out).
    pub fn replace_text(event: &PreSendEvent, text: &str) -> Self {
        let body = MessageBody::text_body(text);
        let body_json = serde_json::to_value(&body).unwrap_or(Value::Null);
        let payload = match &event.payload {
            PreSendPayload::Bodies { ext, .. } => {
                let mut m = Map::new();
                m.insert(
                    "ext".to_owned(),
                    ext.clone().unwrap_or_else(|| Value::Object(Map::new())),
                );
                m.insert("bodies".to_owned(), Value::Array(vec![body_json]));
                Value::Object(m)
            }
            _ => body_json,
        };
        Self::Replace { payload }
    }

    /// The reply body, compact JSON.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        match self {
            Self::Allow => {
                m.insert("valid".to_owned(), Value::Bool(true));
            }
            Self::Replace { payload } => {
                m.insert("valid".to_owned(), Value::Bool(true));
                m.insert("payload".to_owned(), payload.clone());
            }
            Self::Priority(level) => {
                m.insert("valid".to_owned(), Value::Bool(true));
                m.insert(
                    "chatroom_msg_level".to_owned(),
                    Value::String(level.as_str().to_owned()),
                );
            }
            Self::Block { code } => {
                m.insert("valid".to_owned(), Value::Bool(false));
                if let Some(c) = code {
                    m.insert("code".to_owned(), Value::String(c.clone()));
                }
            }
        }
        Value::Object(m).to_string()
    }

    /// `true` when the reply fits in `limit` characters (Unicode scalar values).
    pub fn reply_len_ok(&self, limit: usize) -> bool {
        self.to_json().chars().count() <= limit
    }
}
