//! `imhook serve --framework actix`: the endpoints mounted with `imhook-actix`.

use super::Routes;
use super::conn::Connections;
use crate::Error;
use actix_web::web;
use std::net::SocketAddr;
use std::sync::Arc;

/// Serves `routes` with actix-web on `listener` until SIGINT/SIGTERM (both graceful,
/// bounded by the shutdown timeout). HTTP/1.1 only (actix-web is built without
/// HTTP/2); `client_request_timeout` is the request-head timeout, and idle kept-alive
/// connections are closed after as long.
pub fn serve(
    routes: Arc<Routes>,
    listener: std::net::TcpListener,
    workers: usize,
    connections: Connections,
    announce: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
    actix_web::rt::System::new().block_on(async move {
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .route("/healthz", web::get().to(|| async { "ok" }))
                .route(
                    "/readyz",
                    web::get().to({
                        let routes = routes.clone();
                        move || {
                            let routes = routes.clone();
                            async move {
                                let (status, text) = routes.readiness().await;
                                actix_web::HttpResponse::build(
                                    actix_web::http::StatusCode::from_u16(status).unwrap_or(
                                        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                                    ),
                                )
                                .body(text)
                            }
                        }
                    }),
                )
                .service(imhook_actix::endpoint("/tencent", routes.tencent.clone()))
                .service(imhook_actix::endpoint("/agora", routes.agora.clone()))
                .service(imhook_actix::endpoint(
                    "/agora/pre-send",
                    routes.pre_send.clone(),
                ))
        })
        .workers(workers)
        .client_request_timeout(connections.header_timeout)
        .keep_alive(connections.header_timeout)
        .shutdown_timeout(super::SHUTDOWN_GRACE.as_secs())
        // Our own handler: actix-web's would force-stop on SIGINT.
        .shutdown_signal(super::shutdown_signal())
        .listen(listener)
        .map_err(|e| Error::msg(format!("cannot listen on {addr}: {e}")))?
        .run();
        announce(addr);
        server
            .await
            .map_err(|e| Error::msg(format!("server failed: {e}")))
    })
}
