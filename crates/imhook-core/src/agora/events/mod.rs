//! The Agora post-send catalogue (docs/protocol/agora.md §5) and the pre-send request (§4) as typed
//! events.
//!
//! [`AgoraEvent::decode_as`] takes the kind read by
//! [`Envelope::classify`](crate::agora::Envelope::classify), dispatches on its family
//! (the families are listed once, in `agora/catalogue.rs`), and parses the body
//! straight into that family's struct. A kind the library does not know, or a known one
//! whose required fields are missing or mistyped, becomes [`AgoraEvent::Unknown`] with
//! the raw JSON (and the error): it is acknowledged like any other event, never refused.
//! New operations inside a known family (e.g. `group_op_event/UPDATE/NEW_TYPE`) decode
//! into the family's type with an `Other` operation and are reported as not *known*.
//!
//! ```
//! use imhook_core::agora::{AgoraEvent, Envelope};
//! use imhook_core::agora::events::GroupOperation;
//! let body = r#"{"callId":"a_1","event":"group_op_event","operation":"SHARE_FILE","id":"g1","type":"GROUP",
//!     "operator":"u1","appkey":"o#a","timestamp":"1729499506255","payload":{"type":"ADD","share_file":"f-1"}}"#;
//! let kind = Envelope::parse(body).unwrap().classify();
//! let ev = AgoraEvent::decode_as(&kind, body);
//! assert!(ev.is_known());
//! let AgoraEvent::GroupOp(g) = &ev else { unreachable!() };
//! assert_eq!(g.operation(), GroupOperation::ShareFileAdded);
//! assert_eq!(g.timestamp, 1729499506255);
//! assert_eq!(ev.record().event["payload"]["share_file"][0], "f-1");
//! ```

mod body;
mod common;
mod group_op;
mod keyword_alert;
mod message;
mod moderation;
mod muc;
mod notify;
mod offline_push;
mod pre_send;
mod receipt;
mod roster;
mod user_status;

pub use body::{BodyType, MessageBody};
pub use common::{EventType, GroupKind, PushStatus, Reason};
pub use group_op::{GroupOpEvent, GroupOperation};
pub use keyword_alert::KeywordAlertEvent;
pub use message::MessageEvent;
pub use moderation::ModerationEvent;
pub use muc::MucEvent;
pub use notify::{ReactionEvent, ThreadEvent};
pub use offline_push::OfflinePushEvent;
pub use pre_send::{Conversation, PreSendEvent, PreSendPayload};
pub use receipt::{EditEvent, RecallEvent, ReceiptEvent};
pub use roster::RosterEvent;
pub use user_status::UserStatusEvent;

pub use crate::agora::catalogue::FAMILIES;

use crate::agora::Envelope;
use crate::agora::catalogue::{AgoraKind, Family, Named, Operation, family_kind, for_each_family};
use crate::json_scan::Members;
use crate::record::EventRecord;
use serde_json::value::RawValue;

