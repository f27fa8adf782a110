//! serde deserialization: typed values out of a [`Graph`].

mod access;
mod path;

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, IntoDeserializer, Unexpected, Visitor};

pub(crate) use self::access::f16_to_f64;
use self::access::{
    ByteAccess, EnumDe, ErrorAccess, MapEntries, ObjectAccess, SeqItems, TypedAccess,
};
use self::path::Path;
use crate::{magic, BigInt, Date, Graph, JsString, Node, NodeId, Value};

/// How deep typed deserialization goes before refusing (as serde_json's recursion limit), so a
/// deeply nested value cannot overflow the stack.
pub const MAX_TYPED_DEPTH: usize = 128;

/// Reads a `T` out of the graph's root.
///
/// | JavaScript value | Rust types it deserializes into |
/// |---|---|
/// | `undefined`, `null` | `Option::None`, `()`, unit structs; `Option<T>` fields may also be missing |
/// | boolean (or `Boolean` object) | `bool` |
/// | number (or `Number` object) | `f64`, `f32`; every integer type when it is integral and in range (`-0` is `0`) |
/// | BigInt (or `BigInt` object) | every integer type when in range; `f64` (rounded) |
/// | string (or `String` object) | `String`, `&str` (borrowed), `char`, unit enum variants; lone surrogates become U+FFFD (keep them with [`JsString`](crate::JsString)) |
/// | plain object | structs, maps (`HashMap<String, T>`, `BTreeMap<u32, T>`: keys parsed), enums as `{ "Variant": value }` |
/// | Array | `Vec<T>`, tuples, tuple structs, sets, structs from their fields in order; holes are `undefined`; extra properties ignored |
/// | `Map` | maps with any key type, structs (string keys), enums (one entry) |
/// | `Set` | `Vec<T>`, `HashSet<T>`, `BTreeSet<T>` |
/// | `Date` | [`Date`](crate::Date), `system_time` fields, `f64` (time value), `String` (ISO 8601) |
/// | `RegExp` | `String` (`/source/flags`) |
/// | `ArrayBuffer`, `Uint8Array`, `Uint8ClampedArray`, `DataView` | `Vec<u8>`, `serde_bytes::ByteBuf`, `&[u8]` (borrowed), sequences of numbers |
/// | other typed arrays | `Vec<T>` and other sequences of their elements (`i16`, `f32`, `i64`...); `serde_bytes::ByteBuf` and `&[u8]` for their raw bytes |
/// | `Error` | structs with `name`, `message`, `stack`, `cause` fields |
/// | anything | [`Graph`] (the part it reaches, exactly); primitives also [`Value`] |
///
/// Errors name the path inside the value (`.notes[3].title`). A cycle met on the way is an
/// error (shared references are fine: the object is read again each time), and so is nesting
/// deeper than [`MAX_TYPED_DEPTH`] or shared references that expand past
/// 1,000,000 + 16 × the graph's node count objects read.
///
/// ```
/// use ferrolens_value::{from_graph, Graph};
/// let graph = Graph::from(serde_json::json!({"notes": [{"title": 7}]}));
/// #[derive(serde::Deserialize, Debug)]
/// struct Note { title: String }
/// #[derive(serde::Deserialize, Debug)]
/// struct Notes { notes: Vec<Note> }
/// let err = from_graph::<Notes>(&graph).unwrap_err();
/// assert_eq!(err.path(), ".notes[0].title");
/// assert_eq!(err.to_string(), "at .notes[0].title: invalid type: integer `7`, expected a string");
/// ```
pub fn from_graph<'g, T: Deserialize<'g>>(
    graph: &'g Graph,
) -> std::result::Result<T, DeserializeError> {
    from_value(graph, graph.root())
}

