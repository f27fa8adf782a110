//! The extension manager: discovers extensions, activates and deactivates them, and answers
//! which extensions a frame loads.

mod discovery;
mod files;
mod manifest;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use ferrolens_ipc::{
    panic_message, Counts, ErrorCode, ExtensionContext, ExtensionId, ExtensionMain, IpcError,
    MainPart, Router,
};
use parking_lot::{Mutex, RwLock};
use semver::Version;
use serde::Serialize;

pub use discovery::{discover, Discovered, Source};
pub use files::{read_regular_file, MAX_MANIFEST_BYTES, MAX_SERVED_BYTES};
pub use manifest::{Manifest, ManifestError, MANIFEST_FILE};

/// Where an extension stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "state", content = "error")]
pub enum State {
    /// Activated; its IPC works.
    Active,
    /// Discovered and valid, not activated.
    Disabled,
    /// Could not be loaded or activated; the reason says why.
    Failed(String),
}

/// What the shell shows of one extension (see `docs/protocol.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionInfo {
    /// Manifest name, or the folder name when the manifest is unreadable.
    pub id: String,
    /// Same as `id`; kept apart so a display name can differ later.
    pub name: String,
    /// Manifest version, empty when unreadable.
    pub version: String,
    /// Manifest description.
    pub description: String,
    /// Bundled with the app or installed by the user.
    pub source: Source,
    /// State and, when failed, why.
    #[serde(flatten)]
    pub state: State,
    /// The extension's folder.
    pub path: PathBuf,
    /// Name of the compiled-in main part, if any.
    pub main: Option<String>,
    /// Renderer entry, if any.
    pub renderer: Option<String>,
}

/// An active extension as one frame loads it.
#[derive(Debug, Clone)]
pub struct Loadable {
    /// Its id.
    pub id: ExtensionId,
    /// Its manifest.
    pub manifest: Manifest,
    /// The current activation number (capabilities are bound to it).
    pub activation: u64,
}

struct Record {
    found: Discovered,
    state: State,
    ctx: Option<ExtensionContext>,
    main: Option<Box<dyn ExtensionMain>>,
}

/// Owns every extension's record and drives its lifecycle through the [`Router`].
pub struct ExtensionManager {
    router: Arc<Router>,
    main_parts: Vec<MainPart>,
    records: RwLock<Vec<Record>>,
    /// Serializes activate/deactivate so a teardown always completes before the next start.
    lifecycle: Mutex<()>,
}

impl ExtensionManager {
    /// A manager with the compiled-in `main_parts`, and no extensions yet.
    pub fn new(router: Arc<Router>, main_parts: Vec<MainPart>) -> Self {
        Self {
            router,
            main_parts,
            records: RwLock::new(Vec::new()),
            lifecycle: Mutex::new(()),
        }
    }

    /// The IPC router.
    pub fn router(&self) -> &Arc<Router> {
        &self.router
    }

    /// Adds discovered extensions; an id seen before fails as a duplicate.
    pub fn add(&self, found: Vec<Discovered>) {
        let mut records = self.records.write();
        for found in found {
            let mut state = match &found.manifest {
                Ok(_) => State::Disabled,
                Err(err) => State::Failed(err.to_string()),
            };
            if let Ok(m) = &found.manifest {
                if let Some(first) = records
                    .iter()
                    .find(|r| r.found.manifest.as_ref().is_ok_and(|o| o.id == m.id))
                {
                    state = State::Failed(format!(
                        "duplicate extension id {}: already provided by {}",
                        m.id,
                        first.found.dir.display()
                    ));
                }
                if let Some(main) = &m.main {
                    if !self.main_parts.iter().any(|p| p.name == main) {
                        state = State::Failed(format!(
                            "\"main\" names {main:?}, but no such main part is compiled into this Ferrolens"
                        ));
                    }
                }
            }
            if let State::Failed(why) = &state {
                log::error!("extension in {}: {why}", found.dir.display());
            }
            records.push(Record {
                found,
                state,
                ctx: None,
                main: None,
            });
        }
    }

    /// Activates every valid, disabled extension that `enabled` allows, in discovery order.
    pub fn activate_all(&self, enabled: impl Fn(&ExtensionId) -> bool) {
        let ids: Vec<ExtensionId> = self
            .records
            .read()
            .iter()
            .filter(|r| r.state == State::Disabled)
            .filter_map(|r| r.found.manifest.as_ref().ok().map(|m| m.id.clone()))
            .filter(|id| enabled(id))
            .collect();
        for id in ids {
            if let Err(err) = self.activate(&id) {
                log::error!("{err}");
            }
        }
    }

