//! `u` and `U`: undo the newest action in the journal that can be undone,
//! and list the journal. The undo runs on the action thread like any action
//! (`fsops` re-checks each entry first); its report marks the entry undone,
//! or keeps the reason it was refused.

use super::actions::run;
use super::journal::{Journal, JournalNote, lines};
use super::msg::Effect;
use super::request::OpRequest;
use super::state::{Mode, Report, State};

/// `u`: undo the newest entry not undone yet.
pub fn undo_last(state: &mut State) -> Vec<Effect> {
    let Some(entry) = state.journal.next_undo() else {
        let why = match state.journal.newest_first().find(|e| !e.undone) {
            Some(entry) if entry.refused.is_some() => {
                "nothing more to undo: the rest was refused or cannot be undone (U lists why)"
                    .into()
            }
            Some(entry) => format!(
                "nothing to undo: the last action ({}) cannot be undone: {}",
                entry.action.describe(),
                entry.action.undo_text()
            ),
            None => "nothing to undo since statree started".into(),
        };
        state.error(why);
        return Vec::new();
    };
    let request = OpRequest::Undo { seq: entry.seq, action: entry.action.clone() };
    run(state, request)
}

/// `U`: the journal, newest first, each entry with what undo would do or
/// why it cannot (a scrollable overlay; any other key closes it).
pub fn open_journal(state: &mut State) -> Vec<Effect> {
    let lines = lines(&state.journal);
    let title = format!(
        "Undo journal ({}, newest first; in memory only)",
        crate::fmt::quantity(state.journal.len() as u64, "action", "actions")
    );
    state.mode = Mode::Report(Report { title, lines, scroll: 0 });
    Vec::new()
}

/// What a finished action's report tells the journal.
pub fn note_all(journal: &mut Journal, notes: &[JournalNote]) {
    for note in notes {
        journal.note(note.clone());
    }
}
