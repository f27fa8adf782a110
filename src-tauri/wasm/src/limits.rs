//! What one extension's component may take: memory, time per call, time waiting on a frame,
//! queued events. The host enforces each; the manifest cannot raise any of them.

use std::time::Duration;

/// The memory every linear memory of one instance may take together, unless the caller says
/// otherwise.
pub const DEFAULT_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// How long one call into the guest (a handler, a listener, `deactivate`) may run.
pub const DEFAULT_CALL_DEADLINE: Duration = Duration::from_secs(5);

/// How long instantiating the component and its `activate` may run together.
pub const DEFAULT_ACTIVATION_DEADLINE: Duration = Duration::from_secs(10);

/// How long a main-to-frame `request` waits when the guest names no timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a request's handler may go on after its call is cancelled before it is stopped and
/// its instance replaced; a handler that checks `cancelled` or paces itself with `wait` returns
/// well within it.
pub const DEFAULT_CANCEL_GRACE: Duration = Duration::from_millis(250);

/// The longest one `wait` of the guest lasts.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

/// Broadcasts waiting for the guest's listeners; past it they are dropped and reported.
pub const DEFAULT_EVENT_QUEUE: usize = 1024;

/// Elements all tables of one instance may hold together (a pointer each on the host).
pub const MAX_TABLE_ELEMENTS: usize = 1 << 20;

/// Core instances, memories and tables one store may create: a Rust component has a handful.
pub const MAX_INSTANCES: usize = 256;
/// See [`MAX_INSTANCES`].
pub const MAX_MEMORIES: usize = 16;
/// See [`MAX_INSTANCES`].
pub const MAX_TABLES: usize = 256;

/// The limits of one extension's component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of linear memory, all memories of the instance together. Growth past it traps.
    pub memory_bytes: usize,
    /// Time one call into the guest may run; past it the call traps with `TIMED_OUT`.
    pub call_deadline: Duration,
    /// Time instantiation and `activate` may run.
    pub activation_deadline: Duration,
    /// Default timeout of the guest's requests to a frame.
    pub request_timeout: Duration,
    /// Time a request's handler has to return once its call is cancelled.
    pub cancel_grace: Duration,
    /// Broadcasts queued for the guest's listeners at most.
    pub event_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            call_deadline: DEFAULT_CALL_DEADLINE,
            activation_deadline: DEFAULT_ACTIVATION_DEADLINE,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            cancel_grace: DEFAULT_CANCEL_GRACE,
            event_queue: DEFAULT_EVENT_QUEUE,
        }
    }
}

/// The trap raised when the guest grows its memory past [`Limits::memory_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryCapExceeded {
    /// The cap, in bytes.
    pub cap: usize,
    /// What the instance would have held, in bytes.
    pub wanted: usize,
}

impl std::fmt::Display for MemoryCapExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the component grew its memory to {} bytes, past its cap of {} bytes",
            self.wanted, self.cap
        )
    }
}

impl std::error::Error for MemoryCapExceeded {}

/// Counts one instance's memory and tables, all of them together, against the limits.
#[derive(Debug)]
pub(crate) struct Limiter {
    cap: usize,
    memory: usize,
    table_elements: usize,
    /// Set when growth was refused, so the trap it causes is told apart from others.
    pub exceeded: Option<MemoryCapExceeded>,
}

impl Limiter {
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            memory: 0,
            table_elements: 0,
            exceeded: None,
        }
    }
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let wanted = self.memory.saturating_add(desired.saturating_sub(current));
        if wanted > self.cap {
            let exceeded = MemoryCapExceeded {
                cap: self.cap,
                wanted,
            };
            self.exceeded = Some(exceeded);
            // An error, not `Ok(false)`: growth past the cap traps, so the call fails and the
            // instance is replaced, rather than leaving a guest that ignores a failed
            // `memory.grow` running at its cap.
            return Err(wasmtime::Error::new(exceeded));
        }
        self.memory = wanted;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let wanted = self
            .table_elements
            .saturating_add(desired.saturating_sub(current));
        if wanted > MAX_TABLE_ELEMENTS {
            return Ok(false);
        }
        self.table_elements = wanted;
        Ok(true)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter;

    #[test]
    fn memory_counts_every_memory_together_and_refuses_past_the_cap() {
        let mut limiter = Limiter::new(100);
        assert!(limiter.memory_growing(0, 60, None).unwrap());
        assert!(limiter.memory_growing(0, 40, None).unwrap());
        let err = limiter.memory_growing(60, 61, None).unwrap_err();
        let exceeded = err.downcast_ref::<MemoryCapExceeded>().unwrap();
        assert_eq!((exceeded.cap, exceeded.wanted), (100, 101));
        assert_eq!(limiter.exceeded, Some(*exceeded));
    }
}
