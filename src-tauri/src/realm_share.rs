//! Each realm's share of its frame: how many of its invokes and broadcasts may be in flight on
//! its channel (`realm_channel.rs`) at once. A realm's calls past its share wait here, in
//! order, before anything runs; so a realm flooding the core holds up its own later calls, and
//! its flood paces itself (its loops await answers that come at the share's pace) rather than
//! filling the web process's connection and the main thread with its work.
//!
//! A call counts against the share only while its payload may still be moving: past its hold
//! time (50 ms, 10 ms more per MiB) it is its handler's time, and a slow handler must not stop
//! the realm's other calls. A timer runs only while calls wait or a share cools.
//!
//! A realm alone in its frame goes as fast as the frame moves its calls. When another party
//! (the shell or another realm, `frame_activity.rs`) called while one of its calls was in
//! flight, that call keeps its place in the share after its answer for as long as its bytes,
//! both ways, take at [`PACE_BYTES_PER_SEC`]: the frame's one web process moves every party's
//! calls and answers, so a flood left to the frame's full speed delays the others' answers
//! there, whichever order the core answers in.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;

use crate::frame_activity::{FrameActivity, Party};

/// Calls one realm may have in flight at once, however small.
pub const CALLS_IN_FLIGHT: usize = 16;
/// Bytes one realm may have in flight at once; a larger call goes alone.
pub const BYTES_IN_FLIGHT: usize = 64 * 1024;
/// Bytes (with [`CALL_COST`] each) one realm may have waiting by default; the next call is
/// `BUSY` ([`RealmShares::set_waiting_limit`] changes it).
pub const BYTES_WAITING: usize = 256 * 1024 * 1024;
/// What a call costs besides its body, so the number of waiting calls is bounded too.
pub const CALL_COST: usize = 256;
/// The pace of a realm whose calls overlap another party's in its frame.
pub const PACE_BYTES_PER_SEC: f64 = 32.0 * 1024.0 * 1024.0;
/// Pauses shorter than this are not kept (a small call's pause is within a timer's accuracy).
const MIN_PAUSE: Duration = Duration::from_millis(1);

/// How long a call of `cost` bytes keeps its place after its answer when it was contended.
pub fn pause(cost: usize) -> Duration {
    Duration::from_secs_f64(cost as f64 / PACE_BYTES_PER_SEC)
}

/// The longest a call of `cost` bytes counts against its realm's share: 50 ms, and 10 ms more
/// per MiB (a frame moves about 100 MiB a second to the core and back on the machines measured).
pub fn hold(cost: usize) -> Duration {
    Duration::from_millis(50) + Duration::from_secs_f64(cost as f64 / f64::from(1 << 20) * 0.010)
}

/// What a call waiting for its turn runs once it may go: with the ticket it holds while it
/// counts against the share.
pub type Later = Box<dyn FnOnce(Ticket) + Send + 'static>;

/// Where a call stands on entering its realm's share.
pub enum Entry {
    /// It may go now, holding this ticket.
    Now(Ticket),
    /// It waits; its [`Later`] runs when its turn comes.
    Later,
    /// The realm has too much waiting already.
    Busy(IpcError),
}

type Key = (String, ExtensionId);

/// Every realm's share, by frame and extension.
#[derive(Clone)]
pub struct RealmShares {
    inner: Arc<Mutex<HashMap<Key, Share>>>,
    waiting_limit: Arc<AtomicUsize>,
    activity: FrameActivity,
}

impl Default for RealmShares {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            waiting_limit: Arc::new(AtomicUsize::new(BYTES_WAITING)),
            activity: FrameActivity::default(),
        }
    }
}

/// Ticket ids, unique across shares: a share emptied and made anew must not take a late
/// ticket of its earlier self for one of its own.
static NEXT_TICKET: AtomicU64 = AtomicU64::new(0);

/// A call counting against its share.
struct Going {
    id: u64,
    cost: usize,
    /// Admitted then: another party's call since makes it contended.
    since: Instant,
    /// It stops counting then (the end of its hold, or of its pause once answered).
    until: Instant,
    /// Answered, and keeping its place for its pause.
    cooling: bool,
}

#[derive(Default)]
struct Share {
    going: Vec<Going>,
    going_bytes: usize,
    waiting: VecDeque<(usize, Later)>,
    waiting_cost: usize,
    timer: bool,
}

