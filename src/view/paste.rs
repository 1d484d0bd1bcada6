//! `P`: pasting the clipboard into the selected directory (or the one
//! holding the selected file), the collision dialog that asks, per entry or
//! for all, what to do with a name that exists, and the progress line.
//!
//! The dialog's keys: `s` skip, `b` keep both (`name (1)`), `o` overwrite,
//! `m` merge (a directory onto a directory only); the capital letter answers
//! the same for every remaining collision. Overwrite has its own key and
//! `Enter` answers nothing, so no habit replaces a file. `Esc` cancels the
//! whole paste.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::actions::run;
use super::clipboard::MeterHandle;
use super::msg::Effect;
use super::request::OpRequest;
use super::state::{Mode, State};
use crate::fmt::{group_digits, human_size};
use crate::fsops::{Collision, PasteItem, PasteMode};
use crate::model::FileKind;
use crate::sanitize;

/// The collision dialog: the paste waiting for answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollisionDialog {
    /// The sources, each with its answer so far.
    pub items: Vec<PasteItem>,
    /// Where they go.
    pub dest: std::path::PathBuf,
    /// Copy or move.
    pub mode: PasteMode,
    /// The sources whose name exists there: index, name, and whether a merge
    /// is possible.
    pub names: Vec<(usize, Vec<u8>, bool)>,
    /// The collision being asked about.
    pub at: usize,
    /// The meter the paste will use.
    pub meter: MeterHandle,
}

impl CollisionDialog {
    /// The dialog's title and lines.
    pub fn lines(&self) -> (String, Vec<String>) {
        let (_, name, merge) = &self.names[self.at];
        let verb = if self.mode == PasteMode::Copy { "Copy" } else { "Move" };
        let title = format!("{verb}: name exists ({} of {})", self.at + 1, self.names.len());
        let mut lines = vec![
            format!("  {}", sanitize::bytes(name)),
            format!("already exists in {}", sanitize::path(&self.dest)),
            String::new(),
            "s: skip    b: keep both (name (1))    o: overwrite".to_string(),
        ];
        if *merge {
            lines.push("m: merge the directories".into());
        }
        lines.push("S / B / O / M: the same for all remaining    Esc: cancel".into());
        (title, lines)
    }
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
    let items = state
        .clipboard
        .items
        .iter()
        .map(|t| PasteItem { source: t.path.clone(), identity: t.identity, on_collision: None })
        .collect();
    let meter = MeterHandle::default();
    state.clipboard.meter = Some(meter.clone());
    run(state, OpRequest::Paste { items, dest, mode, meter, ask: true })
}

/// The action found names that exist: ask about them.
pub fn ask(state: &mut State, request: OpRequest, names: Vec<(usize, Vec<u8>, bool)>) {
    let OpRequest::Paste { items, dest, mode, meter, .. } = request else { return };
    state.mode = Mode::Paste(Box::new(CollisionDialog { items, dest, mode, names, at: 0, meter }));
}

/// Keys of the collision dialog.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Paste(dialog) = &mut state.mode else { return Vec::new() };
    let (choice, all) = match key.code {
        KeyCode::Char('s') => (Collision::Skip, false),
        KeyCode::Char('S') => (Collision::Skip, true),
        KeyCode::Char('b') => (Collision::KeepBoth, false),
        KeyCode::Char('B') => (Collision::KeepBoth, true),
        KeyCode::Char('o') => (Collision::Overwrite, false),
        KeyCode::Char('O') => (Collision::Overwrite, true),
        KeyCode::Char('m') if dialog.names[dialog.at].2 => (Collision::Merge, false),
        KeyCode::Char('M') => (Collision::Merge, true),
        KeyCode::Esc | KeyCode::Char('q') => {
            state.mode = Mode::Normal;
            state.message("cancelled: nothing pasted");
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    let end = if all { dialog.names.len() } else { dialog.at + 1 };
    let mut asked_again = None;
    for n in dialog.at..end {
        let (index, _, merge) = dialog.names[n];
        if choice == Collision::Merge && !merge {
            // Merge applies only to a directory onto a directory: ask about
            // the others.
            asked_again.get_or_insert(n);
            continue;
        }
        dialog.items[index].on_collision = Some(choice);
    }
    dialog.at = match asked_again {
        Some(n) => n,
        None => end,
    };
    // Skip answered ones (a capital answer may have left gaps to ask about).
    while dialog.at < dialog.names.len()
        && dialog.items[dialog.names[dialog.at].0].on_collision.is_some()
    {
        dialog.at += 1;
    }
    if dialog.at < dialog.names.len() {
        return Vec::new();
    }
    let Mode::Paste(dialog) = std::mem::replace(&mut state.mode, Mode::Normal) else {
        return Vec::new();
    };
    let CollisionDialog { items, dest, mode, meter, .. } = *dialog;
    run(state, OpRequest::Paste { items, dest, mode, meter, ask: false })
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
