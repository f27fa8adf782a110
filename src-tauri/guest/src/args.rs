//! Arguments of a broadcast, invoke or request: `ferrolens_ipc::Args`, the very type a bundled
//! Rust main part receives (one structured-clone graph whose root is the array of positional
//! arguments, typed access through serde), so the two cannot drift apart.

use ferrolens_value::Graph;

use crate::error::{ErrorCode, IpcError};

pub use ferrolens_ipc::{Args, IntoArgs};

/// `graph` in the wire format, or `BAD_PAYLOAD` naming `what` cannot be encoded.
pub(crate) fn encode(graph: &Graph, what: &str) -> Result<Vec<u8>, IpcError> {
    ferrolens_value::try_encode(graph).map_err(|err| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!("{what} cannot be encoded: {err}"),
        )
    })
}
