//! What serde maps to and from: one test per supported type, and one per error path.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrolens_value::{
    from_graph, from_value, to_graph, Array, BigInt, Date, ErrorName, ErrorNode, Graph, JsString,
    Node, Value, ViewKind, MAX_TYPED_DEPTH,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

fn root_node(g: &Graph) -> &Node {
    g.resolve(g.root()).expect("the root is an object")
}

fn err_of<T: for<'de> Deserialize<'de> + std::fmt::Debug>(g: &Graph) -> (String, String) {
    let e = from_graph::<T>(g).unwrap_err();
    (e.path().to_owned(), e.message().to_owned())
}

// ---- Serialize ----

#[test]
fn ser_primitives() {
    assert_eq!(to_graph(&true).unwrap(), Graph::from(true));
    assert_eq!(to_graph(&-5i8).unwrap(), Graph::from(-5.0));
    assert_eq!(to_graph(&7u32).unwrap(), Graph::from(7.0));
    assert_eq!(to_graph(&1.5f32).unwrap(), Graph::from(1.5));
    assert_eq!(to_graph(&'x').unwrap(), Graph::from("x"));
    assert_eq!(to_graph("hi").unwrap(), Graph::from("hi"));
    assert_eq!(to_graph(&String::from("hi")).unwrap(), Graph::from("hi"));
}

#[test]
fn ser_wide_integers_become_bigints_only_outside_the_safe_range() {
    let safe = (1i64 << 53) - 1;
    assert_eq!(to_graph(&safe).unwrap(), Graph::from(safe as f64));
    assert_eq!(to_graph(&-safe).unwrap(), Graph::from(-safe as f64));
    assert_eq!(
        to_graph(&(safe + 1)).unwrap(),
        Graph::from(BigInt::from(safe + 1))
    );
    assert_eq!(
        to_graph(&u64::MAX).unwrap(),
        Graph::from(BigInt::from(u64::MAX))
    );
    assert_eq!(
        to_graph(&i128::MIN).unwrap(),
        Graph::from(BigInt::from(i128::MIN))
    );
    assert_eq!(to_graph(&3u128).unwrap(), Graph::from(3.0));
}

#[test]
fn ser_none_and_unit_are_null_some_is_the_value() {
    assert_eq!(to_graph(&None::<u8>).unwrap(), Graph::from(Value::Null));
    assert_eq!(to_graph(&Some(2u8)).unwrap(), Graph::from(2.0));
    assert_eq!(to_graph(&()).unwrap(), Graph::from(Value::Null));
    #[derive(Serialize)]
    struct Unit;
    assert_eq!(to_graph(&Unit).unwrap(), Graph::from(Value::Null));
}

