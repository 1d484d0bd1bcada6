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

/// One row of the table: a finding's id, severity and explanation.
struct Row {
    finding: Finding,
    id: &'static str,
    severity: Severity,
    explanation: &'static str,
}

/// Declares [`Finding`], `TABLE` (its rows in declaration order) and
/// [`Finding::ALL`] from one list.
macro_rules! finding_table {
    ($(
        $(#[$doc:meta])+
        $variant:ident = $id:literal, $severity:ident, $explanation:literal;
    )+) => {
        /// One kind of finding. The declaration order is the report order: by
        /// severity, then as listed here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Finding {
            $($(#[$doc])+ $variant,)+
        }

        /// Every finding's row, in declaration order (so `Finding as usize`
        /// indexes it).
        const TABLE: &[Row] = &[$(
            Row {
                finding: Finding::$variant,
                id: $id,
                severity: Severity::$severity,
                explanation: $explanation,
            },
        )+];

        impl Finding {
            /// Every finding, in report order.
            pub const ALL: [Finding; TABLE.len()] = [$(Finding::$variant),+];
        }
    };
}

finding_table! {
    /// A setuid regular file owned by root.
    SetuidRoot = "setuid-root", High,
        "setuid file owned by root: runs with root's privileges";
    /// A writable-by-others directory without the sticky bit.
    WorldWritableDirNoSticky = "world-writable-dir-no-sticky", High,
        "directory anyone can write, without the sticky bit: anyone can delete or replace its entries";
    /// An executable regular file its group or others can write.
    WritableExecutable = "writable-by-group-or-other-executable", High,
        "executable file that its group or others can modify";
    /// A setuid regular file with more than one hard link.
    HardlinkedSetuid = "hardlinked-setuid", High,
        "setuid file with more than one hard link: an old copy can outlive an upgrade";
    /// A setuid regular file.
    Setuid = "setuid", Medium, "setuid file: runs with its owner's privileges";
    /// A setgid regular file.
    Setgid = "setgid", Medium, "setgid file: runs with its group's privileges";
    /// A file with a `security.capability` xattr.
    Capabilities = "capabilities", Medium,
        "file capabilities (security.capability): runs with extra privileges";
    /// Anything but a symlink writable by others.
    WorldWritable = "world-writable", Medium, "anyone can write to it";
    /// A uid or gid with no name on this system.
    OrphanOwner = "orphan-owner", Low, "owner or group id has no name on this system";
    /// A symlink whose target resolves outside the scanned root.
    SymlinkOutsideRoot = "symlink-outside-root", Low,
        "symlink whose target lies outside the scanned root";
    /// An entry with a POSIX ACL xattr.
    Acl = "acl", Low, "POSIX ACL: access is granted beyond the mode bits";
    /// A symlink whose target does not exist.
    DanglingSymlink = "dangling-symlink", Info, "symlink whose target does not exist";
    /// The scan could not read the entry (or, for a directory, its listing).
    Unreadable = "unreadable", Info, "the scan could not read it";
}

impl Finding {
    /// The short id used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        self.row().id
    }

    /// The finding with this id.
    pub fn from_id(id: &str) -> Option<Finding> {
        TABLE.iter().find(|row| row.id == id).map(|row| row.finding)
    }

    /// How much it matters.
    pub fn severity(self) -> Severity {
        self.row().severity
    }

    /// One line saying what it means.
    pub fn explanation(self) -> &'static str {
        self.row().explanation
    }

    fn row(self) -> &'static Row {
        &TABLE[self as usize]
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
