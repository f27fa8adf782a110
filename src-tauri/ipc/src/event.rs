//! What a listener or handler learns about a message: whose it is and where it came from.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::names::{Channel, ExtensionId};

/// Where a message was sent from. Set by the host, never by the sender.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The Rust main part of the extension.
    Main,
    /// A renderer frame, by its webview label.
    Frame {
        /// The webview label, e.g. `main` or `frame-2`.
        label: String,
    },
}

impl Origin {
    /// A renderer frame origin.
    pub fn frame(label: impl Into<String>) -> Self {
        Self::Frame {
            label: label.into(),
        }
    }
}

/// The event a listener or handler receives, alongside the arguments.
#[derive(Debug, Clone)]
pub struct IpcEvent {
    /// The extension whose namespace the message travelled in (always the receiver's own).
    pub extension: ExtensionId,
    /// The channel it was sent on.
    pub channel: Channel,
    /// Who sent it.
    pub origin: Origin,
    pub(crate) cancel: CancellationToken,
}

impl IpcEvent {
    pub(crate) fn new(extension: ExtensionId, channel: Channel, origin: Origin) -> Self {
        Self {
            extension,
            channel,
            origin,
            cancel: CancellationToken::new(),
        }
    }

    /// True once the caller has cancelled the request, it timed out, or the extension was
    /// deactivated. Always false for broadcasts.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Resolves when the request is cancelled; a long handler can `select!` on it.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await
    }
}