#[test]
fn ser_bytes_become_a_uint8_array_over_its_own_buffer() {
    let g = to_graph(&serde_bytes::Bytes::new(&[1, 2, 3])).unwrap();
    match root_node(&g) {
        Node::View(view) => {
            assert_eq!(view.kind, ViewKind::Uint8Array);
            assert_eq!((view.byte_offset, view.length), (0, 3));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(g.bytes_of(g.root()), Some(&[1, 2, 3][..]));
}

#[test]
fn ser_sequences_and_tuples_become_arrays() {
    let g = to_graph(&vec![1, 2]).unwrap();
    assert_eq!(g, Graph::from(json!([1, 2])));
    let g = to_graph(&(1, "a", true)).unwrap();
    assert_eq!(g, Graph::from(json!([1, "a", true])));
    #[derive(Serialize)]
    struct Pair(u8, u8);
    assert_eq!(to_graph(&Pair(1, 2)).unwrap(), Graph::from(json!([1, 2])));
}

#[test]
fn ser_structs_become_objects_in_field_order() {
    #[derive(Serialize)]
    struct Note {
        title: String,
        #[serde(rename = "zIndex")]
        z: u8,
        a: Option<u8>,
    }
    let g = to_graph(&Note {
        title: "t".into(),
        z: 1,
        a: None,
    })
    .unwrap();
    let keys: Vec<_> = root_node(&g)
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(keys, ["title", "zIndex", "a"]);
    assert_eq!(g.pointer(&["a"]), Some(&Value::Null));
}

#[test]
fn ser_maps_with_printable_keys_become_objects() {
    let mut m = BTreeMap::new();
    m.insert(10u32, "ten");
    m.insert(2u32, "two");
    let g = to_graph(&m).unwrap();
    assert_eq!(g.pointer(&["10"]).and_then(Value::as_str), Some("ten"));
    let mut h = HashMap::new();
    h.insert("k".to_owned(), 1);
    assert_eq!(to_graph(&h).unwrap(), Graph::from(json!({"k": 1})));
    let mut b = BTreeMap::new();
    b.insert(true, 1);
    assert_eq!(to_graph(&b).unwrap(), Graph::from(json!({"true": 1})));
}

#[test]
fn ser_maps_with_other_keys_become_maps() {
    let mut m = BTreeMap::new();
    m.insert((1, 2), "pair");
    let g = to_graph(&m).unwrap();
    match root_node(&g) {
        Node::Map(entries) => {
            assert_eq!(entries.len(), 1);
            let key = g.resolve(&entries[0].0).unwrap();
            assert_eq!(key.class_name(), "Array");
        }
        other => panic!("{other:?}"),
    }
    let g = to_graph(&[(0.5f64, 1)].into_iter().collect::<FloatKeys>()).unwrap();
    assert_eq!(root_node(&g).class_name(), "Map");
}

/// A map with float keys (std has no such map; serde sees `serialize_map`).
struct FloatKeys(Vec<(f64, i32)>);

impl FromIterator<(f64, i32)> for FloatKeys {
    fn from_iter<I: IntoIterator<Item = (f64, i32)>>(iter: I) -> Self {
        FloatKeys(iter.into_iter().collect())
    }
}

impl Serialize for FloatKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Shape {
    Dot,
    Circle(f64),
    Line(u8, u8),
    Rect { w: u8, h: u8 },
}

#[test]
fn ser_enums_are_externally_tagged() {
    assert_eq!(to_graph(&Shape::Dot).unwrap(), Graph::from("Dot"));
    assert_eq!(
        to_graph(&Shape::Circle(1.5)).unwrap(),
        Graph::from(json!({"Circle": 1.5}))
    );
    assert_eq!(
        to_graph(&Shape::Line(1, 2)).unwrap(),
        Graph::from(json!({"Line": [1, 2]}))
    );
    let mut rect = Graph::new();
    let inner = rect.object(vec![("w", 1.into()), ("h", 2.into())]);
    let root = rect.object(vec![("Rect", inner)]);
    rect.set_root(root);
    assert_eq!(to_graph(&Shape::Rect { w: 1, h: 2 }).unwrap(), rect);
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Stamped {
    at: Date,
    #[serde(with = "ferrolens_value::system_time")]
    when: SystemTime,
    #[serde(with = "ferrolens_value::system_time::option", default)]
    maybe: Option<SystemTime>,
}

#[test]
fn ser_dates_and_system_times_become_dates() {
    let when = UNIX_EPOCH + Duration::from_millis(1_000);
    let g = to_graph(&Stamped {
        at: Date::new(5.0),
        when,
        maybe: None,
    })
    .unwrap();
    assert_eq!(
        g.resolve(g.pointer(&["at"]).unwrap()),
        Some(&Node::Date(5.0))
    );
    assert_eq!(
        g.resolve(g.pointer(&["when"]).unwrap()),
        Some(&Node::Date(1000.0))
    );
    assert_eq!(g.pointer(&["maybe"]), Some(&Value::Null));
    // Elsewhere a Date is its number of milliseconds.
    assert_eq!(serde_json::to_value(Date::new(5.0)).unwrap(), json!(5.0));
}

#[test]
fn ser_graphs_values_strings_and_bigints_keep_full_fidelity() {
    let mut inner = Graph::new();
    let obj = inner.object(Vec::<(&str, Value)>::new());
    inner.insert(&obj, "self", obj.clone());
    inner.set_root(obj);
    #[derive(Serialize)]
    struct Holder {
        graph: Graph,
        undef: Value,
        lone: JsString,
        big: BigInt,
    }
    let lone = JsString::from_utf16(&[0xD800]);
    let g = to_graph(&Holder {
        graph: inner.clone(),
        undef: Value::Undefined,
        lone: lone.clone(),
        big: BigInt::from(5),
    })
    .unwrap();
    assert_eq!(g.subgraph(g.pointer(&["graph"]).unwrap()), inner);
    assert_eq!(g.pointer(&["undef"]), Some(&Value::Undefined));
    assert_eq!(g.pointer(&["lone"]), Some(&Value::String(lone)));
    assert_eq!(g.pointer(&["big"]), Some(&Value::bigint(5)));
}

#[test]
fn ser_with_other_serializers_uses_the_json_form() {
    let g = Graph::from(json!({"a": [1, null]}));
    assert_eq!(serde_json::to_value(&g).unwrap(), json!({"a": [1, null]}));
    assert_eq!(serde_json::to_value(Value::Undefined).unwrap(), json!(null));
    assert_eq!(
        serde_json::to_value(BigInt::from(u128::MAX)).unwrap(),
        json!("340282366920938463463374607431768211455")
    );
    let mut cyclic = Graph::new();
    let a = cyclic.array(vec![]);
    cyclic.push_to_array(&a, a.clone());
    cyclic.set_root(a);
    assert!(serde_json::to_value(&cyclic).is_err());
}

#[test]
fn ser_a_bare_ref_is_an_error() {
    let err = to_graph(&vec![Value::Ref(
        ferrolens_value::NodeId::from_index(0).unwrap(),
    )])
    .unwrap_err();
    assert!(err.message().contains("without its Graph"), "{err}");
}

#[test]
fn ser_custom_errors_are_reported() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("nope"))
        }
    }
    assert_eq!(to_graph(&vec![Fails]).unwrap_err().to_string(), "nope");
}

