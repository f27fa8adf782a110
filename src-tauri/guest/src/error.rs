//! The errors of the guest's IPC, mirroring `ferrolens-ipc`'s: [`IpcError`] for what the host
//! refused, [`HandlerError`] for what a handler or the activation returns.

use std::fmt;

use serde_json::Value as JsonValue;

use crate::bindings::ferrolens::extension::types;

/// What went wrong, as the closed set the host reports (`docs/protocol.md`): the host's own
/// type, so the two cannot spell a code differently.
pub use ferrolens_ipc::ErrorCode;

/// The code with this wire spelling; an unknown one (from a newer host) is `HANDLER_FAILED`.
pub(crate) fn code_from_wire(spelling: &str) -> ErrorCode {
    serde_json::from_value(JsonValue::String(spelling.to_string()))
        .unwrap_or(ErrorCode::HandlerFailed)
}

/// Why the host refused an IPC operation, or why a request to a frame failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpcError {
    /// What went wrong.
    pub code: ErrorCode,
    /// Human-readable; names the thing that was wrong.
    pub message: String,
}

impl IpcError {
    /// A new error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<types::IpcError> for IpcError {
    fn from(err: types::IpcError) -> Self {
        Self::new(code_from_wire(&err.code), err.message)
    }
}

/// What a handler or the activation returns on failure: the `cause` a renderer sees. Built
/// from an [`IpcError`] (a failed `args.get(..)?`), the caller gets that error's code itself.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerError {
    /// Error class name, e.g. `NotFound`.
    pub name: String,
    /// Human-readable message.
    pub message: String,
    /// A machine-readable code the renderer can match on.
    pub code: Option<String>,
    /// Structured details.
    pub data: Option<JsonValue>,
}

impl HandlerError {
    /// An `Error` named `name` with `message`.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            message: message.into(),
            code: None,
            data: None,
        }
    }

    /// Adds a machine-readable code the renderer can match on.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Adds structured details.
    pub fn with_data(mut self, data: JsonValue) -> Self {
        self.data = Some(data);
        self
    }

    pub(crate) fn into_wit(self) -> types::HandlerError {
        types::HandlerError {
            name: self.name,
            message: self.message,
            code: self.code,
            data: self.data.map(|data| data.to_string()),
        }
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

/// What `ferrolens_ipc`'s types refuse (an argument of the wrong type in [`crate::Args::get`],
/// a value that cannot be sent), as the guest's error.
impl From<ferrolens_ipc::IpcError> for IpcError {
    fn from(err: ferrolens_ipc::IpcError) -> Self {
        Self::new(err.code, err.message)
    }
}

impl From<ferrolens_ipc::IpcError> for HandlerError {
    fn from(err: ferrolens_ipc::IpcError) -> Self {
        IpcError::from(err).into()
    }
}

impl From<IpcError> for HandlerError {
    fn from(err: IpcError) -> Self {
        // The host reads this shape back as the IpcError itself (see the WIT's handler-error).
        Self::new(ferrolens_ipc::IPC_ERROR_NAME, err.message).with_code(err.code.as_str())
    }
}

impl From<&str> for HandlerError {
    fn from(message: &str) -> Self {
        Self::new("Error", message)
    }
}

impl From<String> for HandlerError {
    fn from(message: String) -> Self {
        Self::new("Error", message)
    }
}

impl From<std::io::Error> for HandlerError {
    fn from(err: std::io::Error) -> Self {
        Self::new("Error", err.to_string()).with_code(format!("{:?}", err.kind()))
    }
}

impl From<serde_json::Error> for HandlerError {
    fn from(err: serde_json::Error) -> Self {
        Self::new("SyntaxError", err.to_string())
    }
}
