//! The guest's standard output and error: kept as a short tail, never written anywhere.
//!
//! A Rust guest that panics prints the panic message to standard error before it traps; the
//! tail lets the error of that call say what the guest said. Writes never fail and never grow
//! the host's memory past [`TAIL_BYTES`], whatever the guest writes.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// How much of the guest's latest output is kept.
pub const TAIL_BYTES: usize = 2048;

/// How much one write may hand the host at once.
const WRITE_PERMIT: usize = 64 * 1024;

/// The tail of everything the guest wrote to standard output and error. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Console {
    tail: Arc<Mutex<VecDeque<u8>>>,
}

impl Console {
    /// Forgets what was written so far (at the start of each call).
    pub fn clear(&self) {
        self.tail.lock().clear();
    }

    /// What was written since the last [`Console::clear`], at most [`TAIL_BYTES`], as text.
    pub fn text(&self) -> String {
        let tail = self.tail.lock();
        let (front, back) = tail.as_slices();
        let bytes = [front, back].concat();
        String::from_utf8_lossy(&bytes).trim().to_string()
    }

    fn write(&self, bytes: &[u8]) {
        let mut tail = self.tail.lock();
        let keep = bytes.len().min(TAIL_BYTES);
        tail.extend(&bytes[bytes.len() - keep..]);
        let excess = tail.len().saturating_sub(TAIL_BYTES);
        tail.drain(..excess);
    }
}

impl IsTerminal for Console {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Console {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        // Only WASI preview 3 asks for this one; this host links preview 2.
        Box::new(tokio::io::sink())
    }
}

impl OutputStream for Console {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        Console::write(self, &bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Console {
    async fn ready(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_latest_bytes() {
        let console = Console::default();
        console.write(&vec![b'a'; TAIL_BYTES]);
        console.write(b"\nthe end\n");
        let text = console.text();
        assert!(text.ends_with("the end"), "{text}");
        assert_eq!(console.tail.lock().len(), TAIL_BYTES);
        console.write(&vec![b'b'; 3 * TAIL_BYTES]);
        assert_eq!(console.text(), "b".repeat(TAIL_BYTES));
        console.clear();
        assert_eq!(console.text(), "");
    }
}
