//! Types and lenient helpers shared by the Agora families.

use crate::wire::{self, wire_enum};
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

wire_enum! {
    /// `eventType` of message-like callbacks.
    EventType {
        /// `chat`: one callback per sent message.
        Chat = "chat",
        /// `chat_offline`: one callback per offline recipient.
        ChatOffline = "chat_offline",
    }
}

wire_enum! {
    /// `type` of a group operation: a group or a chat room.
    GroupKind {
        /// `GROUP`.
        Group = "GROUP",
        /// `CHATROOM`.
        ChatRoom = "CHATROOM",
    }
}

wire_enum! {
    /// `status` of an offline push result.
    PushStatus {
        /// `success`.
        Success = "success",
        /// `fail`.
        Fail = "fail",
        /// `error`.
        Error = "error",
    }
}

/// A `reason` that is text on most pages and a JSON object on others (docs/protocol/agora.md §6.5).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// A string.
    Text(String),
    /// Any other JSON value.
    Json(serde_json::Value),
}

impl Reason {
    /// The reason as JSON: a `Json` value, or a `Text` that holds a JSON document.
    pub fn json(&self) -> Option<serde_json::Value> {
        match self {
            Self::Json(v) => Some(v.clone()),
            Self::Text(t) => serde_json::from_str(t).ok(),
        }
    }

    /// The text of a `Text` reason.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Json(_) => None,
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Json(v) => v.serialize(s),
        }
    }
}

/// `reason`: `null`/absent is `None`, a string `Text`, anything else `Json`.
pub(crate) fn opt_reason<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Reason>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(Reason::Text(s)),
        other => Some(Reason::Json(other)),
    })
}

/// Any JSON value, `null` being absent.
pub(crate) fn opt_value<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    Ok(Some(serde_json::Value::deserialize(d)?).filter(|v| !v.is_null()))
}

/// An optional nested object, decoded in place: any value that is not an object
/// (`null`, a string, a number, a list) is `None`.
///
/// Every `T` it is used with has only optional, lenient fields, so an object always
/// decodes; only an object that repeats one of `T`'s keys fails (read to its end), and
/// with it the whole event, which then reaches the handler raw as an unknown event, or
/// the list item that holds it.
pub(crate) fn opt_lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Lenient<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Lenient<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            // A refused object is read to its end first, so that a struct read in place
            // around it can skip past it (`wire::read_in_place`).
            wire::from_map(map)?.map(Some)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }

        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    d.deserialize_any(Lenient(std::marker::PhantomData))
}
