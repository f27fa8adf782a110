//! The request handlers: typed arguments in, typed answers or `HandlerError`s out.

use std::rc::Rc;
use std::time::Duration;

use ferrolens_guest::{log, Args, HandlerError, Ipc, IpcError, IpcEvent};
use serde::Serialize;

use crate::store::{Note, NoteSummary, Store};
use crate::{CHANGED, DELETE, GET, LIST, MAX_TITLE_CHARS, PUT, SEARCH};

/// How long `notes:search` spends on each note: slow on purpose, to show cancellation.
pub const SCAN_STEP: Duration = Duration::from_millis(40);

/// What every handler works with.
struct Service {
    ipc: Ipc,
    store: Store,
}

/// Registers `handler` on `channel`, handing it the service.
fn route<F, R>(svc: &Rc<Service>, channel: &str, handler: F) -> Result<(), IpcError>
where
    F: Fn(&Service, &IpcEvent, Args) -> Result<R, HandlerError> + 'static,
    R: Serialize + 'static,
{
    let shared = svc.clone();
    svc.ipc
        .handle(channel, move |event, args| handler(&shared, event, args))
}

/// Registers the notes handlers on `ipc`.
pub(crate) fn register(ipc: Ipc, store: Store) -> Result<(), IpcError> {
    let svc = Rc::new(Service { ipc, store });
    route(&svc, LIST, |svc, _, _| Ok(svc.store.list()))?;
    route(&svc, GET, |svc, _, args| {
        let title: String = args.get(0)?;
        svc.store.get(&title).ok_or_else(|| not_found(&title))
    })?;
    route(&svc, PUT, |svc, _, args| {
        let note: Note = args.get(0)?;
        validate_title(&note.title)?;
        let summary = note.summary();
        svc.store.put(note)?;
        svc.changed(&summary.title, "saved");
        Ok(summary)
    })?;
    route(&svc, DELETE, |svc, _, args| {
        let title: String = args.get(0)?;
        if !svc.store.delete(&title)? {
            return Err(not_found(&title));
        }
        svc.changed(&title, "deleted");
        Ok(())
    })?;
    route(&svc, SEARCH, |svc, event, args| {
        let query: String = args.get(0)?;
        scan(&svc.store.snapshot(), &query, event)
    })?;
    Ok(())
}

impl Service {
    /// Tells main's listeners and every frame that the note titled `title` changed.
    fn changed(&self, title: &str, how: &str) {
        if let Err(err) = self.ipc.broadcast(CHANGED, (title, how)) {
            log::warn(&format!(
                "{title:?} was {how}, but frames were not told: {err}"
            ));
        }
    }
}

/// The summaries of the notes that contain `query` (ignoring case), one [`SCAN_STEP`] per
/// note; stops with code `CANCELLED` as soon as the call is cancelled (its caller aborted, it
/// timed out, or the extension is being disabled).
fn scan(notes: &[Note], query: &str, event: &IpcEvent) -> Result<Vec<NoteSummary>, HandlerError> {
    let needle = query.to_lowercase();
    let mut found = Vec::new();
    for (done, note) in notes.iter().enumerate() {
        if let Err(cancelled) = event.wait(SCAN_STEP) {
            log::info(&format!(
                "search {query:?} cancelled after {done} of {} notes",
                notes.len()
            ));
            return Err(cancelled);
        }
        if note.matches(&needle) {
            found.push(note.summary());
        }
    }
    Ok(found)
}

fn not_found(title: &str) -> HandlerError {
    HandlerError::new("NotFound", format!("there is no note titled {title:?}")).with_code("ENOENT")
}

/// A title must have a non-blank character and at most [`MAX_TITLE_CHARS`] characters.
fn validate_title(title: &str) -> Result<(), HandlerError> {
    let length = title.chars().count();
    let problem = if title.trim().is_empty() {
        "a note needs a title".to_string()
    } else if length > MAX_TITLE_CHARS {
        format!("the title has {length} characters; at most {MAX_TITLE_CHARS} are allowed")
    } else {
        return Ok(());
    };
    Err(HandlerError::new("ValidationError", problem)
        .with_code("INVALID_TITLE")
        .with_data(serde_json::json!({ "length": length, "max": MAX_TITLE_CHARS })))
}
