//! Main part of the `metrics` sample: summarizes samples the renderer sends as a
//! `Float64Array` with a `Date`, and answers with structured values a JSON IPC could not carry:
//! `Date`s, a `Map` and a `Uint32Array` histogram. It also broadcasts each summary's `Map`.

use ferrolens_ipc::value::{Date, Node, Value, ViewKind};
use ferrolens_ipc::{ExtensionContext, ExtensionMain, Graph, HandlerError, MainPart};

/// Registers this main part under the manifest's `"main": "metrics"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "metrics",
    build: || Box::new(MetricsMain),
};

/// Histogram buckets of a summary.
pub const BUCKETS: usize = 8;

/// The extension's main class.
pub struct MetricsMain;

impl ExtensionMain for MetricsMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let ipc = ctx.ipc();
        let announce = ipc.clone();
        ipc.handle("metrics:summarize", move |_, args| {
            let summary = samples_of(&args).map(|(samples, since)| summarize(&samples, since));
            if let Ok(summary) = &summary {
                // Every frame hears the per-bucket counts, as a Map.
                let _ = announce.broadcast("metrics:updated", (bucket_map(summary),));
            }
            async move { summary }
        })?;
        Ok(())
    }
}

/// Reads argument 0 (a `Float64Array`) and argument 1 (a `Date`).
fn samples_of(args: &ferrolens_ipc::Args) -> Result<(Vec<f64>, Date), HandlerError> {
    let graph = args.graph();
    let invalid = |why: &str| HandlerError::new("TypeError", why).with_code("INVALID_SAMPLES");
    let samples = args
        .value(0)
        .and_then(|value| match graph.resolve(value) {
            Some(Node::View(view)) if view.kind == ViewKind::Float64Array => graph.view_bytes(view),
            _ => None,
        })
        .ok_or_else(|| invalid("argument 0 must be a Float64Array"))?;
    let samples = samples
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8")))
        .collect();
    let since: Date = args.get(1)?;
    Ok((samples, since))
}

/// A summary of `samples` as a graph: `{ count, min, max, mean, since, at, histogram }`.
pub fn summarize(samples: &[f64], since: Date) -> Graph {
    let finite: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    let (min, max) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let mean = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
    let mut histogram = [0u32; BUCKETS];
    for &x in &finite {
        let span = (max - min).max(f64::MIN_POSITIVE);
        let bucket = (((x - min) / span) * BUCKETS as f64) as usize;
        histogram[bucket.min(BUCKETS - 1)] += 1;
    }
    let mut graph = Graph::new();
    let bytes: Vec<u8> = histogram.iter().flat_map(|n| n.to_le_bytes()).collect();
    let buffer = graph.add(Node::ArrayBuffer(bytes));
    let histogram = graph.view(ViewKind::Uint32Array, buffer, 0, BUCKETS);
    let since = graph.date(since.time());
    let at = graph.date(Date::now().time());
    let number = |x: f64| {
        if finite.is_empty() {
            Value::Null
        } else {
            Value::Number(x)
        }
    };
    let root = graph.object(vec![
        ("count", Value::Number(finite.len() as f64)),
        ("min", number(min)),
        ("max", number(max)),
        ("mean", number(mean)),
        ("since", since),
        ("at", at),
        ("histogram", histogram),
    ]);
    graph.with_root(root)
}

/// The histogram of a summary as `Map<bucket index, count>`.
fn bucket_map(summary: &Graph) -> Graph {
    let counts: Vec<u32> = summary
        .get(summary.root(), "histogram")
        .and_then(|h| summary.bytes_of(h))
        .map(|b| {
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().expect("chunks of 4")))
                .collect()
        })
        .unwrap_or_default();
    let mut graph = Graph::new();
    let entries = counts
        .iter()
        .enumerate()
        .map(|(i, n)| (Value::Number(i as f64), Value::Number(*n as f64)))
        .collect();
    let root = graph.map(entries);
    graph.with_root(root)
}
