//! Frees large answers off the thread that answered.
//!
//! Dropping a graph of many nodes is not free (0.65 ms for the benchmark's 1 MiB object tree of
//! 30,000 nodes), and a call answered on the main thread would wait for it before the next event
//! is handled. Once the answer is encoded nothing reads the graph, so a thread of its own drops it.

use std::sync::mpsc::{channel, SendError, Sender};
use std::thread;

use ferrolens_ipc::Graph;
use once_cell::sync::Lazy;

/// Values whose size (an answer's encoded length) is at least this are freed on the thread.
pub const FREE_LATER_MIN: usize = 64 * 1024;

/// A thread that drops the values it is sent.
pub struct Freeing<T: Send + 'static> {
    /// `None` when the thread could not be started: then values are dropped where they are.
    inbox: Option<Sender<T>>,
}

impl<T: Send + 'static> Freeing<T> {
    /// Starts the thread, named `name`. Its inbox is unbounded: freeing a graph takes less time
    /// than decoding and encoding one, so it does not pile up.
    pub fn start(name: &str) -> Self {
        let (inbox, values) = channel::<T>();
        let inbox = thread::Builder::new()
            .name(name.into())
            .spawn(move || values.into_iter().for_each(drop))
            .ok()
            .map(|_| inbox);
        Self { inbox }
    }

    /// Drops `value`: on the thread when `size` is at least [`FREE_LATER_MIN`], else here.
    pub fn free(&self, value: T, size: usize) {
        if size < FREE_LATER_MIN {
            return;
        }
        if let Some(inbox) = &self.inbox {
            // Fails only if the thread is gone; the value comes back and is dropped here.
            if let Err(SendError(value)) = inbox.send(value) {
                drop(value);
            }
        }
    }
}

static ANSWERS: Lazy<Freeing<Graph>> = Lazy::new(|| Freeing::start("ferrolens-free"));

/// Drops an answer once it is encoded (in `encoded_len` bytes), off this thread if large.
pub fn free_answer(answer: Graph, encoded_len: usize) {
    ANSWERS.free(answer, encoded_len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::Receiver;
    use std::time::Duration;

    /// Reports the name of the thread that drops it.
    struct Probe(Sender<Option<String>>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let _ = self.0.send(thread::current().name().map(str::to_string));
        }
    }

    fn dropped_on(seen: &Receiver<Option<String>>) -> Option<String> {
        seen.recv_timeout(Duration::from_secs(5))
            .expect("the value was dropped")
    }

    #[test]
    fn large_values_are_dropped_on_the_freeing_thread_small_ones_where_they_are() {
        let freeing = Freeing::start("test-free");
        let (report, seen) = channel();
        freeing.free(Probe(report.clone()), FREE_LATER_MIN);
        assert_eq!(dropped_on(&seen).as_deref(), Some("test-free"));
        freeing.free(Probe(report), FREE_LATER_MIN - 1);
        assert_eq!(
            dropped_on(&seen),
            thread::current().name().map(str::to_string)
        );
    }

    #[test]
    fn without_the_thread_values_are_dropped_where_they_are() {
        let freeing = Freeing::<Probe> { inbox: None };
        let (report, seen) = channel();
        freeing.free(Probe(report), usize::MAX);
        assert_eq!(
            dropped_on(&seen),
            thread::current().name().map(str::to_string)
        );
    }
}
