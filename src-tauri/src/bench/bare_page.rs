//! The start-up benchmark's baseline page: a bare Tauri page with no extension layer.
//!
//! It lives with the benchmark (`tests/bench/bare.html`), not in the app's frontend folder, so
//! the shipped app's embedded assets do not hold it; test builds serve it among the embedded
//! assets, from the same origin and protocol as the shell, so the two start-ups compare fairly.

use std::borrow::Cow;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{App, Assets, Context, Runtime};

/// The page's path, as the first window opens it.
pub const PATH: &str = "bench-bare.html";

const HTML: &[u8] = include_bytes!("../../../tests/bench/bare.html");
/// Its script, a file of its own: the app's Content-Security-Policy allows no inline script.
const SCRIPT_PATH: &str = "bench-bare.js";
const SCRIPT: &[u8] = include_bytes!("../../../tests/bench/bare.js");

/// `context` with the baseline page added to its assets.
pub fn added_to<R: Runtime>(mut context: Context<R>) -> Context<R> {
    let embedded = context.set_assets(Box::new(NoAssets));
    context.set_assets(Box::new(WithBarePage(embedded)));
    context
}

/// The embedded assets, and the bare page at [`PATH`] with its script.
struct WithBarePage<R: Runtime>(Box<dyn Assets<R>>);

impl<R: Runtime> Assets<R> for WithBarePage<R> {
    fn setup(&self, app: &App<R>) {
        self.0.setup(app);
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        match key.as_ref().strip_prefix('/') {
            Some(PATH) => Some(Cow::Borrowed(HTML)),
            Some(SCRIPT_PATH) => Some(Cow::Borrowed(SCRIPT)),
            _ => self.0.get(key),
        }
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.0.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.0.csp_hashes(html_path)
    }
}

/// Holds the context's place while its embedded assets move into [`WithBarePage`].
struct NoAssets;

impl<R: Runtime> Assets<R> for NoAssets {
    fn get(&self, _: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}
