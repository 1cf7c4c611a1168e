//! Durable hand-off: the entry a receiver writes to a queue engine (Redis Streams, NATS
//! JetStream) for each authenticated callback, and the [`Forward`] trait the engines
//! implement.
//!
//! An entry carries what a worker needs to run the same handler later: a stable event
//! id, the provider, route and kind, whether the request was authenticated, the raw
//! body exactly as received and (Tencent) the query string with its `Sign` redacted.
//! For a Before / pre-send callback, which the receiver answered itself, `decision`
//! holds the reply that was sent: such an entry is an audit record and is never
//! decided again.
//!
//! ```
//! use bytes::Bytes;
//! use imhook_core::forward::{ForwardEntry, redact_sign};
//!
//! let body = Bytes::from_static(br#"{"CallbackCommand":"State.StateChange"}"#);
//! let id = ForwardEntry::digest_id("tencent", "tencent", &body);
//! let mut entry = ForwardEntry::new(id, "tencent", "tencent", "State.StateChange", body);
//! entry.query = redact_sign("SdkAppid=1&Sign=abc&RequestTime=1");
//! assert_eq!(entry.query, "SdkAppid=1&Sign=***&RequestTime=1");
//!
//! let fields = entry.to_fields();
//! assert_eq!(fields[0].0, "id");
//! let back = ForwardEntry::from_fields(fields.iter().map(|(n, v)| (*n, v.clone()))).unwrap();
//! assert_eq!(back, entry);
//! ```

use async_trait::async_trait;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// The field names of an entry, in the order [`ForwardEntry::to_fields`] writes them.
pub const FIELDS: [&str; 10] = [
    "id",
    "provider",
    "route",
    "kind",
    "known",
    "authenticated",
    "decision",
    "received_at",
    "body",
    "query",
];

/// What a `Sign` value is replaced with in a forwarded query.
const REDACTED: &str = "***";

/// One forwarded callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForwardEntry {
    /// Stable event id (lower-case hex): the request's de-duplication key, the same for
    /// a provider's retry; for a request without one, [`ForwardEntry::digest_id`].
    pub id: String,
    /// `tencent` or `agora`.
    pub provider: String,
    /// `tencent`, `agora` (post-send) or `agora-pre-send`.
    pub route: String,
    /// The kind id from the provider's catalogue.
    pub kind: String,
    /// `true` when the event decoded into a typed model of a catalogued kind.
    pub known: bool,
    /// `true` when the request's signature was checked and matched.
    pub authenticated: bool,
    /// Empty for post-send and After callbacks; for a Before / pre-send callback, the
    /// reply body that was sent (the entry is then an audit record).
    pub decision: Bytes,
    /// When the request was received, in Unix milliseconds.
    pub received_at: u64,
    /// The request body, exactly as received.
    pub body: Bytes,
    /// The Tencent query string with `Sign` redacted ([`redact_sign`]); empty for Agora.
    pub query: String,
}

impl ForwardEntry {
    /// An entry of an After / post-send callback received now, authenticated and known,
    /// with no query: set the other public fields as needed.
    pub fn new(
        id: impl Into<String>,
        provider: impl Into<String>,
        route: impl Into<String>,
        kind: impl Into<String>,
        body: Bytes,
    ) -> Self {
        Self {
            id: id.into(),
            provider: provider.into(),
            route: route.into(),
            kind: kind.into(),
            known: true,
            authenticated: true,
            decision: Bytes::new(),
            received_at: now_millis(),
            body,
            query: String::new(),
        }
    }

    /// `true` for a Before / pre-send audit record (its `decision` is not empty).
    pub fn is_audit(&self) -> bool {
        !self.decision.is_empty()
    }

    /// The event id of a request without a de-duplication key: lower-case hex of the
    /// SHA-256 of `provider`, `route` and `body`, each preceded by its length, so that no
    /// two different triples collide whatever bytes they contain.
    ///
    /// ```
    /// use imhook_core::forward::ForwardEntry;
    /// let a = ForwardEntry::digest_id("agora", "agora-pre-send", b"{}");
    /// assert_eq!(a.len(), 64);
    /// assert_eq!(a, ForwardEntry::digest_id("agora", "agora-pre-send", b"{}"));
    /// assert_ne!(a, ForwardEntry::digest_id("agora", "agora", b"{}"));
    /// ```
    pub fn digest_id(provider: &str, route: &str, body: &[u8]) -> String {
        let mut h = Sha256::new();
        for part in [provider.as_bytes(), route.as_bytes(), body] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        crate::wire::to_hex(&h.finalize())
    }