    /// Activates one extension: opens its IPC namespace and runs its main part's `on_activate`.
    /// A failing or panicking `on_activate` leaves nothing registered and marks it failed.
    pub fn activate(&self, id: &ExtensionId) -> Result<(), IpcError> {
        in_runtime(|| self.activate_now(id))
    }

    fn activate_now(&self, id: &ExtensionId) -> Result<(), IpcError> {
        let _lifecycle = self.lifecycle.lock();
        let main_name = {
            let records = self.records.read();
            let record = find(&records, id)?;
            if record.state == State::Active {
                return Ok(());
            }
            record
                .found
                .manifest
                .as_ref()
                .ok()
                .and_then(|m| m.main.clone())
        };
        let ctx = self.router.activate(id)?;
        let main = main_name.map(|name| {
            let part = self.main_parts.iter().find(|p| p.name == name);
            part.map(|p| (p.build)())
        });
        let outcome = match &main {
            Some(Some(main)) => run_isolated(|| main.on_activate(&ctx)),
            Some(None) => Err("its main part is not compiled in".to_string()),
            None => Ok(()),
        };
        let mut records = self.records.write();
        let record = find_mut(&mut records, id)?;
        match outcome {
            Ok(()) => {
                record.state = State::Active;
                record.ctx = Some(ctx);
                record.main = main.flatten();
                log::info!("extension {id} activated");
                Ok(())
            }
            Err(why) => {
                self.router.deactivate(&ctx);
                let why = format!("on_activate failed: {why}");
                record.state = State::Failed(why.clone());
                Err(IpcError::new(
                    ErrorCode::ActivationFailed,
                    format!("extension {id}: {why}"),
                )
                .for_extension(id))
            }
        }
    }

    /// Deactivates one extension: `on_deactivate`, then its disposers, then drops every
    /// listener and handler. The teardown always runs to the end.
    pub fn deactivate(&self, id: &ExtensionId) -> Result<Counts, IpcError> {
        in_runtime(|| self.deactivate_now(id))
    }

    fn deactivate_now(&self, id: &ExtensionId) -> Result<Counts, IpcError> {
        let _lifecycle = self.lifecycle.lock();
        let (ctx, main) = {
            let mut records = self.records.write();
            let record = find_mut(&mut records, id)?;
            if record.state != State::Active {
                return Ok(Counts::default());
            }
            record.state = State::Disabled;
            (record.ctx.take(), record.main.take())
        };
        if let (Some(ctx), Some(main)) = (&ctx, &main) {
            if let Err(why) = run_isolated(|| main.on_deactivate(ctx)) {
                log::error!("extension {id}: on_deactivate failed: {why}; disposing anyway");
            }
        }
        let left = ctx
            .map(|ctx| self.router.deactivate(&ctx))
            .unwrap_or_default();
        log::info!("extension {id} deactivated");
        Ok(left)
    }

    /// Deactivates every active extension, last activated first (at exit).
    pub fn deactivate_all(&self) {
        let ids: Vec<ExtensionId> = self
            .records
            .read()
            .iter()
            .rev()
            .filter(|r| r.state == State::Active)
            .filter_map(|r| r.found.manifest.as_ref().ok().map(|m| m.id.clone()))
            .collect();
        for id in ids {
            if let Err(err) = self.deactivate(&id) {
                log::error!("{err}");
            }
        }
    }

