//! Tencent's authentication rule (docs/protocol/tencent.md §2): `SdkAppid` must be ours, and with
//! tokens configured `Sign = hex(sha256(token + RequestTime))` within a freshness window.

use crate::clock::Clock;
use crate::secret::Secret;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;

/// Why a request failed authentication. The messages never contain secrets or digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// `SdkAppid` missing, malformed or not ours (403).
    #[error("SdkAppid missing, malformed or not this application's")]
    WrongApp,
    /// `Sign` or `RequestTime` missing while a token is configured (401).
    #[error("Sign or RequestTime missing")]
    MissingSignature,
    /// `RequestTime` is not 1–20 digits fitting in u64 (401).
    #[error("RequestTime malformed")]
    MalformedTime,
    /// `Sign` is not 64 hex characters (401).
    #[error("Sign malformed")]
    MalformedSign,
    /// `Sign` matches no configured token (401).
    #[error("Sign matches no configured token")]
    BadSignature,
    /// `RequestTime` is outside the freshness window (401).
    #[error("RequestTime outside the freshness window")]
    Stale,
}

impl AuthError {
    /// The HTTP status this failure is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::WrongApp => 403,
            _ => 401,
        }
    }
}

/// Result of a successful check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The request's `SdkAppid`.
    pub sdk_app_id: u64,
    /// `RequestTime`, when present and well-formed.
    pub request_time: Option<u64>,
    /// Index of the matching token, when tokens are configured.
    pub token_index: Option<usize>,
}

/// Tencent authentication settings.
#[derive(Clone)]
pub struct TencentAuth {
    sdk_app_id: u64,
    tokens: Vec<Secret>,
    window: Option<Duration>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for TencentAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentAuth")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("tokens", &self.tokens.len())
            .field("window", &self.window)
            .finish()
    }
}

/// Default freshness window for `RequestTime`: 300 s in both directions.
pub const DEFAULT_FRESHNESS: Duration = Duration::from_secs(300);

/// Parses 1–20 ASCII digits into a u64.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `lower_hex(sha256(token ‖ request_time))`, the value IM puts in `Sign`.
///
/// ```
/// use imhook_core::{Secret, tencent::sign};
/// let t = Secret::new("xxxxyyyy").unwrap();
/// assert_eq!(sign(&t, "1669872112"), "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
/// ```
pub fn sign(token: &Secret, request_time: &str) -> String {
    crate::wire::to_hex(&digest(token, request_time))
}

fn digest(token: &Secret, request_time: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(token.expose().as_bytes());
    h.update(request_time.as_bytes());
    h.finalize().into()
}

impl TencentAuth {
    /// Authentication for `sdk_app_id` with no token: only `SdkAppid` is checked.
    pub fn new(sdk_app_id: u64) -> Self {
        Self {
            sdk_app_id,
            tokens: Vec::new(),
            window: Some(DEFAULT_FRESHNESS),
            clock: Arc::new(crate::clock::SystemClock),
        }
    }

    /// Adds a callback token (several may be configured for rotation).
    pub fn token(mut self, token: Secret) -> Self {
        self.tokens.push(token);
        self
    }

    /// Sets the freshness window (`None` disables the check).
    pub fn freshness(mut self, window: Option<Duration>) -> Self {
        self.window = window;
        self
    }

    /// Replaces the clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The configured SDKAppID.
    pub fn sdk_app_id(&self) -> u64 {
        self.sdk_app_id
    }

    /// Number of configured tokens.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// Checks `SdkAppid`, then (with tokens configured) `Sign` and `RequestTime`.
    pub fn verify(
        &self,
        sdk_app_id: Option<&str>,
        sign: Option<&str>,
        request_time: Option<&str>,
    ) -> Result<Verified, AuthError> {
        let app = sdk_app_id
            .and_then(parse_digits)
            .ok_or(AuthError::WrongApp)?;
        if app != self.sdk_app_id {
            return Err(AuthError::WrongApp);
        }
        let parsed_time = request_time.and_then(parse_digits);
        if self.tokens.is_empty() {
            return Ok(Verified {
                sdk_app_id: app,
                request_time: parsed_time,
                token_index: None,
            });
        }
        let (Some(sign), Some(time_text)) = (sign, request_time) else {
            return Err(AuthError::MissingSignature);
        };
        let time = parsed_time.ok_or(AuthError::MalformedTime)?;
        let received = crate::wire::decode_hex::<32>(sign).ok_or(AuthError::MalformedSign)?;
        // Evaluate every token so timing does not reveal which one matched.
        let mut matched: Option<usize> = None;
        for (i, token) in self.tokens.iter().enumerate() {
            let ok: bool = digest(token, time_text).ct_eq(&received).into();
            if ok && matched.is_none() {
                matched = Some(i);
            }
        }
        let index = matched.ok_or(AuthError::BadSignature)?;
        if let Some(window) = self.window {
            let now_ms = i128::from(self.clock.now_millis());
            let sent_ms = i128::from(time) * 1000;
            if (now_ms - sent_ms).unsigned_abs() > window.as_millis() {
                return Err(AuthError::Stale);
            }
        }
        Ok(Verified {
            sdk_app_id: app,
            request_time: Some(time),
            token_index: Some(index),
        })
    }
}
