//! Agora's authentication rule (docs/protocol/agora.md §2): `security = md5(callId + secret + timestamp)`,
//! read from the raw body, compared in constant time against every configured secret.

use super::envelope::Envelope;
use crate::clock::Clock;
use crate::secret::Secret;
use md5::{Digest, Md5};
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;

/// What to do with requests that carry no `security` (docs/protocol/agora.md §2.7).
///
/// Requests let through unsigned are never de-duplicated: each copy reaches the
/// handler with `authenticated = false`, and none claims, completes or suppresses a
/// key that the provider's signed callback with the same `callId` needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnsignedPolicy {
    /// Refuse them with 401. The default.
    #[default]
    RejectUnsigned,
    /// Deliver them with `authenticated = false`.
    AllowUnsigned,
    /// Deliver them (unauthenticated) only when the kind id equals one of these, or
    /// starts with one of them followed by `/` (e.g. `notify` covers `notify/reaction`).
    AllowUnsignedKinds(Vec<String>),
}

impl UnsignedPolicy {
    fn allows(&self, kind: &str) -> bool {
        match self {
            Self::RejectUnsigned => false,
            Self::AllowUnsigned => true,
            Self::AllowUnsignedKinds(kinds) => kinds.iter().any(|k| {
                kind == k
                    || kind
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || k.ends_with('/'))
            }),
        }
    }
}

/// Why a request failed authentication. Messages never contain secrets or digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `security`, and the unsigned policy refuses it.
    #[error("request is unsigned")]
    Unsigned,
    /// `security` present but `callId` or `timestamp` missing or unusable.
    #[error("signature inputs missing or malformed")]
    Invalid,
    /// `security` matches no configured secret.
    #[error("security matches no configured secret")]
    BadSignature,
    /// `timestamp` outside the configured freshness window.
    #[error("timestamp outside the freshness window")]
    Stale,
}

/// A successful check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthOutcome {
    /// `true` when a secret matched.
    pub authenticated: bool,
    /// Position of the matching secret.
    pub secret_index: Option<usize>,
}

/// Agora authentication settings.
#[derive(Clone)]
pub struct AgoraAuth {
    secrets: Vec<Secret>,
    unsigned: UnsignedPolicy,
    insecure: bool,
    freshness: Option<Duration>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for AgoraAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgoraAuth")
            .field("secrets", &self.secrets.len())
            .field("unsigned", &self.unsigned)
            .field("insecure", &self.insecure)
            .field("freshness", &self.freshness)
            .finish()
    }
}

impl Default for AgoraAuth {
    fn default() -> Self {
        Self {
            secrets: Vec::new(),
            unsigned: UnsignedPolicy::default(),
            insecure: false,
            freshness: None,
            clock: Arc::new(crate::clock::SystemClock),
        }
    }
}

/// `lower_hex(md5(callId ‖ secret ‖ timestamp))`.
///
/// ```
/// use imhook_core::{Secret, agora::security};
/// let s = Secret::new("imhook-fixture-secret").unwrap();
/// assert_eq!(
///     security("demo-org#demo-app_ed88a94c-e0ef-fc51-beba-f016f475156c", &s, "1729499506255"),
///     "2618fe22d1623c0a66383058b64ae8ad"
/// );
/// ```
pub fn security(call_id: &str, secret: &Secret, timestamp: &str) -> String {
    crate::wire::to_hex(&digest(call_id, secret, timestamp))
}

fn digest(call_id: &str, secret: &Secret, timestamp: &str) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(call_id.as_bytes());
    h.update(secret.expose().as_bytes());
    h.update(timestamp.as_bytes());
    h.finalize().into()
}

impl AgoraAuth {
    /// No secrets yet: add them with [`Self::secret`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret (each console rule has its own; all are tried).
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Sets the unsigned-request policy (default [`UnsignedPolicy::RejectUnsigned`]).
    pub fn unsigned(mut self, policy: UnsignedPolicy) -> Self {
        self.unsigned = policy;
        self
    }

    /// Verification-free mode for local development: with no secret configured, every
    /// request is delivered with `authenticated = false`. Never use it in production.
    pub fn insecure(mut self) -> Self {
        self.insecure = true;
        self
    }

    /// Rejects requests whose `timestamp` is further than `window` from now.
    ///
    /// Off by default. The provider re-sends stored callbacks up to 3 days late, so on a
    /// post-send endpoint any window shorter than 3 days drops legitimate resends; use
    /// it on pre-send endpoints (minutes are safe there). The signature covers only
    /// `callId` and `timestamp`, not the body, so the window is also what bounds how
    /// long a captured request can be replayed with another body.
    pub fn freshness(mut self, window: Option<Duration>) -> Self {
        self.freshness = window;
        self
    }

    /// Replaces the clock of the freshness check.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Number of configured secrets.
    pub fn secret_count(&self) -> usize {
        self.secrets.len()
    }

    /// `true` when requests can be verified or verification was explicitly waived.
    pub fn is_usable(&self) -> bool {
        !self.secrets.is_empty() || self.insecure
    }

    /// Checks one request whose envelope is `env` and kind id `kind`.
    pub fn verify(&self, env: &Envelope<'_>, kind: &str) -> Result<AuthOutcome, AuthError> {
        let unauthenticated = AuthOutcome {
            authenticated: false,
            secret_index: None,
        };
        if self.secrets.is_empty() {
            return if self.insecure {
                Ok(unauthenticated)
            } else {
                Err(AuthError::BadSignature)
            };
        }
        if !env.has_security() {
            return if self.unsigned.allows(kind) {
                Ok(unauthenticated)
            } else {
                Err(AuthError::Unsigned)
            };
        }
        let (Some(call_id), Some(ts), Some(sec)) =
            (env.call_id(), env.timestamp_text(), env.security())
        else {
            return Err(AuthError::Invalid);
        };
        let received = crate::wire::decode_hex::<16>(&sec);
        let mut matched = None;
        // Every secret is evaluated, whether or not an earlier one matched.
        for (i, secret) in self.secrets.iter().enumerate() {
            let expected = digest(&call_id, secret, &ts);
            let ok: bool = match &received {
                Some(r) => expected.ct_eq(r).into(),
                None => false,
            };
            if ok && matched.is_none() {
                matched = Some(i);
            }
        }
        let index = matched.ok_or(AuthError::BadSignature)?;
        if let (Some(window), Some(ts)) = (self.freshness, env.timestamp_millis()) {
            let age = i128::from(self.clock.now_millis()) - i128::from(ts);
            if age.unsigned_abs() > window.as_millis() {
                return Err(AuthError::Stale);
            }
        }
        Ok(AuthOutcome {
            authenticated: true,
            secret_index: Some(index),
        })
    }
}
