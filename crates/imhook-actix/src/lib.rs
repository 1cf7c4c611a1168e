//! actix-web 4 adapter of **imhook** (`imhook::actix`, feature `actix`): mount callback
//! endpoints in your app with [`tencent`], [`agora_post_send`], [`agora_pre_send`] (or
//! [`endpoint`]), or take a verified callback with an extractor. Every status and reply
//! comes from the core; this crate only converts types. Build the mounts outside
//! `HttpServer::new` and clone them into it, so that every worker shares one endpoint.
//!
//! ```no_run
//! use std::sync::Arc;
//! use actix_web::{App, HttpServer, web};
//! use imhook::{Secret, tencent::{self, TencentConfig}, agora::{self, AgoraConfig}};
//!
//! struct MyApp;
//! impl tencent::CallbackHandler for MyApp {}
//! impl agora::CallbackHandler for MyApp {}
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Arc::new(MyApp);
//! let tencent = imhook::actix::tencent("/tencent", TencentConfig::new(1_400_000_001), app.clone());
//! let agora = imhook::actix::agora_post_send("/agora", AgoraConfig::new().secret(Secret::new("s")?), app)?;
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/health", web::get().to(|| async { "ok" }))
//!         .service(web::scope("/im").service(tencent.clone()).service(agora.clone()))
//! })
//! .bind("127.0.0.1:8080")?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use actix_web::body::BoxBody;
use actix_web::dev::{AppService, HttpServiceFactory, Payload};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, ResponseError, web};
use imhook_core::agora::{
    AgoraConfig, ConfigError, PostSendCallback, PostSendEndpoint, PreSendCallback, PreSendEndpoint,
};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{
    Endpoint, Outbound, StreamingRequest, Verify, content_length, serve_stream, verify_stream,
};
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

/// The HTTP response of a callback: an [`Outbound`] from the core, sent as is. It is
/// also the extractors' error, so a rejected request is answered exactly as the
/// mounted endpoint would answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResponse(pub Outbound);

impl CallbackResponse {
    fn to_http(&self) -> HttpResponse {
        let out = &self.0;
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
        resp.body(out.body.clone())
    }
}

impl From<Outbound> for CallbackResponse {
    fn from(out: Outbound) -> Self {
        Self(out)
    }
}

impl Responder for CallbackResponse {
    type Body = BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        self.to_http()
    }
}

impl std::fmt::Display for CallbackResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "callback answered with status {}", self.0.status)
    }
}

impl ResponseError for CallbackResponse {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        self.to_http()
    }
}

/// The parts of a request the pipeline reads, body still unread.
fn streaming(req: &HttpRequest, payload: web::Payload) -> StreamingRequest<'_, web::Payload> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| content_length(v.as_bytes()));
    StreamingRequest::new(req.method().as_str(), req.query_string(), declared, payload)
        .peer(req.peer_addr())
}

/// A callback endpoint mounted at a path: register it with `App::service` or
/// `Scope::service`. Cloning shares the endpoint (and its de-duplication store), so
/// build it once outside `HttpServer::new` and clone it into every worker's app.
#[derive(Clone)]
pub struct Mount {
    path: String,
    endpoint: Arc<dyn Endpoint>,
}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mount")
            .field("path", &self.path)
            .field("provider", &self.endpoint.provider())
            .finish()
    }
}

impl HttpServiceFactory for Mount {
    fn register(self, config: &mut AppService) {
        let endpoint = self.endpoint;
        web::resource(self.path)
            .default_service(web::to(move |req: HttpRequest, payload: web::Payload| {
                let endpoint = endpoint.clone();
                async move {
                    CallbackResponse(
                        serve_stream(endpoint.as_ref(), streaming(&req, payload)).await,
                    )
                }
            }))
            .register(config);
    }
}

/// `endpoint` at `path`, answering every method (405 for all but `POST`, from the core).
pub fn endpoint(path: &str, endpoint: Arc<dyn Endpoint>) -> Mount {
    Mount {
        path: path.to_owned(),
        endpoint,
    }
}

/// The Tencent Cloud IM endpoint at `path`.
pub fn tencent(
    path: &str,
    config: TencentConfig,
    handler: Arc<dyn imhook_core::tencent::CallbackHandler>,
) -> Mount {
    endpoint(path, Arc::new(TencentEndpoint::new(config, handler)))
}

/// The Agora post-send endpoint at `path`.
pub fn agora_post_send(
    path: &str,
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<Mount, ConfigError> {
    Ok(endpoint(
        path,
        Arc::new(PostSendEndpoint::new(config, handler)?),
    ))
}

/// The Agora pre-send endpoint at `path`.
pub fn agora_pre_send(
    path: &str,
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<Mount, ConfigError> {
    Ok(endpoint(
        path,
        Arc::new(PreSendEndpoint::new(config, handler)?),
    ))
}

/// Verifies a request with the `web::Data<C>` configuration of the app.
fn extract<T, C>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Pin<Box<dyn Future<Output = Result<T, CallbackResponse>>>>
where
    T: Send + 'static,
    C: Verify<T>,
{
    let config = req
        .app_data::<web::Data<C>>()
        .map(|d| d.clone().into_inner());
    let req = req.clone();
    let payload = web::Payload::from_request(&req, payload).into_inner();
    Box::pin(async move {
        // The app lacks the extractor's configuration: a programming error, answered 500.
        let config = config.ok_or_else(|| {
            CallbackResponse(Outbound::text(500, "callback endpoint not configured"))
        })?;
        let payload = payload.map_err(|_| CallbackResponse(Outbound::text(400, "bad request")))?;
        verify_stream(config.as_ref(), streaming(&req, payload))
            .await
            .map_err(CallbackResponse)
    })
}

/// Defines an extractor wrapping a verified callback of the core, verified with the
/// `web::Data<$config>` of the app.
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

        impl FromRequest for $name {
            type Error = CallbackResponse;
            type Future = Pin<Box<dyn Future<Output = Result<Self, CallbackResponse>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let verified = extract::<$inner, $config>(req, payload);
                Box::pin(async move { verified.await.map($name) })
            }
        }
    };
}

extractor! {
    /// Extractor of a verified Tencent callback; the configuration comes from
    /// `web::Data<TencentConfig>` in the app. Answer with [`TencentCallback::answer`] or
    /// [`TencentCallback::ack`], which also mark a de-duplicated callback as handled (dropped unanswered, its
    /// claim is released so that the provider's retry is handled).
    TencentCallback(imhook_core::tencent::TencentCallback) from TencentConfig
}

extractor! {
    /// Extractor of a verified, de-duplicated Agora post-send callback; the
    /// configuration comes from `web::Data<AgoraConfig>` in the app. Answer with
    /// [`AgoraPostSend::ack`] or [`AgoraPostSend::retry`].
    AgoraPostSend(PostSendCallback) from AgoraConfig
}

extractor! {
    /// Extractor of a verified Agora pre-send request; the configuration comes from
    /// `web::Data<AgoraConfig>` in the app. Answer with [`AgoraPreSend::decide`].
    AgoraPreSend(PreSendCallback) from AgoraConfig
}

imhook_core::answer_methods!(CallbackResponse);
