//! Data an earlier Ferrolens kept elsewhere, moved to where this one looks for it, once.

use std::io;
use std::path::Path;

/// The file the `notes` sample keeps its notes in.
const NOTES_FILE: &str = "notes.json";

/// Before its main part became a WebAssembly component, the bundled `notes` extension kept its
/// notes in `<app data>/notes/notes.json`; its component keeps them in its granted data folder,
/// `<extension data>/notes/`. Moves the earlier file there when the component has none yet, so
/// an update does not hide the user's notes. Returns whether it moved one; an earlier file next
/// to a newer one is left where it is.
pub fn earlier_notes(app_data: &Path, extension_data: &Path) -> io::Result<bool> {
    let earlier = app_data.join("notes").join(NOTES_FILE);
    let folder = extension_data.join("notes");
    let now = folder.join(NOTES_FILE);
    if !earlier.is_file() || now.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(&folder)?;
    // Same volume (both are in the app's data folder): a rename, atomic, nothing copied.
    std::fs::rename(&earlier, &now)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let app_data = dir.path().to_path_buf();
        let extension_data = app_data.join("extension-data");
        (dir, app_data, extension_data)
    }

    #[test]
    fn the_earlier_notes_file_moves_into_the_components_data_folder() {
        let (_dir, app_data, extension_data) = setup();
        std::fs::create_dir_all(app_data.join("notes")).unwrap();
        let notes = r#"[{"title":"kept","body":"across the update","tags":[]}]"#;
        std::fs::write(app_data.join("notes/notes.json"), notes).unwrap();

        assert!(earlier_notes(&app_data, &extension_data).unwrap());
        let moved = std::fs::read_to_string(extension_data.join("notes/notes.json")).unwrap();
        assert_eq!(moved, notes);
        assert!(!app_data.join("notes/notes.json").exists());
        // Once: a second start finds nothing to move.
        assert!(!earlier_notes(&app_data, &extension_data).unwrap());
    }

    #[test]
    fn newer_notes_are_never_replaced() {
        let (_dir, app_data, extension_data) = setup();
        for (folder, text) in [
            (app_data.join("notes"), "old"),
            (extension_data.join("notes"), "new"),
        ] {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("notes.json"), text).unwrap();
        }
        assert!(!earlier_notes(&app_data, &extension_data).unwrap());
        let kept = std::fs::read_to_string(extension_data.join("notes/notes.json")).unwrap();
        assert_eq!(kept, "new");
        assert!(
            app_data.join("notes/notes.json").exists(),
            "the earlier file is left alone"
        );
    }

    #[test]
    fn nothing_happens_without_an_earlier_file() {
        let (_dir, app_data, extension_data) = setup();
        assert!(!earlier_notes(&app_data, &extension_data).unwrap());
        assert!(!extension_data.exists(), "no folder is made for nothing");
    }
}
