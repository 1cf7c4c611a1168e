//! The Tencent command catalogue as typed events (tencent.md §5).
//!
//! [`TencentEvent::decode`] dispatches on the `CallbackCommand` first and parses the
//! body straight into that command's struct. A command the library does not know, or a
//! known command whose required fields are missing or mistyped, becomes
//! [`TencentEvent::Unknown`] with the raw JSON (and the decode error): it is never
//! refused.
//!
//! ```
//! use imhook_core::tencent::TencentEvent;
//! let body = r#"{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"@TGS#1","EventTime":"1670574414123"}"#;
//! let ev = TencentEvent::decode("Group.CallbackAfterGroupFull", body).unwrap();
//! assert!(ev.is_known());
//! match &ev {
//!     TencentEvent::AfterGroupFull(e) => assert_eq!(e.event_time, Some(1670574414123)),
//!     _ => unreachable!(),
//! }
//! let record = ev.record();
//! assert_eq!(record.event["GroupId"], "@TGS#1");
//! assert_eq!(record.event["CallbackCommand"], "Group.CallbackAfterGroupFull");
//! ```

pub mod alert;
pub mod bot;
pub mod c2c;
pub mod common;
pub mod follow;
pub mod group;
pub mod message;
pub mod moderation;
pub mod official_account;
pub mod profile;
pub mod push;
pub mod sns;
pub mod state;
pub mod topic;

pub use alert::*;
pub use bot::*;
pub use c2c::*;
pub use common::{GroupType, KeyValue, Member};
pub use follow::*;
pub use group::*;
pub use message::MsgElement;
pub use moderation::*;
pub use official_account::*;
pub use profile::*;
pub use push::*;
pub use sns::*;
pub use state::*;
pub use topic::*;

use crate::record::EventRecord;
use crate::tencent::reply::Reply;
use serde_json::value::RawValue;

/// The body is not a JSON object (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("body is not a JSON object")]
pub struct NotJsonObject;

