//! Main part of the notes sample, a WebAssembly component: **a request/response service with
//! typed arguments, errors and cancellation**, over notes kept in a JSON file in the extension's
//! data folder.
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
//! `notes:changed` with the title and `"saved"` or `"deleted"`. The file is `notes.json` in the
//! data folder Ferrolens grants the extension (its manifest declares `data-dir`): on Linux
//! `~/.local/share/dev.ferrolens.app/extension-data/notes/notes.json`.

mod service;
mod store;

use ferrolens_guest::{export, Extension, ExtensionContext, HandlerError};

use crate::store::Store;

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
/// The notes file's name in the data folder.
pub const FILE_NAME: &str = "notes.json";

/// The extension: opens the store and registers the handlers.
struct Notes;

impl Extension for Notes {
    fn activate(ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let dir = ctx.data_dir().ok_or_else(|| {
            HandlerError::new(
                "StoreError",
                "no folder for the notes: the data folder was not granted (see the extension's \
                 Sandbox settings)",
            )
            .with_code("NO_DIR")
        })?;
        let store = Store::open(format!("{dir}/{FILE_NAME}"))?;
        ferrolens_guest::log::info(&format!("keeping notes in {}", store.file()));
        service::register(ctx.ipc(), store)?;
        Ok(())
    }
}

export!(Notes);