/// Reads a `T` out of `value`, a value of `graph` (paths in errors start at `value`).
pub fn from_value<'g, T: Deserialize<'g>>(
    graph: &'g Graph,
    value: &'g Value,
) -> std::result::Result<T, DeserializeError> {
    let ctx = Ctx {
        graph,
        visits: Cell::new(0),
        limit: 1_000_000usize.saturating_add(graph.len().saturating_mul(16)),
    };
    let root = Path::root();
    T::deserialize(De {
        ctx: &ctx,
        sub: Sub::of(value),
        path: &root,
    })
}

/// A value that did not match the type asked for: what was wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    message: String,
    path: Option<String>,
}

impl DeserializeError {
    /// What was wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where, as JavaScript would write it after the root (`.notes[3].title`); empty for the
    /// root itself.
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("")
    }

    /// Sets the path unless a deeper one was set already.
    pub(crate) fn at(mut self, path: &Path<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.render());
        }
        self
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            "" => f.write_str(&self.message),
            path => write!(f, "at {path}: {}", self.message),
        }
    }
}

impl std::error::Error for DeserializeError {}

impl de::Error for DeserializeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeserializeError {
            message: msg.to_string(),
            path: None,
        }
    }
}

type Result<T> = std::result::Result<T, DeserializeError>;

/// What one deserialization shares: the graph and the budget of objects read.
pub(crate) struct Ctx<'g> {
    pub(crate) graph: &'g Graph,
    visits: Cell<usize>,
    limit: usize,
}

