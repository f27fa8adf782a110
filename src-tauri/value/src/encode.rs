//! The encoder: [`Graph`] to wire format v1 bytes.
//!
//! It walks the graph with an explicit stack (no recursion), giving each object its wire id
//! when its tag is written, so any depth up to [`MAX_DEPTH`](crate::MAX_DEPTH) encodes without
//! stack growth.
//!
//! Shapes: each `0x10` object defines the next shape id when its body is complete (its exit
//! task runs). A later non-empty object with the same key list is written as a shaped object
//! (`0xC0 | id` below 64, else `0x1D id`) with the lowest such id: a hash map from key lists to
//! their first shape id finds it.
//!
//! String ids: each string value of at most [`MAX_ID_STRING`] UTF-16 code units written as a
//! literal defines the next string id; a later equal string value is written `0x80 | id` (below
//! 64) or `0x21 id`. Keys
//! and other texts go through [`Encoder::string`] and neither define nor use ids.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use crate::decode::is_index;
use crate::tags::*;
use crate::{BigInt, EncodeError, Graph, JsString, Node, NodeId, Value, MAX_DEPTH};

/// Encodes a graph as one message (version byte, then the root value).
///
/// # Panics
/// When the graph breaks an invariant ([`try_encode`] says which). Graphs built with
/// [`Graph`]'s builders, [`to_graph`](crate::to_graph), [`decode`](crate::decode) or from
/// JSON never do, unless a node id from another graph is used or a view is built that does not
/// fit its buffer.
pub fn encode(graph: &Graph) -> Vec<u8> {
    match try_encode(graph) {
        Ok(bytes) => bytes,
        Err(err) => panic!("cannot encode an invalid graph: {err}"),
    }
}

/// Encodes a graph as one message, or says why the graph cannot be written: a reference to a
/// missing node, a view over something that is not an `ArrayBuffer`, a view that does not fit
/// or is misaligned, or more than [`MAX_DEPTH`] nested containers.
pub fn try_encode(graph: &Graph) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(64);
    out.push(VERSION);
    Encoder {
        graph,
        out: &mut out,
        ids: vec![u32::MAX; graph.len()],
        next_id: 0,
        depth: 0,
        shapes: FxHashMap::default(),
        recent: [None; RECENT_SHAPES],
        next_shape: 0,
        strings: FxHashMap::default(),
        recent_strings: [None; RECENT_STRINGS],
    }
    .run(graph.root())?;
    Ok(out)
}

enum Task<'g> {
    Value(&'g Value),
    Key(&'g JsString),
    Hole,
    Count(usize),
    /// Leaves a container.
    Exit,
    /// Leaves a `0x10` object, which then defines a shape with these keys.
    ExitObject(&'g [(JsString, Value)]),
}

/// An object's key list, as a map key: hashed and compared by the keys alone, in order.
#[derive(Clone, Copy)]
struct Keys<'g>(&'g [(JsString, Value)]);

impl Hash for Keys<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for (key, _) in self.0 {
            Text(key).hash(state);
            // Ends each key, so ["ab"] and ["a", "b"] hash apart.
            state.write_u8(0xFF);
        }
    }
}

impl PartialEq for Keys<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(other.0).all(|(a, b)| a.0 == b.0)
    }
}

impl Eq for Keys<'_> {}

/// A string as a map key, hashed by its stored form: cheaper than `JsString`'s hash, and equal
/// strings have equal representations.
#[derive(Clone, Copy)]
struct Text<'g>(&'g JsString);

impl Hash for Text<'_> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.0.utf8_bytes() {
            Some(bytes) => state.write(bytes),
            None => self.0.as_lone_utf16().unwrap_or_default().hash(state),
        }
    }
}

impl PartialEq for Text<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Text<'_> {}

/// Key counts below this have a [`Encoder::recent`] slot.
const RECENT_SHAPES: usize = 16;

/// UTF-8 lengths below this have a [`Encoder::recent_strings`] slot.
const RECENT_STRINGS: usize = 16;

