//! Changing the filesystem: permission bits, owner and group, rename and
//! move (one entry, or a batch in one directory), create, remove
//! (permanently or to the trash), and putting back what an earlier action
//! did ([`undo`]). No interface code: every function acts on
//! paths and identities and returns a typed [`FsError`](crate::error::FsError)
//! (the operation, the path, the reason) or a report the model can be updated
//! from.
//!
//! These functions change people's real files, so each does exactly what was
//! confirmed to exactly the object that was shown, or nothing, with a clear
//! message. The rules every operation follows:
//!
//! * **Identity re-check.** The caller passes the [`Identity`](crate::model::Identity) (device, inode,
//!   type) of the entry as it was shown; before acting, the entry is read
//!   again with `lstat` and anything else is refused ("changed since it was
//!   shown: …", [`Op::Identity`](crate::error::Op::Identity)). Where the action goes through a handle
//!   (chmod, a directory removal), the handle is checked again after it is
//!   opened, which closes the window between the check and the act.
//! * **No symlink following.** The final component is never followed:
//!   entries are reached relative to a handle of their parent, directories
//!   are opened with `O_DIRECTORY | O_NOFOLLOW`, `unlinkat` removes a link and
//!   not its target. A symlink's mode cannot be changed on Linux, so chmod of
//!   a symlink is refused rather than applied to the target. A path typed by a
//!   person (rename's new name, create's relative path) never goes through a
//!   symlink either: each component is opened with `O_NOFOLLOW`.
//! * **No clobbering.** Rename is `renameat2(RENAME_NOREPLACE)`, with
//!   `linkat` + `unlinkat` for regular files on filesystems without it, and a
//!   refusal for other types; create is `O_CREAT | O_EXCL`. An existing name is
//!   an error and nothing changes.
//! * **Handle-relative walks.** Recursive chmod, removal and the counts
//!   their confirmations show walk with directory handles (`openat`,
//!   `fstatat`/`statx`, `unlinkat`), iteratively (no recursion: depth is
//!   bounded by memory, not by the stack or by `PATH_MAX`), with a bounded
//!   number of open handles, never leaving the starting filesystem (mount
//!   points inside are reported and skipped), and keep going past per-entry
//!   failures, which come back in the report.
//! * **Cancellable.** Long operations take a cancel flag, checked between
//!   entries, and a progress callback told the number of entries seen.
//!
//! Names are validated the same way everywhere: not empty, not `.` or `..`,
//! no NUL byte, at most 255 bytes per component. Any other byte, including
//! control characters and invalid UTF-8, is kept exactly.

mod bulk_rename;
mod chmod;
mod chown;
mod copy;
mod count;
mod create;
mod identity;
mod remove;
mod rename;
mod sys;
mod transfer;
pub mod undo;
mod walk;

pub use bulk_rename::{BulkFailure, BulkItem, BulkReport, bulk_rename, check_names};
pub use chmod::{
    ChmodOutcome, RecursiveCount, RecursiveReport, RecursiveTally, chmod, chmod_recursive,
    count_recursive,
};
pub use chown::{ChownOutcome, ChownReport, chown, chown_recursive};
pub use copy::{
    Collision, Meter, PasteItem, PasteMode, PasteReport, PasteUndo, Placed, collisions, paste,
};
pub use count::{TreeCount, count_tree};
pub use create::{Created, create};
pub use identity::{check, check_dir_chain, check_parents, dir_chain};
pub use remove::{RemoveReport, remove_permanently, trash};
pub use rename::{Renamed, removedirs, rename, rename_creating};
pub use sys::NAME_MAX;