    /// The entry as `(name, value)` pairs, in the order of [`FIELDS`]: booleans are
    /// `true` / `false`, `received_at` decimal, `body` and `decision` the raw bytes.
    pub fn to_fields(&self) -> [(&'static str, Bytes); 10] {
        let text = |s: &str| Bytes::copy_from_slice(s.as_bytes());
        let flag = |b: bool| Bytes::from_static(if b { b"true" } else { b"false" });
        [
            ("id", text(&self.id)),
            ("provider", text(&self.provider)),
            ("route", text(&self.route)),
            ("kind", text(&self.kind)),
            ("known", flag(self.known)),
            ("authenticated", flag(self.authenticated)),
            ("decision", self.decision.clone()),
            ("received_at", Bytes::from(self.received_at.to_string())),
            ("body", self.body.clone()),
            ("query", text(&self.query)),
        ]
    }

    /// Reads an entry back from `(name, value)` pairs in any order; names not in
    /// [`FIELDS`] are ignored (an engine may add its own). Every field must be present
    /// (`decision` and `query` may be empty).
    pub fn from_fields<N, V>(fields: impl IntoIterator<Item = (N, V)>) -> Result<Self, EntryError>
    where
        N: AsRef<str>,
        V: Into<Bytes>,
    {
        let mut slots: [Option<Bytes>; 10] = Default::default();
        for (name, value) in fields {
            if let Some(i) = FIELDS.iter().position(|f| *f == name.as_ref())
                && let Some(slot) = slots.get_mut(i)
            {
                *slot = Some(value.into());
            }
        }
        let mut take = |name: &'static str| -> Result<Bytes, EntryError> {
            FIELDS
                .iter()
                .position(|f| *f == name)
                .and_then(|i| slots.get_mut(i))
                .and_then(Option::take)
                .ok_or(EntryError::Missing(name))
        };
        let text = |name: &'static str, v: Bytes| -> Result<String, EntryError> {
            String::from_utf8(v.to_vec()).map_err(|_| EntryError::Invalid(name))
        };
        let flag = |name: &'static str, v: Bytes| match v.as_ref() {
            b"true" => Ok(true),
            b"false" => Ok(false),
            _ => Err(EntryError::Invalid(name)),
        };
        let id = text("id", take("id")?)?;
        if id.is_empty() {
            return Err(EntryError::Invalid("id"));
        }
        Ok(Self {
            id,
            provider: text("provider", take("provider")?)?,
            route: text("route", take("route")?)?,
            kind: text("kind", take("kind")?)?,
            known: flag("known", take("known")?)?,
            authenticated: flag("authenticated", take("authenticated")?)?,
            decision: take("decision")?,
            received_at: text("received_at", take("received_at")?)?
                .parse()
                .map_err(|_| EntryError::Invalid("received_at"))?,
            body: take("body")?,
            query: text("query", take("query")?)?,
        })
    }
}

/// Why stored fields are not an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// A field is missing.
    #[error("forwarded entry has no `{0}` field")]
    Missing(&'static str),
    /// A field has a value of the wrong form.
    #[error("forwarded entry has an invalid `{0}` field")]
    Invalid(&'static str),
}

/// Why an entry was not forwarded. The texts never carry the engine's URL or
/// credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ForwardError {
    /// The engine did not confirm the write (unreachable, timed out, refused).
    #[error("forwarding engine unavailable: {0}")]
    Unavailable(String),
    /// The engine is unavailable and the local spool has no room left for the entry:
    /// the one case where a receiver answers 503.
    #[error("forwarding engine unavailable and the spool is full")]
    SpoolFull,
}

