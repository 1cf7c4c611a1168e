//! Typed decisions of the Before commands (docs/protocol/tencent.md §3.3–3.4).
use super::events::{
    BeforeFriendAdd, BeforeFriendResponse, MsgElement, TencentEvent, UnknownEvent,
};
use super::reply::Reply;
use std::collections::HashMap;

/// A custom reject code outside the command's documented range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("reject code {code} is outside the documented range {min}..={max}")]
#[non_exhaustive]
pub struct CodeOutOfRange {
    /// The refused code.
    pub code: i64,
    /// Lowest allowed code.
    pub min: i64,
    /// Highest allowed code.
    pub max: i64,
}

/// A custom reject code in `MIN..=MAX`, with the `ErrorInfo` passed on to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectCode<const MIN: i64, const MAX: i64> {
    code: i64,
    info: String,
}

impl<const MIN: i64, const MAX: i64> RejectCode<MIN, MAX> {
    /// A code in the range, or [`CodeOutOfRange`].
    pub fn new(code: i64, info: impl Into<String>) -> Result<Self, CodeOutOfRange> {
        if (MIN..=MAX).contains(&code) {
            Ok(Self {
                code,
                info: info.into(),
            })
        } else {
            Err(CodeOutOfRange {
                code,
                min: MIN,
                max: MAX,
            })
        }
    }

    /// The code.
    pub fn code(&self) -> i64 {
        self.code
    }

    /// The `ErrorInfo`.
    pub fn info(&self) -> &str {
        &self.info
    }

    fn reply(self) -> Reply {
        Reply::with_code(self.code, self.info)
    }
}

/// Custom reject codes of the group commands: 10100–10200.
pub type GroupRejectCode = RejectCode<10100, 10200>;
/// Custom reject codes of `C2C.CallbackBeforeSendMsg`: 120001–130000.
pub type C2cRejectCode = RejectCode<120001, 130000>;

/// Decision of `Group.CallbackBeforeCreateGroup`, `Group.CallbackBeforeApplyJoinGroup`
/// and `Group.CallbackBeforeCreateTopic`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum GroupDecision {
    /// Let it happen (`ErrorCode 0`).
    #[default]
    Allow,
    /// Refuse (`ErrorCode 1`; the client sees 10016).
    Reject,
    /// Refuse with a custom code and message that reach the client.
    RejectWith(GroupRejectCode),
}

impl From<GroupDecision> for Reply {
    fn from(d: GroupDecision) -> Self {
        match d {
            GroupDecision::Allow => Reply::ok(),
            GroupDecision::Reject => Reply::with_code(1, ""),
            GroupDecision::RejectWith(c) => c.reply(),
        }
    }
}

/// Decision of `Group.CallbackBeforeInviteJoinGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InviteDecision {
    /// Add every invitee.
    #[default]
    Allow,
    /// Refuse the whole invitation.
    Reject,
    /// Refuse with a custom code.
    RejectWith(GroupRejectCode),
    /// Add the invitees except these (`RefusedMembers_Account`).
    RefuseMembers(Vec<String>),
}

impl From<InviteDecision> for Reply {
    fn from(d: InviteDecision) -> Self {
        match d {
            InviteDecision::Allow => Reply::ok(),
            InviteDecision::Reject => Reply::with_code(1, ""),
            InviteDecision::RejectWith(c) => c.reply(),
            InviteDecision::RefuseMembers(m) => {
                Reply::ok().extra("RefusedMembers_Account", serde_json::json!(m))
            }
        }
    }
}

/// Decision of a send-message Before command; `MIN..=MAX` is its custom code range.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum SendMsgDecision<const MIN: i64, const MAX: i64> {
    /// Deliver the message unchanged.
    #[default]
    Allow,
    /// Refuse it (`ErrorCode 1`).
    Reject,
    /// Refuse it with a custom code and message.
    RejectWith(RejectCode<MIN, MAX>),
    /// Do not deliver it, but tell the sender it succeeded (`ErrorCode 2`).
    SilentDrop,
    /// Deliver a modified message: `None` keeps the original part.
    Modify {
        /// Replacement `MsgBody`.
        msg_body: Option<Vec<MsgElement>>,
        /// Replacement `CloudCustomData`.
        cloud_custom_data: Option<String>,
    },
}

impl<const MIN: i64, const MAX: i64> SendMsgDecision<MIN, MAX> {
    /// Deliver `body` instead of the original message body.
    pub fn modify_body(body: Vec<MsgElement>) -> Self {
        Self::Modify {
            msg_body: Some(body),
            cloud_custom_data: None,
        }
    }
}

