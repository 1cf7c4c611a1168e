//! `imhook serve --framework axum`: the endpoints mounted with `imhook-axum`.

use super::Routes;
use super::conn::Connections;
use crate::Error;
use axum::extract::ConnectInfo;
use axum::routing::get;
use hyper::service::Service;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;

/// Serves `routes` with axum on `listener`, on `runtime`, until SIGINT/SIGTERM.
pub fn serve(
    routes: Arc<Routes>,
    listener: std::net::TcpListener,
    runtime: tokio::runtime::Runtime,
    connections: Connections,
    announce: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
        let ready = routes.clone();
        let app = axum::Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route(
                "/readyz",
                get(move || {
                    let routes = ready.clone();
                    async move {
                        let (status, text) = routes.readiness().await;
                        (
                            axum::http::StatusCode::from_u16(status)
                                .unwrap_or(axum::http::StatusCode::SERVICE_UNAVAILABLE),
                            text,
                        )
                    }
                }),
            )
            .route("/tencent", imhook_axum::endpoint(routes.tencent.clone()))
            .route("/agora", imhook_axum::endpoint(routes.agora.clone()))
            .route(
                "/agora/pre-send",
                imhook_axum::endpoint(routes.pre_send.clone()),
            );
        announce(addr);
        connections
            .serve(listener, |peer| {
                // What `into_make_service_with_connect_info` would add to each request.
                let app = TowerToHyperService::new(app.clone());
                hyper::service::service_fn(move |mut req| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    app.call(req)
                })
            })
            .await;
        Ok(())
    })
}
