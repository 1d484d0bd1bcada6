//! `y`, `m` and `P`: putting the marked entries (or the selection) on the
//! clipboard, pasting it into the selected directory (or the one holding the
//! selected file), the collision dialog's answers, and the progress line.

use ratatui::crossterm::event::KeyEvent;

use super::actions::{run, targets};
use super::msg::Effect;
use super::paste::{CollisionDialog, Step};
use super::request::OpRequest;
use super::state::{Mode, State};
use crate::fmt::{group_digits, human_size};
use crate::model::FileKind;
use crate::model::paste::{MeterHandle, PasteItem, PasteMode};
use crate::sanitize;

/// `y` (copy) or `m` (move): the marked entries or the selection go to the
/// clipboard; the marks stay as they are.
pub fn yank(state: &mut State, mode: PasteMode) -> Vec<Effect> {
    let items = match targets(state) {
        Ok(items) => items,
        Err(why) => {
            state.error(why);
            return Vec::new();
        }
    };
    if mode == PasteMode::Move
        && let Some(root) = items.iter().find(|t| state.tree.parent(t.id).is_none())
    {
        let name = sanitize::bytes(state.tree.name(root.id)).into_owned();
        state.error(format!("not marked for a move: {name}: a scan root"));
        return Vec::new();
    }
    // Short enough for 80 columns with a long name.
    let (verb, key) = match mode {
        PasteMode::Copy => ("copied to the clipboard", "P pastes"),
        PasteMode::Move => ("marked for a move", "P moves"),
    };
    let what = match items.as_slice() {
        [one] => sanitize::os(one.path.file_name().unwrap_or_default()).into_owned(),
        many => format!("{} entries", group_digits(many.len() as u64)),
    };
    state.clipboard.items = items;
    state.clipboard.mode = Some(mode);
    state.message(format!("{what}: {verb} ({key})"));
    Vec::new()
}

/// `P`: paste the clipboard.
pub fn start(state: &mut State) -> Vec<Effect> {
    let Some(mode) = state.clipboard.mode.filter(|_| !state.clipboard.items.is_empty()) else {
        state.error("the clipboard is empty: y copies, m marks for a move");
        return Vec::new();
    };
    let Some(id) = state.selected_node() else { return Vec::new() };
    let dir =
        if state.tree.kind(id) == FileKind::Dir { id } else { state.tree.parent(id).unwrap_or(id) };
    if state.tree.kind(dir) != FileKind::Dir {
        state.error("nothing to paste into: not a directory");
        return Vec::new();
    }
    let dest = state.tree.path(dir);
    let mut dest_parents = super::shown::parents_of(&state.tree, dir);
    dest_parents.push(state.tree.dir_identity(dir));
    let items = state
        .clipboard
        .items
        .iter()
        .map(|t| PasteItem {
            source: t.path.clone(),
            identity: t.identity,
            parents: t.parents.clone(),
            on_collision: None,
        })
        .collect();
    let meter = MeterHandle::default();
    // Only when it starts: another action running keeps its own progress.
    if state.jobs.running.is_none() {
        state.clipboard.meter = Some(meter.clone());
    }
    run(state, OpRequest::Paste { items, dest, dest_parents, mode, meter, ask: true })
}

/// The action found names that exist: ask about them.
pub fn ask(state: &mut State, request: OpRequest, names: Vec<(usize, Vec<u8>, bool)>) {
    let OpRequest::Paste { items, dest, dest_parents, mode, meter, .. } = request else { return };
    let dialog = CollisionDialog { items, dest, dest_parents, mode, names, at: 0, meter };
    state.mode = Mode::Paste(Box::new(dialog));
}

/// Keys of the collision dialog.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Paste(dialog) = &mut state.mode else { return Vec::new() };
    match dialog.on_key(key) {
        Step::Continue => Vec::new(),
        Step::Cancel => {
            state.mode = Mode::Normal;
            state.message("cancelled: nothing pasted");
            Vec::new()
        }
        Step::Done => {
            let Mode::Paste(dialog) = std::mem::replace(&mut state.mode, Mode::Normal) else {
                return Vec::new();
            };
            let CollisionDialog { items, dest, dest_parents, mode, meter, .. } = *dialog;
            run(state, OpRequest::Paste { items, dest, dest_parents, mode, meter, ask: false })
        }
    }
}

/// The progress line of a running paste: entries, bytes, rate, time left.
pub fn progress_text(state: &State) -> Option<String> {
    let running = state.jobs.running.as_ref()?;
    let meter = state.clipboard.meter.as_ref()?;
    if running.label != OpRequest::label_of_paste(PasteMode::Copy)
        && running.label != OpRequest::label_of_paste(PasteMode::Move)
    {
        return None;
    }
    let (entries, bytes, total_entries, total_bytes) = meter.0.read();
    let secs = state.screen.now.saturating_duration_since(running.started).as_secs_f64();
    let rate = if secs > 0.0 { bytes as f64 / secs } else { 0.0 };
    let of = |n: u64| if n > 0 { format!(" of {}", group_digits(n)) } else { String::new() };
    let left = if rate > 0.0 && total_bytes > bytes {
        format!(" · {:.0} s left", (total_bytes - bytes) as f64 / rate)
    } else {
        String::new()
    };
    Some(format!(
        " {} · {}{} entries · {}{} · {}/s{left} · {secs:.1} s · Esc cancels",
        running.label,
        group_digits(entries),
        of(total_entries),
        human_size(bytes),
        if total_bytes > 0 { format!(" of {}", human_size(total_bytes)) } else { String::new() },
        human_size(rate as u64),
    ))
}

/// A paste ended (or another action did: then nothing here changes): the
/// meter goes, and after a move so does the clipboard (its sources moved).
pub fn on_done(state: &mut State, outcome: &super::change::OpOutcome) {
    let pasting = state.jobs.running.as_ref().is_some_and(|r| {
        r.label == OpRequest::label_of_paste(PasteMode::Copy)
            || r.label == OpRequest::label_of_paste(PasteMode::Move)
    });
    if !pasting || !matches!(outcome, super::change::OpOutcome::Done(_)) {
        return;
    }
    state.clipboard.meter = None;
    if state.clipboard.mode == Some(PasteMode::Move) {
        state.clipboard.clear();
    }
}