struct Encoder<'g, 'o> {
    graph: &'g Graph,
    out: &'o mut Vec<u8>,
    /// Wire id of each node, `u32::MAX` until written.
    ids: Vec<u32>,
    next_id: u32,
    depth: usize,
    /// The lowest shape id of each non-empty key list defined so far.
    shapes: FxHashMap<Keys<'g>, u32>,
    /// The shape last found or defined, by key count: objects of one kind usually come in a
    /// row, and comparing their keys costs less than hashing them.
    recent: [Option<(Keys<'g>, u32)>; RECENT_SHAPES],
    /// The id the next completed `0x10` object defines.
    next_shape: u32,
    /// The string id of each short string value written so far (ids count up from 0, so the
    /// next one is the map's length).
    strings: FxHashMap<Text<'g>, u32>,
    /// The string value last found or defined, by UTF-8 length: values of one field usually
    /// repeat a few strings, and comparing costs less than hashing.
    recent_strings: [Option<(&'g JsString, u32)>; RECENT_STRINGS],
}

impl<'g> Encoder<'g, '_> {
    fn run(&mut self, root: &'g Value) -> Result<(), EncodeError> {
        let mut tasks = vec![Task::Value(root)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Value(value) => self.value(value, &mut tasks)?,
                Task::Key(key) => self.string(key),
                Task::Hole => self.out.push(HOLE),
                Task::Count(n) => self.varint(n as u64),
                Task::Exit => self.depth -= 1,
                Task::ExitObject(entries) => {
                    self.depth -= 1;
                    self.define_shape(entries);
                }
            }
        }
        Ok(())
    }

    fn value(&mut self, value: &'g Value, tasks: &mut Vec<Task<'g>>) -> Result<(), EncodeError> {
        match value {
            Value::Undefined => self.out.push(UNDEFINED),
            Value::Null => self.out.push(NULL),
            Value::Bool(false) => self.out.push(FALSE),
            Value::Bool(true) => self.out.push(TRUE),
            Value::Number(n) => self.number(*n),
            Value::BigInt(n) => {
                self.out.push(BIGINT);
                self.bigint_body(n);
            }
            Value::String(s) => self.string_value(s),
            Value::Ref(id) => self.reference(*id, tasks)?,
        }
        Ok(())
    }

    fn reference(&mut self, id: NodeId, tasks: &mut Vec<Task<'g>>) -> Result<(), EncodeError> {
        let graph = self.graph;
        let node = graph.node(id).ok_or(EncodeError::DanglingReference(id))?;
        let wire = self.ids[id.index()];
        if wire != u32::MAX {
            self.out.push(BACK_REFERENCE);
            self.varint(u64::from(wire));
            return Ok(());
        }
        self.assign(id);
        match node {
            Node::Object(entries) => {
                let shape = if entries.is_empty() {
                    None
                } else {
                    self.find_shape(Keys(entries))
                };
                if let Some(shape) = shape {
                    if shape < SHORT_IDS {
                        self.out.push(SHORT_SHAPED_OBJECT | shape as u8);
                    } else {
                        self.out.push(SHAPED_OBJECT);
                        self.varint(u64::from(shape));
                    }
                    self.enter(true, Task::Exit, tasks)?;
                    tasks.extend(entries.iter().rev().map(|(_, value)| Task::Value(value)));
                } else {
                    self.out.push(OBJECT);
                    self.varint(entries.len() as u64);
                    self.enter(!entries.is_empty(), Task::ExitObject(entries), tasks)?;
                    for (key, value) in entries.iter().rev() {
                        tasks.push(Task::Value(value));
                        tasks.push(Task::Key(key));
                    }
                }
            }
            Node::Array(array) => {
                if array
                    .props
                    .iter()
                    .any(|(k, _)| *k == "length" || k.as_str().is_some_and(is_index))
                {
                    return Err(EncodeError::ArrayIndexProperty(id));
                }
                let bare = array.props.is_empty();
                self.out.push(if bare { BARE_ARRAY } else { ARRAY });
                self.varint(array.elements.len() as u64);
                self.enter(!(array.elements.is_empty() && bare), Task::Exit, tasks)?;
                if !bare {
                    for (key, value) in array.props.iter().rev() {
                        tasks.push(Task::Value(value));
                        tasks.push(Task::Key(key));
                    }
                    tasks.push(Task::Count(array.props.len()));
                }
                for element in array.elements.iter().rev() {
                    tasks.push(match element {
                        Some(value) => Task::Value(value),
                        None => Task::Hole,
                    });
                }
            }
            Node::Date(time) => {
                self.out.push(DATE);
                self.f64(*time);
            }
            Node::RegExp { source, flags } => {
                self.out.push(REGEXP);
                self.string(source);
                self.string(flags);
            }
            Node::Map(entries) => {
                self.out.push(MAP);
                self.varint(entries.len() as u64);
                self.enter(!entries.is_empty(), Task::Exit, tasks)?;
                for (key, value) in entries.iter().rev() {
                    tasks.push(Task::Value(value));
                    tasks.push(Task::Value(key));
                }
            }
            Node::Set(items) => {
                self.out.push(SET);
                self.varint(items.len() as u64);
                self.enter(!items.is_empty(), Task::Exit, tasks)?;
                tasks.extend(items.iter().rev().map(Task::Value));
            }
            Node::ArrayBuffer(bytes) => {
                self.out.push(ARRAY_BUFFER);
                self.varint(bytes.len() as u64);
                self.buffer_bytes(bytes);
            }
            Node::View(view) => {
                let buffer = match graph.node(view.buffer) {
                    Some(Node::ArrayBuffer(bytes)) => bytes,
                    Some(_) => return Err(EncodeError::ViewBufferNotArrayBuffer(id)),
                    None => return Err(EncodeError::DanglingReference(view.buffer)),
                };
                match view.byte_range() {
                    Some(range) if range.end <= buffer.len() => {}
                    _ => return Err(EncodeError::ViewOutOfRange(id)),
                }
                if view.byte_offset % view.kind.element_size() != 0 {
                    return Err(EncodeError::MisalignedView(id));
                }
                self.out.push(VIEW);
                self.out.push(view.kind.as_byte());
                let wire = self.ids[view.buffer.index()];
                if wire != u32::MAX {
                    self.out.push(BACK_REFERENCE);
                    self.varint(u64::from(wire));
                } else {
                    self.assign(view.buffer);
                    self.out.push(ARRAY_BUFFER);
                    self.varint(buffer.len() as u64);
                    self.buffer_bytes(buffer);
                }
                self.varint(view.byte_offset as u64);
                self.varint(view.length as u64);
            }
            Node::Error(error) => {
                self.out.push(ERROR);
                self.string_str(error.name.as_str());
                for part in [&error.message, &error.stack] {
                    match part {
                        Some(s) => self.string(s),
                        None => self.out.push(UNDEFINED),
                    }
                }
                self.enter(error.cause.is_some(), Task::Exit, tasks)?;
                match &error.cause {
                    Some(cause) => tasks.push(Task::Value(cause)),
                    None => self.out.push(ABSENT),
                }
            }
            Node::NumberObject(n) => {
                self.out.push(NUMBER_OBJECT);
                self.f64(*n);
            }
            Node::StringObject(s) => {
                self.out.push(STRING_OBJECT);
                self.string(s);
            }
            Node::BooleanObject(b) => {
                self.out.push(BOOLEAN_OBJECT);
                self.out.push(u8::from(*b));
            }
            Node::BigIntObject(n) => {
                self.out.push(BIGINT_OBJECT);
                self.bigint_body(n);
            }
        }
        Ok(())
    }

    fn assign(&mut self, id: NodeId) {
        self.ids[id.index()] = self.next_id;
        self.next_id += 1;
    }

    /// Opens a container and schedules leaving it (`exit`, after its values); refuses when its
    /// values would be inside [`MAX_DEPTH`] containers, which both decoders refuse (the depth
    /// cases of `tests/vectors/refusals.json`; `tests/vectors/rust-vectors.json` holds the
    /// deepest graph written).
    fn enter(
        &mut self,
        has_values: bool,
        exit: Task<'g>,
        tasks: &mut Vec<Task<'g>>,
    ) -> Result<(), EncodeError> {
        if has_values && self.depth + 1 >= MAX_DEPTH {
            return Err(EncodeError::TooDeep);
        }
        self.depth += 1;
        tasks.push(exit);
        Ok(())
    }

    /// The lowest shape id with these keys, if one is defined.
    fn find_shape(&mut self, keys: Keys<'g>) -> Option<u32> {
        if let Some(Some((recent, id))) = self.recent.get(keys.0.len()) {
            if *recent == keys {
                return Some(*id);
            }
        }
        let id = self.shapes.get(&keys).copied()?;
        self.remember(keys, id);
        Some(id)
    }

    fn remember(&mut self, keys: Keys<'g>, id: u32) {
        if let Some(slot) = self.recent.get_mut(keys.0.len()) {
            *slot = Some((keys, id));
        }
    }

    /// A `0x10` object's body is complete: it defines the next shape id. An equal key list
    /// defined earlier keeps its lower id; an empty one is never looked up.
    fn define_shape(&mut self, entries: &'g [(JsString, Value)]) {
        let id = self.next_shape;
        self.next_shape += 1;
        if !entries.is_empty() {
            let keys = Keys(entries);
            let lowest = *self.shapes.entry(keys).or_insert(id);
            if lowest == id {
                self.remember(keys, id);
            }
        }
    }

    /// A number value: int32, else float32 when it holds `n` exactly, else float64.
    fn number(&mut self, n: f64) {
        if is_int32(n) {
            self.out.push(INT32);
            self.out.extend_from_slice(&(n as i32).to_le_bytes());
        } else if is_float32(n) {
            self.out.push(FLOAT32);
            self.out.extend_from_slice(&(n as f32).to_le_bytes());
        } else {
            self.out.push(FLOAT64);
            self.f64(n);
        }
    }

    /// Writes a float64; every NaN as `0x7FF8000000000000`, so the bytes of a value are the same
    /// on both sides (the NaN cases of `tests/vectors/rust-vectors.json`).
    fn f64(&mut self, n: f64) {
        let n = if n.is_nan() { f64::NAN } else { n };
        self.out.extend_from_slice(&n.to_le_bytes());
    }

    fn bigint_body(&mut self, n: &BigInt) {
        self.out.push(u8::from(n.is_negative()));
        self.varint(n.magnitude_le().len() as u64);
        self.out.extend_from_slice(n.magnitude_le());
    }

    /// A string where a value goes: its id when an equal one has one, else the string,
    /// which defines the next id when it is short enough.
    #[inline]
    fn string_value(&mut self, s: &'g JsString) {
        let slot = s.utf8_bytes().map_or(RECENT_STRINGS, <[u8]>::len);
        if let Some(Some((recent, id))) = self.recent_strings.get(slot) {
            if *recent == s {
                let id = *id;
                return self.string_ref(id);
            }
        }
        if s.fits_utf16(MAX_ID_STRING) {
            let next = self.strings.len() as u32;
            let id = *self.strings.entry(Text(s)).or_insert(next);
            if let Some(recent) = self.recent_strings.get_mut(slot) {
                *recent = Some((s, id));
            }
            if id != next {
                return self.string_ref(id);
            }
        }
        self.string(s);
    }

    fn string_ref(&mut self, id: u32) {
        if id < SHORT_IDS {
            self.out.push(SHORT_STRING_REF | id as u8);
        } else {
            self.out.push(STRING_REF);
            self.varint(u64::from(id));
        }
    }

    /// A string written out: a text (key, Error part, RegExp part, String object) or a value.
    fn string(&mut self, s: &JsString) {
        match s.utf8_bytes() {
            Some(bytes) => self.string_utf8(bytes),
            None => {
                let units = s.as_lone_utf16().unwrap_or_default();
                self.out.push(STRING_UTF16);
                self.varint(units.len() as u64);
                self.out.reserve(units.len() * 2);
                for unit in units {
                    self.out.extend_from_slice(&unit.to_le_bytes());
                }
            }
        }
    }

    fn string_str(&mut self, s: &str) {
        self.string_utf8(s.as_bytes());
    }

    fn string_utf8(&mut self, bytes: &[u8]) {
        self.out.push(STRING_UTF8);
        self.varint(bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }

    /// An `ArrayBuffer`'s bytes, with room for a view's offset and length after them: growing
    /// the message past a large buffer would move the whole message again.
    fn buffer_bytes(&mut self, bytes: &[u8]) {
        self.out.reserve(bytes.len() + 2 * 10);
        self.out.extend_from_slice(bytes);
    }

    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.out.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }
}

/// True for the numbers float32 holds exactly; never NaN (which always takes `0x05`).
fn is_float32(n: f64) -> bool {
    f64::from(n as f32) == n
}

/// True for numbers tag `0x04` carries: integers in the i32 range, except `-0`.
fn is_int32(n: f64) -> bool {
    // The cast saturates (NaN to 0), so only values it keeps exactly come back equal.
    f64::from(n as i32) == n && !(n == 0.0 && n.is_sign_negative())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Array, ErrorName, ErrorNode, ViewKind};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn enc(g: &Graph) -> String {
        hex(&encode(g))
    }

    #[test]
    fn primitives() {
        assert_eq!(enc(&Graph::from(())), "0100");
        assert_eq!(enc(&Graph::from(Value::Null)), "0101");
        assert_eq!(enc(&Graph::from(false)), "0102");
        assert_eq!(enc(&Graph::from(true)), "0103");
        assert_eq!(enc(&Graph::from(-2)), "0104feffffff");
        assert_eq!(enc(&Graph::from(0.5)), "01090000003f");
        assert_eq!(enc(&Graph::from(0.1)), "01059a9999999999b93f");
        assert_eq!(enc(&Graph::from("hé")), "01070368c3a9");
        assert_eq!(
            enc(&Graph::from(JsString::from_utf16(&[0xD800]))),
            "01080100d8"
        );
    }

    #[test]
    fn numbers_choose_int32_only_for_exact_i32_values() {
        assert!(is_int32(0.0));
        assert!(!is_int32(-0.0));
        assert!(is_int32(f64::from(i32::MIN)));
        assert!(!is_int32(f64::from(i32::MAX) + 1.0));
        assert!(!is_int32(f64::NAN));
        assert!(!is_int32(f64::INFINITY));
        assert!(!is_int32(1.5));
        assert_eq!(enc(&Graph::from(-0.0)), "010900000080");
    }

    #[test]
    fn float32_exact_numbers_are_written_in_four_bytes_and_others_in_eight() {
        let cases = [
            (1.5, "090000c03f"),
            (2f64.powi(100), "0900008071"),
            (2f64.powi(31), "090000004f"),
            (f64::from(f32::MAX), "09ffff7f7f"),
            (2f64.powi(-149), "0901000000"),
            // Integers in the i32 range stay int32, even those float32 cannot hold.
            (16_777_217.0, "0401000001"),
            (0.1, "059a9999999999b93f"),
            // Halfway between 0 and the least float32: rounds to 0, so not exact.
            (2f64.powi(-150), "050000000000009036"),
            (2f64.powi(31) + 1.0, "05000020000000e041"),
            (1e300, "059c7500883ce4377e"),
        ];
        for (n, hex) in cases {
            assert_eq!(enc(&Graph::from(n)), format!("01{hex}"), "{n}");
        }
    }

    #[test]
    fn negative_zero_and_infinities_are_float32_and_nan_is_float64() {
        assert_eq!(enc(&Graph::from(-0.0)), "010900000080");
        assert_eq!(enc(&Graph::from(f64::INFINITY)), "01090000807f");
        assert_eq!(enc(&Graph::from(f64::NEG_INFINITY)), "0109000080ff");
        // A float32 NaN widened is still NaN: the canonical float64 one.
        assert_eq!(
            enc(&Graph::from(f64::from(f32::NAN))),
            "0105000000000000f87f"
        );
    }

    #[test]
    fn dates_and_number_objects_keep_float64() {
        let mut g = Graph::new();
        let date = g.add_value(Node::Date(0.5));
        let number = g.add_value(Node::NumberObject(0.5));
        let root = g.array(vec![date, number]);
        g.set_root(root);
        assert_eq!(
            enc(&g),
            "012202 12000000000000e03f 19000000000000e03f".replace(' ', "")
        );
    }

    #[test]
    fn repeated_string_values_are_written_by_id() {
        let root = ["a", "b", "a", "b", "a"].map(Value::from).to_vec();
        let mut g = Graph::new();
        let root = g.array(root);
        g.set_root(root);
        assert_eq!(enc(&g), "012205 070161 070162 80 81 80".replace(' ', ""));
        assert_eq!(crate::decode(&encode(&g)).unwrap(), g);
    }

    #[test]
    fn keys_and_texts_take_no_string_ids() {
        // [{a: 1}, "a", new String("s"), "s", /r/g, "g", "a"]: only the values define ids.
        let mut g = Graph::new();
        let object = one(&mut g, "a", 1);
        let string = g.add_value(Node::StringObject("s".into()));
        let regexp = g.add_value(Node::RegExp {
            source: "r".into(),
            flags: "g".into(),
        });
        let root = g.array(vec![
            object,
            "a".into(),
            string,
            "s".into(),
            regexp,
            "g".into(),
            "a".into(),
        ]);
        g.set_root(root);
        assert_eq!(
            enc(&g),
            "012207 1001070161 0401000000 070161 1a070173 070173 13070172070167 070167 80"
                .replace(' ', "")
        );
    }

    /// A string value literal as hex: `0x07` and UTF-8, or `0x08` and UTF-16.
    fn literal(s: &JsString) -> String {
        enc(&Graph::from(s.clone()))[2..].to_owned()
    }

    #[test]
    fn strings_over_64_utf16_units_never_take_ids() {
        let lone = |n: usize| {
            let mut units = vec![0x61; n];
            units[0] = 0xD800;
            JsString::from_utf16(&units)
        };
        let cases = [
            (JsString::from("x".repeat(64)), true),
            (JsString::from("x".repeat(65)), false),
            // 128 bytes, 64 units; 132 bytes, 66 units.
            (JsString::from("😀".repeat(32)), true),
            (JsString::from("😀".repeat(33)), false),
            // 192 bytes, 64 units.
            (JsString::from("\u{FF61}".repeat(64)), true),
            (lone(64), true),
            (lone(65), false),
        ];
        let mut expected = String::from("01220e");
        let mut next_id = 0;
        let mut items = Vec::new();
        for (s, takes_id) in cases {
            expected.push_str(&literal(&s));
            if takes_id {
                expected.push_str(&format!("{:02x}", 0x80 + next_id));
                next_id += 1;
            } else {
                expected.push_str(&literal(&s));
            }
            items.extend([Value::String(s.clone()), Value::String(s)]);
        }
        let mut g = Graph::new();
        let root = g.array(items);
        g.set_root(root);
        assert_eq!(enc(&g), expected);
        assert_eq!(crate::decode(&encode(&g)).unwrap(), g);
    }

    #[test]
    fn string_ids_follow_write_order_across_containers() {
        // [Map {"k" => "v"}, [["v", "c"]], Error("k", {cause: "k"}), Set {"c"}] with x: "v".
        let mut g = Graph::new();
        let map = g.add_value(Node::Map(vec![("k".into(), "v".into())]));
        let pair = g.array(vec!["v".into(), "c".into()]);
        let nested = g.array(vec![pair]);
        let mut error = ErrorNode::new(ErrorName::Error, "k");
        error.cause = Some("k".into());
        let error = g.error(error);
        let set = g.add_value(Node::Set(vec!["c".into()]));
        let array = Array {
            elements: vec![Some(map), Some(nested), Some(error), Some(set)],
            props: vec![("x".into(), "v".into())],
        };
        let root = g.add_value(Node::Array(array));
        g.set_root(root);
        // "k" is id 0 (the Map key), "v" 1, "c" 2; the Error's message is a text.
        let expected = "011104 1401 07016b 070176 2201 2202 81 070163 \
             18 07054572726f72 07016b 00 80 1501 82 01 070178 81";
        assert_eq!(enc(&g), expected.replace([' ', '\\', '\n'], ""));
        assert_eq!(crate::decode(&encode(&g)).unwrap(), g);
    }

    #[test]
    fn bigints_write_sign_and_magnitude() {
        assert_eq!(enc(&Graph::from(BigInt::zero())), "01060000");
        assert_eq!(enc(&Graph::from(BigInt::from(-256))), "010601020001");
    }

    #[test]
    fn shared_objects_become_back_references_with_ids_in_tag_order() {
        let mut g = Graph::new();
        let inner = g.object(Vec::<(&str, Value)>::new());
        let root = g.array(vec![inner.clone(), inner]);
        g.set_root(root);
        // array is id 0, inner object id 1, then a back-reference to 1.
        assert_eq!(enc(&g), "01220210002001");
    }

    #[test]
    fn cycles_refer_back_to_the_open_object() {
        let mut g = Graph::new();
        let obj = g.object(Vec::<(&str, Value)>::new());
        g.insert(&obj, "self", obj.clone());
        g.set_root(obj);
        assert_eq!(enc(&g), "011001070473656c662000");
    }

    #[test]
    fn arrays_write_holes_and_props() {
        let mut g = Graph::new();
        let array = Array {
            elements: vec![Some(1.into()), None],
            props: vec![("x".into(), true.into())],
        };
        let root = g.add_value(Node::Array(array));
        g.set_root(root);
        assert_eq!(enc(&g), "01110204010000000f0107017803");
    }

    #[test]
    fn views_share_their_buffer() {
        let mut g = Graph::new();
        let buffer = g.add(Node::ArrayBuffer(vec![1, 2, 3, 4]));
        let a = g.view(ViewKind::Uint8Array, buffer, 1, 2);
        let b = g.view(ViewKind::Uint16Array, buffer, 2, 1);
        let root = g.array(vec![a, b]);
        g.set_root(root);
        // [0x22 len2] [view id1: kind1, buffer id2 (4 bytes), off 1, len 2] [view id3: kind4, ref 2, off 2, len 1]
        assert_eq!(enc(&g), "01220217011604010203040102170420020201");
    }

    #[test]
    fn a_large_buffer_is_written_once_into_a_message_of_its_size() {
        let mut g = Graph::new();
        let view = g.uint8_array(vec![7; 1 << 20]);
        let root = g.array(vec![view]);
        g.set_root(root);
        let bytes = encode(&g);
        assert_eq!(bytes.len(), (1 << 20) + 13);
        // No growth after the bytes: the view's offset and length fit in the room reserved.
        assert!(bytes.capacity() < bytes.len() + 64, "{}", bytes.capacity());
    }

    #[test]
    fn errors_write_name_message_stack_and_cause() {
        let mut g = Graph::new();
        let err = g.error(ErrorNode::new(ErrorName::TypeError, "m"));
        g.set_root(err);
        assert_eq!(enc(&g), "01180709547970654572726f7207016d000e");
    }

    #[test]
    fn invalid_graphs_are_refused() {
        let g = Graph::from(Value::Ref(NodeId(3)));
        assert_eq!(
            try_encode(&g),
            Err(EncodeError::DanglingReference(NodeId(3)))
        );
        let mut g = Graph::new();
        let buffer = g.add(Node::ArrayBuffer(vec![0; 4]));
        let v = g.view(ViewKind::Uint32Array, buffer, 0, 2);
        g.set_root(v.clone());
        assert!(matches!(
            try_encode(&g),
            Err(EncodeError::ViewOutOfRange(_))
        ));
        let v = g.view(ViewKind::Uint16Array, buffer, 1, 1);
        g.set_root(v);
        assert!(matches!(
            try_encode(&g),
            Err(EncodeError::MisalignedView(_))
        ));
        let not_buffer = g.add(Node::Set(vec![]));
        let v = g.view(ViewKind::DataView, not_buffer, 0, 0);
        g.set_root(v);
        assert!(matches!(
            try_encode(&g),
            Err(EncodeError::ViewBufferNotArrayBuffer(_))
        ));
    }

    #[test]
    fn depth_is_limited_without_stack_growth() {
        // MAX_DEPTH arrays, the innermost empty: fine. Anything inside it: refused.
        let mut g = Graph::new();
        let mut inner = g.array(vec![]);
        for _ in 1..MAX_DEPTH {
            inner = g.array(vec![inner]);
        }
        g.set_root(inner.clone());
        let bytes = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn({
                let g = g.clone();
                move || try_encode(&g).map(|b| b.len())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(bytes, Ok(1 + 2 * MAX_DEPTH));
        let outer = g.array(vec![inner]);
        g.set_root(outer);
        assert_eq!(try_encode(&g), Err(EncodeError::TooDeep));
    }

    #[test]
    fn nan_is_written_canonically() {
        let odd_nan = f64::from_bits(0xFFF0_0000_0000_0001);
        assert!(odd_nan.is_nan());
        assert_eq!(enc(&Graph::from(odd_nan)), "0105000000000000f87f");
    }

    /// An object of one key and an int32 value.
    fn one(g: &mut Graph, key: &str, n: i32) -> Value {
        g.object(vec![(key, n.into())])
    }

    #[test]
    fn same_keyed_objects_after_the_first_are_written_with_its_shape() {
        let mut g = Graph::new();
        let items = vec![
            one(&mut g, "a", 1),
            one(&mut g, "a", 2),
            one(&mut g, "a", 3),
        ];
        let root = g.array(items);
        g.set_root(root);
        assert_eq!(
            enc(&g),
            "012203 1001070161 0401000000 c0 0402000000 c0 0403000000".replace(' ', "")
        );
    }

    #[test]
    fn shapes_count_in_completion_order_and_the_lowest_equal_one_is_used() {
        // [{b:1}, {a:{a:1}}, {a:2}]: {b} is shape 0, the inner {a} completes first (1), then
        // the outer {a} (2); {a:2} takes the lowest of the two.
        let mut g = Graph::new();
        let b = one(&mut g, "b", 1);
        let inner = one(&mut g, "a", 1);
        let outer = g.object(vec![("a", inner)]);
        let last = one(&mut g, "a", 2);
        let root = g.array(vec![b, outer, last]);
        g.set_root(root);
        assert_eq!(
            enc(&g),
            "012203 1001070162 0401000000 1001070161 1001070161 0401000000 c1 0402000000"
                .replace(' ', "")
        );
    }

    #[test]
    fn empty_objects_define_shapes_but_are_never_shaped() {
        let mut g = Graph::new();
        let e1 = g.object(Vec::<(&str, Value)>::new());
        let e2 = g.object(Vec::<(&str, Value)>::new());
        let a1 = one(&mut g, "a", 1);
        let a2 = one(&mut g, "a", 2);
        let root = g.array(vec![e1, e2, a1, a2]);
        g.set_root(root);
        // {} and {} are shapes 0 and 1, {a:1} shape 2.
        assert_eq!(
            enc(&g),
            "012204 1000 1000 1001070161 0401000000 c2 0402000000".replace(' ', "")
        );
    }

    #[test]
    fn shaped_objects_define_no_shape_and_key_order_matters() {
        // [{a:1}, {a:2}, {b:1}, {b:2}, {a:1, b:2}, {b:1, a:2}]: the shaped {a:2} takes no id,
        // so {b:1} is shape 1; reordered keys are another shape.
        let mut g = Graph::new();
        let mut items = vec![
            one(&mut g, "a", 1),
            one(&mut g, "a", 2),
            one(&mut g, "b", 1),
            one(&mut g, "b", 2),
        ];
        items.push(g.object(vec![("a", 1.into()), ("b", 2.into())]));
        items.push(g.object(vec![("b", 1.into()), ("a", 2.into())]));
        let root = g.array(items);
        g.set_root(root);
        let expected = "012206 1001070161 0401000000 c0 0402000000 1001070162 0401000000 \
             c1 0402000000 1002070161 0401000000 070162 0402000000 \
             1002070162 0401000000 070161 0402000000";
        assert_eq!(enc(&g), expected.replace([' ', '\\', '\n'], ""));
    }

    #[test]
    fn shaped_objects_take_object_ids_at_their_tag() {
        // [{a:1}, {a: <itself>}, <the second again>]: array 0, {a:1} 1, the shaped object 2.
        let mut g = Graph::new();
        let first = one(&mut g, "a", 1);
        let second = g.object(Vec::<(&str, Value)>::new());
        g.insert(&second, "a", second.clone());
        let root = g.array(vec![first, second.clone(), second]);
        g.set_root(root);
        assert_eq!(
            enc(&g),
            "012203 1001070161 0401000000 c0 2002 2002".replace(' ', "")
        );
    }

    #[test]
    fn array_properties_and_maps_define_no_shape() {
        let mut g = Graph::new();
        let array = Array {
            elements: vec![],
            props: vec![("a".into(), 1.into())],
        };
        let array = g.add_value(Node::Array(array));
        let map = g.add_value(Node::Map(vec![("a".into(), 1.into())]));
        let a1 = one(&mut g, "a", 1);
        let a2 = one(&mut g, "a", 2);
        let root = g.array(vec![array, map, a1, a2]);
        g.set_root(root);
        // Neither the array nor the Map is a shape: {a:2} uses shape 0, {a:1}.
        assert_eq!(
            enc(&g),
            "012204 1100 01070161 0401000000 1401 070161 0401000000 1001070161 0401000000 \
             c0 0402000000"
                .replace([' ', '\\', '\n'], "")
        );
    }

    #[test]
    fn shaped_objects_round_trip() {
        // Rows of one shape, nested rows, a reordered row, a lone surrogate key, a shared row.
        let mut g = Graph::new();
        let lone = JsString::from_utf16(&[0xD800]);
        let mut rows = Vec::new();
        for i in 0..20 {
            let child = g.object(vec![("id", i.into()), ("name", format!("n{i}").into())]);
            let odd = g.object(vec![(lone.clone(), Value::Null)]);
            rows.push(g.object(vec![
                ("id", i.into()),
                ("name", "x".into()),
                ("child", child),
                ("odd", odd),
            ]));
        }
        rows.push(g.object(vec![("name", "y".into()), ("id", 1.into())]));
        rows.push(rows[3].clone());
        let root = g.array(rows);
        g.set_root(root);
        let bytes = encode(&g);
        // Each key list is written once.
        let child = b"child";
        assert_eq!(bytes.windows(5).filter(|w| w == child).count(), 1);
        let back = crate::decode(&bytes).unwrap();
        assert_eq!(back, g);
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn array_properties_that_are_indices_are_refused() {
        let mut g = Graph::new();
        let array = Array {
            elements: vec![],
            props: vec![("0".into(), Value::Null)],
        };
        let root = g.add_value(Node::Array(array));
        g.set_root(root);
        assert!(matches!(
            try_encode(&g),
            Err(EncodeError::ArrayIndexProperty(_))
        ));
    }
}
