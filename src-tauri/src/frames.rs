//! Renderer frames: which extensions each webview has loaded, the capability each holds, and
//! the broadcasts waiting for an extension that is not ready in that frame yet.
//!
//! Page JS can write any extension id into a call; Rust trusts only the token it issued to that
//! webview for that activation. A frame receives an extension's broadcasts from the moment the
//! extension is attached there; those sent before its renderer part is ready wait here and are
//! delivered, in order, when it says so.

use std::collections::{HashMap, VecDeque};

use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;
use serde::Serialize;

/// Broadcasts held for one extension in one frame before it is ready; past this the oldest
/// are dropped and reported.
pub const MAX_PENDING: usize = 10_000;

/// Bytes of broadcasts held for one extension in one frame before it is ready; past this the
/// oldest are dropped and reported, as past [`MAX_PENDING`]. A count alone let 100 held
/// broadcasts of 16 MB keep 2.4 GB. 96 MiB holds one message of the default 64 MiB limit in
/// its event form (base64, a third larger).
pub const MAX_PENDING_BYTES: usize = 96 << 20;

/// Every frame's extensions and capabilities.
#[derive(Default)]
pub struct Frames {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    frames: HashMap<String, Frame>,
    /// token -> (frame, extension)
    tokens: HashMap<String, (String, ExtensionId)>,
}

#[derive(Default)]
struct Frame {
    slots: HashMap<ExtensionId, Slot>,
}

struct Slot {
    token: String,
    activation: u64,
    ready: bool,
    pending: Pending,
}

/// The payloads held for one extension in one frame, with their total length.
#[derive(Default)]
struct Pending {
    payloads: VecDeque<String>,
    bytes: usize,
}

impl Pending {
    /// True when `len` more bytes would take the queue past either bound.
    fn full_for(&self, len: usize) -> bool {
        self.payloads.len() >= MAX_PENDING || self.bytes.saturating_add(len) > MAX_PENDING_BYTES
    }

    /// Holds `payload`, first dropping the oldest ones until it fits both bounds; one larger
    /// than [`MAX_PENDING_BYTES`] alone is dropped too. Returns how many were dropped.
    fn hold(&mut self, payload: String) -> usize {
        let mut dropped = 0;
        while !self.payloads.is_empty() && self.full_for(payload.len()) {
            if let Some(old) = self.payloads.pop_front() {
                self.bytes -= old.len();
                dropped += 1;
            }
        }
        if self.full_for(payload.len()) {
            return dropped + 1;
        }
        self.bytes += payload.len();
        self.payloads.push_back(payload);
        dropped
    }

    fn take(&mut self) -> VecDeque<String> {
        self.bytes = 0;
        std::mem::take(&mut self.payloads)
    }
}

/// What the shell shows of one frame.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FrameInfo {
    /// The webview label.
    pub label: String,
    /// Extensions attached there, and whether each is ready.
    pub extensions: Vec<(String, bool)>,
}

fn forbidden(frame: &str, id: &ExtensionId, why: String) -> IpcError {
    log::warn!("refused a call from frame {frame:?} for extension {id}: {why}");
    IpcError::new(ErrorCode::Forbidden, why).for_extension(id)
}

