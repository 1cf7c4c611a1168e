//! `imhook replay`: re-post stored raw callbacks from Redis Streams or NATS JetStream to
//! a receiver, re-signed so that it handles them.

use crate::Error;
use crate::sign::{agora_sign_fresh, secret, tencent_fragment};
use clap::{ArgGroup, Args};
use futures_util::StreamExt;
use imhook_core::forward::ForwardEntry;
use std::time::Duration;

/// Flags of `imhook replay`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["id", "since"])))]
pub struct ReplayArgs {
    /// The engine holding the callbacks: redis://HOST:PORT[/DB] or nats://HOST:PORT.
    #[arg(long, env = "IMHOOK_FROM", hide_env_values = true)]
    pub from: String,
    /// The stream (JetStream: stream and subject).
    #[arg(long, env = "IMHOOK_STREAM", default_value = "imhook")]
    pub stream: String,
    /// Replay the callback(s) with this event id.
    #[arg(long)]
    pub id: Option<String>,
    /// Replay every callback received at or after this time (RFC 3339, e.g.
    /// 2026-12-07T08:00:00Z).
    #[arg(long, value_name = "RFC3339")]
    pub since: Option<String>,
    /// The receiver: a base URL (http://HOST:PORT, the routes of `imhook serve` are
    /// added: /tencent, /agora, /agora/pre-send) or a full URL used for every callback.
    #[arg(long)]
    pub to: String,
    /// Agora secret: sign each body afresh (new callId and timestamp, and security).
    #[arg(long, env = "IMHOOK_AGORA_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Tencent SdkAppid to send instead of the stored one.
    #[arg(long, env = "IMHOOK_TENCENT_SDKAPPID")]
    pub sdkappid: Option<u64>,
    /// Tencent token: sign each callback afresh (Sign and RequestTime of now).
    #[arg(long, env = "IMHOOK_TENCENT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Keep the stored Agora callId (a receiver that handled it answers it as a
    /// duplicate).
    #[arg(long)]
    pub keep_call_id: bool,
}

/// Runs `imhook replay`.
pub fn run(args: &ReplayArgs) -> Result<(), Error> {
    let since = args.since.as_deref().map(parse_rfc3339).transpose()?;
    let agora_secret = args
        .secret
        .as_deref()
        .map(|s| secret(s, "--secret"))
        .transpose()?;
    let token = args
        .token
        .as_deref()
        .map(|t| secret(t, "--token"))
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::msg(format!("cannot start the runtime: {e}")))?;
    let stored = runtime.block_on(read_stored(&args.from, &args.stream, since))?;
    let chosen: Vec<ForwardEntry> = stored
        .into_iter()
        .filter(|e| args.id.as_deref().is_none_or(|id| e.id == id))
        .filter(|e| since.is_none_or(|s| e.received_at >= s))
        .collect();
    if chosen.is_empty() {
        return Err(Error::msg(format!(
            "no stored callback in stream {:?} matches",
            args.stream
        )));
    }
    let mut refused = 0;
    for entry in &chosen {
        let body = String::from_utf8(entry.body.to_vec())
            .map_err(|_| Error::msg(format!("stored body of {} is not UTF-8", entry.id)))?;
        let (url, body) = match entry.provider.as_str() {
            "tencent" => {
                let query = tencent_query(&entry.query, args.sdkappid, token.as_ref())?;
                let url = target(&args.to, "/tencent");
                let sep = if url.contains('?') { '&' } else { '?' };
                (format!("{url}{sep}{query}"), body)
            }
            _ => {
                let path = if entry.route == "agora-pre-send" {
                    "/agora/pre-send"
                } else {
                    "/agora"
                };
                let body = match &agora_secret {
                    Some(s) => agora_sign_fresh(&body, s, args.keep_call_id)?,
                    None => body,
                };
                (target(&args.to, path), body)
            }
        };
        let (status, reply) = crate::send::post(&url, &body)?;
        let accepted = match entry.route.as_str() {
            "tencent" => crate::send::tencent_accepts(status, &reply),
            "agora-pre-send" => status == 200 && crate::send::pre_send_accepts(&reply),
            _ => status == 200,
        };
        if !accepted {
            refused += 1;
        }
        crate::println_checked(&format!("{status} {} {}", entry.id, reply.trim_end()))?;
    }
    if refused > 0 {
        return Err(Error::msg(format!(
            "{refused} of {} replayed callbacks were not accepted",
            chosen.len()
        )));
    }
    Ok(())
}

