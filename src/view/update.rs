//! `update(&mut State, Msg) -> Vec<Effect>`: every change to the interactive
//! model goes through here. No I/O and no terminal: effects are returned for
//! the loop to run, and their results come back as messages.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::layout::layout;
use super::ops::{Change, OpOutcome};
use super::state::{Effect, Loaded, Mode, Prompt, PromptKind, State};
use super::{actions, audit, fresh, outcomes, prompt};
use crate::keymap::Action;
use crate::model::{FileKind, FullStat, NodeId};
use crate::preview::Preview;
use crate::scan::{Parent, ScanEvent};

/// Everything that can happen to the interface.
#[derive(Debug)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// The mouse did something.
    Mouse(MouseEvent),
    /// The terminal has a new size (columns, lines).
    Resize(u16, u16),
    /// The scanner reported.
    Scan(ScanEvent),
    /// Metadata of a node was read.
    MetaLoaded(Loaded<FullStat>),
    /// User and group names were looked up (`None`: the id has no name).
    OwnerResolved {
        /// User id.
        uid: u32,
        /// Its name.
        user: Option<String>,
        /// Group id.
        gid: u32,
        /// Its name.
        group: Option<String>,
    },
    /// A preview was read.
    PreviewLoaded(Loaded<Preview>),
    /// Time passed (fades messages, animates progress).
    Tick,
    /// A signal asked us to leave (SIGTERM, SIGHUP).
    Terminate,
    /// The process was resumed after a suspend: everything must be redrawn.
    Resumed,
    /// The running action has seen this many entries.
    OpProgress(u64),
    /// The running action finished.
    OpDone(OpOutcome),
    /// An event of the re-scan with this ticket.
    Rescan {
        /// Which re-scan.
        ticket: u64,
        /// The event.
        event: ScanEvent,
    },
    /// The filesystem watcher saw these changes.
    Changes(Vec<Change>),
    /// The filesystem watcher could not watch a directory: the system's
    /// watch limit is reached.
    WatchLimit(String),
    /// The editor or pager returned.
    ExternalDone {
        /// What went wrong, if anything.
        result: Result<(), String>,
        /// The file's fresh `lstat` (it may have been changed).
        change: Option<Change>,
    },
    /// The audit pass (the scan gathering xattrs and symlink facts) reported.
    AuditPass(ScanEvent),
    /// A directory the user opened was listed again ([`Effect::Relist`]).
    Listed {
        /// The listing's ticket (a stale one is dropped).
        ticket: u64,
        /// The directory.
        dir: NodeId,
        /// What is in it now, or why it could not be read.
        listing: Result<crate::watch::relist::Listing, String>,
    },
    /// The directories of an [`Effect::CheckDirs`] as they are now (`None`:
    /// gone or unreadable).
    DirsChecked {
        /// The check's ticket (a stale one is dropped).
        ticket: u64,
        /// Each directory's `lstat`.
        stats: Vec<(NodeId, Option<crate::scan::EntryStat>)>,
    },
}

const DOUBLE_CLICK: Duration = Duration::from_millis(400);
const WHEEL_ROWS: usize = 3;

/// Applies one message.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(state, msg);
    effects.extend(settle_selection(state));
    effects.extend(fresh::list_opened(state));
    effects
}

