//! The decoder never panics, whatever the bytes: random short inputs and mutations of valid
//! encodings. Whatever it accepts re-encodes to a fixed point, and the serde and JSON paths
//! do not panic on it either.
//!
//! The normal run tries 100,000 random inputs and 2,000 mutations; set `FERROLENS_FUZZ_CASES`
//! for a longer run (it sets the random-input count; mutations get a fiftieth of it), e.g.
//! `FERROLENS_FUZZ_CASES=10000000 cargo test --release -p ferrolens-value --test fuzz`.

mod common;

use ferrolens_value::{decode, encode, from_graph, try_encode, Graph};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// What must hold for any input: no panic, and an accepted input has a canonical form.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(graph) = decode(bytes) else {
        return Ok(());
    };
    let canonical = try_encode(&graph).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = decode(&canonical).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&again, &graph);
    prop_assert_eq!(encode(&again), canonical);
    let _ = graph.to_json();
    let _ = from_graph::<serde_json::Value>(&graph);
    let _ = from_graph::<Graph>(&graph);
    Ok(())
}

/// Maps a random byte to a tag most of the time, else to itself or a varint edge.
fn steer(b: u8) -> u8 {
    match b {
        0..=0x9F => b % 0x22,
        0xA0..=0xA7 => 0x80,
        0xA8..=0xAF => 0xFF,
        _ => b,
    }
}

/// Bytes that are often tags, small varints or the version byte.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => 0u8..0x22,
        2 => any::<u8>(),
        1 => Just(0x80u8),
        1 => Just(0xFFu8),
    ]
}

#[test]
fn decode_never_panics_on_random_bytes() {
    let cases = common::fuzz_cases(100_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    // Cheap to generate: raw words, each byte steered towards tags and varint edges.
    let input = (any::<[u64; 2]>(), 0usize..=16, 0u8..20).prop_map(|(words, len, version)| {
        let raw = [words[0].to_le_bytes(), words[1].to_le_bytes()].concat();
        let mut bytes = Vec::with_capacity(len + 1);
        if version != 0 {
            bytes.push(0x01);
        }
        bytes.extend(raw[..len].iter().map(|&b| steer(b)));
        bytes
    });
    runner.run(&input, |bytes| check(&bytes)).unwrap();
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => any::<usize>().prop_map(Mutation::Remove),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match *m {
        Mutation::Set(i, b) => {
            if !bytes.is_empty() {
                bytes[i % len] = b;
            }
        }
        Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
        Mutation::Remove(i) => {
            if !bytes.is_empty() {
                bytes.remove(i % len);
            }
        }
        Mutation::Truncate(i) => bytes.truncate(i % len),
    }
}

#[test]
fn decode_never_panics_on_mutated_encodings() {
    let cases = (common::fuzz_cases(100_000) / 50).max(1);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let input = (common::graph(), prop::collection::vec(mutation(), 1..4));
    runner
        .run(&input, |(graph, mutations)| {
            let mut bytes = encode(&graph);
            for m in &mutations {
                apply(&mut bytes, m);
            }
            check(&bytes)
        })
        .unwrap();
}
