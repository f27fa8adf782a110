//! The decoder: wire format v1 bytes to a [`Graph`].
//!
//! It never recurses: open containers live on an explicit stack (at most
//! [`MAX_DEPTH`](crate::MAX_DEPTH) of them), so no input can overflow the thread's stack. No
//! length prefix is trusted for an allocation beyond what the remaining input could hold, and
//! what the graph's objects, elements and entries take is bounded by the input's size
//! ([`STRUCTURE_BYTES_PER_INPUT_BYTE`]), so memory stays a small multiple of the input. Every
//! refusal names the byte offset.
//!
//! Shapes (`0x1D`, or `0xC0 | id`): each `0x10` object defines the next shape when its body
//! completes, and a shape is simply that object's node, whose keys a shaped object then copies.
//!
//! String ids (`0x21`, or `0x80 | id`): each `0x07`/`0x08` string read as a value (never a key
//! or other text) of at most [`MAX_ID_STRING`] UTF-16 code units defines the next string id. The
//! table keeps where it starts; the first reference naming it reads it again and keeps it, and
//! later ones clone that. Only value reads (`common_value` with `Decoder::common_defined`, and
//! `other_item`) define ids.

use crate::error::DecodeErrorKind as Kind;
use crate::tags::*;
use crate::{
    Array, BigInt, DecodeError, ErrorName, ErrorNode, Graph, JsString, Node, NodeId, Value, View,
    ViewKind, MAX_DEPTH,
};

/// Decodes one message (version byte, one value, nothing after) into a graph whose node ids are
/// the wire ids (index `i` is the `i`-th object written).
///
/// ```
/// let graph = ferrolens_value::decode(&[0x01, 0x07, 0x02, b'h', b'i']).unwrap();
/// assert_eq!(graph.root().as_str(), Some("hi"));
/// let err = ferrolens_value::decode(&[0x01, 0x42]).unwrap_err();
/// assert_eq!(err.to_string(), "at byte 1: unknown tag 0x42");
/// ```
pub fn decode(bytes: &[u8]) -> Result<Graph, DecodeError> {
    let key_budget = bytes
        .len()
        .saturating_mul(KEY_BYTES_PER_INPUT_BYTE)
        .saturating_add(KEY_BYTES_BASE);
    decode_with_budgets(bytes, key_budget, structure_budget(bytes.len()))
}

/// The bytes of objects, elements and entries a message of `len` bytes may decode to.
fn structure_budget(len: usize) -> usize {
    len.saturating_mul(STRUCTURE_BYTES_PER_INPUT_BYTE)
        .saturating_add(STRUCTURE_BYTES_BASE)
}

/// [`decode`] with a given budget of copied key and string bytes (tests use small ones).
#[cfg(test)]
fn decode_with_budget(bytes: &[u8], key_budget: usize) -> Result<Graph, DecodeError> {
    decode_with_budgets(bytes, key_budget, structure_budget(bytes.len()))
}

/// [`decode`] with given budgets of copied key and string bytes and of structure bytes.
fn decode_with_budgets(
    bytes: &[u8],
    key_budget: usize,
    structure_budget: usize,
) -> Result<Graph, DecodeError> {
    let mut decoder = Decoder {
        r: Reader { bytes, pos: 0 },
        nodes: Vec::new(),
        shapes: Vec::new(),
        strings: Vec::new(),
        built: Vec::new(),
        key_budget,
        structure_limit: structure_budget,
        structure_budget,
    };
    let version = decoder.r.u8("the version byte")?;
    if version != VERSION {
        return Err(DecodeError {
            offset: 0,
            kind: Kind::UnsupportedVersion(version),
        });
    }
    let root = decoder.run()?;
    let rest = bytes.len() - decoder.r.pos;
    if rest > 0 {
        return Err(decoder.r.error_at(decoder.r.pos, Kind::TrailingBytes(rest)));
    }
    Ok(Graph::from_parts(decoder.nodes, root))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error_at(&self, offset: usize, kind: Kind) -> DecodeError {
        DecodeError { offset, kind }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.error_at(self.pos, Kind::Truncated(what))),
        }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.error_at(self.pos, Kind::Truncated(what)));
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn f64(&mut self, what: &'static str) -> Result<f64, DecodeError> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &'static str) -> Result<f64, DecodeError> {
        Ok(f64::from(f32::from_le_bytes(self.array(what)?)))
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        // Most varints are one byte.
        if let Some(&byte) = self.bytes.get(self.pos) {
            if byte < 0x80 {
                self.pos += 1;
                return Ok(u64::from(byte));
            }
        }
        self.varint_long(what)
    }

    fn varint_long(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let start = self.pos;
        let mut value: u64 = 0;
        for i in 0..10 {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(self.error_at(start, Kind::Truncated(what)));
            };
            self.pos += 1;
            let bits = u64::from(byte & 0x7F);
            if i == 9 && byte > 1 {
                return Err(self.error_at(start, Kind::VarintOverflow));
            }
            value |= bits << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error_at(start, Kind::VarintOverflow))
    }

    /// A count of items that take at least `min_bytes` each, refused when the rest of the input
    /// cannot hold them (so it is safe as a capacity).
    fn count(&mut self, min_bytes: usize, what: &'static str) -> Result<usize, DecodeError> {
        let at = self.pos;
        let count = self.varint(what)?;
        let left = self.remaining();
        match usize::try_from(count) {
            Ok(n) if n.checked_mul(min_bytes).is_some_and(|bytes| bytes <= left) => Ok(n),
            _ => Err(self.error_at(at, Kind::CountExceedsInput { what, count, left })),
        }
    }
}

/// How many bytes of keys shaped objects, and of heap-stored strings `0x21` values, may copy:
/// [`KEY_BYTES_BASE`] plus this many per byte of input. Decoded keys and strings are copies, so
/// without a bound a long key and many one-byte objects of its shape would make the graph far
/// larger than the input. Each value takes at least one byte, so shapes whose keys total up to
/// this many bytes never reach the bound.
const KEY_BYTES_PER_INPUT_BYTE: usize = 64;

/// See [`KEY_BYTES_PER_INPUT_BYTE`]: small messages may still repeat long keys.
const KEY_BYTES_BASE: usize = 64 << 20;

/// How many bytes of nodes, elements, entries and items (the graph's structure) a message may
/// decode to: [`STRUCTURE_BYTES_BASE`] plus this many per byte of input; past it the message is
/// refused ([`StructureTooLarge`](crate::DecodeErrorKind::StructureTooLarge)). Each element
/// takes 32 bytes and each node 56 whatever its wire size, so a one-byte hole is 32 bytes and an
/// empty object's two bytes more than 100: without a bound, 64 MB of holes took 2 GB. Trees of
/// small objects take 15 to 30 bytes per input byte, so any such tree up to about 5 MB of wire
/// format (20 MB as JSON) fits; strings and binary data are copies of the input and are not
/// counted.
pub const STRUCTURE_BYTES_PER_INPUT_BYTE: usize = 16;

/// See [`STRUCTURE_BYTES_PER_INPUT_BYTE`]: what any message may take, whatever its size.
pub const STRUCTURE_BYTES_BASE: usize = 64 << 20;

const NODE_BYTES: usize = std::mem::size_of::<Node>();
const ENTRY_BYTES: usize = std::mem::size_of::<(JsString, Value)>();
const ELEMENT_BYTES: usize = std::mem::size_of::<Option<Value>>();
const PAIR_BYTES: usize = std::mem::size_of::<(Value, Value)>();
const ITEM_BYTES: usize = std::mem::size_of::<Value>();

/// A shape: the completed `0x10` object whose keys it lists, and their total length in bytes
/// (what each use copies).
#[derive(Clone, Copy)]
struct Shape {
    node: NodeId,
    key_bytes: usize,
}

/// Which value slot is being read: holes and absent markers are only allowed in theirs.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Plain,
    Element,
    Cause,
}

/// A string id's string: where it starts (its tag) until a `0x21` value first needs it, then
/// its index in `Decoder::built`, which later ones clone. Most short strings are never
/// repeated, and a copy of each (24 bytes) would cost more than this word.
#[derive(Clone, Copy)]
struct Defined(usize);

impl Defined {
    fn at(offset: usize) -> Self {
        // Offsets are below `isize::MAX`, so the shift loses nothing.
        Self(offset << 1)
    }

    fn built(index: usize) -> Self {
        Self((index << 1) | 1)
    }

    /// `Ok(index in built)` or `Err(offset)`.
    #[inline]
    fn get(self) -> Result<usize, usize> {
        if self.0 & 1 == 1 {
            Ok(self.0 >> 1)
        } else {
            Err(self.0 >> 1)
        }
    }
}

/// What one read produced.
enum Item {
    Value(Value),
    Hole,
    Absent,
    /// A container whose body follows. Its id is known already, so the parent stores the
    /// reference at once and only the body goes onto the stack.
    Open(Open),
}

/// A container just opened: its id, how many values its body starts with, and its kind.
struct Open {
    id: NodeId,
    count: usize,
    kind: OpenKind,
}

