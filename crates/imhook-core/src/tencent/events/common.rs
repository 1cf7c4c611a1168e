//! Types shared by several Tencent commands: group types, members, key/value lists
//! and the lenient enums that keep unknown values verbatim.

use crate::wire::wire_enum;
use serde::{Deserialize, Serialize};

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
