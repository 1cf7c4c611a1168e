//! The Tencent handler trait: one method per command, each with a default body, a
//! catch-all for unknown commands, and an overridable [`CallbackHandler::handle`] entry
//! point for applications that want every event in one place.
//!
//! ```
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use imhook_core::BoxError;
//! use imhook_core::tencent::{CallbackHandler, Context, TencentEvent, handler::dispatch};
//! use imhook_core::tencent::decision::GroupSendMsgDecision;
//! use imhook_core::tencent::events::{AfterCreateGroup, BeforeSendGroupMsg};
//!
//! struct Moderator;
//!
//! #[async_trait]
//! impl CallbackHandler for Moderator {
//!     async fn before_send_group_msg(&self, _ctx: &Context, ev: BeforeSendGroupMsg) -> Result<GroupSendMsgDecision, BoxError> {
//!         let spam = ev.msg_body.iter().any(|e| e.as_text().is_some_and(|t| t.contains("buy now")));
//!         Ok(if spam { GroupSendMsgDecision::Reject } else { GroupSendMsgDecision::Allow })
//!     }
//!     async fn after_create_group(&self, _ctx: &Context, ev: AfterCreateGroup) -> Result<(), BoxError> {
//!         println!("group {} created by {}", ev.group_id, ev.operator_account);
//!         Ok(())
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let handler: Arc<dyn CallbackHandler> = Arc::new(Moderator);
//! let body = r#"{"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#1","Type":"Public",
//!     "From_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"buy now!"}}]}"#;
//! let event = TencentEvent::decode("Group.CallbackBeforeSendMsg", body).unwrap();
//! let ctx = Context::for_test("Group.CallbackBeforeSendMsg", body);
//! let reply = dispatch(handler.as_ref(), &ctx, event).await.unwrap();
//! assert_eq!(reply.code, 1);
//! # });
//! ```

use super::context::Context;
use super::decision::{
    AddSubscriberDecision, C2cSendMsgDecision, CreateOfficialAccountDecision, FriendVerdicts,
    GroupDecision, GroupSendMsgDecision, InviteDecision, OfficialAccountSendMsgDecision,
};
use super::events::*;
use super::reply::{BeforeFailurePolicy, Reply};
use crate::BoxError;
use async_trait::async_trait;

