//! Who called the core last, and when, in each frame: the shell's page or an extension's realm.
//!
//! A realm's share (`realm_share.rs`) reads it to tell a flood that has the frame to itself,
//! which may go as fast as the frame moves it, from one whose calls overlap another party's,
//! which it paces: the frame's one web process carries every party's calls, so a flood's bytes
//! delay everyone else's answers there, whatever order the core answers in.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrolens_ipc::ExtensionId;
use parking_lot::Mutex;

/// Who made a call in a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// The frame's own page: the shell (and, in test builds, extensions run in its page).
    Page,
    /// An extension's realm, on its own channel.
    Realm(ExtensionId),
}

/// Frames tracked before quiet ones are forgotten.
const FRAMES_KEPT: usize = 64;
/// How long a frame with no call is remembered once more than [`FRAMES_KEPT`] are.
const QUIET: Duration = Duration::from_secs(10);

/// Each party's latest call in one frame (a handful: the page and the frame's realms).
type Parties = Vec<(Party, Instant)>;

/// The latest call of each party, by frame.
#[derive(Default, Clone)]
pub struct FrameActivity {
    frames: Arc<Mutex<HashMap<String, Parties>>>,
}

impl FrameActivity {
    /// Records that `party` made a call in `frame` now.
    pub fn note(&self, frame: &str, party: Party) {
        self.note_at(frame, party, Instant::now());
    }

    fn note_at(&self, frame: &str, party: Party, at: Instant) {
        let mut frames = self.frames.lock();
        if let Some(parties) = frames.get_mut(frame) {
            match parties.iter_mut().find(|(p, _)| *p == party) {
                Some((_, last)) => *last = at,
                None => parties.push((party, at)),
            }
            return;
        }
        if frames.len() >= FRAMES_KEPT {
            frames.retain(|_, parties| parties.iter().any(|(_, last)| at - *last < QUIET));
        }
        frames.insert(frame.to_string(), vec![(party, at)]);
    }

    /// True when a party other than extension `id`'s realm made a call in `frame` at or after
    /// `since`.
    pub fn others_since(&self, frame: &str, id: &ExtensionId, since: Instant) -> bool {
        let frames = self.frames.lock();
        frames.get(frame).is_some_and(|parties| {
            parties.iter().any(|(party, last)| {
                *last >= since && !matches!(party, Party::Realm(realm) if realm == id)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(name: &str) -> ExtensionId {
        ExtensionId::new(name).unwrap()
    }

    #[test]
    fn a_realm_alone_in_its_frame_sees_no_others() {
        let activity = FrameActivity::default();
        let start = Instant::now();
        activity.note("main", Party::Realm(ext("flood")));
        assert!(!activity.others_since("main", &ext("flood"), start));
    }

    #[test]
    fn the_page_and_other_realms_count_from_the_moment_given() {
        let activity = FrameActivity::default();
        let t0 = Instant::now();
        activity.note_at("main", Party::Page, t0);
        activity.note_at("main", Party::Realm(ext("peer")), t0);
        let later = t0 + Duration::from_millis(5);
        assert!(activity.others_since("main", &ext("flood"), t0));
        assert!(!activity.others_since("main", &ext("flood"), later));
        activity.note_at("main", Party::Realm(ext("peer")), later);
        assert!(activity.others_since("main", &ext("flood"), later));
    }

    #[test]
    fn frames_are_apart() {
        let activity = FrameActivity::default();
        let start = Instant::now();
        activity.note("frame-2", Party::Page);
        assert!(!activity.others_since("main", &ext("flood"), start));
        assert!(activity.others_since("frame-2", &ext("flood"), start));
    }

    #[test]
    fn quiet_frames_are_forgotten_once_many_are_tracked() {
        let activity = FrameActivity::default();
        let t0 = Instant::now();
        for n in 0..FRAMES_KEPT {
            activity.note_at(&format!("frame-{n}"), Party::Page, t0);
        }
        activity.note_at("new", Party::Page, t0 + QUIET);
        let frames = activity.frames.lock();
        assert_eq!(frames.len(), 1, "only the frame just heard from is kept");
        assert!(frames.contains_key("new"));
    }
}
