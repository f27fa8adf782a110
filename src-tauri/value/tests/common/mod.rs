//! proptest strategies shared by the property tests: arbitrary graphs, cycles and shared
//! references included.

#![allow(dead_code)]

use ferrolens_value::{
    Array, BigInt, ErrorName, ErrorNode, Graph, JsString, Node, NodeId, Value, View, ViewKind,
};
use proptest::prelude::*;

/// A JavaScript string: well-formed, or raw UTF-16 that may hold lone surrogates.
pub fn js_string() -> impl Strategy<Value = JsString> {
    prop_oneof![
        3 => "[a-z]{0,4}".prop_map(JsString::from),
        1 => any::<String>().prop_map(JsString::from),
        // Around the 64 UTF-16 units a string id allows.
        1 => "[a\u{e9}\u{ff61}\u{1f600}]{30,66}".prop_map(JsString::from),
        1 => prop::collection::vec(
            prop_oneof![any::<u16>(), 0xD800u16..0xE000],
            0..4
        )
        .prop_map(|units| JsString::from_utf16(&units)),
    ]
}

pub fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<i32>().prop_map(f64::from),
        any::<f64>(),
        any::<f32>().prop_map(f64::from),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(2f64.powi(31)),
        Just(-(2f64.powi(31))),
    ]
}

pub fn bigint() -> impl Strategy<Value = BigInt> {
    (any::<bool>(), prop::collection::vec(any::<u8>(), 0..20))
        .prop_map(|(neg, mag)| BigInt::from_sign_magnitude(neg, mag))
}

/// A value; `Ref(i)` is resolved modulo the node count.
#[derive(Debug, Clone)]
pub enum V {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    BigInt(BigInt),
    String(JsString),
    Ref(usize),
}

pub fn v() -> impl Strategy<Value = V> {
    prop_oneof![
        1 => Just(V::Undefined),
        1 => Just(V::Null),
        1 => any::<bool>().prop_map(V::Bool),
        1 => number().prop_map(V::Number),
        1 => bigint().prop_map(V::BigInt),
        1 => js_string().prop_map(V::String),
        4 => any::<usize>().prop_map(V::Ref),
    ]
}

#[derive(Debug, Clone)]
pub enum N {
    Object(Vec<(JsString, V)>),
    Array(Vec<Option<V>>, Vec<(String, V)>),
    Date(f64),
    RegExp(JsString, JsString),
    Map(Vec<(V, V)>),
    Set(Vec<V>),
    Buffer(Vec<u8>),
    View(u8, usize, usize, usize),
    Error(usize, Option<JsString>, Option<JsString>, Option<V>),
    NumberObject(f64),
    StringObject(JsString),
    BooleanObject(bool),
    BigIntObject(BigInt),
}

fn small<S: Strategy>(s: S) -> impl Strategy<Value = Vec<S::Value>> {
    prop::collection::vec(s, 0..4)
}

pub fn n() -> impl Strategy<Value = N> {
    prop_oneof![
        3 => small((js_string(), v())).prop_map(N::Object),
        3 => (small(prop::option::weighted(0.8, v())), small(("[a-z]{1,3}", v())))
            .prop_map(|(e, p)| N::Array(e, p)),
        1 => number().prop_map(N::Date),
        1 => (js_string(), "[dgimsuyv]{0,3}".prop_map(JsString::from))
            .prop_map(|(s, f)| N::RegExp(s, f)),
        2 => small((v(), v())).prop_map(N::Map),
        2 => small(v()).prop_map(N::Set),
        1 => prop::collection::vec(any::<u8>(), 0..24).prop_map(N::Buffer),
        2 => (0u8..13, any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(k, b, o, l)| N::View(k, b, o, l)),
        1 => (
            0usize..7,
            prop::option::of(js_string()),
            prop::option::of(js_string()),
            prop::option::of(v())
        )
            .prop_map(|(n, m, s, c)| N::Error(n, m, s, c)),
        1 => number().prop_map(N::NumberObject),
        1 => js_string().prop_map(N::StringObject),
        1 => any::<bool>().prop_map(N::BooleanObject),
        1 => bigint().prop_map(N::BigIntObject),
    ]
}

fn resolve(v: V, count: usize) -> Value {
    match v {
        V::Undefined => Value::Undefined,
        V::Null => Value::Null,
        V::Bool(b) => Value::Bool(b),
        V::Number(n) => Value::Number(n),
        V::BigInt(n) => Value::BigInt(n),
        V::String(s) => Value::String(s),
        V::Ref(_) if count == 0 => Value::Null,
        V::Ref(i) => Value::Ref(NodeId::from_index(i % count).unwrap()),
    }
}

/// Builds a valid graph from specs: views pick an `ArrayBuffer` node and an aligned range that
/// fits (a view with no buffer to pick becomes an empty buffer).
pub fn build(nodes: Vec<N>, root: V) -> Graph {
    let count = nodes.len();
    let r = |v: V| resolve(v, count);
    let buffers: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            N::Buffer(b) => Some((i, b.len())),
            _ => None,
        })
        .collect();
    let built: Vec<Node> = nodes
        .into_iter()
        .map(|n| match n {
            N::Object(e) => Node::Object(e.into_iter().map(|(k, v)| (k, r(v))).collect()),
            N::Array(e, p) => Node::Array(Array {
                elements: e.into_iter().map(|v| v.map(r)).collect(),
                props: p.into_iter().map(|(k, v)| (k.into(), r(v))).collect(),
            }),
            N::Date(t) => Node::Date(t),
            N::RegExp(source, flags) => Node::RegExp { source, flags },
            N::Map(e) => Node::Map(e.into_iter().map(|(k, v)| (r(k), r(v))).collect()),
            N::Set(e) => Node::Set(e.into_iter().map(r).collect()),
            N::Buffer(b) => Node::ArrayBuffer(b),
            N::View(kind, b, o, l) => {
                if buffers.is_empty() {
                    return Node::ArrayBuffer(Vec::new());
                }
                let kind = ViewKind::from_byte(kind).unwrap();
                let (buffer, len) = buffers[b % buffers.len()];
                let size = kind.element_size();
                let max = len / size;
                let length = l % (max + 1);
                let offset = o % (max - length + 1);
                Node::View(View {
                    kind,
                    buffer: NodeId::from_index(buffer).unwrap(),
                    byte_offset: offset * size,
                    length,
                })
            }
            N::Error(name, message, stack, cause) => Node::Error(Box::new(ErrorNode {
                name: ErrorName::ALL[name],
                message,
                stack,
                cause: cause.map(r),
            })),
            N::NumberObject(n) => Node::NumberObject(n),
            N::StringObject(s) => Node::StringObject(s),
            N::BooleanObject(b) => Node::BooleanObject(b),
            N::BigIntObject(n) => Node::BigIntObject(n),
        })
        .collect();
    Graph::from_parts(built, r(root))
}

pub fn graph() -> impl Strategy<Value = Graph> {
    (prop::collection::vec(n(), 0..12), v()).prop_map(|(nodes, root)| build(nodes, root))
}

/// `FERROLENS_FUZZ_CASES`, or `default`.
pub fn fuzz_cases(default: u32) -> u32 {
    std::env::var("FERROLENS_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
