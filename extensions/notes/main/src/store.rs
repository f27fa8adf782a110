//! The notes and their JSON file: read once at activation, rewritten whole on every change,
//! atomically (a temporary file renamed over the old one). Calls into the component run one at
//! a time, so changes and saves do too.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;

use ferrolens_guest::HandlerError;
use serde::{Deserialize, Serialize};

/// One note, as `notes:get` answers and `notes:put` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its key: 1 to [`MAX_TITLE_CHARS`](crate::MAX_TITLE_CHARS) characters, not all blank.
    pub title: String,
    /// The text; may be left out (empty).
    #[serde(default)]
    pub body: String,
    /// Free-form labels; may be left out (none).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A note in `notes:list` and `notes:search` answers: the body shortened to [`Self::preview`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSummary {
    /// The note's title.
    pub title: String,
    /// The note's tags.
    pub tags: Vec<String>,
    /// The body's first line, at most 80 characters.
    pub preview: String,
}

impl Note {
    /// The note as lists show it.
    pub fn summary(&self) -> NoteSummary {
        let first_line = self.body.lines().next().unwrap_or_default();
        NoteSummary {
            title: self.title.clone(),
            tags: self.tags.clone(),
            preview: first_line.chars().take(80).collect(),
        }
    }

    /// True when `needle` (lowercase) occurs in the title, the body or a tag, ignoring case.
    pub fn matches(&self, needle: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(needle);
        has(&self.title) || has(&self.body) || self.tags.iter().any(|tag| has(tag))
    }
}

/// The file's contents.
#[derive(Serialize, Deserialize)]
struct NotesFile {
    version: u32,
    notes: Vec<Note>,
}

/// The notes by title, and the file they are kept in.
pub struct Store {
    file: String,
    notes: RefCell<BTreeMap<String, Note>>,
}

fn store_error(code: &str, message: String, cause: std::io::Error) -> HandlerError {
    HandlerError::new("StoreError", format!("{message}: {cause}")).with_code(code)
}

impl Store {
    /// Reads `file`; a missing file is an empty store. An unreadable or invalid one is an
    /// error (code `READ_FAILED` or `CORRUPT`) rather than an empty store that the next save
    /// would write over.
    pub fn open(file: String) -> Result<Self, HandlerError> {
        let notes = match std::fs::read(&file) {
            Ok(bytes) => {
                let parsed: NotesFile = serde_json::from_slice(&bytes).map_err(|err| {
                    let message = format!("{file} is not a notes file: {err}");
                    HandlerError::new("StoreError", message).with_code("CORRUPT")
                })?;
                parsed
                    .notes
                    .into_iter()
                    .map(|n| (n.title.clone(), n))
                    .collect()
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(err) => {
                return Err(store_error(
                    "READ_FAILED",
                    format!("cannot read {file}"),
                    err,
                ))
            }
        };
        Ok(Self {
            file,
            notes: RefCell::new(notes),
        })
    }

    /// The file the notes are kept in, as the component sees it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Every note, by title.
    pub fn list(&self) -> Vec<NoteSummary> {
        self.notes.borrow().values().map(Note::summary).collect()
    }

    /// Every note, whole, by title.
    pub fn snapshot(&self) -> Vec<Note> {
        self.notes.borrow().values().cloned().collect()
    }

    /// The note titled `title`.
    pub fn get(&self, title: &str) -> Option<Note> {
        self.notes.borrow().get(title).cloned()
    }

    /// Adds `note`, or replaces the one with its title, and saves.
    pub fn put(&self, note: Note) -> Result<(), HandlerError> {
        self.change(|notes| {
            notes.insert(note.title.clone(), note);
        })
    }

    /// Removes the note titled `title` and saves; false when there was none.
    pub fn delete(&self, title: &str) -> Result<bool, HandlerError> {
        let mut existed = false;
        self.change(|notes| existed = notes.remove(title).is_some())?;
        Ok(existed)
    }

    /// Applies `edit` to a copy, saves the copy, then keeps it: on a failed save the notes in
    /// memory stay those on disk.
    fn change(&self, edit: impl FnOnce(&mut BTreeMap<String, Note>)) -> Result<(), HandlerError> {
        let mut next = self.notes.borrow().clone();
        edit(&mut next);
        let contents = NotesFile {
            version: 1,
            notes: next.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&contents)?;
        write_atomically(&self.file, &bytes).map_err(|err| {
            store_error("WRITE_FAILED", format!("cannot save {}", self.file), err)
        })?;
        *self.notes.borrow_mut() = next;
        Ok(())
    }
}

/// Writes `bytes` to `file` so that readers see the old contents or the new, never a part:
/// into `<file>.tmp` beside it, flushed to disk, then renamed over `file`.
fn write_atomically(file: &str, bytes: &[u8]) -> std::io::Result<()> {
    let temp = format!("{file}.tmp");
    let written = (|| {
        let mut out = std::fs::File::create(&temp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        drop(out);
        std::fs::rename(&temp, file)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
