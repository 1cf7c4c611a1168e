//! The pre-send decision.
//!
//! STUB: the typed decision replaces this file.

/// What to do with a message before it is delivered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PreSendDecision {
    /// Deliver it: `{"valid":true}`.
    Allow,
    /// Block it: `{"valid":false}` plus `code` when given.
    Block {
        /// Shown to the sender when the rule reports errors.
        code: Option<String>,
    },
}

impl PreSendDecision {
    /// The reply body, compact JSON.
    pub fn to_json(&self) -> String {
        match self {
            Self::Allow => r#"{"valid":true}"#.to_owned(),
            Self::Block { code: None } => r#"{"valid":false}"#.to_owned(),
            Self::Block { code: Some(c) } => {
                serde_json::json!({"valid": false, "code": c}).to_string()
            }
        }
    }
}
