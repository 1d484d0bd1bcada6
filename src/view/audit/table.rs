//! The audit's side table: findings per node (the tree's 32-byte nodes stay
//! as they are), live counts for the panel, the baseline's differences, the
//! active filter and the audit pass's progress. No handler here: it is
//! filled by [`super::judge`] and [`super::pass`], read by the panel.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::audit::{Baseline, Change, Finding, FindingSet};
use crate::model::NodeId;
use crate::scan::EntryKey;

/// The findings the audit pass decides (everything else comes from the main scan).
pub fn pass_findings() -> FindingSet {
    [Finding::Capabilities, Finding::SymlinkOutsideRoot, Finding::Acl, Finding::DanglingSymlink]
        .into_iter()
        .collect()
}

/// The findings decided from the main scan's `lstat` records and errors.
pub(super) fn stat_findings() -> FindingSet {
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
pub(super) struct PassDir {
    pub(super) node: NodeId,
    pub(super) seen: u32,
    /// The node's children sorted by name (built for large directories).
    pub(super) sorted: Option<Vec<NodeId>>,
}

/// Everything the view knows about findings and the baseline.
#[derive(Debug, Default)]
pub struct AuditState {
    /// Findings by node (only nodes that have some).
    pub(super) findings: HashMap<NodeId, FindingSet>,
    /// Entries per finding, in [`Finding::ALL`] order.
    pub(super) counts: [u64; Finding::ALL.len()],
    /// Decoded `security.capability` by node.
    pub(super) capabilities: HashMap<NodeId, String>,
    /// `--baseline`, loaded; its records are taken as entries arrive.
    pub(super) baseline: Option<Baseline>,
    /// New or changed entries since the baseline.
    pub(super) changes: HashMap<NodeId, Change>,
    pub(super) new_count: u64,
    pub(super) changed_count: u64,
    /// Ids sent to the name thread.
    pub(super) asked_users: HashSet<u32>,
    pub(super) asked_groups: HashSet<u32>,
    /// Ids known to have no name whose nodes were marked.
    pub(super) swept_users: HashSet<u32>,
    pub(super) swept_groups: HashSet<u32>,
    /// The active filter.
    pub(super) filter: Option<AuditFilter>,
    /// The audit pass.
    pub(super) pass: PassState,
    pub(super) pass_options: PassOptions,
    pub(super) pass_dirs: HashMap<EntryKey, PassDir>,
    /// Why the baseline is no longer compared (said in the panel).
    pub(super) baseline_note: Option<String>,
}

impl AuditState {
    /// An audit with the options the audit pass should scan with, and a
    /// baseline to compare with.
    pub fn new(pass_options: PassOptions, baseline: Option<Baseline>) -> Self {
        AuditState { pass_options, baseline, ..AuditState::default() }
    }

    /// The audit of a fresh tree rooted at `root` that `:` put in place of
    /// the audited one: the pass walks as before but over `root`, and runs
    /// after the new scan when it had been asked for (the panel was open
    /// once), as it would have at start-up. The baseline's records were
    /// taken as the first tree's entries were compared, so it cannot be
    /// compared with another tree: the panel says so.
    pub fn for_new_root(old: AuditState, root: PathBuf) -> Self {
        let pass_options = PassOptions { roots: vec![root], ..old.pass_options };
        let pass = if old.pass == PassState::NotStarted {
            PassState::NotStarted
        } else {
            PassState::Waiting
        };
        let baseline_note = old.baseline_note.or_else(|| {
            old.baseline.map(|b| {
                format!(
                    "baseline {} is compared with the start-up roots only, not this tree",
                    crate::sanitize::path(b.file())
                )
            })
        });
        AuditState { pass_options, pass, baseline_note, ..AuditState::default() }
    }

    /// `-` moved a root to its parent: a pass not yet run walks `roots`
    /// (the tree's roots as named now), a pass named no roots (tests) keeps
    /// taking the tree's.
    pub fn roots_moved(&mut self, roots: Vec<PathBuf>) {
        if !self.pass_options.roots.is_empty() {
            self.pass_options.roots = roots;
        }
    }

    /// Why the baseline is not compared with the tree shown, when it is not.
    pub fn baseline_note(&self) -> Option<&str> {
        self.baseline_note.as_deref()
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
