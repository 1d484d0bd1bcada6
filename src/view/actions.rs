//! The editing actions in the pure model: marks, the rename and create
//! prompts, the confirmation dialogs, starting an action, applying its result,
//! re-scans and changes seen by the watcher. Only [`Effect`]s leave here; the
//! filesystem work runs elsewhere and comes back as messages.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::imported;
use super::jobs::Running;
use super::line::{LineEditor, LineKey};
use super::msg::Effect;
use super::nav::selection_changed;
use super::perm::{PermEditor, PermOutcome, PermRequest};
use super::request::{CancelFlag, OpRequest, Target, confirm_keys_line, confirm_title};
use super::scan_in::start_rescan;
use super::shown::{disagreement, parents_of};
use super::state::{Confirm, Mode, NamePrompt, NamePurpose, State};
use crate::model::{FileKind, Identity, NodeId};
use crate::sanitize;

/// The selected entry as the metadata pane shows it (its identity comes from
/// the `lstat` read when it was selected).
pub fn selected_target(state: &State) -> Result<Target, String> {
    let Some(id) = state.selected_node() else { return Err("nothing selected".into()) };
    match &state.inspect.meta {
        Some(loaded) if loaded.id == id => match &loaded.result {
            Ok(full) => Ok(Target {
                id,
                path: full.path.clone(),
                identity: Identity::of(&full.stat).with_birth(full.btime),
                mode: full.stat.mode,
                nlink: full.stat.nlink,
                parents: parents_of(&state.tree, id),
            }),
            Err(e) => Err(format!("cannot act on it: {e}")),
        },
        _ => Err("its metadata is not read yet; try again".into()),
    }
}

/// The selected entry for an action that changes it: the pane's fresh
/// identity must be the object the row shows. When the row is stale (the
/// directory it shows was replaced by a file, or by another directory), the
/// action is refused, said so, and the directory holding the row is read
/// again; the effects of that re-read come back as the error.
fn acting_target(state: &mut State) -> Result<Target, Vec<Effect>> {
    let target = selected_target(state).map_err(|why| {
        state.error(why);
        Vec::new()
    })?;
    let Some(why) = disagreement(&state.tree, target.id, &target.identity) else {
        return Ok(target);
    };
    let name = sanitize::path(&target.path);
    state.error(format!(
        "nothing changed: {name}: changed since it was shown ({why}); its row is read again"
    ));
    let dir = state.tree.parent(target.id).unwrap_or(target.id);
    Err(start_rescan(state, dir).into_iter().collect())
}

/// The value, or `None` after showing why not in the status bar.
fn or_say<T>(state: &mut State, result: Result<T, String>) -> Option<T> {
    result.map_err(|why| state.error(why)).ok()
}

/// The marked entries that are still in the tree, or else the selection.
pub fn targets(state: &State) -> Result<Vec<Target>, String> {
    let marked: Vec<Target> =
        state.jobs.marks.values().filter(|t| state.tree.is_live(t.id)).cloned().collect();
    if !marked.is_empty() {
        return Ok(marked);
    }
    selected_target(state).map(|t| vec![t])
}

/// [`targets`], with the selection checked against its row as
/// [`acting_target`] does (marks were checked when they were made).
fn acting_targets(state: &mut State) -> Result<Vec<Target>, Vec<Effect>> {
    let marked = state.jobs.marks.values().any(|t| state.tree.is_live(t.id));
    if marked {
        return targets(state).map_err(|why| {
            state.error(why);
            Vec::new()
        });
    }
    acting_target(state).map(|t| vec![t])
}

/// `Space`: marks or unmarks the selection and moves down.
pub fn toggle_mark(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.jobs.marks.remove(&id).is_none() {
        match acting_target(state) {
            Ok(target) => {
                state.jobs.marks.insert(id, target);
            }
            Err(effects) => return effects,
        }
    }
    state.screen.needs_draw = true;
    let next = (state.cursor.row + 1).min(state.rows.len().saturating_sub(1));
    state.cursor.row = next;
    selection_changed(state)
}

/// Clears the marks (Esc in normal mode).
pub fn clear_marks(state: &mut State) {
    if !state.jobs.marks.is_empty() {
        let n = state.jobs.marks.len();
        state.jobs.marks.clear();
        state.message(format!("{n} marks cleared"));
    }
}