/// When the selected entry left the tree (deleted behind the view's back, or
/// under a re-read), the selection moves to the row now in its place and
/// that entry's metadata is loaded: no load is left waiting for a node that
/// will never answer.
fn settle_selection(state: &mut State) -> Vec<Effect> {
    match state.selected_id {
        Some(id) if !state.tree.is_live(id) => {
            state.rebuild_rows();
            selection_changed(state)
        }
        _ => Vec::new(),
    }
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(mouse) => on_mouse(state, mouse),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.needs_draw = true;
            keep_selection_visible(state);
            Vec::new()
        }
        Msg::Scan(event) => on_scan(state, event),
        Msg::MetaLoaded(loaded) => {
            if Some(loaded.id) != state.selected_id {
                return Vec::new();
            }
            let owner = loaded.result.as_ref().ok().map(|full| (full.stat.uid, full.stat.gid));
            state.meta = Some(loaded);
            state.needs_draw = true;
            match owner {
                Some((uid, gid))
                    if !state.owner_names.users.contains_key(&uid)
                        || !state.owner_names.groups.contains_key(&gid) =>
                {
                    vec![Effect::ResolveOwner { uid, gid }]
                }
                _ => Vec::new(),
            }
        }
        Msg::OwnerResolved { uid, user, gid, group } => {
            state.owner_names.users.insert(uid, user);
            state.owner_names.groups.insert(gid, group);
            state.needs_draw = true;
            audit::owner_resolved(state, uid, gid);
            Vec::new()
        }
        Msg::PreviewLoaded(loaded) => {
            if Some(loaded.id) == state.selected_id {
                state.preview = Some(loaded);
                state.needs_draw = true;
            }
            Vec::new()
        }
        Msg::Tick => {
            if state.status.as_ref().is_some_and(|m| m.until <= state.now) {
                state.status = None;
                state.needs_draw = true;
            }
            // The progress line moves while the scan or an action runs.
            state.needs_draw |= state.scanning() || state.running.is_some();
            super::sweep::on_tick(state).into_iter().collect()
        }
        Msg::Terminate => quit(state),
        Msg::Resumed => {
            state.needs_draw = true;
            Vec::new()
        }
        Msg::OpProgress(seen) => {
            outcomes::on_progress(state, seen);
            Vec::new()
        }
        Msg::OpDone(outcome) => outcomes::on_op_done(state, outcome),
        Msg::Rescan { ticket, event } => {
            let finished = matches!(event, ScanEvent::Finished { .. });
            let dir = state.rescans.get(&ticket).map(|r| r.dir());
            let mut effects = outcomes::on_rescan_event(state, ticket, event);
            if finished && let Some(dir) = dir {
                effects.extend(fresh::rescan_again_if_changed(state, dir));
            }
            effects
        }
        Msg::Changes(changes) => {
            fresh::note_changes_during_rescans(state, &changes);
            let mut effects = outcomes::apply_path_changes(state, &changes);
            if state.rows_dirty && state.meta.is_none() {
                effects.extend(selection_changed(state));
            }
            effects
        }
        Msg::WatchLimit(reason) => {
            if !state.watch_limited {
                state.watch_limited = true;
                state.error(format!("live updates limited (R refreshes by hand): {reason}"));
            }
            Vec::new()
        }
        Msg::ExternalDone { result, change } => {
            state.needs_draw = true;
            if let Err(why) = result {
                state.error(why);
            }
            let mut effects =
                outcomes::apply_path_changes(state, &change.into_iter().collect::<Vec<_>>());
            state.meta = None;
            effects.extend(outcomes::after_tree_change(state));
            effects
        }
        Msg::AuditPass(event) => {
            audit::on_pass_event(state, event);
            Vec::new()
        }
        Msg::Listed { ticket, dir, listing } => fresh::on_listed(state, ticket, dir, listing),
        Msg::DirsChecked { ticket, stats } => super::sweep::on_checked(state, ticket, stats),
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

fn on_scan(state: &mut State, event: ScanEvent) -> Vec<Effect> {
    let new_root = matches!(&event, ScanEvent::Batch(b) if matches!(b.parent, Parent::Root(_)));
    if let ScanEvent::Finished { elapsed } = &event {
        state.scan_finished = Some(*elapsed);
    }
    let (changed, mut effects) = audit::apply_scan(state, event);
    if changed {
        state.rows_dirty = true;
        state.needs_draw = true;
    }
    if new_root {
        // Open each root as it arrives, so its contents stream into view.
        let roots: Vec<NodeId> = state.tree.roots().collect();
        for root in roots {
            if state.tree.kind(root) == FileKind::Dir {
                state.rows.set_expanded(root, true);
            }
        }
        state.rebuild_rows();
        effects.extend(selection_changed(state));
    }
    effects
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.needs_draw = true;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char('c') => return quit(state),
            KeyCode::Char('z') => return vec![Effect::Suspend],
            _ => {}
        }
    }
    match &state.mode {
        Mode::Prompt(_) => prompt::on_key(state, key),
        Mode::Help { .. } => on_help_key(state, key),
        Mode::Name(_) => actions::on_name_key(state, key),
        Mode::Confirm(_) => actions::on_confirm_key(state, key),
        Mode::Report(_) => actions::on_report_key(state, key),
        Mode::Perm(_) => actions::on_perm_key(state, key),
        Mode::Audit { .. } => audit::on_panel_key(state, key),
        Mode::Inspect { .. } => actions::on_inspect_key(state, key),
        Mode::Normal => {
            // Esc always cancels a running action, whatever it is bound to;
            // then it ends an audit filter; then it is an ordinary key
            // (clear the marks, by default).
            if key.code == KeyCode::Esc && actions::cancel_running(state) {
                return Vec::new();
            }
            if key.code == KeyCode::Esc && state.audit.filter().is_some() {
                return audit::clear_filter(state);
            }
            if key.code == KeyCode::Esc && state.options.filter.is_some() {
                return prompt::clear_filter(state);
            }
            match state.keymap.lookup(&key) {
                Some(action) => on_action(state, action),
                None => Vec::new(),
            }
        }
    }
}

