//! Parsing the callback query string (docs/protocol/tencent.md §1.3).
//!
//! The query is read without allocating: values borrow from the raw query and are
//! percent-decoded (and `+` turned into a space, as
//! `application/x-www-form-urlencoded` wants) only when they contain `%` or `+`.

use std::borrow::Cow;

/// The protocol parameters of a callback URL, borrowed from the raw query where no
/// decoding was needed. Other parameters are ignored here and stay visible to the
/// application through the raw query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
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

/// Form-decodes one name or value: `+` is a space, `%XX` a byte, a `%` not followed by
/// two hex digits stays as it is, and invalid UTF-8 is replaced by U+FFFD (the rules of
/// the WHATWG `application/x-www-form-urlencoded` parser).
pub(crate) fn decode_component(raw: &str) -> Cow<'_, str> {
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
                let hi = bytes.get(i + 1).copied().and_then(crate::wire::hex_digit);
                let lo = bytes.get(i + 2).copied().and_then(crate::wire::hex_digit);
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

/// One `name=value` pair of a query, undecoded, with whether each half needs decoding.
struct Pair<'a> {
    name: &'a str,
    name_escaped: bool,
    value: &'a str,
    value_escaped: bool,
}

/// The pairs of a query, in order: empty pairs are skipped and a pair without `=` has
/// an empty value. The separators are found with SIMD searches (`memchr`).
fn pairs(query: &str) -> impl Iterator<Item = Pair<'_>> {
    // One search over the whole query tells whether anything needs decoding at all.
    let any_escape = memchr::memchr2(b'%', b'+', query.as_bytes()).is_some();
    let escaped = move |s: &str| any_escape && memchr::memchr2(b'%', b'+', s.as_bytes()).is_some();
    query.split('&').filter(|p| !p.is_empty()).map(move |pair| {
        let (name, value) = match memchr::memchr(b'=', pair.as_bytes()) {
            // `at` is the position of an ASCII byte, so both halves are on character
            // boundaries; `get` keeps this free of panics regardless.
            Some(at) => (
                pair.get(..at).unwrap_or(""),
                pair.get(at + 1..).unwrap_or(""),
            ),
            None => (pair, ""),
        };
        Pair {
            name,
            name_escaped: escaped(name),
            value,
            value_escaped: escaped(value),
        }
    })
}

/// Form-decodes a component the scan found escapes in; borrows it otherwise.
fn decode_if(raw: &str, escaped: bool) -> Cow<'_, str> {
    if escaped {
        decode_component(raw)
    } else {
        Cow::Borrowed(raw)
    }
}

impl<'a> CallbackQuery<'a> {
    /// Parses a raw query string (`application/x-www-form-urlencoded`, parameter
    /// names matched case-insensitively).
    pub fn parse(query: &'a str) -> Result<Self, QueryError> {
        let mut q = Self::default();
        for pair in pairs(query) {
            // Names are decoded only when they carry escapes (rare); values only when
            // the parameter is one of ours.
            let name = decode_if(pair.name, pair.name_escaped);
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            let (slot, label, strict) = if is("sdkappid") {
                (&mut q.sdk_app_id, "SdkAppid", true)
            } else if is("callbackcommand") {
                (&mut q.command, "CallbackCommand", true)
            } else if is("sign") {
                (&mut q.sign, "Sign", true)
            } else if is("requesttime") {
                (&mut q.request_time, "RequestTime", true)
            } else if is("clientip") {
                (&mut q.client_ip, "ClientIP", false)
            } else if is("optplatform") {
                (&mut q.opt_platform, "OptPlatform", false)
            } else {
                continue;
            };
            set(
                slot,
                decode_if(pair.value, pair.value_escaped),
                label,
                strict,
            )?;
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
            .map(|p| {
                (
                    decode_if(p.name, p.name_escaped).into_owned(),
                    decode_if(p.value, p.value_escaped).into_owned(),
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

#[cfg(test)]
mod doc_examples {
    #[test]
    fn example_0() {
        use crate::tencent::query::CallbackQuery;
        let q = CallbackQuery::parse("SDKAppID=1400000001&CallbackCommand=State.StateChange&x=1")
            .unwrap();
        assert_eq!(q.sdk_app_id.as_deref(), Some("1400000001"));
        let q = CallbackQuery::parse("ClientIP=%3A%3A1&OptPlatform=Web+App").unwrap();
        assert_eq!(q.client_ip.as_deref(), Some("::1"));
        assert_eq!(q.opt_platform.as_deref(), Some("Web App"));
        assert!(CallbackQuery::parse("Sign=a&sign=b").is_err());
    }
}
