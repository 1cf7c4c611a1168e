//! De-duplication and replay: which callbacks share a key, and which never claim one.

use super::*;

/// The cases of this group, run by every target.
pub(crate) fn cases(_tag: &str) -> Vec<Case> {
    Vec::new()
}
