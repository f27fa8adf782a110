//! Main part of the notes sample: **a request/response service with typed arguments, errors
//! and cancellation**, over notes kept in a JSON file.
//!
//! | channel | arguments | answer |
//! |---|---|---|
//! | `notes:list` | none | `NoteSummary[]`, by title |
//! | `notes:get` | `title` | `Note`, or `NotFound` (`ENOENT`) |
//! | `notes:put` | `Note` | its `NoteSummary`, or `ValidationError` (`INVALID_TITLE`) |
//! | `notes:delete` | `title` | `null`, or `NotFound` (`ENOENT`) |
//! | `notes:search` | `query` | `NoteSummary[]` of the notes containing it; slow, cancellable |
//!
//! Arguments of the wrong type reject with `BAD_PAYLOAD`. After each change main broadcasts
//! `notes:changed` with the title and `"saved"` or `"deleted"`. The file is
//! `$FERROLENS_NOTES_DIR/notes.json`, or `notes/notes.json` in Ferrolens's data folder
//! (`~/.local/share/dev.ferrolens.app/notes/notes.json` on Linux).

mod service;
mod store;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError, MainPart};

pub use service::{SearchStats, SCAN_STEP};
pub use store::{Note, NoteSummary, Store};

/// Registers this main part with the app under the manifest's `"main": "notes"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "notes",
    build: || Box::new(NotesMain::from_env()),
};

/// Request channel: every note's summary.
pub const LIST: &str = "notes:list";
/// Request channel: one note by title.
pub const GET: &str = "notes:get";
/// Request channel: save a note.
pub const PUT: &str = "notes:put";
/// Request channel: delete a note by title.
pub const DELETE: &str = "notes:delete";
/// Request channel: the notes containing a text.
pub const SEARCH: &str = "notes:search";
/// Broadcast channel: a note was saved or deleted (`title`, `"saved" | "deleted"`).
pub const CHANGED: &str = "notes:changed";

/// The longest title `notes:put` accepts, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The environment variable naming the folder of the notes file.
pub const DIR_VARIABLE: &str = "FERROLENS_NOTES_DIR";
/// The notes file's name in its folder.
pub const FILE_NAME: &str = "notes.json";

/// The folder of the notes file: `env_dir` (the value of [`DIR_VARIABLE`]) when set, else
/// `dev.ferrolens.app/notes` in `data_dir` (the OS data folder), else in `$HOME/.local/share`.
pub fn notes_dir(
    env_dir: Option<OsString>,
    data_dir: Option<PathBuf>,
    home: Option<OsString>,
) -> Option<PathBuf> {
    if let Some(dir) = env_dir.filter(|dir| !dir.is_empty()) {
        return Some(dir.into());
    }
    let data_dir = data_dir.or_else(|| home.map(|home| PathBuf::from(home).join(".local/share")));
    data_dir.map(|data| data.join("dev.ferrolens.app").join("notes"))
}

/// The extension's main class: opens the store and registers the handlers.
pub struct NotesMain {
    dir: Option<PathBuf>,
    stats: Arc<SearchStats>,
}

impl NotesMain {
    /// Keeps the notes in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
            stats: Arc::default(),
        }
    }

    /// Keeps the notes where [`notes_dir`] says for this process's environment.
    pub fn from_env() -> Self {
        let env = std::env::var_os;
        Self {
            dir: notes_dir(env(DIR_VARIABLE), dirs::data_dir(), env("HOME")),
            stats: Arc::default(),
        }
    }

    /// The notes file, when a folder for it is known.
    pub fn file(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(FILE_NAME))
    }

    /// What `notes:search` did so far.
    pub fn search_stats(&self) -> &SearchStats {
        &self.stats
    }
}

impl ExtensionMain for NotesMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let file = self.file().ok_or_else(|| {
            let message = format!("no folder for the notes: set {DIR_VARIABLE} or HOME");
            HandlerError::new("StoreError", message).with_code("NO_DIR")
        })?;
        let store = Store::open(file)?;
        log::info!("notes: keeping notes in {}", store.file().display());
        service::register(ctx.ipc(), Arc::new(store), self.stats.clone())?;
        Ok(())
    }
}
