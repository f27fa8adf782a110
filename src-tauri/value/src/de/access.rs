//! serde access types: walking the entries and elements of objects, arrays, Maps, Sets, Errors
//! and typed arrays, and object keys and enum variants.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::path::{Path, Seg};
use super::{visit_js_str, Ctx, De, DeserializeError, Result, Sub};
use crate::{ErrorNode, JsString, NodeId, Value, ViewKind};

/// Refuses a visitor that left items unread, as serde's own deserializers do.
fn check_consumed(read: usize, left: usize, what: &str) -> Result<()> {
    if left == 0 {
        Ok(())
    } else {
        Err(de::Error::invalid_length(
            read + left,
            &format!("fewer {what}").as_str(),
        ))
    }
}

/// The properties of a plain object.
pub(crate) struct ObjectAccess<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    entries: std::slice::Iter<'g, (JsString, Value)>,
    current: Option<&'g (JsString, Value)>,
    read: usize,
}

impl<'g, 'p> ObjectAccess<'g, 'p> {
    pub(crate) fn new(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        entries: &'g [(JsString, Value)],
    ) -> Self {
        ObjectAccess {
            ctx,
            parent,
            id,
            entries: entries.iter(),
            current: None,
            read: 0,
        }
    }

    pub(crate) fn end(&self) -> Result<()> {
        check_consumed(self.read, self.entries.len(), "properties")
    }
}

impl<'g> MapAccess<'g> for &mut ObjectAccess<'g, '_> {
    type Error = DeserializeError;

    fn next_key_seed<K: DeserializeSeed<'g>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some(entry);
        self.read += 1;
        let path = self.parent.child(Seg::Key(&entry.0), self.id);
        seed.deserialize(KeyDe(&entry.0))
            .map(Some)
            .map_err(|e| e.at(&path))
    }

    fn next_value_seed<V: DeserializeSeed<'g>>(&mut self, seed: V) -> Result<V::Value> {
        let entry = self
            .current
            .take()
            .ok_or_else(|| de::Error::custom("value asked for before its key"))?;
        let path = self.parent.child(Seg::Key(&entry.0), self.id);
        seed.deserialize(De {
            ctx: self.ctx,
            sub: Sub::of(&entry.1),
            path: &path,
        })
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The elements of an array (holes read as `undefined`) or the values of a Set.
pub(crate) struct SeqItems<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    items: Items<'g>,
    index: usize,
}

enum Items<'g> {
    Array(std::slice::Iter<'g, Option<Value>>),
    Set(std::slice::Iter<'g, Value>),
}

impl<'g, 'p> SeqItems<'g, 'p> {
    pub(crate) fn array(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        elements: &'g [Option<Value>],
    ) -> Self {
        SeqItems {
            ctx,
            parent,
            id,
            items: Items::Array(elements.iter()),
            index: 0,
        }
    }

    pub(crate) fn set(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        items: &'g [Value],
    ) -> Self {
        SeqItems {
            ctx,
            parent,
            id,
            items: Items::Set(items.iter()),
            index: 0,
        }
    }

    fn left(&self) -> usize {
        match &self.items {
            Items::Array(it) => it.len(),
            Items::Set(it) => it.len(),
        }
    }

    pub(crate) fn end(&self) -> Result<()> {
        check_consumed(self.index, self.left(), "elements")
    }
}

impl<'g> SeqAccess<'g> for &mut SeqItems<'g, '_> {
    type Error = DeserializeError;

    fn next_element_seed<T: DeserializeSeed<'g>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let (sub, seg) = match &mut self.items {
            Items::Array(it) => match it.next() {
                None => return Ok(None),
                Some(Some(v)) => (Sub::of(v), Seg::Index(self.index)),
                Some(None) => (Sub::Undefined, Seg::Index(self.index)),
            },
            Items::Set(it) => match it.next() {
                None => return Ok(None),
                Some(v) => (Sub::of(v), Seg::SetItem(self.index)),
            },
        };
        self.index += 1;
        let path = self.parent.child(seg, self.id);
        seed.deserialize(De {
            ctx: self.ctx,
            sub,
            path: &path,
        })
        .map(Some)
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left())
    }
}

