//! The one error type that crosses the IPC boundary.
//!
//! It keeps what Lens flattened into a string: a machine-readable [`ErrorCode`], the message,
//! which extension and channel it concerns, and the handler's own error as `cause`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;

/// The error name of an [`IpcError`] on the wire, so a renderer can tell it from its own errors
/// (and a handler's error carrying it is taken for the `IpcError` it wraps).
pub const IPC_ERROR_NAME: &str = "IpcError";

/// What went wrong, as a closed set a caller can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// An extension id or channel name is not valid.
    InvalidName,
    /// No extension with that id was discovered.
    UnknownExtension,
    /// The extension exists but is not active (disabled, failed, or not yet activated).
    ExtensionNotActive,
    /// The extension was deactivated while the call was in flight.
    ExtensionDeactivated,
    /// The extension's main part has no handler on that channel.
    NoHandler,
    /// A handler is already registered on that channel.
    HandlerExists,
    /// The handler returned an error (see `cause`).
    HandlerFailed,
    /// The handler panicked; the app keeps running.
    HandlerPanicked,
    /// The payload could not be decoded, or did not match what the handler asked for.
    BadPayload,
    /// The payload is larger than the host accepts.
    PayloadTooLarge,
    /// The sender already has as much work waiting as the host queues for one sender; the call
    /// was refused, not dropped, and may be sent again once earlier calls are answered.
    Busy,
    /// The caller may not do this (wrong capability, wrong frame, another extension's namespace).
    Forbidden,
    /// The call did not finish within its timeout.
    TimedOut,
    /// The caller cancelled the call.
    Cancelled,
    /// The extension's own code failed during activation or deactivation.
    ActivationFailed,
}

impl ErrorCode {
    /// The wire spelling, e.g. `NO_HANDLER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidName => "INVALID_NAME",
            Self::UnknownExtension => "UNKNOWN_EXTENSION",
            Self::ExtensionNotActive => "EXTENSION_NOT_ACTIVE",
            Self::ExtensionDeactivated => "EXTENSION_DEACTIVATED",
            Self::NoHandler => "NO_HANDLER",
            Self::HandlerExists => "HANDLER_EXISTS",
            Self::HandlerFailed => "HANDLER_FAILED",
            Self::HandlerPanicked => "HANDLER_PANICKED",
            Self::BadPayload => "BAD_PAYLOAD",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::Busy => "BUSY",
            Self::Forbidden => "FORBIDDEN",
            Self::TimedOut => "TIMED_OUT",
            Self::Cancelled => "CANCELLED",
            Self::ActivationFailed => "ACTIVATION_FAILED",
        }
    }
}

/// An error raised by a handler, kept whole so the renderer can see it as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCause {
    /// Error class name, e.g. `NotFound`.
    pub name: String,
    /// Human-readable message.
    pub message: String,
    /// Optional machine-readable code chosen by the extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Optional structured details chosen by the extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<JsonValue>,
    /// What caused this one, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<ErrorCause>>,
}

/// The error every IPC operation reports; serialized as-is to the renderer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    /// Always `"IpcError"`, so a renderer can tell it from its own errors.
    pub name: String,
    /// What went wrong.
    pub code: ErrorCode,
    /// Human-readable, names the thing that was wrong.
    pub message: String,
    /// The extension concerned, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The channel concerned, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The handler's own error, for `HANDLER_FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<ErrorCause>>,
}

impl IpcError {
    /// A new error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            name: IPC_ERROR_NAME.into(),
            code,
            message: message.into(),
            extension: None,
            channel: None,
            cause: None,
        }
    }

    /// Names the extension and channel the error concerns.
    pub fn at(mut self, extension: impl fmt::Display, channel: impl fmt::Display) -> Self {
        self.extension = Some(extension.to_string());
        self.channel = Some(channel.to_string());
        self
    }

    /// Names the extension the error concerns.
    pub fn for_extension(mut self, extension: impl fmt::Display) -> Self {
        self.extension = Some(extension.to_string());
        self
    }

    /// Attaches the handler's own error.
    pub fn with_cause(mut self, cause: ErrorCause) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for IpcError {}

