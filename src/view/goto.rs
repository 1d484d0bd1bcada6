//! `:` — go to a path. A prompt whose `Tab` completes directory names (the
//! listing is read off the interface's thread); `~` is the home directory,
//! a relative path starts at the view's root. The target is checked on
//! disk first: a directory inside the tree is zoomed to, any other becomes
//! the one root of a fresh tree, scanned like at start-up; an error (not a
//! directory, permission denied) is said in the status line and nothing
//! else changes.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::audit::AuditState;
use super::cursor::Cursor;
use super::inspect::Inspect;
use super::jobs::Jobs;
use super::line::{LineEditor, LineKey};
use super::msg::Effect;
pub use super::places::GotoPrompt;
use super::root::{absolute, set_top, start_scan, view_root_path};
use super::rows::RowIndex;
use super::state::{Mode, State};
use crate::model::{NodeId, Tree};
use crate::sanitize;

/// `:` opens the prompt.
pub fn open(state: &mut State) -> Vec<Effect> {
    let prompt = GotoPrompt { line: LineEditor::default(), candidates: Vec::new(), ticket: None };
    state.mode = Mode::Goto(prompt);
    Vec::new()
}

/// A key in the prompt: editing keys edit, `Tab` completes, `Enter` goes,
/// `Esc` cancels.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Goto(prompt) = &mut state.mode else { return Vec::new() };
    if key.code != KeyCode::Tab && prompt.line.on_key(key) == LineKey::Edited {
        prompt.candidates.clear();
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => {
            state.mode = Mode::Normal;
            Vec::new()
        }
        KeyCode::Tab => {
            let typed = prompt.line.to_bytes();
            let ticket = state.jobs.ticket();
            let Mode::Goto(prompt) = &mut state.mode else { return Vec::new() };
            prompt.ticket = Some(ticket);
            let (dir, prefix) = split_for_completion(&typed);
            let dir = resolve(state, &dir);
            vec![Effect::CompleteDir { ticket, dir, prefix }]
        }
        KeyCode::Enter => {
            let typed = prompt.line.to_bytes();
            state.mode = Mode::Normal;
            if typed.is_empty() {
                return Vec::new();
            }
            let ticket = state.jobs.ticket();
            state.nav.goto_ticket = Some(ticket);
            let cwd = state.nav.cwd.as_deref();
            let roots = state.tree.roots().map(|r| absolute(cwd, &state.tree.path(r))).collect();
            vec![Effect::CheckGoto { ticket, path: resolve(state, &typed), roots }]
        }
        _ => Vec::new(),
    }
}

/// The typed text cut where completion starts: the directory part (with
/// its slash) and the name being typed.
fn split_for_completion(typed: &[u8]) -> (Vec<u8>, Vec<u8>) {
    match typed.iter().rposition(|&b| b == b'/') {
        Some(slash) => (typed[..=slash].to_vec(), typed[slash + 1..].to_vec()),
        None if typed == b"~" => (b"~/".to_vec(), Vec::new()),
        None => (Vec::new(), typed.to_vec()),
    }
}

/// What the user typed as a path: `~` and `~/…` below the home directory,
/// a relative path below the view's root, made absolute without the disk.
pub fn resolve(state: &State, typed: &[u8]) -> PathBuf {
    let home = state.nav.home.clone().unwrap_or_else(|| PathBuf::from("/"));
    let path = if typed == b"~" {
        home
    } else if let Some(rest) = typed.strip_prefix(b"~/") {
        home.join(Path::new(std::ffi::OsStr::from_bytes(rest)))
    } else {
        let base = view_root_path(state).or(state.nav.cwd.clone()).unwrap_or_default();
        base.join(Path::new(std::ffi::OsStr::from_bytes(typed)))
    };
    absolute(None, &path)
}

