//! Push-result commands: the outcome of offline pushes and of all-member pushes.
//!
//! IM batches these results: one request carries `{"Events": [...]}` with 1 to 100
//! items, each with its own `CallbackCommand`, and times in Unix **seconds**. The
//! request URL has no `ClientIP` or `OptPlatform`. One request is one typed event
//! holding the whole list (one handler call). IM rate-limits these callbacks and
//! retries the ones over the limit later.

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::{int_enum, opt_int_enum};
use serde::{Deserialize, Serialize};

int_enum! {
    /// `EventType` of an offline-push result: the kind of message that was pushed.
    OfflinePushEventType {
        /// `1`: a one-to-one message.
        C2c = 1,
        /// `2`: a group message.
        Group = 2,
    }
}

int_enum! {
    /// `EventType` of an all-member push result: how the push was delivered.
    AllMemberPushEventType {
        /// `1`: offline push (through the vendor channel).
        Offline = 1,
        /// `2`: online push.
        Online = 2,
    }
}

/// One item of `Push.OfflinePush`'s `Events`: the result of pushing one message to one user.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/67552>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OfflinePushEvent {
    /// `CallbackCommand` repeated in the item.
    #[serde(
        rename = "CallbackCommand",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_command: Option<String>,
    /// `EventType`: one-to-one or group message.
    #[serde(
        rename = "EventType",
        default,
        deserialize_with = "opt_int_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<OfflinePushEventType>,
    /// `EventTime`: when the push event happened, Unix **seconds**.
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
    /// `From_Account`: the message's sender.
    #[serde(
        rename = "From_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from_account: Option<String>,
    /// `To_Account`: the user the message was pushed to.
    #[serde(
        rename = "To_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to_account: Option<String>,
    /// `PushPlatform`: the push vendor, as the page's vendor code.
    #[serde(
        rename = "PushPlatform",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_platform: Option<i64>,
    /// `PushStage`: the push stage, as the page's stage code.
    #[serde(
        rename = "PushStage",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_stage: Option<i64>,
    /// `MsgKey`: the one-to-one message's unique key.
    #[serde(
        rename = "MsgKey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_key: Option<String>,
    /// `GroupID`: the group of a group message (spelled `GroupID` here).
    #[serde(
        rename = "GroupID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `MsgSeq`: the message's sequence number.
    #[serde(
        rename = "MsgSeq",
        default,
        deserialize_with = "wire::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number.
    #[serde(
        rename = "MsgRandom",
        default,
        deserialize_with = "wire::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_random: Option<u32>,
    /// `MsgTime`: when the message was sent, Unix seconds.
    #[serde(
        rename = "MsgTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_time: Option<i64>,
    /// `PushID`: the push's unique ID.
    #[serde(
        rename = "PushID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_id: Option<String>,
    /// `ErrCode`: the push result, 0 = success.
    #[serde(
        rename = "ErrCode",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub err_code: Option<i64>,
    /// `ErrInfo`: the push result's description (may be empty).
    #[serde(
        rename = "ErrInfo",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub err_info: Option<String>,
}

/// One item of `Push.AllMemberPush`'s `Events`: the result of one all-member (or tag, or single) push task for one user.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/67551>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllMemberPushEvent {
    /// `CallbackCommand` repeated in the item.
    #[serde(
        rename = "CallbackCommand",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_command: Option<String>,
    /// `EventType`: offline or online push.
    #[serde(
        rename = "EventType",
        default,
        deserialize_with = "opt_int_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_type: Option<AllMemberPushEventType>,
    /// `TaskId`: the push task's ID, returned when the push was sent.
    #[serde(
        rename = "TaskId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_id: Option<String>,
    /// `TaskTime`: when the push task started, Unix seconds.
    #[serde(
        rename = "TaskTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_time: Option<i64>,
    /// `EventTime`: when the push event happened, Unix **seconds**.
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
    /// `To_Account`: the user pushed to.
    #[serde(
        rename = "To_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to_account: Option<String>,
    /// `PushPlatform`: the push vendor, as the page's vendor code.
    #[serde(
        rename = "PushPlatform",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_platform: Option<i64>,
    /// `PushStage`: the push stage, as the page's stage code.
    #[serde(
        rename = "PushStage",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_stage: Option<i64>,
    /// `ErrCode`: the push result, 0 = success.
    #[serde(
        rename = "ErrCode",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub err_code: Option<i64>,
    /// `ErrInfo`: the push result's description (may be empty).
    #[serde(
        rename = "ErrInfo",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub err_info: Option<String>,
}

/// `Push.OfflinePush`: results of offline pushes of one-to-one and group messages.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/67552> (mainland edition:
/// <https://cloud.tencent.com/document/product/269/102567>).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OfflinePushResults {
    /// `Events`: 1 to 100 results.
    #[serde(rename = "Events")]
    pub events: Vec<OfflinePushEvent>,
}

/// `Push.AllMemberPush`: results of all-member, tag and single pushes.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/67551> (mainland edition:
/// <https://cloud.tencent.com/document/product/269/102568>).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllMemberPushResults {
    /// `Events`: 1 to 100 results.
    #[serde(rename = "Events")]
    pub events: Vec<AllMemberPushEvent>,
}
