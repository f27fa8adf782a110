//! serde serialization: any `T: Serialize` to a [`Graph`].

use std::fmt;

use serde::ser::{self, Serialize};

use crate::magic::{self, SerializingGuard};
use crate::{Array, Graph, JsString, Node, Value};

/// Serializes any value into a new graph.
///
/// | Rust (serde data model) | JavaScript value |
/// |---|---|
/// | `bool` | boolean |
/// | `i8`–`i32`, `u8`–`u32`, `f32`, `f64` | number |
/// | `i64`, `u64`, `i128`, `u128` | number within ±(2^53 - 1), else BigInt |
/// | `char`, `str`, `String` | string |
/// | bytes (`serde_bytes`) | `Uint8Array` over its own `ArrayBuffer` |
/// | `None`, `()`, unit struct | `null` (as serde_json writes them) |
/// | `Some(v)`, newtype struct | `v` |
/// | sequence, tuple, tuple struct | Array |
/// | struct | plain object, fields in declaration order |
/// | map with string, integer, bool or char keys | plain object (keys as JavaScript would print them) |
/// | map with any other keys (tuples, structs, floats, `None`...) | `Map` |
/// | unit variant | its name as a string |
/// | newtype, tuple, struct variant | `{ "Variant": value }` (externally tagged, as serde_json) |
/// | [`Date`](crate::Date), `system_time` fields | `Date` |
/// | [`Graph`], [`Value`], [`JsString`], [`BigInt`](crate::BigInt) | themselves, exactly |
///
/// ```
/// use std::collections::BTreeMap;
/// let mut m = BTreeMap::new();
/// m.insert((1, 2), "pair key");
/// let g = ferrolens_value::to_graph(&m).unwrap();
/// assert_eq!(g.resolve(g.root()).unwrap().class_name(), "Map");
/// ```
pub fn to_graph<T: Serialize + ?Sized>(value: &T) -> std::result::Result<Graph, SerializeError> {
    let mut graph = Graph::new();
    let root = to_value_in(&mut graph, value)?;
    Ok(graph.with_root(root))
}

/// Serializes a value into an existing graph, adding its objects, and returns the value (to
/// place in an object, array or as the root).
pub fn to_value_in<T: Serialize + ?Sized>(
    graph: &mut Graph,
    value: &T,
) -> std::result::Result<Value, SerializeError> {
    let _guard = SerializingGuard::new();
    value.serialize(ValueSerializer { graph })
}

/// A value that could not be serialized: what the `Serialize` impl reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializeError(String);

impl SerializeError {
    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SerializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerializeError {}

impl ser::Error for SerializeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerializeError(msg.to_string())
    }
}

/// The serializer: each call returns the [`Value`] it built, adding objects to the graph.
struct ValueSerializer<'a> {
    graph: &'a mut Graph,
}

