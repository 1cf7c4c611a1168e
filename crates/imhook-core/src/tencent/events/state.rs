//! Login state (docs/protocol/tencent.md §5.3 row 25).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use crate::wire::{is_empty, opt_enum, wire_enum};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// `Info.Action`.
    StateAction {
        /// `Login`.
        Login = "Login",
        /// `Logout`.
        Logout = "Logout",
        /// `Disconnect`.
        Disconnect = "Disconnect",
    }
}

wire_enum! {
    /// `Info.Reason`.
    StateReason {
        /// `Register`.
        Register = "Register",
        /// `Unregister`.
        Unregister = "Unregister",
        /// `LinkClose`.
        LinkClose = "LinkClose",
        /// `TimeOut`.
        TimeOut = "TimeOut",
    }
}

wire_enum! {
    /// `KickedDevice[].Platform`.
    DevicePlatform {
        /// `iOS`.
        Ios = "iOS",
        /// `Android`.
        Android = "Android",
        /// `Web`.
        Web = "Web",
        /// `Windows`.
        Windows = "Windows",
        /// `iPad`.
        IPad = "iPad",
        /// `Mac`.
        Mac = "Mac",
        /// `Linux`.
        Linux = "Linux",
    }
}

/// `Info` of `State.StateChange`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StateInfo {
    /// `Action`.
    #[serde(rename = "Action")]
    pub action: StateAction,
    /// `To_Account`: the user.
    #[serde(rename = "To_Account")]
    pub to_account: String,
    /// `Reason`.
    #[serde(
        rename = "Reason",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<StateReason>,
}

/// One item of `KickedDevice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KickedDevice {
    /// `Platform`.
    #[serde(
        rename = "Platform",
        default,
        deserialize_with = "opt_enum",
        skip_serializing_if = "Option::is_none"
    )]
    pub platform: Option<DevicePlatform>,
}

/// `State.StateChange`: a user logged in, logged out or was disconnected.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/34357>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StateChanged {
    /// `Info`.
    #[serde(rename = "Info")]
    pub info: StateInfo,
    /// `KickedDevice`: devices kicked by this login.
    #[serde(
        rename = "KickedDevice",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "is_empty"
    )]
    pub kicked_device: Vec<KickedDevice>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
