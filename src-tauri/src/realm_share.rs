//! Each realm's share of its frame: how many of its invokes and broadcasts may be in flight on
//! its channel (`realm_channel.rs`) at once. A realm's calls past its share wait here, in
//! order, before anything runs; so a realm flooding the core holds up its own later calls, and
//! its flood paces itself (its loops await answers that come at the share's pace) rather than
//! filling the web process's connection and the main thread with its work.
//!
//! A call counts against the share only while its payload may still be moving: past its hold
//! time (50 ms, 10 ms more per MiB) it is its handler's time, and a slow handler must not stop
//! the realm's other calls. A timer runs only while calls wait.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;

/// Calls one realm may have in flight at once, however small.
pub const CALLS_IN_FLIGHT: usize = 16;
/// Bytes one realm may have in flight at once; a larger call goes alone.
pub const BYTES_IN_FLIGHT: usize = 64 * 1024;
/// Bytes (with [`CALL_COST`] each) one realm may have waiting by default; the next call is
/// `BUSY` ([`RealmShares::set_waiting_limit`] changes it).
pub const BYTES_WAITING: usize = 256 * 1024 * 1024;
/// What a call costs besides its body, so the number of waiting calls is bounded too.
pub const CALL_COST: usize = 256;

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
}

impl Default for RealmShares {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            waiting_limit: Arc::new(AtomicUsize::new(BYTES_WAITING)),
        }
    }
}

/// Ticket ids, unique across shares: a share emptied and made anew must not take a late
/// ticket of its earlier self for one of its own.
static NEXT_TICKET: AtomicU64 = AtomicU64::new(0);

#[derive(Default)]
struct Share {
    /// Calls counting against the share: id, cost, end of hold.
    going: Vec<(u64, usize, Instant)>,
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
        self.going.push((id, cost, Instant::now() + hold(cost)));
        self.going_bytes += cost;
        id
    }

    fn uncount(&mut self, id: u64) {
        if let Some(at) = self.going.iter().position(|(going, _, _)| *going == id) {
            let (_, cost, _) = self.going.swap_remove(at);
            self.going_bytes -= cost;
        }
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
        self.going.iter().map(|(_, _, until)| *until).min()
    }
}

/// A call's place in its realm's share: dropping it (when the call is answered) frees it.
pub struct Ticket {
    shares: RealmShares,
    key: Key,
    id: u64,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.shares.leave(&self.key, self.id);
    }
}

impl RealmShares {
    /// Sets the bytes one realm may have waiting (at least one call's [`CALL_COST`]); calls
    /// already waiting stay.
    pub fn set_waiting_limit(&self, bytes: usize) {
        self.waiting_limit
            .store(bytes.max(CALL_COST), Ordering::Relaxed);
    }

    /// Enters a call of `size` bytes from extension `id`'s realm in `frame`.
    pub fn enter(&self, frame: &str, id: &ExtensionId, size: usize, later: Later) -> Entry {
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
        }
    }

    fn leave(&self, key: &Key, id: u64) {
        let go = {
            let mut inner = self.inner.lock();
            let Some(share) = inner.get_mut(key) else {
                return;
            };
            share.uncount(id);
            let go = share.drain();
            if share.going.is_empty() && share.waiting.is_empty() {
                inner.remove(key);
            }
            go
        };
        self.run(key, go);
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
                    .filter(|(_, _, until)| *until <= now)
                    .map(|(id, _, _)| *id)
                    .collect();
                for id in expired {
                    share.uncount(id);
                }
                let go = share.drain();
                share.timer = !share.waiting.is_empty();
                let again = share.timer.then(|| share.earliest_hold());
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

    #[test]
    fn the_hold_grows_with_the_payload() {
        assert_eq!(hold(0), Duration::from_millis(50));
        let mib = hold(1 << 20);
        assert!(mib > Duration::from_millis(59) && mib < Duration::from_millis(61));
    }
}
