//! The shared test vectors (`tests/vectors/vectors.json`, written by the JavaScript codec's
//! `tests/vectors/generate.mjs`): every vector decodes and re-encodes byte-identically. When the
//! file is absent the test says so and passes.

use std::path::PathBuf;

use ferrolens_value::{decode, encode, from_graph, Graph};

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/vectors.json")
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[test]
fn every_vector_decodes_and_re_encodes_byte_identically() {
    let path = vectors_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("no test vectors at {}: skipped", path.display());
        return;
    };
    let vectors: Vec<serde_json::Value> =
        serde_json::from_str(&text).expect("vectors.json is a JSON array");
    assert!(!vectors.is_empty(), "vectors.json has no vectors");
    let mut failures = Vec::new();
    for vector in &vectors {
        let name = vector["name"].as_str().unwrap_or("(unnamed)");
        let Some(bytes) = vector["hex"].as_str().and_then(unhex) else {
            failures.push(format!("{name}: hex is missing or not hex"));
            continue;
        };
        let graph = match decode(&bytes) {
            Ok(graph) => graph,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        let again = encode(&graph);
        if again != bytes {
            let at = again.iter().zip(&bytes).take_while(|(a, b)| a == b).count();
            failures.push(format!(
                "{name}: re-encoding differs from byte {at} ({} bytes vs {})",
                again.len(),
                bytes.len()
            ));
        }
        // The typed paths must not panic on any of them.
        let _ = graph.to_json();
        let _ = from_graph::<serde_json::Value>(&graph);
        let sub: Graph = from_graph(&graph).expect("any value reads as a Graph");
        assert_eq!(sub, graph, "{name}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}
