//! The shell page: the only document a Ferrolens webview may show, and the only one the core
//! hands a frame's capabilities to.
//!
//! Extension code runs inside the shell page. If it could navigate the webview to a page of its
//! own (on the `ferrolens-ext` scheme, say), that page would be a full Tauri page: it could ask
//! for the frame's start-up answer with every extension's capability and draw a copy of the
//! shell. So navigations are refused unless they lead to the shell, and the start-up commands
//! check the calling page's URL.
//!
//! The one exception is an extension realm's page (`ferrolens-ext://<host>/`, see `realm.rs`),
//! which a realm's iframe must be able to load. The navigation hook cannot tell an iframe from
//! the top frame, so a realm page of an active extension is allowed in both; in a top frame it
//! gets nothing: it runs only the SDK's realm bootstrap, which does nothing outside an iframe,
//! the shell's commands refuse it ([`require_shell`]), and the page load reset the frame's
//! capabilities. And a top frame that starts loading one is sent back to the shell at once, so
//! an extension running in the shell's page cannot blank the frame with a realm page.

use ferrolens_ipc::{ErrorCode, IpcError};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::webview::PageLoadEvent;
use tauri::{Manager, Runtime, Url, Webview};

use crate::manager::ExtensionManager;
use crate::realm;

/// Paths of the shell page (with or without a query; the origin's root, with or without its
/// slash, serves it too).
const SHELL_PAGES: &[&str] = &["", "/", "/index.html"];

/// The start-up benchmark's bare page, in test builds only: it loads no extension and receives
/// no capability.
#[cfg(feature = "testing")]
const BARE_PAGE: Option<&str> = Some("/bench-bare.html");
#[cfg(not(feature = "testing"))]
const BARE_PAGE: Option<&str> = None;

/// True when `url` is one of the app's own pages on the app's own origin (`tauri://localhost`,
/// or `http(s)://tauri.localhost` where wry serves it that way).
pub fn is_app_page(url: &Url) -> bool {
    let own_origin = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    own_origin
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && (SHELL_PAGES.contains(&url.path()) || BARE_PAGE == Some(url.path()))
}

/// True when `url` is the shell page itself, the one page that boots a frame.
pub fn is_shell(url: &Url) -> bool {
    is_app_page(url) && SHELL_PAGES.contains(&url.path())
}

/// The shell page's URL, where a top frame that started loading anything else is sent back.
pub fn shell_url() -> Url {
    let url = if cfg!(any(windows, target_os = "android")) {
        "http://tauri.localhost/index.html"
    } else {
        "tauri://localhost/index.html"
    };
    Url::parse(url).expect("the shell's URL is valid")
}

/// True when `url` is the realm page of an extension that is active and has a renderer part.
pub fn is_active_realm<R: Runtime>(webview: &Webview<R>, url: &Url) -> bool {
    let Some(id) = realm::root_of(url) else {
        return false;
    };
    webview
        .try_state::<ExtensionManager>()
        .is_some_and(|manager| {
            manager
                .loadable()
                .iter()
                .any(|l| l.id == id && l.manifest.renderer.is_some())
        })
}

/// Refuses a call from a webview that is not showing the shell: only the shell's own boot may
/// receive a frame's capabilities, and only the shell drives the app (extensions, frames,
/// inspector, devtools).
pub fn require_shell<R: Runtime>(webview: &Webview<R>) -> Result<(), IpcError> {
    let url = webview.url().map_err(|err| {
        IpcError::new(
            ErrorCode::Forbidden,
            format!("the page of frame {:?} is unknown: {err}", webview.label()),
        )
    })?;
    if is_shell(&url) {
        return Ok(());
    }
    log::warn!(
        "refused a shell call from {url} in frame {:?}",
        webview.label()
    );
    Err(IpcError::new(
        ErrorCode::Forbidden,
        format!(
            "frame {:?} shows {url}, not the Ferrolens shell: capabilities and the shell's commands are the shell's only",
            webview.label()
        ),
    ))
}

/// A plugin that refuses every navigation of every webview (and of every iframe in it) away from
/// the app's own pages and the realm pages of active extensions, so no extension can replace
/// the shell or its own realm with a page of its own. New windows (`window.open`) are
/// never created: no webview of Ferrolens sets a new-window handler, and WebKit creates none
/// without one.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("ferrolens-navigation")
        .on_navigation(|webview, url| {
            let allowed = is_app_page(url) || is_active_realm(webview, url);
            if !allowed {
                log::warn!(
                    "refused a navigation of frame {:?} to {url}: frames show only the Ferrolens shell",
                    webview.label()
                );
            }
            allowed
        })
        .on_page_load(|webview, payload| {
            // Page loads are the top frame's: a realm page there is never wanted.
            if payload.event() != PageLoadEvent::Started || is_app_page(payload.url()) {
                return;
            }
            log::warn!(
                "frame {:?} started loading {} as its page: back to the shell",
                webview.label(),
                payload.url()
            );
            let back = webview.clone();
            // Not from inside the page-load signal: on the next turn of the event loop.
            let sent = webview.run_on_main_thread(move || {
                if let Err(err) = back.navigate(shell_url()) {
                    log::error!("frame {:?} could not go back to the shell: {err}", back.label());
                }
            });
            if let Err(err) = sent {
                log::error!("could not send frame {:?} back to the shell: {err}", webview.label());
            }
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_shell_is_an_app_page_and_the_bare_page_one_in_test_builds_only() {
        for ok in [
            "tauri://localhost/index.html",
            "tauri://localhost/index.html?x=1",
            "tauri://localhost/",
            "tauri://localhost",
            "http://tauri.localhost/index.html",
            "https://tauri.localhost/index.html#x",
        ] {
            assert!(is_app_page(&url(ok)) && is_shell(&url(ok)), "{ok}");
        }
        let bare = url("tauri://localhost/bench-bare.html");
        assert_eq!(is_app_page(&bare), cfg!(feature = "testing"));
        assert!(!is_shell(&bare));
    }

    #[test]
    fn pages_of_extensions_and_other_origins_are_not() {
        for bad in [
            "ferrolens-ext://localhost/hostile/evil.html",
            "ferrolens-ext://localhost/index.html",
            "tauri://localhost/sdk/host.js",
            "tauri://localhost/shell/index.html",
            "tauri://evil/index.html",
            "tauri://localhost:1/index.html",
            "tauri://user@localhost/index.html",
            "http://localhost/index.html",
            "http://tauri.localhost.evil.example/index.html",
            "about:blank",
            "data:text/html,<p>x</p>",
            "blob:tauri://localhost/0c6f",
            "javascript:alert(1)",
            "file:///index.html",
        ] {
            assert!(!is_app_page(&url(bad)), "{bad}");
        }
    }
}
