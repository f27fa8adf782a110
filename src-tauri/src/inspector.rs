//! The IPC inspector's recorder: a bounded ring of the latest extension IPC messages, fed by the
//! router while the inspector is open. Closed, it costs the router one atomic load per message.
//!
//! Payloads come from extensions, so what is kept of them is a preview bounded in depth and size
//! ([`Graph::preview_json`]): a message nested 10,000 deep or holding 64 MB is recorded as a few
//! KiB of JSON with notes where it was cut, never walked or serialized whole (which once
//! overflowed the main thread's stack).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ferrolens_ipc::value::PreviewLimits;
use ferrolens_ipc::{Graph, Kind, Observation, Observer, Origin, Payload};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value as JsonValue;

/// Entries kept; older ones are dropped first.
pub const DEFAULT_CAPACITY: usize = 2_000;
/// About how many bytes of JSON text a payload's preview keeps; past them it is cut, with notes.
pub const MAX_KEPT_PAYLOAD: usize = 64 * 1024;
/// How deep a payload's preview goes: deeper objects are shown as a note.
pub const MAX_KEPT_DEPTH: usize = 64;
/// Payload bytes the ring keeps in all; past them the oldest entries are dropped, whatever the
/// capacity (2,000 entries of 64 KiB would be 128 MiB).
pub const MAX_KEPT_BYTES: usize = 32 << 20;
/// The most bytes of an error message kept.
pub const MAX_KEPT_MESSAGE: usize = 4 * 1024;

/// What a payload's preview keeps.
pub const PREVIEW: PreviewLimits = PreviewLimits {
    max_depth: MAX_KEPT_DEPTH,
    max_bytes: MAX_KEPT_PAYLOAD,
};

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
    /// Size in bytes of the payload as kept (its preview as JSON text).
    pub size: usize,
    /// True when the payload was cut to fit [`PREVIEW`]: deeper or larger than it keeps.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// For replies and errors: how long the call took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// For errors: code and message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JsonValue>,
    /// The payload's preview (see [`PREVIEW`]).
    pub payload: JsonValue,
}

/// The recorder, shared by the router (as its observer) and the inspector commands.
pub struct Inspector {
    recording: AtomicBool,
    next: AtomicU64,
    capacity: usize,
    entries: Mutex<Ring>,
}

/// The kept entries and their payloads' total size.
#[derive(Default)]
struct Ring {
    entries: VecDeque<Entry>,
    bytes: usize,
}

impl Inspector {
    /// A stopped recorder keeping at most `capacity` entries.
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Self {
            recording: AtomicBool::new(false),
            next: AtomicU64::new(1),
            capacity: capacity.max(1),
            entries: Mutex::new(Ring {
                entries: VecDeque::with_capacity(capacity.min(4096)),
                bytes: 0,
            }),
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
        self.entries_within(since, usize::MAX)
    }

    /// Entries newer than `since`, oldest first, as many as fit `max_bytes` of payload (at least
    /// one): the rest follow in the next call with the last one's `seq`.
    pub fn entries_within(&self, since: u64, max_bytes: usize) -> Vec<Entry> {
        let ring = self.entries.lock();
        let mut budget = max_bytes;
        let mut out = Vec::new();
        for entry in ring.entries.iter().filter(|e| e.seq > since) {
            if !out.is_empty() && entry.size > budget {
                break;
            }
            budget = budget.saturating_sub(entry.size);
            out.push(entry.clone());
        }
        out
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        let mut ring = self.entries.lock();
        ring.entries.clear();
        ring.bytes = 0;
    }

    /// Entries kept now.
    pub fn len(&self) -> usize {
        self.entries.lock().entries.len()
    }

