//! HTTP rules that must hold the same in the core and in every framework.

use super::*;

/// The cases of this group, run by every target.
pub(crate) fn cases(_tag: &str) -> Vec<Case> {
    Vec::new()
}
