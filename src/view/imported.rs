//! An imported scan (`-f`, [`crate::scan::Recorded`] in
//! [`super::progress::ScanProgress`]) is read-only: its paths name another
//! machine's files (or this machine's, as they were), so nothing may act on
//! them. Every action that would change the filesystem is refused where it
//! starts ([`refuse`]), and every effect that would read the disk is answered
//! from the tree or dropped here ([`filter`]): the metadata pane shows the
//! recorded fields, no preview, no re-list, no re-scan, no audit pass (the
//! audit's stat-based findings come from the tree as for a scan).

use super::msg::{Effect, Loaded};
use super::state::State;
use super::{loads, scan_in};
use crate::model::{FileKind, FullStat, NodeId, Tree};
use crate::scan::{EntryStat, ScanEvent, Timespec};

/// What a refused action says.
pub const READ_ONLY: &str = "imported scan: read-only";

/// True when the tree is an import.
pub fn is_imported(state: &State) -> bool {
    state.scan.recorded.is_some()
}

/// Refuses an action on an import, saying so; true when it refused.
pub fn refuse(state: &mut State) -> bool {
    if is_imported(state) {
        state.error(READ_ONLY);
        return true;
    }
    false
}

/// The effects an import may run; the others are answered here.
pub fn filter(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    if !is_imported(state) || effects.is_empty() {
        return effects;
    }
    let mut out = Vec::with_capacity(effects.len());
    for effect in effects {
        match effect {
            Effect::LoadMeta { id, .. } => {
                let result = Ok(recorded_stat(&state.tree, id));
                out.extend(loads::on_meta(state, Loaded { id, result }));
            }
            Effect::LoadPreview { id, .. } => {
                let result = Err("imported scan: no contents to preview".to_string());
                loads::on_preview(state, Loaded { id, result });
            }
            Effect::StartAuditPass { .. } => {
                // Nothing to walk: the pass ends at once with what it has.
                let elapsed = std::time::Duration::ZERO;
                scan_in::on_audit_pass(state, ScanEvent::Finished { elapsed });
            }
            Effect::Rescan { .. } | Effect::Relist { .. } | Effect::CheckDirs { .. } => {}
            Effect::Run { .. } | Effect::OpenExternal { .. } => state.error(READ_ONLY),
            other => out.push(other),
        }
    }
    out
}

/// The metadata the export recorded for `id`, as the pane shows a fresh one
/// (fields an export does not record are zero; the pane leaves them out).
pub fn recorded_stat(tree: &Tree, id: NodeId) -> FullStat {
    let (uid, gid) = tree.owner(id);
    let kind = tree.kind(id);
    let mode = if tree.mode(id) & 0o170000 == 0 {
        kind.mode_bits() | tree.mode(id)
    } else {
        tree.mode(id)
    };
    let stat = EntryStat {
        mode,
        nlink: u64::from(kind != FileKind::Dir && tree.is_extra_link(id)) + 1,
        uid,
        gid,
        size: tree.size(id),
        blocks: tree.allocated(id) / 512,
        mtime: Timespec { sec: tree.mtime(id), nsec: 0 },
        ..EntryStat::default()
    };
    FullStat { path: tree.path(id), stat, btime: None, target: None, user: None, group: None }
}
