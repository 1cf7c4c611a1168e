//! The one-line event record (`{"provider","kind","known","event"}`) that the CLI
use serde::Serialize;
use serde_json::Value;

/// What a record holds in place of a signature.
const REDACTED: &str = "***";

/// Top-level body fields that carry a provider's signature.
const SIGNATURE_FIELDS: &[&str] = &["security", "Sign"];

/// One handled event, as written by `imhook decode` and `imhook serve`.
///
/// prints and the conformance tests compare.
///
/// A record never carries a signature: the top-level fields in which the providers send
/// one (Agora's `security`; Tencent's `Sign`, normally a query parameter) are written as
/// `"***"`, whichever way the record was built. The handler's raw body is not touched.
///
/// ```
/// use imhook_core::EventRecord;
/// let raw = r#"{"callId":"c1","security":"2618fe22d1623c0a66383058b64ae8ad","chat_type":"hologram"}"#;
/// let record = EventRecord::raw("agora", "unknown", raw);
/// assert!(!record.known);
/// assert_eq!(record.event["security"], "***");
/// assert_eq!(record.event["chat_type"], "hologram");
/// ```
#[derive(Debug, Clone, Serialize, PartialEq)]
#[non_exhaustive]
pub struct EventRecord {
    /// `tencent` or `agora`.
    pub provider: &'static str,
    /// The kind id from the provider's catalogue.
    pub kind: String,
    /// `true` only when the event decoded into a typed model of a catalogued kind.
    pub known: bool,
    /// The typed event in its wire shape, or the raw JSON for unknown events.
    pub event: Value,
}

impl EventRecord {
    /// A record of `event`, with its top-level signature fields redacted (a `null`
    /// one is kept: it marks an unsigned request).
    pub fn new(provider: &'static str, kind: impl Into<String>, known: bool, event: Value) -> Self {
        let mut event = event;
        if let Some(map) = event.as_object_mut() {
            for field in SIGNATURE_FIELDS {
                match map.get_mut(*field) {
                    // `null` carries nothing and marks an unsigned Agora request.
                    Some(Value::Null) | None => {}
                    Some(value) => *value = Value::String(REDACTED.to_owned()),
                }
            }
        }
        Self {
            provider,
            kind: kind.into(),
            known,
            event,
        }
    }

    /// The record of an event the library does not model (`known: false`): `event` is
    /// the raw JSON body (`null` if it is not JSON), signature fields redacted.
    pub fn raw(provider: &'static str, kind: impl Into<String>, raw: &str) -> Self {
        let event = serde_json::from_str(raw).unwrap_or(Value::Null);
        Self::new(provider, kind, false, event)
    }

    /// The record as one line of JSON, without the trailing newline.
    pub fn to_line(&self) -> String {
        // Serialising a Value-holding struct to a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn signatures_are_redacted_at_the_top_level_only() {
        let raw = json!({"security":"abc","Sign":"def","payload":{"security":"kept"}}).to_string();
        let record = EventRecord::raw("agora", "unknown", &raw);
        assert_eq!(
            record.event,
            json!({"security":"***","Sign":"***","payload":{"security":"kept"}})
        );
        let unsigned = EventRecord::raw("agora", "unknown", r#"{"security":null}"#);
        assert_eq!(unsigned.event, json!({"security":null}));
        let number = EventRecord::raw("agora", "unknown", r#"{"security":12345}"#);
        assert_eq!(number.event, json!({"security":"***"}));
        assert!(!record.to_line().contains("abc"));
        assert!(!record.to_line().contains("def"));
    }

    #[test]
    fn typed_events_are_redacted_too() {
        let record = EventRecord::new("tencent", "X", true, json!({"Sign":"abc","A":1}));
        assert_eq!(record.event, json!({"Sign":"***","A":1}));
    }

    #[test]
    fn raw_keeps_every_field_in_order() {
        let raw = r#"{"z":1,"a":{"b":[1,"2",null]},"security":"s","m":"x"}"#;
        let record = EventRecord::raw("agora", "unknown", raw);
        assert_eq!(
            record.event.to_string(),
            r#"{"z":1,"a":{"b":[1,"2",null]},"security":"***","m":"x"}"#
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_null() {
        assert_eq!(EventRecord::raw("agora", "unknown", "{").event, Value::Null);
    }
}