impl Frames {
    /// Attaches every extension in `extensions` to `frame` and issues their tokens. Once per
    /// page load: a second call is refused, so code running after the host cannot mint itself
    /// capabilities.
    pub fn init_frame(
        &self,
        frame: &str,
        extensions: &[(ExtensionId, u64)],
    ) -> Result<Vec<String>, IpcError> {
        let mut inner = self.inner.lock();
        if inner.frames.contains_key(frame) {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("frame {frame:?} is already initialised for this page load"),
            ));
        }
        inner.frames.insert(frame.to_string(), Frame::default());
        Ok(extensions
            .iter()
            .map(|(id, activation)| inner.attach(frame, id, *activation))
            .collect())
    }

    /// Attaches an extension activated after `frame` initialised; once per activation.
    pub fn attach(
        &self,
        frame: &str,
        id: &ExtensionId,
        activation: u64,
    ) -> Result<String, IpcError> {
        let mut inner = self.inner.lock();
        let Some(f) = inner.frames.get(frame) else {
            return Err(forbidden(
                frame,
                id,
                format!("frame {frame:?} has not initialised"),
            ));
        };
        if f.slots.get(id).is_some_and(|s| s.activation == activation) {
            return Err(forbidden(
                frame,
                id,
                format!("extension {id} is already attached to frame {frame:?}"),
            ));
        }
        Ok(inner.attach(frame, id, activation))
    }

    /// The frame's renderer part of `id` can receive: hands every held broadcast to `emit`, in
    /// order, then lets new ones through directly.
    pub fn ready(&self, frame: &str, id: &ExtensionId, mut emit: impl FnMut(String)) {
        let mut inner = self.inner.lock();
        if let Some(slot) = inner
            .frames
            .get_mut(frame)
            .and_then(|f| f.slots.get_mut(id))
        {
            for payload in slot.pending.take() {
                emit(payload);
            }
            slot.ready = true;
        }
    }

    /// Sends one broadcast of `id` to every frame it is attached to: one `emit(ready_frames,
    /// payload)` for the frames that are ready (one Tauri emit, however many frames), held for
    /// the others. Returns how many held broadcasts were dropped.
    pub fn deliver(
        &self,
        id: &ExtensionId,
        payload: &str,
        emit: impl FnOnce(&[&str], String),
    ) -> usize {
        let mut inner = self.inner.lock();
        let mut dropped = 0;
        let mut ready: Vec<&str> = Vec::new();
        for (label, frame) in inner.frames.iter_mut() {
            let Some(slot) = frame.slots.get_mut(id) else {
                continue;
            };
            if slot.ready {
                ready.push(label);
            } else {
                dropped += slot.pending.hold(payload.to_string());
            }
        }
        // Emitted under the lock, so a frame turning ready cannot slip between held and new.
        if !ready.is_empty() {
            emit(&ready, payload.to_string());
        }
        dropped
    }

    /// Sends one payload of `id` to one frame: now if ready, else held like broadcasts. A
    /// payload that would take what is held past [`MAX_PENDING`] or [`MAX_PENDING_BYTES`] is
    /// refused (`PAYLOAD_TOO_LARGE`) rather than dropping an older one, so the caller learns it
    /// at once.
    pub fn deliver_to(
        &self,
        frame: &str,
        id: &ExtensionId,
        payload: String,
        emit: impl FnOnce(String),
    ) -> Result<(), IpcError> {
        let mut inner = self.inner.lock();
        let Some(slot) = inner
            .frames
            .get_mut(frame)
            .and_then(|f| f.slots.get_mut(id))
        else {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("extension {id} is not loaded in frame {frame:?}"),
            )
            .for_extension(id));
        };
        if slot.ready {
            emit(payload);
        } else if slot.pending.full_for(payload.len()) {
            return Err(IpcError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "frame {frame:?} is not ready for extension {id} and holds {} message(s) of {} bytes for it; {} more bytes would pass its limit of {MAX_PENDING} messages or {MAX_PENDING_BYTES} bytes",
                    slot.pending.payloads.len(),
                    slot.pending.bytes,
                    payload.len()
                ),
            )
            .for_extension(id));
        } else {
            slot.pending.hold(payload);
        }
        Ok(())
    }

    /// Initialised frames and their extensions, by label.
    pub fn frames(&self) -> Vec<FrameInfo> {
        let inner = self.inner.lock();
        let mut frames: Vec<FrameInfo> = inner
            .frames
            .iter()
            .map(|(label, f)| {
                let mut extensions: Vec<(String, bool)> = f
                    .slots
                    .iter()
                    .map(|(id, s)| (id.to_string(), s.ready))
                    .collect();
                extensions.sort();
                FrameInfo {
                    label: label.clone(),
                    extensions,
                }
            })
            .collect();
        frames.sort_by(|a, b| a.label.cmp(&b.label));
        frames
    }

    /// Forgets `frame` and its tokens (page reload, window closed).
    pub fn reset_frame(&self, frame: &str) {
        let mut inner = self.inner.lock();
        inner.frames.remove(frame);
        inner.tokens.retain(|_, (f, _)| f != frame);
    }

    /// Detaches `id` from every frame and forgets its tokens (deactivation).
    pub fn revoke_extension(&self, id: &ExtensionId) {
        let mut inner = self.inner.lock();
        for frame in inner.frames.values_mut() {
            frame.slots.remove(id);
        }
        inner.tokens.retain(|_, (_, ext)| ext != id);
    }

    /// Number of live tokens, for tests and benchmarks.
    pub fn len(&self) -> usize {
        self.inner.lock().tokens.len()
    }

    /// True when no token is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capability issued to `frame` for extension `id`, if it is attached there: what the
    /// core writes into a call that came through the extension's own realm channel
    /// (`realm_channel.rs`), which the browser, not the realm, identifies.
    pub fn token_of(&self, frame: &str, id: &ExtensionId) -> Option<String> {
        let inner = self.inner.lock();
        Some(inner.frames.get(frame)?.slots.get(id)?.token.clone())
    }

    /// Checks a call from webview `frame` naming extension `id` with `token`; `current` is the
    /// extension's current activation (None when inactive).
    pub fn check(
        &self,
        frame: &str,
        id: &ExtensionId,
        token: &str,
        current: Option<u64>,
    ) -> Result<(), IpcError> {
        let Some(current) = current else {
            return Err(IpcError::new(
                ErrorCode::ExtensionNotActive,
                format!("extension {id} is not active"),
            )
            .for_extension(id));
        };
        let inner = self.inner.lock();
        let Some((owner_frame, owner)) = inner.tokens.get(token) else {
            return Err(forbidden(
                frame,
                id,
                format!("the capability presented for extension {id} is unknown or stale"),
            ));
        };
        if owner != id {
            return Err(forbidden(
                frame,
                id,
                format!("the capability presented belongs to extension {owner}, not {id}"),
            ));
        }
        if owner_frame != frame {
            return Err(forbidden(
                frame,
                id,
                format!(
                    "the capability presented was issued to frame {owner_frame:?}, not {frame:?}"
                ),
            ));
        }
        let activation = inner
            .frames
            .get(frame)
            .and_then(|f| f.slots.get(id))
            .map(|s| s.activation);
        if activation != Some(current) {
            return Err(forbidden(
                frame,
                id,
                format!(
                    "the capability presented for extension {id} is from an earlier activation"
                ),
            ));
        }
        Ok(())
    }
}

