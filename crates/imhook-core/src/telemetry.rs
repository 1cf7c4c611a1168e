//! Metrics, through the [`metrics`](https://docs.rs/metrics) facade: the library records,
//! the application chooses the exporter (or none, which costs next to nothing).
//!
//! | name | type | labels |
//! |---|---|---|
//! | `imhook_callbacks_total` | counter | `provider`, `route`, `kind`, `known`, `outcome` |
//! | `imhook_rejected_total` | counter | `provider`, `reason` |
//! | `imhook_dedupe_total` | counter | `provider`, `result` |
//! | `imhook_handler_seconds` | histogram | `provider`, `route` |
//! | `imhook_request_seconds` | histogram | `provider`, `route` |
//! | `imhook_store_errors_total` | counter | `provider` |
//!
//! `imhook_callbacks_total` counts authenticated, non-duplicate callbacks; its `kind`
//! is a kind of the provider's catalogue, or `unknown` for every kind the library does
//! not type, so the number of series stays bounded whatever arrives. Rejected and
//! duplicate requests are counted apart, with the reason. Label values are exactly
//! the strings of [`Route::as_str`](crate::agora::Route), [`Outcome::as_str`],
//! [`Rejection::as_str`] and [`DedupeResult::as_str`].
//!
//! Histogram buckets are the exporter's business; [`SECONDS_BUCKETS`] are the ones
//! `imhook serve --metrics-listen` uses (0.5 ms to 2.5 s).

use metrics::{Key, Label, Level, Metadata};
use std::time::Duration;

/// `imhook_callbacks_total`.
pub const CALLBACKS_TOTAL: &str = "imhook_callbacks_total";
/// `imhook_rejected_total`.
pub const REJECTED_TOTAL: &str = "imhook_rejected_total";
/// `imhook_dedupe_total`.
pub const DEDUPE_TOTAL: &str = "imhook_dedupe_total";
/// `imhook_handler_seconds`.
pub const HANDLER_SECONDS: &str = "imhook_handler_seconds";
/// `imhook_request_seconds`.
pub const REQUEST_SECONDS: &str = "imhook_request_seconds";
/// `imhook_store_errors_total`.
pub const STORE_ERRORS_TOTAL: &str = "imhook_store_errors_total";

/// Histogram buckets in seconds for [`HANDLER_SECONDS`] and [`REQUEST_SECONDS`]: 0.5 ms
/// to 2.5 s.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// How an authenticated, non-duplicate callback ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The handler returned normally.
    Handled,
    /// The body could not be decoded into its typed event (delivered raw or answered
    /// with the failure policy).
    DecodeFailed,
    /// The handler returned an error.
    HandlerError,
    /// The handler panicked.
    Panic,
    /// The handler overran its deadline.
    Deadline,
    /// Written to the forwarding engine (or its spool) for a worker to handle.
    Forwarded,
    /// The forwarding engine and its spool could not take it (answered 503).
    ForwardFailed,
}

impl Outcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handled => "handled",
            Self::DecodeFailed => "decode_failed",
            Self::HandlerError => "handler_error",
            Self::Panic => "panic",
            Self::Deadline => "deadline",
            Self::Forwarded => "forwarded",
            Self::ForwardFailed => "forward_failed",
        }
    }
}

/// Why a request was refused before it reached a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// Not `POST` (405).
    Method,
    /// Body over the limit (413).
    Size,
    /// Tencent `SdkAppid` of another application (403).
    SdkAppId,
    /// Signature missing or wrong (401).
    Auth,
    /// Signature outside the freshness window (401).
    Stale,
    /// Body or query unreadable (400).
    Body,
    /// Body not received in time (408).
    Timeout,
}

impl Rejection {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Method => "method",
            Self::Size => "size",
            Self::SdkAppId => "sdkappid",
            Self::Auth => "auth",
            Self::Stale => "stale",
            Self::Body => "body",
            Self::Timeout => "timeout",
        }
    }
}

/// What the de-duplication store answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DedupeResult {
    /// First sight of the callback: it is processed.
    Claimed,
    /// Already processed: acknowledged without calling the handler.
    Duplicate,
    /// Being processed by another request right now.
    InFlight,
    /// The store failed.
    StoreError,
}

impl DedupeResult {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Claimed => "claimed",
            Self::Duplicate => "duplicate",
            Self::InFlight => "in_flight",
            Self::StoreError => "store_error",
        }
    }
}

impl Outcome {
    /// The outcome of a handler that did not return normally.
    pub(crate) fn of_failure(failure: &crate::exec::HandlerFailure) -> Self {
        match failure {
            crate::exec::HandlerFailure::Error(_) => Self::HandlerError,
            crate::exec::HandlerFailure::Panic(_) => Self::Panic,
            crate::exec::HandlerFailure::Deadline(_) => Self::Deadline,
        }
    }
}

