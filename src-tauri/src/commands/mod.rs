//! The Tauri commands behind the renderer SDK and the shell (see `docs/protocol.md`).

mod answer;
mod authorize;
mod call;
/// The call header's three fields, as every raw command reads them (also a realm's channel).
pub(crate) use call::call_header_fields;
mod free;
mod inspector;
mod ipc;
mod parked;
mod senders;

pub use answer::form as answer_form;
pub use inspector::*;
pub use ipc::*;
pub use parked::{Parked, PARKED_MAX_BYTES, PARK_MIN, PARK_TTL};
pub use senders::{Senders, INLINE_MAX_BYTES, MAX_QUEUED, MAX_QUEUED_BYTES};

use std::collections::HashMap;

use ferrolens_ipc::{Counts, ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State, Webview, WebviewUrl, WebviewWindowBuilder};
use tokio_util::sync::CancellationToken;

use crate::frames::{FrameInfo, Frames};
use crate::manager::{ComponentGrants, ExtensionInfo, ExtensionManager, Loadable};
use crate::settings::Settings;
use crate::{lifecycle, realm, scheme, shell_page, transport};

/// An extension as the shell lists it: the manager's view and, for a WebAssembly main part,
/// what the user granted it.
#[derive(Debug, Serialize)]
pub struct ListedExtension {
    #[serde(flatten)]
    info: ExtensionInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    grants: Option<ComponentGrants>,
}

/// What a frame loads, with its capabilities.
#[derive(Debug, Serialize)]
pub struct FrameInit {
    frame: String,
    extensions: Vec<LoadedExtension>,
}

/// One extension as a frame loads it.
#[derive(Debug, Serialize)]
pub struct LoadedExtension {
    id: String,
    name: String,
    version: String,
    description: String,
    /// True when its renderer part runs in the shell's page (test builds' `--in-page`), not in
    /// a realm of its own.
    in_page: bool,
    /// The renderer entry on the shared host, for the shell to import: only for an extension
    /// that runs in the shell's page.
    renderer: Option<String>,
    token: String,
    event: String,
    /// The extension's realm page (`ferrolens-ext://<host>/`), for an iframe of its own.
    realm: String,
    /// The renderer entry on the realm's host, for the realm to import.
    realm_renderer: String,
}

impl LoadedExtension {
    fn new(l: Loadable, token: String, in_page: bool) -> Self {
        let entry = l.manifest.renderer.as_deref().unwrap_or_default();
        Self {
            in_page,
            renderer: in_page.then(|| scheme::url_for(&l.id, entry)),
            realm: realm::root_url(&l.id),
            realm_renderer: realm::file_url(&l.id, entry),
            event: transport::event_name(&l.id),
            id: l.id.to_string(),
            name: l.id.to_string(),
            version: l.manifest.version.to_string(),
            description: l.manifest.description,
            token,
        }
    }
}

/// Invokes in flight, by frame, extension and call id, so `ferrolens_cancel` can reach them.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<(String, String, String), CancellationToken>>);

impl InFlight {
    fn insert(&self, key: (String, String, String), cancel: CancellationToken) {
        self.0.lock().insert(key, cancel);
    }

    fn remove(&self, key: &(String, String, String)) -> Option<CancellationToken> {
        self.0.lock().remove(key)
    }

    /// Cancellable calls in flight.
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }

    /// True when no cancellable call is in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[tauri::command]
pub fn ferrolens_frame_init<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
) -> Result<FrameInit, IpcError> {
    shell_page::require_shell(&webview)?;
    let frame = webview.label().to_string();
    let loadable = manager.loadable();
    let ids: Vec<(ExtensionId, u64)> = loadable
        .iter()
        .map(|l| (l.id.clone(), l.activation))
        .collect();
    let tokens = frames.init_frame(&frame, &ids)?;
    let extensions = loadable
        .into_iter()
        .zip(tokens)
        .map(|(l, t)| {
            let in_page = manager.runs_in_page(&l.id);
            LoadedExtension::new(l, t, in_page)
        })
        .collect();
    Ok(FrameInit { frame, extensions })
}

/// Loads an extension activated after this frame initialised (answer to the lifecycle event,
/// [`crate::transport::LIFECYCLE_EVENT`]).
#[tauri::command]
pub fn ferrolens_frame_attach<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
) -> Result<LoadedExtension, IpcError> {
    shell_page::require_shell(&webview)?;
    let id = manager.require_known(&extension)?;
    let loadable = manager
        .loadable()
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::ExtensionNotActive,
                format!("extension {id} is not active"),
            )
            .for_extension(&id)
        })?;
    let token = frames.attach(webview.label(), &id, loadable.activation)?;
    let in_page = manager.runs_in_page(&id);
    Ok(LoadedExtension::new(loadable, token, in_page))
}

/// The frame's renderer part of `extension` can receive broadcasts now; held ones follow.
#[tauri::command]
pub fn ferrolens_frame_ready<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
    token: String,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    let frame = webview.label();
    frames.check(frame, &id, &token, manager.activation(&id))?;
    let event = transport::event_name(&id);
    frames.ready(frame, &id, |payload| {
        transport::emit_to_frame(&app, frame, &event, payload)
    });
    #[cfg(feature = "testing")]
    crate::bench::frame_ready(&app, &frames);
    Ok(())
}

