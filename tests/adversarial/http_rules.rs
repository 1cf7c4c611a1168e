//! HTTP rules that must hold the same in the core and in every framework.

use super::*;
use crate::client::exchange;
use crate::servers::Target;
use std::net::SocketAddr;
use std::time::Duration;

/// A signed Tencent query, and a signed Agora body with callId `call_id`.
fn signed(call_id: &str) -> (String, String) {
    let ts = now().to_string();
    let query = tq_raw(&APP.to_string(), &sign(TOKEN, &ts), &ts);
    let body = agora_body(call_id, json!(1), &sec(call_id, "1", SECRET), json!({}));
    (query, body)
}

/// The cases of this group, run by every target.
pub(crate) fn cases(tag: &str) -> Vec<Case> {
    let mut c = Vec::new();
    // Method tokens are case-sensitive (RFC 9110 §9.1): `post` is not `POST`.
    for method in ["post", "PoSt", "Post"] {
        let call_id = format!("{tag}_method_{method}");
        let (query, body) = signed(&call_id);
        for (route, query, body) in [
            ("/tencent", query, after(&format!("{tag}_{method}"))),
            ("/agora", String::new(), body.clone()),
            ("/agora/pre-send", String::new(), body),
        ] {
            c.push(Case {
                name: format!("{route}: method {method} is 405"),
                req: Request {
                    method,
                    route,
                    query,
                    body: body.into_bytes(),
                    mode: BodyMode::Length,
                },
                status: 405,
                want: Want::Status,
                calls: 0,
            });
        }
    }
    c
}

