//! Parsing the callback query string (tencent.md §1.3).

use std::borrow::Cow;

/// The protocol parameters of a callback URL. Other parameters are ignored here and
/// stay visible to the application through the raw query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackQuery {
    /// `SdkAppid` (any case of the name).
    pub sdk_app_id: Option<String>,
    /// `CallbackCommand`.
    pub command: Option<String>,
    /// `Sign`.
    pub sign: Option<String>,
    /// `RequestTime`.
    pub request_time: Option<String>,
    /// `ClientIP`.
    pub client_ip: Option<String>,
    /// `OptPlatform`.
    pub opt_platform: Option<String>,
}

/// Why a query is refused (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A protocol parameter occurs twice with different values.
    #[error("parameter {0} occurs more than once with different values")]
    Conflicting(&'static str),
}

fn set(
    slot: &mut Option<String>,
    value: Cow<'_, str>,
    name: &'static str,
    strict: bool,
) -> Result<(), QueryError> {
    match slot {
        None => {
            *slot = Some(value.into_owned());
            Ok(())
        }
        Some(existing) if existing.as_str() == value.as_ref() => Ok(()),
        Some(_) if strict => Err(QueryError::Conflicting(name)),
        Some(_) => Ok(()),
    }
}

impl CallbackQuery {
    /// Parses a raw query string (`application/x-www-form-urlencoded`, parameter
    /// names matched case-insensitively).
    ///
    /// ```
    /// use imhook_core::tencent::query::CallbackQuery;
    /// let q = CallbackQuery::parse("SDKAppID=1400000001&CallbackCommand=State.StateChange&x=1").unwrap();
    /// assert_eq!(q.sdk_app_id.as_deref(), Some("1400000001"));
    /// assert!(CallbackQuery::parse("Sign=a&sign=b").is_err());
    /// ```
    pub fn parse(query: &str) -> Result<Self, QueryError> {
        let mut q = Self::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("sdkappid") {
                set(&mut q.sdk_app_id, value, "SdkAppid", true)?;
            } else if is("callbackcommand") {
                set(&mut q.command, value, "CallbackCommand", true)?;
            } else if is("sign") {
                set(&mut q.sign, value, "Sign", true)?;
            } else if is("requesttime") {
                set(&mut q.request_time, value, "RequestTime", true)?;
            } else if is("clientip") {
                set(&mut q.client_ip, value, "ClientIP", false)?;
            } else if is("optplatform") {
                set(&mut q.opt_platform, value, "OptPlatform", false)?;
            }
        }
        Ok(q)
    }
}
