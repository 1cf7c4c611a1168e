//! Cloud moderation results.

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::{int_enum, is_empty, opt_enum, opt_int_enum, opt_object, wire_enum};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// `Scene`: what was submitted for moderation.
    ModerationScene {
        /// `C2C`: a one-to-one message.
        C2c = "C2C",
        /// `C2CCustom`: a one-to-one custom message.
        C2cCustom = "C2CCustom",
        /// `Group`: a group message.
        Group = "Group",
        /// `GroupCustom`: a group custom message.
        GroupCustom = "GroupCustom",
        /// `GroupInfo`: a group profile.
        GroupInfo = "GroupInfo",
        /// `GroupMemberInfo`: a group member profile.
        GroupMemberInfo = "GroupMemberInfo",
        /// `RelationChain`: the relationship chain.
        RelationChain = "RelationChain",
        /// `UserInfo`: a user profile.
        UserInfo = "UserInfo",
    }
}

wire_enum! {
    /// `ContentType`: the kind of content moderated.
    ModerationContentType {
        /// `Text`.
        Text = "Text",
        /// `Image`.
        Image = "Image",
        /// `Audio`.
        Audio = "Audio",
        /// `Video`.
        Video = "Video",
    }
}

int_enum! {
    /// `ContactType`: whether a moderated message went to a user or a group.
    ContactType {
        /// `1`: a one-to-one message.
        C2c = 1,
        /// `2`: a group message.
        Group = 2,
    }
}

int_enum! {
    /// `CtxcbResult`: the moderation service's verdict.
    ModerationVerdict {
        /// `0`: let through.
        Pass = 0,
        /// `1`: blocked.
        Block = 1,
    }
}

/// `ContactItem`: the recipient of a moderated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactItem {
    /// `ContactType`: user or group.
    #[serde(
        rename = "ContactType",
        default,
        deserialize_with = "opt_int_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_type: Option<ContactType>,
    /// `To_Account`: the recipient user, for `ContactType` 1.
    #[serde(
        rename = "To_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to_account: Option<String>,
    /// `ToGroupId`: the recipient group, for `ContactType` 2.
    #[serde(
        rename = "ToGroupId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub to_group_id: Option<String>,
}

/// `ContentCallback.ResultNotify`: a cloud moderation result.
///
/// The body carries no `CallbackCommand` (it comes from the query) and the URL has no
/// `ClientIP` or `OptPlatform`. By default only violations are reported.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/78240>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModerationResult {
    /// `Scene`: what was moderated.
    #[serde(
        rename = "Scene",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub scene: Option<ModerationScene>,
    /// `SdkAppId`: the application.
    #[serde(
        rename = "SdkAppId",
        default,
        deserialize_with = "wire::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sdk_app_id: Option<u64>,
    /// `From_Account`: who submitted the content.
    #[serde(
        rename = "From_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub from_account: Option<String>,
    /// `ContactItem`: the recipient, for messages.
    #[serde(
        rename = "ContactItem",
        default,
        deserialize_with = "opt_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_item: Option<ContactItem>,
    /// `ContentType`: text, image, audio or video.
    #[serde(
        rename = "ContentType",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<ModerationContentType>,
    /// `TextContent`: the moderated text (an array; a lone string is accepted).
    #[serde(
        rename = "TextContent",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "is_empty"
    )]
    pub text_content: Vec<String>,
    /// `FileURL`: the moderated file, for images, audio and video.
    #[serde(
        rename = "FileURL",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_url: Option<String>,
    /// `MsgID`: the one-to-one message's `MsgKey`, or the group message's `MsgSeq`.
    #[serde(
        rename = "MsgID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_id: Option<String>,
    /// `CtxcbResult`: the verdict.
    #[serde(rename = "CtxcbResult")]
    pub ctxcb_result: ModerationVerdict,
    /// `CtxcbRequestId`: the moderation request's ID.
    #[serde(
        rename = "CtxcbRequestId",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_request_id: Option<String>,
    /// `CtxcbKeywords`: the keywords that matched.
    #[serde(
        rename = "CtxcbKeywords",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "is_empty"
    )]
    pub ctxcb_keywords: Vec<String>,
    /// `CtxcbSuggestion`: the suggested action (e.g. `Review`).
    #[serde(
        rename = "CtxcbSuggestion",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_suggestion: Option<String>,
    /// `CtxcbLabel`: the violation label.
    #[serde(
        rename = "CtxcbLabel",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_label: Option<String>,
    /// `CtxcbSubLabel`: the violation sub-label.
    #[serde(
        rename = "CtxcbSubLabel",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_sub_label: Option<String>,
    /// `CtxcbSubLabelDesc`: the sub-label's description.
    #[serde(
        rename = "CtxcbSubLabelDesc",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_sub_label_desc: Option<String>,
    /// `CtxcbLibName`: the custom library that matched.
    #[serde(
        rename = "CtxcbLibName",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ctxcb_lib_name: Option<String>,
    /// `CloudCustomData` of the moderated message.
    #[serde(
        rename = "CloudCustomData",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
}