impl Share {
    fn fits(&self, cost: usize) -> bool {
        self.going.is_empty()
            || (self.going.len() < CALLS_IN_FLIGHT && self.going_bytes + cost <= BYTES_IN_FLIGHT)
    }

    fn admit(&mut self, cost: usize) -> u64 {
        let id = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
        let since = Instant::now();
        self.going.push(Going {
            id,
            cost,
            since,
            until: since + hold(cost),
            cooling: false,
        });
        self.going_bytes += cost;
        id
    }

    fn uncount(&mut self, id: u64) {
        if let Some(at) = self.going.iter().position(|going| going.id == id) {
            let going = self.going.swap_remove(at);
            self.going_bytes -= going.cost;
        }
    }

    /// Call `id` was answered with `answer` bytes: it stops counting, or, when
    /// `contended(since)` says another party called while it was in flight, keeps its place for
    /// its pause. True if it cools.
    fn finish(
        &mut self,
        id: u64,
        answer: usize,
        now: Instant,
        contended: impl Fn(Instant) -> bool,
    ) -> bool {
        let Some(going) = self.going.iter_mut().find(|going| going.id == id) else {
            return false;
        };
        let pause = pause(going.cost.saturating_add(answer));
        if pause >= MIN_PAUSE && contended(going.since) {
            going.until = now + pause;
            going.cooling = true;
            return true;
        }
        self.uncount(id);
        false
    }

    /// The timer must run: calls wait, or a share cools.
    fn needs_timer(&self) -> bool {
        !self.waiting.is_empty() || self.going.iter().any(|going| going.cooling)
    }

    /// Admits waiting calls, in order, while they fit: what to run, with their tickets' ids.
    fn drain(&mut self) -> Vec<(u64, Later)> {
        let mut go = Vec::new();
        while let Some((cost, _)) = self.waiting.front() {
            let cost = *cost;
            if !self.fits(cost) {
                break;
            }
            let (_, later) = self.waiting.pop_front().expect("a waiting call");
            self.waiting_cost -= cost;
            go.push((self.admit(cost), later));
        }
        go
    }

    fn earliest_hold(&self) -> Option<Instant> {
        self.going.iter().map(|going| going.until).min()
    }
}

/// A call's place in its realm's share: dropping it (when the call is answered) frees it.
pub struct Ticket {
    shares: RealmShares,
    key: Key,
    id: u64,
    answer: usize,
}

impl Ticket {
    /// Records what the call moved besides its body (its answer, a broadcast's deliveries),
    /// which its pause covers too.
    pub fn answered(&mut self, bytes: usize) {
        self.answer = bytes;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.shares.leave(&self.key, self.id, self.answer);
    }
}

impl RealmShares {
    /// Sets the bytes one realm may have waiting (at least one call's [`CALL_COST`]); calls
    /// already waiting stay.
    pub fn set_waiting_limit(&self, bytes: usize) {
        self.waiting_limit
            .store(bytes.max(CALL_COST), Ordering::Relaxed);
    }

    /// Who called lately in each frame; the shell page's calls are noted here too.
    pub fn activity(&self) -> &FrameActivity {
        &self.activity
    }

    /// Enters a call of `size` bytes from extension `id`'s realm in `frame`.
    pub fn enter(&self, frame: &str, id: &ExtensionId, size: usize, later: Later) -> Entry {
        self.activity.note(frame, Party::Realm(id.clone()));
        let key = (frame.to_string(), id.clone());
        let cost = size.saturating_add(CALL_COST);
        let mut inner = self.inner.lock();
        let share = inner.entry(key.clone()).or_default();
        if share.waiting.is_empty() && share.fits(cost) {
            let ticket = share.admit(cost);
            return Entry::Now(self.ticket(key, ticket));
        }
        if share.waiting_cost.saturating_add(cost) > self.waiting_limit.load(Ordering::Relaxed) {
            return Entry::Busy(
                IpcError::new(
                    ErrorCode::Busy,
                    format!(
                        "extension {id} has {} calls ({} bytes) waiting in frame {frame:?}, the most it may: retry once some are answered",
                        share.waiting.len(),
                        share.waiting_cost
                    ),
                )
                .for_extension(id),
            );
        }
        share.waiting.push_back((cost, later));
        share.waiting_cost += cost;
        let arm = !share.timer;
        share.timer = true;
        let until = share.earliest_hold();
        drop(inner);
        if arm {
            self.expire_at(key, until);
        }
        Entry::Later
    }

