//! Ferrolens' structured-clone value model and its wire codec (format v1).
//!
//! Values that cross the extension IPC keep the browser's `structuredClone` semantics: cycles,
//! shared references, `undefined`, holes, BigInts, lone surrogates, Dates, RegExps, Maps, Sets,
//! ArrayBuffers and their views, Errors and wrapper objects. This crate holds:
//!
//! - the model: a [`Graph`] is an arena of [`Node`]s (objects with identity) and a root
//!   [`Value`] (a primitive or a [`Value::Ref`] to a node);
//! - the codec: [`encode`] and [`decode`], byte-identical with the renderer SDK's
//!   `ui/sdk/codec.js`, per `docs/wire-format.md` (the shared vectors in `tests/vectors/` check
//!   it both ways, refusals included);
//! - serde: [`to_graph`] builds a graph from any `Serialize` value and [`from_graph`] reads any
//!   `Deserialize` type out of one, with errors that name the path inside the value;
//! - JSON interop: [`Graph::to_json`] and `Graph::from(serde_json::Value)`, and
//!   [`Graph::preview_json`], a preview bounded in depth and size for people to read.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use ferrolens_value::{decode, encode, from_graph, to_graph};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Note { title: String, tags: Vec<String> }
//!
//! let note = Note { title: "Hello".into(), tags: vec!["a".into()] };
//! let bytes = encode(&to_graph(&note).unwrap());
//! let back: Note = from_graph(&decode(&bytes).unwrap()).unwrap();
//! assert_eq!(back, note);
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod bigint;
mod date;
mod de;
mod decode;
mod encode;
mod error;
mod graph;
mod json;
mod lone;
mod magic;
mod model;
mod ser;
mod string;
mod tags;

pub use bigint::{BigInt, OutOfRange, ParseBigIntError};
pub use date::{system_time, Date};
pub use de::{from_graph, from_value, DeserializeError, MAX_TYPED_DEPTH};
pub use decode::{decode, STRUCTURE_BYTES_BASE, STRUCTURE_BYTES_PER_INPUT_BYTE};
pub use encode::{encode, try_encode};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use graph::Graph;
pub use json::{JsonError, JsonPreview, PreviewLimits, MAX_JSON_DEPTH};
pub use lone::LoneBinary;
pub use model::{
    Array, ErrorName, ErrorNode, Node, NodeId, Value, View, ViewKind, MAX_SAFE_INTEGER,
};
pub use ser::{to_graph, to_value_in, SerializeError};
pub use string::{CodeUnits, JsString};

/// The most containers (objects, arrays, Maps, Sets, Errors) that may nest: the decoder refuses
/// deeper input and the encoder refuses deeper graphs.
pub const MAX_DEPTH: usize = 10_000;

/// The format version this crate reads and writes (the first byte of every message).
pub const FORMAT_VERSION: u8 = 1;
