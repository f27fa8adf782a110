//! The URLs of extension files on the `ferrolens-ext` scheme: the scheme's name and each
//! extension's path segment. The manager, the scheme's handler and the realm hosts all name
//! files this way, so it has a module of its own that depends on none of them.

use ferrolens_ipc::ExtensionId;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