type Result<T> = std::result::Result<T, SerializeError>;

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = Value;
    type Error = SerializeError;
    type SerializeSeq = SeqSerializer<'a>;
    type SerializeTuple = SeqSerializer<'a>;
    type SerializeTupleStruct = SeqSerializer<'a>;
    type SerializeTupleVariant = VariantSerializer<SeqSerializer<'a>>;
    type SerializeMap = MapSerializer<'a>;
    type SerializeStruct = StructSerializer<'a>;
    type SerializeStructVariant = VariantSerializer<StructSerializer<'a>>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Number(v))
    }

    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::String(JsString::from(v)))
    }

    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::from(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(self.graph.uint8_array(v.to_vec()))
    }

    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::from(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        match name {
            magic::GRAPH | magic::VALUE => match magic::take() {
                Some(graph) => Ok(self.graph.splice(graph)),
                None => value.serialize(self),
            },
            magic::DATE => match value.serialize(ValueSerializer {
                graph: &mut *self.graph,
            })? {
                Value::Number(time) => Ok(self.graph.add_value(Node::Date(time))),
                other => Ok(other),
            },
            _ => value.serialize(self),
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        let inner = value.serialize(ValueSerializer {
            graph: &mut *self.graph,
        })?;
        Ok(self.graph.object(vec![(variant, inner)]))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer<'a>> {
        Ok(SeqSerializer {
            graph: self.graph,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSerializer<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Ok(VariantSerializer {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer<'a>> {
        Ok(MapSerializer {
            graph: self.graph,
            entries: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<StructSerializer<'a>> {
        Ok(StructSerializer {
            graph: self.graph,
            entries: Vec::with_capacity(len.min(4096)),
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Ok(VariantSerializer {
            variant,
            inner: self.serialize_struct(name, len)?,
        })
    }
}

/// Collects the elements of a sequence or tuple into an array.
pub(crate) struct SeqSerializer<'a> {
    graph: &'a mut Graph,
    items: Vec<Value>,
}

impl SeqSerializer<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let v = value.serialize(ValueSerializer {
            graph: &mut *self.graph,
        })?;
        self.items.push(v);
        Ok(())
    }

    fn finish(self) -> Value {
        self.graph.add_value(Node::Array(Array::new(self.items)))
    }
}

impl ser::SerializeSeq for SeqSerializer<'_> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqSerializer<'_> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqSerializer<'_> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Collects struct fields into a plain object.
pub(crate) struct StructSerializer<'a> {
    graph: &'a mut Graph,
    entries: Vec<(JsString, Value)>,
}

impl StructSerializer<'_> {
    fn finish(self) -> Value {
        self.graph.add_value(Node::Object(self.entries))
    }
}

impl ser::SerializeStruct for StructSerializer<'_> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let v = value.serialize(ValueSerializer {
            graph: &mut *self.graph,
        })?;
        self.entries.push((JsString::from(key), v));
        Ok(())
    }

    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Collects map entries into a plain object when every key can be a property key, else a
/// `Map`.
pub(crate) struct MapSerializer<'a> {
    graph: &'a mut Graph,
    entries: Vec<(Value, Value)>,
    key: Option<Value>,
}

impl ser::SerializeMap for MapSerializer<'_> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(ValueSerializer {
            graph: &mut *self.graph,
        })?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerializeError("serialize_value called before serialize_key".into()))?;
        let v = value.serialize(ValueSerializer {
            graph: &mut *self.graph,
        })?;
        self.entries.push((key, v));
        Ok(())
    }

    fn end(self) -> Result<Value> {
        let keys: Option<Vec<JsString>> =
            self.entries.iter().map(|(k, _)| property_key(k)).collect();
        let node = match keys {
            Some(keys) => Node::Object(
                keys.into_iter()
                    .zip(self.entries)
                    .map(|(k, (_, v))| (k, v))
                    .collect(),
            ),
            None => Node::Map(self.entries),
        };
        Ok(self.graph.add_value(node))
    }
}

/// The property key a map key becomes, as JavaScript prints it; `None` when it is not a
/// string, integer or boolean.
fn property_key(key: &Value) -> Option<JsString> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(JsString::from(if *b { "true" } else { "false" })),
        Value::BigInt(n) => Some(JsString::from(n.to_string())),
        Value::Number(_) => key.as_safe_integer().map(|n| JsString::from(n.to_string())),
        _ => None,
    }
}

/// Wraps a variant's content as `{ "Variant": content }`.
pub(crate) struct VariantSerializer<S> {
    variant: &'static str,
    inner: S,
}

impl VariantSerializer<SeqSerializer<'_>> {
    fn finish_seq(self) -> Value {
        let variant = self.variant;
        let SeqSerializer { graph, items } = self.inner;
        let inner = graph.add_value(Node::Array(Array::new(items)));
        graph.object(vec![(variant, inner)])
    }
}

impl<'a> ser::SerializeTupleVariant for VariantSerializer<SeqSerializer<'a>> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.inner.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(self.finish_seq())
    }
}

impl<'a> ser::SerializeStructVariant for VariantSerializer<StructSerializer<'a>> {
    type Ok = Value;
    type Error = SerializeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }

    fn end(self) -> Result<Value> {
        let variant = self.variant;
        let StructSerializer { graph, entries } = self.inner;
        let inner = graph.add_value(Node::Object(entries));
        Ok(graph.object(vec![(variant, inner)]))
    }
}
