//! [`Secret`]: a credential that never prints itself.

use std::fmt;

/// A token or secret shared with the provider.
///
/// `Debug` and `Display` print `***`, so a secret cannot leak through logs or
/// error messages by accident.
///
/// ```
/// use imhook_core::Secret;
/// let s = Secret::new("xxxxyyyy").unwrap();
/// assert_eq!(format!("{s:?} {s}"), "*** ***");
/// assert!(Secret::new("").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

/// Why a [`Secret`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// Empty secrets would accept anyone who guesses that the secret is empty.
    #[error("a secret must not be empty")]
    Empty,
}

impl Secret {
    /// Wraps a non-empty secret.
    pub fn new(value: impl Into<String>) -> Result<Self, SecretError> {
        let value: String = value.into();
        if value.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self(value.into_boxed_str()))
    }

    /// The secret's bytes, for computing signatures. Never log them.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl TryFrom<&str> for Secret {
    type Error = SecretError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<String> for Secret {
    type Error = SecretError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}
