//! Reading a request body with a size cap and an optional time limit, shared by the
//! framework adapters so that every framework enforces the same rule.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
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
/// arrived in time (slow-drip clients). The time runs from the first time the stream
/// has nothing ready: a body the framework already buffered is read without a timer.
//
// One poll loop rather than nested `async` blocks: this future is held inside every
// request's future (and boxed with it by the frameworks), and each level of nesting
// kept its own copy of the read's state.
pub(crate) async fn read_limited<S, B, E>(
    stream: S,
    limit: usize,
    timeout: Option<Duration>,
) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let mut stream = std::pin::pin!(stream);
    let mut body = Collected::default();
    // Boxed: the timer is large, and only a body that is still arriving needs it.
    let mut timer: Option<Pin<Box<tokio::time::Sleep>>> = None;
    std::future::poll_fn(|cx| {
        loop {
            match stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => body.push(chunk, limit)?,
                Poll::Ready(Some(Err(_))) => return Poll::Ready(Err(BodyError::Broken)),
                Poll::Ready(None) => return Poll::Ready(Ok(std::mem::take(&mut body).finish())),
                Poll::Pending => {
                    let Some(limit) = timeout else {
                        return Poll::Pending;
                    };
                    let timer = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                    return match timer.as_mut().poll(cx) {
                        Poll::Ready(()) => Poll::Ready(Err(BodyError::Timeout)),
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
    })
    .await
}

/// The chunks of a body read so far.
#[derive(Default)]
struct Collected {
    /// The first chunk, kept without a copy while it is the only one (the common case).
    first: Option<Bytes>,
    /// Every chunk, once there is more than one.
    buf: BytesMut,
}

impl Collected {
    /// Adds `chunk`, or refuses it when the body would pass `limit` bytes.
    fn push(&mut self, mut chunk: impl Buf, limit: usize) -> Result<(), BodyError> {
        let have = self.first.as_ref().map_or(0, Bytes::len) + self.buf.len();
        if have.saturating_add(chunk.remaining()) > limit {
            return Err(BodyError::TooLarge);
        }
        if self.first.is_none() && self.buf.is_empty() {
            self.first = Some(chunk.copy_to_bytes(chunk.remaining()));
            return Ok(());
        }
        if let Some(first) = self.first.take() {
            self.buf.extend_from_slice(&first);
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            let n = part.len();
            self.buf.extend_from_slice(part);
            chunk.advance(n);
        }
        Ok(())
    }

    fn finish(self) -> Bytes {
        match self.first {
            Some(first) => first,
            None => self.buf.freeze(),
        }
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
