//! warp 0.4 adapter of **imhook** (`imhook::warp`, feature `warp`): callback endpoints as
//! filters that never reject once their path matched (so they compose with `.or(...)`),
//! and a filter extracting a verified callback. Every status and reply comes from the
//! core.
//!
//! Routes match as in axum and actix-web: a path with a trailing slash (`/im/tencent/`)
//! is another path. warp's `path!` lets it through, so these filters reject it as not
//! found (404) themselves; a route meant to end with `/` cannot use them.
//!
//! ```no_run
//! use std::sync::Arc;
//! use warp::Filter;
//! use imhook::tencent::{self, TencentConfig};
//!
//! struct App;
//! impl tencent::CallbackHandler for App {}
//!
//! # async fn run() {
//! let tencent = imhook::warp::tencent(TencentConfig::new(1_400_000_001), Arc::new(App));
//! let routes = warp::path!("health").map(|| "ok")
//!     .or(warp::path!("im" / "tencent").and(tencent));
//! warp::serve(routes).run(([127, 0, 0, 1], 8080)).await;
//! # }
//! ```
#![forbid(unsafe_code)]

use imhook_core::agora::{
    AgoraConfig, ConfigError, PostSendCallback, PostSendEndpoint, PreSendCallback, PreSendEndpoint,
};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{
    Endpoint, Outbound, StreamingRequest, Verify, content_length, serve_stream, verify_stream,
};
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use warp::http::{HeaderValue, Method, StatusCode, header};
use warp::path::FullPath;
use warp::{Filter, Rejection};

/// The HTTP response of a callback: an [`Outbound`] from the core, sent as is. As a
/// rejection (from [`verified`]), [`recover`] turns it into that response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResponse(pub Outbound);

impl warp::Reply for CallbackResponse {
    fn into_response(self) -> warp::reply::Response {
        let out = self.0;
        let close = out.closes_connection();
        let mut resp = warp::reply::Response::new(out.body.into());
        *resp.status_mut() =
            StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = resp.headers_mut();
        if let Some(ct) = out.content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        if let Some(allow) = out.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        resp
    }
}

impl warp::reject::Reject for CallbackResponse {}

impl From<Outbound> for CallbackResponse {
    fn from(out: Outbound) -> Self {
        Self(out)
    }
}

/// Rejects (404) a path ending with `/`, which warp's `path!` and `path::end` accept but
/// axum and actix-web route elsewhere.
fn no_trailing_slash() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::path::full()
        .and_then(|path: FullPath| async move {
            let p = path.as_str();
            if p.len() > 1 && p.ends_with('/') {
                Err(warp::reject::not_found())
            } else {
                Ok(())
            }
        })
        .untuple_one()
}

/// Everything a callback needs from the request; rejects only a path ending with `/`.
fn parts() -> impl Filter<Extract = (Parts,), Error = Rejection> + Clone {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    let declared = warp::header::optional::<String>("content-length")
        .map(|v: Option<String>| v.and_then(|v| content_length(v.as_bytes())));
    no_trailing_slash()
        .and(warp::method())
        .and(query)
        .and(declared)
        .and(warp::addr::remote())
        .map(|method, query, content_length, peer| Parts {
            method,
            query,
            content_length,
            peer,
        })
}

/// The parts of a request the pipeline reads, body still unread.
struct Parts {
    method: Method,
    query: String,
    content_length: Option<u64>,
    peer: Option<SocketAddr>,
}

impl Parts {
    fn streaming<S>(&self, body: S) -> StreamingRequest<'_, S> {
        StreamingRequest::new(self.method.as_str(), &self.query, self.content_length, body)
            .peer(self.peer)
    }
}

/// A filter answering every request that reaches it with `endpoint` (405 for all but
/// `POST`, from the core). Put your path filter in front of it. A path ending with `/`
/// is rejected as not found.
pub fn endpoint(
    endpoint: Arc<dyn Endpoint>,
) -> impl Filter<Extract = (CallbackResponse,), Error = Rejection> + Clone {
    parts()
        .and(warp::body::stream())
        .then(move |parts: Parts, body| {
            let endpoint = endpoint.clone();
            async move { CallbackResponse(serve_stream(endpoint.as_ref(), parts.streaming(body)).await) }
        })
}

