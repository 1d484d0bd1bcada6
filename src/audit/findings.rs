//! The findings: ids, severities, explanations, and the pure predicates that
//! decide them from an entry's [`AuditFacts`].

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

/// A set of findings (a bit per finding), iterated in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FindingSet(u16);

impl FindingSet {
    /// No findings.
    pub const EMPTY: FindingSet = FindingSet(0);

    /// Every finding.
    pub fn all() -> Self {
        Finding::ALL.into_iter().collect()
    }

    /// True when no finding is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `finding` is in the set.
    pub fn contains(self, finding: Finding) -> bool {
        self.0 & finding.bit() != 0
    }

    /// Adds a finding.
    pub fn insert(&mut self, finding: Finding) {
        self.0 |= finding.bit();
    }

    /// The findings in both sets.
    pub fn intersect(self, other: FindingSet) -> FindingSet {
        FindingSet(self.0 & other.0)
    }

    /// The findings in either set.
    pub fn union(self, other: FindingSet) -> FindingSet {
        FindingSet(self.0 | other.0)
    }

    /// How many findings are in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The findings, in report order.
    pub fn iter(self) -> impl Iterator<Item = Finding> {
        Finding::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The ids, in report order.
    pub fn ids(self) -> Vec<&'static str> {
        self.iter().map(Finding::id).collect()
    }

    /// Whether any finding in the set needs xattrs from the scan.
    pub fn needs_xattrs(self) -> bool {
        self.iter().any(Finding::needs_xattrs)
    }

    /// Whether any finding in the set needs symlinks followed by the scan.
    pub fn needs_links(self) -> bool {
        self.iter().any(Finding::needs_links)
    }

    /// Whether any finding in the set needs owner names.
    pub fn needs_names(self) -> bool {
        self.iter().any(Finding::needs_names)
    }
}

impl FromIterator<Finding> for FindingSet {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut set = FindingSet::EMPTY;
        for finding in iter {
            set.insert(finding);
        }
        set
    }
}

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
    /// [`super::links`]).
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

