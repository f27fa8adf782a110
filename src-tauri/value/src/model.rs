//! The value model: [`Value`] (primitives and references) and [`Node`] (objects with identity).

use std::fmt;

use crate::{BigInt, JsString};

/// The identity of an object: an index into its [`Graph`](crate::Graph)'s node arena.
///
/// Two references to the same `NodeId` are the same object, which is how shared references and
/// cycles are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The arena index.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id at arena index `index`, or `None` past `u32::MAX`.
    pub fn from_index(index: usize) -> Option<Self> {
        u32::try_from(index).ok().map(Self)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One value: a primitive, or a reference to an object in the graph.
///
/// Equality is JavaScript's `SameValue`: `NaN` equals `NaN`, `0` differs from `-0`, and
/// references are equal when they name the same node.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A BigInt.
    BigInt(BigInt),
    /// A string.
    String(JsString),
    /// An object with identity, stored in the graph.
    Ref(NodeId),
}

/// `SameValue` on numbers: all NaNs are equal, and `0` differs from `-0`.
pub(crate) fn same_number(a: f64, b: f64) -> bool {
    if a.is_nan() {
        b.is_nan()
    } else {
        a.to_bits() == b.to_bits()
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => same_number(*a, *b),
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Ref(a), Value::Ref(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<JsString>) -> Self {
        Value::String(s.into())
    }

    /// A BigInt value.
    pub fn bigint(n: impl Into<BigInt>) -> Self {
        Value::BigInt(n.into())
    }

    /// True for `undefined`.
    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for `undefined` or `null`.
    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as `i64` when it is an integer in the safe range (`|n| <= 2^53 - 1`).
    pub fn as_safe_integer(&self) -> Option<i64> {
        match self {
            Value::Number(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64 => {
                Some(*n as i64)
            }
            _ => None,
        }
    }

    /// The BigInt, if this is one.
    pub fn as_bigint(&self) -> Option<&BigInt> {
        match self {
            Value::BigInt(n) => Some(n),
            _ => None,
        }
    }

    /// The string, if this is a well-formed one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => s.as_str(),
            _ => None,
        }
    }

    /// The string, well-formed or not, if this is one.
    pub fn as_js_string(&self) -> Option<&JsString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The referenced node's id, if this is an object.
    pub fn node_id(&self) -> Option<NodeId> {
        match self {
            Value::Ref(id) => Some(*id),
            _ => None,
        }
    }

    /// JavaScript's `typeof`, for values that are not objects; `"object"` for references.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::BigInt(_) => "bigint",
            Value::String(_) => "string",
            Value::Ref(_) => "object",
        }
    }
}

/// `Number.MAX_SAFE_INTEGER`: integers up to this magnitude are exact as numbers.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<f32> for Value {
    fn from(n: f32) -> Self {
        Value::Number(f64::from(n))
    }
}

macro_rules! value_from_exact_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::Number(f64::from(n))
            }
        }
    )*};
}
value_from_exact_int!(i8, i16, i32, u8, u16, u32);

macro_rules! value_from_wide_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            /// A number when within the safe-integer range, else a BigInt.
            fn from(n: $t) -> Self {
                match i64::try_from(n) {
                    Ok(small) if small.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => {
                        Value::Number(small as f64)
                    }
                    _ => Value::BigInt(BigInt::from(n)),
                }
            }
        }
    )*};
}
value_from_wide_int!(i64, u64, i128, u128, isize, usize);

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<JsString> for Value {
    fn from(s: JsString) -> Self {
        Value::String(s)
    }
}

impl From<BigInt> for Value {
    fn from(n: BigInt) -> Self {
        Value::BigInt(n)
    }
}

impl From<NodeId> for Value {
    fn from(id: NodeId) -> Self {
        Value::Ref(id)
    }
}