// ---- Deserialize ----

#[test]
fn de_strings_borrow_when_they_can() {
    let g = Graph::from("héllo");
    let s: &str = from_graph(&g).unwrap();
    assert_eq!(s, "héllo");
    assert_eq!(from_graph::<String>(&g).unwrap(), "héllo");
    assert_eq!(from_graph::<char>(&Graph::from("x")).unwrap(), 'x');
    let lone = Graph::from(JsString::from_utf16(&[0x61, 0xD800]));
    assert_eq!(from_graph::<String>(&lone).unwrap(), "a\u{FFFD}");
    assert_eq!(
        from_graph::<JsString>(&lone).unwrap(),
        JsString::from_utf16(&[0x61, 0xD800])
    );
}

#[test]
fn de_bool() {
    assert!(from_graph::<bool>(&Graph::from(true)).unwrap());
    let (_, msg) = err_of::<bool>(&Graph::from(1.0));
    assert_eq!(msg, "invalid type: integer `1`, expected a boolean");
}

#[test]
fn de_integers_from_integral_numbers_in_range() {
    assert_eq!(from_graph::<u8>(&Graph::from(255.0)).unwrap(), 255);
    assert_eq!(from_graph::<i32>(&Graph::from(-3.0)).unwrap(), -3);
    assert_eq!(from_graph::<u32>(&Graph::from(-0.0)).unwrap(), 0);
    assert_eq!(
        from_graph::<u64>(&Graph::from(2f64.powi(60))).unwrap(),
        1 << 60
    );
    assert_eq!(from_graph::<i128>(&Graph::from(-7.0)).unwrap(), -7);
    let (_, msg) = err_of::<u8>(&Graph::from(256.0));
    assert_eq!(msg, "invalid value: integer `256`, expected u8");
    let (_, msg) = err_of::<u8>(&Graph::from(-1.0));
    assert_eq!(msg, "invalid value: integer `-1`, expected u8");
    let (_, msg) = err_of::<u32>(&Graph::from(1.5));
    assert_eq!(msg, "invalid type: floating point `1.5`, expected u32");
    let (_, msg) = err_of::<i64>(&Graph::from(f64::NAN));
    assert_eq!(msg, "invalid type: floating point `NaN`, expected i64");
    let (_, msg) = err_of::<u16>(&Graph::from("5"));
    assert_eq!(msg, "invalid type: string \"5\", expected u16");
}

#[test]
fn de_integers_from_bigints_in_range() {
    assert_eq!(
        from_graph::<u64>(&Graph::from(BigInt::from(u64::MAX))).unwrap(),
        u64::MAX
    );
    assert_eq!(
        from_graph::<i128>(&Graph::from(BigInt::from(i128::MIN))).unwrap(),
        i128::MIN
    );
    assert_eq!(from_graph::<u8>(&Graph::from(BigInt::from(9))).unwrap(), 9);
    let (_, msg) = err_of::<i64>(&Graph::from(BigInt::from(u64::MAX)));
    assert!(
        msg.starts_with("invalid value: integer `18446744073709551615`"),
        "{msg}"
    );
}

