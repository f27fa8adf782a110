//! How [`Graph`], [`Value`], [`JsString`] and [`BigInt`] keep full fidelity through serde.
//!
//! serde's data model cannot say "a Map", "undefined" or "this object again". So these types
//! serialize as a newtype struct with a private name, and hand themselves over through a
//! thread-local slot: this crate's serializer and deserializer recognize the name and take the
//! slot, and any other serializer or deserializer sees an ordinary newtype and gets a JSON-like
//! form (see [`Graph::to_json`]).

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, Serializer};

use crate::{BigInt, Graph, JsString, Node, Value};

pub(crate) const GRAPH: &str = "$ferrolens_value::Graph";
pub(crate) const VALUE: &str = "$ferrolens_value::Value";
pub(crate) const DATE: &str = "$ferrolens_value::Date";

thread_local! {
    static SLOT: RefCell<Option<Graph>> = const { RefCell::new(None) };
    /// How many of this crate's serializers are running on this thread.
    static SERIALIZING: Cell<usize> = const { Cell::new(0) };
}

/// Puts a graph in the slot for the visitor that is about to run.
pub(crate) fn put(graph: Graph) {
    SLOT.with(|slot| *slot.borrow_mut() = Some(graph));
}

/// Takes the graph from the slot, if one is there.
pub(crate) fn take() -> Option<Graph> {
    SLOT.with(|slot| slot.borrow_mut().take())
}

/// Marks this crate's serializer as running while the guard lives.
pub(crate) struct SerializingGuard;

impl SerializingGuard {
    pub(crate) fn new() -> Self {
        SERIALIZING.with(|n| n.set(n.get() + 1));
        SerializingGuard
    }
}

impl Drop for SerializingGuard {
    fn drop(&mut self) {
        SERIALIZING.with(|n| n.set(n.get() - 1));
    }
}

fn serializing() -> bool {
    SERIALIZING.with(Cell::get) > 0
}

/// Serializes `graph` under `name`: through the slot for this crate's serializer, else as
/// `fallback`.
fn serialize_via_slot<S: Serializer, F: Serialize>(
    serializer: S,
    name: &'static str,
    graph: impl FnOnce() -> Graph,
    fallback: &F,
) -> Result<S::Ok, S::Error> {
    if serializing() {
        put(graph());
        let result = serializer.serialize_newtype_struct(name, fallback);
        take();
        result
    } else {
        fallback.serialize(serializer)
    }
}

/// A graph as other serializers see it: its JSON form.
struct JsonForm<'a>(&'a Graph, &'a Value);

impl Serialize for JsonForm<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0
            .value_to_json(self.1)
            .map_err(ser::Error::custom)?
            .serialize(serializer)
    }
}

impl Serialize for Graph {
    /// With [`to_graph`](crate::to_graph): the graph itself, spliced in. With any other
    /// serializer: its JSON form ([`Graph::to_json`]); a cycle is an error.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_via_slot(
            serializer,
            GRAPH,
            || self.clone(),
            &JsonForm(self, self.root()),
        )
    }
}

impl Serialize for Value {
    /// With [`to_graph`](crate::to_graph): the value exactly (`undefined` stays `undefined`).
    /// With any other serializer: its JSON form. A [`Value::Ref`] has no meaning without its
    /// graph, so serializing one is an error: serialize the [`Graph`] instead.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Value::Ref(id) = self {
            return Err(ser::Error::custom(format_args!(
                "a Value::Ref ({id}) cannot be serialized without its Graph"
            )));
        }
        let empty = Graph::new();
        serialize_via_slot(
            serializer,
            VALUE,
            || Graph::from(self.clone()),
            &JsonForm(&empty, self),
        )
    }
}

impl Serialize for JsString {
    /// A string; lone surrogates survive [`to_graph`](crate::to_graph) and become U+FFFD
    /// elsewhere.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(s) => serializer.serialize_str(s),
            None => Value::String(self.clone()).serialize(serializer),
        }
    }
}

