//! The Tencent command catalogue, written once.
//!
//! [`for_each_command!`] holds one row per typed command, in two sections: `before`,
//! the commands IM waits on (their reply is a decision), and `after`, the
//! notifications (their reply is the OK ack). Everything that depends on the list of
//! commands is generated from it: in `events`, the [`TencentEvent`] variant, its decode
//! arm, [`TencentEvent::command`], [`is_before_command`], [`COMMANDS`], the wire form
//! and the default reply; in `handler`, the [`CallbackHandler`] method with its default
//! body and its [`dispatch`] arm.
//!
//! A row reads
//!
//! ```text
//! /// what happened (the doc of the variant and of the handler method, after "`Family.Command`:").
//! Variant = "Family.Command"
//!     => Type, handler_method
//!     -> DecisionType; // in `before` only: what the handler method returns
//! ```
//!
//! An `after` method returns `()`; a `before` method returns its decision type (named
//! in `tencent/decision.rs`), whose `Default` (allow) is what an unimplemented method
//! answers, turned into the reply by [`Outcome`].
//!
//! Adding a command is its struct in `events/<family>.rs` and its row here. Two wire
//! details stay with the events, as matches on the variant: a struct that needs a
//! fix-up after the serde decode (`TencentEvent::normalise`), and a command whose body
//! does not carry `CallbackCommand` (`TencentEvent::command_in_body`). The compiler
//! checks the rest: a variant or a handler method given twice does not build, nor does
//! a command given twice (the decode denies unreachable patterns), nor a type or
//! decision that does not exist.
//!
//! [`TencentEvent`]: super::events::TencentEvent
//! [`TencentEvent::command`]: super::events::TencentEvent::command
//! [`is_before_command`]: super::events::is_before_command
//! [`COMMANDS`]: super::events::COMMANDS
//! [`CallbackHandler`]: super::handler::CallbackHandler
//! [`dispatch`]: super::handler::dispatch
//! [`Outcome`]: super::decision::Outcome