/// Runs one keymap action in normal mode.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = tree_height(state).max(1);
    match action {
        Action::MoveDown => move_by(state, 1),
        Action::MoveUp => move_by(state, -1),
        Action::Top => select_row(state, 0),
        Action::Bottom => select_row(state, state.rows.len().saturating_sub(1)),
        Action::PageDown => move_by(state, page as isize),
        Action::PageUp => move_by(state, -(page as isize)),
        Action::HalfPageDown => move_by(state, (page / 2).max(1) as isize),
        Action::HalfPageUp => move_by(state, -((page / 2).max(1) as isize)),
        Action::Expand => expand(state),
        Action::Toggle => toggle(state),
        Action::CollapseOrParent => collapse_or_parent(state),
        Action::Search | Action::Filter => {
            let kind =
                if action == Action::Search { PromptKind::Search } else { PromptKind::Filter };
            let input = match kind {
                PromptKind::Filter => state
                    .options
                    .filter
                    .as_deref()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .unwrap_or_default(),
                PromptKind::Search => String::new(),
            };
            state.mode = Mode::Prompt(Prompt {
                kind,
                input,
                origin: state.selected_id,
                previous_filter: state.options.filter.clone(),
            });
            Vec::new()
        }
        Action::SearchNext | Action::SearchPrev => {
            if let Some(effects) = audit::search_key(state, action == Action::SearchNext) {
                return effects;
            }
            let Some(query) = state.last_search.clone() else {
                state.message("no search yet: press / to search");
                return Vec::new();
            };
            prompt::jump_to_match(state, &query, action == Action::SearchNext, true)
        }
        Action::CycleSort => {
            state.options.sort = state.options.sort.next();
            state.message(format!("sorted by {}", state.options.sort.label()));
            state.rebuild_rows();
            keep_selection_visible(state);
            Vec::new()
        }
        Action::ToggleHidden => {
            state.options.show_hidden = !state.options.show_hidden;
            let shown = if state.options.show_hidden { "shown" } else { "hidden" };
            state.message(format!("hidden entries {shown}"));
            state.rebuild_rows();
            selection_changed(state)
        }
        Action::TogglePreview => {
            state.show_preview = !state.show_preview;
            state.preview = None;
            selection_changed(state)
        }
        Action::Help => {
            state.mode = Mode::Help { scroll: 0 };
            Vec::new()
        }
        Action::Quit => quit(state),
        Action::Mark => actions::toggle_mark(state),
        Action::ClearMarks => {
            actions::clear_marks(state);
            Vec::new()
        }
        Action::Permissions => actions::start_permissions(state),
        Action::Rename => actions::start_rename(state),
        Action::Create => actions::start_create(state),
        Action::Trash => actions::start_remove(state, false),
        Action::Delete => actions::start_remove(state, true),
        Action::RemoveEmptyDirs => actions::start_remove_empty_dirs(state),
        Action::Edit => actions::open_external(state, false),
        Action::Page => actions::open_external(state, true),
        Action::Refresh => actions::refresh(state),
        Action::Audit => audit::open_panel(state),
        Action::Inspect => {
            state.mode = Mode::Inspect { scroll: 0 };
            Vec::new()
        }
        Action::Messages => actions::open_message_log(state),
    }
}

fn on_help_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Help { scroll } = &mut state.mode else { return Vec::new() };
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
        KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
        _ => state.mode = Mode::Normal,
    }
    Vec::new()
}

/// Expands every ancestor of `id` and selects it.
pub(crate) fn reveal_node(state: &mut State, id: NodeId) {
    reveal(state, id);
}

pub(super) fn reveal(state: &mut State, id: NodeId) {
    let mut cursor = state.tree.parent(id);
    let mut changed = false;
    while let Some(dir) = cursor {
        changed |= state.rows.set_expanded(dir, true);
        cursor = state.tree.parent(dir);
    }
    if changed || state.rows_dirty || state.rows.position(id).is_none() {
        state.rebuild_rows();
    }
    if let Some(row) = state.rows.position(id) {
        state.selected = row;
        state.selected_id = Some(id);
    }
    keep_selection_visible(state);
}

fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    if !matches!(state.mode, Mode::Normal) {
        // The tree under an overlay or a prompt does not take clicks.
        return Vec::new();
    }
    let area = tree_area(state);
    match mouse.kind {
        MouseEventKind::ScrollDown => move_by(state, WHEEL_ROWS as isize),
        MouseEventKind::ScrollUp => move_by(state, -(WHEEL_ROWS as isize)),
        MouseEventKind::Down(MouseButton::Left)
            if area.contains((mouse.column, mouse.row).into()) =>
        {
            // Row 0 of the tree area is its title line.
            let Some(offset) = (mouse.row - area.y).checked_sub(1) else { return Vec::new() };
            let row = state.scroll + offset as usize;
            if row >= state.rows.len() {
                return Vec::new();
            }
            let double = state.last_click.is_some_and(|(at, last)| {
                last == row && state.now.duration_since(at) <= DOUBLE_CLICK
            });
            state.last_click = Some((state.now, row));
            let mut effects = select_row(state, row);
            if double {
                state.last_click = None;
                effects.extend(toggle(state));
            }
            effects
        }
        _ => Vec::new(),
    }
}

fn tree_area(state: &State) -> Rect {
    layout(Rect::new(0, 0, state.size.0, state.size.1), state.show_preview).tree
}

/// Rows of the tree pane that show entries (its first line is a title).
pub fn tree_height(state: &State) -> usize {
    tree_area(state).height.saturating_sub(1) as usize
}

fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let last = state.rows.len().saturating_sub(1) as isize;
    let target = (state.selected as isize + delta).clamp(0, last.max(0));
    select_row(state, target as usize)
}

fn select_row(state: &mut State, row: usize) -> Vec<Effect> {
    state.selected = row.min(state.rows.len().saturating_sub(1));
    keep_selection_visible(state);
    selection_changed(state)
}

/// After the selection may have moved: remember the node and ask for its
/// metadata (and preview) when it is a different node.
pub(crate) fn selection_changed(state: &mut State) -> Vec<Effect> {
    state.needs_draw = true;
    keep_selection_visible(state);
    let node = state.selected_node();
    let moved = node != state.selected_id;
    state.selected_id = node;
    let Some(id) = node else { return Vec::new() };
    let mut effects = Vec::new();
    if moved || state.meta.as_ref().is_none_or(|m| m.id != id) {
        state.meta = None;
        effects.push(Effect::LoadMeta { id, path: state.tree.path(id) });
    }
    if state.show_preview && (moved || state.preview.as_ref().is_none_or(|p| p.id != id)) {
        state.preview = None;
        effects.push(Effect::LoadPreview { id, path: state.tree.path(id) });
    }
    effects
}

/// Scrolls so the selected row is on screen.
pub fn keep_selection_visible(state: &mut State) {
    let height = tree_height(state).max(1);
    if state.selected < state.scroll {
        state.scroll = state.selected;
    } else if state.selected >= state.scroll + height {
        state.scroll = state.selected + 1 - height;
    }
    let max_scroll = state.rows.len().saturating_sub(height);
    state.scroll = state.scroll.min(max_scroll);
}

fn expand(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) != FileKind::Dir {
        return Vec::new();
    }
    if state.rows.is_expanded(id) {
        // Already open: step into it.
        if state.rows.get(state.selected + 1).is_some_and(|r| state.tree.parent(r.id) == Some(id)) {
            return move_by(state, 1);
        }
        return Vec::new();
    }
    state.rows.set_expanded(id, true);
    state.rebuild_rows();
    Vec::new()
}

fn toggle(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) != FileKind::Dir {
        return Vec::new();
    }
    let open = state.rows.is_expanded(id);
    state.rows.set_expanded(id, !open);
    state.rebuild_rows();
    keep_selection_visible(state);
    Vec::new()
}

fn collapse_or_parent(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) == FileKind::Dir && state.rows.is_expanded(id) {
        state.rows.set_expanded(id, false);
        state.rebuild_rows();
        keep_selection_visible(state);
        return Vec::new();
    }
    match state.tree.parent(id).and_then(|p| state.rows.position(p)) {
        Some(row) => select_row(state, row),
        None => Vec::new(),
    }
}
