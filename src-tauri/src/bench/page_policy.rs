//! The shell page's Content-Security-Policy in test builds: the app's own (`tauri.conf.json`),
//! plus the `ferrolens-ext` scheme as a source of scripts and fetches, for the extensions a test
//! runs in the shell's page (`--in-page`). The app a user runs keeps the strict policy: no
//! extension code is ever loaded into its page.

use tauri::utils::config::{Csp, CspDirectiveSources};
use tauri::{Context, Runtime};

use crate::urls::SCHEME;

/// `context` with its policy opened to the `ferrolens-ext` scheme for scripts and fetches.
pub fn added_to<R: Runtime>(mut context: Context<R>) -> Context<R> {
    let security = &mut context.config_mut().app.security;
    if let Some(csp) = security.csp.take() {
        let mut map: std::collections::HashMap<String, CspDirectiveSources> = csp.into();
        for directive in ["script-src", "connect-src"] {
            map.entry(directive.to_string())
                .or_insert_with(|| CspDirectiveSources::List(vec!["'self'".into()]))
                .push(format!("{SCHEME}:"));
        }
        security.csp = Some(Csp::DirectiveMap(map));
    }
    context
}
