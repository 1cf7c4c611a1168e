//! Reading a request body with a size cap and an optional time limit, shared by the
//! framework adapters so that every framework enforces the same rule.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::time::Duration;

use crate::inbound::Outbound;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum BodyError {
    /// The body is larger than the limit (413).
    #[error("body over the limit")]
    TooLarge,
    /// The body did not arrive in time (408).
    #[error("body not received in time")]
    Timeout,
    /// The connection failed while reading (400).
    #[error("body could not be read")]
    Broken,
}

impl BodyError {
    /// The reply for this failure.
    pub(crate) fn outbound(&self) -> Outbound {
        match self {
            Self::TooLarge => Outbound::payload_too_large(),
            Self::Timeout => Outbound::text(408, "request timeout"),
            Self::Broken => Outbound::text(400, "bad request"),
        }
    }
}

/// Collects `stream` into one buffer, stopping as soon as it exceeds `limit` bytes
/// (nothing past the limit is buffered) and, with `timeout`, when the whole body has not
/// arrived in time (slow-drip clients).
pub(crate) async fn read_limited<S, B, E>(
    stream: S,
    limit: usize,
    timeout: Option<Duration>,
) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let read = async {
        let mut stream = std::pin::pin!(stream);
        let mut first: Option<Bytes> = None;
        let mut buf = BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let mut chunk = chunk.map_err(|_| BodyError::Broken)?;
            let have = first.as_ref().map_or(0, Bytes::len) + buf.len();
            if have.saturating_add(chunk.remaining()) > limit {
                return Err(BodyError::TooLarge);
            }
            // The common case is a body in one chunk: keep it without copying.
            if first.is_none() && buf.is_empty() {
                first = Some(chunk.copy_to_bytes(chunk.remaining()));
                continue;
            }
            if let Some(f) = first.take() {
                buf.extend_from_slice(&f);
            }
            while chunk.has_remaining() {
                let part = chunk.chunk();
                let n = part.len();
                buf.extend_from_slice(part);
                chunk.advance(n);
            }
        }
        Ok(match first {
            Some(f) => f,
            None => buf.freeze(),
        })
    };
    match timeout {
        // A body already buffered by the framework is read on the first poll: no timer.
        Some(t) => crate::exec::timeout_if_pending(t, None, read)
            .await
            .unwrap_or(Err(BodyError::Timeout)),
        None => read.await,
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn example_0() {
        use crate::read::{BodyError, read_limited};
        use bytes::Bytes;
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let chunks = futures_util::stream::iter(vec![
                    Ok::<_, std::io::Error>(Bytes::from("ab")),
                    Ok(Bytes::from("cd")),
                ]);
                assert_eq!(
                    read_limited(chunks, 4, None).await.unwrap(),
                    Bytes::from("abcd")
                );
                let chunks = futures_util::stream::iter(vec![
                    Ok::<_, std::io::Error>(Bytes::from("abc")),
                    Ok(Bytes::from("de")),
                ]);
                assert_eq!(
                    read_limited(chunks, 4, None).await,
                    Err(BodyError::TooLarge)
                );
            });
    }
}
