//! `imhook serve --framework axum`.

use super::{Request, Routes};
use crate::Error;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
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
    State(routes): State<Arc<Routes>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let out = routes
        .dispatch(Request {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &Headers(&parts.headers),
            body: body.into_data_stream(),
            peer: Some(peer),
        })
        .await;
    response(out)
}

fn response(out: Outbound) -> Response {
    let mut resp = Response::new(Body::from(out.body));
    *resp.status_mut() =
        StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = out.content_type {
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    if let Some(allow) = out.allow {
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    resp
}

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
        let app = axum::Router::new().fallback(handle).with_state(routes);
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
