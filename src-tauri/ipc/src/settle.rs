//! How a call in flight ends: its answer, or cancellation, a timeout, or its extension's
//! deactivation. Invokes and main-to-frame requests share these rules.

use std::future::Future;
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

/// Awaits `answer` under `limits`. `what` names the call in messages (`call to "x"`).
pub(crate) async fn settle<T>(
    answer: impl Future<Output = Result<T, IpcError>>,
    limits: Limits<'_>,
    id: &ExtensionId,
    what: &str,
) -> Result<T, IpcError> {
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
            Err(IpcError::new(ErrorCode::Cancelled, format!("{what} was cancelled")))
        }
        () = timeout => {
            limits.cancel.cancel();
            let ms = limits.timeout.unwrap_or_default().as_millis();
            Err(IpcError::new(ErrorCode::TimedOut, format!("{what} timed out after {ms} ms")))
        }
        () = deactivated => {
            limits.cancel.cancel();
            Err(IpcError::new(
                ErrorCode::ExtensionDeactivated,
                format!("extension {id} was deactivated before {what} answered"),
            ))
        }
        answer = answer => answer,
    }
}
