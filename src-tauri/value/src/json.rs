//! Conversions between [`Graph`] and `serde_json::Value`.

use std::fmt;

use serde_json::{Map as JsonMap, Number, Value as Json};

use crate::de::describe;
use crate::{Array, BigInt, Date, Graph, JsString, Node, NodeId, Value, ViewKind};

/// Why a graph could not become JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// A value contains itself; `path` is where the cycle closes (`.a.b`).
    Cycle {
        /// Where the reference back to an ancestor was met.
        path: String,
    },
    /// A reference to a node the graph does not have.
    DanglingReference(NodeId),
    /// Shared references would expand past this many objects.
    TooLarge(usize),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cycle { path } if path.is_empty() => {
                f.write_str("cannot convert a cyclic value to JSON")
            }
            Self::Cycle { path } => write!(f, "cannot convert a cyclic value to JSON (at {path})"),
            Self::DanglingReference(id) => write!(f, "reference to missing node {id}"),
            Self::TooLarge(n) => write!(f, "shared references expand past {n} objects"),
        }
    }
}

impl std::error::Error for JsonError {}

impl From<Json> for Graph {
    /// A graph from JSON, nothing lost (see [`Graph::to_json`] for the way back).
    fn from(json: Json) -> Self {
        Graph::from(&json)
    }
}

impl From<&Json> for Graph {
    fn from(json: &Json) -> Self {
        let mut graph = Graph::new();
        let root = graph.add_json(json);
        graph.with_root(root)
    }
}

impl TryFrom<&Graph> for Json {
    type Error = JsonError;

    fn try_from(graph: &Graph) -> Result<Json, JsonError> {
        graph.to_json()
    }
}

/// A container being built.
struct Frame<'g> {
    id: Option<NodeId>,
    children: Vec<(Option<JsString>, Child<'g>)>,
    next: usize,
    out: Out,
}

enum Child<'g> {
    Value(&'g Value),
    Json(Json),
    Pair(&'g Value, &'g Value),
}

enum Out {
    Array(Vec<Json>),
    Object(JsonMap<String, Json>),
}