/// `to` itself when it names a path, else `to` + `path`.
fn target(to: &str, path: &str) -> String {
    let after_scheme = to.find("://").map_or(0, |i| i + 3);
    let has_path = to
        .get(after_scheme..)
        .and_then(|rest| rest.find('/').map(|i| rest.get(i..).unwrap_or("")))
        .is_some_and(|p| !p.is_empty() && p != "/");
    if has_path {
        to.to_owned()
    } else {
        format!("{}{path}", to.trim_end_matches('/'))
    }
}

/// The stored query without its signature (and with `sdkappid` if given), signed afresh
/// with `token` if given.
fn tencent_query(
    stored: &str,
    sdkappid: Option<u64>,
    token: Option<&imhook_core::Secret>,
) -> Result<String, Error> {
    let mut parts: Vec<String> = stored
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = form_urlencoded::parse(p.as_bytes())
                .next()
                .map(|(name, _)| name)
                .unwrap_or_default();
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            !(is("sign") || is("requesttime") || (sdkappid.is_some() && is("sdkappid")))
        })
        .map(str::to_owned)
        .collect();
    if let Some(id) = sdkappid {
        parts.insert(0, format!("SdkAppid={id}"));
    }
    if let Some(token) = token {
        parts.push(tencent_fragment(
            token,
            &crate::body::now_secs().to_string(),
        )?);
    }
    Ok(parts.join("&"))
}

/// Every stored entry (from `since` on, roughly, where the engine can seek).
async fn read_stored(
    from: &str,
    stream: &str,
    since: Option<u64>,
) -> Result<Vec<ForwardEntry>, Error> {
    if from.starts_with("redis://") || from.starts_with("rediss://") {
        read_redis(from, stream, since).await
    } else if from.starts_with("nats://") {
        read_nats(from, stream).await
    } else {
        Err(Error::usage("--from must be a redis://… or nats://… URL"))
    }
}

async fn read_redis(
    url: &str,
    stream: &str,
    since: Option<u64>,
) -> Result<Vec<ForwardEntry>, Error> {
    use redis::streams::StreamRangeReply;
    let client = redis::Client::open(url).map_err(|e| Error::msg(format!("redis: {e}")))?;
    let mut conn = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .map_err(|_| Error::msg("redis: timed out"))?
    .map_err(|e| Error::msg(format!("redis: {e}")))?;
    // Stream ids start with the time of the XADD, never before the callback's receipt.
    let mut start = since.map_or_else(|| "-".to_owned(), |ms| format!("{ms}-0"));
    let mut out = Vec::new();
    loop {
        let page: StreamRangeReply = redis::cmd("XRANGE")
            .arg(stream)
            .arg(&start)
            .arg("+")
            .arg("COUNT")
            .arg(256)
            .query_async(&mut conn)
            .await
            .map_err(|e| Error::msg(format!("redis: {e}")))?;
        let Some(last) = page.ids.last().map(|e| e.id.clone()) else {
            return Ok(out);
        };
        for item in page.ids {
            let fields = item
                .map
                .into_iter()
                .filter_map(|(name, value)| match value {
                    redis::Value::BulkString(b) => Some((name, bytes::Bytes::from(b))),
                    _ => None,
                });
            match ForwardEntry::from_fields(fields) {
                Ok(entry) => out.push(entry),
                Err(e) => {
                    tracing::warn!(stream_id = ?item.id, error = %e, "skipping a stream entry")
                }
            }
        }
        start = format!("({last}");
    }
}

