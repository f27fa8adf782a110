//! A realm's own channel to the core: its page posts its commands to its own origin,
//! `ferrolens-ext://<host>/.ferrolens/ipc/<command>`, and the core hands them to the same Tauri
//! command handlers the shell's page calls, answered as Tauri's IPC protocol answers.
//!
//! Who calls is what the browser says, never what the realm says: the webview the request came
//! from (the frame) and its `Origin` header, which page script cannot set. A request whose
//! origin is not the host it was sent to (another realm, the shell, a worker of another
//! origin) is refused. The core then writes the extension's id and its capability in that
//! frame into the call itself, so a realm never holds a token, and passes on only the
//! extension's own IPC commands with their own fields.
//!
//! Why not through the shell's page: an answer relayed to a realm is a posted message, a task
//! that waits for the work WebKit does on the page's thread after each IPC round trip (about
//! 0.1 ms a call, docs/realms.md); answered here, it reaches the realm as its own fetch's answer.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::Arc;

use ferrolens_ipc::protocol::{command, header};
use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use serde_json::{Map, Value as JsonValue};
use tauri::http::{header as http_header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponse, InvokeResponseBody};
use tauri::webview::InvokeRequest;
use tauri::{AppHandle, Manager, Runtime, Url};

use crate::commands::call_header_fields;
use crate::frames::Frames;
use crate::realm;
use crate::realm_share::{Entry, Later, RealmShares, Ticket};
use crate::urls::SCHEME;

/// Path prefix of a realm's channel on its host; the command's name follows.
pub use ferrolens_ipc::protocol::REALM_CHANNEL_PATH as PATH;

/// The header Tauri's IPC protocol answers whether the command succeeded in (`ok` or `error`).
const RESPONSE_HEADER: &str = "tauri-response";

/// Raw commands: the call's fields in the call header, `<id> <token> <channel or request>`, and
/// bytes (or nothing) as the body.
const RAW: [&str; 4] = [
    command::INVOKE_RAW,
    command::BROADCAST_RAW,
    command::REPLY_RAW,
    command::TAKE_ANSWER,
];

/// JSON commands, and the fields each may carry besides `extension` and `token`.
const JSON_FIELDS: [(&str, &[&str]); 3] = [
    (command::REPLY, &["request", "error"]),
    (command::CANCEL, &["callId"]),
    (command::FRAME_READY, &[]),
];

/// Commands that start work, taken within the realm's share (`realm_share.rs`).
const SHARED: [&str; 2] = [command::INVOKE_RAW, command::BROADCAST_RAW];

/// The most JSON a realm's JSON command (a reply's error, a cancel, ready) may carry.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Headers of a raw call a realm may set, besides the call header (rewritten).
const PASSED_HEADERS: [&str; 4] = [
    header::ARGS,
    header::TIMEOUT_MS,
    header::CALL_ID,
    header::ANSWER,
];

/// True when a request for `path` on a realm host is for its channel.
pub fn is_channel(path: &str) -> bool {
    path.starts_with(PATH)
}