/// Counts a reply sent before the provider's own checks: 405, 413 or 408. Other
/// statuses (never produced there) are not counted.
pub(crate) fn rejected_early(provider: &'static str, reply: &crate::inbound::Outbound) {
    let reason = match reply.status {
        405 => Rejection::Method,
        413 => Rejection::Size,
        408 => Rejection::Timeout,
        _ => return,
    };
    rejected(provider, reason);
}

/// The span every callback's work runs in: authentication, de-duplication and the
/// handler, so that the application's own events inside the handler carry the
/// provider, route, kind and callId. `kind` and `call_id` are recorded once read
/// (escaped and capped, as they come from the request).
pub(crate) fn callback_span(provider: &'static str, route: &'static str) -> tracing::Span {
    tracing::info_span!(
        "imhook.callback",
        provider,
        route,
        kind = tracing::field::Empty,
        call_id = tracing::field::Empty,
    )
}

/// Records the kind and callId (if any) of the request on the current callback span.
/// Nothing is looked up when no subscriber takes `INFO` spans (the span is then
/// disabled): finding the current span costs a lookup in the subscriber's registry.
pub(crate) fn record_identity(kind: &str, call_id: Option<&str>) {
    if tracing::level_filters::LevelFilter::current() < tracing::Level::INFO {
        return;
    }
    let span = tracing::Span::current();
    span.record(
        "kind",
        tracing::field::debug(crate::log_value::Untrusted(kind)),
    );
    if let Some(id) = call_id {
        span.record(
            "call_id",
            tracing::field::debug(crate::log_value::Untrusted(id)),
        );
    }
}

/// Counts one authenticated, non-duplicate callback; `kind` is reported only when the
/// event is `known` (a catalogue kind), `unknown` otherwise.
pub(crate) fn callback(
    provider: &'static str,
    route: &'static str,
    kind: &str,
    known: bool,
    outcome: Outcome,
) {
    let kind = if known { kind } else { "unknown" };
    let labels = callback_keys::Labels {
        provider,
        route,
        known,
        outcome,
    };
    callback_keys::with(labels, kind, |key| {
        metrics::with_recorder(|r| r.register_counter(key, &METADATA).increment(1));
    });
}

/// Counts one refused request.
pub(crate) fn rejected(provider: &'static str, reason: Rejection) {
    metrics::counter!(REJECTED_TOTAL, "provider" => provider, "reason" => reason.as_str())
        .increment(1);
}

/// Counts one answer of the de-duplication store (and a store error apart).
pub(crate) fn dedupe(provider: &'static str, result: DedupeResult) {
    match per_request::dedupe(provider, result) {
        Some(key) => per_request::counter(key),
        None => {
            metrics::counter!(DEDUPE_TOTAL, "provider" => provider, "result" => result.as_str())
                .increment(1)
        }
    }
    if result == DedupeResult::StoreError {
        store_error(provider);
    }
}

/// Counts one failed store operation (claim, completion or release).
pub(crate) fn store_error(provider: &'static str) {
    metrics::counter!(STORE_ERRORS_TOTAL, "provider" => provider).increment(1);
}

/// Records how long the handler ran.
pub(crate) fn handler_time(provider: &'static str, route: &'static str, elapsed: Duration) {
    seconds(HANDLER_SECONDS, provider, route, elapsed);
}

/// Records how long the whole request took in the pipeline.
pub(crate) fn request_time(provider: &'static str, route: &'static str, elapsed: Duration) {
    seconds(REQUEST_SECONDS, provider, route, elapsed);
}

fn seconds(name: &'static str, provider: &'static str, route: &'static str, elapsed: Duration) {
    match per_request::seconds(name, provider, route) {
        Some(key) => per_request::histogram(key, elapsed.as_secs_f64()),
        None => metrics::histogram!(name, "provider" => provider, "route" => route)
            .record(elapsed.as_secs_f64()),
    }
}

/// The metadata the `metrics` macros give this module's metrics: its path as target and
/// module, at `INFO`.
static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The keys of the metrics recorded on every request, made (and hashed) at compile time:
/// the `metrics` macros build and hash a new key on each call unless every label value
/// is a literal.
/// Each function answers `None` for a combination it does not hold, which the caller
/// then records through the macros.
mod per_request {
    use super::*;

    const fn pair(
        k1: &'static str,
        v1: &'static str,
        k2: &'static str,
        v2: &'static str,
    ) -> [Label; 2] {
        [
            Label::from_static_parts(k1, v1),
            Label::from_static_parts(k2, v2),
        ]
    }

    /// `provider` and `route` of each route.
    static ROUTES: [[Label; 2]; 3] = [
        pair("provider", "tencent", "route", "tencent"),
        pair("provider", "agora", "route", "agora"),
        pair("provider", "agora", "route", "agora-pre-send"),
    ];

