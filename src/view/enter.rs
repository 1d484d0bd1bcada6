//! `Enter`: on a directory it expands or collapses; on a file it opens it
//! with the program an `[open]` rule names, or with the opener the
//! environment gives (the executor decides which); with `--chooser-file`
//! it chooses the file, or the marked entries, and quits.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use super::msg::Effect;
use super::nav::toggle;
use super::state::State;
use crate::config::OpenWith;
use crate::model::{FileKind, NodeId};
use crate::sanitize;

/// `Enter` in the tree.
pub fn enter(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    let is_dir = state.tree.kind(id) == FileKind::Dir;
    if state.open.chooser.is_some() {
        let marked: Vec<NodeId> =
            state.jobs.marks.keys().copied().filter(|&m| state.tree.is_live(m)).collect();
        if !marked.is_empty() {
            return choose(state, &marked);
        }
        if !is_dir {
            return choose(state, &[id]);
        }
    }
    if is_dir {
        return toggle(state);
    }
    open_file(state, id)
}

/// Writes nothing yet: keeps the chosen paths for the loop and quits.
/// With one path a line, a path holding a newline would read as two: it is
/// refused and the interface stays.
fn choose(state: &mut State, ids: &[NodeId]) -> Vec<Effect> {
    let nul = state.open.chooser.as_ref().is_some_and(|c| c.nul);
    let paths: Vec<PathBuf> = ids
        .iter()
        .map(|&id| {
            let path = state.tree.path(id);
            std::path::absolute(&path).unwrap_or(path)
        })
        .collect();
    if !nul && let Some(bad) = paths.iter().find(|p| p.as_os_str().as_bytes().contains(&b'\n')) {
        state.error(format!(
            "{} holds a newline: one path a line would be ambiguous; nothing chosen \
             (--chooser-file0 separates with NUL)",
            sanitize::path(bad)
        ));
        return Vec::new();
    }
    state.open.chosen = Some(paths);
    state.screen.quit = true;
    vec![Effect::Quit]
}

/// Opens a regular file; anything else is refused as `e` refuses it.
fn open_file(state: &mut State, id: NodeId) -> Vec<Effect> {
    let path = state.tree.path(id);
    match state.tree.kind(id) {
        FileKind::File => {}
        FileKind::Symlink => {
            state.error("a symlink is not opened: statree never follows links");
            return Vec::new();
        }
        other => {
            state.error(format!(
                "a {} is never opened: reading it could block or have side effects",
                other.describe()
            ));
            return Vec::new();
        }
    }
    match state.open.rules.rule_for(state.tree.name(id)) {
        Some(OpenWith::Pager) => vec![Effect::OpenExternal { id, path, pager: true }],
        Some(OpenWith::Editor) => vec![Effect::OpenExternal { id, path, pager: false }],
        Some(OpenWith::Command { words, terminal }) => {
            vec![Effect::Open { id, path, command: Some((words.clone(), *terminal)) }]
        }
        None => vec![Effect::Open { id, path, command: None }],
    }
}

/// A detached opener started (the program's name) or could not be.
pub fn on_opened(state: &mut State, path: &std::path::Path, result: Result<String, String>) {
    let name = path.file_name().map(|n| sanitize::os(n).into_owned()).unwrap_or_default();
    match result {
        Ok(program) => state.message(format!("opened {name} with {program}")),
        Err(why) => state.error(format!("cannot open {name}: {why}")),
    }
}
