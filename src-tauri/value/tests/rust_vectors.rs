//! The Rust-written vectors (`tests/vectors/rust-vectors.json`): values built in Rust (with the
//! graph builders and with serde), their encodings, and a JavaScript expression for each value,
//! which `tests/js/codec-vectors.test.mjs` compares with what the JavaScript decoder makes of the
//! bytes (and re-encodes byte-identically). This test checks that the committed file is what the
//! encoder writes today; `FERROLENS_WRITE_VECTORS=1 cargo test -p ferrolens-value --test
//! rust_vectors` rewrites it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ferrolens_value::{
    decode, to_graph, try_encode, Array, BigInt, ErrorName, ErrorNode, Graph, JsString, Node,
    Value, ViewKind,
};
use serde::Serialize;

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/rust-vectors.json")
}

/// One vector: its name, the value Rust builds, and the same value as a JavaScript expression.
struct Case {
    name: &'static str,
    graph: Graph,
    js: &'static str,
    /// What the JavaScript encoder writes for the decoded value, when a JavaScript value cannot
    /// hold what Rust built (a `Map` keyed by `-0`, a RegExp source with an unescaped `/`).
    js_hex: Option<&'static str>,
}

fn case(name: &'static str, graph: Graph, js: &'static str) -> Case {
    Case {
        name,
        graph,
        js,
        js_hex: None,
    }
}

impl Case {
    fn js_writes(mut self, hex: &'static str) -> Self {
        self.js_hex = Some(hex);
        self
    }
}

