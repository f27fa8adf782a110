//! Command-line options.

use std::path::PathBuf;

use clap::Parser;

/// Ferrolens: a desktop host for extensions.
#[derive(Debug, Clone, Default, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Folder of user-installed extensions (default: `extensions` in the app's data folder,
    /// e.g. ~/.local/share/dev.ferrolens.app/extensions on Linux).
    #[arg(long, value_name = "DIR")]
    pub extensions_dir: Option<PathBuf>,

    /// Folder of bundled extensions (default: the app's `extensions` resource folder, or the
    /// source tree's `extensions/` in development).
    #[arg(long, value_name = "DIR")]
    pub bundled_dir: Option<PathBuf>,

    /// Open the devtools of every frame at start.
    #[arg(long)]
    pub devtools: bool,
}

impl Cli {
    /// Parses the process arguments. Arguments Ferrolens does not know (a WebDriver may add
    /// its own) are logged and skipped rather than fatal.
    pub fn from_env() -> Self {
        use clap::error::ErrorKind;
        use clap::{CommandFactory, FromArgMatches};
        match Self::try_parse() {
            Ok(cli) => cli,
            Err(err)
                if matches!(
                    err.kind(),
                    ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
                ) =>
            {
                err.exit()
            }
            Err(err) => {
                log::warn!("ignoring command-line arguments: {err}");
                let matches = Self::command().ignore_errors(true).get_matches();
                Self::from_arg_matches(&matches).unwrap_or_default()
            }
        }
    }
}
