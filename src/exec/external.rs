//! Handing a file to the programs people already use: the editor
//! (`$VISUAL`, `$EDITOR`, else `vi`), the pager (`$PAGER`, else `less`) and
//! the opener (`$OPENER`, else the system's, found by the `open` crate).
//! Each variable is split into words as a shell would (`code --wait`,
//! `less -R "+G"`). The terminal handover itself is the loop's
//! ([`crate::tui::term::TerminalGuard::hand_over`]); this runs the program,
//! or starts a graphical one detached ([`spawn_detached`]).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::sanitize;
use crate::scan::statx_path;
use crate::view::Change;

/// The editor and pager commands, each split into a program and its
/// arguments the way a shell would split the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programs {
    /// For `e`.
    pub editor: Vec<OsString>,
    /// For `o`.
    pub pager: Vec<OsString>,
}

/// Why a command variable could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("${name} cannot be split into words: {why}")]
pub struct CommandError {
    /// The variable.
    pub name: &'static str,
    /// What is wrong (an unbalanced quote, a trailing backslash).
    pub why: String,
}

impl Programs {
    /// From the environment: `$VISUAL`, then `$EDITOR`, then `vi`; `$PAGER`,
    /// then `less`. Empty variables are skipped; one that cannot be split
    /// (an unbalanced quote) is skipped too, with the reason in the second
    /// value.
    pub fn from_env() -> (Self, Vec<CommandError>) {
        let mut errors = Vec::new();
        let mut pick = |names: &[&'static str], fallback: &str| {
            for &name in names {
                match std::env::var_os(name).map(|v| command_words(name, &v)) {
                    Some(Ok(words)) if !words.is_empty() => return words,
                    Some(Err(e)) => errors.push(e),
                    _ => {}
                }
            }
            vec![OsString::from(fallback)]
        };
        let programs =
            Programs { editor: pick(&["VISUAL", "EDITOR"], "vi"), pager: pick(&["PAGER"], "less") };
        (programs, errors)
    }
}

/// Splits the value of the variable `name` as a POSIX shell splits words:
/// quotes group, a backslash escapes, nothing is expanded. Bytes that are
/// not UTF-8 are kept as they are.
pub fn command_words(name: &'static str, value: &OsStr) -> Result<Vec<OsString>, CommandError> {
    // shell-words works on text: the bytes that are not UTF-8 are carried
    // through as private-use characters and put back after the split.
    let (text, raw) = to_text(value.as_bytes());
    let words = shell_words::split(&text)
        .map_err(|e| CommandError { name, why: e.to_string().replace("missing", "a missing") })?;
    Ok(words.iter().map(|w| from_text(w, raw)).collect())
}

/// The private-use block the raw bytes of a non-UTF-8 value travel in.
const RAW_BASE: u32 = 0xF780;

fn to_text(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => {
            let mut out = String::new();
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for &b in chunk.invalid() {
                    out.push(char::from_u32(RAW_BASE + u32::from(b)).unwrap_or('\u{fffd}'));
                }
            }
            (out, true)
        }
    }
}

fn from_text(word: &str, raw: bool) -> OsString {
    if !raw {
        return OsString::from(word);
    }
    let mut out = Vec::with_capacity(word.len());
    for ch in word.chars() {
        match (ch as u32).checked_sub(RAW_BASE) {
            Some(b) if b < 0x100 => out.push(b as u8),
            _ => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    OsStr::from_bytes(&out).to_os_string()
}

/// How to open a file that no `[open]` rule claims.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Openers {
    /// `$OPENER`, split into words; `None` when unset or empty.
    pub opener: Option<Vec<OsString>>,
    /// `$OPENER` gets the terminal (config `opener_terminal`).
    pub opener_terminal: bool,
    /// A graphical session is there (`$DISPLAY` or `$WAYLAND_DISPLAY`).
    pub display: bool,
}

impl Openers {
    /// From the environment; a `$OPENER` that cannot be split is reported
    /// and left out.
    pub fn from_env(opener_terminal: bool) -> (Self, Option<CommandError>) {
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let (opener, error) = match std::env::var_os("OPENER").map(|v| command_words("OPENER", &v))
        {
            Some(Ok(words)) if !words.is_empty() => (Some(words), None),
            Some(Err(e)) => (None, Some(e)),
            _ => (None, None),
        };
        let display = set("DISPLAY") || set("WAYLAND_DISPLAY");
        (Openers { opener, opener_terminal, display }, error)
    }
}

/// How a file is to be opened, once the rules and the environment have
/// been asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// Run this with the terminal handed over, and wait.
    Terminal(Vec<OsString>),
    /// Start this detached (the file appended), without the terminal.
    Detached(Vec<OsString>),
    /// Start the system's opener detached.
    System,
    /// No display and no `$OPENER`: the pager, with the terminal.
    PagerNoDisplay,
}

impl Openers {
    /// What opens a file no rule claimed.
    pub fn launch(&self) -> Launch {
        match &self.opener {
            Some(words) if self.opener_terminal => Launch::Terminal(words.clone()),
            Some(words) => Launch::Detached(words.clone()),
            None if self.display => Launch::System,
            None => Launch::PagerNoDisplay,
        }
    }
}

/// The path as one argument: a relative name starting with `-` would be
/// taken for an option, so relative paths are made `./`-relative.
fn argument(path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { Path::new(".").join(path) }
}

