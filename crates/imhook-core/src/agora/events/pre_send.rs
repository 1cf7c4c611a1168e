//! Pre-send requests (docs/protocol/agora.md §4,
//! <https://doc.easemob.com/document/server-side/callback_presending.html>).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// The fields of a pre-send request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreSendWire {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
    /// `chat_type`: `chat`, `group`, `chatroom` or (in samples) `groupchat`.
    #[serde(rename = "chat_type", deserialize_with = "wire::req_string")]
    pub chat_type: String,
    /// `group_id`.
    #[serde(
        rename = "group_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `from`.
    #[serde(
        rename = "from",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<String>,
    /// `to`.
    #[serde(
        rename = "to",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<String>,
    /// `msg_id`.
    #[serde(
        rename = "msg_id",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
    /// `payload`, kept verbatim (typed in [`PreSendEvent::payload`]).
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "wire::opt_raw",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<Box<RawValue>>,
    /// `securityVersion` (reserved).
    #[serde(
        rename = "securityVersion",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub security_version: Option<String>,
}

/// Field by field; two payloads are equal when they read as the same JSON value.
impl PartialEq for PreSendWire {
    fn eq(&self, other: &Self) -> bool {
        let Self {
            call_id,
            timestamp,
            chat_type,
            group_id,
            from,
            to,
            msg_id,
            payload,
            security_version,
        } = self;
        *call_id == other.call_id
            && *timestamp == other.timestamp
            && *chat_type == other.chat_type
            && *group_id == other.group_id
            && *from == other.from
            && *to == other.to
            && *msg_id == other.msg_id
            && *security_version == other.security_version
            && match (payload, &other.payload) {
                (Some(a), Some(b)) => wire::raw_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

/// The shape of a pre-send `payload` (docs/protocol/agora.md §4.1).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PreSendPayload {
    /// A flat single body, e.g. `{"msg":"welcome","type":"txt"}`.
    Flat(Box<MessageBody>),
    /// The REST message shape `{"ext": {...}, "bodies": [...]}`.
    Bodies {
        /// `ext`.
        ext: Option<Value>,
        /// `bodies`.
        bodies: Vec<MessageBody>,
    },
    /// Neither shape: kept raw.
    Other(Value),
}

/// The conversation a pre-send message belongs to (docs/protocol/agora.md §8 #3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conversation {
    /// `chat`: one-to-one.
    OneToOne,
    /// `group`, `groupchat`: a group or chat room (use `group_id`).
    GroupOrRoom,
    /// `chatroom`.
    ChatRoom,
    /// Any other value, verbatim.
    Other(String),
}

/// A pre-send request: the message before it is delivered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PreSendEvent {
    /// The request's fields.
    pub wire: PreSendWire,
    /// The payload, typed by shape.
    pub payload: PreSendPayload,
}

impl PreSendEvent {
    /// Decodes a pre-send body; `Err` when its envelope cannot be used at all.
    pub fn decode(body: &str) -> Result<Self, String> {
        Self::decode_read(body, None)
    }