impl Serialize for BigInt {
    /// A BigInt with [`to_graph`](crate::to_graph); elsewhere an integer when it fits 128 bits,
    /// else its decimal string.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::BigInt(self.clone()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Graph {
    /// From [`from_graph`](crate::from_graph): the part of the graph this value reaches, exactly.
    /// From any other deserializer: built from its data model (sequences become arrays, maps
    /// with string keys plain objects, other maps `Map`s, bytes `Uint8Array`s).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(GRAPH, GraphVisitor)
    }
}

impl<'de> Deserialize<'de> for Value {
    /// From [`from_graph`](crate::from_graph): the primitive exactly; an object is an error
    /// (deserialize a [`Graph`] for those). From other deserializers: their primitives.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let graph = deserializer.deserialize_newtype_struct(VALUE, GraphVisitor)?;
        let (nodes, root) = graph.into_parts();
        if nodes.is_empty() {
            Ok(root)
        } else {
            Err(de::Error::custom(
                "expected a primitive value; use Graph for objects",
            ))
        }
    }
}

impl<'de> Deserialize<'de> for JsString {
    /// A string, lone surrogates kept (from [`from_graph`](crate::from_graph)).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) => Ok(s),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a string")),
        }
    }
}

impl<'de> Deserialize<'de> for BigInt {
    /// A BigInt, an integral number, or a decimal string.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::BigInt(n) => Ok(n),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1.7e38 => Ok(BigInt::from(n as i128)),
            Value::String(s) => s.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
                de::Error::invalid_value(unexpected(&Value::String(s)), &"a BigInt")
            }),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a BigInt")),
        }
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Undefined | Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => de::Unexpected::Float(*n),
        Value::BigInt(_) => de::Unexpected::Other("a BigInt"),
        Value::String(s) => match s.as_str() {
            Some(s) => de::Unexpected::Str(s),
            None => de::Unexpected::Other("a string"),
        },
        Value::Ref(_) => de::Unexpected::Other("an object"),
    }
}

/// Builds a graph from whatever a deserializer offers.
struct GraphVisitor;

impl<'de> Visitor<'de> for GraphVisitor {
    type Value = Graph;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Graph, D::Error> {
        match take() {
            Some(graph) => Ok(graph),
            None => d.deserialize_any(GraphVisitor),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Graph, E> {
        Ok(Graph::from(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Graph, E> {
        let mut graph = Graph::new();
        let root = graph.uint8_array(v.to_vec());
        Ok(graph.with_root(root))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Graph, E> {
        Ok(Graph::from(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Graph, E> {
        Ok(Graph::from(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Graph, D::Error> {
        d.deserialize_any(GraphVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Graph, A::Error> {
        let mut graph = Graph::new();
        let mut elements = Vec::new();
        while let Some(element) = seq.next_element_seed(AnyGraph)? {
            elements.push(graph.splice(element));
        }
        let root = graph.array(elements);
        Ok(graph.with_root(root))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Graph, A::Error> {
        let mut graph = Graph::new();
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry_seed(AnyGraph, AnyGraph)? {
            let key = graph.splice(key);
            let value = graph.splice(value);
            entries.push((key, value));
        }
        let root = if entries.iter().all(|(k, _)| matches!(k, Value::String(_))) {
            let entries = entries
                .into_iter()
                .map(|(k, v)| match k {
                    Value::String(k) => (k, v),
                    _ => unreachable!("all keys are strings"),
                })
                .collect();
            graph.add_value(Node::Object(entries))
        } else {
            graph.add_value(Node::Map(entries))
        };
        Ok(graph.with_root(root))
    }
}

/// A seed that reads any value as a graph, without the slot (for parts of a foreign value).
struct AnyGraph;

impl<'de> de::DeserializeSeed<'de> for AnyGraph {
    type Value = Graph;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Graph, D::Error> {
        Graph::deserialize(d)
    }
}
