//! Official account (channel) commands: creation, profile, subscribers and messages.
//!
//! An official account broadcasts messages to its subscribers. Three of these commands
//! are Before callbacks answered with a decision (see [`crate::tencent::decision`]).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::is_empty;
use serde::{Deserialize, Serialize};

/// `{"Subscriber_Account": string}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subscriber {
    /// The subscriber's user ID.
    #[serde(rename = "Subscriber_Account")]
    pub subscriber_account: String,
}

impl Subscriber {
    /// A subscriber entry for `account`.
    pub fn new(account: impl Into<String>) -> Self {
        Self {
            subscriber_account: account.into(),
        }
    }
}

/// `{"MsgKey": string}`: one recalled official-account message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecalledMsg {
    /// `MsgKey`: the message's unique key.
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
}

/// `OfficialAccount.CallbackBeforeCreateOfficialAccount`: before an official account is created.
///
/// Answered with a [`CreateOfficialAccountDecision`](crate::tencent::CreateOfficialAccountDecision).
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60795>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeCreateOfficialAccount {
    /// `Operator_Account`: who asked for the creation.
    #[serde(rename = "Operator_Account")]
    pub operator_account: String,
    /// `Owner_Account`: the creator, who owns the account.
    #[serde(rename = "Owner_Account")]
    pub owner_account: String,
    /// `Name`: the requested name.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterCreateOfficialAccount`: an official account was created.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60796>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterCreateOfficialAccount {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Operator_Account`: who asked for the creation.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `Owner_Account`: the creator, who owns the account.
    #[serde(
        rename = "Owner_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<String>,
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterOfficialAccountInfoChanged`: an official account's profile changed.
///
/// Only the changed fields are present.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60797>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterOfficialAccountInfoChanged {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Operator_Account`: who made the change.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `Introduction`: the new introduction.
    #[serde(
        rename = "Introduction",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// `Name`: the new name.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `FaceUrl`: the new profile photo.
    #[serde(
        rename = "FaceUrl",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_url: Option<String>,
    /// `Organization`: the new organization.
    #[serde(
        rename = "Organization",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub organization: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterOfficialAccountDestroyed`: an official account was destroyed.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60798>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterOfficialAccountDestroyed {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Owner_Account`: the owner.
    #[serde(
        rename = "Owner_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<String>,
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackBeforeAddSubscriber`: before users subscribe to an official account.
///
/// Answered with an [`AddSubscriberDecision`](crate::tencent::AddSubscriberDecision).
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60799>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeAddSubscriber {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Operator_Account`: who made the request.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `SubscribeAccountList`: the users about to subscribe.
    #[serde(
        rename = "SubscribeAccountList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterAddSubscriber`: users subscribed to an official account.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60800>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterAddSubscriber {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Operator_Account`: who made the request.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `SubscribeAccountList`: the new subscribers.
    #[serde(
        rename = "SubscribeAccountList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterOfficialAccountFull`: an official account reached its subscriber limit.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60801>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterOfficialAccountFull {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterDeleteSubscriber`: users unsubscribed from an official account.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60802>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterDeleteSubscriber {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `Operator_Account`: who made the request.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `SubscribeAccountList`: the users who unsubscribed.
    #[serde(
        rename = "SubscribeAccountList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackBeforeSendMsg`: before an official-account message is delivered to the subscribers.
///
/// Answered with an [`OfficialAccountSendMsgDecision`](crate::tencent::OfficialAccountSendMsgDecision).
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60803>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeSendOfficialAccountMsg {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `OnlineOnlyFlag`: 1 = online-only message.
    #[serde(
        rename = "OnlineOnlyFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub online_only_flag: Option<i64>,
    /// `MsgBody`: the message elements.
    #[serde(rename = "MsgBody")]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`.
    #[serde(
        rename = "CloudCustomData",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterSendMsg`: an official-account message was delivered to the subscribers.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60804>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterSendOfficialAccountMsg {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `MsgKey`: the message's unique key, used to recall it.
    #[serde(
        rename = "MsgKey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_key: Option<String>,
    /// `MsgTime`: server time of the message, Unix seconds.
    #[serde(
        rename = "MsgTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_time: Option<i64>,
    /// `OnlineOnlyFlag`: 1 = online-only message.
    #[serde(
        rename = "OnlineOnlyFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub online_only_flag: Option<i64>,
    /// `MsgBody`: the message elements.
    #[serde(rename = "MsgBody")]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`.
    #[serde(
        rename = "CloudCustomData",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `OfficialAccount.CallbackAfterMsgWithDraw`: official-account messages were recalled.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60805>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterOfficialAccountMsgRecalled {
    /// `Official_Account`: the official account's user ID.
    #[serde(rename = "Official_Account")]
    pub official_account: String,
    /// `WithdrawMsgList`: the recalled messages.
    #[serde(
        rename = "WithdrawMsgList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub withdraw_msg_list: Vec<RecalledMsg>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
