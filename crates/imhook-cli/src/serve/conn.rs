//! The accept loop of axum and warp: every connection is served by hyper directly, with
//! the settings `axum::serve` and `warp::serve` do not expose: a request-head timeout,
//! answering requests whose client has half-closed the connection, and HTTP/2 only
//! when asked for.

use super::{SHUTDOWN_GRACE, shutdown_signal};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::HttpService;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The HTTP/2 connection preface a prior-knowledge client starts with (RFC 9113 §3.4).
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// How long to wait before accepting again after a failure that is not one client's
/// (e.g. out of file descriptors: connections closing will release some).
const ACCEPT_RETRY: Duration = Duration::from_millis(500);

/// How every accepted connection is served.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    /// A connection whose request head has not fully arrived this long after it was
    /// opened (or after the previous reply) is closed. It also bounds the HTTP/2
    /// connection preface.
    pub header_timeout: Duration,
    /// Serve HTTP/2 (prior knowledge, cleartext) next to HTTP/1.1.
    pub http2: bool,
}

impl Connections {
    /// Accepts connections on `listener` and serves each with the service
    /// `service_for(peer)` until SIGINT/SIGTERM; then stops accepting and lets
    /// in-flight requests finish, for at most [`SHUTDOWN_GRACE`].
    pub async fn serve<F, S, B>(self, listener: TcpListener, service_for: F)
    where
        F: Fn(SocketAddr) -> S,
        S: HttpService<Incoming, ResBody = B> + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: hyper::body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let graceful = GracefulShutdown::new();
        let mut stopping = std::pin::pin!(shutdown_signal());
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        accept_failed(&e).await;
                        continue;
                    }
                },
                () = &mut stopping => break,
            };
            let service = service_for(peer);
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                if let Err(e) = self.serve_connection(stream, service, watcher).await {
                    tracing::debug!(%peer, error = %e, "connection closed on an error");
                }
            });
        }
        drop(listener);
        if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("in-flight requests did not finish within the grace period; exiting");
        }
    }

    async fn serve_connection<S, B>(
        self,
        mut stream: TcpStream,
        service: S,
        watcher: Watcher,
    ) -> Result<(), BoxError>
    where
        S: HttpService<Incoming, ResBody = B> + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: hyper::body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        if !self.http2 {
            let conn =
                http1_builder(self.header_timeout).serve_connection(TokioIo::new(stream), service);
            return Ok(watcher.watch(conn).await?);
        }
        let started = Instant::now();
        let seen = tokio::time::timeout(self.header_timeout, sniff(&mut stream))
            .await
            .map_err(|_| "no request head within the head timeout")??;
        let is_h2 = seen.as_ref() == H2_PREFACE;
        let io = TokioIo::new(Rewind { seen, stream });
        if is_h2 {
            let mut builder = http2::Builder::new(TokioExecutor::new());
            builder.timer(TokioTimer::new());
            Ok(watcher.watch(builder.serve_connection(io, service)).await?)
        } else {
            let left = self.header_timeout.saturating_sub(started.elapsed());
            let conn = http1_builder(left).serve_connection(io, service);
            Ok(watcher.watch(conn).await?)
        }
    }
}

/// HTTP/1.1 with a request-head timeout of `header_timeout`, answering requests whose
/// client has shut down its sending side (hyper would otherwise drop them).
fn http1_builder(header_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .half_close(true);
    builder
}

/// Reads the first bytes of a connection, until they are the HTTP/2 preface, cannot
/// be one any more, or the stream ends.
async fn sniff(stream: &mut TcpStream) -> io::Result<Bytes> {
    let mut seen = Vec::with_capacity(H2_PREFACE.len());
    while seen.len() < H2_PREFACE.len() && H2_PREFACE.starts_with(&seen) {
        let mut chunk = [0u8; 24];
        let want = H2_PREFACE.len() - seen.len();
        let n = stream
            .read(chunk.get_mut(..want).unwrap_or_default())
            .await?;
        if n == 0 {
            break;
        }
        seen.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    Ok(Bytes::from(seen))
}

/// Logs an accept failure, and waits a little when it is not a single client's.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, retry_ms = ACCEPT_RETRY.as_millis(), "cannot accept connections");
    tokio::time::sleep(ACCEPT_RETRY).await;
}

/// A stream that first gives back the bytes already read from it.
struct Rewind {
    seen: Bytes,
    stream: TcpStream,
}

impl AsyncRead for Rewind {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.seen.is_empty() {
            return Pin::new(&mut self.stream).poll_read(cx, buf);
        }
        let n = self.seen.len().min(buf.remaining());
        let head = self.seen.split_to(n);
        buf.put_slice(&head);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