enum OpenKind {
    Object,
    /// A shaped object (`0x1D`, `0xC0`–`0xFF`) of the shape defined by this node.
    Shaped(NodeId),
    /// `bare`: a `0x22` array, whose elements are all its body.
    Array {
        bare: bool,
    },
    Map,
    Set,
    Error(Box<ErrorNode>),
}

/// A container whose body is being read; its node is written when it closes.
struct Frame {
    id: NodeId,
    /// Values read, and to read, in the current part of the body (for an Error, its cause).
    read: usize,
    count: usize,
    body: Body,
}

enum Body {
    Object(Vec<(JsString, Value)>),
    /// `len` entries of `entries` are read (a shape's absent keys have none); `shape` is the
    /// node whose keys they take, in order.
    Shaped {
        entries: Vec<(JsString, Value)>,
        len: usize,
        shape: NodeId,
    },
    /// `props` is `None` while the elements are read, until the property count is; a `bare`
    /// array (`0x22`) has none to read.
    Array {
        elements: Vec<Option<Value>>,
        props: Option<Vec<(JsString, Value)>>,
        bare: bool,
    },
    /// `key` holds an entry's key until its value is read.
    Map {
        entries: Vec<(Value, Value)>,
        key: Option<Value>,
    },
    Set(Vec<Value>),
    Error(Box<ErrorNode>),
}

impl Frame {
    // Inlined so the frame is built where it is pushed: one built elsewhere and copied stalls
    // on its narrow stores.
    #[inline(always)]
    fn new(open: Open) -> Self {
        let Open { id, count, kind } = open;
        let body = match kind {
            OpenKind::Object => Body::Object(Vec::with_capacity(count)),
            OpenKind::Shaped(shape) => Body::Shaped {
                entries: Vec::new(),
                len: 0,
                shape,
            },
            OpenKind::Array { bare } => Body::Array {
                elements: Vec::with_capacity(count),
                props: None,
                bare,
            },
            OpenKind::Map => Body::Map {
                entries: Vec::with_capacity(count),
                key: None,
            },
            OpenKind::Set => Body::Set(Vec::with_capacity(count)),
            OpenKind::Error(error) => Body::Error(error),
        };
        Frame {
            id,
            read: 0,
            count,
            body,
        }
    }
}

/// The value of an item read in a plain slot, and the container it opened if any.
fn plain(item: Item) -> (Value, Option<Open>) {
    match item {
        Item::Value(value) => (value, None),
        Item::Open(open) => (Value::Ref(open.id), Some(open)),
        // `item` refuses holes and absent markers outside their slots.
        Item::Hole | Item::Absent => (Value::Undefined, None),
    }
}

struct Decoder<'a> {
    r: Reader<'a>,
    nodes: Vec<Node>,
    /// Defined shapes, by shape id (in order of completion of their `0x10` objects).
    shapes: Vec<Shape>,
    /// The string of each string id, by id.
    strings: Vec<Defined>,
    /// The strings `0x21` values have used, in order of first use (see [`Defined`]).
    built: Vec<JsString>,
    /// Key and string bytes shaped objects and `0x21` values may still copy (see
    /// [`KEY_BYTES_PER_INPUT_BYTE`]).
    key_budget: usize,
    /// Structure bytes the graph may take in all, and may still take (see
    /// [`STRUCTURE_BYTES_PER_INPUT_BYTE`]).
    structure_limit: usize,
    structure_budget: usize,
}