impl Inner {
    fn attach(&mut self, frame: &str, id: &ExtensionId, activation: u64) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let slots = &mut self.frames.entry(frame.to_string()).or_default().slots;
        if let Some(old) = slots.insert(
            id.clone(),
            Slot {
                token: token.clone(),
                activation,
                ready: false,
                pending: Pending::default(),
            },
        ) {
            self.tokens.remove(&old.token);
        }
        self.tokens
            .insert(token.clone(), (frame.to_string(), id.clone()));
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> ExtensionId {
        ExtensionId::new(name).unwrap()
    }

    #[test]
    fn a_token_works_only_for_its_frame_extension_and_activation() {
        let frames = Frames::default();
        let tokens = frames
            .init_frame("main", &[(id("a"), 1), (id("b"), 2)])
            .unwrap();
        assert!(frames.check("main", &id("a"), &tokens[0], Some(1)).is_ok());
        let wrong_ext = frames
            .check("main", &id("b"), &tokens[0], Some(2))
            .unwrap_err();
        assert_eq!(wrong_ext.code, ErrorCode::Forbidden);
        assert!(wrong_ext.message.contains("belongs to extension a"));
        let wrong_frame = frames
            .check("frame-2", &id("a"), &tokens[0], Some(1))
            .unwrap_err();
        assert!(wrong_frame.message.contains("issued to frame \"main\""));
        let stale = frames
            .check("main", &id("a"), &tokens[0], Some(7))
            .unwrap_err();
        assert!(stale.message.contains("earlier activation"));
        let forged = frames
            .check("main", &id("a"), "guess", Some(1))
            .unwrap_err();
        assert!(forged.message.contains("unknown or stale"));
        let inactive = frames
            .check("main", &id("a"), &tokens[0], None)
            .unwrap_err();
        assert_eq!(inactive.code, ErrorCode::ExtensionNotActive);
    }

    #[test]
    fn a_frame_initialises_once_per_page_load() {
        let frames = Frames::default();
        frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        let again = frames.init_frame("main", &[(id("a"), 1)]).unwrap_err();
        assert_eq!(again.code, ErrorCode::Forbidden);
        frames.reset_frame("main");
        assert_eq!(frames.len(), 0);
        assert!(frames.init_frame("main", &[(id("a"), 1)]).is_ok());
    }

    #[test]
    fn broadcasts_wait_for_a_frame_that_is_not_ready_and_arrive_in_order() {
        let frames = Frames::default();
        frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        frames.init_frame("frame-2", &[(id("a"), 1)]).unwrap();
        let mut sent = Vec::new();
        frames.ready("main", &id("a"), |p| sent.push(("main".to_string(), p)));
        for n in 0..3 {
            frames.deliver(&id("a"), &format!("m{n}"), |to, p| {
                sent.extend(to.iter().map(|f| (f.to_string(), p.clone())))
            });
        }
        frames.deliver(&id("b"), "other", |to, p| {
            sent.extend(to.iter().map(|f| (f.to_string(), p.clone())))
        });
        assert_eq!(sent.len(), 3, "only the ready frame got them: {sent:?}");
        frames.ready("frame-2", &id("a"), |p| {
            sent.push(("frame-2".to_string(), p))
        });
        frames.deliver(&id("a"), "m3", |to, p| {
            sent.extend(to.iter().map(|f| (f.to_string(), p.clone())))
        });
        let second: Vec<&str> = sent
            .iter()
            .filter(|(f, _)| f == "frame-2")
            .map(|(_, p)| p.as_str())
            .collect();
        assert_eq!(second, ["m0", "m1", "m2", "m3"]);
    }

