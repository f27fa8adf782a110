//! Reading panic payloads: every place that isolates extension code (listeners, handlers,
//! disposers, lifecycle hooks) reports a caught panic by its message.

use std::any::Any;

/// The text of a panic payload, when it has one.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
