//! Relationship chain commands (docs/protocol/tencent.md §5.3 rows 27–32).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::{opt_enum, wire_enum};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// `AddType` of a friend request.
    AddType {
        /// `Add_Type_Single`.
        Single = "Add_Type_Single",
        /// `Add_Type_Both`.
        Both = "Add_Type_Both",
    }
}

wire_enum! {
    /// `ResponseAction` of a friend response.
    ResponseAction {
        /// `Response_Action_AgreeAndAdd`.
        AgreeAndAdd = "Response_Action_AgreeAndAdd",
        /// `Response_Action_Agree`.
        Agree = "Response_Action_Agree",
        /// `Response_Action_Reject`.
        Reject = "Response_Action_Reject",
    }
}

wire_enum! {
    /// `ClientCmd` of `Sns.CallbackFriendAdd`.
    ClientCmd {
        /// `friend_add`.
        FriendAddSnake = "friend_add",
        /// `FriendAdd`.
        FriendAdd = "FriendAdd",
        /// `friend_response`.
        FriendResponseSnake = "friend_response",
        /// `FriendResponse`.
        FriendResponse = "FriendResponse",
    }
}

/// One target of a friend request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendItem {
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `Remark`.
    #[serde(
        rename = "Remark",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub remark: Option<String>,
    /// `GroupName`.
    #[serde(
        rename = "GroupName",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_name: Option<String>,
    /// `AddSource`.
    #[serde(
        rename = "AddSource",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub add_source: Option<String>,
    /// `AddWording`.
    #[serde(
        rename = "AddWording",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub add_wording: Option<String>,
}

/// One answer of a friend response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseFriendItem {
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `Remark`.
    #[serde(
        rename = "Remark",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub remark: Option<String>,
    /// `TagName`.
    #[serde(
        rename = "TagName",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub tag_name: Option<String>,
    /// `ResponseAction`.
    #[serde(
        rename = "ResponseAction",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub response_action: Option<ResponseAction>,
}

/// One pair of `Sns.CallbackFriendAdd`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendPair {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `Initiator_Account`.
    #[serde(
        rename = "Initiator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub initiator_account: Option<String>,
}

/// `{"From_Account", "To_Account"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountPair {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
}

/// `Sns.CallbackPrevFriendAdd`: before a friend request is processed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/43468>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeFriendAdd {
    /// `Requester_Account`: who initiated.
    #[serde(rename = "Requester_Account")]
    pub requester_account: String,
    /// `From_Account`: who wants to add friends.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `FriendItem`: the targets.
    #[serde(rename = "FriendItem")]
    pub friend_item: Vec<FriendItem>,
    /// `AddType`.
    #[serde(
        rename = "AddType",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub add_type: Option<AddType>,
    /// `ForceAddFlags`: 1 = forced by an admin.
    #[serde(
        rename = "ForceAddFlags",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub force_add_flags: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Sns.CallbackPrevFriendResponse`: before a friend request answer is processed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/43467>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeFriendResponse {
    /// `Requester_Account`.
    #[serde(rename = "Requester_Account")]
    pub requester_account: String,
    /// `From_Account`: the responder.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `ResponseFriendItem`: the answers.
    #[serde(rename = "ResponseFriendItem")]
    pub response_friend_item: Vec<ResponseFriendItem>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Sns.CallbackFriendAdd`: friendships were established.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34359>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendAdded {
    /// `PairList`.
    #[serde(rename = "PairList")]
    pub pair_list: Vec<FriendPair>,
    /// `ClientCmd`.
    #[serde(
        rename = "ClientCmd",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_cmd: Option<ClientCmd>,
    /// `Admin_Account`.
    #[serde(
        rename = "Admin_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub admin_account: Option<String>,
    /// `ForceFlag`: 1 = forced by an admin.
    #[serde(
        rename = "ForceFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub force_flag: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Sns.CallbackFriendDelete`: friends were deleted.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34360>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendDeleted {
    /// `PairList`: `From_Account` deleted `To_Account`.
    #[serde(rename = "PairList")]
    pub pair_list: Vec<AccountPair>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Sns.CallbackBlackListAdd`: users were added to a blocklist.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34361>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlocklistAdded {
    /// `PairList`: `From_Account` blocked `To_Account`.
    #[serde(rename = "PairList")]
    pub pair_list: Vec<AccountPair>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Sns.CallbackBlackListDelete`: users were removed from a blocklist.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34362>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BlocklistRemoved {
    /// `PairList`: `From_Account` unblocked `To_Account`.
    #[serde(rename = "PairList")]
    pub pair_list: Vec<AccountPair>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

impl BeforeFriendAdd {
    /// The target accounts (`FriendItem[].To_Account`), in request order.
    pub fn targets(&self) -> Vec<String> {
        self.friend_item
            .iter()
            .map(|i| i.to_account.clone())
            .collect()
    }
}

impl BeforeFriendResponse {
    /// The target accounts (`ResponseFriendItem[].To_Account`), in request order.
    pub fn targets(&self) -> Vec<String> {
        self.response_friend_item
            .iter()
            .map(|i| i.to_account.clone())
            .collect()
    }
}
