//! The deadline of the call running in a store, checked at every epoch tick.
//!
//! The engine's epoch advances every [`EPOCH_TICK`](crate::engine::EPOCH_TICK); each store
//! asks to be told at the next tick ([`Store::set_epoch_deadline`](wasmtime::Store) of 1), and
//! its callback ([`CallClock::at_tick`]) decides: go on after yielding to the async runtime (so
//! a busy guest never holds a runtime thread for long), or stop the guest. Time the guest
//! spends waiting on the host (a request to a frame) is not counted.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use wasmtime::UpdateDeadline;

/// Why the guest was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The call ran past its budget.
    Deadline(Duration),
    /// The extension is being deactivated.
    Interrupted,
}

/// The budget of the call running now, if any.
#[derive(Debug, Default)]
pub(crate) struct CallClock {
    deadline: Option<Instant>,
    budget: Duration,
    /// Set when the guest was stopped, so the trap it causes is told apart from others.
    pub stopped: Option<Stop>,
}

impl CallClock {
    /// A call with `budget` starts now.
    pub fn start(&mut self, budget: Duration) {
        self.deadline = Some(Instant::now() + budget);
        self.budget = budget;
        self.stopped = None;
    }

    /// The call ended; no deadline until the next one.
    pub fn finish(&mut self) {
        self.deadline = None;
    }

    /// The guest waited on the host for `waited`: the deadline moves by as much.
    pub fn waited(&mut self, waited: Duration) {
        if let Some(deadline) = &mut self.deadline {
            *deadline += waited;
        }
    }

    /// At an epoch tick while the guest runs: stop it when its extension is being deactivated
    /// (`interrupt`) or its call is past its deadline, else yield and check again next tick.
    pub fn at_tick(&mut self, interrupt: &CancellationToken) -> UpdateDeadline {
        let stop = if interrupt.is_cancelled() {
            Some(Stop::Interrupted)
        } else {
            self.deadline
                .filter(|deadline| Instant::now() >= *deadline)
                .map(|_| Stop::Deadline(self.budget))
        };
        match stop {
            Some(stop) => {
                self.stopped = Some(stop);
                UpdateDeadline::Interrupt
            }
            None => UpdateDeadline::Yield(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_within_its_budget_yields_and_goes_on() {
        let mut clock = CallClock::default();
        clock.start(Duration::from_secs(60));
        let verdict = clock.at_tick(&CancellationToken::new());
        assert!(matches!(verdict, UpdateDeadline::Yield(1)));
        assert_eq!(clock.stopped, None);
    }

    #[test]
    fn a_call_past_its_budget_is_stopped_naming_the_budget() {
        let mut clock = CallClock::default();
        clock.start(Duration::ZERO);
        let verdict = clock.at_tick(&CancellationToken::new());
        assert!(matches!(verdict, UpdateDeadline::Interrupt));
        assert_eq!(clock.stopped, Some(Stop::Deadline(Duration::ZERO)));
    }

    #[test]
    fn deactivation_stops_the_guest_whatever_its_budget() {
        let mut clock = CallClock::default();
        clock.start(Duration::from_secs(60));
        let interrupt = CancellationToken::new();
        interrupt.cancel();
        assert!(matches!(
            clock.at_tick(&interrupt),
            UpdateDeadline::Interrupt
        ));
        assert_eq!(clock.stopped, Some(Stop::Interrupted));
    }

    #[test]
    fn time_waiting_on_the_host_does_not_count() {
        let mut clock = CallClock::default();
        clock.start(Duration::ZERO);
        clock.waited(Duration::from_secs(3600));
        assert!(matches!(
            clock.at_tick(&CancellationToken::new()),
            UpdateDeadline::Yield(1)
        ));
    }
}
