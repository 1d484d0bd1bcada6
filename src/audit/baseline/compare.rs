//! How an entry of the new scan relates to its baseline record: what the scan
//! says ([`Current`]), and whether that differs ([`differs`]).

use super::OldRecord;
use crate::audit::findings::FindingSet;
use crate::model::mode::{FileKind, PERM_MASK};
use crate::scan::RawEntry;

/// How an entry of the new scan relates to the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not in the baseline.
    New,
    /// In the baseline with a different type, mode, owner, group or findings.
    Changed(Box<OldRecord>),
}

impl Change {
    /// `new` or `changed`, as written in outputs.
    pub fn word(&self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed(_) => "changed",
        }
    }
}

/// What the new scan says about an entry, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    /// The type.
    pub kind: FileKind,
    /// Full `st_mode`, `None` when `lstat` failed.
    pub mode: Option<u32>,
    /// Owner.
    pub uid: Option<u32>,
    /// Group.
    pub gid: Option<u32>,
    /// The findings (among the selection), when this is an audit.
    pub findings: Option<FindingSet>,
    /// The selected findings (to compare the old ones against).
    pub selection: FindingSet,
}

impl Current {
    /// What a scanned entry says: its type, mode and owner, with `findings`
    /// among `selection` when this is an audit.
    pub fn of(entry: &RawEntry, findings: Option<FindingSet>, selection: FindingSet) -> Current {
        Current {
            kind: entry.kind(),
            mode: entry.stat.map(|st| st.mode),
            uid: entry.stat.map(|st| st.uid),
            gid: entry.stat.map(|st| st.gid),
            findings,
            selection,
        }
    }
}

/// Whether `now` differs from `old` in type, permission bits, uid, gid, or —
/// when both sides know them — findings.
pub fn differs(old: &OldRecord, now: &Current) -> bool {
    let findings_differ = match (old.findings, now.findings) {
        (Some(then), Some(found)) => then.intersect(now.selection) != found,
        _ => false,
    };
    old.kind != now.kind
        || old.mode != now.mode.map(|m| m & PERM_MASK)
        || old.uid != now.uid
        || old.gid != now.gid
        || findings_differ
}