/// `post` and `PoSt` are answered 405 with `Allow: POST` by every framework.
async fn method_tokens_are_case_sensitive(target: Target) {
    let addr = target.addr().unwrap();
    for method in ["post", "PoSt"] {
        let (query, body) = signed(&format!("{}_allow_{method}", target.name));
        for (route, query, body) in [
            ("/tencent", query, after("g")),
            ("/agora", String::new(), body.clone()),
            ("/agora/pre-send", String::new(), body),
        ] {
            let before = target.calls();
            let req = Request {
                method,
                route,
                query,
                body: body.into_bytes(),
                mode: BodyMode::Length,
            };
            let resp = client::send(addr, &req).await.unwrap();
            let at = format!("{} {method} {route}", target.name);
            assert_eq!(resp.status, 405, "{at}");
            assert!(resp.head.contains("\r\nallow: post"), "{at}: {}", resp.head);
            assert_eq!(target.calls(), before, "{at}: the handler was called");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_tokens_are_case_sensitive_axum() {
    method_tokens_are_case_sensitive(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_tokens_are_case_sensitive_actix() {
    method_tokens_are_case_sensitive(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_tokens_are_case_sensitive_warp() {
    method_tokens_are_case_sensitive(servers::warp().await).await;
}

/// A complete, valid Tencent callback as raw bytes: what a smuggler hides.
fn hidden_request(addr: SocketAddr, group: &str) -> String {
    let ts = now().to_string();
    let query = tq_raw(&APP.to_string(), &sign(TOKEN, &ts), &ts);
    let body = after(group);
    format!(
        "POST /tencent?{query} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A request with both `Content-Length` and `Transfer-Encoding: chunked` is answered and
/// the connection closed (RFC 9112 §6.1), whichever header a server would follow: the
/// request hidden behind the framing the server did not use is never processed.
async fn ambiguous_framing_is_answered_and_closed(target: Target) {
    let addr = target.addr().unwrap();
    let name = target.name;
    // Hidden after the chunked terminator, inside the Content-Length.
    let hidden = hidden_request(addr, &format!("{name}_smuggled_cl"));
    let body = format!("0\r\n\r\n{hidden}");
    let te_first = format!(
        "POST /agora HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n{body}",
        body.len()
    );
    // Hidden inside the chunk, after a Content-Length that covers only the size line.
    let hidden = hidden_request(addr, &format!("{name}_smuggled_te"));
    let size_line = format!("{:x}\r\n", hidden.len());
    let cl_first = format!(
        "POST /agora HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nContent-Length: {}\r\n\r\n{size_line}{hidden}\r\n0\r\n\r\n",
        size_line.len()
    );
    for (variant, raw) in [
        ("CL covers all", te_first),
        ("CL covers the size line", cl_first),
    ] {
        let before = target.calls();
        let got = exchange(addr, raw.as_bytes(), Duration::from_secs(5))
            .await
            .unwrap();
        let at = format!("{name}, {variant}");
        assert_eq!(
            target.calls(),
            before,
            "{at}: the hidden request was processed"
        );
        assert_eq!(got.statuses().len(), 1, "{at}: {:?}", got.text);
        assert!(
            got.closed,
            "{at}: the connection stayed open: {:?}",
            got.text
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_framing_is_answered_and_closed_axum() {
    ambiguous_framing_is_answered_and_closed(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_framing_is_answered_and_closed_actix() {
    ambiguous_framing_is_answered_and_closed(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_framing_is_answered_and_closed_warp() {
    ambiguous_framing_is_answered_and_closed(servers::warp().await).await;
}

/// A chunked body followed by a trailer section (RFC 9112 §7.1.2) is a valid request.
async fn chunked_trailers_are_accepted(target: Target) {
    let addr = target.addr().unwrap();
    let name = target.name;
    let ts = now().to_string();
    let query = tq_raw(&APP.to_string(), &sign(TOKEN, &ts), &ts);
    let body = after(&format!("{name}_trailers"));
    let (a, b) = body.split_at(body.len() / 2);
    for trailers in ["X-Checksum: 5d41402a\r\n", "X-One: 1\r\nX-Two: 2\r\n"] {
        let raw = format!(
            "POST /tencent?{query} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nConnection: close\r\n\r\n\
             {:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n{trailers}\r\n",
            a.len(),
            b.len()
        );
        let before = target.calls();
        let got = exchange(addr, raw.as_bytes(), Duration::from_secs(5))
            .await
            .unwrap();
        let at = format!("{name}, trailers {trailers:?}");
        assert_eq!(got.statuses(), vec![200], "{at}: {:?}", got.text);
        assert!(
            got.text.contains(r#""ActionStatus":"OK""#),
            "{at}: {:?}",
            got.text
        );
        assert_eq!(target.calls(), before + 1, "{at}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_trailers_are_accepted_axum() {
    chunked_trailers_are_accepted(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_trailers_are_accepted_actix() {
    chunked_trailers_are_accepted(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_trailers_are_accepted_warp() {
    chunked_trailers_are_accepted(servers::warp().await).await;
}

/// Routes match the same in every framework: a trailing slash is another path (404).
async fn trailing_slash_is_another_path(target: Target) {
    let addr = target.addr().unwrap();
    let name = target.name;
    let (query, _) = signed("unused");
    for route in ["/tencent/", "/agora/", "/agora/pre-send/"] {
        let call_id = format!("{name}_slash_{}", route.replace('/', "_"));
        let (_, agora) = signed(&call_id);
        let (query, body) = if route == "/tencent/" {
            (query.clone(), after("g"))
        } else {
            (String::new(), agora)
        };
        let before = target.calls();
        let req = Request {
            method: "POST",
            route,
            query,
            body: body.into_bytes(),
            mode: BodyMode::Length,
        };
        let resp = client::send(addr, &req).await.unwrap();
        assert_eq!(resp.status, 404, "{name} {route}: {}", resp.body_text());
        assert_eq!(
            target.calls(),
            before,
            "{name} {route}: the handler was called"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_slash_is_another_path_axum() {
    trailing_slash_is_another_path(servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_slash_is_another_path_actix() {
    trailing_slash_is_another_path(servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_slash_is_another_path_warp() {
    trailing_slash_is_another_path(servers::warp().await).await;
}
