//! Values through a raw invoke: structured values both ways, lone binary arguments as the body
//! itself, and large binary answers parked and taken once.

mod common;

use common::host::*;

#[test]
fn raw_invoke_keeps_structured_values_both_ways() {
    use ferrolens_ipc::value::{encode, Graph, Value as V};
    let host = host();
    let token = host.token("misbehaving");
    let mut graph = Graph::new();
    let bytes = graph.uint8_array(vec![0, 1, 254, 255]);
    let date = graph.date(1_700_000_000_000.0);
    let key = graph.object(vec![("k", V::Number(1.0))]);
    let map = graph.map(vec![(key, date.clone())]);
    let arg = graph.array(vec![bytes, date, map, V::Undefined, V::Number(f64::NAN)]);
    let root = graph.array(vec![arg]);
    let graph = graph.with_root(root);
    let call = format!("misbehaving {token} echo-arg");
    let headers = [("ferrolens-call", call.as_str())];
    let answer = raw_call(&host, "ferrolens_invoke_raw", &headers, encode(&graph));
    let expected = ferrolens_ipc::Args::from_graph(graph).unwrap().arg(0);
    assert_eq!(
        answer_value(answer),
        expected,
        "same graph back, Date, Map and bytes included"
    );

    let bad = raw_call(&host, "ferrolens_invoke_raw", &headers, vec![1, 0x7f]).unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD");
    assert!(error_message(&bad).contains("at byte 1"), "{bad}");
    let missing = raw_call(&host, "ferrolens_invoke_raw", &[], encode(&Graph::new())).unwrap_err();
    assert_eq!(code(&missing), "BAD_PAYLOAD");
    assert!(
        error_message(&missing).contains("header ferrolens-call is missing"),
        "{missing}"
    );
    // Two fields, four fields, an empty field: refused, naming the header's form.
    let two = format!("misbehaving {token}");
    let four = format!("misbehaving {token} echo-arg extra");
    let empty = format!("misbehaving  {token} echo-arg");
    for value in [two, four, empty] {
        let bad = raw_call(
            &host,
            "ferrolens_invoke_raw",
            &[("ferrolens-call", value.as_str())],
            encode(&Graph::new()),
        )
        .unwrap_err();
        assert_eq!(code(&bad), "BAD_PAYLOAD", "{value}");
        let message = error_message(&bad);
        assert!(
            message.contains("must be \"<extension> <token> <channel>\""),
            "{bad}"
        );
        assert!(
            !message.contains(token.as_str()),
            "the token is not echoed: {bad}"
        );
    }
}

#[test]
fn a_lone_binary_argument_sent_as_the_body_itself_arrives_as_that_value() {
    use ferrolens_ipc::value::Graph;
    let host = host();
    let token = host.token("misbehaving");
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let call = |kind: &str, body: Vec<u8>| {
        let call = format!("misbehaving {token} echo-arg");
        let headers = [("ferrolens-call", call.as_str()), ("ferrolens-args", kind)];
        raw_call(&host, "ferrolens_invoke_raw", &headers, body)
    };
    let mut uint8 = Graph::new();
    let root = uint8.uint8_array(bytes.clone());
    let uint8 = uint8.with_root(root);
    let mut buffer = Graph::new();
    let root = buffer.array_buffer(bytes.clone());
    let buffer = buffer.with_root(root);
    for (kind, expected) in [("uint8array", uint8.clone()), ("arraybuffer", buffer)] {
        assert_eq!(answer_value(call(kind, bytes.clone())), expected, "{kind}");
    }
    // The answer is the bytes themselves, then the form byte: no wire format around them,
    // however the argument came (here, inside a wire-format message).
    let message = ferrolens_ipc::value::encode(&{
        let mut args = uint8.clone();
        let root = args.root().clone();
        let list = args.array(vec![root]);
        args.with_root(list)
    });
    for (what, body, kind) in [
        ("body", bytes.clone(), Some("uint8array")),
        ("message", message, None),
    ] {
        let call = format!("misbehaving {token} echo-arg");
        let mut headers = vec![("ferrolens-call", call.as_str())];
        headers.extend(kind.map(|kind| ("ferrolens-args", kind)));
        let Ok(tauri::ipc::InvokeResponseBody::Raw(answer)) =
            raw_call(&host, "ferrolens_invoke_raw", &headers, body)
        else {
            panic!("{what}: no raw answer");
        };
        assert_eq!(answer.len(), bytes.len() + 1, "{what}");
        assert_eq!(answer[..bytes.len()], bytes[..], "{what}");
        assert_eq!(
            answer.last(),
            Some(&ferrolens_app::commands::answer_form::UINT8_ARRAY),
            "{what}"
        );
    }
    // Any other kind is refused by name, not read as a wire-format message.
    let bad = call("float64array", bytes).unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD");
    let message = error_message(&bad);
    assert!(
        message.contains("ferrolens-args") && message.contains("\"float64array\""),
        "{bad}"
    );
}