    /// `name` for each route, in [`ROUTES`] order. The keys are made (and hashed) at
    /// compile time.
    const fn route_keys(name: &'static str) -> [Key; 3] {
        [
            Key::from_static_parts(name, &ROUTES[0]),
            Key::from_static_parts(name, &ROUTES[1]),
            Key::from_static_parts(name, &ROUTES[2]),
        ]
    }

    static HANDLER: [Key; 3] = route_keys(HANDLER_SECONDS);
    static REQUEST: [Key; 3] = route_keys(REQUEST_SECONDS);

    /// `provider` and `result` of each store answer, per provider.
    static DEDUPE_LABELS: [[[Label; 2]; 4]; 2] = {
        const fn results(provider: &'static str) -> [[Label; 2]; 4] {
            [
                pair("provider", provider, "result", "claimed"),
                pair("provider", provider, "result", "duplicate"),
                pair("provider", provider, "result", "in_flight"),
                pair("provider", provider, "result", "store_error"),
            ]
        }
        [results("tencent"), results("agora")]
    };

    static DEDUPE: [[Key; 4]; 2] = {
        const fn keys(labels: &'static [[Label; 2]; 4]) -> [Key; 4] {
            [
                Key::from_static_parts(DEDUPE_TOTAL, &labels[0]),
                Key::from_static_parts(DEDUPE_TOTAL, &labels[1]),
                Key::from_static_parts(DEDUPE_TOTAL, &labels[2]),
                Key::from_static_parts(DEDUPE_TOTAL, &labels[3]),
            ]
        }
        [keys(&DEDUPE_LABELS[0]), keys(&DEDUPE_LABELS[1])]
    };

    /// The key of the histogram `name` ([`HANDLER_SECONDS`] or [`REQUEST_SECONDS`]) for
    /// `route` of `provider`.
    pub(super) fn seconds(name: &str, provider: &str, route: &str) -> Option<&'static Key> {
        let keys = match name {
            HANDLER_SECONDS => &HANDLER,
            REQUEST_SECONDS => &REQUEST,
            _ => return None,
        };
        let at = ROUTES.iter().position(|l| matches(l, provider, route))?;
        keys.get(at)
    }

    /// The key of [`DEDUPE_TOTAL`] for `result` of `provider`.
    pub(super) fn dedupe(provider: &str, result: DedupeResult) -> Option<&'static Key> {
        DEDUPE
            .iter()
            .flatten()
            .find(|k| matches_key(k, provider, result.as_str()))
    }

    fn matches([first, second]: &[Label; 2], v1: &str, v2: &str) -> bool {
        first.value() == v1 && second.value() == v2
    }

    fn matches_key(key: &Key, v1: &str, v2: &str) -> bool {
        let mut labels = key.labels();
        labels.next().is_some_and(|l| l.value() == v1)
            && labels.next().is_some_and(|l| l.value() == v2)
    }

    pub(super) fn counter(key: &'static Key) {
        metrics::with_recorder(|r| r.register_counter(key, &METADATA).increment(1));
    }

    pub(super) fn histogram(key: &'static Key, value: f64) {
        metrics::with_recorder(|r| r.register_histogram(key, &METADATA).record(value));
    }
}

/// The keys of [`CALLBACKS_TOTAL`], made once per label set on each thread: the `kind`
/// label is the one made from the request, so a key built per callback would cost an
/// owned label and a label list each time.
mod callback_keys {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// Kinds kept per label set and thread; the keys of further kinds are built when
    /// they are recorded.
    const KINDS: usize = 256;

    /// The labels of a key but its kind.
    #[derive(Clone, Copy, PartialEq)]
    pub(super) struct Labels {
        pub(super) provider: &'static str,
        pub(super) route: &'static str,
        pub(super) known: bool,
        pub(super) outcome: Outcome,
    }

    /// The keys made with one set of labels, by kind.
    struct LabelSet {
        labels: Labels,
        by_kind: HashMap<Box<str>, Key>,
    }

    thread_local! {
        static SETS: RefCell<Vec<LabelSet>> = const { RefCell::new(Vec::new()) };
    }

    /// The key the `metrics` macros would build for these labels, in the same order.
    fn build(labels: Labels, kind: &str) -> Key {
        let Labels {
            provider,
            route,
            known,
            outcome,
        } = labels;
        let labels = vec![
            Label::from_static_parts("provider", provider),
            Label::from_static_parts("route", route),
            Label::new("kind", kind.to_owned()),
            Label::from_static_parts("known", if known { "true" } else { "false" }),
            Label::from_static_parts("outcome", outcome.as_str()),
        ];
        Key::from_parts(CALLBACKS_TOTAL, labels)
    }

