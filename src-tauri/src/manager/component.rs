//! Main parts that are WebAssembly components: a manifest's `"main"` naming a `.wasm` file in
//! the extension's own folder (`"main": "main.wasm"`), run by the WebAssembly host
//! (`ferrolens-wasm`) in a sandbox of its own. Unlike a main part compiled into Ferrolens, a
//! component comes with its folder, so a user extension may have one, installed, enabled,
//! disabled and uninstalled at run time like a renderer part.
//!
//! The file is checked with the manifest (inside the folder, a regular file, not over
//! [`MAX_COMPONENT_BYTES`]), and read again, bounded, at each activation. Builds without the
//! cargo feature `wasm` refuse such extensions with the reason.

use std::path::Path;
use std::sync::Arc;

use ferrolens_ipc::ExtensionId;
use serde::{Deserialize, Serialize};

use super::files::{confined, human_size, require_regular};

/// How a manifest's `"main"` names a component rather than a main part compiled in.
pub const COMPONENT_SUFFIX: &str = ".wasm";

/// The largest component file an extension may have.
pub const MAX_COMPONENT_BYTES: u64 = 64 * 1024 * 1024;

/// The capability a manifest declares (`"capabilities": ["data-dir"]`) for its component to
/// get a private data folder.
pub const DATA_DIR_CAPABILITY: &str = "data-dir";

/// The memory caps (MiB) the user may give a component in the shell's settings.
pub const MEMORY_CAP_MIB: std::ops::RangeInclusive<u32> = 16..=4096;

/// What the user grants one extension's component, beyond its manifest (the shell's settings,
/// read at each activation): a manifest can neither raise its memory cap nor keep a data folder
/// the user revoked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentGrants {
    /// Its memory cap in MiB; `None` for the host's default (64 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u32>,
    /// True when the user revoked the data folder its manifest declares.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_dir_revoked: bool,
}

/// Where the manager reads each extension's [`ComponentGrants`].
pub type GrantsOf = Arc<dyn Fn(&ExtensionId) -> ComponentGrants + Send + Sync>;

/// True when a manifest's `main` names a component file.
pub fn is_component(main: &str) -> bool {
    main.ends_with(COMPONENT_SUFFIX)
}

/// Checks the component file `main` of the folder `dir`: inside it, a regular file, not over
/// [`MAX_COMPONENT_BYTES`].
pub fn check_file(dir: &Path, main: &str) -> Result<(), String> {
    let file = confined(dir, main)?;
    let meta = std::fs::metadata(&file).map_err(|err| format!("cannot read it: {err}"))?;
    require_regular(&meta)?;
    if meta.len() > MAX_COMPONENT_BYTES {
        return Err(format!(
            "it is larger than the limit of {}",
            human_size(MAX_COMPONENT_BYTES)
        ));
    }
    Ok(())
}

/// Why this build refuses an extension whose main part is the component `main`, if it does.
pub fn refusal(main: &str) -> Option<String> {
    if cfg!(feature = "wasm") {
        None
    } else {
        Some(format!(
            "\"main\" names the WebAssembly component {main:?}, but this Ferrolens is built \
             without the WebAssembly host (cargo feature `wasm`)"
        ))
    }
}

#[cfg(feature = "wasm")]
pub use host::Components;

#[cfg(feature = "wasm")]
mod host {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use ferrolens_ipc::ExtensionMain;
    use ferrolens_wasm::{HostOptions, Limits, PartOptions, WasmHost, WasmMainPart};

    use super::{GrantsOf, MAX_COMPONENT_BYTES, MEMORY_CAP_MIB};
    use crate::manager::files::{confined, read_regular_file};
    use crate::manager::Manifest;

    /// The WebAssembly host of one app, and the folders it uses. The engine starts at the first
    /// activation of a component, so an app without any costs nothing.
    pub struct Components {
        cache_dir: Option<PathBuf>,
        data_root: Option<PathBuf>,
        limits: Limits,
        grants: Option<GrantsOf>,
        host: OnceLock<Result<WasmHost, String>>,
    }

    impl Default for Components {
        fn default() -> Self {
            Self::new(None, None)
        }
    }

    impl Components {
        /// Components whose compiled code is cached in `cache_dir`, and whose data folders (for
        /// manifests that declare the capability) are made in `data_root`.
        pub fn new(cache_dir: Option<PathBuf>, data_root: Option<PathBuf>) -> Self {
            Self {
                cache_dir,
                data_root,
                limits: Limits::default(),
                grants: None,
                host: OnceLock::new(),
            }
        }

        /// Runs every component under `limits` instead of the defaults.
        pub fn with_limits(mut self, limits: Limits) -> Self {
            self.limits = limits;
            self
        }

        /// Reads what the user granted each extension (memory cap, data folder) from `grants`
        /// at each activation, over the defaults and the manifest.
        pub fn with_grants(mut self, grants: GrantsOf) -> Self {
            self.grants = Some(grants);
            self
        }

        /// The host, started on first use.
        pub fn host(&self) -> Result<&WasmHost, String> {
            let host = self.host.get_or_init(|| {
                WasmHost::new(HostOptions {
                    cache_dir: self.cache_dir.clone(),
                })
                .map_err(|err| err.to_string())
            });
            host.as_ref().map_err(Clone::clone)
        }

        /// A main part for the component `main` of the extension in `dir`, read from disk now.
        pub fn build(
            &self,
            dir: &Path,
            manifest: &Manifest,
            main: &str,
        ) -> Result<Box<dyn ExtensionMain>, String> {
            let file = confined(dir, main).map_err(|why| format!("\"main\" {main:?}: {why}"))?;
            let wasm = read_regular_file(&file, MAX_COMPONENT_BYTES)
                .map_err(|why| format!("\"main\" {main:?}: {why}"))?;
            let grants = self
                .grants
                .as_ref()
                .map(|grants| grants(&manifest.id))
                .unwrap_or_default();
            let data_dir = match manifest.data_dir && !grants.data_dir_revoked {
                false => None,
                true => Some(self.data_dir(manifest)?),
            };
            let mut limits = self.limits.clone();
            // Clamped again: the settings file is the user's to edit by hand.
            if let Some(mib) = grants.memory_mib {
                let mib = mib.clamp(*MEMORY_CAP_MIB.start(), *MEMORY_CAP_MIB.end());
                limits.memory_bytes = (mib as usize) << 20;
            }
            let options = PartOptions { limits, data_dir };
            Ok(Box::new(WasmMainPart::new(
                self.host()?.clone(),
                wasm,
                options,
            )))
        }

        /// The private data folder of the extension, one per id.
        fn data_dir(&self, manifest: &Manifest) -> Result<PathBuf, String> {
            let root = self.data_root.as_ref().ok_or_else(|| {
                "it declares the \"data-dir\" capability, but Ferrolens has no folder for \
                 extension data"
                    .to_string()
            })?;
            // The event key maps ids one-to-one into letters, digits, `-`, `_` and `/`; a scope's
            // `/` becomes `+`, which no event key holds, so no two ids share a folder.
            Ok(root.join(manifest.id.event_key().replace('/', "+")))
        }
    }
}