fn busy(state: &mut State) -> bool {
    if imported::refuse(state) {
        return true;
    }
    if let Some(running) = &state.jobs.running {
        let label = running.label;
        state.error(format!("{label} is still running: wait, or Esc to cancel it"));
        return true;
    }
    false
}

/// Starts a confirmed action.
pub fn run(state: &mut State, request: OpRequest) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let cancel = CancelFlag::default();
    state.jobs.running = Some(Running {
        label: request.label(),
        started: state.screen.now,
        progress: 0,
        cancel: cancel.clone(),
    });
    state.screen.needs_draw = true;
    vec![Effect::Run { request, cancel }]
}

/// Esc while an action runs.
pub fn cancel_running(state: &mut State) -> bool {
    match &state.jobs.running {
        Some(running) => {
            running.cancel.cancel();
            state.message(format!("cancelling {}…", running.label));
            true
        }
        None => false,
    }
}

/// `p`: the permission editor for the marked entries or the selection.
pub fn start_permissions(state: &mut State) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let targets = match acting_targets(state) {
        Ok(targets) => targets,
        Err(effects) => return effects,
    };
    // Linux has no lchmod: an editor over links alone could change nothing,
    // so it does not open (chmod through the link would change its target).
    if targets.iter().all(|t| t.identity.kind == FileKind::Symlink) {
        let what = match targets.as_slice() {
            [one] => sanitize::bytes(state.tree.name(one.id)).into_owned(),
            many => format!("{} marked entries", many.len()),
        };
        state.error(format!(
            "permissions not opened: {what}: a symlink's own mode cannot be changed on Linux"
        ));
        return Vec::new();
    }
    if let Some(editor) = PermEditor::new(targets) {
        state.mode = Mode::Perm(Box::new(editor));
    }
    Vec::new()
}

/// Keys of the permission editor.
pub fn on_perm_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Perm(editor) = &mut state.mode else { return Vec::new() };
    match editor.on_key(key) {
        PermOutcome::Continue => Vec::new(),
        PermOutcome::Cancel => {
            state.mode = Mode::Normal;
            state.message("cancelled: no mode changed");
            Vec::new()
        }
        PermOutcome::Apply(request) => {
            state.mode = Mode::Normal;
            let PermRequest { targets, set, clear, recursive } = request;
            if targets.is_empty() {
                state.error("nothing to change: a symlink's own mode cannot be changed on Linux");
                return Vec::new();
            }
            match recursive {
                // The count comes first; the change runs after the confirmation.
                Some(scope) => run(state, OpRequest::CountRecursive { targets, set, clear, scope }),
                None => run(state, OpRequest::Chmod { targets, set, clear }),
            }
        }
    }
}

/// `r`: the rename prompt, prefilled with the current name.
pub fn start_rename(state: &mut State) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let target = match acting_target(state) {
        Ok(target) => target,
        Err(effects) => return effects,
    };
    if state.tree.parent(target.id).is_none() {
        state.error("a scan root cannot be renamed from here");
        return Vec::new();
    }
    let line = LineEditor::from_bytes(state.tree.name(target.id));
    state.mode = Mode::Name(NamePrompt { purpose: NamePurpose::Rename(target), line });
    Vec::new()
}

/// `a`: the create prompt, under the selected directory (or the directory
/// holding the selected entry).
pub fn start_create(state: &mut State) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let Some(id) = state.selected_node() else { return Vec::new() };
    let dir =
        if state.tree.kind(id) == FileKind::Dir { id } else { state.tree.parent(id).unwrap_or(id) };
    if state.tree.kind(dir) != FileKind::Dir {
        state.error("nothing to create in: not a directory");
        return Vec::new();
    }
    let dir = state.tree.path(dir);
    state.mode = Mode::Name(NamePrompt {
        purpose: NamePurpose::Create { dir },
        line: LineEditor::default(),
    });
    Vec::new()
}

/// Keys of the rename/create prompt.
pub fn on_name_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Name(prompt) = &mut state.mode else { return Vec::new() };
    if prompt.line.on_key(key) == LineKey::Edited {
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => {
            state.mode = Mode::Normal;
            state.message("cancelled");
            Vec::new()
        }
        KeyCode::Enter => {
            let typed = prompt.line.to_bytes();
            let purpose = prompt.purpose.clone();
            if typed.is_empty() {
                state.error("a name cannot be empty");
                return Vec::new();
            }
            state.mode = Mode::Normal;
            match purpose {
                NamePurpose::Rename(target) => {
                    if state.tree.name(target.id) == typed.as_slice() {
                        state.message("name unchanged");
                        return Vec::new();
                    }
                    run(state, OpRequest::Rename { target, new_name: typed })
                }
                NamePurpose::Create { dir } => {
                    run(state, OpRequest::Create { dir, relative: typed })
                }
            }
        }
        _ => Vec::new(),
    }
}

