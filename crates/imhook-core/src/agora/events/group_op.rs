//! Group and chat-room operations, new format (`event: "group_op_event"`, docs/protocol/agora.md §5.3).

#[allow(unused_imports)]
use super::body::MessageBody;
#[allow(unused_imports)]
use super::common::*;
use crate::wire;
use serde::{Deserialize, Serialize};

/// The `info` object of `CREATE` and `UPDATE/INFO`; every field optional, strings accepted for booleans and numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct GroupInfo {
    /// `owner`.
    #[serde(
        rename = "owner",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<String>,
    /// `created`: Unix milliseconds.
    #[serde(
        rename = "created",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<i64>,
    /// `custom`.
    #[serde(
        rename = "custom",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom: Option<String>,
    /// `description`.
    #[serde(
        rename = "description",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// `mute`.
    #[serde(
        rename = "mute",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub mute: Option<bool>,
    /// `mute_duration`: seconds; 0 cancelled, -1 permanent.
    #[serde(
        rename = "mute_duration",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub mute_duration: Option<i64>,
    /// `avatar`: URL.
    #[serde(
        rename = "avatar",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub avatar: Option<String>,
    /// `title`.
    #[serde(
        rename = "title",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<String>,
    /// `max_users`.
    #[serde(
        rename = "max_users",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_users: Option<i64>,
    /// `invite_need_confirm`.
    #[serde(
        rename = "invite_need_confirm",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub invite_need_confirm: Option<bool>,
    /// `public`.
    #[serde(
        rename = "public",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub public: Option<bool>,
    /// `allow_user_invites`.
    #[serde(
        rename = "allow_user_invites",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_user_invites: Option<bool>,
    /// `disabled`.
    #[serde(
        rename = "disabled",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disabled: Option<bool>,
    /// `last_modified`: Unix milliseconds.
    #[serde(
        rename = "last_modified",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_modified: Option<i64>,
    /// `scale`: `large` once the group outgrew the normal size.
    #[serde(
        rename = "scale",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub scale: Option<String>,
}

/// The `payload` of a group operation: `type` (the sub-type) and the fields of every operation, each optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct GroupOpPayload {
    /// `type`: the operation's sub-type, e.g. `ADD`, `DIRECT`, `INFO`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub_type: Option<String>,
    /// `role`: user → `owner`/`admin` (`CREATE`).
    #[serde(
        rename = "role",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub role: Option<serde_json::Value>,
    /// `member`: the users concerned.
    #[serde(
        rename = "member",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member: Vec<String>,
    /// `info` (`CREATE`, `UPDATE/INFO`).
    #[serde(
        rename = "info",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub info: Option<GroupInfo>,
    /// `announcement` (`UPDATE/ANNOUNCEMENT`; absent when deleted).
    #[serde(
        rename = "announcement",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub announcement: Option<String>,
    /// `mute` (`UPDATE/MUTE`: mute-all switch).
    #[serde(
        rename = "mute",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub mute: Option<bool>,
    /// `owner`: the old owner (`UPDATE/OWNER`).
    #[serde(
        rename = "owner",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<String>,
    /// `new_owner` (`UPDATE/OWNER`).
    #[serde(
        rename = "new_owner",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub new_owner: Option<String>,
    /// `disable` (`UPDATE/DISABLE`; `disabled` accepted and written as `disable`).
    #[serde(
        rename = "disable",
        alias = "disabled",
        default,
        deserialize_with = "wire::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disable: Option<bool>,
    /// `admin` (`ADMIN/*`, `ROOM_SUPER_ADMIN/*`).
    #[serde(
        rename = "admin",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub admin: Vec<String>,
    /// `expire_timestamp`: Unix milliseconds (`MUTE/ADD`, `BLOCK/ADD`).
    #[serde(
        rename = "expire_timestamp",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expire_timestamp: Option<i64>,
    /// `share_file`: shared-file UUIDs (`SHARE_FILE/*`).
    #[serde(
        rename = "share_file",
        default,
        deserialize_with = "wire::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub share_file: Vec<String>,
}

/// A group or chat-room operation (`event: "group_op_event"`).
///
/// Pages: <https://doc.easemob.com/document/server-side/callback_group_room_create.html> and the sibling pages listed in docs/protocol/agora.md §5.3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupOpEvent {
    /// `callId`: the callback's id.
    #[serde(rename = "callId", deserialize_with = "wire::req_string")]
    pub call_id: String,
    /// `appkey`: `org#app`.
    #[serde(
        rename = "appkey",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub appkey: Option<String>,
    /// `id`: the group or chat-room id (may be `""`).
    #[serde(rename = "id", deserialize_with = "wire::req_string")]
    pub id: String,
    /// `type`: `GROUP` or `CHATROOM`.
    #[serde(rename = "type")]
    pub group_kind: GroupKind,
    /// `event`: always `group_op_event`.
    #[serde(rename = "event", deserialize_with = "wire::req_string")]
    pub event: String,
    /// `operation`, verbatim.
    #[serde(rename = "operation", deserialize_with = "wire::req_string")]
    pub operation: String,
    /// `operator`: the acting user (`@ppAdmin` for the app admin).
    #[serde(rename = "operator", deserialize_with = "wire::req_string")]
    pub operator: String,
    /// `payload` (absent for `DELETE`).
    #[serde(
        rename = "payload",
        default,
        deserialize_with = "opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<GroupOpPayload>,
    /// `member_count`: members after a join.
    #[serde(
        rename = "member_count",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub member_count: Option<i64>,
    /// `timestamp`: Unix milliseconds.
    #[serde(rename = "timestamp", deserialize_with = "wire::req_i64")]
    pub timestamp: i64,
}

