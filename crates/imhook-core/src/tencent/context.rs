//! What a Tencent handler knows about the request besides the event.

use bytes::Bytes;
use std::fmt;
use std::net::SocketAddr;

/// Request context handed to every handler method.
#[derive(Clone)]
#[non_exhaustive]
pub struct TencentContext {
    /// The `SdkAppid` of the request (already checked).
    pub sdk_app_id: u64,
    /// The `CallbackCommand` (the kind id).
    pub command: String,
    /// `ClientIP` query parameter, if present.
    pub client_ip: Option<String>,
    /// `OptPlatform` query parameter, if present.
    pub opt_platform: Option<OptPlatform>,
    /// `RequestTime` (seconds), if present.
    pub request_time: Option<u64>,
    /// `true` when a token was configured and the `Sign` matched.
    pub signed: bool,
    /// Index of the matching token among the configured ones.
    pub token_index: Option<usize>,
    /// The raw query string as received.
    pub query: String,
    /// The raw body bytes.
    pub raw: Bytes,
    /// The peer address, if the adapter knows it.
    pub peer: Option<SocketAddr>,
}

impl TencentContext {
    /// The raw JSON body.
    pub fn raw_json(&self) -> &str {
        std::str::from_utf8(&self.raw).unwrap_or("")
    }

    /// A context for tests and tools: the given command and body, nothing else.
    pub fn for_test(command: &str, body: impl Into<Bytes>) -> Self {
        Self {
            sdk_app_id: 1_400_000_001,
            command: command.to_owned(),
            client_ip: None,
            opt_platform: None,
            request_time: None,
            signed: false,
            token_index: None,
            query: String::new(),
            raw: body.into(),
            peer: None,
        }
    }
}

impl fmt::Debug for TencentContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentContext")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("command", &self.command)
            .field("client_ip", &self.client_ip)
            .field("opt_platform", &self.opt_platform)
            .field("request_time", &self.request_time)
            .field("signed", &self.signed)
            .field("body_len", &self.raw.len())
            .finish()
    }
}

/// Platform of the client that caused the event (`OptPlatform`), lenient.
///
/// ```
/// use imhook_core::tencent::OptPlatform;
/// assert_eq!(OptPlatform::parse("IOS"), OptPlatform::Ios);
/// assert_eq!(OptPlatform::parse("Mac"), OptPlatform::MacOs);
/// assert_eq!(OptPlatform::parse("HarmonyOS").as_str(), "HarmonyOS");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptPlatform {
    /// `RESTAPI`.
    RestApi,
    /// `Web`.
    Web,
    /// `Android`.
    Android,
    /// `iOS` (also `IOS`).
    Ios,
    /// `Windows`.
    Windows,
    /// `Mac` or `macOS`.
    MacOs,
    /// `iPad`.
    IPad,
    /// `Unknown`.
    Unknown,
    /// Any other value, verbatim.
    Other(String),
}

impl OptPlatform {
    /// Parses case-insensitively; unknown values become [`OptPlatform::Other`].
    pub fn parse(s: &str) -> Self {
        let is = |n: &str| s.eq_ignore_ascii_case(n);
        if is("restapi") {
            Self::RestApi
        } else if is("web") {
            Self::Web
        } else if is("android") {
            Self::Android
        } else if is("ios") {
            Self::Ios
        } else if is("windows") {
            Self::Windows
        } else if is("mac") || is("macos") {
            Self::MacOs
        } else if is("ipad") {
            Self::IPad
        } else if is("unknown") {
            Self::Unknown
        } else {
            Self::Other(s.to_owned())
        }
    }

    /// The canonical wire spelling (or the received text for `Other`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::RestApi => "RESTAPI",
            Self::Web => "Web",
            Self::Android => "Android",
            Self::Ios => "iOS",
            Self::Windows => "Windows",
            Self::MacOs => "macOS",
            Self::IPad => "iPad",
            Self::Unknown => "Unknown",
            Self::Other(s) => s,
        }
    }
}
