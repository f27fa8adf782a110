//! What the router tells an observer (the app's IPC inspector) about each message. Nothing is
//! built unless the observer asks for it, so a closed inspector costs one atomic load.

use std::time::Duration;

use ferrolens_value::Graph;
use serde::Serialize;

use crate::args::Args;
use crate::error::IpcError;
use crate::event::Origin;
use crate::names::{Channel, ExtensionId};

/// The kind of one observed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A broadcast, from main or a frame.
    Broadcast,
    /// A frame's invoke, on its way to main's handler.
    Invoke,
    /// Main's answer to an invoke, or a frame's answer to a request.
    Reply,
    /// A call that failed.
    Error,
    /// Main's request to one frame.
    Request,
}

/// One observed message.
#[derive(Debug, Clone)]
pub struct Observation<'a> {
    /// What happened.
    pub kind: Kind,
    /// Whose namespace.
    pub extension: &'a ExtensionId,
    /// The channel.
    pub channel: &'a Channel,
    /// Who sent it.
    pub origin: &'a Origin,
    /// The frame a request or its reply concerns.
    pub frame: Option<&'a str>,
    /// The arguments or the answer.
    pub payload: Payload<'a>,
    /// For replies and errors: how long the call took.
    pub latency: Option<Duration>,
    /// For errors.
    pub error: Option<&'a IpcError>,
}

/// The values a message carried.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Arguments of a broadcast, invoke or request.
    Args(&'a Args),
    /// The value an answer carried.
    Answer(&'a Graph),
    /// Arguments or an answer passed through in the wire format (the kind says which), as
    /// bytes the host did not decode: an observer that shows them decodes them.
    Encoded(&'a [u8]),
    /// Nothing (errors).
    None,
}

/// Receives observations. The app's inspector implements it.
pub trait Observer: Send + Sync + 'static {
    /// True while observations are wanted; checked before anything is built.
    fn observing(&self) -> bool;
    /// One message.
    fn observe(&self, observation: &Observation<'_>);
}
