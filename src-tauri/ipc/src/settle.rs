//! How a call in flight ends: its answer, or cancellation, a timeout, or its extension's
//! deactivation. Invokes and main-to-frame requests share these rules.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::error::{ErrorCode, IpcError};
use crate::names::ExtensionId;

/// What may cut a call short.
pub(crate) struct Limits<'a> {
    /// Cancelled by the caller; cancelled here on timeout and deactivation, so the other side
    /// can stop its work.
    pub cancel: &'a CancellationToken,
    /// Reject with `TIMED_OUT` after this long.
    pub timeout: Option<Duration>,
    /// Cancelled when the extension is deactivated.
    pub closed: &'a CancellationToken,
    /// How long a call may still answer after deactivation.
    pub grace: Duration,
}

/// Awaits `answer` under `limits`. `what` names the call in messages (`call to "x"`); it is
/// only formatted when one is written.
pub(crate) async fn settle<T>(
    answer: impl Future<Output = Result<T, IpcError>>,
    limits: Limits<'_>,
    id: &ExtensionId,
    what: impl Fn() -> String,
) -> Result<T, IpcError> {
    let mut answer = pin!(answer);
    // Most handlers answer at once. Unless the call was cancelled before it started, an answer
    // ready on the first poll wins without registering with the tokens or the timer: the select
    // below would return it too (a timer, even of zero, and the deactivation grace are still
    // pending on their first poll).
    if !limits.cancel.is_cancelled() {
        if let Poll::Ready(answer) = poll_fn(|cx| Poll::Ready(answer.as_mut().poll(cx))).await {
            return answer;
        }
    }
    let deactivated = async {
        limits.closed.cancelled().await;
        tokio::time::sleep(limits.grace).await;
    };
    let timeout = async {
        match limits.timeout {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending().await,
        }
    };
    // Cancellation, timeout and deactivation win over an answer that is ready at the same
    // moment: the caller has already been told, or is about to be.
    tokio::select! {
        biased;
        () = limits.cancel.cancelled() => {
            Err(IpcError::new(ErrorCode::Cancelled, format!("{} was cancelled", what())))
        }
        () = timeout => {
            limits.cancel.cancel();
            let ms = limits.timeout.unwrap_or_default().as_millis();
            Err(IpcError::new(ErrorCode::TimedOut, format!("{} timed out after {ms} ms", what())))
        }
        () = deactivated => {
            limits.cancel.cancel();
            Err(IpcError::new(
                ErrorCode::ExtensionDeactivated,
                format!("extension {id} was deactivated before {} answered", what()),
            ))
        }
        answer = answer => answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits<'a>(
        cancel: &'a CancellationToken,
        closed: &'a CancellationToken,
        timeout: Option<Duration>,
    ) -> Limits<'a> {
        Limits {
            cancel,
            timeout,
            closed,
            grace: Duration::from_millis(50),
        }
    }

    async fn ready(limits: Limits<'_>) -> Result<u8, IpcError> {
        let id = ExtensionId::new("a").unwrap();
        settle(async { Ok(7) }, limits, &id, || "call to \"x\"".to_string()).await
    }

    #[tokio::test]
    async fn an_answer_ready_at_once_wins_when_nothing_cut_the_call_short() {
        let (cancel, closed) = (CancellationToken::new(), CancellationToken::new());
        let answer = ready(limits(&cancel, &closed, Some(Duration::from_secs(5)))).await;
        assert_eq!(answer.unwrap(), 7);
        assert!(!cancel.is_cancelled());
    }

    #[tokio::test]
    async fn a_call_cancelled_before_it_started_is_cancelled_even_with_an_answer_ready() {
        let (cancel, closed) = (CancellationToken::new(), CancellationToken::new());
        cancel.cancel();
        let err = ready(limits(&cancel, &closed, None)).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Cancelled);
        assert_eq!(err.message, "call to \"x\" was cancelled");
    }

    #[tokio::test]
    async fn a_timeout_only_ends_a_call_still_waiting_even_a_zero_one() {
        let (cancel, closed) = (CancellationToken::new(), CancellationToken::new());
        let answer = ready(limits(&cancel, &closed, Some(Duration::ZERO))).await;
        assert_eq!(answer.unwrap(), 7);
        let id = ExtensionId::new("a").unwrap();
        let limits = limits(&cancel, &closed, Some(Duration::ZERO));
        let pending = std::future::pending::<Result<u8, IpcError>>();
        let err = settle(pending, limits, &id, || "call to \"x\"".to_string())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::TimedOut);
        assert_eq!(err.message, "call to \"x\" timed out after 0 ms");
        assert!(cancel.is_cancelled(), "the handler is told");
    }

    #[tokio::test]
    async fn an_answer_ready_within_the_grace_after_deactivation_still_wins() {
        let (cancel, closed) = (CancellationToken::new(), CancellationToken::new());
        closed.cancel();
        let answer = ready(limits(&cancel, &closed, None)).await;
        assert_eq!(answer.unwrap(), 7);
    }
}
