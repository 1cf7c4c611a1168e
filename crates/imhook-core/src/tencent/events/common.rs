//! Types shared by several Tencent commands: group types, members, key/value lists
//! and the lenient enums that keep unknown values verbatim.

use serde::{Deserialize, Deserializer, Serialize};

/// Declares an enum mirroring a wire string, with an `Other(String)` catch-all that
/// keeps unknown values verbatim, and (de)serialisation as that string.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from(s.to_owned())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self::from)
            }
        }
    };
}
pub(crate) use wire_enum;

/// Declares an enum mirroring a wire integer, with an `Other(i64)` catch-all that keeps
/// unknown values, and (de)serialisation as that integer (a numeric string is accepted).
macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept.
            Other(i64),
        }

        impl $name {
            /// The wire number of this value.
            pub fn code(&self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(n) => *n,
                }
            }
        }

        impl From<i64> for $name {
            fn from(n: i64) -> Self {
                match n {
                    $($wire => Self::$variant,)+
                    n => Self::Other(n),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::wire::req_i64(d).map(Self::from)
            }
        }
    };
}
pub(crate) use int_enum;

/// An optional wire integer enum: an integer (or numeric string) becomes the enum
/// (unknown values `Other`), any other shape is `None`.
pub(crate) fn opt_int_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<i64>,
{
    Ok(crate::wire::opt_i64(d)?.map(T::from))
}

wire_enum! {
    /// Group type (`Type`), tencent.md §4.4 (<https://intl.cloud.tencent.com/document/product/1047/33529>).
    GroupType {
        /// `Private` (the product calls it "Work group").
        Private = "Private",
        /// `Public`.
        Public = "Public",
        /// `ChatRoom` ("Meeting group").
        ChatRoom = "ChatRoom",
        /// `AVChatRoom` (live-streaming group).
        AvChatRoom = "AVChatRoom",
        /// `Community`.
        Community = "Community",
    }
}

/// `{"Member_Account": string}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Member {
    /// The member's user id.
    #[serde(rename = "Member_Account")]
    pub member_account: String,
}

impl Member {
    /// A member entry for `account`.
    pub fn new(account: impl Into<String>) -> Self {
        Self {
            member_account: account.into(),
        }
    }
}

/// `{"Key": string, "Value": string}` (group custom fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyValue {
    /// `Key`.
    #[serde(rename = "Key")]
    pub key: String,
    /// `Value`.
    #[serde(
        rename = "Value",
        default,
        deserialize_with = "crate::wire::string_or_empty"
    )]
    pub value: String,
}

/// An optional wire enum: a string becomes the enum (unknown values `Other`), any
/// other shape is `None`.
pub(crate) fn opt_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    Ok(crate::wire::opt_string(d)?.map(T::from))
}

/// `true` for an empty list (skip it when serialising).
pub(crate) fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// An optional object: a value that decodes as `T` is `Some`, `null` or any other shape
/// is `None`.
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw = Option::<Box<serde_json::value::RawValue>>::deserialize(d)?;
    Ok(raw.and_then(|r| serde_json::from_str(r.get()).ok()))
}