fn root(value: impl Into<Value>) -> Graph {
    Graph::new().with_root(value)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Note {
    title: String,
    tags: Vec<String>,
    word_count: u64,
    pinned: Option<bool>,
    state: State,
    #[serde(with = "serde_bytes")]
    thumbnail: Vec<u8>,
}

#[derive(Serialize)]
enum State {
    Draft,
    #[allow(dead_code)]
    Published,
}

#[derive(Serialize)]
enum Shape {
    Circle { radius: f64 },
}

#[derive(Serialize)]
struct Row {
    id: u32,
    label: &'static str,
}

fn serde_cases() -> Vec<Case> {
    let note = Note {
        title: "Hi".into(),
        tags: vec!["a".into(), "b".into()],
        word_count: u64::MAX,
        pinned: None,
        state: State::Draft,
        thumbnail: vec![1, 2, 3],
    };
    let mut pairs = BTreeMap::new();
    pairs.insert((1, 2), "pair key");
    let mut words = BTreeMap::new();
    words.insert("b".to_string(), 2u8);
    words.insert("a".to_string(), 1u8);
    let mut by_number = BTreeMap::new();
    by_number.insert(10u32, "ten");
    by_number.insert(2u32, "two");
    let rows: Vec<Row> = (0..3).map(|id| Row { id, label: "row" }).collect();
    vec![
        case(
            "serde struct",
            to_graph(&note).unwrap(),
            r#"({ title: "Hi", tags: ["a", "b"], wordCount: 18446744073709551615n, pinned: null, state: "Draft", thumbnail: new Uint8Array([1, 2, 3]) })"#,
        ),
        case(
            "serde map with tuple keys is a Map",
            to_graph(&pairs).unwrap(),
            r#"new Map([[[1, 2], "pair key"]])"#,
        ),
        case(
            "serde map with string keys is an object",
            to_graph(&words).unwrap(),
            r#"({ a: 1, b: 2 })"#,
        ),
        case(
            "serde map with integer keys is an object",
            to_graph(&by_number).unwrap(),
            r#"({ 2: "two", 10: "ten" })"#,
        ),
        case(
            "serde struct variant",
            to_graph(&Shape::Circle { radius: 1.5 }).unwrap(),
            r#"({ Circle: { radius: 1.5 } })"#,
        ),
        case(
            "serde rows of one shape",
            to_graph(&rows).unwrap(),
            r#"[{ id: 0, label: "row" }, { id: 1, label: "row" }, { id: 2, label: "row" }]"#,
        ),
        case(
            "serde i64 beyond 2^53 is a BigInt",
            to_graph(&(i64::MIN, 9_007_199_254_740_991i64)).unwrap(),
            r#"[-9223372036854775808n, 9007199254740991]"#,
        ),
        case(
            "serde unit and None are null",
            to_graph(&((), None::<u8>, Some(7u8))).unwrap(),
            r#"[null, null, 7]"#,
        ),
    ]
}

fn primitive_cases() -> Vec<Case> {
    vec![
        case("undefined", root(Value::Undefined), "undefined"),
        case("null", root(Value::Null), "null"),
        case("true", root(true), "true"),
        case("zero", root(0.0), "0"),
        case("negative zero", root(-0.0), "-0"),
        case("int32 min", root(-2_147_483_648.0), "-2147483648"),
        case("2^31", root(2_147_483_648.0), "2147483648"),
        case("float32-exact", root(0.25), "0.25"),
        case("1e300", root(1e300), "1e300"),
        case("-Infinity", root(f64::NEG_INFINITY), "-Infinity"),
        // Every NaN is written as 0x7FF8000000000000, whatever its payload or sign.
        case(
            "NaN with a payload",
            root(f64::from_bits(0x7FF8_0000_0000_0001)),
            "NaN",
        ),
        case(
            "negative NaN",
            root(f64::from_bits(0xFFF8_0000_0000_0000)),
            "NaN",
        ),
        case("bigint 0", root(BigInt::from(0)), "0n"),
        case(
            "bigint u128 max",
            root(BigInt::from(u128::MAX)),
            "340282366920938463463374607431768211455n",
        ),
        case(
            "bigint -2^64",
            root(BigInt::from(-(1i128 << 64))),
            "-18446744073709551616n",
        ),
        case("empty string", root(""), r#""""#),
        case("latin-1 and emoji", root("héllo 😀"), r#""héllo 😀""#),
        case(
            "lone surrogate",
            root(JsString::from_utf16(&[0x61, 0xD800, 0x62])),
            r#""a\ud800b""#,
        ),
        case(
            "ascii of 200 chars",
            root("x".repeat(200)),
            r#""x".repeat(200)"#,
        ),
    ]
}

fn object_cases() -> Vec<Case> {
    let mut cases = vec![
        case(
            "object cycle",
            Graph::build(|g| {
                let o = g.object(vec![("name", "root".into())]);
                g.insert(&o, "self", o.clone());
                o
            }),
            r#"(() => { const o = { name: "root" }; o.self = o; return o; })()"#,
        ),
        case(
            "shared reference",
            Graph::build(|g| {
                let shared = g.object(vec![("n", 1.into())]);
                g.array(vec![shared.clone(), shared])
            }),
            r#"(() => { const s = { n: 1 }; return [s, s]; })()"#,
        ),
        case(
            "array with holes and a property",
            Graph::build(|g| {
                g.add_value(Node::Array(Array {
                    elements: vec![Some(1.into()), None, Some(3.into())],
                    props: vec![("extra".into(), "x".into())],
                }))
            }),
            r#"(() => { const a = [1, , 3]; a.extra = "x"; return a; })()"#,
        ),
        case(
            "Map and Set",
            Graph::build(|g| {
                let set = g.set(vec![1.into(), "a".into(), Value::Null]);
                g.map(vec![("k".into(), set), (0.5.into(), true.into())])
            }),
            r#"new Map([["k", new Set([1, "a", null])], [0.5, true]])"#,
        ),
        // A JavaScript Map turns a -0 key into 0.
        case(
            "Map keyed by -0",
            Graph::build(|g| g.map(vec![(Value::Number(-0.0), true.into())])),
            "new Map([[0, true]])",
        )
        .js_writes("011401040000000003"),
        case(
            "Dates",
            Graph::build(|g| {
                let epoch = g.date(0.0);
                let later = g.date(1_700_000_000_123.0);
                g.array(vec![epoch, later])
            }),
            "[new Date(0), new Date(1700000000123)]",
        ),
        case(
            "invalid Date",
            Graph::build(|g| g.date(f64::NAN)),
            "new Date(NaN)",
        ),
        case(
            "RegExp",
            Graph::build(|g| g.regexp("a+\\/b", "gi")),
            r#"/a+\/b/gi"#,
        ),
        // A JavaScript RegExp's source escapes "/": Rust keeps what it was given.
        case(
            "RegExp source with an unescaped slash",
            Graph::build(|g| g.regexp("a/b", "")),
            "/a\\/b/",
        )
        .js_writes("01130704615c2f620700"),
        case(
            "wrapper objects",
            Graph::build(|g| {
                let n = g.add_value(Node::NumberObject(-0.0));
                let s = g.add_value(Node::StringObject("s".into()));
                let b = g.add_value(Node::BooleanObject(false));
                let i = g.add_value(Node::BigIntObject(BigInt::from(-5)));
                g.array(vec![n, s, b, i])
            }),
            r#"[Object(-0), Object("s"), Object(false), Object(-5n)]"#,
        ),
        case(
            "Error with a cause",
            Graph::build(|g| {
                let inner = g.error(ErrorNode::new(ErrorName::RangeError, "inner"));
                let mut outer = ErrorNode::new(ErrorName::TypeError, "outer");
                outer.cause = Some(inner);
                g.error(outer)
            }),
            r#"(() => { const inner = new RangeError("inner"); delete inner.stack; const outer = new TypeError("outer", { cause: inner }); delete outer.stack; return outer; })()"#,
        ),
        case(
            "ArrayBuffer and views sharing it",
            Graph::build(|g| {
                let buffer = g.array_buffer((0..16).collect());
                let id = buffer.node_id().unwrap();
                let bytes = g.view(ViewKind::Uint8Array, id, 4, 4);
                let floats = g.view(ViewKind::Float64Array, id, 8, 1);
                let data = g.view(ViewKind::DataView, id, 1, 3);
                g.array(vec![buffer, bytes, floats, data])
            }),
            r#"(() => { const b = new Uint8Array(16).map((_, i) => i).buffer; return [b, new Uint8Array(b, 4, 4), new Float64Array(b, 8, 1), new DataView(b, 1, 3)]; })()"#,
        ),
        case(
            "repeated strings take string ids",
            Graph::build(|g| {
                let words: Vec<Value> = (0..70)
                    .map(|i| Value::from(format!("w{}", i % 35)))
                    .collect();
                g.array(words)
            }),
            r#"Array.from({ length: 70 }, (_, i) => `w${i % 35}`)"#,
        ),
    ];
    let mut deep = Graph::new();
    let mut value = Value::from(0);
    for _ in 0..9_999 {
        value = deep.array(vec![value]);
    }
    cases.push(case(
        "9,999 nested arrays",
        deep.with_root(value),
        "(() => { let v = 0; for (let i = 0; i < 9999; i++) v = [v]; return v; })()",
    ));
    cases
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn build_file() -> String {
    let cases: Vec<Case> = primitive_cases()
        .into_iter()
        .chain(object_cases())
        .chain(serde_cases())
        .collect();
    let vectors: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            let bytes = try_encode(&c.graph)
                .unwrap_or_else(|e| panic!("{}: Rust cannot encode it: {e}", c.name));
            assert_eq!(
                decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name)),
                c.graph,
                "{}: decodes to what was built",
                c.name
            );
            let mut vector = serde_json::json!({ "name": c.name, "hex": hex(&bytes), "js": c.js });
            if let Some(js_hex) = c.js_hex {
                // What JavaScript writes, Rust reads and writes back unchanged.
                let js_bytes = unhex(js_hex);
                let graph = decode(&js_bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name));
                assert_eq!(try_encode(&graph).unwrap(), js_bytes, "{}", c.name);
                vector["jsHex"] = js_hex.into();
            }
            vector
        })
        .collect();
    format!("{}\n", serde_json::to_string_pretty(&vectors).unwrap())
}

#[test]
fn rust_vectors_file_is_what_the_encoder_writes() {
    let path = vectors_path();
    let text = build_file();
    if std::env::var_os("FERROLENS_WRITE_VECTORS").is_some() {
        std::fs::write(&path, &text).expect("tests/vectors/rust-vectors.json is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} differs from what the Rust encoder writes: rewrite it with \
         FERROLENS_WRITE_VECTORS=1 cargo test -p ferrolens-value --test rust_vectors, \
         and check that the JavaScript side still agrees (npm run test:js)",
        path.display()
    );
}