#[test]
fn de_floats_from_numbers_bigints_and_dates() {
    assert_eq!(from_graph::<f64>(&Graph::from(0.25)).unwrap(), 0.25);
    assert_eq!(from_graph::<f32>(&Graph::from(2.0)).unwrap(), 2.0);
    assert!(from_graph::<f64>(&Graph::from(-0.0))
        .unwrap()
        .is_sign_negative());
    assert_eq!(
        from_graph::<f64>(&Graph::from(BigInt::from(3))).unwrap(),
        3.0
    );
    let mut g = Graph::new();
    let d = g.date(42.0);
    g.set_root(d);
    assert_eq!(from_graph::<f64>(&g).unwrap(), 42.0);
}

#[test]
fn de_wrapper_objects_read_as_their_primitive() {
    let mut g = Graph::new();
    let n = g.add_value(Node::NumberObject(4.0));
    let s = g.add_value(Node::StringObject("s".into()));
    let b = g.add_value(Node::BooleanObject(true));
    let big = g.add_value(Node::BigIntObject(BigInt::from(8)));
    let root = g.array(vec![n, s, b, big]);
    g.set_root(root);
    let (n, s, b, big): (u8, String, bool, u64) = from_graph(&g).unwrap();
    assert_eq!((n, s.as_str(), b, big), (4, "s", true, 8));
}

#[test]
fn de_vectors_from_arrays_with_holes_and_from_sets() {
    let mut g = Graph::new();
    let root = g.add_value(Node::Array(Array {
        elements: vec![Some(1.into()), None, Some(Value::Undefined)],
        props: vec![("extra".into(), 1.into())],
    }));
    g.set_root(root);
    assert_eq!(
        from_graph::<Vec<Option<u8>>>(&g).unwrap(),
        vec![Some(1), None, None]
    );
    let mut g = Graph::new();
    let set = g.set(vec!["a".into(), "b".into()]);
    g.set_root(set);
    assert_eq!(from_graph::<Vec<String>>(&g).unwrap(), ["a", "b"]);
    let hs: HashSet<String> = from_graph(&g).unwrap();
    assert!(hs.contains("a") && hs.len() == 2);
    let bs: BTreeSet<String> = from_graph(&g).unwrap();
    assert_eq!(bs.len(), 2);
}

#[test]
fn de_tuples_check_their_length() {
    let g = Graph::from(json!([1, 2, 3]));
    assert_eq!(from_graph::<(u8, u8, u8)>(&g).unwrap(), (1, 2, 3));
    let (_, msg) = err_of::<(u8, u8)>(&g);
    assert_eq!(msg, "invalid length 3, expected fewer elements");
    let (_, msg) = err_of::<(u8, u8, u8, u8)>(&g);
    assert_eq!(msg, "invalid length 3, expected a tuple of size 4");
}

#[test]
fn de_maps_from_objects_and_from_maps() {
    let g = Graph::from(json!({"a": 1, "b": 2}));
    let m: HashMap<String, u8> = from_graph(&g).unwrap();
    assert_eq!(m["b"], 2);
    let m: BTreeMap<String, u8> = from_graph(&g).unwrap();
    assert_eq!(m.len(), 2);
    let mut g = Graph::new();
    let map = g.map(vec![("x".into(), 1.into()), ("y".into(), 2.into())]);
    g.set_root(map);
    let m: HashMap<String, u8> = from_graph(&g).unwrap();
    assert_eq!(m["y"], 2);
    let mut g = Graph::new();
    let map = g.map(vec![(1.into(), "one".into())]);
    g.set_root(map);
    let m: BTreeMap<u32, String> = from_graph(&g).unwrap();
    assert_eq!(m[&1], "one");
}

#[test]
fn de_object_keys_parse_into_integer_keys() {
    let g = Graph::from(json!({"1": "one", "20": "twenty"}));
    let m: BTreeMap<u32, String> = from_graph(&g).unwrap();
    assert_eq!(m[&20], "twenty");
    let g = Graph::from(json!({"x": 1}));
    let (path, msg) = err_of::<BTreeMap<u32, u8>>(&g);
    assert_eq!(path, ".x");
    assert_eq!(
        msg,
        "invalid value: string \"x\", expected a key holding u32"
    );
}