/// Defines [`AgoraEvent`] and everything on it that follows the family catalogue
/// (`agora/catalogue.rs`): the variants, the decode arms, the kind, whether an event is
/// known and the wire form.
macro_rules! define_events {
    ($($(#[doc = $doc:literal])* $variant:ident $(($detail:ty))? = $($id:literal)|+
        => $ty:ty, $method:ident;)*) => {
        /// A post-send callback, decoded.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum AgoraEvent {
            $(
                $(#[doc = $doc])*
                $variant($ty),
            )*
            /// A kind the library does not model, or a known kind whose typed decode failed.
            Unknown(UnknownEvent),
        }

        impl AgoraEvent {
            /// Decodes a post-send `body` whose kind is `kind` (from
            /// [`Envelope::classify`](crate::agora::Envelope::classify)). Never fails:
            /// anything that cannot be typed is [`AgoraEvent::Unknown`].
            pub fn decode_as(kind: &AgoraKind, body: &str) -> Self {
                Self::decode_read(kind, body, None)
            }

            /// [`AgoraEvent::decode_as`] for a body whose envelope was read: the event
            /// is read from the top-level members the envelope kept, so the body's top
            /// level is not read twice. Same result as `decode_as(kind, body)`.
            ///
            /// ```
            /// use imhook_core::agora::{AgoraEvent, Envelope};
            /// let body = r#"{"callId":"a_1","event":"group_op_event","operation":"SHARE_FILE","id":"g1",
            ///     "type":"GROUP","operator":"u1","appkey":"o#a","timestamp":1,"payload":{"type":"ADD"}}"#;
            /// let envelope = Envelope::parse(body).unwrap();
            /// let kind = envelope.classify();
            /// let event = AgoraEvent::decode_envelope(&kind, body, &envelope);
            /// assert!(event.is_known());
            /// assert_eq!(event.kind(), kind);
            /// ```
            pub fn decode_envelope<'a>(
                kind: &AgoraKind,
                body: &'a str,
                envelope: &Envelope<'a>,
            ) -> Self {
                Self::decode_read(kind, body, envelope.members())
            }

            /// [`AgoraEvent::decode_as`], from the body's top-level `members` when its
            /// envelope kept them.
            pub(crate) fn decode_read(
                kind: &AgoraKind,
                body: &str,
                members: Option<&Members<'_>>,
            ) -> Self {
                match kind {
                    $(AgoraKind::$variant { .. } => typed(kind, body, members, Self::$variant),)*
                    AgoraKind::PreSend | AgoraKind::Unknown(_) => unknown(kind, body, None),
                }
            }

            /// The kind, read from the typed fields (an unknown event's from the id it
            /// was read with).
            pub fn kind(&self) -> AgoraKind {
                match self {
                    $(Self::$variant(e) => family_kind!(variant $variant, e $(, $detail)?),)*
                    Self::Unknown(u) => AgoraKind::from_id(&u.kind),
                }
            }

            /// `true` when decoded into a typed model of a catalogued kind (a new operation in
            /// a known family is not *known*).
            pub fn is_known(&self) -> bool {
                match self {
                    $(Self::$variant(e) => family_kind!(known e $(, $detail)?),)*
                    Self::Unknown(_) => false,
                }
            }

            /// The event in its wire shape, or the raw JSON for unknown events.
            pub fn to_wire_json(&self) -> serde_json::Value {
                let v = match self {
                    $(Self::$variant(e) => serde_json::to_value(e),)*
                    Self::Unknown(u) => serde_json::from_str(u.raw.get()),
                };
                v.unwrap_or(serde_json::Value::Null)
            }
        }
    };
}

for_each_family!(define_events);

impl Family for GroupOpEvent {
    type Detail = Operation;
    fn detail(&self) -> Operation {
        Operation::new(Some(&self.operation), self.sub_type())
    }
    fn is_catalogued(&self) -> bool {
        !matches!(self.operation(), GroupOperation::Other { .. })
    }
}

impl Family for MucEvent {
    type Detail = Operation;
    fn detail(&self) -> Operation {
        Operation::new(Some(self.operation()), None)
    }
    fn is_catalogued(&self) -> bool {
        self.is_known_operation()
    }
}

impl Family for MessageEvent {
    type Detail = Operation;
    fn detail(&self) -> Operation {
        Operation::named(&self.chat_type)
    }
    fn is_catalogued(&self) -> bool {
        matches!(self.chat_type.as_str(), "chat" | "groupchat")
    }
}

impl Family for ReceiptEvent {
    type Detail = Named;
    fn detail(&self) -> Named {
        Named(self.chat_type.clone())
    }
}

impl Family for RosterEvent {
    type Detail = Operation;
    fn detail(&self) -> Operation {
        Operation::new(Some(self.operation()), None)
    }
    fn is_catalogued(&self) -> bool {
        roster::ROSTER_OPERATIONS.contains(&self.operation())
    }
}

impl Family for UserStatusEvent {
    type Detail = Operation;
    fn detail(&self) -> Operation {
        Operation::new(Some(&self.reason), None)
    }
    fn is_catalogued(&self) -> bool {
        USER_STATUS_REASONS.contains(&self.reason.as_str())
    }
}

/// A callback kept as raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The kind id derived from whatever discriminators are present.
    pub kind: String,
    /// The raw body.
    pub raw: Box<RawValue>,
    /// Why a known kind could not be typed, if that is why it is unknown.
    pub error: Option<String>,
}

/// Kind ids of `user_status/…` that the library types.
const USER_STATUS_REASONS: &[&str] = &["login", "logout", "replaced"];

