//! The `ferrolens-ext` URI scheme: serves each extension's renderer files to the webviews,
//! reading only inside that extension's folder, on the shared host the shell imports from and
//! on each extension's realm host (which files to whom: `scheme_hosts.rs`), and each realm's
//! channel to the core (`realm_channel.rs`).

use std::borrow::Cow;

use tauri::http::{header, Request, Response};
use tauri::{AppHandle, Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::manager::ExtensionManager;
use crate::{realm, realm_channel, scheme_hosts};

/// Where the commands found the URL of a file before it moved to [`crate::urls`].
pub use crate::urls::url_for;

/// Answers one request of the scheme on a thread of the blocking pool, so reading an extension's
/// file (up to [`crate::manager::MAX_SERVED_BYTES`]) never holds up the main thread and its windows.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let host = request.uri().host().unwrap_or(realm::SHARED_HOST);
    if host != realm::SHARED_HOST && realm_channel::is_channel(request.uri().path()) {
        return realm_channel::handle(&app, ctx.webview_label(), request, move |answer| {
            responder.respond(answer)
        });
    }
    tauri::async_runtime::spawn_blocking(move || responder.respond(answer(&app, &request)));
}

fn answer<R: Runtime>(
    app: &AppHandle<R>,
    request: &Request<Vec<u8>>,
) -> Response<Cow<'static, [u8]>> {
    let manager = app.state::<ExtensionManager>();
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let host = request.uri().host().unwrap_or(realm::SHARED_HOST);
    let path = percent_decode(request.uri().path());
    scheme_hosts::respond(
        &manager,
        |asset| {
            app.asset_resolver()
                .get_for_scheme(asset.to_string(), false)
                .map(|a| (a.bytes, a.mime_type))
        },
        host,
        &path,
        origin,
    )
}

fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manager::confined;

    #[test]
    fn encoded_escapes_nul_and_overlong_utf8_stay_inside() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("ext");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.js"), "1").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        // Decoded as the handler decodes a request's path.
        for (raw, why) in [
            ("%2e%2e/secret.txt", "outside"),
            ("%2E%2E%2Fsecret.txt", "outside"),
            ("a.js%00.png", "does not exist"),
            ("%c0%ae%c0%ae/secret.txt", "does not exist"),
            ("%e0%80%ae%e0%80%ae/secret.txt", "does not exist"),
            ("%2fetc%2fpasswd", "outside"),
        ] {
            let path = percent_decode(raw);
            let err = confined(&dir, &path).unwrap_err();
            assert!(err.contains(why), "{raw} -> {path:?}: {err}");
        }
    }

    #[test]
    fn percent_decoding_handles_escapes_and_stray_percent() {
        assert_eq!(percent_decode("/a%20b/c.js"), "/a b/c.js");
        assert_eq!(percent_decode("/%2e%2e/x"), "/../x");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
