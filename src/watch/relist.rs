//! Reading one directory's entries again (not deeper), for a directory the
//! user opens: the view reconciles its model with what this returns, then the
//! watcher keeps it current.

use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Dir, Mode, OFlags};
use rustix::io::Errno;

use crate::scan::EntryStat;
use crate::scan::stat::from_stat;

/// A directory as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The directory's own `lstat` (through the handle that was read).
    pub dir: EntryStat,
    /// Every entry with its `lstat`; `None` when it is listed but its stat
    /// failed for another reason than being gone (a directory without search
    /// permission): the caller keeps what it knew of it.
    pub entries: Vec<(Vec<u8>, Option<EntryStat>)>,
}

/// What reading the listing was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOp {
    /// Opening the directory.
    Open,
    /// Reading its entries.
    Read,
}

/// A listing that failed, with the operation and the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}: {errno}", match op { ListOp::Open => "opening directory", ListOp::Read => "reading directory" }, crate::sanitize::path(path))]
pub struct ListError {
    /// What was being done.
    pub op: ListOp,
    /// The directory.
    pub path: PathBuf,
    /// Why.
    pub errno: Errno,
}

/// Lists `dir` and `lstat`s each entry relative to the open directory (links
/// never followed; the directory itself is opened following links, as the
/// scan's root may be one). A name removed between the listing and its stat
/// is left out.
pub fn list_dir(dir: &Path) -> Result<Listing, ListError> {
    let fail = |op, errno| ListError { op, path: dir.to_path_buf(), errno };
    let fd =
        rustix::fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| fail(ListOp::Open, e))?;
    let own = rustix::fs::fstat(&fd).map_err(|e| fail(ListOp::Read, e))?;
    let mut reader = Dir::read_from(&fd).map_err(|e| fail(ListOp::Read, e))?;
    let mut entries = Vec::new();
    while let Some(entry) = reader.read() {
        let entry = entry.map_err(|e| fail(ListOp::Read, e))?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        let stat = match rustix::fs::statat(&fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Some(from_stat(&st)),
            Err(Errno::NOENT) => continue,
            Err(_) => None,
        };
        entries.push((name.to_bytes().to_vec(), stat));
    }
    Ok(Listing { dir: from_stat(&own), entries })
}

/// The `lstat` of each directory now (`None`: gone or unreadable), for the
/// check of the directories on screen.
pub fn lstat_each<Id: Copy>(dirs: &[(Id, PathBuf)]) -> Vec<(Id, Option<EntryStat>)> {
    dirs.iter()
        .map(|(id, path)| (*id, rustix::fs::lstat(path.as_path()).ok().map(|st| from_stat(&st))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_entry_with_its_lstat_and_the_directory_itself() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), b"abc").unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        std::os::unix::fs::symlink("/nonexistent", tmp.path().join("l")).unwrap();
        let mut listing = list_dir(tmp.path()).unwrap();
        listing.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let names: Vec<_> = listing.entries.iter().map(|(n, _)| n.as_slice()).collect();
        assert_eq!(names, [&b"d"[..], b"f", b"l"]);
        assert_eq!(listing.entries[1].1.unwrap().size, 3);
        assert_eq!(listing.entries[2].1.unwrap().mode & 0o170000, 0o120000);
        assert_eq!(listing.dir.mode & 0o170000, 0o040000);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let err = list_dir(Path::new("/nonexistent/statree-dir")).unwrap_err();
        assert_eq!(err.op, ListOp::Open);
        assert_eq!(err.errno, Errno::NOENT);
        assert!(err.to_string().starts_with("opening directory: /nonexistent/statree-dir"));
    }
}
