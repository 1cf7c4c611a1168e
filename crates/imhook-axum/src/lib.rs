//! axum 0.8 adapter of **imhook** (`imhook::axum`, feature `axum`): mount callback
//! endpoints in your router, or take a verified callback with an extractor. Every
//! status and reply comes from the core; this crate only converts types.
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::{Router, routing::get};
//! use imhook::{Secret, tencent::{self, TencentConfig}, agora::{self, AgoraConfig}};
//!
//! struct App;
//! impl tencent::CallbackHandler for App {}
//! impl agora::CallbackHandler for App {}
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Arc::new(App);
//! let agora_config = AgoraConfig::new().secret(Secret::new("your-rule-secret")?);
//! let router: Router = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .route("/im/tencent", imhook::axum::tencent(TencentConfig::new(1_400_000_001), app.clone()))
//!     .route("/im/agora", imhook::axum::agora_post_send(agora_config.clone(), app.clone())?)
//!     .route("/im/agora/pre-send", imhook::axum::agora_pre_send(agora_config, app)?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use imhook_core::agora::{AgoraCallback, AgoraConfig, AgoraEndpoint, AgoraVerifier, ConfigError};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{
    Endpoint, HeaderLookup, Outbound, StreamingRequest, Verify, serve_stream, verify_stream,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Header lookup over an axum [`HeaderMap`].
struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.to_str().ok()
    }
}

/// An [`Outbound`] as an axum response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply(pub Outbound);

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let out = self.0;
        let close = out.closes_connection();
        let mut resp = Response::new(Body::from(out.body));
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
}

impl From<Outbound> for Reply {
    fn from(out: Outbound) -> Self {
        Self(out)
    }
}

fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// Answers one request with `endpoint`.
pub async fn handle<E: Endpoint + ?Sized>(endpoint: &E, req: Request) -> Response {
    handle_with(endpoint, req, None).await
}

/// Answers one request with `endpoint`, giving the body at most `read_timeout` to arrive
/// (408 otherwise).
pub async fn handle_with<E: Endpoint + ?Sized>(
    endpoint: &E,
    req: Request,
    read_timeout: Option<Duration>,
) -> Response {
    let peer = peer(&req);
    let (parts, body) = req.into_parts();
    let out = serve_stream(
        endpoint,
        StreamingRequest {
            method: parts.method.as_str(),
            query: parts.uri.query().unwrap_or(""),
            headers: &Headers(&parts.headers),
            peer,
            body: body.into_data_stream(),
            read_timeout,
        },
    )
    .await;
    Reply(out).into_response()
}

/// A route answering every method with `endpoint` (405 for all but `POST`, from the core).
pub fn route<E: Endpoint + ?Sized, S: Clone + Send + Sync + 'static>(
    endpoint: Arc<E>,
) -> MethodRouter<S> {
    route_with(endpoint, None)
}

/// Like [`route`], with a limit on how long the body may take to arrive (408 after it).
pub fn route_with<E: Endpoint + ?Sized, S: Clone + Send + Sync + 'static>(
    endpoint: Arc<E>,
    read_timeout: Option<Duration>,
) -> MethodRouter<S> {
    any(move |req: Request| {
        let endpoint = endpoint.clone();
        async move { handle_with(endpoint.as_ref(), req, read_timeout).await }
    })
}

/// The Tencent Cloud IM route.
pub fn tencent<S: Clone + Send + Sync + 'static>(
    config: TencentConfig,
    handler: Arc<dyn imhook_core::tencent::CallbackHandler>,
) -> MethodRouter<S> {
    route(Arc::new(TencentEndpoint::new(config, handler)))
}

/// The Agora post-send route.
pub fn agora_post_send<S: Clone + Send + Sync + 'static>(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<MethodRouter<S>, ConfigError> {
    Ok(route(Arc::new(AgoraEndpoint::post_send(config, handler)?)))
}

/// The Agora pre-send route.
pub fn agora_pre_send<S: Clone + Send + Sync + 'static>(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<MethodRouter<S>, ConfigError> {
    Ok(route(Arc::new(AgoraEndpoint::pre_send(config, handler)?)))
}

async fn extract<V: Verify>(verifier: &V, req: Request) -> Result<V::Verified, Reply> {
    let peer = peer(&req);
    let (parts, body) = req.into_parts();
    verify_stream(
        verifier,
        StreamingRequest {
            method: parts.method.as_str(),
            query: parts.uri.query().unwrap_or(""),
            headers: &Headers(&parts.headers),
            peer,
            body: body.into_data_stream(),
            read_timeout: None,
        },
    )
    .await
    .map_err(Reply)
}

/// Extractor of a verified Tencent callback; the configuration comes from the router
/// state (`Arc<TencentConfig>: FromRef<S>`). A rejected request is answered exactly as
/// the mounted route would answer it. Answer with [`TencentCallback::reply`], which
/// also marks a de-duplicated callback as handled (dropped unanswered, its claim is
/// released so that the provider's retry is handled).
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::post};
/// use imhook::axum::{Reply, TencentCallback};
/// use imhook::tencent::{Reply as TencentReply, TencentConfig};
///
/// async fn on_callback(cb: TencentCallback) -> Reply {
///     println!("{}", cb.0.ctx.command);
///     cb.reply(&TencentReply::ok()).await
/// }
/// let router: Router = Router::new()
///     .route("/tencent", post(on_callback))
///     .with_state(Arc::new(TencentConfig::new(1_400_000_001)));
/// ```
#[derive(Debug)]
pub struct TencentCallback(pub imhook_core::tencent::TencentCallback);

impl TencentCallback {
    /// Marks the callback handled (when it was de-duplicated) and returns the HTTP
    /// reply carrying `reply` (decision or ack).
    pub async fn reply(self, reply: &imhook_core::tencent::Reply) -> Reply {
        Reply(self.0.reply(reply).await)
    }

    /// The HTTP reply carrying a Tencent reply, without marking the callback handled:
    /// prefer [`reply`](Self::reply).
    pub fn respond(reply: &imhook_core::tencent::Reply) -> Reply {
        Reply(imhook_core::tencent::TencentCallback::respond(reply))
    }
}

impl<S> FromRequest<S> for TencentCallback
where
    Arc<TencentConfig>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = Arc::<TencentConfig>::from_ref(state);
        extract(config.as_ref(), req).await.map(TencentCallback)
    }
}

/// Extractor of a verified, de-duplicated Agora callback; the verifier (post-send or
/// pre-send) comes from the router state (`Arc<AgoraVerifier>: FromRef<S>`). Answer
/// with `cb.0.ack().await`, `retry()` or `decide(..)`, wrapped in [`Reply`].
#[derive(Debug)]
pub struct AgoraCallbackExtractor(pub AgoraCallback);

impl<S> FromRequest<S> for AgoraCallbackExtractor
where
    Arc<AgoraVerifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<AgoraVerifier>::from_ref(state);
        extract(verifier.as_ref(), req)
            .await
            .map(AgoraCallbackExtractor)
    }
}
