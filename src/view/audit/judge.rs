//! Judging entries as the scans bring them: the findings that follow from an
//! entry's `lstat` and errors, orphan owners once their names come back,
//! the baseline's differences, and re-judging a node an edit changed.

use super::table::{AuditFilter, stat_findings};
use crate::audit::baseline::Current;
use crate::audit::{self, Change, Finding, FindingSet};
use crate::model::NodeId;
use crate::scan::{Batch, EntryKey, EntryStat};
use crate::view::msg::Effect;
use crate::view::state::State;

/// Drops what is known about nodes an edit removed (their counts with them).
pub fn forget_removed(state: &mut State) {
    let tree = &state.tree;
    let audit = &mut state.audit;
    let dead: Vec<NodeId> = audit
        .findings
        .keys()
        .chain(audit.changes.keys())
        .chain(audit.capabilities.keys())
        .copied()
        .filter(|&id| !tree.is_live(id))
        .collect();
    for id in dead {
        audit.forget(id);
    }
}

/// Re-judges a node whose metadata changed under the view (one of statree's
/// actions, or a change the watcher saw): the findings that follow from its
/// `lstat` are worked out again, so a chmod that removes a setuid bit also
/// removes the finding. The audit pass's findings (capabilities, ACLs,
/// symlink targets) stay as they were until the next pass.
pub fn rejudge(state: &mut State, id: NodeId, stat: &EntryStat) -> Option<Effect> {
    rejudge_entry(state, id, stat.kind(), Some(stat), false)
}

/// [`rejudge`] for an entry a re-scan brought, as the first scan judges it:
/// its `lstat` when it has one, and `unreadable` when reading it failed.
pub fn rejudge_entry(
    state: &mut State,
    id: NodeId,
    kind: crate::model::FileKind,
    stat: Option<&EntryStat>,
    error: bool,
) -> Option<Effect> {
    let selection = stat_findings();
    let old = state.audit.findings(id);
    let stale: Vec<Finding> = old.iter().filter(|f| selection.contains(*f)).collect();
    if !stale.is_empty() {
        let audit = &mut state.audit;
        for finding in &stale {
            audit.counts[*finding as usize] = audit.counts[*finding as usize].saturating_sub(1);
        }
        let kept: FindingSet = old.iter().filter(|f| !selection.contains(*f)).collect();
        if kept.is_empty() {
            audit.findings.remove(&id);
        } else {
            audit.findings.insert(id, kept);
        }
        state.screen.needs_draw = true;
    }
    let mut facts = audit::AuditFacts::new(kind);
    facts.error = error;
    facts.stat = stat.map(|st| audit::StatFacts {
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        nlink: st.nlink,
    });
    add_findings(state, id, facts.evaluate(selection));
    stat.and_then(|st| check_owner(state, id, st.uid, st.gid))
}

/// Adds findings to a node, counting each one the node did not have, and
/// adding the node to the rows' filter when it now matches the active one.
/// Returns true when anything was added.
pub(super) fn add_findings(state: &mut State, id: NodeId, set: FindingSet) -> bool {
    if set.is_empty() {
        return false;
    }
    let audit = &mut state.audit;
    let had = audit.findings.entry(id).or_default();
    let mut added = false;
    for finding in set.iter() {
        if had.contains(finding) {
            continue;
        }
        had.insert(finding);
        audit.counts[finding as usize] += 1;
        added = true;
        if audit.filter == Some(AuditFilter::Finding(finding)) {
            state.rows.add_to_node_filter(id);
            state.rows.dirty = true;
        }
    }
    state.screen.needs_draw |= added;
    added
}

fn add_change(state: &mut State, id: NodeId, change: Change) {
    let filter = match change {
        Change::New => {
            state.audit.new_count += 1;
            AuditFilter::New
        }
        Change::Changed(_) => {
            state.audit.changed_count += 1;
            AuditFilter::Changed
        }
    };
    state.audit.changes.insert(id, change);
    if state.audit.filter == Some(filter) {
        state.rows.add_to_node_filter(id);
        state.rows.dirty = true;
    }
}

