//! Parsing the callback query string (tencent.md §1.3).
//!
//! The query is read in one pass without allocating: values borrow from the raw query
//! and are percent-decoded (and `+` turned into a space, as
//! `application/x-www-form-urlencoded` wants) only when they contain `%` or `+`.

use std::borrow::Cow;

/// The protocol parameters of a callback URL, borrowed from the raw query where no
/// decoding was needed. Other parameters are ignored here and stay visible to the
/// application through the raw query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackQuery<'a> {
    /// `SdkAppid` (any case of the name).
    pub sdk_app_id: Option<Cow<'a, str>>,
    /// `CallbackCommand`.
    pub command: Option<Cow<'a, str>>,
    /// `Sign`.
    pub sign: Option<Cow<'a, str>>,
    /// `RequestTime`.
    pub request_time: Option<Cow<'a, str>>,
    /// `ClientIP`.
    pub client_ip: Option<Cow<'a, str>>,
    /// `OptPlatform`.
    pub opt_platform: Option<Cow<'a, str>>,
}

/// Why a query is refused (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A protocol parameter occurs twice with different values.
    #[error("parameter {0} occurs more than once with different values")]
    Conflicting(&'static str),
}

fn set<'a>(
    slot: &mut Option<Cow<'a, str>>,
    value: Cow<'a, str>,
    name: &'static str,
    strict: bool,
) -> Result<(), QueryError> {
    match slot {
        None => {
            *slot = Some(value);
            Ok(())
        }
        Some(existing) if existing.as_ref() == value.as_ref() => Ok(()),
        Some(_) if strict => Err(QueryError::Conflicting(name)),
        Some(_) => Ok(()),
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Form-decodes one name or value: `+` is a space, `%XX` a byte, a `%` not followed by
/// two hex digits stays as it is, and invalid UTF-8 is replaced by U+FFFD (the rules of
/// the WHATWG `application/x-www-form-urlencoded` parser).
pub fn decode_component(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push((hi << 4) | lo);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// The `name=value` pairs of a query, in order, undecoded: empty pairs are skipped and a
/// pair without `=` has an empty value.
fn pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// Compares a raw (undecoded) parameter name with a lower-case ASCII name, ignoring case.
fn name_is(raw: &str, decoded: &Option<Cow<'_, str>>, lower: &str) -> bool {
    match decoded {
        Some(d) => d.eq_ignore_ascii_case(lower),
        None => raw.eq_ignore_ascii_case(lower),
    }
}

impl<'a> CallbackQuery<'a> {
    /// Parses a raw query string (`application/x-www-form-urlencoded`, parameter
    /// names matched case-insensitively).
    ///
    /// ```
    /// use imhook_core::tencent::query::CallbackQuery;
    /// let q = CallbackQuery::parse("SDKAppID=1400000001&CallbackCommand=State.StateChange&x=1").unwrap();
    /// assert_eq!(q.sdk_app_id.as_deref(), Some("1400000001"));
    /// let q = CallbackQuery::parse("ClientIP=%3A%3A1&OptPlatform=Web+App").unwrap();
    /// assert_eq!(q.client_ip.as_deref(), Some("::1"));
    /// assert_eq!(q.opt_platform.as_deref(), Some("Web App"));
    /// assert!(CallbackQuery::parse("Sign=a&sign=b").is_err());
    /// ```
    pub fn parse(query: &'a str) -> Result<Self, QueryError> {
        let mut q = Self::default();
        for (raw_name, raw_value) in pairs(query) {
            // Names are decoded only when they carry escapes (rare); values only when
            // the parameter is one of ours.
            let name = raw_name
                .contains(['%', '+'])
                .then(|| decode_component(raw_name));
            let (slot, label, strict) = if name_is(raw_name, &name, "sdkappid") {
                (&mut q.sdk_app_id, "SdkAppid", true)
            } else if name_is(raw_name, &name, "callbackcommand") {
                (&mut q.command, "CallbackCommand", true)
            } else if name_is(raw_name, &name, "sign") {
                (&mut q.sign, "Sign", true)
            } else if name_is(raw_name, &name, "requesttime") {
                (&mut q.request_time, "RequestTime", true)
            } else if name_is(raw_name, &name, "clientip") {
                (&mut q.client_ip, "ClientIP", false)
            } else if name_is(raw_name, &name, "optplatform") {
                (&mut q.opt_platform, "OptPlatform", false)
            } else {
                continue;
            };
            set(slot, decode_component(raw_value), label, strict)?;
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same parse done with the `form_urlencoded` crate, as a reference.
    fn reference(query: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect()
    }

    fn ours(query: &str) -> Vec<(String, String)> {
        pairs(query)
            .map(|(n, v)| {
                (
                    decode_component(n).into_owned(),
                    decode_component(v).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn decoding_edge_cases() {
        for q in [
            "",
            "&&",
            "a",
            "a=",
            "=b",
            "a=b=c",
            "a=%",
            "a=%4",
            "a=%zz",
            "a=%41%42",
            "a=%e4%bd%a0",
            "a=%ff",
            "a+b=c+d",
            "%53ign=x",
        ] {
            assert_eq!(ours(q), reference(q), "{q:?}");
        }
    }

    #[test]
    fn escaped_names_and_duplicates() {
        let q = CallbackQuery::parse("%53dkAppid=1&sdkappid=1&Sign=a").unwrap();
        assert_eq!(q.sdk_app_id.as_deref(), Some("1"));
        assert!(matches!(q.sign, Some(Cow::Borrowed("a"))));
        assert_eq!(
            CallbackQuery::parse("RequestTime=1&requesttime=2"),
            Err(QueryError::Conflicting("RequestTime"))
        );
        // Lenient parameters keep the first value.
        let q = CallbackQuery::parse("ClientIP=1.2.3.4&clientip=5.6.7.8").unwrap();
        assert_eq!(q.client_ip.as_deref(), Some("1.2.3.4"));
    }

    proptest! {
        #[test]
        fn same_pairs_as_form_urlencoded(q in "[a-zA-Z0-9%+=&\u{e9}\u{4f60}]{0,40}") {
            prop_assert_eq!(ours(&q), reference(&q));
        }
    }
}