    /// [`PreSendEvent::decode`] for a body whose envelope was read: the request is
    /// read from the top-level members the envelope kept, so the body's top level is
    /// not read twice. Same result as `decode(body)`.
    pub fn decode_envelope<'a>(
        body: &'a str,
        envelope: &crate::agora::Envelope<'a>,
    ) -> Result<Self, String> {
        Self::decode_read(body, envelope.members())
    }

    /// [`PreSendEvent::decode`], from the body's top-level `members` when its envelope
    /// kept them.
    pub(crate) fn decode_read(
        body: &str,
        members: Option<&crate::json_scan::Members<'_>>,
    ) -> Result<Self, String> {
        if !wire::looks_like_object(body.as_bytes()) {
            return Err("body is not a JSON object".to_owned());
        }
        let wire: PreSendWire =
            crate::json_scan::deserialize_kept(body, members).map_err(|e| e.to_string())?;
        let payload = classify(wire.payload.as_deref());
        Ok(Self { wire, payload })
    }

    /// The sender.
    pub fn from(&self) -> Option<&str> {
        self.wire.from.as_deref()
    }

    /// The text of the message, when it is a text message.
    pub fn text(&self) -> Option<&str> {
        match &self.payload {
            PreSendPayload::Flat(b) => b.text(),
            PreSendPayload::Bodies { bodies, .. } => bodies.iter().find_map(MessageBody::text),
            PreSendPayload::Other(_) => None,
        }
    }

    /// The normalised conversation type.
    pub fn conversation(&self) -> Conversation {
        match self.wire.chat_type.as_str() {
            "chat" => Conversation::OneToOne,
            "group" | "groupchat" => Conversation::GroupOrRoom,
            "chatroom" => Conversation::ChatRoom,
            other => Conversation::Other(other.to_owned()),
        }
    }

    /// The request in its wire shape.
    pub fn to_wire_json(&self) -> Value {
        serde_json::to_value(&self.wire).unwrap_or(Value::Null)
    }

    /// The event record (`kind` is `pre_send`; `known` when the payload shape was recognised).
    pub fn record(&self) -> crate::record::EventRecord {
        crate::record::EventRecord {
            provider: "agora",
            kind: "pre_send".to_owned(),
            known: !matches!(self.payload, PreSendPayload::Other(_)),
            event: self.to_wire_json(),
        }
    }
}

/// What decides a payload's shape: its members `bodies`, `ext` and `type`, borrowed as
/// they are written.
#[derive(Deserialize)]
struct Shape<'a> {
    #[serde(default, borrow, deserialize_with = "raw_member")]
    bodies: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "raw_member")]
    ext: Option<&'a RawValue>,
    #[serde(rename = "type", default, borrow, deserialize_with = "raw_member")]
    kind: Option<&'a RawValue>,
}

