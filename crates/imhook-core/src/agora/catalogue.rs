//! The Agora post-send catalogue, written once.
//!
//! `for_each_family!` holds one row per typed family. Everything that depends on the
//! list of families is generated from it: in this module, the typed kind [`AgoraKind`]
//! (its variants, its kind id, its reading from an id) and [`FAMILIES`]; in `events`,
//! the [`AgoraEvent`] variant, its decode arm, [`AgoraEvent::kind`], whether it is
//! *known* and its wire form; in `handler`, the [`CallbackHandler`] method with its
//! default body and its [`dispatch`] arm.
//!
//! A row reads
//!
//! ```text
//! /// `kind id`: what happened (the doc of the variant and of the handler method).
//! Variant(Detail) = "family" | "other-family-id" => Type, handler_method;
//! ```
//!
//! `(Detail)` is given by the families whose kind id says more than the family: the
//! [`Operation`] of `group_op_event/UPDATE/REMOVE`, `muc/kick`, `message/chat`, or which
//! of its ids a [`Named`] family was read with (`read_ack`). Such a family's type
//! implements `Family` (how the detail reads from the typed event, and which details
//! are catalogued); a family without a detail is always *known*. Which request belongs
//! to which family is read from the envelope, in
//! [`Envelope::classify`](super::Envelope::classify).
//!
//! Adding a family is its struct in `events/<family>.rs`, its row here and its rule in
//! `Envelope::classify` (plus a `Family` impl if it has a detail). The compiler checks
//! the rest: a variant or a handler method given twice does not build, nor does a type
//! or detail that does not exist.
//!
//! [`AgoraEvent`]: super::events::AgoraEvent
//! [`AgoraEvent::kind`]: super::events::AgoraEvent::kind
//! [`CallbackHandler`]: super::handler::CallbackHandler
//! [`dispatch`]: super::handler::dispatch

use std::fmt;

/// The catalogue: calls `$generate!` with every post-send family.
macro_rules! for_each_family {
    ($generate:ident) => {
        $generate! {
            /// `group_op_event/…`: a group or chat-room operation (new format); see
            /// [`GroupOpEvent::operation`](crate::agora::events::GroupOpEvent::operation).
            GroupOp(Operation) = "group_op_event" => GroupOpEvent, group_op;
            /// `muc/…`: a group or chat-room operation (old format).
            Muc(Operation) = "muc" => MucEvent, muc;
            /// `message/chat`, `message/groupchat`: a message was sent (or an offline copy).
            Message(Operation) = "message" => MessageEvent, message;
            /// `recall`: a message was recalled.
            Recall = "recall" => RecallEvent, recall;
            /// `edit`: a message was edited.
            Edit = "edit" => EditEvent, edit;
            /// `read_ack`, `channel_ack`, `delivery_ack`: a receipt.
            Receipt(Named) = "read_ack" | "channel_ack" | "delivery_ack"
                => ReceiptEvent, receipt;
            /// `roster/…`: a contact operation.
            Roster(Operation) = "roster" => RosterEvent, roster;
            /// `notify/reaction`: reactions changed.
            Reaction = "notify/reaction" => ReactionEvent, reaction;
            /// `notify/thread`: a thread changed.
            Thread = "notify/thread" => ThreadEvent, thread;
            /// `user_status/…`: login, logout or replaced.
            UserStatus(Operation) = "user_status" => UserStatusEvent, user_status;
            /// `offline_push`: an offline push result.
            OfflinePush = "offline_push" => OfflinePushEvent, offline_push;
            /// `keyword_alert`: the keyword filter acted.
            KeywordAlert = "keyword_alert" => KeywordAlertEvent, keyword_alert;
            /// `moderation`: a content moderation result.
            Moderation = "moderation" => ModerationEvent, moderation;
        }
    };
}
pub(crate) use for_each_family;

/// One row's kind: `family_kind!(variant V)` is the [`AgoraKind`] of an event `e` of
/// row `V` (with `, e, Detail` when the row has a detail); `write` writes a kind id;
/// `read` reads one.
macro_rules! family_kind {
    (variant $variant:ident, $e:ident) => {{
        let _ = $e;
        $crate::agora::catalogue::AgoraKind::$variant
    }};
    (variant $variant:ident, $e:ident, $detail:ty) => {
        $crate::agora::catalogue::AgoraKind::$variant(
            <_ as $crate::agora::catalogue::Family>::detail($e),
        )
    };
    (known $e:ident) => {{
        let _ = $e;
        true
    }};
    (known $e:ident, $detail:ty) => {
        <_ as $crate::agora::catalogue::Family>::is_catalogued($e)
    };
}
pub(crate) use family_kind;

/// What the catalogue needs of the type of a family whose kind has a detail.
pub(crate) trait Family {
    /// The detail of the kind, read from the typed event.
    type Detail;
    /// The detail of this event's kind.
    fn detail(&self) -> Self::Detail;
    /// `false` when the event is held by its family's catch-all (a new operation).
    fn is_catalogued(&self) -> bool {
        true
    }
}