/// The shell's own commands (the ones below and the inspector's) answer the shell page only: no
/// other page a frame may show (an extension realm's, see `shell_page.rs`) drives the app.
/// The error is the text of a `FORBIDDEN` IpcError, for the commands that answer with text.
fn shell_only<R: Runtime>(webview: &Webview<R>) -> Result<(), String> {
    shell_page::require_shell(webview).map_err(|err| err.to_string())
}

#[tauri::command]
pub fn ferrolens_extensions<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    settings: State<'_, Settings>,
) -> Result<Vec<ListedExtension>, IpcError> {
    shell_page::require_shell(&webview)?;
    let listed = manager.infos().into_iter().map(|info| {
        let grants = info.has_component().then(|| settings.component(&info.id));
        ListedExtension { info, grants }
    });
    Ok(listed.collect())
}

#[tauri::command]
pub fn ferrolens_frames<R: Runtime>(
    webview: Webview<R>,
    frames: State<'_, Frames>,
) -> Result<Vec<FrameInfo>, IpcError> {
    shell_page::require_shell(&webview)?;
    Ok(frames.frames())
}

/// Main-side listener and handler counts of an extension.
#[tauri::command]
pub fn ferrolens_counts<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    extension: String,
) -> Result<Counts, IpcError> {
    shell_page::require_shell(&webview)?;
    let id = manager.require_known(&extension)?;
    Ok(manager.router().counts(&id))
}

/// Enables or disables an extension (off the main thread: see [`lifecycle::off_main`]).
#[tauri::command]
pub async fn ferrolens_set_enabled<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    extension: String,
    enabled: bool,
) -> Result<(), IpcError> {
    shell_page::require_shell(&webview)?;
    let id = app.state::<ExtensionManager>().require_known(&extension)?;
    lifecycle::off_main(app, move |app| lifecycle::set_enabled(app, &id, enabled)).await
}

/// Sets what the user grants `extension`'s WebAssembly main part: its memory cap in MiB
/// (`memory_mib`, none for the default; see `MEMORY_CAP_MIB`) and whether it keeps the data
/// folder its manifest declares. An active extension restarts with them.
#[tauri::command]
pub async fn ferrolens_set_component_grants<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    extension: String,
    memory_mib: Option<u32>,
    data_dir: bool,
) -> Result<(), IpcError> {
    shell_page::require_shell(&webview)?;
    let id = app.state::<ExtensionManager>().require_known(&extension)?;
    let grants = ComponentGrants {
        memory_mib,
        data_dir_revoked: !data_dir,
    };
    lifecycle::off_main(app, move |app| {
        lifecycle::set_component_grants(app, &id, grants)
    })
    .await
}

/// Uninstalls a user extension (off the main thread: see [`lifecycle::off_main`]).
#[tauri::command]
pub async fn ferrolens_uninstall<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    extension: String,
) -> Result<(), IpcError> {
    shell_page::require_shell(&webview)?;
    let id = app.state::<ExtensionManager>().require_known(&extension)?;
    lifecycle::off_main(app, move |app| lifecycle::uninstall(app, &id)).await
}

/// Installs the extension in folder `path` into the user extensions folder and enables it (off
/// the main thread: see [`lifecycle::off_main`]).
#[tauri::command]
pub async fn ferrolens_install<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    path: String,
) -> Result<String, IpcError> {
    shell_page::require_shell(&webview)?;
    lifecycle::off_main(app, move |app| {
        lifecycle::install(app, std::path::Path::new(&path)).map(|id| id.to_string())
    })
    .await
}

/// The most frames (windows) open at once. Each costs a WebKit web process of its own (well
/// over 100 MB), so a burst of opens must not take the machine down.
pub const MAX_FRAMES: usize = 8;

/// Held while a frame is counted and created, so concurrent opens cannot pass the limit together.
static OPENING: Mutex<()> = Mutex::new(());

/// Opens another renderer frame (a window loading the shell) and returns its label.
#[tauri::command]
pub async fn ferrolens_open_frame<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
) -> Result<String, String> {
    shell_only(&webview)?;
    let _opening = OPENING.lock();
    let open = app.webview_windows().len();
    if open >= MAX_FRAMES {
        log::warn!("refused to open a frame: {open} are open, the most is {MAX_FRAMES}");
        return Err(format!(
            "{open} frames are open, the most Ferrolens opens at once is {MAX_FRAMES}: close one first"
        ));
    }
    let n = (1..)
        .find(|n| app.get_webview_window(&format!("frame-{n}")).is_none())
        .unwrap_or(1);
    let label = format!("frame-{n}");
    WebviewWindowBuilder::new(&app, &label, WebviewUrl::App("index.html".into()))
        .title(format!("Ferrolens — {label}"))
        .inner_size(900.0, 640.0)
        .build()
        .map_err(|err| format!("could not open a frame: {err}"))?;
    Ok(label)
}

/// Closes a renderer frame.
#[tauri::command]
pub fn ferrolens_close_frame<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    label: String,
) -> Result<(), String> {
    shell_only(&webview)?;
    let window = app
        .get_webview_window(&label)
        .ok_or_else(|| format!("no frame {label:?} is open"))?;
    window.close().map_err(|err| err.to_string())
}

/// Opens the calling frame's devtools.
#[tauri::command]
pub fn ferrolens_open_devtools<R: Runtime>(webview: Webview<R>) -> Result<(), IpcError> {
    shell_page::require_shell(&webview)?;
    webview.open_devtools();
    Ok(())
}
