//! What the user chose in the shell, kept in a small JSON file across restarts: which
//! extensions are disabled, and what each WebAssembly main part is granted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::manager::ComponentGrants;

/// The settings file's name inside the app's config folder.
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    disabled: BTreeSet<String>,
    /// Only extensions whose grants differ from the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    components: BTreeMap<String, ComponentGrants>,
}

/// Persisted choices. Extensions are enabled unless listed as disabled, so a newly installed one
/// starts enabled. Clones share one state and one file.
#[derive(Clone)]
pub struct Settings {
    path: Arc<PathBuf>,
    stored: Arc<Mutex<Stored>>,
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
            path: Arc::new(path),
            stored: Arc::new(Mutex::new(stored)),
        }
    }

    /// True unless the user disabled `id`.
    pub fn is_enabled(&self, id: &str) -> bool {
        !self.stored.lock().disabled.contains(id)
    }

    /// Records the user's choice and writes the file.
    pub fn set_enabled(&self, id: &str, enabled: bool) -> std::io::Result<()> {
        let mut stored = self.stored.lock();
        if enabled {
            stored.disabled.remove(id);
        } else {
            stored.disabled.insert(id.to_string());
        }
        self.save(&stored)
    }

    /// What the user granted `id`'s WebAssembly main part (the defaults unless set).
    pub fn component(&self, id: &str) -> ComponentGrants {
        self.stored
            .lock()
            .components
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Records what the user grants `id`'s WebAssembly main part and writes the file.
    pub fn set_component(&self, id: &str, grants: ComponentGrants) -> std::io::Result<()> {
        let mut stored = self.stored.lock();
        if grants == ComponentGrants::default() {
            stored.components.remove(id);
        } else {
            stored.components.insert(id.to_string(), grants);
        }
        self.save(&stored)
    }

    /// Writes `stored` atomically, via a temporary file.
    fn save(&self, stored: &Stored) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(stored)?)?;
        std::fs::rename(tmp, &*self.path)
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
    fn component_grants_survive_a_reload_and_defaults_leave_no_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        let settings = Settings::load(path.clone());
        assert_eq!(settings.component("wasm-echo"), ComponentGrants::default());
        let grants = ComponentGrants {
            memory_mib: Some(256),
            data_dir_revoked: true,
        };
        settings.set_component("wasm-echo", grants.clone()).unwrap();
        settings.set_enabled("example", false).unwrap();
        let reloaded = Settings::load(path.clone());
        assert_eq!(reloaded.component("wasm-echo"), grants);
        assert!(!reloaded.is_enabled("example"));
        settings
            .set_component("wasm-echo", ComponentGrants::default())
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("components"), "{text}");
    }

    #[test]
    fn a_corrupt_file_falls_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "{not json").unwrap();
        assert!(Settings::load(path).is_enabled("anything"));
    }
}
