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
    /// Objects nested deeper than this many levels ([`MAX_JSON_DEPTH`]).
    TooDeep(usize),
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
            Self::TooDeep(n) => write!(f, "objects nested deeper than {n} levels"),
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

/// How deep [`Graph::to_json`] goes, about as deep as serde_json's own parser: every `serde_json::Value`
/// made here can be serialized, cloned, compared and dropped (all of which recurse) on any
/// thread, whatever an extension sent.
pub const MAX_JSON_DEPTH: usize = 128;

/// How much of a value [`Graph::preview_json`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewLimits {
    /// Objects nested deeper than this are shown as a note.
    pub max_depth: usize,
    /// About how many bytes of JSON text the preview holds (keys, strings, numbers); past them
    /// the rest of each open container is left out, with a note saying how much.
    pub max_bytes: usize,
}

/// What [`Graph::preview_json`] made.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPreview {
    /// The preview: the value as [`Graph::to_json`] would make it, where it fits the limits.
    pub json: Json,
    /// False when something was left out or cut (depth, size, a cycle, a missing object).
    pub whole: bool,
}

/// Which child of a container is being converted, for its key and for cycle paths.
#[derive(Clone, Copy)]
enum Key<'g> {
    Index(usize),
    Name(&'g JsString),
    Static(&'static str),
}

/// A container's children, read one at a time: a container of 64 million elements is never
/// copied into a list first.
enum Children<'g> {
    /// A plain object's entries; `undefined` values are skipped.
    Entries(std::slice::Iter<'g, (JsString, Value)>),
    Elements(std::iter::Enumerate<std::slice::Iter<'g, Option<Value>>>),
    /// A Map whose keys are all strings, as an object; `undefined` values are skipped.
    Named(std::slice::Iter<'g, (Value, Value)>),
    /// A Map with other keys, as `[key, value]` pairs.
    Pairs(std::iter::Enumerate<std::slice::Iter<'g, (Value, Value)>>),
    Items(std::iter::Enumerate<std::slice::Iter<'g, Value>>),
    Fixed(std::vec::IntoIter<(Key<'g>, Child<'g>)>),
}

impl<'g> Children<'g> {
    fn next(&mut self) -> Option<(Key<'g>, Child<'g>)> {
        let named = |(k, v): &'g (Value, Value)| match (k, v.is_undefined()) {
            (Value::String(k), false) => Some((Key::Name(k), Child::Value(v))),
            _ => None,
        };
        match self {
            Children::Entries(it) => it
                .find(|(_, v)| !v.is_undefined())
                .map(|(k, v)| (Key::Name(k), Child::Value(v))),
            Children::Elements(it) => it.next().map(|(i, e)| {
                let child = e.as_ref().map_or(Child::Json(Json::Null), Child::Value);
                (Key::Index(i), child)
            }),
            Children::Named(it) => it.find_map(named),
            Children::Pairs(it) => it
                .next()
                .map(|(i, (k, v))| (Key::Index(i), Child::Pair(k, v))),
            Children::Items(it) => it.next().map(|(i, v)| (Key::Index(i), Child::Value(v))),
            Children::Fixed(it) => it.next(),
        }
    }

    /// How many children are left (counted only when a preview leaves them out).
    fn left(&self) -> usize {
        match self {
            Children::Entries(it) => it.clone().filter(|(_, v)| !v.is_undefined()).count(),
            Children::Elements(it) => it.len(),
            Children::Named(it) => it.clone().filter(|(_, v)| !v.is_undefined()).count(),
            Children::Pairs(it) => it.len(),
            Children::Items(it) => it.len(),
            Children::Fixed(it) => it.len(),
        }
    }
}

/// A container being built.
struct Frame<'g> {
    id: Option<NodeId>,
    children: Children<'g>,
    /// The key of the child being converted.
    key: Key<'g>,
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

/// The limits of one conversion: a strict one ([`Graph::to_json`]) refuses what it cannot
/// convert; a preview notes it in place and goes on.
struct Walk {
    max_depth: usize,
    /// For a preview, the bytes of JSON text it may still add; `None` when strict.
    room: Option<usize>,
    whole: bool,
    visits: usize,
    /// The most objects shared references may expand to.
    limit: usize,
}

impl Walk {
    fn strict(&self) -> bool {
        self.room.is_none()
    }

    fn out_of_room(&self) -> bool {
        self.room == Some(0)
    }

    /// A note in place of what a preview leaves out; strict conversions fail with `error`.
    fn note(&mut self, error: impl FnOnce() -> JsonError, note: String) -> Result<Json, JsonError> {
        if self.strict() {
            return Err(error());
        }
        self.whole = false;
        Ok(Json::String(note))
    }

    fn charge(&mut self, bytes: usize) {
        if let Some(room) = &mut self.room {
            *room = room.saturating_sub(bytes);
        }
    }

    /// How many elements a binary leaf may show (each takes at least two bytes of text).
    fn max_items(&self) -> usize {
        self.room.map_or(usize::MAX, |room| room / 2)
    }

    /// A leaf as it goes into the output: in a preview, a long string is cut to the room left.
    fn leaf(&mut self, json: Json) -> Json {
        let Some(room) = self.room else {
            return json;
        };
        let json = match json {
            Json::String(s) if s.len() > room => {
                self.whole = false;
                Json::String(clip(s, room))
            }
            other => other,
        };
        self.charge(text_cost(&json));
        json
    }

    /// An object key as it goes into the output (cut like strings in a preview).
    fn key(&mut self, key: Key<'_>) -> String {
        let key = match key {
            Key::Name(k) => k.to_string_lossy().into_owned(),
            Key::Static(k) => k.to_string(),
            Key::Index(i) => i.to_string(),
        };
        match self.room {
            None => key,
            Some(room) => {
                // A key is shown whole unless it is long: the value it names took the room.
                let room = room.max(MIN_KEY_ROOM);
                let key = if key.len() > room {
                    self.whole = false;
                    clip(key, room)
                } else {
                    key
                };
                self.charge(key.len() + 4);
                key
            }
        }
    }
}

/// The bytes of a key a preview shows even when it has no room left.
const MIN_KEY_ROOM: usize = 256;

/// `s` cut to about `room` bytes (on a character boundary), saying how much was left out.
fn clip(mut s: String, room: usize) -> String {
    let mut end = room.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s.len() - end;
    s.truncate(end);
    s.push_str(&format!("… ({cut} more bytes not shown)"));
    s
}

/// About how many bytes of JSON text a leaf takes.
fn text_cost(json: &Json) -> usize {
    match json {
        Json::Null | Json::Bool(_) => 5,
        Json::Number(n) => match n.as_i64() {
            Some(i) => {
                2 + i
                    .unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 1)
            }
            None => 12,
        },
        Json::String(s) => s.len() + 3,
        // Only a binary leaf's numbers, one level deep.
        Json::Array(items) => 2 + items.iter().map(text_cost).sum::<usize>(),
        Json::Object(map) => 2 + map.len() * 8,
    }
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

    /// The root as JSON, failing only on cycles, on objects nested deeper than
    /// [`MAX_JSON_DEPTH`] (and on shared references that expand past 1,000,000 + 16 × the node
    /// count objects). JSON cannot say everything, so this loses:
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

    /// A value of this graph as JSON (see [`Graph::to_json`]).
    pub fn value_to_json(&self, value: &Value) -> Result<Json, JsonError> {
        let mut walk = Walk {
            max_depth: MAX_JSON_DEPTH,
            room: None,
            whole: true,
            visits: 0,
            limit: self.expansion_limit(),
        };
        self.walk(value, &mut walk)
    }

    /// A value of this graph as JSON for people to read (the IPC inspector), within `limits`:
    /// as [`Graph::value_to_json`] makes it, but what does not fit is noted in place rather than
    /// refused. Objects deeper than `max_depth` become the string `"(nested deeper than N
    /// levels: not shown)"`; past about `max_bytes` of text, long strings are cut and the rest of
    /// each open container is replaced by a note (`"… N more not shown"`, under the key `"…"`
    /// in objects); a cycle becomes `"(cycle: refers to an enclosing object)"`. It never walks
    /// much more of the graph than it shows, so it is cheap on a value of any size.
    ///
    /// ```
    /// use ferrolens_value::{Graph, PreviewLimits, Value};
    /// let mut g = Graph::new();
    /// let mut v = Value::Null;
    /// for _ in 0..1000 {
    ///     v = g.array(vec![v]);
    /// }
    /// let limits = PreviewLimits { max_depth: 2, max_bytes: 1024 };
    /// let preview = g.preview_json(&v, limits);
    /// assert_eq!(preview.json, serde_json::json!([["(nested deeper than 2 levels: not shown)"]]));
    /// assert!(!preview.whole);
    /// ```
    pub fn preview_json(&self, value: &Value, limits: PreviewLimits) -> JsonPreview {
        let mut walk = Walk {
            max_depth: limits.max_depth,
            room: Some(limits.max_bytes),
            whole: true,
            visits: 0,
            limit: self.expansion_limit(),
        };
        let json = self
            .walk(value, &mut walk)
            .unwrap_or_else(|err| Json::String(format!("({err})")));
        JsonPreview {
            json,
            whole: walk.whole,
        }
    }

    fn expansion_limit(&self) -> usize {
        1_000_000usize.saturating_add(self.len().saturating_mul(16))
    }

    /// The conversion: iterative, so any depth converts without growing the thread's stack.
    fn walk(&self, value: &Value, walk: &mut Walk) -> Result<Json, JsonError> {
        let mut stack: Vec<Frame<'_>> = Vec::new();
        // Which nodes have an open frame, for finding cycles.
        let mut open = vec![false; self.len()];
        let mut pending = self.enter(value, &mut stack, &mut open, walk)?;
        loop {
            if let Some(json) = pending.take() {
                let Some(top) = stack.last_mut() else {
                    return Ok(json);
                };
                match &mut top.out {
                    Out::Array(items) => items.push(json),
                    Out::Object(map) => {
                        let key = walk.key(top.key);
                        map.insert(key, json);
                    }
                }
            }
            let Some(top) = stack.last_mut() else {
                unreachable!("a frame is open until its value is pending");
            };
            if walk.out_of_room() {
                let left = top.children.left();
                if left > 0 {
                    walk.whole = false;
                    let note = Json::String(format!("… {left} more not shown"));
                    match &mut top.out {
                        Out::Array(items) => items.push(note),
                        Out::Object(map) => {
                            map.insert("…".into(), note);
                        }
                    }
                }
                top.children = Children::Fixed(Vec::new().into_iter());
            }
            let Some((key, child)) = top.children.next() else {
                let frame = stack.pop().expect("the top frame");
                if let Some(id) = frame.id {
                    open[id.index()] = false;
                }
                pending = Some(match frame.out {
                    Out::Array(items) => Json::Array(items),
                    Out::Object(map) => Json::Object(map),
                });
                continue;
            };
            top.key = key;
            pending = match child {
                Child::Json(json) => Some(walk.leaf(json)),
                // A pair is an array of its own in JSON, so it counts for depth.
                Child::Pair(..) if stack.len() >= walk.max_depth => Some(too_deep(walk)?),
                Child::Pair(k, v) => {
                    let pair = vec![
                        (Key::Index(0), Child::Value(k)),
                        (Key::Index(1), Child::Value(v)),
                    ];
                    stack.push(Frame {
                        id: None,
                        children: Children::Fixed(pair.into_iter()),
                        key: Key::Index(0),
                        out: Out::Array(Vec::with_capacity(2)),
                    });
                    None
                }
                Child::Value(v) => self.enter(v, &mut stack, &mut open, walk)?,
            };
        }
    }

    /// Converts a leaf at once, or opens a frame for a container (and returns `None`).
    fn enter<'g>(
        &'g self,
        value: &'g Value,
        stack: &mut Vec<Frame<'g>>,
        open: &mut [bool],
        walk: &mut Walk,
    ) -> Result<Option<Json>, JsonError> {
        let id = match value {
            Value::Ref(id) => *id,
            primitive => return Ok(Some(walk.leaf(primitive_json(primitive)))),
        };
        if open.get(id.index()) == Some(&true) {
            let path = json_path(stack);
            let note = "(cycle: refers to an enclosing object)".to_string();
            return walk.note(|| JsonError::Cycle { path }, note).map(Some);
        }
        walk.visits += 1;
        if walk.visits > walk.limit {
            let limit = walk.limit;
            walk.room = walk.room.map(|_| 0);
            let note = format!("(shared references expand past {limit} objects: not shown)");
            return walk.note(|| JsonError::TooLarge(limit), note).map(Some);
        }
        if stack.len() >= walk.max_depth {
            return too_deep(walk).map(Some);
        }
        let Some(node) = self.node(id) else {
            let note = format!("(missing object {id})");
            return walk
                .note(|| JsonError::DanglingReference(id), note)
                .map(Some);
        };
        let (children, out) = match node {
            Node::Object(entries) => (
                Children::Entries(entries.iter()),
                Out::Object(JsonMap::new()),
            ),
            Node::Array(array) => (
                Children::Elements(array.elements.iter().enumerate()),
                Out::Array(Vec::with_capacity(
                    array.elements.len().min(walk.max_items()),
                )),
            ),
            Node::Map(entries) if entries.iter().all(|(k, _)| matches!(k, Value::String(_))) => {
                (Children::Named(entries.iter()), Out::Object(JsonMap::new()))
            }
            Node::Map(entries) => (
                Children::Pairs(entries.iter().enumerate()),
                Out::Array(Vec::with_capacity(entries.len().min(walk.max_items()))),
            ),
            Node::Set(items) => (
                Children::Items(items.iter().enumerate()),
                Out::Array(Vec::with_capacity(items.len().min(walk.max_items()))),
            ),
            Node::Error(error) => {
                let text = |s: &JsString| Child::Json(Json::from(s.to_string_lossy().as_ref()));
                let mut children = vec![
                    (
                        Key::Static("name"),
                        Child::Json(Json::from(error.name.as_str())),
                    ),
                    (
                        Key::Static("message"),
                        error
                            .message
                            .as_ref()
                            .map_or(Child::Json(Json::from("")), text),
                    ),
                ];
                if let Some(stack) = &error.stack {
                    children.push((Key::Static("stack"), text(stack)));
                }
                if let Some(cause) = &error.cause {
                    if !cause.is_undefined() {
                        children.push((Key::Static("cause"), Child::Value(cause)));
                    }
                }
                (
                    Children::Fixed(children.into_iter()),
                    Out::Object(JsonMap::new()),
                )
            }
            leaf => {
                let json = self.leaf_json(leaf, walk.max_items())?;
                return Ok(Some(walk.leaf(json)));
            }
        };
        if let Some(slot) = open.get_mut(id.index()) {
            *slot = true;
        }
        stack.push(Frame {
            id: Some(id),
            children,
            key: Key::Index(0),
            out,
        });
        Ok(None)
    }

    /// A node that holds no values as JSON; a binary one shows at most `max_items` elements.
    fn leaf_json(&self, node: &Node, max_items: usize) -> Result<Json, JsonError> {
        Ok(match node {
            Node::Date(t) => Date(*t).to_iso_string().map_or(Json::Null, Json::String),
            Node::RegExp { source, flags } => Json::String(format!("/{source}/{flags}")),
            Node::ArrayBuffer(bytes) => view_json(ViewKind::Uint8Array, bytes, max_items),
            Node::View(view) => {
                let bytes = self
                    .view_bytes(view)
                    .ok_or(JsonError::DanglingReference(view.buffer))?;
                view_json(view.kind, bytes, max_items)
            }
            Node::NumberObject(n) => number_json(*n),
            Node::StringObject(s) => Json::String(s.to_string_lossy().into_owned()),
            Node::BooleanObject(b) => Json::Bool(*b),
            Node::BigIntObject(n) => bigint_json(n),
            other => unreachable!("{} is a container", describe(other)),
        })
    }
}

/// The note (or, when strict, the error) for an object nested past the walk's depth.
fn too_deep(walk: &mut Walk) -> Result<Json, JsonError> {
    let max = walk.max_depth;
    let note = format!("(nested deeper than {max} levels: not shown)");
    walk.note(|| JsonError::TooDeep(max), note)
}

/// A view's elements as a JSON array: at most `max_items` of them, then a note of how many more.
fn view_json(kind: ViewKind, bytes: &[u8], max_items: usize) -> Json {
    let size = kind.element_size();
    let count = bytes.len() / size;
    let mut out = Vec::with_capacity(count.min(max_items).saturating_add(1));
    for b in bytes.chunks_exact(size).take(max_items) {
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
    if count > max_items {
        out.push(Json::String(format!(
            "… {} more not shown",
            count - max_items
        )));
    }
    Json::Array(out)
}

/// Where the walk is, for a cycle error.
fn json_path(stack: &[Frame<'_>]) -> String {
    let mut out = String::new();
    for frame in stack {
        match frame.key {
            Key::Name(key) => {
                out.push('.');
                out.push_str(&key.to_string_lossy());
            }
            Key::Static(key) => {
                out.push('.');
                out.push_str(key);
            }
            Key::Index(index) => out.push_str(&format!("[{index}]")),
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

    /// `depth` arrays, each holding the next; the innermost holds `null`.
    fn nested(depth: usize) -> Graph {
        let mut g = Graph::new();
        let mut v = Value::Null;
        for _ in 0..depth {
            v = g.array(vec![v]);
        }
        g.with_root(v)
    }

    /// Runs `f` on a thread with a 256 KiB stack, where a recursion over thousands of levels
    /// would overflow.
    fn on_a_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deep_values_are_refused_past_the_json_depth_without_recursion() {
        let err = on_a_small_stack(|| nested(crate::MAX_DEPTH).to_json().unwrap_err());
        assert_eq!(err, JsonError::TooDeep(MAX_JSON_DEPTH));
        assert_eq!(
            err.to_string(),
            format!("objects nested deeper than {MAX_JSON_DEPTH} levels")
        );
        assert!(nested(MAX_JSON_DEPTH).to_json().is_ok());
        assert!(nested(MAX_JSON_DEPTH + 1).to_json().is_err());
        let mut g = nested(1);
        let map = g.map(vec![(1.into(), g.root().clone())]);
        g.set_root(map);
        let deep_map = (0..MAX_JSON_DEPTH - 2).fold(g, |mut g, _| {
            let root = g.root().clone();
            let outer = g.array(vec![root]);
            g.with_root(outer)
        });
        assert_eq!(
            deep_map.to_json(),
            Err(JsonError::TooDeep(MAX_JSON_DEPTH)),
            "a Map's pair counts as a level"
        );
    }

    #[test]
    fn deep_json_converts_to_a_graph_without_recursion() {
        let count = on_a_small_stack(|| {
            let mut json = Json::Null;
            for _ in 0..50_000 {
                json = Json::Array(vec![json]);
            }
            let graph = Graph::from(&json);
            // serde_json's Drop recurses; forget the deep value instead.
            std::mem::forget(json);
            graph.len()
        });
        assert_eq!(count, 50_000);
    }

    const LIMITS: PreviewLimits = PreviewLimits {
        max_depth: 64,
        max_bytes: 4096,
    };

    #[test]
    fn a_preview_notes_what_is_nested_too_deep_and_converts_on_a_small_stack() {
        let preview = on_a_small_stack(|| {
            let g = nested(crate::MAX_DEPTH - 1);
            let preview = g.preview_json(g.root(), LIMITS);
            // What the inspector does next with it: serialize, clone and drop.
            let text = serde_json::to_string(&preview.json).unwrap();
            drop(preview.clone());
            (preview, text)
        });
        let (preview, text) = preview;
        assert!(!preview.whole);
        let mut inner = &preview.json;
        for _ in 0..64 {
            inner = &inner[0];
        }
        assert_eq!(inner, &json!("(nested deeper than 64 levels: not shown)"));
        assert!(text.len() < 1000, "{text}");
    }

    #[test]
    fn a_preview_of_a_small_value_is_the_json_and_whole() {
        let j = json!({"a": [1, "two", null], "b": {"c": true}});
        let g = Graph::from(&j);
        let preview = g.preview_json(g.root(), LIMITS);
        assert_eq!(
            preview,
            JsonPreview {
                json: j,
                whole: true
            }
        );
    }

    #[test]
    fn a_preview_stops_near_its_size_and_says_how_much_it_left_out() {
        // 64 million holes would take gigabytes as JSON; the preview reads only what it shows.
        let mut g = Graph::new();
        let holes = g.add_value(Node::Array(Array {
            elements: vec![None; 1 << 20],
            props: Vec::new(),
        }));
        let bytes = g.uint8_array(vec![7; 1 << 20]);
        let long = Value::from("x".repeat(1 << 20));
        let root = g.array(vec![holes, bytes.clone(), long]);
        g.set_root(root);
        let preview = g.preview_json(g.root(), LIMITS);
        assert!(!preview.whole);
        let text = serde_json::to_string(&preview.json).unwrap();
        assert!(text.len() < 2 * LIMITS.max_bytes, "{} bytes", text.len());
        let holes = preview.json[0].as_array().unwrap();
        let note = holes.last().unwrap().as_str().unwrap();
        assert_eq!(
            note,
            format!("… {} more not shown", (1 << 20) - (holes.len() - 1))
        );
        assert_eq!(preview.json[1], json!("… 2 more not shown"));
        let bytes = g.preview_json(&bytes, LIMITS).json;
        let shown = LIMITS.max_bytes / 2;
        assert_eq!(bytes.as_array().unwrap().len(), shown + 1);
        assert_eq!(
            bytes[shown],
            json!(format!("… {} more not shown", (1 << 20) - shown))
        );
    }

    #[test]
    fn a_preview_cuts_a_long_string_and_notes_cycles_in_place() {
        let mut g = Graph::new();
        let root = g.object(vec![("s", "y".repeat(10_000).into())]);
        g.insert(&root, "self", root.clone());
        g.set_root(root);
        let preview = g.preview_json(g.root(), LIMITS);
        assert!(!preview.whole);
        let s = preview.json["s"].as_str().unwrap();
        assert!(s.ends_with("more bytes not shown)"), "{s}");
        assert!(s.len() <= LIMITS.max_bytes + 40);
        let g2 = {
            let mut g = Graph::new();
            let root = g.object(vec![("n", 1.into())]);
            g.insert(&root, "self", root.clone());
            g.with_root(root)
        };
        let preview = g2.preview_json(g2.root(), LIMITS);
        assert_eq!(
            preview.json,
            json!({"n": 1, "self": "(cycle: refers to an enclosing object)"})
        );
    }
}
