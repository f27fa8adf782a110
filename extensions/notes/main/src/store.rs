//! The notes and their JSON file: read once at activation, rewritten whole on every change,
//! atomically (a temporary file renamed over the old one) and one write at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrolens_ipc::HandlerError;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

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
    file: PathBuf,
    notes: Mutex<BTreeMap<String, Note>>,
}

fn store_error(code: &str, message: String, cause: std::io::Error) -> HandlerError {
    HandlerError::new("StoreError", message)
        .with_code(code)
        .caused_by(cause.into())
}

impl Store {
    /// Reads `file`; a missing file is an empty store. An unreadable or invalid one is an
    /// error (code `READ_FAILED` or `CORRUPT`) rather than an empty store that the next save
    /// would write over it.
    pub fn open(file: PathBuf) -> Result<Self, HandlerError> {
        let notes = match std::fs::read(&file) {
            Ok(bytes) => {
                let parsed: NotesFile = serde_json::from_slice(&bytes).map_err(|err| {
                    let message = format!("{} is not a notes file: {err}", file.display());
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
                let message = format!("cannot read {}", file.display());
                return Err(store_error("READ_FAILED", message, err));
            }
        };
        Ok(Self {
            file,
            notes: Mutex::new(notes),
        })
    }

    /// The file the notes are kept in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Every note, by title.
    pub async fn list(&self) -> Vec<NoteSummary> {
        self.notes
            .lock()
            .await
            .values()
            .map(Note::summary)
            .collect()
    }

    /// Every note, whole, by title.
    pub async fn snapshot(&self) -> Vec<Note> {
        self.notes.lock().await.values().cloned().collect()
    }

    /// The note titled `title`.
    pub async fn get(&self, title: &str) -> Option<Note> {
        self.notes.lock().await.get(title).cloned()
    }

    /// Adds `note`, or replaces the one with its title, and saves.
    pub async fn put(&self, note: Note) -> Result<(), HandlerError> {
        self.change(|notes| {
            notes.insert(note.title.clone(), note);
        })
        .await
    }

    /// Removes the note titled `title` and saves; false when there was none.
    pub async fn delete(&self, title: &str) -> Result<bool, HandlerError> {
        let mut existed = false;
        self.change(|notes| existed = notes.remove(title).is_some())
            .await?;
        Ok(existed)
    }

    /// Applies `edit` to a copy, saves the copy, then keeps it: on a failed save the notes in
    /// memory stay those on disk. The lock makes changes and saves one at a time.
    async fn change(
        &self,
        edit: impl FnOnce(&mut BTreeMap<String, Note>),
    ) -> Result<(), HandlerError> {
        let mut notes = self.notes.lock().await;
        let mut next = notes.clone();
        edit(&mut next);
        let contents = NotesFile {
            version: 1,
            notes: next.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&contents)?;
        write_atomically(&self.file, &bytes).await.map_err(|err| {
            store_error(
                "WRITE_FAILED",
                format!("cannot save {}", self.file.display()),
                err,
            )
        })?;
        *notes = next;
        Ok(())
    }
}

/// Writes `bytes` to `file` so that readers see the old contents or the new, never a part:
/// into `<file>.tmp` beside it, flushed to disk, then renamed over `file`.
async fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let temp = file.with_extension("json.tmp");
    let written = async {
        let mut out = tokio::fs::File::create(&temp).await?;
        out.write_all(bytes).await?;
        out.sync_all().await?;
        drop(out);
        tokio::fs::rename(&temp, file).await
    };
    let outcome = written.await;
    if outcome.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    outcome
}