/// Answers one request of a realm's channel. Runs on the thread the scheme's request arrived
/// on (the main thread), as Tauri's own IPC protocol does, so a command answered at once is
/// answered without a hop.
///
/// `respond` gets the answer (the scheme's responder; tests pass their own).
pub fn handle<R: Runtime>(
    app: &AppHandle<R>,
    frame: &str,
    request: Request<Vec<u8>>,
    respond: impl FnOnce(Response<Cow<'static, [u8]>>) + Send + 'static,
) {
    let host = request.uri().host().unwrap_or_default().to_string();
    let checked = check(app, frame, &host, request);
    let (id, webview, invoke) = match checked {
        Ok(checked) => checked,
        Err(err) => return respond(refusal(&err)),
    };
    // Replies, cancels and taken answers finish work the core already has (an invoke in flight
    // may be waiting for a reply): they never wait behind the realm's share.
    if !SHARED.contains(&invoke.cmd.as_str()) {
        return dispatch(webview, invoke, respond, None);
    }
    let size = match &invoke.body {
        InvokeBody::Raw(bytes) => bytes.len(),
        InvokeBody::Json(_) => 0,
    };
    let call = Arc::new(Mutex::new(Some((webview, invoke, respond))));
    let waiting = call.clone();
    let main = app.clone();
    let later: Later = Box::new(move |ticket| {
        // Its turn may come on any thread (an answer, the hold timer): commands run on the
        // main thread, as they arrive.
        let _ = main.run_on_main_thread(move || {
            if let Some((webview, invoke, respond)) = waiting.lock().take() {
                dispatch(webview, invoke, respond, Some(ticket));
            }
        });
    });
    match app.state::<RealmShares>().enter(frame, &id, size, later) {
        Entry::Now(ticket) => {
            if let Some((webview, invoke, respond)) = call.lock().take() {
                dispatch(webview, invoke, respond, Some(ticket));
            }
        }
        Entry::Later => {}
        Entry::Busy(err) => {
            if let Some((_, _, respond)) = call.lock().take() {
                respond(refusal(&err));
            }
        }
    }
}

thread_local! {
    /// Set while this thread hands a realm's call to Tauri's command handlers.
    static DISPATCHING: Cell<bool> = const { Cell::new(false) };
}

/// True inside Tauri's command handlers when the call came through a realm's channel (Tauri
/// runs an app command's handler within `on_message`), false for a call from the frame's page.
pub fn dispatching() -> bool {
    DISPATCHING.with(Cell::get)
}

/// Hands a checked call to Tauri's command handlers; its answer frees its place in the share.
fn dispatch<R: Runtime>(
    webview: tauri::Webview<R>,
    invoke: InvokeRequest,
    respond: impl FnOnce(Response<Cow<'static, [u8]>>) + Send + 'static,
    ticket: Option<Ticket>,
) {
    // What the call makes the frames move besides its body: a broadcast reaches every frame.
    let delivered = match &invoke.body {
        InvokeBody::Raw(bytes) if invoke.cmd == command::BROADCAST_RAW => {
            bytes.len().saturating_mul(webview.state::<Frames>().len())
        }
        _ => 0,
    };
    let _dispatching = Dispatching::enter();
    webview.on_message(
        invoke,
        Box::new(move |_webview, _command, response, _callback, _error| {
            let response = answer(response);
            let mut ticket = ticket;
            if let Some(ticket) = &mut ticket {
                ticket.answered(response.body().len().saturating_add(delivered));
            }
            respond(response);
            drop(ticket);
        }),
    );
}

/// Sets [`DISPATCHING`] for its lifetime, a panicking handler included.
struct Dispatching;

impl Dispatching {
    fn enter() -> Self {
        DISPATCHING.with(|flag| flag.set(true));
        Self
    }
}

impl Drop for Dispatching {
    fn drop(&mut self) {
        DISPATCHING.with(|flag| flag.set(false));
    }
}

/// The call as Tauri's command handlers must get it, for the frame's webview, with the
/// extension it is from; or why not.
fn check<R: Runtime>(
    app: &AppHandle<R>,
    frame: &str,
    host: &str,
    request: Request<Vec<u8>>,
) -> Result<(ExtensionId, tauri::Webview<R>, InvokeRequest), IpcError> {
    let id = realm::id_for_host(host).ok_or_else(|| {
        IpcError::new(
            ErrorCode::Forbidden,
            format!("{SCHEME}://{host} is no extension's realm"),
        )
    })?;
    let own = format!("{SCHEME}://{host}");
    let caller = caller_origin(request.headers());
    if caller.as_deref() != Some(own.as_str()) {
        return Err(refused(
            &id,
            "origin",
            format!(
                "a page of origin {} called extension {id}'s realm channel: only its realm may",
                caller.as_deref().unwrap_or("(unknown)")
            ),
        ));
    }
    if request.method() != tauri::http::Method::POST {
        return Err(IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "{} is not a command: a realm's channel takes POST only",
                request.method()
            ),
        )
        .for_extension(&id));
    }
    let name = request.uri().path()[PATH.len()..].to_string();
    // Frames are webview windows; `get_webview` is behind Tauri's unstable feature.
    let webview = app
        .get_webview_window(frame)
        .map(|window| window.as_ref().clone())
        .ok_or_else(|| {
            IpcError::new(ErrorCode::Forbidden, format!("frame {frame:?} is gone"))
                .for_extension(&id)
        })?;
    let token = app.state::<Frames>().token_of(frame, &id).ok_or_else(|| {
        refused(
            &id,
            "frame",
            format!("extension {id} is not attached to frame {frame:?}"),
        )
    })?;
    let (headers, body) = rewrite(&id, &token, &name, request)?;
    let invoke = InvokeRequest {
        cmd: name,
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: Url::parse(&format!("{own}/"))
            .map_err(|e| IpcError::new(ErrorCode::Forbidden, format!("{own} is not a URL: {e}")))?,
        body,
        headers,
        invoke_key: app.invoke_key().to_string(),
    };
    Ok((id, webview, invoke))
}

