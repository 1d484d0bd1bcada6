//! The audit in the interactive view: findings per node, kept in a side table
//! (the tree's 32-byte nodes stay as they are), live counts for the panel,
//! the finding and baseline filters, and `n`/`N` over their matches.
//!
//! # Where the facts come from
//!
//! * Findings that need only `lstat` (setuid, setgid, world-writable, …) and
//!   `unreadable` are decided from each batch as it is applied: they cost the
//!   scan nothing.
//! * `orphan-owner` needs NSS, which the interface's thread must not wait
//!   for: each distinct uid and gid is sent once to the name thread
//!   ([`Effect::ResolveOwner`]); when an id comes back without a name, the
//!   nodes owned by it are marked (a sweep per unnamed id — there are few),
//!   and later nodes are checked against the cache as they arrive.
//! * `capabilities`, `acl`, `dangling-symlink` and `symlink-outside-root`
//!   need an `llistxattr` per entry and the symlinks followed, which makes a
//!   scan about 1.6 times as costly. A plain scan does not gather them: the
//!   first time the panel opens, a second scan of the same roots with those
//!   facts (the *audit pass*) starts, after the main scan has finished, and
//!   its entries are matched to the tree's nodes by name.
//! * With `--baseline`, each entry is compared as it arrives (type, mode,
//!   owner, group — the TUI compares no findings).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::search;
use super::state::{Effect, Mode, State};
use super::update::{reveal, selection_changed};

mod pass;
use crate::audit::baseline::Current;
use crate::audit::{self, Baseline, Change, Finding, FindingSet, caps};
use crate::model::{NodeId, Tree};
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent};
use pass::start_pass;
pub use pass::{on_pass_event, request_pass};

/// The findings the audit pass decides (everything else comes from the main scan).
pub fn pass_findings() -> FindingSet {
    [Finding::Capabilities, Finding::SymlinkOutsideRoot, Finding::Acl, Finding::DanglingSymlink]
        .into_iter()
        .collect()
}

/// The findings decided from the main scan's `lstat` records and errors.
fn stat_findings() -> FindingSet {
    Finding::ALL
        .into_iter()
        .filter(|f| !pass_findings().contains(*f) && *f != Finding::OrphanOwner)
        .collect()
}

/// What the tree can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFilter {
    /// Entries with this finding.
    Finding(Finding),
    /// Entries the baseline does not have.
    New,
    /// Entries whose type, mode, owner or group differ from the baseline.
    Changed,
}

impl AuditFilter {
    /// How the filter is named in the title and messages.
    pub fn label(self) -> String {
        match self {
            AuditFilter::Finding(f) => f.id().to_string(),
            AuditFilter::New => "new since baseline".to_string(),
            AuditFilter::Changed => "changed since baseline".to_string(),
        }
    }
}

/// One line of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelEntry {
    /// Filter to this.
    Filter(AuditFilter),
    /// No filter: every entry.
    All,
}

/// The audit pass (the scan that gathers xattrs and symlink facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PassState {
    /// Not asked for.
    #[default]
    NotStarted,
    /// Asked for while the main scan runs: starts when it finishes.
    Waiting,
    /// Running.
    Running,
    /// Finished.
    Done,
}

/// How the main scan walked, so the audit pass walks the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassOptions {
    /// The roots, as given.
    pub roots: Vec<PathBuf>,
    /// `-L`.
    pub follow_links: bool,
    /// `-x`.
    pub one_file_system: bool,
}

/// A directory of the audit pass whose children are still to come.
#[derive(Debug)]
struct PassDir {
    node: NodeId,
    seen: u32,
    /// The node's children sorted by name (built for large directories).
    sorted: Option<Vec<NodeId>>,
}