    /// Calls in flight and waiting for extension `id` in `frame` (for tests and benchmarks).
    pub fn counts(&self, frame: &str, id: &ExtensionId) -> (usize, usize) {
        let inner = self.inner.lock();
        inner
            .get(&(frame.to_string(), id.clone()))
            .map_or((0, 0), |s| (s.going.len(), s.waiting.len()))
    }

    fn ticket(&self, key: Key, id: u64) -> Ticket {
        Ticket {
            shares: self.clone(),
            key,
            id,
            answer: 0,
        }
    }

    fn leave(&self, key: &Key, id: u64, answer: usize) {
        let (go, arm) = {
            let mut inner = self.inner.lock();
            let Some(share) = inner.get_mut(key) else {
                return;
            };
            let (frame, realm) = key;
            let contended = |since| self.activity.others_since(frame, realm, since);
            let cooling = share.finish(id, answer, Instant::now(), contended);
            let go = share.drain();
            let arm = (cooling && !share.timer).then(|| {
                share.timer = true;
                share.earliest_hold()
            });
            if share.going.is_empty() && share.waiting.is_empty() {
                inner.remove(key);
            }
            (go, arm)
        };
        self.run(key, go);
        if let Some(until) = arm {
            self.expire_at(key.clone(), until);
        }
    }

    /// Runs admitted calls, outside the lock.
    fn run(&self, key: &Key, go: Vec<(u64, Later)>) {
        for (id, later) in go {
            later(self.ticket(key.clone(), id));
        }
    }

