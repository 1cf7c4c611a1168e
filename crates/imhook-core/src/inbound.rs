//! The framework-free request and response: what adapters hand to the core and
//! what they turn back into a framework response.

use bytes::Bytes;
use std::net::SocketAddr;

/// One callback request as the core sees it: the body buffered, the framing already
/// checked by the adapter (see [`StreamingRequest`](crate::StreamingRequest)).
#[non_exhaustive]
pub struct Inbound<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The raw query string (without `?`), percent-encoded as received.
    pub query: &'a str,
    /// The whole body, buffered once by the adapter.
    pub body: Bytes,
    /// The peer address, when the adapter knows it.
    pub peer: Option<SocketAddr>,
}

impl<'a> Inbound<'a> {
    /// A request with the given method, query and body, and no peer.
    ///
    /// ```
    /// use imhook_core::Inbound;
    /// let req = Inbound::new("GET", "", "");
    /// assert_eq!(req.method, "GET");
    /// ```
    pub fn new(method: &'a str, query: &'a str, body: impl Into<Bytes>) -> Self {
        Self {
            method,
            query,
            body: body.into(),
            peer: None,
        }
    }

    /// Records the peer address.
    pub fn peer(mut self, peer: Option<SocketAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// A `POST` request with the given query and body, no headers and no peer.
    ///
    /// ```
    /// use imhook_core::Inbound;
    /// let req = Inbound::post("SdkAppid=1400000001", "{}");
    /// assert_eq!(req.method, "POST");
    /// ```
    pub fn post(query: &'a str, body: impl Into<Bytes>) -> Self {
        Self::new("POST", query, body)
    }
}

impl std::fmt::Debug for Inbound<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound")
            .field("method", &self.method)
            .field("query_len", &self.query.len())
            .field("body_len", &self.body.len())
            .field("peer", &self.peer)
            .finish()
    }
}

/// Content type of JSON replies.
pub(crate) const JSON: &str = "application/json";
/// Content type of short text replies.
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";

/// The reply the adapter must send, exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outbound {
    /// HTTP status code.
    pub status: u16,
    /// Value of the `Content-Type` header, if a body is sent.
    pub content_type: Option<&'static str>,
    /// The reply body.
    pub body: Bytes,
    /// `Allow` header value for 405 replies.
    pub allow: Option<&'static str>,
}

impl Outbound {
    /// A JSON reply.
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: Some(JSON),
            body: body.into(),
            allow: None,
        }
    }

    /// A short text reply.
    pub fn text(status: u16, body: &'static str) -> Self {
        Self {
            status,
            content_type: Some(TEXT),
            body: Bytes::from_static(body.as_bytes()),
            allow: None,
        }
    }

    /// `405 Method Not Allowed`, with `Allow: POST`.
    pub fn method_not_allowed() -> Self {
        Self {
            allow: Some("POST"),
            ..Self::text(405, "method not allowed")
        }
    }

    /// `413 Payload Too Large`.
    pub fn payload_too_large() -> Self {
        Self::text(413, "payload too large")
    }

    /// `true` when the connection should be closed after this reply: a `408` or `413`
    /// may be sent while part of the request body is still unread, so the peer must not
    /// reuse the connection. The adapters send `Connection: close` with these.
    ///
    /// ```
    /// use imhook_core::Outbound;
    /// assert!(Outbound::payload_too_large().closes_connection());
    /// assert!(!Outbound::json(200, "{}").closes_connection());
    /// ```
    pub fn closes_connection(&self) -> bool {
        matches!(self.status, 408 | 413)
    }

    /// The body as UTF-8 text (lossy), for tests and logs.
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}