impl Graph {
    /// Adds the objects of a JSON value to this graph and returns the value.
    pub fn add_json(&mut self, json: &Json) -> Value {
        // Iterative, so any depth serde_json can hold converts.
        enum Task<'j> {
            Convert(&'j Json),
            Close {
                array: bool,
                keys: Vec<&'j String>,
                len: usize,
            },
        }
        let mut tasks = vec![Task::Convert(json)];
        let mut done: Vec<Value> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Convert(json) => match json {
                    Json::Null => done.push(Value::Null),
                    Json::Bool(b) => done.push(Value::Bool(*b)),
                    Json::Number(n) => done.push(number_value(n)),
                    Json::String(s) => done.push(Value::from(s.as_str())),
                    Json::Array(items) => {
                        tasks.push(Task::Close {
                            array: true,
                            keys: Vec::new(),
                            len: items.len(),
                        });
                        tasks.extend(items.iter().rev().map(Task::Convert));
                    }
                    Json::Object(map) => {
                        tasks.push(Task::Close {
                            array: false,
                            keys: map.keys().collect(),
                            len: map.len(),
                        });
                        tasks.extend(map.values().rev().map(Task::Convert));
                    }
                },
                Task::Close { array, keys, len } => {
                    let values = done.split_off(done.len() - len);
                    let node = if array {
                        Node::Array(Array::new(values))
                    } else {
                        Node::Object(
                            keys.into_iter()
                                .map(|k| JsString::from(k.as_str()))
                                .zip(values)
                                .collect(),
                        )
                    };
                    done.push(self.add_value(node));
                }
            }
        }
        done.pop().unwrap_or_default()
    }

    /// The root as JSON, failing only on cycles (and on shared references that expand past
    /// 1,000,000 + 16 × the node count objects). JSON cannot say everything, so this loses:
    ///
    /// | JavaScript value | JSON |
    /// |---|---|
    /// | `undefined` | omitted as an object property; `null` elsewhere |
    /// | number | integer when a safe integer (`-0` as `0`); `NaN` and `±Infinity` as `null` |
    /// | BigInt | integer when it fits `i64`/`u64`, else its decimal string |
    /// | string with lone surrogates | each lone surrogate as U+FFFD |
    /// | plain object | object (serde_json orders keys by its own rule; repeated keys: the last wins) |
    /// | Array | array; holes as `null`; non-index properties dropped |
    /// | `Date` | ISO 8601 string (`toISOString`); invalid date as `null` |
    /// | `RegExp` | the string `/source/flags` |
    /// | `Map` | object when every key is a string, else an array of `[key, value]` pairs |
    /// | `Set` | array |
    /// | `ArrayBuffer`, typed array, `DataView` | array of its elements (bytes for `ArrayBuffer` and `DataView`) |
    /// | `Error` | object with `name`, `message` and, when present, `stack` and `cause` |
    /// | wrapper objects | their primitive |
    /// | shared reference | a copy at each place |
    /// | cycle | error ([`JsonError::Cycle`]) |
    ///
    /// The way in, `Graph::from(serde_json::Value)`, loses nothing: `null`, booleans, strings,
    /// arrays and objects map to themselves, and numbers to numbers (integers beyond
    /// ±(2^53 - 1) to BigInts, as [`to_graph`](crate::to_graph) does).
    pub fn to_json(&self) -> Result<Json, JsonError> {
        self.value_to_json(self.root())
    }

    /// A value of this graph as JSON.
    pub fn value_to_json(&self, value: &Value) -> Result<Json, JsonError> {
        let limit = 1_000_000usize.saturating_add(self.len().saturating_mul(16));
        let mut visits = 0usize;
        let mut stack: Vec<Frame<'_>> = Vec::new();
        // Which nodes have an open frame, for finding cycles.
        let mut open = vec![false; self.len()];
        let mut pending: Option<Json> = self.start(value, &mut stack)?;
        if let (Some(id), Some(_)) = (value.node_id(), stack.last()) {
            open[id.index()] = true;
        }
        loop {
            if let Some(json) = pending.take() {
                let Some(top) = stack.last_mut() else {
                    return Ok(json);
                };
                let key = top.children[top.next - 1].0.take();
                match &mut top.out {
                    Out::Array(items) => items.push(json),
                    Out::Object(map) => {
                        let key = key.map(JsString::into_string_lossy).unwrap_or_default();
                        map.insert(key, json);
                    }
                }
            }
            let Some(top) = stack.last_mut() else {
                unreachable!("a frame is open until its value is pending");
            };
            if top.next == top.children.len() {
                let frame = stack.pop().expect("the top frame");
                if let Some(id) = frame.id {
                    open[id.index()] = false;
                }
                pending = Some(match frame.out {
                    Out::Array(items) => Json::Array(items),
                    Out::Object(map) => Json::Object(map),
                });
                continue;
            }
            let index = top.next;
            top.next += 1;
            let child = std::mem::replace(&mut top.children[index].1, Child::Json(Json::Null));
            pending = match child {
                Child::Json(json) => Some(json),
                Child::Pair(k, v) => {
                    stack.push(Frame {
                        id: None,
                        children: vec![(None, Child::Value(k)), (None, Child::Value(v))],
                        next: 0,
                        out: Out::Array(Vec::with_capacity(2)),
                    });
                    None
                }
                Child::Value(v) => {
                    if let Value::Ref(id) = v {
                        if open.get(id.index()) == Some(&true) {
                            return Err(JsonError::Cycle {
                                path: json_path(&stack),
                            });
                        }
                        visits += 1;
                        if visits > limit {
                            return Err(JsonError::TooLarge(limit));
                        }
                    }
                    let json = self.start(v, &mut stack)?;
                    if let (Value::Ref(id), None) = (v, &json) {
                        open[id.index()] = true;
                    }
                    json
                }
            };
        }
    }

    /// Converts a leaf at once, or opens a frame for a container (and returns `None`).
    fn start<'g>(
        &'g self,
        value: &'g Value,
        stack: &mut Vec<Frame<'g>>,
    ) -> Result<Option<Json>, JsonError> {
        let id = match value {
            Value::Ref(id) => *id,
            primitive => return Ok(Some(primitive_json(primitive))),
        };
        let node = self.node(id).ok_or(JsonError::DanglingReference(id))?;
        let (children, out) = match node {
            Node::Object(entries) => (
                entries
                    .iter()
                    .filter(|(_, v)| !v.is_undefined())
                    .map(|(k, v)| (Some(k.clone()), Child::Value(v)))
                    .collect(),
                Out::Object(JsonMap::new()),
            ),
            Node::Array(array) => (
                array
                    .elements
                    .iter()
                    .map(|e| {
                        (
                            None,
                            match e {
                                Some(v) => Child::Value(v),
                                None => Child::Json(Json::Null),
                            },
                        )
                    })
                    .collect(),
                Out::Array(Vec::with_capacity(array.elements.len())),
            ),
            Node::Map(entries) if entries.iter().all(|(k, _)| matches!(k, Value::String(_))) => (
                entries
                    .iter()
                    .filter(|(_, v)| !v.is_undefined())
                    .map(|(k, v)| (k.as_js_string().cloned(), Child::Value(v)))
                    .collect(),
                Out::Object(JsonMap::new()),
            ),
            Node::Map(entries) => (
                entries
                    .iter()
                    .map(|(k, v)| (None, Child::Pair(k, v)))
                    .collect(),
                Out::Array(Vec::with_capacity(entries.len())),
            ),
            Node::Set(items) => (
                items.iter().map(|v| (None, Child::Value(v))).collect(),
                Out::Array(Vec::with_capacity(items.len())),
            ),
            Node::Error(error) => {
                let mut children = vec![(
                    Some(JsString::from("name")),
                    Child::Json(Json::from(error.name.as_str())),
                )];
                let text = |s: &JsString| Child::Json(Json::from(s.to_string_lossy().as_ref()));
                children.push((
                    Some(JsString::from("message")),
                    error
                        .message
                        .as_ref()
                        .map_or(Child::Json(Json::from("")), text),
                ));
                if let Some(stack) = &error.stack {
                    children.push((Some(JsString::from("stack")), text(stack)));
                }
                if let Some(cause) = &error.cause {
                    if !cause.is_undefined() {
                        children.push((Some(JsString::from("cause")), Child::Value(cause)));
                    }
                }
                (children, Out::Object(JsonMap::new()))
            }
            leaf => return Ok(Some(self.leaf_json(leaf)?)),
        };
        stack.push(Frame {
            id: Some(id),
            children,
            next: 0,
            out,
        });
        Ok(None)
    }

    fn leaf_json(&self, node: &Node) -> Result<Json, JsonError> {
        Ok(match node {
            Node::Date(t) => Date(*t).to_iso_string().map_or(Json::Null, Json::String),
            Node::RegExp { source, flags } => Json::String(format!("/{source}/{flags}")),
            Node::ArrayBuffer(bytes) => Json::Array(bytes.iter().map(|b| Json::from(*b)).collect()),
            Node::View(view) => {
                let bytes = self
                    .view_bytes(view)
                    .ok_or(JsonError::DanglingReference(view.buffer))?;
                view_json(view.kind, bytes)
            }
            Node::NumberObject(n) => number_json(*n),
            Node::StringObject(s) => Json::String(s.to_string_lossy().into_owned()),
            Node::BooleanObject(b) => Json::Bool(*b),
            Node::BigIntObject(n) => bigint_json(n),
            other => unreachable!("{} is a container", describe(other)),
        })
    }
}

