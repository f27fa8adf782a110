//! The context an extension's component is activated with, as `ferrolens_ipc::ExtensionContext`.

use crate::bindings::ferrolens::extension::host;
use crate::ipc::Ipc;
use crate::registry;

/// Handed to [`Extension::activate`](crate::Extension::activate) and
/// [`Extension::deactivate`](crate::Extension::deactivate). Cheap to clone.
#[derive(Debug, Clone)]
pub struct ExtensionContext {
    id: String,
    data_dir: Option<String>,
}

impl ExtensionContext {
    pub(crate) fn current() -> Self {
        Self {
            id: host::extension_id(),
            data_dir: host::data_dir(),
        }
    }

    /// The extension's id (its manifest's `name`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The extension's IPC.
    pub fn ipc(&self) -> Ipc {
        Ipc::new()
    }

    /// Where the extension's private data folder is (open it with `std::fs`), when the host
    /// granted one; the component sees no other folder.
    pub fn data_dir(&self) -> Option<&str> {
        self.data_dir.as_deref()
    }

    /// Registers cleanup to run on deactivation, after `deactivate`, in insertion order.
    pub fn on_dispose(&self, dispose: impl FnOnce() + 'static) {
        registry::on_dispose(Box::new(dispose));
    }
}
