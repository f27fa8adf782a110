//! Arguments of a broadcast or invoke: one structured-clone graph whose root is the array of
//! positional arguments, with typed access through serde.

use ferrolens_value::{from_value, to_value_in, Graph, Node, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as JsonValue;

use crate::error::{ErrorCode, IpcError};

/// The positional arguments of one message, as `listen(channel, (event, ...args))` sees them.
///
/// They keep the structured-clone semantics they were sent with (Dates, Maps, typed arrays,
/// cycles...): read them typed with [`Args::get`], or whole with [`Args::graph`] / [`Args::arg`].
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    graph: Graph,
    len: usize,
}

impl Default for Args {
    fn default() -> Self {
        let mut graph = Graph::new();
        let root = graph.array(Vec::new());
        Self {
            graph: graph.with_root(root),
            len: 0,
        }
    }
}

fn bad_payload(message: String) -> IpcError {
    IpcError::new(ErrorCode::BadPayload, message)
}

impl Args {
    /// Arguments from a graph whose root is the array of arguments.
    pub fn from_graph(graph: Graph) -> Result<Self, IpcError> {
        let len = match graph.resolve(graph.root()) {
            Some(Node::Array(array)) => array.len(),
            _ => return Err(bad_payload("the arguments must be an array".into())),
        };
        Ok(Self { graph, len })
    }

    /// Arguments from bytes in the structured-clone wire format.
    pub fn decode(bytes: &[u8]) -> Result<Self, IpcError> {
        let graph = ferrolens_value::decode(bytes)
            .map_err(|err| bad_payload(format!("the arguments could not be decoded: {err}")))?;
        Self::from_graph(graph)
    }

    /// One `Uint8Array` argument over a buffer of exactly `bytes` (what a frame sends as the body
    /// itself when the header [`header::ARGS`](crate::protocol::header::ARGS) is `uint8array`).
    pub fn uint8_array(bytes: Vec<u8>) -> Self {
        Self::one(|graph| graph.uint8_array(bytes))
    }

    /// One `ArrayBuffer` argument holding `bytes` (header [`header::ARGS`](crate::protocol::header::ARGS) `arraybuffer`).
    pub fn array_buffer(bytes: Vec<u8>) -> Self {
        Self::one(|graph| graph.array_buffer(bytes))
    }

    /// One argument, which `make` adds to the graph.
    fn one(make: impl FnOnce(&mut Graph) -> Value) -> Self {
        let graph = Graph::build(|graph| {
            let arg = make(graph);
            graph.array(vec![arg])
        });
        Self { graph, len: 1 }
    }

    /// The arguments in the structured-clone wire format.
    pub fn encode(&self) -> Vec<u8> {
        ferrolens_value::encode(&self.graph)
    }

    /// The arguments in the structured-clone wire format; `BAD_PAYLOAD` when the graph cannot
    /// be written (nested past the format's limit, a dangling reference), for callers that
    /// built the graph from values they do not control.
    pub fn try_encode(&self) -> Result<Vec<u8>, IpcError> {
        ferrolens_value::try_encode(&self.graph)
            .map_err(|err| bad_payload(format!("the arguments cannot be encoded: {err}")))
    }

    /// Arguments from JSON values (what plain JSON callers send).
    pub fn new(values: Vec<JsonValue>) -> Self {
        let len = values.len();
        Self {
            graph: Graph::from(JsonValue::Array(values)),
            len,
        }
    }

    /// How many arguments were sent.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no argument was sent.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The graph holding every argument (its root is their array).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Argument `index` as a value of [`Args::graph`], if sent.
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.graph.element(self.graph.root(), index)
    }

    /// Argument `index` as a graph of its own, with full fidelity (`undefined` when not sent).
    /// Return it from a handler to answer with exactly what was sent.
    pub fn arg(&self, index: usize) -> Graph {
        match self.value(index) {
            Some(value) => self.graph.subgraph(value),
            None => Graph::new(),
        }
    }

    /// Argument `index` as a graph of its own, like [`Args::arg`], without copying: the
    /// arguments' graph becomes the answer's. The way to forward or echo a large argument.
    pub fn into_arg(self, index: usize) -> Graph {
        match self.value(index) {
            Some(value) => {
                let value = value.clone();
                self.graph.with_root(value)
            }
            None => Graph::new(),
        }
    }

    /// Argument `index` decoded as `T`. A missing argument decodes as `undefined`, so `Option<T>`
    /// parameters may be left out. Errors name the argument and the path inside it.
    pub fn get<T: DeserializeOwned>(&self, index: usize) -> Result<T, IpcError> {
        let value = self.value(index).unwrap_or(&Value::Undefined);
        from_value(&self.graph, value).map_err(|err| {
            let at = match err.path() {
                "" => String::new(),
                path => format!(" at {path}"),
            };
            bad_payload(format!("argument {index}{at}: {}", err.message()))
        })
    }

    /// Every argument as JSON, where JSON can say it (see [`Args::to_json`]).
    pub fn values(&self) -> Vec<JsonValue> {
        match self.to_json() {
            JsonValue::Array(values) => values,
            other => vec![other],
        }
    }

    /// The arguments as JSON, where JSON can say it (for display: Dates become strings, Maps
    /// objects, binary data arrays of numbers, cycles are cut).
    pub fn to_json(&self) -> JsonValue {
        self.graph
            .to_json()
            .unwrap_or_else(|err| JsonValue::String(format!("({err})")))
    }
}

