//! Errors of the WebAssembly host, and how each reaches the caller: a component that cannot be
//! loaded fails its activation with a reason; a fault in a call is an `IpcError` with the code
//! `TIMED_OUT`, `HANDLER_FAILED` or `EXTENSION_DEACTIVATED`, never a panic.

use std::time::Duration;

use ferrolens_ipc::{ErrorCode, HandlerError, IpcError, IPC_ERROR_NAME};

use crate::limits::MemoryCapExceeded;

/// Why a component could not be loaded. The message is what the shell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The engine could not be set up.
    Engine(String),
    /// The bytes are not a component wasmtime can compile.
    Compile(String),
    /// The component is built for another version of the extension API.
    Version {
        /// The version the component names.
        found: String,
    },
    /// The component implements no Ferrolens extension world.
    NotAnExtension,
    /// The component imports what the host does not provide.
    Imports(String),
    /// The component lacks a function of the guest interface, or has one of another type.
    Exports(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::version::{API_PACKAGE, API_VERSION};
        match self {
            Self::Engine(why) => write!(f, "the WebAssembly engine could not start: {why}"),
            Self::Compile(why) => write!(f, "the component could not be compiled: {why}"),
            Self::Version { found } if found.is_empty() => write!(
                f,
                "the component names the extension API {API_PACKAGE} without a version; this \
                 Ferrolens runs {API_PACKAGE}@{API_VERSION}"
            ),
            Self::Version { found } => write!(
                f,
                "the component is built for the extension API {API_PACKAGE}@{found}, which this \
                 Ferrolens does not know: it runs {API_PACKAGE}@{API_VERSION}"
            ),
            Self::NotAnExtension => write!(
                f,
                "the component is not a Ferrolens extension: it exports no \
                 {API_PACKAGE}/guest interface"
            ),
            Self::Imports(why) => write!(
                f,
                "the component imports what Ferrolens does not provide: {why}"
            ),
            Self::Exports(why) => write!(
                f,
                "the component does not implement the extension world {API_PACKAGE}@{API_VERSION}: \
                 {why}"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// How a call into the guest went wrong (not counting the guest's own `handler-error`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The call ran past its deadline and was interrupted.
    Deadline(Duration),
    /// The guest grew its memory past the cap.
    Memory(MemoryCapExceeded),
    /// Any other trap (a panic, `unreachable`, an out-of-bounds access...): its message.
    Trap(String),
    /// The extension is being deactivated: the call was interrupted or never started.
    Deactivated,
    /// The instance had faulted before and a fresh one could not be made.
    Restart(String),
    /// The call was cancelled and the guest went on past the grace it had to return.
    Abandoned(Duration),
}

impl Fault {
    /// The error the caller sees for a fault during `what` (e.g. `handler for channel "x"`).
    pub fn to_ipc_error(&self, extension: &str, what: &str) -> IpcError {
        let discarded = "the instance was discarded and a fresh one will answer the next call";
        let (code, message) = match self {
            Self::Deadline(limit) => (
                ErrorCode::TimedOut,
                format!(
                    "{what} of extension {extension} ran past its deadline of {} ms and was \
                     interrupted; {discarded}",
                    limit.as_millis()
                ),
            ),
            Self::Memory(exceeded) => (
                ErrorCode::HandlerFailed,
                format!("{what} of extension {extension} failed: {exceeded}; {discarded}"),
            ),
            Self::Trap(trap) => (
                ErrorCode::HandlerFailed,
                format!("{what} of extension {extension} trapped: {trap}; {discarded}"),
            ),
            Self::Deactivated => (
                ErrorCode::ExtensionDeactivated,
                format!("extension {extension} was deactivated before {what} answered"),
            ),
            Self::Abandoned(grace) => (
                ErrorCode::Cancelled,
                format!(
                    "{what} of extension {extension} was cancelled and had not returned {} ms \
                     later, so it was stopped; {discarded}",
                    grace.as_millis()
                ),
            ),
            Self::Restart(why) => (
                ErrorCode::HandlerFailed,
                format!(
                    "{what} of extension {extension} could not run: its instance faulted \
                     earlier and a fresh one failed to start: {why}"
                ),
            ),
        };
        IpcError::new(code, message)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Deadline(limit) => write!(
                f,
                "it ran past its deadline of {} ms and was interrupted",
                limit.as_millis()
            ),
            Self::Memory(exceeded) => exceeded.fmt(f),
            Self::Trap(trap) => write!(f, "it trapped: {trap}"),
            Self::Deactivated => f.write_str("the extension was deactivated"),
            Self::Restart(why) => write!(f, "a fresh instance failed to start: {why}"),
            Self::Abandoned(grace) => write!(
                f,
                "it went on {} ms after its call was cancelled and was stopped",
                grace.as_millis()
            ),
        }
    }
}

/// The host's `ipc-error` record for an `IpcError`.
pub(crate) fn ipc_error_record(
    err: &IpcError,
) -> crate::bindings::ferrolens::extension::types::IpcError {
    crate::bindings::ferrolens::extension::types::IpcError {
        code: err.code.as_str().to_string(),
        message: err.message.clone(),
    }
}

/// The guest's `handler-error` as the `HandlerError` a Rust main part would have returned: an
/// `IpcError` with a known code stays one (so the caller gets that code), anything else is the
/// cause of `HANDLER_FAILED`. `data` that is not JSON is kept as a string.
pub(crate) fn handler_error(
    record: crate::bindings::ferrolens::extension::types::HandlerError,
) -> HandlerError {
    if record.name == IPC_ERROR_NAME {
        if let Some(code) = record.code.as_deref().and_then(error_code) {
            return HandlerError::from(IpcError::new(code, record.message));
        }
    }
    let mut err = HandlerError::new(record.name, record.message);
    if let Some(code) = record.code {
        err = err.with_code(code);
    }
    if let Some(data) = record.data {
        let data = serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data));
        err = err.with_data(data);
    }
    err
}

