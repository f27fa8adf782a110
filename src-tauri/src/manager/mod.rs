//! The extension manager: discovers extensions, activates and deactivates them, and answers
//! which extensions a frame loads.

mod component;
#[cfg(all(test, feature = "wasm"))]
mod component_tests;
mod discovery;
mod files;
mod manifest;
#[cfg(test)]
mod tests;

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

use crate::placement::InPage;
use crate::runtime::in_runtime;
use crate::urls::url_segment;

#[cfg(feature = "wasm")]
pub use component::Components;
pub use component::{
    is_component, ComponentGrants, GrantsOf, COMPONENT_SUFFIX, DATA_DIR_CAPABILITY,
    MAX_COMPONENT_BYTES, MEMORY_CAP_MIB,
};
pub use discovery::{discover, Discovered, Source};
pub use files::{confined, read_regular_file, MAX_MANIFEST_BYTES, MAX_SERVED_BYTES};
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

/// What the shell shows of one extension folder (see `docs/protocol.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionInfo {
    /// Identifies the folder, not the id it claims: unique among the list, stable while the
    /// folder is there. The shell keys its rows by it, so a folder claiming another's id (or
    /// named like it) never stands in for that extension's row.
    pub key: String,
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
    /// True when the folder was refused at load (its manifest, a duplicate id, a main part it
    /// may not use): it holds no id, so nothing can enable or uninstall it; only fixing or
    /// removing the folder on disk helps.
    pub refused: bool,
    /// The extension's folder (a name that is not UTF-8 is shown with replacement characters).
    pub path: String,
    /// The main part, if any: a compiled-in main part's name, or a component file.
    pub main: Option<String>,
    /// Renderer entry, if any.
    pub renderer: Option<String>,
    /// True when its manifest declares the `data-dir` capability (a component's data folder).
    pub data_dir: bool,
}

impl ExtensionInfo {
    /// True when its main part is a WebAssembly component (the user's grants apply to it).
    pub fn has_component(&self) -> bool {
        self.main.as_deref().is_some_and(is_component)
    }
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
    /// Refused at load: it never holds its manifest's id, so lookups by id pass it by.
    refused: bool,
    ctx: Option<ExtensionContext>,
    main: Option<Box<dyn ExtensionMain>>,
}

impl Record {
    /// The id this record holds: its manifest's, unless the folder was refused.
    fn id(&self) -> Option<&ExtensionId> {
        match &self.found.manifest {
            Ok(m) if !self.refused => Some(&m.id),
            _ => None,
        }
    }

    /// The main part its manifest names: compiled in, or a component file.
    fn main_name(&self) -> Option<&str> {
        self.found.manifest.as_ref().ok()?.main.as_deref()
    }

    fn refuse(&mut self, why: String) {
        log::error!("extension in {}: {why}", self.found.dir.display());
        self.refused = true;
        self.state = State::Failed(why);
    }
}

/// Owns every extension's record and drives its lifecycle through the [`Router`].
pub struct ExtensionManager {
    router: Arc<Router>,
    main_parts: Vec<MainPart>,
    /// The WebAssembly host for main parts that are components.
    #[cfg(feature = "wasm")]
    components: Components,
    records: RwLock<Vec<Record>>,
    /// Which extensions run in the shell's page rather than realms of their own.
    in_page: RwLock<InPage>,
    /// Serializes activate/deactivate so a teardown always completes before the next start.
    lifecycle: Mutex<()>,
}

impl ExtensionManager {
    /// A manager with the compiled-in `main_parts`, and no extensions yet.
    pub fn new(router: Arc<Router>, main_parts: Vec<MainPart>) -> Self {
        Self {
            router,
            main_parts,
            #[cfg(feature = "wasm")]
            components: Components::default(),
            records: RwLock::new(Vec::new()),
            in_page: RwLock::new(InPage::None),
            lifecycle: Mutex::new(()),
        }
    }

    /// Runs main parts that are components on `components` (its cache and data folders)
    /// rather than on a host that caches nothing and grants no data folder.
    #[cfg(feature = "wasm")]
    pub fn with_components(mut self, components: Components) -> Self {
        self.components = components;
        self
    }

    /// The IPC router.
    pub fn router(&self) -> &Arc<Router> {
        &self.router
    }

    /// Adds discovered extensions. A folder is refused, and listed with the reason, when its
    /// manifest is, when its id is already held, or when it names a main part it may not use
    /// (see [`Self::refusal`]). Bundled folders go first whatever order they come in, and a
    /// bundled folder takes its id back from an inactive user folder that held it.
    pub fn add(&self, found: Vec<Discovered>) {
        let mut found = found;
        found.sort_by_key(|d| d.source != Source::Bundled);
        let mut records = self.records.write();
        for found in found {
            let mut record = Record {
                found,
                state: State::Disabled,
                refused: false,
                ctx: None,
                main: None,
            };
            let refusal = match &record.found.manifest {
                Err(err) => Some(err.to_string()),
                Ok(m) => {
                    if record.found.source == Source::Bundled {
                        take_id_back(&mut records, m, &record.found.dir);
                    }
                    self.refusal_in(&records, m, record.found.source)
                }
            };
            if let Some(why) = refusal {
                record.refuse(why);
            }
            records.push(record);
        }
    }

