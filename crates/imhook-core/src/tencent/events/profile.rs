//! Profile changes (docs/protocol/tencent.md §5.3 row 26).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use serde::{Deserialize, Serialize};

/// One item of `ProfileItem`: `Value` is a string or an integer depending on `Tag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileItem {
    /// `Tag`, e.g. `Tag_Profile_IM_Nick`.
    #[serde(rename = "Tag")]
    pub tag: String,
    /// `Value`, as received.
    #[serde(rename = "Value", default)]
    pub value: serde_json::Value,
}

/// `Profile.CallbackPortraitSet`: a user's profile changed.
///
/// Page: <https://intl.cloud.tencent.com/document/product/1047/48733>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortraitSet {
    /// `Operator_Account`: who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_account: Option<String>,
    /// `From_Account`: whose profile changed.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `ProfileItem`: the changed fields.
    #[serde(rename = "ProfileItem")]
    pub profile_item: Vec<ProfileItem>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}