/// A Tencent callback, decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TencentEvent {
    /// Group.CallbackBeforeCreateGroup
    BeforeCreateGroup(group::BeforeCreateGroup),
    /// Group.CallbackAfterCreateGroup
    AfterCreateGroup(group::AfterCreateGroup),
    /// Group.CallbackBeforeApplyJoinGroup
    BeforeApplyJoinGroup(group::BeforeApplyJoinGroup),
    /// Group.CallbackBeforeInviteJoinGroup
    BeforeInviteJoinGroup(group::BeforeInviteJoinGroup),
    /// Group.CallbackAfterNewMemberJoin
    AfterNewMemberJoin(group::AfterNewMemberJoin),
    /// Group.CallbackAfterMemberExit
    AfterMemberExit(group::AfterMemberExit),
    /// Group.CallbackBeforeSendMsg
    BeforeSendGroupMsg(group::BeforeSendGroupMsg),
    /// Group.CallbackAfterSendMsg
    AfterSendGroupMsg(group::AfterSendGroupMsg),
    /// Group.CallbackAfterGroupFull
    AfterGroupFull(group::AfterGroupFull),
    /// Group.CallbackAfterGroupDestroyed
    AfterGroupDestroyed(group::AfterGroupDestroyed),
    /// Group.CallbackAfterGroupInfoChanged
    AfterGroupInfoChanged(group::AfterGroupInfoChanged),
    /// Group.CallbackOnMemberStateChange
    MemberStateChanged(group::MemberStateChanged),
    /// Group.CallbackSendMsgException
    GroupMsgSendFailed(group::GroupMsgSendFailed),
    /// Group.CallbackAfterRecallMsg
    AfterRecallGroupMsg(group::AfterRecallGroupMsg),
    /// Group.CallbackAfterMemberFieldChanged
    AfterMemberFieldChanged(group::AfterMemberFieldChanged),
    /// Group.CallbackAfterGroupAttrChanged
    AfterGroupAttrChanged(group::AfterGroupAttrChanged),
    /// Group.CallbackAfterReadReceipt
    AfterGroupReadReceipt(group::AfterGroupReadReceipt),
    /// Group.CallbackAfterChangeGroupOwner
    AfterChangeGroupOwner(group::AfterChangeGroupOwner),
    /// Group.CallbackOnDailyGroupQuotaAlarm
    DailyGroupQuotaAlarm(group::DailyGroupQuotaAlarm),
    /// Group.CallbackAfterGroupMsgExtension
    AfterGroupMsgExtension(group::AfterGroupMsgExtension),
    /// Group.CallbackBeforeCreateTopic
    BeforeCreateTopic(topic::BeforeCreateTopic),
    /// Group.CallbackAfterCreateTopic
    AfterCreateTopic(topic::AfterCreateTopic),
    /// Group.CallbackAfterTopicDestroyed
    AfterTopicDestroyed(topic::AfterTopicDestroyed),
    /// Group.CallbackAfterTopicInfoChanged
    AfterTopicInfoChanged(topic::AfterTopicInfoChanged),
    /// State.StateChange
    StateChanged(state::StateChanged),
    /// Profile.CallbackPortraitSet
    PortraitSet(profile::PortraitSet),
    /// Sns.CallbackPrevFriendAdd
    BeforeFriendAdd(sns::BeforeFriendAdd),
    /// Sns.CallbackPrevFriendResponse
    BeforeFriendResponse(sns::BeforeFriendResponse),
    /// Sns.CallbackFriendAdd
    FriendAdded(sns::FriendAdded),
    /// Sns.CallbackFriendDelete
    FriendDeleted(sns::FriendDeleted),
    /// Sns.CallbackBlackListAdd
    BlocklistAdded(sns::BlocklistAdded),
    /// Sns.CallbackBlackListDelete
    BlocklistRemoved(sns::BlocklistRemoved),
    /// Follow.CallbackAfterFollowAdd
    AfterFollowAdd(follow::AfterFollowAdd),
    /// Follow.CallbackAfterFollowDelete
    AfterFollowDelete(follow::AfterFollowDelete),
    /// C2C.CallbackBeforeSendMsg
    BeforeSendC2cMsg(c2c::BeforeSendC2cMsg),
    /// C2C.CallbackAfterSendMsg
    AfterSendC2cMsg(c2c::AfterSendC2cMsg),
    /// C2C.CallbackAfterMsgReport
    AfterC2cMsgRead(c2c::AfterC2cMsgRead),
    /// C2C.CallbackAfterMsgWithDraw
    AfterC2cMsgRecalled(c2c::AfterC2cMsgRecalled),
    /// OfficialAccount.CallbackBeforeCreateOfficialAccount
    BeforeCreateOfficialAccount(official_account::BeforeCreateOfficialAccount),
    /// OfficialAccount.CallbackAfterCreateOfficialAccount
    AfterCreateOfficialAccount(official_account::AfterCreateOfficialAccount),
    /// OfficialAccount.CallbackAfterOfficialAccountInfoChanged
    AfterOfficialAccountInfoChanged(official_account::AfterOfficialAccountInfoChanged),
    /// OfficialAccount.CallbackAfterOfficialAccountDestroyed
    AfterOfficialAccountDestroyed(official_account::AfterOfficialAccountDestroyed),
    /// OfficialAccount.CallbackBeforeAddSubscriber
    BeforeAddSubscriber(official_account::BeforeAddSubscriber),
    /// OfficialAccount.CallbackAfterAddSubscriber
    AfterAddSubscriber(official_account::AfterAddSubscriber),
    /// OfficialAccount.CallbackAfterOfficialAccountFull
    AfterOfficialAccountFull(official_account::AfterOfficialAccountFull),
    /// OfficialAccount.CallbackAfterDeleteSubscriber
    AfterDeleteSubscriber(official_account::AfterDeleteSubscriber),
    /// OfficialAccount.CallbackBeforeSendMsg
    BeforeSendOfficialAccountMsg(official_account::BeforeSendOfficialAccountMsg),
    /// OfficialAccount.CallbackAfterSendMsg
    AfterSendOfficialAccountMsg(official_account::AfterSendOfficialAccountMsg),
    /// OfficialAccount.CallbackAfterMsgWithDraw
    AfterOfficialAccountMsgRecalled(official_account::AfterOfficialAccountMsgRecalled),
    /// Push.OfflinePush
    OfflinePushResults(push::OfflinePushResults),
    /// Push.AllMemberPush
    AllMemberPushResults(push::AllMemberPushResults),
    /// Alert.RequestOverLimit
    RequestOverLimit(alert::RequestOverLimit),
    /// Bot.OnC2CMessage
    BotC2cMessage(bot::BotC2cMessage),
    /// Bot.OnGroupMessage
    BotGroupMessage(bot::BotGroupMessage),
    /// Chatbot.OnC2CSignalMessage
    ChatbotSignalMessage(bot::ChatbotSignalMessage),
    /// ContentCallback.ResultNotify
    ModerationResult(moderation::ModerationResult),
    /// C2C.CallbackAfterC2CMsgExtension
    AfterC2cMsgExtension(c2c::AfterC2cMsgExtension),
    /// A command the library does not model, or a known command whose typed decode failed.
    Unknown(UnknownEvent),
}

/// A callback kept as raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The `CallbackCommand`.
    pub command: String,
    /// The raw body.
    pub raw: Box<RawValue>,
    /// Why a known command could not be typed, if that is why it is unknown.
    pub error: Option<String>,
}

impl UnknownEvent {
    /// `true` when the command is catalogued but its body could not be typed.
    pub fn is_decode_failure(&self) -> bool {
        self.error.is_some()
    }
}

