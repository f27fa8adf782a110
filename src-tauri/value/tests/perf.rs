//! Timing of the codec and serde paths on a ~1 MiB object tree. Ignored in the normal run;
//! run it in release: `cargo test --release -p ferrolens-value --test perf -- --ignored --nocapture`.
//! `benchmark_tree` times the message of the benchmark's 1 MiB object tree case.

use std::time::{Duration, Instant};

use ferrolens_value::{decode, encode, from_graph, to_graph, Graph, Value};

/// A tree of note objects, three children each, `depth` levels.
fn tree(depth: usize) -> Graph {
    fn note(g: &mut Graph, depth: usize, made: &mut usize) -> Value {
        let children: Vec<Value> = if depth == 0 {
            Vec::new()
        } else {
            (0..3).map(|_| note(g, depth - 1, made)).collect()
        };
        *made += 1;
        let n = *made;
        let tags = g.array(vec!["alpha".into(), "beta".into()]);
        let children = g.array(children);
        g.object(vec![
            ("id", (n as f64).into()),
            ("title", format!("note number {n}").into()),
            ("score", (n as f64 * 0.25).into()),
            ("done", n.is_multiple_of(2).into()),
            ("tags", tags),
            ("children", children),
        ])
    }
    let mut g = Graph::new();
    let root = note(&mut g, depth, &mut 0);
    g.with_root(root)
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn one_mebibyte_tree() {
    let g = tree(8);
    let bytes = encode(&g);
    println!("message: {} bytes, {} objects", bytes.len(), g.len());
    println!(
        "sizes: Value {} Node {} JsString {}",
        std::mem::size_of::<Value>(),
        std::mem::size_of::<ferrolens_value::Node>(),
        std::mem::size_of::<ferrolens_value::JsString>()
    );
    let t = best_of(10, || {
        std::hint::black_box(decode(&bytes).unwrap());
    });
    println!("decode: {t:?}");
    let t = best_of(10, || {
        std::hint::black_box(encode(&g));
    });
    println!("encode: {t:?}");
    let decoded = decode(&bytes).unwrap();
    let t = best_of(5, || {
        std::hint::black_box(from_graph::<serde_json::Value>(&decoded).unwrap());
    });
    println!("from_graph::<serde_json::Value>: {t:?}");
    let json = decoded.to_json().unwrap();
    let t = best_of(5, || {
        std::hint::black_box(decoded.to_json().unwrap());
    });
    println!("to_json: {t:?}");
    let t = best_of(5, || {
        std::hint::black_box(to_graph(&json).unwrap());
    });
    println!("to_graph(serde_json::Value): {t:?}");
    let t = best_of(5, || {
        std::hint::black_box(serde_json::to_vec(&json).unwrap());
    });
    println!("(for scale) serde_json::to_vec of the same: {t:?}");
}

/// The benchmark's 1 MiB object tree (`objectTree` in tests/bench/extensions/bench/renderer.js),
/// inside the argument array the SDK sends: groups of 16 identical leaves.
fn benchmark_arguments() -> Graph {
    const LEAVES: usize = 14_564; // 1 MiB over the 72 bytes of a leaf's JSON and its comma
    let mut g = Graph::new();
    let mut groups = Vec::new();
    for first in (0..LEAVES).step_by(16) {
        let items = (first..LEAVES.min(first + 16))
            .map(|_| {
                let tags = g.array(vec!["a".into(), "bc".into()]);
                g.object(vec![
                    ("id", 12345.0.into()),
                    ("name", "node-name".into()),
                    ("ok", true.into()),
                    ("ratio", 0.5.into()),
                    ("tags", tags),
                ])
            })
            .collect();
        let items = g.array(items);
        groups.push(g.object(vec![("group", (first as f64).into()), ("items", items)]));
    }
    let groups = g.array(groups);
    let tree = g.object(vec![("groups", groups)]);
    let args = g.array(vec![tree]);
    g.with_root(args)
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn benchmark_tree() {
    let bytes = encode(&benchmark_arguments());
    println!("benchmark tree message: {} bytes", bytes.len());
    let t = best_of(20, || {
        std::hint::black_box(decode(&bytes).unwrap());
    });
    println!("decode, graph freed: {t:?}");
    let g = decode(&bytes).unwrap();
    let t = best_of(20, || {
        std::hint::black_box(encode(&g));
    });
    println!("encode: {t:?}");
    let t = best_of(20, || {
        std::hint::black_box(encode(&decode(&bytes).unwrap()));
    });
    println!("decode + encode + free, as an echo: {t:?}");
    // What a handler's `args.arg(0)` costs: the argument copied out of the arguments' graph.
    let tree = g.element(g.root(), 0).unwrap().clone();
    let t = best_of(20, || {
        std::hint::black_box(g.subgraph(&tree));
    });
    println!("subgraph of the argument (args.arg(0)): {t:?}");
}

#[test]
#[ignore = "profiling loop; run under perf in release"]
fn decode_loop() {
    let bytes = encode(&tree(8));
    for _ in 0..300 {
        std::hint::black_box(decode(&bytes).unwrap());
    }
}

#[test]
#[ignore = "profiling loop; run under perf in release"]
fn benchmark_echo_loop() {
    let bytes = encode(&benchmark_arguments());
    for _ in 0..400 {
        std::hint::black_box(encode(&decode(&bytes).unwrap()));
    }
}
