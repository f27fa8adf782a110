//! Finding extension folders on disk.

use std::path::{Path, PathBuf};

use semver::Version;
use serde::Serialize;

use super::manifest::{Manifest, ManifestError};

/// Where an extension came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Shipped with Ferrolens; can be disabled, not uninstalled.
    Bundled,
    /// Installed into the user extensions directory.
    User,
}

/// One extension folder and what its manifest said.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The folder.
    pub dir: PathBuf,
    /// Bundled or user.
    pub source: Source,
    /// The validated manifest, or why it was refused.
    pub manifest: Result<Manifest, ManifestError>,
}

/// Every sub-folder of `root` is one extension, in name order. A missing `root` holds none.
pub fn discover(root: &Path, source: Source, host: &Version) -> Vec<Discovered> {
    let Ok(entries) = std::fs::read_dir(root) else {
        log::info!("no extensions folder at {}", root.display());
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| Discovered {
            manifest: Manifest::load(&dir, host),
            dir,
            source,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subfolder_is_an_extension_and_broken_ones_say_why() {
        let root = tempfile::tempdir().unwrap();
        let good = root.path().join("b-good");
        std::fs::create_dir(&good).unwrap();
        std::fs::write(good.join("renderer.js"), "").unwrap();
        std::fs::write(
            good.join("package.json"),
            r#"{"name":"good","version":"1.0.0","renderer":"renderer.js","engines":{"ferrolens":">=0.1"}}"#,
        )
        .unwrap();
        std::fs::create_dir(root.path().join("a-empty")).unwrap();
        std::fs::write(root.path().join("stray-file.txt"), "").unwrap();

        let found = discover(root.path(), Source::User, &Version::new(0, 1, 0));
        assert_eq!(found.len(), 2);
        assert!(found[0]
            .manifest
            .as_ref()
            .unwrap_err()
            .0
            .contains("package.json"));
        assert_eq!(found[1].manifest.as_ref().unwrap().id.as_str(), "good");
        assert_eq!(found[1].source, Source::User);
    }

    #[test]
    fn a_missing_root_holds_no_extensions() {
        assert!(discover(
            Path::new("/nonexistent/ferrolens"),
            Source::User,
            &Version::new(0, 1, 0)
        )
        .is_empty());
    }
}
