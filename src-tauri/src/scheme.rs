//! The `ferrolens-ext` URI scheme: serves each extension's renderer files to the webviews,
//! reading only inside that extension's folder, on the shared host the shell imports from and
//! on each extension's realm host (which files to whom: `scheme_hosts.rs`).

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use ferrolens_ipc::ExtensionId;
use tauri::http::{header, Request, Response};
use tauri::{AppHandle, Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::manager::ExtensionManager;
use crate::{realm, scheme_hosts};

/// The scheme name.
pub const SCHEME: &str = "ferrolens-ext";

/// The first path segment of an extension's URLs: its event key with `/` (from a scope) spelled
/// `:`, which no event key holds. One segment per extension, each naming one extension only, so
/// a scoped package (`@victim-sub/dist`) cannot shadow another's files (`victim-sub/dist/...`).
pub fn url_segment(id: &ExtensionId) -> String {
    id.event_key().replace('/', ":")
}

/// URL of `file` inside extension `id`'s folder.
pub fn url_for(id: &ExtensionId, file: &str) -> String {
    let key = url_segment(id);
    let file = file.trim_start_matches("./");
    if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost/{key}/{file}")
    } else {
        format!("{SCHEME}://localhost/{key}/{file}")
    }
}

/// Resolves `relative` inside `dir`, refusing anything that escapes it (`..`, absolute paths,
/// symlinks pointing outside). The file must exist.
pub fn confined(dir: &Path, relative: &str) -> Result<PathBuf, String> {
    let rel = Path::new(relative);
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("the path leads outside the extension folder".into());
    }
    let root = dir
        .canonicalize()
        .map_err(|err| format!("extension folder unreadable: {err}"))?;
    let full = root
        .join(rel)
        .canonicalize()
        .map_err(|_| format!("{relative} does not exist in the extension folder"))?;
    if !full.starts_with(&root) {
        return Err("the path leads outside the extension folder".into());
    }
    if !full.is_file() {
        return Err(format!("{relative} is not a file"));
    }
    Ok(full)
}

pub(crate) fn content_type(path: &Path) -> &'static str {
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

/// Answers one request of the scheme on a thread of the blocking pool, so reading an extension's
/// file (up to [`crate::manager::MAX_SERVED_BYTES`]) never holds up the main thread and its windows.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
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

    #[test]
    fn confined_serves_files_inside_and_refuses_escapes() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("ext");
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::write(dir.join("lib/a.js"), "1").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        assert!(confined(&dir, "lib/a.js").is_ok());
        assert!(confined(&dir, "./lib/a.js").is_ok());
        for bad in ["../secret.txt", "lib/../../secret.txt", "/etc/passwd"] {
            assert!(
                confined(&dir, bad).unwrap_err().contains("outside"),
                "{bad}"
            );
        }
        assert!(confined(&dir, "lib").unwrap_err().contains("not a file"));
        assert!(confined(&dir, "nope.js")
            .unwrap_err()
            .contains("does not exist"));
    }

    #[cfg(unix)]
    #[test]
    fn confined_refuses_symlinks_that_leave_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("ext");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), dir.join("link.js")).unwrap();
        assert!(confined(&dir, "link.js").unwrap_err().contains("outside"));
    }

    #[test]
    fn each_extension_has_a_url_segment_of_its_own() {
        let id = |s: &str| ExtensionId::new(s).unwrap();
        let plain = id("victim-sub");
        let scoped = id("@victim-sub/dist");
        assert_eq!(url_segment(&plain), "victim-sub");
        assert_eq!(url_segment(&scoped), "victim-sub:dist");
        assert!(url_for(&scoped, "./renderer.js").ends_with("/victim-sub:dist/renderer.js"));
        assert!(!url_segment(&scoped).contains('/'));
        let names = [
            "a", "@a/b", "a-b", "@a-b/c", "a.b", "a_b", "@a/b.c", "a~b", "@a_b/c",
        ];
        for x in names {
            for y in names {
                if x != y {
                    assert_ne!(url_segment(&id(x)), url_segment(&id(y)), "{x} vs {y}");
                }
            }
        }
    }

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