/// The elements of a typed array other than the byte-sized ones.
pub(crate) struct TypedAccess<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    kind: ViewKind,
    chunks: std::slice::ChunksExact<'g, u8>,
    index: usize,
}

impl<'g, 'p> TypedAccess<'g, 'p> {
    pub(crate) fn new(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        kind: ViewKind,
        bytes: &'g [u8],
    ) -> Self {
        TypedAccess {
            ctx,
            parent,
            id,
            kind,
            chunks: bytes.chunks_exact(kind.element_size()),
            index: 0,
        }
    }

    pub(crate) fn end(&self) -> Result<()> {
        check_consumed(self.index, self.chunks.len(), "elements")
    }
}

/// Element of a typed array, read little-endian as the wire format stores it.
fn element(kind: ViewKind, b: &[u8]) -> Sub<'static> {
    let arr = |n: usize| -> [u8; 8] {
        let mut out = [0; 8];
        out[..n].copy_from_slice(&b[..n]);
        out
    };
    match kind {
        ViewKind::Int8Array => Sub::Number(f64::from(b[0] as i8)),
        ViewKind::Uint8Array | ViewKind::Uint8ClampedArray | ViewKind::DataView => {
            Sub::Number(f64::from(b[0]))
        }
        ViewKind::Int16Array => Sub::Number(f64::from(i16::from_le_bytes([b[0], b[1]]))),
        ViewKind::Uint16Array => Sub::Number(f64::from(u16::from_le_bytes([b[0], b[1]]))),
        ViewKind::Float16Array => Sub::Number(f16_to_f64(u16::from_le_bytes([b[0], b[1]]))),
        ViewKind::Int32Array => {
            Sub::Number(f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        }
        ViewKind::Uint32Array => {
            Sub::Number(f64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        }
        ViewKind::Float32Array => {
            Sub::Number(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        }
        ViewKind::Float64Array => Sub::Number(f64::from_le_bytes(arr(8))),
        ViewKind::BigInt64Array => Sub::Int(i128::from(i64::from_le_bytes(arr(8)))),
        ViewKind::BigUint64Array => Sub::Int(i128::from(u64::from_le_bytes(arr(8)))),
    }
}

/// IEEE 754 half precision to double.
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1F);
    let fraction = f64::from(bits & 0x3FF);
    sign * match exponent {
        0 => fraction * 2f64.powi(-24),
        0x1F if fraction == 0.0 => f64::INFINITY,
        0x1F => f64::NAN,
        e => (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

impl<'g> SeqAccess<'g> for &mut TypedAccess<'g, '_> {
    type Error = DeserializeError;

    fn next_element_seed<T: DeserializeSeed<'g>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(chunk) = self.chunks.next() else {
            return Ok(None);
        };
        let path = self.parent.child(Seg::Index(self.index), self.id);
        self.index += 1;
        seed.deserialize(De {
            ctx: self.ctx,
            sub: element(self.kind, chunk),
            path: &path,
        })
        .map(Some)
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.chunks.len())
    }
}

/// The bytes of an `ArrayBuffer` or byte-sized view, as a sequence of numbers.
pub(crate) struct ByteAccess<'g, 'p> {
    inner: TypedAccess<'g, 'p>,
}

impl<'g, 'p> ByteAccess<'g, 'p> {
    pub(crate) fn new(ctx: &'p Ctx<'g>, parent: &'p Path<'p>, id: NodeId, bytes: &'g [u8]) -> Self {
        ByteAccess {
            inner: TypedAccess::new(ctx, parent, id, ViewKind::Uint8Array, bytes),
        }
    }

    pub(crate) fn end(&self) -> Result<()> {
        self.inner.end()
    }
}

