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
use crate::audit::baseline::Current;
use crate::audit::{self, Baseline, Change, Finding, FindingSet, caps};
use crate::model::{NodeId, Tree};
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent};

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
            let now = Current {
                kind: entry.kind(),
                mode: entry.stat.map(|st| st.mode),
                uid: entry.stat.map(|st| st.uid),
                gid: entry.stat.map(|st| st.gid),
                findings: None,
                selection: FindingSet::EMPTY,
            };
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

/// Asks for the audit pass (once): now when the main scan has finished, else
/// when it does.
pub fn request_pass(state: &mut State) -> Vec<Effect> {
    match state.audit.pass {
        PassState::NotStarted if state.scanning() => {
            state.audit.pass = PassState::Waiting;
            Vec::new()
        }
        PassState::NotStarted => vec![start_pass(state)],
        _ => Vec::new(),
    }
}

fn start_pass(state: &mut State) -> Effect {
    state.audit.pass = PassState::Running;
    let options = &state.audit.pass_options;
    let roots = if options.roots.is_empty() {
        // Tests and callers that did not say: the tree's roots as named.
        state.tree.roots().map(|r| state.tree.path(r)).collect()
    } else {
        options.roots.clone()
    };
    Effect::StartAuditPass {
        roots,
        follow_links: options.follow_links,
        one_file_system: options.one_file_system,
    }
}

/// Takes one event of the audit pass: its entries are matched to the tree's
/// nodes by name and their xattr and symlink findings recorded.
pub fn on_pass_event(state: &mut State, event: ScanEvent) {
    match event {
        ScanEvent::Batch(batch) => pass_batch(state, &batch),
        ScanEvent::DirError { dir, .. } => {
            state.audit.pass_dirs.remove(&dir);
        }
        ScanEvent::RootDone(_) => {}
        ScanEvent::Finished { .. } => {
            state.audit.pass = PassState::Done;
            state.audit.pass_dirs = HashMap::new();
            state.needs_draw = true;
        }
    }
}

/// Directories with more children than this are searched through a sorted list.
const LINEAR_CHILDREN: u32 = 32;

fn pass_batch(state: &mut State, batch: &Batch) {
    let selection = pass_findings();
    let parent = match batch.parent {
        Parent::Root(_) => None,
        Parent::Dir(key) => {
            let Some(dir) = state.audit.pass_dirs.get_mut(&key) else { return };
            dir.seen += batch.entries.len() as u32;
            if dir.sorted.is_none() && state.tree.child_count(dir.node) > LINEAR_CHILDREN {
                let mut ids: Vec<NodeId> = state.tree.children(dir.node).collect();
                ids.sort_by(|&a, &b| state.tree.name(a).cmp(state.tree.name(b)));
                dir.sorted = Some(ids);
            }
            Some(key)
        }
    };
    let mut found = Vec::new();
    for (index, entry) in batch.entries.iter().enumerate() {
        let name = batch.name(entry);
        let node = match parent {
            None => state.tree.roots().find(|&r| state.tree.name(r) == name),
            Some(key) => state
                .audit
                .pass_dirs
                .get(&key)
                .and_then(|dir| find_child(&state.tree, dir.node, dir.sorted.as_deref(), name)),
        };
        let Some(node) = node.filter(|&n| state.tree.kind(n) == entry.kind()) else { continue };
        if entry.descend {
            state.audit.pass_dirs.insert(batch.key(index), PassDir { node, seen: 0, sorted: None });
        }
        let findings = audit::facts_of(entry, false, None).evaluate(selection);
        if findings.is_empty() {
            continue;
        }
        let capability = entry.detail.as_deref().and_then(|d| d.audit.capability.as_deref());
        found.push((node, findings, capability.map(caps::describe)));
    }
    for (node, findings, capability) in found {
        add_findings(state, node, findings);
        if let Some(text) = capability {
            state.audit.capabilities.insert(node, text);
        }
    }
    if let Parent::Dir(key) = batch.parent
        && state.audit.pass_dirs.get(&key).is_some_and(|dir| dir.seen >= batch.total)
    {
        state.audit.pass_dirs.remove(&key);
    }
}

