//! The extension IPC commands: broadcast, invoke, cancel and reply.
//!
//! Broadcast and invoke come in the raw form only: the arguments travel as the request's raw
//! body in the structured-clone wire format, the call's fields as headers, and an answer comes
//! back as raw bytes. A reply comes raw (a value) or as JSON (an error, or a JSON value).

use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ferrolens_ipc::{
    Answer, CallArgs, Channel, Encoded, ErrorCode, ExtensionId, Graph, InvokeOptions, IpcError,
};
use serde_json::Value as JsonValue;
use tauri::ipc::{Invoke, InvokeBody, InvokeError, InvokeMessage, Request, Response};
use tauri::{Manager, Runtime, State, Webview};
use tokio_util::sync::CancellationToken;

use super::answer::answer_body;
use super::authorize::authorize;
use super::call::{
    body_len, call_header, call_header_fields, header, parsed, raw_args, CallHeader,
};
use super::parked::Parked;
use super::senders::{on_worker, Senders};
use super::InFlight;
use crate::frames::Frames;
use crate::limits::MessageLimit;
use crate::manager::ExtensionManager;
use crate::runtime::{in_runtime, wait_for_main_thread};

/// Header names of the raw commands.
pub use ferrolens_ipc::protocol::header;

/// Runs an invoke: checks the call, then takes its arguments from `args` (given the extension
/// and channel, once the call is known to be allowed), then awaits main's handler.
#[allow(clippy::too_many_arguments)] // the app's states and the call's fields
async fn invoke<R: Runtime, F: Future<Output = Result<CallArgs, IpcError>>>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    frames: &Frames,
    in_flight: &InFlight,
    call: CallHeader,
    args: impl FnOnce(&ExtensionId, &Channel) -> F,
    timeout_ms: Option<u64>,
    call_id: Option<String>,
) -> Result<(ExtensionId, Answer), IpcError> {
    let (id, channel, origin) = authorize(webview, manager, frames, &call)?;
    let args = args(&id, &channel).await.map_err(|e| e.at(&id, &channel))?;
    let cancel = CancellationToken::new();
    let key = call_id.map(|call| (webview.label().to_string(), id.to_string(), call));
    if let Some(key) = &key {
        in_flight.insert(key.clone(), cancel.clone());
    }
    let options = InvokeOptions {
        timeout: timeout_ms.map(Duration::from_millis),
        cancel: Some(cancel),
    };
    let answer = manager
        .router()
        .call(&id, &channel, origin, args, options)
        .await;
    if let Some(key) = &key {
        in_flight.remove(key);
    }
    Ok((id, answer?))
}

/// The name of the raw broadcast command, which [`dispatch_broadcast_raw`] answers.
pub use ferrolens_ipc::protocol::command::BROADCAST_RAW;

/// Answers a `ferrolens_broadcast_raw` call (the SDK's broadcast): checked where it arrives,
/// then decoded and delivered in the sender's fair share ([`Senders`]), in the order sent.
pub fn dispatch_broadcast_raw<R: Runtime>(invoke: Invoke<R>) {
    let Invoke {
        message, resolver, ..
    } = invoke;
    let webview = message.webview();
    let (Some(manager), Some(frames), Some(senders), Some(limit)) = (
        webview.try_state::<ExtensionManager>(),
        webview.try_state::<Frames>(),
        webview.try_state::<Senders>(),
        webview.try_state::<MessageLimit>(),
    ) else {
        return resolver.reject("Ferrolens's extension manager is not running");
    };
    let checked = call_header(message.headers())
        .and_then(|call| authorize(&webview, &manager, &frames, &call));
    let (id, channel, origin) = match checked {
        Ok(checked) => checked,
        Err(err) => return resolver.respond(Err::<(), _>(InvokeError::from(err))),
    };
    let size = body_len(message.payload());
    // Before it is queued, let alone decoded.
    if let Err(err) = limit.check(size) {
        return resolver.respond(Err::<(), _>(InvokeError::from(err.at(&id, &channel))));
    }
    let frame = webview.label().to_string();
    let sender = id.clone();
    let app = webview.app_handle().clone();
    senders.run(
        &frame,
        &sender,
        size,
        Box::new(move |accepted| {
            let done = accepted.and_then(|()| {
                let manager = app.state::<ExtensionManager>();
                let args = raw_args(message.headers(), message.payload())
                    .map_err(|e| e.at(&id, &channel))?;
                // Main's listeners run here: give them the async runtime.
                in_runtime(|| manager.router().broadcast(&id, &channel, origin, &args))
            });
            // Delivering to frames is work queued on the main thread; a sender's next
            // broadcast waits for it, so a flood keeps one broadcast's deliveries at a time
            // ahead of everyone else's calls there, rather than all it could send.
            if on_worker() {
                wait_for_main_thread(&app);
            }
            resolver.respond(done.map_err(InvokeError::from));
        }),
    );
}