#[derive(Deserialize, Debug, PartialEq)]
struct Note {
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    pinned: Option<bool>,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Notes {
    notes: Vec<Note>,
}

#[test]
fn de_structs_from_objects_ignoring_unknown_fields() {
    let g = Graph::from(json!({"title": "t", "extra": {"deep": [1]}, "pinned": null}));
    assert_eq!(
        from_graph::<Note>(&g).unwrap(),
        Note {
            title: "t".into(),
            tags: vec![],
            pinned: None
        }
    );
}

#[test]
fn de_structs_from_maps_and_errors() {
    let mut g = Graph::new();
    let map = g.map(vec![("title".into(), "m".into())]);
    g.set_root(map);
    assert_eq!(from_graph::<Note>(&g).unwrap().title, "m");

    #[derive(Deserialize)]
    struct JsError {
        name: String,
        message: String,
        stack: Option<String>,
        cause: Option<Box<JsError>>,
    }
    let mut g = Graph::new();
    let cause = g.error(ErrorNode::new(ErrorName::RangeError, "inner"));
    let mut outer = ErrorNode::new(ErrorName::TypeError, "outer");
    outer.stack = Some("at x".into());
    outer.cause = Some(cause);
    let root = g.error(outer);
    g.set_root(root);
    let e: JsError = from_graph(&g).unwrap();
    assert_eq!(
        (e.name.as_str(), e.message.as_str()),
        ("TypeError", "outer")
    );
    assert_eq!(e.stack.as_deref(), Some("at x"));
    let cause = e.cause.unwrap();
    assert_eq!(
        (cause.name.as_str(), cause.message.as_str()),
        ("RangeError", "inner")
    );
    assert!(cause.cause.is_none());
}

#[test]
fn de_structs_from_arrays_by_position() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct P {
        x: u8,
        y: u8,
    }
    let g = Graph::from(json!([1, 2]));
    assert_eq!(from_graph::<P>(&g).unwrap(), P { x: 1, y: 2 });
}

#[test]
fn de_enums_externally_tagged() {
    assert_eq!(
        from_graph::<Shape>(&Graph::from("Dot")).unwrap(),
        Shape::Dot
    );
    for shape in [
        Shape::Dot,
        Shape::Circle(2.5),
        Shape::Line(3, 4),
        Shape::Rect { w: 5, h: 6 },
    ] {
        let g = to_graph(&shape).unwrap();
        assert_eq!(from_graph::<Shape>(&g).unwrap(), shape);
    }
    let mut g = Graph::new();
    let map = g.map(vec![("Circle".into(), 1.0.into())]);
    g.set_root(map);
    assert_eq!(from_graph::<Shape>(&g).unwrap(), Shape::Circle(1.0));
}

#[test]
fn de_enum_errors_name_the_problem() {
    let (_, msg) = err_of::<Shape>(&Graph::from("Hexagon"));
    assert_eq!(
        msg,
        "unknown variant `Hexagon`, expected one of `Dot`, `Circle`, `Line`, `Rect`"
    );
    let (_, msg) = err_of::<Shape>(&Graph::from(json!({"Dot": null, "Line": [1, 2]})));
    assert_eq!(
        msg,
        "invalid value: an object with 2 properties, expected an enum: a string, or an object with one property"
    );
    let (path, msg) = err_of::<Shape>(&Graph::from(json!({"Line": [1, "x"]})));
    assert_eq!(path, ".Line[1]");
    assert_eq!(msg, "invalid type: string \"x\", expected u8");
    let (_, msg) = err_of::<Shape>(&Graph::from(3.0));
    assert!(
        msg.starts_with("invalid type: integer `3`, expected an enum"),
        "{msg}"
    );
}