/// Anything that can be sent as the arguments of a message: `()`, a tuple of serializable
/// values (a [`Graph`] among them keeps its full fidelity), a `Vec<serde_json::Value>`, or
/// [`Args`].
pub trait IntoArgs {
    /// Serializes into [`Args`]; fails with `BAD_PAYLOAD` when a value cannot be serialized.
    fn into_args(self) -> Result<Args, IpcError>;
}

impl IntoArgs for Args {
    fn into_args(self) -> Result<Args, IpcError> {
        Ok(self)
    }
}

impl IntoArgs for Vec<JsonValue> {
    fn into_args(self) -> Result<Args, IpcError> {
        Ok(Args::new(self))
    }
}

fn push(graph: &mut Graph, index: usize, value: impl Serialize) -> Result<Value, IpcError> {
    to_value_in(graph, &value)
        .map_err(|err| bad_payload(format!("argument {index} cannot be sent: {err}")))
}

macro_rules! tuple_args {
    ($($name:ident $idx:tt),*) => {
        impl<$($name: Serialize),*> IntoArgs for ($($name,)*) {
            #[allow(unused_variables, unused_mut)]
            fn into_args(self) -> Result<Args, IpcError> {
                let mut graph = Graph::new();
                let values = vec![$(push(&mut graph, $idx, self.$idx)?),*];
                let len = values.len();
                let root = graph.array(values);
                Ok(Args { graph: graph.with_root(root), len })
            }
        }
    };
}
tuple_args!();
tuple_args!(A 0);
tuple_args!(A 0, B 1);
tuple_args!(A 0, B 1, C 2);
tuple_args!(A 0, B 1, C 2, D 3);
tuple_args!(A 0, B 1, C 2, D 3, E 4);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Note {
        title: String,
        tags: Vec<String>,
    }

    #[test]
    fn typed_access_decodes_structs_and_missing_optionals() {
        let args = ("n1", json!({"title": "t", "tags": ["a"]}))
            .into_args()
            .unwrap();
        assert_eq!(args.len(), 2);
        assert_eq!(args.get::<String>(0).unwrap(), "n1");
        assert_eq!(
            args.get::<Note>(1).unwrap(),
            Note {
                title: "t".into(),
                tags: vec!["a".into()]
            }
        );
        assert_eq!(args.get::<Option<u32>>(2).unwrap(), None);
    }

    #[test]
    fn a_lone_binary_argument_is_the_same_value_the_wire_format_would_carry() {
        let bytes = vec![0u8, 7, 255];
        let mut graph = Graph::new();
        let view = graph.uint8_array(bytes.clone());
        let root = graph.array(vec![view]);
        let encoded = Args::decode(&ferrolens_value::encode(&graph.with_root(root))).unwrap();
        let lone = Args::uint8_array(bytes.clone());
        assert_eq!(lone, encoded);
        assert_eq!(lone.len(), 1);
        assert_eq!(lone.get::<Vec<u8>>(0).unwrap(), bytes);

        let buffer = Args::array_buffer(bytes.clone());
        assert_eq!(buffer.len(), 1);
        assert!(matches!(
            buffer.graph().resolve(buffer.value(0).unwrap()),
            Some(Node::ArrayBuffer(b)) if *b == bytes
        ));
    }

    #[test]
    fn decoding_errors_name_the_argument_and_the_path() {
        let args = Args::new(vec![json!({"title": "t", "tags": ["a", 7]})]);
        let err = args.get::<Note>(0).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload);
        assert!(
            err.message.starts_with("argument 0 at .tags[1]"),
            "{}",
            err.message
        );
        let err = args.get::<u64>(3).unwrap_err();
        assert!(err.message.starts_with("argument 3:"), "{}", err.message);
    }

    #[test]
    fn arguments_survive_the_wire_format_with_full_fidelity() {
        let mut graph = Graph::new();
        let bytes = graph.uint8_array(vec![1, 2, 3]);
        let date = graph.date(86_400_000.0);
        let root = graph.array(vec![bytes, date, Value::Undefined]);
        let args = Args::from_graph(graph.with_root(root)).unwrap();
        let back = Args::decode(&args.encode()).unwrap();
        assert_eq!(back, args);
        assert_eq!(back.get::<Vec<u8>>(0).unwrap(), [1, 2, 3]);
        assert!(back.value(2).unwrap().is_undefined());
        assert_eq!(back.arg(0), args.arg(0));
    }

    #[test]
    fn an_argument_taken_without_copying_encodes_as_the_copied_one() {
        // A shared node and a cycle inside argument 1, after an argument 0 that is not sent.
        let mut graph = Graph::new();
        let skipped = graph.object(vec![("x", Value::Null)]);
        let shared = graph.date(1.0);
        let inner = graph.array(vec![shared.clone(), shared]);
        let outer = graph.object(vec![("inner", inner)]);
        if let Value::Ref(id) = &outer {
            if let Some(Node::Object(entries)) = graph.node_mut(*id) {
                entries.push(("me".into(), outer.clone()));
            }
        }
        let root = graph.array(vec![skipped, outer]);
        let args = Args::from_graph(graph.with_root(root)).unwrap();
        let copied = ferrolens_value::encode(&args.arg(1));
        let taken = args.clone().into_arg(1);
        assert_eq!(ferrolens_value::encode(&taken), copied);
        assert_eq!(args.clone().into_arg(5), Graph::new());
    }

    #[test]
    fn malformed_bytes_and_non_array_roots_are_bad_payloads() {
        let err = Args::decode(&[1, 0x7f]).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload);
        assert!(err.message.contains("at byte 1"), "{}", err.message);
        let not_array = Args::from_graph(Graph::from(json!({"a": 1}))).unwrap_err();
        assert!(not_array.message.contains("must be an array"));
    }
}
