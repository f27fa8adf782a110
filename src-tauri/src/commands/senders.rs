//! Fair shares: one queue per sender (a frame's renderer part of one extension) for the work its
//! broadcasts and large invokes put on the core.
//!
//! The core receives calls on the main thread, which also answers the shell and every other
//! extension. A sender's work runs there only while it is small and the sender has nothing
//! waiting; anything else waits in the sender's own queue and runs, in order, on a worker
//! thread. So one extension flooding the core holds up its own later calls, not the shell's or
//! another extension's, and a queue that is full refuses the next call with `BUSY` rather than
//! growing without bound. A broadcast run on a worker also waits until the main thread has
//! delivered it to the frames before the sender's next job starts, so what one sender queues on
//! the main thread is one broadcast's deliveries, not its whole flood. `scripts/bench.sh`
//! measures the shell and a peer under a flood.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use ferrolens_ipc::{panic_message, ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;

/// Work whose input is at most this many bytes may run at once on the receiving thread.
pub const INLINE_MAX_BYTES: usize = 64 * 1024;
/// Calls one sender may have waiting; the next is refused with `BUSY`.
pub const MAX_QUEUED: usize = 64;
/// Bytes of input one sender may have waiting; the next call is refused with `BUSY`.
pub const MAX_QUEUED_BYTES: usize = 256 * 1024 * 1024;

/// One call's work. It is called once: with `Ok` when it may run, or with the `BUSY` error when
/// the sender's queue was full (it then only answers its call with that error).
pub type Job = Box<dyn FnOnce(Result<(), IpcError>) + Send + 'static>;

type Key = (String, ExtensionId);

thread_local! {
    /// Set while a sender's job runs on a worker thread (see [`on_worker`]).
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// True inside a job running on a worker thread, false inside one running on the receiving
/// (main) thread: a job that waits for the main thread may do so only on a worker.
pub fn on_worker() -> bool {
    ON_WORKER.with(Cell::get)
}

/// Every sender's queue.
#[derive(Default, Clone)]
pub struct Senders {
    queues: Arc<Mutex<HashMap<Key, Queue>>>,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<(usize, Job)>,
    bytes: usize,
    /// A job of this sender is running (on the receiving thread or a worker).
    busy: bool,
}

impl Senders {
    /// Runs `job`, whose input is `size` bytes, after every earlier job of the sender
    /// (`frame`, `id`): right here when the sender has nothing waiting or running and the input
    /// is small, else on a worker thread in order. When the sender's queue is full, `job` gets
    /// the `BUSY` error at once.
    pub fn run(&self, frame: &str, id: &ExtensionId, size: usize, job: Job) {
        let key = (frame.to_string(), id.clone());
        {
            let mut queues = self.queues.lock();
            let queue = queues.entry(key.clone()).or_default();
            if queue.busy || !queue.jobs.is_empty() || size > INLINE_MAX_BYTES {
                if queue.jobs.len() >= MAX_QUEUED || queue.bytes + size > MAX_QUEUED_BYTES {
                    let (jobs, bytes) = (queue.jobs.len(), queue.bytes);
                    if !queue.busy && queue.jobs.is_empty() {
                        queues.remove(&key);
                    }
                    drop(queues);
                    job(Err(busy(frame, id, jobs, bytes)));
                    return;
                }
                queue.jobs.push_back((size, job));
                queue.bytes += size;
                if !queue.busy {
                    queue.busy = true;
                    self.spawn_drain(key);
                }
                return;
            }
            queue.busy = true;
        }
        run_isolated(&key, job);
        self.finish(key);
    }

    /// Calls waiting across every sender, for tests and benchmarks.
    pub fn queued(&self) -> usize {
        self.queues.lock().values().map(|q| q.jobs.len()).sum()
    }

    /// After a job on the receiving thread: hands what arrived meanwhile to a worker.
    fn finish(&self, key: Key) {
        let mut queues = self.queues.lock();
        let Some(queue) = queues.get_mut(&key) else {
            return;
        };
        if queue.jobs.is_empty() {
            queues.remove(&key);
        } else {
            drop(queues);
            self.spawn_drain(key);
        }
    }

    fn spawn_drain(&self, key: Key) {
        let senders = self.clone();
        tauri::async_runtime::spawn_blocking(move || senders.drain(key));
    }

    /// Runs the sender's jobs in order until its queue is empty.
    fn drain(&self, key: Key) {
        loop {
            let job = {
                let mut queues = self.queues.lock();
                let Some(queue) = queues.get_mut(&key) else {
                    return;
                };
                match queue.jobs.pop_front() {
                    Some((size, job)) => {
                        queue.bytes -= size;
                        job
                    }
                    None => {
                        queues.remove(&key);
                        return;
                    }
                }
            };
            ON_WORKER.with(|w| w.set(true));
            run_isolated(&key, job);
            ON_WORKER.with(|w| w.set(false));
        }
    }
}

/// A job answers its own call; a panic in it must not stop the sender's queue.
fn run_isolated((frame, id): &Key, job: Job) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| job(Ok(())))) {
        log::error!(
            "a call of extension {id} from frame {frame:?} panicked: {}",
            panic_message(&*panic)
        );
    }
}