impl Decoder<'_> {
    fn run(&mut self) -> Result<Value, DecodeError> {
        let mut stack: Vec<Frame> = Vec::new();
        let (root, open) = plain(self.item(Slot::Plain)?);
        stack.extend(open.map(Frame::new));
        loop {
            // A value inside MAX_DEPTH containers is refused before its key (the refusal vector
            // "objects nested past the depth limit: refused before the key").
            let deep = stack.len() >= MAX_DEPTH;
            let Some(top) = stack.last_mut() else {
                return Ok(root);
            };
            match self.fill(top, deep)? {
                Some(open) => push_in_place(&mut stack, || Frame::new(open)),
                None => {
                    let frame = stack.pop().expect("the stack has a top frame");
                    self.close(frame);
                }
            }
        }
    }

    fn too_deep(&self) -> DecodeError {
        self.r.error_at(self.r.pos, Kind::TooDeep)
    }

    /// Takes `count` items of `size` bytes from the structure budget (the value at `offset`
    /// asked for them), before anything is reserved for them.
    #[inline]
    fn charge(&mut self, offset: usize, count: usize, size: usize) -> Result<(), DecodeError> {
        match count
            .checked_mul(size)
            .and_then(|bytes| self.structure_budget.checked_sub(bytes))
        {
            Some(left) => {
                self.structure_budget = left;
                Ok(())
            }
            None => Err(self.r.error_at(
                offset,
                Kind::StructureTooLarge {
                    limit: self.structure_limit,
                },
            )),
        }
    }

    /// Reads values into `frame` until its body is done (`None`) or one of them opens a
    /// container (returned, with the reference to it already stored in `frame`).
    fn fill(&mut self, frame: &mut Frame, deep: bool) -> Result<Option<Open>, DecodeError> {
        let read = &mut frame.read;
        match &mut frame.body {
            Body::Object(entries) => self.fill_object(entries, read, frame.count, deep),
            Body::Shaped {
                entries,
                len,
                shape,
            } => self.fill_shaped(entries, len, *shape, read, frame.count, deep),
            Body::Array {
                elements,
                props,
                bare,
            } => self.fill_array(elements, props, *bare, read, &mut frame.count, deep),
            Body::Map { entries, key } => self.fill_map(entries, key, read, frame.count, deep),
            Body::Set(items) => self.fill_set(items, read, frame.count, deep),
            Body::Error(error) => self.fill_cause(error, read, frame.count, deep),
        }
    }

    /// The fast path of every value slot: a common value (see [`common_value`]) at `at`, handed
    /// to `store` and read past; false, with nothing read, for anything else. `store` writes the
    /// value where it goes before the string id is defined, so the value is not kept across
    /// that push.
    #[inline(always)]
    fn common_into(&mut self, at: usize, store: impl FnOnce(Value)) -> bool {
        match common_value(self.r.bytes, at, &self.strings, &self.built) {
            Some((value, end)) => {
                store(value);
                self.r.pos = end;
                self.common_defined(at);
                true
            }
            None => false,
        }
    }

    /// A `0x10` object's entries: a key, then a value.
    #[inline]
    fn fill_object(
        &mut self,
        entries: &mut Vec<(JsString, Value)>,
        read: &mut usize,
        count: usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        while *read < count {
            if deep {
                return Err(self.too_deep());
            }
            let entry = slot(entries, *read, count);
            *read += 1;
            // Straight from the bytes into the vector, for the most common entries.
            if let Some((key, at)) = short_ascii_value(self.r.bytes, self.r.pos) {
                if self.common_into(at, |value| *entry = (key, value)) {
                    continue;
                }
            }
            let key = self.text()?;
            let (value, open) = plain(self.item(Slot::Plain)?);
            *entry = (key, value);
            if open.is_some() {
                return Ok(open);
            }
        }
        Ok(None)
    }

    /// A shaped object's values, each under its shape's key; an absent marker skips a key.
    #[inline]
    fn fill_shaped(
        &mut self,
        entries: &mut Vec<(JsString, Value)>,
        len: &mut usize,
        shape: NodeId,
        read: &mut usize,
        count: usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        while *read < count {
            // Even an absent key counts (the refusal vector "absent entry of a shaped object
            // past the depth limit").
            if deep {
                return Err(self.too_deep());
            }
            let index = *read;
            *read += 1;
            if self.r.bytes.get(self.r.pos) == Some(&ABSENT) {
                // A getter deleted this key while the object was written.
                self.r.pos += 1;
                continue;
            }
            let entry = slot(entries, *len, count);
            *len += 1;
            // In place: a key cloned to the stack and then moved would stall on the clone's
            // narrow stores.
            self.shape_key_into(shape, index, &mut entry.0);
            if self.common_into(self.r.pos, |value| entry.1 = value) {
                continue;
            }
            let (value, open) = plain(self.item(Slot::Plain)?);
            entry.1 = value;
            if open.is_some() {
                return Ok(open);
            }
        }
        Ok(None)
    }

    /// An array's elements (holes allowed), then, unless it is bare, its property count and
    /// its non-index properties.
    #[inline]
    fn fill_array(
        &mut self,
        elements: &mut Vec<Option<Value>>,
        props: &mut Option<Vec<(JsString, Value)>>,
        bare: bool,
        read: &mut usize,
        count: &mut usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        loop {
            if *read == *count {
                if props.is_some() || bare {
                    return Ok(None);
                }
                let at = self.r.pos;
                let m = self.r.count(3, "array property count")?;
                self.charge(at, m, ENTRY_BYTES)?;
                *props = Some(Vec::with_capacity(m));
                (*read, *count) = (0, m);
                continue;
            }
            if deep {
                return Err(self.too_deep());
            }
            let open = match props {
                None => {
                    let element = slot(elements, *read, *count);
                    *read += 1;
                    if self.common_into(self.r.pos, |value| *element = Some(value)) {
                        continue;
                    }
                    match self.item(Slot::Element)? {
                        // The element is a hole already.
                        Item::Hole => None,
                        item => {
                            let (value, open) = plain(item);
                            *element = Some(value);
                            open
                        }
                    }
                }
                Some(props) => {
                    *read += 1;
                    let at = self.r.pos;
                    let key = self.text()?;
                    if key == "length" || key.as_str().is_some_and(is_index) {
                        return Err(self.r.error_at(at, Kind::IndexPropertyKey(key.to_string())));
                    }
                    let (value, open) = plain(self.item(Slot::Plain)?);
                    props.push((key, value));
                    open
                }
            };
            if open.is_some() {
                return Ok(open);
            }
        }
    }

    /// A map's entries: a key, then its value, each a value of its own.
    #[inline]
    fn fill_map(
        &mut self,
        entries: &mut Vec<(Value, Value)>,
        key: &mut Option<Value>,
        read: &mut usize,
        count: usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        while *read < count {
            if deep {
                return Err(self.too_deep());
            }
            let (value, open) = plain(self.item(Slot::Plain)?);
            match key.take() {
                None => *key = Some(value),
                Some(k) => {
                    entries.push((k, value));
                    *read += 1;
                }
            }
            if open.is_some() {
                return Ok(open);
            }
        }
        Ok(None)
    }

    /// A set's items.
    #[inline]
    fn fill_set(
        &mut self,
        items: &mut Vec<Value>,
        read: &mut usize,
        count: usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        while *read < count {
            if deep {
                return Err(self.too_deep());
            }
            *read += 1;
            let (value, open) = plain(self.item(Slot::Plain)?);
            items.push(value);
            if open.is_some() {
                return Ok(open);
            }
        }
        Ok(None)
    }

    /// An error's cause, or the marker saying it has none.
    #[inline]
    fn fill_cause(
        &mut self,
        error: &mut ErrorNode,
        read: &mut usize,
        count: usize,
        deep: bool,
    ) -> Result<Option<Open>, DecodeError> {
        if *read >= count {
            return Ok(None);
        }
        // An absent cause is no value, so it is allowed at the depth limit.
        if deep && self.r.bytes.get(self.r.pos) != Some(&ABSENT) {
            return Err(self.too_deep());
        }
        *read = 1;
        let (cause, open) = match self.item(Slot::Cause)? {
            Item::Absent => (None, None),
            item => {
                let (value, open) = plain(item);
                (Some(value), open)
            }
        };
        error.cause = cause;
        Ok(open)
    }

    /// Writes key `index` of the shape defined by object `shape` into `key`.
    #[inline]
    fn shape_key_into(&self, shape: NodeId, index: usize, key: &mut JsString) {
        // Shapes are only made of complete objects, and `index` is below their length.
        if let Node::Object(entries) = &self.nodes[shape.index()] {
            if let Some((source, _)) = entries.get(index) {
                key.clone_from(source);
            }
        }
    }

    /// Writes a finished container's node; a `0x10` object defines the next shape. Objects and
    /// arrays have placeholders of their kind (see `define`), so only their vectors are written:
    /// a whole node built on the stack and copied in would stall on its narrow stores.
    fn close(&mut self, frame: Frame) {
        let node = &mut self.nodes[frame.id.index()];
        match frame.body {
            Body::Object(entries) => {
                let key_bytes = entries.iter().map(|(key, _)| key_len(key)).sum();
                set_object(node, entries);
                self.shapes.push(Shape {
                    node: frame.id,
                    key_bytes,
                });
            }
            Body::Shaped {
                mut entries, len, ..
            } => {
                entries.truncate(len);
                set_object(node, entries);
            }
            Body::Array {
                elements, props, ..
            } => {
                let props = props.unwrap_or_default();
                match node {
                    Node::Array(array) => (array.elements, array.props) = (elements, props),
                    other => *other = Node::Array(Array { elements, props }),
                }
            }
            Body::Map { entries, .. } => *node = Node::Map(entries),
            Body::Set(items) => *node = Node::Set(items),
            Body::Error(error) => *node = Node::Error(error),
        }
    }

    /// Gives the next object id to a placeholder node, which the caller replaces once the
    /// object is read. The placeholder is made here, not passed in: a node built on the
    /// caller's stack and then copied would stall on its narrow stores.
    #[inline]
    fn define(&mut self, offset: usize) -> Result<NodeId, DecodeError> {
        self.define_as(offset, || Node::Object(Vec::new()))
    }

    /// [`Decoder::define`] with `placeholder`'s node, made in place (an array's is an empty
    /// array).
    #[inline(always)]
    fn define_as(
        &mut self,
        offset: usize,
        placeholder: impl FnOnce() -> Node,
    ) -> Result<NodeId, DecodeError> {
        let id = NodeId::from_index(self.nodes.len())
            .filter(|id| id.0 != u32::MAX)
            .ok_or_else(|| self.r.error_at(offset, Kind::TooManyObjects))?;
        self.charge(offset, 1, NODE_BYTES)?;
        push_in_place(&mut self.nodes, placeholder);
        Ok(id)
    }

    /// Reads one value in `slot`; a container is only opened (its body is left to `fill`).
    #[inline]
    fn item(&mut self, slot: Slot) -> Result<Item, DecodeError> {
        let at = self.r.pos;
        match common_value(self.r.bytes, at, &self.strings, &self.built) {
            Some((value, end)) => {
                self.r.pos = end;
                self.common_defined(at);
                Ok(Item::Value(value))
            }
            None => self.other_item(slot),
        }
    }

    /// After [`common_value`] read a value at `at`: a string defines the next string id. The
    /// caller stores the value first, so that it is not kept across the push.
    #[inline]
    fn common_defined(&mut self, at: usize) {
        if self.r.bytes.get(at) == Some(&STRING_UTF8) {
            self.strings.push(Defined::at(at));
        }
    }

    /// The general `item`: every tag, and every refusal.
    #[inline(never)]
    fn other_item(&mut self, slot: Slot) -> Result<Item, DecodeError> {
        let offset = self.r.pos;
        let tag = self.r.u8("a value")?;
        let open = |id, count, kind| Item::Open(Open { id, count, kind });
        Ok(match tag {
            UNDEFINED => Item::Value(Value::Undefined),
            NULL => Item::Value(Value::Null),
            FALSE => Item::Value(Value::Bool(false)),
            TRUE => Item::Value(Value::Bool(true)),
            INT32 => Item::Value(Value::Number(f64::from(i32::from_le_bytes(
                self.r.array("an int32")?,
            )))),
            FLOAT64 => Item::Value(Value::Number(self.r.f64("a float64")?)),
            FLOAT32 => Item::Value(Value::Number(self.r.f32("a float32")?)),
            BIGINT => Item::Value(Value::BigInt(self.bigint_body()?)),
            STRING_UTF8 | STRING_UTF16 => {
                let s = self.string_body(tag)?;
                // Even one equal to an earlier one (not canonical) defines its own id.
                if s.fits_utf16(MAX_ID_STRING) {
                    self.strings.push(Defined::at(offset));
                }
                Item::Value(Value::String(s))
            }
            STRING_REF => {
                let id = self.r.varint("a string id")?;
                Item::Value(Value::String(self.string_ref(offset, id)?))
            }
            SHORT_STRING_REF..SHORT_SHAPED_OBJECT => {
                let id = u64::from(tag - SHORT_STRING_REF);
                Item::Value(Value::String(self.string_ref(offset, id)?))
            }
            HOLE if slot == Slot::Element => Item::Hole,
            HOLE => return Err(self.r.error_at(offset, Kind::MisplacedHole)),
            ABSENT if slot == Slot::Cause => Item::Absent,
            ABSENT => return Err(self.r.error_at(offset, Kind::MisplacedAbsent)),
            OBJECT => {
                let id = self.define(offset)?;
                let left = self.r.count(3, "object property count")?;
                self.charge(offset, left, ENTRY_BYTES)?;
                open(id, left, OpenKind::Object)
            }
            SHAPED_OBJECT | SHORT_SHAPED_OBJECT.. => {
                let id = self.define(offset)?;
                let shape_id = match tag {
                    SHAPED_OBJECT => self.r.varint("a shape id")?,
                    short => u64::from(short - SHORT_SHAPED_OBJECT),
                };
                let (shape, count) = self.shape(offset, shape_id)?;
                self.charge(offset, count, ENTRY_BYTES)?;
                open(id, count, OpenKind::Shaped(shape))
            }
            ARRAY | BARE_ARRAY => {
                let id = self.define_as(offset, || Node::Array(Array::default()))?;
                let length = self.r.count(1, "array length")?;
                if length as u64 > u64::from(u32::MAX) {
                    return Err(self.r.error_at(offset, Kind::ArrayTooLong(length as u64)));
                }
                self.charge(offset, length, ELEMENT_BYTES)?;
                let bare = tag == BARE_ARRAY;
                open(id, length, OpenKind::Array { bare })
            }
            MAP => {
                let id = self.define(offset)?;
                let left = self.r.count(2, "Map size")?;
                self.charge(offset, left, PAIR_BYTES)?;
                open(id, left, OpenKind::Map)
            }
            SET => {
                let id = self.define(offset)?;
                let left = self.r.count(1, "Set size")?;
                self.charge(offset, left, ITEM_BYTES)?;
                open(id, left, OpenKind::Set)
            }
            ERROR => {
                let id = self.define(offset)?;
                let name = self.text()?;
                let name = name.as_str().map_or(ErrorName::Error, ErrorName::from_name);
                let message = self.optional_text()?;
                let trace = self.optional_text()?;
                let error = ErrorNode {
                    name,
                    message,
                    stack: trace,
                    cause: None,
                };
                open(id, 1, OpenKind::Error(Box::new(error)))
            }
            DATE => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::Date(self.r.f64("a Date")?);
                Item::Value(Value::Ref(id))
            }
            REGEXP => {
                let id = self.define(offset)?;
                let source = self.text()?;
                let flags = self.text()?;
                self.nodes[id.index()] = Node::RegExp { source, flags };
                Item::Value(Value::Ref(id))
            }
            ARRAY_BUFFER => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::ArrayBuffer(self.buffer_body()?);
                Item::Value(Value::Ref(id))
            }
            VIEW => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::View(self.view_body(offset)?);
                Item::Value(Value::Ref(id))
            }
            NUMBER_OBJECT => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::NumberObject(self.r.f64("a Number object")?);
                Item::Value(Value::Ref(id))
            }
            STRING_OBJECT => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::StringObject(self.text()?);
                Item::Value(Value::Ref(id))
            }
            BOOLEAN_OBJECT => {
                let id = self.define(offset)?;
                let at = self.r.pos;
                let b = match self.r.u8("a Boolean object")? {
                    0 => false,
                    1 => true,
                    other => return Err(self.r.error_at(at, Kind::BadBoolean(other))),
                };
                self.nodes[id.index()] = Node::BooleanObject(b);
                Item::Value(Value::Ref(id))
            }
            BIGINT_OBJECT => {
                let id = self.define(offset)?;
                self.nodes[id.index()] = Node::BigIntObject(self.bigint_body()?);
                Item::Value(Value::Ref(id))
            }
            BACK_REFERENCE => Item::Value(Value::Ref(self.back_reference(offset)?)),
            other => return Err(self.r.error_at(offset, Kind::UnknownTag(other))),
        })
    }

    /// Shape `id` of a shaped object (its tag at `offset`): the node defining the shape and its
    /// key count, refused when undefined, when the rest of the input cannot hold a byte per key,
    /// or when the key bytes it copies exceed the budget.
    fn shape(&mut self, offset: usize, id: u64) -> Result<(NodeId, usize), DecodeError> {
        let Some(&shape) = usize::try_from(id).ok().and_then(|i| self.shapes.get(i)) else {
            return Err(self.r.error_at(offset, Kind::UndefinedShape(id)));
        };
        let count = match &self.nodes[shape.node.index()] {
            Node::Object(entries) => entries.len(),
            _ => 0,
        };
        let left = self.r.remaining();
        if count > left {
            return Err(self.r.error_at(
                offset,
                Kind::CountExceedsInput {
                    what: "shape key count",
                    count: count as u64,
                    left,
                },
            ));
        }
        self.key_budget = self
            .key_budget
            .checked_sub(shape.key_bytes)
            .ok_or_else(|| self.r.error_at(offset, Kind::ShapeKeysTooLarge))?;
        Ok((shape.node, count))
    }

    /// The string of string id `id` (its tag at `offset`), refused when the id is undefined or
    /// when copying a heap-stored string would exceed the budget.
    fn string_ref(&mut self, offset: usize, id: u64) -> Result<JsString, DecodeError> {
        let Some(index) = usize::try_from(id).ok().filter(|&i| i < self.strings.len()) else {
            return Err(self.r.error_at(offset, Kind::UndefinedString(id)));
        };
        let s = match self.strings[index].get() {
            Ok(built) => self.built[built].clone(),
            Err(at) => {
                let end = self.r.pos;
                self.r.pos = at;
                // It was read once already, so this succeeds.
                let s = self.other_text();
                self.r.pos = end;
                let s = s?;
                self.strings[index] = Defined::built(self.built.len());
                self.built.push(s.clone());
                s
            }
        };
        if !s.is_inline() {
            self.key_budget = self
                .key_budget
                .checked_sub(key_len(&s))
                .ok_or_else(|| self.r.error_at(offset, Kind::StringCopiesTooLarge))?;
        }
        Ok(s)
    }

    fn back_reference(&mut self, offset: usize) -> Result<NodeId, DecodeError> {
        let id = self.r.varint("a back-reference")?;
        match usize::try_from(id) {
            Ok(index) if index < self.nodes.len() => Ok(NodeId(index as u32)),
            _ => Err(self.r.error_at(
                offset,
                Kind::BadBackReference {
                    id,
                    defined: self.nodes.len(),
                },
            )),
        }
    }

    fn view_body(&mut self, offset: usize) -> Result<View, DecodeError> {
        let kind_at = self.r.pos;
        let kind_byte = self.r.u8("a view's kind")?;
        let kind = ViewKind::from_byte(kind_byte)
            .ok_or_else(|| self.r.error_at(kind_at, Kind::UnknownViewKind(kind_byte)))?;
        let buffer_at = self.r.pos;
        let buffer = match self.r.u8("a view's buffer")? {
            ARRAY_BUFFER => {
                let id = self.define(buffer_at)?;
                self.nodes[id.index()] = Node::ArrayBuffer(self.buffer_body()?);
                id
            }
            BACK_REFERENCE => {
                let id = self.back_reference(buffer_at)?;
                if !matches!(self.nodes[id.index()], Node::ArrayBuffer(_)) {
                    return Err(self
                        .r
                        .error_at(buffer_at, Kind::NotAnArrayBuffer(u64::from(id.0))));
                }
                id
            }
            other => return Err(self.r.error_at(buffer_at, Kind::ExpectedArrayBuffer(other))),
        };
        let byte_offset = self.r.varint("a view's byte offset")?;
        let length = self.r.varint("a view's length")?;
        let buffer_length = match &self.nodes[buffer.index()] {
            Node::ArrayBuffer(bytes) => bytes.len(),
            _ => 0,
        };
        let out_of_range = || DecodeError {
            offset,
            kind: Kind::ViewOutOfRange {
                byte_offset,
                length,
                buffer_length,
            },
        };
        let size = kind.element_size() as u64;
        let end = length
            .checked_mul(size)
            .and_then(|bytes| bytes.checked_add(byte_offset))
            .ok_or_else(out_of_range)?;
        if end > buffer_length as u64 {
            return Err(out_of_range());
        }
        if byte_offset % size != 0 {
            return Err(self.r.error_at(
                offset,
                Kind::MisalignedView {
                    byte_offset,
                    element_size: kind.element_size(),
                },
            ));
        }
        Ok(View {
            kind,
            buffer,
            // Both fit: they are bounded by the buffer's length.
            byte_offset: byte_offset as usize,
            length: length as usize,
        })
    }

    fn buffer_body(&mut self) -> Result<Vec<u8>, DecodeError> {
        let n = self.r.count(1, "ArrayBuffer byte length")?;
        Ok(self.r.take(n, "an ArrayBuffer's bytes")?.to_vec())
    }

    fn bigint_body(&mut self) -> Result<BigInt, DecodeError> {
        let at = self.r.pos;
        let negative = match self.r.u8("a BigInt's sign")? {
            0 => false,
            1 => true,
            other => return Err(self.r.error_at(at, Kind::BadSign(other))),
        };
        let n = self.r.count(1, "BigInt byte length")?;
        let magnitude = self.r.take(n, "a BigInt's magnitude")?;
        Ok(BigInt::from_sign_magnitude(negative, magnitude))
    }

    /// A text: a `0x07` or `0x08` string where only one may stand (a key, an Error's name, a
    /// RegExp part, a String object's string). Texts take no string ids.
    #[inline]
    fn text(&mut self) -> Result<JsString, DecodeError> {
        match short_ascii_value(self.r.bytes, self.r.pos) {
            Some((s, end)) => {
                self.r.pos = end;
                Ok(s)
            }
            None => self.other_text(),
        }
    }

    /// The general `text`.
    #[inline(never)]
    fn other_text(&mut self) -> Result<JsString, DecodeError> {
        let offset = self.r.pos;
        match self.r.u8("a string")? {
            tag @ (STRING_UTF8 | STRING_UTF16) => self.string_body(tag),
            other => Err(self.r.error_at(offset, Kind::ExpectedString(other))),
        }
    }

    /// A text or `undefined` (an Error's message and stack).
    fn optional_text(&mut self) -> Result<Option<JsString>, DecodeError> {
        let offset = self.r.pos;
        match self.r.u8("a string or undefined")? {
            UNDEFINED => Ok(None),
            tag @ (STRING_UTF8 | STRING_UTF16) => self.string_body(tag).map(Some),
            other => Err(self
                .r
                .error_at(offset, Kind::ExpectedStringOrUndefined(other))),
        }
    }

    fn string_body(&mut self, tag: u8) -> Result<JsString, DecodeError> {
        if tag == STRING_UTF8 {
            let n = self.r.count(1, "string byte length")?;
            let start = self.r.pos;
            let bytes = self.r.take(n, "a string's bytes")?;
            match std::str::from_utf8(bytes) {
                Ok(s) => Ok(JsString::from(s)),
                Err(e) => Err(self.r.error_at(start + e.valid_up_to(), Kind::InvalidUtf8)),
            }
        } else {
            let count = self.r.count(2, "string UTF-16 length")?;
            let bytes = self.r.take(count * 2, "a string's code units")?;
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            Ok(JsString::from_utf16_vec(units))
        }
    }
}

