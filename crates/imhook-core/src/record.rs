//! The one-line event record (`{"provider","kind","known","event"}`) that the CLI
//! prints and the conformance tests compare.

use serde::Serialize;

/// One handled event, as written by `imhook decode` and `imhook serve`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRecord {
    /// `tencent` or `agora`.
    pub provider: &'static str,
    /// The kind id from the provider's catalogue.
    pub kind: String,
    /// `true` only when the event decoded into a typed model of a catalogued kind.
    pub known: bool,
    /// The typed event in its wire shape, or the raw JSON for unknown events.
    pub event: serde_json::Value,
}

impl EventRecord {
    /// The record as one line of JSON, without the trailing newline.
    pub fn to_line(&self) -> String {
        // Serialising a Value-holding struct to a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
