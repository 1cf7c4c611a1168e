//! `imhook sign`, and the signing shared with `imhook send`.

use crate::Error;
use crate::body::{is_json_object, set_member};
use imhook_core::Secret;
use imhook_core::agora::{Envelope, security};
use imhook_core::tencent::sign;

/// A secret from the command line (never echoed back).
pub fn secret(value: &str, what: &str) -> Result<Secret, Error> {
    Secret::new(value).map_err(|_| Error::msg(format!("{what} must not be empty")))
}

/// `Sign=...&RequestTime=...` for `token` at `request_time` (seconds, digits).
pub fn tencent_fragment(token: &Secret, request_time: &str) -> Result<String, Error> {
    if request_time.is_empty() || !request_time.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::msg("--time must be a number of seconds"));
    }
    Ok(format!(
        "Sign={}&RequestTime={request_time}",
        sign(token, request_time)
    ))
}

/// `body` with `security` recomputed from its own `callId` and `timestamp` (the raw
/// timestamp token); every other byte is kept.
pub fn agora_resign(body: &str, secret: &Secret) -> Result<String, Error> {
    if !is_json_object(body) {
        return Err(Error::msg("body is not a JSON object"));
    }
    let env = Envelope::parse(body).map_err(|e| Error::msg(e.to_string()))?;
    let call_id = env
        .call_id()
        .ok_or_else(|| Error::msg("body has no string callId"))?;
    let ts = env
        .timestamp_text()
        .ok_or_else(|| Error::msg("body has no integer timestamp"))?;
    let sec = security(&call_id, secret, &ts);
    set_member(body, "security", &format!("\"{sec}\""))
}

/// `body` signed as a fresh callback: `callId` (a new unique one unless `keep_call_id`
/// and the body has one), `timestamp` (now, ms) and `security`.
pub fn agora_sign_fresh(body: &str, secret: &Secret, keep_call_id: bool) -> Result<String, Error> {
    if !is_json_object(body) {
        return Err(Error::msg("body is not a JSON object"));
    }
    let env = Envelope::parse(body).map_err(|e| Error::msg(e.to_string()))?;
    let existing = env.call_id().map(|c| c.into_owned());
    let appkey = appkey_of(body, existing.as_deref());
    let call_id = match existing {
        Some(c) if keep_call_id => c,
        _ => fresh_call_id(&appkey)?,
    };
    let call_id_json = serde_json::to_string(&call_id).unwrap_or_default();
    let body = set_member(body, "callId", &call_id_json)?;
    let body = set_member(&body, "timestamp", &crate::body::now_millis().to_string())?;
    agora_resign(&body, secret)
}

/// A callId of the provider's `{appkey}_{uuid}` form.
fn fresh_call_id(appkey: &str) -> Result<String, Error> {
    let h = crate::body::random_hex(16)?;
    let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or_default().to_owned();
    Ok(format!(
        "{appkey}_{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    ))
}

/// The app key: the body's `appkey`, else the part of its callId before the last `_`.
fn appkey_of(body: &str, call_id: Option<&str>) -> String {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        appkey: Option<serde_json::Value>,
    }
    if let Ok(Head {
        appkey: Some(serde_json::Value::String(k)),
    }) = serde_json::from_str::<Head>(body)
        && !k.is_empty()
    {
        return k;
    }
    call_id
        .and_then(|c| c.rsplit_once('_'))
        .map(|(k, _)| k.to_owned())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "imhook#cli".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resign_keeps_bytes() {
        let s = Secret::new("imhook-fixture-secret").unwrap();
        let body = r#"{"callId":"demo-org#demo-app_ed88a94c-e0ef-fc51-beba-f016f475156c", "timestamp":1729499506255,"security":"x"}"#;
        let out = agora_resign(body, &s).unwrap();
        assert_eq!(
            out,
            r#"{"callId":"demo-org#demo-app_ed88a94c-e0ef-fc51-beba-f016f475156c", "timestamp":1729499506255,"security":"2618fe22d1623c0a66383058b64ae8ad"}"#
        );
    }

    #[test]
    fn fresh_signature_verifies() {
        let s = Secret::new("k").unwrap();
        let out = agora_sign_fresh(r#"{"appkey":"o#a","chat_type":"chat"}"#, &s, false).unwrap();
        let env = Envelope::parse(&out).unwrap();
        let call_id = env.call_id().unwrap();
        assert!(call_id.starts_with("o#a_"));
        let ts = env.timestamp_text().unwrap();
        assert_eq!(env.security().unwrap(), security(&call_id, &s, &ts));
        let kept = agora_sign_fresh(r#"{"callId":"a_b"}"#, &s, true).unwrap();
        assert!(kept.starts_with(r#"{"callId":"a_b""#));
    }
}
