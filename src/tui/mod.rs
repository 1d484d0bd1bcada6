//! The full-screen interface: the terminal guard, the event loop, input and
//! quit, live watches and the editor/pager hand-over. The model and its
//! update function live in [`crate::view`], the widgets in [`crate::ui`],
//! the effects' runner in [`crate::exec`].

pub mod app;
pub mod chooser;
mod input;
mod keys;
pub mod live;
mod quit;
pub mod term;

pub use app::{run, selected_directory};

use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Instant;

use crate::audit::Baseline;
use crate::config::Config;
use crate::sanitize;
use crate::scan::ScanOptions;
use crate::theme::Theme;
use crate::view::audit::{AuditState, PassOptions};
use crate::view::columns::ColumnState;
use crate::view::open::Chooser;
use crate::view::{State, ViewOptions};

/// Starts the scan and runs the interface over it. A broken config file is
/// reported in the status bar and the defaults are used.
pub fn start(options: ScanOptions, cwd_file: Option<&Path>) -> io::Result<()> {
    start_with_baseline(options, cwd_file, None)
}

/// [`start`] with a baseline (`--baseline`, read before the terminal opens)
/// for the audit panel's "new" and "changed" filters.
pub fn start_with_baseline(
    options: ScanOptions,
    cwd_file: Option<&Path>,
    baseline: Option<Baseline>,
) -> io::Result<()> {
    start_choosing(options, cwd_file, baseline, None)
}

/// [`start_with_baseline`] as a file picker (`--chooser-file`): `Enter` on
/// a file, or on the marks, writes their paths to the chooser's file once
/// the terminal is restored, and quits.
pub fn start_choosing(
    options: ScanOptions,
    cwd_file: Option<&Path>,
    baseline: Option<Baseline>,
    chooser: Option<Chooser>,
) -> io::Result<()> {
    let (config, config_error) = match Config::load() {
        Ok(config) => (config, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let theme = Theme::from_env(&config.colors, config.use_ls_colors);
    let view = ViewOptions {
        sort: config.sort,
        show_hidden: config.show_hidden,
        ..ViewOptions::default()
    };
    let roots: Vec<String> = options.roots.iter().map(|r| sanitize::path(r).into_owned()).collect();
    let recorded = options.source.as_ref().map(|s| s.recorded().clone());
    let title = match &recorded {
        Some(r) => format!("statree: {} (imported, read-only)", sanitize::path(&r.file)),
        None => format!("statree: {}", roots.join(" ")),
    };
    let options = ScanOptions { background: true, ..options };
    let mut state = State::new(config.keymap.clone(), view, Instant::now());
    state.scan.recorded = recorded;
    let pass = PassOptions {
        roots: options.roots.clone(),
        follow_links: options.follow_links,
        one_file_system: options.one_file_system,
    };
    state.audit = AuditState::new(pass, baseline);
    state.open.rules = config.open.clone();
    state.open.chooser = chooser;
    state.columns = ColumnState::new(config.columns.clone());
    state.nav.cwd = std::env::current_dir().ok();
    state.nav.home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    if let Some(error) = config_error {
        state.error(format!("config: {error}; using defaults"));
    }
    let selected = app::run(state, &theme, options, title, cwd_file)?;
    if let (Some(file), Some(dir)) = (cwd_file, selected) {
        write_cwd_file(file, &dir)?;
    }
    Ok(())
}

/// Writes the raw bytes of `dir` (no newline, no escaping: it is read by a
/// shell function, never shown). An error names the file and what failed:
/// `--cwd-file /ro/x: creating: Read-only file system (os error 30)`.
pub(crate) fn write_cwd_file(file: &Path, dir: &Path) -> io::Result<()> {
    let named = |op: &str, e: io::Error| {
        io::Error::new(e.kind(), format!("--cwd-file {}: {op}: {e}", sanitize::path(file)))
    };
    let mut out = std::fs::File::create(file).map_err(|e| named("creating", e))?;
    out.write_all(dir.as_os_str().as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| named("writing", e))
}