/// The Tencent Cloud IM endpoint as a filter (see [`endpoint`]).
pub fn tencent(
    config: TencentConfig,
    handler: Arc<dyn imhook_core::tencent::CallbackHandler>,
) -> impl Filter<Extract = (CallbackResponse,), Error = Rejection> + Clone {
    endpoint(Arc::new(TencentEndpoint::new(config, handler)))
}

/// The Agora post-send endpoint as a filter (see [`endpoint`]).
pub fn agora_post_send(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<impl Filter<Extract = (CallbackResponse,), Error = Rejection> + Clone, ConfigError> {
    Ok(endpoint(Arc::new(PostSendEndpoint::new(config, handler)?)))
}

/// The Agora pre-send endpoint as a filter (see [`endpoint`]).
pub fn agora_pre_send(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<impl Filter<Extract = (CallbackResponse,), Error = Rejection> + Clone, ConfigError> {
    Ok(endpoint(Arc::new(PreSendEndpoint::new(config, handler)?)))
}

/// A verified callback [`verified`] extracts: [`TencentCallback`], [`AgoraPostSend`]
/// or [`AgoraPreSend`].
pub trait Callback: Sized + Send + 'static {
    /// The configuration that verifies it.
    type Config: Verify<Self::Verified>;
    /// The core's verified callback it wraps.
    type Verified: Send + 'static;
    /// Wraps the core's verified callback.
    fn wrap(verified: Self::Verified) -> Self;
}

/// A filter extracting a verified callback `C`, e.g.
/// `verified::<TencentCallback>(Arc::new(config))`; a rejection carries the exact reply
/// (recover it with [`recover`]). A path ending with `/` is rejected as not found.
pub fn verified<C: Callback>(
    config: Arc<C::Config>,
) -> impl Filter<Extract = (C,), Error = Rejection> + Clone {
    parts()
        .and(warp::body::stream())
        .and_then(move |parts: Parts, body| {
            let config = config.clone();
            async move {
                verify_stream(config.as_ref(), parts.streaming(body))
                    .await
                    .map(C::wrap)
                    .map_err(|out| warp::reject::custom(CallbackResponse(out)))
            }
        })
}

/// Turns a [`CallbackResponse`] rejection into its reply; other rejections pass through.
pub async fn recover(rejection: Rejection) -> Result<CallbackResponse, Rejection> {
    match rejection.find::<CallbackResponse>() {
        Some(out) => Ok(out.clone()),
        None => Err(rejection),
    }
}

/// Defines an extracted callback wrapping a verified callback of the core.
macro_rules! extractor {
    ($(#[$doc:meta])* $name:ident($inner:ty) from $config:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub $inner);

        impl Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl Callback for $name {
            type Config = $config;
            type Verified = $inner;
            fn wrap(verified: $inner) -> Self {
                Self(verified)
            }
        }
    };
}

extractor! {
    /// A verified Tencent callback, extracted by `verified::<TencentCallback>(config)`.
    /// Answer with [`TencentCallback::answer`] or [`TencentCallback::ack`], which also mark a de-duplicated callback
    /// as handled (dropped unanswered, its claim is released so that the provider's
    /// retry is handled).
    TencentCallback(imhook_core::tencent::TencentCallback) from TencentConfig
}

extractor! {
    /// A verified, de-duplicated Agora post-send callback, extracted by
    /// `verified::<AgoraPostSend>(config)`. Answer with [`AgoraPostSend::ack`] or
    /// [`AgoraPostSend::retry`].
    AgoraPostSend(PostSendCallback) from AgoraConfig
}

extractor! {
    /// A verified Agora pre-send request, extracted by `verified::<AgoraPreSend>(config)`.
    /// Answer with [`AgoraPreSend::decide`].
    AgoraPreSend(PreSendCallback) from AgoraConfig
}

imhook_core::answer_methods!(CallbackResponse);