impl<'g> SeqAccess<'g> for &mut ByteAccess<'g, '_> {
    type Error = DeserializeError;

    fn next_element_seed<T: DeserializeSeed<'g>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        (&mut self.inner).next_element_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.inner.chunks.len())
    }
}

/// The entries of a `Map`: keys of any type.
pub(crate) struct MapEntries<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    entries: std::slice::Iter<'g, (Value, Value)>,
    current: Option<&'g (Value, Value)>,
    index: usize,
}

impl<'g, 'p> MapEntries<'g, 'p> {
    pub(crate) fn new(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        entries: &'g [(Value, Value)],
    ) -> Self {
        MapEntries {
            ctx,
            parent,
            id,
            entries: entries.iter(),
            current: None,
            index: 0,
        }
    }

    pub(crate) fn end(&self) -> Result<()> {
        check_consumed(self.index, self.entries.len(), "entries")
    }
}

impl<'g> MapAccess<'g> for &mut MapEntries<'g, '_> {
    type Error = DeserializeError;

    fn next_key_seed<K: DeserializeSeed<'g>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some(entry);
        let path = self.parent.child(Seg::MapKey(self.index), self.id);
        self.index += 1;
        seed.deserialize(De {
            ctx: self.ctx,
            sub: Sub::of(&entry.0),
            path: &path,
        })
        .map(Some)
        .map_err(|e| e.at(&path))
    }

    fn next_value_seed<V: DeserializeSeed<'g>>(&mut self, seed: V) -> Result<V::Value> {
        let entry = self
            .current
            .take()
            .ok_or_else(|| de::Error::custom("value asked for before its key"))?;
        let path = self
            .parent
            .child(Seg::MapValue(self.index - 1, &entry.0), self.id);
        seed.deserialize(De {
            ctx: self.ctx,
            sub: Sub::of(&entry.1),
            path: &path,
        })
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An Error as a map: `name`, `message`, `stack` (when present) and `cause` (when present).
pub(crate) struct ErrorAccess<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    fields: [Option<(&'static str, Sub<'g>)>; 4],
    next: usize,
}

impl<'g, 'p> ErrorAccess<'g, 'p> {
    pub(crate) fn new(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        error: &'g ErrorNode,
    ) -> Self {
        let fields = [
            Some(("name", Sub::Static(error.name.as_str()))),
            error.message.as_ref().map(|m| ("message", Sub::Str(m))),
            error.stack.as_ref().map(|s| ("stack", Sub::Str(s))),
            error.cause.as_ref().map(|c| ("cause", Sub::of(c))),
        ];
        ErrorAccess {
            ctx,
            parent,
            id,
            fields,
            next: 0,
        }
    }

    fn advance(&mut self) -> Option<(&'static str, Sub<'g>)> {
        while self.next < self.fields.len() {
            let field = self.fields[self.next];
            self.next += 1;
            if field.is_some() {
                return field;
            }
        }
        None
    }

    fn left(&self) -> usize {
        self.fields[self.next.min(4)..]
            .iter()
            .filter(|f| f.is_some())
            .count()
    }

    pub(crate) fn end(&self) -> Result<()> {
        Ok(())
    }
}

impl<'g> MapAccess<'g> for &mut ErrorAccess<'g, '_> {
    type Error = DeserializeError;

    fn next_key_seed<K: DeserializeSeed<'g>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        // Peek: the key is read now, the value on the next call.
        let save = self.next;
        let Some((name, _)) = self.advance() else {
            return Ok(None);
        };
        self.next = save;
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'g>>(&mut self, seed: V) -> Result<V::Value> {
        let (name, sub) = self
            .advance()
            .ok_or_else(|| de::Error::custom("value asked for past the last field"))?;
        let path = self.parent.child(Seg::Name(name), self.id);
        seed.deserialize(De {
            ctx: self.ctx,
            sub,
            path: &path,
        })
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left())
    }
}