impl<const MIN: i64, const MAX: i64> From<SendMsgDecision<MIN, MAX>> for Reply {
    fn from(d: SendMsgDecision<MIN, MAX>) -> Self {
        match d {
            SendMsgDecision::Allow => Reply::ok(),
            SendMsgDecision::Reject => Reply::with_code(1, ""),
            SendMsgDecision::RejectWith(c) => c.reply(),
            SendMsgDecision::SilentDrop => Reply::with_code(2, ""),
            SendMsgDecision::Modify {
                msg_body,
                cloud_custom_data,
            } => modified(msg_body, cloud_custom_data),
        }
    }
}

/// `ErrorCode 0` with the replacement `MsgBody` and/or `CloudCustomData`.
fn modified(msg_body: Option<Vec<MsgElement>>, cloud_custom_data: Option<String>) -> Reply {
    let mut r = Reply::ok();
    if let Some(body) = msg_body {
        r = r.extra(
            "MsgBody",
            serde_json::to_value(body).unwrap_or(serde_json::Value::Null),
        );
    }
    if let Some(data) = cloud_custom_data {
        r = r.extra("CloudCustomData", serde_json::Value::String(data));
    }
    r
}

/// Decision of `Group.CallbackBeforeSendMsg` (custom codes 10100–10200).
pub type GroupSendMsgDecision = SendMsgDecision<10100, 10200>;
/// Decision of `C2C.CallbackBeforeSendMsg` (custom codes 120001–130000).
pub type C2cSendMsgDecision = SendMsgDecision<120001, 130000>;

/// Refusal codes of the friend-request commands: 38000–39000.
pub type FriendRefusalCode = RejectCode<38000, 39000>;

/// Default refusal code of a friend request target.
pub const DEFAULT_FRIEND_REFUSAL: i64 = 38000;

/// Decision of `Sns.CallbackPrevFriendAdd` / `Sns.CallbackPrevFriendResponse`: one
/// verdict per target; targets not mentioned are allowed. The reply always lists every
/// target of the request.
///
/// ```
/// use imhook_core::tencent::FriendVerdicts;
/// let v = FriendVerdicts::allow_all().refuse("id2");
/// let reply = v.into_reply(&["id1".to_owned(), "id2".to_owned()]);
/// assert!(reply.to_json().contains(r#"{"To_Account":"id2","ResultCode":38000,"ResultInfo":""}"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FriendVerdicts {
    refused: HashMap<String, (i64, String)>,
}

impl FriendVerdicts {
    /// Allow every target.
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Refuse every target of the request with the default code 38000.
    pub fn refuse_all() -> RefuseAll {
        RefuseAll
    }

    /// Refuse `account` with the default code 38000.
    pub fn refuse(mut self, account: impl Into<String>) -> Self {
        self.refused
            .insert(account.into(), (DEFAULT_FRIEND_REFUSAL, String::new()));
        self
    }

    /// Refuse `account` with a code in 38000–39000 and a message.
    pub fn refuse_with(mut self, account: impl Into<String>, code: FriendRefusalCode) -> Self {
        self.refused.insert(account.into(), (code.code, code.info));
        self
    }

    /// The reply listing every target in `targets` (request order).
    pub fn into_reply(self, targets: &[String]) -> Reply {
        let items: Vec<serde_json::Value> = targets
            .iter()
            .map(|t| {
                let (code, info) = self.refused.get(t).cloned().unwrap_or((0, String::new()));
                serde_json::json!({"To_Account": t, "ResultCode": code, "ResultInfo": info})
            })
            .collect();
        Reply::ok().extra("ResultItem", serde_json::Value::Array(items))
    }
}

/// Marker returned by [`FriendVerdicts::refuse_all`]; convert it with
/// [`RefuseAll::for_targets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefuseAll;

impl RefuseAll {
    /// Verdicts refusing each of `targets` with 38000.
    pub fn for_targets(self, targets: &[String]) -> FriendVerdicts {
        targets
            .iter()
            .fold(FriendVerdicts::allow_all(), |v, t| v.refuse(t.clone()))
    }
}

/// Custom reject codes of `OfficialAccount.CallbackBeforeCreateOfficialAccount`:
/// 120001–130000.
pub type OfficialAccountRejectCode = RejectCode<120001, 130000>;

