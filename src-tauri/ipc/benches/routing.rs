//! Micro-benchmarks of the IPC core's hot paths: routing a broadcast to main listeners, the
//! invoke dispatch, and the registry's listen/dispose. `cargo bench -p ferrolens-ipc`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ferrolens_ipc::{
    Args, Channel, ExtensionId, FrameMessage, IntoArgs, InvokeOptions, Origin, Router, Transport,
};

/// A transport that reaches no frame, so only the core is measured.
struct Nowhere;

impl Transport for Nowhere {
    fn deliver(&self, message: FrameMessage<'_>) {
        black_box(message.args.len());
    }
}

fn broadcast(c: &mut Criterion) {
    let mut group = c.benchmark_group("broadcast to main listeners");
    for listeners in [0usize, 1, 16] {
        let router = Router::with_grace(Nowhere, Duration::from_millis(10));
        let id = ExtensionId::new("bench").unwrap();
        let ipc = router.activate(&id).unwrap().ipc();
        for _ in 0..listeners {
            let _ = ipc
                .listen("tick", |_, args| {
                    black_box(args.len());
                })
                .unwrap();
        }
        let channel = Channel::new("tick").unwrap();
        let args = (1u32, "payload").into_args().unwrap();
        group.bench_with_input(
            BenchmarkId::from_parameter(listeners),
            &listeners,
            |b, _| b.iter(|| router.broadcast(&id, &channel, Origin::Main, black_box(&args))),
        );
    }
    group.finish();
}

fn invoke(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let router = Router::with_grace(Nowhere, Duration::from_millis(10));
    let id = ExtensionId::new("bench").unwrap();
    let ipc = router.activate(&id).unwrap().ipc();
    ipc.handle("echo", |_, args| async move { Ok(args.arg(0)) })
        .unwrap();
    let channel = Channel::new("echo").unwrap();
    c.bench_function("invoke echo handler", |b| {
        b.to_async(&runtime).iter(|| {
            let args = Args::new(vec![serde_json::Value::from(1)]);
            router.invoke(
                &id,
                &channel,
                Origin::frame("main"),
                args,
                InvokeOptions::default(),
            )
        })
    });
}

fn listen_dispose(c: &mut Criterion) {
    let router = Router::with_grace(Nowhere, Duration::from_millis(10));
    let id = ExtensionId::new("bench").unwrap();
    let ipc = router.activate(&id).unwrap().ipc();
    c.bench_function("listen + dispose", |b| {
        b.iter(|| ipc.listen("churn", |_, _| {}).unwrap().dispose())
    });
}

criterion_group!(benches, broadcast, invoke, listen_dispose);
criterion_main!(benches);