async fn read_nats(url: &str, stream: &str) -> Result<Vec<ForwardEntry>, Error> {
    use async_nats::jetstream::{self, consumer};
    let client = tokio::time::timeout(Duration::from_secs(5), async_nats::connect(url))
        .await
        .map_err(|_| Error::msg("nats: timed out"))?
        .map_err(|e| Error::msg(format!("nats: {}", e.kind())))?;
    let js = jetstream::new(client);
    let consumer = js
        .get_stream(stream)
        .await
        .map_err(|e| Error::msg(format!("nats stream {stream:?}: {}", e.kind())))?
        .create_consumer(consumer::pull::Config {
            filter_subject: stream.to_owned(),
            ack_policy: consumer::AckPolicy::None,
            deliver_policy: consumer::DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .map_err(|e| Error::msg(format!("nats consumer: {}", e.kind())))?;
    let mut out = Vec::new();
    loop {
        let mut batch = consumer
            .fetch()
            .max_messages(256)
            .expires(Duration::from_millis(500))
            .messages()
            .await
            .map_err(|e| Error::msg(format!("nats fetch: {}", e.kind())))?;
        let mut got = 0;
        while let Some(message) = batch.next().await {
            let message = message.map_err(|e| Error::msg(format!("nats fetch: {e}")))?;
            got += 1;
            match imhook_queue::nats::entry_of(&message.message) {
                Ok(entry) => out.push(entry),
                Err(e) => tracing::warn!(error = %e, "skipping a stored message"),
            }
        }
        if got == 0 {
            return Ok(out);
        }
    }
}

/// Unix milliseconds of an RFC 3339 date-time (`2026-12-07T08:00:00Z`,
/// `2026-12-07T10:00:00.250+02:00`).
fn parse_rfc3339(text: &str) -> Result<u64, Error> {
    let bad = || Error::usage(format!("--since {text:?} is not an RFC 3339 date-time"));
    let num = |s: Option<&str>| -> Result<i64, Error> {
        let s = s.ok_or_else(bad)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (date, time) = text.split_once(['T', 't', ' ']).ok_or_else(bad)?;
    let mut d = date.split('-');
    let (year, month, day) = (num(d.next())?, num(d.next())?, num(d.next())?);
    if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let (clock, offset_min) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = time.rfind(['+', '-']).ok_or_else(bad)?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off
            .get(1..)
            .and_then(|o| o.split_once(':'))
            .ok_or_else(bad)?;
        (c, sign * (num(Some(h))? * 60 + num(Some(m))?))
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut t = hms.split(':');
    let (h, m, s) = (num(t.next())?, num(t.next())?, num(t.next())?);
    if t.next().is_some() || h > 23 || m > 59 || s > 60 {
        return Err(bad());
    }
    let millis = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        num(Some(&digits))?
    };
    // Days from 1970-01-01 (the proleptic Gregorian calendar).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + s - offset_min * 60;
    u64::try_from(secs * 1000 + millis).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(
            parse_rfc3339("2024-10-21T08:31:46.255Z").unwrap(),
            1_729_499_506_255
        );
        assert_eq!(
            parse_rfc3339("2024-10-21T10:31:46.255+02:00").unwrap(),
            1_729_499_506_255
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00-00:30").unwrap(),
            1_709_166_600_000
        );
        for bad in [
            "2024-10-21",
            "2024-13-01T00:00:00Z",
            "x",
            "2024-10-21T08:31Z",
            "",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets() {
        assert_eq!(target("http://h:1", "/agora"), "http://h:1/agora");
        assert_eq!(target("http://h:1/", "/agora"), "http://h:1/agora");
        assert_eq!(target("http://h:1/hook", "/agora"), "http://h:1/hook");
    }

    #[test]
    fn tencent_queries_are_signed_afresh() {
        let stored = "SdkAppid=1&CallbackCommand=X&Sign=***&RequestTime=5&ClientIP=a";
        assert_eq!(
            tencent_query(stored, None, None).unwrap(),
            "SdkAppid=1&CallbackCommand=X&ClientIP=a"
        );
        let token = imhook_core::Secret::new("t").unwrap();
        let q = tencent_query(stored, Some(7), Some(&token)).unwrap();
        assert!(
            q.starts_with("SdkAppid=7&CallbackCommand=X&ClientIP=a&Sign="),
            "{q}"
        );
        assert!(!q.contains("***"));
    }
}
