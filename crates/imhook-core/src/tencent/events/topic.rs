//! Community topic commands (docs/protocol/tencent.md §5.3 rows 14–17).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::is_empty;
use serde::{Deserialize, Serialize};

/// `Group.CallbackBeforeCreateTopic`: before a topic is created in a Community group.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/49463>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeCreateTopic {
    /// `Operator_Account`.
    #[serde(rename = "Operator_Account")]
    pub operator_account: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Name`: the topic name.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `GroupId` (not documented, sometimes sent).
    #[serde(
        rename = "GroupId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterCreateTopic`: a topic was created.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/49464>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterCreateTopic {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `TopicId`.
    #[serde(rename = "TopicId")]
    pub topic_id: String,
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `Owner_Account`.
    #[serde(
        rename = "Owner_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<String>,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Name`: the topic name.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `UserDefinedDataList`.
    #[serde(
        rename = "UserDefinedDataList",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub user_defined_data_list: Vec<KeyValue>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterTopicDestroyed`: topics were deleted.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/49465>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterTopicDestroyed {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `TopicIdList` (a lone string becomes a one-element list).
    #[serde(rename = "TopicIdList", deserialize_with = "wire::string_list")]
    pub topic_id_list: Vec<String>,
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterTopicInfoChanged`: a topic's profile changed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/49466>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterTopicInfoChanged {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `TopicId`.
    #[serde(
        rename = "TopicId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id: Option<String>,
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `Introduction`.
    #[serde(
        rename = "Introduction",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// `Notification`.
    #[serde(
        rename = "Notification",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    /// `FaceUrl`.
    #[serde(
        rename = "FaceUrl",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_url: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
