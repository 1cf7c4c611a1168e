//! `imhook serve --framework warp`: the endpoints mounted with `imhook-warp`.

use super::Routes;
use super::conn::Connections;
use crate::Error;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use warp::Filter;

/// Serves `routes` with warp on `listener`, on `runtime`, until SIGINT/SIGTERM.
///
/// The filter is served as a service on our own connections (`warp::serve` exposes no
/// head timeout), so `warp::addr::remote()` yields `None` here: warp only sets it from
/// its own server.
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
        let health = warp::path!("healthz").and(warp::get()).map(|| "ok");
        let ready = routes.clone();
        let readyz = warp::path!("readyz").and(warp::get()).then(move || {
            let routes = ready.clone();
            async move {
                let (status, text) = routes.readiness().await;
                warp::reply::with_status(
                    text,
                    warp::http::StatusCode::from_u16(status)
                        .unwrap_or(warp::http::StatusCode::SERVICE_UNAVAILABLE),
                )
            }
        });
        let tencent = warp::path!("tencent")
            .and(imhook_warp::endpoint(routes.tencent.clone()).map(warp::Reply::into_response));
        let agora = warp::path!("agora")
            .and(imhook_warp::endpoint(routes.agora.clone()).map(warp::Reply::into_response));
        let pre_send = warp::path!("agora" / "pre-send")
            .and(imhook_warp::endpoint(routes.pre_send.clone()).map(warp::Reply::into_response));
        let filter = health
            .map(warp::Reply::into_response)
            .or(readyz.map(warp::Reply::into_response))
            .unify()
            .or(tencent)
            .unify()
            .or(agora)
            .unify()
            .or(pre_send)
            .unify();
        announce(addr);
        connections
            .serve(listener, |_peer| {
                TowerToHyperService::new(warp::service(filter.clone()))
            })
            .await;
        Ok(())
    })
}
