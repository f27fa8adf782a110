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

    /// Settings file (which extensions are disabled); default: settings.json in the app's
    /// config folder, e.g. ~/.config/dev.ferrolens.app/settings.json on Linux.
    #[arg(long, value_name = "FILE")]
    pub settings_file: Option<PathBuf>,

    /// Open the first frame's devtools at start (any frame: the Devtools button or Ctrl+Shift+I).
    #[arg(long)]
    pub devtools: bool,

    /// The largest extension IPC message accepted, in bytes (default 64 MiB); a larger one is
    /// refused with PAYLOAD_TOO_LARGE before it is decoded.
    #[arg(long, value_name = "BYTES")]
    pub max_message_bytes: Option<usize>,

    /// Options of test and benchmark builds only.
    #[cfg(feature = "testing")]
    #[command(flatten)]
    pub testing: TestingOptions,
}

/// Options that exist only in builds with the `testing` feature (the end-to-end tests and the
/// benchmark): the app a user runs does not accept them.
#[cfg(feature = "testing")]
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TestingOptions {
    /// A folder of test extensions (the end-to-end probe, the benchmark), discovered as bundled
    /// ones, after the bundled folder; may be given more than once.
    #[arg(long, value_name = "DIR")]
    pub test_extensions_dir: Vec<PathBuf>,

    /// Run this extension's renderer part in the shell's page instead of a realm of its own
    /// (`*` for every extension); may be given more than once.
    #[arg(long, value_name = "ID")]
    pub in_page: Vec<String>,

    /// Benchmark mode: run the benchmark extension's cases and write results into DIR.
    #[arg(long, value_name = "DIR")]
    pub bench_out: Option<PathBuf>,

    /// With --bench-out: a handful of iterations per case, to check the harness itself.
    #[arg(long)]
    pub bench_quick: bool,

    /// With --bench-out: print FERROLENS_READY and quit once the first frame has loaded every
    /// extension (`extensions`), or once a bare page has loaded with no extension layer (`bare`).
    #[arg(long, value_name = "MODE")]
    pub bench_startup: Option<StartupMode>,

    /// Bytes one extension's realm may have waiting in a frame before its next call is refused
    /// `BUSY` (default 256 MiB), so the end-to-end tests reach the limit without sending that
    /// much.
    #[arg(long, value_name = "BYTES")]
    pub realm_waiting_bytes: Option<usize>,
}

/// What the start-up benchmark measures.
#[cfg(feature = "testing")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StartupMode {
    /// Ferrolens with its extensions.
    Extensions,
    /// A bare Tauri window: no extension manager, an empty page.
    Bare,
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