#[test]
fn de_options_from_undefined_null_and_missing() {
    assert_eq!(
        from_graph::<Option<u8>>(&Graph::from(Value::Undefined)).unwrap(),
        None
    );
    assert_eq!(
        from_graph::<Option<u8>>(&Graph::from(Value::Null)).unwrap(),
        None
    );
    assert_eq!(
        from_graph::<Option<u8>>(&Graph::from(1.0)).unwrap(),
        Some(1)
    );
    let mut g = Graph::new();
    let o = g.object(vec![("title", "t".into()), ("pinned", Value::Undefined)]);
    g.set_root(o);
    assert_eq!(from_graph::<Note>(&g).unwrap().pinned, None);
    assert_eq!(
        from_graph::<()>(&Graph::from(Value::Undefined)).unwrap(),
        ()
    );
}

#[test]
fn de_bytes_from_buffers_and_views() {
    let mut g = Graph::new();
    let buffer = g.add(Node::ArrayBuffer(vec![1, 2, 3, 4]));
    let u8s = g.view(ViewKind::Uint8Array, buffer, 1, 2);
    let dv = g.view(ViewKind::DataView, buffer, 2, 2);
    let i16s = g.view(ViewKind::Int16Array, buffer, 0, 2);
    let whole = Value::Ref(buffer);
    let root = g.array(vec![u8s.clone(), dv.clone(), i16s.clone(), whole.clone()]);
    g.set_root(root);
    assert_eq!(from_value::<Vec<u8>>(&g, &u8s).unwrap(), [2, 3]);
    assert_eq!(from_value::<Vec<u8>>(&g, &dv).unwrap(), [3, 4]);
    assert_eq!(from_value::<Vec<u8>>(&g, &whole).unwrap(), [1, 2, 3, 4]);
    let raw: serde_bytes::ByteBuf = from_value(&g, &i16s).unwrap();
    assert_eq!(raw.as_ref(), [1, 2, 3, 4]);
    let borrowed: &[u8] = from_value(&g, &u8s).unwrap();
    assert_eq!(borrowed, [2, 3]);
    let buf: serde_bytes::ByteBuf = from_value(&g, &whole).unwrap();
    assert_eq!(buf.len(), 4);
    // ByteBuf also takes an array of numbers.
    let arr = Graph::from(json!([9, 8]));
    assert_eq!(
        from_graph::<serde_bytes::ByteBuf>(&arr).unwrap().as_ref(),
        [9, 8]
    );
}

#[test]
fn de_typed_arrays_give_their_elements() {
    let mut g = Graph::new();
    let mut bytes = Vec::new();
    bytes.extend((-2i16).to_le_bytes());
    bytes.extend([0, 0]);
    bytes.extend(1.5f32.to_le_bytes());
    bytes.extend((-9i64).to_le_bytes());
    bytes.extend(0x3C00u16.to_le_bytes()); // 1.0 as half
    let buffer = g.add(Node::ArrayBuffer(bytes));
    let i16s = g.view(ViewKind::Int16Array, buffer, 0, 1);
    let f32s = g.view(ViewKind::Float32Array, buffer, 4, 1);
    let i64s = g.view(ViewKind::BigInt64Array, buffer, 8, 1);
    let f16s = g.view(ViewKind::Float16Array, buffer, 16, 1);
    assert_eq!(from_value::<Vec<i16>>(&g, &i16s).unwrap(), [-2]);
    assert_eq!(from_value::<Vec<f32>>(&g, &f32s).unwrap(), [1.5]);
    assert_eq!(from_value::<Vec<i64>>(&g, &i64s).unwrap(), [-9]);
    assert_eq!(from_value::<Vec<f64>>(&g, &f16s).unwrap(), [1.0]);
    let e = from_value::<Vec<u8>>(&g, &i16s).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at [0]: invalid value: integer `-2`, expected u8"
    );
}

#[test]
fn de_dates_from_dates_numbers_and_iso_strings() {
    let mut g = Graph::new();
    let d = g.date(1000.0);
    let root = g.object(vec![
        ("at", 5.0.into()),
        ("when", d),
        ("maybe", "1970-01-01T00:00:02.000Z".into()),
    ]);
    g.set_root(root);
    let s: Stamped = from_graph(&g).unwrap();
    assert_eq!(s.at, Date::new(5.0));
    assert_eq!(s.when, UNIX_EPOCH + Duration::from_secs(1));
    assert_eq!(s.maybe, Some(UNIX_EPOCH + Duration::from_secs(2)));
    // Dates read as ISO strings where a string is asked for.
    let mut g = Graph::new();
    let d = g.date(0.0);
    g.set_root(d);
    assert_eq!(
        from_graph::<String>(&g).unwrap(),
        "1970-01-01T00:00:00.000Z"
    );
    let (_, msg) = err_of::<Date>(&Graph::from(true));
    assert_eq!(msg, "invalid type: boolean `true`, expected a Date");
    let (_, msg) = err_of::<Date>(&Graph::from("yesterday"));
    assert!(
        msg.starts_with("invalid value: string \"yesterday\""),
        "{msg}"
    );
}