/// `d` (trash) and `D` (permanent): counts on disk what would go, on the
/// action thread; the confirmation opens with that count when it lands
/// ([`super::outcomes::on_op_done`]). The scan's figures are not used: a
/// directory changed while it was collapsed is not watched, so they may be
/// older than the disk.
pub fn start_remove(state: &mut State, permanent: bool) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let targets = match acting_targets(state) {
        Ok(targets) => targets,
        Err(effects) => return effects,
    };
    if let Some(root) = targets.iter().find(|t| state.tree.parent(t.id).is_none()) {
        let name = sanitize::bytes(state.tree.name(root.id)).into_owned();
        state.error(format!("not removed: {name}: a scan root; statree does not remove it"));
        return Vec::new();
    }
    run(state, OpRequest::CountRemove { targets, permanent })
}

/// `x`: remove the selected empty directory and the parents it leaves empty.
pub fn start_remove_empty_dirs(state: &mut State) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let target = match acting_target(state) {
        Ok(target) => target,
        Err(effects) => return effects,
    };
    if target.identity.kind != FileKind::Dir || state.tree.child_count(target.id) != 0 {
        state.error("only an empty directory can be removed this way");
        return Vec::new();
    }
    let Some(root) = root_of(state, target.id) else {
        state.error("a scan root cannot be removed");
        return Vec::new();
    };
    let stop_at = state.tree.path(root);
    let lines = vec![
        format!("  {}/", sanitize::path(&target.path)),
        String::new(),
        "and each parent it leaves empty, up to (not including)".into(),
        format!("  {}", sanitize::path(&stop_at)),
        confirm_keys_line(false),
    ];
    let request = OpRequest::RemoveEmptyDirs { target, stop_at };
    let (title, danger) = confirm_title(&request);
    state.mode = Mode::Confirm(Confirm { title, lines, request, danger, scroll: 0 });
    Vec::new()
}

/// The scan root above `id`, when `id` is not a root itself.
fn root_of(state: &State, id: NodeId) -> Option<NodeId> {
    let mut up = state.tree.parent(id)?;
    while let Some(p) = state.tree.parent(up) {
        up = p;
    }
    Some(up)
}

/// `e` / `o`: hand a regular file to the editor or the pager.
pub fn open_external(state: &mut State, pager: bool) -> Vec<Effect> {
    if imported::refuse(state) {
        return Vec::new();
    }
    let Some(target) = or_say(state, selected_target(state)) else { return Vec::new() };
    match target.identity.kind {
        FileKind::File => {
            vec![Effect::OpenExternal { id: target.id, path: target.path, pager }]
        }
        FileKind::Dir => {
            state.error("a directory cannot be opened in an editor or pager");
            Vec::new()
        }
        FileKind::Symlink => {
            state.error("a symlink is not opened: statree never follows links");
            Vec::new()
        }
        other => {
            state.error(format!(
                "a {} is never opened: reading it could block or have side effects",
                other.describe()
            ));
            Vec::new()
        }
    }
}

/// `R`: re-read the selected directory (or the one holding the selection).
pub fn refresh(state: &mut State) -> Vec<Effect> {
    if imported::refuse(state) {
        return Vec::new();
    }
    let Some(id) = state.selected_node() else { return Vec::new() };
    let dir =
        if state.tree.kind(id) == FileKind::Dir { id } else { state.tree.parent(id).unwrap_or(id) };
    if state.tree.kind(dir) != FileKind::Dir {
        // A root that is a file: restat it through the metadata read.
        state.inspect.meta = None;
        return selection_changed(state);
    }
    if state.tree.parent(dir).is_none() && state.scanning() {
        state.error("the first scan is still running");
        return Vec::new();
    }
    let name = sanitize::bytes(state.tree.name(dir)).into_owned();
    state.message(format!("re-reading {name}"));
    start_rescan(state, dir).into_iter().collect()
}
