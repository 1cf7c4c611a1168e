//! What an Agora handler knows about the request besides the event.

use bytes::Bytes;
use std::fmt;
use std::net::SocketAddr;

/// Which endpoint received the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Post-send (notifications).
    PostSend,
    /// Pre-send (decisions).
    PreSend,
}

impl Route {
    /// `post-send` or `pre-send`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::PostSend => "post-send",
            Self::PreSend => "pre-send",
        }
    }

    /// The route's name in metrics and spans: `agora` (post-send) or `agora-pre-send`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::PostSend => "agora",
            Self::PreSend => "agora-pre-send",
        }
    }
}

/// Request context handed to every handler method.
#[derive(Clone)]
#[non_exhaustive]
pub struct AgoraContext {
    /// Post-send or pre-send.
    pub route: Route,
    /// `true` when `security` matched a configured secret; `false` for unsigned
    /// requests let through by the unsigned policy (treat them as untrusted).
    pub authenticated: bool,
    /// Position of the matching secret in the configuration.
    pub secret_index: Option<usize>,
    /// The body's `callId`, if any.
    pub call_id: Option<String>,
    /// The kind id (e.g. `group_op_event/SHARE_FILE/ADD`, `pre_send`).
    pub kind: String,
    /// The raw body bytes.
    pub raw: Bytes,
    /// The peer address, if the adapter knows it.
    pub peer: Option<SocketAddr>,
}

impl AgoraContext {
    /// The raw JSON body.
    pub fn raw_json(&self) -> &str {
        std::str::from_utf8(&self.raw).unwrap_or("")
    }

    /// A context for tests and tools.
    pub fn for_test(route: Route, kind: &str, body: impl Into<Bytes>) -> Self {
        Self {
            route,
            authenticated: true,
            secret_index: Some(0),
            call_id: None,
            kind: kind.to_owned(),
            raw: body.into(),
            peer: None,
        }
    }
}

impl fmt::Debug for AgoraContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgoraContext")
            .field("route", &self.route)
            .field("authenticated", &self.authenticated)
            .field("secret_index", &self.secret_index)
            .field("call_id", &self.call_id)
            .field("kind", &self.kind)
            .field("body_len", &self.raw.len())
            .finish()
    }
}
