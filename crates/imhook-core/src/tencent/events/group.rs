//! Group commands (docs/protocol/tencent.md §5.3 rows 1–13 and 18–24).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::{is_empty, opt_enum, wire_enum};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// `JoinType` of a new member.
    JoinType {
        /// `Apply`.
        Apply = "Apply",
        /// `Invited`.
        Invited = "Invited",
    }
}

wire_enum! {
    /// `ExitType` of a leaving member.
    ExitType {
        /// `Kicked`.
        Kicked = "Kicked",
        /// `Quit`.
        Quit = "Quit",
    }
}

wire_enum! {
    /// `EventType` of a member state change.
    MemberStateEvent {
        /// `Online`.
        Online = "Online",
        /// `Offline`.
        Offline = "Offline",
    }
}

wire_enum! {
    /// `Role` after a member field change.
    MemberRole {
        /// `Admin`.
        Admin = "Admin",
        /// `Member`.
        Member = "Member",
    }
}

wire_enum! {
    /// `OptionType` of a group attribute change.
    AttrOption {
        /// `set`.
        Set = "set",
        /// `modify`.
        Modify = "modify",
        /// `clear`.
        Clear = "clear",
        /// `delete`.
        Delete = "delete",
    }
}

/// `{"MsgSeq": u64}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MsgSeqItem {
    /// `MsgSeq`.
    #[serde(rename = "MsgSeq", deserialize_with = "wire::req_u64")]
    pub msg_seq: u64,
}

/// `{"key", "value"}` of `GroupAttr` (lower-case keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupAttr {
    /// `key`.
    #[serde(rename = "key")]
    pub key: String,
    /// `value`.
    #[serde(
        rename = "value",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
}

/// One item of `GroupMsgReceiptList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMsgReceipt {
    /// `MsgSeq`.
    #[serde(rename = "MsgSeq", deserialize_with = "wire::req_u64")]
    pub msg_seq: u64,
    /// `ReadNum`.
    #[serde(
        rename = "ReadNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub read_num: Option<i64>,
    /// `UnreadNum`.
    #[serde(
        rename = "UnreadNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub unread_num: Option<i64>,
    /// `ReadReceiptMembers`.
    #[serde(
        rename = "ReadReceiptMembers",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub read_receipt_members: Vec<Member>,
}

/// One item of `ExtensionList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Extension {
    /// `Key`.
    #[serde(rename = "Key")]
    pub key: String,
    /// `Value` (`""` for deletions).
    #[serde(
        rename = "Value",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
    /// `Seq`.
    #[serde(
        rename = "Seq",
        default,
        deserialize_with = "wire::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub seq: Option<u64>,
}

