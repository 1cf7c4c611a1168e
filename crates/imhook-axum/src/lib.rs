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

use axum::extract::{ConnectInfo, FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use imhook_core::agora::{
    AgoraConfig, ConfigError, PostSendCallback, PostSendEndpoint, PreSendCallback, PreSendEndpoint,
};
use imhook_core::tencent::{TencentConfig, TencentEndpoint};
use imhook_core::{Endpoint, Outbound};
use imhook_tower::PeerAddr;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

/// The HTTP response of a callback: an [`Outbound`] from the core, sent as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResponse(pub Outbound);

impl IntoResponse for CallbackResponse {
    fn into_response(self) -> Response {
        imhook_tower::response(self.0).into_response()
    }
}

impl From<Outbound> for CallbackResponse {
    fn from(out: Outbound) -> Self {
        Self(out)
    }
}

fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// A route answering every method with `endpoint` (405 for all but `POST`, from the
/// core): the tower service of `imhook::tower`, with axum's `ConnectInfo` as the peer.
pub fn endpoint<S: Clone + Send + Sync + 'static>(endpoint: Arc<dyn Endpoint>) -> MethodRouter<S> {
    // The future is `serve`'s own: wrapped in an `async` block it would hold the
    // request once more, and axum copies the handler's future into a block of its own.
    any(move |mut req: Request| {
        if let Some(peer) = peer(&req) {
            req.extensions_mut().insert(PeerAddr(peer));
        }
        imhook_tower::serve(endpoint.clone(), req)
    })
}

/// The Tencent Cloud IM route.
pub fn tencent<S: Clone + Send + Sync + 'static>(
    config: TencentConfig,
    handler: Arc<dyn imhook_core::tencent::CallbackHandler>,
) -> MethodRouter<S> {
    endpoint(Arc::new(TencentEndpoint::new(config, handler)))
}

/// The Agora post-send route.
pub fn agora_post_send<S: Clone + Send + Sync + 'static>(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<MethodRouter<S>, ConfigError> {
    Ok(endpoint(Arc::new(PostSendEndpoint::new(config, handler)?)))
}

/// The Agora pre-send route.
pub fn agora_pre_send<S: Clone + Send + Sync + 'static>(
    config: AgoraConfig,
    handler: Arc<dyn imhook_core::agora::CallbackHandler>,
) -> Result<MethodRouter<S>, ConfigError> {
    Ok(endpoint(Arc::new(PreSendEndpoint::new(config, handler)?)))
}

/// Defines an extractor wrapping a verified callback of the core, verified with the
/// configuration `$config` taken from the router state.
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

        impl<S> FromRequest<S> for $name
        where
            Arc<$config>: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = CallbackResponse;

            async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
                let config = Arc::<$config>::from_ref(state);
                let peer = peer(&req);
                imhook_tower::verify(config.as_ref(), req, peer)
                    .await
                    .map($name)
                    .map_err(CallbackResponse)
            }
        }
    };
}

extractor! {
    /// Extractor of a verified Tencent callback; the configuration comes from the router
    /// state (`Arc<TencentConfig>: FromRef<S>`). A rejected request is answered exactly as
    /// the mounted route would answer it. Answer with [`TencentCallback::answer`] or
    /// [`TencentCallback::ack`], which also mark a de-duplicated callback as handled (dropped unanswered, its claim is
    /// released so that the provider's retry is handled).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use axum::{Router, routing::post};
    /// use imhook::axum::{CallbackResponse, TencentCallback};
    /// use imhook::tencent::{Answer, GroupSendMsgDecision, TencentConfig, TencentEvent};
    ///
    /// async fn on_callback(cb: TencentCallback) -> CallbackResponse {
    ///     println!("{}", cb.ctx.command);
    ///     let answer = match &cb.event {
    ///         TencentEvent::BeforeSendGroupMsg(msg) if msg.msg_body.is_empty() => {
    ///             Answer::decide(msg, GroupSendMsgDecision::Reject)
    ///         }
    ///         other => Answer::default_for(other),
    ///     };
    ///     cb.answer(answer).await
    /// }
    /// let router: Router = Router::new()
    ///     .route("/tencent", post(on_callback))
    ///     .with_state(Arc::new(TencentConfig::new(1_400_000_001)));
    /// ```
    TencentCallback(imhook_core::tencent::TencentCallback) from TencentConfig
}

extractor! {
    /// Extractor of a verified, de-duplicated Agora post-send callback; the
    /// configuration comes from the router state (`Arc<AgoraConfig>: FromRef<S>`).
    /// Answer with [`AgoraPostSend::ack`] or [`AgoraPostSend::retry`].
    AgoraPostSend(PostSendCallback) from AgoraConfig
}

extractor! {
    /// Extractor of a verified Agora pre-send request; the configuration comes from the
    /// router state (`Arc<AgoraConfig>: FromRef<S>`). Answer with [`AgoraPreSend::decide`].
    AgoraPreSend(PreSendCallback) from AgoraConfig
}

imhook_core::answer_methods!(CallbackResponse);
