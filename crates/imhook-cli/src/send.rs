//! `imhook send`: post a signed callback and check that the reply is what the
//! provider accepts.

use crate::Error;
use crate::body::{now_secs, read_input};
use crate::cli::{SendArgs, SendProvider};
use crate::samples::{AGORA, TENCENT, TencentSample};
use crate::sign::{agora_sign_fresh, secret, tencent_fragment};
use std::time::Duration;

/// Runs `imhook send`.
pub fn run(args: &SendArgs) -> Result<(), Error> {
    if args.list {
        return list();
    }
    let Some(provider) = &args.provider else {
        return Err(Error::usage(
            "name a provider (tencent or agora), or pass --list",
        ));
    };
    let url = args
        .url
        .as_deref()
        .ok_or_else(|| Error::usage("--url is required (e.g. http://127.0.0.1:8080/tencent)"))?;
    match provider {
        SendProvider::Tencent {
            command,
            sdkappid,
            token,
            body,
        } => {
            let sample = TENCENT.iter().find(|s| s.kind == command);
            let body = match (body, sample) {
                (Some(path), _) => read_input(path)?,
                (None, Some(s)) => s.body.to_owned(),
                (None, None) => return Err(no_sample("tencent", command)),
            };
            let mut query = tencent_query(*sdkappid, command, sample);
            if let Some(token) = token {
                let token = secret(token, "--token")?;
                query.push('&');
                query.push_str(&tencent_fragment(&token, &now_secs().to_string())?);
            }
            let sep = if url.contains('?') { '&' } else { '?' };
            let (status, reply) = post(&format!("{url}{sep}{query}"), &body)?;
            report(status, &reply, tencent_accepts(status, &reply), "Tencent")
        }
        SendProvider::Agora {
            kind,
            secret: key,
            pre_send,
            body,
            keep_call_id,
        } => {
            let pre_send = *pre_send || kind == "pre_send";
            let body = match body {
                Some(path) => read_input(path)?,
                None => AGORA
                    .iter()
                    .find(|s| s.kind == kind)
                    .map(|s| s.body.to_owned())
                    .ok_or_else(|| no_sample("agora", kind))?,
            };
            let body = match key {
                Some(k) => agora_sign_fresh(&body, &secret(k, "--secret")?, *keep_call_id)?,
                None => body,
            };
            let (status, reply) = post(url, &body)?;
            let ok = if pre_send {
                status == 200 && pre_send_accepts(&reply)
            } else {
                status == 200
            };
            let provider = if pre_send {
                "Agora pre-send (is the URL the pre-send route, e.g. /agora/pre-send?)"
            } else {
                "Agora"
            };
            report(status, &reply, ok, provider)
        }
    }
}

/// The callback query (without signature), with the `ClientIP` and `OptPlatform` a
/// sample was captured with: push and moderation results come without them.
fn tencent_query(sdkappid: u64, command: &str, sample: Option<&TencentSample>) -> String {
    let (client_ip, platform) = sample
        .map(|s| (s.client_ip, s.opt_platform))
        .unwrap_or((Some("127.0.0.1"), Some("RESTAPI")));
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("SdkAppid", &sdkappid.to_string())
        .append_pair("CallbackCommand", command)
        .append_pair("contenttype", "json");
    if let Some(ip) = client_ip {
        query.append_pair("ClientIP", ip);
    }
    if let Some(platform) = platform {
        query.append_pair("OptPlatform", platform);
    }
    query.finish()
}

fn no_sample(provider: &str, kind: &str) -> Error {
    Error::msg(format!(
        "no built-in {provider} sample for {kind:?} (see `imhook send --list`, or pass --body FILE)"
    ))
}

fn list() -> Result<(), Error> {
    let mut out = String::new();
    for s in TENCENT {
        out.push_str("tencent ");
        out.push_str(s.kind);
        out.push('\n');
    }
    for s in AGORA {
        out.push_str("agora ");
        out.push_str(s.kind);
        out.push('\n');
    }
    crate::print_checked(&out)
}

pub(crate) fn post(url: &str, body: &str) -> Result<(u16, String), Error> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let result = agent
        .post(url)
        .set("Content-Type", "application/json")
        .send_string(body);
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(t)) => {
            return Err(Error::msg(format!(
                "cannot reach {}: {}",
                redact(url),
                t.kind()
            )));
        }
    };
    let status = resp.status();
    let reply = resp
        .into_string()
        .map_err(|e| Error::msg(format!("cannot read the reply: {e}")))?;
    Ok((status, reply))
}

/// The URL without its query (which may carry a signature).
fn redact(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

pub(crate) fn tencent_accepts(status: u16, reply: &str) -> bool {
    status == 200
        && serde_json::from_str::<serde_json::Value>(reply)
            .ok()
            .and_then(|v| {
                v.get("ActionStatus")
                    .and_then(|s| s.as_str().map(|s| s == "OK"))
            })
            .unwrap_or(false)
}

pub(crate) fn pre_send_accepts(reply: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(reply)
        .ok()
        .is_some_and(|v| v.get("valid").is_some_and(serde_json::Value::is_boolean))
}

fn report(status: u16, reply: &str, ok: bool, provider: &str) -> Result<(), Error> {
    crate::println_checked(&format!("{status} {}", reply.trim_end()))?;
    if ok {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "the reply (HTTP {status}) is not one {provider} accepts"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acceptance() {
        assert!(tencent_accepts(
            200,
            r#"{"ActionStatus":"OK","ErrorCode":0}"#
        ));
        assert!(!tencent_accepts(200, r#"{"ActionStatus":"FAIL"}"#));
        assert!(!tencent_accepts(401, r#"{"ActionStatus":"OK"}"#));
        assert!(pre_send_accepts(r#"{"valid":false,"code":"x"}"#));
        assert!(!pre_send_accepts(r#"{"valid":"true"}"#));
        assert!(!pre_send_accepts("{}"));
    }

    #[test]
    fn samples_are_sent_with_the_query_they_were_captured_with() {
        let sample = |kind: &str| TENCENT.iter().find(|s| s.kind == kind);
        let q = tencent_query(1, "Push.OfflinePush", sample("Push.OfflinePush"));
        assert_eq!(
            q,
            "SdkAppid=1&CallbackCommand=Push.OfflinePush&contenttype=json"
        );
        let q = tencent_query(1, "State.StateChange", sample("State.StateChange"));
        assert!(q.ends_with("&ClientIP=203.0.113.7&OptPlatform=IOS"), "{q}");
        let q = tencent_query(1, "Example.Command", None);
        assert!(
            q.ends_with("&ClientIP=127.0.0.1&OptPlatform=RESTAPI"),
            "{q}"
        );
    }
}