/// Everything the view knows about findings and the baseline.
#[derive(Debug, Default)]
pub struct AuditState {
    /// Findings by node (only nodes that have some).
    findings: HashMap<NodeId, FindingSet>,
    /// Entries per finding, in [`Finding::ALL`] order.
    counts: [u64; Finding::ALL.len()],
    /// Decoded `security.capability` by node.
    capabilities: HashMap<NodeId, String>,
    /// `--baseline`, loaded; its records are taken as entries arrive.
    baseline: Option<Baseline>,
    /// New or changed entries since the baseline.
    changes: HashMap<NodeId, Change>,
    new_count: u64,
    changed_count: u64,
    /// Ids sent to the name thread.
    asked_users: HashSet<u32>,
    asked_groups: HashSet<u32>,
    /// Ids known to have no name whose nodes were marked.
    swept_users: HashSet<u32>,
    swept_groups: HashSet<u32>,
    /// The active filter.
    filter: Option<AuditFilter>,
    /// The audit pass.
    pass: PassState,
    pass_options: PassOptions,
    pass_dirs: HashMap<EntryKey, PassDir>,
}

impl AuditState {
    /// An audit with the options the audit pass should scan with, and a
    /// baseline to compare with.
    pub fn new(pass_options: PassOptions, baseline: Option<Baseline>) -> Self {
        AuditState { pass_options, baseline, ..AuditState::default() }
    }

    /// The roots as the command line gave them (known before the scan's
    /// first batch: the first frame's title shows them).
    pub fn roots(&self) -> &[std::path::PathBuf] {
        &self.pass_options.roots
    }

    /// The findings of a node.
    pub fn findings(&self, id: NodeId) -> FindingSet {
        self.findings.get(&id).copied().unwrap_or_default()
    }

    /// The decoded capabilities of a node, when it has some.
    pub fn capabilities(&self, id: NodeId) -> Option<&str> {
        self.capabilities.get(&id).map(String::as_str)
    }

    /// How a node differs from the baseline.
    pub fn change(&self, id: NodeId) -> Option<&Change> {
        self.changes.get(&id)
    }

    /// Entries with `finding` so far.
    pub fn count(&self, finding: Finding) -> u64 {
        self.counts[finding as usize]
    }

    /// Entries with at least one finding so far.
    pub fn with_findings(&self) -> usize {
        self.findings.len()
    }

    /// New and changed entries since the baseline so far.
    pub fn change_counts(&self) -> (u64, u64) {
        (self.new_count, self.changed_count)
    }

    /// Whether a baseline was given.
    pub fn has_baseline(&self) -> bool {
        self.baseline.is_some()
    }

    /// The active filter.
    pub fn filter(&self) -> Option<AuditFilter> {
        self.filter
    }

    /// The audit pass's progress.
    pub fn pass(&self) -> PassState {
        self.pass
    }

    /// Entries matching `filter` so far.
    pub fn filter_count(&self, filter: AuditFilter) -> u64 {
        match filter {
            AuditFilter::Finding(f) => self.count(f),
            AuditFilter::New => self.new_count,
            AuditFilter::Changed => self.changed_count,
        }
    }

    /// Whether `id` matches `filter`.
    pub fn matches(&self, filter: AuditFilter, id: NodeId) -> bool {
        match filter {
            AuditFilter::Finding(f) => self.findings(id).contains(f),
            AuditFilter::New => matches!(self.changes.get(&id), Some(Change::New)),
            AuditFilter::Changed => matches!(self.changes.get(&id), Some(Change::Changed(_))),
        }
    }

    /// The lines of the panel, top to bottom.
    pub fn panel_entries(&self) -> Vec<PanelEntry> {
        let mut out: Vec<PanelEntry> =
            Finding::ALL.into_iter().map(|f| PanelEntry::Filter(AuditFilter::Finding(f))).collect();
        if self.has_baseline() {
            out.push(PanelEntry::Filter(AuditFilter::New));
            out.push(PanelEntry::Filter(AuditFilter::Changed));
        }
        out.push(PanelEntry::All);
        out
    }