impl From<()> for Value {
    /// `()` is `undefined`.
    fn from(_: ()) -> Self {
        Value::Undefined
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is `null`.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// An object with identity.
#[derive(Debug, Clone)]
pub enum Node {
    /// A plain object: own enumerable string-keyed properties in order.
    Object(Vec<(JsString, Value)>),
    /// An `Array`.
    Array(Array),
    /// A `Date`: its time value in milliseconds since the epoch (`NaN` for an invalid date).
    Date(f64),
    /// A `RegExp`.
    RegExp {
        /// The pattern, as `re.source`.
        source: JsString,
        /// The flags, as `re.flags`.
        flags: JsString,
    },
    /// A `Map`: entries in insertion order.
    Map(Vec<(Value, Value)>),
    /// A `Set`: values in insertion order.
    Set(Vec<Value>),
    /// An `ArrayBuffer`'s bytes.
    ArrayBuffer(Vec<u8>),
    /// A typed array or `DataView` over an `ArrayBuffer` node.
    View(View),
    /// An `Error` or one of its standard subclasses (boxed: errors are rare, and this keeps
    /// every other node small).
    Error(Box<ErrorNode>),
    /// A `Number` wrapper object (`new Number(n)`).
    NumberObject(f64),
    /// A `String` wrapper object.
    StringObject(JsString),
    /// A `Boolean` wrapper object.
    BooleanObject(bool),
    /// A `BigInt` wrapper object (`Object(1n)`).
    BigIntObject(BigInt),
}

impl PartialEq for Node {
    /// Compares contents; references inside compare by node id (see [`Graph`](crate::Graph)'s
    /// equality for comparing whole graphs). Numbers compare by `SameValue`.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Node::Object(a), Node::Object(b)) => a == b,
            (Node::Array(a), Node::Array(b)) => a == b,
            (Node::Date(a), Node::Date(b)) | (Node::NumberObject(a), Node::NumberObject(b)) => {
                same_number(*a, *b)
            }
            (
                Node::RegExp { source, flags },
                Node::RegExp {
                    source: s2,
                    flags: f2,
                },
            ) => source == s2 && flags == f2,
            (Node::Map(a), Node::Map(b)) => a == b,
            (Node::Set(a), Node::Set(b)) => a == b,
            (Node::ArrayBuffer(a), Node::ArrayBuffer(b)) => a == b,
            (Node::View(a), Node::View(b)) => a == b,
            (Node::Error(a), Node::Error(b)) => a == b,
            (Node::StringObject(a), Node::StringObject(b)) => a == b,
            (Node::BooleanObject(a), Node::BooleanObject(b)) => a == b,
            (Node::BigIntObject(a), Node::BigIntObject(b)) => a == b,
            _ => false,
        }
    }
}

impl Node {
    /// What kind of object this is, as JavaScript would name its class (`"Object"`,
    /// `"Array"`, `"Map"`, `"Uint8Array"`, `"TypeError"`, ...).
    pub fn class_name(&self) -> &'static str {
        match self {
            Node::Object(_) => "Object",
            Node::Array(_) => "Array",
            Node::Date(_) => "Date",
            Node::RegExp { .. } => "RegExp",
            Node::Map(_) => "Map",
            Node::Set(_) => "Set",
            Node::ArrayBuffer(_) => "ArrayBuffer",
            Node::View(v) => v.kind.name(),
            Node::Error(e) => e.name.as_str(),
            Node::NumberObject(_) => "Number",
            Node::StringObject(_) => "String",
            Node::BooleanObject(_) => "Boolean",
            Node::BigIntObject(_) => "BigInt",
        }
    }

    /// The property `key` of a plain object (the first one, should keys repeat).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Node::Array(array) => array.props.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The properties, if this is a plain object.
    pub fn as_object(&self) -> Option<&[(JsString, Value)]> {
        match self {
            Node::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Node::Array(array) => Some(array),
            _ => None,
        }
    }

    /// Every value this node holds directly, in wire order.
    pub fn values(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        self.for_each_value(|v| out.push(v));
        out
    }

    /// Calls `f` on every value this node holds directly, in wire order (a view's buffer is not a
    /// value: see [`View::buffer`]).
    pub fn for_each_value<'a>(&'a self, mut f: impl FnMut(&'a Value)) {
        match self {
            Node::Object(entries) => entries.iter().for_each(|(_, v)| f(v)),
            Node::Array(array) => {
                array.elements.iter().flatten().for_each(&mut f);
                array.props.iter().for_each(|(_, v)| f(v));
            }
            Node::Map(entries) => entries.iter().for_each(|(k, v)| {
                f(k);
                f(v)
            }),
            Node::Set(items) => items.iter().for_each(f),
            Node::Error(e) => {
                if let Some(cause) = &e.cause {
                    f(cause)
                }
            }
            Node::Date(_)
            | Node::RegExp { .. }
            | Node::ArrayBuffer(_)
            | Node::View(_)
            | Node::NumberObject(_)
            | Node::StringObject(_)
            | Node::BooleanObject(_)
            | Node::BigIntObject(_) => {}
        }
    }

    /// Rewrites every node id this node holds (references and a view's buffer) with `f`.
    pub fn remap_ids(&mut self, mut f: impl FnMut(NodeId) -> NodeId) {
        let mut remap = |v: &mut Value| {
            if let Value::Ref(id) = v {
                *id = f(*id);
            }
        };
        match self {
            Node::Object(entries) => entries.iter_mut().for_each(|(_, v)| remap(v)),
            Node::Array(array) => {
                array.elements.iter_mut().flatten().for_each(&mut remap);
                array.props.iter_mut().for_each(|(_, v)| remap(v));
            }
            Node::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                remap(k);
                remap(v)
            }),
            Node::Set(items) => items.iter_mut().for_each(remap),
            Node::Error(e) => {
                if let Some(cause) = &mut e.cause {
                    remap(cause)
                }
            }
            Node::View(view) => {
                let mut buffer = Value::Ref(view.buffer);
                remap(&mut buffer);
                if let Value::Ref(id) = buffer {
                    view.buffer = id;
                }
            }
            Node::Date(_)
            | Node::RegExp { .. }
            | Node::ArrayBuffer(_)
            | Node::NumberObject(_)
            | Node::StringObject(_)
            | Node::BooleanObject(_)
            | Node::BigIntObject(_) => {}
        }
    }
}