    /// Payload bytes kept now.
    pub fn kept_bytes(&self) -> usize {
        self.entries.lock().bytes
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
        let mut ring = self.entries.lock();
        ring.bytes += entry.size;
        ring.entries.push_back(entry);
        while ring.entries.len() > self.capacity
            || (ring.bytes > MAX_KEPT_BYTES && ring.entries.len() > 1)
        {
            if let Some(old) = ring.entries.pop_front() {
                ring.bytes -= old.size;
            }
        }
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
        let preview = |graph: &Graph| {
            let preview = graph.preview_json(graph.root(), PREVIEW);
            (preview.json, preview.whole)
        };
        let (payload, whole) = match o.payload {
            Payload::Args(args) => preview(args.graph()),
            Payload::Answer(value) => preview(value),
            // Passed through undecoded (a WebAssembly main part's call): decoded for the
            // recording only, within the format's limits.
            Payload::Encoded(bytes) => match ferrolens_ipc::value::decode(bytes) {
                Ok(value) => preview(&value),
                Err(err) => (JsonValue::String(format!("(not decodable: {err})")), true),
            },
            Payload::None => (JsonValue::Null, true),
        };
        // Bounded in depth, so serializing it cannot recurse far.
        let size = serde_json::to_vec(&payload).map_or(0, |b| b.len());
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
            truncated: !whole,
            latency_ms: o.latency.map(|d| d.as_secs_f64() * 1000.0),
            error: o
                .error
                .map(|e| serde_json::json!({"code": e.code, "message": clip(&e.message)})),
            payload,
        });
    }
}