/// Writes an object's entries into `node`, in place when it is an object already.
#[inline(always)]
fn set_object(node: &mut Node, entries: Vec<(JsString, Value)>) {
    match node {
        Node::Object(slot) => *slot = entries,
        other => *other = Node::Object(entries),
    }
}

/// Pushes `make()`, built in the vector's memory: a value built on the stack and then copied
/// in stalls on the narrow stores that built it. (`extend` reserves room before it calls.)
#[inline(always)]
fn push_in_place<T>(vec: &mut Vec<T>, make: impl FnOnce() -> T) {
    vec.extend(std::iter::once_with(make));
}

/// The slot for value `index` of the `count` an object or array holds, to be written in place:
/// pushing each value would build it on the stack and copy it, and the copy stalls on the narrow
/// stores that just built it. Placeholders are added as the body is read (doubling), so a count
/// the input does not fill costs no more than what was read.
#[inline]
fn slot<T: Default>(vec: &mut Vec<T>, index: usize, count: usize) -> &mut T {
    if index == vec.len() {
        let more = index.max(8).min(count - index);
        vec.resize_with(index + more, T::default);
    }
    &mut vec[index]
}

// The fast paths below read only what is valid and complete, and say where it ends; anything
// else (`None`) is left to the general path, which reads it again and reports any error.