/// `Group.CallbackBeforeCreateGroup`: before IM creates a group.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34368>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeCreateGroup {
    /// `Operator_Account`: who asked to create the group.
    #[serde(rename = "Operator_Account")]
    pub operator_account: String,
    /// `Owner_Account`: owner of the group to be created.
    #[serde(rename = "Owner_Account")]
    pub owner_account: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `CreateGroupNum`: groups of this type the user already created (alias `CreatedGroupNum`).
    #[serde(
        rename = "CreateGroupNum",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_group_num: Option<i64>,
    /// Alias spelling `CreatedGroupNum`, folded into `create_group_num` after decoding.
    #[serde(rename = "CreatedGroupNum", default, skip_serializing)]
    pub(crate) created_group_num_alias: Option<serde_json::Value>,
    /// `MemberList`: initial members.
    #[serde(
        rename = "MemberList",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterCreateGroup`: a group was created.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34369>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterCreateGroup {
    /// `GroupId` (alias `groupID`).
    #[serde(
        rename = "GroupId",
        default,
        deserialize_with = "wire::string_or_empty"
    )]
    pub group_id: String,
    /// Alias spelling `groupID`, folded into `group_id` after decoding.
    #[serde(rename = "groupID", default, skip_serializing)]
    pub(crate) group_id_alias: Option<String>,
    /// `Operator_Account`: who created it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: String,
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
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `MemberList`: initial members.
    #[serde(
        rename = "MemberList",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `UserDefinedDataList`: group custom fields.
    #[serde(
        rename = "UserDefinedDataList",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub user_defined_data_list: Vec<KeyValue>,
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
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackBeforeApplyJoinGroup`: before a join request is processed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34370>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeApplyJoinGroup {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Requestor_Account`: the applicant.
    #[serde(rename = "Requestor_Account")]
    pub requestor_account: String,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackBeforeInviteJoinGroup`: before invited users are added.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34371>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeInviteJoinGroup {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Operator_Account`: the inviter.
    #[serde(rename = "Operator_Account")]
    pub operator_account: String,
    /// `DestinationMembers`: the invitees.
    #[serde(rename = "DestinationMembers")]
    pub destination_members: Vec<Member>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterNewMemberJoin`: members joined a group.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34372>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterNewMemberJoin {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `JoinType`.
    #[serde(
        rename = "JoinType",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub join_type: Option<JoinType>,
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `NewMemberList`.
    #[serde(rename = "NewMemberList")]
    pub new_member_list: Vec<Member>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterMemberExit`: members left a group (quit or kicked).
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34373>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterMemberExit {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `ExitType`.
    #[serde(
        rename = "ExitType",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub exit_type: Option<ExitType>,
    /// `Operator_Account`: the kicker, or for `Quit` normally the member.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `ExitMemberList`.
    #[serde(rename = "ExitMemberList")]
    pub exit_member_list: Vec<Member>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackBeforeSendMsg`: before a group message is delivered.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34374>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BeforeSendGroupMsg {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `Operator_Account`: the request initiator (differs from the sender for admin/REST sends).
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
    /// `TopicId`: set for messages in a Community topic.
    #[serde(
        rename = "TopicId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterSendMsg`: a group message was delivered.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34375>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterSendGroupMsg {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `Operator_Account`: the request initiator (differs from the sender for admin/REST sends).
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
    /// `TopicId`: set for messages in a Community topic.
    #[serde(
        rename = "TopicId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id: Option<String>,
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(rename = "MsgSeq", deserialize_with = "wire::req_u64")]
    pub msg_seq: u64,
    /// `MsgTime`: server time of the message, Unix seconds.
    #[serde(
        rename = "MsgTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_time: Option<i64>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterGroupFull`: a group became full.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34376>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupFull {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterGroupDestroyed`: a group was dissolved.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34377>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupDestroyed {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Owner_Account`.
    #[serde(
        rename = "Owner_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<String>,
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `Name`.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `MemberList` (not sent for Community groups).
    #[serde(
        rename = "MemberList",
        default,
        deserialize_with = "wire::lenient_list_in_place",
        skip_serializing_if = "is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterGroupInfoChanged`: a group's profile changed; only changed fields are present.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34378>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupInfoChanged {
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
    /// `Name`, if changed.
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `Introduction`, if changed.
    #[serde(
        rename = "Introduction",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// `Notification`, if changed.
    #[serde(
        rename = "Notification",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    /// `FaceUrl`, if changed.
    #[serde(
        rename = "FaceUrl",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_url: Option<String>,
    /// `UserDefinedDataList`: changed custom fields (earlier revisions).
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

/// `Group.CallbackOnMemberStateChange`: members of a live group went online or offline.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/48734>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberStateChanged {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `EventType`: `Online` or `Offline`.
    #[serde(rename = "EventType")]
    pub event_type: MemberStateEvent,
    /// `MemberList`.
    #[serde(rename = "MemberList")]
    pub member_list: Vec<Member>,
    /// `Type`: the group type.
    #[serde(
        rename = "Type",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_type: Option<GroupType>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackSendMsgException`: delivering a group message failed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/49462>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMsgSendFailed {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `Operator_Account`: the request initiator (differs from the sender for admin/REST sends).
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
    /// `TopicId`: set for messages in a Community topic.
    #[serde(
        rename = "TopicId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id: Option<String>,
    /// `ErrorCode`: the delivery error (a request field, not a reply).
    #[serde(rename = "ErrorCode", deserialize_with = "wire::req_i64")]
    pub error_code: i64,
    /// `ErrorInfo`: its description.
    #[serde(
        rename = "ErrorInfo",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_info: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterRecallMsg`: group messages were recalled.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/46979>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterRecallGroupMsg {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `Operator_Account`: who recalled.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `MsgSeqList`: the recalled messages.
    #[serde(rename = "MsgSeqList")]
    pub msg_seq_list: Vec<MsgSeqItem>,
    /// `TopicId`.
    #[serde(
        rename = "TopicId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterMemberFieldChanged`: a member's role or name card changed.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60393>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterMemberFieldChanged {
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
    /// `Member_Account`: the member whose data changed.
    #[serde(rename = "Member_Account")]
    pub member_account: String,
    /// `Role`: `Admin` (made admin) or `Member` (admin removed).
    #[serde(
        rename = "Role",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub role: Option<MemberRole>,
    /// `NameCard`.
    #[serde(
        rename = "NameCard",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name_card: Option<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterGroupAttrChanged`: group custom attributes changed.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60394>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupAttrChanged {
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
    /// `OptionType`: `set`, `modify`, `clear` or `delete`.
    #[serde(
        rename = "OptionType",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub option_type: Option<AttrOption>,
    /// `GroupAttr`: the attributes (lower-case `key`/`value`).
    #[serde(
        rename = "GroupAttr",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub group_attr: Vec<GroupAttr>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterReadReceipt`: read receipts of group messages.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60395>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupReadReceipt {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `Type`: the group type.
    #[serde(rename = "Type")]
    pub group_type: GroupType,
    /// `GroupMsgReceiptList`.
    #[serde(rename = "GroupMsgReceiptList")]
    pub group_msg_receipt_list: Vec<GroupMsgReceipt>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterChangeGroupOwner`: a group's ownership was transferred.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60396>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterChangeGroupOwner {
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
    /// `OldOwner_Account`.
    #[serde(rename = "OldOwner_Account")]
    pub old_owner_account: String,
    /// `NewOwner_Account`.
    #[serde(rename = "NewOwner_Account")]
    pub new_owner_account: String,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackOnDailyGroupQuotaAlarm`: the day's net group increase passed 70 % of the limit.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/57455>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DailyGroupQuotaAlarm {
    /// `QuotaUsed`: net groups created today.
    #[serde(rename = "QuotaUsed", deserialize_with = "wire::req_i64")]
    pub quota_used: i64,
    /// `Quota`: the daily limit.
    #[serde(rename = "Quota", deserialize_with = "wire::req_i64")]
    pub quota: i64,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Group.CallbackAfterGroupMsgExtension`: message extensions were set, deleted or cleared.
///
/// Page: <https://trtc.io/document/76007>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterGroupMsgExtension {
    /// `GroupId`.
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// `MsgSeq`: the message.
    #[serde(rename = "MsgSeq", deserialize_with = "wire::req_u64")]
    pub msg_seq: u64,
    /// `OperateType`: 1 set, 2 delete, 3 clear.
    #[serde(rename = "OperateType")]
    pub operate_type: OperateType,
    /// `ExtensionList`.
    #[serde(
        rename = "ExtensionList",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub extension_list: Vec<Extension>,
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

/// `OperateType` of a message-extension change: 1 set, 2 delete, 3 clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperateType {
    /// `1`: extensions set.
    Set,
    /// `2`: extensions deleted.
    Delete,
    /// `3`: all extensions cleared.
    Clear,
    /// Any other number, kept.
    Other(i64),
}

impl OperateType {
    /// The wire number.
    pub fn code(&self) -> i64 {
        match self {
            Self::Set => 1,
            Self::Delete => 2,
            Self::Clear => 3,
            Self::Other(n) => *n,
        }
    }
}

impl From<i64> for OperateType {
    fn from(n: i64) -> Self {
        match n {
            1 => Self::Set,
            2 => Self::Delete,
            3 => Self::Clear,
            n => Self::Other(n),
        }
    }
}

impl Serialize for OperateType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for OperateType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::req_i64(d).map(Self::from)
    }
}

impl BeforeCreateGroup {
    /// Folds the `CreatedGroupNum` spelling into `create_group_num` (`CreateGroupNum` wins;
    /// a non-integer value is ignored).
    pub(crate) fn normalise(&mut self) -> Result<(), String> {
        if let Some(alias) = self.created_group_num_alias.take()
            && self.create_group_num.is_none()
        {
            self.create_group_num = match alias {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => wire::parse_decimal_i64(&s),
                _ => None,
            };
        }
        Ok(())
    }
}

impl AfterCreateGroup {
    /// Folds the `groupID` spelling into `group_id` (`GroupId` wins).
    pub(crate) fn normalise(&mut self) -> Result<(), String> {
        if let Some(alias) = self.group_id_alias.take()
            && self.group_id.is_empty()
        {
            self.group_id = alias;
        }
        if self.group_id.is_empty() {
            return Err("missing field `GroupId`".to_owned());
        }
        Ok(())
    }
}
