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
//! use imhook::tencent::{self, TencentConfig, TencentEndpoint};
//!
//! struct App;
//! impl tencent::CallbackHandler for App {}
//!
//! # async fn run() {
//! let tencent = Arc::new(TencentEndpoint::new(TencentConfig::new(1_400_000_001), Arc::new(App)));
//! let routes = warp::path!("health").map(|| "ok")
//!     .or(warp::path!("im" / "tencent").and(imhook::warp::endpoint(tencent)));
//! warp::serve(routes).run(([127, 0, 0, 1], 8080)).await;
//! # }
//! ```
#![forbid(unsafe_code)]

use imhook_core::{
    Endpoint, HeaderLookup, Outbound, StreamingRequest, Verify, serve_stream, verify_stream,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use warp::path::FullPath;
use warp::{Filter, Rejection};

/// Header lookup over a warp [`HeaderMap`].
struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.to_str().ok()
    }
}

/// An [`Outbound`] as a warp response.
pub fn response(out: Outbound) -> warp::reply::Response {
    let close = out.closes_connection();
    let mut resp = warp::reply::Response::new(out.body.into());
    *resp.status_mut() =
        StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = out.content_type {
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    if let Some(allow) = out.allow {
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    if close {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
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
fn parts()
-> impl Filter<Extract = (Method, String, HeaderMap, Option<SocketAddr>), Error = Rejection> + Clone
{
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    no_trailing_slash()
        .and(warp::method())
        .and(query)
        .and(warp::header::headers_cloned())
        .and(warp::addr::remote())
}

/// A filter answering every request that reaches it with `endpoint` (405 for all but
/// `POST`, from the core). Put your path filter in front of it. A path ending with `/`
/// is rejected as not found.
pub fn endpoint<E: Endpoint + ?Sized>(
    endpoint: Arc<E>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    endpoint_with(endpoint, None)
}

/// Like [`endpoint`], with a limit on how long the body may take to arrive (408 after it).
pub fn endpoint_with<E: Endpoint + ?Sized>(
    endpoint: Arc<E>,
    read_timeout: Option<Duration>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    parts().and(warp::body::stream()).then(
        move |method: Method, query: String, headers: HeaderMap, peer: Option<SocketAddr>, body| {
            let endpoint = endpoint.clone();
            async move {
                let out = serve_stream(
                    endpoint.as_ref(),
                    StreamingRequest {
                        method: method.as_str(),
                        query: &query,
                        headers: &Headers(&headers),
                        peer,
                        body,
                        read_timeout,
                    },
                )
                .await;
                response(out)
            }
        },
    )
}

/// A rejected callback: recover it with [`recover`] to send the reply the mounted
/// endpoint would have sent.
#[derive(Debug)]
pub struct CallbackRejection(pub Outbound);

impl warp::reject::Reject for CallbackRejection {}

/// A filter extracting a verified callback (e.g. `Arc<TencentConfig>` yields
/// `imhook::tencent::TencentCallback`, answered with its `reply`); rejections carry the
/// exact reply. A path ending with `/` is rejected as not found.
pub fn verified<V: Verify>(
    verifier: Arc<V>,
) -> impl Filter<Extract = (V::Verified,), Error = Rejection> + Clone {
    parts().and(warp::body::stream()).and_then(
        move |method: Method, query: String, headers: HeaderMap, peer: Option<SocketAddr>, body| {
            let verifier = verifier.clone();
            async move {
                verify_stream(
                    verifier.as_ref(),
                    StreamingRequest {
                        method: method.as_str(),
                        query: &query,
                        headers: &Headers(&headers),
                        peer,
                        body,
                        read_timeout: None,
                    },
                )
                .await
                .map_err(|out| warp::reject::custom(CallbackRejection(out)))
            }
        },
    )
}

/// Turns a [`CallbackRejection`] into its reply; other rejections pass through.
pub async fn recover(rejection: Rejection) -> Result<warp::reply::Response, Rejection> {
    match rejection.find::<CallbackRejection>() {
        Some(CallbackRejection(out)) => Ok(response(out.clone())),
        None => Err(rejection),
    }
}