/// An `Array`: its elements (dense, with holes) and its other own enumerable properties.
///
/// The wire format writes every element of an array, holes included, so a dense vector costs
/// no more than the message it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Array {
    /// The elements; `None` is a hole (an index with no own property). Its length is the
    /// array's `length`.
    pub elements: Vec<Option<Value>>,
    /// Non-index own enumerable properties (e.g. `index` and `input` on a match result).
    pub props: Vec<(JsString, Value)>,
}

impl Array {
    /// An array without holes or extra properties.
    pub fn new(elements: Vec<Value>) -> Self {
        Self {
            elements: elements.into_iter().map(Some).collect(),
            props: Vec::new(),
        }
    }

    /// The array's `length`.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// True when `length` is 0.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Element `index`; `None` for a hole or past the end.
    pub fn get(&self, index: usize) -> Option<&Value> {
        self.elements.get(index).and_then(Option::as_ref)
    }

    /// True when `index` is within `length` but has no element.
    pub fn is_hole(&self, index: usize) -> bool {
        matches!(self.elements.get(index), Some(None))
    }
}

/// A typed array or `DataView`: a window onto an `ArrayBuffer` node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct View {
    /// Which typed array (or `DataView`).
    pub kind: ViewKind,
    /// The `ArrayBuffer` node it views (shared when two views use one buffer).
    pub buffer: NodeId,
    /// `byteOffset`: a multiple of the element size for typed arrays.
    pub byte_offset: usize,
    /// The element count (`length`); for a `DataView`, the `byteLength`.
    pub length: usize,
}

impl View {
    /// `byteLength`, or `None` when it overflows.
    pub fn byte_length(&self) -> Option<usize> {
        self.length.checked_mul(self.kind.element_size())
    }

    /// The byte range inside the buffer, or `None` when it overflows.
    pub fn byte_range(&self) -> Option<std::ops::Range<usize>> {
        let end = self.byte_offset.checked_add(self.byte_length()?)?;
        Some(self.byte_offset..end)
    }
}

/// The kind byte of a view (tag `0x17`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ViewKind {
    Int8Array = 0,
    Uint8Array = 1,
    Uint8ClampedArray = 2,
    Int16Array = 3,
    Uint16Array = 4,
    Int32Array = 5,
    Uint32Array = 6,
    Float32Array = 7,
    Float64Array = 8,
    BigInt64Array = 9,
    BigUint64Array = 10,
    DataView = 11,
    Float16Array = 12,
}

impl ViewKind {
    /// Every kind, in kind-byte order.
    pub const ALL: [ViewKind; 13] = [
        ViewKind::Int8Array,
        ViewKind::Uint8Array,
        ViewKind::Uint8ClampedArray,
        ViewKind::Int16Array,
        ViewKind::Uint16Array,
        ViewKind::Int32Array,
        ViewKind::Uint32Array,
        ViewKind::Float32Array,
        ViewKind::Float64Array,
        ViewKind::BigInt64Array,
        ViewKind::BigUint64Array,
        ViewKind::DataView,
        ViewKind::Float16Array,
    ];

    /// The kind for a kind byte.
    pub fn from_byte(byte: u8) -> Option<Self> {
        Self::ALL.get(usize::from(byte)).copied()
    }

    /// The kind byte.
    pub fn as_byte(self) -> u8 {
        self as u8
    }

    /// `BYTES_PER_ELEMENT` (1 for `DataView`, whose length is in bytes).
    pub fn element_size(self) -> usize {
        match self {
            ViewKind::Int8Array
            | ViewKind::Uint8Array
            | ViewKind::Uint8ClampedArray
            | ViewKind::DataView => 1,
            ViewKind::Int16Array | ViewKind::Uint16Array | ViewKind::Float16Array => 2,
            ViewKind::Int32Array | ViewKind::Uint32Array | ViewKind::Float32Array => 4,
            ViewKind::Float64Array | ViewKind::BigInt64Array | ViewKind::BigUint64Array => 8,
        }
    }