/// Decision of `OfficialAccount.CallbackBeforeCreateOfficialAccount`
/// (<https://www.tencentcloud.com/document/product/1047/60795>).
///
/// ```
/// use imhook_core::tencent::Reply;
/// use imhook_core::tencent::{CreateOfficialAccountDecision, OfficialAccountRejectCode};
/// let d = CreateOfficialAccountDecision::RejectWith(OfficialAccountRejectCode::new(120001, "name taken").unwrap());
/// assert_eq!(Reply::from(d).to_json(), r#"{"ActionStatus":"OK","ErrorCode":120001,"ErrorInfo":"name taken"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CreateOfficialAccountDecision {
    /// Create it (`ErrorCode 0`).
    #[default]
    Allow,
    /// Refuse (`ErrorCode 1`).
    Reject,
    /// Refuse with a custom code and message that reach the client.
    RejectWith(OfficialAccountRejectCode),
}

impl From<CreateOfficialAccountDecision> for Reply {
    fn from(d: CreateOfficialAccountDecision) -> Self {
        match d {
            CreateOfficialAccountDecision::Allow => Reply::ok(),
            CreateOfficialAccountDecision::Reject => Reply::with_code(1, ""),
            CreateOfficialAccountDecision::RejectWith(c) => c.reply(),
        }
    }
}

/// Decision of `OfficialAccount.CallbackBeforeAddSubscriber`
/// (<https://www.tencentcloud.com/document/product/1047/60799>).
///
/// ```
/// use imhook_core::tencent::Reply;
/// use imhook_core::tencent::AddSubscriberDecision;
/// let d = AddSubscriberDecision::RefuseSubscribers(vec!["jared".into()]);
/// assert_eq!(
///     Reply::from(d).to_json(),
///     r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RefusedSubscribers_Account":["jared"]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AddSubscriberDecision {
    /// Add every subscriber (`ErrorCode 0`).
    #[default]
    Allow,
    /// Refuse the whole request (`ErrorCode 1`).
    Reject,
    /// Add the subscribers except these (`ErrorCode 0` + `RefusedSubscribers_Account`).
    RefuseSubscribers(Vec<String>),
}

impl From<AddSubscriberDecision> for Reply {
    fn from(d: AddSubscriberDecision) -> Self {
        match d {
            AddSubscriberDecision::Allow => Reply::ok(),
            AddSubscriberDecision::Reject => Reply::with_code(1, ""),
            AddSubscriberDecision::RefuseSubscribers(m) => {
                Reply::ok().extra("RefusedSubscribers_Account", serde_json::json!(m))
            }
        }
    }
}

/// Decision of `OfficialAccount.CallbackBeforeSendMsg`
/// (<https://www.tencentcloud.com/document/product/1047/60803>). The page documents no
/// custom reject codes.
///
/// ```
/// use imhook_core::tencent::Reply;
/// use imhook_core::tencent::OfficialAccountSendMsgDecision;
/// assert_eq!(
///     Reply::from(OfficialAccountSendMsgDecision::SilentDrop).to_json(),
///     r#"{"ActionStatus":"OK","ErrorCode":2,"ErrorInfo":""}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum OfficialAccountSendMsgDecision {
    /// Deliver the message unchanged (`ErrorCode 0`).
    #[default]
    Allow,
    /// Refuse it (`ErrorCode 1`; the sender sees 10016).
    Reject,
    /// Do not deliver it, but tell the sender it succeeded (`ErrorCode 2`).
    SilentDrop,
    /// Deliver this `MsgBody` instead of the original (`ErrorCode 0` + `MsgBody`).
    ModifyBody(Vec<MsgElement>),
}

impl From<OfficialAccountSendMsgDecision> for Reply {
    fn from(d: OfficialAccountSendMsgDecision) -> Self {
        match d {
            OfficialAccountSendMsgDecision::Allow => Reply::ok(),
            OfficialAccountSendMsgDecision::Reject => Reply::with_code(1, ""),
            OfficialAccountSendMsgDecision::SilentDrop => Reply::with_code(2, ""),
            OfficialAccountSendMsgDecision::ModifyBody(body) => modified(Some(body), None),
        }
    }
}