/// What a handler returns on failure. Build it from a message, from any error, or from an
/// [`IpcError`] (a failed `args.get(..)?` then reaches the caller as `BAD_PAYLOAD`).
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerError {
    // Boxed so `Result<_, HandlerError>` stays small on the happy path.
    cause: Box<ErrorCause>,
    ipc: Option<Box<IpcError>>,
}

impl HandlerError {
    /// An `Error` named `name` with `message`.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            cause: Box::new(ErrorCause {
                name: name.into(),
                message: message.into(),
                code: None,
                data: None,
                cause: None,
            }),
            ipc: None,
        }
    }

    /// Adds a machine-readable code the renderer can match on.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.cause.code = Some(code.into());
        self
    }

    /// Adds structured details.
    pub fn with_data(mut self, data: JsonValue) -> Self {
        self.cause.data = Some(data);
        self
    }

    /// Chains the error that caused this one.
    pub fn caused_by(mut self, cause: HandlerError) -> Self {
        self.cause.cause = Some(cause.cause);
        self
    }

    /// Converts any std error, keeping its `source()` chain as `cause`.
    pub fn from_error(err: &(dyn std::error::Error + 'static)) -> Self {
        let mut this = Self::new("Error", err.to_string());
        if let Some(source) = err.source() {
            this.cause.cause = Some(Self::from_error(source).cause);
        }
        this
    }

    /// The error as the renderer will see it in `cause`.
    pub fn cause(&self) -> &ErrorCause {
        &self.cause
    }

    /// Turns the handler's failure into the error the caller sees.
    #[cfg(feature = "runtime")]
    pub(crate) fn into_ipc_error(self, extension: &str, channel: &str) -> IpcError {
        match self.ipc {
            Some(ipc) => ipc.at(extension, channel),
            None => IpcError::new(
                ErrorCode::HandlerFailed,
                format!(
                    "handler for channel {channel:?} of extension {extension} failed: {}",
                    self.cause.message
                ),
            )
            .at(extension, channel)
            .with_cause(*self.cause),
        }
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

impl From<IpcError> for HandlerError {
    fn from(err: IpcError) -> Self {
        let mut this = Self::new(IPC_ERROR_NAME, err.message.clone()).with_code(err.code.as_str());
        this.ipc = Some(Box::new(err));
        this
    }
}

impl From<std::io::Error> for HandlerError {
    fn from(err: std::io::Error) -> Self {
        Self::from_error(&err).with_code(format!("{:?}", err.kind()))
    }
}

impl From<serde_json::Error> for HandlerError {
    fn from(err: serde_json::Error) -> Self {
        Self::new("SyntaxError", err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_wire_code_and_skips_empty_fields() {
        let err = IpcError::new(ErrorCode::NoHandler, "no handler for \"x\"").at("example", "x");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "NO_HANDLER");
        assert_eq!(json["name"], "IpcError");
        assert_eq!(json["extension"], "example");
        assert!(json.get("cause").is_none());
        assert_eq!(err.to_string(), "NO_HANDLER: no handler for \"x\"");
    }

    #[cfg(feature = "runtime")]
    #[test]
    fn handler_errors_keep_code_data_and_cause_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "notes.json missing");
        let err = HandlerError::new("NotesError", "cannot load")
            .with_code("LOAD")
            .with_data(serde_json::json!({"path": "notes.json"}))
            .caused_by(io.into());
        let json = serde_json::to_value(err.cause()).unwrap();
        assert_eq!(json["name"], "NotesError");
        assert_eq!(json["code"], "LOAD");
        assert_eq!(json["data"]["path"], "notes.json");
        assert_eq!(json["cause"]["message"], "notes.json missing");
        assert_eq!(json["cause"]["code"], "NotFound");
        let seen = err.into_ipc_error("notes", "load");
        assert_eq!(seen.code, ErrorCode::HandlerFailed);
        assert!(seen.message.contains("cannot load"));
        assert_eq!(seen.cause.unwrap().name, "NotesError");
    }

    #[cfg(feature = "runtime")]
    #[test]
    fn ipc_errors_raised_inside_a_handler_keep_their_code() {
        let bad = IpcError::new(ErrorCode::BadPayload, "argument 0: expected a string");
        let seen = HandlerError::from(bad).into_ipc_error("notes", "get");
        assert_eq!(seen.code, ErrorCode::BadPayload);
        assert_eq!(seen.channel.as_deref(), Some("get"));
    }
}
