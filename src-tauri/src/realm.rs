//! Extension realms: each extension's renderer part runs in a cross-origin, sandboxed iframe on
//! a host of its own on the `ferrolens-ext` scheme (`ferrolens-ext://<host>/`), which the shell
//! hands its extension and feeds its events with window messages (see `docs/realms.md`).
//!
//! A host names one extension and one extension has one host, so the browser's same-origin
//! policy keeps each realm's document, globals and files away from every other realm and from
//! the shell (`tauri://localhost`). Tauri injects its IPC into top frames only, so a realm has
//! no Tauri API; it calls the core on its own channel, where the origin the browser names is
//! what identifies it (`realm_channel.rs`).
//!
//! This module holds the host names, the realm page and its policy; `scheme.rs` serves them.

use once_cell::sync::Lazy;
use sha2::{Digest, Sha256};
use tauri::Url;

use ferrolens_ipc::ExtensionId;

use crate::urls::SCHEME;

/// The host of the URLs the shell itself loads renderer modules from
/// (`ferrolens-ext://localhost/<segment>/<file>`), for extensions that do not run in a realm.
pub const SHARED_HOST: &str = "localhost";

/// Prefix of hosts that spell their extension's id in hex.
const HEX_PREFIX: &str = "x--";

/// Path prefix, on every realm host, of the files the app serves to realms (the SDK and the
/// realm's stylesheet, from the app's own frontend). Extensions' own files never start with a
/// dot segment that the manifest rules would let them name here.
pub const APP_FILES: &str = "/.ferrolens/";

/// What a realm page loads: the SDK and the realm's bootstrap in one file (made from
/// `ui/sdk/realm-entry.js` by `scripts/sdk-bundle.mjs`).
const BUNDLE: &str = "sdk/dist/realm.js";

/// The import map of a realm page: the SDK name extensions import, mapped to the realm's copy,
/// the bundle the page loads, so extensions and the bootstrap share one instance of it.
const IMPORT_MAP: &str = r#"{"imports":{"@ferrolens/extensions":"/.ferrolens/sdk/dist/realm.js"}}"#;

/// The host of extension `id`'s realm: the id itself when it is made of lowercase letters,
/// digits and `-` only (and is neither [`SHARED_HOST`] nor starts with `x--`), else `x--`
/// followed by the id's bytes in lowercase hex. One-to-one: plain hosts never start with `x--`,
/// hex ones always do, and hex spells every byte.
pub fn host_for(id: &ExtensionId) -> String {
    let name = id.as_str();
    let plain = name
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
        && !name.starts_with(HEX_PREFIX)
        && name != SHARED_HOST;
    if plain {
        return name.to_string();
    }
    let mut host = String::with_capacity(HEX_PREFIX.len() + 2 * name.len());
    host.push_str(HEX_PREFIX);
    for byte in name.bytes() {
        host.push_str(&format!("{byte:02x}"));
    }
    host
}

/// The extension id a realm host names, if it names one: the inverse of [`host_for`]. Only the
/// one spelling [`host_for`] gives is accepted (no upper-case hex, no hex spelling of a plain
/// id), so no two hosts reach one extension.
pub fn id_for_host(host: &str) -> Option<ExtensionId> {
    let name = match host.strip_prefix(HEX_PREFIX) {
        Some(hex) => {
            if hex.len() % 2 != 0 {
                return None;
            }
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?;
            String::from_utf8(bytes).ok()?
        }
        None => host.to_string(),
    };
    let id = ExtensionId::new(&name).ok()?;
    (host_for(&id) == host).then_some(id)
}

/// The realm page's URL for extension `id`: the root of its host.
pub fn root_url(id: &ExtensionId) -> String {
    format!("{SCHEME}://{}/", host_for(id))
}

/// URL of `file` inside extension `id`'s folder, on its realm host.
pub fn file_url(id: &ExtensionId, file: &str) -> String {
    format!("{}{}", root_url(id), file.trim_start_matches("./"))
}

/// The extension whose realm page `url` is, if it is exactly one (`ferrolens-ext://<host>/`,
/// no query, fragment, port or user): the only realm URL a navigation may lead to.
pub fn root_of(url: &Url) -> Option<ExtensionId> {
    if url.scheme() != SCHEME
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || url.port().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    id_for_host(url.host_str()?)
}

/// The realm page's Content-Security-Policy: its own origin only, no inline script (the import
/// map alone is allowed, by its hash), no `eval`, no plugins, no frames, no forms, no `<base>`.
pub fn csp() -> &'static str {
    static CSP: Lazy<String> = Lazy::new(|| {
        let hash = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            Sha256::digest(IMPORT_MAP.as_bytes()),
        );
        format!(
            "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; \
             object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; \
             form-action 'none'"
        )
    });
    &CSP
}

/// The realm page: the SDK with its realm bootstrap, the realm's stylesheet, and `#extension-panels`,
/// where an extension draws as it did in the shell. It loads no extension code by itself: the
/// bootstrap waits for the shell to hand it a port and the extension's entry.
pub fn page() -> &'static str {
    static PAGE: Lazy<String> = Lazy::new(|| {
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
             <meta name=\"color-scheme\" content=\"light dark\">\n\
             <script type=\"importmap\">{IMPORT_MAP}</script>\n\
             <link rel=\"stylesheet\" href=\"{APP_FILES}sdk/realm.css\">\n\
             <script type=\"module\" src=\"{APP_FILES}{BUNDLE}\"></script>\n\
             </head>\n<body>\n<main class=\"panels\" id=\"extension-panels\"></main>\n</body>\n</html>\n",
            csp = csp(),
        )
    });
    &PAGE
}

