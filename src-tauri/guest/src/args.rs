//! Arguments of a broadcast, invoke or request: one structured-clone graph whose root is the
//! array of positional arguments, with typed access through serde. The same type as
//! `ferrolens_ipc::Args`, for the guest.

use ferrolens_value::{from_value, to_value_in, Graph, Node, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as JsonValue;

use crate::error::{ErrorCode, IpcError};

/// The positional arguments of one message, with the structured-clone semantics they were sent
/// with: read them typed with [`Args::get`], or whole with [`Args::graph`] / [`Args::arg`].
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    graph: Graph,
    len: usize,
}

fn bad_payload(message: String) -> IpcError {
    IpcError::new(ErrorCode::BadPayload, message)
}

/// `graph` in the wire format, or `BAD_PAYLOAD` naming `what` cannot be encoded.
pub(crate) fn encode(graph: &Graph, what: &str) -> Result<Vec<u8>, IpcError> {
    ferrolens_value::try_encode(graph)
        .map_err(|err| bad_payload(format!("{what} cannot be encoded: {err}")))
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

    /// The arguments in the structured-clone wire format; `BAD_PAYLOAD` when the graph cannot
    /// be written (nested past the format's limit, a dangling reference).
    pub fn encode(&self) -> Result<Vec<u8>, IpcError> {
        encode(&self.graph, "the arguments")
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
    pub fn arg(&self, index: usize) -> Graph {
        match self.value(index) {
            Some(value) => self.graph.subgraph(value),
            None => Graph::new(),
        }
    }

    /// Argument `index` as a graph of its own without copying: the way to echo or forward it.
    pub fn into_arg(self, index: usize) -> Graph {
        match self.value(index) {
            Some(value) => {
                let value = value.clone();
                self.graph.with_root(value)
            }
            None => Graph::new(),
        }
    }

    /// Argument `index` decoded as `T`. A missing argument decodes as `undefined`, so
    /// `Option<T>` parameters may be left out. Errors name the argument and the path inside it.
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
        let len = self.len();
        Ok(Args {
            graph: Graph::from(JsonValue::Array(self)),
            len,
        })
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