/// The origin of the page that sent a request, as the browser told it: its `Origin` header,
/// which WebKit sends on every cross-origin request and page script cannot set; without one
/// (WebKit leaves it out of a same-origin request), the origin of its `Referer`, which script
/// may only set to a URL of its own origin or leave out. Neither, or a `Referer` that is not a
/// plain URL: unknown.
fn caller_origin(headers: &HeaderMap) -> Option<String> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(origin) = text(http_header::ORIGIN) {
        return Some(origin.to_string());
    }
    let referer = Url::parse(text(http_header::REFERER)?).ok()?;
    let host = referer.host_str()?;
    let plain =
        referer.port().is_none() && referer.username().is_empty() && referer.password().is_none();
    plain.then(|| format!("{}://{host}", referer.scheme()))
}

/// A refusal of what a realm asked for, logged once per extension and `kind` of refusal (a
/// realm repeating one must not flood the log).
fn refused(id: &ExtensionId, kind: &'static str, why: String) -> IpcError {
    static TOLD: Lazy<Mutex<HashSet<(ExtensionId, &'static str)>>> = Lazy::new(Default::default);
    if TOLD.lock().insert((id.clone(), kind)) {
        log::warn!("{SCHEME}: refused a call on extension {id}'s realm channel: {why}");
    }
    IpcError::new(ErrorCode::Forbidden, why).for_extension(id)
}

/// The command `name` from extension `id`'s realm, with its capability `token` written in:
/// the headers and body its Tauri command reads, or why it is refused.
fn rewrite(
    id: &ExtensionId,
    token: &str,
    name: &str,
    request: Request<Vec<u8>>,
) -> Result<(HeaderMap, InvokeBody), IpcError> {
    let (parts, body) = request.into_parts();
    if RAW.contains(&name) {
        return Ok((
            raw_headers(id, token, &parts.headers)?,
            InvokeBody::Raw(body),
        ));
    }
    let Some((_, fields)) = JSON_FIELDS.iter().find(|(command, _)| *command == name) else {
        return Err(refused(
            id,
            "command",
            format!(
                "extension {id}'s realm asked for command {:?}: a realm may use its own IPC commands only",
                quoted(name)
            ),
        ));
    };
    // Parsed here, on the main thread: a realm's JSON commands carry ids and an error's text.
    if body.len() > MAX_JSON_BYTES {
        return Err(IpcError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "the arguments of {name} are {} bytes of JSON, more than the {MAX_JSON_BYTES} a realm's JSON command may carry",
                body.len()
            ),
        )
        .for_extension(id));
    }
    let args: JsonValue = serde_json::from_slice(&body).map_err(|err| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!("the arguments of {name} are not JSON: {err}"),
        )
        .for_extension(id)
    })?;
    let JsonValue::Object(args) = args else {
        return Err(IpcError::new(
            ErrorCode::BadPayload,
            format!("the arguments of {name} must be an object"),
        )
        .for_extension(id));
    };
    speaks_for(id, args.get("extension").and_then(JsonValue::as_str))?;
    let mut passed = Map::new();
    passed.insert("extension".into(), id.as_str().into());
    passed.insert("token".into(), token.into());
    for field in fields.iter() {
        if let Some(value) = args.get(*field) {
            passed.insert((*field).into(), value.clone());
        }
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        http_header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok((headers, InvokeBody::Json(JsonValue::Object(passed))))
}

