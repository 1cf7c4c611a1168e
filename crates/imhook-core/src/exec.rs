//! Running the application's handler: under a deadline, with panics isolated.

use crate::BoxError;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;
use std::time::Duration;

/// Why a handler did not produce a result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum HandlerFailure {
    /// The handler returned an error.
    #[error("handler returned an error: {0}")]
    Error(BoxError),
    /// The handler panicked.
    #[error("handler panicked: {0}")]
    Panic(String),
    /// The handler did not finish before the deadline.
    #[error("handler overran its deadline of {0:?}")]
    Deadline(Duration),
}

impl HandlerFailure {
    /// A short name for logs: `error`, `panic` or `deadline`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Error(_) => "error",
            Self::Panic(_) => "panic",
            Self::Deadline(_) => "deadline",
        }
    }
}

/// Awaits `fut` for at most `deadline` from `started` (when the caller started it),
/// turning a panic into [`HandlerFailure::Panic`].
///
/// Needs a Tokio runtime with the time driver enabled.
pub(crate) async fn run_guarded<T, F>(
    deadline: Duration,
    started: std::time::Instant,
    fut: F,
) -> Result<T, HandlerFailure>
where
    F: Future<Output = Result<T, BoxError>>,
{
    // Most handlers finish on their first poll; they need no timer at all.
    let guarded = AssertUnwindSafe(fut).catch_unwind();
    match timeout_if_pending(deadline, started, guarded).await {
        Err(Elapsed) => Err(HandlerFailure::Deadline(deadline)),
        Ok(Err(panic)) => Err(HandlerFailure::Panic(panic_message(panic.as_ref()))),
        Ok(Ok(Err(e))) => Err(HandlerFailure::Error(e)),
        Ok(Ok(Ok(v))) => Ok(v),
    }
}

/// `fut` did not finish within its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Like `tokio::time::timeout`, but polls `fut` once before arming a timer: a future
/// that completes at once (a handler that does not wait) costs no timer registration.
/// The limit runs from `since`.
async fn timeout_if_pending<F: Future>(
    limit: Duration,
    since: std::time::Instant,
    fut: F,
) -> Result<F::Output, Elapsed> {
    let mut fut = std::pin::pin!(fut);
    match std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await {
        Poll::Ready(done) => Ok(done),
        Poll::Pending => {
            let since = tokio::time::Instant::from_std(since);
            // Boxed: the timer is large, and keeping it inline would enlarge every
            // request's future for the handlers that never need it.
            Box::pin(tokio::time::timeout_at(since + limit, fut))
                .await
                .map_err(|_| Elapsed)
        }
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outcomes() {
        let d = Duration::from_millis(50);
        assert_eq!(
            run_guarded(d, std::time::Instant::now(), async { Ok::<_, BoxError>(1) })
                .await
                .unwrap(),
            1
        );
        let e = run_guarded(d, std::time::Instant::now(), async {
            Err::<(), BoxError>("bad".into())
        })
        .await;
        assert!(matches!(e, Err(HandlerFailure::Error(_))));
        let p = run_guarded(d, std::time::Instant::now(), async {
            if d.as_millis() > 0 {
                panic!("boom");
            }
            Ok::<(), BoxError>(())
        })
        .await;
        assert!(matches!(p, Err(HandlerFailure::Panic(ref m)) if m == "boom"));
        let t = run_guarded(d, std::time::Instant::now(), async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok::<(), BoxError>(())
        })
        .await;
        assert!(matches!(t, Err(HandlerFailure::Deadline(_))));
    }
}
