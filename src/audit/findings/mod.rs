//! The findings: ids, severities, explanations, and the pure predicates that
//! decide them from an entry's [`AuditFacts`].
//!
//! * here — [`Finding`] and [`Severity`]: the report's vocabulary.
//! * `set` — [`FindingSet`], a bit per finding.
//! * `facts` — [`AuditFacts`] and the predicates over them.

mod facts;
mod set;

pub use facts::{
    AuditFacts, StatFacts, is_hardlinked_setuid, is_orphan, is_setgid, is_setuid, is_setuid_root,
    is_world_writable, is_world_writable_dir_no_sticky, is_writable_executable,
};
pub use set::FindingSet;

use std::fmt;

use crate::model::mode::FileKind;

/// How much a finding matters, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A direct path to privilege or to tampering.
    High,
    /// Extra privilege or exposure worth reviewing.
    Medium,
    /// Hygiene: ownership, links, ACLs.
    Low,
    /// Worth knowing, rarely a risk by itself.
    Info,
}

impl Severity {
    /// The lower-case word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// One kind of finding. The declaration order is the report order: by
/// severity, then as listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// A setuid regular file owned by root.
    SetuidRoot,
    /// A writable-by-others directory without the sticky bit.
    WorldWritableDirNoSticky,
    /// An executable regular file its group or others can write.
    WritableExecutable,
    /// A setuid regular file with more than one hard link.
    HardlinkedSetuid,
    /// A setuid regular file.
    Setuid,
    /// A setgid regular file.
    Setgid,
    /// A file with a `security.capability` xattr.
    Capabilities,
    /// Anything but a symlink writable by others.
    WorldWritable,
    /// A uid or gid with no name on this system.
    OrphanOwner,
    /// A symlink whose target resolves outside the scanned root.
    SymlinkOutsideRoot,
    /// An entry with a POSIX ACL xattr.
    Acl,
    /// A symlink whose target does not exist.
    DanglingSymlink,
    /// The scan could not read the entry (or, for a directory, its listing).
    Unreadable,
}

impl Finding {
    /// Every finding, in report order.
    pub const ALL: [Finding; 13] = [
        Finding::SetuidRoot,
        Finding::WorldWritableDirNoSticky,
        Finding::WritableExecutable,
        Finding::HardlinkedSetuid,
        Finding::Setuid,
        Finding::Setgid,
        Finding::Capabilities,
        Finding::WorldWritable,
        Finding::OrphanOwner,
        Finding::SymlinkOutsideRoot,
        Finding::Acl,
        Finding::DanglingSymlink,
        Finding::Unreadable,
    ];

    /// The short id used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Finding::SetuidRoot => "setuid-root",
            Finding::WorldWritableDirNoSticky => "world-writable-dir-no-sticky",
            Finding::WritableExecutable => "writable-by-group-or-other-executable",
            Finding::HardlinkedSetuid => "hardlinked-setuid",
            Finding::Setuid => "setuid",
            Finding::Setgid => "setgid",
            Finding::Capabilities => "capabilities",
            Finding::WorldWritable => "world-writable",
            Finding::OrphanOwner => "orphan-owner",
            Finding::SymlinkOutsideRoot => "symlink-outside-root",
            Finding::Acl => "acl",
            Finding::DanglingSymlink => "dangling-symlink",
            Finding::Unreadable => "unreadable",
        }
    }

    /// The finding with this id.
    pub fn from_id(id: &str) -> Option<Finding> {
        Finding::ALL.into_iter().find(|f| f.id() == id)
    }

    /// How much it matters.
    pub fn severity(self) -> Severity {
        match self {
            Finding::SetuidRoot
            | Finding::WorldWritableDirNoSticky
            | Finding::WritableExecutable
            | Finding::HardlinkedSetuid => Severity::High,
            Finding::Setuid | Finding::Setgid | Finding::Capabilities | Finding::WorldWritable => {
                Severity::Medium
            }
            Finding::OrphanOwner | Finding::SymlinkOutsideRoot | Finding::Acl => Severity::Low,
            Finding::DanglingSymlink | Finding::Unreadable => Severity::Info,
        }
    }

    /// One line saying what it means.
    pub fn explanation(self) -> &'static str {
        match self {
            Finding::SetuidRoot => "setuid file owned by root: runs with root's privileges",
            Finding::WorldWritableDirNoSticky => {
                "directory anyone can write, without the sticky bit: anyone can delete or replace its entries"
            }
            Finding::WritableExecutable => "executable file that its group or others can modify",
            Finding::HardlinkedSetuid => {
                "setuid file with more than one hard link: an old copy can outlive an upgrade"
            }
            Finding::Setuid => "setuid file: runs with its owner's privileges",
            Finding::Setgid => "setgid file: runs with its group's privileges",
            Finding::Capabilities => {
                "file capabilities (security.capability): runs with extra privileges"
            }
            Finding::WorldWritable => "anyone can write to it",
            Finding::OrphanOwner => "owner or group id has no name on this system",
            Finding::SymlinkOutsideRoot => "symlink whose target lies outside the scanned root",
            Finding::Acl => "POSIX ACL: access is granted beyond the mode bits",
            Finding::DanglingSymlink => "symlink whose target does not exist",
            Finding::Unreadable => "the scan could not read it",
        }
    }

    /// Whether the finding holds for an entry with these facts.
    pub fn check(self, facts: &AuditFacts<'_>) -> bool {
        match self {
            Finding::SetuidRoot => is_setuid_root(facts),
            Finding::WorldWritableDirNoSticky => is_world_writable_dir_no_sticky(facts),
            Finding::WritableExecutable => is_writable_executable(facts),
            Finding::HardlinkedSetuid => is_hardlinked_setuid(facts),
            Finding::Setuid => is_setuid(facts),
            Finding::Setgid => is_setgid(facts),
            Finding::Capabilities => facts.capability.is_some(),
            Finding::WorldWritable => is_world_writable(facts),
            Finding::OrphanOwner => is_orphan(facts),
            Finding::SymlinkOutsideRoot => {
                facts.kind == FileKind::Symlink && facts.outside_root == Some(true)
            }
            Finding::Acl => facts.acl,
            Finding::DanglingSymlink => {
                facts.kind == FileKind::Symlink && facts.dangling == Some(true)
            }
            Finding::Unreadable => facts.error,
        }
    }

    /// Whether deciding it needs xattrs read by the scan.
    pub fn needs_xattrs(self) -> bool {
        matches!(self, Finding::Capabilities | Finding::Acl)
    }

    /// Whether deciding it needs symlink targets followed by the scan.
    pub fn needs_links(self) -> bool {
        matches!(self, Finding::DanglingSymlink | Finding::SymlinkOutsideRoot)
    }

    /// Whether deciding it needs user and group names looked up.
    pub fn needs_names(self) -> bool {
        self == Finding::OrphanOwner
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The ids, comma-separated, for messages.
pub fn valid_ids() -> String {
    Finding::ALL.map(Finding::id).join(", ")
}

#[cfg(test)]
mod tests;