    /// Calls `record` with the key for `labels` and `kind`, made now only the first
    /// time.
    pub(super) fn with(labels: Labels, kind: &str, record: impl FnOnce(&Key)) {
        let mut record = Some(record);
        let _ = SETS.try_with(|sets| {
            let Ok(mut sets) = sets.try_borrow_mut() else {
                return;
            };
            let at = sets
                .iter()
                .position(|s| s.labels == labels)
                .unwrap_or_else(|| {
                    sets.push(LabelSet {
                        labels,
                        by_kind: HashMap::new(),
                    });
                    sets.len() - 1
                });
            let Some(set) = sets.get_mut(at) else {
                return;
            };
            let key = match set.by_kind.get(kind) {
                Some(key) => key,
                None if set.by_kind.len() < KINDS => set
                    .by_kind
                    .entry(kind.into())
                    .or_insert_with(|| build(labels, kind)),
                None => return,
            };
            if let Some(record) = record.take() {
                record(key);
            }
        });
        if let Some(record) = record {
            record(&build(labels, kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name and labels of `key`, after checking that it equals, hash included,
    /// the key the `metrics` macros build from them.
    fn pairs(key: &Key) -> (&str, Vec<(&str, &str)>) {
        let labels: Vec<_> = key.labels().map(|l| (l.key(), l.value())).collect();
        let built = Key::from_parts(
            key.name().to_owned(),
            labels
                .iter()
                .map(|(k, v)| Label::new(k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(key, &built);
        assert_eq!(key.get_hash(), built.get_hash());
        (key.name(), labels)
    }

    /// Every route and every store answer of both providers is recorded without
    /// building its labels, and with the labels the macros would have built.
    #[test]
    fn per_request_label_sets_cover_every_route_and_answer() {
        use crate::agora::Route;
        for (provider, route) in [
            ("tencent", "tencent"),
            ("agora", Route::PostSend.label()),
            ("agora", Route::PreSend.label()),
        ] {
            for name in [HANDLER_SECONDS, REQUEST_SECONDS] {
                let key = per_request::seconds(name, provider, route).map(pairs);
                let labels = vec![("provider", provider), ("route", route)];
                assert_eq!(key, Some((name, labels)));
            }
        }
        for provider in ["tencent", "agora"] {
            for result in [
                DedupeResult::Claimed,
                DedupeResult::Duplicate,
                DedupeResult::InFlight,
                DedupeResult::StoreError,
            ] {
                let key = per_request::dedupe(provider, result).map(pairs);
                let labels = vec![("provider", provider), ("result", result.as_str())];
                assert_eq!(key, Some((DEDUPE_TOTAL, labels)));
            }
        }
        assert_eq!(
            per_request::seconds(HANDLER_SECONDS, "agora", "tencent"),
            None
        );
        assert_eq!(per_request::seconds(DEDUPE_TOTAL, "agora", "agora"), None);
    }

    /// A callback's key, made once per kind and label set on a thread, is the key the
    /// macros build, whether it comes from the cache, is put in it, or is built past
    /// the cache's limit.
    #[test]
    fn callback_keys_are_the_macro_keys() {
        let seen = |provider, route, kind: &str, known, outcome: Outcome| {
            let mut got = None;
            let labels = callback_keys::Labels {
                provider,
                route,
                known,
                outcome,
            };
            callback_keys::with(labels, kind, |key| {
                got = Some(
                    pairs(key)
                        .1
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>(),
                );
            });
            got
        };
        let expected = |provider: &str, route: &str, kind: &str, known: &str, outcome: Outcome| {
            Some(vec![
                format!("provider={provider}"),
                format!("route={route}"),
                format!("kind={kind}"),
                format!("known={known}"),
                format!("outcome={}", outcome.as_str()),
            ])
        };
        for _ in 0..2 {
            assert_eq!(
                seen("agora", "agora", "message/chat", true, Outcome::Handled),
                expected("agora", "agora", "message/chat", "true", Outcome::Handled)
            );
            assert_eq!(
                seen(
                    "agora",
                    "agora",
                    "message/chat",
                    true,
                    Outcome::HandlerError
                ),
                expected(
                    "agora",
                    "agora",
                    "message/chat",
                    "true",
                    Outcome::HandlerError
                )
            );
            assert_eq!(
                seen("tencent", "tencent", "unknown", false, Outcome::Handled),
                expected("tencent", "tencent", "unknown", "false", Outcome::Handled)
            );
        }
        // Past the number of kinds kept, every kind still gets its own key.
        for i in 0..300 {
            let kind = format!("group_op_event/OP{i}");
            assert_eq!(
                seen("agora", "agora", &kind, true, Outcome::Deadline),
                expected("agora", "agora", &kind, "true", Outcome::Deadline)
            );
        }
    }
}