/// The error code with this wire spelling, e.g. `BAD_PAYLOAD`.
pub(crate) fn error_code(spelling: &str) -> Option<ErrorCode> {
    serde_json::from_value(serde_json::Value::String(spelling.to_string())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::ferrolens::extension::types::HandlerError as Record;

    fn record(name: &str, code: Option<&str>, data: Option<&str>) -> Record {
        Record {
            name: name.into(),
            message: "m".into(),
            code: code.map(Into::into),
            data: data.map(Into::into),
        }
    }

    #[test]
    fn an_ipc_error_from_the_guest_keeps_its_code_and_others_are_causes() {
        let code = ErrorCode::BadPayload.as_str();
        let bad = handler_error(record(IPC_ERROR_NAME, Some(code), None));
        assert_eq!(bad.cause().code.as_deref(), Some(code));
        let own = handler_error(record("NotFound", Some("ENOENT"), Some(r#"{"path":"a"}"#)));
        assert_eq!(own.cause().name, "NotFound");
        assert_eq!(own.cause().data, Some(serde_json::json!({"path": "a"})));
        let text = handler_error(record(IPC_ERROR_NAME, Some("NOT_A_CODE"), Some("not json")));
        assert_eq!(text.cause().name, IPC_ERROR_NAME);
        assert_eq!(text.cause().data, Some(serde_json::json!("not json")));
    }

    #[test]
    fn faults_map_to_the_codes_callers_match_on() {
        let deadline = Fault::Deadline(Duration::from_millis(250)).to_ipc_error("e", "x");
        assert_eq!(deadline.code, ErrorCode::TimedOut);
        assert!(deadline.message.contains("250 ms"), "{}", deadline.message);
        let trap = Fault::Trap("unreachable".into()).to_ipc_error("e", "x");
        assert_eq!(trap.code, ErrorCode::HandlerFailed);
        let gone = Fault::Deactivated.to_ipc_error("e", "x");
        assert_eq!(gone.code, ErrorCode::ExtensionDeactivated);
    }

    #[test]
    fn every_code_reads_back_from_its_spelling() {
        for code in [
            ErrorCode::BadPayload,
            ErrorCode::TimedOut,
            ErrorCode::NoHandler,
        ] {
            assert_eq!(error_code(code.as_str()), Some(code));
        }
        assert_eq!(error_code("bad_payload"), None);
    }
}