/// A raw call's headers: the call header with the capability written in, and the call's own
/// optional headers; nothing else.
fn raw_headers(id: &ExtensionId, token: &str, headers: &HeaderMap) -> Result<HeaderMap, IpcError> {
    let [named, _, third] =
        call_header_fields(headers, "channel or request").map_err(|err| err.for_extension(id))?;
    speaks_for(id, Some(&named))?;
    let mut passed = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("{id} {token} {third}")).map_err(|_| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!("header {} is not ASCII text", header::CALL),
        )
        .for_extension(id)
    })?;
    passed.insert(header::CALL, value);
    for name in PASSED_HEADERS {
        if let Some(value) = headers.get(name) {
            passed.insert(name, value.clone());
        }
    }
    passed.insert(
        http_header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(passed)
}

/// Refuses a call naming an extension that is not the realm's own.
fn speaks_for(id: &ExtensionId, named: Option<&str>) -> Result<(), IpcError> {
    if named == Some(id.as_str()) {
        return Ok(());
    }
    Err(refused(
        id,
        "names",
        format!(
            "extension {id}'s realm named extension {:?} in a call: a realm speaks for its own extension only",
            quoted(named.unwrap_or("(none)"))
        ),
    ))
}

/// At most 80 characters of what a realm sent, for a refusal.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The answer to a realm's command, as Tauri's IPC protocol spells it (the `Tauri-Response`
/// header, JSON or bytes), read by the realm's own origin only.
fn answer(response: InvokeResponse) -> Response<Cow<'static, [u8]>> {
    let (ok, content_type, body): (bool, &str, Vec<u8>) = match response {
        InvokeResponse::Ok(InvokeResponseBody::Json(json)) => {
            (true, "application/json", json.into_bytes())
        }
        InvokeResponse::Ok(InvokeResponseBody::Raw(bytes)) => {
            (true, "application/octet-stream", bytes)
        }
        InvokeResponse::Err(err) => (
            false,
            "application/json",
            serde_json::to_vec(&err.0).unwrap_or_default(),
        ),
    };
    respond(ok, content_type, body)
}

/// A refusal before any command ran, in the form of a command's error.
fn refusal(err: &IpcError) -> Response<Cow<'static, [u8]>> {
    respond(
        false,
        "application/json",
        serde_json::to_vec(err).unwrap_or_default(),
    )
}

fn respond(ok: bool, content_type: &str, body: Vec<u8>) -> Response<Cow<'static, [u8]>> {
    let mut response = Response::new(Cow::Owned(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        RESPONSE_HEADER,
        HeaderValue::from_static(if ok { "ok" } else { "error" }),
    );
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(http_header::CONTENT_TYPE, value);
    }
    headers.insert(
        http_header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_origin_header_names_the_caller_when_there_is_one() {
        let both = headers(&[
            ("origin", "ferrolens-ext://hostile"),
            ("referer", "ferrolens-ext://victim/"),
        ]);
        assert_eq!(
            caller_origin(&both).as_deref(),
            Some("ferrolens-ext://hostile")
        );
    }

    #[test]
    fn without_an_origin_the_referers_origin_names_the_caller() {
        let same = headers(&[("referer", "ferrolens-ext://victim/page?x#y")]);
        assert_eq!(
            caller_origin(&same).as_deref(),
            Some("ferrolens-ext://victim")
        );
        for odd in [
            "ferrolens-ext://victim:8080/",
            "ferrolens-ext://user@victim/",
            "not a url",
            "about:blank",
        ] {
            let map = headers(&[("referer", odd)]);
            assert_eq!(caller_origin(&map), None, "{odd}");
        }
        assert_eq!(caller_origin(&HeaderMap::new()), None);
    }

    #[test]
    fn a_quoted_command_is_cut_at_80_characters() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(100);
        let cut = quoted(&long);
        assert_eq!(cut.chars().count(), 81);
        assert!(cut.ends_with('…'));
    }
}