/// The directories of a `Tab` came back: one is completed (with a slash),
/// several extend the line to what they share and are listed, none is said.
pub fn on_completions(
    state: &mut State,
    ticket: u64,
    names: Result<Vec<Vec<u8>>, String>,
) -> Vec<Effect> {
    let Mode::Goto(prompt) = &mut state.mode else { return Vec::new() };
    if prompt.ticket != Some(ticket) {
        return Vec::new();
    }
    let mut names = match names {
        Ok(names) => names,
        Err(why) => {
            state.error(why);
            return Vec::new();
        }
    };
    names.sort();
    let typed = prompt.line.to_bytes();
    let (dir, prefix) = split_for_completion(&typed);
    let common = common_prefix(&names);
    let mut line = dir;
    match names.len() {
        0 => {
            prompt.candidates.clear();
            let what = sanitize::bytes(&prefix).into_owned();
            state.error(format!("no directory starts with {what}"));
            return Vec::new();
        }
        1 => {
            line.extend_from_slice(&names[0]);
            line.push(b'/');
            prompt.candidates.clear();
        }
        _ => {
            line.extend_from_slice(if common.len() > prefix.len() { &common } else { &prefix });
            prompt.candidates = names;
        }
    }
    prompt.line = LineEditor::from_bytes(&line);
    state.screen.needs_draw = true;
    Vec::new()
}

fn common_prefix(names: &[Vec<u8>]) -> Vec<u8> {
    let Some(first) = names.first() else { return Vec::new() };
    let mut len = first.len();
    for name in &names[1..] {
        len = len.min(first.iter().zip(name).take_while(|(a, b)| a == b).count());
    }
    first[..len].to_vec()
}

/// The target was checked on disk (`Ok` with its real path, or why not).
pub fn on_checked(
    state: &mut State,
    ticket: u64,
    path: PathBuf,
    real_roots: &[(PathBuf, Option<PathBuf>)],
    checked: Result<PathBuf, String>,
) -> Vec<Effect> {
    if state.nav.goto_ticket != Some(ticket) {
        return Vec::new();
    }
    state.nav.goto_ticket = None;
    let target = match checked {
        Ok(target) => target,
        Err(why) => {
            state.error(format!("cannot go to {}: {why}", sanitize::path(&path)));
            return Vec::new();
        }
    };
    if let Some(node) = find(state, &target, real_roots) {
        let mut effects = set_top(state, Some(node));
        effects.extend(super::nav::selection_changed(state));
        return effects;
    }
    if state.jobs.running.is_some() {
        state.error("an action is running: go there when it has finished");
        return Vec::new();
    }
    new_tree(state, target)
}

/// The node at `target` (absolute, real) when the tree holds it: below a
/// root's path as given, or below its real path (`real_roots`, resolved
/// when `:` was pressed), since the target is real and a root given
/// through a symlink is not.
fn find(state: &State, target: &Path, real_roots: &[(PathBuf, Option<PathBuf>)]) -> Option<NodeId> {
    let cwd = state.nav.cwd.as_deref();
    state.tree.roots().find_map(|root| {
        let root_path = absolute(cwd, &state.tree.path(root));
        let real = real_roots.iter().find(|(given, _)| *given == root_path);
        let rest = target.strip_prefix(&root_path).ok().or_else(|| {
            let real = real?.1.as_deref()?;
            target.strip_prefix(real).ok()
        })?;
        rest.components()
            .try_fold(root, |node, part| state.tree.find_child(node, part.as_os_str().as_bytes()))
    })
}

/// Drops the tree and everything that names its nodes, and scans `target`
/// as the one root of a new tree.
fn new_tree(state: &mut State, target: PathBuf) -> Vec<Effect> {
    state.tree = Tree::new();
    state.rows = RowIndex::new(state.rows.options.clone());
    state.cursor = Cursor { last_search: state.cursor.last_search.take(), ..Cursor::default() };
    let show_preview = state.inspect.show_preview;
    let owner_names = std::mem::take(&mut state.inspect.owner_names);
    state.inspect = Inspect { show_preview, owner_names, ..Inspect::default() };
    let jobs = Jobs {
        next_ticket: state.jobs.next_ticket,
        watch_limited: state.jobs.watch_limited,
        ..Jobs::default()
    };
    state.jobs = jobs;
    let old = std::mem::take(&mut state.audit);
    state.audit = AuditState::for_new_root(old, target.clone());
    state.nav.main_dropped = true;
    state.nav.moved = true;
    state.scan.started = state.screen.now;
    state.scan.finished = None;
    let rescan = state.tree.add_root(&target);
    let root = rescan.dir();
    let effect = start_scan(state, rescan, target.clone(), Vec::new());
    if let Effect::ScanRoot { ticket, .. } = &effect {
        state.nav.new_tree_scan = Some(*ticket);
    }
    state.rows.set_expanded(root, true);
    state.rebuild_rows();
    state.message(format!("root: {}", sanitize::path(&target)));
    let mut effects = vec![effect];
    effects.extend(super::nav::selection_changed(state));
    effects
}