/// What a group operation did: `operation` and `payload.type` of the request, typed.
/// New operations or sub-types are [`GroupOperation::Other`] (the event is then not
/// *known*, but still delivered with every field).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupOperation {
    /// `CREATE`.
    Created,
    /// `DELETE`: dissolved.
    Deleted,
    /// `UPDATE/INFO`.
    InfoUpdated,
    /// `UPDATE/ANNOUNCEMENT`.
    AnnouncementUpdated,
    /// `UPDATE/MUTE`: the mute-all switch.
    MuteAllUpdated,
    /// `UPDATE/OWNER`.
    OwnerChanged,
    /// `UPDATE/DISABLE`: the group was banned or unbanned.
    DisableUpdated,
    /// `JOIN/DIRECT`.
    JoinedDirectly,
    /// `JOIN/INVITE`.
    JoinedByInvitation,
    /// `JOIN/APPLY`.
    JoinedByApplication,
    /// `LEAVE/QUIT`.
    Quit,
    /// `LEAVE/KICK`.
    Kicked,
    /// `LEAVE/BLOCK`.
    LeftBlocked,
    /// `LEAVE/DELETE`: removed because the group was dissolved.
    LeftDeleted,
    /// `ADMIN/ADD`.
    AdminAdded,
    /// `ADMIN/REMOVE`.
    AdminRemoved,
    /// `MUTE/ADD`.
    MembersMuted,
    /// `MUTE/REMOVE`.
    MembersUnmuted,
    /// `BLOCK/ADD`.
    BlocklistAdded,
    /// `BLOCK/REMOVE`.
    BlocklistRemoved,
    /// `WHITE/ADD`.
    AllowlistAdded,
    /// `WHITE/REMOVE`.
    AllowlistRemoved,
    /// `SHIELD/ADD`: the operator blocks the group's messages for himself.
    Shielded,
    /// `SHIELD/REMOVE`.
    Unshielded,
    /// `SHARE_FILE/ADD`.
    ShareFileAdded,
    /// `SHARE_FILE/REMOVE` (also `UPDATE/REMOVE` with `share_file`, as one page documents it).
    ShareFileRemoved,
    /// `ROOM_SUPER_ADMIN/ADD`.
    RoomSuperAdminAdded,
    /// `ROOM_SUPER_ADMIN/REMOVE`.
    RoomSuperAdminRemoved,
    /// An operation or sub-type this version does not know, verbatim.
    Other {
        /// `operation`.
        operation: String,
        /// `payload.type`.
        sub_type: Option<String>,
    },
}

impl GroupOpEvent {
    /// `payload.type`, if any.
    pub fn sub_type(&self) -> Option<&str> {
        self.payload.as_ref().and_then(|p| p.sub_type.as_deref())
    }

    /// The typed operation.
    pub fn operation(&self) -> GroupOperation {
        use GroupOperation as G;
        let has_files = self
            .payload
            .as_ref()
            .is_some_and(|p| !p.share_file.is_empty());
        match (self.operation.as_str(), self.sub_type()) {
            ("CREATE", None) => G::Created,
            ("DELETE", None) => G::Deleted,
            ("UPDATE", Some("INFO")) => G::InfoUpdated,
            ("UPDATE", Some("ANNOUNCEMENT")) => G::AnnouncementUpdated,
            ("UPDATE", Some("MUTE")) => G::MuteAllUpdated,
            ("UPDATE", Some("OWNER")) => G::OwnerChanged,
            ("UPDATE", Some("DISABLE")) => G::DisableUpdated,
            ("UPDATE", Some("REMOVE")) if has_files => G::ShareFileRemoved,
            ("JOIN", Some("DIRECT")) => G::JoinedDirectly,
            ("JOIN", Some("INVITE")) => G::JoinedByInvitation,
            ("JOIN", Some("APPLY")) => G::JoinedByApplication,
            ("LEAVE", Some("QUIT")) => G::Quit,
            ("LEAVE", Some("KICK")) => G::Kicked,
            ("LEAVE", Some("BLOCK")) => G::LeftBlocked,
            ("LEAVE", Some("DELETE")) => G::LeftDeleted,
            ("ADMIN", Some("ADD")) => G::AdminAdded,
            ("ADMIN", Some("REMOVE")) => G::AdminRemoved,
            ("MUTE", Some("ADD")) => G::MembersMuted,
            ("MUTE", Some("REMOVE")) => G::MembersUnmuted,
            ("BLOCK", Some("ADD")) => G::BlocklistAdded,
            ("BLOCK", Some("REMOVE")) => G::BlocklistRemoved,
            ("WHITE", Some("ADD")) => G::AllowlistAdded,
            ("WHITE", Some("REMOVE")) => G::AllowlistRemoved,
            ("SHIELD", Some("ADD")) => G::Shielded,
            ("SHIELD", Some("REMOVE")) => G::Unshielded,
            ("SHARE_FILE", Some("ADD")) => G::ShareFileAdded,
            ("SHARE_FILE", Some("REMOVE")) => G::ShareFileRemoved,
            ("ROOM_SUPER_ADMIN", Some("ADD")) => G::RoomSuperAdminAdded,
            ("ROOM_SUPER_ADMIN", Some("REMOVE")) => G::RoomSuperAdminRemoved,
            (op, sub) => G::Other {
                operation: op.to_owned(),
                sub_type: sub.map(str::to_owned),
            },
        }
    }

    /// The users concerned (`payload.member`, or `payload.admin` for admin operations).
    pub fn members(&self) -> &[String] {
        match &self.payload {
            Some(p) if !p.member.is_empty() => &p.member,
            Some(p) => &p.admin,
            None => &[],
        }
    }
}
