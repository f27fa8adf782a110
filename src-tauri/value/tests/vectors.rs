//! The shared test vectors: `tests/vectors/vectors.json` (written by the JavaScript codec's
//! `tests/vectors/generate.mjs`), where every vector decodes and re-encodes byte-identically;
//! and `tests/vectors/refusals.json` (written by `tests/vectors/refusals.mjs`), byte strings
//! refused with the same kind at the same offset as the JavaScript decoder refuses them.

use std::path::PathBuf;

use ferrolens_value::{decode, encode, from_graph, Graph};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn vectors_path() -> PathBuf {
    vectors_dir().join("vectors.json")
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

/// The bytes of a refusal case: `hex`, then `repeat.hex` `repeat.times` times, then `suffix`.
fn refusal_bytes(case: &serde_json::Value) -> Option<Vec<u8>> {
    let mut bytes = unhex(case["hex"].as_str()?)?;
    if let Some(repeat) = case.get("repeat") {
        let unit = unhex(repeat["hex"].as_str()?)?;
        for _ in 0..repeat["times"].as_u64()? {
            bytes.extend_from_slice(&unit);
        }
    }
    if let Some(suffix) = case.get("suffix") {
        bytes.extend(unhex(suffix.as_str()?)?);
    }
    Some(bytes)
}

#[test]
fn every_refusal_vector_is_refused_with_its_kind_at_its_offset() {
    let text = std::fs::read_to_string(vectors_dir().join("refusals.json"))
        .expect("tests/vectors/refusals.json is readable");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&text).expect("refusals.json is a JSON array");
    assert!(cases.len() >= 40, "refusals.json has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("(unnamed)");
        let Some(bytes) = refusal_bytes(case) else {
            failures.push(format!("{name}: its bytes are not hex"));
            continue;
        };
        let want = format!(
            "{} at {}",
            case["kind"].as_str().unwrap_or("?"),
            case["offset"].as_u64().unwrap_or(u64::MAX)
        );
        match decode(&bytes) {
            Ok(_) => failures.push(format!("{name}: decoded")),
            Err(err) => {
                let got = format!("{} at {}", err.kind.code(), err.offset);
                if got != want {
                    failures.push(format!("{name}: {got} ({err}), not {want}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} refusals differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