    /// Forgets a node (for edits that remove it).
    pub fn forget(&mut self, id: NodeId) {
        if let Some(set) = self.findings.remove(&id) {
            for f in set.iter() {
                self.counts[f as usize] = self.counts[f as usize].saturating_sub(1);
            }
        }
        self.capabilities.remove(&id);
        match self.changes.remove(&id) {
            Some(Change::New) => self.new_count = self.new_count.saturating_sub(1),
            Some(Change::Changed(_)) => self.changed_count = self.changed_count.saturating_sub(1),
            None => {}
        }
    }
}

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
        state.needs_draw = true;
    }
    let mut facts = audit::AuditFacts::new(stat.kind());
    facts.stat =
        Some(audit::StatFacts { mode: stat.mode, uid: stat.uid, gid: stat.gid, nlink: stat.nlink });
    add_findings(state, id, facts.evaluate(selection));
    check_owner(state, id, stat.uid, stat.gid)
}

/// Adds findings to a node, counting each one the node did not have, and
/// adding the node to the rows' filter when it now matches the active one.
/// Returns true when anything was added.
fn add_findings(state: &mut State, id: NodeId, set: FindingSet) -> bool {
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
            state.rows_dirty = true;
        }
    }
    state.needs_draw |= added;
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
        state.rows_dirty = true;
    }
}

/// What one scanned entry contributes, worked out before its batch is applied.
struct Pending {
    index: usize,
    findings: FindingSet,
    owner: Option<(u32, u32)>,
    change: Option<Change>,
}

