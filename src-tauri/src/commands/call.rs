//! The call a raw command carries in its headers, and its arguments in its body: parsed and
//! checked for form here, before anything is authorized or decoded (docs/protocol.md, "Raw
//! commands").

use ferrolens_ipc::protocol::header;
use ferrolens_ipc::{Args, ErrorCode, IpcError};
use tauri::http::HeaderMap;
use tauri::ipc::InvokeBody;

use super::answer::lone_copy;

/// What the call header ([`header::CALL`]) of an invoke or broadcast names: who calls, with which
/// capability, on which channel.
pub(super) struct CallHeader {
    pub(super) extension: String,
    pub(super) token: String,
    pub(super) channel: String,
}

/// The header `name`, if present; `BAD_PAYLOAD` when it is not ASCII text.
pub(super) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, IpcError> {
    headers
        .get(name)
        .map(|v| {
            v.to_str().map_err(|_| {
                IpcError::new(
                    ErrorCode::BadPayload,
                    format!("header {name} is not ASCII text"),
                )
            })
        })
        .transpose()
}

/// The header `name`; `BAD_PAYLOAD` when it is missing.
fn required(headers: &HeaderMap, name: &str) -> Result<String, IpcError> {
    header(headers, name)?
        .map(str::to_string)
        .ok_or_else(|| IpcError::new(ErrorCode::BadPayload, format!("header {name} is missing")))
}

/// The header `name` as a number, if present; `BAD_PAYLOAD` when it is not one.
pub(super) fn parsed<T: std::str::FromStr>(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<T>, IpcError> {
    header(headers, name)?
        .map(|v| {
            v.parse().map_err(|_| {
                IpcError::new(
                    ErrorCode::BadPayload,
                    format!("header {name} is not a number: {v:?}"),
                )
            })
        })
        .transpose()
}

/// The three space-separated fields of the call header ([`header::CALL`]; `what` names the third).
pub(crate) fn call_header_fields(headers: &HeaderMap, what: &str) -> Result<[String; 3], IpcError> {
    let value = required(headers, header::CALL)?;
    let mut fields = value.split(' ');
    match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(a), Some(b), Some(c), None) if !a.is_empty() && !b.is_empty() && !c.is_empty() => {
            Ok([a.to_string(), b.to_string(), c.to_string()])
        }
        // The value is not echoed: it may hold a capability.
        _ => Err(IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "header {} must be \"<extension> <token> <{what}>\": three non-empty fields, one space apart",
                header::CALL
            ),
        )),
    }
}

/// The call of an invoke or broadcast: `<extension> <token> <channel>`.
pub(super) fn call_header(headers: &HeaderMap) -> Result<CallHeader, IpcError> {
    let [extension, token, channel] = call_header_fields(headers, "channel")?;
    Ok(CallHeader {
        extension,
        token,
        channel,
    })
}

/// The arguments in `body`, as header [`header::ARGS`] says they are held.
pub(super) fn raw_args(headers: &HeaderMap, body: &InvokeBody) -> Result<Args, IpcError> {
    let InvokeBody::Raw(bytes) = body else {
        return Err(IpcError::new(
            ErrorCode::BadPayload,
            "send the arguments as bytes (an ArrayBuffer or Uint8Array in the wire format)",
        ));
    };
    match header(headers, header::ARGS)? {
        None => Args::decode(bytes),
        Some("uint8array") => Ok(Args::uint8_array(lone_copy(bytes))),
        Some("arraybuffer") => Ok(Args::array_buffer(lone_copy(bytes))),
        Some(other) => Err(IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "header {} is {other:?}; it must be \"uint8array\" or \"arraybuffer\", or absent for a wire-format body",
                header::ARGS
            ),
        )),
    }
}

/// The size of a raw body (a JSON body is not counted: Tauri parsed it already).
pub(super) fn body_len(body: &InvokeBody) -> usize {
    match body {
        InvokeBody::Raw(bytes) => bytes.len(),
        InvokeBody::Json(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The call headers of the shared IPC vectors (`tests/vectors/ipc.json`), which the JS side
    /// checks the SDK writes: the core splits each as the vector says, or refuses it.
    #[test]
    fn call_headers_split_as_the_shared_vectors_say() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/ipc.json"
        ))
        .unwrap();
        let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cases = vectors["callHeaders"].as_array().unwrap();
        assert!(cases.len() >= 8);
        for case in cases {
            let value = case["value"].as_str().unwrap();
            let mut headers = HeaderMap::new();
            headers.insert(header::CALL, value.parse().unwrap());
            let parsed = call_header_fields(&headers, "channel");
            match case["fields"].as_array() {
                Some(fields) => {
                    let fields: Vec<&str> = fields.iter().map(|f| f.as_str().unwrap()).collect();
                    assert_eq!(parsed.unwrap().to_vec(), fields, "{value:?}");
                }
                None => {
                    let err = parsed.unwrap_err();
                    assert_eq!(err.code, ErrorCode::BadPayload, "{value:?}");
                    assert!(err.message.contains("three non-empty fields"), "{value:?}");
                }
            }
        }
    }
}
