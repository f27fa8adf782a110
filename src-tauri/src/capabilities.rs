//! Per-frame, per-activation capabilities: the proof a renderer call comes from the extension
//! it names, in the frame it was loaded into.
//!
//! Page JS can write any extension id into a call; Rust trusts only the token it issued to that
//! webview for that activation.

use std::collections::{HashMap, HashSet};

use ferrolens_ipc::{ErrorCode, ExtensionId, IpcError};
use parking_lot::Mutex;

#[derive(Debug, Clone)]
struct Grant {
    frame: String,
    extension: ExtensionId,
    activation: u64,
}

/// Issued tokens and which frames have initialised since their last page load.
#[derive(Default)]
pub struct Capabilities {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    grants: HashMap<String, Grant>,
    initialized: HashSet<String>,
}

impl Capabilities {
    /// Issues one token per extension for `frame`. Only once per page load: a second call is
    /// refused, so code running after the host cannot mint itself capabilities.
    pub fn init_frame(
        &self,
        frame: &str,
        extensions: &[(ExtensionId, u64)],
    ) -> Result<Vec<String>, IpcError> {
        let mut inner = self.inner.lock();
        if !inner.initialized.insert(frame.to_string()) {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("frame {frame:?} is already initialised for this page load"),
            ));
        }
        Ok(extensions
            .iter()
            .map(|(id, activation)| inner.grant(frame, id, *activation))
            .collect())
    }

    /// Issues a token for an extension activated after the frame initialised.
    pub fn grant(&self, frame: &str, id: &ExtensionId, activation: u64) -> String {
        self.inner.lock().grant(frame, id, activation)
    }

    /// Frames that have initialised and not been reset since.
    pub fn frames(&self) -> Vec<String> {
        let mut frames: Vec<String> = self.inner.lock().initialized.iter().cloned().collect();
        frames.sort();
        frames
    }

    /// Forgets every token of `frame` (page reload, window closed).
    pub fn reset_frame(&self, frame: &str) {
        let mut inner = self.inner.lock();
        inner.initialized.remove(frame);
        inner.grants.retain(|_, g| g.frame != frame);
    }

    /// Forgets every token of `id` (deactivation).
    pub fn revoke_extension(&self, id: &ExtensionId) {
        self.inner.lock().grants.retain(|_, g| &g.extension != id);
    }

    /// Number of live tokens, for tests and benchmarks.
    pub fn len(&self) -> usize {
        self.inner.lock().grants.len()
    }

    /// True when no token is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks a call from webview `frame` naming extension `id` with `token`; `current` is the
    /// extension's current activation (None when inactive).
    pub fn check(
        &self,
        frame: &str,
        id: &ExtensionId,
        token: &str,
        current: Option<u64>,
    ) -> Result<(), IpcError> {
        let forbidden = |why: String| {
            log::warn!("refused a call from frame {frame:?} for extension {id}: {why}");
            Err(IpcError::new(ErrorCode::Forbidden, why).for_extension(id))
        };
        let Some(current) = current else {
            return Err(IpcError::new(
                ErrorCode::ExtensionNotActive,
                format!("extension {id} is not active"),
            )
            .for_extension(id));
        };
        let inner = self.inner.lock();
        let Some(grant) = inner.grants.get(token) else {
            return forbidden(format!(
                "the capability presented for extension {id} is unknown or stale"
            ));
        };
        if &grant.extension != id {
            return forbidden(format!(
                "the capability presented belongs to extension {}, not {id}",
                grant.extension
            ));
        }
        if grant.frame != frame {
            return forbidden(format!(
                "the capability presented was issued to frame {:?}, not {frame:?}",
                grant.frame
            ));
        }
        if grant.activation != current {
            return forbidden(format!(
                "the capability presented for extension {id} is from an earlier activation"
            ));
        }
        Ok(())
    }
}

impl Inner {
    fn grant(&mut self, frame: &str, id: &ExtensionId, activation: u64) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        self.grants.insert(
            token.clone(),
            Grant {
                frame: frame.to_string(),
                extension: id.clone(),
                activation,
            },
        );
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> ExtensionId {
        ExtensionId::new(name).unwrap()
    }

    #[test]
    fn a_token_works_only_for_its_frame_extension_and_activation() {
        let caps = Capabilities::default();
        let tokens = caps
            .init_frame("main", &[(id("a"), 1), (id("b"), 2)])
            .unwrap();
        assert!(caps.check("main", &id("a"), &tokens[0], Some(1)).is_ok());
        let wrong_ext = caps
            .check("main", &id("b"), &tokens[0], Some(2))
            .unwrap_err();
        assert_eq!(wrong_ext.code, ErrorCode::Forbidden);
        assert!(wrong_ext.message.contains("belongs to extension a"));
        let wrong_frame = caps
            .check("frame-2", &id("a"), &tokens[0], Some(1))
            .unwrap_err();
        assert!(wrong_frame.message.contains("issued to frame \"main\""));
        let stale = caps
            .check("main", &id("a"), &tokens[0], Some(7))
            .unwrap_err();
        assert!(stale.message.contains("earlier activation"));
        let forged = caps.check("main", &id("a"), "guess", Some(1)).unwrap_err();
        assert!(forged.message.contains("unknown or stale"));
        let inactive = caps.check("main", &id("a"), &tokens[0], None).unwrap_err();
        assert_eq!(inactive.code, ErrorCode::ExtensionNotActive);
    }

    #[test]
    fn a_frame_initialises_once_per_page_load() {
        let caps = Capabilities::default();
        caps.init_frame("main", &[(id("a"), 1)]).unwrap();
        let again = caps.init_frame("main", &[(id("a"), 1)]).unwrap_err();
        assert_eq!(again.code, ErrorCode::Forbidden);
        caps.reset_frame("main");
        assert_eq!(caps.len(), 0);
        assert!(caps.init_frame("main", &[(id("a"), 1)]).is_ok());
    }

    #[test]
    fn revoking_an_extension_drops_its_tokens_in_every_frame() {
        let caps = Capabilities::default();
        let t1 = caps
            .init_frame("main", &[(id("a"), 1), (id("b"), 1)])
            .unwrap();
        caps.init_frame("frame-2", &[(id("a"), 1)]).unwrap();
        caps.revoke_extension(&id("a"));
        assert_eq!(caps.len(), 1);
        assert!(caps.check("main", &id("b"), &t1[1], Some(1)).is_ok());
    }
}