fn find_child(
    tree: &Tree,
    parent: NodeId,
    sorted: Option<&[NodeId]>,
    name: &[u8],
) -> Option<NodeId> {
    match sorted {
        Some(ids) => ids.binary_search_by(|&id| tree.name(id).cmp(name)).ok().map(|i| ids[i]),
        None => tree.find_child(parent, name),
    }
}

// ---- the panel and the filter ------------------------------------------

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
mod tests {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::error::{Op, ScanError};
    use crate::keymap::{Action, KeyMap};
    use crate::model::FileKind;
    use crate::scan::{AuditDetail, Detail, EntryStat};
    use crate::view::update::{Msg, on_action, update};
    use crate::view::{Mode, ViewOptions};

    const FILE: u32 = 0o100_000;
    const DIR: u32 = 0o040_000;
    const LINK: u32 = 0o120_000;

    fn state() -> State {
        State::new(KeyMap::default(), ViewOptions::default(), Instant::now())
    }

    fn stat(mode: u32, uid: u32) -> Option<EntryStat> {
        Some(EntryStat { mode, uid, gid: uid, nlink: 1, ..EntryStat::default() })
    }

    fn key(batch: u32, index: u32) -> EntryKey {
        EntryKey { batch, index }
    }

    /// A batch of `(name, mode, uid)` entries; directories descend.
    fn batch(id: u32, parent: Parent, dir: &str, entries: &[(&str, u32, u32)]) -> Batch {
        let n = entries.len() as u32;
        let mut b = Batch::new(id, parent, Arc::from(Path::new(dir)), 0, n);
        for &(name, mode, uid) in entries {
            let kind = FileKind::from_mode(mode);
            b.push(
                name.as_bytes(),
                stat(mode, uid),
                kind,
                None,
                kind == FileKind::Dir,
                false,
                None,
            );
        }
        b
    }

    fn scan(state: &mut State, event: ScanEvent) -> Vec<Effect> {
        let effects = update(state, Msg::Scan(event));
        state.refresh_rows();
        effects
    }

    /// r/ { more/ (listing still to come), sub/ { ww (0666, uid 4242) },
    /// suid (4755 root), plain, odd (uid 4242) }
    fn scanned(state: &mut State) -> Vec<Effect> {
        let mut effects = Vec::new();
        effects.extend(scan(
            state,
            ScanEvent::Batch(batch(0, Parent::Root(0), "", &[("r", DIR | 0o755, 0)])),
        ));
        let top = [
            ("more", DIR | 0o755, 0),
            ("sub", DIR | 0o755, 0),
            ("suid", FILE | 0o4755, 0),
            ("plain", FILE | 0o644, 0),
            ("odd", FILE | 0o644, 4242),
        ];
        effects.extend(scan(state, ScanEvent::Batch(batch(1, Parent::Dir(key(0, 0)), "r", &top))));
        let sub = [("ww", FILE | 0o666, 4242)];
        effects
            .extend(scan(state, ScanEvent::Batch(batch(2, Parent::Dir(key(1, 1)), "r/sub", &sub))));
        effects
    }