#[test]
fn a_large_binary_answer_is_parked_and_taken_once_by_its_frame_and_extension() {
    use ferrolens_app::commands::{answer_form, PARK_MIN};
    let host = host();
    let [token, example] = host.tokens(["misbehaving", "example"]);
    let bytes: Vec<u8> = (0..PARK_MIN).map(|i| (i % 251) as u8).collect();
    let call = format!("misbehaving {token} echo-arg");
    let headers = [
        ("ferrolens-call", call.as_str()),
        ("ferrolens-args", "uint8array"),
    ];
    let Ok(tauri::ipc::InvokeResponseBody::Raw(body)) =
        raw_call(&host, "ferrolens_invoke_raw", &headers, bytes.clone())
    else {
        panic!("no raw answer");
    };
    // The ticket (8 bytes, little endian), the kind, then the form.
    assert_eq!(body.len(), 10, "{body:?}");
    assert_eq!(body[8..], [answer_form::UINT8_ARRAY, answer_form::PARKED]);
    let ticket = u64::from_le_bytes(body[..8].try_into().unwrap()).to_string();
    let take = |call: &str| {
        let headers = [
            ("ferrolens-call", call),
            ("ferrolens-answer", ticket.as_str()),
        ];
        raw_call(&host, "ferrolens_take_answer", &headers, Vec::new())
    };
    // Another extension cannot take it, and it stays parked.
    let other = format!("example {example} echo-arg");
    let refused = take(&other).unwrap_err();
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let Ok(tauri::ipc::InvokeResponseBody::Raw(taken)) = take(&call) else {
        panic!("the parked answer was not taken");
    };
    assert_eq!(taken, bytes, "the bytes alone");
    let again = take(&call).unwrap_err();
    assert_eq!(code(&again), "BAD_PAYLOAD");
    assert!(
        error_message(&again).contains("no answer is parked"),
        "{again}"
    );
    // Without the ticket, or with a token that is not the frame's, nothing is taken.
    let headers = [("ferrolens-call", call.as_str())];
    let missing = raw_call(&host, "ferrolens_take_answer", &headers, Vec::new()).unwrap_err();
    assert!(
        error_message(&missing).contains("ferrolens-answer"),
        "{missing}"
    );
    let forged = take("misbehaving not-the-token echo-arg").unwrap_err();
    assert_eq!(code(&forged), "FORBIDDEN", "{forged}");
}

#[test]
fn a_component_main_part_reads_the_frames_bytes_and_answers_through_a_raw_invoke() {
    use ferrolens_ipc::value::encode;
    use ferrolens_ipc::Args;
    // `notes` is a WebAssembly component: its handlers take the body as the frame sent it and
    // answer the bytes the guest wrote, and the SDK's reading of the answer is unchanged.
    let host = host();
    let token = host.token("notes");
    let raw = |channel: &str, body: Vec<u8>| {
        let call = format!("notes {token} {channel}");
        raw_call(
            &host,
            "ferrolens_invoke_raw",
            &[("ferrolens-call", call.as_str())],
            body,
        )
    };
    let note = serde_json::json!({"title": "bytes", "body": "through", "tags": ["wasm"]});
    let saved = raw("notes:put", Args::new(vec![note.clone()]).encode());
    assert_eq!(
        answer_value(saved).to_json().unwrap(),
        serde_json::json!({"title": "bytes", "preview": "through", "tags": ["wasm"]})
    );
    let got = raw(
        "notes:get",
        Args::new(vec![serde_json::json!("bytes")]).encode(),
    );
    assert_eq!(answer_value(got).to_json().unwrap(), note);

    // Undecodable and not an argument list: refused by the guest's decoder, naming what is
    // wrong, at the channel; the instance goes on.
    let bad = raw("notes:get", vec![1, 0x7f]).unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD", "{bad}");
    assert!(
        error_message(&bad).contains("could not be decoded"),
        "{bad}"
    );
    let not_a_list = raw(
        "notes:get",
        encode(&ferrolens_ipc::Graph::from(serde_json::json!(7))),
    );
    let not_a_list = not_a_list.unwrap_err();
    assert_eq!(code(&not_a_list), "BAD_PAYLOAD", "{not_a_list}");
    assert!(
        error_message(&not_a_list).contains("must be an array"),
        "{not_a_list}"
    );
    let listed = raw("notes:list", Args::default().encode());
    assert_eq!(answer_value(listed).to_json().unwrap()[0]["title"], "bytes");
}
