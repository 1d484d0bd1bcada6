//! What a scan is asked to do: its roots and how to walk them.

use std::path::PathBuf;

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The roots, each its own subtree.
    pub roots: Vec<PathBuf>,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Stay on the filesystem of each root.
    pub one_file_system: bool,
    /// Also gather birth times and symlink targets (for full records).
    pub detail: bool,
    /// Run the scan's threads at a lower priority (nice 10), so an
    /// interface drawing on the same cores answers keys at once.
    pub background: bool,
    /// Extra facts for the security audit (off by default: a plain scan does
    /// no more syscalls than before).
    pub audit: AuditScan,
    /// Directories listed (and stat-ed) but not entered, by their path as
    /// the walk builds it (a root joined with names): going up above a
    /// scanned root reads only the new siblings, not the subtree the model
    /// already holds.
    pub skip: Vec<PathBuf>,
    /// Events from an import instead of a walk of `roots` (see `source`).
    pub source: Option<super::Source>,
    /// Renders every batch on the worker that built it (`--json`).
    pub format: Option<super::BatchFormat>,
}

/// Which extra facts an audit scan gathers, on the scan's workers, into each
/// entry's [`Detail::audit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditScan {
    /// Symlinks: read the target, try to follow it (dangling?), and resolve
    /// it against the root (`realpath`; see `crate::scan::links`).
    pub links: bool,
    /// Everything but symlinks: list the xattrs (one `llistxattr` each) for
    /// POSIX ACLs, and read `security.capability` where it is present.
    pub xattrs: bool,
}

impl AuditScan {
    /// Every audit fact.
    pub fn all() -> Self {
        AuditScan { links: true, xattrs: true }
    }
}

impl ScanOptions {
    /// Default options for these roots.
    pub fn new(roots: Vec<PathBuf>) -> Self {
        ScanOptions {
            roots,
            threads: 0,
            follow_links: false,
            one_file_system: false,
            detail: false,
            background: false,
            audit: AuditScan::default(),
            skip: Vec::new(),
            source: None,
            format: None,
        }
    }

    pub(super) fn thread_count(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }
}