/// Applies one event of the main scan to the tree and records the findings
/// of its entries. Returns whether the tree changed, and the name lookups
/// (and the audit pass) to start.
pub fn apply_scan(state: &mut State, event: ScanEvent) -> (bool, Vec<Effect>) {
    let mut effects = Vec::new();
    match event {
        ScanEvent::Batch(batch) => {
            let pending = judge_batch(state, &batch);
            let changed = state.tree.apply_batch(&batch);
            for item in pending {
                let Some(id) = state.tree.resolve(batch.key(item.index)) else { continue };
                add_findings(state, id, item.findings);
                if let Some((uid, gid)) = item.owner {
                    effects.extend(check_owner(state, id, uid, gid));
                }
                if let Some(change) = item.change {
                    add_change(state, id, change);
                }
            }
            (changed, effects)
        }
        ScanEvent::DirError { dir, path, error } => {
            let changed = state.tree.apply(ScanEvent::DirError { dir, path, error });
            if let Some(id) = state.tree.resolve(dir) {
                add_findings(state, id, [Finding::Unreadable].into_iter().collect());
            }
            (changed, effects)
        }
        ScanEvent::RootError { root, path, error } => {
            // The root has no row to carry the error: say it where every
            // message is kept (the status bar, then the log behind `m`).
            state.error(format!("root not read: {}: {error}", crate::sanitize::path(&path)));
            (state.tree.apply(ScanEvent::RootError { root, path, error }), effects)
        }
        event @ ScanEvent::Finished { .. } => {
            let changed = state.tree.apply(event);
            if state.audit.pass == PassState::Waiting {
                effects.push(start_pass(state));
            }
            (changed, effects)
        }
        event => (state.tree.apply(event), effects),
    }
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
fn check_owner(state: &mut State, id: NodeId, uid: u32, gid: u32) -> Option<Effect> {
    let names = &state.owner_names;
    let orphan =
        matches!(names.users.get(&uid), Some(None)) || matches!(names.groups.get(&gid), Some(None));
    if orphan {
        add_findings(state, id, [Finding::OrphanOwner].into_iter().collect());
    }
    let audit = &mut state.audit;
    let ask_user = !state.owner_names.users.contains_key(&uid) && audit.asked_users.insert(uid);
    let ask_group = !state.owner_names.groups.contains_key(&gid) && audit.asked_groups.insert(gid);
    (ask_user || ask_group).then_some(Effect::ResolveOwner { uid, gid })
}

/// After names came back: marks every node owned by an id that has no name
/// (once per id).
pub fn owner_resolved(state: &mut State, uid: u32, gid: u32) {
    let user_unnamed = matches!(state.owner_names.users.get(&uid), Some(None))
        && state.audit.swept_users.insert(uid);
    let group_unnamed = matches!(state.owner_names.groups.get(&gid), Some(None))
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

/// Opens the panel (and asks for the audit pass the first time).
pub fn open_panel(state: &mut State) -> Vec<Effect> {
    let entries = state.audit.panel_entries();
    let selected = state
        .audit
        .filter
        .and_then(|f| entries.iter().position(|e| *e == PanelEntry::Filter(f)))
        .unwrap_or(0);
    state.mode = Mode::Audit { selected };
    state.needs_draw = true;
    request_pass(state)
}

/// A key while the panel is open.
pub fn on_panel_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Audit { selected } = &mut state.mode else { return Vec::new() };
    let last = state.audit.panel_entries().len() - 1;
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => *selected = (*selected + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => *selected = selected.saturating_sub(1),
        KeyCode::Home | KeyCode::Char('g') => *selected = 0,
        KeyCode::End | KeyCode::Char('G') => *selected = last,
        KeyCode::Enter => {
            let entry = state.audit.panel_entries()[*selected];
            state.mode = Mode::Normal;
            return match entry {
                PanelEntry::Filter(filter) => set_filter(state, filter),
                PanelEntry::All => clear_filter(state),
            };
        }
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('!') => state.mode = Mode::Normal,
        _ => {}
    }
    Vec::new()
}

/// Shows only the entries matching `filter`, with their directories, and
/// selects the first match.
pub fn set_filter(state: &mut State, filter: AuditFilter) -> Vec<Effect> {
    state.audit.filter = Some(filter);
    let ids = match filter {
        AuditFilter::Finding(f) => state
            .audit
            .findings
            .iter()
            .filter(|(_, set)| set.contains(f))
            .map(|(&id, _)| id)
            .collect::<Vec<_>>(),
        AuditFilter::New | AuditFilter::Changed => state
            .audit
            .changes
            .keys()
            .copied()
            .filter(|&id| state.audit.matches(filter, id))
            .collect(),
    };
    state.rows.set_node_filter(Some(ids));
    state.rebuild_rows();
    let count = state.audit.filter_count(filter);
    state.message(format!(
        "showing {} ({count}) · n/N next/previous · Esc shows everything",
        filter.label()
    ));
    let mut effects = jump(state, true, false);
    effects.extend(selection_changed(state));
    effects
}

/// Back to every entry; the selection stays where it was.
pub fn clear_filter(state: &mut State) -> Vec<Effect> {
    if state.audit.filter.take().is_none() {
        return Vec::new();
    }
    let selected = state.selected_id;
    state.rows.set_node_filter(None);
    state.rebuild_rows();
    if let Some(id) = selected {
        reveal(state, id);
    }
    state.message("audit filter off");
    selection_changed(state)
}

/// `n`/`N` while an audit filter is on: the next (or previous) match, in
/// display order, wrapping. `None` when no audit filter is on.
pub fn search_key(state: &mut State, forward: bool) -> Option<Vec<Effect>> {
    state.audit.filter?;
    Some(jump(state, forward, true))
}

fn jump(state: &mut State, forward: bool, skip_current: bool) -> Vec<Effect> {
    let Some(filter) = state.audit.filter else { return Vec::new() };
    let order = search::display_order(&state.tree, &state.rows, &state.options);
    let n = order.len();
    let from = state.selected_node();
    let start = from.and_then(|id| order.iter().position(|&x| x == id)).unwrap_or(0);
    let first = usize::from(skip_current);
    let hit = |k: usize| {
        let i = if forward { (start + k) % n } else { (start + n - k % n) % n };
        state.audit.matches(filter, order[i]).then_some(order[i])
    };
    match (first..n + first).find_map(hit) {
        Some(id) => {
            reveal(state, id);
            selection_changed(state)
        }
        None => {
            state.error(format!("no entries: {}", filter.label()));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests;