use crate::model::mode::{SETGID as S_ISGID, SETUID as S_ISUID, STICKY as S_ISVTX};
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with_mode(kind: FileKind, perm: u32) -> AuditFacts<'static> {
        AuditFacts {
            stat: Some(StatFacts { mode: kind.mode_bits() | perm, uid: 1000, gid: 1000, nlink: 1 }),
            user_named: Some(true),
            group_named: Some(true),
            ..AuditFacts::new(kind)
        }
    }

    fn findings(facts: &AuditFacts<'_>) -> Vec<&'static str> {
        facts.evaluate(FindingSet::all()).ids()
    }

    #[test]
    fn ids_round_trip_and_are_unique() {
        for finding in Finding::ALL {
            assert_eq!(Finding::from_id(finding.id()), Some(finding));
            assert!(!finding.explanation().is_empty());
        }
        assert_eq!(FindingSet::all().len(), Finding::ALL.len());
        assert_eq!(Finding::from_id("nope"), None);
        assert!(valid_ids().contains("writable-by-group-or-other-executable"));
    }

    #[test]
    fn report_order_is_by_severity() {
        let severities: Vec<Severity> = Finding::ALL.iter().map(|f| f.severity()).collect();
        let mut sorted = severities.clone();
        sorted.sort();
        assert_eq!(severities, sorted);
        let mut ordered = Finding::ALL;
        ordered.sort();
        assert_eq!(ordered, Finding::ALL);
    }

    #[test]
    fn sets_iterate_in_report_order() {
        let set: FindingSet =
            [Finding::Unreadable, Finding::Setuid, Finding::SetuidRoot].into_iter().collect();
        assert_eq!(set.ids(), ["setuid-root", "setuid", "unreadable"]);
        assert_eq!(set.len(), 3);
        assert!(set.contains(Finding::Setuid) && !set.contains(Finding::Setgid));
        let other: FindingSet = [Finding::Setuid, Finding::Acl].into_iter().collect();
        assert_eq!(set.intersect(other).ids(), ["setuid"]);
        assert_eq!(set.union(other).len(), 4);
        assert!(FindingSet::EMPTY.is_empty());
        assert!(other.needs_xattrs() && !other.needs_links() && !other.needs_names());
    }

    #[test]
    fn setuid_and_setgid_only_on_regular_files() {
        assert_eq!(findings(&with_mode(FileKind::File, 0o4755)), ["setuid"]);
        assert_eq!(findings(&with_mode(FileKind::File, 0o4644)), ["setuid"]);
        assert_eq!(findings(&with_mode(FileKind::File, 0o2755)), ["setgid"]);
        assert_eq!(findings(&with_mode(FileKind::File, 0o6755)), ["setuid", "setgid"]);
        // A setgid directory (group inheritance) is not a finding.
        assert!(findings(&with_mode(FileKind::Dir, 0o2775)).is_empty());
        assert!(findings(&with_mode(FileKind::Dir, 0o4755)).is_empty());
        assert!(findings(&with_mode(FileKind::File, 0o755)).is_empty());
    }

    #[test]
    fn setuid_root_needs_uid_zero() {
        let mut facts = with_mode(FileKind::File, 0o4755);
        assert!(!is_setuid_root(&facts));
        facts.stat.as_mut().unwrap().uid = 0;
        assert_eq!(findings(&facts), ["setuid-root", "setuid"]);
        // gid 0 alone is not enough.
        let mut facts = with_mode(FileKind::File, 0o4755);
        facts.stat.as_mut().unwrap().gid = 0;
        assert!(!is_setuid_root(&facts));
        // Root-owned but not setuid.
        let mut facts = with_mode(FileKind::File, 0o755);
        facts.stat.as_mut().unwrap().uid = 0;
        assert!(!is_setuid_root(&facts));
    }

    #[test]
    fn hardlinked_setuid_needs_more_than_one_link() {
        let mut facts = with_mode(FileKind::File, 0o4755);
        assert!(!is_hardlinked_setuid(&facts));
        facts.stat.as_mut().unwrap().nlink = 2;
        assert_eq!(findings(&facts), ["hardlinked-setuid", "setuid"]);
        let mut plain = with_mode(FileKind::File, 0o755);
        plain.stat.as_mut().unwrap().nlink = 5;
        assert!(!is_hardlinked_setuid(&plain));
    }

    #[test]
    fn world_writable_is_any_type_but_symlinks() {
        assert_eq!(findings(&with_mode(FileKind::File, 0o666)), ["world-writable"]);
        assert_eq!(findings(&with_mode(FileKind::Char, 0o666)), ["world-writable"]);
        assert_eq!(findings(&with_mode(FileKind::Fifo, 0o602)), ["world-writable"]);
        assert!(findings(&with_mode(FileKind::Symlink, 0o777)).is_empty());
        assert!(findings(&with_mode(FileKind::File, 0o664)).is_empty());
    }

    #[test]
    fn world_writable_dirs_without_sticky() {
        assert_eq!(
            findings(&with_mode(FileKind::Dir, 0o777)),
            ["world-writable-dir-no-sticky", "world-writable"]
        );
        assert_eq!(findings(&with_mode(FileKind::Dir, 0o1777)), ["world-writable"]);
        assert!(findings(&with_mode(FileKind::Dir, 0o1775)).is_empty());
        assert!(!is_world_writable_dir_no_sticky(&with_mode(FileKind::File, 0o666)));
    }

    #[test]
    fn writable_executables() {
        let id = "writable-by-group-or-other-executable";
        assert_eq!(findings(&with_mode(FileKind::File, 0o775)), [id]);
        assert_eq!(findings(&with_mode(FileKind::File, 0o701 | 0o020)), [id]);
        assert_eq!(findings(&with_mode(FileKind::File, 0o757)), [id, "world-writable"]);
        // Not executable at all, or writable by the owner only.
        assert!(findings(&with_mode(FileKind::File, 0o664)).is_empty());
        assert!(findings(&with_mode(FileKind::File, 0o755)).is_empty());
        // Directories are not executables.
        assert!(!is_writable_executable(&with_mode(FileKind::Dir, 0o775)));
    }

    #[test]
    fn orphans_need_a_missing_name() {
        let mut facts = with_mode(FileKind::File, 0o644);
        facts.user_named = Some(false);
        assert_eq!(findings(&facts), ["orphan-owner"]);
        facts.user_named = Some(true);
        facts.group_named = Some(false);
        assert_eq!(findings(&facts), ["orphan-owner"]);
        // Not looked up: no finding.
        facts.group_named = None;
        assert!(findings(&facts).is_empty());
        // Symlinks have owners too.
        let mut link = with_mode(FileKind::Symlink, 0o777);
        link.user_named = Some(false);
        assert!(is_orphan(&link));
    }

    #[test]
    fn symlink_findings_need_a_symlink_and_a_known_answer() {
        let mut link = with_mode(FileKind::Symlink, 0o777);
        link.dangling = Some(true);
        assert_eq!(findings(&link), ["dangling-symlink"]);
        link.outside_root = Some(true);
        assert_eq!(findings(&link), ["symlink-outside-root", "dangling-symlink"]);
        link.dangling = None;
        link.outside_root = None;
        assert!(findings(&link).is_empty());
        let mut file = with_mode(FileKind::File, 0o644);
        file.dangling = Some(true);
        file.outside_root = Some(true);
        assert!(findings(&file).is_empty());
    }

    #[test]
    fn xattr_findings() {
        let mut facts = with_mode(FileKind::File, 0o755);
        let blob = [0u8; 20];
        facts.capability = Some(&blob);
        facts.acl = true;
        assert_eq!(findings(&facts), ["capabilities", "acl"]);
    }

    #[test]
    fn errors_are_unreadable_even_without_stat() {
        let mut facts = AuditFacts::new(FileKind::Dir);
        facts.error = true;
        assert_eq!(findings(&facts), ["unreadable"]);
        // Without a stat record no mode finding can hold.
        facts.user_named = Some(false);
        assert_eq!(findings(&facts), ["unreadable"]);
    }

    #[test]
    fn selection_limits_the_result() {
        let mut facts = with_mode(FileKind::File, 0o4777);
        facts.stat.as_mut().unwrap().uid = 0;
        let only: FindingSet = [Finding::WorldWritable].into_iter().collect();
        assert_eq!(facts.evaluate(only).ids(), ["world-writable"]);
        assert_eq!(
            facts.evaluate(FindingSet::all()).ids(),
            ["setuid-root", "writable-by-group-or-other-executable", "setuid", "world-writable"]
        );
    }
}