    /// The bytes held for `id` in `frame`.
    fn held_bytes(frames: &Frames, frame: &str, id: &ExtensionId) -> usize {
        frames.inner.lock().frames[frame].slots[id].pending.bytes
    }

    #[test]
    fn held_broadcasts_are_bounded_in_bytes_dropping_the_oldest() {
        let frames = Frames::default();
        frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        // A quarter of the bound and a byte: three fit, a fourth pushes the oldest out.
        let size = MAX_PENDING_BYTES / 4 + 1;
        let mut dropped = 0;
        for n in 0..10u8 {
            let payload = char::from(b'0' + n).to_string().repeat(size);
            dropped += frames.deliver(&id("a"), &payload, |_, _| panic!("no frame is ready"));
            assert!(held_bytes(&frames, "main", &id("a")) <= MAX_PENDING_BYTES);
        }
        assert_eq!(dropped, 7, "every drop is reported");
        assert_eq!(held_bytes(&frames, "main", &id("a")), 3 * size);
        let mut sent = Vec::new();
        frames.ready("main", &id("a"), |p| sent.push(p.chars().next().unwrap()));
        assert_eq!(sent, ['7', '8', '9'], "the newest are kept, in order");
        assert_eq!(held_bytes(&frames, "main", &id("a")), 0);
    }

    #[test]
    fn a_broadcast_larger_than_the_byte_bound_is_dropped_and_reported_alone() {
        let frames = Frames::default();
        frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        frames.deliver(&id("a"), "small", |_, _| {});
        let huge = "x".repeat(MAX_PENDING_BYTES + 1);
        assert_eq!(frames.deliver(&id("a"), &huge, |_, _| {}), 2);
        assert_eq!(held_bytes(&frames, "main", &id("a")), 0);
        frames.deliver(&id("a"), "after", |_, _| {});
        let mut sent = Vec::new();
        frames.ready("main", &id("a"), |p| sent.push(p));
        assert_eq!(sent, ["after"]);
    }

    #[test]
    fn a_request_past_the_held_bytes_is_refused_not_an_older_one_dropped() {
        let frames = Frames::default();
        frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        let half = "r".repeat(MAX_PENDING_BYTES / 2);
        frames
            .deliver_to("main", &id("a"), half.clone(), |_| {})
            .unwrap();
        frames
            .deliver_to("main", &id("a"), half.clone(), |_| {})
            .unwrap();
        let refused = frames
            .deliver_to("main", &id("a"), "one more".into(), |_| {})
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::PayloadTooLarge);
        assert!(
            refused
                .message
                .contains(&format!("{MAX_PENDING_BYTES} bytes")),
            "{}",
            refused.message
        );
        let mut sent = 0;
        frames.ready("main", &id("a"), |p| {
            assert_eq!(p.len(), half.len());
            sent += 1;
        });
        assert_eq!(sent, 2);
    }

    #[test]
    fn a_late_activation_attaches_once_and_replaces_the_old_token() {
        let frames = Frames::default();
        let old = frames.init_frame("main", &[(id("a"), 1)]).unwrap();
        let new = frames.attach("main", &id("a"), 2).unwrap();
        assert!(frames.check("main", &id("a"), &old[0], Some(2)).is_err());
        assert!(frames.check("main", &id("a"), &new, Some(2)).is_ok());
        assert_eq!(
            frames.attach("main", &id("a"), 2).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert!(frames.attach("nowhere", &id("a"), 2).is_err());
    }

    #[test]
    fn revoking_an_extension_drops_its_tokens_in_every_frame() {
        let frames = Frames::default();
        let t1 = frames
            .init_frame("main", &[(id("a"), 1), (id("b"), 1)])
            .unwrap();
        frames.init_frame("frame-2", &[(id("a"), 1)]).unwrap();
        frames.revoke_extension(&id("a"));
        assert_eq!(frames.len(), 1);
        assert!(frames.check("main", &id("b"), &t1[1], Some(1)).is_ok());
    }
}