    /// Why a folder with `manifest` from `source` would be refused next to the extensions
    /// known now, if it would: its id is held already, or it names a main part that is not
    /// compiled in, that belongs to a bundled extension (every compiled-in part does: a user
    /// extension's main part, if any, is a component of its own), or that another bundled
    /// extension already names; or a component when this build has no WebAssembly host.
    pub fn refusal(&self, manifest: &Manifest, source: Source) -> Option<String> {
        self.refusal_in(&self.records.read(), manifest, source)
    }

    fn refusal_in(&self, records: &[Record], m: &Manifest, source: Source) -> Option<String> {
        if let Some(holder) = records.iter().find(|r| r.id() == Some(&m.id)) {
            return Some(format!(
                "duplicate extension id {}: already provided by the {} extension in {}",
                m.id,
                source_name(holder.found.source),
                holder.found.dir.display()
            ));
        }
        let main = m.main.as_deref()?;
        if component::is_component(main) {
            // The component is the folder's own file (checked with the manifest): any folder may
            // have one, bundled or user.
            return component::refusal(main);
        }
        if !self.has_main_part(main) {
            return Some(format!(
                "\"main\" names {main:?}, but no such main part is compiled into this Ferrolens"
            ));
        }
        let owner = main_part_owner(records, main);
        match (source, owner) {
            (Source::User, Some(owner)) => Some(format!(
                "\"main\" names {main:?}, the main part of the bundled extension {} in {}: a main \
                 part compiled into Ferrolens belongs to its bundled extension only, and user \
                 extensions are renderer-only",
                owner.id().map(ExtensionId::as_str).unwrap_or_default(),
                owner.found.dir.display()
            )),
            (Source::User, None) => Some(format!(
                "\"main\" names {main:?}, a main part compiled into Ferrolens for a bundled \
                 extension: user extensions are renderer-only"
            )),
            (Source::Bundled, Some(owner)) => Some(format!(
                "\"main\" names {main:?}, already the main part of the bundled extension {} in {}",
                owner.id().map(ExtensionId::as_str).unwrap_or_default(),
                owner.found.dir.display()
            )),
            (Source::Bundled, None) => None,
        }
    }

