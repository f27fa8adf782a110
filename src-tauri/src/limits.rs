//! The size limit of one extension IPC message, checked on the raw body before anything decodes
//! it: one comparison, so the small calls pay nothing for it.

use std::sync::atomic::{AtomicUsize, Ordering};

use ferrolens_ipc::{ErrorCode, IpcError};

/// The default limit, 64 MiB: room for large binary data (a message's bytes are at most its
/// size in memory) while the structure of a decoded message stays within about 1 GiB (see
/// `ferrolens_value::STRUCTURE_BYTES_PER_INPUT_BYTE`). A 256 MB broadcast was accepted and
/// delivered before (5 GB at its peak).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 << 20;

/// App state: the largest message body (arguments or a reply, in the wire format or as a lone
/// binary argument) the core accepts, set with `--max-message-bytes`.
#[derive(Debug)]
pub struct MessageLimit(AtomicUsize);

impl Default for MessageLimit {
    fn default() -> Self {
        Self(AtomicUsize::new(DEFAULT_MAX_MESSAGE_BYTES))
    }
}

impl MessageLimit {
    /// The limit in bytes.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Changes the limit (at start-up, from the command line; tests set small ones).
    pub fn set(&self, max_bytes: usize) {
        self.0.store(max_bytes, Ordering::Relaxed);
    }

    /// `PAYLOAD_TOO_LARGE`, naming the size and the limit, when a body of `len` bytes is over it.
    pub fn check(&self, len: usize) -> Result<(), IpcError> {
        let max = self.get();
        if len <= max {
            return Ok(());
        }
        Err(IpcError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "the message is {len} bytes, over the limit of {max} bytes per message \
                 (--max-message-bytes); nothing of it was decoded"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_over_the_limit_is_refused_naming_its_size_and_the_limit() {
        let limit = MessageLimit::default();
        assert!(limit.check(DEFAULT_MAX_MESSAGE_BYTES).is_ok());
        let err = limit.check(DEFAULT_MAX_MESSAGE_BYTES + 1).unwrap_err();
        assert_eq!(err.code, ErrorCode::PayloadTooLarge);
        assert!(err
            .message
            .contains(&format!("{} bytes", DEFAULT_MAX_MESSAGE_BYTES + 1)));
        assert!(err
            .message
            .contains(&format!("limit of {DEFAULT_MAX_MESSAGE_BYTES} bytes")));
        limit.set(10);
        assert!(limit.check(10).is_ok());
        assert!(limit.check(11).is_err());
    }
}
