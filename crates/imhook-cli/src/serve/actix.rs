//! `imhook serve --framework actix`.

use super::{Request, Routes};
use crate::Error;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse, web};
use imhook_core::{HeaderLookup, Outbound};
use std::net::SocketAddr;
use std::sync::Arc;

struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.to_str().ok()
    }
}

async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    routes: web::Data<Arc<Routes>>,
) -> HttpResponse {
    let out = routes
        .dispatch(Request {
            method: req.method().as_str(),
            path: req.path(),
            query: req.query_string(),
            headers: &Headers(req.headers()),
            body: payload,
            peer: req.peer_addr(),
        })
        .await;
    response(out)
}

fn response(out: Outbound) -> HttpResponse {
    let status = StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = HttpResponse::build(status);
    if let Some(ct) = out.content_type {
        resp.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(allow) = out.allow {
        resp.insert_header((header::ALLOW, allow));
    }
    resp.body(out.body)
}

/// Serves `routes` with actix-web on `listener` until SIGINT/SIGTERM (both graceful,
/// bounded by the shutdown timeout).
pub fn serve(
    routes: Arc<Routes>,
    listener: std::net::TcpListener,
    workers: usize,
    announce: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::msg(format!("cannot listen: {e}")))?;
    actix_web::rt::System::new().block_on(async move {
        let data = web::Data::new(routes);
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(data.clone())
                .default_service(web::to(handle))
        })
        .workers(workers)
        .client_request_timeout(super::BODY_READ_TIMEOUT)
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