    /// Uncounts, at the earliest hold's end, every call that outlived its hold, then admits
    /// what fits; again while calls wait.
    fn expire_at(&self, key: Key, until: Option<Instant>) {
        let shares = self.clone();
        let wait = until.map_or(Duration::ZERO, |u| {
            u.saturating_duration_since(Instant::now())
        });
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(wait).await;
            let (go, again) = {
                let mut inner = shares.inner.lock();
                let Some(share) = inner.get_mut(&key) else {
                    return;
                };
                let now = Instant::now();
                let expired: Vec<u64> = share
                    .going
                    .iter()
                    .filter(|going| going.until <= now)
                    .map(|going| going.id)
                    .collect();
                for id in expired {
                    share.uncount(id);
                }
                let go = share.drain();
                share.timer = share.needs_timer();
                let again = share.timer.then(|| share.earliest_hold());
                if share.going.is_empty() && share.waiting.is_empty() {
                    inner.remove(&key);
                }
                (go, again)
            };
            shares.run(&key, go);
            if let Some(until) = again {
                shares.expire_at(key, until);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn id() -> ExtensionId {
        ExtensionId::new("flood").unwrap()
    }

    /// Enters a call; returns its ticket now, or a receiver of it later.
    fn enter(
        shares: &RealmShares,
        size: usize,
        order: &Arc<Mutex<Vec<usize>>>,
        n: usize,
    ) -> (Option<Ticket>, mpsc::Receiver<Ticket>) {
        let (tx, rx) = mpsc::channel();
        let order = order.clone();
        let entry = shares.enter(
            "main",
            &id(),
            size,
            Box::new(move |ticket| {
                order.lock().push(n);
                let _ = tx.send(ticket);
            }),
        );
        match entry {
            Entry::Now(ticket) => (Some(ticket), rx),
            Entry::Later => (None, rx),
            Entry::Busy(err) => panic!("busy: {err}"),
        }
    }

    #[test]
    fn calls_past_the_share_wait_and_go_in_order_as_others_are_answered() {
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut now = Vec::new();
        for n in 0..CALLS_IN_FLIGHT {
            let (ticket, _) = enter(&shares, 10, &order, n);
            now.push(ticket.expect("fits"));
        }
        let (late_a, rx_a) = enter(&shares, 10, &order, 100);
        let (late_b, rx_b) = enter(&shares, 10, &order, 101);
        assert!(late_a.is_none() && late_b.is_none());
        assert_eq!(shares.counts("main", &id()), (CALLS_IN_FLIGHT, 2));
        drop(now.pop());
        let a = rx_a.try_recv().expect("the first waiting call goes");
        assert!(rx_b.try_recv().is_err(), "the second still waits");
        drop(now.pop());
        let b = rx_b.try_recv().expect("then the second");
        assert_eq!(*order.lock(), vec![100, 101]);
        drop((a, b, now));
        assert_eq!(shares.counts("main", &id()), (0, 0));
    }

    #[test]
    fn a_large_call_goes_alone_and_is_not_overtaken() {
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let (small, _) = enter(&shares, 10, &order, 0);
        let (large, rx_large) = enter(&shares, 1 << 20, &order, 1);
        let (after, rx_after) = enter(&shares, 10, &order, 2);
        assert!(small.is_some() && large.is_none() && after.is_none());
        drop(small);
        let large = rx_large.try_recv().expect("alone, once the share is empty");
        assert!(
            rx_after.try_recv().is_err(),
            "nothing joins a call over the byte share"
        );
        drop(large);
        rx_after.try_recv().expect("then the small one");
    }

    #[test]
    fn too_much_waiting_is_busy_and_names_the_extension() {
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let (_first, _) = enter(&shares, 10, &order, 0);
        let mut waiting = Vec::new();
        for n in 0..2 {
            waiting.push(enter(&shares, BYTES_WAITING / 2 - CALL_COST, &order, n + 1));
        }
        let entry = shares.enter("main", &id(), 1, Box::new(|_| {}));
        let Entry::Busy(err) = entry else {
            panic!("past the waiting bytes a call is BUSY");
        };
        assert_eq!(err.code, ErrorCode::Busy);
        assert!(err.message.contains("extension flood"), "{}", err.message);
        assert_eq!(shares.counts("main", &id()).1, 2, "what waits is kept");
    }

    #[test]
    fn a_lowered_waiting_limit_refuses_sooner_and_keeps_what_waits() {
        // Calls too large for two to be in flight at once: the first goes, the others wait.
        const SIZE: usize = 40_000;
        let shares = RealmShares::default();
        shares.set_waiting_limit(3 * (SIZE + CALL_COST));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (first, _) = enter(&shares, SIZE, &order, 0);
        assert!(first.is_some());
        let waiting: Vec<_> = (1..=3).map(|n| enter(&shares, SIZE, &order, n)).collect();
        assert!(waiting.iter().all(|(ticket, _)| ticket.is_none()));
        let Entry::Busy(err) = shares.enter("main", &id(), SIZE, Box::new(|_| {})) else {
            panic!("a fourth waiting call is past the lowered limit");
        };
        assert!(
            err.message.contains("3 calls (120768 bytes) waiting"),
            "{}",
            err.message
        );
        assert_eq!(shares.counts("main", &id()).1, 3, "what waits is kept");
    }

    #[test]
    fn a_call_past_its_hold_no_longer_counts() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _entered = runtime.enter();
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let slow: Vec<Ticket> = (0..CALLS_IN_FLIGHT)
            .map(|n| enter(&shares, 10, &order, n).0.expect("fits"))
            .collect();
        let (_, rx) = enter(&shares, 10, &order, 99);
        // Nobody answers; the waiting call goes once the others' hold (50 ms) ends.
        let ticket = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("admitted at the hold's end");
        assert_eq!(*order.lock(), vec![99]);
        drop((ticket, slow));
        assert_eq!(shares.counts("main", &id()), (0, 0));
    }

    #[test]
    fn a_late_ticket_of_an_emptied_share_frees_nothing_of_the_next() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _entered = runtime.enter();
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        // A call of the whole byte share, never answered; the next waits until its hold ends.
        let (stale, _) = enter(&shares, BYTES_IN_FLIGHT, &order, 0);
        let stale = stale.expect("alone, it fits");
        let (_, rx) = enter(&shares, 10, &order, 1);
        drop(
            rx.recv_timeout(Duration::from_secs(5))
                .expect("admitted at the hold's end"),
        );
        assert_eq!(shares.counts("main", &id()), (0, 0), "the share emptied");
        // The share anew: a call of the whole byte share again, and one waiting behind it.
        let (current, _) = enter(&shares, BYTES_IN_FLIGHT, &order, 2);
        assert!(current.is_some());
        let (_, waiting) = enter(&shares, 10, &order, 3);
        drop(stale);
        assert!(
            waiting.try_recv().is_err(),
            "the first share's late ticket freed no place of the second's"
        );
        drop(current);
        waiting.try_recv().expect("its own call's answer does");
    }

