//! Framework-free core of **imhook**: receives IM providers' server callbacks
//! (Tencent Cloud IM, Agora Chat / Shengwang / Easemob), authenticates them,
//! decodes them into typed events, de-duplicates them and produces the exact reply
//! the provider expects.
//!
//! Adapters (axum, actix-web, warp, tower) translate a framework request into a
//! [`StreamingRequest`] and the [`Outbound`] back into a response; every rule lives
//! here, in the one pipeline described in [`Endpoint`].
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod agora;
mod clock;
mod exec;
pub mod forward;
mod idempotency;
mod inbound;
mod json_scan;
mod log_value;
mod pipeline;
mod read;
mod record;
#[cfg(feature = "redis")]
mod redis_store;
mod secret;
pub mod telemetry;
pub mod tencent;
mod wire;

pub use clock::{Clock, FixedClock, SystemClock};
pub use idempotency::{
    Claim, ClaimGuard, DEFAULT_DEDUPE_TTL, DEFAULT_MEMORY_CAPACITY, IdempotencyKey,
    IdempotencyStore, LEASE_MARGIN, MemoryStore, StoreError,
};
pub use inbound::{Inbound, Outbound};
pub use pipeline::{
    Endpoint, Limits, StreamingRequest, Verify, content_length, serve_stream, verify_stream,
};
pub use record::EventRecord;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::RedisStore;
pub use secret::{Secret, SecretError};

/// The answering methods of an adapter's extractors, written once for every adapter:
/// `TencentCallback::{answer, ack}`, `AgoraPostSend::{ack, retry}` and
/// `AgoraPreSend::decide`, each returning the adapter's `$response(Outbound)`. The
/// adapter defines the three extractor types (each wrapping the core's verified
/// callback as field `.0`) and its response type.
#[doc(hidden)]
#[macro_export]
macro_rules! answer_methods {
    ($response:ident) => {
        impl TencentCallback {
            /// Marks the callback handled (when it was de-duplicated) and sends `answer`,
            /// a typed decision or ack (see
            /// [`Answer`]($crate::tencent::Answer)).
            pub async fn answer(self, answer: $crate::tencent::Answer) -> $response {
                $response(self.0.answer(answer).await)
            }

            /// Marks the callback handled and answers as a handler that does nothing:
            /// the OK ack (After), allow (Before), every target allowed (the Sns Prev
            /// commands).
            pub async fn ack(self) -> $response {
                $response(self.0.ack().await)
            }
        }

        impl AgoraPostSend {
            /// Marks the callback handled and answers `200 {}`.
            pub async fn ack(self) -> $response {
                $response(self.0.ack().await)
            }

            /// Releases the claim and answers 503, so that the provider retries once.
            pub async fn retry(self) -> $response {
                $response(self.0.retry().await)
            }
        }

        impl AgoraPreSend {
            /// Marks the request handled and answers with `decision`.
            pub async fn decide(self, decision: &$crate::agora::PreSendDecision) -> $response {
                $response(self.0.decide(decision).await)
            }
        }
    };
}

/// The error type handlers return: any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Default body limit of every endpoint: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