/// Runs the editor or pager on `path` and waits for it.
pub fn run(programs: &Programs, path: &Path, pager: bool) -> Result<(), String> {
    run_command(if pager { &programs.pager } else { &programs.editor }, path)
}

/// Runs `words` with `path` appended and waits for it.
pub fn run_command(words: &[OsString], path: &Path) -> Result<(), String> {
    let Some((program, args)) = words.split_first() else {
        return Err("no program to open the file with".into());
    };
    let mut command = Command::new(program);
    let status = crate::detach::unmarked(&mut command).args(args).arg(argument(path)).status();
    let what = sanitize::os(program).into_owned();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} exited with {status}")),
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// Starts `command` detached: a session (and so a process group) of its
/// own, standard input, output and error on `/dev/null`, not waited for by
/// the interface (a thread of its own reaps it, so no zombie is left).
/// Returns the program's name for the status line.
///
/// Out of the terminal's session, the program survives the terminal closing
/// (no hang-up reaches it) and the terminal's signals (Ctrl-c) never reach
/// it; with no descriptor on the terminal it cannot draw over the interface.
/// The new session comes from the system's `setsid` program (util-linux,
/// busybox), which calls `setsid()` and then runs the program: doing it here
/// would need code between `fork` and `exec`, which is `unsafe` in Rust and
/// which this crate does not have. Without `setsid` the program gets only a
/// process group of its own, which already keeps the terminal's signals
/// away. A program that cannot be found is an error here, before anything
/// is started, as a failed spawn would be.
pub fn spawn_detached(command: Command) -> Result<String, String> {
    let what = sanitize::os(command.get_program()).into_owned();
    let cannot = |e: std::io::Error| format!("cannot run {what}: {e}");
    find_program(command.get_program()).map_err(cannot)?;
    let mut command = command;
    crate::detach::unmarked(&mut command);
    let mut command = match session_starter() {
        Some(setsid) => in_new_session(setsid, &command),
        None => {
            command.process_group(0);
            command
        }
    };
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = command.spawn().map_err(cannot)?;
    let reaper = std::thread::Builder::new().name("statree-reap".into());
    // Without a thread to wait, the child is reaped when statree exits.
    let _ = reaper.spawn(move || child.wait());
    Ok(what)
}

/// The `setsid` program, looked up once.
fn session_starter() -> Option<&'static Path> {
    static SETSID: OnceLock<Option<PathBuf>> = OnceLock::new();
    SETSID.get_or_init(|| find_program(OsStr::new("setsid")).ok()).as_deref()
}

/// `command` run by `setsid`: the same program, arguments, environment and
/// directory. Started from statree, which is never the leader of the
/// helper's group, `setsid` needs no fork of its own: the program is the
/// child statree reaps.
fn in_new_session(setsid: &Path, command: &Command) -> Command {
    let mut wrapped = Command::new(setsid);
    // `--`: a program whose name starts with `-` is not an option of setsid.
    wrapped.arg("--").arg(command.get_program()).args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

/// Where `program` would be run from: itself when it names a path (it has
/// a `/`), else the first executable file of that name in `$PATH` (`/bin`
/// and `/usr/bin` when unset), as `execvp` searches.
fn find_program(program: &OsStr) -> std::io::Result<PathBuf> {
    if program.as_bytes().contains(&b'/') {
        return runnable(Path::new(program)).map(|()| PathBuf::from(program));
    }
    if program.is_empty() {
        return Err(rustix::io::Errno::NOENT.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/bin:/usr/bin"));
    let mut error = rustix::io::Errno::NOENT.into();
    for dir in path.as_bytes().split(|&b| b == b':') {
        // An empty entry is the current directory.
        let dir = if dir.is_empty() { Path::new(".") } else { Path::new(OsStr::from_bytes(dir)) };
        let candidate = dir.join(program);
        match runnable(&candidate) {
            Ok(()) => return Ok(candidate),
            // A match that may not be run is the error, unless a later one may.
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => error = e,
            Err(_) => {}
        }
    }
    Err(error)
}

/// Whether `path` is a file this process may execute.
fn runnable(path: &Path) -> std::io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::EXEC_OK)?;
    if std::fs::metadata(path)?.is_dir() {
        return Err(rustix::io::Errno::ACCESS.into());
    }
    Ok(())
}

/// Starts `words` with `path` appended, detached.
pub fn open_detached(words: &[OsString], path: &Path) -> Result<String, String> {
    let Some((program, args)) = words.split_first() else {
        return Err("no program to open the file with".into());
    };
    let mut command = Command::new(program);
    command.args(args).arg(argument(path));
    spawn_detached(command)
}

/// Starts the system's opener on `path`, detached: the first of the `open`
/// crate's candidates (`xdg-open`, `gio open`, `gnome-open`, `kde-open`;
/// `wslview` first under WSL) that starts.
pub fn open_system(path: &Path) -> Result<String, String> {
    let mut last = Err("no opener found (xdg-open, gio, gnome-open, kde-open)".to_string());
    for command in open::commands(argument(path)) {
        last = spawn_detached(command);
        if last.is_ok() {
            break;
        }
    }
    last
}

/// The file's fresh `lstat`, as a change for the model.
pub fn fresh_change(path: &Path) -> Option<Change> {
    let dir = path.parent()?.to_path_buf();
    let name = path.file_name()?.as_bytes().to_vec();
    let stat = statx_path(path, false).ok().map(|(stat, _)| stat);
    Some(Change::Entry { dir, name, stat })
}

#[cfg(test)]
mod tests;
