//! Diagnostics: an opt-in log file, never the terminal.
//!
//! `STATREE_LOG=LEVEL` (`error`, `warn`, `info`, `debug`, `trace`; `off` or
//! empty for none) or `--log FILE` turns it on. The file is FILE, else
//! `statree/statree.log` under the XDG state directory (`$XDG_STATE_HOME`,
//! by default `~/.local/state`); it is appended to, and created readable
//! by its owner only, since it names paths. Records go through the `log`
//! facade, so what a dependency logs (notify, trash) lands in the same file,
//! at `warn` and above; statree's own at the level asked (`debug` for
//! `--log` without `STATREE_LOG`). Every record is one line: names in it
//! are sanitized as on screen, and whatever else could break a line or hide
//! in it is escaped too.
//!
//! Nothing here writes to standard output or error, whatever fails: the
//! interface owns the terminal in raw mode, and a stray line would tear its
//! screen. fern, which writes the records, reports a failed write on
//! standard error and panics when that fails too; the file handed to it
//! (`QuietFile`) therefore never reports one — it stops writing instead.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use log::LevelFilter;

use crate::sanitize;

/// The environment variable that turns the log on and sets its level.
pub const LOG_ENV: &str = "STATREE_LOG";

/// The level of statree's own records when only `--log FILE` asks for a log.
const DEFAULT_LEVEL: LevelFilter = LevelFilter::Debug;

/// The most of one value's `Debug` form a record carries ([`capped`]): a
/// request naming a million marked entries must not make a megabyte line.
pub const CAPPED_DEBUG: usize = 2000;

/// Why the log could not be set up (reported before anything else runs).
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// `STATREE_LOG` is not a level.
    #[error("{LOG_ENV}={value}: not a level (off, error, warn, info, debug, trace)")]
    Level {
        /// The value, sanitized.
        value: String,
    },
    /// No `--log FILE` and no home directory to find the state directory in.
    #[error("no state directory for the log (no home directory): use --log FILE")]
    NoStateDir,
    /// The file (or its directory) cannot be created or opened.
    #[error("log file {}: {source}", sanitize::path(path))]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A logger was installed already (only in a process that sets it twice).
    #[error("log: {0}")]
    Install(#[from] log::SetLoggerError),
}

/// What was asked for: the level of statree's records and the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPlan {
    /// statree's own records at this level and above.
    pub level: LevelFilter,
    /// Where they go.
    pub file: PathBuf,
}

/// Decides from `STATREE_LOG`'s value, `--log FILE` and the state directory
/// (when there is one) whether to log, at what level and where. `None`: no
/// log at all.
pub fn plan(
    env: Option<&OsStr>,
    flag: Option<&Path>,
    state_dir: Option<PathBuf>,
) -> Result<Option<LogPlan>, LogError> {
    let level = match env.filter(|v| !v.is_empty()) {
        Some(value) => Some(parse_level(value)?),
        None => flag.map(|_| DEFAULT_LEVEL),
    };
    let Some(level) = level.filter(|l| *l != LevelFilter::Off) else {
        return Ok(None);
    };
    let file = match flag {
        Some(file) => file.to_path_buf(),
        None => state_dir.ok_or(LogError::NoStateDir)?.join("statree").join("statree.log"),
    };
    Ok(Some(LogPlan { level, file }))
}

fn parse_level(value: &OsStr) -> Result<LevelFilter, LogError> {
    let bad = || LogError::Level { value: sanitize::os(value).into_owned() };
    value.to_str().and_then(|v| v.trim().parse().ok()).ok_or_else(bad)
}

/// The XDG state directory, `None` without a home directory.
pub fn state_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy as _;
    etcetera::choose_base_strategy().ok()?.state_dir()
}

/// Sets the log up as the environment and `--log` ask, before anything
/// else runs. Returns the plan followed (`None`: logging is off and costs a
/// level check per call site).
pub fn init(flag: Option<&Path>) -> Result<Option<LogPlan>, LogError> {
    let Some(plan) = plan(std::env::var_os(LOG_ENV).as_deref(), flag, state_dir())? else {
        return Ok(None);
    };
    install(&plan)?;
    Ok(Some(plan))
}

/// Opens the plan's file and makes it the process's logger (once per
/// process), with a panic hook that logs before the previous one runs.
pub fn install(plan: &LogPlan) -> Result<(), LogError> {
    let file = open(&plan.file)?;
    fern::Dispatch::new()
        .format(|out, message, record| {
            out.finish(format_args!(
                "{} {:<5} {}: {}",
                jiff::Timestamp::now(),
                record.level(),
                record.target(),
                one_line(&message.to_string())
            ))
        })
        .level(plan.level.min(LevelFilter::Warn))
        .level_for("statree", plan.level)
        .chain(fern::Output::writer(Box::new(QuietFile::new(file)), "\n"))
        .apply()?;
    log_panics();
    Ok(())
}

/// `message` with every character the sanitizer would escape escaped —
/// but the backslash, which the paths in it (already sanitized) and `Debug`
/// forms use for their own escapes: one record is one line, and reads as
/// the screen shows the same names.
fn one_line(message: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c != '\\' && sanitize::is_unsafe(c);
    if !message.chars().any(unsafe_char) {
        return message.into();
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        if unsafe_char(c) {
            out.push_str(&sanitize::text(c.encode_utf8(&mut [0; 4])));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Opens `path` for appending, owner-only when created; a missing state
/// directory is created (owner-only too, as the XDG spec asks).
fn open(path: &Path) -> Result<File, LogError> {
    let failed = |source| LogError::Open { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(failed)?;
    }
    OpenOptions::new().append(true).create(true).mode(0o600).open(path).map_err(failed)
}

/// Logs a panic's message and place, then hands it to the hook installed
/// before (the interface's restores the terminal first, then calls this).
fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log::error!("panic: {info}");
        previous(info);
    }));
}

