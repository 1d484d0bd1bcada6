//! The full `stat` record of one entry, read fresh on demand (the tree keeps
//! only what browsing, sorting and filtering need).

use std::path::{Path, PathBuf};

use super::mode::FileKind;
use crate::error::{FsError, Op};
use crate::names::OwnerNames;
use crate::scan::{EntryStat, Timespec, stat};

/// Everything `statx` says about one entry, plus names and the link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullStat {
    /// The path it was read from.
    pub path: PathBuf,
    /// The `lstat` fields.
    pub stat: EntryStat,
    /// Birth time, where the filesystem records it.
    pub btime: Option<Timespec>,
    /// Symlink target (raw bytes), for symlinks.
    pub target: Option<Vec<u8>>,
    /// Owner's user name, when the uid has one.
    pub user: Option<String>,
    /// Group name, when the gid has one.
    pub group: Option<String>,
}

impl FullStat {
    /// Reads the entry at `path` without following a final symlink.
    pub fn read(path: &Path, names: &mut OwnerNames) -> Result<Self, FsError> {
        let (stat, btime) =
            stat::statx_path(path, false).map_err(|e| FsError::errno(Op::Stat, path, e))?;
        let target = if stat.kind() == FileKind::Symlink {
            let raw = rustix::fs::readlink(path, Vec::new())
                .map_err(|e| FsError::errno(Op::ReadLink, path, e))?;
            Some(raw.into_bytes())
        } else {
            None
        };
        Ok(FullStat {
            path: path.to_path_buf(),
            stat,
            btime,
            target,
            user: names.user(stat.uid).map(str::to_owned),
            group: names.group(stat.gid).map(str::to_owned),
        })
    }

    /// The file type.
    pub fn kind(&self) -> FileKind {
        self.stat.kind()
    }

    /// Major and minor device numbers, for block and character devices.
    pub fn device_numbers(&self) -> Option<(u32, u32)> {
        matches!(self.kind(), FileKind::Block | FileKind::Char)
            .then(|| (rustix::fs::major(self.stat.rdev), rustix::fs::minor(self.stat.rdev)))
    }
}
