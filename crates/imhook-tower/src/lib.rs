//! tower adapter of **imhook** (`imhook::tower`, feature `tower`): a callback endpoint
//! as a [`tower_service::Service`] over [`http::Request`], for any tower-based server
//! (hyper directly, tower-http middleware, frameworks with a tower compatibility layer).
//! This is the framework-free route: every status and reply comes from the core, and
//! this crate only converts types, exactly as the axum, actix-web and warp adapters do.
//!
//! [`CallbackService`] answers every request it gets with one endpoint; a
//! [`CallbackLayer`] mounts it at one path in front of another service.
//!
//! ```
//! use std::sync::Arc;
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use imhook::tencent::{self, TencentConfig};
//! use imhook::tower::CallbackService;
//! use tower::ServiceExt;
//!
//! struct App;
//! impl tencent::CallbackHandler for App {}
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let service = CallbackService::tencent(TencentConfig::new(1_400_000_001), Arc::new(App));
//! let request = http::Request::get("/im/tencent").body(Full::new(Bytes::new()))?;
//! let response = service.oneshot(request).await?;
//! assert_eq!(response.status(), 405);
//! assert_eq!(response.headers()["allow"], "POST");
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```
//!
//! Served by hyper (with `hyper-util`), the endpoint at `/im/tencent` and every other
//! path answered by the application's own service:
//!
//! ```no_run
//! use std::{convert::Infallible, sync::Arc};
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use hyper_util::{rt::{TokioExecutor, TokioIo}, server::conn::auto, service::TowerToHyperService};
//! use imhook::tencent::{self, TencentConfig};
//! use imhook::tower::{CallbackLayer, CallbackService};
//! use tower::{Layer, service_fn};
//!
//! struct App;
//! impl tencent::CallbackHandler for App {}
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let callbacks = CallbackService::tencent(TencentConfig::new(1_400_000_001), Arc::new(App));
//! let app = CallbackLayer::new("/im/tencent", callbacks).layer(service_fn(
//!     |_req: http::Request<hyper::body::Incoming>| async {
//!         Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from("ok"))))
//!     },
//! ));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! loop {
//!     let (stream, _) = listener.accept().await?;
//!     let service = TowerToHyperService::new(app.clone());
//!     tokio::spawn(async move {
//!         let _ = auto::Builder::new(TokioExecutor::new())
//!             .serve_connection(TokioIo::new(stream), service)
//!             .await;
//!     });
//! }
//! # }
//! ```
#![forbid(unsafe_code)]

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full};
use imhook_core::agora::{AgoraConfig, ConfigError, PostSendEndpoint, PreSendEndpoint};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{
    Endpoint, Outbound, StreamingRequest, Verify, content_length, serve_stream, verify_stream,
};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// The future of the services of this crate.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The peer address of a request, read from the request's extensions when present
/// (insert it per connection, e.g. with tower-http's `AddExtensionLayer`); the core
/// records it in the callback's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// An [`Outbound`] as an HTTP response: its status, `Content-Type`, `Allow` (405) and
/// `Connection: close` when the reply [closes the connection](Outbound::closes_connection)
/// (an early reply, sent without reading the whole body).
pub fn response(out: Outbound) -> Response<Full<Bytes>> {
    let close = out.closes_connection();
    let mut resp = Response::new(Full::new(out.body));
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

/// The parts of an [`http::Request`] the pipeline reads, body still unread: method,
/// query, declared `Content-Length` and peer (`peer`, or the [`PeerAddr`] extension).
fn streaming<B>(
    parts: &http::request::Parts,
    body: B,
    peer: Option<SocketAddr>,
) -> StreamingRequest<'_, http_body_util::BodyDataStream<B>>
where
    B: Body,
{
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| content_length(v.as_bytes()));
    let peer = peer.or_else(|| parts.extensions.get::<PeerAddr>().map(|p| p.0));
    StreamingRequest::new(
        parts.method.as_str(),
        parts.uri.query().unwrap_or(""),
        declared,
        body.into_data_stream(),
    )
    .peer(peer)
}

/// Answers `req` with `endpoint` (a reference to an endpoint, or an [`Arc`] of one):
/// the whole pipeline, from the method check to the reply.
pub fn serve<P, B>(endpoint: P, req: Request<B>) -> impl Future<Output = Response<Full<Bytes>>>
where
    P: Deref,
    P::Target: Endpoint,
    B: Body,
{
    // Split before the future is made: an `async fn` would hold the request twice, as
    // its argument and as the parts taken from it, and frameworks copy the whole
    // future into the block they allocate for each request.
    let (parts, body) = req.into_parts();
    async move { response(serve_stream(&*endpoint, streaming(&parts, body, None)).await) }
}