fn typed<T: serde::de::DeserializeOwned>(
    kind: &AgoraKind,
    body: &str,
    members: Option<&Members<'_>>,
    wrap: fn(T) -> AgoraEvent,
) -> AgoraEvent {
    match crate::json_scan::deserialize_kept::<T>(body, members) {
        Ok(ev) => wrap(ev),
        Err(e) => unknown(kind, body, Some(e.to_string())),
    }
}

fn unknown(kind: &AgoraKind, body: &str, error: Option<String>) -> AgoraEvent {
    let kind = kind.id();
    let raw = serde_json::from_str::<Box<RawValue>>(body)
        .or_else(|_| RawValue::from_string("null".to_owned()));
    match raw {
        Ok(raw) => AgoraEvent::Unknown(UnknownEvent {
            kind: kind.clone(),
            raw,
            error,
        }),
        // Unreachable in practice: "null" is valid JSON.
        Err(_) => AgoraEvent::Unknown(UnknownEvent {
            kind,
            raw: Box::<RawValue>::default(),
            error,
        }),
    }
}

impl AgoraEvent {
    /// Decodes a post-send `body` whose kind id is `kind` (as written in event records);
    /// see [`AgoraEvent::decode_as`].
    pub fn decode(kind: &str, body: &str) -> Self {
        Self::decode_as(&AgoraKind::from_id(kind), body)
    }

    /// The event record (`{"provider":"agora","kind","known","event"}`) of this event,
    /// decoded from `raw` (the request body; a handler has it as `ctx.raw_json()`). A
    /// known event is written in its typed wire shape; any other (a new operation held
    /// by a family's catch-all, a failed typed decode, a new family) as `raw`, so that
    /// no field is lost. `security` is never written (see [`EventRecord`]).
    ///
    /// ```
    /// use imhook_core::agora::{AgoraEvent, Envelope};
    /// let raw = r#"{"callId":"a_1","event":"group_op_event","operation":"PIN_MESSAGE","id":"g1",
    ///     "type":"GROUP","operator":"u1","appkey":"o#a","timestamp":1729499506255,
    ///     "security":"2618fe22d1623c0a66383058b64ae8ad","payload":{"type":"ADD","msg_id":"m-1"}}"#;
    /// let ev = AgoraEvent::decode(&Envelope::parse(raw).unwrap().kind(), raw);
    /// let record = ev.record_from(raw);
    /// assert!(!record.known);
    /// assert_eq!(record.event["payload"]["msg_id"], "m-1");
    /// assert_eq!(record.event["security"], "***");
    /// ```
    pub fn record_from(&self, raw: &str) -> EventRecord {
        match self {
            Self::Unknown(u) => EventRecord::raw("agora", u.kind.clone(), u.raw.get()),
            _ if self.is_known() => {
                EventRecord::new("agora", self.kind().to_string(), true, self.to_wire_json())
            }
            _ => EventRecord::raw("agora", self.kind().to_string(), raw),
        }
    }