#[test]
fn de_regexps_read_as_strings() {
    let mut g = Graph::new();
    let re = g.regexp("a/b", "g");
    g.set_root(re);
    assert_eq!(from_graph::<String>(&g).unwrap(), "/a/b/g");
}

#[test]
fn de_graph_takes_the_reached_part_exactly() {
    let mut g = Graph::new();
    let cyc = g.array(vec![Value::Undefined]);
    g.push_to_array(&cyc, cyc.clone());
    let root = g.object(vec![("id", 1.into()), ("payload", cyc.clone())]);
    g.set_root(root);
    #[derive(Deserialize)]
    struct Msg {
        id: u8,
        payload: Graph,
    }
    let msg: Msg = from_graph(&g).unwrap();
    assert_eq!(msg.id, 1);
    assert_eq!(msg.payload, g.subgraph(&cyc));
    assert_eq!(msg.payload.len(), 1);
    let whole: Graph = from_graph(&g).unwrap();
    assert_eq!(whole, g);
}

#[test]
fn de_value_takes_primitives_exactly() {
    let g = Graph::from(json!([null, 1.5, "s"]));
    let (a, b, c): (Value, Value, Value) = from_graph(&g).unwrap();
    assert_eq!((a, b, c), (Value::Null, 1.5.into(), "s".into()));
    let mut g = Graph::new();
    let arr = g.array(vec![Value::Undefined, Value::bigint(u128::MAX)]);
    g.set_root(arr);
    let v: Vec<Value> = from_graph(&g).unwrap();
    assert_eq!(v, [Value::Undefined, Value::bigint(u128::MAX)]);
    let big: Vec<BigInt> = from_graph(&g).unwrap_or_default();
    assert!(big.is_empty(), "undefined is no BigInt");
    let (path, msg) = err_of::<Value>(&Graph::from(json!({"a": 1})));
    assert_eq!(path, "");
    assert_eq!(
        msg,
        "expected a primitive value, found object; use Graph for objects"
    );
}

#[test]
fn de_bigints_from_bigints_numbers_and_strings() {
    let g = Graph::from(json!([5, "123456789012345678901234567890"]));
    let v: Vec<BigInt> = from_graph(&g).unwrap();
    assert_eq!(v[0], BigInt::from(5));
    assert_eq!(v[1].to_string(), "123456789012345678901234567890");
}

#[test]
fn de_serde_json_value_through_deserialize_any() {
    let mut g = Graph::new();
    let d = g.date(0.0);
    let set = g.set(vec![1.into()]);
    let bytes = g.uint8_array(vec![7]);
    let root = g.object(vec![
        ("d", d),
        ("set", set),
        ("bytes", bytes),
        ("big", Value::bigint(u64::MAX)),
        ("neg", (-2.0).into()),
        ("u", Value::Undefined),
    ]);
    g.set_root(root);
    let j: serde_json::Value = from_graph(&g).unwrap();
    assert_eq!(
        j,
        json!({"d": "1970-01-01T00:00:00.000Z", "set": [1], "bytes": [7],
               "big": u64::MAX, "neg": -2, "u": null})
    );
}

// ---- Error paths ----

#[test]
fn error_paths_name_where_inside_the_value() {
    let g = Graph::from(json!({"notes": [{"title": "a"}, {"title": "b"}, {}, {"title": 5}]}));
    let (path, msg) = err_of::<Notes>(&g);
    assert_eq!(path, ".notes[2]");
    assert_eq!(msg, "missing field `title`");
    let g = Graph::from(
        json!({"notes": [{"title": "a"}, {"title": "b"}, {"title": "c"}, {"title": 5}]}),
    );
    let e = from_graph::<Notes>(&g).unwrap_err();
    assert_eq!(e.path(), ".notes[3].title");
    assert_eq!(
        e.to_string(),
        "at .notes[3].title: invalid type: integer `5`, expected a string"
    );
    let g = Graph::from(json!({"weird key": [true]}));
    let (path, _) = err_of::<HashMap<String, Vec<u8>>>(&g);
    assert_eq!(path, "[\"weird key\"][0]");
}