/// An object key: a string that integer, float and bool keys are parsed from.
pub(crate) struct KeyDe<'g>(pub(crate) &'g JsString);

impl KeyDe<'_> {
    fn parse<T: std::str::FromStr>(&self, expected: &str) -> Result<T> {
        let text = self.0.to_string_lossy();
        text.parse()
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&text), &expected))
    }
}

macro_rules! parse_key {
    ($($method:ident $visit:ident $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let n: $t = self.parse(concat!("a key holding ", stringify!($t)))?;
            visitor.$visit(n)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = DeserializeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_js_str(self.0, visitor)
    }

    parse_key! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_u128 visit_u128 u128,
        deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64,
        deserialize_bool visit_bool bool,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.0.as_str() {
            Some(s) => visitor.visit_enum(s.into_deserializer()),
            None => visitor.visit_enum(self.0.to_string_lossy().into_owned().into_deserializer()),
        }
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// An enum as `{ "Variant": value }` (plain object or one-entry Map).
pub(crate) struct EnumDe<'g, 'p> {
    ctx: &'p Ctx<'g>,
    parent: &'p Path<'p>,
    id: NodeId,
    key: EnumKey<'g>,
    value: &'g Value,
}

enum EnumKey<'g> {
    Property(&'g JsString),
    MapKey(&'g Value),
}

impl<'g, 'p> EnumDe<'g, 'p> {
    pub(crate) fn object(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        key: &'g JsString,
        value: &'g Value,
    ) -> Self {
        EnumDe {
            ctx,
            parent,
            id,
            key: EnumKey::Property(key),
            value,
        }
    }

    pub(crate) fn map(
        ctx: &'p Ctx<'g>,
        parent: &'p Path<'p>,
        id: NodeId,
        key: &'g Value,
        value: &'g Value,
    ) -> Self {
        EnumDe {
            ctx,
            parent,
            id,
            key: EnumKey::MapKey(key),
            value,
        }
    }

    fn value_path(&self) -> Path<'p> {
        match self.key {
            EnumKey::Property(k) => self.parent.child(Seg::Key(k), self.id),
            EnumKey::MapKey(k) => self.parent.child(Seg::MapValue(0, k), self.id),
        }
    }
}

impl<'g, 'p> de::EnumAccess<'g> for EnumDe<'g, 'p> {
    type Error = DeserializeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'g>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = match self.key {
            EnumKey::Property(k) => seed.deserialize(KeyDe(k)),
            EnumKey::MapKey(k) => {
                let path = self.parent.child(Seg::MapKey(0), self.id);
                seed.deserialize(De {
                    ctx: self.ctx,
                    sub: Sub::of(k),
                    path: &path,
                })
            }
        }
        .map_err(|e| e.at(&self.value_path()))?;
        Ok((variant, self))
    }
}

impl<'g> de::VariantAccess<'g> for EnumDe<'g, '_> {
    type Error = DeserializeError;

    fn unit_variant(self) -> Result<()> {
        let path = self.value_path();
        de::Deserialize::deserialize(De {
            ctx: self.ctx,
            sub: Sub::of(self.value),
            path: &path,
        })
    }

    fn newtype_variant_seed<T: DeserializeSeed<'g>>(self, seed: T) -> Result<T::Value> {
        let path = self.value_path();
        seed.deserialize(De {
            ctx: self.ctx,
            sub: Sub::of(self.value),
            path: &path,
        })
    }

    fn tuple_variant<V: Visitor<'g>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        let path = self.value_path();
        de::Deserializer::deserialize_seq(
            De {
                ctx: self.ctx,
                sub: Sub::of(self.value),
                path: &path,
            },
            visitor,
        )
    }

    fn struct_variant<V: Visitor<'g>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let path = self.value_path();
        de::Deserializer::deserialize_map(
            De {
                ctx: self.ctx,
                sub: Sub::of(self.value),
                path: &path,
            },
            visitor,
        )
    }
}
