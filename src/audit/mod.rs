//! The security audit: findings over each entry's metadata (`--audit`), and
//! the comparison with an earlier `--json` output (`--baseline`).
//!
//! * [`findings`] — the [`Finding`] ids, severities and explanations, and the
//!   pure predicates over an entry's [`AuditFacts`] (no filesystem access:
//!   the scan gathers the facts on its workers when
//!   [`crate::scan::ScanOptions::audit`] asks for them).
//! * [`caps`] — decoding `security.capability` into `cap_net_raw+ep`.
//! * [`links`] — the rule for `symlink-outside-root`.
//! * [`baseline`] — reading a previous `--json` output and telling what is
//!   new, changed or removed.
//!
//! The outputs (`--list`, `--json`, the text report, `--summary`) are in
//! [`crate::output::audit`].

pub mod baseline;
pub mod caps;
pub mod findings;
pub use crate::scan::links;

pub use baseline::{Baseline, BaselineError, Change, OldRecord};
pub use findings::{AuditFacts, Finding, FindingSet, Severity, StatFacts};

use crate::names::OwnerNames;
use crate::scan::{AuditScan, RawEntry};

/// The facts of a scanned entry. `error` says whether the scan reported an
/// error for it (its own, or reading its listing); `names` is consulted only
/// when given (the orphan check needs it, nothing else does).
pub fn facts_of<'a>(
    entry: &'a RawEntry,
    error: bool,
    names: Option<&mut OwnerNames>,
) -> AuditFacts<'a> {
    let mut facts = AuditFacts::new(entry.kind());
    facts.error = error;
    if let Some(st) = &entry.stat {
        facts.stat = Some(StatFacts { mode: st.mode, uid: st.uid, gid: st.gid, nlink: st.nlink });
        if let Some(names) = names {
            facts.user_named = Some(names.user(st.uid).is_some());
            facts.group_named = Some(names.group(st.gid).is_some());
        }
    }
    if let Some(detail) = entry.detail.as_deref() {
        let audit = &detail.audit;
        facts.dangling = audit.dangling;
        facts.outside_root = audit.outside_root;
        facts.capability = audit.capability.as_deref();
        facts.acl = audit.acl;
    }
    facts
}

/// What the scan must gather for these findings.
pub fn scan_needs(selection: FindingSet) -> AuditScan {
    AuditScan { links: selection.needs_links(), xattrs: selection.needs_xattrs() }
}

/// Parses one `--audit` value: a finding id or `all`.
pub fn parse_selection_item(id: &str) -> Result<FindingSet, String> {
    if id == "all" {
        return Ok(FindingSet::all());
    }
    Finding::from_id(id)
        .map(|f| [f].into_iter().collect())
        .ok_or_else(|| format!("unknown finding; valid ids: all, {}", findings::valid_ids()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::FileKind;
    use crate::scan::{AuditDetail, Batch, Detail, EntryStat, Parent};

    #[test]
    fn facts_come_from_the_entry_and_its_detail() {
        let mut batch = Batch::new(0, Parent::Root(0), std::sync::Arc::from(Path::new("")), 0, 1);
        let st = EntryStat { mode: 0o104_755, uid: 0, nlink: 2, ..EntryStat::default() };
        let detail = Detail {
            audit: AuditDetail { capability: Some(vec![1, 2]), acl: true, ..Default::default() },
            ..Detail::default()
        };
        batch.push(b"x", Some(st), FileKind::File, None, false, false, Some(Box::new(detail)));
        let facts = facts_of(&batch.entries[0], false, None);
        assert_eq!(facts.stat.unwrap().nlink, 2);
        assert_eq!(facts.user_named, None);
        assert_eq!(
            facts.evaluate(FindingSet::all()).ids(),
            ["setuid-root", "hardlinked-setuid", "setuid", "capabilities", "acl"]
        );
        let facts = facts_of(&batch.entries[0], true, Some(&mut OwnerNames::new()));
        assert_eq!(facts.user_named, Some(true), "uid 0 has a name");
        assert!(facts.evaluate(FindingSet::all()).contains(Finding::Unreadable));
    }

    #[test]
    fn selection_items() {
        assert_eq!(parse_selection_item("all"), Ok(FindingSet::all()));
        assert_eq!(parse_selection_item("acl").unwrap().ids(), ["acl"]);
        let err = parse_selection_item("suid").unwrap_err();
        assert!(err.contains("setuid-root") && err.contains("unreadable"), "{err}");
        assert_eq!(scan_needs(parse_selection_item("setuid").unwrap()), AuditScan::default());
        assert_eq!(scan_needs(FindingSet::all()), AuditScan::all());
    }
}