/// The application's Tencent callback handler. Implement the methods you need; the
/// others acknowledge (After) or allow (Before).
#[async_trait]
pub trait CallbackHandler: Send + Sync + 'static {
    /// Entry point for every event. The default calls the method for the event's
    /// command; override it to handle every event in one place.
    async fn handle(&self, ctx: &Context, event: TencentEvent) -> Result<Reply, BoxError> {
        dispatch(self, ctx, event).await
    }

    /// `Group.CallbackBeforeCreateGroup`: before IM creates a group. Default: allow.
    async fn before_create_group(
        &self,
        ctx: &Context,
        event: BeforeCreateGroup,
    ) -> Result<GroupDecision, BoxError> {
        let _ = (ctx, event);
        Ok(GroupDecision::default())
    }
    /// `Group.CallbackAfterCreateGroup`: a group was created.
    async fn after_create_group(
        &self,
        ctx: &Context,
        event: AfterCreateGroup,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackBeforeApplyJoinGroup`: before a join request is processed. Default: allow.
    async fn before_apply_join_group(
        &self,
        ctx: &Context,
        event: BeforeApplyJoinGroup,
    ) -> Result<GroupDecision, BoxError> {
        let _ = (ctx, event);
        Ok(GroupDecision::default())
    }
    /// `Group.CallbackBeforeInviteJoinGroup`: before invited users are added. Default: allow.
    async fn before_invite_join_group(
        &self,
        ctx: &Context,
        event: BeforeInviteJoinGroup,
    ) -> Result<InviteDecision, BoxError> {
        let _ = (ctx, event);
        Ok(InviteDecision::default())
    }
    /// `Group.CallbackAfterNewMemberJoin`: members joined a group.
    async fn after_new_member_join(
        &self,
        ctx: &Context,
        event: AfterNewMemberJoin,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterMemberExit`: members left a group (quit or kicked).
    async fn after_member_exit(
        &self,
        ctx: &Context,
        event: AfterMemberExit,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackBeforeSendMsg`: before a group message is delivered. Default: allow.
    async fn before_send_group_msg(
        &self,
        ctx: &Context,
        event: BeforeSendGroupMsg,
    ) -> Result<GroupSendMsgDecision, BoxError> {
        let _ = (ctx, event);
        Ok(GroupSendMsgDecision::default())
    }
    /// `Group.CallbackAfterSendMsg`: a group message was delivered.
    async fn after_send_group_msg(
        &self,
        ctx: &Context,
        event: AfterSendGroupMsg,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterGroupFull`: a group became full.
    async fn after_group_full(&self, ctx: &Context, event: AfterGroupFull) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterGroupDestroyed`: a group was dissolved.
    async fn after_group_destroyed(
        &self,
        ctx: &Context,
        event: AfterGroupDestroyed,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterGroupInfoChanged`: a group's profile changed; only changed fields are present.
    async fn after_group_info_changed(
        &self,
        ctx: &Context,
        event: AfterGroupInfoChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackOnMemberStateChange`: members of a live group went online or offline.
    async fn member_state_changed(
        &self,
        ctx: &Context,
        event: MemberStateChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackSendMsgException`: delivering a group message failed.
    async fn group_msg_send_failed(
        &self,
        ctx: &Context,
        event: GroupMsgSendFailed,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterRecallMsg`: group messages were recalled.
    async fn after_recall_group_msg(
        &self,
        ctx: &Context,
        event: AfterRecallGroupMsg,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterMemberFieldChanged`: a member's role or name card changed.
    async fn after_member_field_changed(
        &self,
        ctx: &Context,
        event: AfterMemberFieldChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterGroupAttrChanged`: group custom attributes changed.
    async fn after_group_attr_changed(
        &self,
        ctx: &Context,
        event: AfterGroupAttrChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterReadReceipt`: read receipts of group messages.
    async fn after_group_read_receipt(
        &self,
        ctx: &Context,
        event: AfterGroupReadReceipt,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterChangeGroupOwner`: a group's ownership was transferred.
    async fn after_change_group_owner(
        &self,
        ctx: &Context,
        event: AfterChangeGroupOwner,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackOnDailyGroupQuotaAlarm`: the day's net group increase passed 70 % of the limit.
    async fn daily_group_quota_alarm(
        &self,
        ctx: &Context,
        event: DailyGroupQuotaAlarm,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterGroupMsgExtension`: message extensions were set, deleted or cleared.
    async fn after_group_msg_extension(
        &self,
        ctx: &Context,
        event: AfterGroupMsgExtension,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackBeforeCreateTopic`: before a topic is created in a Community group. Default: allow.
    async fn before_create_topic(
        &self,
        ctx: &Context,
        event: BeforeCreateTopic,
    ) -> Result<GroupDecision, BoxError> {
        let _ = (ctx, event);
        Ok(GroupDecision::default())
    }
    /// `Group.CallbackAfterCreateTopic`: a topic was created.
    async fn after_create_topic(
        &self,
        ctx: &Context,
        event: AfterCreateTopic,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterTopicDestroyed`: topics were deleted.
    async fn after_topic_destroyed(
        &self,
        ctx: &Context,
        event: AfterTopicDestroyed,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Group.CallbackAfterTopicInfoChanged`: a topic's profile changed.
    async fn after_topic_info_changed(
        &self,
        ctx: &Context,
        event: AfterTopicInfoChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `State.StateChange`: a user logged in, logged out or was disconnected.
    async fn state_changed(&self, ctx: &Context, event: StateChanged) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Profile.CallbackPortraitSet`: a user's profile changed.
    async fn portrait_set(&self, ctx: &Context, event: PortraitSet) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Sns.CallbackPrevFriendAdd`: before a friend request is processed. Default: allow.
    async fn before_friend_add(
        &self,
        ctx: &Context,
        event: BeforeFriendAdd,
    ) -> Result<FriendVerdicts, BoxError> {
        let _ = (ctx, event);
        Ok(FriendVerdicts::default())
    }
    /// `Sns.CallbackPrevFriendResponse`: before a friend request answer is processed. Default: allow.
    async fn before_friend_response(
        &self,
        ctx: &Context,
        event: BeforeFriendResponse,
    ) -> Result<FriendVerdicts, BoxError> {
        let _ = (ctx, event);
        Ok(FriendVerdicts::default())
    }
    /// `Sns.CallbackFriendAdd`: friendships were established.
    async fn friend_added(&self, ctx: &Context, event: FriendAdded) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Sns.CallbackFriendDelete`: friends were deleted.
    async fn friend_deleted(&self, ctx: &Context, event: FriendDeleted) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Sns.CallbackBlackListAdd`: users were added to a blocklist.
    async fn blocklist_added(&self, ctx: &Context, event: BlocklistAdded) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Sns.CallbackBlackListDelete`: users were removed from a blocklist.
    async fn blocklist_removed(
        &self,
        ctx: &Context,
        event: BlocklistRemoved,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Follow.CallbackAfterFollowAdd`: a user followed others.
    async fn after_follow_add(&self, ctx: &Context, event: AfterFollowAdd) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Follow.CallbackAfterFollowDelete`: a user unfollowed others.
    async fn after_follow_delete(
        &self,
        ctx: &Context,
        event: AfterFollowDelete,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `C2C.CallbackBeforeSendMsg`: before a one-to-one message is delivered. Default: allow.
    async fn before_send_c2c_msg(
        &self,
        ctx: &Context,
        event: BeforeSendC2cMsg,
    ) -> Result<C2cSendMsgDecision, BoxError> {
        let _ = (ctx, event);
        Ok(C2cSendMsgDecision::default())
    }
    /// `C2C.CallbackAfterSendMsg`: a one-to-one message was delivered, or delivery failed.
    async fn after_send_c2c_msg(
        &self,
        ctx: &Context,
        event: AfterSendC2cMsg,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `C2C.CallbackAfterMsgReport`: a one-to-one conversation was marked read.
    async fn after_c2c_msg_read(
        &self,
        ctx: &Context,
        event: AfterC2cMsgRead,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `C2C.CallbackAfterMsgWithDraw`: a one-to-one message was recalled.
    async fn after_c2c_msg_recalled(
        &self,
        ctx: &Context,
        event: AfterC2cMsgRecalled,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackBeforeCreateOfficialAccount`: before an official account is created. Default: allow.
    async fn before_create_official_account(
        &self,
        ctx: &Context,
        event: BeforeCreateOfficialAccount,
    ) -> Result<CreateOfficialAccountDecision, BoxError> {
        let _ = (ctx, event);
        Ok(CreateOfficialAccountDecision::default())
    }
    /// `OfficialAccount.CallbackAfterCreateOfficialAccount`: an official account was created.
    async fn after_create_official_account(
        &self,
        ctx: &Context,
        event: AfterCreateOfficialAccount,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackAfterOfficialAccountInfoChanged`: an official account's profile changed.
    async fn after_official_account_info_changed(
        &self,
        ctx: &Context,
        event: AfterOfficialAccountInfoChanged,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackAfterOfficialAccountDestroyed`: an official account was destroyed.
    async fn after_official_account_destroyed(
        &self,
        ctx: &Context,
        event: AfterOfficialAccountDestroyed,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackBeforeAddSubscriber`: before users subscribe to an official account. Default: allow.
    async fn before_add_subscriber(
        &self,
        ctx: &Context,
        event: BeforeAddSubscriber,
    ) -> Result<AddSubscriberDecision, BoxError> {
        let _ = (ctx, event);
        Ok(AddSubscriberDecision::default())
    }
    /// `OfficialAccount.CallbackAfterAddSubscriber`: users subscribed to an official account.
    async fn after_add_subscriber(
        &self,
        ctx: &Context,
        event: AfterAddSubscriber,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackAfterOfficialAccountFull`: an official account reached its subscriber limit.
    async fn after_official_account_full(
        &self,
        ctx: &Context,
        event: AfterOfficialAccountFull,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackAfterDeleteSubscriber`: users unsubscribed from an official account.
    async fn after_delete_subscriber(
        &self,
        ctx: &Context,
        event: AfterDeleteSubscriber,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackBeforeSendMsg`: before an official-account message is delivered. Default: allow.
    async fn before_send_official_account_msg(
        &self,
        ctx: &Context,
        event: BeforeSendOfficialAccountMsg,
    ) -> Result<OfficialAccountSendMsgDecision, BoxError> {
        let _ = (ctx, event);
        Ok(OfficialAccountSendMsgDecision::default())
    }
    /// `OfficialAccount.CallbackAfterSendMsg`: an official-account message was delivered.
    async fn after_send_official_account_msg(
        &self,
        ctx: &Context,
        event: AfterSendOfficialAccountMsg,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `OfficialAccount.CallbackAfterMsgWithDraw`: official-account messages were recalled.
    async fn after_official_account_msg_recalled(
        &self,
        ctx: &Context,
        event: AfterOfficialAccountMsgRecalled,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Push.OfflinePush`: a batch of offline-push results (one call for the whole list).
    async fn offline_push_results(
        &self,
        ctx: &Context,
        event: OfflinePushResults,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Push.AllMemberPush`: a batch of all-member push results (one call for the whole list).
    async fn all_member_push_results(
        &self,
        ctx: &Context,
        event: AllMemberPushResults,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Alert.RequestOverLimit`: a REST API's request rate passed 80 % of its limit.
    async fn request_over_limit(
        &self,
        ctx: &Context,
        event: RequestOverLimit,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Bot.OnC2CMessage`: a one-to-one message was sent to a chatbot.
    async fn bot_c2c_message(&self, ctx: &Context, event: BotC2cMessage) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Bot.OnGroupMessage`: a group message mentioned chatbots.
    async fn bot_group_message(
        &self,
        ctx: &Context,
        event: BotGroupMessage,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `Chatbot.OnC2CSignalMessage`: custom pass-through content was sent to a chatbot.
    async fn chatbot_signal_message(
        &self,
        ctx: &Context,
        event: ChatbotSignalMessage,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `ContentCallback.ResultNotify`: a cloud moderation result.
    async fn moderation_result(
        &self,
        ctx: &Context,
        event: ModerationResult,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }
    /// `C2C.CallbackAfterC2CMsgExtension`: extensions of a one-to-one message were set, deleted or cleared.
    async fn after_c2c_msg_extension(
        &self,
        ctx: &Context,
        event: AfterC2cMsgExtension,
    ) -> Result<(), BoxError> {
        let _ = (ctx, event);
        Ok(())
    }

    /// Any command the library does not type, or a catalogued one whose body could not
    /// be decoded (`event.error` says why). Return a raw reply to answer a new
    /// Before-type command, or `None` for the OK ack. For a catalogued Before command
    /// whose body could not be decoded, the endpoint answers with its failure policy.
    async fn unknown(&self, ctx: &Context, event: UnknownEvent) -> Result<Option<Reply>, BoxError> {
        let _ = (ctx, event);
        Ok(None)
    }
}

/// Calls the handler method for `event` and turns its result into a reply.
pub async fn dispatch<H: CallbackHandler + ?Sized>(
    handler: &H,
    ctx: &Context,
    event: TencentEvent,
) -> Result<Reply, BoxError> {
    match event {
        TencentEvent::BeforeCreateGroup(e) => Ok(handler.before_create_group(ctx, e).await?.into()),
        TencentEvent::AfterCreateGroup(e) => {
            handler.after_create_group(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeApplyJoinGroup(e) => {
            Ok(handler.before_apply_join_group(ctx, e).await?.into())
        }
        TencentEvent::BeforeInviteJoinGroup(e) => {
            Ok(handler.before_invite_join_group(ctx, e).await?.into())
        }
        TencentEvent::AfterNewMemberJoin(e) => {
            handler.after_new_member_join(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterMemberExit(e) => {
            handler.after_member_exit(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeSendGroupMsg(e) => {
            Ok(handler.before_send_group_msg(ctx, e).await?.into())
        }
        TencentEvent::AfterSendGroupMsg(e) => {
            handler.after_send_group_msg(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupFull(e) => {
            handler.after_group_full(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupDestroyed(e) => {
            handler.after_group_destroyed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupInfoChanged(e) => {
            handler.after_group_info_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::MemberStateChanged(e) => {
            handler.member_state_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::GroupMsgSendFailed(e) => {
            handler.group_msg_send_failed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterRecallGroupMsg(e) => {
            handler.after_recall_group_msg(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterMemberFieldChanged(e) => {
            handler.after_member_field_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupAttrChanged(e) => {
            handler.after_group_attr_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupReadReceipt(e) => {
            handler.after_group_read_receipt(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterChangeGroupOwner(e) => {
            handler.after_change_group_owner(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::DailyGroupQuotaAlarm(e) => {
            handler.daily_group_quota_alarm(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterGroupMsgExtension(e) => {
            handler.after_group_msg_extension(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeCreateTopic(e) => Ok(handler.before_create_topic(ctx, e).await?.into()),
        TencentEvent::AfterCreateTopic(e) => {
            handler.after_create_topic(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterTopicDestroyed(e) => {
            handler.after_topic_destroyed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterTopicInfoChanged(e) => {
            handler.after_topic_info_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::StateChanged(e) => {
            handler.state_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::PortraitSet(e) => {
            handler.portrait_set(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeFriendAdd(e) => {
            let targets = e.targets();
            Ok(handler
                .before_friend_add(ctx, e)
                .await?
                .into_reply(&targets))
        }
        TencentEvent::BeforeFriendResponse(e) => {
            let targets = e.targets();
            Ok(handler
                .before_friend_response(ctx, e)
                .await?
                .into_reply(&targets))
        }
        TencentEvent::FriendAdded(e) => {
            handler.friend_added(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::FriendDeleted(e) => {
            handler.friend_deleted(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BlocklistAdded(e) => {
            handler.blocklist_added(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BlocklistRemoved(e) => {
            handler.blocklist_removed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterFollowAdd(e) => {
            handler.after_follow_add(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterFollowDelete(e) => {
            handler.after_follow_delete(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeSendC2cMsg(e) => Ok(handler.before_send_c2c_msg(ctx, e).await?.into()),
        TencentEvent::AfterSendC2cMsg(e) => {
            handler.after_send_c2c_msg(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterC2cMsgRead(e) => {
            handler.after_c2c_msg_read(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterC2cMsgRecalled(e) => {
            handler.after_c2c_msg_recalled(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeCreateOfficialAccount(e) => {
            Ok(handler.before_create_official_account(ctx, e).await?.into())
        }
        TencentEvent::AfterCreateOfficialAccount(e) => {
            handler.after_create_official_account(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterOfficialAccountInfoChanged(e) => {
            handler.after_official_account_info_changed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterOfficialAccountDestroyed(e) => {
            handler.after_official_account_destroyed(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeAddSubscriber(e) => {
            Ok(handler.before_add_subscriber(ctx, e).await?.into())
        }
        TencentEvent::AfterAddSubscriber(e) => {
            handler.after_add_subscriber(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterOfficialAccountFull(e) => {
            handler.after_official_account_full(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterDeleteSubscriber(e) => {
            handler.after_delete_subscriber(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BeforeSendOfficialAccountMsg(e) => Ok(handler
            .before_send_official_account_msg(ctx, e)
            .await?
            .into()),
        TencentEvent::AfterSendOfficialAccountMsg(e) => {
            handler.after_send_official_account_msg(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterOfficialAccountMsgRecalled(e) => {
            handler.after_official_account_msg_recalled(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::OfflinePushResults(e) => {
            handler.offline_push_results(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AllMemberPushResults(e) => {
            handler.all_member_push_results(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::RequestOverLimit(e) => {
            handler.request_over_limit(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BotC2cMessage(e) => {
            handler.bot_c2c_message(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::BotGroupMessage(e) => {
            handler.bot_group_message(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::ChatbotSignalMessage(e) => {
            handler.chatbot_signal_message(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::ModerationResult(e) => {
            handler.moderation_result(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::AfterC2cMsgExtension(e) => {
            handler.after_c2c_msg_extension(ctx, e).await?;
            Ok(Reply::ok())
        }
        TencentEvent::Unknown(u) => Ok(handler.unknown(ctx, u).await?.unwrap_or_else(Reply::ok)),
    }
}

/// The targets of a friend-request body that could not be typed, read leniently.
fn raw_targets(event: &UnknownEvent) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Target {
        #[serde(rename = "To_Account")]
        to_account: String,
    }
    #[derive(serde::Deserialize)]
    struct Targets {
        #[serde(rename = "FriendItem", alias = "ResponseFriendItem")]
        items: Vec<Target>,
    }
    serde_json::from_str::<Targets>(event.raw.get())
        .ok()
        .map(|t| t.items.into_iter().map(|i| i.to_account).collect())
}

/// The reply when the handler fails for a Before command (computed before dispatch).
pub(crate) fn before_fallback(event: &TencentEvent, policy: BeforeFailurePolicy) -> Reply {
    let targets = match event {
        TencentEvent::BeforeFriendAdd(e) => Some(e.targets()),
        TencentEvent::BeforeFriendResponse(e) => Some(e.targets()),
        TencentEvent::Unknown(u)
            if matches!(
                u.command.as_str(),
                "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse"
            ) =>
        {
            raw_targets(u)
        }
        _ => None,
    };
    let is_sns = matches!(
        event.command(),
        "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse"
    );
    match (policy, targets) {
        (BeforeFailurePolicy::Allow, Some(t)) => FriendVerdicts::allow_all().into_reply(&t),
        (BeforeFailurePolicy::Reject, Some(t)) => {
            FriendVerdicts::refuse_all().for_targets(&t).into_reply(&t)
        }
        (_, None) if is_sns => Reply::ok(),
        (BeforeFailurePolicy::Allow, None) => Reply::ok(),
        (BeforeFailurePolicy::Reject, None) => Reply::with_code(1, ""),
    }
}