/// The answer to one Tencent callback, always a reply its command allows: the typed
/// decision of a Before command ([`Answer::decide`]), the OK ack of an After command
/// (`Answer::decide(&event, ())`), the answer of a handler that does nothing
/// ([`Answer::default_for`]), or, for a command this library does not type, any reply
/// ([`Answer::unknown`]). The overridable [`CallbackHandler::handle`] returns it, and an
/// extractor's [`TencentCallback::answer`] sends it.
///
/// ```
/// use imhook_core::tencent::{Answer, GroupSendMsgDecision, TencentEvent};
/// let body = r#"{"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#1","Type":"Public","From_Account":"bob","MsgBody":[]}"#;
/// let TencentEvent::BeforeSendGroupMsg(ev) = TencentEvent::decode("Group.CallbackBeforeSendMsg", body).unwrap() else { unreachable!() };
/// let answer = Answer::decide(&ev, GroupSendMsgDecision::Reject);
/// assert_eq!(answer.reply().code, 1);
/// ```
///
/// [`CallbackHandler::handle`]: super::CallbackHandler::handle
/// [`TencentCallback::answer`]: super::TencentCallback::answer
#[derive(Debug, Clone, PartialEq)]
pub struct Answer(Reply);

impl Answer {
    /// The answer carrying `decision` on `event` (for an After command, `()`: the OK ack).
    pub fn decide<E: Command>(event: &E, decision: E::Decision) -> Self {
        event.answer(decision)
    }

    /// What a handler that does nothing answers: the OK ack (After), allow (Before),
    /// every target allowed (the Sns Prev commands).
    pub fn default_for(event: &TencentEvent) -> Self {
        Self(event.default_reply())
    }

    /// Any reply, for a command this library does not type (`event` is the proof).
    pub fn unknown(event: &UnknownEvent, reply: Reply) -> Self {
        let _ = event;
        Self(reply)
    }

    /// The reply this answer sends.
    pub fn reply(&self) -> &Reply {
        &self.0
    }

    /// The reply, for the pipeline.
    pub(crate) fn into_reply(self) -> Reply {
        self.0
    }

    /// A reply the library chose (a typed decision's, or the failure policy's): always
    /// one the command allows.
    pub(crate) fn from_reply(reply: Reply) -> Self {
        Self(reply)
    }
}

pub(crate) mod sealed {
    /// Only the catalogue's event types are [`Command`](super::Command)s.
    pub trait Sealed {}
}

/// The event of a catalogued Tencent command, and what its handler decides:
/// `Decision` is the Before command's decision type, `()` for an After command.
/// Implemented for every event type of the catalogue, and only for them.
pub trait Command: sealed::Sealed {
    /// What the command's handler method returns.
    type Decision;

    /// The answer carrying `decision` on this event; see [`Answer::decide`].
    #[doc(hidden)]
    fn answer(&self, decision: Self::Decision) -> Answer;
}

/// What a handler method returns for a command whose event is `E`, and how it becomes
/// the reply: a Before command's decision, or `()` (the OK ack) for an After command.
/// The friend-request verdicts list every target of the request, so they take the
/// targets from the event before it is handed to the handler.
pub(crate) trait Outcome<E>: Default {
    /// What the reply needs from the event.
    type Basis;

    /// Takes it from the event.
    fn basis(event: &E) -> Self::Basis;

    /// The reply.
    fn reply(self, basis: Self::Basis) -> Reply;

    /// The reply of a handler that does nothing: the default outcome's.
    fn default_reply(event: &E) -> Reply {
        Self::default().reply(Self::basis(event))
    }
}

impl<E, D: Default + Into<Reply>> Outcome<E> for D {
    type Basis = ();
    fn basis(_: &E) {}
    fn reply(self, (): ()) -> Reply {
        self.into()
    }
}

impl<E> Outcome<E> for () {
    type Basis = ();
    fn basis(_: &E) {}
    fn reply(self, (): ()) -> Reply {
        Reply::ok()
    }
}

/// A friend request: its verdicts answer each of its targets (the two events' own
/// `targets`).
pub(crate) trait FriendRequest {
    /// The target accounts, in request order.
    fn targets(&self) -> Vec<String>;
}

impl FriendRequest for BeforeFriendAdd {
    fn targets(&self) -> Vec<String> {
        BeforeFriendAdd::targets(self)
    }
}

impl FriendRequest for BeforeFriendResponse {
    fn targets(&self) -> Vec<String> {
        BeforeFriendResponse::targets(self)
    }
}

impl<E: FriendRequest> Outcome<E> for FriendVerdicts {
    type Basis = Vec<String>;
    fn basis(event: &E) -> Vec<String> {
        event.targets()
    }
    fn reply(self, targets: Vec<String>) -> Reply {
        self.into_reply(&targets)
    }
}