/// Verifies `req` with `verifier` (a [`TencentConfig`] or an [`AgoraConfig`]) for an
/// extractor: the verified callback `T`, or the exact reply the mounted endpoint would
/// have sent. `peer` overrides the [`PeerAddr`] extension.
pub async fn verify<T, V, B>(
    verifier: &V,
    req: Request<B>,
    peer: Option<SocketAddr>,
) -> Result<T, Outbound>
where
    T: Send + 'static,
    V: Verify<T> + ?Sized,
    B: Body,
{
    let (parts, body) = req.into_parts();
    verify_stream(verifier, streaming(&parts, body, peer)).await
}

/// One callback endpoint as a tower [`Service`]: every request it gets is answered by
/// the endpoint (405 for all but `POST`, 413 before reading a declared body over the
/// limit, 413 when a streamed body passes it, 408 when the body does not arrive within
/// the configuration's read timeout, then the whole pipeline). Cloning shares the
/// endpoint, hence its de-duplication store. It never fails: the error type is
/// [`Infallible`].
#[derive(Clone)]
pub struct CallbackService {
    endpoint: Arc<dyn Endpoint>,
}

impl fmt::Debug for CallbackService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackService")
            .field("provider", &self.endpoint.provider())
            .finish_non_exhaustive()
    }
}

impl CallbackService {
    /// A service answering with `endpoint`.
    pub fn new(endpoint: Arc<dyn Endpoint>) -> Self {
        Self { endpoint }
    }

    /// The Tencent Cloud IM endpoint.
    pub fn tencent(
        config: TencentConfig,
        handler: Arc<dyn imhook_core::tencent::CallbackHandler>,
    ) -> Self {
        Self::new(Arc::new(TencentEndpoint::new(config, handler)))
    }

    /// The Agora post-send endpoint.
    pub fn agora_post_send(
        config: AgoraConfig,
        handler: Arc<dyn imhook_core::agora::CallbackHandler>,
    ) -> Result<Self, ConfigError> {
        Ok(Self::new(Arc::new(PostSendEndpoint::new(config, handler)?)))
    }

    /// The Agora pre-send endpoint.
    pub fn agora_pre_send(
        config: AgoraConfig,
        handler: Arc<dyn imhook_core::agora::CallbackHandler>,
    ) -> Result<Self, ConfigError> {
        Ok(Self::new(Arc::new(PreSendEndpoint::new(config, handler)?)))
    }
}

impl<B> Service<Request<B>> for CallbackService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Send,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let endpoint = self.endpoint.clone();
        Box::pin(async move { Ok(serve(endpoint, req).await) })
    }
}

/// Mounts a [`CallbackService`] at one path (compared exactly, without the query) in
/// front of another service, which gets every other request.
#[derive(Debug, Clone)]
pub struct CallbackLayer {
    path: Arc<str>,
    callbacks: CallbackService,
}

impl CallbackLayer {
    /// Answers requests for `path` (e.g. `/im/tencent`) with `callbacks`.
    pub fn new(path: impl Into<Arc<str>>, callbacks: CallbackService) -> Self {
        Self {
            path: path.into(),
            callbacks,
        }
    }
}

impl<S> Layer<S> for CallbackLayer {
    type Service = CallbackRoute<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallbackRoute {
            path: self.path.clone(),
            callbacks: self.callbacks.clone(),
            inner,
        }
    }
}

/// The service a [`CallbackLayer`] makes: the callback endpoint at its path, `inner`
/// everywhere else. The response body is the endpoint's ([`Either::Left`]) or the inner
/// service's ([`Either::Right`]).
#[derive(Debug, Clone)]
pub struct CallbackRoute<S> {
    path: Arc<str>,
    callbacks: CallbackService,
    inner: S,
}

impl<S, B, ResBody> Service<Request<B>> for CallbackRoute<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Send,
    ResBody: Send + 'static,
{
    type Response = Response<Either<Full<Bytes>, ResBody>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if req.uri().path() == &*self.path {
            let reply = self.callbacks.call(req);
            Box::pin(async move {
                let resp = match reply.await {
                    Ok(resp) => resp,
                    Err(never) => match never {},
                };
                Ok(resp.map(Either::Left))
            })
        } else {
            let reply = self.inner.call(req);
            Box::pin(async move { reply.await.map(|resp| resp.map(Either::Right)) })
        }
    }
}