/// What follows the family in a kind id, for the families whose id says more.
pub(crate) trait KindDetail: Sized {
    /// Writes the whole kind id of a family whose ids are `ids`.
    fn write_id(&self, ids: &[&str], f: &mut dyn fmt::Write) -> fmt::Result;
    /// Reads the detail of `id`, when `id` belongs to a family whose ids are `ids`.
    fn read_id(ids: &[&str], id: &str) -> Option<Self>;
}

/// The operation in a kind id and its sub-kind: `UPDATE` and `REMOVE` in
/// `group_op_event/UPDATE/REMOVE`, `kick` in `muc/kick`, `chat` in `message/chat`,
/// `login` in `user_status/login`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The operation (or the chat type, the status reason), if the request names one.
    pub name: Option<String>,
    /// The sub-kind (`payload.type` of a `group_op_event`), if any.
    pub sub: Option<String>,
}

impl Operation {
    /// An operation read from request fields: an empty part counts as absent, and there
    /// is no sub-kind without an operation.
    pub fn new(name: Option<&str>, sub: Option<&str>) -> Self {
        let part = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        let name = part(name);
        let sub = name.as_ref().and(part(sub));
        Self { name, sub }
    }

    /// The operation alone, kept as it is (even empty).
    pub fn named(name: &str) -> Self {
        Self {
            name: Some(name.to_owned()),
            sub: None,
        }
    }
}

impl KindDetail for Operation {
    fn write_id(&self, ids: &[&str], f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(ids.first().copied().unwrap_or_default())?;
        for part in [&self.name, &self.sub]
            .into_iter()
            .map_while(Option::as_deref)
        {
            f.write_str("/")?;
            f.write_str(part)?;
        }
        Ok(())
    }

    fn read_id(ids: &[&str], id: &str) -> Option<Self> {
        let (family, rest) = match id.split_once('/') {
            Some((family, rest)) => (family, Some(rest)),
            None => (id, None),
        };
        if !ids.contains(&family) {
            return None;
        }
        let (name, sub) = match rest.map(|r| r.split_once('/').ok_or(r)) {
            Some(Ok((name, sub))) => (Some(name), Some(sub)),
            Some(Err(name)) => (Some(name), None),
            None => (None, None),
        };
        Some(Self {
            name: name.map(str::to_owned),
            sub: sub.map(str::to_owned),
        })
    }
}

/// Which id of a family with several a request was read with (`read_ack`,
/// `channel_ack`, `delivery_ack`); the kind id is that id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Named(pub String);

impl KindDetail for Named {
    fn write_id(&self, _: &[&str], f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(&self.0)
    }

    fn read_id(ids: &[&str], id: &str) -> Option<Self> {
        let family = id.split('/').next().unwrap_or(id);
        ids.contains(&family).then(|| Self(family.to_owned()))
    }
}

