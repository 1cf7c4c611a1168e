//! `imhook serve --framework warp`.

use super::{Request, Routes};
use crate::Error;
use imhook_core::{HeaderLookup, Outbound};
use std::net::SocketAddr;
use std::sync::Arc;
use warp::Filter;
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use warp::hyper::Body;

struct Headers<'a>(&'a HeaderMap);

impl HeaderLookup for Headers<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.to_str().ok()
    }
}

fn response(out: Outbound) -> warp::http::Response<Body> {
    let mut resp = warp::http::Response::new(Body::from(out.body));
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

/// Serves `routes` with warp on `addr` until SIGINT/SIGTERM.
pub fn serve(
    routes: Arc<Routes>,
    addr: SocketAddr,
    workers: usize,
    announce: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    super::runtime(workers)?.block_on(async move {
        let query = warp::query::raw().or(warp::any().map(String::new)).unify();
        let filter = warp::any()
            .and(warp::method())
            .and(warp::path::full())
            .and(query)
            .and(warp::header::headers_cloned())
            .and(warp::addr::remote())
            .and(warp::body::stream())
            .then(
                move |method: Method,
                      path: warp::path::FullPath,
                      query: String,
                      headers: HeaderMap,
                      peer: Option<SocketAddr>,
                      body| {
                    let routes = routes.clone();
                    async move {
                        let out = routes
                            .dispatch(Request {
                                method: method.as_str(),
                                path: path.as_str(),
                                query: &query,
                                headers: &Headers(&headers),
                                body,
                                peer,
                            })
                            .await;
                        response(out)
                    }
                },
            );
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (bound, server) = warp::serve(filter)
            .try_bind_with_graceful_shutdown(addr, async move {
                super::shutdown_signal().await;
                let _ = tx.send(());
            })
            .map_err(|e| Error::msg(format!("cannot listen on {addr}: {e}")))?;
        announce(bound);
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