    /// Checks that `id` is a user extension, which may be uninstalled.
    pub fn forget_allowed(&self, id: &ExtensionId) -> Result<(), IpcError> {
        let records = self.records.read();
        if find(&records, id)?.found.source == Source::Bundled {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!(
                    "extension {id} is bundled with Ferrolens: it can be disabled, not uninstalled"
                ),
            )
            .for_extension(id));
        }
        Ok(())
    }

    /// Forgets an inactive user extension and returns its folder, for uninstalling.
    /// Bundled extensions can be disabled, not removed.
    pub fn forget(&self, id: &ExtensionId) -> Result<PathBuf, IpcError> {
        self.forget_allowed(id)?;
        let mut records = self.records.write();
        let record = find(&records, id)?;
        if record.state == State::Active {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("extension {id} must be deactivated before it is forgotten"),
            )
            .for_extension(id));
        }
        let index = records
            .iter()
            .position(|r| r.found.manifest.as_ref().is_ok_and(|m| &m.id == id))
            .expect("found above");
        Ok(records.remove(index).found.dir)
    }

    /// Every discovered extension, for the shell.
    pub fn infos(&self) -> Vec<ExtensionInfo> {
        self.records.read().iter().map(info_of).collect()
    }

    /// Active extensions with a renderer part, in load order.
    pub fn loadable(&self) -> Vec<Loadable> {
        self.records
            .read()
            .iter()
            .filter(|r| r.state == State::Active)
            .filter_map(|r| {
                let manifest = r.found.manifest.as_ref().ok()?;
                manifest.renderer.as_ref()?;
                Some(Loadable {
                    id: manifest.id.clone(),
                    manifest: manifest.clone(),
                    activation: r.ctx.as_ref()?.activation(),
                })
            })
            .collect()
    }

    /// The current activation number of `id`, if active.
    pub fn activation(&self, id: &ExtensionId) -> Option<u64> {
        let records = self.records.read();
        find(&records, id)
            .ok()?
            .ctx
            .as_ref()
            .map(|c| c.activation())
    }

    /// True when a main part named `name` is compiled in.
    pub fn has_main_part(&self, name: &str) -> bool {
        self.main_parts.iter().any(|p| p.name == name)
    }

    /// Checks that `id` names a discovered extension.
    pub fn require_known(&self, name: &str) -> Result<ExtensionId, IpcError> {
        // Every call goes through here: a discovered id is found by name and shared, not parsed
        // and allocated again; only a name that is not one says why.
        let records = self.records.read();
        let found = records
            .iter()
            .filter_map(|r| r.found.manifest.as_ref().ok())
            .find(|m| m.id.as_str() == name);
        match found {
            Some(manifest) => Ok(manifest.id.clone()),
            None => Err(unknown(&ExtensionId::new(name)?)),
        }
    }

    /// For the URI scheme: the folder of the active extension whose URL segment
    /// ([`crate::scheme::url_segment`]) is the first segment of `path`, and the rest of the path.
    /// Segments are compared whole, so one extension's URLs never resolve into another's folder.
    pub fn folder_for_url_path(&self, path: &str) -> Option<(PathBuf, String)> {
        let (segment, rest) = path.split_once('/')?;
        self.records
            .read()
            .iter()
            .filter(|r| r.state == State::Active)
            .find_map(|r| {
                let id = &r.found.manifest.as_ref().ok()?.id;
                (crate::scheme::url_segment(id) == segment)
                    .then(|| (r.found.dir.clone(), rest.to_string()))
            })
    }
}

/// Runs `f` inside the app's async runtime, so extension code called from the main thread
/// (lifecycle hooks, disposers, listeners of a broadcast) may use `tokio::spawn` and timers.
pub fn in_runtime<T>(f: impl FnOnce() -> T) -> T {
    let handle = tauri::async_runtime::handle();
    let _entered = handle.inner().enter();
    f()
}

fn run_isolated(f: impl FnOnce() -> Result<(), ferrolens_ipc::HandlerError>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.cause().message.clone()),
        Err(panic) => Err(format!("panicked: {}", panic_message(&*panic))),
    }
}

fn find<'a>(records: &'a [Record], id: &ExtensionId) -> Result<&'a Record, IpcError> {
    records
        .iter()
        .find(|r| r.found.manifest.as_ref().is_ok_and(|m| &m.id == id))
        .ok_or_else(|| unknown(id))
}

fn find_mut<'a>(records: &'a mut [Record], id: &ExtensionId) -> Result<&'a mut Record, IpcError> {
    records
        .iter_mut()
        .find(|r| r.found.manifest.as_ref().is_ok_and(|m| &m.id == id))
        .ok_or_else(|| unknown(id))
}

fn unknown(id: &ExtensionId) -> IpcError {
    IpcError::new(
        ErrorCode::UnknownExtension,
        format!("no extension {id} is installed"),
    )
    .for_extension(id)
}

fn info_of(r: &Record) -> ExtensionInfo {
    let folder = r
        .found
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (id, version, description, main, renderer) = match &r.found.manifest {
        Ok(m) => (
            m.id.to_string(),
            m.version.to_string(),
            m.description.clone(),
            m.main.clone(),
            m.renderer.clone(),
        ),
        Err(_) => (folder, String::new(), String::new(), None, None),
    };
    ExtensionInfo {
        name: id.clone(),
        id,
        version,
        description,
        source: r.found.source,
        state: r.state.clone(),
        path: r.found.dir.clone(),
        main,
        renderer,
    }
}

/// The version extensions' `engines.ferrolens` ranges are checked against.
pub fn host_version() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).expect("the package version is semver")
}
