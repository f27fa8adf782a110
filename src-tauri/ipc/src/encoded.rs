//! Values still in the wire format: what a handler that decodes for itself (a WebAssembly main
//! part decodes inside its sandbox) takes and answers, so the host neither decodes nor
//! re-encodes a payload it only passes on.

use ferrolens_value::Graph;

use crate::args::Args;
use crate::error::{ErrorCode, IpcError};

/// One message's values as structured-clone wire format bytes (docs/wire-format.md) that the
/// host has not decoded. Nothing checks them on the way: whoever decodes them (the guest, the
/// frame's SDK) applies the format's limits and reports what is wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded(Vec<u8>);

impl Encoded {
    /// `bytes`, taken to be in the wire format.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, moved out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// `args` in the wire format; `BAD_PAYLOAD` when they cannot be written.
    pub fn from_args(args: &Args) -> Result<Self, IpcError> {
        args.try_encode().map(Self)
    }

    /// Decoded as the arguments of a call; `BAD_PAYLOAD` names what is wrong.
    pub fn to_args(&self) -> Result<Args, IpcError> {
        Args::decode(&self.0)
    }

    /// Decoded as one value (an answer); `BAD_PAYLOAD` names what is wrong.
    pub fn to_graph(&self) -> Result<Graph, IpcError> {
        ferrolens_value::decode(&self.0).map_err(|err| {
            IpcError::new(
                ErrorCode::BadPayload,
                format!("the answer could not be decoded: {err}"),
            )
        })
    }
}

/// The arguments of an invoke, decoded or as they came.
#[derive(Debug, Clone, PartialEq)]
pub enum CallArgs {
    /// Decoded, as a handler taking [`Args`] reads them.
    Decoded(Args),
    /// In the wire format, as a frame sent them.
    Encoded(Encoded),
}

impl From<Args> for CallArgs {
    fn from(args: Args) -> Self {
        Self::Decoded(args)
    }
}

impl From<Encoded> for CallArgs {
    fn from(bytes: Encoded) -> Self {
        Self::Encoded(bytes)
    }
}

impl CallArgs {
    /// Decoded (a no-op when they are).
    pub fn into_args(self) -> Result<Args, IpcError> {
        match self {
            Self::Decoded(args) => Ok(args),
            Self::Encoded(bytes) => bytes.to_args(),
        }
    }

    /// In the wire format (a no-op when they are).
    pub fn into_encoded(self) -> Result<Encoded, IpcError> {
        match self {
            Self::Decoded(args) => Encoded::from_args(&args),
            Self::Encoded(bytes) => Ok(bytes),
        }
    }
}

/// A handler's answer: a value, or wire format bytes from a handler that encodes for itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A value.
    Value(Graph),
    /// In the wire format, passed on undecoded.
    Encoded(Encoded),
}

impl From<Graph> for Answer {
    fn from(value: Graph) -> Self {
        Self::Value(value)
    }
}

impl Answer {
    /// The answer as a value, decoding it when it is still encoded.
    pub fn into_graph(self) -> Result<Graph, IpcError> {
        match self {
            Self::Value(graph) => Ok(graph),
            Self::Encoded(bytes) => bytes.to_graph(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_convert_both_ways_without_loss() {
        let args = Args::new(vec![json!({"a": [1, 2]}), json!("b")]);
        let encoded = CallArgs::from(args.clone()).into_encoded().unwrap();
        assert_eq!(encoded.as_bytes(), args.encode());
        assert_eq!(CallArgs::from(encoded.clone()).into_args().unwrap(), args);
        assert_eq!(
            CallArgs::from(encoded.clone()).into_encoded().unwrap(),
            encoded
        );
    }

    #[test]
    fn undecodable_bytes_are_a_bad_payload_saying_so() {
        let bytes = Encoded::new(vec![0xff, 0x00, 0x13]);
        let err = CallArgs::from(bytes.clone()).into_args().unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload);
        assert!(
            err.message.contains("arguments could not be decoded"),
            "{err}"
        );
        let err = Answer::Encoded(bytes).into_graph().unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload);
        assert!(err.message.contains("answer could not be decoded"), "{err}");
    }

    #[test]
    fn an_encoded_answer_decodes_to_its_value() {
        let value = Graph::from(json!({"x": [true, null]}));
        let bytes = Encoded::new(ferrolens_value::encode(&value));
        assert_eq!(Answer::Encoded(bytes).into_graph().unwrap(), value);
        assert_eq!(Answer::Value(value.clone()).into_graph().unwrap(), value);
    }
}