fn busy(frame: &str, id: &ExtensionId, jobs: usize, bytes: usize) -> IpcError {
    log::warn!("frame {frame:?} has {jobs} calls ({bytes} bytes) of extension {id} queued: refused one more");
    IpcError::new(
        ErrorCode::Busy,
        format!(
            "frame {frame:?} already has {jobs} calls of extension {id} waiting ({bytes} bytes; at most {MAX_QUEUED} calls, {MAX_QUEUED_BYTES} bytes): send it again once earlier calls are answered"
        ),
    )
    .for_extension(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread::ThreadId;
    use std::time::Duration;

    fn id(name: &str) -> ExtensionId {
        ExtensionId::new(name).unwrap()
    }

    /// A job that reports `what`, the thread it ran on, and whether it was accepted.
    fn job<T: Send + 'static>(
        tx: &mpsc::Sender<(T, ThreadId, Result<(), IpcError>)>,
        what: T,
    ) -> Job {
        let tx = tx.clone();
        Box::new(move |accepted| {
            let _ = tx.send((what, std::thread::current().id(), accepted));
        })
    }

    /// A large job that runs until `release` is dropped or sent to.
    fn blocking(release: mpsc::Receiver<()>) -> Job {
        Box::new(move |_| {
            let _ = release.recv();
        })
    }

    fn idle(senders: &Senders) -> bool {
        (0..500).any(|_| {
            let empty = senders.queues.lock().is_empty();
            if !empty {
                std::thread::sleep(Duration::from_millis(10));
            }
            empty
        })
    }

    #[test]
    fn a_job_knows_whether_it_runs_on_a_worker() {
        let senders = Senders::default();
        let (tx, rx) = mpsc::channel();
        let report = |tx: &mpsc::Sender<bool>| -> Job {
            let tx = tx.clone();
            Box::new(move |_| {
                let _ = tx.send(on_worker());
            })
        };
        senders.run("main", &id("a"), 10, report(&tx));
        assert!(
            !rx.recv().unwrap(),
            "a small job runs on the receiving thread"
        );
        senders.run("main", &id("a"), INLINE_MAX_BYTES + 1, report(&tx));
        assert!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            "a large one on a worker"
        );
        assert!(!on_worker(), "the flag stays with the worker");
    }

    #[test]
    fn a_small_job_of_an_idle_sender_runs_at_once_on_this_thread() {
        let senders = Senders::default();
        let (tx, rx) = mpsc::channel();
        senders.run("main", &id("a"), 10, job(&tx, ()));
        let ((), thread, accepted) = rx.try_recv().unwrap();
        assert_eq!(thread, std::thread::current().id());
        assert!(accepted.is_ok());
        assert!(
            senders.queues.lock().is_empty(),
            "an idle sender keeps no queue"
        );
    }

    #[test]
    fn a_large_job_runs_on_a_worker_and_later_jobs_of_the_sender_keep_their_order() {
        let senders = Senders::default();
        let (release, released) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        senders.run("main", &id("a"), INLINE_MAX_BYTES + 1, {
            let first = job(&tx, 0);
            Box::new(move |accepted| {
                released.recv().unwrap();
                first(accepted)
            })
        });
        // Small, but the sender is busy: they wait their turn instead of overtaking.
        for n in 1..4 {
            senders.run("main", &id("a"), 1, job(&tx, n));
        }
        assert!(rx.try_recv().is_err(), "nothing ran before the first job");
        release.send(()).unwrap();
        let ran: Vec<_> = (0..4)
            .map(|_| rx.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        assert_eq!(
            ran.iter().map(|(n, ..)| *n).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        let here = std::thread::current().id();
        assert!(ran
            .iter()
            .all(|(_, thread, ok)| *thread != here && ok.is_ok()));
        assert!(idle(&senders));
    }

    #[test]
    fn one_sender_waiting_does_not_hold_up_another() {
        let senders = Senders::default();
        let (release, released) = mpsc::channel();
        senders.run(
            "main",
            &id("flood"),
            INLINE_MAX_BYTES + 1,
            blocking(released),
        );
        let (tx, rx) = mpsc::channel();
        senders.run("main", &id("peer"), 10, job(&tx, "peer"));
        senders.run("frame-2", &id("flood"), 10, job(&tx, "flood in frame-2"));
        assert_eq!(rx.try_recv().unwrap().0, "peer");
        assert_eq!(rx.try_recv().unwrap().0, "flood in frame-2");
        release.send(()).unwrap();
    }

    #[test]
    fn a_full_queue_refuses_with_busy_and_takes_calls_again_once_drained() {
        let senders = Senders::default();
        let (release, released) = mpsc::channel();
        senders.run("main", &id("a"), INLINE_MAX_BYTES + 1, blocking(released));
        let (tx, rx) = mpsc::channel();
        for n in 0..MAX_QUEUED + 1 {
            senders.run("main", &id("a"), 1, job(&tx, n));
        }
        // The first job may still have been in the queue when the others came: one or two
        // are refused, at once, on this thread.
        let refused: Vec<_> = rx.try_iter().collect();
        assert!(matches!(refused.len(), 1 | 2), "{}", refused.len());
        let (_, thread, error) = &refused[0];
        assert_eq!(*thread, std::thread::current().id());
        let error = error.as_ref().unwrap_err();
        assert_eq!(error.code, ErrorCode::Busy);
        assert!(
            error.message.contains("at most 64 calls"),
            "{}",
            error.message
        );
        assert_eq!(error.extension.as_deref(), Some("a"));
        release.send(()).unwrap();
        let accepted = MAX_QUEUED + 1 - refused.len();
        for _ in 0..accepted {
            let (_, _, ok) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
            assert!(ok.is_ok());
        }
        assert!(idle(&senders), "a drained sender keeps no queue");
        senders.run("main", &id("a"), 1, job(&tx, 99));
        assert_eq!(rx.try_recv().unwrap().0, 99);
    }

    #[test]
    fn queued_bytes_are_bounded_too() {
        let senders = Senders::default();
        let (release, released) = mpsc::channel();
        senders.run("main", &id("a"), INLINE_MAX_BYTES + 1, blocking(released));
        let (tx, rx) = mpsc::channel();
        let big = MAX_QUEUED_BYTES / 2 + 1;
        senders.run("main", &id("a"), big, job(&tx, 1));
        senders.run("main", &id("a"), big, job(&tx, 2));
        let (n, _, refused) = rx.try_recv().unwrap();
        assert_eq!(n, 2);
        assert_eq!(refused.unwrap_err().code, ErrorCode::Busy);
        release.send(()).unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).unwrap().2.is_ok());
    }

    #[test]
    fn a_panicking_job_does_not_stop_the_senders_queue() {
        let senders = Senders::default();
        senders.run("main", &id("a"), 1, Box::new(|_| panic!("job exploded")));
        let (tx, rx) = mpsc::channel();
        senders.run("main", &id("a"), 1, job(&tx, ()));
        assert!(rx.try_recv().unwrap().2.is_ok());
    }
}
