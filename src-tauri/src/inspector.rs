//! The IPC inspector's recorder: a bounded ring of the latest extension IPC messages, fed by the
//! router while the inspector is open. Closed, it costs the router one atomic load per message.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ferrolens_ipc::{Kind, Observation, Observer, Origin, Payload};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;

/// Entries kept; older ones are dropped first.
pub const DEFAULT_CAPACITY: usize = 2_000;
/// Payloads larger than this (serialized) are summarized, not kept.
pub const MAX_KEPT_PAYLOAD: usize = 64 * 1024;

/// One recorded message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Increasing number, for `entries(since)`.
    pub seq: u64,
    /// Unix time in milliseconds.
    pub at: u64,
    /// broadcast, invoke, reply, error or request.
    pub kind: Kind,
    /// Extension id.
    pub extension: String,
    /// Channel.
    pub channel: String,
    /// Sender.
    pub origin: Origin,
    /// Who sent it to whom, e.g. `main → frames` or `frame-2 → main`.
    pub direction: String,
    /// Serialized payload size in bytes.
    pub size: usize,
    /// For replies and errors: how long the call took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// For errors: code and message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// The payload, or a note when it was too large to keep.
    pub payload: Value,
}

/// The recorder, shared by the router (as its observer) and the inspector commands.
pub struct Inspector {
    recording: AtomicBool,
    next: AtomicU64,
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Inspector {
    /// A stopped recorder keeping at most `capacity` entries.
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Self {
            recording: AtomicBool::new(false),
            next: AtomicU64::new(1),
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        })
    }

    /// Starts or stops recording.
    pub fn set_recording(&self, on: bool) {
        self.recording.store(on, Ordering::Relaxed);
    }

    /// True while recording.
    pub fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Relaxed)
    }

    /// Entries newer than `since`, oldest first.
    pub fn entries_since(&self, since: u64) -> Vec<Entry> {
        self.entries
            .lock()
            .iter()
            .filter(|e| e.seq > since)
            .cloned()
            .collect()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries.lock().clear();
    }

    /// Entries kept now.
    pub fn len(&self) -> usize {
        self.entries.lock().len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn push(&self, entry: Entry) {
        let mut entries = self.entries.lock();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }
}

/// `main`, or `frame:<label>` (a frame's label may itself be `main`).
fn label(origin: &Origin) -> String {
    match origin {
        Origin::Main => "main".into(),
        Origin::Frame { label } => format!("frame:{label}"),
    }
}

fn direction(o: &Observation<'_>) -> String {
    let from = label(o.origin);
    match (o.kind, o.frame) {
        (Kind::Broadcast, _) if matches!(o.origin, Origin::Main) => "main → frames".into(),
        (Kind::Broadcast, _) => format!("{from} → main + frames"),
        (Kind::Request, Some(frame)) => format!("main → frame:{frame}"),
        (Kind::Reply | Kind::Error, Some(frame)) => format!("frame:{frame} → main"),
        (Kind::Invoke, _) => format!("{from} → main"),
        (_, _) => format!("main → {from}"),
    }
}

/// Lets the router feed an [`Inspector`].
pub struct Recorder(pub Arc<Inspector>);

impl Observer for Recorder {
    fn observing(&self) -> bool {
        self.0.is_recording()
    }

    fn observe(&self, o: &Observation<'_>) {
        let payload = match o.payload {
            Payload::Args(args) => args.to_json(),
            Payload::Value(value) => value
                .to_json()
                .unwrap_or_else(|err| Value::String(format!("({err})"))),
            Payload::None => Value::Null,
        };
        let size = serde_json::to_vec(&payload).map_or(0, |b| b.len());
        let payload = if size > MAX_KEPT_PAYLOAD {
            Value::String(format!("({size} bytes: too large to keep)"))
        } else {
            payload
        };
        let at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.0.push(Entry {
            seq: self.0.next.fetch_add(1, Ordering::Relaxed),
            at,
            kind: o.kind,
            extension: o.extension.to_string(),
            channel: o.channel.to_string(),
            origin: o.origin.clone(),
            direction: direction(o),
            size,
            latency_ms: o.latency.map(|d| d.as_secs_f64() * 1000.0),
            error: o
                .error
                .map(|e| serde_json::json!({"code": e.code, "message": e.message})),
            payload,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrolens_ipc::{Args, Channel, ExtensionId};

    fn observe(recorder: &Recorder, n: u64) {
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let args = Args::new(vec![Value::from(n)]);
        recorder.observe(&Observation {
            kind: Kind::Broadcast,
            extension: &id,
            channel: &ch,
            origin: &Origin::frame("main"),
            frame: None,
            payload: Payload::Args(&args),
            latency: None,
            error: None,
        });
    }

    #[test]
    fn the_ring_keeps_the_newest_entries_within_capacity() {
        let inspector = Inspector::new(3);
        let recorder = Recorder(inspector.clone());
        for n in 0..10 {
            observe(&recorder, n);
        }
        let entries = inspector.entries_since(0);
        assert_eq!(entries.len(), 3);
        let kept: Vec<&Value> = entries.iter().map(|e| &e.payload[0]).collect();
        assert_eq!(kept, [&Value::from(7), &Value::from(8), &Value::from(9)]);
        assert_eq!(entries[0].direction, "frame:main → main + frames");
        assert_eq!(inspector.entries_since(entries[1].seq).len(), 1);
    }

    #[test]
    fn observing_follows_the_recording_switch() {
        let inspector = Inspector::new(10);
        let recorder = Recorder(inspector.clone());
        assert!(!recorder.observing());
        inspector.set_recording(true);
        assert!(recorder.observing());
    }

    #[test]
    fn large_payloads_are_summarized_not_kept() {
        let inspector = Inspector::new(10);
        let recorder = Recorder(inspector.clone());
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let big = ferrolens_ipc::Graph::from(Value::String("x".repeat(MAX_KEPT_PAYLOAD + 1)));
        recorder.observe(&Observation {
            kind: Kind::Reply,
            extension: &id,
            channel: &ch,
            origin: &Origin::Main,
            frame: None,
            payload: Payload::Value(&big),
            latency: Some(std::time::Duration::from_millis(3)),
            error: None,
        });
        let entry = &inspector.entries_since(0)[0];
        assert!(entry.payload.as_str().unwrap().contains("too large"));
        assert_eq!(entry.latency_ms, Some(3.0));
        assert!(entry.size > MAX_KEPT_PAYLOAD);
    }
}
