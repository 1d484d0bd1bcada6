//! What the predicates look at for one entry ([`AuditFacts`]), and the
//! predicates themselves: each the `find` expression it mirrors, pure, with an
//! unknown fact never producing a finding.

use super::FindingSet;
use crate::model::mode::{FileKind, SETGID as S_ISGID, SETUID as S_ISUID, STICKY as S_ISVTX};

/// The `lstat` fields the predicates read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatFacts {
    /// Full `st_mode` (type and permission bits).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Hard link count.
    pub nlink: u64,
}

/// Everything the predicates look at for one entry. `None` means "not known"
/// (not gathered, or the scan could not find out); an unknown fact never
/// produces a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFacts<'a> {
    /// The entry's type (from `lstat`, or from the listing when that failed).
    pub kind: FileKind,
    /// The `lstat` fields; `None` when `lstat` failed.
    pub stat: Option<StatFacts>,
    /// Whether the uid has a name on this system.
    pub user_named: Option<bool>,
    /// Whether the gid has a name on this system.
    pub group_named: Option<bool>,
    /// Symlinks: whether following the link fails with ENOENT, ENOTDIR or ELOOP.
    pub dangling: Option<bool>,
    /// Symlinks: whether the target resolves outside the scanned root (see
    /// [`crate::audit::links`]).
    pub outside_root: Option<bool>,
    /// The raw `security.capability` value, when the entry has one.
    pub capability: Option<&'a [u8]>,
    /// Whether the entry has `system.posix_acl_access` or `system.posix_acl_default`.
    pub acl: bool,
    /// Whether the scan reported an error for the entry or its listing.
    pub error: bool,
}

impl AuditFacts<'_> {
    /// Facts of an entry of this kind with nothing else known.
    pub fn new(kind: FileKind) -> Self {
        AuditFacts {
            kind,
            stat: None,
            user_named: None,
            group_named: None,
            dangling: None,
            outside_root: None,
            capability: None,
            acl: false,
            error: false,
        }
    }

    /// The findings that hold, among `selection`.
    pub fn evaluate(&self, selection: FindingSet) -> FindingSet {
        selection.iter().filter(|f| f.check(self)).collect()
    }
}

const S_IWGRP: u32 = 0o020;
const S_IWOTH: u32 = 0o002;
const ANY_EXEC: u32 = 0o111;

fn file_mode(facts: &AuditFacts<'_>) -> Option<StatFacts> {
    facts.stat.filter(|_| facts.kind == FileKind::File)
}

/// `find -type f -perm -4000`.
pub fn is_setuid(facts: &AuditFacts<'_>) -> bool {
    file_mode(facts).is_some_and(|st| st.mode & S_ISUID != 0)
}

/// `find -type f -perm -2000`.
pub fn is_setgid(facts: &AuditFacts<'_>) -> bool {
    file_mode(facts).is_some_and(|st| st.mode & S_ISGID != 0)
}

/// `find -type f -perm -4000 -user 0`.
pub fn is_setuid_root(facts: &AuditFacts<'_>) -> bool {
    is_setuid(facts) && facts.stat.is_some_and(|st| st.uid == 0)
}

/// `find -type f -perm -4000 -links +1`.
pub fn is_hardlinked_setuid(facts: &AuditFacts<'_>) -> bool {
    is_setuid(facts) && facts.stat.is_some_and(|st| st.nlink > 1)
}

/// `find ! -type l -perm -0002`: any type but a symlink (whose mode means
/// nothing), devices, FIFOs and sockets included.
pub fn is_world_writable(facts: &AuditFacts<'_>) -> bool {
    facts.kind != FileKind::Symlink && facts.stat.is_some_and(|st| st.mode & S_IWOTH != 0)
}

/// `find -type d -perm -0002 ! -perm -1000`.
pub fn is_world_writable_dir_no_sticky(facts: &AuditFacts<'_>) -> bool {
    facts.kind == FileKind::Dir
        && facts.stat.is_some_and(|st| st.mode & S_IWOTH != 0 && st.mode & S_ISVTX == 0)
}

/// `find -type f -perm /111 -perm /022`.
pub fn is_writable_executable(facts: &AuditFacts<'_>) -> bool {
    file_mode(facts).is_some_and(|st| st.mode & ANY_EXEC != 0 && st.mode & (S_IWGRP | S_IWOTH) != 0)
}

/// `find -nouser -o -nogroup`.
pub fn is_orphan(facts: &AuditFacts<'_>) -> bool {
    facts.stat.is_some() && (facts.user_named == Some(false) || facts.group_named == Some(false))
}