/// A member's text, `null` included.
fn raw_member<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Types the payload by its shape, reading it from its text: its shape first, then
/// the body or bodies. A payload that repeats one of the keys the shape is read from is
/// typed from the JSON value it reads as (the last of the repeated keys counts).
fn classify(payload: Option<&RawValue>) -> PreSendPayload {
    let Some(raw) = payload else {
        return PreSendPayload::Other(Value::Null);
    };
    let text = raw.get();
    let shape = wire::looks_like_object(text.as_bytes())
        .then(|| serde_json::from_str::<Shape<'_>>(text).ok())
        .flatten();
    match shape {
        Some(shape) => classify_shape(text, &shape),
        None => classify_value(serde_json::from_str(text).unwrap_or(Value::Null)),
    }
}

fn classify_shape(text: &str, shape: &Shape<'_>) -> PreSendPayload {
    if let Some(bodies) = shape.bodies
        && let Ok(bodies) = serde_json::from_str::<Vec<&RawValue>>(bodies.get())
    {
        return PreSendPayload::Bodies {
            ext: shape
                .ext
                .map(|ext| serde_json::from_str(ext.get()).unwrap_or(Value::Null)),
            bodies: bodies.iter().filter_map(|b| body(b.get())).collect(),
        };
    }
    if shape.kind.is_some_and(|t| t.get().starts_with('"'))
        && let Some(body) = body(text)
    {
        return PreSendPayload::Flat(Box::new(body));
    }
    classify_value(serde_json::from_str(text).unwrap_or(Value::Null))
}

/// One body from its text; one that repeats a key is read as the JSON value it reads
/// as (the last of the repeated keys counts).
fn body(text: &str) -> Option<MessageBody> {
    serde_json::from_str(text).ok().or_else(|| {
        let value: Value = serde_json::from_str(text).ok()?;
        MessageBody::deserialize(&value).ok()
    })
}

/// Types a payload from its JSON value: the rules of [`classify`] on a parsed tree.
fn classify_value(p: Value) -> PreSendPayload {
    if let Some(bodies) = p.get("bodies").and_then(|b| b.as_array()) {
        return PreSendPayload::Bodies {
            ext: p.get("ext").cloned(),
            bodies: bodies
                .iter()
                .filter_map(|b| MessageBody::deserialize(b).ok())
                .collect(),
        };
    }
    if p.get("type").is_some_and(Value::is_string)
        && let Ok(body) = MessageBody::deserialize(&p)
    {
        return PreSendPayload::Flat(Box::new(body));
    }
    // A merged message's flat body may come without `type` (docs/protocol/agora.md
    // §5.6: `txt` + `sub_combine`); such payloads are rare, and read as a tree.
    if p.get("subType").and_then(|t| t.as_str()) == Some("sub_combine") {
        let mut with_type = p.clone();
        if let Some(m) = with_type.as_object_mut() {
            m.insert("type".to_owned(), Value::String("txt".to_owned()));
        }
        if let Ok(body) = serde_json::from_value(with_type) {
            return PreSendPayload::Flat(Box::new(body));
        }
    }
    PreSendPayload::Other(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads of every shape, and the forms the shape reader leaves to the tree.
    const PAYLOADS: &[&str] = &[
        r#"{"msg":"welcome","type":"txt"}"#,
        r#"{"ext":{"k":1},"bodies":[{"type":"txt","msg":"a"},{"type":"img","url":"u"},{"msg":"no type"},7]}"#,
        r#"{"ext":null,"bodies":[]}"#,
        r#"{"bodies":"not a list","type":"txt","msg":"flat after all"}"#,
        r#"{"bodies":null,"type":"custom","customEvent":"e"}"#,
        r#"{"type":5,"msg":"type is not a string"}"#,
        r#"{"type":"txt","lat":"not a number","msg":"lenient fields"}"#,
        r#"{"subType":"sub_combine","msg":"merged","title":"t"}"#,
        r#"{"type":"txt","msg":"first","msg":"last"}"#,
        r#"{"bodies":[],"bodies":[{"type":"txt","msg":"last"}]}"#,
        r#"{"bodies":[{"type":"txt","msg":"a","msg":"b"}]}"#,
        r#"{"typ\u0065":"txt","m\u0073g":"escaped keys"}"#,
        r#"{"type":"no such type","msg":"x"}"#,
        r#"{}"#,
        r#"["not","an","object"]"#,
        r#""a string""#,
        r#"12"#,
    ];

    #[test]
    fn a_payload_is_typed_from_its_text_as_from_its_tree() {
        for text in PAYLOADS {
            let raw = RawValue::from_string((*text).to_owned()).unwrap();
            let tree: Value = serde_json::from_str(text).unwrap();
            assert_eq!(classify(Some(&raw)), classify_value(tree), "{text}");
        }
    }

    #[test]
    fn the_payload_is_kept_verbatim() {
        // Numbers a `serde_json::Value` would round (beyond u64) or refuse (beyond f64).
        let payload = r#"{ "type" : "txt", "msg":"hi", "n": 1.50, "id": 123456789012345678901234567890, "big": 1e400 }"#;
        let body =
            format!(r#"{{"callId":"c","timestamp":1,"chat_type":"chat","payload":{payload}}}"#);
        let event = PreSendEvent::decode(&body).unwrap();
        assert_eq!(
            event.wire.payload.as_deref().map(RawValue::get),
            Some(payload)
        );
        assert_eq!(event.text(), Some("hi"));
        let written = serde_json::to_string(&event.wire).unwrap();
        assert!(
            written.contains(&format!(r#""payload":{payload}"#)),
            "{written}"
        );
        let null = PreSendEvent::decode(
            r#"{"callId":"c","timestamp":1,"chat_type":"chat","payload":null}"#,
        )
        .unwrap();
        assert!(null.wire.payload.is_none());
        assert_eq!(null.payload, PreSendPayload::Other(Value::Null));
    }

    #[test]
    fn payloads_are_equal_when_they_read_as_the_same_value() {
        let decode = |payload: &str| {
            PreSendEvent::decode(&format!(
                r#"{{"callId":"c","timestamp":1,"chat_type":"chat","payload":{payload}}}"#
            ))
            .unwrap()
            .wire
        };
        assert_eq!(
            decode(r#"{"type":"txt","msg":"a"}"#),
            decode(r#"{ "msg" : "a", "type" : "txt" }"#)
        );
        assert_ne!(
            decode(r#"{"type":"txt","msg":"a"}"#),
            decode(r#"{"type":"txt","msg":"b"}"#)
        );
        assert_ne!(decode(r#"{"n":1e400}"#), decode(r#"{"n":2e400}"#));
    }
}