/// The log file as fern sees it: a write that fails is dropped, and the
/// file is not written again (a full disk, a revoked mount), so fern never
/// falls back to standard error.
struct QuietFile {
    file: Option<BufWriter<File>>,
}

impl QuietFile {
    fn new(file: File) -> Self {
        QuietFile { file: Some(BufWriter::new(file)) }
    }

    fn attempt(&mut self, op: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>) {
        if let Some(file) = &mut self.file
            && op(file).is_err()
        {
            self.file = None;
        }
    }
}

impl Write for QuietFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.attempt(|f| f.write_all(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.attempt(BufWriter::flush);
        Ok(())
    }
}

/// `value`'s `Debug` form, cut after [`CAPPED_DEBUG`] bytes (with `…`): the
/// formatting itself stops there, so a huge value costs no more.
pub fn capped(value: &dyn fmt::Debug) -> String {
    struct Capped(String);
    impl fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = CAPPED_DEBUG.saturating_sub(self.0.len());
            if s.len() <= room {
                self.0.push_str(s);
                return Ok(());
            }
            let mut end = room;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            self.0.push_str(&s[..end]);
            Err(fmt::Error)
        }
    }
    let mut out = Capped(String::new());
    if fmt::write(&mut out, format_args!("{value:?}")).is_err() {
        out.0.push('…');
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<&OsStr> {
        Some(OsStr::new(s))
    }

    #[test]
    fn nothing_asked_means_no_log() {
        let state = Some(PathBuf::from("/state"));
        assert_eq!(plan(None, None, state.clone()).unwrap(), None);
        assert_eq!(plan(os(""), None, state.clone()).unwrap(), None);
        assert_eq!(plan(os("off"), None, state.clone()).unwrap(), None);
        assert_eq!(plan(os("OFF"), Some(Path::new("/tmp/x.log")), state).unwrap(), None);
    }

    #[test]
    fn the_environment_logs_under_the_state_directory() {
        let plan = plan(os("debug"), None, Some(PathBuf::from("/state"))).unwrap().unwrap();
        assert_eq!(plan.level, LevelFilter::Debug);
        assert_eq!(plan.file, Path::new("/state/statree/statree.log"));
        let warn = super::plan(os("Warn"), None, Some("/s".into())).unwrap().unwrap();
        assert_eq!(warn.level, LevelFilter::Warn);
    }

    #[test]
    fn the_flag_names_the_file_and_defaults_to_debug() {
        let file = Path::new("/tmp/statree.log");
        let plan = plan(None, Some(file), None).unwrap().unwrap();
        assert_eq!(plan, LogPlan { level: LevelFilter::Debug, file: file.to_path_buf() });
        let trace = super::plan(os("trace"), Some(file), None).unwrap().unwrap();
        assert_eq!(trace.level, LevelFilter::Trace);
    }

    #[test]
    fn a_bad_level_or_no_home_is_an_error() {
        let err = plan(os("verbose\n"), None, Some("/s".into())).unwrap_err();
        assert!(matches!(err, LogError::Level { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("verbose\\n") && text.contains("debug"), "{text}");
        assert!(matches!(plan(os("info"), None, None), Err(LogError::NoStateDir)));
    }

    #[test]
    fn open_creates_the_directory_and_an_owner_only_file() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/statree.log");
        let mut file = open(&path).unwrap();
        file.write_all(b"one\n").unwrap();
        drop(file);
        open(&path).unwrap().write_all(b"two\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "one\ntwo\n", "appended");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let dir = fs::metadata(tmp.path().join("a/b")).unwrap();
        assert_eq!(dir.permissions().mode() & 0o777, 0o700);
        let err = open(Path::new("/proc/no/such/dir/x.log")).unwrap_err();
        assert!(matches!(err, LogError::Open { .. }), "{err:?}");
    }

    #[test]
    fn a_failing_file_is_dropped_quietly() {
        // /dev/full fails every write with ENOSPC.
        let full = OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let mut quiet = QuietFile::new(full);
        assert_eq!(quiet.write(&[b'x'; 10000]).unwrap(), 10000);
        assert!(quiet.flush().is_ok());
        assert!(quiet.file.is_none(), "stops writing after the first failure");
        assert!(quiet.write(b"more").is_ok());
    }

    #[test]
    fn one_line_escapes_what_breaks_a_line_and_keeps_backslashes() {
        assert_eq!(one_line("plain a\\b"), "plain a\\b");
        assert_eq!(one_line("a\nb\rc\u{202e}d\\e"), "a\\nb\\rc\\u{202e}d\\e");
    }

    #[test]
    fn capped_cuts_long_values_and_keeps_short_ones() {
        assert_eq!(capped(&"short"), "\"short\"");
        let long: Vec<u32> = (0..100_000).collect();
        let text = capped(&long);
        assert!(text.len() <= CAPPED_DEBUG + '…'.len_utf8(), "{}", text.len());
        assert!(text.starts_with("[0, 1, 2") && text.ends_with('…'), "{text}");
        let wide = "é".repeat(CAPPED_DEBUG);
        assert!(capped(&wide).ends_with('…'));
    }
}
