//! actix-web 4 adapter of **imhook** (`imhook::actix`, feature `actix`): mount callback
//! endpoints in your app with [`configure`], or take a verified callback with an
//! extractor. Every status and reply comes from the core; this crate only converts
//! types. Build endpoints (and their configurations) outside `HttpServer::new`, so
//! that every worker shares them.
//!
//! ```no_run
//! use std::sync::Arc;
//! use actix_web::{App, HttpServer, web};
//! use imhook::{Secret, tencent::{self, TencentConfig}, agora::{self, AgoraConfig, AgoraEndpoint}, tencent::TencentEndpoint};
//!
//! struct MyApp;
//! impl tencent::CallbackHandler for MyApp {}
//! impl agora::CallbackHandler for MyApp {}
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Arc::new(MyApp);
//! let tencent = Arc::new(TencentEndpoint::new(TencentConfig::new(1_400_000_001), app.clone()));
//! let agora = Arc::new(AgoraEndpoint::post_send(AgoraConfig::new().secret(Secret::new("s")?), app)?);
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/health", web::get().to(|| async { "ok" }))
//!         .service(web::scope("/im").configure(imhook::actix::configure("/tencent", tencent.clone()))
//!             .configure(imhook::actix::configure("/agora", agora.clone())))
//! })
//! .bind("127.0.0.1:8080")?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use imhook_core::agora::{AgoraCallback, AgoraVerifier};
use imhook_core::tencent::TencentConfig;
use imhook_core::{
    Endpoint, HeaderLookup, Outbound, StreamingRequest, Verify, serve_stream, verify_stream,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Header lookup over an actix [`HeaderMap`].
struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.to_str().ok()
    }
}

/// An [`Outbound`] as an actix response.
pub fn response(out: Outbound) -> HttpResponse {
    let status = StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = HttpResponse::build(status);
    if let Some(ct) = out.content_type {
        resp.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(allow) = out.allow {
        resp.insert_header((header::ALLOW, allow));
    }
    if out.closes_connection() {
        resp.force_close();
    }
    resp.body(out.body)
}

/// Answers one request with `endpoint`.
pub async fn handle<E: Endpoint + ?Sized>(
    endpoint: &E,
    req: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    handle_with(endpoint, req, payload, None).await
}

/// Answers one request with `endpoint`, giving the body at most `read_timeout` to arrive.
pub async fn handle_with<E: Endpoint + ?Sized>(
    endpoint: &E,
    req: &HttpRequest,
    payload: web::Payload,
    read_timeout: Option<Duration>,
) -> HttpResponse {
    let out = serve_stream(
        endpoint,
        StreamingRequest {
            method: req.method().as_str(),
            query: req.query_string(),
            headers: &Headers(req.headers()),
            peer: req.peer_addr(),
            body: payload,
            read_timeout,
        },
    )
    .await;
    response(out)
}

/// Registers `endpoint` at `path` (every method; 405 for all but `POST`, from the core).
/// Use it with `App::configure` or `Scope::configure`.
pub fn configure<E: Endpoint + ?Sized>(
    path: &str,
    endpoint: Arc<E>,
) -> impl FnOnce(&mut web::ServiceConfig) + use<E> {
    configure_with(path, endpoint, None)
}

/// Like [`configure`], with a limit on how long the body may take to arrive (408 after it).
pub fn configure_with<E: Endpoint + ?Sized>(
    path: &str,
    endpoint: Arc<E>,
    read_timeout: Option<Duration>,
) -> impl FnOnce(&mut web::ServiceConfig) + use<E> {
    let path = path.to_owned();
    move |cfg: &mut web::ServiceConfig| {
        cfg.service(web::resource(path).default_service(web::to(
            move |req: HttpRequest, payload: web::Payload| {
                let endpoint = endpoint.clone();
                async move { handle_with(endpoint.as_ref(), &req, payload, read_timeout).await }
            },
        )));
    }
}

/// A rejected request, answered exactly as the mounted endpoint would answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub Outbound);

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "callback rejected with status {}", self.0.status)
    }
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn error_response(&self) -> HttpResponse {
        response(self.0.clone())
    }
}

async fn extract<V: Verify>(
    verifier: Arc<V>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<V::Verified, Rejection> {
    verify_stream(
        verifier.as_ref(),
        StreamingRequest {
            method: req.method().as_str(),
            query: req.query_string(),
            headers: &Headers(req.headers()),
            peer: req.peer_addr(),
            body: payload,
            read_timeout: None,
        },
    )
    .await
    .map_err(Rejection)
}

/// The app lacks the extractor's configuration: a programming error, answered 500.
fn missing_config() -> Rejection {
    Rejection(Outbound::text(500, "callback endpoint not configured"))
}

/// Extractor of a verified Tencent callback; the configuration comes from
/// `web::Data<TencentConfig>` in the app. Answer with
/// [`response`]`(cb.0.reply(&reply).await)`, which also marks a de-duplicated callback
/// as handled (dropped unanswered, its claim is released so that the provider's retry
/// is handled).
#[derive(Debug)]
pub struct TencentCallback(pub imhook_core::tencent::TencentCallback);

impl FromRequest for TencentCallback {
    type Error = Rejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Rejection>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let config = req
            .app_data::<web::Data<TencentConfig>>()
            .map(|d| d.clone().into_inner());
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload).into_inner();
        Box::pin(async move {
            let config = config.ok_or_else(missing_config)?;
            let payload = payload.map_err(|_| Rejection(Outbound::text(400, "bad request")))?;
            extract(config, req, payload).await.map(TencentCallback)
        })
    }
}

/// Extractor of a verified, de-duplicated Agora callback; the verifier comes from
/// `web::Data<AgoraVerifier>` in the app.
#[derive(Debug)]
pub struct AgoraCallbackExtractor(pub AgoraCallback);

impl FromRequest for AgoraCallbackExtractor {
    type Error = Rejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Rejection>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verifier = req
            .app_data::<web::Data<AgoraVerifier>>()
            .map(|d| d.clone().into_inner());
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload).into_inner();
        Box::pin(async move {
            let verifier = verifier.ok_or_else(missing_config)?;
            let payload = payload.map_err(|_| Rejection(Outbound::text(400, "bad request")))?;
            extract(verifier, req, payload)
                .await
                .map(AgoraCallbackExtractor)
        })
    }
}
