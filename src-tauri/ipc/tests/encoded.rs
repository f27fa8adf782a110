//! Handlers that take and answer the wire format (`Ipc::handle_encoded`, what the WebAssembly
//! host registers): the router passes bytes through untouched, converts when the two sides
//! differ, and keeps every invoke rule (errors, panics, the observer).

use std::sync::Arc;

use ferrolens_ipc::{
    Answer, Args, CallArgs, Channel, Encoded, ErrorCode, ExtensionId, FrameMessage, Graph,
    InvokeOptions, Kind, Observation, Observer, Origin, Payload, Router, Transport,
};
use parking_lot::Mutex;
use serde_json::json;

struct Nowhere;

impl Transport for Nowhere {
    fn deliver(&self, _message: FrameMessage<'_>) {}
}

fn id() -> ExtensionId {
    ExtensionId::new("wasm-part").unwrap()
}

async fn call(
    router: &Router,
    channel: &str,
    args: CallArgs,
) -> Result<Answer, ferrolens_ipc::IpcError> {
    let channel = Channel::new(channel).unwrap();
    router
        .call(
            &id(),
            &channel,
            Origin::frame("main"),
            args,
            InvokeOptions::default(),
        )
        .await
}

/// Not the wire format at all: only a handler that never decodes can see it arrive intact.
const NOT_WIRE: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];

#[tokio::test]
async fn an_encoded_handler_gets_the_frames_bytes_and_its_answer_goes_back_as_written() {
    let router = Router::new(Nowhere);
    let ipc = router.activate(&id()).unwrap().ipc();
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    ipc.handle_encoded("echo", move |_event, args| {
        seen.lock().push(args.as_bytes().to_vec());
        async move { Ok(Encoded::new(vec![9, 8, 7])) }
    })
    .unwrap();
    assert!(router.takes_encoded(&id(), &Channel::new("echo").unwrap()));

    let answer = call(&router, "echo", Encoded::new(NOT_WIRE.to_vec()).into()).await;
    assert_eq!(
        answer.unwrap(),
        Answer::Encoded(Encoded::new(vec![9, 8, 7]))
    );
    assert_eq!(
        *got.lock(),
        [NOT_WIRE.to_vec()],
        "the bytes reached it unchanged"
    );
}

#[tokio::test]
async fn decoded_arguments_reach_an_encoded_handler_encoded_and_invoke_decodes_its_answer() {
    let router = Router::new(Nowhere);
    let ipc = router.activate(&id()).unwrap().ipc();
    ipc.handle_encoded("echo", |_event, args| async move { Ok(args) })
        .unwrap();
    ipc.handle_encoded("garbled", |_event, _args| async move {
        Ok(Encoded::new(NOT_WIRE.to_vec()))
    })
    .unwrap();
    let args = Args::new(vec![json!({"a": [1, "b"]}), json!(null)]);
    let (echo, garbled) = (
        Channel::new("echo").unwrap(),
        Channel::new("garbled").unwrap(),
    );
    let answer = router
        .invoke(
            &id(),
            &echo,
            Origin::Main,
            args.clone(),
            InvokeOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        answer,
        *args.graph(),
        "encoded on the way in, decoded on the way out"
    );

    let err = router
        .invoke(
            &id(),
            &garbled,
            Origin::Main,
            args,
            InvokeOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadPayload);
    assert!(err.message.contains("answer could not be decoded"), "{err}");
    assert_eq!(err.channel.as_deref(), Some("garbled"));
}

#[tokio::test]
async fn encoded_arguments_reach_a_decoded_handler_decoded_or_are_refused_by_name() {
    let router = Router::new(Nowhere);
    let ipc = router.activate(&id()).unwrap().ipc();
    ipc.handle("add", |_event, args| async move {
        Ok(args.get::<i64>(0)? + args.get::<i64>(1)?)
    })
    .unwrap();
    assert!(!router.takes_encoded(&id(), &Channel::new("add").unwrap()));
    let bytes = Encoded::new(Args::new(vec![json!(40), json!(2)]).encode());
    match call(&router, "add", bytes.into()).await.unwrap() {
        Answer::Value(value) => assert_eq!(value.to_json().unwrap(), json!(42)),
        other => panic!("a decoded handler answers a value, not {other:?}"),
    }

    let err = call(&router, "add", Encoded::new(NOT_WIRE.to_vec()).into())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadPayload);
    assert!(
        err.message.contains("arguments could not be decoded"),
        "{err}"
    );
    assert_eq!(err.channel.as_deref(), Some("add"));
}

#[tokio::test]
async fn an_encoded_handler_keeps_the_rules_of_every_handler() {
    let router = Router::new(Nowhere);
    let ipc = router.activate(&id()).unwrap().ipc();
    ipc.handle_encoded("boom", |_event, _args| -> std::future::Ready<_> {
        panic!("the guest host broke")
    })
    .unwrap();
    ipc.handle_encoded("late-boom", |_event, _args| async move {
        if true {
            panic!("broke while answering");
        }
        Ok(Encoded::default())
    })
    .unwrap();
    // One handler per channel, whichever kind registers first.
    let twice = ipc
        .handle("boom", |_event, _args| async { Ok(()) })
        .unwrap_err();
    assert_eq!(twice.code, ErrorCode::HandlerExists);
    ipc.handle("typed", |_event, _args| async { Ok(()) })
        .unwrap();
    let twice = ipc
        .handle_encoded("typed", |_event, args| async move { Ok(args) })
        .unwrap_err();
    assert_eq!(twice.code, ErrorCode::HandlerExists);

    for (channel, says) in [
        ("boom", "the guest host broke"),
        ("late-boom", "broke while answering"),
    ] {
        let err = call(&router, channel, Encoded::default().into())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::HandlerPanicked, "{channel}");
        assert!(err.message.contains(says), "{err}");
    }
    let err = call(&router, "none", Encoded::default().into())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NoHandler);
    assert!(!router.takes_encoded(&id(), &Channel::new("none").unwrap()));
}

/// One observed message: its kind, and its bytes when its payload was passed through encoded.
type Sighting = (Kind, Option<Vec<u8>>);

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Sighting>>>);

impl Observer for Seen {
    fn observing(&self) -> bool {
        true
    }
    fn observe(&self, o: &Observation<'_>) {
        let bytes = match o.payload {
            Payload::Encoded(bytes) => Some(bytes.to_vec()),
            _ => None,
        };
        self.0.lock().push((o.kind, bytes));
    }
}

#[tokio::test]
async fn an_observer_sees_passed_through_payloads_as_their_bytes() {
    let router = Router::new(Nowhere);
    let seen = Seen::default();
    router.set_observer(seen.clone());
    let ipc = router.activate(&id()).unwrap().ipc();
    ipc.handle_encoded("echo", |_event, args| async move { Ok(args) })
        .unwrap();
    let bytes = Encoded::new(ferrolens_ipc::value::encode(&Graph::from(json!(["hi"]))));
    call(&router, "echo", bytes.clone().into()).await.unwrap();
    assert_eq!(
        *seen.0.lock(),
        [
            (Kind::Invoke, Some(bytes.as_bytes().to_vec())),
            (Kind::Reply, Some(bytes.as_bytes().to_vec())),
        ]
    );
}
