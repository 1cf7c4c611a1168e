//! Types shared by several Tencent commands: group types, members, key/value lists
//! and the lenient enums that keep unknown values verbatim.

use crate::wire::{InPlaceItem, read_in_place, wire_enum};
use serde::{Deserialize, Deserializer, Serialize};

wire_enum! {
    /// Group type (`Type`), docs/protocol/tencent.md §4.4 (<https://intl.cloud.tencent.com/document/product/1047/33529>).
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
    #[serde(rename = "Member_Account", deserialize_with = "crate::wire::string")]
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

/// In a member list, read in place ([`read_in_place`]): its field's reader consumes
/// its value even when it refuses it.
impl InPlaceItem for Member {
    fn read_item<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        read_in_place(d)
    }
}

/// `{"Key": string, "Value": string}` (group custom fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyValue {
    /// `Key`.
    #[serde(rename = "Key", deserialize_with = "crate::wire::string")]
    pub key: String,
    /// `Value`.
    #[serde(
        rename = "Value",
        default,
        deserialize_with = "crate::wire::string_or_empty"
    )]
    pub value: String,
}

/// In a key/value list, read in place ([`read_in_place`]): its fields' readers consume
/// their values even when they refuse them.
impl InPlaceItem for KeyValue {
    fn read_item<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        read_in_place(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::in_place_checks::{Lists, assert_same_items, lists};
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> + Clone {
        prop::sample::select(vec![
            r#""bob""#,
            r#""""#,
            r#""\u0041""#,
            "5",
            "-3",
            "1.5",
            "null",
            "true",
            "{}",
            r#"{"Key":"k"}"#,
            "[]",
            r#"["x"]"#,
            r#"[1,{"a":null}]"#,
        ])
        .prop_map(str::to_owned)
    }

    #[test]
    fn in_place_lists_keep_the_items_of_the_text_lists() {
        let list = r#"[{"Member_Account":"a"},{"Member_Account":5},{"Key":"k","Value":7},
            {"Key":"k","Key":"l"},{"Key":"k","Value":{"x":[1]}},["k"],["k","v","w"],"s",null]"#;
        assert_same_items::<Member>(list);
        assert_same_items::<KeyValue>(list);
        let lists: Lists<KeyValue> =
            serde_json::from_str(&format!(r#"{{"in_place":{list}}}"#)).unwrap();
        let keys: Vec<_> = lists
            .in_place
            .iter()
            .map(|kv| (&*kv.key, &*kv.value))
            .collect();
        assert_eq!(keys, [("k", "7"), ("k", ""), ("k", "")]);
    }

    proptest! {
        #[test]
        fn in_place_lists_agree_with_text_lists(
            list in lists(vec!["Member_Account", "Key", "Value", "Other"], value())
        ) {
            assert_same_items::<Member>(&list);
            assert_same_items::<KeyValue>(&list);
        }
    }
}
