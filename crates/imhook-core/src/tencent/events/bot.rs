//! Chatbot commands: messages sent to a chatbot, one-to-one or by mention in a group,
//! and custom pass-through content for a chatbot.

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::is_empty;
use serde::{Deserialize, Serialize};

/// `Bot.OnC2CMessage`: a one-to-one message was sent to a chatbot.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/68952>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotC2cMessage {
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`: the recipient (the chatbot).
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `MsgSeq`.
    #[serde(
        rename = "MsgSeq",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_seq: Option<u32>,
    /// `MsgRandom`.
    #[serde(
        rename = "MsgRandom",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_random: Option<u32>,
    /// `MsgTime`: Unix seconds.
    #[serde(
        rename = "MsgTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_time: Option<i64>,
    /// `MsgKey`: used to recall the message.
    #[serde(
        rename = "MsgKey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_key: Option<String>,
    /// `OnlineOnlyFlag`: 1 = online-only message.
    #[serde(
        rename = "OnlineOnlyFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub online_only_flag: Option<i64>,
    /// `SendMsgResult`: 0 delivered, else an IM error code (a request field).
    #[serde(
        rename = "SendMsgResult",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_msg_result: Option<i64>,
    /// `ErrorInfo`: `"send msg succeed"` on success (a request field).
    #[serde(
        rename = "ErrorInfo",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_info: Option<String>,
    /// `MsgBody`.
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

/// `Bot.OnGroupMessage`: a group message mentioned one or more chatbots.
///
/// Not sent when the message mentions all members.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/68953>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotGroupMessage {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `Operator_Account`: the request initiator.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `Random`: the send request's random number.
    #[serde(
        rename = "Random",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub random: Option<u32>,
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(
        rename = "MsgSeq",
        default,
        deserialize_with = "wire::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_seq: Option<u64>,
    /// `MsgTime`: Unix seconds.
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
    /// `MsgBody`.
    #[serde(rename = "MsgBody")]
    pub msg_body: Vec<MsgElement>,
    /// `AtRobots_Account`: the mentioned chatbots.
    #[serde(
        rename = "AtRobots_Account",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "is_empty"
    )]
    pub at_robots_account: Vec<String>,
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

/// `Chatbot.OnC2CSignalMessage`: the app sent custom pass-through content to a chatbot.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/59057>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatbotSignalMessage {
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`: the recipient (the chatbot).
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `MsgSeq`.
    #[serde(
        rename = "MsgSeq",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_seq: Option<u32>,
    /// `MsgRandom`.
    #[serde(
        rename = "MsgRandom",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_random: Option<u32>,
    /// `MsgKey`.
    #[serde(
        rename = "MsgKey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_key: Option<String>,
    /// `Data`: the pass-through content.
    #[serde(
        rename = "Data",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
