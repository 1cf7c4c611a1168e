//! A deliberately small HTTP/1.1 client over a TCP stream, so that tests control every
//! byte (chunked bodies, lying `Content-Length`, methods) and depend on no client crate.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How a request body is sent.
#[derive(Clone, Debug)]
pub(crate) enum BodyMode {
    /// With `Content-Length`.
    Length,
    /// With `Transfer-Encoding: chunked`, in chunks of this size.
    Chunked(usize),
    /// Announce this `Content-Length` but send only the headers.
    Announce(u64),
    /// Announce this `Content-Length`, send the body (shorter), then stall.
    Stall(u64),
}

/// One request of the table.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: &'static str,
    pub route: &'static str,
    pub query: String,
    pub body: Vec<u8>,
    pub mode: BodyMode,
}

/// A response.
#[derive(Debug)]
#[allow(dead_code)] // content_type is read by the conformance suite only
pub(crate) struct Response {
    pub status: u16,
    /// The response head, lower-cased.
    pub head: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Response {
    pub(crate) fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(pos) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..pos]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[pos + 2..pos + 2 + size]);
        data = &data[pos + 2 + size + 2..];
    }
}

pub(crate) async fn send(addr: SocketAddr, req: &Request) -> Result<Response, String> {
    send_with(addr, req, false).await
}

/// Like [`send`], without asking the server to close the connection (`keep_alive`).
#[allow(dead_code)] // used by the adversarial suite only
pub(crate) async fn send_keep_alive(addr: SocketAddr, req: &Request) -> Result<Response, String> {
    send_with(addr, req, true).await
}

async fn send_with(addr: SocketAddr, req: &Request, keep_alive: bool) -> Result<Response, String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let path = if req.query.is_empty() {
        req.route.to_owned()
    } else {
        format!("{}?{}", req.route, req.query)
    };
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: {}\r\nContent-Type: application/json\r\n",
        req.method,
        if keep_alive { "keep-alive" } else { "close" }
    );
    match req.mode {
        BodyMode::Length => head.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len())),
        BodyMode::Chunked(_) => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
        BodyMode::Announce(n) | BodyMode::Stall(n) => {
            head.push_str(&format!("Content-Length: {n}\r\n\r\n"))
        }
    }
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    match req.mode {
        BodyMode::Length => {
            stream
                .write_all(&req.body)
                .await
                .map_err(|e| e.to_string())?;
        }
        BodyMode::Chunked(size) => {
            for chunk in req.body.chunks(size.max(1)) {
                let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                // The server may answer 413 and close before the whole body is sent.
                if stream.write_all(&frame).await.is_err() {
                    break;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        BodyMode::Announce(_) => {}
        BodyMode::Stall(_) => {
            stream
                .write_all(&req.body)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    let mut raw = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    raw.extend_from_slice(&buf[..n]);
                    if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
                        if let Some(len) =
                            head.lines().find_map(|l| l.strip_prefix("content-length:"))
                        {
                            let len: usize = len.trim().parse().unwrap_or(0);
                            if raw.len() >= end + 4 + len {
                                break;
                            }
                        }
                    }
                }
            }
        }
    });
    read.await
        .map_err(|_| "no complete response within 10 s".to_owned())?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no response head: {:?}", String::from_utf8_lossy(&raw)))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let lower = head.to_ascii_lowercase();
    let content_type = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-type:"))
        .map(|v| v.trim().to_owned());
    let mut body = raw[end + 4..].to_vec();
    if lower.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    } else if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
    {
        body.truncate(len.trim().parse().unwrap_or(body.len()));
    }
    Ok(Response {
        status,
        head: lower.clone(),
        content_type,
        body,
    })
}

/// What a server sent back on one connection to raw bytes, and whether it closed it.
#[derive(Debug)]
#[allow(dead_code)] // used by the adversarial suite only
pub(crate) struct Exchange {
    /// Everything received, as (lossy) text.
    pub text: String,
    /// `true` when the server closed the connection within the wait.
    pub closed: bool,
}

#[allow(dead_code)] // used by the adversarial suite only
impl Exchange {
    /// The status codes of the responses received, in order.
    pub(crate) fn statuses(&self) -> Vec<u16> {
        self.text
            .split("HTTP/1.1 ")
            .skip(1)
            .filter_map(|rest| rest.get(..3)?.parse().ok())
            .collect()
    }
}

/// Writes `raw` on a new connection, then reads until the server closes it or `wait`
/// passes without it closing. For byte sequences [`Request`] cannot express: several
/// requests in one write, conflicting framing headers, chunked trailers.
#[allow(dead_code)] // used by the adversarial suite only
pub(crate) async fn exchange(
    addr: SocketAddr,
    raw: &[u8],
    wait: Duration,
) -> Result<Exchange, String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream.write_all(raw).await.map_err(|e| e.to_string())?;
    let mut received = Vec::new();
    let closed = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    Ok(Exchange {
        text: String::from_utf8_lossy(&received).into_owned(),
        closed,
    })
}
