//! The disk reads behind `:` (go to a path): the directory names `Tab`
//! completes, and the check of the target before the view moves there.

use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// The directory names in `dir` starting with `prefix` (for `Tab`), sorted;
/// hidden ones only when the prefix starts with a dot. A symlink to a
/// directory counts: it is somewhere to go.
pub fn directory_names(dir: &Path, prefix: &[u8]) -> std::io::Result<Vec<Vec<u8>>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().into_vec();
        if !name.starts_with(prefix) || name.starts_with(b".") && !prefix.starts_with(b".") {
            continue;
        }
        if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The real path of `path` when it is a directory statree can list, else
/// why not, worded for the status line.
pub fn check_target(path: &Path) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| reason(&e))?;
    let meta = std::fs::metadata(&real).map_err(|e| reason(&e))?;
    if !meta.is_dir() {
        return Err("not a directory".into());
    }
    std::fs::read_dir(&real).map_err(|e| reason(&e))?;
    Ok(real)
}

/// The OS's words without the "(os error N)" tail.
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}