    /// Activates every valid, disabled extension that `enabled` allows, in discovery order.
    pub fn activate_all(&self, enabled: impl Fn(&ExtensionId) -> bool) {
        let ids: Vec<ExtensionId> = self
            .records
            .read()
            .iter()
            .filter(|r| r.state == State::Disabled)
            .filter_map(|r| r.id().cloned())
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
        let (main_name, found) = {
            let records = self.records.read();
            let record = find(&records, id)?;
            if record.state == State::Active {
                return Ok(());
            }
            let main_name = record.main_name().map(str::to_string);
            // Checked at load already; this keeps a compiled-in main part from ever being built
            // for a folder other than the bundled one that owns it, whatever added the record.
            if let Some(name) = main_name.as_ref().filter(|name| !is_component(name)) {
                let owner = main_part_owner(&records, name);
                if !owner.is_some_and(|o| std::ptr::eq(o, record)) {
                    return Err(IpcError::new(
                        ErrorCode::ActivationFailed,
                        format!(
                            "extension {id}: its main part {name:?} belongs to another extension, \
                             or to none"
                        ),
                    )
                    .for_extension(id));
                }
            }
            (main_name, record.found.clone())
        };
        let ctx = self.router.activate(id)?;
        let main = main_name.map(|name| self.build_main(&found, &name));
        let outcome = match &main {
            Some(Ok(main)) => run_isolated(|| main.on_activate(&ctx)),
            Some(Err(why)) => Err(why.clone()),
            None => Ok(()),
        };
        let mut records = self.records.write();
        let record = find_mut(&mut records, id)?;
        match outcome {
            Ok(()) => {
                record.state = State::Active;
                record.ctx = Some(ctx);
                record.main = main.and_then(Result::ok);
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

    /// A fresh main part named `name` for the folder `found`: the compiled-in part of that name,
    /// or the folder's component.
    fn build_main(&self, found: &Discovered, name: &str) -> Result<Box<dyn ExtensionMain>, String> {
        if is_component(name) {
            #[cfg(feature = "wasm")]
            if let Ok(manifest) = &found.manifest {
                return self.components.build(&found.dir, manifest, name);
            }
            let _ = found;
            return Err(component::refusal(name)
                .unwrap_or_else(|| "its manifest could not be read".to_string()));
        }
        let part = self.main_parts.iter().find(|p| p.name == name);
        part.map(|p| (p.build)())
            .ok_or_else(|| "its main part is not compiled in".to_string())
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
            .filter_map(|r| r.id().cloned())
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
            .position(|r| r.id() == Some(id))
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
            .filter_map(Record::id)
            .find(|id| id.as_str() == name);
        match found {
            Some(id) => Ok(id.clone()),
            None => Err(unknown(&ExtensionId::new(name)?)),
        }
    }

    /// Runs the renderer parts of `in_page` in the shell's page instead of realms of their own.
    /// The app a user runs never calls this (every extension in a realm); test builds do, from
    /// `--in-page`.
    pub fn set_in_page(&self, in_page: InPage) {
        *self.in_page.write() = in_page;
    }

    /// True when extension `id`'s renderer part runs in the shell's page.
    pub fn runs_in_page(&self, id: &ExtensionId) -> bool {
        self.in_page.read().contains(id)
    }

    /// For the URI scheme: the folder of the active extension whose URL segment
    /// ([`url_segment`]) is the first segment of `path`, and the rest of the path.
    /// Segments are compared whole, so one extension's URLs never resolve into another's folder.
    pub fn folder_for_url_path(&self, path: &str) -> Option<(PathBuf, String)> {
        self.find_url_path(path).map(|(_, dir, rest)| (dir, rest))
    }

    /// [`Self::folder_for_url_path`] for an extension that runs in the shell's page only: the
    /// shell imports no other extension's files, so no other is served to it.
    pub fn page_folder_for_url_path(&self, path: &str) -> Option<(PathBuf, String)> {
        let (id, dir, rest) = self.find_url_path(path)?;
        self.runs_in_page(&id).then_some((dir, rest))
    }

    fn find_url_path(&self, path: &str) -> Option<(ExtensionId, PathBuf, String)> {
        let (segment, rest) = path.split_once('/')?;
        self.records
            .read()
            .iter()
            .filter(|r| r.state == State::Active)
            .find_map(|r| {
                let id = &r.found.manifest.as_ref().ok()?.id;
                (url_segment(id) == segment)
                    .then(|| (id.clone(), r.found.dir.clone(), rest.to_string()))
            })
    }
}

fn run_isolated(f: impl FnOnce() -> Result<(), ferrolens_ipc::HandlerError>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.cause().message.clone()),
        Err(panic) => Err(format!("panicked: {}", panic_message(&*panic))),
    }
}

/// The record holding `id`; a refused folder claiming it is never the one.
fn find<'a>(records: &'a [Record], id: &ExtensionId) -> Result<&'a Record, IpcError> {
    records
        .iter()
        .find(|r| r.id() == Some(id))
        .ok_or_else(|| unknown(id))
}

fn find_mut<'a>(records: &'a mut [Record], id: &ExtensionId) -> Result<&'a mut Record, IpcError> {
    records
        .iter_mut()
        .find(|r| r.id() == Some(id))
        .ok_or_else(|| unknown(id))
}

/// The bundled extension that owns the compiled-in main part `name`: the first bundled folder
/// naming it that was not refused.
fn main_part_owner<'a>(records: &'a [Record], name: &str) -> Option<&'a Record> {
    records.iter().find(|r| {
        r.found.source == Source::Bundled && r.id().is_some() && r.main_name() == Some(name)
    })
}

/// A bundled folder with `manifest` arrives: an inactive user folder holding its id (added
/// earlier) gives it up and is listed as a refused duplicate.
fn take_id_back(records: &mut [Record], manifest: &Manifest, bundled_dir: &std::path::Path) {
    if let Some(user) = records.iter_mut().find(|r| {
        r.found.source == Source::User && r.id() == Some(&manifest.id) && r.state != State::Active
    }) {
        user.refuse(format!(
            "duplicate extension id {}: already provided by the bundled extension in {}",
            manifest.id,
            bundled_dir.display()
        ));
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Bundled => "bundled",
        Source::User => "user",
    }
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
    let (id, version, description, main, renderer, data_dir) = match &r.found.manifest {
        Ok(m) => (
            m.id.to_string(),
            m.version.to_string(),
            m.description.clone(),
            m.main.clone(),
            m.renderer.clone(),
            m.data_dir,
        ),
        Err(_) => (folder, String::new(), String::new(), None, None, false),
    };
    let path = r.found.dir.to_string_lossy().into_owned();
    ExtensionInfo {
        key: format!("{}:{path}", source_name(r.found.source)),
        name: id.clone(),
        id,
        version,
        description,
        source: r.found.source,
        state: r.state.clone(),
        refused: r.refused,
        path,
        main,
        renderer,
        data_dir,
    }
}

/// The version extensions' `engines.ferrolens` ranges are checked against.
pub fn host_version() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).expect("the package version is semver")
}
