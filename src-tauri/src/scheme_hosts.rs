//! Which files the `ferrolens-ext` scheme serves on which host, and to whom: each extension's
//! realm host (see `realm.rs`), and the shared host the shell imports the renderer modules of
//! extensions that run in its page from (test builds only, see `placement.rs`).

use std::borrow::Cow;
use std::path::Path;

use tauri::http::{header, Response, StatusCode};

use crate::manager::{confined, read_regular_file, ExtensionManager, MAX_SERVED_BYTES};
use crate::realm;
use crate::urls::{url_segment, SCHEME};

/// An answer of the scheme before its headers: a file or a refusal.
struct Served {
    status: StatusCode,
    content_type: Cow<'static, str>,
    body: Cow<'static, [u8]>,
}

/// The scheme's answer to a request for `path` (percent-decoded) on `host`, sent from a page
/// of origin `origin` (the request's `Origin` header, if any). `app_asset` reads a file of the
/// app's own frontend (`sdk/...`) as its bytes and MIME type.
///
/// On [`realm::SHARED_HOST`] (the URLs the shell imports renderer modules from), only the
/// files of extensions that run in the shell's page (none in the app a user runs) are served,
/// and only to the app's own pages: a request whose `Origin` is another one (a realm's) is
/// refused, and an answer names the shell's origin alone as allowed to read it. On a realm
/// host, the realm page, the SDK and that extension's own files are served to that origin
/// only: `Cross-Origin-Resource-Policy: same-origin` and no `Access-Control-Allow-Origin`.
pub fn respond(
    manager: &ExtensionManager,
    app_asset: impl FnOnce(&str) -> Option<(Vec<u8>, String)>,
    host: &str,
    path: &str,
    origin: Option<&str>,
) -> Response<Cow<'static, [u8]>> {
    let shared = host == realm::SHARED_HOST;
    let served = if shared {
        serve_shared(manager, path, origin)
    } else {
        serve_realm(manager, app_asset, host, path)
    };
    let served = served.unwrap_or_else(|(status, why)| {
        log::warn!("{SCHEME}: refused {host}{path}: {why}");
        Served {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: Cow::Owned(why.into_bytes()),
        }
    });
    let mut response = Response::builder()
        .status(served.status)
        .header(header::CONTENT_TYPE, served.content_type.as_ref())
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if shared {
        response = response.header(header::VARY, "Origin");
        if let Some(app) = origin.filter(|o| is_app_origin(o)) {
            response = response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, app);
        }
    } else {
        response = response.header("cross-origin-resource-policy", "same-origin");
        if served.status == StatusCode::OK && served.content_type.starts_with("text/html") {
            response = response.header(header::CONTENT_SECURITY_POLICY, realm::csp());
        }
    }
    response.body(served.body).unwrap_or_else(|err| {
        log::error!("{SCHEME}: could not answer {host}{path}: {err}");
        let mut refused = Response::new(Cow::Borrowed(&[][..]));
        *refused.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        refused
    })
}

/// True for the origins of the app's own pages (the shell), which may read files of the
/// shared host.
pub fn is_app_origin(origin: &str) -> bool {
    matches!(
        origin,
        "tauri://localhost" | "http://tauri.localhost" | "https://tauri.localhost"
    )
}

/// `/<segment>/<file>` on the shared host, for the app's own pages.
fn serve_shared(
    manager: &ExtensionManager,
    path: &str,
    origin: Option<&str>,
) -> Result<Served, (StatusCode, String)> {
    if let Some(other) = origin.filter(|o| !is_app_origin(o)) {
        return Err((
            StatusCode::FORBIDDEN,
            format!(
                "{other} may not read extension files through {SCHEME}://{}",
                realm::SHARED_HOST
            ),
        ));
    }
    let path = path.trim_start_matches('/');
    // Only extensions that run in the shell's page (test builds' `--in-page`) have files here.
    let found = manager
        .page_folder_for_url_path(path)
        .ok_or((StatusCode::NOT_FOUND, format!("no extension serves {path}")))?;
    serve_found(found)
}

/// A realm host: its page at `/`, the SDK under [`realm::APP_FILES`], its extension's files.
fn serve_realm(
    manager: &ExtensionManager,
    app_asset: impl FnOnce(&str) -> Option<(Vec<u8>, String)>,
    host: &str,
    path: &str,
) -> Result<Served, (StatusCode, String)> {
    let id = realm::id_for_host(host).ok_or_else(|| {
        (
            StatusCode::NOT_FOUND,
            format!("no extension has host {host:?}"),
        )
    })?;
    let segment = url_segment(&id);
    // Only an active extension is served, as on the shared host.
    if manager
        .folder_for_url_path(&format!("{segment}/"))
        .is_none()
    {
        return Err((
            StatusCode::NOT_FOUND,
            format!("extension {id} is not active"),
        ));
    }
    if path == "/" {
        return Ok(Served {
            status: StatusCode::OK,
            content_type: "text/html; charset=utf-8".into(),
            body: Cow::Borrowed(realm::page().as_bytes()),
        });
    }
    if let Some(rest) = path.strip_prefix(realm::APP_FILES) {
        let asset = realm::app_asset(rest)
            .ok_or_else(|| (StatusCode::NOT_FOUND, format!("{path} is not an app file")))?;
        let (bytes, mime) = app_asset(&asset)
            .ok_or_else(|| (StatusCode::NOT_FOUND, format!("{path} does not exist")))?;
        return Ok(Served {
            status: StatusCode::OK,
            content_type: mime.into(),
            body: Cow::Owned(bytes),
        });
    }
    serve_file(manager, &format!("{segment}{path}"))
}

/// `<segment>/<file>`: a file inside that active extension's folder.
fn serve_file(manager: &ExtensionManager, path: &str) -> Result<Served, (StatusCode, String)> {
    let found = manager
        .folder_for_url_path(path)
        .ok_or((StatusCode::NOT_FOUND, format!("no extension serves {path}")))?;
    serve_found(found)
}

/// `rest` inside folder `dir`, confined to it.
fn serve_found((dir, rest): (std::path::PathBuf, String)) -> Result<Served, (StatusCode, String)> {
    let file = confined(&dir, &rest).map_err(|why| (StatusCode::FORBIDDEN, why))?;
    // Bounded and non-blocking: a file swapped for a FIFO or a device after `confined` checked
    // it, or grown past the limit, is refused instead of stalling or exhausting the app.
    let bytes = read_regular_file(&file, MAX_SERVED_BYTES)
        .map_err(|why| (StatusCode::FORBIDDEN, format!("{rest}: {why}")))?;
    Ok(Served {
        status: StatusCode::OK,
        content_type: content_type(&file).into(),
        body: Cow::Owned(bytes),
    })
}

/// The `Content-Type` a served file is sent with, by its extension.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}