fn view_json(kind: ViewKind, bytes: &[u8]) -> Json {
    let size = kind.element_size();
    let mut out = Vec::with_capacity(bytes.len() / size);
    for b in bytes.chunks_exact(size) {
        let mut eight = [0u8; 8];
        eight[..size].copy_from_slice(b);
        out.push(match kind {
            ViewKind::Int8Array => Json::from(b[0] as i8),
            ViewKind::Uint8Array | ViewKind::Uint8ClampedArray | ViewKind::DataView => {
                Json::from(b[0])
            }
            ViewKind::Int16Array => Json::from(i16::from_le_bytes([b[0], b[1]])),
            ViewKind::Uint16Array => Json::from(u16::from_le_bytes([b[0], b[1]])),
            ViewKind::Float16Array => {
                number_json(crate::de::f16_to_f64(u16::from_le_bytes([b[0], b[1]])))
            }
            ViewKind::Int32Array => Json::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            ViewKind::Uint32Array => Json::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            ViewKind::Float32Array => {
                number_json(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            }
            ViewKind::Float64Array => number_json(f64::from_le_bytes(eight)),
            ViewKind::BigInt64Array => Json::from(i64::from_le_bytes(eight)),
            ViewKind::BigUint64Array => Json::from(u64::from_le_bytes(eight)),
        });
    }
    Json::Array(out)
}

/// Where the walk is, for a cycle error.
fn json_path(stack: &[Frame<'_>]) -> String {
    let mut out = String::new();
    for frame in stack {
        let index = frame.next - 1;
        match &frame.children[index].0 {
            Some(key) => {
                out.push('.');
                out.push_str(&key.to_string_lossy());
            }
            None => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

fn primitive_json(value: &Value) -> Json {
    match value {
        Value::Undefined | Value::Null | Value::Ref(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number_json(*n),
        Value::BigInt(n) => bigint_json(n),
        Value::String(s) => Json::String(s.to_string_lossy().into_owned()),
    }
}

fn number_json(n: f64) -> Json {
    match Value::Number(n).as_safe_integer() {
        Some(i) => Json::from(i),
        None => Number::from_f64(n).map_or(Json::Null, Json::Number),
    }
}

fn bigint_json(n: &BigInt) -> Json {
    if let Ok(i) = i64::try_from(n) {
        Json::from(i)
    } else if let Ok(u) = u64::try_from(n) {
        Json::from(u)
    } else {
        Json::String(n.to_string())
    }
}

fn number_value(n: &Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::from(i)
    } else if let Some(u) = n.as_u64() {
        Value::from(u)
    } else {
        Value::Number(n.as_f64().unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorName, ErrorNode};
    use serde_json::json;

    #[test]
    fn json_round_trips_through_a_graph() {
        let j = json!({"a": [1, 2.5, null, true, "s", {"b": []}], "big": 18446744073709551615u64});
        let g = Graph::from(&j);
        assert!(matches!(g.pointer(&["big"]), Some(Value::BigInt(_))));
        assert_eq!(g.to_json().unwrap(), j);
    }

    #[test]
    fn losses_are_the_documented_ones() {
        let mut g = Graph::new();
        let date = g.date(0.0);
        let bad_date = g.date(f64::NAN);
        let re = g.regexp("a+", "gi");
        let set = g.set(vec![1.into(), Value::Undefined]);
        let map = g.map(vec![("k".into(), 1.into())]);
        let pairs = g.map(vec![(1.into(), 2.into())]);
        let bytes = g.uint8_array(vec![1, 2]);
        let err = g.error(ErrorNode::new(ErrorName::TypeError, "bad"));
        let holes = g.add_value(Node::Array(Array {
            elements: vec![None, Some(Value::Undefined)],
            props: vec![("x".into(), 1.into())],
        }));
        let root = g.object(vec![
            ("u", Value::Undefined),
            ("nan", f64::NAN.into()),
            ("negzero", (-0.0).into()),
            ("date", date),
            ("bad_date", bad_date),
            ("re", re),
            ("set", set),
            ("map", map),
            ("pairs", pairs),
            ("bytes", bytes),
            ("err", err),
            ("holes", holes),
            ("big", Value::bigint(u128::MAX)),
            ("lone", Value::String(JsString::from_utf16(&[0xD800]))),
        ]);
        g.set_root(root);
        assert_eq!(
            g.to_json().unwrap(),
            json!({
                "nan": null,
                "negzero": 0,
                "date": "1970-01-01T00:00:00.000Z",
                "bad_date": null,
                "re": "/a+/gi",
                "set": [1, null],
                "map": {"k": 1},
                "pairs": [[1, 2]],
                "bytes": [1, 2],
                "err": {"name": "TypeError", "message": "bad"},
                "holes": [null, null],
                "big": "340282366920938463463374607431768211455",
                "lone": "\u{FFFD}",
            })
        );
    }

    #[test]
    fn cycles_are_refused_and_sharing_is_copied() {
        let mut g = Graph::new();
        let shared = g.array(vec![1.into()]);
        let root = g.object(vec![("a", shared.clone()), ("b", shared)]);
        g.set_root(root.clone());
        assert_eq!(g.to_json().unwrap(), json!({"a": [1], "b": [1]}));
        let inner = g.object(vec![("up", root.clone())]);
        g.insert(&root, "c", inner);
        assert_eq!(
            g.to_json(),
            Err(JsonError::Cycle {
                path: ".c.up".into()
            })
        );
    }

    #[test]
    fn deep_json_converts_without_recursion() {
        let mut g = Graph::new();
        let mut v = Value::Null;
        for _ in 0..50_000 {
            v = g.array(vec![v]);
        }
        g.set_root(v);
        let json = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let json = g.to_json().unwrap();
                let back = Graph::from(&json);
                // serde_json's Drop recurses; forget the deep value instead.
                std::mem::forget(json);
                back.len()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(json, 50_000);
    }
}
