//! Creating empty files and directories, never through a symlink.

use std::io;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;

use super::sys::{self, Chain, Relative};

/// What [`create`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The full path asked for.
    pub path: PathBuf,
    /// A regular file or a directory.
    pub kind: FileKind,
    /// Every entry this call created, top-down (missing intermediate
    /// directories first, then the final entry).
    pub created: Vec<PathBuf>,
}

/// Creates `relative` under `base_dir`. A trailing `/` makes directories: every
/// missing level is created (like `mkdir -p`; it is an error only when all of
/// them already exist). Otherwise the missing intermediate directories and
/// then an empty regular file are created, exclusively (`O_CREAT | O_EXCL`:
/// an existing name, even a dangling symlink, is an error).
///
/// The walk goes one component at a time with `openat(O_DIRECTORY |
/// O_NOFOLLOW)`: a component that is a symlink is refused, and so is a
/// `base_dir` whose own final component is one (unless it is written with a
/// trailing `/`, which asks for the directory the link points to). Names are validated as for
/// [`rename`](super::rename()). On failure, directories this call created are
/// taken back.
pub fn create(base_dir: &Path, relative: &[u8]) -> Result<Created, FsError> {
    let rel = Relative::parse(relative).map_err(|m| {
        sys::refuse(Op::Create, sys::join(base_dir, relative), io::ErrorKind::InvalidInput, m)
    })?;
    let path = rel.under(base_dir);
    let op = if rel.trailing_slash { Op::Mkdir } else { Op::Create };
    let mut chain = Chain::open_base(base_dir, op)?;
    let (last, parents) = rel.components.split_last().expect("parse gives one component at least");
    let levels = if rel.trailing_slash { &rel.components[..] } else { parents };
    for component in levels {
        if let Err(err) = chain.descend(component, true, op) {
            chain.rollback();
            return Err(err);
        }
    }
    if rel.trailing_slash {
        if !chain.created_any() {
            return Err(sys::refuse(
                Op::Mkdir,
                path,
                io::ErrorKind::AlreadyExists,
                "already exists",
            ));
        }
        let created = chain.created_paths();
        return Ok(Created { path, kind: FileKind::Dir, created });
    }
    let flags = OFlags::WRONLY
        | OFlags::CREATE
        | OFlags::EXCL
        | OFlags::NOFOLLOW
        | OFlags::NOCTTY
        | OFlags::NONBLOCK
        | OFlags::CLOEXEC;
    match rustix::fs::openat(chain.last(), last.as_c_str(), flags, Mode::from_raw_mode(0o666)) {
        Ok(fd) => drop(fd),
        Err(e) => {
            let what = match e {
                Errno::EXIST => {
                    let kind = sys::node_at(chain.last(), last).map(|n| n.kind());
                    let message = match kind {
                        Ok(FileKind::Symlink) => "already exists (as a symlink)".to_string(),
                        Ok(kind) => format!("already exists (as a {})", kind.describe()),
                        Err(_) => "already exists".to_string(),
                    };
                    sys::refuse(Op::Create, &path, io::ErrorKind::AlreadyExists, message)
                }
                e => sys::errno(Op::Create, &path, e),
            };
            chain.rollback();
            return Err(what);
        }
    }
    let mut created = chain.created_paths();
    created.push(path.clone());
    Ok(Created { path, kind: FileKind::File, created })
}
