//! The Tencent command catalogue as typed events (docs/protocol/tencent.md §5).
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

mod alert;
mod bot;
mod c2c;
mod common;
mod follow;
mod group;
mod message;
mod moderation;
mod official_account;
mod profile;
mod push;
mod sns;
mod state;
mod topic;

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
use crate::tencent::Outcome;
use crate::tencent::catalogue::{command_kind, for_each_command};
use crate::tencent::reply::Reply;
use serde_json::value::RawValue;

/// The body is not a JSON object (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("body is not a JSON object")]
pub struct NotJsonObject;

/// Defines [`TencentEvent`] and everything on it that follows the command catalogue
/// (`tencent/catalogue.rs`): the variants, the decode arms, the command ids, the wire
/// form, the default replies, [`is_before_command`] and [`COMMANDS`].
macro_rules! define_events {
    ($($kind:ident {$($(#[doc = $doc:literal])* $variant:ident = $wire:literal
        => $ty:ty, $method:ident $(-> $decision:ident)?;)*})*) => {
        /// A Tencent callback, decoded.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum TencentEvent {
            $($(
                #[doc = concat!("`", $wire, "`:")]
                $(#[doc = $doc])*
                $variant($ty),
            )*)*
            /// A command the library does not model, or a known command whose typed decode failed.
            Unknown(UnknownEvent),
        }

        impl TencentEvent {
            /// Decodes `body` as `command`. Fails only when `body` is not a JSON object; a
            /// typed decode failure yields [`TencentEvent::Unknown`] with the error.
            #[deny(unreachable_patterns)] // a command catalogued twice
            pub fn decode(command: &str, body: &str) -> Result<Self, NotJsonObject> {
                if !crate::wire::looks_like_object(body.as_bytes()) {
                    return Err(NotJsonObject);
                }
                match command {
                    $($($wire => typed::<$ty>(command, body, Self::$variant),)*)*
                    _ => unknown(command, body, None),
                }
            }

            /// The kind id (`CallbackCommand`).
            pub fn command(&self) -> &str {
                match self {
                    $($(Self::$variant(_) => $wire,)*)*
                    Self::Unknown(u) => &u.command,
                }
            }

            /// The reply of an application that does nothing with this event: the OK ack;
            /// for the two `Sns.CallbackPrev*` commands, allow every target.
            pub fn default_reply(&self) -> Reply {
                match self {
                    $($(Self::$variant(e) => {
                        type Returned = command_kind!(returns $kind $($decision)?);
                        <Returned as Outcome<$ty>>::default_reply(e)
                    })*)*
                    Self::Unknown(_) => Reply::ok(),
                }
            }

            /// The event in its wire shape (canonical names, `CallbackCommand` included where
            /// the provider's body carries it: not for the push results and moderation results,
            /// whose command is only in the query), or
            /// the raw JSON for unknown events.
            pub fn to_wire_json(&self) -> serde_json::Value {
                let typed = match self {
                    $($(Self::$variant(e) => serde_json::to_value(e),)*)*
                    Self::Unknown(u) => {
                        let raw = serde_json::from_str(u.raw.get());
                        return raw.unwrap_or(serde_json::Value::Null);
                    }
                };
                let mut value = typed.unwrap_or(serde_json::Value::Null);
                if let Some(map) = value.as_object_mut().filter(|_| self.command_in_body()) {
                    map.insert(
                        "CallbackCommand".to_owned(),
                        serde_json::Value::String(self.command().to_owned()),
                    );
                }
                value
            }
        }

        /// `true` for the Before commands of the catalogue: IM waits for their reply, which is a
        /// decision.
        pub fn is_before_command(command: &str) -> bool {
            match command {
                $($($wire => command_kind!(is_before $kind $($decision)?),)*)*
                _ => false,
            }
        }

        /// Every command of the catalogue: the Before commands, then the After commands,
        /// each grouped by family.
        pub const COMMANDS: &[&str] = &[$($($wire),*),*];
    };
}

for_each_command!(define_events);

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
) -> Result<TencentEvent, NotJsonObject> {
    let failure = match serde_json::from_str::<T>(body) {
        Ok(typed) => {
            let mut event = wrap(typed);
            match event.normalise() {
                Ok(()) => return Ok(event),
                Err(e) => e,
            }
        }
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
    /// `true` when decoded into a typed model.
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown(_))
    }

    /// `true` for the Before commands (typed or not), see [`is_before_command`].
    pub fn is_before(&self) -> bool {
        is_before_command(self.command())
    }

    /// The fix-up after the serde decode, for the structs that need one (an alias folded
    /// into its canonical field, a required field checked).
    fn normalise(&mut self) -> Result<(), String> {
        match self {
            Self::BeforeCreateGroup(e) => e.normalise(),
            Self::AfterCreateGroup(e) => e.normalise(),
            _ => Ok(()),
        }
    }

    /// `false` for the commands whose body does not carry `CallbackCommand` (the
    /// provider sends it only in the query).
    fn command_in_body(&self) -> bool {
        !matches!(
            self,
            Self::OfflinePushResults(_) | Self::AllMemberPushResults(_) | Self::ModerationResult(_)
        )
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
