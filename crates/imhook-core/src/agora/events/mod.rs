//! The Agora post-send catalogue and the pre-send request as typed events.
//!
//! STUB: the typed catalogue replaces this file.

use crate::record::EventRecord;
use serde_json::value::RawValue;

/// A post-send callback, decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AgoraEvent {
    /// A kind the library does not model, or a known kind whose typed decode failed.
    Unknown(UnknownEvent),
}

/// A callback kept as raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The kind id derived from whatever discriminators are present.
    pub kind: String,
    /// The raw body.
    pub raw: Box<RawValue>,
    /// Why a known kind could not be typed, if that is why it is unknown.
    pub error: Option<String>,
}

impl AgoraEvent {
    /// Decodes a post-send `body` whose kind id is `kind` (see
    /// [`crate::agora::Envelope::kind`]). `body` is a JSON object; a typed decode failure
    /// yields [`AgoraEvent::Unknown`] with the error.
    pub fn decode(kind: &str, body: &str) -> Self {
        let raw = serde_json::from_str::<Box<RawValue>>(body)
            .unwrap_or_else(|_| RawValue::from_string("{}".to_owned()).unwrap_or_default());
        Self::Unknown(UnknownEvent {
            kind: kind.to_owned(),
            raw,
            error: None,
        })
    }

    /// The kind id.
    pub fn kind(&self) -> &str {
        match self {
            Self::Unknown(u) => &u.kind,
        }
    }

    /// `true` when decoded into a typed model of a catalogued kind.
    pub fn is_known(&self) -> bool {
        false
    }

    /// The event record of this event.
    pub fn record(&self) -> EventRecord {
        match self {
            Self::Unknown(u) => EventRecord {
                provider: "agora",
                kind: u.kind.clone(),
                known: false,
                event: serde_json::from_str(u.raw.get()).unwrap_or(serde_json::Value::Null),
            },
        }
    }
}

/// A pre-send request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PreSendEvent {
    /// The raw body.
    pub raw: Box<RawValue>,
}

impl PreSendEvent {
    /// Decodes a pre-send body; an error means the envelope cannot be used at all.
    pub fn decode(body: &str) -> Result<Self, String> {
        serde_json::from_str::<Box<RawValue>>(body)
            .map(|raw| Self { raw })
            .map_err(|e| e.to_string())
    }

    /// The event record (`kind` is always `pre_send`).
    pub fn record(&self) -> EventRecord {
        EventRecord {
            provider: "agora",
            kind: "pre_send".to_owned(),
            known: true,
            event: serde_json::from_str(self.raw.get()).unwrap_or(serde_json::Value::Null),
        }
    }
}
