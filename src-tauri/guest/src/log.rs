//! Lines in Ferrolens's log, under the extension's id. (Standard output and error go nowhere
//! but the tail the host quotes when a call traps.)

use crate::bindings::ferrolens::extension::host;
use crate::bindings::ferrolens::extension::types::LogLevel;

/// Logs `message` as an error.
pub fn error(message: &str) {
    host::log(LogLevel::Error, message);
}

/// Logs `message` as a warning.
pub fn warn(message: &str) {
    host::log(LogLevel::Warn, message);
}

/// Logs `message` as information.
pub fn info(message: &str) {
    host::log(LogLevel::Info, message);
}

/// Logs `message` for debugging.
pub fn debug(message: &str) {
    host::log(LogLevel::Debug, message);
}