/// An int32, float32, float64, boolean, short ASCII string, or string id below 128 (in either
/// form) naming an inline string built already, read as a value at `at`, and where it ends. Only values may be
/// read here, and the caller then calls `Decoder::common_defined`.
#[inline(always)]
fn common_value(
    bytes: &[u8],
    at: usize,
    strings: &[Defined],
    built: &[JsString],
) -> Option<(Value, usize)> {
    let body = at + 1;
    Some(match *bytes.get(at)? {
        INT32 => {
            let n = i32::from_le_bytes(bytes.get(body..body + 4)?.try_into().ok()?);
            (Value::Number(f64::from(n)), body + 4)
        }
        FLOAT32 => {
            let n = f32::from_le_bytes(bytes.get(body..body + 4)?.try_into().ok()?);
            (Value::Number(f64::from(n)), body + 4)
        }
        FLOAT64 => {
            let n = f64::from_le_bytes(bytes.get(body..body + 8)?.try_into().ok()?);
            (Value::Number(n), body + 8)
        }
        TRUE => (Value::Bool(true), body),
        FALSE => (Value::Bool(false), body),
        STRING_UTF8 => {
            let (s, end) = short_ascii_value(bytes, at)?;
            (Value::String(s), end)
        }
        STRING_REF => {
            let id = bytes.get(body).copied().filter(|&id| id < 0x80)?;
            (
                Value::String(built_inline(id, strings, built)?.clone()),
                body + 1,
            )
        }
        tag @ SHORT_STRING_REF..SHORT_SHAPED_OBJECT => {
            let id = tag - SHORT_STRING_REF;
            (
                Value::String(built_inline(id, strings, built)?.clone()),
                body,
            )
        }
        _ => return None,
    })
}

/// The string of string id `id` when it is built already and inline. The first use builds the
/// string, and copies of heap-stored ones are charged to the budget: both in `other_item`.
#[inline(always)]
fn built_inline<'b>(id: u8, strings: &[Defined], built: &'b [JsString]) -> Option<&'b JsString> {
    let s = built.get(strings.get(usize::from(id))?.get().ok()?)?;
    s.is_inline().then_some(s)
}

/// A `0x07` string at `at` whose body is short ASCII with a one-byte length, when the input
/// goes on for a whole window past its length byte; and where it ends.
#[inline]
fn short_ascii_value(bytes: &[u8], at: usize) -> Option<(JsString, usize)> {
    if bytes.get(at) != Some(&STRING_UTF8) {
        return None;
    }
    let len = usize::from(*bytes.get(at + 1)?);
    let window = bytes.get(at + 2..at + 26)?.try_into().ok()?;
    Some((JsString::from_ascii_prefix(window, len)?, at + 2 + len))
}

/// A key's length in bytes as stored (UTF-8, or two per code unit with a lone surrogate).
fn key_len(key: &JsString) -> usize {
    match key.utf8_bytes() {
        Some(bytes) => bytes.len(),
        None => key.as_lone_utf16().map_or(0, |units| units.len() * 2),
    }
}

