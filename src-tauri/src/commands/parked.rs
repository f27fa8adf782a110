//! Large binary answers, parked until their frame takes them (docs/protocol.md, "Answers").
//!
//! An answer body ends with a form byte, so a frame must copy a binary answer out of it to give
//! the caller a buffer of exactly its bytes; for 10 MiB that copy took 4.5 ms in a frame, five
//! times a call's round trip. A lone binary answer of at least [`PARK_MIN`] bytes is parked here
//! instead, and the invoke answers with its ticket; the frame then takes it with
//! `ferrolens_take_answer`, whose body is the bytes alone, handed to the caller as they are.

use std::collections::btree_map::{BTreeMap, Entry as Slot};
use std::time::{Duration, Instant};

use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;

/// Lone binary answers of at least this many bytes are parked. The second request costs about
/// what copying 1 MiB in a frame does (0.45 ms), so parking pays from there; twice that leaves a
/// margin.
pub const PARK_MIN: usize = 2 << 20;

/// How long a parked answer waits for its frame. A frame takes it as soon as the invoke's answer
/// arrives; one that never does (it navigated away or crashed in between, or is not the SDK)
/// must not hold the bytes for ever. Older answers are dropped when the next one is parked.
pub const PARK_TTL: Duration = Duration::from_secs(60);

/// At most this many bytes stay parked: parking more drops the oldest answers first.
pub const PARKED_MAX_BYTES: usize = 512 << 20;

/// One parked answer and whom it is for.
struct Entry {
    frame: String,
    extension: ExtensionId,
    bytes: Vec<u8>,
    parked_at: Instant,
}

/// The parked answers, by ticket.
pub struct Parked {
    inner: Mutex<Tickets>,
    max_bytes: usize,
}

impl Default for Parked {
    fn default() -> Self {
        Self::with_max_bytes(PARKED_MAX_BYTES)
    }
}

/// Tickets count up, so the map's order is the order the answers were parked in.
#[derive(Default)]
struct Tickets {
    last: u64,
    entries: BTreeMap<u64, Entry>,
    bytes: usize,
}

impl Tickets {
    /// Drops the oldest answer while it is stale, or while more than `max_bytes` are parked.
    fn sweep(&mut self, now: Instant, max_bytes: usize) {
        while let Some(oldest) = self.entries.first_entry() {
            let stale = now.saturating_duration_since(oldest.get().parked_at) >= PARK_TTL;
            if !stale && self.bytes <= max_bytes {
                break;
            }
            self.bytes -= oldest.remove().bytes.len();
        }
    }
}

