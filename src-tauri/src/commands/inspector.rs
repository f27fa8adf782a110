//! The IPC inspector's commands.

use ferrolens_ipc::IpcError;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State, Webview};

use crate::inspector::Entry;
use crate::shell_page::require_shell;

/// Payload bytes one answer of `ferrolens_inspector_entries` carries at most; the shell asks
/// again from the last entry it got, so a full ring arrives over a few polls rather than as one
/// answer of 32 MiB.
pub const MAX_ENTRIES_ANSWER: usize = 4 << 20;

/// The most bytes an export writes: the newest entries that fit, and the answer says so.
pub const MAX_EXPORT_BYTES: usize = 16 << 20;

/// What the inspector shows: entries newer than `since`, and the recorder's state.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorView {
    recording: bool,
    capacity: usize,
    entries: Vec<crate::inspector::Entry>,
}

// The inspector sees every extension's traffic: its commands answer the shell page only.

#[tauri::command]
pub fn ferrolens_inspector_entries<R: Runtime>(
    webview: Webview<R>,
    inspector: State<'_, InspectorState>,
    since: u64,
) -> Result<InspectorView, IpcError> {
    require_shell(&webview)?;
    Ok(InspectorView {
        recording: inspector.0.is_recording(),
        capacity: inspector.0.capacity(),
        entries: inspector.0.entries_within(since, MAX_ENTRIES_ANSWER),
    })
}

#[tauri::command]
pub fn ferrolens_inspector_record<R: Runtime>(
    webview: Webview<R>,
    inspector: State<'_, InspectorState>,
    recording: bool,
) -> Result<(), IpcError> {
    require_shell(&webview)?;
    inspector.0.set_recording(recording);
    Ok(())
}

#[tauri::command]
pub fn ferrolens_inspector_clear<R: Runtime>(
    webview: Webview<R>,
    inspector: State<'_, InspectorState>,
) -> Result<(), IpcError> {
    require_shell(&webview)?;
    inspector.0.clear();
    Ok(())
}

/// What an export wrote.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    /// The file.
    pub path: String,
    /// Entries written.
    pub entries: usize,
    /// Entries kept when exporting: more than `entries` when the file would have passed
    /// [`MAX_EXPORT_BYTES`] (only the newest were written).
    pub kept: usize,
}

/// The JSON text of the newest `entries` that fit `max_bytes` (a JSON array, oldest first) and
/// how many it holds.
pub fn export_json(entries: &[Entry], max_bytes: usize) -> serde_json::Result<(Vec<u8>, usize)> {
    let mut written: Vec<Vec<u8>> = Vec::new();
    let mut total = 2;
    for entry in entries.iter().rev() {
        // Each entry's payload is a bounded preview, so this cannot recurse far.
        let text = serde_json::to_vec_pretty(entry)?;
        if total + text.len() + 2 > max_bytes {
            break;
        }
        total += text.len() + 2;
        written.push(text);
    }
    let count = written.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"[\n");
    for (i, text) in written.iter().rev().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(text);
    }
    out.extend_from_slice(b"\n]");
    Ok((out, count))
}

/// Writes the kept entries to a JSON file in the app's data folder, at most
/// [`MAX_EXPORT_BYTES`] of them (the newest), and says where and how many.
#[tauri::command]
pub fn ferrolens_inspector_export<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    inspector: State<'_, InspectorState>,
) -> Result<Exported, String> {
    require_shell(&webview).map_err(|err| err.to_string())?;
    let dir = app
        .path()
        .app_data_dir()
        .map_err(|e| e.to_string())?
        .join("inspector");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let file = dir.join(format!("ipc-{stamp}.json"));
    let entries = inspector.0.entries_since(0);
    let (json, written) = export_json(&entries, MAX_EXPORT_BYTES).map_err(|e| e.to_string())?;
    std::fs::write(&file, json).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(Exported {
        path: file.display().to_string(),
        entries: written,
        kept: entries.len(),
    })
}

/// The inspector as app state.
pub struct InspectorState(pub std::sync::Arc<crate::inspector::Inspector>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::{Inspector, Recorder, MAX_KEPT_PAYLOAD};
    use ferrolens_ipc::{
        Channel, ExtensionId, Graph, Kind, Observation, Observer, Origin, Payload,
    };

    fn recorded(count: usize) -> Vec<Entry> {
        let inspector = Inspector::new(count);
        let recorder = Recorder(inspector.clone());
        let (id, ch) = (ExtensionId::new("a").unwrap(), Channel::new("c").unwrap());
        let big = Graph::from(serde_json::Value::String("x".repeat(2 * MAX_KEPT_PAYLOAD)));
        for _ in 0..count {
            recorder.observe(&Observation {
                kind: Kind::Reply,
                extension: &id,
                channel: &ch,
                origin: &Origin::Main,
                frame: None,
                payload: Payload::Answer(&big),
                latency: None,
                error: None,
            });
        }
        inspector.entries_since(0)
    }

    #[test]
    fn an_export_past_its_limit_holds_the_newest_entries_that_fit() {
        let entries = recorded(100);
        let max = 1 << 20;
        let (json, written) = export_json(&entries, max).unwrap();
        assert!(json.len() <= max, "{} bytes", json.len());
        assert!(written > 0 && written < entries.len(), "{written}");
        let back: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
        assert_eq!(back.len(), written);
        let seqs: Vec<u64> = back.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        let newest: Vec<u64> = entries[entries.len() - written..]
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, newest, "the newest, oldest first");
    }

    #[test]
    fn an_export_within_its_limit_holds_every_entry() {
        let entries = recorded(3);
        let (json, written) = export_json(&entries, MAX_EXPORT_BYTES).unwrap();
        assert_eq!(written, 3);
        let back: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
        assert_eq!(back.len(), 3);
        let (empty, none) = export_json(&[], MAX_EXPORT_BYTES).unwrap();
        assert_eq!(
            (
                none,
                serde_json::from_slice::<Vec<u8>>(&empty).unwrap().len()
            ),
            (0, 0)
        );
    }
}
