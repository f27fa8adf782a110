//! Property tests: arbitrary graphs (cycles and shared references included) survive
//! encode/decode, and encoding is a fixed point.

mod common;

use ferrolens_value::{
    decode, encode, from_graph, to_graph, try_encode, Graph, JsonError, PreviewLimits, MAX_DEPTH,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases((common::fuzz_cases(100_000) / 200).max(1)))]

    #[test]
    fn graphs_survive_encode_and_decode(g in common::graph()) {
        let bytes = try_encode(&g).expect("built graphs are valid");
        let back = decode(&bytes).expect("encoded graphs decode");
        prop_assert_eq!(&back, &g);
        prop_assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn graphs_survive_the_graph_serde_path(g in common::graph()) {
        // Graph through to_graph and from_graph is exact too.
        let again = to_graph(&g).unwrap();
        prop_assert_eq!(&again, &g);
        let out: Graph = from_graph(&g).unwrap();
        prop_assert_eq!(&out, &g);
    }

    #[test]
    fn subgraphs_keep_what_they_reach(g in common::graph()) {
        let sub = g.subgraph(g.root());
        prop_assert_eq!(&sub, &g);
        prop_assert!(sub.len() <= g.len());
        prop_assert_eq!(encode(&sub), encode(&g));
    }
}

#[test]
fn the_deepest_message_round_trips_converts_and_drops_on_a_small_stack() {
    // 256 KiB, an eighth of a spawned thread's default: every walk over an extension's value
    // (decode, encode, equality, JSON, drop) is iterative or bounded in depth.
    let deepest = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut g = Graph::new();
            let mut v = g.array(vec![]);
            for i in 1..MAX_DEPTH {
                v = if i % 2 == 0 {
                    g.array(vec![v])
                } else {
                    g.object(vec![("k", v)])
                };
            }
            g.set_root(v);
            let bytes = encode(&g);
            let back = decode(&bytes).unwrap();
            assert_eq!(back, g);
            assert_eq!(
                back.to_json(),
                Err(JsonError::TooDeep(ferrolens_value::MAX_JSON_DEPTH))
            );
            let limits = PreviewLimits {
                max_depth: 64,
                max_bytes: 64 * 1024,
            };
            let preview = back.preview_json(back.root(), limits);
            assert!(!preview.whole);
            assert!(serde_json::to_string(&preview.json).unwrap().len() < 2048);
            drop(back);
            g
        })
        .unwrap()
        .join()
        .unwrap();
    // Typed reads recurse as serde does, to at most MAX_TYPED_DEPTH (128) levels: that fits the
    // 2 MiB stack of a tokio worker, where handlers run, even in a debug build.
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let err = from_graph::<serde_json::Value>(&deepest).unwrap_err();
            assert!(
                err.to_string().contains("nested deeper than 128 levels"),
                "{err}"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}
