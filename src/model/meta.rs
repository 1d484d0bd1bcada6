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
    /// Reads the entry at `path` without following a final symlink, with
    /// user and group names.
    pub fn read(path: &Path, names: &mut OwnerNames) -> Result<Self, FsError> {
        let mut full = Self::read_entry(path)?;
        full.user = names.user(full.stat.uid).map(str::to_owned);
        full.group = names.group(full.stat.gid).map(str::to_owned);
        Ok(full)
    }

    /// Reads the entry without looking up names (`user` and `group` stay
    /// `None`): name lookups go through NSS, which may read files or ask the
    /// network, so the interface does them on another thread.
    pub fn read_entry(path: &Path) -> Result<Self, FsError> {
        let (stat, btime) =
            stat::statx_path(path, false).map_err(|e| FsError::errno(Op::Stat, path, e))?;
        let target = if stat.kind() == FileKind::Symlink {
            let raw = match rustix::fs::readlink(path, Vec::new()) {
                Ok(raw) => raw.into_bytes(),
                Err(rustix::io::Errno::NAMETOOLONG) => {
                    let bytes = path.as_os_str().as_encoded_bytes();
                    let (dir, name) = stat::open_long_parent(bytes)
                        .map_err(|e| FsError::errno(Op::ReadLink, path, e))?;
                    stat::readlink_at(std::os::fd::AsFd::as_fd(&dir), name)
                        .map_err(|e| FsError::errno(Op::ReadLink, path, e))?
                }
                Err(e) => return Err(FsError::errno(Op::ReadLink, path, e)),
            };
            Some(raw)
        } else {
            None
        };
        Ok(FullStat { path: path.to_path_buf(), stat, btime, target, user: None, group: None })
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

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{MetadataExt, symlink};

    use super::*;

    #[test]
    fn reads_every_field_fresh_and_never_follows_the_final_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"hello").unwrap();
        let link = dir.path().join("l");
        symlink("f", &link).unwrap();
        let mut names = OwnerNames::new();

        let full = FullStat::read(&file, &mut names).unwrap();
        let md = std::fs::symlink_metadata(&file).unwrap();
        assert_eq!(full.kind(), FileKind::File);
        assert_eq!(full.stat.ino, md.ino());
        assert_eq!(full.stat.dev, md.dev());
        assert_eq!(full.stat.size, 5);
        assert_eq!(full.stat.mode, md.mode());
        assert_eq!(full.stat.mtime.sec, md.mtime());
        assert_eq!(i64::from(full.stat.mtime.nsec), md.mtime_nsec());
        if md.uid() == 0 {
            assert_eq!(full.user.as_deref(), Some("root"));
            assert_eq!(full.group.as_deref(), Some("root"));
        }
        assert!(full.target.is_none());

        let linked = FullStat::read(&link, &mut names).unwrap();
        assert_eq!(linked.kind(), FileKind::Symlink);
        assert_eq!(linked.target.as_deref(), Some(&b"f"[..]));
        assert_ne!(linked.stat.ino, full.stat.ino);

        std::fs::write(&file, b"hello, again").unwrap();
        assert_eq!(FullStat::read(&file, &mut names).unwrap().stat.size, 12);

        let err = FullStat::read(&dir.path().join("missing"), &mut names).unwrap_err();
        assert_eq!(err.op, Op::Stat);
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn device_numbers_are_split() {
        let mut names = OwnerNames::new();
        let null = FullStat::read(Path::new("/dev/null"), &mut names).unwrap();
        assert_eq!(null.kind(), FileKind::Char);
        assert_eq!(null.device_numbers(), Some((1, 3)));
    }
}