    /// The event record without the request body: as [`AgoraEvent::record_from`],
    /// except that an event held by a family's catch-all (e.g.
    /// `group_op_event/PIN_MESSAGE`) is written in its typed shape, without the fields
    /// the model does not hold. Prefer [`AgoraEvent::record_from`] where the body is at
    /// hand.
    pub fn record(&self) -> EventRecord {
        match self {
            Self::Unknown(u) => self.record_from(u.raw.get()),
            _ => EventRecord::new(
                "agora",
                self.kind().to_string(),
                self.is_known(),
                self.to_wire_json(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::agora::Envelope;
    use serde_json::{Value, json};

    fn signed(mut body: Value) -> String {
        body["callId"] = json!("a_1");
        body["timestamp"] = json!(1_729_499_506_255i64);
        body["security"] = json!("2618fe22d1623c0a66383058b64ae8ad");
        body["x_new"] = json!({"id": 1});
        body.to_string()
    }

    /// An event only its family's catch-all holds is recorded as its raw JSON.
    #[test]
    fn catch_all_events_are_recorded_raw() {
        for body in [
            json!({"event":"group_op_event","operation":"PIN_MESSAGE","id":"g","type":"GROUP",
                "operator":"u","payload":{"type":"ADD","msg_id":"m-1"}}),
            json!({"chat_type":"muc","payload":{"operation":"pin","muc_id":"m","msg_id":"m-1"}}),
            json!({"chat_type":"roster","payload":{"operation":"mute","until":5}}),
            json!({"reason":"kicked","status":"offline","user":"u","os":"ios"}),
            json!({"chat_type":"notify","payload":{"type":"poll","poll_id":"p"}}),
            json!({"chat_type":"chat","payload":"new shape"}),
            json!({"chat_type":"hologram"}),
        ] {
            let raw = signed(body);
            let ev = AgoraEvent::decode(&Envelope::parse(&raw).unwrap().kind(), &raw);
            let record = ev.record_from(&raw);
            let mut want: Value = serde_json::from_str(&raw).unwrap();
            want["security"] = json!("***");
            assert!(!record.known, "{raw}");
            assert_eq!(record.event, want, "{raw}");
            assert_eq!(record.kind, ev.kind());
        }
    }

    /// A known event is recorded in its typed shape, which never holds `security`.
    #[test]
    fn known_events_are_recorded_typed() {
        let raw = signed(
            json!({"event":"group_op_event","operation":"SHARE_FILE","id":"g",
            "type":"GROUP","operator":"u","payload":{"type":"ADD","share_file":["f"]}}),
        );
        let ev = AgoraEvent::decode(&Envelope::parse(&raw).unwrap().kind(), &raw);
        let record = ev.record_from(&raw);
        assert!(record.known);
        assert_eq!(record, ev.record());
        assert!(record.event.get("x_new").is_none());
        assert!(!record.to_line().contains("2618fe22"));
    }

    /// Without the body, an unknown event still keeps its raw JSON, redacted.
    #[test]
    fn record_without_the_body_redacts_unknown_events() {
        let raw = signed(json!({"chat_type":"hologram"}));
        let ev = AgoraEvent::decode("unknown", &raw);
        assert_eq!(ev.record(), ev.record_from(&raw));
        assert_eq!(ev.record().event["security"], "***");
    }

    /// Reading the event from the envelope's members gives the event read from the
    /// body: for every published request, and for copies with a required field
    /// mistyped, a nested object replaced, a field repeated and an unknown field added.
    #[test]
    fn the_members_read_the_same_event_as_the_body() {
        let fixtures = crate::agora::request_fixtures();
        for (name, original) in fixtures.iter().cloned() {
            let compact: Value = serde_json::from_str(&original).unwrap();
            let mut bodies = vec![original, compact.to_string()];
            let mut mistyped = compact.clone();
            mistyped["callId"] = json!({"not": "a string"});
            mistyped["timestamp"] = json!([1]);
            let mut replaced = compact.clone();
            replaced["payload"] = json!("text");
            let mut added = compact.clone();
            added["a_field_from_a_newer_provider"] = json!({"x": [1, 2]});
            bodies.extend([mistyped, replaced, added].map(|v| v.to_string()));
            let text = compact.to_string();
            bodies.push(text.replacen('{', r#"{"appkey":"first","#, 1));
            for body in &bodies {
                let mut env = crate::agora::Envelope::parse(body).unwrap();
                let members = env.take_members();
                assert!(members.is_some(), "{name}: left to serde_json");
                if name.starts_with("pre_send") {
                    let read = PreSendEvent::decode_read(body, members.as_ref());
                    let direct = PreSendEvent::decode(body);
                    assert_eq!(read.is_ok(), direct.is_ok(), "{name}: {body}");
                    if let (Ok(read), Ok(direct)) = (read, direct) {
                        assert_eq!(format!("{read:?}"), format!("{direct:?}"), "{name}");
                    }
                    continue;
                }
                let kind = env.classify();
                let read = AgoraEvent::decode_read(&kind, body, members.as_ref());
                let direct = AgoraEvent::decode_as(&kind, body);
                match (&read, &direct) {
                    (AgoraEvent::Unknown(r), AgoraEvent::Unknown(d)) => {
                        assert_eq!(r.kind, d.kind, "{name}");
                        assert_eq!(r.raw.get(), d.raw.get(), "{name}");
                        assert_eq!(r.error.is_some(), d.error.is_some(), "{name}: {body}");
                    }
                    _ => assert_eq!(format!("{read:?}"), format!("{direct:?}"), "{name}: {body}"),
                }
            }
        }
        assert!(fixtures.len() > 40, "{} fixtures", fixtures.len());
    }
}