impl Parked {
    /// Parked answers that drop the oldest past `max_bytes` in all.
    pub fn with_max_bytes(max_bytes: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_bytes,
        }
    }

    /// Parks `bytes` for `extension` in `frame`; returns its ticket.
    pub fn park(&self, frame: &str, extension: &ExtensionId, bytes: Vec<u8>) -> u64 {
        self.park_at(frame, extension, bytes, Instant::now())
    }

    fn park_at(&self, frame: &str, extension: &ExtensionId, bytes: Vec<u8>, now: Instant) -> u64 {
        let mut inner = self.inner.lock();
        inner.last += 1;
        let ticket = inner.last;
        inner.bytes += bytes.len();
        let entry = Entry {
            frame: frame.to_string(),
            extension: extension.clone(),
            bytes,
            parked_at: now,
        };
        inner.entries.insert(ticket, entry);
        inner.sweep(now, self.max_bytes);
        ticket
    }

    /// Takes the answer parked under `ticket`, if it is for `extension` in `frame`. An answer for
    /// another frame or extension stays parked.
    pub fn take(
        &self,
        frame: &str,
        extension: &ExtensionId,
        ticket: u64,
    ) -> Result<Vec<u8>, IpcError> {
        let mut inner = self.inner.lock();
        match inner.entries.entry(ticket) {
            Slot::Occupied(slot)
                if slot.get().frame == frame && slot.get().extension == *extension =>
            {
                let bytes = slot.remove().bytes;
                inner.bytes -= bytes.len();
                Ok(bytes)
            }
            Slot::Occupied(_) => Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("answer {ticket} was parked for another frame or extension"),
            )),
            Slot::Vacant(_) => Err(IpcError::new(
                ErrorCode::BadPayload,
                format!(
                    "no answer is parked under ticket {ticket} (taken already, or dropped: \
                     answers wait {} s, and {} bytes at most are parked)",
                    PARK_TTL.as_secs(),
                    self.max_bytes
                ),
            )),
        }
    }

    /// Drops the answers parked for `frame` (it navigated or closed).
    pub fn reset_frame(&self, frame: &str) {
        let mut inner = self.inner.lock();
        inner.entries.retain(|_, e| e.frame != frame);
        inner.bytes = inner.entries.values().map(|e| e.bytes.len()).sum();
    }

    /// How many answers are parked.
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// True when no answer is parked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> ExtensionId {
        ExtensionId::new(name).unwrap()
    }

    #[test]
    fn an_answer_is_taken_once_by_its_frame_and_extension() {
        let parked = Parked::default();
        let bytes = vec![7u8; 100];
        let at = bytes.as_ptr();
        let ticket = parked.park("main", &id("notes"), bytes);
        let other = parked.park("main", &id("notes"), vec![1]);
        assert_ne!(ticket, other);
        let taken = parked.take("main", &id("notes"), ticket).unwrap();
        assert_eq!(taken.as_ptr(), at, "the parked memory itself, not a copy");
        let again = parked.take("main", &id("notes"), ticket).unwrap_err();
        assert_eq!(again.code, ErrorCode::BadPayload);
        assert!(
            again.message.contains("no answer is parked under ticket"),
            "{again}"
        );
        assert_eq!(parked.len(), 1);
    }

    #[test]
    fn another_frame_or_extension_cannot_take_it_and_it_stays() {
        let parked = Parked::default();
        let ticket = parked.park("main", &id("notes"), vec![1, 2]);
        let e = parked.take("frame-2", &id("notes"), ticket).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let e = parked.take("main", &id("clock"), ticket).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(parked.take("main", &id("notes"), ticket).unwrap(), [1, 2]);
    }

    #[test]
    fn answers_of_a_reset_frame_and_stale_ones_are_dropped() {
        let parked = Parked::default();
        let start = Instant::now();
        parked.park_at("main", &id("notes"), vec![1], start);
        parked.park_at("frame-2", &id("notes"), vec![2], start);
        parked.reset_frame("frame-2");
        assert_eq!(parked.len(), 1);
        // Parking after the time to live drops the old answer.
        let ticket = parked.park_at("main", &id("notes"), vec![3], start + PARK_TTL);
        assert_eq!(parked.len(), 1);
        assert_eq!(parked.take("main", &id("notes"), ticket).unwrap(), [3]);
        assert!(parked.is_empty());
    }

    #[test]
    fn past_the_maximum_the_oldest_answers_are_dropped_first() {
        let parked = Parked::with_max_bytes(300);
        let third = 100;
        let tickets: Vec<u64> = (0..4)
            .map(|_| parked.park("main", &id("notes"), vec![0; third]))
            .collect();
        assert_eq!(parked.len(), 3, "the first answer made room");
        let e = parked.take("main", &id("notes"), tickets[0]).unwrap_err();
        assert!(e.message.contains("300 bytes at most"), "{e}");
        for &ticket in &tickets[1..] {
            assert_eq!(
                parked.take("main", &id("notes"), ticket).unwrap().len(),
                third
            );
        }
        // Taken answers no longer count: a whole maximum fits again.
        parked.park("main", &id("notes"), vec![0; 300]);
        assert_eq!(parked.len(), 1);
    }
}