/// The value being read: a borrowed view of a [`Value`], or an element of a typed array.
#[derive(Clone, Copy)]
pub(crate) enum Sub<'g> {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    /// An element of a `BigInt64Array` or `BigUint64Array`.
    Int(i128),
    BigInt(&'g BigInt),
    Str(&'g JsString),
    Static(&'static str),
    Node(NodeId),
}

impl<'g> Sub<'g> {
    pub(crate) fn of(value: &'g Value) -> Self {
        match value {
            Value::Undefined => Sub::Undefined,
            Value::Null => Sub::Null,
            Value::Bool(b) => Sub::Bool(*b),
            Value::Number(n) => Sub::Number(*n),
            Value::BigInt(n) => Sub::BigInt(n),
            Value::String(s) => Sub::Str(s),
            Value::Ref(id) => Sub::Node(*id),
        }
    }

    fn to_value(self) -> Value {
        match self {
            Sub::Undefined => Value::Undefined,
            Sub::Null => Value::Null,
            Sub::Bool(b) => Value::Bool(b),
            Sub::Number(n) => Value::Number(n),
            Sub::Int(i) => Value::BigInt(BigInt::from(i)),
            Sub::BigInt(n) => Value::BigInt(n.clone()),
            Sub::Str(s) => Value::String(s.clone()),
            Sub::Static(s) => Value::from(s),
            Sub::Node(id) => Value::Ref(id),
        }
    }
}

/// The deserializer over one value of the graph.
pub(crate) struct De<'g, 'p> {
    pub(crate) ctx: &'p Ctx<'g>,
    pub(crate) sub: Sub<'g>,
    pub(crate) path: &'p Path<'p>,
}

impl<'g, 'p> De<'g, 'p> {
    fn with(&self, sub: Sub<'g>) -> Self {
        De {
            ctx: self.ctx,
            sub,
            path: self.path,
        }
    }

    /// The node `id`, after the checks for cycles, depth and the read budget.
    fn enter(&self, id: NodeId) -> Result<&'g Node> {
        let node = self
            .ctx
            .graph
            .node(id)
            .ok_or_else(|| de::Error::custom(format_args!("reference to missing node {id}")))?;
        if let Some(link) = self.path.find_container(id) {
            let ancestor = link.parent.map(Path::render).unwrap_or_default();
            let ancestor = if ancestor.is_empty() {
                "the root".to_owned()
            } else {
                ancestor
            };
            return Err(de::Error::custom(format_args!(
                "cycle: this {} is its own ancestor at {ancestor}",
                describe(node)
            )));
        }
        if self.path.depth >= MAX_TYPED_DEPTH {
            return Err(de::Error::custom(format_args!(
                "nested deeper than {MAX_TYPED_DEPTH} levels"
            )));
        }
        let visits = self.ctx.visits.get() + 1;
        if visits > self.ctx.limit {
            return Err(de::Error::custom(format_args!(
                "shared references expand past {} objects",
                self.ctx.limit
            )));
        }
        self.ctx.visits.set(visits);
        Ok(node)
    }

    /// Wrapper objects as their primitive.
    fn unwrapped(&self) -> Sub<'g> {
        match self.sub {
            Sub::Node(id) => match self.ctx.graph.node(id) {
                Some(Node::NumberObject(n)) => Sub::Number(*n),
                Some(Node::StringObject(s)) => Sub::Str(s),
                Some(Node::BooleanObject(b)) => Sub::Bool(*b),
                Some(Node::BigIntObject(n)) => Sub::BigInt(n),
                _ => self.sub,
            },
            sub => sub,
        }
    }

    fn any<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        match self.sub {
            Sub::Undefined | Sub::Null => visitor.visit_unit(),
            Sub::Bool(b) => visitor.visit_bool(b),
            Sub::Number(n) => visit_number(n, visitor),
            Sub::Int(i) => visit_int(i, visitor),
            Sub::BigInt(n) => visit_bigint(n, visitor),
            Sub::Str(s) => visit_js_str(s, visitor),
            Sub::Static(s) => visitor.visit_borrowed_str(s),
            Sub::Node(id) => self.node(id, visitor),
        }
    }

    fn node<V: Visitor<'g>>(self, id: NodeId, visitor: V) -> Result<V::Value> {
        let node = self.enter(id)?;
        let (ctx, path) = (self.ctx, self.path);
        match node {
            Node::Object(entries) => {
                let mut access = ObjectAccess::new(ctx, path, id, entries);
                let value = visitor.visit_map(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Array(array) => {
                let mut access = SeqItems::array(ctx, path, id, &array.elements);
                let value = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Set(items) => {
                let mut access = SeqItems::set(ctx, path, id, items);
                let value = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Map(entries) => {
                let mut access = MapEntries::new(ctx, path, id, entries);
                let value = visitor.visit_map(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Error(error) => {
                let mut access = ErrorAccess::new(ctx, path, id, error);
                let value = visitor.visit_map(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Date(time) => match Date(*time).to_iso_string() {
                Some(iso) => visitor.visit_string(iso),
                None => visitor.visit_unit(),
            },
            Node::RegExp { source, flags } => visitor.visit_string(format!("/{source}/{flags}")),
            Node::ArrayBuffer(bytes) => {
                let mut access = ByteAccess::new(ctx, path, id, bytes);
                let value = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::View(view) => {
                let bytes = self.view_bytes(id)?;
                let mut access = TypedAccess::new(ctx, path, id, view.kind, bytes);
                let value = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::NumberObject(n) => visit_number(*n, visitor),
            Node::StringObject(s) => visit_js_str(s, visitor),
            Node::BooleanObject(b) => visitor.visit_bool(*b),
            Node::BigIntObject(n) => visit_bigint(n, visitor),
        }
    }

    /// The bytes of a view or `ArrayBuffer` node.
    fn view_bytes(&self, id: NodeId) -> Result<&'g [u8]> {
        self.ctx
            .graph
            .bytes_of(&Value::Ref(id))
            .ok_or_else(|| de::Error::custom("view does not fit its buffer"))
    }

    /// The bytes when this is an `ArrayBuffer` or any view.
    fn raw_bytes(&self) -> Option<Result<&'g [u8]>> {
        match self.sub {
            Sub::Node(id) => match self.ctx.graph.node(id) {
                Some(Node::ArrayBuffer(_) | Node::View(_)) => Some(self.view_bytes(id)),
                _ => None,
            },
            _ => None,
        }
    }

    fn integer<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        match self.unwrapped() {
            // Integral numbers of any size the integer types hold; -0 is 0.
            Sub::Number(n) if n.fract() == 0.0 && n.abs() < 18_446_744_073_709_551_616.0 => {
                if n >= 0.0 {
                    visitor.visit_u64(n as u64)
                } else if n >= -9_223_372_036_854_775_808.0 {
                    visitor.visit_i64(n as i64)
                } else {
                    visitor.visit_f64(n)
                }
            }
            sub => self.with(sub).any(visitor),
        }
    }

    fn float<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        match self.unwrapped() {
            Sub::Number(n) => visitor.visit_f64(n),
            Sub::Int(i) => visitor.visit_f64(i as f64),
            Sub::BigInt(n) => visitor.visit_f64(n.to_f64()),
            Sub::Node(id) => match self.ctx.graph.node(id) {
                Some(Node::Date(t)) => visitor.visit_f64(*t),
                _ => self.any(visitor),
            },
            _ => self.any(visitor),
        }
    }

    fn newtype<V: Visitor<'g>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        match name {
            magic::GRAPH => {
                let value = self.sub.to_value();
                magic::put(self.ctx.graph.subgraph(&value));
                let result = visitor.visit_newtype_struct(().into_deserializer());
                magic::take();
                result
            }
            magic::VALUE => match self.sub {
                Sub::Node(id) => {
                    let what = self.ctx.graph.node(id).map_or("object", describe);
                    Err(de::Error::custom(format_args!(
                        "expected a primitive value, found {what}; use Graph for objects"
                    )))
                }
                sub => {
                    magic::put(Graph::from(sub.to_value()));
                    let result = visitor.visit_newtype_struct(().into_deserializer());
                    magic::take();
                    result
                }
            },
            magic::DATE => match self.unwrapped() {
                Sub::Number(n) => visitor.visit_f64(n),
                Sub::Str(s) => visit_js_str(s, visitor),
                Sub::Node(id) => match self.enter(id)? {
                    Node::Date(t) => visitor.visit_f64(*t),
                    other => Err(de::Error::invalid_type(
                        Unexpected::Other(describe(other)),
                        &"a Date",
                    )),
                },
                sub => Err(de::Error::invalid_type(unexpected(&sub), &"a Date")),
            },
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn enumeration<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        let expected = &"an enum: a string, or an object with one property";
        match self.unwrapped() {
            Sub::Str(s) => match s.as_str() {
                Some(s) => visitor.visit_enum(s.into_deserializer()),
                None => visitor.visit_enum(s.to_string_lossy().into_owned().into_deserializer()),
            },
            Sub::Static(s) => visitor.visit_enum(s.into_deserializer()),
            Sub::Node(id) => match self.enter(id)? {
                Node::Object(entries) if entries.len() == 1 => {
                    let (key, value) = &entries[0];
                    visitor.visit_enum(EnumDe::object(self.ctx, self.path, id, key, value))
                }
                Node::Map(entries) if entries.len() == 1 => {
                    let (key, value) = &entries[0];
                    visitor.visit_enum(EnumDe::map(self.ctx, self.path, id, key, value))
                }
                Node::Object(entries) => Err(de::Error::invalid_value(
                    Unexpected::Other(&format!("an object with {} properties", entries.len())),
                    expected,
                )),
                other => Err(de::Error::invalid_type(
                    Unexpected::Other(describe(other)),
                    expected,
                )),
            },
            sub => Err(de::Error::invalid_type(unexpected(&sub), expected)),
        }
    }
}

/// How error messages name a node.
pub(crate) fn describe(node: &Node) -> &'static str {
    match node {
        Node::Object(_) => "object",
        Node::Array(_) => "array",
        other => other.class_name(),
    }
}

fn unexpected<'a>(sub: &'a Sub<'_>) -> Unexpected<'a> {
    match sub {
        Sub::Undefined => Unexpected::Other("undefined"),
        Sub::Null => Unexpected::Other("null"),
        Sub::Bool(b) => Unexpected::Bool(*b),
        Sub::Number(n) => match Value::Number(*n).as_safe_integer() {
            Some(i) if i < 0 => Unexpected::Signed(i),
            Some(i) => Unexpected::Unsigned(i as u64),
            None => Unexpected::Float(*n),
        },
        Sub::Int(_) | Sub::BigInt(_) => Unexpected::Other("BigInt"),
        Sub::Str(s) => match s.as_str() {
            Some(s) => Unexpected::Str(s),
            None => Unexpected::Other("string"),
        },
        Sub::Static(s) => Unexpected::Str(s),
        Sub::Node(_) => Unexpected::Other("object"),
    }
}

fn visit_number<'g, V: Visitor<'g>>(n: f64, visitor: V) -> Result<V::Value> {
    let safe = crate::MAX_SAFE_INTEGER as f64;
    if n.fract() == 0.0 && n.abs() <= safe && !(n == 0.0 && n.is_sign_negative()) {
        if n < 0.0 {
            visitor.visit_i64(n as i64)
        } else {
            visitor.visit_u64(n as u64)
        }
    } else {
        visitor.visit_f64(n)
    }
}

fn visit_int<'g, V: Visitor<'g>>(i: i128, visitor: V) -> Result<V::Value> {
    if let Ok(u) = u64::try_from(i) {
        visitor.visit_u64(u)
    } else if let Ok(s) = i64::try_from(i) {
        visitor.visit_i64(s)
    } else {
        visitor.visit_i128(i)
    }
}

fn visit_bigint<'g, V: Visitor<'g>>(n: &BigInt, visitor: V) -> Result<V::Value> {
    if let Ok(u) = u64::try_from(n) {
        visitor.visit_u64(u)
    } else if let Ok(s) = i64::try_from(n) {
        visitor.visit_i64(s)
    } else if let Ok(u) = u128::try_from(n) {
        visitor.visit_u128(u)
    } else if let Ok(s) = i128::try_from(n) {
        visitor.visit_i128(s)
    } else {
        visitor.visit_string(n.to_string())
    }
}

fn visit_js_str<'g, V: Visitor<'g>>(s: &'g JsString, visitor: V) -> Result<V::Value> {
    match s.as_str() {
        Some(s) => visitor.visit_borrowed_str(s),
        None => visitor.visit_string(s.to_string_lossy().into_owned()),
    }
}

macro_rules! with_path {
    ($($method:ident => $body:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
            let path = self.path;
            self.$body(visitor).map_err(|e| e.at(path))
        }
    )*};
}

impl<'g> de::Deserializer<'g> for De<'g, '_> {
    type Error = DeserializeError;

    with_path! {
        deserialize_any => any,
        deserialize_bool => any,
        deserialize_i8 => integer,
        deserialize_i16 => integer,
        deserialize_i32 => integer,
        deserialize_i64 => integer,
        deserialize_i128 => integer,
        deserialize_u8 => integer,
        deserialize_u16 => integer,
        deserialize_u32 => integer,
        deserialize_u64 => integer,
        deserialize_u128 => integer,
        deserialize_f32 => float,
        deserialize_f64 => float,
        deserialize_char => any,
        deserialize_str => any,
        deserialize_string => any,
        deserialize_map => any,
        deserialize_identifier => any,
    }

    fn deserialize_bytes<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        let path = self.path;
        match self.raw_bytes() {
            Some(bytes) => bytes.and_then(|b| visitor.visit_borrowed_bytes(b)),
            None => self.any(visitor),
        }
        .map_err(|e| e.at(path))
    }

    fn deserialize_byte_buf<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        let path = self.path;
        match self.sub {
            Sub::Undefined | Sub::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(path))
    }

    fn deserialize_unit<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'g>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'g>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        let path = self.path;
        self.newtype(name, visitor).map_err(|e| e.at(path))
    }

    fn deserialize_seq<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'g>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'g>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'g>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'g>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let path = self.path;
        self.enumeration(visitor).map_err(|e| e.at(path))
    }

    fn deserialize_ignored_any<V: Visitor<'g>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}
