//! Which extensions the user disabled, kept in a small JSON file across restarts.

use std::collections::BTreeSet;
use std::path::PathBuf;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

/// The settings file's name inside the app's config folder.
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    disabled: BTreeSet<String>,
}

/// Persisted enabled state. Extensions are enabled unless listed as disabled, so a newly
/// installed one starts enabled.
pub struct Settings {
    path: PathBuf,
    stored: Mutex<Stored>,
}

impl Settings {
    /// Loads `path`; a missing file means defaults, an unreadable one is logged and replaced.
    pub fn load(path: PathBuf) -> Self {
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|err| {
                log::error!(
                    "{} is not valid settings ({err}); using defaults",
                    path.display()
                );
                Stored::default()
            }),
            Err(_) => Stored::default(),
        };
        Self {
            path,
            stored: Mutex::new(stored),
        }
    }

    /// True unless the user disabled `id`.
    pub fn is_enabled(&self, id: &str) -> bool {
        !self.stored.lock().disabled.contains(id)
    }

    /// Records the user's choice and writes the file (atomically, via a temporary file).
    pub fn set_enabled(&self, id: &str, enabled: bool) -> std::io::Result<()> {
        let mut stored = self.stored.lock();
        if enabled {
            stored.disabled.remove(id);
        } else {
            stored.disabled.insert(id.to_string());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&*stored)?)?;
        std::fs::rename(tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_state_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(SETTINGS_FILE);
        let settings = Settings::load(path.clone());
        assert!(settings.is_enabled("example"));
        settings.set_enabled("example", false).unwrap();
        assert!(!Settings::load(path.clone()).is_enabled("example"));
        settings.set_enabled("example", true).unwrap();
        assert!(Settings::load(path).is_enabled("example"));
    }

    #[test]
    fn a_corrupt_file_falls_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "{not json").unwrap();
        assert!(Settings::load(path).is_enabled("anything"));
    }
}
