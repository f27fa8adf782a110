//! The request handlers: typed arguments in, typed answers or `HandlerError`s out.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrolens_ipc::{Args, HandlerError, Ipc, IpcError, IpcEvent};
use serde::Serialize;

use crate::store::{Note, NoteSummary, Store};
use crate::{CHANGED, DELETE, GET, LIST, MAX_TITLE_CHARS, PUT, SEARCH};

/// How long `notes:search` spends on each note: slow on purpose, to show cancellation.
pub const SCAN_STEP: Duration = Duration::from_millis(40);

/// What `notes:search` did in one activation.
#[derive(Debug, Default)]
pub struct SearchStats {
    completed: AtomicU64,
    cancelled: AtomicU64,
    scanned: AtomicU64,
}

impl SearchStats {
    /// Searches that scanned every note.
    pub fn completed(&self) -> u64 {
        self.completed.load(Ordering::SeqCst)
    }

    /// Searches that saw their call cancelled and stopped early.
    pub fn cancelled(&self) -> u64 {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Notes scanned by all searches.
    pub fn scanned(&self) -> u64 {
        self.scanned.load(Ordering::SeqCst)
    }
}

/// What every handler works with.
struct Service {
    ipc: Ipc,
    store: Arc<Store>,
    stats: Arc<SearchStats>,
}

/// Registers `handler` on `channel`, handing it the service.
fn route<F, Fut, R>(svc: &Arc<Service>, channel: &str, handler: F) -> Result<(), IpcError>
where
    F: Fn(Arc<Service>, IpcEvent, Args) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    R: Serialize + 'static,
{
    let shared = svc.clone();
    svc.ipc.handle(channel, move |event, args| {
        handler(shared.clone(), event, args)
    })
}

/// Registers the notes handlers on `ipc`.
pub(crate) fn register(
    ipc: Ipc,
    store: Arc<Store>,
    stats: Arc<SearchStats>,
) -> Result<(), IpcError> {
    let svc = Arc::new(Service { ipc, store, stats });
    route(
        &svc,
        LIST,
        |svc, _, _| async move { Ok(svc.store.list().await) },
    )?;
    route(&svc, GET, |svc, _, args| async move {
        let title: String = args.get(0)?;
        svc.store.get(&title).await.ok_or_else(|| not_found(&title))
    })?;
    route(&svc, PUT, |svc, _, args| async move {
        let note: Note = args.get(0)?;
        validate_title(&note.title)?;
        let summary = note.summary();
        svc.store.put(note).await?;
        svc.changed(&summary.title, "saved");
        Ok(summary)
    })?;
    route(&svc, DELETE, |svc, _, args| async move {
        let title: String = args.get(0)?;
        if !svc.store.delete(&title).await? {
            return Err(not_found(&title));
        }
        svc.changed(&title, "deleted");
        Ok(())
    })?;
    route(&svc, SEARCH, |svc, event, args| async move {
        let query: String = args.get(0)?;
        let notes = svc.store.snapshot().await;
        // Long work often runs as a task of its own (to bound it, share it, keep it off the
        // call). When the caller aborts, the call times out or the extension is disabled,
        // Ferrolens drops this call's future, not the task: the scan watches
        // `event.cancelled()` to stop early.
        let scan = tokio::spawn(scan(notes, query, event, svc.stats.clone()));
        scan.await
            .map_err(|err| HandlerError::new("SearchError", format!("the search failed: {err}")))?
    })?;
    Ok(())
}

impl Service {
    /// Tells main's listeners and every frame that the note titled `title` changed.
    fn changed(&self, title: &str, how: &str) {
        if let Err(err) = self.ipc.broadcast(CHANGED, (title, how)) {
            log::warn!("notes: {title:?} was {how}, but frames were not told: {err}");
        }
    }
}

/// The summaries of the notes that contain `query` (ignoring case), one [`SCAN_STEP`] per
/// note; stops with code `CANCELLED` as soon as the call is cancelled.
async fn scan(
    notes: Vec<Note>,
    query: String,
    event: IpcEvent,
    stats: Arc<SearchStats>,
) -> Result<Vec<NoteSummary>, HandlerError> {
    let needle = query.to_lowercase();
    let mut found = Vec::new();
    for (done, note) in notes.iter().enumerate() {
        tokio::select! {
            biased;
            () = event.cancelled() => {
                stats.cancelled.fetch_add(1, Ordering::SeqCst);
                log::info!("notes: search {query:?} cancelled after {done} of {} notes", notes.len());
                return Err(HandlerError::new("AbortError", "the search was cancelled").with_code("CANCELLED"));
            }
            () = tokio::time::sleep(SCAN_STEP) => {}
        }
        stats.scanned.fetch_add(1, Ordering::SeqCst);
        if note.matches(&needle) {
            found.push(note.summary());
        }
    }
    stats.completed.fetch_add(1, Ordering::SeqCst);
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
