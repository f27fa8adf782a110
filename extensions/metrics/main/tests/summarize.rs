//! The metrics handler through a real router: typed arrays and Dates in, Dates, a Map and a
//! Uint32Array out, and clear errors for anything else.

use std::sync::Arc;

use ferrolens_ext_metrics::{summarize, MetricsMain, BUCKETS};
use ferrolens_ipc::value::{Date, Node, ViewKind};
use ferrolens_ipc::{
    Args, Channel, ErrorCode, ExtensionId, ExtensionMain, FrameMessage, Graph, InvokeOptions,
    Origin, Router, Transport,
};
use std::sync::Mutex;

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Graph>>>);

impl Transport for Recorder {
    fn deliver(&self, m: FrameMessage<'_>) {
        self.0.lock().unwrap().push(m.args.arg(0));
    }
}

fn samples(values: &[f64], since: f64) -> Args {
    let mut graph = Graph::new();
    let bytes: Vec<u8> = values.iter().flat_map(|x| x.to_le_bytes()).collect();
    let buffer = graph.add(Node::ArrayBuffer(bytes));
    let array = graph.view(ViewKind::Float64Array, buffer, 0, values.len());
    let date = graph.date(since);
    let root = graph.array(vec![array, date]);
    Args::from_graph(graph.with_root(root)).unwrap()
}

async fn call(args: Args) -> (Result<Graph, ferrolens_ipc::IpcError>, Vec<Graph>) {
    let recorder = Recorder::default();
    let router = Router::new(recorder.clone());
    let id = ExtensionId::new("metrics").unwrap();
    let ctx = router.activate(&id).unwrap();
    MetricsMain.on_activate(&ctx).unwrap();
    let channel = Channel::new("metrics:summarize").unwrap();
    let answer = router
        .invoke(
            &id,
            &channel,
            Origin::frame("main"),
            args,
            InvokeOptions::default(),
        )
        .await;
    let sent = recorder.0.lock().unwrap().clone();
    (answer, sent)
}

#[tokio::test]
async fn a_summary_carries_dates_and_a_typed_histogram() {
    let (answer, broadcasts) = call(samples(&[1.0, 2.0, 3.0, 4.0, f64::NAN], 1_000.0)).await;
    let summary = answer.unwrap();
    let root = summary.root();
    let number = |key: &str| summary.get(root, key).and_then(|v| v.as_f64());
    assert_eq!(number("count"), Some(4.0), "NaN is not counted");
    assert_eq!(
        (number("min"), number("max"), number("mean")),
        (Some(1.0), Some(4.0), Some(2.5))
    );
    let since = summary.get(root, "since").unwrap();
    assert!(matches!(summary.resolve(since), Some(Node::Date(t)) if *t == 1_000.0));
    let histogram = summary.get(root, "histogram").unwrap();
    match summary.resolve(histogram) {
        Some(Node::View(view)) => {
            assert_eq!((view.kind, view.length), (ViewKind::Uint32Array, BUCKETS));
        }
        other => panic!("histogram is {other:?}"),
    }
    let counts: u32 = summary
        .bytes_of(histogram)
        .unwrap()
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .sum();
    assert_eq!(counts, 4);
    assert_eq!(broadcasts.len(), 1, "every frame hears the update");
    assert!(
        matches!(broadcasts[0].resolve(broadcasts[0].root()), Some(Node::Map(m)) if m.len() == BUCKETS)
    );
}

#[tokio::test]
async fn anything_but_a_float64_array_is_refused_clearly() {
    let args = Args::new(vec![serde_json::json!([1, 2, 3])]);
    let (answer, broadcasts) = call(args).await;
    let err = answer.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed);
    assert_eq!(err.cause.unwrap().code.as_deref(), Some("INVALID_SAMPLES"));
    assert!(broadcasts.is_empty());
}

#[tokio::test]
async fn a_missing_date_is_a_bad_payload() {
    let mut graph = Graph::new();
    let bytes = graph.add(Node::ArrayBuffer(vec![0; 8]));
    let array = graph.view(ViewKind::Float64Array, bytes, 0, 1);
    let root = graph.array(vec![
        array,
        ferrolens_ipc::value::Value::string("yesterday"),
    ]);
    let (answer, _) = call(Args::from_graph(graph.with_root(root)).unwrap()).await;
    assert_eq!(answer.unwrap_err().code, ErrorCode::BadPayload);
}

#[test]
fn empty_samples_summarize_to_nulls() {
    let summary = summarize(&[], Date::new(0.0));
    let min = summary.get(summary.root(), "min").unwrap();
    assert!(min.is_null());
}