/// Whether `id` names the family whose id is `family` (or one of its kinds, when the
/// family's id has no `/`).
fn names_family(family: &str, id: &str) -> bool {
    id == family
        || (!family.contains('/')
            && id
                .strip_prefix(family)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// Defines [`AgoraKind`] and [`FAMILIES`] from the catalogue.
macro_rules! define_kinds {
    ($($(#[doc = $doc:literal])* $variant:ident $(($detail:ty))? = $($id:literal)|+
        => $ty:ty, $method:ident;)*) => {
        /// The kind of an Agora request, read once from its envelope
        /// ([`Envelope::classify`](super::Envelope::classify)): its family, with the
        /// operation or sub-kind where the family has one. Its [`Display`](fmt::Display)
        /// is the kind id (e.g. `group_op_event/SHARE_FILE/ADD`, `message/chat`,
        /// `pre_send`) written in event records and metrics.
        ///
        /// ```
        /// use imhook_core::agora::{AgoraKind, Envelope};
        /// use imhook_core::agora::Operation;
        /// let body = r#"{"chat_type":"muc","payload":{"operation":"kick"}}"#;
        /// let kind = Envelope::parse(body).unwrap().classify();
        /// assert_eq!(kind, AgoraKind::Muc(Operation::new(Some("kick"), None)));
        /// assert_eq!(kind.to_string(), "muc/kick");
        /// assert_eq!(AgoraKind::from_id("muc/kick"), kind);
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum AgoraKind {
            $(
                $(#[doc = $doc])*
                $variant $(($detail))?,
            )*
            /// `pre_send`: a pre-send request.
            PreSend,
            /// A kind the catalogue does not hold, with the id that was read (`unknown`
            /// when no discriminator was recognised, e.g. `notify/poll` otherwise).
            Unknown(String),
        }

        impl AgoraKind {
            /// Reads a kind id (as written in event records). An id of a catalogued
            /// family reads as that family, even with an operation it does not know.
            pub fn from_id(id: &str) -> Self {
                $(
                    if let Some(kind) = define_kinds!(@read id, $variant, [$($id),+] $(, $detail)?) {
                        return kind;
                    }
                )*
                match id {
                    "pre_send" => Self::PreSend,
                    _ => Self::Unknown(id.to_owned()),
                }
            }
        }

        impl AgoraKind {
            /// Writes the kind id, piece by piece.
            fn write_id(&self, f: &mut dyn fmt::Write) -> fmt::Result {
                $(
                    define_kinds!(@write self, f, $variant, [$($id),+] $(, $detail)?);
                )*
                match self {
                    Self::PreSend => f.write_str("pre_send"),
                    Self::Unknown(id) => f.write_str(id),
                    _ => Ok(()),
                }
            }
        }

        impl fmt::Display for AgoraKind {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.write_id(f)
            }
        }

        /// The id of every post-send family of the catalogue (a kind id, or the part
        /// before its first `/`).
        pub const FAMILIES: &[&str] = &[$($($id),+),*];
    };
    (@read $id:ident, $variant:ident, [$($ids:literal),+]) => {
        [$($ids),+].iter().any(|f| names_family(f, $id)).then_some(Self::$variant)
    };
    (@read $id:ident, $variant:ident, [$($ids:literal),+], $detail:ty) => {
        <$detail as KindDetail>::read_id(&[$($ids),+], $id).map(Self::$variant)
    };
    (@write $self:ident, $f:ident, $variant:ident, [$first:literal $(, $ids:literal)*]) => {
        if let Self::$variant = $self {
            return $f.write_str($first);
        }
    };
    (@write $self:ident, $f:ident, $variant:ident, [$($ids:literal),+], $detail:ty) => {
        if let Self::$variant(detail) = $self {
            return <$detail as KindDetail>::write_id(detail, &[$($ids),+], $f);
        }
    };
}

for_each_family!(define_kinds);

impl AgoraKind {
    /// The kind id, as [`Display`](fmt::Display) writes it, into a string made once
    /// at its final size: the id of every request is written out, and `to_string`
    /// would grow its string piece by piece through the formatting machinery.
    pub(crate) fn id(&self) -> String {
        let mut id = String::with_capacity(Self::ID_CAPACITY);
        // Writing to a String cannot fail.
        let _ = self.write_id(&mut id);
        id
    }

    /// Room for the longest catalogued kind id (`group_op_event/ROOM_SUPER_ADMIN/REMOVE`
    /// and the like); a longer id grows the string once.
    const ID_CAPACITY: usize = 48;

    /// Whether one `callId` of this kind fans out per recipient, so that its
    /// de-duplication key also holds `eventType` and the recipient (see
    /// [`Envelope::dedup_parts`](super::Envelope::dedup_parts)).
    pub fn keys_per_recipient(&self) -> bool {
        matches!(self, Self::Message(_) | Self::OfflinePush)
    }
}

/// Compares a kind with a kind id as it is written out, without allocating.
impl PartialEq<str> for AgoraKind {
    fn eq(&self, other: &str) -> bool {
        /// What is left of the id once the written parts are matched off.
        struct Rest<'a>(&'a str);
        impl fmt::Write for Rest<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                Ok(())
            }
        }
        let mut rest = Rest(other);
        fmt::write(&mut rest, format_args!("{self}")).is_ok() && rest.0.is_empty()
    }
}

impl PartialEq<&str> for AgoraKind {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for AgoraKind {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<AgoraKind> for String {
    fn eq(&self, other: &AgoraKind) -> bool {
        other == self
    }
}

impl PartialEq<AgoraKind> for &str {
    fn eq(&self, other: &AgoraKind) -> bool {
        other == *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id written for every request is the `Display` form, and reads back as the
    /// same kind.
    #[test]
    fn the_id_is_the_display_form() {
        let mut ids: Vec<String> = FAMILIES.iter().map(|f| (*f).to_owned()).collect();
        ids.extend(
            [
                "group_op_event/UPDATE",
                "group_op_event/ROOM_SUPER_ADMIN/REMOVE",
                "group_op_event/A_NEW_OPERATION/WITH_A_LONGER_SUB_KIND_THAN_ANY_KNOWN",
                "muc/kick",
                "message/chat",
                "user_status/login",
                "pre_send",
                "unknown",
                "notify/poll",
            ]
            .map(str::to_owned),
        );
        for id in &ids {
            let kind = AgoraKind::from_id(id);
            assert_eq!(kind.id(), kind.to_string(), "{id}");
            assert_eq!(&kind.id(), id);
            assert_eq!(AgoraKind::from_id(&kind.id()), kind, "{id}");
        }
        // A sub-kind is written only after an operation.
        let sub_only = AgoraKind::GroupOp(Operation {
            name: None,
            sub: Some("ADD".to_owned()),
        });
        assert_eq!(sub_only.id(), "group_op_event");
        assert_eq!(sub_only.to_string(), "group_op_event");
    }
}
