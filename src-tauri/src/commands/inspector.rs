//! The IPC inspector's commands.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

/// What the inspector shows: entries newer than `since`, and the recorder's state.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorView {
    recording: bool,
    capacity: usize,
    entries: Vec<crate::inspector::Entry>,
}

#[tauri::command]
pub fn ferrolens_inspector_entries(
    inspector: State<'_, InspectorState>,
    since: u64,
) -> InspectorView {
    InspectorView {
        recording: inspector.0.is_recording(),
        capacity: inspector.0.capacity(),
        entries: inspector.0.entries_since(since),
    }
}

#[tauri::command]
pub fn ferrolens_inspector_record(inspector: State<'_, InspectorState>, recording: bool) {
    inspector.0.set_recording(recording);
}

#[tauri::command]
pub fn ferrolens_inspector_clear(inspector: State<'_, InspectorState>) {
    inspector.0.clear();
}

/// Writes every kept entry to a JSON file in the app's data folder and returns its path.
#[tauri::command]
pub fn ferrolens_inspector_export<R: Runtime>(
    app: AppHandle<R>,
    inspector: State<'_, InspectorState>,
) -> Result<String, String> {
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
    let json =
        serde_json::to_vec_pretty(&inspector.0.entries_since(0)).map_err(|e| e.to_string())?;
    std::fs::write(&file, json).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file.display().to_string())
}

/// The inspector as app state.
pub struct InspectorState(pub std::sync::Arc<crate::inspector::Inspector>);
