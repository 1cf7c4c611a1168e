//! The top-level fields every Agora request is classified, signed and de-duplicated by,
//! read in one borrowed pass over the raw body.

use super::catalogue::{AgoraKind, Named, Operation};
use crate::idempotency::IdempotencyKey;
use crate::json_scan::Members;
use std::borrow::Cow;

/// The discriminators and signature inputs of a request, borrowed from the raw body.
///
/// Every field is kept as raw JSON text so that a wrong type never fails the read; the
/// accessors interpret them.
#[derive(Debug, Default)]
pub struct Envelope<'a> {
    call_id: Option<&'a str>,
    timestamp: Option<&'a str>,
    security: Option<&'a str>,
    event_type: Option<&'a str>,
    event: Option<&'a str>,
    operation: Option<&'a str>,
    step: Option<&'a str>,
    chat_type: Option<&'a str>,
    reason: Option<&'a str>,
    status: Option<&'a str>,
    user: Option<&'a str>,
    to: Option<&'a str>,
    target: Option<&'a str>,
    payload: Option<&'a str>,
    /// Every top-level member, when the one-pass reader took the body: the typed
    /// decode reads the event from them instead of reading the body's top level again.
    members: Option<Members<'a>>,
}

/// Why a body cannot be read as a callback envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Not UTF-8, not JSON, or not a JSON object.
    #[error("body is not a JSON object")]
    NotJsonObject,
    /// A JSON object whose top level cannot be read unambiguously (e.g. a duplicated key).
    #[error("ambiguous callback envelope: {0}")]
    Ambiguous(String),
}

/// The content of a JSON string token, or `None` for any other JSON value.
fn json_str(raw: Option<&str>) -> Option<Cow<'_, str>> {
    crate::wire::json_text_str(raw?)
}

fn non_empty(c: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    c.filter(|s| !s.is_empty())
}

fn is_present(raw: Option<&str>) -> bool {
    raw.is_some_and(|r| r != "null")
}

impl<'a> Envelope<'a> {
    /// Reads the envelope of `body`.
    pub fn parse(body: &'a str) -> Result<Self, EnvelopeError> {
        if !crate::wire::looks_like_object(body.as_bytes()) {
            return Err(EnvelopeError::NotJsonObject);
        }
        let (mut env, members) =
            crate::json_scan::members_kept(body, Self::set).map_err(|e| match e.classify() {
                serde_json::error::Category::Data => EnvelopeError::Ambiguous(e.to_string()),
                _ => EnvelopeError::NotJsonObject,
            })?;
        env.members = members;
        Ok(env)
    }