#[test]
fn error_paths_through_maps_and_sets() {
    let mut g = Graph::new();
    let set = g.set(vec![1.into(), "x".into()]);
    let map = g.map(vec![("k".into(), set)]);
    g.set_root(map);
    let (path, msg) = err_of::<HashMap<String, Vec<u8>>>(&g);
    assert_eq!(path, ".get(\"k\").values()[1]");
    assert_eq!(msg, "invalid type: string \"x\", expected u8");
    let mut g = Graph::new();
    let map = g.map(vec![("k".into(), 1.into())]);
    g.set_root(map);
    let (path, _) = err_of::<HashMap<u8, u8>>(&g);
    assert_eq!(path, ".keys()[0]");
}

#[test]
fn error_for_a_cycle_names_both_ends() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Tree {
        children: Vec<Tree>,
    }
    let mut g = Graph::new();
    let kids = g.array(vec![]);
    let root = g.object(vec![("children", kids.clone())]);
    let back = g.array(vec![root.clone()]);
    let child = g.object(vec![("children", back)]);
    g.push_to_array(&kids, child);
    g.set_root(root);
    let (path, msg) = err_of::<Tree>(&g);
    assert_eq!(path, ".children[0].children[0]");
    assert_eq!(msg, "cycle: this object is its own ancestor at the root");
}

#[test]
fn shared_references_are_read_again() {
    let mut g = Graph::new();
    let shared = g.object(vec![("title", "s".into())]);
    let notes = g.array(vec![shared.clone(), shared]);
    let root = g.object(vec![("notes", notes)]);
    g.set_root(root);
    let n: Notes = from_graph(&g).unwrap();
    assert_eq!(n.notes.len(), 2);
    assert_eq!(n.notes[1].title, "s");
}

#[test]
fn expanding_shared_references_is_bounded() {
    // Each level holds the next twice: 2^40 paths through 41 nodes.
    let mut g = Graph::new();
    let mut v = g.array(vec![]);
    for _ in 0..40 {
        v = g.array(vec![v.clone(), v]);
    }
    g.set_root(v);
    let e = from_graph::<serde::de::IgnoredAny>(&g);
    assert!(e.is_ok(), "ignored values are not walked");
    let e = from_graph::<serde_json::Value>(&g).unwrap_err();
    assert!(
        e.message().starts_with("shared references expand past"),
        "{e}"
    );
}

#[test]
fn nesting_deeper_than_the_typed_limit_is_an_error() {
    let mut g = Graph::new();
    let mut v = Value::Null;
    for _ in 0..MAX_TYPED_DEPTH + 10 {
        v = g.array(vec![v]);
    }
    g.set_root(v);
    let e = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || from_graph::<serde_json::Value>(&g).unwrap_err())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(e.message(), "nested deeper than 128 levels");
    assert_eq!(e.path().len(), 3 * MAX_TYPED_DEPTH);
}

#[test]
fn serde_round_trip_of_a_rich_struct() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Rich {
        id: u64,
        name: String,
        scores: Vec<f64>,
        tags: BTreeSet<String>,
        meta: HashMap<String, Option<i32>>,
        shape: Shape,
        at: Date,
        #[serde(with = "serde_bytes")]
        blob: Vec<u8>,
        big: i128,
    }
    let mut meta = HashMap::new();
    meta.insert("a".into(), Some(-1));
    meta.insert("b".into(), None);
    let rich = Rich {
        id: u64::MAX,
        name: "n".into(),
        scores: vec![0.5, f64::INFINITY],
        tags: ["x".to_owned(), "y".to_owned()].into(),
        meta,
        shape: Shape::Rect { w: 1, h: 2 },
        at: Date::new(1e12),
        blob: vec![0, 255],
        big: -(1 << 100),
    };
    let bytes = ferrolens_value::encode(&to_graph(&rich).unwrap());
    let back: Rich = from_graph(&ferrolens_value::decode(&bytes).unwrap()).unwrap();
    assert_eq!(back, rich);
}