    fn node(state: &State, path: &str) -> NodeId {
        let mut id = state.tree.roots().next().unwrap();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            id = state.tree.find_child(id, part.as_bytes()).unwrap();
        }
        id
    }

    fn row_names(state: &State) -> Vec<String> {
        let tree = &state.tree;
        state.rows.rows().iter().map(|r| String::from_utf8_lossy(tree.name(r.id)).into()).collect()
    }

    #[test]
    fn stat_findings_are_counted_as_batches_arrive() {
        let mut s = state();
        scanned(&mut s);
        let audit = &s.audit;
        assert_eq!(audit.count(Finding::SetuidRoot), 1);
        assert_eq!(audit.count(Finding::Setuid), 1);
        assert_eq!(audit.count(Finding::WorldWritable), 1);
        assert_eq!(audit.count(Finding::Capabilities), 0);
        assert_eq!(audit.findings(node(&s, "suid")).ids(), ["setuid-root", "setuid"]);
        assert!(audit.findings(node(&s, "plain")).is_empty());
        assert_eq!(audit.with_findings(), 2);
    }

    #[test]
    fn orphans_are_found_from_names_looked_up_once_per_id() {
        let mut s = state();
        let effects = scanned(&mut s);
        let asked: Vec<_> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::ResolveOwner { uid, gid } => Some((*uid, *gid)),
                _ => None,
            })
            .collect();
        assert_eq!(asked, [(0, 0), (4242, 4242)], "each distinct id is asked for once");
        assert_eq!(s.audit.count(Finding::OrphanOwner), 0, "not known before the answer");
        let answer = |uid, user: Option<&str>| Msg::OwnerResolved {
            uid,
            user: user.map(str::to_owned),
            gid: uid,
            group: user.map(str::to_owned),
        };
        update(&mut s, answer(0, Some("root")));
        update(&mut s, answer(4242, None));
        assert_eq!(s.audit.count(Finding::OrphanOwner), 2);
        assert!(s.audit.findings(node(&s, "odd")).contains(Finding::OrphanOwner));
        assert!(s.audit.findings(node(&s, "sub/ww")).contains(Finding::OrphanOwner));
        // The same answer again (the metadata pane asks too) counts nothing twice.
        update(&mut s, answer(4242, None));
        assert_eq!(s.audit.count(Finding::OrphanOwner), 2);
        // A later entry of a known orphan id is marked at once, without asking.
        let late = batch(3, Parent::Dir(key(1, 0)), "r/more", &[("late", FILE | 0o644, 4242)]);
        let effects = scan(&mut s, ScanEvent::Batch(late));
        assert!(effects.iter().all(|e| !matches!(e, Effect::ResolveOwner { .. })), "{effects:?}");
        assert_eq!(s.audit.count(Finding::OrphanOwner), 3);
    }

    #[test]
    fn unreadable_directories_are_findings() {
        let mut s = state();
        scanned(&mut s);
        let error = ScanError { op: Op::ReadDir, errno: Some(13), reason: "denied".into() };
        scan(&mut s, ScanEvent::DirError { dir: key(1, 1), path: "r/sub".into(), error });
        assert_eq!(s.audit.findings(node(&s, "sub")).ids(), ["unreadable"]);
        assert_eq!(s.audit.count(Finding::Unreadable), 1);
    }

    #[test]
    fn a_filter_shows_matches_with_their_directories_and_grows_live() {
        let mut s = state();
        scanned(&mut s);
        set_filter(&mut s, AuditFilter::Finding(Finding::WorldWritable));
        assert_eq!(row_names(&s), ["r", "sub", "ww"]);
        assert_eq!(s.selected_id, Some(node(&s, "sub/ww")), "the first match is selected");
        // A new match while the filter is on joins the rows.
        let open = batch(3, Parent::Dir(key(1, 0)), "r/more", &[("open", FILE | 0o646, 0)]);
        scan(&mut s, ScanEvent::Batch(open));
        s.rebuild_rows();
        assert_eq!(row_names(&s), ["r", "more", "open", "sub", "ww"]);
        // n and N go round the matches, wrapping.
        assert!(search_key(&mut s, true).is_some());
        assert_eq!(s.selected_id, Some(node(&s, "more/open")));
        search_key(&mut s, true);
        assert_eq!(s.selected_id, Some(node(&s, "sub/ww")));
        search_key(&mut s, false);
        assert_eq!(s.selected_id, Some(node(&s, "more/open")));
        clear_filter(&mut s);
        assert_eq!(s.audit.filter(), None);
        assert_eq!(row_names(&s), ["r", "more", "open", "sub", "odd", "plain", "suid"]);
        assert_eq!(s.selected_id, Some(node(&s, "more/open")), "the selection stays");
        assert!(search_key(&mut s, true).is_none(), "n is the name search again");
    }

    #[test]
    fn the_audit_pass_waits_for_the_scan_then_starts_once() {
        let mut s = state();
        scanned(&mut s);
        let effects = on_action(&mut s, Action::Audit);
        assert!(matches!(s.mode, Mode::Audit { selected: 0 }));
        assert!(effects.is_empty(), "not while the main scan runs: {effects:?}");
        assert_eq!(s.audit.pass(), PassState::Waiting);
        let effects = scan(&mut s, ScanEvent::Finished { elapsed: Duration::ZERO });
        let starts: Vec<_> =
            effects.iter().filter(|e| matches!(e, Effect::StartAuditPass { .. })).collect();
        assert_eq!(starts.len(), 1, "{effects:?}");
        assert_eq!(s.audit.pass(), PassState::Running);
        s.mode = Mode::Normal;
        assert!(on_action(&mut s, Action::Audit).is_empty(), "only once");
    }

    #[test]
    fn the_audit_pass_is_matched_to_nodes_by_name() {
        let mut s = state();
        scan(&mut s, ScanEvent::Batch(batch(0, Parent::Root(0), "", &[("r", DIR | 0o755, 0)])));
        // A directory large enough to be searched through a sorted list.
        let mut names: Vec<String> = (0..40).map(|i| format!("f{i:02}")).collect();
        names.push("link".into());
        let mut entries: Vec<(&str, u32, u32)> =
            names.iter().map(|n| (n.as_str(), FILE | 0o755, 0)).collect();
        entries.last_mut().unwrap().1 = LINK | 0o777;
        scan(&mut s, ScanEvent::Batch(batch(1, Parent::Dir(key(0, 0)), "r", &entries)));
        scan(&mut s, ScanEvent::Finished { elapsed: Duration::ZERO });
        assert_eq!(on_action(&mut s, Action::Audit).len(), 1);

        // The pass numbers its batches its own way and lists in another order.
        update(
            &mut s,
            Msg::AuditPass(ScanEvent::Batch(batch(
                7,
                Parent::Root(0),
                "",
                &[("r", DIR | 0o755, 0)],
            ))),
        );
        let mut b = Batch::new(9, Parent::Dir(key(7, 0)), Arc::from(Path::new("r")), 0, 41);
        let cap = caps::encode(true, 1 << 13, 0, None);
        let detail = |audit: AuditDetail| Some(Box::new(Detail { audit, ..Detail::default() }));
        b.push(
            b"link",
            stat(LINK | 0o777, 0),
            FileKind::Symlink,
            None,
            false,
            false,
            detail(AuditDetail {
                dangling: Some(true),
                outside_root: Some(false),
                ..Default::default()
            }),
        );
        b.push(
            b"f33",
            stat(FILE | 0o755, 0),
            FileKind::File,
            None,
            false,
            false,
            detail(AuditDetail { capability: Some(cap), acl: true, ..Default::default() }),
        );
        b.push(b"gone", stat(FILE | 0o755, 0), FileKind::File, None, false, false, None);
        update(&mut s, Msg::AuditPass(ScanEvent::Batch(b)));
        assert_eq!(s.audit.findings(node(&s, "link")).ids(), ["dangling-symlink"]);
        assert_eq!(s.audit.findings(node(&s, "f33")).ids(), ["capabilities", "acl"]);
        assert_eq!(s.audit.capabilities(node(&s, "f33")), Some("cap_net_raw+ep"));
        update(&mut s, Msg::AuditPass(ScanEvent::Finished { elapsed: Duration::ZERO }));
        assert_eq!(s.audit.pass(), PassState::Done);
        assert_eq!(s.audit.count(Finding::Capabilities), 1);
        assert_eq!(s.audit.count(Finding::DanglingSymlink), 1);
    }

    #[test]
    fn the_panel_moves_picks_and_closes() {
        let mut s = state();
        scanned(&mut s);
        on_action(&mut s, Action::Audit);
        let press = |s: &mut State, code| on_panel_key(s, KeyEvent::from(code));
        press(&mut s, KeyCode::End);
        let last = s.audit.panel_entries().len() - 1;
        assert!(matches!(s.mode, Mode::Audit { selected } if selected == last));
        press(&mut s, KeyCode::Down);
        assert!(matches!(s.mode, Mode::Audit { selected } if selected == last), "clamped");
        press(&mut s, KeyCode::Home);
        press(&mut s, KeyCode::Enter);
        assert!(matches!(s.mode, Mode::Normal));
        assert_eq!(s.audit.filter(), Some(AuditFilter::Finding(Finding::SetuidRoot)));
        assert_eq!(row_names(&s), ["r", "suid"]);
        assert_eq!(s.selected_id, Some(node(&s, "suid")));
        // Reopened, the panel starts on the active filter; "all entries" clears it.
        on_action(&mut s, Action::Audit);
        assert!(matches!(s.mode, Mode::Audit { selected: 0 }));
        press(&mut s, KeyCode::End);
        press(&mut s, KeyCode::Enter);
        assert_eq!(s.audit.filter(), None);
        on_action(&mut s, Action::Audit);
        press(&mut s, KeyCode::Esc);
        assert!(matches!(s.mode, Mode::Normal));
    }
}
