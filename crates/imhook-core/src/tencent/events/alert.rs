//! REST API rate alarms.

#[allow(unused_imports)]
use super::common::{GroupType, KeyValue, Member};
#[allow(unused_imports)]
use super::message::MsgElement;
#[allow(unused_imports)]
use crate::wire;
use serde::{Deserialize, Serialize};

/// `Alert.RequestOverLimit`: a REST API's request rate passed 80 % of its limit.
///
/// The request URL carries `OptPlatform` but no `ClientIP`.
///
/// Page: <https://www.tencentcloud.com/document/product/1047/60256>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestOverLimit {
    /// `ServiceName`: the API's internal service name.
    #[serde(rename = "ServiceName")]
    pub service_name: String,
    /// `Command`: the API's command word (with `ServiceName`, names the API).
    #[serde(rename = "Command")]
    pub command: String,
    /// `Request`: the API's request rate, queries per second.
    #[serde(rename = "Request", deserialize_with = "wire::req_i64")]
    pub request: i64,
    /// `Limit`: the API's rate limit, queries per second.
    #[serde(rename = "Limit", deserialize_with = "wire::req_i64")]
    pub limit: i64,
}
