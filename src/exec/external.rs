//! Handing a file to the programs people already use: the editor
//! (`$VISUAL`, `$EDITOR`, else `vi`) and the pager (`$PAGER`, else `less`).
//! The terminal handover itself is the loop's
//! ([`crate::tui::term::TerminalGuard::hand_over`]); this runs the program.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use crate::sanitize;
use crate::scan::statx_path;
use crate::view::Change;

/// The editor and pager commands, each split into a program and its
/// arguments the way a shell would split a simple `$EDITOR` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programs {
    /// For `e`.
    pub editor: Vec<OsString>,
    /// For `o`.
    pub pager: Vec<OsString>,
}

impl Programs {
    /// From the environment: `$VISUAL`, then `$EDITOR`, then `vi`; `$PAGER`,
    /// then `less`. Empty variables are skipped.
    pub fn from_env() -> Self {
        let pick = |names: &[&str], fallback: &str| {
            names
                .iter()
                .filter_map(std::env::var_os)
                .find(|v| !v.is_empty())
                .map(|v| split_words(&v))
                .filter(|words| !words.is_empty())
                .unwrap_or_else(|| vec![OsString::from(fallback)])
        };
        Programs { editor: pick(&["VISUAL", "EDITOR"], "vi"), pager: pick(&["PAGER"], "less") }
    }
}

/// Splits a command on spaces and tabs (`code --wait` → two words). Quotes
/// are not interpreted: an editor path with spaces needs a wrapper script.
fn split_words(command: &OsStr) -> Vec<OsString> {
    command
        .as_bytes()
        .split(|b| *b == b' ' || *b == b'\t')
        .filter(|w| !w.is_empty())
        .map(|w| OsStr::from_bytes(w).to_os_string())
        .collect()
}

/// Runs the editor or pager on `path` and waits for it. The path is passed
/// as one argument, after `--` for the pager-less case of names starting
/// with `-` being read as options: it is made `./`-relative instead when
/// it is not absolute.
pub fn run(programs: &Programs, path: &Path, pager: bool) -> Result<(), String> {
    let words = if pager { &programs.pager } else { &programs.editor };
    let Some((program, args)) = words.split_first() else {
        return Err("no program to open the file with".into());
    };
    // A relative name starting with '-' would be taken for an option.
    let arg = if path.is_absolute() { path.to_path_buf() } else { Path::new(".").join(path) };
    let status = Command::new(program).args(args).arg(&arg).status();
    let what = sanitize::os(program).into_owned();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} exited with {status}")),
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// The file's fresh `lstat`, as a change for the model.
pub fn fresh_change(path: &Path) -> Option<Change> {
    let dir = path.parent()?.to_path_buf();
    let name = path.file_name()?.as_bytes().to_vec();
    let stat = statx_path(path, false).ok().map(|(stat, _)| stat);
    Some(Change::Entry { dir, name, stat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_on_blanks() {
        let words = split_words(OsStr::new("  code --wait\t-n "));
        assert_eq!(words, ["code", "--wait", "-n"].map(OsString::from));
        assert!(split_words(OsStr::new("   ")).is_empty());
    }

    #[test]
    fn a_failing_program_is_reported_with_its_status() {
        let programs = Programs { editor: vec!["false".into()], pager: vec!["true".into()] };
        let err = run(&programs, Path::new("/nonexistent"), false).unwrap_err();
        assert!(err.starts_with("false exited with"), "{err}");
        assert_eq!(run(&programs, Path::new("/nonexistent"), true), Ok(()));
        let missing = Programs { editor: vec!["/no/such/editor".into()], pager: vec![] };
        let err = run(&missing, Path::new("x"), false).unwrap_err();
        assert!(err.contains("cannot run /no/such/editor"), "{err}");
        assert!(run(&missing, Path::new("x"), true).is_err());
    }
}
