//! `imhook serve --framework axum`: the endpoints mounted with `imhook-axum`.

use super::Routes;
use crate::Error;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;

/// Serves `routes` with axum on `listener` until SIGINT/SIGTERM.
pub fn serve(
    routes: Arc<Routes>,
    listener: std::net::TcpListener,
    workers: usize,
    announce: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    super::runtime(workers)?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
        let timeout = Some(super::BODY_READ_TIMEOUT);
        let app = axum::Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route(
                "/tencent",
                imhook_axum::route_with(routes.tencent.clone(), timeout),
            )
            .route(
                "/agora",
                imhook_axum::route_with(routes.agora.clone(), timeout),
            )
            .route(
                "/agora/pre-send",
                imhook_axum::route_with(routes.pre_send.clone(), timeout),
            );
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            super::shutdown_signal().await;
            let _ = tx.send(());
        });
        announce(addr);
        super::bounded(server.into_future(), rx).await
    })
}