    /// The constructor's name, e.g. `"Uint8Array"`.
    pub fn name(self) -> &'static str {
        match self {
            ViewKind::Int8Array => "Int8Array",
            ViewKind::Uint8Array => "Uint8Array",
            ViewKind::Uint8ClampedArray => "Uint8ClampedArray",
            ViewKind::Int16Array => "Int16Array",
            ViewKind::Uint16Array => "Uint16Array",
            ViewKind::Int32Array => "Int32Array",
            ViewKind::Uint32Array => "Uint32Array",
            ViewKind::Float32Array => "Float32Array",
            ViewKind::Float64Array => "Float64Array",
            ViewKind::BigInt64Array => "BigInt64Array",
            ViewKind::BigUint64Array => "BigUint64Array",
            ViewKind::DataView => "DataView",
            ViewKind::Float16Array => "Float16Array",
        }
    }
}

/// An `Error` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorNode {
    /// Its class: one of the seven that `structuredClone` keeps.
    pub name: ErrorName,
    /// `message`, when the error has one.
    pub message: Option<JsString>,
    /// `stack`, when the error has one.
    pub stack: Option<JsString>,
    /// `cause`: `None` when the error has no own `cause` property (which differs from
    /// `Some(Value::Undefined)`).
    pub cause: Option<Value>,
}

impl ErrorNode {
    /// An error of class `name` with a message.
    pub fn new(name: ErrorName, message: impl Into<JsString>) -> Self {
        Self {
            name,
            message: Some(message.into()),
            stack: None,
            cause: None,
        }
    }
}

/// The error classes `structuredClone` keeps; any other name travels as `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(missing_docs)]
pub enum ErrorName {
    #[default]
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    URIError,
}

impl ErrorName {
    /// Every name.
    pub const ALL: [ErrorName; 7] = [
        ErrorName::Error,
        ErrorName::EvalError,
        ErrorName::RangeError,
        ErrorName::ReferenceError,
        ErrorName::SyntaxError,
        ErrorName::TypeError,
        ErrorName::URIError,
    ];

    /// The class name, e.g. `"TypeError"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorName::Error => "Error",
            ErrorName::EvalError => "EvalError",
            ErrorName::RangeError => "RangeError",
            ErrorName::ReferenceError => "ReferenceError",
            ErrorName::SyntaxError => "SyntaxError",
            ErrorName::TypeError => "TypeError",
            ErrorName::URIError => "URIError",
        }
    }

    /// The name for `name`, or `Error` for any other name (as `structuredClone` does).
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|n| n.as_str() == name)
            .unwrap_or(ErrorName::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_same_value() {
        assert_eq!(Value::Number(f64::NAN), Value::Number(f64::NAN));
        assert_ne!(Value::Number(0.0), Value::Number(-0.0));
        assert_ne!(Value::Null, Value::Undefined);
        assert_eq!(Node::Date(f64::NAN), Node::Date(f64::NAN));
    }

    #[test]
    fn wide_integers_become_bigints_outside_the_safe_range() {
        assert_eq!(
            Value::from(MAX_SAFE_INTEGER),
            Value::Number(9007199254740991.0)
        );
        assert_eq!(
            Value::from(MAX_SAFE_INTEGER + 1),
            Value::BigInt(BigInt::from(MAX_SAFE_INTEGER + 1))
        );
        assert_eq!(
            Value::from(-MAX_SAFE_INTEGER),
            Value::Number(-9007199254740991.0)
        );
        assert!(matches!(Value::from(u64::MAX), Value::BigInt(_)));
        assert_eq!(Value::from(None::<bool>), Value::Null);
        assert_eq!(Value::from(Some(true)), Value::Bool(true));
    }

    #[test]
    fn view_kinds_round_trip_through_their_byte() {
        for kind in ViewKind::ALL {
            assert_eq!(ViewKind::from_byte(kind.as_byte()), Some(kind));
        }
        assert_eq!(ViewKind::from_byte(13), None);
        assert_eq!(ViewKind::Float16Array.element_size(), 2);
    }

    #[test]
    fn view_byte_range_checks_overflow() {
        let view = View {
            kind: ViewKind::Float64Array,
            buffer: NodeId(0),
            byte_offset: 8,
            length: 2,
        };
        assert_eq!(view.byte_range(), Some(8..24));
        let huge = View {
            length: usize::MAX,
            ..view
        };
        assert_eq!(huge.byte_range(), None);
    }

    #[test]
    fn unknown_error_names_become_error() {
        assert_eq!(ErrorName::from_name("TypeError"), ErrorName::TypeError);
        assert_eq!(ErrorName::from_name("NotesError"), ErrorName::Error);
    }

    #[test]
    fn safe_integer_accessor() {
        assert_eq!(Value::Number(3.0).as_safe_integer(), Some(3));
        assert_eq!(Value::Number(3.5).as_safe_integer(), None);
        assert_eq!(Value::Number(f64::INFINITY).as_safe_integer(), None);
        assert_eq!(Value::Number(-0.0).as_safe_integer(), Some(0));
    }
}
