//! `imhook serve --framework warp`: the endpoints mounted with `imhook-warp`.

use super::Routes;
use crate::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use warp::Filter;

/// Serves `routes` with warp on `listener` until SIGINT/SIGTERM.
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
        let health = warp::path!("healthz").and(warp::get()).map(|| "ok");
        let tencent =
            warp::path!("tencent").and(imhook_warp::endpoint_with(routes.tencent.clone(), timeout));
        let agora =
            warp::path!("agora").and(imhook_warp::endpoint_with(routes.agora.clone(), timeout));
        let pre_send = warp::path!("agora" / "pre-send")
            .and(imhook_warp::endpoint_with(routes.pre_send.clone(), timeout));
        let filter = health
            .map(warp::Reply::into_response)
            .or(tencent)
            .unify()
            .or(agora)
            .unify()
            .or(pre_send)
            .unify();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server = warp::serve(filter)
            .incoming(listener)
            .graceful(async move {
                super::shutdown_signal().await;
                let _ = tx.send(());
            })
            .run();
        announce(addr);
        super::bounded(
            async move {
                server.await;
                Ok::<(), std::convert::Infallible>(())
            },
            rx,
        )
        .await
    })
}