/// Observes a batch the tree has just applied: the findings of its entries
/// (from their `lstat` and errors), their owners' names (asked once per
/// id), and their differences from the baseline.
pub fn observe_batch(state: &mut State, batch: &Batch) -> Vec<Effect> {
    let mut effects = Vec::new();
    for item in judge_batch(state, batch) {
        let Some(id) = state.tree.resolve(batch.key(item.index)) else { continue };
        add_findings(state, id, item.findings);
        if let Some((uid, gid)) = item.owner {
            effects.extend(check_owner(state, id, uid, gid));
        }
        if let Some(change) = item.change {
            add_change(state, id, change);
        }
    }
    effects
}

/// Observes a directory the first scan could not read.
pub fn observe_unreadable(state: &mut State, dir: EntryKey) {
    if let Some(id) = state.tree.resolve(dir) {
        mark_unreadable(state, id);
    }
}

/// A directory a scan could not read (the first scan's, or a re-scan's,
/// whose keys the caller resolved).
pub fn mark_unreadable(state: &mut State, id: NodeId) {
    add_findings(state, id, [Finding::Unreadable].into_iter().collect());
}

/// What one scanned entry contributes, worked out before its batch is applied.
struct Pending {
    index: usize,
    findings: FindingSet,
    owner: Option<(u32, u32)>,
    change: Option<Change>,
}

fn judge_batch(state: &mut State, batch: &Batch) -> Vec<Pending> {
    let selection = stat_findings();
    let mut out = Vec::new();
    for (index, entry) in batch.entries.iter().enumerate() {
        let findings = audit::facts_of(entry, entry.error.is_some(), None).evaluate(selection);
        let owner = entry.stat.map(|st| (st.uid, st.gid));
        let change = state.audit.baseline.as_mut().and_then(|baseline| {
            let now = Current::of(entry, None, FindingSet::EMPTY);
            let path = batch.path_of(entry);
            baseline.compare(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()), &now)
        });
        out.push(Pending { index, findings, owner, change });
    }
    out
}

/// Marks `id` an orphan when its uid or gid is known to have no name, and
/// asks for the names of ids not seen before.
pub(super) fn check_owner(state: &mut State, id: NodeId, uid: u32, gid: u32) -> Option<Effect> {
    let names = &state.inspect.owner_names;
    let orphan =
        matches!(names.users.get(&uid), Some(None)) || matches!(names.groups.get(&gid), Some(None));
    if orphan {
        add_findings(state, id, [Finding::OrphanOwner].into_iter().collect());
    }
    let audit = &mut state.audit;
    let ask_user =
        !state.inspect.owner_names.users.contains_key(&uid) && audit.asked_users.insert(uid);
    let ask_group =
        !state.inspect.owner_names.groups.contains_key(&gid) && audit.asked_groups.insert(gid);
    (ask_user || ask_group).then_some(Effect::ResolveOwner { uid, gid })
}

/// After names came back: marks every node owned by an id that has no name
/// (once per id).
pub fn owner_resolved(state: &mut State, uid: u32, gid: u32) {
    let user_unnamed = matches!(state.inspect.owner_names.users.get(&uid), Some(None))
        && state.audit.swept_users.insert(uid);
    let group_unnamed = matches!(state.inspect.owner_names.groups.get(&gid), Some(None))
        && state.audit.swept_groups.insert(gid);
    if !user_unnamed && !group_unnamed {
        return;
    }
    let tree = &state.tree;
    let owned: Vec<NodeId> = tree
        .node_ids()
        .filter(|&id| !tree.stat_failed(id))
        .filter(|&id| {
            let (u, g) = tree.owner(id);
            (user_unnamed && u == uid) || (group_unnamed && g == gid)
        })
        .collect();
    let orphan: FindingSet = [Finding::OrphanOwner].into_iter().collect();
    for id in owned {
        add_findings(state, id, orphan);
    }
}