/// True for an array index key: the canonical decimal form of 0 to 2^32 - 2.
pub(crate) fn is_index(key: &str) -> bool {
    let bytes = key.as_bytes();
    match bytes {
        [] => false,
        [d] => d.is_ascii_digit(),
        [b'0', ..] => false,
        _ => {
            bytes.len() <= 10
                && bytes.iter().all(u8::is_ascii_digit)
                && key.parse::<u64>().is_ok_and(|n| n < u64::from(u32::MAX))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn err(hex: &str) -> DecodeError {
        decode(&unhex(hex)).unwrap_err()
    }

    #[test]
    fn primitives_decode() {
        assert_eq!(decode(&unhex("01 04 feffffff")).unwrap(), Graph::from(-2));
        assert_eq!(
            decode(&unhex("01 06 01 02 0001")).unwrap(),
            Graph::from(BigInt::from(-256))
        );
        let lone = decode(&unhex("01 08 02 3d00 00dc")).unwrap();
        assert_eq!(
            lone.root().as_js_string().unwrap().to_utf16(),
            [0x3D, 0xDC00]
        );
    }

    #[test]
    fn non_canonical_forms_are_accepted_and_normalized() {
        // A well-formed 0x08 string becomes UTF-8, a float64 integer a number, a padded BigInt
        // normalized; re-encoding writes the canonical form.
        let g = decode(&unhex("01 08 01 6100")).unwrap();
        assert_eq!(g.root().as_str(), Some("a"));
        let g = decode(&unhex("01 06 01 02 0000")).unwrap();
        assert_eq!(g.root(), &Value::BigInt(BigInt::zero()));
        let g = decode(&unhex("01 07 80 00")).unwrap(); // non-minimal varint 0
        assert_eq!(g.root().as_str(), Some(""));
    }

    #[test]
    fn refusals_name_offset_and_kind() {
        assert_eq!(err("").kind, Kind::Truncated("the version byte"));
        assert_eq!(err("02 00").kind, Kind::UnsupportedVersion(2));
        assert_eq!(err("01").kind, Kind::Truncated("a value"));
        let e = err("01 10 01 07 01 61 42");
        assert_eq!((e.offset, e.kind), (6, Kind::UnknownTag(0x42)));
        let e = err("01 04 0000");
        assert_eq!(e.kind, Kind::Truncated("an int32"));
        let e = err("01 11 01 20 05 00");
        assert_eq!(e.offset, 3);
        assert_eq!(e.kind, Kind::BadBackReference { id: 5, defined: 1 });
        assert_eq!(err("01 0f").kind, Kind::MisplacedHole);
        assert_eq!(err("01 10 01 07 01 61 0f").kind, Kind::MisplacedHole);
        assert_eq!(err("01 0e").kind, Kind::MisplacedAbsent);
        assert_eq!(err("01 11 01 0e 00").kind, Kind::MisplacedAbsent);
        let e = err("01 07 02 c3 28");
        assert_eq!((e.offset, e.kind), (3, Kind::InvalidUtf8));
        let e = err("01 00 00");
        assert_eq!((e.offset, e.kind), (2, Kind::TrailingBytes(1)));
        let e = err("01 07 ffffffffffffffffff7f");
        assert_eq!((e.offset, e.kind), (2, Kind::VarintOverflow));
        let e = err("01 07 ffffffffffffffffff02");
        assert_eq!(e.kind, Kind::VarintOverflow);
        assert_eq!(err("01 10 01 04 00000000").kind, Kind::ExpectedString(0x04));
        assert_eq!(err("01 06 02 00").kind, Kind::BadSign(2));
        assert_eq!(err("01 1b 02").kind, Kind::BadBoolean(2));
        assert_eq!(
            err("01 18 07 01 45 04 00000000 00 0e").kind,
            Kind::ExpectedStringOrUndefined(0x04)
        );
    }

    /// A message of one `0x22` array of `length` elements, each the byte `element`.
    fn array_of(length: usize, element: u8) -> Vec<u8> {
        let mut bytes = vec![VERSION, BARE_ARRAY];
        let mut n = length;
        while n >= 0x80 {
            bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        bytes.push(n as u8);
        bytes.resize(bytes.len() + length, element);
        bytes
    }

    #[test]
    fn a_claim_of_64_million_holes_in_a_few_bytes_is_refused_before_allocating() {
        let claim = &array_of(64 << 20, HOLE)[..6];
        assert_eq!(
            decode(claim).unwrap_err(),
            DecodeError {
                offset: 2,
                kind: Kind::CountExceedsInput {
                    what: "array length",
                    count: 64 << 20,
                    left: 0
                }
            }
        );
    }

    #[test]
    fn a_message_of_64_million_holes_is_refused_before_its_elements_are_reserved() {
        // Each one-byte hole takes a 32-byte element: 2 GiB for these 64 MiB.
        let bytes = array_of(64 << 20, HOLE);
        let err = decode(&bytes).unwrap_err();
        let limit = STRUCTURE_BYTES_BASE + STRUCTURE_BYTES_PER_INPUT_BYTE * bytes.len();
        assert_eq!(
            err,
            DecodeError {
                offset: 1,
                kind: Kind::StructureTooLarge { limit }
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "at byte 1: decoded, the message's objects and elements would take more than \
                 {limit} bytes (64 MiB plus 16 per byte of input); send bulk data as an \
                 ArrayBuffer or typed array"
            )
        );
        // Within the bound, holes decode as before.
        let fits = array_of(1 << 20, HOLE);
        assert!(decode(&fits)
            .unwrap()
            .resolve(&Value::Ref(NodeId(0)))
            .is_some());
    }

    #[test]
    fn the_structure_budget_counts_nodes_elements_entries_and_items() {
        // One array node and ten elements.
        let ten = array_of(10, TRUE);
        let need = NODE_BYTES + 10 * ELEMENT_BYTES;
        assert!(decode_with_budgets(&ten, usize::MAX, need).is_ok());
        let short = decode_with_budgets(&ten, usize::MAX, need - 1).unwrap_err();
        assert_eq!(short.kind, Kind::StructureTooLarge { limit: need - 1 });
        // An empty object inside: one more node, refused at its tag.
        let nested = unhex("01 22 01 10 00");
        let need = 2 * NODE_BYTES + ELEMENT_BYTES;
        assert!(decode_with_budgets(&nested, usize::MAX, need).is_ok());
        let short = decode_with_budgets(&nested, usize::MAX, need - 1).unwrap_err();
        assert_eq!(short.offset, 3);
        // Map pairs, Set items and object entries.
        let map = unhex("01 14 01 00 00");
        assert!(decode_with_budgets(&map, usize::MAX, NODE_BYTES + PAIR_BYTES).is_ok());
        assert!(decode_with_budgets(&map, usize::MAX, NODE_BYTES + PAIR_BYTES - 1).is_err());
        let set = unhex("01 15 02 00 01");
        assert!(decode_with_budgets(&set, usize::MAX, NODE_BYTES + 2 * ITEM_BYTES).is_ok());
        assert!(decode_with_budgets(&set, usize::MAX, NODE_BYTES + 2 * ITEM_BYTES - 1).is_err());
        let object = unhex("01 10 01 07 01 61 00");
        assert!(decode_with_budgets(&object, usize::MAX, NODE_BYTES + ENTRY_BYTES).is_ok());
        assert!(decode_with_budgets(&object, usize::MAX, NODE_BYTES + ENTRY_BYTES - 1).is_err());
    }

    #[test]
    fn a_tree_of_small_objects_of_a_few_megabytes_decodes_within_the_budget() {
        // The benchmark's leaves, 16 to a group: about 29 structure bytes per input byte.
        let mut g = Graph::new();
        let groups: Vec<Value> = (0..10_000)
            .map(|_| {
                let leaves = (0..16)
                    .map(|_| {
                        let tags = g.array(vec!["a".into(), "bc".into()]);
                        g.object(vec![
                            ("id", 12345.into()),
                            ("name", "node-name".into()),
                            ("ok", true.into()),
                            ("ratio", 0.5.into()),
                            ("tags", tags),
                        ])
                    })
                    .collect();
                g.array(leaves)
            })
            .collect();
        let root = g.array(groups);
        let bytes = crate::encode(&g.with_root(root));
        assert!(bytes.len() > 2 << 20, "{} bytes", bytes.len());
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn counts_beyond_the_input_are_refused_before_allocating() {
        let e = err("01 07 ffffffffffffffff7f");
        assert_eq!(e.offset, 2);
        assert!(matches!(
            e.kind,
            Kind::CountExceedsInput {
                what: "string byte length",
                left: 0,
                ..
            }
        ));
        assert!(matches!(
            err("01 11 ffffffffffffffff7f").kind,
            Kind::CountExceedsInput { .. }
        ));
        assert!(matches!(
            err("01 08 ffffffffffffffff7f").kind,
            Kind::CountExceedsInput { .. }
        ));
        // Three properties need at least nine bytes.
        assert!(matches!(
            err("01 10 03 07 00 00 07 00 00").kind,
            Kind::CountExceedsInput {
                what: "object property count",
                count: 3,
                left: 6
            }
        ));
        assert!(decode(&unhex("01 10 03 07 00 00 07 00 00 07 00 00")).is_ok());
        assert_eq!(
            err("01 07 05 61").kind,
            Kind::CountExceedsInput {
                what: "string byte length",
                count: 5,
                left: 1
            }
        );
        assert_eq!(err("01 12 0000").kind, Kind::Truncated("a Date"));
        assert_eq!(err("01 12 0000").offset, 2);
        assert_eq!(err("01 07 80").offset, 2);
    }

    #[test]
    fn array_properties_may_not_be_indices() {
        assert!(decode(&unhex("01 11 00 01 07 01 78 00")).is_ok());
        for key in ["30", "6c656e677468", "34323934393637323934"] {
            let len = key.len() / 2;
            let e = err(&format!("01 11 00 01 07 {len:02x} {key} 00"));
            assert!(matches!(e.kind, Kind::IndexPropertyKey(_)), "{e}");
            assert_eq!(e.offset, 4);
        }
        // 2^32 - 1 and a leading zero are not indices.
        assert!(decode(&unhex("01 11 00 01 07 0a 34323934393637323935 00")).is_ok());
        assert!(decode(&unhex("01 11 00 01 07 02 3031 00")).is_ok());
    }

    #[test]
    fn views_are_checked_against_their_buffer() {
        // Uint16Array over 4 bytes at offset 2, length 2: ends at 6 > 4.
        let e = err("01 17 04 16 04 00000000 02 02");
        assert_eq!(e.offset, 1);
        assert!(matches!(
            e.kind,
            Kind::ViewOutOfRange {
                buffer_length: 4,
                ..
            }
        ));
        assert!(matches!(
            err("01 17 04 16 04 00000000 01 01").kind,
            Kind::MisalignedView { .. }
        ));
        assert_eq!(err("01 17 0d 16 00 00 00").kind, Kind::UnknownViewKind(13));
        assert_eq!(
            err("01 17 01 10 00 00 00").kind,
            Kind::ExpectedArrayBuffer(0x10)
        );
        // A back-reference to the array holding the view is not a buffer.
        assert_eq!(
            err("01 11 01 17 01 20 00 00 00 00").kind,
            Kind::NotAnArrayBuffer(0)
        );
        let e = err("01 17 08 16 00 00 ffffffffffffffff1f");
        assert!(matches!(e.kind, Kind::ViewOutOfRange { .. }));
    }

    #[test]
    fn two_views_share_one_buffer() {
        let g = decode(&unhex(
            "01 11 02 17 01 16 04 01020304 01 02 17 04 20 02 02 01 00",
        ))
        .unwrap();
        let (a, b) = match &g[NodeId(0)] {
            Node::Array(array) => (array.get(0).unwrap(), array.get(1).unwrap()),
            _ => panic!("root is an array"),
        };
        assert_eq!(g.bytes_of(a), Some(&[2, 3][..]));
        assert_eq!(g.bytes_of(b), Some(&[3, 4][..]));
    }

    #[test]
    fn cycles_and_error_causes() {
        let g = decode(&unhex("01 18 07 05 4572726f72 07 01 6d 00 20 00")).unwrap();
        match &g[NodeId(0)] {
            Node::Error(e) => {
                assert_eq!(e.message.as_ref().unwrap(), "m");
                assert_eq!(e.cause, Some(Value::Ref(NodeId(0))));
            }
            other => panic!("{other:?}"),
        }
        let g = decode(&unhex("01 18 07 03 466f6f 00 00 0e")).unwrap();
        assert!(
            matches!(&g[NodeId(0)], Node::Error(e) if e.name == ErrorName::Error && e.cause.is_none())
        );
    }

    #[test]
    fn array_holes_and_props() {
        let g = decode(&unhex("01 11 03 0f 00 0f 01 07 01 78 03")).unwrap();
        let array = g[NodeId(0)].as_array().unwrap();
        assert_eq!(array.len(), 3);
        assert!(array.is_hole(0) && !array.is_hole(1) && array.is_hole(2));
        assert_eq!(array.props[0].1, Value::Bool(true));
    }

    fn nested(n: usize, innermost: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x01];
        for _ in 0..n - 1 {
            bytes.extend([0x11, 0x01]);
        }
        bytes.extend(innermost);
        bytes.extend(std::iter::repeat_n(0x00, n - 1));
        bytes
    }

    #[test]
    fn depth_limit_refuses_values_inside_max_depth_containers() {
        // MAX_DEPTH - 1 arrays around a value, or MAX_DEPTH with the innermost empty: accepted.
        assert!(decode(&nested(MAX_DEPTH - 1, &[0x11, 0x01, 0x00, 0x00])).is_ok());
        assert!(decode(&nested(MAX_DEPTH, &[0x11, 0x00, 0x00])).is_ok());
        assert!(decode(&nested(MAX_DEPTH, &[0x10, 0x00])).is_ok());
        // A value inside MAX_DEPTH containers: refused where that value starts.
        let e = decode(&nested(MAX_DEPTH, &[0x11, 0x01, 0x00, 0x00])).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
        assert_eq!(e.offset, 1 + 2 * MAX_DEPTH);
        let e = decode(&nested(MAX_DEPTH, &[0x11, 0x01, 0x0f, 0x00])).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
        let e = decode(&nested(MAX_DEPTH + 1, &[0x11, 0x00, 0x00])).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
        // An Error without a cause at the limit has no value inside it; with one, it has.
        let error = |cause: u8| [0x18, 0x07, 0x01, 0x45, 0x00, 0x00, cause];
        assert!(decode(&nested(MAX_DEPTH, &error(0x0e))).is_ok());
        let e = decode(&nested(MAX_DEPTH, &error(0x00))).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
    }

    #[test]
    fn deep_input_decodes_on_a_small_stack() {
        let bytes = nested(MAX_DEPTH - 1, &[0x11, 0x01, 0x00, 0x00]);
        let graph = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || decode(&bytes).map(|g| g.len()))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(graph, Ok(MAX_DEPTH - 1));
    }

    fn object(g: &Graph, index: u32) -> &[(JsString, Value)] {
        match &g[NodeId(index)] {
            Node::Object(entries) => entries,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shaped_objects_decode_like_plain_ones_with_the_shape_keys() {
        let long = "01 11 02 10 02 07 01 61 04 01000000 07 01 62 03 1d 00 04 02000000 02 00";
        let short = "01 22 02 10 02 07 01 61 04 01000000 07 01 62 03 c0 04 02000000 02";
        let expected = [("a".into(), 2.into()), ("b".into(), false.into())];
        for bytes in [long, short] {
            let g = decode(&unhex(bytes)).unwrap();
            assert_eq!(object(&g, 2), expected);
            // Re-encoding gives the canonical bytes: shape 0 in its tag, an array without
            // properties as 0x22.
            assert_eq!(crate::encode(&g), unhex(short));
        }
    }

    #[test]
    fn shape_ids_follow_completion_order() {
        // [{a:{a:1}}, {a:2}, {b:3}] written with the inner object's shape 0 and the outer's 1.
        let bytes = "01 11 03 10 01 07 01 61 10 01 07 01 61 04 01000000 1d 01 04 02000000 \
                     10 01 07 01 62 04 03000000 00";
        let g = decode(&unhex(bytes)).unwrap();
        assert_eq!(object(&g, 3), [("a".into(), 2.into())]);
        // Shape 2 is {b}, from the last object; it is not defined while {b:3} is open.
        let e = err("01 10 01 07 01 62 1d 00 00");
        assert_eq!((e.offset, e.kind), (6, Kind::UndefinedShape(0)));
    }

    #[test]
    fn absent_entries_of_shaped_objects_are_missing_keys() {
        let g = decode(&unhex(
            "01 11 02 10 02 07 01 61 04 01000000 07 01 62 04 02000000 1d 00 0e 04 03000000 00",
        ))
        .unwrap();
        assert_eq!(object(&g, 2), [("b".into(), 3.into())]);
        let g = decode(&unhex("01 11 02 10 01 07 01 61 00 1d 00 0e 00")).unwrap();
        assert_eq!(object(&g, 2), []);
        // Elsewhere an absent marker is still refused, as in a plain object's value.
        assert_eq!(err("01 10 01 07 01 61 0e").kind, Kind::MisplacedAbsent);
    }

    #[test]
    fn undefined_shape_ids_are_refused_at_the_tag() {
        let e = err("01 1d 00 00");
        assert_eq!((e.offset, e.kind.clone()), (1, Kind::UndefinedShape(0)));
        assert_eq!(e.to_string(), "at byte 1: shape 0 is not defined");
        let e = err("01 11 02 10 00 1d ffffffffffffffffff01 00");
        assert_eq!((e.offset, e.kind), (5, Kind::UndefinedShape(u64::MAX)));
        // The empty object defines shape 0; shape 1 does not exist yet.
        assert_eq!(err("01 11 02 10 00 1d 01 00").kind, Kind::UndefinedShape(1));
        assert!(decode(&unhex("01 11 02 10 00 1d 00 00")).is_ok());
    }

    #[test]
    fn shaped_objects_need_a_byte_per_key_before_allocating() {
        let e = err("01 11 02 10 02 07 01 61 00 07 01 62 00 1d 00 00");
        assert_eq!(e.offset, 13);
        assert_eq!(
            e.kind,
            Kind::CountExceedsInput {
                what: "shape key count",
                count: 2,
                left: 1
            }
        );
    }

    #[test]
    fn shaped_objects_take_object_ids_and_back_references_reach_them() {
        // [{a:1}, {a: <itself>}, <the shaped object>]: array 0, {a:1} 1, the shaped object 2.
        let bytes = unhex("01 22 03 10 01 07 01 61 04 01000000 c0 20 02 20 02");
        let g = decode(&bytes).unwrap();
        assert_eq!(object(&g, 2), [("a".into(), Value::Ref(NodeId(2)))]);
        let array = g[NodeId(0)].as_array().unwrap();
        assert_eq!(array.get(2), Some(&Value::Ref(NodeId(2))));
        assert_eq!(crate::encode(&g), bytes);
    }

    #[test]
    fn shaped_objects_count_for_depth_like_plain_ones() {
        // In an array, shape 0 ({a}) and a shaped object inside `depth - 1` containers.
        let shaped = |depth: usize, entry: &[u8]| {
            let mut bytes = unhex("01 11 02 10 01 07 01 61 00");
            for _ in 0..depth - 2 {
                bytes.extend([0x11, 0x01]);
            }
            bytes.extend([0x1d, 0x00]);
            bytes.extend(entry);
            bytes.extend(std::iter::repeat_n(0x00, depth - 1));
            bytes
        };
        assert!(decode(&shaped(MAX_DEPTH - 1, &[0x00])).is_ok());
        // Inside MAX_DEPTH containers: refused, even an absent entry (as the refusal vectors
        // have it for both decoders).
        let e = decode(&shaped(MAX_DEPTH, &[0x00])).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
        let e = decode(&shaped(MAX_DEPTH, &[0x0e])).unwrap_err();
        assert_eq!(e.kind, Kind::TooDeep);
    }

    #[test]
    fn duplicate_keys_of_a_shape_are_kept_as_written() {
        let bytes = unhex("01 22 02 10 02 07 01 61 04 01000000 07 01 61 00 c0 04 02000000 03");
        let g = decode(&bytes).unwrap();
        assert_eq!(
            object(&g, 2),
            [("a".into(), 2.into()), ("a".into(), true.into())]
        );
        assert_eq!(crate::encode(&g), bytes);
    }

    /// A root array of the `n` elements in `elements`, and the same with a 32-byte ArrayBuffer
    /// after them: the fast paths need 24 bytes ahead, so only the second takes them.
    fn arrays(n: u8, elements: &str) -> [Vec<u8>; 2] {
        let padding = "00".repeat(32);
        [
            unhex(&format!("01 22 {n:02x} {elements}")),
            unhex(&format!("01 22 {:02x} {elements} 16 20 {padding}", n + 1)),
        ]
    }

    fn element(g: &Graph, index: usize) -> &Value {
        g[NodeId(0)].as_array().unwrap().get(index).unwrap()
    }

    #[test]
    fn float32_numbers_decode_and_re_encode_canonically() {
        let g = decode(&unhex("01 09 0000003f")).unwrap();
        assert_eq!(g.root(), &Value::Number(0.5));
        let g = decode(&unhex("01 09 00000080")).unwrap();
        assert!(matches!(g.root(), Value::Number(n) if *n == 0.0 && n.is_sign_negative()));
        // A float64 that float32 holds is written as float32 again, a float32 NaN as the
        // canonical float64 NaN.
        let g = decode(&unhex("01 05 000000000000e03f")).unwrap();
        assert_eq!(crate::encode(&g), unhex("01 09 0000003f"));
        let g = decode(&unhex("01 09 0100c0ff")).unwrap();
        assert!(matches!(g.root(), Value::Number(n) if n.is_nan()));
        assert_eq!(crate::encode(&g), unhex("01 05 000000000000f87f"));
        for bytes in arrays(2, "09 0000c03f 09 000080ff") {
            let g = decode(&bytes).unwrap();
            assert_eq!(element(&g, 0), &Value::Number(1.5));
            assert_eq!(element(&g, 1), &Value::Number(f64::NEG_INFINITY));
            assert_eq!(crate::encode(&g), bytes);
        }
        let e = err("01 09 0000");
        assert_eq!((e.offset, e.kind), (2, Kind::Truncated("a float32")));
    }

    #[test]
    fn repeated_string_values_decode_by_id() {
        for bytes in arrays(3, "07 01 61 80 80") {
            let g = decode(&bytes).unwrap();
            for i in 0..3 {
                assert_eq!(element(&g, i).as_str(), Some("a"));
            }
            assert_eq!(crate::encode(&g), bytes);
        }
    }

    #[test]
    fn short_ids_and_bare_arrays_read_like_their_long_forms() {
        // ["a", "a", {b: 1}, {b: 2}, [], [3]]: string id 0 and shape 0 in both forms.
        let long = decode(&unhex(
            "01 11 06 07 01 61 21 00 10 01 07 01 62 04 01000000 1d 00 04 02000000 \
             11 00 00 11 01 04 03000000 00 00",
        ))
        .unwrap();
        let short = unhex(
            "01 22 06 07 01 61 80 10 01 07 01 62 04 01000000 c0 04 02000000 \
             22 00 22 01 04 03000000",
        );
        assert_eq!(decode(&short).unwrap(), long);
        assert_eq!(crate::encode(&long), short);
        // Undefined ids are refused at the tag, as in the long forms.
        let e = err("01 22 02 07 01 61 81");
        assert_eq!((e.offset, e.kind), (6, Kind::UndefinedString(1)));
        let e = err("01 22 02 10 00 c1");
        assert_eq!((e.offset, e.kind), (5, Kind::UndefinedShape(1)));
        // A 0x22 array has no property count: a byte after its elements is not one.
        let e = err("01 22 00 00");
        assert_eq!((e.offset, e.kind), (3, Kind::TrailingBytes(1)));
    }

    #[test]
    fn undefined_string_ids_are_refused_at_the_tag() {
        let e = err("01 21 00");
        assert_eq!((e.offset, e.kind.clone()), (1, Kind::UndefinedString(0)));
        assert_eq!(e.to_string(), "at byte 1: string id 0 is not defined");
        let e = err("01 11 02 07 01 61 21 ffffffffffffffffff01 00");
        assert_eq!((e.offset, e.kind), (6, Kind::UndefinedString(u64::MAX)));
        // "a" defines string id 0; id 1 does not exist yet.
        for bytes in arrays(2, "07 01 61 21 01") {
            let e = decode(&bytes).unwrap_err();
            assert_eq!((e.offset, e.kind), (6, Kind::UndefinedString(1)));
        }
        assert!(decode(&unhex("01 11 02 07 01 61 21 00 00")).is_ok());
        assert_eq!(err("01 21").kind, Kind::Truncated("a string id"));
    }

    #[test]
    fn keys_and_texts_define_no_string_ids() {
        // Each case ends with `21 00`, refused: the string before it is no value.
        let cases = [
            (2, "10 01 07 01 61 03 21 00"),                        // object key
            (3, "10 01 07 01 61 03 1d 00 03 21 00"),               // shape key
            (2, "11 00 01 07 01 61 03 21 00"),                     // array property key
            (2, "18 07 05 4572726f72 07 01 6d 07 01 73 0e 21 00"), // Error name, message, stack
            (2, "13 07 01 72 07 01 67 21 00"),                     // RegExp source and flags
            (2, "1a 07 01 73 21 00"),                              // String object
        ];
        for (n, elements) in cases {
            let at = 3 + unhex(elements).len() - 2;
            for bytes in arrays(n, elements) {
                let e = decode(&bytes).unwrap_err();
                assert_eq!(
                    (e.offset, e.kind),
                    (at, Kind::UndefinedString(0)),
                    "{elements}"
                );
            }
        }
        // The value of the pair does define one.
        for bytes in arrays(2, "10 01 07 01 61 07 01 62 21 00") {
            let g = decode(&bytes).unwrap();
            assert_eq!(element(&g, 1).as_str(), Some("b"));
        }
    }

    #[test]
    fn string_ids_in_key_positions_are_refused() {
        let e = err("01 11 02 07 01 61 10 01 21 00 03 00");
        assert_eq!((e.offset, e.kind), (8, Kind::ExpectedString(0x21)));
        let e = err("01 11 02 07 01 61 11 00 01 21 00 03 00");
        assert_eq!((e.offset, e.kind), (9, Kind::ExpectedString(0x21)));
        let e = err("01 11 02 07 01 61 18 21 00 00 00 0e 00");
        assert_eq!((e.offset, e.kind), (7, Kind::ExpectedString(0x21)));
        let e = err("01 11 02 07 01 61 18 07 01 45 21 00 00 0e 00");
        assert_eq!(
            (e.offset, e.kind),
            (10, Kind::ExpectedStringOrUndefined(0x21))
        );
    }

    #[test]
    fn non_canonical_repeated_literals_define_their_own_ids() {
        for bytes in arrays(4, "07 01 61 07 01 61 21 01 21 00") {
            let g = decode(&bytes).unwrap();
            for i in 0..4 {
                assert_eq!(element(&g, i).as_str(), Some("a"));
            }
            // Re-encoding writes the one literal.
            let canonical = crate::encode(&g);
            assert_eq!(&canonical[3..9], unhex("07 01 61 80 80 80"));
        }
        assert_eq!(
            err("01 11 03 07 01 61 07 01 61 21 02 00").kind,
            Kind::UndefinedString(2)
        );
    }

    #[test]
    fn string_ids_follow_reading_order_in_every_value_slot() {
        // [{k: "a"}, {k: "b"} (shaped), Map {"c" => "b"}, Set {"c"}, Error with cause "a",
        //  ["c", hole] with x: "d", "d"].
        let elements = "10 01 07 01 6b 07 01 61  c0 07 01 62  14 01 07 01 63 81  \
                        15 01 82  18 07 05 4572726f72 00 00 80  \
                        11 02 82 0f 01 07 01 78 07 01 64  83";
        for bytes in arrays(7, elements) {
            let g = decode(&bytes).unwrap();
            assert_eq!(object(&g, 2), [("k".into(), "b".into())]);
            assert_eq!(g[NodeId(3)], Node::Map(vec![("c".into(), "b".into())]));
            assert_eq!(g[NodeId(4)], Node::Set(vec!["c".into()]));
            assert!(matches!(&g[NodeId(5)], Node::Error(e) if e.cause == Some("a".into())));
            let array = g[NodeId(6)].as_array().unwrap();
            assert_eq!(array.get(0).and_then(Value::as_str), Some("c"));
            assert_eq!(array.props, [("x".into(), "d".into())]);
            assert_eq!(element(&g, 6).as_str(), Some("d"));
            assert_eq!(crate::encode(&g), bytes);
        }
    }

    #[test]
    fn copies_of_heap_stored_strings_are_charged_to_the_budget() {
        // 23 bytes are stored on the heap: two copies need 46 bytes of budget.
        let long = "78".repeat(23);
        let bytes = unhex(&format!("01 11 03 07 17 {long} 21 00 21 00 00"));
        assert!(decode_with_budget(&bytes, 46).is_ok());
        let e = decode_with_budget(&bytes, 45).unwrap_err();
        assert_eq!((e.offset, e.kind.clone()), (30, Kind::StringCopiesTooLarge));
        assert_eq!(
            e.to_string(),
            "at byte 30: string ids repeat more string bytes than the message size allows"
        );
        // 22 bytes are inline: copies cost nothing.
        let short = "78".repeat(22);
        let bytes = unhex(&format!("01 11 03 07 16 {short} 21 00 21 00 00"));
        assert!(decode_with_budget(&bytes, 0).is_ok());
        // A lone surrogate string costs two bytes a code unit.
        let bytes = unhex("01 11 02 08 01 00d8 21 00 00");
        assert!(decode_with_budget(&bytes, 2).is_ok());
        assert_eq!(
            decode_with_budget(&bytes, 1).unwrap_err().kind,
            Kind::StringCopiesTooLarge
        );
    }

    #[test]
    fn index_keys() {
        for k in ["0", "9", "10", "4294967294"] {
            assert!(is_index(k), "{k}");
        }
        for k in ["", "01", "-1", "4294967295", "1e3", "99999999999", "a"] {
            assert!(!is_index(k), "{k}");
        }
    }
}
