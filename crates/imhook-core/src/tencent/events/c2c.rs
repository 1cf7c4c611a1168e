//! One-to-one message commands (docs/protocol/tencent.md §5.3 rows 35–38).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::is_empty;
use serde::{Deserialize, Serialize};

/// `C2C.CallbackBeforeSendMsg`: before a one-to-one message is delivered.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34364>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeSendC2cMsg {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`.
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
    /// `OnlineOnlyFlag`.
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
    /// `CloudCustomData`.
    #[serde(
        rename = "CloudCustomData",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
    /// `MsgId`: client message id.
    #[serde(
        rename = "MsgId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `C2C.CallbackAfterSendMsg`: a one-to-one message was delivered, or delivery failed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34365>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterSendC2cMsg {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`.
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
    /// `MsgKey`.
    #[serde(
        rename = "MsgKey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_key: Option<String>,
    /// `OnlineOnlyFlag`.
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
    /// `CloudCustomData`.
    #[serde(
        rename = "CloudCustomData",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
    /// `MsgId`.
    #[serde(
        rename = "MsgId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
    /// `SendMsgResult`: 0 delivered, else an IM error code (a request field).
    #[serde(
        rename = "SendMsgResult",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_msg_result: Option<i64>,
    /// `ErrorInfo` (a request field).
    #[serde(
        rename = "ErrorInfo",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_info: Option<String>,
    /// `UnreadMsgNum`: -1 if delivery failed.
    #[serde(
        rename = "UnreadMsgNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub unread_msg_num: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `C2C.CallbackAfterMsgReport`: a one-to-one conversation was marked read.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/43465>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterC2cMsgRead {
    /// `Report_Account`: who read.
    #[serde(rename = "Report_Account")]
    pub report_account: String,
    /// `Peer_Account`: the other party.
    #[serde(rename = "Peer_Account")]
    pub peer_account: String,
    /// `LastReadTime`: Unix seconds.
    #[serde(
        rename = "LastReadTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_read_time: Option<i64>,
    /// `UnreadMsgNum`.
    #[serde(
        rename = "UnreadMsgNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub unread_msg_num: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `C2C.CallbackAfterMsgWithDraw`: a one-to-one message was recalled.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/43466>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterC2cMsgRecalled {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `MsgKey`.
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    /// `UnreadMsgNum`.
    #[serde(
        rename = "UnreadMsgNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub unread_msg_num: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `C2C.CallbackAfterC2CMsgExtension`: extensions of a one-to-one message were set, deleted or cleared.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/76006>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterC2cMsgExtension {
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`: the message's recipient.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `MsgKey`: the message.
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    /// `OperateType`: 1 set, 2 delete, 3 clear.
    #[serde(rename = "OperateType")]
    pub operate_type: super::group::OperateType,
    /// `ExtensionList`: `Value` is `""` for deletions, the list is empty for clear.
    #[serde(
        rename = "ExtensionList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub extension_list: Vec<super::group::Extension>,
    /// `Seq`: latest version of the extension set.
    #[serde(
        rename = "Seq",
        default,
        deserialize_with = "wire::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub seq: Option<u64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
