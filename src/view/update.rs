//! `update(&mut State, Msg) -> Vec<Effect>`: every change to the interactive
//! model goes through here. Dispatch only: each message and key goes to the
//! file that owns it, and nothing in `view/` imports this one. No I/O and no
//! terminal: effects are returned for the loop to run, and their results
//! come back as messages.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::{Effect, Msg};
use super::nav::{
    collapse_or_parent, expand, keep_selection_visible, move_by, select_row, selection_changed,
    settle_selection, tree_height,
};
use super::state::{Mode, PromptKind, State};
use super::{
    actions, audit, column_keys, dialog, enter, fresh, goto, help, imported, loads, merge_roots,
    nav, outcomes, prompt, root, scan_in, sweep,
};
use crate::keymap::Action;
use crate::scan::ScanEvent;

/// Applies one message.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(state, msg);
    effects.extend(settle_selection(state));
    effects.extend(fresh::list_opened(state));
    // A huge directory's sort goes on one slice per message.
    if state.rows.order.wants_step() {
        effects.push(Effect::SortStep);
    }
    imported::filter(state, effects)
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(mouse) => nav::on_mouse(state, mouse),
        Msg::Resize(w, h) => {
            state.screen.size = (w, h);
            state.screen.needs_draw = true;
            keep_selection_visible(state);
            Vec::new()
        }
        // `:` put a new tree in place of the first scan's.
        Msg::Scan(_) if state.nav.main_dropped => Vec::new(),
        Msg::Scan(event) => scan_in::on_scan(state, event),
        Msg::MetaLoaded(loaded) => loads::on_meta(state, loaded),
        Msg::OwnerResolved { uid, user, gid, group } => {
            loads::on_owner(state, (uid, user), (gid, group));
            Vec::new()
        }
        Msg::PreviewLoaded(loaded) => {
            loads::on_preview(state, loaded);
            Vec::new()
        }
        Msg::Tick => {
            if state.screen.status.as_ref().is_some_and(|m| m.until <= state.screen.now) {
                state.screen.status = None;
                state.screen.needs_draw = true;
            }
            // The progress line moves while the scan or an action runs.
            state.screen.needs_draw |= state.scanning() || state.jobs.running.is_some();
            sweep::on_tick(state).into_iter().collect()
        }
        Msg::SortStep => {
            if state.rows.sort_step(&state.tree) {
                state.rebuild_rows();
            }
            Vec::new()
        }
        Msg::Terminate => quit(state),
        Msg::Resumed => {
            state.screen.needs_draw = true;
            Vec::new()
        }
        Msg::OpProgress(seen) => {
            outcomes::on_progress(state, seen);
            Vec::new()
        }
        Msg::OpDone(outcome) => outcomes::on_op_done(state, outcome),
        Msg::Rescan { ticket, event } => {
            let finished = matches!(event, ScanEvent::Finished { .. });
            let pass = match &event {
                ScanEvent::Finished { elapsed } => root::scan_ended(state, ticket, *elapsed),
                _ => None,
            };
            let dir = state.jobs.rescans.get(&ticket).map(|r| r.dir());
            let mut effects = scan_in::on_rescan_event(state, ticket, event);
            if !state.nav.merges.is_empty() {
                effects.extend(merge_roots::merge_arrived(state, ticket, finished));
            }
            effects.extend(pass);
            if finished && let Some(dir) = dir {
                effects.extend(fresh::rescan_again_if_changed(state, dir));
            }
            effects
        }
        Msg::Changes(changes) => {
            fresh::note_changes_during_rescans(state, &changes);
            let mut effects = outcomes::apply_path_changes(state, &changes);
            if state.rows.dirty && state.inspect.meta.is_none() {
                effects.extend(selection_changed(state));
            }
            effects
        }
        Msg::WatchLimit(reason) => {
            if !state.jobs.watch_limited {
                state.jobs.watch_limited = true;
                state.error(format!("live updates limited (R refreshes by hand): {reason}"));
            }
            Vec::new()
        }
        Msg::ExternalDone { result, change } => outcomes::on_external_done(state, result, change),
        Msg::Opened { path, result } => {
            enter::on_opened(state, &path, result);
            Vec::new()
        }
        Msg::Notice(text) => {
            state.message(text);
            Vec::new()
        }
        Msg::AuditPass(event) => {
            scan_in::on_audit_pass(state, event);
            Vec::new()
        }
        Msg::Listed { ticket, dir, listing } => fresh::on_listed(state, ticket, dir, listing),
        Msg::DirsChecked { ticket, stats } => sweep::on_checked(state, ticket, stats),
        Msg::BulkEdited { dir, dir_parents, entries, result } => {
            super::bulk::on_edited(state, dir, dir_parents, entries, result)
        }
        Msg::AccountsLoaded(accounts) => {
            super::owner::on_accounts(state, accounts);
            Vec::new()
        }
        Msg::Completions { ticket, names } => goto::on_completions(state, ticket, names),
        Msg::GotoChecked { ticket, path, real_roots, checked } => {
            goto::on_checked(state, ticket, path, &real_roots, checked)
        }
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.screen.quit = true;
    vec![Effect::Quit]
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.screen.needs_draw = true;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char('c') => return quit(state),
            KeyCode::Char('z') => return vec![Effect::Suspend],
            _ => {}
        }
    }
    match &state.mode {
        Mode::Prompt(_) => prompt::on_key(state, key),
        Mode::Help { .. } => help::on_key(state, key),
        Mode::Name(_) => actions::on_name_key(state, key),
        Mode::Confirm(_) => dialog::on_confirm_key(state, key),
        Mode::Report(_) => dialog::on_report_key(state, key),
        Mode::Perm(_) => actions::on_perm_key(state, key),
        Mode::Owner(_) => super::owner::on_key(state, key),
        Mode::Audit { .. } => audit::on_panel_key(state, key),
        Mode::Inspect { .. } => dialog::on_inspect_key(state, key),
        Mode::Paste(_) => super::paste_flow::on_key(state, key),
        Mode::Goto(_) => goto::on_key(state, key),
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
            if key.code == KeyCode::Esc && state.rows.options.filter.is_some() {
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
        Action::Toggle => enter::enter(state),
        Action::CollapseOrParent => collapse_or_parent(state),
        Action::Search => prompt::open(state, PromptKind::Search),
        Action::Filter => prompt::open(state, PromptKind::Filter),
        Action::SearchNext | Action::SearchPrev => {
            if let Some(effects) = audit::search_key(state, action == Action::SearchNext) {
                return effects;
            }
            let Some(query) = state.cursor.last_search.clone() else {
                state.message("no search yet: press / to search");
                return Vec::new();
            };
            prompt::jump_to_match(state, &query, action == Action::SearchNext, true)
        }
        Action::CycleSort => {
            state.rows.options.sort = state.rows.options.sort.next();
            state.message(format!("sorted by {}", state.rows.options.sort.label()));
            state.rebuild_rows();
            keep_selection_visible(state);
            Vec::new()
        }
        Action::ToggleDiskUsage => {
            let options = &mut state.rows.options;
            options.disk_usage = !options.disk_usage;
            let label = options.size_label();
            state.message(format!("sizes: {label}"));
            state.rebuild_rows();
            keep_selection_visible(state);
            Vec::new()
        }
        Action::CycleColumns => column_keys::cycle(state),
        Action::ToggleHidden => {
            state.rows.options.show_hidden = !state.rows.options.show_hidden;
            let shown = if state.rows.options.show_hidden { "shown" } else { "hidden" };
            state.message(format!("hidden entries {shown}"));
            state.rebuild_rows();
            selection_changed(state)
        }
        Action::TogglePreview => {
            state.inspect.show_preview = !state.inspect.show_preview;
            state.inspect.preview = None;
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
        Action::Messages => dialog::open_message_log(state),
        Action::BulkRename => super::bulk::start(state),
        Action::Owner => super::owner::start(state),
        Action::Undo => super::undo::undo_last(state),
        Action::Journal => super::undo::open_journal(state),
        Action::Yank => super::paste_flow::yank(state, crate::model::paste::PasteMode::Copy),
        Action::Cut => super::paste_flow::yank(state, crate::model::paste::PasteMode::Move),
        Action::Paste => super::paste_flow::start(state),
        Action::GoUp => root::up(state),
        Action::Zoom => root::zoom(state),
        Action::GoTo => goto::open(state),
    }
}