/// The app asset a realm may load at `path` (after [`APP_FILES`]): files of the SDK folder
/// only, named without `..`, empty or hidden segments.
pub fn app_asset(path: &str) -> Option<String> {
    let rest = path.strip_prefix("sdk/")?;
    let clean = rest
        .split('/')
        .all(|s| !s.is_empty() && !s.starts_with('.') && !s.contains('\\'));
    clean.then(|| format!("sdk/{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ExtensionId {
        ExtensionId::new(s).unwrap()
    }

    const NAMES: &[&str] = &[
        "a",
        "notes",
        "cluster-status",
        "x",
        "x-",
        "x--",
        "x--6e",
        "x--6e6f",
        "n",
        "no",
        "localhost",
        "localhost-2",
        "a.b",
        "a_b",
        "a~b",
        "@a/b",
        "@a-b/c",
        "@victim-sub/dist",
        "victim-sub",
        "victim-sub.dist",
        "0",
        "-a",
        "a--b",
        "@x--/y",
    ];

    #[test]
    fn each_extension_has_a_host_of_its_own_and_back() {
        for x in NAMES {
            let host = host_for(&id(x));
            assert_eq!(
                id_for_host(&host).as_ref().map(|i| i.as_str()),
                Some(*x),
                "{x} -> {host}"
            );
            for y in NAMES {
                if x != y {
                    assert_ne!(host, host_for(&id(y)), "{x} and {y} share a host");
                }
            }
        }
        assert_eq!(host_for(&id("notes")), "notes");
        assert_eq!(host_for(&id("a.b")), "x--612e62");
        assert_eq!(host_for(&id("x--6e")), "x--782d2d3665");
        assert_eq!(host_for(&id("localhost")), "x--6c6f63616c686f7374");
    }

    #[test]
    fn hosts_are_valid_url_hosts() {
        for x in NAMES {
            let url = Url::parse(&root_url(&id(x))).unwrap();
            assert_eq!(url.host_str(), Some(host_for(&id(x)).as_str()), "{x}");
            assert_eq!(url.path(), "/");
            assert_eq!(root_of(&url).unwrap().as_str(), *x);
        }
        let long = "a".repeat(214);
        assert_eq!(host_for(&id(&long)), long);
        let long_dotted = format!("{}.b", "a".repeat(212));
        assert!(Url::parse(&root_url(&id(&long_dotted))).is_ok());
    }

    #[test]
    fn other_spellings_of_a_host_name_no_extension() {
        for bad in [
            "localhost",
            "x--6E6F", // upper-case hex
            "x--6e6f", // "no": plain ids are spelled plainly
            "x--6",    // odd length
            "x--zz",   // not hex
            "x--ff",   // not UTF-8
            "x--4142", // "AB": not a valid id
            "NOTES",   // not a valid id
            "x--",     // empty
            "a.b",     // must be spelled in hex
            "",
        ] {
            assert!(id_for_host(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_the_bare_root_of_a_realm_host_is_a_realm_page() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            root_of(&url("ferrolens-ext://notes/")).unwrap().as_str(),
            "notes"
        );
        for bad in [
            "ferrolens-ext://notes/index.html",
            "ferrolens-ext://notes/?x",
            "ferrolens-ext://notes/#x",
            "ferrolens-ext://notes:1/",
            "ferrolens-ext://u@notes/",
            "ferrolens-ext://localhost/",
            "ferrolens-ext://localhost/notes/",
            "ferrolens-ext://x--6e6f/",
            "tauri://notes/",
            "http://notes/",
        ] {
            assert!(root_of(&url(bad)).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_realm_page_loads_only_its_own_origin() {
        let page = page();
        assert!(page.contains("id=\"extension-panels\""));
        assert!(page.contains("src=\"/.ferrolens/sdk/dist/realm.js\""));
        assert!(
            IMPORT_MAP.contains(&format!("\"{APP_FILES}{BUNDLE}\"")),
            "extensions import the instance the page loaded"
        );
        let csp = csp();
        assert!(csp.starts_with("default-src 'self'; script-src 'self' 'sha256-"));
        for banned in ["unsafe-eval", "*", "http", "ferrolens-ext:", "tauri:"] {
            assert!(!csp.contains(banned), "{banned} in {csp}");
        }
        // The only inline script is the import map, which the policy allows by hash.
        assert_eq!(page.matches("<script").count(), 2);
        assert!(page.contains(&format!("<script type=\"importmap\">{IMPORT_MAP}</script>")));
    }

    #[test]
    fn realms_reach_the_sdk_folder_only() {
        assert_eq!(app_asset("sdk/realm.js").as_deref(), Some("sdk/realm.js"));
        assert_eq!(app_asset(BUNDLE).as_deref(), Some(BUNDLE));
        assert_eq!(
            app_asset("sdk/codec/encode.js").as_deref(),
            Some("sdk/codec/encode.js")
        );
        for bad in [
            "index.html",
            "shell.js",
            "sdk/../shell.js",
            "sdk/./x.js",
            "sdk//x.js",
            "sdk/",
            "sdk/.hidden",
            "sdk\\..\\shell.js",
        ] {
            assert!(app_asset(bad).is_none(), "{bad}");
        }
    }
}