/// `message`, cut to [`MAX_KEPT_MESSAGE`] bytes.
fn clip(message: &str) -> String {
    if message.len() <= MAX_KEPT_MESSAGE {
        return message.to_string();
    }
    let mut end = MAX_KEPT_MESSAGE;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} more bytes not shown)",
        &message[..end],
        message.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrolens_ipc::{Args, Channel, ExtensionId};

    fn observe(recorder: &Recorder, n: u64) {
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let args = Args::new(vec![JsonValue::from(n)]);
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
        let kept: Vec<&JsonValue> = entries.iter().map(|e| &e.payload[0]).collect();
        assert_eq!(
            kept,
            [
                &JsonValue::from(7),
                &JsonValue::from(8),
                &JsonValue::from(9)
            ]
        );
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

    fn observe_reply(recorder: &Recorder, value: &ferrolens_ipc::Graph) {
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        recorder.observe(&Observation {
            kind: Kind::Reply,
            extension: &id,
            channel: &ch,
            origin: &Origin::Main,
            frame: None,
            payload: Payload::Answer(value),
            latency: Some(std::time::Duration::from_millis(3)),
            error: None,
        });
    }

    #[test]
    fn large_payloads_are_cut_to_a_preview_and_marked() {
        let inspector = Inspector::new(10);
        let recorder = Recorder(inspector.clone());
        let big = ferrolens_ipc::Graph::from(JsonValue::String("x".repeat(10 * MAX_KEPT_PAYLOAD)));
        observe_reply(&recorder, &big);
        let entry = &inspector.entries_since(0)[0];
        let kept = entry.payload.as_str().unwrap();
        assert!(
            kept.ends_with("more bytes not shown)"),
            "{}",
            &kept[kept.len() - 40..]
        );
        assert!(entry.truncated);
        assert!(entry.size <= MAX_KEPT_PAYLOAD + 64, "{}", entry.size);
        assert_eq!(entry.latency_ms, Some(3.0));
        observe_reply(
            &recorder,
            &ferrolens_ipc::Graph::from(JsonValue::from("small")),
        );
        let entry = &inspector.entries_since(0)[1];
        assert!(!entry.truncated);
        assert_eq!(entry.size, "\"small\"".len());
    }

    #[test]
    fn the_deepest_broadcast_is_recorded_and_served_on_a_small_stack() {
        // The arguments' array and 9,998 arrays inside it: the wire format's 10,000 levels.
        let mut g = ferrolens_ipc::Graph::new();
        let mut v = ferrolens_ipc::value::Value::Null;
        for _ in 0..ferrolens_ipc::value::MAX_DEPTH - 2 {
            v = g.array(vec![v]);
        }
        let root = g.array(vec![v]);
        let bytes = ferrolens_ipc::value::encode(&g.with_root(root));
        let args = ferrolens_ipc::Args::decode(&bytes).unwrap();
        // 256 KiB: serializing the whole payload recursed 62,000 frames deep on the main thread.
        let served = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let inspector = Inspector::new(10);
                inspector.set_recording(true);
                let recorder = Recorder(inspector.clone());
                let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
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
                drop(args);
                // What the inspector's commands do with it: serialize, pretty too, and drop.
                let entries = inspector.entries_since(0);
                serde_json::to_vec_pretty(&entries).unwrap();
                serde_json::to_string(&entries[0].payload).unwrap()
            })
            .unwrap()
            .join()
            .unwrap();
        let note = format!("\"(nested deeper than {MAX_KEPT_DEPTH} levels: not shown)\"");
        assert!(served.contains(&note), "{served}");
        assert_eq!(served.matches('[').count(), MAX_KEPT_DEPTH);
    }

    #[test]
    fn the_ring_is_bounded_in_payload_bytes_as_well_as_entries() {
        let inspector = Inspector::new(DEFAULT_CAPACITY);
        let recorder = Recorder(inspector.clone());
        let big = ferrolens_ipc::Graph::from(JsonValue::String("x".repeat(2 * MAX_KEPT_PAYLOAD)));
        let count = MAX_KEPT_BYTES / MAX_KEPT_PAYLOAD + 100;
        for _ in 0..count {
            observe_reply(&recorder, &big);
        }
        assert!(inspector.kept_bytes() <= MAX_KEPT_BYTES);
        assert!(inspector.len() < count);
        let newest = inspector.entries_since(0).last().unwrap().seq;
        assert_eq!(newest, count as u64, "the newest entries are the ones kept");
        // Served a few MiB at a time: the next call starts after the last one given.
        let first = inspector.entries_within(0, 1 << 20);
        assert!(first.len() < inspector.len());
        assert!(first.iter().map(|e| e.size).sum::<usize>() <= 1 << 20);
        let rest = inspector.entries_within(first.last().unwrap().seq, usize::MAX);
        assert_eq!(first.len() + rest.len(), inspector.len());
    }

    #[test]
    fn a_payload_passed_through_encoded_is_shown_decoded_or_as_not_decodable() {
        let inspector = Inspector::new(10);
        let recorder = Recorder(inspector.clone());
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let value = ferrolens_ipc::Graph::from(serde_json::json!({"note": [1, "two"]}));
        let bytes = ferrolens_ipc::value::encode(&value);
        for payload in [&bytes[..], &[0xff, 0x01][..]] {
            recorder.observe(&Observation {
                kind: Kind::Reply,
                extension: &id,
                channel: &ch,
                origin: &Origin::Main,
                frame: None,
                payload: Payload::Encoded(payload),
                latency: None,
                error: None,
            });
        }
        let entries = inspector.entries_since(0);
        assert_eq!(entries[0].payload, serde_json::json!({"note": [1, "two"]}));
        let shown = entries[1].payload.as_str().unwrap();
        assert!(shown.starts_with("(not decodable: "), "{shown}");
    }

    #[test]
    fn a_long_error_message_is_cut() {
        let inspector = Inspector::new(10);
        let recorder = Recorder(inspector.clone());
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let error = ferrolens_ipc::IpcError::new(
            ferrolens_ipc::ErrorCode::HandlerFailed,
            "é".repeat(MAX_KEPT_MESSAGE),
        );
        recorder.observe(&Observation {
            kind: Kind::Error,
            extension: &id,
            channel: &ch,
            origin: &Origin::Main,
            frame: None,
            payload: Payload::None,
            latency: None,
            error: Some(&error),
        });
        let entry = &inspector.entries_since(0)[0];
        let message = entry.error.as_ref().unwrap()["message"].as_str().unwrap();
        assert!(message.len() < MAX_KEPT_MESSAGE + 40);
        assert!(message.ends_with(&format!("({} more bytes not shown)", MAX_KEPT_MESSAGE)));
    }
}
