//! Follow commands (docs/protocol/tencent.md §5.3 rows 33–34).

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use serde::{Deserialize, Serialize};

/// `{"To_Account": string}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToAccount {
    /// `To_Account`.
    #[serde(rename = "To_Account")]
    pub to_account: String,
}

/// `Follow.CallbackAfterFollowAdd`: a user followed others.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/70355>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterFollowAdd {
    /// `From_Account`: the follower.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `FollowList`: users now followed.
    #[serde(rename = "FollowList")]
    pub follow_list: Vec<ToAccount>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `Follow.CallbackAfterFollowDelete`: a user unfollowed others.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/70356>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AfterFollowDelete {
    /// `From_Account`.
    #[serde(rename = "From_Account")]
    pub from_account: String,
    /// `To_Account`: the unfollowed users (strings or `{"To_Account"}` objects on the wire).
    #[serde(rename = "To_Account", deserialize_with = "account_list")]
    pub to_account: Vec<String>,
    /// `EventTime`: when the event fired, Unix milliseconds (number or numeric string).
    #[serde(
        rename = "EventTime",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<i64>,
}

/// `To_Account` of `Follow.CallbackAfterFollowDelete`: strings, `{"To_Account": …}`
/// objects, or both mixed in one array; a lone string is a one-element list.
fn account_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Plain(String),
        Object {
            #[serde(rename = "To_Account")]
            to_account: String,
        },
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<Item>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(items) => items
            .into_iter()
            .map(|i| match i {
                Item::Plain(s) => s,
                Item::Object { to_account } => to_account,
            })
            .collect(),
    })
}