/// The name of the raw invoke command, which [`dispatch_invoke_raw`] answers.
pub use ferrolens_ipc::protocol::command::INVOKE_RAW;

/// Answers a `ferrolens_invoke_raw` call (the SDK's invoke).
///
/// Why not a `#[tauri::command]`: an async command always answers from the async runtime, so
/// even a handler that is done at once costs a hop to a worker thread and another back to the
/// main loop, most of a small call's overhead. This polls the call once on the thread that
/// received it (the main thread, inside the async runtime's context) and answers right there
/// when it is ready; only a call that has to wait moves to the runtime.
pub fn dispatch_invoke_raw<R: Runtime>(invoke: Invoke<R>) {
    let Invoke {
        message, resolver, ..
    } = invoke;
    let call = async move {
        let webview = message.webview();
        let (
            Some(manager),
            Some(frames),
            Some(in_flight),
            Some(parked),
            Some(senders),
            Some(limit),
        ) = (
            webview.try_state::<ExtensionManager>(),
            webview.try_state::<Frames>(),
            webview.try_state::<InFlight>(),
            webview.try_state::<Parked>(),
            webview.try_state::<Senders>(),
            webview.try_state::<MessageLimit>(),
        )
        else {
            return Err(InvokeError::from(
                "Ferrolens's extension manager is not running",
            ));
        };
        let answer = invoke_raw(
            &webview, &manager, &frames, &in_flight, &parked, &senders, &limit, message,
        )
        .await;
        answer.map_err(InvokeError::from)
    };
    let mut call = Box::pin(call);
    let mut context = Context::from_waker(Waker::noop());
    match in_runtime(|| call.as_mut().poll(&mut context)) {
        Poll::Ready(answer) => resolver.respond(answer),
        Poll::Pending => resolver.respond_async(call),
    }
}

#[allow(clippy::too_many_arguments)] // the app's states, and the call
async fn invoke_raw<R: Runtime>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    frames: &Frames,
    in_flight: &InFlight,
    parked: &Parked,
    senders: &Senders,
    limit: &MessageLimit,
    message: InvokeMessage<R>,
) -> Result<Response, IpcError> {
    let headers = message.headers();
    let call = call_header(headers)?;
    let timeout_ms = parsed(headers, header::TIMEOUT_MS)?;
    let call_id = header(headers, header::CALL_ID)?.map(str::to_string);
    let answer = invoke(
        webview,
        manager,
        frames,
        in_flight,
        call,
        |id, channel| {
            // A handler that decodes for itself gets the frame's bytes as they came.
            let encoded = manager.router().takes_encoded(id, channel);
            args_fairly(senders, limit, webview.label(), id, encoded, message)
        },
        timeout_ms,
        call_id,
    )
    .await?;
    let (id, answer) = answer;
    let frame = webview.label();
    let body = answer_body(answer, |bytes| parked.park(frame, &id, bytes));
    Ok(Response::new(body))
}

/// An invoke's arguments, taken in the sender's fair share: here and now when the body is
/// small and the sender idle, else off the receiving thread (the body moves there with its
/// message, uncopied). Decoded, unless `encoded` asks for a wire-format body as it came. A body
/// over `limit` is refused before it is queued.
fn args_fairly<R: Runtime>(
    senders: &Senders,
    limit: &MessageLimit,
    frame: &str,
    id: &ExtensionId,
    encoded: bool,
    message: InvokeMessage<R>,
) -> impl Future<Output = Result<CallArgs, IpcError>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let size = body_len(message.payload());
    if let Err(err) = limit.check(size) {
        let _ = tx.send(Err(err));
    } else {
        senders.run(
            frame,
            id,
            size,
            Box::new(move |accepted| {
                let args = accepted.and_then(|()| {
                    let (headers, body) = (message.headers(), message.payload());
                    match body {
                        InvokeBody::Raw(bytes)
                            if encoded && header(headers, header::ARGS)?.is_none() =>
                        {
                            Ok(CallArgs::Encoded(Encoded::new(bytes.clone())))
                        }
                        _ => raw_args(headers, body).map(CallArgs::Decoded),
                    }
                });
                // The caller may be gone (cancelled, timed out): nothing to answer then.
                let _ = tx.send(args);
            }),
        );
    }
    async move {
        rx.await.unwrap_or_else(|_| {
            Err(IpcError::new(
                ErrorCode::BadPayload,
                "the arguments could not be decoded: the decoder stopped",
            ))
        })
    }
}