fn typed<T: serde::de::DeserializeOwned>(
    command: &str,
    body: &str,
    wrap: fn(T) -> TencentEvent,
    normalise: fn(&mut T) -> Result<(), String>,
) -> Result<TencentEvent, NotJsonObject> {
    let failure = match serde_json::from_str::<T>(body) {
        Ok(mut ev) => match normalise(&mut ev) {
            Ok(()) => return Ok(wrap(ev)),
            Err(e) => e,
        },
        Err(e) => e.to_string(),
    };
    unknown(command, body, Some(failure))
}

fn unknown(
    command: &str,
    body: &str,
    error: Option<String>,
) -> Result<TencentEvent, NotJsonObject> {
    let raw: Box<RawValue> = serde_json::from_str(body).map_err(|_| NotJsonObject)?;
    Ok(TencentEvent::Unknown(UnknownEvent {
        command: command.to_owned(),
        raw,
        error,
    }))
}

impl TencentEvent {
    /// Decodes `body` as `command`. Fails only when `body` is not a JSON object; a
    /// typed decode failure yields [`TencentEvent::Unknown`] with the error.
    pub fn decode(command: &str, body: &str) -> Result<Self, NotJsonObject> {
        if !crate::wire::looks_like_object(body.as_bytes()) {
            return Err(NotJsonObject);
        }
        match command {
            "Group.CallbackBeforeCreateGroup" => typed::<group::BeforeCreateGroup>(
                command,
                body,
                TencentEvent::BeforeCreateGroup,
                group::BeforeCreateGroup::normalise,
            ),
            "Group.CallbackAfterCreateGroup" => typed::<group::AfterCreateGroup>(
                command,
                body,
                TencentEvent::AfterCreateGroup,
                group::AfterCreateGroup::normalise,
            ),
            "Group.CallbackBeforeApplyJoinGroup" => typed::<group::BeforeApplyJoinGroup>(
                command,
                body,
                TencentEvent::BeforeApplyJoinGroup,
                |_| Ok(()),
            ),
            "Group.CallbackBeforeInviteJoinGroup" => typed::<group::BeforeInviteJoinGroup>(
                command,
                body,
                TencentEvent::BeforeInviteJoinGroup,
                |_| Ok(()),
            ),
            "Group.CallbackAfterNewMemberJoin" => typed::<group::AfterNewMemberJoin>(
                command,
                body,
                TencentEvent::AfterNewMemberJoin,
                |_| Ok(()),
            ),
            "Group.CallbackAfterMemberExit" => typed::<group::AfterMemberExit>(
                command,
                body,
                TencentEvent::AfterMemberExit,
                |_| Ok(()),
            ),
            "Group.CallbackBeforeSendMsg" => typed::<group::BeforeSendGroupMsg>(
                command,
                body,
                TencentEvent::BeforeSendGroupMsg,
                |_| Ok(()),
            ),
            "Group.CallbackAfterSendMsg" => typed::<group::AfterSendGroupMsg>(
                command,
                body,
                TencentEvent::AfterSendGroupMsg,
                |_| Ok(()),
            ),
            "Group.CallbackAfterGroupFull" => {
                typed::<group::AfterGroupFull>(command, body, TencentEvent::AfterGroupFull, |_| {
                    Ok(())
                })
            }
            "Group.CallbackAfterGroupDestroyed" => typed::<group::AfterGroupDestroyed>(
                command,
                body,
                TencentEvent::AfterGroupDestroyed,
                |_| Ok(()),
            ),
            "Group.CallbackAfterGroupInfoChanged" => typed::<group::AfterGroupInfoChanged>(
                command,
                body,
                TencentEvent::AfterGroupInfoChanged,
                |_| Ok(()),
            ),
            "Group.CallbackOnMemberStateChange" => typed::<group::MemberStateChanged>(
                command,
                body,
                TencentEvent::MemberStateChanged,
                |_| Ok(()),
            ),
            "Group.CallbackSendMsgException" => typed::<group::GroupMsgSendFailed>(
                command,
                body,
                TencentEvent::GroupMsgSendFailed,
                |_| Ok(()),
            ),
            "Group.CallbackAfterRecallMsg" => typed::<group::AfterRecallGroupMsg>(
                command,
                body,
                TencentEvent::AfterRecallGroupMsg,
                |_| Ok(()),
            ),
            "Group.CallbackAfterMemberFieldChanged" => typed::<group::AfterMemberFieldChanged>(
                command,
                body,
                TencentEvent::AfterMemberFieldChanged,
                |_| Ok(()),
            ),
            "Group.CallbackAfterGroupAttrChanged" => typed::<group::AfterGroupAttrChanged>(
                command,
                body,
                TencentEvent::AfterGroupAttrChanged,
                |_| Ok(()),
            ),
            "Group.CallbackAfterReadReceipt" => typed::<group::AfterGroupReadReceipt>(
                command,
                body,
                TencentEvent::AfterGroupReadReceipt,
                |_| Ok(()),
            ),
            "Group.CallbackAfterChangeGroupOwner" => typed::<group::AfterChangeGroupOwner>(
                command,
                body,
                TencentEvent::AfterChangeGroupOwner,
                |_| Ok(()),
            ),
            "Group.CallbackOnDailyGroupQuotaAlarm" => typed::<group::DailyGroupQuotaAlarm>(
                command,
                body,
                TencentEvent::DailyGroupQuotaAlarm,
                |_| Ok(()),
            ),
            "Group.CallbackAfterGroupMsgExtension" => typed::<group::AfterGroupMsgExtension>(
                command,
                body,
                TencentEvent::AfterGroupMsgExtension,
                |_| Ok(()),
            ),
            "Group.CallbackBeforeCreateTopic" => typed::<topic::BeforeCreateTopic>(
                command,
                body,
                TencentEvent::BeforeCreateTopic,
                |_| Ok(()),
            ),
            "Group.CallbackAfterCreateTopic" => typed::<topic::AfterCreateTopic>(
                command,
                body,
                TencentEvent::AfterCreateTopic,
                |_| Ok(()),
            ),
            "Group.CallbackAfterTopicDestroyed" => typed::<topic::AfterTopicDestroyed>(
                command,
                body,
                TencentEvent::AfterTopicDestroyed,
                |_| Ok(()),
            ),
            "Group.CallbackAfterTopicInfoChanged" => typed::<topic::AfterTopicInfoChanged>(
                command,
                body,
                TencentEvent::AfterTopicInfoChanged,
                |_| Ok(()),
            ),
            "State.StateChange" => {
                typed::<state::StateChanged>(command, body, TencentEvent::StateChanged, |_| Ok(()))
            }
            "Profile.CallbackPortraitSet" => {
                typed::<profile::PortraitSet>(command, body, TencentEvent::PortraitSet, |_| Ok(()))
            }
            "Sns.CallbackPrevFriendAdd" => {
                typed::<sns::BeforeFriendAdd>(command, body, TencentEvent::BeforeFriendAdd, |_| {
                    Ok(())
                })
            }
            "Sns.CallbackPrevFriendResponse" => typed::<sns::BeforeFriendResponse>(
                command,
                body,
                TencentEvent::BeforeFriendResponse,
                |_| Ok(()),
            ),
            "Sns.CallbackFriendAdd" => {
                typed::<sns::FriendAdded>(command, body, TencentEvent::FriendAdded, |_| Ok(()))
            }
            "Sns.CallbackFriendDelete" => {
                typed::<sns::FriendDeleted>(command, body, TencentEvent::FriendDeleted, |_| Ok(()))
            }
            "Sns.CallbackBlackListAdd" => typed::<sns::BlocklistAdded>(
                command,
                body,
                TencentEvent::BlocklistAdded,
                |_| Ok(()),
            ),
            "Sns.CallbackBlackListDelete" => typed::<sns::BlocklistRemoved>(
                command,
                body,
                TencentEvent::BlocklistRemoved,
                |_| Ok(()),
            ),
            "Follow.CallbackAfterFollowAdd" => {
                typed::<follow::AfterFollowAdd>(command, body, TencentEvent::AfterFollowAdd, |_| {
                    Ok(())
                })
            }
            "Follow.CallbackAfterFollowDelete" => typed::<follow::AfterFollowDelete>(
                command,
                body,
                TencentEvent::AfterFollowDelete,
                |_| Ok(()),
            ),
            "C2C.CallbackBeforeSendMsg" => typed::<c2c::BeforeSendC2cMsg>(
                command,
                body,
                TencentEvent::BeforeSendC2cMsg,
                |_| Ok(()),
            ),
            "C2C.CallbackAfterSendMsg" => {
                typed::<c2c::AfterSendC2cMsg>(command, body, TencentEvent::AfterSendC2cMsg, |_| {
                    Ok(())
                })
            }
            "C2C.CallbackAfterMsgReport" => {
                typed::<c2c::AfterC2cMsgRead>(command, body, TencentEvent::AfterC2cMsgRead, |_| {
                    Ok(())
                })
            }
            "C2C.CallbackAfterMsgWithDraw" => typed::<c2c::AfterC2cMsgRecalled>(
                command,
                body,
                TencentEvent::AfterC2cMsgRecalled,
                |_| Ok(()),
            ),
            "OfficialAccount.CallbackBeforeCreateOfficialAccount" => {
                typed::<official_account::BeforeCreateOfficialAccount>(
                    command,
                    body,
                    TencentEvent::BeforeCreateOfficialAccount,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterCreateOfficialAccount" => {
                typed::<official_account::AfterCreateOfficialAccount>(
                    command,
                    body,
                    TencentEvent::AfterCreateOfficialAccount,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterOfficialAccountInfoChanged" => {
                typed::<official_account::AfterOfficialAccountInfoChanged>(
                    command,
                    body,
                    TencentEvent::AfterOfficialAccountInfoChanged,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterOfficialAccountDestroyed" => {
                typed::<official_account::AfterOfficialAccountDestroyed>(
                    command,
                    body,
                    TencentEvent::AfterOfficialAccountDestroyed,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackBeforeAddSubscriber" => {
                typed::<official_account::BeforeAddSubscriber>(
                    command,
                    body,
                    TencentEvent::BeforeAddSubscriber,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterAddSubscriber" => {
                typed::<official_account::AfterAddSubscriber>(
                    command,
                    body,
                    TencentEvent::AfterAddSubscriber,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterOfficialAccountFull" => {
                typed::<official_account::AfterOfficialAccountFull>(
                    command,
                    body,
                    TencentEvent::AfterOfficialAccountFull,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterDeleteSubscriber" => {
                typed::<official_account::AfterDeleteSubscriber>(
                    command,
                    body,
                    TencentEvent::AfterDeleteSubscriber,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackBeforeSendMsg" => {
                typed::<official_account::BeforeSendOfficialAccountMsg>(
                    command,
                    body,
                    TencentEvent::BeforeSendOfficialAccountMsg,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterSendMsg" => {
                typed::<official_account::AfterSendOfficialAccountMsg>(
                    command,
                    body,
                    TencentEvent::AfterSendOfficialAccountMsg,
                    |_| Ok(()),
                )
            }
            "OfficialAccount.CallbackAfterMsgWithDraw" => {
                typed::<official_account::AfterOfficialAccountMsgRecalled>(
                    command,
                    body,
                    TencentEvent::AfterOfficialAccountMsgRecalled,
                    |_| Ok(()),
                )
            }
            "Push.OfflinePush" => typed::<push::OfflinePushResults>(
                command,
                body,
                TencentEvent::OfflinePushResults,
                |_| Ok(()),
            ),
            "Push.AllMemberPush" => typed::<push::AllMemberPushResults>(
                command,
                body,
                TencentEvent::AllMemberPushResults,
                |_| Ok(()),
            ),
            "Alert.RequestOverLimit" => typed::<alert::RequestOverLimit>(
                command,
                body,
                TencentEvent::RequestOverLimit,
                |_| Ok(()),
            ),
            "Bot.OnC2CMessage" => {
                typed::<bot::BotC2cMessage>(command, body, TencentEvent::BotC2cMessage, |_| Ok(()))
            }
            "Bot.OnGroupMessage" => {
                typed::<bot::BotGroupMessage>(command, body, TencentEvent::BotGroupMessage, |_| {
                    Ok(())
                })
            }
            "Chatbot.OnC2CSignalMessage" => typed::<bot::ChatbotSignalMessage>(
                command,
                body,
                TencentEvent::ChatbotSignalMessage,
                |_| Ok(()),
            ),
            "ContentCallback.ResultNotify" => typed::<moderation::ModerationResult>(
                command,
                body,
                TencentEvent::ModerationResult,
                |_| Ok(()),
            ),
            "C2C.CallbackAfterC2CMsgExtension" => typed::<c2c::AfterC2cMsgExtension>(
                command,
                body,
                TencentEvent::AfterC2cMsgExtension,
                |_| Ok(()),
            ),
            _ => unknown(command, body, None),
        }
    }

    /// The kind id (`CallbackCommand`).
    pub fn command(&self) -> &str {
        match self {
            Self::BeforeCreateGroup(_) => "Group.CallbackBeforeCreateGroup",
            Self::AfterCreateGroup(_) => "Group.CallbackAfterCreateGroup",
            Self::BeforeApplyJoinGroup(_) => "Group.CallbackBeforeApplyJoinGroup",
            Self::BeforeInviteJoinGroup(_) => "Group.CallbackBeforeInviteJoinGroup",
            Self::AfterNewMemberJoin(_) => "Group.CallbackAfterNewMemberJoin",
            Self::AfterMemberExit(_) => "Group.CallbackAfterMemberExit",
            Self::BeforeSendGroupMsg(_) => "Group.CallbackBeforeSendMsg",
            Self::AfterSendGroupMsg(_) => "Group.CallbackAfterSendMsg",
            Self::AfterGroupFull(_) => "Group.CallbackAfterGroupFull",
            Self::AfterGroupDestroyed(_) => "Group.CallbackAfterGroupDestroyed",
            Self::AfterGroupInfoChanged(_) => "Group.CallbackAfterGroupInfoChanged",
            Self::MemberStateChanged(_) => "Group.CallbackOnMemberStateChange",
            Self::GroupMsgSendFailed(_) => "Group.CallbackSendMsgException",
            Self::AfterRecallGroupMsg(_) => "Group.CallbackAfterRecallMsg",
            Self::AfterMemberFieldChanged(_) => "Group.CallbackAfterMemberFieldChanged",
            Self::AfterGroupAttrChanged(_) => "Group.CallbackAfterGroupAttrChanged",
            Self::AfterGroupReadReceipt(_) => "Group.CallbackAfterReadReceipt",
            Self::AfterChangeGroupOwner(_) => "Group.CallbackAfterChangeGroupOwner",
            Self::DailyGroupQuotaAlarm(_) => "Group.CallbackOnDailyGroupQuotaAlarm",
            Self::AfterGroupMsgExtension(_) => "Group.CallbackAfterGroupMsgExtension",
            Self::BeforeCreateTopic(_) => "Group.CallbackBeforeCreateTopic",
            Self::AfterCreateTopic(_) => "Group.CallbackAfterCreateTopic",
            Self::AfterTopicDestroyed(_) => "Group.CallbackAfterTopicDestroyed",
            Self::AfterTopicInfoChanged(_) => "Group.CallbackAfterTopicInfoChanged",
            Self::StateChanged(_) => "State.StateChange",
            Self::PortraitSet(_) => "Profile.CallbackPortraitSet",
            Self::BeforeFriendAdd(_) => "Sns.CallbackPrevFriendAdd",
            Self::BeforeFriendResponse(_) => "Sns.CallbackPrevFriendResponse",
            Self::FriendAdded(_) => "Sns.CallbackFriendAdd",
            Self::FriendDeleted(_) => "Sns.CallbackFriendDelete",
            Self::BlocklistAdded(_) => "Sns.CallbackBlackListAdd",
            Self::BlocklistRemoved(_) => "Sns.CallbackBlackListDelete",
            Self::AfterFollowAdd(_) => "Follow.CallbackAfterFollowAdd",
            Self::AfterFollowDelete(_) => "Follow.CallbackAfterFollowDelete",
            Self::BeforeSendC2cMsg(_) => "C2C.CallbackBeforeSendMsg",
            Self::AfterSendC2cMsg(_) => "C2C.CallbackAfterSendMsg",
            Self::AfterC2cMsgRead(_) => "C2C.CallbackAfterMsgReport",
            Self::AfterC2cMsgRecalled(_) => "C2C.CallbackAfterMsgWithDraw",
            Self::BeforeCreateOfficialAccount(_) => {
                "OfficialAccount.CallbackBeforeCreateOfficialAccount"
            }
            Self::AfterCreateOfficialAccount(_) => {
                "OfficialAccount.CallbackAfterCreateOfficialAccount"
            }
            Self::AfterOfficialAccountInfoChanged(_) => {
                "OfficialAccount.CallbackAfterOfficialAccountInfoChanged"
            }
            Self::AfterOfficialAccountDestroyed(_) => {
                "OfficialAccount.CallbackAfterOfficialAccountDestroyed"
            }
            Self::BeforeAddSubscriber(_) => "OfficialAccount.CallbackBeforeAddSubscriber",
            Self::AfterAddSubscriber(_) => "OfficialAccount.CallbackAfterAddSubscriber",
            Self::AfterOfficialAccountFull(_) => "OfficialAccount.CallbackAfterOfficialAccountFull",
            Self::AfterDeleteSubscriber(_) => "OfficialAccount.CallbackAfterDeleteSubscriber",
            Self::BeforeSendOfficialAccountMsg(_) => "OfficialAccount.CallbackBeforeSendMsg",
            Self::AfterSendOfficialAccountMsg(_) => "OfficialAccount.CallbackAfterSendMsg",
            Self::AfterOfficialAccountMsgRecalled(_) => "OfficialAccount.CallbackAfterMsgWithDraw",
            Self::OfflinePushResults(_) => "Push.OfflinePush",
            Self::AllMemberPushResults(_) => "Push.AllMemberPush",
            Self::RequestOverLimit(_) => "Alert.RequestOverLimit",
            Self::BotC2cMessage(_) => "Bot.OnC2CMessage",
            Self::BotGroupMessage(_) => "Bot.OnGroupMessage",
            Self::ChatbotSignalMessage(_) => "Chatbot.OnC2CSignalMessage",
            Self::ModerationResult(_) => "ContentCallback.ResultNotify",
            Self::AfterC2cMsgExtension(_) => "C2C.CallbackAfterC2CMsgExtension",
            Self::Unknown(u) => &u.command,
        }
    }

    /// `true` when decoded into a typed model.
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown(_))
    }

    /// `true` for the Before commands (typed or not), see [`is_before_command`].
    pub fn is_before(&self) -> bool {
        is_before_command(self.command())
    }

    /// The reply of an application that does nothing with this event: the OK ack;
    /// for the two `Sns.CallbackPrev*` commands, allow every target.
    pub fn default_reply(&self) -> Reply {
        match self {
            Self::BeforeFriendAdd(e) => {
                crate::tencent::decision::FriendVerdicts::allow_all().into_reply(&e.targets())
            }
            Self::BeforeFriendResponse(e) => {
                crate::tencent::decision::FriendVerdicts::allow_all().into_reply(&e.targets())
            }
            _ => Reply::ok(),
        }
    }

    /// The event in its wire shape (canonical names, `CallbackCommand` included where
    /// the provider's body carries it: not for the push results and moderation results,
    /// whose command is only in the query), or
    /// the raw JSON for unknown events.
    pub fn to_wire_json(&self) -> serde_json::Value {
        let typed = match self {
            Self::BeforeCreateGroup(e) => serde_json::to_value(e),
            Self::AfterCreateGroup(e) => serde_json::to_value(e),
            Self::BeforeApplyJoinGroup(e) => serde_json::to_value(e),
            Self::BeforeInviteJoinGroup(e) => serde_json::to_value(e),
            Self::AfterNewMemberJoin(e) => serde_json::to_value(e),
            Self::AfterMemberExit(e) => serde_json::to_value(e),
            Self::BeforeSendGroupMsg(e) => serde_json::to_value(e),
            Self::AfterSendGroupMsg(e) => serde_json::to_value(e),
            Self::AfterGroupFull(e) => serde_json::to_value(e),
            Self::AfterGroupDestroyed(e) => serde_json::to_value(e),
            Self::AfterGroupInfoChanged(e) => serde_json::to_value(e),
            Self::MemberStateChanged(e) => serde_json::to_value(e),
            Self::GroupMsgSendFailed(e) => serde_json::to_value(e),
            Self::AfterRecallGroupMsg(e) => serde_json::to_value(e),
            Self::AfterMemberFieldChanged(e) => serde_json::to_value(e),
            Self::AfterGroupAttrChanged(e) => serde_json::to_value(e),
            Self::AfterGroupReadReceipt(e) => serde_json::to_value(e),
            Self::AfterChangeGroupOwner(e) => serde_json::to_value(e),
            Self::DailyGroupQuotaAlarm(e) => serde_json::to_value(e),
            Self::AfterGroupMsgExtension(e) => serde_json::to_value(e),
            Self::BeforeCreateTopic(e) => serde_json::to_value(e),
            Self::AfterCreateTopic(e) => serde_json::to_value(e),
            Self::AfterTopicDestroyed(e) => serde_json::to_value(e),
            Self::AfterTopicInfoChanged(e) => serde_json::to_value(e),
            Self::StateChanged(e) => serde_json::to_value(e),
            Self::PortraitSet(e) => serde_json::to_value(e),
            Self::BeforeFriendAdd(e) => serde_json::to_value(e),
            Self::BeforeFriendResponse(e) => serde_json::to_value(e),
            Self::FriendAdded(e) => serde_json::to_value(e),
            Self::FriendDeleted(e) => serde_json::to_value(e),
            Self::BlocklistAdded(e) => serde_json::to_value(e),
            Self::BlocklistRemoved(e) => serde_json::to_value(e),
            Self::AfterFollowAdd(e) => serde_json::to_value(e),
            Self::AfterFollowDelete(e) => serde_json::to_value(e),
            Self::BeforeSendC2cMsg(e) => serde_json::to_value(e),
            Self::AfterSendC2cMsg(e) => serde_json::to_value(e),
            Self::AfterC2cMsgRead(e) => serde_json::to_value(e),
            Self::AfterC2cMsgRecalled(e) => serde_json::to_value(e),
            Self::BeforeCreateOfficialAccount(e) => serde_json::to_value(e),
            Self::AfterCreateOfficialAccount(e) => serde_json::to_value(e),
            Self::AfterOfficialAccountInfoChanged(e) => serde_json::to_value(e),
            Self::AfterOfficialAccountDestroyed(e) => serde_json::to_value(e),
            Self::BeforeAddSubscriber(e) => serde_json::to_value(e),
            Self::AfterAddSubscriber(e) => serde_json::to_value(e),
            Self::AfterOfficialAccountFull(e) => serde_json::to_value(e),
            Self::AfterDeleteSubscriber(e) => serde_json::to_value(e),
            Self::BeforeSendOfficialAccountMsg(e) => serde_json::to_value(e),
            Self::AfterSendOfficialAccountMsg(e) => serde_json::to_value(e),
            Self::AfterOfficialAccountMsgRecalled(e) => serde_json::to_value(e),
            Self::OfflinePushResults(e) => serde_json::to_value(e),
            Self::AllMemberPushResults(e) => serde_json::to_value(e),
            Self::RequestOverLimit(e) => serde_json::to_value(e),
            Self::BotC2cMessage(e) => serde_json::to_value(e),
            Self::BotGroupMessage(e) => serde_json::to_value(e),
            Self::ChatbotSignalMessage(e) => serde_json::to_value(e),
            Self::ModerationResult(e) => serde_json::to_value(e),
            Self::AfterC2cMsgExtension(e) => serde_json::to_value(e),
            Self::Unknown(u) => {
                return serde_json::from_str(u.raw.get()).unwrap_or(serde_json::Value::Null);
            }
        };
        let mut value = typed.unwrap_or(serde_json::Value::Null);
        let body_has_command = !matches!(
            self,
            Self::OfflinePushResults(_) | Self::AllMemberPushResults(_) | Self::ModerationResult(_)
        );
        if let Some(map) = value.as_object_mut().filter(|_| body_has_command) {
            map.insert(
                "CallbackCommand".to_owned(),
                serde_json::Value::String(self.command().to_owned()),
            );
        }
        value
    }

    /// The event record (`{"provider":"tencent","kind","known","event"}`).
    /// An unknown event is written as its raw JSON; a top-level `Sign` is never written
    /// (see [`EventRecord`]).
    pub fn record(&self) -> EventRecord {
        match self {
            Self::Unknown(u) => EventRecord::raw("tencent", self.command(), u.raw.get()),
            _ => EventRecord::new(
                "tencent",
                self.command(),
                self.is_known(),
                self.to_wire_json(),
            ),
        }
    }
}

/// `true` for the Before commands of the catalogue: IM waits for their reply, which is a
/// decision.
pub fn is_before_command(command: &str) -> bool {
    matches!(
        command,
        "Group.CallbackBeforeCreateGroup"
            | "Group.CallbackBeforeApplyJoinGroup"
            | "Group.CallbackBeforeInviteJoinGroup"
            | "Group.CallbackBeforeSendMsg"
            | "Group.CallbackBeforeCreateTopic"
            | "C2C.CallbackBeforeSendMsg"
            | "Sns.CallbackPrevFriendAdd"
            | "Sns.CallbackPrevFriendResponse"
            | "OfficialAccount.CallbackBeforeCreateOfficialAccount"
            | "OfficialAccount.CallbackBeforeAddSubscriber"
            | "OfficialAccount.CallbackBeforeSendMsg"
    )
}

/// Every command of the catalogue, grouped by family.
pub const COMMANDS: &[&str] = &[
    "Group.CallbackBeforeCreateGroup",
    "Group.CallbackAfterCreateGroup",
    "Group.CallbackBeforeApplyJoinGroup",
    "Group.CallbackBeforeInviteJoinGroup",
    "Group.CallbackAfterNewMemberJoin",
    "Group.CallbackAfterMemberExit",
    "Group.CallbackBeforeSendMsg",
    "Group.CallbackAfterSendMsg",
    "Group.CallbackAfterGroupFull",
    "Group.CallbackAfterGroupDestroyed",
    "Group.CallbackAfterGroupInfoChanged",
    "Group.CallbackOnMemberStateChange",
    "Group.CallbackSendMsgException",
    "Group.CallbackAfterRecallMsg",
    "Group.CallbackAfterMemberFieldChanged",
    "Group.CallbackAfterGroupAttrChanged",
    "Group.CallbackAfterReadReceipt",
    "Group.CallbackAfterChangeGroupOwner",
    "Group.CallbackOnDailyGroupQuotaAlarm",
    "Group.CallbackAfterGroupMsgExtension",
    "Group.CallbackBeforeCreateTopic",
    "Group.CallbackAfterCreateTopic",
    "Group.CallbackAfterTopicDestroyed",
    "Group.CallbackAfterTopicInfoChanged",
    "State.StateChange",
    "Profile.CallbackPortraitSet",
    "Sns.CallbackPrevFriendAdd",
    "Sns.CallbackPrevFriendResponse",
    "Sns.CallbackFriendAdd",
    "Sns.CallbackFriendDelete",
    "Sns.CallbackBlackListAdd",
    "Sns.CallbackBlackListDelete",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
    "C2C.CallbackBeforeSendMsg",
    "C2C.CallbackAfterSendMsg",
    "C2C.CallbackAfterMsgReport",
    "C2C.CallbackAfterMsgWithDraw",
    "C2C.CallbackAfterC2CMsgExtension",
    "OfficialAccount.CallbackBeforeCreateOfficialAccount",
    "OfficialAccount.CallbackAfterCreateOfficialAccount",
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
    "OfficialAccount.CallbackBeforeAddSubscriber",
    "OfficialAccount.CallbackAfterAddSubscriber",
    "OfficialAccount.CallbackAfterOfficialAccountFull",
    "OfficialAccount.CallbackAfterDeleteSubscriber",
    "OfficialAccount.CallbackBeforeSendMsg",
    "OfficialAccount.CallbackAfterSendMsg",
    "OfficialAccount.CallbackAfterMsgWithDraw",
    "Push.OfflinePush",
    "Push.AllMemberPush",
    "Alert.RequestOverLimit",
    "Bot.OnC2CMessage",
    "Bot.OnGroupMessage",
    "Chatbot.OnC2CSignalMessage",
    "ContentCallback.ResultNotify",
];