    /// The body's top-level members, when the one-pass reader took it (see
    /// [`Members`]); `None` for a body read by `serde_json`.
    pub(crate) fn members(&self) -> Option<&Members<'a>> {
        self.members.as_ref()
    }

    /// [`Envelope::members`], taken out.
    pub(crate) fn take_members(&mut self) -> Option<Members<'a>> {
        self.members.take()
    }

    /// Keeps `raw` when `key` is one of the envelope's fields; `false` when the field
    /// was already set (a repeated field makes the body ambiguous).
    fn set(&mut self, key: &str, raw: &'a str) -> bool {
        let slot = match key {
            "callId" => &mut self.call_id,
            "timestamp" => &mut self.timestamp,
            "security" => &mut self.security,
            "eventType" => &mut self.event_type,
            "event" => &mut self.event,
            "operation" => &mut self.operation,
            "step" => &mut self.step,
            "chat_type" => &mut self.chat_type,
            "reason" => &mut self.reason,
            "status" => &mut self.status,
            "user" => &mut self.user,
            "to" => &mut self.to,
            "target" => &mut self.target,
            "payload" => &mut self.payload,
            _ => return true,
        };
        slot.replace(raw).is_none()
    }

    /// `callId`, when it is a string.
    pub fn call_id(&self) -> Option<Cow<'a, str>> {
        json_str(self.call_id)
    }

    /// `true` when `callId` is present and not `null`.
    pub fn has_call_id(&self) -> bool {
        is_present(self.call_id)
    }

    /// `security`, when it is a string.
    pub fn security(&self) -> Option<Cow<'a, str>> {
        json_str(self.security)
    }

    /// `true` when `security` is present and not `null` (the request is "signed").
    pub fn has_security(&self) -> bool {
        is_present(self.security)
    }

    /// The decimal text of `timestamp` as hashed by the provider: the raw token of a
    /// plain JSON integer, or the content of a string of digits. `None` for anything
    /// else (fractions, exponents, out-of-range values), so such requests cannot verify.
    pub fn timestamp_text(&self) -> Option<Cow<'a, str>> {
        let text = self.timestamp?;
        let candidate: Cow<'a, str> = if text.starts_with('"') {
            json_str(Some(text))?
        } else {
            Cow::Borrowed(text)
        };
        crate::wire::parse_decimal_i64(&candidate)?;
        Some(candidate)
    }

    /// `timestamp` in milliseconds, when it is a plain integer.
    pub fn timestamp_millis(&self) -> Option<i64> {
        self.timestamp_text()
            .and_then(|t| crate::wire::parse_decimal_i64(&t))
    }

    /// `eventType`, when it is a string.
    pub fn event_type(&self) -> Option<Cow<'a, str>> {
        json_str(self.event_type)
    }

    /// The raw JSON text of `payload`, if present and not `null`.
    pub fn payload(&self) -> Option<&'a str> {
        self.payload.filter(|p| *p != "null")
    }

    /// The parts of the de-duplication key of a request of kind `kind` (from
    /// [`Envelope::classify`], or [`AgoraKind::PreSend`]): `[callId]`, or `[callId, eventType, to
    /// else target]` for the families whose one `callId` fans out per recipient.
    /// `None` when there is no `callId` (such requests are not de-duplicated).
    ///
    /// Which parts a key has is fixed by the family, never by which fields a request
    /// happens to carry: the provider's signature covers only `callId` and
    /// `timestamp`, so a part read from an unsigned field in a family that does not
    /// need it would let one captured request be replayed under endless new keys
    /// (e.g. a `group_op_event` with an added `"to"`).
    ///
    /// - `message/*` add `eventType` and `to`: every sent message has one `chat`
    ///   callback, and each offline recipient of a group message one `chat_offline`
    ///   copy with the same `callId` and `to` = that recipient
    ///   (<https://doc.easemob.com/document/server-side/callback_message_send.html>).
    /// - `offline_push` adds `eventType` and `target`: one push result per target
    ///   (<https://doc.easemob.com/document/server-side/callback_offline_push.html>).
    /// - `recall`, `edit` and the receipts (`read_ack`, `channel_ack`,
    ///   `delivery_ack`) key on `callId` alone: in every published sample
    ///   (`tests/fixtures/agora/recall.json`, `edit.json`, `read_ack.json`,
    ///   `read_ack@group.json`, `channel_ack.json`, `delivery_ack.json`) the `callId`
    ///   is `{appkey}_{msg_id}` where `msg_id` is the id of the recall, edit or
    ///   receipt event itself (not the `recall_id`, `edit_message_id` or
    ///   `ack_message_id` of the message it refers to), `eventType` is `chat` (the
    ///   one-per-event value, never `chat_offline`) or absent, and `to` names one
    ///   peer or, for a group read receipt, the group itself: no sample shows one
    ///   `callId` delivered once per recipient.
    /// - Every other family (`group_op_event`, `muc`, `roster`, `notify`,
    ///   `user_status`, `keyword_alert`, `moderation`, `unknown`) and `pre_send` key
    ///   on `callId` alone, whatever extra fields arrive.
    ///
    /// ```
    /// use imhook_core::agora::Envelope;
    /// let op = r#"{"callId":"c1","event":"group_op_event","operation":"CREATE","to":"x1"}"#;
    /// let env = Envelope::parse(op).unwrap();
    /// assert_eq!(env.dedup_parts(&env.classify()).unwrap(), ["c1"]);
    /// let msg = r#"{"callId":"c2","chat_type":"groupchat","eventType":"chat_offline","to":"bob"}"#;
    /// let env = Envelope::parse(msg).unwrap();
    /// assert_eq!(env.dedup_parts(&env.classify()).unwrap(), ["c2", "chat_offline", "bob"]);
    /// ```
    pub fn dedup_parts(&self, kind: &AgoraKind) -> Option<Vec<Cow<'a, str>>> {
        Some(match self.key_parts(kind)? {
            (call_id, None) => vec![call_id],
            (call_id, Some((event_type, who))) => vec![call_id, event_type, who],
        })
    }

    /// The de-duplication key of a request of kind `kind` received on `route`: the
    /// provider, the route and [`Envelope::dedup_parts`], hashed without collecting
    /// them in a list.
    pub(crate) fn dedup_key(&self, kind: &AgoraKind, route: &str) -> Option<IdempotencyKey> {
        Some(match self.key_parts(kind)? {
            (id, None) => IdempotencyKey::from_parts(&["agora", route, &id]),
            (id, Some((event_type, who))) => {
                IdempotencyKey::from_parts(&["agora", route, &id, &event_type, &who])
            }
        })
    }

    /// [`Envelope::dedup_parts`]: `callId`, and `eventType` with the recipient for the
    /// families that key per recipient.
    #[allow(clippy::type_complexity)]
    fn key_parts(
        &self,
        kind: &AgoraKind,
    ) -> Option<(Cow<'a, str>, Option<(Cow<'a, str>, Cow<'a, str>)>)> {
        let call_id = self.call_id()?;
        if !kind.keys_per_recipient() {
            return Some((call_id, None));
        }
        let event_type = self.event_type().unwrap_or(Cow::Borrowed(""));
        let who = json_str(self.to)
            .or_else(|| json_str(self.target))
            .unwrap_or(Cow::Borrowed(""));
        Some((call_id, Some((event_type, who))))
    }

    /// `type` and `operation` of an object `payload`, as raw JSON text (both `None`
    /// for any other payload, or one that repeats either key).
    fn payload_head(&self) -> (Option<&'a str>, Option<&'a str>) {
        let Some(p) = self.payload.filter(|p| p.starts_with('{')) else {
            return (None, None);
        };
        crate::json_scan::members(p, |(ty, operation): &mut (_, _), key, raw| match key {
            "type" => Option::replace(ty, raw).is_none(),
            "operation" => Option::replace(operation, raw).is_none(),
            _ => true,
        })
        .unwrap_or_default()
    }

    /// The kind id of a post-send request: [`Envelope::classify`],
    /// written out.
    ///
    /// ```
    /// use imhook_core::agora::Envelope;
    /// let body = r#"{"event":"group_op_event","operation":"SHARE_FILE","payload":{"type":"ADD"}}"#;
    /// assert_eq!(Envelope::parse(body).unwrap().kind(), "group_op_event/SHARE_FILE/ADD");
    /// let body = r#"{"chat_type":"muc","payload":{"operation":"kick"}}"#;
    /// assert_eq!(Envelope::parse(body).unwrap().kind(), "muc/kick");
    /// assert_eq!(Envelope::parse("{}").unwrap().kind(), "unknown");
    /// ```
    pub fn kind(&self) -> String {
        self.classify().id()
    }

    /// The kind of a post-send request, read from its discriminators:
    /// `event` (`group_op_event`, with `operation` and `payload.type`), `step`
    /// (`push`), `eventType` (`keyword_alert`, `moderation`), `chat_type` (with
    /// `payload.operation` or `payload.type` where the family has them), and `reason`
    /// with `status` and `user` (a user status).
    pub fn classify(&self) -> AgoraKind {
        let field = |raw| non_empty(json_str(raw));
        if json_str(self.event).as_deref() == Some("group_op_event") {
            let (ty, _) = self.payload_head();
            return AgoraKind::GroupOp(Operation::new(
                field(self.operation).as_deref(),
                field(ty).as_deref(),
            ));
        }
        if json_str(self.step).as_deref() == Some("push") {
            return AgoraKind::OfflinePush;
        }
        match self.event_type().as_deref() {
            Some("keyword_alert") => return AgoraKind::KeywordAlert,
            Some("moderation") => return AgoraKind::Moderation,
            _ => {}
        }
        if let Some(ct) = field(self.chat_type) {
            let operation = || Operation::new(field(self.payload_head().1).as_deref(), None);
            return match ct.as_ref() {
                "chat" | "groupchat" => AgoraKind::Message(Operation::named(&ct)),
                "muc" => AgoraKind::Muc(operation()),
                "roster" => AgoraKind::Roster(operation()),
                "notify" => match field(self.payload_head().0).as_deref() {
                    Some("reaction") => AgoraKind::Reaction,
                    Some("thread") => AgoraKind::Thread,
                    Some(other) => AgoraKind::Unknown(format!("notify/{other}")),
                    None => AgoraKind::Unknown("notify".to_owned()),
                },
                "recall" => AgoraKind::Recall,
                "edit" => AgoraKind::Edit,
                "read_ack" | "channel_ack" | "delivery_ack" => {
                    AgoraKind::Receipt(Named(ct.into_owned()))
                }
                _ => AgoraKind::Unknown("unknown".to_owned()),
            };
        }
        if let Some(reason) = field(self.reason)
            && is_present(self.status)
            && is_present(self.user)
        {
            return AgoraKind::UserStatus(Operation::new(Some(&reason), None));
        }
        AgoraKind::Unknown("unknown".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every published body is read in one pass, to the same envelope `serde_json`
    /// reads.
    #[test]
    fn the_one_pass_reader_takes_every_fixture_as_serde_json_does() {
        let fixtures = crate::agora::request_fixtures();
        for (name, body) in &fixtures {
            let mut read = Envelope::default();
            crate::json_scan::object_members(body, |k, v| read.set(k, v))
                .unwrap_or_else(|| panic!("{name} left to serde_json"));
            let mut serde = Envelope::default();
            crate::json_scan::serde_members(body, |k, v| serde.set(k, v)).unwrap();
            assert_eq!(format!("{read:?}"), format!("{serde:?}"), "{name}");
            assert_eq!(read.payload_head(), serde.payload_head(), "{name}");
        }
        assert!(fixtures.len() > 30, "{} fixtures", fixtures.len());
    }

    #[test]
    fn repeated_and_escaped_fields_are_left_to_serde_json() {
        let one_pass = |body| {
            let mut e = Envelope::default();
            crate::json_scan::object_members(body, |k, v| e.set(k, v))
        };
        assert!(one_pass(r#"{"callId":"a","callId":"b"}"#).is_none());
        assert!(one_pass(r#"{"call\u0049d":"a"}"#).is_none());
        assert!(matches!(
            Envelope::parse(r#"{"callId":"a","callId":"b"}"#),
            Err(EnvelopeError::Ambiguous(_))
        ));
        let e = Envelope::parse(r#"{"call\u0049d":"a"}"#).unwrap();
        assert_eq!(e.call_id().as_deref(), Some("a"));
        let e = Envelope::parse(
            r#"{"payload":{"type":"ADD","type":"X"},"event":"group_op_event","operation":"O"}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), "group_op_event/O");
    }

    /// The key is the hash of the provider, the route and the parts, whichever way
    /// the parts are gathered (keys already stored in Redis stay valid).
    #[test]
    fn the_key_hashes_provider_route_and_parts() {
        for body in [
            r#"{"callId":"c1","event":"group_op_event","operation":"CREATE","to":"x1"}"#,
            r#"{"callId":"c2","chat_type":"groupchat","eventType":"chat_offline","to":"bob"}"#,
            r#"{"callId":"c3","step":"push","eventType":"chat","target":"t"}"#,
            r#"{"callId":"c\u0034","chat_type":"chat"}"#,
        ] {
            let env = Envelope::parse(body).unwrap();
            let kind = env.classify();
            let parts = env.dedup_parts(&kind).unwrap();
            let mut all = vec!["agora", "post-send"];
            all.extend(parts.iter().map(|p| p.as_ref()));
            assert_eq!(
                env.dedup_key(&kind, "post-send"),
                Some(IdempotencyKey::from_parts(&all)),
                "{body}"
            );
        }
        let env = Envelope::parse(r#"{"chat_type":"chat"}"#).unwrap();
        assert_eq!(env.dedup_key(&env.classify(), "post-send"), None);
    }

    #[test]
    fn timestamp_forms() {
        let e = Envelope::parse(r#"{"timestamp":1729499506255}"#).unwrap();
        assert_eq!(e.timestamp_text().as_deref(), Some("1729499506255"));
        let e = Envelope::parse(r#"{"timestamp":"1729499506255"}"#).unwrap();
        assert_eq!(e.timestamp_text().as_deref(), Some("1729499506255"));
        for bad in [
            "1.729499506255E12",
            "1729499506255.0",
            "99999999999999999999",
            "\"\"",
            "null",
            "true",
        ] {
            let body = format!(r#"{{"timestamp":{bad}}}"#);
            let e = Envelope::parse(&body).unwrap();
            assert_eq!(e.timestamp_text(), None, "{bad}");
        }
    }

    #[test]
    fn escaped_call_id() {
        let e = Envelope::parse(r#"{"callId":"a\u0023b"}"#).unwrap();
        assert_eq!(e.call_id().as_deref(), Some("a#b"));
        let e = Envelope::parse(r#"{"callId":5}"#).unwrap();
        assert_eq!(e.call_id(), None);
        assert!(e.has_call_id());
    }

    #[test]
    fn not_objects_and_duplicates() {
        assert_eq!(
            Envelope::parse("[]").unwrap_err(),
            EnvelopeError::NotJsonObject
        );
        assert_eq!(
            Envelope::parse("{").unwrap_err(),
            EnvelopeError::NotJsonObject
        );
        assert!(matches!(
            Envelope::parse(r#"{"callId":"a","callId":"b"}"#),
            Err(EnvelopeError::Ambiguous(_))
        ));
    }

    #[test]
    fn kinds() {
        let k = |b: &str| Envelope::parse(b).unwrap().kind();
        assert_eq!(
            k(r#"{"event":"group_op_event","operation":"DELETE"}"#),
            "group_op_event/DELETE"
        );
        assert_eq!(k(r#"{"event":"group_op_event"}"#), "group_op_event");
        assert_eq!(k(r#"{"step":"push","chat_type":"chat"}"#), "offline_push");
        assert_eq!(k(r#"{"eventType":"moderation"}"#), "moderation");
        assert_eq!(k(r#"{"chat_type":"groupchat"}"#), "message/groupchat");
        assert_eq!(
            k(r#"{"chat_type":"notify","payload":{"type":""}}"#),
            "notify"
        );
        assert_eq!(k(r#"{"chat_type":"weird"}"#), "unknown");
        assert_eq!(
            k(r#"{"reason":"login","status":"online","user":"u"}"#),
            "user_status/login"
        );
        assert_eq!(k(r#"{"reason":"login","user":"u"}"#), "unknown");
        // A field set to null is absent, whichever reader took the body.
        assert_eq!(
            k(r#"{"reason":"login","status":null,"user":"u"}"#),
            "unknown"
        );
        assert_eq!(
            k(r#"{"reason":"login","status":null,"user":"u","k\u0020":1}"#),
            "unknown"
        );
        assert_eq!(
            Envelope::parse(r#"{"payload":null}"#).unwrap().payload(),
            None
        );
    }
}
