//! Every reply the Agora endpoints send: the `200 {}` ack of post-send callbacks, the
//! pre-send decisions, and the short error replies.

use super::config::{AgoraConfig, PreSendFailurePolicy};
use super::decision::PreSendDecision;
use crate::inbound::Outbound;
use crate::telemetry::{self, Rejection};

/// `200 {}`: a post-send callback received (handled, or acknowledged by policy).
pub(crate) fn ack() -> Outbound {
    Outbound::json(200, "{}")
}

/// `503`: the provider retries a post-send callback once.
pub(crate) fn retry() -> Outbound {
    Outbound::text(503, "retry")
}

/// `503`: the de-duplication store failed under [`StoreFailurePolicy::Retry`](super::StoreFailurePolicy::Retry).
pub(crate) fn store_unavailable() -> Outbound {
    crate::pipeline::try_again()
}

/// `200` with a pre-send decision.
pub(crate) fn decision(d: &PreSendDecision) -> Outbound {
    Outbound::json(200, d.to_json())
}

/// The pre-send reply when no decision can be had (handler failure, overrun, over-long
/// reply, undecodable request, duplicate), under the configured policy.
pub(crate) fn pre_send_fallback(config: &AgoraConfig) -> Outbound {
    match &config.pre_send_failure {
        PreSendFailurePolicy::Allow => decision(&PreSendDecision::Allow),
        PreSendFailurePolicy::Block { code } => {
            decision(&PreSendDecision::Block { code: code.clone() })
        }
        PreSendFailurePolicy::DeferToRule => Outbound::text(503, "handler unavailable"),
    }
}

/// `400`: the body is not a readable callback.
pub(crate) fn bad_request() -> Outbound {
    telemetry::rejected("agora", Rejection::Body);
    Outbound::json(400, r#"{"error":"bad request"}"#)
}

/// `401`: `security` missing or wrong (or `timestamp` stale).
pub(crate) fn unauthorized() -> Outbound {
    Outbound::json(401, r#"{"error":"unauthorized"}"#)
}