/// Takes a parked answer (form `PARKED`, see `answer.rs`): its bytes alone are the answer body.
/// The call's header is the invoke's own, and only its frame and extension may take it.
#[tauri::command]
pub fn ferrolens_take_answer<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    parked: State<'_, Parked>,
    request: Request<'_>,
) -> Result<Response, IpcError> {
    let headers = request.headers();
    let (id, channel, _) = authorize(&webview, &manager, &frames, &call_header(headers)?)?;
    let ticket = parsed(headers, header::ANSWER)?.ok_or_else(|| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "header {} (the parked answer's ticket) is missing",
                header::ANSWER
            ),
        )
    })?;
    let bytes = parked
        .take(webview.label(), &id, ticket)
        .map_err(|e| e.at(&id, &channel))?;
    Ok(Response::new(bytes))
}

#[tauri::command]
pub fn ferrolens_cancel<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    in_flight: State<'_, InFlight>,
    extension: String,
    token: String,
    call_id: String,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    frames.check(webview.label(), &id, &token, manager.activation(&id))?;
    if let Some(cancel) = in_flight.remove(&(webview.label().to_string(), id.to_string(), call_id))
    {
        cancel.cancel();
    }
    Ok(())
}

/// Checks the replying frame's capability, and only then takes the reply from `reply` (which
/// may decode a body) and hands it to the waiting request.
fn reply<R: Runtime>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    frames: &Frames,
    extension: &str,
    token: &str,
    request: u64,
    reply: impl FnOnce() -> Result<Graph, IpcError>,
) -> Result<(), IpcError> {
    let id = manager.require_known(extension)?;
    let frame = webview.label();
    frames.check(frame, &id, token, manager.activation(&id))?;
    manager.router().reply(request, &id, frame, reply())
}

/// A frame's answer to a main-to-frame request: `value`, or `error` (an IpcError-shaped
/// object; its `code` is kept when it is one of ours, else `HANDLER_FAILED`).
#[allow(clippy::too_many_arguments)] // one per protocol field, as JS names them
#[tauri::command]
pub fn ferrolens_reply<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
    token: String,
    request: u64,
    value: Option<JsonValue>,
    error: Option<JsonValue>,
) -> Result<(), IpcError> {
    let answer = match error {
        None => Ok(Graph::from(value.unwrap_or(JsonValue::Null))),
        Some(error) => Err(
            serde_json::from_value::<IpcError>(error.clone()).unwrap_or_else(|_| {
                let message = error
                    .get("message")
                    .and_then(JsonValue::as_str)
                    .unwrap_or("the frame's handler failed");
                IpcError::new(ErrorCode::HandlerFailed, message.to_string())
            }),
        ),
    };
    reply(
        &webview,
        &manager,
        &frames,
        &extension,
        &token,
        request,
        || answer,
    )
}

/// A frame's successful answer to a main-to-frame request, as raw wire-format bytes.
#[tauri::command]
pub fn ferrolens_reply_raw<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    limit: State<'_, MessageLimit>,
    request: Request<'_>,
) -> Result<(), IpcError> {
    let [extension, token, id] = call_header_fields(request.headers(), "request")?;
    let id: u64 = id.parse().map_err(|_| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "the request in header {} is not a number: {id:?}",
                header::CALL
            ),
        )
    })?;
    let answer = || match request.body() {
        InvokeBody::Raw(bytes) => limit.check(bytes.len()).and_then(|()| {
            ferrolens_ipc::value::decode(bytes).map_err(|err| {
                IpcError::new(
                    ErrorCode::BadPayload,
                    format!("the reply could not be decoded: {err}"),
                )
            })
        }),
        InvokeBody::Json(json) => Ok(Graph::from(json.clone())),
    };
    reply(&webview, &manager, &frames, &extension, &token, id, answer)
}