    /// A call of `size` bytes admitted now, for extension `flood` in frame `main`.
    fn admitted(shares: &RealmShares, size: usize) -> Ticket {
        let order = Arc::new(Mutex::new(Vec::new()));
        enter(shares, size, &order, 0)
            .0
            .expect("an empty share admits")
    }

    #[test]
    fn a_call_alone_in_its_frame_frees_its_place_at_its_answer() {
        let shares = RealmShares::default();
        let mut ticket = admitted(&shares, 1 << 20);
        ticket.answered(1 << 20);
        drop(ticket);
        assert_eq!(shares.counts("main", &id()), (0, 0));
    }

    #[test]
    fn the_realm_s_own_calls_and_other_frames_are_no_contention() {
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let ticket = admitted(&shares, 1 << 20);
        // Its own next call, entered meanwhile, and the page of another frame.
        let (_, own) = enter(&shares, 10, &order, 1);
        shares.activity().note("frame-2", Party::Page);
        drop(ticket);
        own.try_recv().expect("its next call goes at once");
    }

    #[test]
    fn a_contended_call_keeps_its_place_for_its_pause_then_lets_the_next_go() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _entered = runtime.enter();
        let shares = RealmShares::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        // Large enough that its pause (250 ms) outlasts any scheduling delay of this test.
        const SIZE: usize = 4 << 20;
        let mut large = admitted(&shares, SIZE);
        // Another party calls while the large call is in flight.
        shares
            .activity()
            .note("main", Party::Realm(ExtensionId::new("peer").unwrap()));
        let (_, rx) = enter(&shares, 10, &order, 1);
        large.answered(SIZE);
        let answered = Instant::now();
        drop(large);
        assert!(rx.try_recv().is_err(), "the next call waits out the pause");
        assert_eq!(shares.counts("main", &id()), (1, 1));
        let next = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("admitted at the pause's end");
        let waited = answered.elapsed();
        let pause = pause(SIZE + CALL_COST + SIZE);
        assert!(waited >= pause, "waited {waited:?}, pause {pause:?}");
        drop(next);
        assert_eq!(shares.counts("main", &id()), (0, 0));
    }

    #[test]
    fn a_cooling_share_empties_itself_with_nothing_waiting() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _entered = runtime.enter();
        let shares = RealmShares::default();
        let ticket = admitted(&shares, 4 << 20);
        shares.activity().note("main", Party::Page);
        drop(ticket);
        assert_eq!(shares.counts("main", &id()), (1, 0), "cooling for 125 ms");
        let end = Instant::now() + Duration::from_secs(5);
        while shares.counts("main", &id()) != (0, 0) && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(shares.counts("main", &id()), (0, 0));
        assert!(shares.inner.lock().is_empty(), "the share itself is gone");
    }

    #[test]
    fn a_small_contended_call_is_not_paced() {
        let shares = RealmShares::default();
        let ticket = admitted(&shares, 1024);
        shares.activity().note("main", Party::Page);
        drop(ticket);
        assert_eq!(shares.counts("main", &id()), (0, 0));
    }

    #[test]
    fn a_pause_is_the_bytes_moved_at_the_pace() {
        assert_eq!(pause(32 << 20), Duration::from_secs(1));
        // A 64 KiB broadcast to 8 frames: nine times its body's pause, about 18 ms.
        let body = 64 * 1024 + CALL_COST;
        let moved = body + 8 * 64 * 1024;
        assert!(pause(moved) > pause(body) * 8);
        assert!(
            pause(moved) > Duration::from_millis(17) && pause(moved) < Duration::from_millis(19)
        );
    }

    #[test]
    fn the_hold_grows_with_the_payload() {
        assert_eq!(hold(0), Duration::from_millis(50));
        let mib = hold(1 << 20);
        assert!(mib > Duration::from_millis(59) && mib < Duration::from_millis(61));
    }
}