/// The catalogue: calls `$generate!` with the Before commands and the After commands,
/// each grouped by family.
macro_rules! for_each_command {
    ($generate:ident) => {
        $generate! {
            before {
                // Groups and their topics
                /// before IM creates a group.
                BeforeCreateGroup = "Group.CallbackBeforeCreateGroup"
                    => BeforeCreateGroup, before_create_group
                    -> GroupDecision;
                /// before a join request is processed.
                BeforeApplyJoinGroup = "Group.CallbackBeforeApplyJoinGroup"
                    => BeforeApplyJoinGroup, before_apply_join_group
                    -> GroupDecision;
                /// before invited users are added.
                BeforeInviteJoinGroup = "Group.CallbackBeforeInviteJoinGroup"
                    => BeforeInviteJoinGroup, before_invite_join_group
                    -> InviteDecision;
                /// before a group message is delivered.
                BeforeSendGroupMsg = "Group.CallbackBeforeSendMsg"
                    => BeforeSendGroupMsg, before_send_group_msg
                    -> GroupSendMsgDecision;
                /// before a topic is created in a Community group.
                BeforeCreateTopic = "Group.CallbackBeforeCreateTopic"
                    => BeforeCreateTopic, before_create_topic
                    -> GroupDecision;

                // Relationship chains
                /// before a friend request is processed.
                BeforeFriendAdd = "Sns.CallbackPrevFriendAdd"
                    => BeforeFriendAdd, before_friend_add
                    -> FriendVerdicts;
                /// before a friend request answer is processed.
                BeforeFriendResponse = "Sns.CallbackPrevFriendResponse"
                    => BeforeFriendResponse, before_friend_response
                    -> FriendVerdicts;

                // One-to-one messages
                /// before a one-to-one message is delivered.
                BeforeSendC2cMsg = "C2C.CallbackBeforeSendMsg"
                    => BeforeSendC2cMsg, before_send_c2c_msg
                    -> C2cSendMsgDecision;

                // Official accounts
                /// before an official account is created.
                BeforeCreateOfficialAccount = "OfficialAccount.CallbackBeforeCreateOfficialAccount"
                    => BeforeCreateOfficialAccount, before_create_official_account
                    -> CreateOfficialAccountDecision;
                /// before users subscribe to an official account.
                BeforeAddSubscriber = "OfficialAccount.CallbackBeforeAddSubscriber"
                    => BeforeAddSubscriber, before_add_subscriber
                    -> AddSubscriberDecision;
                /// before an official-account message is delivered.
                BeforeSendOfficialAccountMsg = "OfficialAccount.CallbackBeforeSendMsg"
                    => BeforeSendOfficialAccountMsg, before_send_official_account_msg
                    -> OfficialAccountSendMsgDecision;
            }
            after {
                // Groups and their topics
                /// a group was created.
                AfterCreateGroup = "Group.CallbackAfterCreateGroup"
                    => AfterCreateGroup, after_create_group;
                /// members joined a group.
                AfterNewMemberJoin = "Group.CallbackAfterNewMemberJoin"
                    => AfterNewMemberJoin, after_new_member_join;
                /// members left a group (quit or kicked).
                AfterMemberExit = "Group.CallbackAfterMemberExit"
                    => AfterMemberExit, after_member_exit;
                /// a group message was delivered.
                AfterSendGroupMsg = "Group.CallbackAfterSendMsg"
                    => AfterSendGroupMsg, after_send_group_msg;
                /// a group became full.
                AfterGroupFull = "Group.CallbackAfterGroupFull"
                    => AfterGroupFull, after_group_full;
                /// a group was dissolved.
                AfterGroupDestroyed = "Group.CallbackAfterGroupDestroyed"
                    => AfterGroupDestroyed, after_group_destroyed;
                /// a group's profile changed; only changed fields are present.
                AfterGroupInfoChanged = "Group.CallbackAfterGroupInfoChanged"
                    => AfterGroupInfoChanged, after_group_info_changed;
                /// members of a live group went online or offline.
                MemberStateChanged = "Group.CallbackOnMemberStateChange"
                    => MemberStateChanged, member_state_changed;
                /// delivering a group message failed.
                GroupMsgSendFailed = "Group.CallbackSendMsgException"
                    => GroupMsgSendFailed, group_msg_send_failed;
                /// group messages were recalled.
                AfterRecallGroupMsg = "Group.CallbackAfterRecallMsg"
                    => AfterRecallGroupMsg, after_recall_group_msg;
                /// a member's role or name card changed.
                AfterMemberFieldChanged = "Group.CallbackAfterMemberFieldChanged"
                    => AfterMemberFieldChanged, after_member_field_changed;
                /// group custom attributes changed.
                AfterGroupAttrChanged = "Group.CallbackAfterGroupAttrChanged"
                    => AfterGroupAttrChanged, after_group_attr_changed;
                /// read receipts of group messages.
                AfterGroupReadReceipt = "Group.CallbackAfterReadReceipt"
                    => AfterGroupReadReceipt, after_group_read_receipt;
                /// a group's ownership was transferred.
                AfterChangeGroupOwner = "Group.CallbackAfterChangeGroupOwner"
                    => AfterChangeGroupOwner, after_change_group_owner;
                /// the day's net group increase passed 70 % of the limit.
                DailyGroupQuotaAlarm = "Group.CallbackOnDailyGroupQuotaAlarm"
                    => DailyGroupQuotaAlarm, daily_group_quota_alarm;
                /// message extensions were set, deleted or cleared.
                AfterGroupMsgExtension = "Group.CallbackAfterGroupMsgExtension"
                    => AfterGroupMsgExtension, after_group_msg_extension;
                /// a topic was created.
                AfterCreateTopic = "Group.CallbackAfterCreateTopic"
                    => AfterCreateTopic, after_create_topic;
                /// topics were deleted.
                AfterTopicDestroyed = "Group.CallbackAfterTopicDestroyed"
                    => AfterTopicDestroyed, after_topic_destroyed;
                /// a topic's profile changed.
                AfterTopicInfoChanged = "Group.CallbackAfterTopicInfoChanged"
                    => AfterTopicInfoChanged, after_topic_info_changed;

                // Login state
                /// a user logged in, logged out or was disconnected.
                StateChanged = "State.StateChange"
                    => StateChanged, state_changed;

                // Profiles
                /// a user's profile changed.
                PortraitSet = "Profile.CallbackPortraitSet"
                    => PortraitSet, portrait_set;

                // Relationship chains
                /// friendships were established.
                FriendAdded = "Sns.CallbackFriendAdd"
                    => FriendAdded, friend_added;
                /// friends were deleted.
                FriendDeleted = "Sns.CallbackFriendDelete"
                    => FriendDeleted, friend_deleted;
                /// users were added to a blocklist.
                BlocklistAdded = "Sns.CallbackBlackListAdd"
                    => BlocklistAdded, blocklist_added;
                /// users were removed from a blocklist.
                BlocklistRemoved = "Sns.CallbackBlackListDelete"
                    => BlocklistRemoved, blocklist_removed;

                // Follows
                /// a user followed others.
                AfterFollowAdd = "Follow.CallbackAfterFollowAdd"
                    => AfterFollowAdd, after_follow_add;
                /// a user unfollowed others.
                AfterFollowDelete = "Follow.CallbackAfterFollowDelete"
                    => AfterFollowDelete, after_follow_delete;

                // One-to-one messages
                /// a one-to-one message was delivered, or delivery failed.
                AfterSendC2cMsg = "C2C.CallbackAfterSendMsg"
                    => AfterSendC2cMsg, after_send_c2c_msg;
                /// a one-to-one conversation was marked read.
                AfterC2cMsgRead = "C2C.CallbackAfterMsgReport"
                    => AfterC2cMsgRead, after_c2c_msg_read;
                /// a one-to-one message was recalled.
                AfterC2cMsgRecalled = "C2C.CallbackAfterMsgWithDraw"
                    => AfterC2cMsgRecalled, after_c2c_msg_recalled;
                /// extensions of a one-to-one message were set, deleted or cleared.
                AfterC2cMsgExtension = "C2C.CallbackAfterC2CMsgExtension"
                    => AfterC2cMsgExtension, after_c2c_msg_extension;

                // Official accounts
                /// an official account was created.
                AfterCreateOfficialAccount = "OfficialAccount.CallbackAfterCreateOfficialAccount"
                    => AfterCreateOfficialAccount, after_create_official_account;
                /// an official account's profile changed.
                AfterOfficialAccountInfoChanged = "OfficialAccount.CallbackAfterOfficialAccountInfoChanged"
                    => AfterOfficialAccountInfoChanged, after_official_account_info_changed;
                /// an official account was destroyed.
                AfterOfficialAccountDestroyed = "OfficialAccount.CallbackAfterOfficialAccountDestroyed"
                    => AfterOfficialAccountDestroyed, after_official_account_destroyed;
                /// users subscribed to an official account.
                AfterAddSubscriber = "OfficialAccount.CallbackAfterAddSubscriber"
                    => AfterAddSubscriber, after_add_subscriber;
                /// an official account reached its subscriber limit.
                AfterOfficialAccountFull = "OfficialAccount.CallbackAfterOfficialAccountFull"
                    => AfterOfficialAccountFull, after_official_account_full;
                /// users unsubscribed from an official account.
                AfterDeleteSubscriber = "OfficialAccount.CallbackAfterDeleteSubscriber"
                    => AfterDeleteSubscriber, after_delete_subscriber;
                /// an official-account message was delivered.
                AfterSendOfficialAccountMsg = "OfficialAccount.CallbackAfterSendMsg"
                    => AfterSendOfficialAccountMsg, after_send_official_account_msg;
                /// official-account messages were recalled.
                AfterOfficialAccountMsgRecalled = "OfficialAccount.CallbackAfterMsgWithDraw"
                    => AfterOfficialAccountMsgRecalled, after_official_account_msg_recalled;

                // Push results
                /// a batch of offline-push results (one call for the whole list).
                OfflinePushResults = "Push.OfflinePush"
                    => OfflinePushResults, offline_push_results;
                /// a batch of all-member push results (one call for the whole list).
                AllMemberPushResults = "Push.AllMemberPush"
                    => AllMemberPushResults, all_member_push_results;

                // Alerts
                /// a REST API's request rate passed 80 % of its limit.
                RequestOverLimit = "Alert.RequestOverLimit"
                    => RequestOverLimit, request_over_limit;

                // Chatbots
                /// a one-to-one message was sent to a chatbot.
                BotC2cMessage = "Bot.OnC2CMessage"
                    => BotC2cMessage, bot_c2c_message;
                /// a group message mentioned chatbots.
                BotGroupMessage = "Bot.OnGroupMessage"
                    => BotGroupMessage, bot_group_message;
                /// custom pass-through content was sent to a chatbot.
                ChatbotSignalMessage = "Chatbot.OnC2CSignalMessage"
                    => ChatbotSignalMessage, chatbot_signal_message;

                // Cloud moderation
                /// a cloud moderation result.
                ModerationResult = "ContentCallback.ResultNotify"
                    => ModerationResult, moderation_result;
            }
        }
    };
}
pub(crate) use for_each_command;

/// What a row's section means for it: `command_kind!(returns before D)` is the decision
/// type `D` and `command_kind!(returns after)` is `()`; `is_before` is the boolean;
/// `method_doc` ends the handler method's doc.
macro_rules! command_kind {
    (returns before $decision:ident) => {
        $crate::tencent::$decision
    };
    (returns after) => {
        ()
    };
    (is_before before $decision:ident) => {
        true
    };
    (is_before after) => {
        false
    };
    (method_doc before $decision:ident) => {
        "Default: allow."
    };
    (method_doc after) => {
        ""
    };
}
pub(crate) use command_kind;