/// A queue engine that stores forwarded entries.
#[async_trait]
pub trait Forward: Send + Sync + 'static {
    /// Writes `entry`; returns `Ok` only once the engine confirmed the write.
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError>;
}

#[async_trait]
impl<F: Forward + ?Sized> Forward for std::sync::Arc<F> {
    async fn forward(&self, entry: &ForwardEntry) -> Result<(), ForwardError> {
        (**self).forward(entry).await
    }
}

/// `query` with the value of every `Sign` parameter (any case, percent-encoded names
/// included) replaced by `***`; every other byte is kept.
///
/// ```
/// use imhook_core::forward::redact_sign;
/// assert_eq!(
///     redact_sign("SdkAppid=1&sign=ab%2Fc&CallbackCommand=X&%53ign=d"),
///     "SdkAppid=1&sign=***&CallbackCommand=X&%53ign=***"
/// );
/// assert_eq!(redact_sign("Sign"), "Sign=***");
/// assert_eq!(redact_sign(""), "");
/// ```
pub fn redact_sign(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        if crate::tencent::query::decode_component(name).eq_ignore_ascii_case("sign") {
            out.push_str(name);
            out.push('=');
            out.push_str(REDACTED);
        } else {
            out.push_str(pair);
        }
    }
    out
}

/// Now, in Unix milliseconds (0 before 1970).
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn entry() -> ForwardEntry {
        let mut e = ForwardEntry::new(
            "ab12",
            "agora",
            "agora-pre-send",
            "pre_send",
            Bytes::from_static(b"{\"a\":\"\xe4\xbd\xa0\"}"),
        );
        e.decision = Bytes::from_static(br#"{"valid":true}"#);
        e.known = false;
        e.authenticated = false;
        e.received_at = 1_729_499_506_255;
        e
    }

    #[test]
    fn fields_round_trip_in_any_order() {
        let e = entry();
        let mut fields: Vec<_> = e.to_fields().into_iter().collect();
        assert_eq!(fields.iter().map(|f| f.0).collect::<Vec<_>>(), FIELDS);
        assert_eq!(fields[4].1, "false");
        assert_eq!(fields[7].1, "1729499506255");
        fields.reverse();
        fields.push(("extra", Bytes::from_static(b"x")));
        assert_eq!(ForwardEntry::from_fields(fields).unwrap(), e);
        assert!(e.is_audit());
    }

    #[test]
    fn missing_and_invalid_fields_are_named() {
        let e = entry();
        let without = |name: &str| {
            let fields: Vec<_> = e.to_fields().into_iter().filter(|f| f.0 != name).collect();
            ForwardEntry::from_fields(fields)
        };
        assert_eq!(without("body"), Err(EntryError::Missing("body")));
        assert_eq!(without("query"), Err(EntryError::Missing("query")));
        let mut fields = e.to_fields();
        fields[5].1 = Bytes::from_static(b"yes");
        assert_eq!(
            ForwardEntry::from_fields(fields),
            Err(EntryError::Invalid("authenticated"))
        );
        let mut fields = e.to_fields();
        fields[7].1 = Bytes::from_static(b"-1");
        assert_eq!(
            ForwardEntry::from_fields(fields),
            Err(EntryError::Invalid("received_at"))
        );
        let mut fields = e.to_fields();
        fields[0].1 = Bytes::new();
        assert_eq!(
            ForwardEntry::from_fields(fields),
            Err(EntryError::Invalid("id"))
        );
    }

    #[test]
    fn digest_parts_are_length_prefixed() {
        assert_ne!(
            ForwardEntry::digest_id("ab", "c", b""),
            ForwardEntry::digest_id("a", "bc", b"")
        );
        assert_ne!(
            ForwardEntry::digest_id("tencent", "tencent", b"{}"),
            ForwardEntry::digest_id("tencent", "tencent", b"{} ")
        );
    }

    #[test]
    fn only_sign_is_redacted() {
        assert_eq!(
            redact_sign("Sign=abc&SignX=1&RequestTime=2&sign=&&x"),
            "Sign=***&SignX=1&RequestTime=2&sign=***&&x"
        );
        assert!(!redact_sign("a=1&SIGN=secretvalue").contains("secretvalue"));
    }
}
